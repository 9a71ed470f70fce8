/**
 * The one place numbers become text the way traders write them: $485M, $40.1M, $2,350, −22%. One rule per
 * kind of number (amounts, prices, percents), and the words every reply shares (days and times in the display
 * zone of zone.ts, sides, venues), used by every reply and chart.
 */
import { DAY, MINUTE } from '../core/time.js';
import { priceDecimals } from '../core/prices.js';
import { local, localDay, zoneLabel, zoneOffset } from './zone.js';
import { toned, type Reply } from './reply.js';

const SUFFIXES: [number, string][] = [
  [1e12, 'T'],
  [1e9, 'B'],
  [1e6, 'M'],
  [1e3, 'K'],
];

/**
 * Compact USD, three significant digits whatever the size, so a column reads alike: $475M beside $302M,
 * $39.5M, $5.1M, $950K, $1M (never $1000K), $420. Zeros after the point are dropped ($5M, $40M); under $1K,
 * whole dollars. Not a finite number: "n/a" (never "$InfinityT").
 */
export function usd(value: number): string {
  if (!Number.isFinite(value)) return 'n/a';
  const sign = value < 0 ? '-' : '';
  const v = Math.abs(value);
  for (let i = SUFFIXES.length - 1; i >= 0; i--) {
    const [size, suffix] = SUFFIXES[i]!;
    const next = SUFFIXES[i - 1]?.[0];
    const n = Number((v / size).toPrecision(3));
    // Rounding can carry into the next unit (999,700 → 1000K): that is $1M.
    if (n < 1 || (next !== undefined && n * size >= next)) continue;
    const digits = n >= 1000 ? grouped(n, 0) : trimZeros(n >= 100 ? n.toFixed(0) : n.toPrecision(3));
    return `${sign}$${digits}${suffix}`;
  }
  const r = Math.round(v);
  return r >= 1000 ? `${sign}$1K` : `${sign}$${r}`;
}

function trimZeros(s: string): string {
  return s.includes('.') ? s.replace(/\.?0+$/, '') : s;
}

/**
 * `v` (not negative) with `digits` decimals and a comma every three digits: 12,345.67. By hand, not with
 * Intl.NumberFormat, whose first use loads ICU's number data (~20 ms of a CLI answer's start).
 */
function grouped(v: number, digits: number): string {
  // Rounded half up on the number as written (13.995 → 14.00), as Intl does, not on its binary value (13.99).
  const [mantissa, exp] = String(v).split('e');
  const s = (Math.round(Number(`${mantissa}e${Number(exp ?? 0) + digits}`)) / 10 ** digits).toFixed(digits);
  const dot = digits > 0 ? s.length - digits - 1 : s.length;
  if (dot <= 3 || s.includes('e')) return s;
  let out = s.slice(0, dot % 3 || 3);
  for (let i = dot % 3 || 3; i < dot; i += 3) out += `,${s.slice(i, i + 3)}`;
  return out + s.slice(dot);
}

/**
 * A price, to the cent or to four significant digits, whichever is finer, and in whole dollars from $1,000:
 * $2,350 · $100.67 · $12.35 · $1.890 · $0.5120 · $0.00001234. An exact whole price stays whole ($136, a
 * level someone typed). The same price prints the same way in every reply and chart.
 */
export function price(value: number): string {
  return priceTo(value, priceDecimals(value));
}

function priceTo(value: number, digits: number): string {
  if (!Number.isFinite(value)) return 'n/a';
  return `${value < 0 ? '-' : ''}$${grouped(Math.abs(value), digits)}`;
}

/**
 * The decimals that print a level's price as it was set, never rounded to another price: $1,747.5 (a community's
 * level), where `price` would print $1,748 for it and for $1,748 alike. As `price` when that already shows all of it.
 */
export function levelDecimals(value: number): number {
  for (let d = priceDecimals(value); d <= 8; d++) if (Math.abs(Number(value.toFixed(d)) - value) <= Math.abs(value) * 1e-12) return d;
  return priceDecimals(value);
}

/** A count with thousands separators: 12,345. */
export function count(n: number): string {
  return n < 0 ? `-${grouped(-n, 0)}` : grouped(n, 0);
}

