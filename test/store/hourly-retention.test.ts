/**
 * A vendor's hourly totals over weeks of running (the Coinalyze poller): the SQLite file keeps hours for
 * `retention.eventDays`, then their days as daily totals; memory keeps the hours a window can ask for; and a restart
 * reads the same daily history ("largest since…") and the same 7d window as the bot that never stopped.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildConfig } from '../../config/load.js';
import { LiqBot } from '../../src/bot.js';
import type { LiquidationTotal } from '../../src/core/events.js';
import { openSqliteStore } from '../../src/store/sqlite.js';

const H = 3_600_000;
const DAY = 24 * H;
/** 2025-12-01 00:00 UTC. */
const START = Date.UTC(2025, 11, 1);
const DAYS = 40;
const VENUES = ['bybit', 'hyperliquid', 'bitget'];
/** Each venue's hourly long total on day `d`; shorts are a tenth of it. */
const longUsd = (d: number): number => 100_000 * (1 + (d % 7));

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'liqbot-hourly-'));
});
afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

describe('vendor hourly totals over weeks of running', () => {
  it('keep their hours for eventDays in the file and eight days in memory, and restart to the same history and 7d window', async () => {
    const path = join(dir, 'vendor.db');
    const config = buildConfig({ exchanges: [], assets: ['ETH'], retention: { eventDays: 14 } });
    let now = START;
    let store = openSqliteStore(path);
    let bot = new LiqBot({ config, store, now: () => now });
    for (let d = 0; d < DAYS; d++) {
      for (let h = 0; h < 24; h++) {
        // Each hour's figure arrives five minutes after the hour ends, as the poller fetches it.
        now = START + d * DAY + (h + 1) * H + 5 * 60_000;
        for (const exchange of VENUES) {
          for (const side of ['long', 'short'] as const) {
            const usd = side === 'long' ? longUsd(d) : longUsd(d) / 10;
            bot.ingest({ type: 'liquidation_total', ts: START + d * DAY + h * H, period: '1h', asset: 'ETH', side, usd, exchange } satisfies LiquidationTotal);
          }
        }
        bot.tick();
      }
      bot.flush();
      bot.prune();
    }
    await bot.drain();

    // Memory: 8 days and the newest hour per venue, not 40 days' 960.
    expect(bot.market.hourly.size).toBe((8 * 24 + 1) * VENUES.length);
    const history = (b: LiqBot) => Array.from({ length: DAYS }, (_, d) => b.market.history.dayTotal('ETH', 'long', START + d * DAY));
    // Each day's long total: three venues, 24 hours each.
    const days = Array.from({ length: DAYS }, (_, d) => 3 * 24 * longUsd(d));
    expect(history(bot)).toEqual(days);
    const week = bot.market.summary('ETH', '7d', 7 * DAY);
    // The hours whole inside the last 7d (from 00:05 of day 33 to 00:05 of day 40): day 33's from its second
    // (01:00–02:00: its first began five minutes before the window), through day 39's last.
    let weekLong = 3 * 23 * longUsd(33);
    for (let d = 34; d < 40; d++) weekLong += 3 * 24 * longUsd(d);
    expect(week.longUsd).toBeCloseTo(weekLong, 3);

    // The file: hours only of the days the last prune kept (14 days back from day 39's end, whole days), then one daily
    // total per day, side and venue.
    const rows = [...store.liquidationTotals()];
    const keptFrom = START + (DAYS - 14) * DAY;
    expect(rows.filter((t) => t.period === '1h' && t.ts < keptFrom)).toEqual([]);
    expect(rows.filter((t) => t.period === '1h')).toHaveLength(14 * 24 * VENUES.length * 2);
    expect(rows.filter((t) => t.period === '1d')).toHaveLength((DAYS - 14) * VENUES.length * 2);
    expect(rows.find((t) => t.period === '1d' && t.ts === START && t.exchange === 'bybit' && t.side === 'long')?.usd).toBe(24 * longUsd(0));
    store.close();

    store = openSqliteStore(path);
    bot = new LiqBot({ config, store, now: () => now });
    bot.restore();
    expect(history(bot)).toEqual(days);
    expect(bot.market.hourly.size).toBe((8 * 24 + 1) * VENUES.length);
    const again = bot.market.summary('ETH', '7d', 7 * DAY);
    expect(again.longUsd).toBeCloseTo(weekLong, 3);
    expect(again.shortUsd).toBeCloseTo(week.shortUsd, 3);
    await bot.drain();
    store.close();
  });
});
