/**
 * Normalized market events, exactly as shared/spec/events.md defines them, and their validation.
 * External data is checked here once; everything downstream works on these trusted, typed values.
 */

export type PositionSide = 'long' | 'short';
type NonZeroDigit = '1' | '2' | '3' | '4' | '5' | '6' | '7' | '8' | '9';
type Count = NonZeroDigit | `${NonZeroDigit}${NonZeroDigit | '0'}`;
/** A ccxt timeframe: a count (1 to 99) of minutes, hours, days, weeks or months (`1m`, `15m`, `4h`, `6h`, `1d`, `3d`, `1w`, `1M`). */
export type Timeframe = `${Count}${'m' | 'h' | 'd' | 'w' | 'M'}`;
/** The timeframes feeds commonly give (a file's candle may have any `Timeframe` of a sane length). */
export const TIMEFRAMES = ['1m', '3m', '5m', '15m', '30m', '1h', '2h', '4h', '6h', '8h', '12h', '1d', '3d', '1w', '1M'] as const satisfies readonly Timeframe[];

export interface Liquidation {
  type: 'liquidation';
  ts: number;
  exchange: string;
  symbol: string;
  side: PositionSide;
  price: number;
  amount: number;
  /** USD value: the event's `usd` when given, else price × amount. Always filled after parsing. */
  usd: number;
}
export interface Candle {
  type: 'candle';
  ts: number;
  exchange: string;
  symbol: string;
  timeframe: Timeframe;
  open: number;
  high: number;
  low: number;
  close: number;
  volume?: number;
}
export interface PriceTick {
  type: 'price';
  ts: number;
  exchange: string;
  symbol: string;
  price: number;
}
export interface LiquidationTotal {
  type: 'liquidation_total';
  ts: number;
  period: '1h' | '1d';
  asset: string;
  side: PositionSide;
  usd: number;
  exchange?: string;
}
export interface LevelEvent {
  type: 'level';
  ts: number;
  asset: string;
  /** A single price, or a zone [low, high]. */
  level: number | [number, number];
  label?: string;
  chat?: string;
}
export interface OpenInterest {
  type: 'open_interest';
  ts: number;
  exchange: string;
  symbol: string;
  usd: number;
  contracts?: number;
}
export interface Funding {
  type: 'funding';
  ts: number;
  exchange: string;
  symbol: string;
  rate: number;
  intervalHours: number;
}

export type MarketEvent =
  | Liquidation
  | Candle
  | PriceTick
  | LiquidationTotal
  | LevelEvent
  | OpenInterest
  | Funding;

/** Each unit's length; a month is 30 days, as ccxt's `parseTimeframe` counts it (not a calendar month). */
const UNIT_MS = { m: 60_000, h: 3_600_000, d: 86_400_000, w: 7 * 86_400_000, M: 30 * 86_400_000 } as const;
const UNITS = ['M', 'w', 'd', 'h', 'm'] as const;
/**
 * Every timeframe's length, one entry per count and unit (a plain object, so `TIMEFRAME_MS[c.timeframe]` reads any
 * candle's), and each as one kept string by count and unit for the plain-form reader (`TIMEFRAME_AT`).
 */
export const TIMEFRAME_MS = {} as Readonly<Record<Timeframe, number>>;
const TIMEFRAME_AT: Timeframe[] = [];
for (let n = 1; n <= 99; n++) {
  for (const [u, unit] of UNITS.entries()) {
    const tf = `${n}${unit}` as Timeframe;
    (TIMEFRAME_MS as Record<Timeframe, number>)[tf] = n * UNIT_MS[unit];
    TIMEFRAME_AT[n * UNITS.length + u] = tf;
  }
}
/**
 * The longest candle a file may hold: a candle is acted on at its close, so a longer one would hold its price back
 * (and the replay's clock, at the file's end) for more than a year.
 */
export const MAX_TIMEFRAME_MS = 365 * UNIT_MS.d;

/** Whether `v` is a timeframe a candle may have: the ccxt form and a sane length. */
export function isTimeframe(v: unknown): v is Timeframe {
  return typeof v === 'string' && Object.hasOwn(TIMEFRAME_MS, v) && TIMEFRAME_MS[v as Timeframe] <= MAX_TIMEFRAME_MS;
}

/** A length's timeframe in its largest whole unit (`60m` is `1h`, `7d` is `1w`), or undefined when none fits. */
export function timeframeOf(ms: number): Timeframe | undefined {
  for (const unit of UNITS) {
    const n = ms / UNIT_MS[unit];
    if (Number.isInteger(n) && n >= 1 && n <= 99) return `${n}${unit}` as Timeframe;
  }
  return undefined;
}

/** A feed or file repeats a few hundred symbols and exchange ids: each is checked (and mapped) once. */
const CACHE_MAX = 10_000;
const assets = new Map<string, string>();

/**
 * An asset as a name the command line can ask for: compatibility forms folded (NFKC: half-width `ﾃｽﾄ` is `テスト`,
 * full-width `ＥＴＨ` is `ETH`), as commands/parse.ts folds what is typed, then upper-case.
 */
function assetName(raw: string): string {
  return raw.normalize('NFKC').toUpperCase();
}

/** The asset of a ccxt unified symbol is its base currency: `ETH/USDT:USDT` → `ETH`. */
export function assetOf(symbol: string): string {
  let asset = assets.get(symbol);
  if (asset === undefined) {
    const slash = symbol.indexOf('/');
    asset = assetName(slash === -1 ? symbol : symbol.slice(0, slash));
    if (assets.size < CACHE_MAX) assets.set(symbol, asset);
  }
  return asset;
}

/**
 * Largest accepted line, in characters (1 MiB): a valid line may carry long fields of its own, which are ignored; the
 * cap keeps a file that is not JSON Lines (one endless line) from being held in memory whole.
 */
export const MAX_LINE_CHARS = 1_048_576;

export type ParseResult =
  /** `note`: what was changed to read the line (a level's label cleaned or shortened), said beside its line number. */
  | { ok: true; event: MarketEvent; note?: string }
  | { ok: false; skip: 'unknown_type'; reason: string }
  | { ok: false; skip: 'invalid'; reason: string };

