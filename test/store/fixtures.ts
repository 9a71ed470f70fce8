/**
 * Builders and fast-check generators of market events and outbox entries for the store tests, and the
 * brute-force daily sums the stores' running totals are checked against.
 */
import fc from 'fast-check';
import type { Alert } from '../../src/core/alerts.js';
import { assetOf, type Candle, type Funding, type Liquidation, type LiquidationTotal, type MarketEvent, type OpenInterest, type PriceTick } from '../../src/core/events.js';
import type { NewEntry } from '../../src/store/store.js';

export const DAY = 86_400_000;
/** 2025-01-31 00:00 UTC. */
export const T0 = Date.UTC(2025, 0, 31);

/** Drops keys whose value is undefined: `candle({ volume: undefined })` is a candle without a volume, as parsed. */
function compact<T extends object>(event: T): T {
  return Object.fromEntries(Object.entries(event).filter(([, v]) => v !== undefined)) as T;
}

export const liq = (over: Partial<Liquidation> = {}): Liquidation => ({
  type: 'liquidation', ts: T0 + 1_000, exchange: 'binance', symbol: 'ETH/USDT:USDT', side: 'long', price: 2_350.5, amount: 1.25, usd: 2_938.125, ...over,
});
export const candle = (over: Partial<Candle> = {}): Candle =>
  compact({ type: 'candle', ts: T0, exchange: 'bybit', symbol: 'BTC/USDT:USDT', timeframe: '1m', open: 100_000, high: 100_500.5, low: 99_000.25, close: 99_500, volume: 12.5, ...over });
export const tick = (over: Partial<PriceTick> = {}): PriceTick => ({ type: 'price', ts: T0, exchange: 'okx', symbol: 'SOL/USDT:USDT', price: 187.123, ...over });
export const oi = (over: Partial<OpenInterest> = {}): OpenInterest =>
  compact({ type: 'open_interest', ts: T0, exchange: 'binance', symbol: 'ETH/USDT:USDT', usd: 1.2e10, contracts: 4.1e6, ...over });
export const funding = (over: Partial<Funding> = {}): Funding => ({
  type: 'funding', ts: T0, exchange: 'bybit', symbol: 'ETH/USDT:USDT', rate: -0.000125, intervalHours: 8, ...over,
});
export const vendorTotal = (over: Partial<LiquidationTotal> = {}): LiquidationTotal =>
  compact({ type: 'liquidation_total', ts: T0, period: '1d', asset: 'ETH', side: 'long', usd: 485e6, ...over });

export type DailyTotal = { asset: string; day: number; side: 'long' | 'short'; exchange: string; usd: number };

/** The daily totals computed the slow, obvious way: every distinct liquidation summed once. */
export function bruteForceDailyTotals(events: readonly MarketEvent[], beforeDayMs = Infinity): DailyTotal[] {
  const distinct = new Map<string, Liquidation>();
  for (const e of events) if (e.type === 'liquidation') distinct.set(eventKey(e), e);
  const sums = new Map<string, DailyTotal>();
  for (const e of distinct.values()) {
    const day = Math.floor(e.ts / DAY) * DAY;
    if (day >= beforeDayMs) continue;
    const asset = assetOf(e.symbol);
    const key = JSON.stringify([asset, day, e.side, e.exchange]);
    const sum = sums.get(key) ?? { asset, day, side: e.side, exchange: e.exchange, usd: 0 };
    sum.usd += e.usd;
    sums.set(key, sum);
  }
  return sortTotals([...sums.values()]);
}

export function sortTotals(totals: DailyTotal[]): DailyTotal[] {
  const key = (t: DailyTotal) => JSON.stringify([t.asset, t.day, t.side, t.exchange]);
  return totals.sort((a, b) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0));
}

/** Expect the two lists to hold the same keys with sums equal to 1e-9 relative (floating-point addition order differs). */
export function closeTotals(actual: readonly DailyTotal[], expected: readonly DailyTotal[]): boolean {
  if (actual.length !== expected.length) return false;
  return actual.every((a, i) => {
    const e = expected[i]!;
    return a.asset === e.asset && a.day === e.day && a.side === e.side && a.exchange === e.exchange && Math.abs(a.usd - e.usd) <= 1e-9 * Math.max(1, Math.abs(e.usd));
  });
}

