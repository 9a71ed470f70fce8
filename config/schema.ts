/**
 * The shape of config/default.yaml (and a user's override), validated with zod. A typo stops start-up
 * with one line naming the key and what was expected.
 *
 * zod's mini build, imported as a namespace so that the bundle keeps only what is used (~40 KB instead of
 * 750 KB that every command, `liqbot liqs` included, compiled at start); its English messages are set once here.
 */
import * as z from 'zod/mini';
import en from 'zod/v4/locales/en.js';
import { ASSET_RE, multipliedCoin } from '../src/core/events.js';
import { WINDOWS } from './windows.js';

export { ALL_WINDOWS, WINDOW_MS, type WindowName } from './windows.js';

z.config(en());

const num = z.number;
const int = () => z.number().check(z.int());
const asset = z.pipe(
  z.string().check(
    z.regex(ASSET_RE, 'an asset as a venue lists it, such as ETH (letters and digits of any script, . _ -, at most 20)'),
    // Binance's 1000PEPE is followed as PEPE (every venue's prices per coin): a level set on its price would be 1,000× off.
    z.refine((s) => multipliedCoin(s.toUpperCase()) === undefined, 'a venue\'s multiplied contract is followed as its coin, prices per coin: write PEPE, not 1000PEPE (and a level at PEPE\'s price)'),
  ),
  z.transform((s: string) => s.toUpperCase()),
);
/** The first entry listed again, with its first spelling: ["ETH", "eth"] for [ETH, BTC, eth] (`same`: what makes two one). */
function repeated(list: readonly string[], same: (s: string) => string): [string, string] | undefined {
  const seen = new Map<string, string>();
  for (const s of list) {
    const first = seen.get(same(s));
    if (first !== undefined) return [first, s];
    seen.set(same(s), s);
  }
  return undefined;
}
/** A list naming each entry once: a repeat is a slip (a line pasted twice, a name in two cases), said with both spellings. */
const once = <T extends string>(what: string, same: (s: string) => string = (s) => s) =>
  z.refine<T[]>((list) => repeated(list, same) === undefined, {
    error: (issue) => {
      const [first, again] = repeated(issue.input as string[], same)!;
      return first === again ? `"${first}" is listed twice: list it once` : `"${first}" and "${again}" are one ${what}: list it once`;
    },
  });
const positive = num().check(z.positive());
const label = z.optional(z.string().check(z.maxLength(100)));
/**
 * A default level: a price, or a zone from low to high. One object whose keys are each checked, then its form, so a
 * refusal names the key and what is wrong with it (`levels.defaults.0.price: … received string`) or what the entry
 * lacks, where a union of the two forms refused any mistake as "Invalid input".
 */
const level = z.pipe(
  z.strictObject({ asset, price: z.optional(positive), low: z.optional(positive), high: z.optional(positive), label }).check((ctx) => {
    const { price, low, high } = ctx.value;
    const zone = low !== undefined || high !== undefined;
    const problem = price !== undefined
      ? zone ? 'a level is a price or a zone (low and high), not both' : undefined
      : low === undefined || high === undefined ? 'needs price, or low and high for a zone'
      : low < high ? undefined : 'a zone needs low < high';
    if (problem) ctx.issues.push({ code: 'custom', message: problem, input: ctx.value });
  }),
  z.transform(({ price, low, high, ...rest }): { asset: string; label?: string } & ({ price: number } | { low: number; high: number }) =>
    price !== undefined ? { ...rest, price } : { ...rest, low: low!, high: high! }),
);
/**
 * The most levels a chat may keep of its own (`maxPerChat`'s ceiling), and the most `levels.defaults` may set for one
 * asset: every chat's `/levels` lists them all.
 */
const MAX_LEVELS = 500;
/** How a level is written in a refusal: `ETH 3000`, `ETH 2750–2800`. */
const levelText = (l: z.infer<typeof level>) => `${l.asset} ${'price' in l ? l.price : `${l.low}–${l.high}`}`;
/**
 * The defaults each set once (an asset and a price, or a zone's bounds, is one level whatever its label: a repeat would
 * replace the first, its label lost), and at most MAX_LEVELS for an asset.
 */