// Any base asset a venue lists is valid, Unicode included (Binance lists perpetuals with Chinese bases).
/**
 * A venue base that names a multiple of a coin: `1000`, `10000`, … (a one and three to nine zeros) or `1M`, then
 * letters only: `1000PEPE`, `10000LADYS`, `1000000MOG`, `1MBABYDOGE`. `1INCH` (a one, not a thousand), `100PEPE`,
 * `1000`, `1000X2` and bases in other scripts are not.
 */
const MULTIPLIED = /^(?:1(0{3,9})|1M)([A-Z]+)$/;

/** The coin a multiplied venue base stands for and how many of it one unit is (`1000PEPE` → PEPE × 1,000); undefined for any other base. */
export function multipliedCoin(base: string): { coin: string; multiplier: number } | undefined {
  const m = MULTIPLIED.exec(base);
  if (!m) return undefined;
  return { coin: m[2]!, multiplier: m[1] === undefined ? 1_000_000 : 10 ** m[1].length };
}

/** A base asset as venues list them: letters and digits of any script (币安人生, 1000PEPE), then . _ -; at most 20. */
export const ASSET_RE = /^[\p{L}\p{N}][\p{L}\p{N}._-]{0,19}$/u;
const NAME_RE = /^[A-Za-z0-9][A-Za-z0-9 ._:/-]{0,63}$/;
const SYMBOL_RE = /^[\p{L}\p{N}][\p{L}\p{N}._-]{0,19}\/[A-Za-z0-9._-]{1,20}(:[A-Za-z0-9._-]{1,20})?(-[A-Za-z0-9._-]{1,40})?$/u;

/** The last time a `Date` holds (in the year 275760): past it, every date shown of the event would be invalid. */
const MAX_DATE_MS = 8.64e15;
/**
 * A recording's times: from March 1973 (below, 2000–2100 in seconds is 0.9–4.1 × 10⁹) to 2100 (past it, microseconds
 * of any day since February 1970), the times the CLI's `--at` takes too. Any time a `Date` holds is an event's time; a
 * file reader holds its lines to these.
 */
export const MIN_MS_TS = 1e11;
export const MAX_MS_TS = Date.UTC(2100, 0, 1);
/**
 * Why `ts` is not a recording's epoch milliseconds, in the unit it looks like (a recorder's seconds, a venue's
 * microseconds or nanoseconds) and the day it would then be; undefined when it is one.
 */
export function notEpochMs(ts: number): string | undefined {
  if (ts >= MIN_MS_TS && ts <= MAX_MS_TS) return undefined;
  const day = (ms: number) => new Date(ms).toISOString().slice(0, 10);
  if (ts < MIN_MS_TS) return `\`ts\` ${ts} is not epoch milliseconds (as seconds it would be ${day(ts * 1000)})`;
  for (const [unit, perMs] of [['microseconds', 1e3], ['nanoseconds', 1e6]] as const) {
    const ms = Math.floor(ts / perMs);
    if (ms >= MIN_MS_TS && ms <= MAX_MS_TS) return `\`ts\` ${ts} is not epoch milliseconds (as ${unit} it would be ${day(ms)}, ${ms} in milliseconds)`;
  }
  return `\`ts\` ${ts} is not epoch milliseconds (it is after the year 2100)`;
}

/**
 * What a label cannot hold, as a chat's `/level add` refuses it (commands/parse.ts, `parseLabel`): controls and
 * format characters (line and paragraph separators, bidi overrides and isolates, zero-width characters) and the
 * letters that render blank (Hangul fillers U+3164 and U+115F/U+1160/U+FFA0, the braille blank U+2800, variation
 * selectors); the joiner and presentation selector inside an emoji (❤️, 👨‍👩‍👧) are part of what shows.
 */
// The class lists single code points on purpose (no character is combined with the one before it).
// eslint-disable-next-line no-misleading-character-class
export const INVISIBLE = /[\p{Cc}\p{Cf}\p{Zl}\p{Zp}\u115F\u1160\u3164\uFFA0\u2800\u034F\u17B4\u17B5\u180B-\u180F\uFE00-\uFE0F]/u;
/** The joiners and presentation selectors inside an emoji (❤️, 👨‍👩‍👧): what `INVISIBLE` matches there is part of what shows. */
export const EMOJI_GLUE = /(?<=\p{Extended_Pictographic})(?:\u200D|\uFE0F)+(?=\p{Extended_Pictographic}|\s|$)/gu;

/** Whether a label holds what it cannot (above): one rule for a file's labels and a chat's. */
export function labelHasInvisible(label: string): boolean {
  return INVISIBLE.test(label.replace(EMOJI_GLUE, ''));
}

/** The longest label a file's level keeps, in UTF-16 code units. */
export const MAX_LABEL_CHARS = 100;
/** Emoji glue (kept, captured) or a run of what a label cannot hold. */
// INVISIBLE's class, as above: single code points on purpose.
// eslint-disable-next-line no-misleading-character-class
const LABEL_UNFIT = new RegExp(`(${EMOJI_GLUE.source})|${INVISIBLE.source}+`, 'gu');
const graphemes = new Intl.Segmenter('en', { granularity: 'grapheme' });

/**
 * A file's level label made one line of text a chat shows as it is: each run of what a label cannot hold (a tab, a
 * line break, a direction override: `INVISIBLE`) becomes one space (runs of spaces then one), and a label longer than
 * `MAX_LABEL_CHARS` is cut there, between two characters as they show (an emoji or an accented letter is never split),
 * and ends in "…". The level is kept either way: `note` says what was changed (a chat's `/level add` refuses such a
 * label instead, and the member types it again; a shared file cannot be asked). A label of nothing else is none.
 */
