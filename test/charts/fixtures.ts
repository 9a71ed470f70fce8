/**
 * Chart inputs that look like real market days: the January 31 ETH flush ($3,000 → $2,350 through two
 * cascades, $485.2M liquidated, almost all longs), a quiet window with no liquidations, and a SOL short
 * squeeze on synthetic data. Deterministic: a seeded PRNG, no clock.
 */
import type { ChartLevel, LevelsChartInput, LiqsChartInput, PricePoint } from '../../src/charts/types.js';
import { mulberry32 } from '../../scripts/market-day.js';

const MIN = 60_000;
const HOUR = 60 * MIN;
/** 2026-01-31 00:00 UTC. */
export const JAN31 = Date.UTC(2026, 0, 31);

/** The generator's deterministic PRNG, so fixtures never change between runs. */
const rng = mulberry32;

/** Candles following a path of (hour, price) anchors with some noise. */
function candles(from: number, bucketMs: number, count: number, anchors: [number, number][], seed: number, noise: number): PricePoint[] {
  const rand = rng(seed);
  const at = (h: number): number => {
    for (let i = 1; i < anchors.length; i++) {
      const [h0, p0] = anchors[i - 1]!;
      const [h1, p1] = anchors[i]!;
      if (h <= h1) return p0 + ((p1 - p0) * (h - h0)) / (h1 - h0);
    }
    return anchors[anchors.length - 1]![1];
  };
  const out: PricePoint[] = [];
  let open = at(0);
  for (let i = 0; i < count; i++) {
    const ts = from + i * bucketMs;
    const h = ((i + 1) * bucketMs) / HOUR;
    const close = at(h) * (1 + (rand() - 0.5) * noise);
    const wick = Math.abs(close - open) * 0.6 + open * noise * rand();
    out.push({
      ts,
      open: round(open),
      close: round(close),
      high: round(Math.max(open, close) + wick * rand()),
      low: round(Math.min(open, close) - wick * rand()),
    });
    open = close;
  }
  return out;
}

const round = (v: number): number => Math.round(v * 10) / 10;

/** Spread `totalUsd` over buckets with weights, so the sum is exact. */
function spread(totalUsd: number, weights: number[]): number[] {
  const sum = weights.reduce((a, b) => a + b, 0);
  const out = weights.map((w) => Math.round((totalUsd * w) / sum));
  out[out.length - 1]! += totalUsd - out.reduce((a, b) => a + b, 0);
  return out;
}

const ETH_LEVELS: ChartLevel[] = [
  { level: 3000, role: 'resistance', state: 'broken', distancePct: 23.9, lastBreak: { ts: JAN31 + 12.5 * 60 * MIN, direction: 'down' } },
  { level: [2750, 2800], label: 'prior support', role: 'resistance', state: 'broken', distancePct: 13.6, lastBreak: { ts: JAN31 + (14 * 60 + 15) * MIN, direction: 'down' } },
  { level: 2350, label: 'cascade low', role: 'support', state: 'testing', distancePct: -2.9 },
];

/** The January 31 flush: 24h in 15m bars, a slide from ~$3,000 to ~$2,350 with a cascade through the afternoon. */
export function jan31Liqs(overrides: Partial<LiqsChartInput> = {}): LiqsChartInput {
  const bucketMs = 15 * MIN;
  const count = 96;
  const prices = candles(
    JAN31,
    bucketMs,
    count,
    [
      [0, 3035],
      [6, 3060],
      [10, 3010],
      [12.5, 2990],
      [14, 2930],
      [15.5, 2790],
      [16.5, 2760],
      [17.5, 2600],
      [18.75, 2352],
      [19.5, 2440],
      [21, 2390],
      [24, 2420],
    ],
    131,
    0.006,
  );
  const rand = rng(7);
  // Long liquidations follow the slide: a trickle, a first wave through $3,000, the cascade, a tail.
  const longWeights = prices.map((_, i) => {
    const h = (i * bucketMs) / HOUR;
    const base = 0.15 + rand() * 0.2;
    if (h >= 13.5 && h < 15.75) return base + 3 + rand() * 4;
    if (h >= 16.5 && h < 19) return base + 14 + rand() * 22;
    if (h >= 19 && h < 21) return base + 1 + rand() * 2;
    return base;
  });
  const shortWeights = prices.map((_, i) => {
    const h = (i * bucketMs) / HOUR;
    const base = 0.4 + rand() * 0.6;
    return h >= 18.75 && h < 20 ? base + 4 + rand() * 3 : base;
  });
  const longs = spread(470_100_000, longWeights);
  const shorts = spread(15_100_000, shortWeights);
  const buckets = prices.map((p, i) => ({ ts: p.ts, longUsd: longs[i]!, shortUsd: shorts[i]! }));
  const oiNoise = rng(3);
  const oi = prices.map((p) => {
    const h = (p.ts - JAN31) / HOUR + (oiNoise() - 0.5) * 0.3;
    const drop = h < 13.5 ? 0 : h < 16.5 ? (h - 13.5) * 0.25e9 : h < 19 ? 0.75e9 + (h - 16.5) * 0.55e9 : 2.1e9;
    return { ts: p.ts, usd: 15.4e9 + Math.sin(h / 3) * 0.08e9 - drop };
  });
  return {
    asset: 'ETH',
    window: '24h',
    from: JAN31,
    to: JAN31 + 24 * HOUR,
    bucketMs,
    buckets,
    prices,
    levels: ETH_LEVELS,
    cascades: [
      { from: JAN31 + 13.5 * HOUR, to: JAN31 + 15.75 * HOUR, side: 'long', usd: 78_400_000 },
      { from: JAN31 + 16.5 * HOUR, to: JAN31 + 19 * HOUR, side: 'long', usd: 341_900_000 },
    ],
    totals: { longUsd: 470_100_000, shortUsd: 15_100_000, totalUsd: 485_200_000 },
    coverage: { exchanges: ['binanceusdm', 'bybit', 'okx', 'bitget', 'hyperliquid'], sampled: ['binanceusdm', 'okx'], synthetic: false },
    oi,
    ...overrides,
  };
}

