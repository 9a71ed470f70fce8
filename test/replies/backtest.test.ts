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