export function cleanLabel(raw: string): { label?: string; note?: string } {
  const cleaned = labelHasInvisible(raw);
  // The spaces a replaced character stood between are one (`support \u202Etroppus` is `support troppus`).
  let label = cleaned ? raw.replace(LABEL_UNFIT, (_, glue: string | undefined) => glue ?? ' ').replace(/ {2,}/g, ' ').trim() : raw;
  let shortened = false;
  if (label.length > MAX_LABEL_CHARS) {
    let cut = '';
    for (const { segment } of graphemes.segment(label)) {
      if (cut.length + segment.length > MAX_LABEL_CHARS - 1) break;
      cut += segment;
    }
    label = `${cut.trimEnd()}…`;
    shortened = true;
  }
  if (cleaned && label === '') return { note: 'level kept without its label: it held only control or invisible characters' };
  const what = [
    ...(cleaned ? ['cleaned (control or invisible characters, such as a tab or a line break, made spaces)'] : []),
    ...(shortened ? [`shortened to ${MAX_LABEL_CHARS} characters`] : []),
  ];
  return what.length ? { label, note: `level label ${what.join(' and ')}: ${JSON.stringify(label)}` } : { label };
}

/** A field's fault, thrown out of the checks below to the line's verdict: not an Error, so no stack is built for each of
 *  a file's malformed lines (stacks were nearly half the time of reading a file of them). */
class Invalid {
  constructor(readonly message: string) {}
}

type Raw = Record<string, unknown>;

function fail(reason: string): never {
  throw new Invalid(reason);
}
/** A number as JSON writes it: one in quotes is a number once they are taken off. */
const JSON_NUMBER = /^-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][-+]?\d+)?$/;
/**
 * A number written as a string is named, so the fix is plain: one as exchange APIs send them (`"82500"`, a JSON
 * number in quotes) is to be written without quotes; one as people write it (`"2.35k"`, `"2,350"`) is said as the
 * number to write, and one whose comma may be a decimal point (`"2,35k"`: 2.35k or 235k) as ambiguous, with the number
 * it is if the comma is one; any other (`"n/a"`) is said to be no number.
 */
function quoted(v: unknown): string {
  if (typeof v !== 'string' || v.trim() === '') return '';
  const shown = JSON.stringify(v.slice(0, 24));
  if (JSON_NUMBER.test(v.trim())) return ` (it is the string ${shown}: write numbers without quotes)`;
  // Read as a chat's command reads what is typed (commands/parse.ts): full-width digits folded (NFKC), but not a
  // superscript (`2350²` would be read as 23502).
  const n = writtenAmount((/\p{No}/u.test(v) ? v : v.normalize('NFKC')).trim());
  if ('value' in n) return ` (it is the string ${shown}, not a number: write ${n.value})`;
  const guess = n.refused === 'ambiguous' ? writtenAmount(n.guess) : undefined;
  if (guess && 'value' in guess) return ` (it is the string ${shown}, not a number, and ambiguous: write ${guess.value} if its comma is a decimal point)`;
  return ` (it is the string ${shown}, not a number: write the number in digits, without quotes)`;
}

/** How many places each suffix moves the decimal point: thousands, millions, billions. */
const SUFFIX_DIGITS: Record<string, number> = { k: 3, m: 6, b: 9 };

/** Why text is no amount: a sign, an exponent, a comma that may be a decimal point (`guess` reads it so), or else. */
export type NoAmount = { refused: 'negative' | 'exponent' | 'not_a_number' } | { refused: 'ambiguous'; guess: string };

/**
 * The number in a price or a dollar amount as people write it (a `$` before it and `usd` after it are no part of it):
 * 2350, 2,350, 2.35k, 0.000012, 100_000, and zero; each caller says which it takes. A chat's command reads what its
 * members type with it (commands/parse.ts), and a file's line that holds such a string is told the number to write.
 */
export function writtenAmount(typed: string): { value: number } | NoAmount {
  const s = typed.replace(/^\$\s*/, '').replace(/\s*(usd|usdt)$/i, '').replace(/_/g, '');
  if (s.length > 32) return { refused: 'not_a_number' };
  if (/^[-−–—]\s*\$?\s*[\d.]/.test(s)) return { refused: 'negative' };
  if (/^[\d.,]+e[-+]?\d+$/i.test(s)) return { refused: 'exponent' };
  const m = /^(\d{1,3}(?:,\d{3})+|\d+)?(?:\.(\d+))?\s*([kmb])?$/i.exec(s);
  if (!m || (m[1] === undefined && m[2] === undefined)) {
    // The guess is echoed: only digits, one separator each and a suffix (never the rest of a word, a link or a mention).
    if (/^\d+,\d{1,2}[kmb]?$/i.test(s) || /^\d+,\d+\.\d+[kmb]?$/i.test(s)) return { refused: 'ambiguous', guess: s.replace(',', '.') };
    return { refused: 'not_a_number' };
  }
  // The suffix moves the decimal point in the digits as typed, never a float product: 2.03k is 2030 exactly (2.03 × 1000
  // is 2029.9999999999998, a level that `/level remove eth 2030` would not find and `/level add eth 2030` would double).
  const whole = (m[1] ?? '0').replace(/,/g, ''), fraction = m[2] ?? '';
  const shift = m[3] ? SUFFIX_DIGITS[m[3].toLowerCase()]! : 0;
  const digits = `${whole}${fraction.padEnd(shift, '0')}`, point = whole.length + shift;
  return { value: Number(`${digits.slice(0, point)}.${digits.slice(point) || '0'}`) };
}
/** A field the line does not have is said to be missing, not to hold a wrong value. */
function missing(v: unknown, key: string, wrong: string): string {
  return v === undefined ? `\`${key}\` is missing` : wrong;
}
// The checks take the value, not the object and a key: each event type reads its own fields, so a read sees one
// shape of parsed object. A read shared by every type (`o.ts` in one helper, `o[key]`) sees them all and goes
// megamorphic (a generic lookup, for every field of every line).
function time(v: unknown): number {
  // NaN fails `v >= 0`, Infinity `v <= MAX_DATE_MS` (and is no unit's time).
  if (!(typeof v === 'number' && v >= 0 && v <= MAX_DATE_MS)) fail(typeof v === 'number' && v > MAX_DATE_MS && v < Infinity ? notEpochMs(v)! : missing(v, 'ts', `\`ts\` must be epoch milliseconds${quoted(v)}`));
  return Math.floor(v);
}
function positive(v: unknown, key: string): number {
  // NaN fails `v > 0`, Infinity fails `v <= 1e15`.
  if (!(typeof v === 'number' && v > 0 && v <= 1e15)) fail(typeof v === 'number' && v > 1e15 ? tooLarge(key, v) : missing(v, key, `\`${key}\` must be a positive finite number${quoted(v)}`));
  return v;
}
const power = (n: number): string => `10^${Math.log10(n)}`;
/**
 * A value past even the parse's bound, said with the bound a line must meet: a price's and a liquidation's `usd` are
 * the market's (`PLAUSIBLE`, as a file's reader says of a smaller one beyond them), not this 10^15.
 */
