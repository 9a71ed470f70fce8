/**
 * A window whose prices end before it does says where they end at the last candle's close ("Price to 21:00 (no later
 * prices)" for the 20:55 5m candle, the Jan 27 2025 recording's last), not at the minute lookups place it in (20:59).
 */
import { expect, it } from 'vitest';
import { cli } from '../helpers.js';

const JAN27 = 'fixtures/binance-2025-01-27-forceorder.real.jsonl';

it("ends a window's prices at the last candle's close, past the edge and within it", async () => {
  const priceLine = async (...args: string[]) => {
    const r = await cli('liqs', 'btc', '--data', JAN27, ...args);
    expect(r.code, r.err).toBe(0);
    return r.out.split('\n').find((l) => l.startsWith('Price'));
  };
  // 30 minutes past the close, and 7 (past the 6-minute edge of an hour's window).
  expect(await priceLine('--window', '1h', '--at', '2025-01-27T21:30:00Z')).toBe('Price to 21:00 (no later prices): $100,306 → $101,349 (+1.0%) · low $100,306 · high $101,716');
  expect(await priceLine('--window', '1h', '--at', '2025-01-27T21:07:00Z')).toBe('Price to 21:00 (no later prices): $99,834 → $101,349 (+1.5%) · low $99,549 · high $101,716');
  // 5 minutes past it, within the edge: the window's prices.
  expect(await priceLine('--window', '1h', '--at', '2025-01-27T21:05:00Z')).toMatch(/^Price \$[\d,]+ → \$101,349 /);
});