/** A level's label on a line that names its asset first: "prior-week low" for "BTC prior-week low", not said twice. */
export function labelAfter(asset: string, label: string | undefined): string | undefined {
  return label?.toUpperCase().startsWith(`${asset} `) ? label.slice(asset.length + 1) : label;
}

/**
 * A price level or zone as it was set: $3,000, $1,747.5 or $2,750–2,800; a zone's two edges to one precision, the
 * finer one, so neither is rounded and both read alike ($4,426.00–4,492.39, not $4,426–4,492.39).
 */
export function levelText(level: number | readonly [number, number]): string {
  if (typeof level === 'number') return priceTo(level, levelDecimals(level));
  const d = Math.max(levelDecimals(level[0]), levelDecimals(level[1]));
  return `${priceTo(level[0], d)}–${priceTo(level[1], d).slice(1)}`;
}

/** A computed price range, each end as `price` prints it: $2,200–2,350. */
export function rangeText(low: number, high: number): string {
  return `${price(low)}–${price(high).slice(1)}`;
}

/** Signed percent, two significant digits: +4.2%, −22%, +0.4% (a real minus sign). Not a finite number: "n/a". */
export function pct(fraction: number, digits = 1): string {
  const p = fraction * 100;
  if (!Number.isFinite(p)) return 'n/a';
  const s = Math.abs(p).toFixed(Math.abs(p) < 10 ? digits : Math.max(0, digits - 1) || 0);
  // A move that rounds to nothing has no direction: "0.0%", not "−0.0%".
  return `${Number(s) === 0 ? '' : p > 0 ? '+' : '−'}${s}%`;
}

/**
 * An unsigned share: 8%, 42%, 0.4%, <0.1% (something, never a "0.0%" that reads as nothing), and at the other end
 * 99.8%, >99.9% (not all of it, never a "100%" beside the 0.2% left).
 */
export function share(fraction: number): string {
  const p = fraction * 100;
  if (p > 0 && p < 0.05) return '<0.1%';
  if (p > 0 && p < 1) return `${p.toFixed(1)}%`;
  if (p >= 99.95 && p < 100) return '>99.9%';
  if (p >= 99.5 && p < 100) return `${p.toFixed(1)}%`;
  return `${Math.round(p)}%`;
}

/** How far from a value its float arithmetic may leave it, relatively: far below any share printed (0.1%). */
const FLOAT_NOISE = 1e-12;

/**
 * The shares of a whole that a reply lists together, each as `share` writes it, rounded together so they add up to 100%
 * (largest remainder): ETH, BTC, XRP and SOL's 49.58%, 32.67%, 9.13% and 8.62% of Feb 3 2025 read 49%, 33%, 9% and 9%,
 * not 50%, 33%, 9% and 9% (101%). A share under 1%
 * keeps its decimal ("0.4%", "<0.1%"), and the whole percents make up the rest of 100%; one that would make up to 100%
 * without being all of it keeps its decimal too (Jun 23 2025's BTC: longs 0.2%, shorts 99.8%, not 100%). `parts` are
 * amounts of one unit, none negative, the whole their sum (a list cut short names what it leaves out as a part of its own).
 */
export function shares(parts: readonly number[]): string[] {
  const sum = parts.reduce((a, v) => a + v, 0);
  if (!(sum > 0)) return parts.map(() => share(0));
  // A part a float's rounding away from nothing (the 1e-10 left when a total less the venues named is taken) is
  // nothing: not a slice that keeps the rest from being all of it (Oct 22 2025's one venue read ">99.9%").
  const noise = sum * FLOAT_NOISE;
  const kept = parts.map((v) => (v <= noise ? 0 : v));
  const total = kept.reduce((a, v) => a + v, 0);
  // A part within a float's rounding of the whole is the whole.
  const pcts = kept.map((v) => (v >= total * (1 - FLOAT_NOISE) ? 100 : (v / total) * 100));
  const small = pcts.reduce((a, p) => (p < 1 ? a + p : a), 0);
  const whole = pcts.map((p) => (p >= 1 ? Math.floor(p) : 0));
  let left = 100 - Math.round(small) - whole.reduce((a, n) => a + n, 0);
  // The points left go to the largest remainders (the larger share first at a tie).
  const rest = (i: number): number => pcts[i]! - whole[i]!;
  const order = [...pcts.keys()].filter((i) => pcts[i]! >= 1).sort((i, j) => rest(j) - rest(i) || pcts[j]! - pcts[i]!);
  for (const i of order) {
    if (left <= 0) break;
    whole[i] = whole[i]! + 1;
    left--;
  }
  return pcts.map((p, i) => (p >= 1 && (whole[i]! < 100 || p >= 100) ? `${whole[i]}%` : share(p / 100)));
}

