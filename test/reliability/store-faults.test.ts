/**
 * A hostile store: a full disk, a corrupted page, a deleted file. The bot never crashes, never passes a store
 * failure off as something else, holds what the store refused and writes it once it can, logs each kind of
 * failure once, and sends an alert at most twice (the one send a crash interrupted).
 */
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../config/load.js';
import type { ChatAdapter, DeliveryResult } from '../../src/adapters/contract.js';
import { LiqBot } from '../../src/bot.js';
import type { Liquidation, MarketEvent } from '../../src/core/events.js';
import { replyText } from '../../src/replies/reply.js';
import { StoreFaults } from '../../src/store/faults.js';
import { createMemoryStore } from '../../src/store/memory.js';
import { openSqliteStore } from '../../src/store/sqlite.js';
import type { Store } from '../../src/store/store.js';
import { metricsRegistry } from '../../src/ops/http.js';
import { tempDir } from '../helpers.js';
import { faultyStore, WRITES } from '../store/faulty.js';
import { entry } from '../store/fixtures.js';

const T = Date.parse('2026-01-31T12:00:00Z');
const CHAT = 'telegram:-100';

/** A chat that records every delivery. */
function chat(): ChatAdapter & { sent: string[] } {
  const sent: string[] = [];
  return {
    platform: 'telegram', sent,
    async start() {}, async stop() {},
    async deliver(_to, reply): Promise<DeliveryResult> {
      sent.push(replyText(reply));
      return { ok: true, messageRef: `m${sent.length}` };
    },
  };
}

/** Ten $1M long liquidations of ETH in ten seconds: a cascade by the default config ($5M floor, 5 prints). */
const flush = (from = 0): Liquidation[] =>
  Array.from({ length: 10 }, (_, i) => ({
    type: 'liquidation', ts: T + (from + i) * 1000, exchange: i % 2 ? 'bybit' : 'binance', symbol: 'ETH/USDT:USDT',
    side: 'long', price: 3000, amount: 1_000_000 / 3000, usd: 1_000_000,
  }));

function logSpy() {
  const lines: string[] = [];
  return { lines, log: { error: (_o: object, msg: string) => void lines.push(msg), warn: (_o: object, msg: string) => void lines.push(msg) } as never };
}

function botOn(store: Store, adapter: ChatAdapter, clock: { now: number }, faults = new StoreFaults()) {
  return new LiqBot({ config: loadConfig(), store, now: () => clock.now, adapters: { telegram: adapter }, outbox: { faults, now: () => clock.now } });
}

function subscribe(store: Store): void {
  store.putSubscription({ chat: CHAT, enabled: true, assets: [], families: ['cascade', 'level'], minUsd: 0, updatedAt: T });
}

function ingestAll(bot: LiqBot, clock: { now: number }, events: MarketEvent[]): void {
  for (const e of events) {
    clock.now = e.ts;
    bot.ingest(e);
  }
}

