/**
 * A cascade's end that falls due while the bot is down (a crash, a deploy's SIGTERM) or while it restores is raised at
 * restore, at its own time, and posted (with its running message's closing edit): late by its age, or dropped past
 * its kind's use, as any alert queued then would be. One raised and sent before the restart is not posted twice.
 */
import { copyFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../config/load.js';
import { LiqBot } from '../../src/bot.js';
import type { MarketEvent } from '../../src/core/events.js';
import { newReport, readEventFile } from '../../src/io/event-file.js';
import { openSqliteStore } from '../../src/store/sqlite.js';
import { BUNDLED, majorsFlush, tempDir } from '../helpers.js';
import { recorder, type Seen } from './recorder.js';


/** A time of the bundled day, whose ETH long cascade is quiet from 16:09:50 (its window fell under the end level), so over at 16:19:50. */
const at = (iso: string) => Date.parse(`2026-01-31T${iso}Z`);
const config = loadConfig();

let events: MarketEvent[] = [];
beforeAll(async () => {
  for await (const e of readEventFile(BUNDLED, newReport())) events.push(e);
  events = events.filter((e) => e.type !== 'level');
});

/**
 * The first life: the ETH chat subscribed, the day up to `last` ingested (the clock moving with it), the clock then at
 * `stopAt` (ticked), everything delivered, and stopped. Returns what the chat saw.
 */
async function firstLife(db: string, last: number, stopAt: number): Promise<Seen[]> {
  let clock = 0;
  const store = openSqliteStore(db);
  const chat = recorder();
  const bot = new LiqBot({ config, store, now: () => clock, adapters: { telegram: chat }, outbox: { now: () => clock } });
  store.putSubscription({ chat: 'telegram:-1', enabled: true, assets: ['ETH'], families: ['cascade'], minUsd: 0, updatedAt: 0 });
  bot.outbox.start();
  for (const e of events) {
    if (e.ts > last) break;
    clock = Math.max(clock, e.ts);
    bot.ingest(e);
    bot.tick();
  }
  clock = stopAt;
  bot.tick();
  bot.flush();
  await bot.outbox.idle();
  await bot.outbox.stop();
  store.close();
  return chat.seen;
}

/** The second life at `now`: restored, delivering. Returns what the chat saw, and the outbox's counters. */
async function secondLife(db: string, now: number) {
  const store = openSqliteStore(db);
  const chat = recorder();
  const bot = new LiqBot({ config, store, now: () => now, adapters: { telegram: chat }, outbox: { now: () => now } });
  bot.restore();
  bot.outbox.start();
  await bot.outbox.idle();
  await bot.outbox.stop();
  const pending = store.pendingCount();
  store.close();
  return { seen: chat.seen, counters: bot.outbox.counters, pending, raised: bot.stats.alerts };
}

const isEndPost = (s: Seen) => !s.edit && s.head.startsWith('ETH long cascade over');
const isClosingEdit = (s: Seen) => s.edit !== undefined && /ETH long cascade · over/.test(s.head);

describe('a restart while a cascade runs', () => {
  // Killed at 16:19:32, 18 s before the ETH cascade is over: its running message reads "running".
  const KILL = at('16:19:32');
  let before = '';
  let firstSeen: Seen[] = [];
  beforeAll(async () => {
    before = join(tempDir(), 'before-end.db');
    firstSeen = await firstLife(before, KILL, KILL);
    expect(firstSeen.filter((s) => !s.edit).map((s) => s.head)).toEqual([expect.stringMatching(/^🔻 ETH long liquidation cascade/)]);
    expect(firstSeen.some(isEndPost)).toBe(false);
  }, 60_000);

  const copy = () => {
    const db = join(tempDir(), 'liqbot.db');
    copyFileSync(before, db);
    return db;
  };

  it('back 30 s later (the end fell due meanwhile): the end is posted on time and the running message closed', async () => {
    const { seen } = await secondLife(copy(), KILL + 30_000);
    expect(seen.filter(isEndPost)).toHaveLength(1);
    const end = seen.find(isEndPost)!;
    expect(end.text).not.toContain('late');
    expect(seen.filter(isClosingEdit)).toHaveLength(1);
    // The edit goes to the message the first life posted.
    expect(seen.find(isClosingEdit)!.edit).toBe('m1');
  }, 60_000);

  it('back 3 h later: the end is posted saying how late it is (its own time, not the restart\'s)', async () => {
    const { seen } = await secondLife(copy(), KILL + 3 * 3_600_000);
    const end = seen.find(isEndPost);
    expect(end?.text).toContain('⏱ Posted 3h late: it could not be delivered until now');
    expect(seen.filter(isClosingEdit)).toHaveLength(1);
  }, 60_000);

  it('back 10 h later: the end is past its use (6 h) and dropped, but the running message is still closed', async () => {
    const { seen, counters, pending } = await secondLife(copy(), KILL + 10 * 3_600_000);
    expect(seen.filter(isEndPost)).toHaveLength(0);
    expect(counters.dropped).toBe(1);
    expect(seen.filter(isClosingEdit)).toHaveLength(1);
    expect(pending).toBe(0);
  }, 60_000);
});

describe('a restart after a cascade ended', () => {
  it('an end raised and posted before the restart, and raised again at restore, is posted once', async () => {
    const db = join(tempDir(), 'after-end.db');
    // The events stop before the end falls due; the clock runs on past it (the live ticker), so the first life posts it.
    const first = await firstLife(db, at('16:19:32'), at('16:20:10'));
    expect(first.filter(isEndPost)).toHaveLength(1);
    expect(first.filter(isClosingEdit)).toHaveLength(1);
    const { seen, raised } = await secondLife(db, at('16:20:40'));
    // Raised again at restore (the stored events stop before it fell due), queued once.
    expect(raised).toBe(1);
    expect(seen.filter(isEndPost)).toHaveLength(0);
    expect(seen.filter(isClosingEdit)).toHaveLength(0);
  }, 60_000);
});

describe('a restart during a market-wide flush (live, the default six assets)', () => {
  const T0 = Date.parse('2026-03-02T12:00:00Z');
  /** Six majors liquidating longs on Bybit for 5 minutes, a round every 15 s. */
  const prints = majorsFlush(T0);

  it('the flush running at the stop is rebuilt at restore, its end posted and its running message closed, never started twice', async () => {
    const db = join(tempDir(), 'flush.db');
    let clock = T0 - 1;
    const first = recorder();
    {
      const store = openSqliteStore(db);
      const bot = new LiqBot({ config, store, now: () => clock, adapters: { telegram: first }, outbox: { now: () => clock } });
      bot.market.feeds.update({ exchange: 'bybit', stream: 'liquidations', state: 'live', since: T0 - 3_600_000, sampled: false });
      store.putSubscription({ chat: 'telegram:-1', enabled: true, assets: [], families: ['cascade'], minUsd: 0, updatedAt: 0 });
      bot.outbox.start();
      for (const e of prints.slice(0, 60)) {
        clock = e.ts;
        bot.ingest(e);
        bot.tick();
      }
      bot.flush();
      await bot.outbox.idle();
      await bot.outbox.stop();
      store.close();
    }
    expect(first.seen.map((s) => s.head)).toEqual([expect.stringContaining('Market-wide long flush')]);
    // Back 30 minutes later, no print since: the flush was over 10 quiet minutes after its window fell under the end level.
    clock += 30 * 60_000;
    const second = recorder();
    const store = openSqliteStore(db);
    const bot = new LiqBot({ config, store, now: () => clock, adapters: { telegram: second }, outbox: { now: () => clock } });
    bot.market.live = true; // as `liqbot start` sets it before restoring (no feed has reported yet)
    bot.restore();
    bot.outbox.start();
    bot.tick();
    bot.flush();
    await bot.outbox.idle();
    await bot.outbox.stop();
    store.close();
    const heads = second.seen.map((s) => s.head);
    expect(heads.filter((h) => h.startsWith('Market-wide long flush over'))).toHaveLength(1);
    expect(second.seen.filter((s) => s.edit === 'm1' && s.head.includes('· over'))).toHaveLength(1);
    expect(heads.filter((h) => h.includes('Market-wide long flush') && !h.includes('over'))).toHaveLength(0);
  }, 60_000);
});