function tooLarge(key: string, v: number): string {
  if (key === 'usd') return `\`usd\` ${v} is beyond any market (one liquidation is at most ${power(PLAUSIBLE.maxLiquidationUsd)} USD)`;
  if (key === 'amount' || key === 'intervalHours') return `\`${key}\` ${v} is implausibly large (at most 10^15)`;
  return `\`${key}\` ${v} is beyond any market (prices are from ${power(PLAUSIBLE.minPrice)} to ${power(PLAUSIBLE.maxPrice)})`;
}
function nonNegative(v: unknown, key: string): number {
  if (typeof v !== 'number' || !Number.isFinite(v) || v < 0 || v > 1e15) fail(missing(v, key, `\`${key}\` must be a non-negative finite number${quoted(v)}`));
  return v;
}
function text(v: unknown, key: string, re: RegExp, what: string): string {
  if (typeof v !== 'string' || !re.test(v)) fail(missing(v, key, `\`${key}\` must be ${what}`));
  return v;
}
const exchanges = new Map<unknown, string>();
function exchangeOf(v: unknown): string {
  let ex = exchanges.get(v);
  if (ex === undefined) {
    ex = text(v, 'exchange', NAME_RE, 'an exchange id').toLowerCase();
    if (exchanges.size < CACHE_MAX) exchanges.set(v, ex);
  }
  return ex;
}
/**
 * Checked symbols, each mapped to one kept copy: every event of a symbol then holds the same string (the
 * parsed one dies young instead of living in a batch, and lookups by it hash a string seen before).
 */
const symbols = new Map<unknown, string>();
function symbolOf(v: unknown): string {
  const known = symbols.get(v);
  if (known !== undefined) return known;
  const checked = text(v, 'symbol', SYMBOL_RE, 'a ccxt unified symbol such as ETH/USDT:USDT');
  if (symbols.size < CACHE_MAX) symbols.set(checked, checked);
  return checked;
}
function sideOf(o: Raw): PositionSide {
  const v = o.side;
  if (v !== 'long' && v !== 'short') fail(missing(v, 'side', '`side` must be "long" or "short"'));
  return v;
}

/**
 * A liquidation line in the plain form recorders write it (the spec's keys in order, no spaces, upper-case ASCII
 * symbol, plain decimal numbers, ending in a newline, a carriage return or trailing blanks before it allowed): a
 * strict subset of what `toEvent(JSON.parse(line))` accepts, its numbers bounded so that each is positive and finite
 * as a double (integer parts of at most 14 digits, at most 17 decimals, or below 1 a non-zero digit among the first
 * 17 decimals and at most 16 digits after it). Candles the same way, below. A reader finds such lines in its text with
 * `plainLineAt` (or `plainLineSeen`) and reads them with `plainLineEvent`: one sticky regular
 * expression (V8 compiles it to machine code) checks the line where it lies, no line string, no `JSON.parse`,
 * no object to validate; anything else, or a line that does not match, takes the full path.
 * test/core/plain-liquidation.test.ts holds the two to agreeing, field by field.
 *
 * Every part matches a text one way only (no number splits into two runs of digits several ways, no two alternatives
 * match the same number): a line that fails near its end (an unknown field after the last key) fails in time linear
 * in its length. Where a number could be read several ways, the engine tried every combination of the line's
 * numbers before giving up (`0.1111111111111111` in four prices: seconds a line).
 */
const PLAIN_NUMBER = String.raw`(?:[1-9][0-9]{0,13}(?:\.[0-9]{1,17})?|0\.0{0,16}[1-9][0-9]{0,16})`;
/**
 * A number `plausible` lets through, captured when the number is one, else matched as any plain number: the same
 * lines match, and a reader that does not make the event of a line still knows whether it is plausible
 * (`plainPlausible`). The two alternatives exclude each other (the first only where the plausible form is the whole
 * number, up to the `,` or `}` after it; the second only where it is not), so a failing line never reads a number twice.
 */
function plainCapture(plausible: string): string {
  return String.raw`(?:(?=(?:${plausible})[,}])(${plausible})|(?!(?:${plausible})[,}])${PLAIN_NUMBER})`;
}
/** A price (from 10^-12 to below 10^9) and a liquidation's USD value (below 10^9) `implausible` lets through (`PLAUSIBLE`). */
const PLAIN_PRICE = plainCapture(String.raw`[1-9][0-9]{0,8}(?:\.[0-9]{1,17})?|0\.0{0,11}[1-9][0-9]{0,16}`);
const PLAIN_USD = plainCapture(String.raw`[1-9][0-9]{0,8}(?:\.[0-9]{1,17})?|0\.0{0,16}[1-9][0-9]{0,16}`);
/** The end of a plain line: its newline, after a carriage return (a file written on Windows) or blanks, if any. */
const PLAIN_END = String.raw`[ \t\r]*\n`;
const PLAIN_LIQUIDATION = new RegExp(
  String.raw`\{"type":"liquidation","ts":(0|[1-9][0-9]{0,14}),"exchange":"[a-z0-9]{1,30}","symbol":"([A-Z0-9]{1,20})/[A-Z0-9]{1,20}(?::[A-Z0-9]{1,20})?",` +
    String.raw`"side":"(?:long|short)","price":${PLAIN_PRICE},"amount":${PLAIN_NUMBER},"usd":${PLAIN_USD}\}${PLAIN_END}`,
  'y',
);
/**
 * A candle line in the same plain form (a volume, if any, zero or more; a timeframe of the ccxt form, its length
 * checked when it is read); its prices are checked as `toEvent` checks them.
 */
