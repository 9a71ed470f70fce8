/** Bucketed totals equal a brute-force sum for any window, and the largest liquidations are the true largest. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { LiquidationBuckets } from '../../src/core/buckets.js';
import type { Liquidation } from '../../src/core/events.js';

const T0 = Date.parse('2026-01-30T00:00:00Z');
const liqArb = fc.record({
  ts: fc.integer({ min: T0, max: T0 + 9 * 86_400_000 }),
  exchange: fc.constantFrom('bybit', 'okx', 'binanceusdm', 'gate', 'hyperliquid'),
  side: fc.constantFrom('long' as const, 'short' as const),
  usd: fc.double({ min: 1, max: 5e6, noNaN: true }),
});

describe('LiquidationBuckets', () => {
  it('totals per exchange and side equal the brute-force sum for windows aligned to minutes (property)', () => {
    fc.assert(
      fc.property(fc.array(liqArb, { maxLength: 400 }), fc.integer({ min: 0, max: 9 * 1440 }), fc.integer({ min: 1, max: 8 * 1440 }), (rows, startMin, lenMin) => {
        const b = new LiquidationBuckets(5, 30 * 86_400_000);
        for (const r of rows) b.add({ type: 'liquidation', symbol: 'ETH/USDT:USDT', price: 1, amount: r.usd, ...r } as Liquidation, 'ETH');
        const from = T0 + startMin * 60_000, to = from + lenMin * 60_000 - 1;
        const t = b.totals('ETH', from, to);
        const inWin = rows.filter((r) => r.ts >= from && r.ts <= to);
        const sum = (f: (r: (typeof rows)[number]) => boolean) => inWin.filter(f).reduce((s, r) => s + r.usd, 0);
        expect(t.longUsd).toBeCloseTo(sum((r) => r.side === 'long'), 4);
        expect(t.shortUsd).toBeCloseTo(sum((r) => r.side === 'short'), 4);
        expect(t.count).toBe(inWin.length);
        for (const [ex, v] of t.byExchange) expect(v.longUsd + v.shortUsd).toBeCloseTo(sum((r) => r.exchange === ex), 4);
        expect(b.largest('ETH', from, to, 5).map((l) => l.usd)).toEqual(inWin.map((r) => r.usd).sort((x, y) => y - x).slice(0, 5));
      }),
      { numRuns: 200 },
    );
  });

  it('a week-long window reads about 300 buckets, not every minute', () => {
    const b = new LiquidationBuckets();
    for (let i = 0; i < 7 * 1440; i++) b.add({ type: 'liquidation', ts: T0 + i * 60_000, exchange: 'bybit', symbol: 'ETH/USDT:USDT', side: 'long', price: 1, amount: 1, usd: 1 }, 'ETH');
    expect(b.totals('ETH', T0 + 30_000, T0 + 7 * 86_400_000).longUsd).toBe(7 * 1440);
  });
});
