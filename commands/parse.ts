/**
 * Parsers for what people type: assets (`eth`), windows (`4h`), prices (`2350`, `2,350`, `2.35k`, `$2350`), dollar
 * amounts (`$5M`), levels and zones (`2750-2800`, `2750–2800`) and labels. Each returns a value or a named error with a
 * sentence that tells the user how to fix it; none throws. Commands validate their options with them (the CLI
 * its arguments), so the core never sees raw input.
 */

import { ASSET_RE, INVISIBLE, labelHasInvisible, writtenAmount } from '../src/core/events.js';
import { seenBy, type Level } from '../src/core/levels.js';
import { WINDOW_MS, type WindowName } from '../config/windows.js';
import { fromLocal, local, zoneLabel } from '../src/replies/zone.js';
import { levelDecimals } from '../src/replies/format.js';
import { linkOrMention } from '../src/replies/links.js';
import { distance } from 'fastest-levenshtein';

export type ParseError =
  | 'empty'
  | 'unknown_asset'
  | 'bad_window'
  | 'bad_number'
  | 'ambiguous_number'
  | 'out_of_range'
  | 'bad_zone'
  | 'label_too_long'
  | 'label_control_chars'
  | 'label_combining_marks'
  | 'label_link';

export type Parsed<T> = { ok: true; value: T } | { ok: false; error: ParseError; message: string };

const ok = <T>(value: T): Parsed<T> => ({ ok: true, value });
const err = (error: ParseError, message: string): Parsed<never> => ({ ok: false, error, message });

/**
 * Characters that show nothing (`INVISIBLE`, src/core/events.ts: controls and format characters, the letters that
 * render blank, variation selectors), every one. Other spaces (no-break, em, ideographic) become plain spaces.
 */
const INVISIBLE_ALL = new RegExp(INVISIBLE.source, 'gu');

/**
 * A typed token as it reads, without what shows nothing (the direction mark an RTL keyboard adds, a zero-width space,
 * a byte-order mark pasted from a web page): `\u200Feth` is `eth`, never an unknown asset echoed as "eth". Not for
 * labels, whose emoji hold joiners.
 */
export function visible(raw: string): string {
  return raw.replace(INVISIBLE_ALL, '');
}

/**
 * Cut and clean a user's token before echoing it in an error (the adapter escapes it too). A link or a
 * mention is never echoed: the answer says what it was instead.
 */
export function quote(raw: string, max = 24): string {
  const clean = visible(raw).trim();
  // Judged on what shows: `x\u200B.com` is x.com.
  const refused = linkOrMention(clean);
  if (refused) return `(a ${refused}, not repeated)`;
  return `"${clean.length > max ? `${clean.slice(0, max)}…` : clean}"`;
}

/** A venue's multiplied contract's prefix (1000PEPE, 1000000MOG, 1MBABYDOGE): the coin a trader types is after it. */
const MULTIPLIED = /^1(?:0+M?|M)(?=\p{L})/u;

/** Close matches for a mistyped asset, best first. */
export function closeMatches(input: string, known: readonly string[], max = 3): string[] {
  const s = input.toUpperCase();
  return known
    // A venue's multiplied contract (1000PEPE, 1MBABYDOGE) is the coin a trader types.
    .map((k) => ({ k, d: k.replace(MULTIPLIED, '') === s ? 0 : k.startsWith(s) || s.startsWith(k) ? 0.5 : distance(s, k) }))
    .filter((x) => x.d <= Math.max(1, Math.floor(s.length / 2)))
    .sort((a, b) => a.d - b.d || a.k.localeCompare(b.k))
    .slice(0, max)
    .map((x) => x.k);
}

/**
 * A typed token as a parser reads it: what shows (`visible`), compatibility forms folded (NFKC: full-width `ｅｔｈ` and
 * `４ｈ` are `eth` and `4h`), trimmed, and one pair of quotes around it taken off (`"eth"`, `“eth”`, `'4h'`).
 */
