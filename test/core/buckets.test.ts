/** Bucketed totals equal a brute-force sum for any window, and the largest liquidations are the true largest. */
import fc from 'fast-check';
import { describe, expect, it, vi } from 'vitest';
import { LiquidationBuckets } from '../../src/core/buckets.js';
import type { Liquidation } from '../../src/core/events.js';

const T0 = Date.parse('2026-01-30T00:00:00Z');
const EXCHANGES = ['bybit', 'okx', 'binanceusdm', 'gate', 'hyperliquid'] as const;
const liqArb = fc.record({
  ts: fc.integer({ min: T0, max: T0 + 9 * 86_400_000 }),
  exchange: fc.constantFrom(...EXCHANGES),
  side: fc.constantFrom('long' as const, 'short' as const),
  usd: fc.double({ min: 1, max: 5e6, noNaN: true }),
});

describe('LiquidationBuckets', () => {
  it('totals per exchange and side equal the brute-force sum for windows aligned to minutes (property)', () => {
    fc.assert(
      // size 'max': without it fast-check keeps arrays at about ten elements whatever maxLength says.
      fc.property(fc.array(liqArb, { maxLength: 400, size: 'max' }), fc.integer({ min: 0, max: 9 * 1440 }), fc.integer({ min: 1, max: 8 * 1440 }), (rows, startMin, lenMin) => {
        const b = new LiquidationBuckets(5, 30 * 86_400_000);
        for (const r of rows) b.add({ type: 'liquidation', symbol: 'ETH/USDT:USDT', price: 1, amount: r.usd, ...r } as Liquidation, 'ETH');
        const from = T0 + startMin * 60_000, to = from + lenMin * 60_000 - 1;
        const t = b.totals('ETH', from, to);
        const inWin = rows.filter((r) => r.ts >= from && r.ts <= to);
        const sum = (f: (r: (typeof rows)[number]) => boolean) => inWin.filter(f).reduce((s, r) => s + r.usd, 0);
        expect(t.longUsd).toBeCloseTo(sum((r) => r.side === 'long'), 4);
        expect(t.shortUsd).toBeCloseTo(sum((r) => r.side === 'short'), 4);
        expect(t.count).toBe(inWin.length);
        // Every exchange, including the ones with nothing in the window (they must be absent, not zero-filled wrongly).
        for (const ex of EXCHANGES) {
          const v = t.byExchange.get(ex);
          expect(v ? v.longUsd + v.shortUsd : 0).toBeCloseTo(sum((r) => r.exchange === ex), 4);
        }
        expect(b.largest('ETH', from, to, 5).map((l) => l.usd)).toEqual(inWin.map((r) => r.usd).sort((x, y) => y - x).slice(0, 5));
      }),
      { numRuns: 100 },
    );
  });

  it('a week-long window reads about 300 buckets, not every minute: hour buckets in between, minutes only at the ends', () => {
    const b = new LiquidationBuckets();
    for (let i = 0; i < 7 * 1440; i++) b.add({ type: 'liquidation', ts: T0 + i * 60_000, exchange: 'bybit', symbol: 'ETH/USDT:USDT', side: 'long', price: 1, amount: 1, usd: 1 }, 'ETH');
    const grids = (b as unknown as { assets: Map<string, { minutes: object; hours: object }> }).assets.get('ETH')!;
    const minuteReads = vi.spyOn(grids.minutes as { accumulate: () => number }, 'accumulate');
    const hourReads = vi.spyOn(grids.hours as { accumulate: () => number }, 'accumulate');
    // From 00:00:30 on day 1 (minute 0: buckets are minutes) to 00:00 on day 8: 168 whole hours, then one minute.
    expect(b.totals('ETH', T0 + 30_000, T0 + 7 * 86_400_000).longUsd).toBe(7 * 1440);
    expect(hourReads).toHaveBeenCalledTimes(168);
    expect(minuteReads).toHaveBeenCalledTimes(1);
  });

  it('a print at exactly `to` (and at exactly `from`) is in the largest list, in minute and in hour lists', () => {
    const b = new LiquidationBuckets(5, 30 * 86_400_000);
    const at = (ts: number, usd: number) => b.add({ type: 'liquidation', ts, exchange: 'bybit', symbol: 'ETH/USDT:USDT', side: 'long', price: 1, amount: usd, usd }, 'ETH');
    const from = T0 + 3_600_000, to = T0 + 3 * 3_600_000 - 1; // two whole hours: answered from the hour lists
    at(from, 7e6);
    at(to, 9e6);
    at(from - 1, 8e6); // just outside
    at(to + 1, 10e6); // just outside
    at(from + 60_000, 1e6);
    expect(b.largest('ETH', from, to, 5).map((l) => l.usd)).toEqual([9e6, 7e6, 1e6]);
    // A ragged window (minute lists) ending exactly on a print.
    const rTo = T0 + 3_600_000 + 90_000;
    at(rTo, 5e6);
    expect(b.largest('ETH', from + 30_000, rTo, 5).map((l) => l.usd)).toEqual([5e6, 1e6]);
  });
});