const defaultLevels = z.array(level).check((ctx) => {
  const first = new Map<string, number>();
  const perAsset = new Map<string, number>();
  for (const [i, l] of ctx.value.entries()) {
    perAsset.set(l.asset, (perAsset.get(l.asset) ?? 0) + 1);
    const key = levelText(l);
    const j = first.get(key);
    if (j === undefined) first.set(key, i);
    else ctx.issues.push({ code: 'custom', message: `${key} repeats levels.defaults.${j} (one level per asset and price or zone, whatever its label): list it once`, path: [i], input: l });
  }
  for (const [asset, n] of perAsset) {
    if (n > MAX_LEVELS) ctx.issues.push({ code: 'custom', message: `${n} levels of ${asset}: at most ${MAX_LEVELS} per asset, the most maxPerChat allows (every chat's /levels lists them all)`, input: ctx.value });
  }
});
/** A number from `min` to `max` (both included). */
const between = (min: number, max: number) => num().check(z.gte(min), z.lte(max));
const intBetween = (min: number, max: number) => int().check(z.gte(min), z.lte(max));
/** Per venue or asset, with the `default` entry every lookup falls back to. */
const withDefault = (value: z.ZodMiniNumber) => z.record(z.string(), value).check(z.refine((r) => 'default' in r, 'needs a `default` entry'));

/** Whether `name` is a time zone this runtime knows (an IANA name: UTC, Europe/Berlin, Asia/Seoul). */
function isTimeZone(name: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: name });
    return true;
  } catch {
    return false;
  }
}

/** The IANA areas: a zone named Area/Location is a place, whose clock follows that place's rules, summer time too. */
const AREA_NAME = /^(Africa|America|Antarctica|Arctic|Asia|Atlantic|Australia|Europe|Indian|Pacific)\/[A-Za-z]/i;

/**
 * Places for the abbreviations and legacy names people write for their zone (one example each, or two where the
 * abbreviation is shared; the message says "such as").
 */
const PLACE_OF: Record<string, string> = {
  EST: 'America/New_York', EDT: 'America/New_York', ET: 'America/New_York', EST5EDT: 'America/New_York',
  CST: 'America/Chicago or Asia/Shanghai', CDT: 'America/Chicago', CST6CDT: 'America/Chicago',
  MST: 'America/Denver or America/Phoenix', MDT: 'America/Denver', MST7MDT: 'America/Denver',
  PST: 'America/Los_Angeles', PDT: 'America/Los_Angeles', PT: 'America/Los_Angeles', PST8PDT: 'America/Los_Angeles',
  AKST: 'America/Anchorage', AKDT: 'America/Anchorage', HST: 'Pacific/Honolulu',
  BST: 'Europe/London', WET: 'Europe/Lisbon', WEST: 'Europe/Lisbon',
  CET: 'Europe/Berlin', CEST: 'Europe/Berlin', MET: 'Europe/Berlin', MEST: 'Europe/Berlin',
  EET: 'Europe/Athens', EEST: 'Europe/Athens', MSK: 'Europe/Moscow',
  IST: 'Asia/Kolkata', PKT: 'Asia/Karachi', ICT: 'Asia/Bangkok', WIB: 'Asia/Jakarta',
  SGT: 'Asia/Singapore', HKT: 'Asia/Hong_Kong', PHT: 'Asia/Manila', KST: 'Asia/Seoul', JST: 'Asia/Tokyo',
  AEST: 'Australia/Sydney', AEDT: 'Australia/Sydney', ACST: 'Australia/Adelaide', AWST: 'Australia/Perth',
  NZST: 'Pacific/Auckland', NZDT: 'Pacific/Auckland',
};