export function token(raw: string): string {
  const s = visible(raw).normalize('NFKC').trim();
  const q = /^["“”'‘’](.*)["“”'‘’]$/su.exec(s);
  return q ? q[1]!.trim() : s;
}

/** What `parseAsset` looks up: `$eth ` and `#eth` → `ETH`; a unified symbol is its base asset (`ETH/USDT:USDT` → `ETH`). */
export function assetKey(raw: string): string {
  return token(raw).replace(/^[$#]/, '').replace(/^([^/]+)\/.*$/, '$1').toUpperCase();
}

/** The names traders type for the majors (`/liqs bitcoin`), read as the ticker when no listed asset has that name. */
const NAMES: Readonly<Record<string, string>> = {
  BITCOIN: 'BTC', XBT: 'BTC', ETHEREUM: 'ETH', ETHER: 'ETH', SOLANA: 'SOL', RIPPLE: 'XRP', DOGECOIN: 'DOGE', CARDANO: 'ADA',
  AVALANCHE: 'AVAX', CHAINLINK: 'LINK', LITECOIN: 'LTC', POLKADOT: 'DOT', TRON: 'TRX',
};

/** How many tracked assets an unknown asset's answer names. */
const TRACKED_SHOWN = 12;

/** An asset name: case-insensitive in, upper-case out; must be one the bot knows. */
export function parseAsset(raw: string | undefined, known: readonly string[]): Parsed<string> {
  if (!raw || !token(raw)) return err('empty', 'Which asset? For example: eth');
  const s = assetKey(raw);
  if (ASSET_RE.test(s) && known.includes(s)) return ok(s);
  // `pepe` is the venue's 1000PEPE when that is the one multiplied contract of it (as the suggestion says).
  const multiplied = ASSET_RE.test(s) ? known.filter((k) => k.replace(MULTIPLIED, '') === s && k !== s) : [];
  if (multiplied.length === 1) return ok(multiplied[0]!);
  // A name (`bitcoin`) or a venue's pair id (`BTCUSDT`, `ETH-PERP`): the ticker, when the bot knows it.
  const alias = NAMES[s] ?? /^(.{2,}?)[-_]?(?:USDT|USDC|PERP)$/u.exec(s)?.[1];
  if (alias !== undefined && known.includes(alias)) return ok(alias);
  const named = s.split(/\s*[,;+&\s]\s*/).map((x) => NAMES[x] ?? x);
  const several = [...new Set(named)].filter((x) => known.includes(x));
  // `eth,eth`, `eth ethereum`: one asset typed twice is that asset.
  if (several.length === 1 && named.length > 1 && named.every((x) => x === several[0])) return ok(several[0]!);
  if (several.length > 1) return err('unknown_asset', `One asset at a time: ${several.slice(0, -1).join(', ')} or ${several[several.length - 1]!}.`);
  const near = ASSET_RE.test(s) ? closeMatches(s, known) : [];
  // Cut at a dozen, saying how many more: a trader read FIL, past an unmarked cut, as untracked.
  const more = known.length > TRACKED_SHOWN ? ` and ${known.length - TRACKED_SHOWN} more` : '';
  const hint = near.length ? ` Did you mean ${near.join(', ')}?` : ` Tracked: ${known.slice(0, TRACKED_SHOWN).join(', ')}${more}.`;
  return err('unknown_asset', `Unknown asset ${quote(token(raw))}.${hint}`);
}

export function parseWindow<W extends string>(raw: string | undefined, windows: readonly W[], fallback: W): Parsed<W> {
  // Nothing typed, or nothing between quotes (`/oi eth ""`): the default window.
  if (!raw || !token(raw)) return ok(fallback);
  const s = token(raw).toLowerCase().replace(/^(\d+)\s*(hours?|hrs?)$/, '$1h').replace(/^(\d+)\s*(days?)$/, '$1d').replace(/^(\d+)\s*(weeks?|wks?)$/, '$1w');
  const alias: Record<string, string> = { '1d': '24h', '168h': '7d', '1w': '7d', hour: '1h', day: '24h', week: '7d' };
  const w = (alias[s] ?? s) as W;
  if (windows.includes(w)) return ok(w);
  return err('bad_window', `Unknown window ${quote(token(raw))}. Use one of ${windows.join(', ')}.`);
}

/** A window a chat may ask for beyond the configured ones: `30m`, `2h`, `90 minutes`, `3d`; from 5 minutes to 7 days. */
export interface AnyWindow {
  /** As replies say it: `30m`, `2h`, `90m`, `3d` (a configured window keeps its own name). */
  name: string;
  ms: number;
}
const MIN_WINDOW_MS = 5 * 60_000;
const MAX_WINDOW_MS = 7 * 86_400_000;
const UNIT_MS: Record<string, number> = { m: 60_000, h: 3_600_000, d: 86_400_000, w: 7 * 86_400_000 };

/**
 * A length of time as typed: `90m`, `1.5h`, `1h30m`, `4h30` (the minutes after the hours, 0 to 59, as a clock says
 * them), `2 days`; in ms, or undefined. A unit said twice (`1h30m30m`) or a number after the hours that is no minute of
 * the hour (`4h99`) is no length: it is refused, never summed into one no one typed.
 */
function lengthMs(s: string): number | undefined {
  const unit = (u: string) => UNIT_MS[u[0]!.toLowerCase()]!;
  const one = /^(\d{1,5}(?:[.,]\d{1,3})?)\s*(m|mins?|minutes?|h|hrs?|hours?|d|days?|w|wks?|weeks?)$/i.exec(s);
  if (one) return Number(one[1]!.replace(',', '.')) * unit(one[2]!);
  // Compounds, largest unit first: 1h30m, 2d12h, 1h 30m, 4h30.
  const parts = [...s.matchAll(/(\d{1,4})\s*([wdhm])/gi)];
  const compound = /^(?:\d{1,4}\s*[wdhm]\s*){2,4}$/i.test(s) || /^\d{1,3}\s*h\s*[0-5]?\d$/i.test(s);
  if (!compound) return undefined;
  const units = parts.map((p) => p[2]!.toLowerCase());
  if (new Set(units).size !== units.length) return undefined;
  let ms = parts.reduce((sum, p) => sum + Number(p[1]) * unit(p[2]!), 0);
  const trailing = /h\s*(\d{1,2})$/i.exec(s);
  if (trailing) ms += Number(trailing[1]) * UNIT_MS.m!;
  return ms;
}

/** Words for a calendar span (`today`, `since 14:00`, `ytd`): windows count back from now instead. */
const CALENDAR = /^(today|yesterday|tonight|this\s+(?:morning|week|month)|since\b.*|ytd|mtd|month|year|\d{1,2}:\d{2})$/i;

/**
 * A window as `parseWindow` reads it, else any length of time from 5 minutes to 7 days in whole minutes (`90m`,
 * `1.5h`, `1h30m`: the history a bot keeps in minute buckets), said back in the largest unit that divides it:
 * `120m` → `2h`. A calendar word (`today`) is answered with the window that covers it, counted back from `now`.
 */
export function parseAnyWindow(raw: string | undefined, windows: readonly WindowName[], fallback: WindowName, now?: number): Parsed<AnyWindow> {
  const known = parseWindow(raw, windows, fallback);
  if (known.ok) return ok({ name: known.value, ms: WINDOW_MS[known.value] });
  const typed = token(raw!);
  const choices = `${windows.join(', ')}, or any from 5m to 7d like 30m, 2h or 3d`;
  // `5M`: minutes to a machine, months to many a reader.
  if (/^\d+\s*M$/.test(typed)) return err('bad_window', `${quote(typed)}: minutes or months? Windows go from 5m to 7d; write ${typed.replace(/\s*M$/, 'm')} for minutes.`);
  if (CALENDAR.test(typed)) {
    const yesterday = /^yesterday$/i.test(typed);
    if (now !== undefined && (yesterday || /^today$/i.test(typed))) {
      // Today's 00:00 in the chat's zone, or yesterday's (the wall-clock day before, with the offset in force then).
      const wall = Math.floor(local(now).getTime() / 86_400_000) * 86_400_000 - (yesterday ? 86_400_000 : 0);
      const midnight = fromLocal(wall, now);
      const hours = Math.max(1, Math.ceil((now - midnight) / UNIT_MS.h!));
      if (yesterday) return err('bad_window', `Windows count back from now: yesterday began at 00:00 ${zoneLabel(midnight)} the day before today, so yesterday and today so far are within the last ${hours}h. Try ${hours}h.`);
      return err('bad_window', `Windows count back from now: today so far (since 00:00 ${zoneLabel(midnight)}) is within the last ${hours}h. Try ${hours}h.`);
    }
    return err('bad_window', `Windows count back from now, from 5m to 7d: ${quote(typed)} is not one. Use one of ${choices}.`);
  }
  const length = lengthMs(typed);
  if (length === undefined) return err('bad_window', `Unknown window ${quote(typed)}. Use one of ${choices}.`);
  const ms = Math.round(length);
  if (ms % UNIT_MS.m! !== 0) return err('bad_window', `A window is whole minutes; got ${quote(typed)}. Use one of ${choices}.`);
  if (ms < MIN_WINDOW_MS || ms > MAX_WINDOW_MS) return err('out_of_range', `A window goes from 5m to 7d; got ${quote(typed)}. Use one of ${choices}.`);
  const name = ms % UNIT_MS.d! === 0 ? `${ms / UNIT_MS.d!}d` : ms % UNIT_MS.h! === 0 ? `${ms / UNIT_MS.h!}h` : `${ms / UNIT_MS.m!}m`;
  // `48h` is a configured window's length under another name: said as that window.
  const same = windows.find((w) => WINDOW_MS[w] === ms);
  return ok({ name: same ?? name, ms });
}

export const MAX_PRICE = 1e9;
/** Below this no market quotes (eight decimals is what the price formatter shows). */
export const MIN_PRICE = 1e-8;

/**
 * A number's token, read as assets and windows are (`token`: `"2350"` and full-width `２３５０` are 2350), except that a
 * superscript, subscript or circled digit (`2350²`, `①`) stays as typed: NFKC would fold it into a digit, and `2350²`
 * be read as 23502.
 */
function numberToken(raw: string): string {
  return /\p{No}/u.test(raw) ? visible(raw).trim() : token(raw);
}

/** A positive price as traders type it: 2350, 2,350, 2.35k, $2350, 0.000012 (also `"2350"`, `２３５０`). */
export function parsePrice(raw: string | undefined): Parsed<number> {
  const typed = raw === undefined ? '' : numberToken(raw);
  if (!typed) return err('empty', 'Which price? For example: 2350 or 2.35k');
  const n = writtenAmount(typed);
  const q = quote(typed);
  if ('refused' in n) {
    switch (n.refused) {
      case 'negative':
        return err('out_of_range', `A price must be above zero; got ${q}.`);
      case 'exponent':
        return err('bad_number', `${q}: write the price in digits, like 2350 or 0.000012 (no exponents).`);
      case 'ambiguous':
        return err('ambiguous_number', `${q} is ambiguous: write ${n.guess} (decimal point) or a whole number like 2350.`);
      case 'not_a_number':
        return err('bad_number', `${q} is not a price. Try 2350, 2,350 or 2.35k.`);
    }
  }
  if (n.value <= 0) return err('out_of_range', `A price must be above zero; got ${q}.`);
  if (n.value > MAX_PRICE) return err('out_of_range', `${q} is too large for a price.`);
  if (n.value < MIN_PRICE) return err('out_of_range', `${q} is too small for a price (the smallest is 0.00000001).`);
  return ok(n.value);
}

/**
 * The largest smallest-cascade a chat may ask for: no one asset's cascade of a few minutes comes near $1B, so a higher
 * minimum would only silence them all.
 */
export const MAX_MIN_USD = 1e9;

/**
 * A dollar amount as `/alerts min` takes it: $5M, 500k, $1.5M, 2,500,000, or 0 (`$0.00`, `any`) for any size. From $1
 * to $1B (`MAX_MIN_USD`); each refusal says why, and the range.
 */
export function parseUsd(raw: string | undefined): Parsed<number> {
  const typed = raw === undefined ? '' : numberToken(raw);
  const range = 'A minimum goes from $1 to $1B, or 0 for any size.';
  if (!typed) return err('empty', `How many dollars? ${range}`);
  if (/^any$/i.test(typed)) return ok(0);
  const q = quote(typed);
  const amount = dollarsOf(typed);
  const grouped = dotGrouped(amount);
  if (grouped !== undefined) {
    return err('ambiguous_number', `${q} is ambiguous: write ${grouped.plain}${grouped.short ? ` or $${grouped.short}` : ''} (no dots between thousands: a dot is a decimal point).`);
  }
  const n = writtenAmount(amount);
  if ('refused' in n) {
    switch (n.refused) {
      case 'negative':
        return err('out_of_range', `${q} is below zero. ${range}`);
      case 'exponent':
        return err('bad_number', `${q}: write the amount with K, M or B, like $5M or $1B (no exponents).`);
      case 'ambiguous':
        return err('ambiguous_number', `${q} is ambiguous: write $${n.guess.toUpperCase()} (decimal point).`);
      case 'not_a_number':
        return err('bad_number', `${q} is not a dollar amount. Try $5M, $500K or 0 for any size.`);
    }
  }
  if (n.value > 0 && n.value < 1) return err('out_of_range', `${q} is less than a dollar. ${range}`);
  if (n.value > MAX_MIN_USD) return err('out_of_range', `${q} is more than $1B: no cascade would be posted. ${range}`);
  // Cents would be kept but never shown (`$1.5` read "$2"): a minimum is whole dollars.
  if (!Number.isInteger(n.value)) {
    const [down, up] = [Math.floor(n.value), Math.ceil(n.value)].map((d) => `$${wholeDollars(d)}`);
    return err('bad_number', `${q} has cents: a minimum is whole dollars, like ${down} or ${up}. ${range}`);
  }
  return ok(n.value);
}

/** Whole dollars with a comma every three digits: `1,234,567`. */
export function wholeDollars(v: number): string {
  return String(v).replace(/\B(?=(\d{3})+(?!\d))/g, ',');
}

/**
 * A dollar amount as `writtenAmount` reads it: a trailing unit said nothing more (`5M usd`, `5M USDC`, `5M dollars`,
 * `5M$`: `usd` and `usdt` it takes itself), and traders' `mm` is millions (`5mm`, `$2.5MM`). Amounts only: a price's
 * `mm` is no suffix (`parsePrice`), nor is anything the file reader reads.
 */
function dollarsOf(typed: string): string {
  return typed.replace(/\s*(?:usdc|dollars?|\$)$/i, '').replace(/^(\$?\s*[\d.,]*\d)\s*mm(\s*(?:usd|usdt))?$/i, '$1M$2');
}

/**
 * A dollar amount written with dots between groups of three digits and nothing else (`1.000`, `25.000`, `1.000.000`,
 * `$1.000`): how much of Europe writes thousands, and a decimal point to everyone else, so `1.000` is $1 or $1,000
 * (as `2,35k` is 2.35k or 235k, refused in `writtenAmount`). The digits without the dots (`plain`) and the same with a suffix
 * (`short`: 1K, 25K, 1M, 2.5M) when one says it in at most two decimals; undefined for any other amount. Dollar amounts
 * only: a price of `2.350` (XRP) is a price.
 */
function dotGrouped(typed: string): { plain: string; short?: string } | undefined {
  const s = typed.replace(/^\$\s*/, '').replace(/\s*(usd|usdt)$/i, '');
  if (!/^[1-9]\d{0,2}(?:\.\d{3})+$/.test(s)) return undefined;
  const plain = s.replace(/\./g, '');
  for (const [suffix, digits] of [['B', 9], ['M', 6], ['K', 3]] as const) {
    if (plain.length <= digits) continue;
    const whole = plain.slice(0, -digits), fraction = plain.slice(-digits).replace(/0+$/, '');
    if (fraction.length <= 2) return { plain, short: `${whole}${fraction ? `.${fraction}` : ''}${suffix}` };
  }
  return { plain };
}

/**
 * A level's price as replies print it (`levelText`, src/replies/format.ts): to eight decimals at most (`MIN_PRICE`), and
 * to fewer where `levelText` prints fewer (those that miss it by no more than 1e-12 of it), rounded as it rounds. A chat's
 * level is kept at this price, so the price a chat reads is the one stored and the one `/level remove` matches, and
 * prices typed apart that print alike (3600 and 3600.0000000001, both $3,600) are one level.
 */
export function levelPrice(value: number): number {
  if (!Number.isFinite(value)) return value;
  let p = roundHalfUp(value, 8);
  // A price printed to fewer decimals may print to fewer again (41,667,348.158744 prints 41,667,348.15874, which prints
  // 41,667,348.1587): until it prints as itself, which takes at most one step per decimal.
  for (let q = printedPrice(p), steps = 0; q !== p && steps < 8; q = printedPrice(p), steps++) p = q;
  return p;
}

/** `value` (of eight decimals at most) as `levelText` prints it: to its `levelDecimals`, rounded so. */
function printedPrice(value: number): number {
  return roundHalfUp(value, levelDecimals(value));
}

/** `v` to `digits` decimals, half up on the number as written (2.675 → 2.68), not on its binary value (2.67). */
function roundHalfUp(v: number, digits: number): number {
  const [mantissa, exp] = String(v).split('e');
  return Number((Math.round(Number(`${mantissa}e${Number(exp ?? 0) + digits}`)) / 10 ** digits).toFixed(digits));
}

/**
 * A level: one price, or a zone `low-high` (also `low–high`, `low to high`); a reversed zone is put in order. Each price
 * is its `levelPrice`, the one replies print: a zone whose edges print alike is that one price.
 */
export function parseLevel(raw: string | undefined): Parsed<number | [number, number]> {
  const s = raw === undefined ? '' : numberToken(raw);
  if (!s) return err('empty', 'Which level? For example: 2350 or 2750-2800');
  // A leading minus is a sign, not a zone with its low missing: -5 is refused, never read as 5.
  if (/^\$?\s*[-−–—]\s*\$?\s*[\d.]/.test(s)) return err('out_of_range', `A price must be above zero; got ${quote(s)}.`);
  if (/^[\d.,]+e[-+]?\d+$/i.test(s)) return levelPriceOf(s);
  const parts = s.split(/\s*(?:[-–—]|\.\.|\bto\b)\s*/i);
  if (parts.length === 1) return levelPriceOf(parts[0]);
  if (parts.length !== 2 || parts.some((p) => p.length === 0)) return err('bad_zone', `${quote(s)} is not a level or zone. Try 2350 or 2750-2800.`);
  const a = levelPriceOf(parts[0]);
  if (!a.ok) return a;
  const b = levelPriceOf(parts[1]);
  if (!b.ok) return b;
  if (a.value === b.value) return ok(a.value);
  const low = Math.min(a.value, b.value), high = Math.max(a.value, b.value);
  if (high / low > 2) return err('bad_zone', `A zone from ${parts[0]} to ${parts[1]} is wider than price doubling; set two levels instead.`);
  return ok([low, high]);
}

/** A price typed for a level (`parsePrice`), at its `levelPrice`. */
function levelPriceOf(raw: string | undefined): Parsed<number> {
  const p = parsePrice(raw);
  return p.ok ? ok(levelPrice(p.value)) : p;
}

/**
 * A level's label: trimmed, quotes removed, no control characters, bounded length, and no links or mentions: the bot
 * repeats it in a public group (where Telegram makes them clickable), where it must not advertise for whoever typed it.
 */
export function parseLabel(raw: string | undefined, maxChars: number): Parsed<string | undefined> {
  if (raw === undefined) return ok(undefined);
  let s = raw.trim();
  const q = /^["“”'‘’](.*)["“”'‘’]$/s.exec(s);
  if (q) s = q[1]!.trim();
  else s = loneQuoteOff(s);
  if (s.length === 0) return ok(undefined);
  s = s.replace(/\p{Zs}+/gu, ' ').trim();
  if (s.length === 0) return ok(undefined);
  if (labelHasInvisible(s)) return err('label_control_chars', 'A label cannot contain control or invisible characters.');
  if (/\p{M}{3,}/u.test(s) || (s.match(/\p{M}/gu)?.length ?? 0) > Math.max(4, [...s].length / 2)) {
    return err('label_combining_marks', 'A label cannot pile up accents or combining marks.');
  }
  if ([...s].length > maxChars) return err('label_too_long', `A label can be at most ${maxChars} characters (this one has ${[...s].length}).`);
  if (linkOrMention(s)) return err('label_link', 'A label cannot hold links or @mentions: say it in words.');
  return ok(s);
}

/**
 * A label's quote left unclosed (`"prior support`, `prior support"`, `“prior support`, `‘prior support`) taken off: a
 * quote at the start or the end with no other of its kind in the label. An apostrophe is kept where it is one: at the
 * end (`bulls'`, `bulls’`), and before a digit (`'24 high`).
 */
function loneQuoteOff(s: string): string {
  const count = (re: RegExp) => s.match(re)?.length ?? 0;
  if (/^["“”]/u.test(s) && count(/["“”]/gu) === 1) return s.slice(1).trim();
  if (/["“”]$/u.test(s) && count(/["“”]/gu) === 1) return s.slice(0, -1).trim();
  if (/^(?:‘|'(?!\d))/u.test(s) && count(/['‘’]/gu) === 1) return s.slice(1).trim();
  return s;
}

/**
 * A label or reason typed as the rest of the line: a quoted one ends at its closing quote, and the words after it are
 * not the label's but extra words (`"x" extra words` is the label `"x"` and `extra`, `words`), answered as any
 * command's are. An unquoted one is the rest of the line (`prior support zone`).
 */
export function labelWords(raw: string | undefined): { label: string | undefined; extra: string[] } {
  const quoted = raw === undefined ? null : /^\s*("[^"]*"|“[^”]*”|'[^']*')([\s\S]*)$/u.exec(raw);
  const extra = quoted ? splitWords(quoted[2]!) : [];
  return quoted && extra.length ? { label: quoted[1], extra } : { label: raw, extra: [] };
}

/** A member's reason for a proposal ("why"): a label's rules, said of a reason. */
export function parseReason(raw: string | undefined, maxChars: number): Parsed<string | undefined> {
  const r = parseLabel(raw, maxChars);
  return r.ok ? r : { ...r, message: r.message.replace('A label', 'A reason') };
}

/** Split a command line into words, keeping "quoted phrases" together. */
export function splitWords(text: string): string[] {
  const out: string[] = [];
  const re = /"([^"]*)"|“([^”]*)”|'([^']*)'|(\S+)/g;
  for (let m = re.exec(text); m; m = re.exec(text)) {
    // A word of nothing visible (a zero-width space typed between words) is no word; the others keep every character
    // (a label's emoji hold joiners): each parser reads its token through `visible`.
    if (m[1] !== undefined || m[2] !== undefined || m[3] !== undefined) out.push(`"${m[1] ?? m[2] ?? m[3]}"`);
    else if (visible(m[4]!)) out.push(m[4]!);
  }
  return out;
}

