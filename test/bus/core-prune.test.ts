/**
 * The core leader keeps the retention of raw events in PostgreSQL, as the embedded bot's hourly prune does (`LiqBot.prune`),
 * on its own clock, the stored watermark:
 *  - events older than `retention.eventDays` before it go, later ones stay untouched; a vendor's hours of the days
 *    wholly before it become one daily total each;
 *  - a standby taking over after the prune restores the figures it restored before it (`/liqs 7d`, the days' totals,
 *    the normal day a cascade is measured against): with eventDays under the 8 days the market reads, the days the
 *    prune cut count with their stored daily totals, as the embedded restore counts them;
 *  - a leader that lost the lock, or a standby, prunes nothing (the lock is checked in the prune's transaction);
 *  - live, rows stamped more than 5 minutes past the wall clock go too; a rehearsal's stream keeps them;
 *  - a prune waits while a standby reads what it restores (`withPruneHeld`);
 *  - the role itself prunes when it takes the lock.
 * The market is driven through CoreEngine batch by batch on the real PostgreSQL (and NATS for the role). Skipped,
 * saying why, without them.
 */
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { buildConfig } from '../../config/load.js';
import type { Config } from '../../config/schema.js';
import { LiqBot } from '../../src/bot.js';
import { CORE_CONSUMER, CoreEngine, runCoreRole } from '../../src/bus/core.js';
import type { BusBatch } from '../../src/bus/consumer.js';
import type { LiquidationTotal, MarketEvent } from '../../src/core/events.js';
import type { Market } from '../../src/core/market.js';
import { LeaderLock } from '../../src/store/leader.js';
import type { PostgresStore } from '../../src/store/postgres.js';
import { openSqliteStore } from '../../src/store/sqlite.js';
import { DAY0, H, tempDir } from '../helpers.js';
import { NATS_URL } from '../services/nats.js';
import { PG_URL } from '../services/postgres.js';
import { schemaUrl, until } from './children.js';
import { pgNatsSuite } from './pg-nats-suite.js';

const DAY = 24 * H;
/** Mar 12 12:00: the leader's watermark (the last event). */
const END = DAY0 + 10 * DAY + 12 * H;
/** Retention under the 8 days the market's windows read: the prune cuts into them (at Mar 9 12:00). */
const config = buildConfig({ retention: { eventDays: 3, outboxDays: 7 } });
const CUT = END - 3 * DAY;

/**
 * From Mar 2 to END: $1M of ETH longs liquidated on bybit at half past every hour, the vendor's $2M of okx's ETH
 * longs each hour, and a price tick at END.
 */
function market(): MarketEvent[] {
  const out: MarketEvent[] = [];
  for (let hour = DAY0; hour < END; hour += H) {
    const total: LiquidationTotal = { type: 'liquidation_total', ts: hour, period: '1h', asset: 'ETH', side: 'long', exchange: 'okx', usd: 2e6 };
    out.push(total, { type: 'liquidation', ts: hour + H / 2, exchange: 'bybit', symbol: 'ETH/USDT:USDT', side: 'long', price: 3000, amount: 1e6 / 3000, usd: 1e6 });
  }
  out.push({ type: 'price', ts: END, exchange: 'bybit', symbol: 'ETH/USDT:USDT', price: 3000 });
  return out;
}

/** The day's events as the stream brings them (one batch a day, then the end of the recording: nothing held). */
async function lead(engine: CoreEngine, store: PostgresStore): Promise<void> {
  const events = market();
  let seq = 0;
  const apply = async (batch: BusBatch) => {
    const { events: fresh, alerts, writes } = await engine.derive(batch);
    await store.applyBatch({ consumer: CORE_CONSUMER, seq: batch.seq, events: fresh, alerts: engine.route(alerts), ...engine.position, state: writes });
  };
  for (let from = DAY0; from <= END; from += DAY) {
    const day = events.filter((e) => e.ts >= from && e.ts < from + DAY);
    await apply({ seq: ++seq, subject: 'mkt.bybit.liq', events: day, invalid: 0, synthetic: false, ack: () => undefined });
  }
  await apply({ seq: ++seq, subject: 'mkt._replay.end', events: [], invalid: 0, synthetic: false, end: true, ack: () => undefined });
}

type Figures = { liqs7d: number; days: number[]; normal: number };

/** What a restored market reads ($M): /liqs 7d, each day's total from Mar 4 (the 8 days' first) to Mar 12, the normal day before Mar 12. */
function figures(m: Market): Figures {
  const days: number[] = [];
  for (let d = DAY0 + 2 * DAY; d <= DAY0 + 10 * DAY; d += DAY) days.push(m.history.dayTotal('ETH', 'long', d) / 1e6);
  return { liqs7d: m.summary('ETH', '7d', 7 * DAY).longUsd / 1e6, days, normal: m.history.normalDaily('ETH', 'long', DAY0 + 10 * DAY, 7, 1) / 1e6 };
}

