/**
 * `/liqs` as a neutral Reply: one asset's window (totals, sides, venues, the largest orders, its cascades,
 * leverage) and the market-wide view.
 */
import type { CascadeRecord } from '../core/cascades.js';
import type { FlushRecord } from '../core/flush.js';
import type { Ranking } from '../core/history.js';
import type { AssetFlush, Coverage, LiquidationSummary, MarketSummary, StoredDays } from '../core/summary.js';
import { coverageLine, emptyWindow, printsOnly, stretchesText } from './coverage.js';
import { isSampled, venueKey } from '../core/venues.js';
import { clockAsOf, clockRange, count, day, listText, ordinal, pct, price, share, shares, sideTone, sideWord, usd, spanWords, utcDay, venueLabel, venueName, whenWord, windowWords } from './format.js';
import { leverageFields, windowButtons } from './leverage.js';
import { b, toned, type Field, type Line, type Reply } from './reply.js';
import { hoursCounted } from '../core/hourly-totals.js';
import { RECORDING_GAP_MS } from '../core/coverage.js';
import { DAY } from '../core/time.js';
import { localDay, zoneIsUtc } from './zone.js';

/** Venues' shares compare fairly only when each is counted the same way: all complete or all sampled, none with a gap. */
function coveredAlike(exchanges: readonly string[], c: Coverage): boolean {
  const sampled = exchanges.filter((e) => c.sampled.includes(e));
  const gapped = exchanges.some((e) => c.gaps.some((g) => g.exchange === e));
  const hourly = exchanges.filter((e) => c.hourly?.includes(e));
  return !gapped && (sampled.length === 0 || sampled.length === exchanges.length) && (hourly.length === 0 || hourly.length === exchanges.length);
}

/**
 * What a window's single records are, in a count ("16 prints") or against stored totals ("from prints"): a sampled
 * stream's are prints (at most one per symbol each second, each possibly standing for several orders), a complete
 * stream's orders; where both fed the window, both words.
 */
function singles(c: Coverage, n = 2): string {
  const sampled = c.exchanges.length > 0 && c.exchanges.every((e) => c.sampled.includes(e));
  if (sampled) return n === 1 ? 'print' : 'prints';
  return c.sampled.length ? 'orders and prints' : n === 1 ? 'order' : 'orders';
}

/** `singles` set against stored totals: "single orders", or "prints" (which are single by name). */
function singlesApart(c: Coverage, n = 2): string {
  const word = singles(c, n);
  return word.startsWith('print') ? word : `single ${word}`;
}

/**
 * Whose days a ranking compares, as the sentence says it: "on Binance*" (a sampled venue starred, as the footer
 * explains), "on Binance, Bybit, OKX", "on 6 exchanges", "across all exchanges" (a vendor's figure for every exchange
 * at once); nothing where the ranking does not say (a ranking made before it did).
 */
function rankingScope(r: Ranking): string {
  if (r.allExchanges) return ' across all exchanges';
  const names = [...new Map((r.venues ?? []).map((v) => [venueName(v), venueLabel(v, isSampled(v))])).values()];
  if (!names.length) return '';
  return names.length <= 3 ? ` on ${names.join(', ')}` : ` on ${names.length} exchanges`;
}

/**
 * Where a total ranks against the asset's full days, within the series it was compared in (the venues of its figures),
 * saying what was compared. A day ranks among the days: "Largest ETH long-liquidation day on Binance* since Oct 10, when
 * $1.26B of longs went · 3rd-largest of the last 91 days" (`days` counts it and the days before it). A stretch shorter
 * than a day, a cascade or a window of hours, is held against the full days before it, never ranked as a day: "Bigger
 * than any full ETH long-liquidation day…", "Longs in 1h already exceed any full ETH long-liquidation day…", with the
 * days that were bigger ("· 2 of the last 90 days were bigger"), not a rank that reads as the hour's. A larger day under
 * two weeks back makes no "largest since": a place in the top five is said instead ("5th-largest … of the last 91
 * days", "Bigger than 86 of the last 90 full … days"), else nothing. Bigger than every comparable day held, it says how
 * many ("in the last 400 days"), or, where Binance's days before its stream became sampled were left out, since then.
 */