/** Places for a standard-time offset in minutes (an example or two; daylight saving moves most of them in summer). */
const PLACE_AT: Record<number, string> = {
  [-600]: 'Pacific/Honolulu', [-540]: 'America/Anchorage', [-480]: 'America/Los_Angeles', [-420]: 'America/Denver or America/Phoenix',
  [-360]: 'America/Chicago or America/Mexico_City', [-300]: 'America/New_York or America/Bogota', [-240]: 'America/Halifax or America/Caracas',
  [-210]: 'America/St_Johns', [-180]: 'America/Sao_Paulo or America/Argentina/Buenos_Aires', [-60]: 'Atlantic/Azores',
  60: 'Europe/Berlin or Africa/Lagos', 120: 'Europe/Athens or Africa/Johannesburg', 180: 'Europe/Moscow or Europe/Istanbul',
  210: 'Asia/Tehran', 240: 'Asia/Dubai', 270: 'Asia/Kabul', 300: 'Asia/Karachi', 330: 'Asia/Kolkata', 345: 'Asia/Kathmandu',
  360: 'Asia/Dhaka', 390: 'Asia/Yangon', 420: 'Asia/Bangkok or Asia/Jakarta', 480: 'Asia/Singapore or Asia/Shanghai',
  540: 'Asia/Seoul or Asia/Tokyo', 570: 'Australia/Adelaide', 600: 'Australia/Sydney or Australia/Brisbane', 660: 'Pacific/Noumea',
  720: 'Pacific/Auckland', 780: 'Pacific/Tongatapu', 840: 'Pacific/Kiritimati',
};

/** An offset as written: GMT+9, UTC+09:00, +0900, -5, UTC−3 (a real minus too); in minutes east of UTC. */
const OFFSET = /^(?:UTC|GMT|Z)?\s*([+\-−])\s*(\d{1,2})(?::?(\d{2}))?$/i;

function offsetText(minutes: number): string {
  const m = Math.abs(minutes);
  return `UTC${minutes < 0 ? '−' : '+'}${Math.floor(m / 60)}${m % 60 ? `:${String(m % 60).padStart(2, '0')}` : ''}`;
}

/** "such as Asia/Seoul or Asia/Tokyo": how a refused name is mended. */
function useInstead(place: string | undefined): string {
  if (place === 'UTC') return 'write UTC';
  return `name the place as Area/City, such as ${place ?? 'Europe/Berlin or Asia/Seoul (or write UTC)'}`;
}

/** A zone whose city is `name` ("Seoul", "new york" → Asia/Seoul, America/New_York), for a name given without its area. */
function zoneOfCity(name: string): string | undefined {
  const city = name.trim().replace(/ /g, '_').toLowerCase();
  return Intl.supportedValuesOf('timeZone').find((z) => z.split('/').pop()!.toLowerCase() === city);
}

/**
 * Why `name` cannot be the zone times are told in, or undefined when it can: UTC (Etc/UTC) or an IANA Area/City name
 * this runtime knows, nothing else. The other names it knows tell someone the wrong clock: EST is a fixed UTC−5 (New
 * York is on EDT eight months a year), Etc/GMT+9 is UTC−9 (the Etc/GMT names reverse the sign), and the old aliases
 * (US/Eastern, EST5EDT, GMT) are refused with them, for one rule. The refusal names a place to write instead.
 */