const PLAIN_VOLUME = String.raw`(?:0(?:\.[0-9]{1,17})?|[1-9][0-9]{0,13}(?:\.[0-9]{1,17})?)`;
const PLAIN_CANDLE = new RegExp(
  String.raw`\{"type":"candle","ts":(0|[1-9][0-9]{0,14}),"exchange":"[a-z0-9]{1,30}","symbol":"([A-Z0-9]{1,20})/[A-Z0-9]{1,20}(?::[A-Z0-9]{1,20})?",` +
    String.raw`"timeframe":"[1-9][0-9]?[mhdwM]","open":${PLAIN_NUMBER},"high":${PLAIN_NUMBER},"low":${PLAIN_NUMBER},"close":${PLAIN_NUMBER}(?:,"volume":${PLAIN_VOLUME})?\}${PLAIN_END}`,
  'y',
);
/** `{"type":"liquidation","ts":` and `{"type":"candle","ts":`: where the time starts. */
const TS_AT = 27;
const CANDLE_TS_AT = 22;
/** `{"type":"`: the first letter of the type is at 9 (l: a liquidation, c: a candle). */
const TYPE_AT = 9;

/** Where the line of a plain-form liquidation or candle at `at` in `text` ends (past its newline), or -1 if there is none. */
export function plainLineAt(text: string, at: number): number {
  const re = plainForm(text, at);
  return re !== undefined && re.test(text) ? re.lastIndex : -1;
}
/** The expression of the plain form for the line at `at` (by the first letter of its type), set to match there. */
function plainForm(text: string, at: number): RegExp | undefined {
  const c = text.charCodeAt(at + TYPE_AT);
  const re = c === 108 ? PLAIN_LIQUIDATION : c === 99 ? PLAIN_CANDLE : undefined;
  if (re !== undefined) re.lastIndex = at;
  return re;
}

let seenTs = 0;
let seenAsset = '';
let seenPlausible = false;
/**
 * The same, for a reader that holds one asset: a line found also gives its time and asset (`plainTs`,
 * `plainAsset`) and, a liquidation, whether it is plausible (`plainPlausible`), so a line of another asset costs the
 * match alone.
 */
export function plainLineSeen(text: string, at: number): number {
  const re = plainForm(text, at);
  if (re === undefined) return -1;
  const m = re.exec(text);
  if (m === null) return -1;
  seenTs = Number(m[1]);
  seenAsset = m[2]!;
  seenPlausible = m[3] !== undefined && m[4] !== undefined;
  return re.lastIndex;
}
/** The time of the line `plainLineSeen` found last. */
export function plainTs(): number {
  return seenTs;
}
/** Its asset, as `assetOf` gives it (the plain form's bases are upper-case already). */
export function plainAsset(): string {
  return seenAsset;
}
/**
 * Whether, a liquidation, its price and USD value are ones `implausible` lets through on a file's own time (a price
 * or a USD value of exactly 10^9 is not said to be: the full path decides it).
 */
export function plainPlausible(): boolean {
  return seenPlausible;
}

// Where the line at hand is being read (one line at a time, synchronously: module state is enough).
let cursor = 0;

// What every plain-form line starts with, read by `readHead`.
let headTs = 0;
let headExchange = '';
let headSymbol = '';
/** Read the time, exchange and symbol of a plain-form line whose time starts at `tsAt`; the cursor ends on the symbol's closing quote. */
function readHead(text: string, tsAt: number): void {
  cursor = tsAt;
  headTs = plainNumber(text);
  cursor += 12; // "exchange":"
  headExchange = internExchange(text);
  cursor += 12; // ","symbol":"
  headSymbol = internSymbol(text);
}

/** The event `toEvent(JSON.parse(line))` gives for the plain-form liquidation at `at`, field for field. */
export function plainLiquidationEvent(text: string, at: number): Liquidation {
  readHead(text, at + TS_AT);
  const ts = headTs, exchange = headExchange, symbol = headSymbol;
  cursor += 10; // ","side":"
  const long = text.charCodeAt(cursor) === 108; // l
  cursor += long ? 14 : 15; // long","price": or short","price":
  const price = plainNumber(text);
  cursor += 9; // "amount":
  const amount = plainNumber(text);
  cursor += 6; // "usd":
  const usd = plainNumber(text);
  return { type: 'liquidation', ts, exchange, symbol, side: long ? 'long' : 'short', price, amount, usd };
}
/**
 * The event `toEvent(JSON.parse(line))` gives for the plain-form candle at `at`, field for field, or undefined if its
 * prices do not hold together (the full path then says why).
 */