export function rankingText(asset: string, r: Ranking, what: 'day' | 'cascade' | { window: string }): string | undefined {
  const scope = rankingScope(r);
  const kind = `${asset} ${sideWord(r.side, 1)}-liquidation day${scope}`;
  const part = what !== 'day';
  const compared = part ? r.days - 1 : r.days;
  const span = `the last ${count(compared)} days`;
  const bigger = r.rank - 1;
  const inSpan = r.rank > 1 && r.rank <= 5 ? (part ? ` · ${bigger} of ${span} ${bigger === 1 ? 'was' : 'were'} bigger` : ` · ${ordinal(r.rank)}-largest of ${span}`) : '';
  const sides = sideWord(r.side);
  // A stretch shorter than a day exceeds days: "Bigger than", "Longs in 4h already exceed".
  const exceed = what === 'day' ? undefined : what === 'cascade' ? 'Bigger than' : `${sides[0]!.toUpperCase()}${sides.slice(1)} in ${windowWords(what.window)} already exceed`;
  const subject = exceed === undefined ? `Largest ${kind}` : `${exceed} any full ${kind}`;
  if (r.since) {
    // The larger day's own figure is said as that day's: "since Oct 10 ($1.26B)" read as a total bigger than $1.26B.
    if (r.day - r.since.day >= 14 * DAY) return `${subject} since ${utcDay(r.since.day, r.day)}, when ${usd(r.since.usd)} of ${sides} went${inSpan}`;
    // "Largest since" a day under two weeks back is no news (SOL's Aug 3 2024 longs read "largest … since Aug 2", the
    // day before): a place in the top five of the days compared is ("5th-largest … of the last 91 days").
    if (r.rank > 5) return undefined;
    if (r.rank === 1) return `${subject} in ${span}`;
    const days = `${asset} ${sideWord(r.side, 1)}-liquidation days${scope}`;
    return exceed === undefined ? `${ordinal(r.rank)}-largest ${kind} of ${span}` : `${exceed} ${count(compared - bigger)} of the last ${count(compared)} full ${days}`;
  }
  // No larger day in all the comparable history kept (`days` counts it all): bigger than every day compared. Where the
  // days before Binance's stream became sampled were left out, the history compared starts there.
  if (r.rank !== 1) return undefined;
  if (r.sampledSince === undefined) return `${subject} in ${span}`;
  const venues = r.venues ?? [];
  const alone = !r.allExchanges && venues.length > 0 && venues.every((v) => venueKey(v) === 'binance');
  return `${subject} since ${alone ? 'its' : "Binance's"} stream became sampled (${utcDay(r.sampledSince, r.day)})`;
}

function splitLine(long: number, short: number): Line {
  const [longShare, shortShare] = shares([long, short]);
  return [toned(`Longs ${usd(long)}`, 'long', true), ` (${longShare}) · `, toned(`Shorts ${usd(short)}`, 'short', true), ` (${shortShare})`];
}

/**
 * When a cascade or flush ran: a time of day where it was on the day of `now`, else dated, whatever the window (a 7d
 * window's "Jan 27 16:52–16:54"; a 24h window's "Jan 31 12:41–16:05" at Feb 1 00:59, where "12:41–16:05" read as
 * today's, still to come). In the zone replies are told in: its day, not UTC's.
 */
function ranWhen(r: { startedAt: number; endedAt?: number }, now: number, windowMs: number): string {
  if (r.endedAt === undefined) return `since ${whenWord(r.startedAt, now)} (running)`;
  return windowMs <= DAY ? clockRange(r.startedAt, r.endedAt, now) : spanWords(r.startedAt, r.endedAt, now);
}

function cascadeLine(c: CascadeRecord, now: number, windowMs: number): Line {
  const when = ranWhen(c, now, windowMs);
  const where = c.extreme !== undefined ? `, ${c.side === 'long' ? 'low' : 'high'} ${price(c.extreme)}` : '';
  return [toned(`${c.side === 'long' ? 'Long' : 'Short'} cascade ${when}: ${usd(c.usd)}${where}`, sideTone(c.side))];
}