/** A standby taking over: restored from the store at the stored offset. */
async function restoredFigures(store: PostgresStore, cfg: Config): Promise<Figures> {
  const standby = new CoreEngine(store, cfg, () => 0);
  await standby.restore(await store.busPosition(CORE_CONSUMER));
  return figures(standby.market);
}

/** The embedded bot fed the same market live, pruned at END, restarted and restored at END. */
function embeddedFigures(cfg: Config): Figures {
  const db = join(tempDir(), 'liqbot.db');
  let clock = DAY0;
  const live = new LiqBot({ config: cfg, store: openSqliteStore(db), now: () => clock });
  for (const e of market()) {
    clock = e.ts;
    live.ingest(e);
  }
  live.flush();
  live.prune();
  live.store.close();
  const store = openSqliteStore(db);
  const restored = new LiqBot({ config: cfg, store, now: () => END });
  restored.restore();
  store.close();
  return figures(restored.market);
}

const close = (got: Figures, want: Figures, what: string) => {
  expect(got.liqs7d, `${what}: /liqs 7d`).toBeCloseTo(want.liqs7d, 6);
  got.days.forEach((usd, i) => expect(usd, `${what}: Mar ${4 + i}`).toBeCloseTo(want.days[i]!, 6));
  expect(got.normal, `${what}: the normal day`).toBeCloseTo(want.normal, 6);
};

const count = async (store: PostgresStore, sql: string) => (await store.pool.query<{ n: number }>(sql)).rows[0]!.n;