describe('a full disk', () => {
  it('at markSent: the alert goes out once, is recorded when the disk has room, and nothing crashes', async () => {
    const inner = createMemoryStore();
    subscribe(inner);
    const { store, fail } = faultyStore(inner);
    const clock = { now: T };
    const tg = chat();
    const bot = botOn(store, tg, clock);
    bot.outbox.start();
    fail.markSent = 'SQLITE_FULL';
    ingestAll(bot, clock, flush());
    await bot.outbox.idle();
    expect(tg.sent).toHaveLength(1);
    expect(tg.sent[0]).toMatch(/cascade/i);
    expect(bot.health().store).toMatchObject({ ok: false, failing: ['outbox.markSent: SQLITE_FULL'], counts: { 'outbox.markSent: SQLITE_FULL': 1 } });
    expect(inner.pendingCount()).toBe(1); // not recorded yet

    bot.flush(); // the 2-second timer: still full
    expect(bot.health().store.counts['outbox.markSent: SQLITE_FULL']).toBe(2);
    delete fail.markSent;
    bot.flush();
    expect(inner.pendingCount()).toBe(0);
    expect(bot.health().store.ok).toBe(true);
    await bot.outbox.idle();
    expect(tg.sent).toHaveLength(1);
    await bot.outbox.stop();
  });

  it('restarting on the still-full disk sends nothing again; once there is room, the interrupted alert goes out once more, then never', async () => {
    const inner = createMemoryStore();
    subscribe(inner);
    const clock = { now: T };
    const first = faultyStore(inner);
    const tg1 = chat();
    const bot1 = botOn(first.store, tg1, clock);
    bot1.outbox.start();
    first.fail.markSent = 'SQLITE_FULL';
    ingestAll(bot1, clock, flush());
    await bot1.outbox.idle();
    await bot1.outbox.stop(); // the process dies here: its unrecorded send is lost with it
    expect(tg1.sent).toHaveLength(1);

    const sends: number[] = [];
    for (let restart = 0; restart < 3; restart++) {
      const again = faultyStore(inner);
      for (const w of WRITES) again.fail[w] = 'SQLITE_FULL';
      const tg = chat();
      const bot = botOn(again.store, tg, clock);
      bot.restore();
      bot.outbox.start();
      clock.now += 5_000;
      bot.tick();
      await bot.outbox.idle();
      await bot.outbox.stop();
      sends.push(tg.sent.length);
      expect(bot.health().store.failing).toContain('outbox.claim: SQLITE_FULL');
    }
    expect(sends).toEqual([0, 0, 0]);

    const healthy = faultyStore(inner);
    const tg = chat();
    const bot = botOn(healthy.store, tg, clock);
    bot.outbox.start();
    await bot.outbox.idle();
    expect(tg.sent).toHaveLength(1); // the send the crash interrupted: the alert's second and last copy
    expect(inner.pendingCount()).toBe(0);
    await bot.outbox.stop();
  });

  it('an alert whose two sends were both interrupted is not sent a third time', async () => {
    const inner = createMemoryStore();
    subscribe(inner);
    const clock = { now: T };
    // Two earlier lives each claimed the entry, sent it, and died before recording the outcome.
    const [id] = inner.enqueue([entry(CHAT, 'cascade:probe', { nextAttemptAt: T, createdAt: T })]);
    inner.claim(id!, T);
    inner.claim(id!, T);
    const tg = chat();
    const bot = botOn(inner, tg, clock);
    bot.outbox.start();
    await bot.outbox.idle();
    expect(tg.sent).toEqual([]);
    expect(inner.pendingCount()).toBe(0);
    expect(bot.outbox.counters.dropped).toBe(1);
    await bot.outbox.stop();
  });

  it('during a feed message: ingest does not throw, the alert is held (a store error, not bad feed data) and delivered once the store takes it', async () => {
    const inner = createMemoryStore();
    subscribe(inner);
    const { store, fail } = faultyStore(inner);
    const clock = { now: T };
    const tg = chat();
    const bot = botOn(store, tg, clock);
    bot.outbox.start();
    fail.enqueue = 'SQLITE_FULL';
    fail.insertEvents = 'SQLITE_FULL';
    expect(() => ingestAll(bot, clock, flush())).not.toThrow();
    expect(bot.stats.alerts).toBe(1);
    expect(bot.health().store).toMatchObject({ ok: false, heldAlerts: 1 });
    expect(bot.health().store.heldEvents).toBeGreaterThan(0);
    expect(bot.health().store.failing).toEqual(expect.arrayContaining(['outbox.enqueue: SQLITE_FULL', 'insertEvents: SQLITE_FULL']));
    await bot.outbox.idle();
    expect(tg.sent).toEqual([]);

    delete fail.enqueue;
    delete fail.insertEvents;
    bot.flush();
    await bot.outbox.idle();
    expect(tg.sent).toHaveLength(1);
    expect(bot.health().store).toMatchObject({ ok: true, heldAlerts: 0, heldEvents: 0 });
    expect([...inner.eventsSince(0)]).toHaveLength(10);
    await bot.outbox.stop();
  });

  it('keeps at most 100,000 unwritten events, the newest, and does not retry the store per event', () => {
    const { store, fail, calls } = faultyStore(createMemoryStore());
    fail.insertEvents = 'SQLITE_FULL';
    const clock = { now: T };
    const bot = new LiqBot({ config: loadConfig(), store, now: () => clock.now, batchSize: 1000 });
    for (let i = 0; i < 150_000; i++) {
      clock.now = T + i;
      bot.ingest({ type: 'price', ts: T + i, exchange: 'bybit', symbol: 'ETH/USDT:USDT', price: 3000 + (i % 7) });
    }
    const h = bot.health().store;
    expect(h.heldEvents).toBe(100_000);
    expect(h.lost.events).toBe(50_000);
    // One try per 1,000 new events at most (the batch size), not one per event past the cap.
    expect(calls.insertEvents).toBeLessThanOrEqual(150);
    expect(calls.insertEvents).toBeGreaterThanOrEqual(2);
    delete fail.insertEvents;
    bot.flush();
    const stored = [...store.eventsSince(0)];
    expect(stored).toHaveLength(100_000);
    expect(stored[0]!.ts).toBe(T + 50_000);
    expect(bot.health().store.ok).toBe(true);
  });
});