/** How recent a price must be for an asset outside `assets` to count as fed (a rehearsal's file brings its own). */
const FED_WITHIN_MS = 60 * 60_000;

/**
 * Why `asset` gets no answer of its own, or undefined when it does: it is not among the configured `assets` (the feeds
 * subscribe to those alone) and nothing has priced it within the last hour. Known only through a level kept from when
 * it was tracked, it would otherwise read "No price yet" for good; the chat's levels on it are kept (an operator may
 * add it back), and said so.
 */
export function untrackedAsset(
  asset: string,
  assets: readonly string[],
  market: { dataNow(): number; prices: { last(asset: string): { ts: number } | undefined }; levels: { all(): readonly Level[] } },
  chat: string | undefined,
): { message: string; hint?: string } | undefined {
  if (assets.includes(asset)) return undefined;
  const last = market.prices.last(asset);
  if (last !== undefined && market.dataNow() - last.ts <= FED_WITHIN_MS) return undefined;
  const kept = market.levels.all().filter((l) => l.asset === asset && l.source !== 'cascade' && seenBy(l, chat)).length;
  const listed = `${assets.slice(0, 12).join(', ')}${assets.length > 12 ? ', …' : ''}`;
  const message = `${asset} is not tracked by this bot (config assets: ${listed})${kept ? `; its ${kept} level${kept === 1 ? ' is' : 's are'} kept` : ''}.`;
  return kept ? { message, hint: `They are watched again once ${asset} is back in the config's assets.` } : { message };
}
