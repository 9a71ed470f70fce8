/**
 * A replay moves the engine's clock through a gap in its file as the live bot's clock moves (`Market.catchUp`):
 * what falls due in the gap with time alone is raised at its own time, in order, not with the time of the event after
 * the gap. Here a level break on a 15-minute candle built from price ticks, which closes by time (its end and the
 * grace a late tick is waited for) when no tick of the next candle comes.
 */
import { describe, expect, it } from 'vitest';
import { buildConfig } from '../../config/load.js';
import { runFile } from '../../src/offline.js';
import { DAY0, H, writeEvents } from '../helpers.js';

const tick = (ts: number, price: number) => ({ type: 'price', ts, exchange: 'bybit', symbol: 'ETH/USDT:USDT', price });

describe('a gap in a replayed file', () => {
  it('a candle built from ticks closes at its end and grace, and its level break is stamped then, not hours later', async () => {
    // Ticks every 10 s at 3100 for half an hour, falling to 2900 in the next quarter, then nothing until 06:00.
    const ticks = Array.from({ length: 270 }, (_, i) => tick(DAY0 + i * 10_000, i < 180 ? 3100 : 3100 - (200 * (i - 179)) / 90));
    const path = writeEvents([{ type: 'level', ts: DAY0, asset: 'ETH', price: 3000 }, ...ticks, tick(DAY0 + 6 * H, 2900)]);
    const run = await runFile(path, buildConfig({}));
    const breaks = run.alerts.filter((a) => a.kind === 'level_break');
    expect(breaks).toMatchObject([{ direction: 'down', timeframe: '15m' }]);
    // The candle [00:30, 00:45) closes once its grace (15 s) has passed without a tick of the next one.
    expect(breaks[0]!.ts).toBe(DAY0 + 45 * 60_000 + 15_000);
    expect(run.market.clock).toBe(DAY0 + 6 * H);
  });
});