pgNatsSuite('core leader: retention of raw events', (suite) => {
  /** A lock on the test's schema, given up after the test. */
  const lockOn = (schema: string) => {
    const lock = new LeaderLock({ url: schemaUrl(PG_URL, schema), name: 'core:TEST', pollMs: 10 });
    suite.defer(() => lock.release());
    return lock;
  };

  // eventDays 8: the prune cuts before the 8 days the market reads. eventDays 3: it cuts into them, and the days it cut
  // count with their stored totals; the first, partial day of a 7d window (Mar 5 12:00–24:00: 12 prints and 24 vendor
  // hours) then counts only as far as its events were kept, as the embedded restore counts it (docs/store.md).
  it.each([
    { eventDays: 8, pruned: 60 + 48, keptEvents: 8 * 24 + 1, folded: 2, liqs7dAfter: 504 },
    { eventDays: 3, pruned: 180 + 168, keptEvents: 3 * 24 + 1, folded: 7, liqs7dAfter: 504 - 36 },
  ])('eventDays $eventDays: prunes what is past retention before its watermark; a standby taking over after it restores the same figures', async ({ eventDays, pruned, keptEvents, folded, liqs7dAfter }) => {
    const cfg = buildConfig({ retention: { eventDays, outboxDays: 7 } });
    const cut = END - eventDays * DAY;
    const { store, schema } = await suite.openStore();
    const leader = new CoreEngine(store, cfg, () => 0);
    await lead(leader, store);
    expect((await store.busPosition(CORE_CONSUMER)).watermark).toBe(END);
    const before = await restoredFigures(store, cfg);
    // Written out: 168 of our prints in the 7 days and the vendor's 336 okx hours; whole days $24M + $48M.
    close(before, { liqs7d: 168 + 2 * 168, days: [72, 72, 72, 72, 72, 72, 72, 72, 36], normal: 72 }, 'before the prune');

    const lock = lockOn(schema);
    expect(await lock.tryAcquire()).toBe(true);
    // Our prints before the cut and the vendor's hours of the days wholly before it (summed into days).
    expect(await leader.prune(lock.fence)).toBe(pruned);
    // What is later stays untouched: the prints from the cut on, and the tick at END.
    expect((await store.pool.query('SELECT min(ts)::bigint AS first, count(*)::int AS n FROM events')).rows[0]).toEqual({ first: cut + H / 2, n: keptEvents });
    expect((await store.pool.query("SELECT ts, usd FROM liquidation_totals WHERE period = '1d' ORDER BY ts")).rows).toEqual(
      Array.from({ length: folded }, (_, i) => ({ ts: DAY0 + i * DAY, usd: 48e6 })),
    );
    expect(await count(store, "SELECT count(*)::int AS n FROM liquidation_totals WHERE period = '1h'")).toBe((END - (DAY0 + folded * DAY)) / H);
    // The next round has nothing left to prune.
    expect(await leader.prune(lock.fence)).toBe(0);

    const after = await restoredFigures(store, cfg);
    close(after, { ...before, liqs7d: liqs7dAfter }, 'after the prune');
    close(after, embeddedFigures(cfg), 'as the embedded bot restores');
  }, 60_000);

  it('a leader that lost the lock, and a standby, prune nothing', async () => {
    const { store, schema } = await suite.openStore();
    const leader = new CoreEngine(store, config, () => 0);
    await lead(leader, store);
    const a = lockOn(schema);
    expect(await a.tryAcquire()).toBe(true);
    const fenceA = a.fence!;
    // A's connection is cut (as the server does to a leader it lost): the lock passes to B.
    await store.pool.query('SELECT pg_terminate_backend($1)', [fenceA.pid]);
    await until(() => !a.leading, 'A to learn it lost the lock', 10_000, 10);
    const b = lockOn(schema);
    expect(await b.tryAcquire()).toBe(true);
    const events = await count(store, 'SELECT count(*)::int AS n FROM events');
    expect(await leader.prune(a.fence)).toBe('lost');
    // Its fence as it knew it, checked in the prune's own transaction.
    expect(await store.pruneEventsLed(CUT, undefined, fenceA)).toBe('lost');
    // A standby never held it.
    expect(await leader.prune(undefined)).toBe('lost');
    expect(await store.pruneEventsLed(CUT, undefined, { key: b.fence!.key, pid: fenceA.pid })).toBe('lost');
    expect(await count(store, 'SELECT count(*)::int AS n FROM events')).toBe(events);
    // The holder does.
    expect(await leader.prune(b.fence)).toBe(180 + 168);
  }, 60_000);

  it('live, rows stamped more than 5 minutes past the wall clock go; a rehearsal keeps them', async () => {
    const { store, schema } = await suite.openStore();
    const lock = lockOn(schema);
    expect(await lock.tryAcquire()).toBe(true);
    const wall = Date.now();
    const at = (ts: number): MarketEvent[] => [
      { type: 'liquidation', ts, exchange: 'bybit', symbol: 'ETH/USDT:USDT', side: 'long', price: 3000, amount: 1, usd: 3000 },
      { type: 'liquidation_total', ts, period: '1h', asset: 'ETH', side: 'long', exchange: 'okx', usd: 1e6 },
    ];
    await store.insertEvents([...at(wall + 60_000), ...at(wall + 3_600_000)]);
    await store.applyBatch({ consumer: CORE_CONSUMER, seq: 1, events: [], alerts: [], watermark: wall, holdMs: 15_000, maxTs: wall });
    const rehearsal = new CoreEngine(store, config, () => 0);
    expect(await rehearsal.prune(lock.fence, wall)).toBe(0);
    const live = new CoreEngine(store, config, () => 0);
    live.market.live = true;
    expect(await live.prune(lock.fence, wall)).toBe(2);
    expect((await store.pool.query('SELECT ts FROM events UNION ALL SELECT ts FROM liquidation_totals')).rows).toEqual([{ ts: wall + 60_000 }, { ts: wall + 60_000 }]);
  }, 60_000);

  it("waits while a standby reads what it restores, then prunes", async () => {
    const { store, schema } = await suite.openStore();
    const leader = new CoreEngine(store, config, () => 0);
    await lead(leader, store);
    const lock = lockOn(schema);
    expect(await lock.tryAcquire()).toBe(true);
    const events = await count(store, 'SELECT count(*)::int AS n FROM events');
    let pruning: Promise<number | 'lost'> | undefined;
    await store.withPruneHeld(async () => {
      pruning = leader.prune(lock.fence);
      // The prune asks for its lock and waits (the server shows an advisory lock not granted) …
      await until(async () => (await count(store, "SELECT count(*)::int AS n FROM pg_locks WHERE locktype = 'advisory' AND NOT granted")) > 0, 'the prune to wait', 10_000, 10);
      // … and has deleted nothing while the standby reads.
      expect(await count(store, 'SELECT count(*)::int AS n FROM events')).toBe(events);
    });
    expect(await pruning).toBe(180 + 168);
  }, 60_000);

  it('the core role prunes once it takes the lock', async () => {
    const { store, schema } = await suite.openStore();
    await lead(new CoreEngine(store, config, () => 0), store);
    const name = `PRUNE${process.pid}`;
    await suite.openBus(name);
    const stop = new AbortController();
    const running = runCoreRole({ env: { databaseUrl: schemaUrl(PG_URL, schema), natsUrl: NATS_URL, natsStream: name }, config, signal: stop.signal, pollMs: 10 });
    suite.defer(async () => {
      stop.abort();
      await running.catch(() => undefined);
    });
    await until(async () => (await count(store, 'SELECT count(*)::int AS n FROM events')) === 72 + 1, 'the leader to prune', 30_000, 20);
    expect(await count(store, 'SELECT count(*)::int AS n FROM events WHERE ts < ' + CUT)).toBe(0);
    stop.abort();
    expect(await running).toBe(0);
  }, 60_000);
});
