/** Rankings at their edges: the lookback includes its oldest day. */
import { describe, expect, it } from 'vitest';
import { DAY } from '../../src/core/time.js';
import { LiquidationHistory } from '../../src/core/history.js';

const D0 = Date.parse('2026-01-01T00:00:00Z');

describe('ranking lookback', () => {
  it('a 10-day lookback counts the day exactly 10 days back (its oldest day), and not the one before', () => {
    const h = new LiquidationHistory();
    // Days 0..10 each $1M, except day 0 (11 days back) at $9M and day 1 (exactly 10 days back) at $5M.
    for (let d = 0; d <= 10; d++) h.addLiquidation('ETH', 'long', 'bybit', D0 + d * DAY + 3_600_000, d === 0 ? 9e6 : d === 1 ? 5e6 : 1e6);
    const today = D0 + 11 * DAY;
    expect(h.priorDays('ETH', 'long', today, 10).map((d) => (d.day - D0) / DAY)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    const r = h.rank('ETH', 'long', 3e6, today, 10);
    // $3M is beaten only by the $5M day at the lookback's edge: 2nd of 11 days.
    expect(r).toMatchObject({ rank: 2, days: 11, since: { day: D0 + DAY, usd: 5e6 } });
  });
});

describe('day totals per venue', () => {
  it('sums single liquidations per exchange and day (stored days too), and takes the larger of ours and a venue’s vendor figure', () => {
    const h = new LiquidationHistory();
    const day = D0 + 3 * DAY;
    h.addLiquidation('ETH', 'long', 'bybit', day + 1_000, 100);
    h.addLiquidation('ETH', 'long', 'okx', day + 2_000, 40);
    h.addLiquidation('ETH', 'short', 'bybit', day + 2_500, 7); // the other side: apart
    h.addLiquidation('ETH', 'long', 'bybit', day + 3_000, 50);
    h.addDaily('ETH', 'long', 'okx', day, 5); // a stored figure for the same day adds to what was seen
    expect(h.dayTotal('ETH', 'long', day)).toBe(195);
    expect(h.dayTotal('ETH', 'short', day)).toBe(7);
    h.addVendor({ type: 'liquidation_total', ts: day, period: '1d', asset: 'ETH', side: 'long', usd: 60, exchange: 'okx' });
    expect(h.dayTotal('ETH', 'long', day)).toBe(150 + 60);
    const next = day + DAY;
    h.addLiquidation('ETH', 'long', 'bybit', next + 1, 30);
    // Through bybit alone: its 150 on the first day (okx left out), 30 on the next; the median of the two.
    expect(h.normalDailyOn('ETH', 'long', next + DAY, 30, 1, new Set(['bybit']))).toBe((150 + 30) / 2);
  });

  it('interleaved assets, sides and days each add to their own day', () => {
    const h = new LiquidationHistory();
    const day = D0 + 5 * DAY;
    const prints: [string, 'long' | 'short', number, number][] = [
      ['ETH', 'long', day - 1, 1], ['BTC', 'long', day - 1, 2], ['ETH', 'short', day - 1, 4],
      ['ETH', 'long', day, 8], ['BTC', 'short', day, 16], ['ETH', 'long', day + 1, 32], ['BTC', 'long', day - 2, 64], // a late one
      ['ETH', 'short', day + 2, 128], ['BTC', 'long', day + 3, 256],
    ];
    for (const [asset, side, ts, usd] of prints) h.addLiquidation(asset, side, 'bybit', ts, usd);
    const totals = (asset: string, side: 'long' | 'short') => [h.dayTotal(asset, side, day - DAY), h.dayTotal(asset, side, day)];
    expect([totals('ETH', 'long'), totals('ETH', 'short'), totals('BTC', 'long'), totals('BTC', 'short')]).toEqual([[1, 40], [4, 128], [66, 256], [0, 16]]);
  });
});