export function timeZoneProblem(name: string): string | undefined {
  if (name === 'UTC' || name === 'Etc/UTC') return undefined;
  const known = isTimeZone(name);
  if (AREA_NAME.test(name)) return known ? undefined : 'not a time zone this system knows (an IANA name such as UTC, Europe/Berlin or Asia/Seoul)';
  const quoted = JSON.stringify(name);
  const etc = /^Etc\/GMT([+-])(\d{1,2})$/i.exec(name);
  if (etc && known) {
    // The sign is POSIX's, west positive: what the name says and what it means, both mended.
    const east = (etc[1] === '+' ? -1 : 1) * Number(etc[2]) * 60;
    if (east === 0) return `${quoted} is UTC under another name: write UTC`;
    return `${quoted} is a fixed ${offsetText(east)} (the Etc/GMT names reverse the sign): ${useInstead(PLACE_AT[east])}${PLACE_AT[-east] ? `, or for ${offsetText(-east)} ${PLACE_AT[-east]}` : ''}`;
  }
  const offset = OFFSET.exec(name.trim());
  if (offset) {
    const east = (offset[1] === '+' ? 1 : -1) * (Number(offset[2]) * 60 + Number(offset[3] ?? 0));
    return `${quoted} is a fixed offset, not a place (it would not follow summer time): ${useInstead(east === 0 ? 'UTC' : PLACE_AT[east])}`;
  }
  const abbreviation = PLACE_OF[name.toUpperCase()];
  if (!known) {
    const place = abbreviation ?? zoneOfCity(name);
    if (place === undefined) return 'not a time zone this system knows (an IANA name such as UTC, Europe/Berlin or Asia/Seoul)';
    return `${quoted} is ${abbreviation ? 'an abbreviation, not a time zone name' : 'not an IANA Area/City name'}: ${useInstead(place)}`;
  }
  const resolved = new Intl.DateTimeFormat('en-US', { timeZone: name }).resolvedOptions().timeZone;
  if (resolved === 'UTC') return `${quoted} is UTC under another name: write UTC`;
  // The danger said first: a fixed offset (EST, MST, HST) is an hour off for the places that keep summer time.
  const [winter, summer] = [Date.UTC(2025, 0, 15), Date.UTC(2025, 6, 15)].map((ms) => offsetAt(name, ms));
  const why = winter === summer ? `a fixed ${offsetText(winter!)}, with no summer time` : 'a legacy name, not an IANA Area/City';
  return `${quoted} is ${why}: ${useInstead(abbreviation ?? (AREA_NAME.test(resolved) ? resolved : undefined))}`;
}

/** `zone`'s offset at `ms`, in minutes east of UTC, from Intl's "GMT-05:00" (plain "GMT" at UTC). */
function offsetAt(zone: string, ms: number): number {
  const text = new Intl.DateTimeFormat('en-US', { timeZone: zone, timeZoneName: 'longOffset' }).formatToParts(ms).find((p) => p.type === 'timeZoneName')?.value ?? 'GMT';
  const m = /([+-])(\d{2}):(\d{2})/.exec(text);
  return m ? (m[1] === '+' ? 1 : -1) * (Number(m[2]) * 60 + Number(m[3])) : 0;
}