export function plainCandleEvent(text: string, at: number): Candle | undefined {
  readHead(text, at + CANDLE_TS_AT);
  const ts = headTs, exchange = headExchange, symbol = headSymbol;
  cursor += 15; // ","timeframe":"
  const timeframe = plainTimeframe(text);
  // Longer than any candle a file may hold: the full path says so.
  if (TIMEFRAME_MS[timeframe] > MAX_TIMEFRAME_MS) return undefined;
  cursor += 9; // ","open":
  const open = plainNumber(text);
  cursor += 7; // "high":
  const high = plainNumber(text);
  cursor += 6; // "low":
  const low = plainNumber(text);
  cursor += 8; // "close":
  const close = plainNumber(text);
  if (high < low || high < Math.max(open, close) || low > Math.min(open, close)) return undefined;
  const candle: Candle = { type: 'candle', ts, exchange, symbol, timeframe, open, high, low, close };
  if (text.charCodeAt(cursor - 1) === 44) {
    cursor += 9; // "volume":
    candle.volume = plainNumber(text);
  }
  return candle;
}
/** A timeframe's unit letter, by character code, as `TIMEFRAME_AT` indexes it. */
const UNIT_OF_CODE = new Uint8Array(128);
for (const [u, unit] of UNITS.entries()) UNIT_OF_CODE[unit.charCodeAt(0)] = u;
/** The timeframe at the cursor (one or two digits and a unit, checked by the expression), as the kept string; the cursor moves past it. */
function plainTimeframe(text: string): Timeframe {
  let n = text.charCodeAt(cursor++) - 48;
  const c = text.charCodeAt(cursor);
  if (c >= 48 && c <= 57) {
    n = n * 10 + (c - 48);
    cursor++;
  }
  return TIMEFRAME_AT[n * UNITS.length + UNIT_OF_CODE[text.charCodeAt(cursor++)]!]!;
}
/** Where the exchange of the plain-form line at `at` starts: past the time's digits and `,"exchange":"`. */
function plainExchangeAt(text: string, at: number): number {
  let i = at + TS_AT + 1;
  while (text.charCodeAt(i) !== 44) i++;
  return i + 13;
}
/**
 * The exchange of the plain-form liquidation at `at` (after `plainLineAt` or `plainLineSeen` found it), as the event
 * would hold it, read where it lies: what a reader that makes no event of the line (another asset's) still tells.
 */
export function plainExchange(text: string, at: number): string {
  cursor = plainExchangeAt(text, at);
  return internExchange(text);
}
/**
 * Which of `names` (exchanges `plainExchange` gave before) the plain-form liquidation at `at` is of, compared where it
 * lies, or -1: a reader that tells every line's exchange makes a name once, not one per line.
 */
export function plainExchangeAmong(text: string, at: number, names: readonly string[]): number {
  const start = plainExchangeAt(text, at);
  next: for (let i = 0; i < names.length; i++) {
    const name = names[i]!;
    if (text.charCodeAt(start + name.length) !== 34) continue; // its closing quote
    for (let j = 0; j < name.length; j++) if (text.charCodeAt(start + j) !== name.charCodeAt(j)) continue next;
    return i;
  }
  return -1;
}
/** Whether the plain-form line at `at` is a liquidation (else a candle). */
export function plainIsLiquidation(text: string, at: number): boolean {
  return text.charCodeAt(at + TYPE_AT) === 108;
}
/** The event of a plain-form line at `at` (after `plainLineAt` found it), or undefined (then read it in full). */
export function plainLineEvent(text: string, at: number): Liquidation | Candle | undefined {
  return plainIsLiquidation(text, at) ? plainLiquidationEvent(text, at) : plainCandleEvent(text, at);
}
/** One line on its own (tests, and anyone with a line at hand): the event, or undefined if it is not in the plain form. */
export function plainLine(line: string): Liquidation | Candle | undefined {
  const text = line + '\n';
  return plainLineAt(text, 0) === text.length ? plainLineEvent(text, 0) : undefined;
}

/** Every power of ten a double holds exactly. */
const POWERS_OF_TEN = [1, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22];
/**
 * The plain decimal at the cursor (digits and at most one point, checked by the expression), as `JSON.parse`
 * reads it; the cursor moves past the character after it. With at most 15 significant digits the digits are an
 * exact integer and, up to 22 decimals, the power of ten exact, so one division rounds exactly as the decimal does
 * (Clinger's fast path); other numbers go to `Number`.
 */
function plainNumber(text: string): number {
  const start = cursor;
  let i = start, n = 0, digits = 0, point = -1;
  for (let c = text.charCodeAt(i); ; c = text.charCodeAt(++i)) {
    if (c === 46) {
      point = i;
      continue;
    }
    if (c < 48 || c > 57) break;
    n = n * 10 + (c - 48);
    if (n !== 0) digits++;
  }
  cursor = i + 1;
  if (point === -1) return digits > 15 ? Number(text.slice(start, i)) : n;
  const decimals = i - point - 1;
  return digits > 15 || decimals > 22 ? Number(text.slice(start, i)) : n / POWERS_OF_TEN[decimals]!;
}

/**
 * Names read in place, each mapped to the kept string the full path keeps (`exchangeOf`, `symbolOf`) without
 * making a string of it: open addressing on a hash of a few characters, each candidate compared where it lies.
 */
const INTERN_SLOTS = 4096;
class Names {
  private readonly slots: string[] = new Array<string>(INTERN_SLOTS).fill('');
  private size = 0;
  /** @param keep checks a name seen the first time and gives the string to keep for it */
  constructor(private readonly keep: (name: string) => string) {}

  /** The kept string for `text` from `start` to `end`, whose hash is `h`. */
  at(text: string, start: number, end: number, h: number): string {
    let slot = h & (INTERN_SLOTS - 1);
    for (let k = this.slots[slot]!; k !== ''; k = this.slots[slot]!) {
      if (k.length === end - start && text.startsWith(k, start)) return k;
      slot = (slot + 1) & (INTERN_SLOTS - 1);
    }
    const kept = this.keep(text.slice(start, end));
    // At most half full: a miss ends at an empty slot within a few steps. Past that, names are checked each time.
    if (this.size < INTERN_SLOTS / 2) {
      this.slots[slot] = kept;
      this.size++;
    }
    return kept;
  }
}
const exchangeNames = new Names(exchangeOf);
const symbolNames = new Names(symbolOf);

function internExchange(text: string): string {
  const start = cursor, end = text.indexOf('"', start);
  let h = end - start;
  for (let i = start; i < end; i++) h = (h * 31 + text.charCodeAt(i)) | 0;
  cursor = end;
  return exchangeNames.at(text, start, end, h);
}
/** The hash reads the base (up to the slash), the length and the last character. */
function internSymbol(text: string): string {
  const start = cursor, slash = text.indexOf('/', start), end = text.indexOf('"', slash);
  let h = end - start;
  for (let i = start; i < slash; i++) h = (h * 31 + text.charCodeAt(i)) | 0;
  h = (h * 31 + text.charCodeAt(end - 1)) | 0;
  cursor = end;
  return symbolNames.at(text, start, end, h);
}

