/**
 * Sizes no market reaches are dropped and counted (`absurd_size`), never counted in a total: one liquidation above
 * $1B (five times the largest ever reported, about $200M on Oct 10 2025), one period's liquidation total above $100B
 * (five times the largest day ever, about $19B with every asset and exchange together). A Binance forceOrder frame of
 * 3,000,000 ETH at $3,000 ($9B) used to pass the old $10B bound and be reported by /liqs.
 */
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../config/load.js';
import { LiqBot } from '../../src/bot.js';
import { implausible, type LiquidationTotal, type OpenInterest } from '../../src/core/events.js';
import { toLiquidation } from '../../src/feeds/normalize.js';
import { binanceLiquidations } from '../../src/feeds/venues/binance.js';
import { newReport, readEventBatches } from '../../src/io/event-file.js';
import { createMemoryStore } from '../../src/store/memory.js';
import { writeEvents } from '../helpers.js';

const T = Date.parse('2026-03-02T15:00:00Z');
const ETH = { id: 'ETHUSDT', symbol: 'ETH/USDT:USDT', base: 'ETH', quote: 'USDT', contractSize: 1, linear: true, inverse: false };
/** A Binance USDⓈ-M forceOrder frame: a long liquidated (the engine sold) of `qty` ETH at `price`. */
const frame = (qty: string, price: string, ts = T) => ({
  e: 'forceOrder', E: ts, o: { s: 'ETHUSDT', S: 'SELL', q: qty, p: price, ap: price, X: 'FILLED', l: qty, z: qty, T: ts },
});
const fromBinance = (qty: string, price: string, ts = T) => {
  const n = toLiquidation('binanceusdm', ETH, binanceLiquidations(frame(qty, price, ts))[0]!);
  if (!n.ok) throw new Error(n.reason);
  return n.event;
};

describe('one liquidation beyond any market, live', () => {
  it('a forceOrder of 3,000,000 ETH at $3,000 ($9B) is dropped as absurd_size; /liqs counts the real prints, $250M among them', () => {
    const bot = new LiqBot({ config: loadConfig(), store: createMemoryStore(), now: () => T });
    const absurd = fromBinance('3000000', '3000');
    expect(absurd.usd).toBe(9e9);
    bot.ingest(fromBinance('10', '3000'));
    // Above the largest ever reported (about $200M) but within five times it: a market can still print it.
    bot.ingest(fromBinance('100000', '2500', T + 1000));
    bot.ingest(absurd);
    expect(bot.stats.rejected).toEqual({ future: 0, stale: 0, absurd_size: 1, absurd_price: 0 });
    const s = bot.market.summary('ETH', '1h', T + 1000);
    expect([s.longUsd, s.totalUsd]).toEqual([250_030_000, 250_030_000]);
  });
});

describe('the bounds', () => {
  const liq = (usd: number) => ({ type: 'liquidation' as const, ts: T, exchange: 'bybit', symbol: 'ETH/USDT:USDT', side: 'long' as const, price: 3000, amount: usd / 3000, usd });
  const total = (usd: number): LiquidationTotal => ({ type: 'liquidation_total', ts: T - 86_400_000, period: '1d', asset: 'ETH', side: 'long', usd });
  const oi = (usd: number): OpenInterest => ({ type: 'open_interest', ts: T, exchange: 'binanceusdm', symbol: 'ETH/USDT:USDT', usd });

  it('one liquidation: up to $1B', () => {
    expect(implausible(liq(1e9), T, 0)).toBeUndefined();
    expect(implausible(liq(1.000001e9), T, 0)).toBe('absurd_size');
    expect(implausible(liq(9e9), undefined, 0)).toBe('absurd_size');
  });

  it('one period\'s liquidation total: up to $100B; open interest of one contract: up to $1T, as before', () => {
    expect(implausible(total(1e11), T, 0)).toBeUndefined();
    expect(implausible(total(1.000001e11), T, 0)).toBe('absurd_size');
    expect(implausible(total(5e11), undefined, 0)).toBe('absurd_size');
    expect(implausible(oi(5e11), T, 0)).toBeUndefined();
    expect(implausible(oi(1.000001e12), T, 0)).toBe('absurd_size');
  });
});

describe('a file', () => {
  it('skips a $9B print and a $500B day as malformed lines naming the bound, in the plain form and the full parser\'s alike', async () => {
    const eth = (usd: number, symbol = 'ETH') =>
      `{"type":"liquidation","ts":${T},"exchange":"binanceusdm","symbol":"${symbol}/USDT:USDT","side":"long","price":3000,"amount":${usd / 3000},"usd":${usd}}`;
    const path = writeEvents([
      eth(30_000),
      eth(9e9),
      eth(9e9).replace('"ts":', '"ts": '),
      eth(9e9, 'BTC'),
      `{"type":"liquidation_total","ts":${T - 86_400_000},"period":"1d","asset":"ETH","side":"long","usd":500000000000}`,
      `{"type":"liquidation_total","ts":${T - 86_400_000},"period":"1d","asset":"ETH","side":"short","usd":19000000000}`,
    ]);
    for (const asset of [undefined, 'ETH']) {
      const report = { ...newReport(), wallClock: T };
      const read: number[] = [];
      for await (const batch of readEventBatches(path, report, asset === undefined ? undefined : { asset, seen: () => {} })) read.push(...batch.map((e) => ('usd' in e ? e.usd : 0)));
      expect(read.sort((a, b) => a - b)).toEqual([30_000, 19e9]);
      expect(report.invalid).toEqual([
        { line: 2, reason: 'liquidation: `usd` 9000000000 is beyond any market (one liquidation is at most 10^9 USD)' },
        { line: 3, reason: 'liquidation: `usd` 9000000000 is beyond any market (one liquidation is at most 10^9 USD)' },
        { line: 4, reason: 'liquidation: `usd` 9000000000 is beyond any market (one liquidation is at most 10^9 USD)' },
        { line: 5, reason: "liquidation_total: `usd` 500000000000 is beyond any market (one period's total is at most 10^11 USD)" },
      ]);
    }
  });
});