/** The estimated liquidation map an engineer might attach: longs stacked below, shorts above the price. */
export const ETH_LIQ_MAP: NonNullable<LiqsChartInput['liqMap']> = [
  { low: 2250, high: 2275, side: 'long', usd: 120e6 },
  { low: 2300, high: 2325, side: 'long', usd: 210e6 },
  { low: 2325, high: 2350, side: 'long', usd: 95e6 },
  { low: 2475, high: 2500, side: 'short', usd: 80e6 },
  { low: 2500, high: 2525, side: 'short', usd: 160e6 },
  { low: 2600, high: 2625, side: 'short', usd: 110e6 },
  { low: 2750, high: 2775, side: 'short', usd: 240e6 },
  { low: 2775, high: 2800, side: 'short', usd: 190e6 },
  { low: 2975, high: 3000, side: 'short', usd: 150e6 },
];

/** The same day's `/levels` view, at the end of the window. */
export function jan31Levels(overrides: Partial<LevelsChartInput> = {}): LevelsChartInput {
  const day = jan31Liqs();
  return {
    asset: 'ETH',
    price: day.prices[day.prices.length - 1]!.close,
    from: day.from,
    to: day.to,
    prices: day.prices,
    levels: ETH_LEVELS,
    synthetic: false,
    ...overrides,
  };
}

/** A quiet hour: prices drift, nobody is liquidated. */
export function emptyWindow(overrides: Partial<LiqsChartInput> = {}): LiqsChartInput {
  const from = JAN31 + 3 * HOUR;
  const bucketMs = MIN;
  const prices = candles(from, bucketMs, 60, [[0, 3040], [0.5, 3046], [1, 3042]], 5, 0.0006);
  return {
    asset: 'ETH',
    window: '1h',
    from,
    to: from + HOUR,
    bucketMs,
    buckets: [],
    prices,
    levels: [{ level: 3000, role: 'support', state: 'holding', distancePct: -1.4 }],
    cascades: [],
    totals: { longUsd: 0, shortUsd: 0, totalUsd: 0 },
    coverage: { exchanges: ['bybit', 'okx'], sampled: ['okx'], synthetic: false },
    ...overrides,
  };
}

/** A short squeeze: SOL rips from $180 to $214 in 4h, shorts liquidated above the $200 round number. */
export function shortSqueeze(overrides: Partial<LiqsChartInput> = {}): LiqsChartInput {
  const from = Date.UTC(2026, 1, 3, 12);
  const bucketMs = 5 * MIN;
  const count = 48;
  const prices = candles(from, bucketMs, count, [[0, 180.2], [1.5, 184], [2.25, 201], [3, 214.5], [4, 213.2]], 42, 0.003);
  const rand = rng(11);
  const shortWeights = prices.map((_, i) => {
    const h = (i * bucketMs) / HOUR;
    return h >= 1.75 && h < 3 ? 5 + rand() * 10 : 0.2 + rand() * 0.5;
  });
  const longWeights = prices.map(() => 0.3 + rand() * 0.6);
  const shorts = spread(96_400_000, shortWeights);
  const longs = spread(6_200_000, longWeights);
  return {
    asset: 'SOL',
    window: '4h',
    from,
    to: from + 4 * HOUR,
    bucketMs,
    buckets: prices.map((p, i) => ({ ts: p.ts, longUsd: longs[i]!, shortUsd: shorts[i]! })),
    prices,
    levels: [
      { level: 200, label: 'round number', role: 'support', state: 'reclaimed', distancePct: -6.2 },
      { level: [212, 215], label: 'weekly high', role: 'inside', state: 'testing', distancePct: 0 },
      { level: 185, role: 'support', state: 'holding', distancePct: -13.2 },
    ],
    cascades: [{ from: from + 1.75 * HOUR, to: from + 3 * HOUR, side: 'short', usd: 71_300_000 }],
    totals: { longUsd: 6_200_000, shortUsd: 96_400_000, totalUsd: 102_600_000 },
    coverage: { exchanges: ['binanceusdm', 'bybit', 'okx'], sampled: ['binanceusdm', 'okx'], synthetic: true },
    ...overrides,
  };
}