/**
 * A market-wide flush: across how many assets in `/liqs all`; in one asset's `/liqs`, that asset's part of it ("BTC $635K
 * of $2.62M (24%)"), so a cascade of its own that is over does not read as the selling being over.
 */
function flushLine(f: FlushRecord | AssetFlush, now: number, windowMs: number, asset?: string): Line {
  const when = ranWhen(f, now, windowMs);
  const part = asset !== undefined && 'assetUsd' in f ? `${asset} ${usd(f.assetUsd)} of ${usd(f.usd)} (${share(f.assetUsd / f.usd)})` : `${usd(f.usd)} across ${f.assetCount} assets`;
  return [toned(`Market-wide ${f.side} flush ${when}: ${part}`, sideTone(f.side))];
}

/**
 * Consecutive UTC days as ranges: "Jan 25–30, Feb 2"; "Jan 25–30, Feb 2 UTC" where the chat's zone is another, whose
 * times (the largest orders' "Jan 28 02:08" in Seoul) would otherwise seem to fall outside them. The year as `utcDay`
 * names it in a list, as of `ref` and after the date told before the list (`prev`): "Dec 29–31, 2025, Jan 1, 2026".
 */
function dayRanges(days: readonly number[], ref: number, prev = ref): string {
  const out: string[] = [];
  const year = (ms: number) => new Date(ms).getUTCFullYear();
  for (let i = 0; i < days.length; ) {
    let j = i;
    while (j + 1 < days.length && days[j + 1]! - days[j]! === DAY) j++;
    const a = utcDay(days[i]!, ref, prev), z = utcDay(days[j]!, ref, days[i]);
    // One month of one year: "Jan 25–30" ("Dec 29–31, 2025"), its year once.
    const [month, first, named] = /^(\w+) (\d+)(, \d+)?$/.exec(a)!.slice(1);
    const oneMonth = year(days[i]!) === year(days[j]!) && z.startsWith(`${month} `);
    out.push(i === j ? a : oneMonth ? `${month} ${first}–${z.split(/[ ,]/)[1]}${named ?? ''}` : `${a}–${z}`);
    prev = days[j]!;
    i = j + 1;
  }
  return `${out.join(', ')}${zoneIsUtc() ? '' : ' UTC'}`;
}

/**
 * Which days are single orders and which are stored totals: they are not counted the same way. A sampled venue's totals
 * are starred (built from its sampled stream: lower bounds), and single orders inside a day counted from its total are
 * said to be held by it, not added ("which hold the 37 single orders of Jan 27 16:50–17:20").
 */
function storedDaysLine(d: StoredDays, ordersText: string, c: Coverage, asOf: number, subject = ''): Line {
  const split = d.venues ? `${d.venues.map((v) => venueLabel(v, isSampled(v))).join(', ')} totals` : 'not split by exchange';
  let held = '';
  if (d.within) {
    const w = d.within;
    const stretches = (c.recorded?.stretches ?? []).filter(([a, z]) => w.days.some((day) => z >= day && a < day + DAY));
    const when = stretches.length ? stretchesText(stretches, asOf) : dayRanges(w.days, asOf);
    held = `, which hold the ${w.count === 1 ? singlesApart(c, 1) : `${count(w.count)} ${singlesApart(c)}`} of ${when}`;
  }
  return [toned(`${dayRanges(d.totals, asOf)} from stored daily totals${subject} (${usd(d.longUsd + d.shortUsd)}, ${split}${held})${d.orders.length ? ordersText : ''}`, 'muted')];
}

/**
 * A stretch dated even on the day of `now` ("Jan 27 16:50–17:20"), beside whole days named by their dates; with its
 * year where the date told before it (`prev`) is of another (`day`).
 */
function datedSpan(from: number, to: number, now: number, prev: number): string {
  const span = spanWords(from, to, now, prev);
  return localDay(from) === localDay(now) && localDay(to) === localDay(from) ? `${day(from, now, prev)} ${span}` : span;
}