// ---- generators: small domains, so random batches repeat events and share days ----

const exchangeArb = fc.constantFrom('binance', 'bybit', 'okx');
const symbolArb = fc.constantFrom('BTC/USDT:USDT', 'ETH/USDT:USDT', 'ETH/USD:ETH', 'sol/usdt:usdt');
const tsArb = fc.integer({ min: T0 - DAY, max: T0 + 2 * DAY });
const coarseTsArb = fc.integer({ min: 0, max: 20 }).map((i) => T0 - DAY + i * 10_800_000); // every 3 h over 2.5 days
const priceArb = fc.oneof(fc.constantFrom(2_350.5, 100_000, 0.1 + 0.2), fc.double({ min: 1e-6, max: 1e6, noNaN: true, noDefaultInfinity: true }));
/** Quarter dollars: their sums are exact in floating point, so totals can be compared with toEqual. */
const usdArb = fc.integer({ min: 1, max: 4_000_000_000 }).map((q) => q / 4);

export const liquidationArb: fc.Arbitrary<Liquidation> = fc.record({
  type: fc.constant('liquidation' as const), ts: fc.oneof(coarseTsArb, tsArb), exchange: exchangeArb, symbol: symbolArb,
  side: fc.constantFrom('long' as const, 'short' as const), price: fc.constantFrom(2_350.5, 99_999.9), amount: fc.constantFrom(0.5, 1, 2.125), usd: usdArb,
});

const candleArb: fc.Arbitrary<Candle> = fc
  .tuple(coarseTsArb, exchangeArb, symbolArb, fc.constantFrom('1m' as const, '1h' as const), priceArb, fc.option(fc.double({ min: 0, max: 1e9, noNaN: true }), { nil: undefined }))
  .map(([ts, exchange, symbol, timeframe, p, volume]) => {
    const c: Candle = { type: 'candle', ts, exchange, symbol, timeframe, open: p, high: p * 1.01, low: p * 0.99, close: p };
    if (volume !== undefined) c.volume = volume;
    return c;
  });

const tickArb: fc.Arbitrary<PriceTick> = fc.record({ type: fc.constant('price' as const), ts: coarseTsArb, exchange: exchangeArb, symbol: symbolArb, price: priceArb });

const oiArb: fc.Arbitrary<OpenInterest> = fc
  .tuple(coarseTsArb, exchangeArb, symbolArb, priceArb, fc.option(priceArb, { nil: undefined }))
  .map(([ts, exchange, symbol, usd, contracts]) => {
    const o: OpenInterest = { type: 'open_interest', ts, exchange, symbol, usd };
    if (contracts !== undefined) o.contracts = contracts;
    return o;
  });

const fundingArb: fc.Arbitrary<Funding> = fc.record({
  type: fc.constant('funding' as const), ts: coarseTsArb, exchange: exchangeArb, symbol: symbolArb,
  rate: fc.constantFrom(0.0001, -0.000125, 0.5), intervalHours: fc.constantFrom(1, 4, 8),
});

/** A raw event of any stored type, liquidations most often. */
export const rawEventArb: fc.Arbitrary<MarketEvent> = fc.oneof(
  { arbitrary: liquidationArb, weight: 4 },
  { arbitrary: candleArb, weight: 1 },
  { arbitrary: tickArb, weight: 1 },
  { arbitrary: oiArb, weight: 1 },
  { arbitrary: fundingArb, weight: 1 },
);

/** Identity of an event as the tests see it: its fields, in the builders' order. */
export const eventKey = (e: MarketEvent): string => JSON.stringify(e);

// ---- outbox ----

export function cascadeAlert(key: string, usd = 5e6): Alert {
  return {
    kind: 'cascade', ts: T0, asset: 'ETH', key, cascadeId: 'c1', side: 'long', startedAt: T0, usd, byExchange: { binance: usd },
    exchanges: ['binance'], sampled: ['binance'], windowUsd: usd, windowMs: 300_000, thresholdUsd: 1e6, priceStart: 3_000, priceNow: 2_900,
  };
}

export function entry(chat: string, alertKey: string, over: Partial<NewEntry> = {}): NewEntry {
  return { chat, alertKey, alert: cascadeAlert(alertKey), nextAttemptAt: T0, createdAt: T0, ...over };
}
