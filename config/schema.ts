/**
 * The shape of config/default.yaml (and a user's override), validated with zod. A typo stops start-up
 * with one line naming the key and what was expected.
 *
 * zod's mini build, imported as a namespace so that the bundle keeps only what is used (~40 KB instead of
 * 750 KB that every command, `liqbot liqs` included, compiled at start); its English messages are set once here.
 */
import * as z from 'zod/mini';
import en from 'zod/v4/locales/en.js';
import { ASSET_RE } from '../src/core/events.js';
import { WINDOWS } from './windows.js';

export { ALL_WINDOWS, WINDOW_MS, type WindowName } from './windows.js';

z.config(en());

const num = z.number;
const int = () => z.number().check(z.int());
const asset = z.pipe(
  z.string().check(z.regex(ASSET_RE, 'an asset as a venue lists it, such as ETH (letters and digits of any script, . _ -, at most 20)')),
  z.transform((s: string) => s.toUpperCase()),
);
const positive = num().check(z.positive());
const label = z.optional(z.string().check(z.maxLength(100)));
const level = z.union([
  z.strictObject({ asset, price: positive, label }),
  z.strictObject({ asset, low: positive, high: positive, label }).check(z.refine((l) => l.low < l.high, 'a zone needs low < high')),
]);
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

export const configSchema = z.strictObject({
  assets: z.array(asset).check(z.minLength(1)),
  exchanges: z.array(z.string().check(z.regex(/^[a-z0-9]+$/, 'a ccxt exchange id such as bybit'))),
  windows: z.array(z.enum(WINDOWS)).check(z.minLength(1)),
  defaultWindow: z.enum(WINDOWS),
  timeZone: z.string().check(z.refine(isTimeZone, 'not a time zone this system knows (an IANA name such as UTC, Europe/Berlin or Asia/Seoul)')),
  summary: z.strictObject({ largest: intBetween(1, 20), rankDays: intBetween(7, 3650) }),
  levels: z.strictObject({
    timeframe: z.enum(['1m', '5m', '15m', '30m', '1h', '4h']),
    breakBufferPct: between(0, 10),
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
    maxPerChat: intBetween(1, 500),
    cascadeLevelDays: between(0, 90),
    defaults: z.array(level),
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
    minLiquidations: int().check(z.gte(1)),
    sampledPrintWeight: between(1, 100),
    venueShares: withDefault(between(0, 1)),
    sampledVisibility: num().check(z.gt(0), z.lte(1)),
    maxSingleShare: num().check(z.gt(0), z.lte(1)),
    minSideShare: between(0, 1),
  }),
  flush: z.strictObject({
    windowMinutes: between(1, 120),
    minAssets: int().check(z.gte(2)),
    floorUsd: num().check(z.gte(0)),
    maxLeaderShare: num().check(z.gt(0), z.lte(1)),
    quietMinutes: between(1, 240),
    leaders: intBetween(1, 10),
  }),
  alerts: z.strictObject({
    minUsd: num().check(z.gte(0)),
    families: z.array(z.enum(['cascade', 'level'])),
  }),
  limits: z.strictObject({
    commandsPerUserPerMinute: int().check(z.gte(1)),
    commandsPerChatPerMinute: int().check(z.gte(1)),
    labelMaxChars: intBetween(1, 200),
  }),
  retention: z.strictObject({ eventDays: num().check(z.gte(1)), outboxDays: num().check(z.gte(1)) }),
});

export type Config = Readonly<z.infer<typeof configSchema>>;