/**
 * Where a window's stored days and a file's prints leave part of it out, what they cover: "Jan 21–26 and Jan 27
 * 16:50–17:20" (a 7d figure of six vendor days and half an hour of prints is not a week's). Nothing where together they
 * cover it (no hole of a recording gap, as `recordedIn` reads a file's prints alone), nor live, where no file says what
 * the prints cover. Prints inside a stored day are that day's (its total holds them).
 */
function storedCover(d: StoredDays, c: Coverage, from: number, to: number): string | undefined {
  const rec = c.recorded;
  if (!rec || rec.full) return undefined;
  const prints = rec.stretches.filter(([a, z]) => !d.totals.some((day) => a >= day && z < day + DAY));
  const spans = [...d.totals.map((day): [number, number] => [Math.max(day, from), Math.min(day + DAY, to)]), ...prints.map(([a, z]): [number, number] => [a, z])].sort((x, y) => x[0] - y[0]);
  const merged: [number, number][] = [];
  for (const [a, z] of spans) {
    const last = merged[merged.length - 1];
    if (last && a - last[1] < RECORDING_GAP_MS) last[1] = Math.max(last[1], z);
    else merged.push([a, z]);
  }
  const edge = Math.min(RECORDING_GAP_MS, (to - from) / 10);
  if (merged.length === 1 && merged[0]![0] - from < edge && to - merged[0]![1] < edge) return undefined;
  // Many stretches of prints (a file of bursts) are said as their span.
  // Told after the days, each dated as a list dates (the year where it changes from the date before).
  const after = (i: number) => (i > 0 ? prints[i - 1]![1] : d.totals.length ? d.totals[d.totals.length - 1]! : to);
  const printed = prints.length > 3 ? [`prints ${datedSpan(prints[0]![0], prints[prints.length - 1]![1], to, after(0))} with gaps`] : prints.map(([a, z], i) => datedSpan(a, z, to, after(i)));
  return listText([...(d.totals.length ? [dayRanges(d.totals, to)] : []), ...printed]);
}

/** A row's part from vendor totals: "all from daily totals" where it is the row's whole figure, not that figure twice. */
function fromTotals(part: number | undefined, total: number, kind: 'hourly' | 'daily'): string {
  if (!part) return '';
  return Math.abs(part - total) <= 1e-9 * total ? ` · all from ${kind} totals` : ` · ${usd(part)} from ${kind} totals`;
}

/** An empty window's days with stored daily totals, which are whole days and so not in its figures. */
function dayTotalsLine(days: NonNullable<LiquidationSummary['dayTotals']>, ref: number): Line {
  const each = days.map((d, i) => `${utcDay(d.day, ref, i > 0 ? days[i - 1]!.day : ref)} ${usd(d.longUsd + d.shortUsd)} (L ${usd(d.longUsd)} / S ${usd(d.shortUsd)})`).join(' · ');
  return [toned(`Stored daily totals, whole UTC days not cut to this window: ${each}`, 'muted')];
}

/**
 * A venue counted from a vendor's hourly totals, labelled: the hours a window counts are those over by its end
 * (`hoursCounted`), named where they are not the window's own ("hourly totals 13:00–14:00" in a 1h window to 14:00:30),
 * dated where they reach into another day (a 24h window to 23:30: "hourly totals Jan 30 23:00–Jan 31 23:00", 24 hours,
 * not "at 23:00").
 */
function hourlyLabel(w: { from: number; to: number; windowMs: number }): string {
  const [a, z] = hoursCounted(w.from, w.to);
  if (a === w.from && z === w.to) return ' (hourly totals)';
  return ` (hourly totals ${w.windowMs <= DAY ? clockRange(a, z, w.to) : spanWords(a, z, w.to)})`;
}

/** The sampled venues shown, each with its share ("Binance 6%", its streams as one venue, as traders name it). */
function sampledShares(venues: readonly [string, { share: number; sampled: boolean }][]): string[] {
  const byName = new Map<string, number>();
  for (const [ex, v] of venues) if (v.sampled) byName.set(venueName(ex), (byName.get(venueName(ex)) ?? 0) + v.share);
  return [...byName].map(([name, sh]) => `${name} ${share(sh)}`);
}

