/**
 * `replay --stats` on a file of liquidation prints alone: a gap in the recording (an hour or more without a print) is
 * said with the stretches the cascades were counted in, so a count of none does not read as a quiet market.
 */
import { describe, expect, it } from 'vitest';
import { DAY0, cli, writeEvents } from '../helpers.js';

const MIN = 60_000;

/** A BTC long print of $10K on Bybit. */
function print(ts: number): object {
  return { type: 'liquidation', ts, exchange: 'bybit', symbol: 'BTC/USDT:USDT', side: 'long', price: 100, amount: 100, usd: 10_000 };
}

async function statsLines(file: string): Promise<string[]> {
  const r = await cli('replay', file, '--stats');
  expect(r.code, r.err).toBe(0);
  return r.out.split('\n');
}

describe('replay --stats on prints alone', () => {
  it('says where it counted on the real Dec 27 recording, whose recorder stopped from 15:55 to 21:38', async () => {
    const lines = await statsLines('fixtures/binance-2025-12-27-forceorder.real.jsonl');
    expect(lines.slice(-2)).toEqual([
      'cascades: 0, market-wide flushes: 0',
      'counted where the file has liquidation prints: 14:31–15:55, 21:38–21:55 UTC; between them it has none, so none can be found there',
    ]);
  });

  it('says every stretch, dated where the day changes', async () => {
    // Mar 2 23:00–23:50, then Mar 3 02:00–02:30, then 05:00.
    const times = [...Array.from({ length: 6 }, (_, i) => DAY0 + 23 * 60 * MIN + i * 10 * MIN), ...Array.from({ length: 4 }, (_, i) => DAY0 + 26 * 60 * MIN + i * 10 * MIN), DAY0 + 29 * 60 * MIN];
    const lines = await statsLines(writeEvents(times.map(print)));
    expect(lines[lines.length - 1]).toBe('counted where the file has liquidation prints: Mar 2 23:00–23:50, Mar 3 02:00–02:30, 05:00 UTC; between them it has none, so none can be found there');
  });

  it('gives the count alone where the prints have no gap', async () => {
    // A print every 50 minutes for a day: never an hour without one.
    const lines = await statsLines(writeEvents(Array.from({ length: 29 }, (_, i) => print(DAY0 + i * 50 * MIN))));
    expect(lines[lines.length - 1]).toBe('cascades: 0, market-wide flushes: 0');
  });

  it('gives the count alone on the real Oct 22 recording, prints without a gap', async () => {
    const lines = await statsLines('fixtures/binance-2025-10-22-forceorder.real.jsonl');
    expect(lines[lines.length - 1]).toBe('cascades: 3, market-wide flushes: 2');
  });
});