// One function per type, each reading its fields off its own parameter: V8 gives every `o.ts` read on one
// variable in a function one shared feedback slot, which every type's shape would make megamorphic.
function liquidationOf(o: Raw): Liquidation {
  const price = positive(o.price, 'price'), amount = positive(o.amount, 'amount'), given = o.usd;
  // `"usd": null` (a recorder's empty column) is no value given: price × amount, as when the field is absent.
  const usd = given === undefined || given === null ? price * amount : positive(given, 'usd');
  // A given `usd` is checked above; this is the product's (0 when it underflows, past 10^15 when it is absurd). The
  // bound said is the one a liquidation must meet (`PLAUSIBLE`), which a file's reader holds the rest to.
  if (!(usd > 0 && usd <= 1e15)) fail(`\`price\` × \`amount\` is ${usd}: it must be a positive USD value of at most ${power(PLAUSIBLE.maxLiquidationUsd)}`);
  const ts = time(o.ts), exchange = exchangeOf(o.exchange), symbol = symbolOf(o.symbol), side = o.side;
  if (side !== 'long' && side !== 'short') fail(missing(side, 'side', '`side` must be "long" or "short"'));
  return { type: 'liquidation', ts, exchange, symbol, side, price, amount, usd };
}
function candleOf(o: Raw): Candle {
  const tf = o.timeframe;
  if (!isTimeframe(tf)) fail(missing(tf, 'timeframe', `\`timeframe\` must be a ccxt timeframe of at most a year: a count of m, h, d, w or M (30 days), such as ${TIMEFRAMES.join(', ')}`));
  const open = positive(o.open, 'open'), high = positive(o.high, 'high'), low = positive(o.low, 'low'), close = positive(o.close, 'close');
  if (high < low || high < Math.max(open, close) || low > Math.min(open, close)) fail('candle `high`/`low` do not contain `open`/`close`');
  const candle: Candle = { type: 'candle', ts: time(o.ts), exchange: exchangeOf(o.exchange), symbol: symbolOf(o.symbol), timeframe: tf, open, high, low, close };
  const volume = o.volume;
  if (volume !== undefined) candle.volume = nonNegative(volume, 'volume');
  return candle;
}
function priceOf(o: Raw): PriceTick {
  return { type: 'price', ts: time(o.ts), exchange: exchangeOf(o.exchange), symbol: symbolOf(o.symbol), price: positive(o.price, 'price') };
}
function totalOf(o: Raw): LiquidationTotal {
  const period = o.period;
  if (period !== '1h' && period !== '1d') fail(missing(period, 'period', '`period` must be "1h" or "1d"'));
  const total: LiquidationTotal = {
    type: 'liquidation_total', ts: time(o.ts), period, asset: assetField(o.asset),
    side: sideOf(o), usd: nonNegative(o.usd, 'usd'),
  };
  if (o.exchange !== undefined) total.exchange = exchangeOf(o.exchange);
  return total;
}
/** An `asset` field, as a name the command line can ask for (`assetName`). */
function assetField(v: unknown): string {
  return text(typeof v === 'string' ? assetName(v) : v, 'asset', ASSET_RE, 'an asset such as ETH');
}
/** A level, and what was changed to keep it (its label cleaned or shortened: `cleanLabel`). */
function levelEventOf(o: Raw): { event: LevelEvent; note?: string } {
  let level: number | [number, number];
  if (o.price !== undefined) {
    if (o.low !== undefined || o.high !== undefined) fail('a level has either `price` or `low`+`high`, not both');
    level = positive(o.price, 'price');
  } else {
    if (o.low === undefined && o.high === undefined) fail('a level needs `price` or `low` and `high`');
    const low = positive(o.low, 'low'), high = positive(o.high, 'high');
    if (low >= high) fail('zone `low` must be below `high`');
    level = [low, high];
  }
  const ev: LevelEvent = { type: 'level', ts: time(o.ts), asset: assetField(o.asset), level };
  let note: string | undefined;
  if (o.label !== undefined) {
    if (typeof o.label !== 'string') fail('`label` must be a string');
    const c = cleanLabel(o.label);
    if (c.label !== undefined) ev.label = c.label;
    note = c.note;
  }
  if (o.chat !== undefined) {
    if ((typeof o.chat !== 'string' && typeof o.chat !== 'number') || String(o.chat).length > 100) fail('`chat` must be a chat id');
    ev.chat = String(o.chat);
  }
  return note === undefined ? { event: ev } : { event: ev, note };
}
function openInterestOf(o: Raw): OpenInterest {
  const ev: OpenInterest = { type: 'open_interest', ts: time(o.ts), exchange: exchangeOf(o.exchange), symbol: symbolOf(o.symbol), usd: nonNegative(o.usd, 'usd') };
  if (o.contracts !== undefined) ev.contracts = nonNegative(o.contracts, 'contracts');
  return ev;
}
// The market's bounds (`PLAUSIBLE`, as `implausible` judges a live rate) are the parse's: a file's reader names the
// field of an implausible event by its prices and sizes, and funding has neither.
function fundingOf(o: Raw): Funding {
  const rate = o.rate;
  if (typeof rate !== 'number' || !Number.isFinite(rate)) fail(missing(rate, 'rate', `\`rate\` must be a finite number per interval (0.0001 = 0.01%)${quoted(rate)}`));
  if (Math.abs(rate) > PLAUSIBLE.maxFundingRate) fail(`\`rate\` ${rate} is beyond any market (funding is at most ±${PLAUSIBLE.maxFundingRate * 100}% an interval; 0.0001 = 0.01%)`);
  return { type: 'funding', ts: time(o.ts), exchange: exchangeOf(o.exchange), symbol: symbolOf(o.symbol), rate, intervalHours: fundingHours(o.intervalHours) };
}
function fundingHours(v: unknown): number {
  const hours = positive(v, 'intervalHours');
  if (hours > PLAUSIBLE.maxFundingIntervalHours) fail(`\`intervalHours\` ${hours} is beyond any market (venues settle funding every 1 to 8 hours; at most ${PLAUSIBLE.maxFundingIntervalHours})`);
  return hours;
}