/**
 * What a window's price line opens with: "Price " where its prices cover the window, else the stretch they cover, said
 * before the move so it is not read as the window's ("Price since 12:00 (no earlier prices): $98,700 → $99,599 (+0.9%)"
 * under a 24h title, where "Price $98,700 → $99,599 (+0.9%) … (prices 12:00–16:54 only)" was read as the day's move).
 * An end within a tenth of the window (an hour at most) of the window's own is the window's.
 */
function priceSpan(s: LiquidationSummary): string {
  const p = s.price!;
  if (p.from === undefined || p.to === undefined) return 'Price ';
  const edge = Math.min(RECORDING_GAP_MS, s.windowMs / 10);
  const lateStart = p.from - s.from >= edge, earlyEnd = s.to - p.to >= edge;
  if (lateStart && !earlyEnd) return `Price since ${whenWord(p.from, s.to)} (no earlier prices): `;
  if (earlyEnd && !lateStart) return `Price to ${whenWord(p.to, s.to)} (no later prices): `;
  const span = spanWords(p.from, p.to, s.to);
  // One minute of prices (a single print) is a moment: "at 00:20".
  return `Price ${span.includes('–') ? span : `at ${span}`} only (no prices before or after): `;
}

/** `/liqs ASSET WINDOW`. */
export function summaryReply(s: LiquidationSummary, windows: readonly string[]): Reply {
  const title: Line = [`${s.asset} liquidations · ${s.window}`];
  const buttons = windowButtons(`liqs ${s.asset}`, windows, s.window);
  const priceLine: Line[] = [];
  if (s.price) {
    const p = s.price;
    const head = priceSpan(s);
    // A price that never moved (one print) has no move or range to show.
    if (p.high === p.low) priceLine.push([`${head}${price(p.close)}, unchanged`]);
    else {
      priceLine.push([
        `${head}${price(p.open)} → ${price(p.close)} `,
        toned(`(${pct(p.changePct / 100)})`, p.changePct >= 0 ? 'up' : 'down'),
        ` · low ${price(p.low)} · high ${price(p.high)}`,
      ]);
    }
  }
  if (s.totalUsd === 0) {
    const empty = emptyWindow(s.coverage, s.asset, s.window, s.to);
    // Open interest and funding are their own data: a window without liquidations still has them to show.
    const leverage = s.leverage ? leverageFields(s.leverage, s.window) : [];
    return { title, blocks: [[[empty.text], ...(s.dayTotals ? [dayTotalsLine(s.dayTotals, s.to)] : []), ...priceLine]], ...(leverage.length ? { fields: leverage } : {}), buttons, footer: empty.footer, tone: 'neutral' };
  }
  // Orders are counted only where there are some: stored or hourly totals have no count (and the prints' stretches
  // are said only where they are the figure's whole source).
  // Next to stored daily totals, the orders counted are those of the days with single orders: said, so "$145M (37
  // orders)" does not read as 37 orders making the whole figure.
  // A sampled stream's are prints, each possibly standing for several orders: "16 prints", not "16 orders".
  const word = singles(s.coverage, s.count);
  const orders = `${count(s.count)} ${word}${s.days?.orders.length ? ` on ${dayRanges(s.days.orders, s.to)}` : ''}`;
  // Beside stored days, what the days and the prints cover where they leave the window out, first: "(Jan 21–26 and
  // Jan 27 16:50–17:20 only; 37 prints on Jan 27)".
  const covered = s.days && storedCover(s.days, s.coverage, s.from, s.to);
  const only = s.days ? [] : printsOnly(s.coverage, s.to);
  // Prints counted and the file's prints' stretches are one note: "49 prints, 16:50–17:20 only".
  const notes = covered ? [`${covered} only`, ...(s.count > 0 ? [orders] : [])]
    : s.count > 0 && word.includes('print') && only.length ? [`${orders}, ${only[0]!.replace(/^prints /, '')}`]
    : [...(s.count > 0 ? [orders] : []), ...only];
  const head: Line[] = [[b(usd(s.totalUsd)), ` liquidated in ${windowWords(s.window)}${notes.length ? ` (${notes.join('; ')})` : ''}`], splitLine(s.longUsd, s.shortUsd)];
  if (s.days) head.push(storedDaysLine(s.days, `; ${dayRanges(s.days.orders, s.to, s.days.totals[s.days.totals.length - 1])} from ${singlesApart(s.coverage)}`, s.coverage, s.to));
  // A window of hours is not a day: it is said to exceed the days, not to be the largest of them.
  const rank = s.ranking && rankingText(s.asset, s.ranking, s.windowMs < DAY ? { window: s.window } : 'day');
  if (rank) head.push([b(rank)]);
  head.push(...priceLine);
  for (const c of s.cascades.slice(-2)) head.push(cascadeLine(c, s.to, s.windowMs));
  for (const f of (s.flushes ?? []).slice(-2)) head.push(flushLine(f, s.to, s.windowMs, s.asset));

  const fields: Field[] = [];
  const venues = Object.entries(s.byExchange);
  const venueShares = shares(venues.map(([, v]) => v.share));
  const exLines: Line[] = venues.map(([ex, v], i) => [
    b(venueLabel(ex, v.sampled)),
    ` ${usd(v.totalUsd)} · ${venueShares[i]}${v.hourly ? hourlyLabel(s) : ''}`,
    toned(`  L ${usd(v.longUsd)} / S ${usd(v.shortUsd)}`, 'muted'),
  ]);
  const binance = venues.filter(([ex]) => ex.startsWith('binance')).reduce((a, [, v]) => a + v.share, 0);
  const binanceLow = binance > 0 && binance < 0.15;
  if (venues.length >= 3 && s.totalUsd >= 10e6) {
    // A share is a conclusion only when every venue compared was counted the same way.
    const alike = coveredAlike(venues.map(([ex]) => ex), s.coverage);
    // Short on purpose: the /liqs reply must still fit a chart's caption.
    const sampled = sampledShares(venues);
    if (binanceLow && alike) exLines.push([toned(`Binance only ${share(binance)}: the leverage sat elsewhere.`, 'warn')]);
    // Every sampled venue's share is a lower bound, not Binance's alone (OKX's stream is sampled too): one note names each.
    else if (!alike && sampled.length) exLines.push([toned(`${sampled.join(', ')}: ${sampled.length === 1 ? 'a lower bound' : 'lower bounds'} (sampled), no conclusion.`, 'muted')]);
    else if (binanceLow && !alike) exLines.push([toned(`Binance ${share(binance)}: ${venues.some(([, v]) => v.hourly) ? 'next to hourly totals' : 'with gaps'}, no conclusion.`, 'muted')]);
  }
  if (exLines.length) fields.push({ name: s.days && s.days.orders.length ? `By exchange (${dayRanges(s.days.orders, s.to)}, ${singlesApart(s.coverage)})` : 'By exchange', value: exLines });
  if (s.leverage) fields.push(...leverageFields(s.leverage, s.window));
  if (s.largest.length) {
    fields.push({
      name: 'Largest',
      // Over a day, a time alone is ambiguous: the date goes with each. In a day or less, with the one not of the day
      // of `s.to` (a 24h window at 00:59 holds yesterday's 14:55, which alone reads as today's, still to come).
      value: s.largest.map((l, i) => {
        const prev = i > 0 ? s.largest[i - 1]!.ts : s.to;
        const when = s.windowMs > DAY ? `${day(l.ts, s.to, prev)} ${clockAsOf(l.ts, s.to)}` : whenWord(l.ts, s.to, prev);
        return [toned(`${usd(l.usd)} ${sideWord(l.side, 1)}`, sideTone(l.side), true), ` · ${venueName(l.exchange)} · ${price(l.price)} · ${when}`];
      }),
    });
  }
  return {
    title,
    blocks: [head],
    fields,
    buttons,
    footer: coverageLine(s.coverage, s.to),
    tone: s.longUsd >= s.shortUsd ? 'long' : 'short',
  };
}

