/**
 * The liquidations the all-market streams bring of assets outside `assets` are stored with the rest (the flush's
 * tally must survive a restart), and every reader of the store keeps them out of the tracked figures. A restart during
 * a flush they carry rebuilds it from the stored events under the live rule: its end is posted once, with every
 * asset's total, and its running message closed; `/liqs all` and the history read the tracked assets alone, also from
 * the stored daily totals of days whose raw events are beyond the 8 days a restart replays.
 */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../config/load.js';
import { LiqBot } from '../../src/bot.js';
import { openSqliteStore } from '../../src/store/sqlite.js';
import { allMarketFlush, tempDir, UNTRACKED_ALTS } from '../helpers.js';
import { recorder } from './recorder.js';


const config = loadConfig();
const T0 = Date.parse('2026-03-02T12:00:00Z');
const DAY = 86_400_000;
const MAJORS = ['BTC', 'ETH', 'SOL', 'XRP', 'DOGE', 'BNB'];
const live = (exchange: string) => ({ exchange, stream: 'liquidations' as const, state: 'live' as const, since: T0 - 3_600_000, sampled: exchange !== 'bybit' });

describe('a restart during a market-wide flush the all-market stream carries (40 untracked assets and the six majors)', () => {
  /** Ten rounds: the flush starts in the third ($3.2M) and runs on; the bot stops after the tenth. */
  const prints = allMarketFlush(T0, 10);

  it('the flush is rebuilt from the stored events, its end posted once across all 46 assets, its running message closed', async () => {
    const db = join(tempDir(), 'all-market.db');
    let clock = T0 - 1;
    const first = recorder();
    {
      const store = openSqliteStore(db);
      const bot = new LiqBot({ config, store, now: () => clock, adapters: { telegram: first }, outbox: { now: () => clock } });
      bot.market.live = true;
      for (const ex of ['binanceusdm', 'bybit']) bot.market.feeds.update(live(ex));
      store.putSubscription({ chat: 'telegram:-1', enabled: true, assets: [], families: ['cascade'], minUsd: 0, updatedAt: 0 });
      bot.outbox.start();
      for (const e of prints) {
        clock = e.ts;
        bot.ingest(e);
        bot.tick();
      }
      bot.flush();
      await bot.outbox.idle();
      // Every print is stored, the untracked assets' too: the flush's tally is theirs as much as the majors'.
      expect(bot.market.marketSummary('1h', 3_600_000).byAsset).not.toHaveProperty('ALT01');
      await bot.outbox.stop();
      store.close();
    }
    // Its start, and its running message edited as its tally grew.
    expect(first.seen.map((s) => s.head)).toEqual([expect.stringMatching(/^🔻 Market-wide long flush: \$3\.2M of longs liquidated in 5 min across 46 assets/), '🔻 Market-wide long flush · running']);
    expect(first.seen[1]!.edit).toBe('m1');
    expect(first.seen[0]!.text).toContain('Counts every contract on Binance; the 6 watched assets on Bybit.');
    // Back 30 minutes later, no print since: the flush was over 10 quiet minutes after its window fell under the end level.
    clock += 30 * 60_000;
    const second = recorder();
    const store = openSqliteStore(db);
    const bot = new LiqBot({ config, store, now: () => clock, adapters: { telegram: second }, outbox: { now: () => clock } });
    bot.market.live = true; // as `liqbot start` sets it before restoring
    bot.restore();
    bot.outbox.start();
    bot.tick();
    bot.flush();
    await bot.outbox.idle();
    await bot.outbox.stop();
    const summary = bot.market.marketSummary('24h', DAY);
    store.close();
    const ends = second.seen.filter((s) => !s.edit && s.head.startsWith('Market-wide long flush over'));
    expect(ends).toHaveLength(1);
    // Ten rounds of $600K + $501K, every asset: $11.01M across 46, led by BTC $4M, ALT01 $1.5M, ETH $1M.
    expect(ends[0]!.text).toContain('$11M of longs liquidated across 46 assets');
    expect(ends[0]!.text).toContain('(12:00–12:02)');
    expect(ends[0]!.text).toContain('Led by BTC $4M (36%) · ALT01 $1.5M (14%) · ETH $1M (9%), and 43 more');
    expect(second.seen.filter((s) => s.edit === 'm1' && s.head.includes('· over'))).toHaveLength(1);
    expect(second.seen.filter((s) => s.edit === 'm1')[0]!.text).toContain('across 46 assets');
    expect(second.seen.filter((s) => s.head.includes('Market-wide long flush') && !s.head.includes('over'))).toHaveLength(0);
    // The restored /liqs all: the majors' prints alone ($6M of longs), no untracked asset.
    expect(Object.keys(summary.byAsset).sort()).toEqual([...MAJORS].sort());
    expect(summary.longUsd).toBe(6_000_000);
  }, 60_000);

  it("stored daily totals of the untracked assets (days past the 8 a restart replays) stay out of the history and /liqs all 7d", async () => {
    const db = join(tempDir(), 'all-market-days.db');
    {
      const store = openSqliteStore(db);
      store.insertEvents(allMarketFlush(T0, 10));
      store.close();
    }
    // Ten days on: T0's day is read from its stored daily totals, not its events.
    const now = T0 + 10 * DAY;
    const store = openSqliteStore(db);
    const bot = new LiqBot({ config, store, now: () => now });
    bot.market.live = true;
    bot.restore();
    const names = bot.market.history.assetNames();
    store.close();
    expect(names.filter((a) => UNTRACKED_ALTS.includes(a))).toEqual([]);
    expect([...names].sort()).toEqual([...MAJORS].sort());
  }, 60_000);
});
