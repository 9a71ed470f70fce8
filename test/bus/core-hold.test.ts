/**
 * The core takes the hold its publisher states (issue 19): a live ingest states 15 s on every message, and the
 * core leader derives alerts 15 s of event time after the market, as the embedded bot does, instead of 5
 * minutes; the hold in force is stored with the offset, so a standby taking over resumes the leader's ordering
 * exactly and re-derives the same alerts at the same batches. The bundled day is driven through CoreEngine batch
 * by batch on the real PostgreSQL (the stream's part is the consumer's, tested in follower-hold.test.ts).
 * Skipped, saying why, without PostgreSQL.
 */
import { beforeAll, expect, it } from 'vitest';
import { loadConfig } from '../../config/load.js';
import { CORE_CONSUMER, CoreEngine } from '../../src/bus/core.js';
import type { BusBatch } from '../../src/bus/consumer.js';
import { chatAlertKey } from '../../src/alerts/router.js';
import type { Alert } from '../../src/core/alerts.js';
import type { MarketEvent } from '../../src/core/events.js';
import { Market } from '../../src/core/market.js';
import { readEventFile } from '../../src/io/event-file.js';
import { configLevels } from '../../src/core/levels.js';
import type { PostgresStore } from '../../src/store/postgres.js';
import type { Subscription } from '../../src/store/store.js';
import { BUNDLED } from '../helpers.js';
import { pgSuite, type PgSuite } from './pg-suite.js';

const CHAT = 'telegram:4242';
const SUB: Subscription = { chat: CHAT, enabled: true, assets: [], families: ['cascade', 'level'], minUsd: 0, updatedAt: 0 };

/** The day cut into batches of one minute of event time (a live ingest cuts every 250 ms; the cut changes nothing here). */
function batchesOf(events: readonly MarketEvent[], holdOf: (seq: number) => number | undefined): BusBatch[] {
  const groups: MarketEvent[][] = [];
  let start = -Infinity;
  for (const e of events) {
    if (e.ts >= start + 60_000) {
      groups.push([]);
      start = e.ts;
    }
    groups[groups.length - 1]!.push(e);
  }
  return groups.map((g, i) => {
    const holdMs = holdOf(i + 1);
    return { seq: i + 1, subject: 'mkt.bundled.mixed', events: g, invalid: 0, synthetic: false, ack: () => undefined, ...(holdMs !== undefined ? { holdMs } : {}) };
  });
}

/** A store of the test's own with the chat subscribed. */
async function openStore(suite: PgSuite): Promise<PostgresStore> {
  const store = await suite.openStore();
  await store.putSubscription(SUB);
  return store;
}

/** A leader's engine with the store's subscriptions. */
async function engineOn(store: PostgresStore): Promise<CoreEngine> {
  const config = loadConfig(undefined);
  const engine = new CoreEngine(store, config, () => 0);
  await engine.restore(await store.busPosition(CORE_CONSUMER));
  return engine;
}

/** Derive and store one batch as the core leader does; the chat's alert keys it queued. */
async function step(engine: CoreEngine, store: PostgresStore, batch: BusBatch): Promise<string[]> {
  const { events, alerts, writes } = await engine.derive(batch);
  const entries = engine.route(alerts);
  await store.applyBatch({ consumer: CORE_CONSUMER, seq: batch.seq, events, alerts: entries, ...engine.position, state: writes });
  return entries.map((e) => e.alertKey);
}

async function outboxKeys(store: PostgresStore): Promise<string[]> {
  const r = await store.pool.query<{ k: string }>('SELECT alert_key AS k FROM outbox ORDER BY alert_key');
  return r.rows.map((row) => row.k);
}

