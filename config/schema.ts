/**
 * The shape of config/default.yaml (and a user's override), validated with zod. A typo stops start-up
 * with one line naming the key and what was expected.
 */
import { z } from 'zod';
import { ASSET_RE } from '../src/core/events.js';

const WINDOWS = ['1h', '4h', '12h', '24h', '7d'] as const;
export type WindowName = (typeof WINDOWS)[number];
export const WINDOW_MS: Record<WindowName, number> = {
  '1h': 3_600_000,
  '4h': 14_400_000,
  '12h': 43_200_000,
  '24h': 86_400_000,
  '7d': 604_800_000,
};
export const ALL_WINDOWS: readonly WindowName[] = WINDOWS;

const asset = z
  .string()
  .regex(ASSET_RE, 'an asset as a venue lists it, such as ETH (letters and digits of any script, . _ -, at most 20)')
  .transform((s) => s.toUpperCase());
const positive = z.number().positive();
const level = z.union([
  z.strictObject({ asset, price: positive, label: z.string().max(100).optional() }),
  z
    .strictObject({ asset, low: positive, high: positive, label: z.string().max(100).optional() })
    .refine((l) => l.low < l.high, 'a zone needs low < high'),
]);

export const configSchema = z.strictObject({
  assets: z.array(asset).min(1),
  exchanges: z.array(z.string().regex(/^[a-z0-9]+$/, 'a ccxt exchange id such as bybit')),
  windows: z.array(z.enum(WINDOWS)).min(1),
  defaultWindow: z.enum(WINDOWS),
  summary: z.strictObject({ largest: z.number().int().min(1).max(20), rankDays: z.number().int().min(7).max(3650) }),
  levels: z.strictObject({
    timeframe: z.enum(['1m', '5m', '15m', '30m', '1h', '4h']),
    breakBufferPct: z.number().min(0).max(10),
    atrMultiple: z.number().min(0).max(20),
    atrPeriods: z.number().int().min(1).max(500),
    testingPct: z.number().min(0).max(20),
    chopHours: z.number().min(1).max(24 * 30),
    chopCrosses: z.number().int().min(2).max(50),
    decisiveFactor: z.number().min(1).max(20),
    decisiveHours: z.number().min(0).max(24 * 7),
    acceptHours: z.number().min(0).max(24 * 7),
    flipHours: z.number().min(0).max(24 * 7),
    confirmMinutes: z.number().min(0).max(24 * 60),
    maxPerChat: z.number().int().min(1).max(500),
    cascadeLevelDays: z.number().min(0).max(90),
    defaults: z.array(level),
  }),
  cascades: z.strictObject({
    windowMinutes: z.number().min(1).max(120),
    multiplier: z.number().min(1),
    historyDays: z.number().int().min(1).max(365),
    minHistoryDays: z.number().int().min(0).max(365),
    absoluteFloorUsd: z.number().min(0),
    floorsUsd: z.record(z.string(), z.number().min(0)).refine((r) => 'default' in r, 'needs a `default` entry'),
    endFraction: z.number().gt(0).max(1),
    quietMinutes: z.number().min(1).max(240),
    updateGrowth: z.number().gt(0),
    updateMinMinutes: z.number().min(0),
    minLiquidations: z.number().int().min(1),
    sampledPrintWeight: z.number().min(1).max(100),
    venueShares: z.record(z.string(), z.number().min(0).max(1)).refine((r) => 'default' in r, 'needs a `default` entry'),
    sampledVisibility: z.number().gt(0).max(1),
    maxSingleShare: z.number().gt(0).max(1),
    minSideShare: z.number().min(0).max(1),
  }),
  flush: z.strictObject({
    windowMinutes: z.number().min(1).max(120),
    minAssets: z.number().int().min(2),
    floorUsd: z.number().min(0),
    maxLeaderShare: z.number().gt(0).max(1),
    quietMinutes: z.number().min(1).max(240),
    leaders: z.number().int().min(1).max(10),
  }),
  alerts: z.strictObject({
    minUsd: z.number().min(0),
    families: z.array(z.enum(['cascade', 'level'])),
  }),
  limits: z.strictObject({
    commandsPerUserPerMinute: z.number().int().min(1),
    commandsPerChatPerMinute: z.number().int().min(1),
    labelMaxChars: z.number().int().min(1).max(200),
  }),
  retention: z.strictObject({ eventDays: z.number().min(1), outboxDays: z.number().min(1) }),
});

export type Config = Readonly<z.infer<typeof configSchema>>;