/** 1st, 2nd, 3rd, 4th, 11th, 21st. */
export function ordinal(n: number): string {
  const mod100 = n % 100;
  if (mod100 >= 11 && mod100 <= 13) return `${n}th`;
  return `${n}${['th', 'st', 'nd', 'rd'][n % 10] ?? 'th'}`;
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/**
 * A day as traders write it, in the display zone: Oct 10, with the year when it is not the reference year, or, in a
 * list of dates, not the year of the date told before it (`prevMs`): "Jun 20, 2024 …, Jun 23, 2025 …, Oct 25" as of Oct
 * 25 2025, where a bare "Jun 23" after a date of 2024 reads as 2024.
 */
export function day(ms: number, refMs?: number, prevMs?: number): string {
  return dayText(local(ms), refMs === undefined ? undefined : local(refMs), prevMs === undefined ? undefined : local(prevMs));
}

/** A UTC calendar day (a vendor's daily total, the day a ranking ranks): Oct 10, whatever the display zone; the year as `day` says it. */
export function utcDay(ms: number, refMs?: number, prevMs?: number): string {
  return dayText(new Date(ms), refMs === undefined ? undefined : new Date(refMs), prevMs === undefined ? undefined : new Date(prevMs));
}

function dayText(d: Date, ref: Date | undefined, prev: Date | undefined): string {
  const s = `${MONTHS[d.getUTCMonth()]} ${d.getUTCDate()}`;
  const year = d.getUTCFullYear();
  const named = (ref !== undefined && ref.getUTCFullYear() !== year) || (prev !== undefined && prev.getUTCFullYear() !== year);
  return named ? `${s}, ${year}` : s;
}

/** A time of day in the display zone: 14:05. */
export function clock(ms: number): string {
  return local(ms).toISOString().slice(11, 16);
}

/**
 * A time of day told as of `now` (the moment a reply's footer or an alert's header stamps, in its zone): 14:05, or
 * "01:50 EDT" when a daylight-saving change lies between them. The footer's zone is the one a bare time is read in,
 * and on the night New York falls back 01:50 EDT comes before 01:13 EST.
 */
export function clockAsOf(ts: number, now: number): string {
  return zoneOffset(ts) === zoneOffset(now) ? clock(ts) : `${clock(ts)} ${zoneLabel(ts)}`;
}

/**
 * The zone names the ends of a stretch need: both when a daylight-saving change falls inside it ("01:50 EDT–01:13
 * EST", not a range that runs backwards), the end's alone when one falls between the stretch and `now` ("01:50–01:59
 * EDT" beside a footer in EST), none otherwise (always in UTC).
 */
function endZones(from: number, to: number, now: number): [string, string] {
  if (zoneOffset(from) !== zoneOffset(to)) return [` ${zoneLabel(from)}`, ` ${zoneLabel(to)}`];
  return ['', zoneOffset(to) === zoneOffset(now) ? '' : ` ${zoneLabel(to)}`];
}

/**
 * The same minute: of the same day, on the same clock. 01:30 EDT and 01:30 EST, an hour apart, are not, nor are 23:00
 * on Jan 30 and 23:00 on Jan 31 (a day of vendor hourly totals read "at 23:00"). Offsets are whole minutes, so the
 * same UTC minute is the same minute on any clock.
 */
function sameMinute(from: number, to: number): boolean {
  return Math.floor(from / MINUTE) === Math.floor(to / MINUTE);
}

/**
 * A stretch told by the clock as of `now` (its end by default): "16:52–16:54", or "at 17:08" when it began and ended in
 * the same minute; zones named as `endZones` says. Where it is not all on the day of `now`, dated as `spanWords` dates
 * it ("Jan 31 12:41–16:05" in a reply of Feb 1 00:59, "Jan 30 23:00–Jan 31 23:00"), so no time reads as one of today's
 * or one still to come.
 */
export function clockRange(from: number, to: number, now = to): string {
  const today = localDay(from) === localDay(now) && localDay(to) === localDay(now);
  if (sameMinute(from, to)) return `at ${today ? clockAsOf(from, now) : whenWord(from, now)}`;
  if (!today) return spanWords(from, to, now);
  const [a, z] = endZones(from, to, now);
  return `${clock(from)}${a}–${clock(to)}${z}`;
}

/**
 * How long a stretch told as a clock range ran, as the range reads: the minutes between its two ends as the clock
 * shows them (each cut to its minute), so "in 16 min (16:52–17:08)" and never "17 min" beside a range whose ends
 * are 16 minutes apart (BTC's Jan 27 2025 cascade, 16:52:00–17:08:48, rounded up). Under a minute, its seconds ("in
 * 45s (at 17:08)"). Cutting both ends, not rounding them, keeps each end the time of day every other line shows for
 * that moment (a largest order at 16:52:45 reads "16:52", so the cascade it began reads 16:52, not 16:53); the
 * duration said is then within a minute of the true one, as a rounded one is, and never disagrees with its own range.
 */
export function clockDuration(from: number, to: number): string {
  if (to - from < MINUTE) return duration(Math.floor(Math.max(0, to - from) / 1000) * 1000);
  return duration((Math.floor(to / MINUTE) - Math.floor(from / MINUTE)) * MINUTE);
}

/** A timestamp for footers, with its zone: 2026-01-31 14:05 UTC. */
export function stamp(ms: number): string {
  return `${local(ms).toISOString().slice(0, 16).replace('T', ' ')} ${zoneLabel(ms)}`;
}

/**
 * A message that says once which zone its bare times of day are in ("Since 16:50" beside a Telegram time in the
 * reader's own zone): its footer, the message's moment stamped with the zone as every reply's footer ends. A footer the
 * message has already (one that names its zone: the digest's) is kept.
 */
export function stamped(r: Reply, ms: number): Reply {
  return r.footer ? r : { ...r, footer: [toned(stamp(ms), 'muted')] };
}

/**
 * A duration: 45s, 12 min, 3h 20 min, 2d 4h. Minutes are "min", never a bare "m": beside amounts ("$2.66M in 23m")
 * an m reads as millions.
 */
export function duration(ms: number): string {
  const s = Math.round(ms / 1000);
  if (s < 60) return `${s}s`;
  const m = Math.round(s / 60);
  if (m < 60) return `${m} min`;
  const h = Math.floor(m / 60);
  if (h < 48) return m % 60 ? `${h}h ${m % 60} min` : `${h}h`;
  const d = Math.floor(h / 24);
  return h % 24 ? `${d}d ${h % 24}h` : `${d}d`;
}

/**
 * A window's name as a sentence says it: a window of minutes in "min" (`30m` → "30 min", as `duration` says minutes:
 * "$1.2M liquidated in 30 min", not "in 30m"), the others as named (4h, 24h, 7d). Titles and buttons keep the name.
 */
export function windowWords(name: string): string {
  const m = /^(\d+)m$/.exec(name);
  return m ? `${m[1]} min` : name;
}

/** "longs"/"shorts" (or one "long"/"short"), and the tone an adapter shows a side in. */
export const sideWord = (side: 'long' | 'short', n = 2) => (side === 'long' ? (n === 1 ? 'long' : 'longs') : n === 1 ? 'short' : 'shorts');
export const sideTone = (side: 'long' | 'short') => (side === 'long' ? 'long' : 'short');

/** Venues as traders name them (ccxt ids in, display names out). */
const NAMES: Record<string, string> = {
  binance: 'Binance',
  binanceusdm: 'Binance',
  binancecoinm: 'Binance COIN-M',
  bybit: 'Bybit',
  okx: 'OKX',
  bitget: 'Bitget',
  hyperliquid: 'Hyperliquid',
  deribit: 'Deribit',
  bitmex: 'BitMEX',
  gate: 'Gate',
  gateio: 'Gate',
  htx: 'HTX',
  bitfinex: 'Bitfinex',
  lighter: 'Lighter',
  kucoinfutures: 'KuCoin',
  mexc: 'MEXC',
};

export function venueName(exchange: string): string {
  return NAMES[exchange] ?? exchange.charAt(0).toUpperCase() + exchange.slice(1);
}

/** A venue as a footer names it, starred when its stream is sampled. */
export function venueLabel(ex: string, sampled: boolean): string {
  return `${venueName(ex)}${sampled ? '*' : ''}`;
}

/** Venues by name, each once: "Binance, OKX". */
export function venueNames(exchanges: readonly string[]): string {
  return [...new Set(exchanges.map(venueName))].join(', ');
}

/** The venues as a subject: one named ("Bybit"), two "both exchanges", more "all 7 exchanges". */
export function venuesWord(exchanges: readonly string[]): { word: string; one: boolean } {
  const names = [...new Set(exchanges.map(venueName))];
  return { word: names.length === 1 ? names[0]! : names.length === 2 ? 'both exchanges' : `all ${names.length} exchanges`, one: names.length === 1 };
}

const WEEKDAYS = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'];

/** "14:30" the same day, "Monday" within the last week, "Oct 10" before: how a chat says when a chop began. */
export function sinceWord(ts: number, now: number): string {
  if (localDay(ts) === localDay(now)) return clockAsOf(ts, now);
  return now - ts < 6 * DAY ? WEEKDAYS[local(ts).getUTCDay()]! : day(ts, now);
}

/**
 * A level's last break in a word, the same in every reply and chart: lost / broke up, or, when it undid the break
 * before it, reclaimed / failed breakout.
 */
export function breakWord(direction: 'up' | 'down', undid: boolean): string {
  if (undid) return direction === 'up' ? 'reclaimed' : 'failed breakout';
  return direction === 'down' ? 'lost' : 'broke up';
}

/**
 * A moment told as of `now`: 14:05 the same day, else Feb 2 03:30 (so a time never reads as one still to come); with
 * its zone where `now` is told in another offset (clockAsOf): "Apr 6 05:15 EDT" in a reply stamped in EST. In a list,
 * dated with its year where the date told before it (`prev`) is of another year (`day`).
 */
export function whenWord(ts: number, now: number, prev?: number): string {
  // A reply with no moment of its own (a market that has seen no event yet, asked about a feed connecting): the clock.
  if (!Number.isFinite(now)) return clock(ts);
  return localDay(ts) === localDay(now) ? clockAsOf(ts, now) : `${day(ts, now, prev)} ${clockAsOf(ts, now)}`;
}

/**
 * A stretch told as of `now`: 16:50 (within one minute), 16:50–17:08, Jan 27 16:50–17:08, Jan 27 16:50–Jan 28 02:00;
 * zones named where a daylight-saving change falls inside it or after it (endZones): 00:50 GMT–02:10 BST. In a list,
 * dated as `day` dates after the date told before it (`prev`).
 */
export function spanWords(from: number, to: number, now: number, prev?: number): string {
  const [a, z] = endZones(from, to, now);
  if (localDay(from) === localDay(to)) {
    if (sameMinute(from, to)) return whenWord(from, now, prev);
    return `${localDay(from) === localDay(now) ? '' : `${day(from, now, prev)} `}${clock(from)}${a}–${clock(to)}${z}`;
  }
  // Two days: both dated (Jan 28 00:00–Jan 31 23:59), even when the second is today; the second with its year where
  // the first's is another (Dec 31, 2025 22:00–Jan 1, 2026 02:00).
  return `${day(from, now, prev)} ${clock(from)}${a}–${day(to, now, from)} ${clock(to)}${z}`;
}

/** "a", "a and b", "a, b and c". */
export function listText(items: string[]): string {
  return items.length <= 1 ? (items[0] ?? '') : `${items.slice(0, -1).join(', ')} and ${items[items.length - 1]}`;
}