/** Validate one decoded JSON value as a market event. Never throws. */
export function toEvent(value: unknown): ParseResult {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return { ok: false, skip: 'invalid', reason: 'not a JSON object' };
  }
  const o = value as Raw;
  try {
    switch (o.type) {
      case 'liquidation':
        return { ok: true, event: liquidationOf(o) };
      case 'candle':
        return { ok: true, event: candleOf(o) };
      case 'price':
        return { ok: true, event: priceOf(o) };
      case 'liquidation_total':
        return { ok: true, event: totalOf(o) };
      case 'level': {
        const { event, note } = levelEventOf(o);
        return note === undefined ? { ok: true, event } : { ok: true, event, note };
      }
      case 'open_interest':
        return { ok: true, event: openInterestOf(o) };
      case 'funding':
        return { ok: true, event: fundingOf(o) };
      default:
        if (typeof o.type !== 'string') return { ok: false, skip: 'invalid', reason: missing(o.type, 'type', '`type` must be a string') };
        return { ok: false, skip: 'unknown_type', reason: `unknown type ${JSON.stringify(o.type.slice(0, 40))}` };
    }
  } catch (err) {
    if (err instanceof Invalid) return { ok: false, skip: 'invalid', reason: `${String(o.type)}: ${err.message}` };
    throw err;
  }
}

/** Parse one line of an event file. Blank lines are the caller's business (they are ignored, not errors). */
export function parseEventLine(line: string): ParseResult {
  if (line.length > MAX_LINE_CHARS) return { ok: false, skip: 'invalid', reason: `line longer than ${MAX_LINE_CHARS} characters` };
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch {
    return { ok: false, skip: 'invalid', reason: 'not valid JSON' };
  }
  return toEvent(value);
}

/**
 * One event as a line of an event file (shared/spec/events.md), the inverse of `parseEventLine`: the normalized
 * shape, except a level, whose file form is `price` or `low`+`high` rather than `level`.
 */
export function eventLine(e: MarketEvent): string {
  if (e.type !== 'level') return JSON.stringify(e);
  const { level, ...rest } = e;
  return JSON.stringify(typeof level === 'number' ? { ...rest, price: level } : { ...rest, low: level[0], high: level[1] });
}

/** The asset an event is about. */
export function eventAsset(e: MarketEvent): string {
  return 'symbol' in e ? assetOf(e.symbol) : e.asset;
}

/**
 * Why a well-formed event is still not believable: stamped far from the receiving clock, or sized or priced
 * beyond any market (a glitch or a hostile feed). The live bot drops these and counts them by reason. A funding
 * rate or interval beyond any venue counts as `absurd_size`: a rate is the size of a payment, per interval.
 */
export type Implausible = 'future' | 'stale' | 'absurd_size' | 'absurd_price';

/** Bounds no real market reaches, each with room over the largest ever reported. */
export const PLAUSIBLE = {
  minPrice: 1e-12,
  maxPrice: 1e9,
  /**
   * One liquidation: the largest single one ever reported was about $200M (Oct 10 2025), so $1B is five times the
   * record. Above it is a misread size or a hostile frame (3,000,000 ETH at $3,000, $9B, was counted under the old $10B).
   */
  maxLiquidationUsd: 1e9,
  /**
   * One period's liquidation total (one asset and side, an hour or a day): the largest day ever, every asset, side and
   * exchange together, was about $19B (Oct 10 2025), so $100B is five times more than any one asset's day has been.
   */
  maxLiquidationTotalUsd: 1e11,
  /** Open interest of one contract. */
  maxOpenInterestUsd: 1e12,
  /**
   * A funding rate per interval, either sign (0.1 = 10%). Venues cap it at a few percent an interval (Hyperliquid,
   * among the widest, at 4% an hour): 10% leaves room over any cap and none for a misread unit.
   */
  maxFundingRate: 0.1,
  /** A funding interval in hours: venues settle every 1 to 8 hours; a week is beyond any. */
  maxFundingIntervalHours: 168,
} as const;

const priceOk = (p: number): boolean => Number.isFinite(p) && p >= PLAUSIBLE.minPrice && p <= PLAUSIBLE.maxPrice;

/**
 * Check an event against the receiving clock and market sense. `now` undefined skips the clock (files and
 * rehearsals run on their own time). Single prints (liquidations, price ticks) must be within `skewMs` of
 * `now` either way; anything else only must not be from the future.
 */
export function implausible(e: MarketEvent, now: number | undefined, skewMs: number): Implausible | undefined {
  if (now !== undefined) {
    if (!(e.ts <= now + skewMs)) return 'future';
    if ((e.type === 'liquidation' || e.type === 'price') && e.ts < now - skewMs) return 'stale';
  }
  switch (e.type) {
    case 'liquidation':
      if (!priceOk(e.price)) return 'absurd_price';
      if (!(Number.isFinite(e.amount) && e.amount > 0 && Number.isFinite(e.usd) && e.usd > 0 && e.usd <= PLAUSIBLE.maxLiquidationUsd)) return 'absurd_size';
      return undefined;
    case 'price':
      return priceOk(e.price) ? undefined : 'absurd_price';
    case 'candle':
      return [e.open, e.high, e.low, e.close].every(priceOk) ? undefined : 'absurd_price';
    case 'open_interest':
      return Number.isFinite(e.usd) && e.usd >= 0 && e.usd <= PLAUSIBLE.maxOpenInterestUsd ? undefined : 'absurd_size';
    case 'liquidation_total':
      return Number.isFinite(e.usd) && e.usd >= 0 && e.usd <= PLAUSIBLE.maxLiquidationTotalUsd ? undefined : 'absurd_size';
    case 'level':
      return (typeof e.level === 'number' ? [e.level] : e.level).every(priceOk) ? undefined : 'absurd_price';
    case 'funding':
      return Math.abs(e.rate) <= PLAUSIBLE.maxFundingRate && e.intervalHours > 0 && e.intervalHours <= PLAUSIBLE.maxFundingIntervalHours ? undefined : 'absurd_size';
  }
}