export const configSchema = z.strictObject({
  // Repeats are found before the names are upper-cased, so the refusal names both spellings.
  assets: z.pipe(z.array(z.string()).check(once('asset', (s) => s.toUpperCase())), z.array(asset).check(z.minLength(1))),
  exchanges: z.array(z.string().check(z.regex(/^[a-z0-9]+$/, 'a ccxt exchange id such as bybit'))).check(once('exchange')),
  windows: z.array(z.enum(WINDOWS)).check(z.minLength(1), once('window')),
  defaultWindow: z.enum(WINDOWS),
  timeZone: z.string().check(z.refine((name: string) => timeZoneProblem(name) === undefined, { error: (issue) => timeZoneProblem(String(issue.input)) })),
  summary: z.strictObject({ largest: intBetween(1, 20), rankDays: intBetween(7, 3650) }),
  levels: z.strictObject({
    timeframe: z.enum(['1m', '5m', '15m', '30m', '1h', '4h']),
    // Every margin is a multiple of the buffer (a decisive close, `flipBuffers`, a chop's range): 0 is no margin at all.
    breakBufferPct: num().check(z.gt(0, 'must be above 0: every break margin is a multiple of this buffer, so 0 would make any close beyond a level a decisive break'), z.lte(10)),
    atrMultiple: between(0, 20),
    atrPeriods: intBetween(1, 500),
    testingPct: between(0, 20),
    chopHours: between(1, 24 * 30),
    chopCrosses: intBetween(2, 50),
    chopRangeHours: between(1, 24 * 30),
    decisiveFactor: between(1, 20),
    decisiveHours: between(0, 24 * 7),
    acceptHours: between(0, 24 * 7),
    flipHours: between(0, 24 * 7),
    flipBuffers: between(0, 20),
    confirmMinutes: between(0, 24 * 60),
    maxPerChat: intBetween(1, MAX_LEVELS),
    cascadeLevelDays: between(0, 90),
    defaults: defaultLevels,
  }),
  cascades: z.strictObject({
    windowMinutes: between(1, 120),
    multiplier: num().check(z.gte(1)),
    historyDays: intBetween(1, 365),
    minHistoryDays: intBetween(0, 365),
    absoluteFloorUsd: num().check(z.gte(0)),
    floorsUsd: withDefault(num().check(z.gte(0))),
    endFraction: num().check(z.gt(0), z.lte(1)),
    quietMinutes: between(1, 240),
    updateGrowth: num().check(z.gt(0)),
    updateMinMinutes: num().check(z.gte(0)),
    legMinutes: between(0, 24 * 60),
    minLiquidations: int().check(z.gte(1)),
    sampledPrintWeight: between(1, 100),
    venueShares: withDefault(between(0, 1)).check((ctx) => {
      // The floors are scaled by the shares of the venues seen: a share of 0 makes them 0 (0/0 when every share is 0).
      const zero = Object.entries(ctx.value).filter(([, share]) => share === 0).map(([venue]) => venue);
      if (!zero.length) return;
      const why = 'the cascade and flush floors are scaled by the shares of the venues seen, and 0 scales them to nothing (leave a venue out of `exchanges` instead)';
      if (zero.length === 1) ctx.issues.push({ code: 'custom', message: `must be above 0: ${why}`, path: zero, input: 0 });
      else ctx.issues.push({ code: 'custom', message: `${zero.join(', ')} are 0; each must be above 0: ${why}`, input: ctx.value });
    }),
    sampledVisibility: num().check(z.gt(0), z.lte(1)),
    maxSingleShare: num().check(z.gt(0), z.lte(1)),
    minSideShare: between(0, 1),
  }).check((ctx) => {
    // A floor of 0 is "the absolute floor only"; both 0 leaves an asset without history no threshold at all.
    if (ctx.value.absoluteFloorUsd > 0) return;
    for (const [asset, usd] of Object.entries(ctx.value.floorsUsd)) {
      if (usd > 0) continue;
      const message = `0 with absoluteFloorUsd 0 leaves ${asset === 'default' ? 'the assets without a floor of their own' : asset} no floor: until there is history, any liquidation would start a cascade (set either above 0)`;
      ctx.issues.push({ code: 'custom', message, path: ['floorsUsd', asset], input: usd });
    }
  }),
  flush: z.strictObject({
    windowMinutes: between(1, 120),
    minAssets: int().check(z.gte(2)),
    minAssetShare: num().check(z.gt(0), z.lte(1)),
    // A flush ends when the window falls below a fraction of its threshold: at 0 it would never end.
    floorUsd: num().check(z.gt(0, 'must be above 0: a flush is over once the window falls below a fraction of this floor, so with 0 one would start on any liquidations and never end')),
    maxLeaderShare: num().check(z.gt(0), z.lte(1)),
    quietMinutes: between(1, 240),
    leaders: intBetween(1, 10),
  }),
  alerts: z.strictObject({
    minUsd: num().check(z.gte(0)),
    families: z.array(z.enum(['cascade', 'level'])).check(z.minLength(1, 'name at least one of cascade, level: a new subscription would be told nothing'), once('family')),
  }),
  limits: z.strictObject({
    commandsPerUserPerMinute: int().check(z.gte(1)),
    commandsPerChatPerMinute: int().check(z.gte(1)),
    labelMaxChars: intBetween(1, 200),
  }),
  retention: z.strictObject({ eventDays: num().check(z.gte(1)), outboxDays: num().check(z.gte(1)) }),
});

export type Config = Readonly<z.infer<typeof configSchema>>;
