/**
 * A flapping exchange at the terminal prompt: its first drop and its return are told once each, the drops that come
 * back within seconds over the next minutes are counted into one line, and a drop that lasts is told. Time is the
 * test's: fake timers, and statuses stamped on the same clock.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { ExchangeStatusLines } from '../../../src/adapters/terminal/status.js';
import type { FeedStatus } from '../../../src/feeds/contract.js';

const T0 = Date.UTC(2026, 10, 2, 14, 0);
const S = 1_000;
const MIN = 60_000;
const RESET = 'NetworkError: bybit connection closed: connect ECONNRESET 1.2.3.4:443';
const REFUSED = 'NetworkError: bybit connect ECONNREFUSED 1.2.3.4:443';

describe('a flapping exchange at the prompt', () => {
  let printed: string[];
  let lines: ExchangeStatusLines;

  beforeEach(() => {
    vi.useFakeTimers({ now: T0 });
    printed = [];
    lines = new ExchangeStatusLines({ say: (line) => void printed.push(line) });
  });
  afterEach(() => vi.useRealTimers());

  /** Move the clock to T0 + `ms` (timers due by then fire), then hand over a status stamped `since` (default: now). */
  function at(ms: number, stream: FeedStatus['stream'], state: FeedStatus['state'], o: { since?: number; error?: string } = {}): string | undefined {
    vi.advanceTimersByTime(T0 + ms - Date.now());
    const line = lines.update({ exchange: 'bybit', stream, state, since: T0 + (o.since ?? ms), sampled: false, ...(o.error ? { error: o.error } : {}) });
    if (line) printed.push(line);
    return line;
  }
  const wait = (ms: number) => vi.advanceTimersByTime(T0 + ms - Date.now());

  it('tells the first drop and the return once each, then counts the flaps of the next minutes into one line', () => {
    at(0, 'liquidations', 'live');
    at(0, 'prices', 'live');
    expect(at(10 * S, 'liquidations', 'down', { error: RESET })).toBe('Bybit unreachable (connection reset); retrying in the background, replies use stored data meanwhile');
    at(10 * S, 'prices', 'down', { error: RESET });
    at(21 * S, 'prices', 'live');
    expect(at(22 * S, 'liquidations', 'live')).toBe('Bybit reachable again after 12 s');
    // Four drops of a few seconds each over the next two minutes. The second comes 6 s after the first returned: the
    // feed calls it the same outage and reports that outage's start.
    for (const [down, since, up] of [
      [52, 52, 54],
      [60, 52, 61],
      [112, 112, 115],
      [142, 142, 143],
    ] as const) {
      expect(at(down * S, 'liquidations', 'down', { since: since * S, error: RESET })).toBeUndefined();
      expect(at(down * S, 'prices', 'down', { since: since * S, error: RESET })).toBeUndefined();
      expect(at(up * S, 'prices', 'live')).toBeUndefined();
      expect(at(up * S, 'liquidations', 'live')).toBeUndefined();
    }
    expect(printed).toHaveLength(2);
    // Five minutes after the first of them returned (54 s), the count.
    wait(353 * S);
    expect(printed).toHaveLength(2);
    wait(354 * S);
    expect(printed.slice(2)).toEqual(['Bybit dropped and came back 4 times in 1 min 31 s, each time within 30 s']);
    // Later, a drop long after the last return is told at once again.
    expect(at(143 * S + 5 * MIN, 'liquidations', 'down', { error: REFUSED })).toBe('Bybit unreachable (connection refused); retrying in the background, replies use stored data meanwhile');
  });

  it('tells a drop that is still down when a flap would have returned, with the flaps before it counted first', () => {
    at(0, 'liquidations', 'down', { error: RESET });
    expect(at(40 * S, 'liquidations', 'live')).toBe('Bybit reachable again after 40 s');
    expect(at(70 * S, 'liquidations', 'down', { error: RESET })).toBeUndefined();
    expect(at(72 * S, 'liquidations', 'live')).toBeUndefined();
    expect(at(100 * S, 'liquidations', 'down', { error: REFUSED })).toBeUndefined();
    wait(129 * S);
    expect(printed).toHaveLength(2);
    wait(130 * S);
    expect(printed.slice(2)).toEqual([
      'Bybit dropped and came back once, within 30 s',
      'Bybit unreachable again (connection refused); retrying in the background, replies use stored data meanwhile',
    ]);
    expect(at(160 * S, 'liquidations', 'live')).toBe('Bybit reachable again after 1 min 0 s');
    // The count was said with the drop: nothing is left to say five minutes on.
    wait(20 * MIN);
    expect(printed).toHaveLength(5);
  });

  it('an hour of drops every 20 s prints a line every five minutes, not two a drop', () => {
    at(0, 'liquidations', 'down', { error: RESET });
    at(12 * S, 'liquidations', 'live');
    for (let t = 20 * S; t < 60 * MIN; t += 20 * S) {
      at(t, 'liquidations', 'down', { error: RESET });
      at(t + 2 * S, 'liquidations', 'live');
    }
    wait(70 * MIN);
    // 179 drops after the first: each line counts those of five minutes, the first from 20 s, the last from 55:20.
    expect(printed.slice(0, 2)).toEqual(['Bybit unreachable (connection reset); retrying in the background, replies use stored data meanwhile', 'Bybit reachable again after 12 s']);
    expect(printed.slice(2)).toEqual([
      ...Array.from({ length: 11 }, () => 'Bybit dropped and came back 15 times in 4 min 42 s, each time within 30 s'),
      'Bybit dropped and came back 14 times in 4 min 22 s, each time within 30 s',
    ]);
  });
});
