/**
 * `retention.eventDays` under the 8 days the market's windows read: after a restart, the days whose raw events were
 * pruned count with their stored daily totals (a day the prune cut, whole, with its total), so `/liqs 7d` reads as it
 * did before the restart.
 */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildConfig } from '../../config/load.js';
import { LiqBot } from '../../src/bot.js';
import type { Liquidation } from '../../src/core/events.js';
import { openSqliteStore } from '../../src/store/sqlite.js';
import { DAY0, H, tempDir } from '../helpers.js';

const DAY = 24 * H;
const config = buildConfig({ retention: { eventDays: 1, outboxDays: 7 } });

/** $1M of ETH longs liquidated at half past every hour from DAY0 (Mar 2) up to `until`. */
function hourly(until: number): Liquidation[] {
  const out: Liquidation[] = [];
  for (let ts = DAY0 + H / 2; ts < until; ts += H) {
    out.push({ type: 'liquidation', ts, exchange: 'bybit', symbol: 'ETH/USDT:USDT', side: 'long', price: 3000, amount: 1e6 / 3000, usd: 1e6 });
  }
  return out;
}

/** Live through the prints up to `now`, pruned at `now` (eventDays 1), stopped; then restored at `now`. */
function liveThenRestored(now: number) {
  const db = join(tempDir(), 'liqbot.db');
  let clock = DAY0;
  const store1 = openSqliteStore(db);
  const live = new LiqBot({ config, store: store1, now: () => clock });
  for (const e of hourly(now)) {
    clock = e.ts;
    live.ingest(e);
  }
  clock = now;
  live.tick();
  live.flush();
  live.prune();
  store1.close();
  const store2 = openSqliteStore(db);
  const restored = new LiqBot({ config, store: store2, now: () => now });
  restored.restore();
  store2.close();
  return { live, restored };
}

describe('a restart with retention.eventDays 1', () => {
  it('at midnight: /liqs 7d counts the six days the events no longer hold with their stored totals', () => {
    const now = DAY0 + 6 * DAY; // Mar 8 00:00: the events of Mar 2–6 pruned, Mar 7's kept
    const { live, restored } = liveThenRestored(now);
    expect(live.market.summary('ETH', '7d', 7 * DAY).longUsd).toBeCloseTo(144e6, -2);
    expect(restored.market.summary('ETH', '7d', 7 * DAY).longUsd).toBeCloseTo(144e6, -2);
    expect(restored.market.summary('ETH', '24h', DAY).longUsd).toBeCloseTo(24e6, -2);
  });

  it('at noon: the day the prune cut in half counts whole with its total, and 24h still reads its kept half', () => {
    const now = DAY0 + 6 * DAY + 12 * H; // Mar 8 12:00: the prune cut Mar 7 at noon
    const { live, restored } = liveThenRestored(now);
    expect(live.market.summary('ETH', '7d', 7 * DAY).longUsd).toBeCloseTo(156e6, -2);
    expect(restored.market.summary('ETH', '7d', 7 * DAY).longUsd).toBeCloseTo(156e6, -2);
    // Mar 7 12:30 … Mar 8 11:30: single orders.
    const day = restored.market.summary('ETH', '24h', DAY);
    expect(day.longUsd).toBeCloseTo(24e6, -2);
    expect(day.count).toBe(24);
    // The history a cascade's threshold and rankings read: Mar 7 whole, not its kept half.
    expect(restored.market.history.dayTotal('ETH', 'long', DAY0 + 5 * DAY)).toBeCloseTo(24e6, -2);
  });
});
