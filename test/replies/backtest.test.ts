/** `replay --stats` in words: a rate a day is over the days the levels were watched, and says so. */
import { describe, expect, it } from 'vitest';
import type { BacktestStats } from '../../src/core/backtest.js';
import { statsLines } from '../../src/replies/backtest.js';

const DAY = 86_400_000;

// The Apr 7 file: 20.3 days of closes, its levels set on Apr 6, 7.3 days before its last close; 27 messages.
const stats = (watchedMs?: number): BacktestStats => ({
  levels: [], cascades: [], flushes: 0, flushRows: [], perMessage: { breaks: 37, reversed: 4 },
  totals: { messages: 27, breaks: 37, reversed: 4, held: 26, heldTold: 26 },
  ...(watchedMs !== undefined ? { watchedMs } : {}),
});
const input = { levels: 15, closes: 5_856, liquidations: 0, liquidationTotals: 0 };

describe('messages a day', () => {
  it('are over the days the levels were watched, not the days of closes in the file', () => {
    expect(statsLines(stats(7.3 * DAY), input)[0]).toBe(
      'levels: 27 messages over the 7.3 days the levels were watched (3.7 a day), 37 breaks, 4 reversed within 12h (11%), 26/26 breaks that held told within 2h (100%)',
    );
  });

  it('are not given for under two days of levels, however long the file', () => {
    expect(statsLines(stats(1.5 * DAY), input)[0]).toMatch(/^levels: 27 messages, 37 breaks/);
    expect(statsLines(stats(), input)[0]).toMatch(/^levels: 27 messages, 37 breaks/);
  });
});

describe('the table', () => {
  it('is followed by its columns in words, for an admin who has not read the docs; no table, no legend', () => {
    const row = { asset: 'BTC', level: 80000, messages: 2, breaks: 2, reversed: 1, held: 1, heldTold: 1 };
    const lines = statsLines({ ...stats(7.3 * DAY), levels: [row] } as BacktestStats, input);
    expect(lines[0]).toMatch(/^asset +level +messages +breaks +reversed<12h +held +told<2h +label$/);
    expect(lines[2]).toBe('(messages: posts about the level; breaks: its alerts either way; reversed<12h: undone by the opposite alert within 12 h; held: closes across it that stayed beyond it for 12 h; told<2h: of those, how many the chat had been told of within 2 h)');
    expect(lines[3]).toMatch(/^levels: 27 messages/);
    expect(statsLines(stats(7.3 * DAY), input).some((l) => l.startsWith('(messages:'))).toBe(false);
  });
});

describe('the cascades line', () => {
  const at = (iso: string) => Date.parse(iso);
  const withCascades = { ...stats(7.3 * DAY), flushes: 1 };

  it('names the stretches the prints cover when they leave the candles out, dated where the day changes', () => {
    const prints = { stretches: [[at('2025-01-26T16:27:00Z'), at('2025-01-26T17:14:00Z')], [at('2025-01-27T16:50:00Z'), at('2025-01-27T17:20:00Z')]] as [number, number][], from: at('2025-01-20T00:00:00Z'), to: at('2025-02-10T00:00:00Z') };
    expect(statsLines(withCascades, { ...input, liquidations: 1_821, prints }).pop()).toBe(
      'cascades: 0, market-wide flushes: 1, counted where the file has liquidation prints: Jan 26 16:27–17:14, Jan 27 16:50–17:20 UTC (its candles and prices: Jan 20 00:00–Feb 10 00:00 UTC); outside them none can be found',
    );
  });

  it('names prints that lie past the candles too, and gives the count alone where the prints cover them', () => {
    const prints = { stretches: [[at('2026-03-02T05:00:00Z'), at('2026-03-02T05:10:00Z')]] as [number, number][], from: at('2026-03-02T00:00:00Z'), to: at('2026-03-02T02:00:00Z') };
    expect(statsLines(withCascades, { ...input, liquidations: 3, prints }).pop()).toBe('cascades: 0, market-wide flushes: 1, counted where the file has liquidation prints: 05:00–05:10 UTC (its candles and prices: 00:00–02:00 UTC); outside them none can be found');
    expect(statsLines(withCascades, { ...input, liquidations: 3 }).pop()).toBe('cascades: 0, market-wide flushes: 1');
  });
});
