/**
 * A ranking says what it compared: a day ranks among the days (it and the ones before it), a cascade or a window of
 * hours is held against the full days before it and told by how many were bigger, never as a rank that reads as
 * the hour's; and no count of "days of history" that is only the lookback's.
 */
import { describe, expect, it } from 'vitest';
import type { Ranking } from '../../src/core/history.js';
import { rankingText } from '../../src/replies/summary.js';

const d = (iso: string) => Date.parse(`${iso}T00:00:00Z`);
// The bundled day's ETH hour 13:15–14:15: $122M of longs, two of the 90 days before Jan 31 bigger, the latest Jan 1.
const hour: Ranking = { side: 'long', usd: 122e6, day: d('2026-01-31'), rank: 3, days: 91, since: { day: d('2026-01-01'), usd: 131e6 }, allExchanges: true };
// Its DOGE cascade: bigger than every day kept (no `since`); 90 days compared in the lookback, 120 in the file.
const cascade: Ranking = { side: 'long', usd: 34.1e6, day: d('2026-01-31'), rank: 1, days: 91, allExchanges: true };

describe('what a ranking compared', () => {
  it('a window of hours exceeds the full days, and says how many were bigger, not "3rd-largest in 91 days"', () => {
    expect(rankingText('ETH', hour, { window: '1h' })).toBe(
      'Longs in 1h already exceed any full ETH long-liquidation day across all exchanges since Jan 1, when $131M of longs went · 2 of the last 90 days were bigger',
    );
    expect(rankingText('ETH', { ...hour, rank: 2 }, { window: '30m' })).toBe(
      'Longs in 30 min already exceed any full ETH long-liquidation day across all exchanges since Jan 1, when $131M of longs went · 1 of the last 90 days was bigger',
    );
  });

  it('a cascade bigger than every day is said against the days compared, not as "91 days of history"', () => {
    expect(rankingText('DOGE', cascade, 'cascade')).toBe('Bigger than any full DOGE long-liquidation day across all exchanges in the last 90 days');
    expect(rankingText('ETH', hour, 'cascade')).toBe(
      'Bigger than any full ETH long-liquidation day across all exchanges since Jan 1, when $131M of longs went · 2 of the last 90 days were bigger',
    );
  });

  it('a day ranks among itself and the days before it', () => {
    expect(rankingText('ETH', hour, 'day')).toBe('Largest ETH long-liquidation day across all exchanges since Jan 1, when $131M of longs went · 3rd-largest of the last 91 days');
    expect(rankingText('DOGE', cascade, 'day')).toBe('Largest DOGE long-liquidation day across all exchanges in the last 91 days');
  });
});
