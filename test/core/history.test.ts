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