pgSuite('the core leader takes the stated hold', (suite) => {
  const day: MarketEvent[] = [];
  let firstBreak: Alert;
  beforeAll(async () => {
    for await (const e of readEventFile(BUNDLED)) day.push(e);
    // The embedded engine's first level break of the day: when it is due, and its key.
    const config = loadConfig(undefined);
    const market = new Market(config);
    for (const l of configLevels(config, day[0]!.ts)) market.addLevel(l);
    for (const e of day) {
      const a = market.ingest(e).find((x) => x.kind === 'level_break');
      if (a) {
        firstBreak = a;
        break;
      }
    }
    expect(firstBreak).toBeDefined();
  });

  it('with a stated 15 s hold a level break is stored 20 s of event time after it; without one (5 minutes) it is not', async () => {
    const upTo = day.filter((e) => e.ts <= firstBreak.ts + 20_000);
    // The last minute's events would be held by 5 minutes: the break is due inside that minute's end.
    expect(upTo[upTo.length - 1]!.ts - firstBreak.ts).toBeLessThanOrEqual(20_000);
    const want = chatAlertKey(firstBreak);
    for (const [holdMs, stored] of [[15_000, true], [undefined, false]] as const) {
      const store = await openStore(suite);
      const engine = await engineOn(store);
      for (const b of batchesOf(upTo, () => holdMs)) await step(engine, store, b);
      expect(engine.holdMs).toBe(holdMs ?? 300_000);
      expect((await outboxKeys(store)).includes(want), `hold ${holdMs ?? 'none'}: ${want} queued`).toBe(stored);
      const position = await store.busPosition(CORE_CONSUMER);
      expect(position.holdMs).toBe(holdMs ?? 300_000);
      expect(position.maxTs).toBe(upTo[upTo.length - 1]!.ts);
      expect(position.watermark).toBe(upTo[upTo.length - 1]!.ts - (holdMs ?? 300_000));
    }
  }, 120_000);

  it('takeovers under the live hold, across hold changes: every batch queues the keys one leader queues there, the outbox the same rows', async () => {
    // Replayed first (no hold stated: 5 minutes), then live (15 s); two replayed batches in the middle (a longer
    // hold takes back nothing, so the watermark runs ahead of the latest time − the hold: the stored latest time
    // is what a standby needs), then live again, a stretch at 60 s, live to the end.
    const n = batchesOf(day, () => undefined).length;
    const m = Math.floor(n / 2);
    const hold = (seq: number): number | undefined =>
      seq <= n / 4 ? undefined : seq <= m ? 15_000 : seq <= m + 2 ? undefined : seq <= (3 * n) / 4 ? 15_000 : seq <= (7 * n) / 8 ? 60_000 : 15_000;
    const batches = batchesOf(day, hold);
    const q = (x: number) => Math.floor(x);
    // Takeovers after: a replayed batch, the first live one, mid-live, the second replayed one in the middle (the
    // next batch is live again), the first at 60 s, late in the day.
    const takeovers = new Set([q(n / 8), q(n / 4) + 1, q((3 * n) / 8), m + 2, q((3 * n) / 4) + 1, batches.length - 5]);

    const one = await openStore(suite);
    const chained = await openStore(suite);
    const leader = await engineOn(one);
    let engine = await engineOn(chained);
    let restored = 0;
    let compared = 0;
    for (const b of batches) {
      const want = await step(leader, one, b);
      // The old leader derived this batch too, and was killed before storing it: the standby does it again.
      if (takeovers.has(b.seq)) {
        await engine.derive(b);
        engine = await engineOn(chained);
        restored++;
      }
      const got = await step(engine, chained, b);
      const at = `batch ${b.seq} of ${batches.length} (hold ${b.holdMs ?? 'none'})`;
      expect(got, at).toEqual(want);
      // The same events released at the same batch: the ordering's position and the market's clock agree.
      expect(engine.position, at).toEqual(leader.position);
      expect(engine.market.clock, at).toBe(leader.market.clock);
      compared += want.length;
    }
    expect(restored).toBe(takeovers.size);
    expect(compared).toBeGreaterThan(10); // alerts were there to compare
    const rows = await outboxKeys(one);
    expect(await outboxKeys(chained)).toEqual(rows);
    expect(new Set(rows).size).toBe(rows.length);
    expect(rows.some((k) => k.startsWith('level:'))).toBe(true);
    expect(rows.some((k) => k.startsWith('cascade'))).toBe(true);
  }, 300_000);
});

pgSuite('the core routes as the embedded bot does', (suite) => {
  it("a chat's own level's alert answers the message it was adopted under", async () => {
    const store = await openStore(suite);
    const engine = await engineOn(store);
    const id = `${CHAT}:ETH@2950`;
    engine.market.addLevel({ id, asset: 'ETH', level: 2950, chat: CHAT, source: 'chat', createdAt: 0, thread: { ref: '4242:7' } });
    const own: Alert = { kind: 'level_break', key: `level:${id}:1`, ts: 1, asset: 'ETH', levelId: id, level: 2950, direction: 'down', reclaim: false, price: 2900, timeframe: '15m', chat: CHAT };
    expect(engine.route([own]).map((e) => [e.chat, e.replyTo])).toEqual([[CHAT, '4242:7']]);
  });
});