/** `storedCover` as a headline's note: " (Jan 21–26 and Jan 27 16:50–17:20 only)", or nothing where they cover the window. */
function coveredNote(d: StoredDays, m: MarketSummary): string {
  const covered = storedCover(d, m.coverage, m.from, m.to);
  return covered ? ` (${covered} only)` : '';
}

/** `/liqs` (or `/liqs all`): the market-wide view a flush day starts with. */
export function marketReply(m: MarketSummary, windows: readonly string[]): Reply {
  const title: Line = [`Market liquidations · ${m.window}`];
  const buttons = windowButtons('liqs all', windows, m.window);
  if (m.totalUsd === 0) {
    const empty = emptyWindow(m.coverage, '', m.window, m.to);
    return { title, blocks: [[[empty.text], ...(m.dayTotals ? [dayTotalsLine(m.dayTotals, m.to)] : [])]], buttons, footer: empty.footer, tone: 'neutral' };
  }
  // Largest first, sorted here: an object puts integer-like keys (Binance lists an asset named "4") before the rest.
  const assets = Object.entries(m.byAsset).sort((a, b) => b[1].totalUsd - a[1].totalUsd);
  const leaders = assets.slice(0, 4).map(([a, v]) => `${a} ${usd(v.totalUsd)}`).join(', ');
  const head: Line[] = [
    [b(usd(m.totalUsd)), ` liquidated in ${windowWords(m.window)}${m.days ? coveredNote(m.days, m) : printsOnly(m.coverage, m.to).map((n) => ` (${n})`).join('')}: ${leaders}${assets.length > 4 ? ', …' : ''}`],
    splitLine(m.longUsd, m.shortUsd),
  ];
  if (m.days) {
    const stored = assets.filter(([, v]) => v.dailyUsd).map(([a]) => a);
    const named = stored.length <= 4 ? ` for ${listText(stored)}` : ` for ${stored.length} assets`;
    head.push(storedDaysLine(m.days, `; the rest from ${singlesApart(m.coverage)}`, m.coverage, m.to, named));
  }
  head.push(...m.flushes.slice(-2).map((f) => flushLine(f, m.to, m.windowMs)));
  // Ten assets shown and the others as one row, so the shares shown add up to the whole (on Jan 27 2025 the ten rows of a
  // 1h window came to 67%, the 188 other assets' third said nowhere).
  const shown = assets.slice(0, 10), others = assets.slice(10);
  const othersUsd = others.reduce((a, [, v]) => a + v.totalUsd, 0);
  const assetShares = shares([...shown.map(([, v]) => v.totalUsd), ...(others.length ? [othersUsd] : [])]);
  const rows: Line[] = shown.map(([a, v], i) => [
    b(a),
    ` ${usd(v.totalUsd)} · ${assetShares[i]}`,
    toned(`  L ${usd(v.longUsd)} / S ${usd(v.shortUsd)}${fromTotals(v.hourlyUsd, v.totalUsd, 'hourly')}${fromTotals(v.dailyUsd, v.totalUsd, 'daily')}`, 'muted'),
    // The column is labelled: a bare −6.6% beside amounts reads as anything.
    ...(v.changePct !== undefined ? [toned(`  price ${pct(v.changePct / 100)}`, v.changePct >= 0 ? 'up' : 'down')] : []),
  ]);
  if (others.length) rows.push([`and ${count(others.length)} more: ${usd(othersUsd)}, ${assetShares[shown.length]}`]);
  const fields: Field[] = [{ name: 'By asset', value: rows }];
  const venues = Object.entries(m.byExchange);
  // Daily totals are not split by the venues' own orders: the field says what its shares are of.
  if (venues.length) {
    const venueShares = shares(venues.map(([, v]) => v.share));
    fields.push({
      name: m.days ? `By exchange (${singlesApart(m.coverage)})` : 'By exchange',
      value: venues.map(([ex, v], i) => [b(venueLabel(ex, v.sampled)), ` ${usd(v.totalUsd)} · ${venueShares[i]}${v.hourly ? hourlyLabel(m) : ''}`]),
    });
  }
  return { title, blocks: [head], fields, buttons, footer: coverageLine(m.coverage, m.to), tone: m.longUsd >= m.shortUsd ? 'long' : 'short' };
}