describe('a corrupted outbox page', () => {
  it('does not stop the 1-second tick, and logs one line per kind however often it fails', async () => {
    const inner = createMemoryStore();
    subscribe(inner);
    const { store, fail } = faultyStore(inner);
    const clock = { now: T };
    const spy = logSpy();
    const tg = chat();
    const bot = botOn(store, tg, clock, new StoreFaults({ now: () => clock.now, log: spy.log }));
    bot.outbox.start();
    fail.duePending = 'SQLITE_CORRUPT';
    fail.enqueue = 'SQLITE_CORRUPT';
    fail.pendingCount = 'SQLITE_CORRUPT';
    ingestAll(bot, clock, flush());
    for (let s = 0; s < 600; s++) {
      clock.now += 1000;
      expect(() => bot.tick()).not.toThrow();
      if (s % 2 === 0) bot.flush();
      bot.outbox.pending();
    }
    await bot.outbox.idle();
    const h = bot.health().store;
    expect(h.failing.sort()).toEqual(['outbox.enqueue: SQLITE_CORRUPT', 'outbox.pendingCount: SQLITE_CORRUPT']);
    expect(h.counts['outbox.enqueue: SQLITE_CORRUPT']).toBeGreaterThanOrEqual(301); // each publish and each flush retried
    expect(spy.lines).toHaveLength(2);
    expect(spy.lines[0]).toBe('store outbox.enqueue failed (SQLITE_CORRUPT); held in memory and retried; more of this kind are counted on /metrics, not logged');
    expect(tg.sent).toEqual([]);
    await bot.outbox.stop();
  });
});

describe('the database file', () => {
  it('deleted while running: noticed at the next flush and reported, not silently written to a file that is gone', () => {
    const path = join(tempDir(), 'liqbot.db');
    const store = openSqliteStore(path);
    const bot = new LiqBot({ config: loadConfig(), store, now: () => T });
    bot.flush();
    expect(bot.health().store.ok).toBe(true);
    rmSync(path);
    bot.flush();
    const h = bot.health().store;
    expect(h.ok).toBe(false);
    expect(h.fileProblem).toMatch(/^the database file .*liqbot\.db was deleted$/);
    bot.flush();
    expect(bot.stats.storeErrors).toBe(2); // counted at every check while it lasts (what /healthz has read)
    store.close();
  });
});

describe('/metrics', () => {
  it('shows store failures by kind, held data, the store state and implausible events by reason', async () => {
    const { store, fail } = faultyStore(createMemoryStore());
    const bot = new LiqBot({ config: loadConfig(), store, now: () => T });
    fail.insertEvents = 'SQLITE_FULL';
    bot.ingest(flush()[0]!);
    bot.ingest({ ...flush()[1]!, ts: T + 3_650 * 86_400_000 });
    bot.flush();
    bot.flush();
    const text = await metricsRegistry(bot, () => []).metrics();
    expect(text).toContain('liqbot_store_ok 0');
    expect(text).toContain('liqbot_store_failures_total{kind="insertEvents: SQLITE_FULL"} 2');
    expect(text).toContain('liqbot_store_held{what="events"} 1');
    expect(text).toContain('liqbot_events_rejected_total{reason="future"} 1');
    expect(text).toContain('liqbot_store_errors_total 2');
  });
});
