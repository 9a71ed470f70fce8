/**
 * The core leader's footing in PostgreSQL: one leader at a time by an advisory lock on a dedicated connection,
 * a standby taking over once the leader's connection dies (as when its process is killed with -9), and a bus
 * batch's events, alerts and stream offset stored in one transaction, so a re-applied batch adds nothing.
 * Skipped, saying why, when PostgreSQL is not running.
 */
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { StoreError } from '../../src/store/errors.js';
import { LeaderLock } from '../../src/store/leader.js';
import { openPostgresStore, type PostgresStore } from '../../src/store/postgres.js';
import type { MarketEvent } from '../../src/core/events.js';
import { PG_URL, dropRunSchemas, pgUnavailable, schemaName } from '../services/postgres.js';
import { T0, entry, liq } from './fixtures.js';

const unavailable = await pgUnavailable();
if (unavailable) console.warn(unavailable);

describe.skipIf(unavailable !== undefined)('core leader on PostgreSQL', () => {
  const locks: LeaderLock[] = [];
  const stores: PostgresStore[] = [];
  afterEach(async () => {
    for (const l of locks.splice(0)) await l.release();
    for (const s of stores.splice(0)) await s.close();
  });
  afterAll(async () => {
    await dropRunSchemas();
  });
  const lock = (name: string) => {
    const l = new LeaderLock({ url: PG_URL, name, pollMs: 50 });
    locks.push(l);
    return l;
  };

  it('lets one process lead; a standby takes over within 5 s once the leader’s connection dies', async () => {
    const name = `core-${process.pid}-${Date.now()}`;
    const leader = lock(name);
    const standby = lock(name);
    expect(await leader.tryAcquire()).toBe(true);
    expect(await standby.tryAcquire()).toBe(false);
    expect(await lock(`other-${name}`).tryAcquire()).toBe(true); // another name is another lock
    const lost: string[] = [];
    leader.onLost((reason) => lost.push(reason));
    const takeover = standby.acquire();
    // What kill -9 does to the leader, seen from the database: its socket is gone.
    (leader as unknown as { client: { connection: { stream: { destroy(): void } } } }).client.connection.stream.destroy();
    const started = Date.now();
    await takeover;
    expect(Date.now() - started).toBeLessThan(5_000);
    expect(standby.leading).toBe(true);
    expect(leader.leading).toBe(false);
    expect(lost).toHaveLength(1);
  });

  it('hands the lock over at once on a clean release', async () => {
    const name = `core-release-${process.pid}`;
    const a = lock(name);
    const b = lock(name);
    await a.acquire();
    expect(await b.tryAcquire()).toBe(false);
    await a.release();
    expect(await b.tryAcquire()).toBe(true);
  });

  it('a standby waiting for the lock stops when asked, with a StoreError', async () => {
    const name = `core-abort-${process.pid}`;
    await lock(name).acquire();
    const abort = new AbortController();
    const waiting = lock(name).acquire(abort.signal);
    abort.abort();
    await expect(waiting).rejects.toThrow(StoreError);
  });

  it('stores a batch’s events, alerts and offset together; re-applying it (a new leader replaying) adds nothing', async () => {
    const store = await openPostgresStore({ url: PG_URL, schema: schemaName(), migrate: true, poolSize: 2 });
    stores.push(store);
    const events = [liq({ ts: T0 + 1 }), liq({ ts: T0 + 2 })];
    const alerts = [entry('telegram:-1', 'cascade:c1:start'), entry('discord:9', 'cascade:c1:start')];
    expect(await store.applyBatch({ consumer: 'core', seq: 7, events, alerts })).toEqual({ added: 2, ids: [1, 2] });
    expect(await store.busOffset('core')).toBe(7);
    expect(await store.applyBatch({ consumer: 'core', seq: 7, events, alerts })).toEqual({ added: 0, ids: [] });
    expect(await store.pendingCount()).toBe(2);
    // An offset never moves back (a late, slower leader cannot rewind it).
    await store.applyBatch({ consumer: 'core', seq: 5, events: [], alerts: [] });
    expect(await store.busOffset('core')).toBe(7);
    expect(await store.busOffset('gateway-1')).toBe(0);
  });

  it('stores nothing of a batch that fails: no events, no alerts, the offset where it was', async () => {
    const store = await openPostgresStore({ url: PG_URL, schema: schemaName(), migrate: true, poolSize: 2 });
    stores.push(store);
    await store.applyBatch({ consumer: 'core', seq: 1, events: [liq()], alerts: [] });
    const bad = [liq({ ts: T0 + 5 }), { type: 'bogus', ts: T0 } as unknown as MarketEvent];
    await expect(store.applyBatch({ consumer: 'core', seq: 2, events: bad, alerts: [entry('telegram:-1', 'a')] })).rejects.toThrow(StoreError);
    expect(await store.busOffset('core')).toBe(1);
    expect(await store.pendingCount()).toBe(0);
    const stored: MarketEvent[] = [];
    for await (const e of store.eventsSince(0)) stored.push(e);
    expect(stored).toEqual([liq()]);
  });
});
