/**
 * The deliver role keeps each chat's order and reaches every pending entry while a fan-out keeps it busy:
 *  - an entry another holder left waiting for its retry (a 429) is read at once, holds the chat's later alerts back,
 *    and is sent within a poll interval of coming due, however many NOTIFYs come meanwhile;
 *  - a chat whose send the store refused waits 2 s and goes on from that entry, before the alerts queued meanwhile;
 *  - a poke reads the whole outbox again once the last whole read is a poll interval old, NOTIFYs or not, and only
 *    then: a pending row below the highest id read (one no read since could have seen) is sent.
 * A Deliverer driven in-process over the real PostgreSQL store (deliverer-stand.ts), a recording chat adapter, and the
 * clock faked (Date only): each step is a NOTIFY (`poke`) at a later time, waited for by its own send. Skipped,
 * saying why, without PostgreSQL.
 */
import { afterAll, afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { ChatAdapter, DeliveryResult, DeliveryTarget } from '../../src/adapters/contract.js';
import type { Alert } from '../../src/core/alerts.js';
import { StoreError } from '../../src/store/errors.js';
import type { PostgresStore } from '../../src/store/postgres.js';
import type { NewEntry, Subscription } from '../../src/store/store.js';
import { bundledDay } from '../adapters/telegram/harness.js';
import { dropRunSchemas, pgUnavailable } from '../services/postgres.js';
import { leasedDeliverer, waitFor, wrapped } from './deliverer-stand.js';

const unavailable = await pgUnavailable();
if (unavailable) console.warn(unavailable);

/** The chat whose order is watched, and the chat whose fan-out keeps the deliverer busy. */
const X = 'discord:900000000000000021';
const Y = 'discord:900000000000000025';
const POLL = 1_000;
const sub: Subscription = { chat: X, target: 'channel:900000000000000022', enabled: true, assets: [], families: ['level'], minUsd: 0, updatedAt: 0 };

/** A chat adapter that records each send: the outbox entry (its id, from the idempotency key) and the clock's time. */
class Recording implements ChatAdapter {
  readonly platform = 'discord' as const;
  readonly sends: { id: number; chat: string; at: number }[] = [];
  async start() {}
  async stop() {}
  async deliver(to: DeliveryTarget): Promise<DeliveryResult> {
    this.sends.push({ id: Number(to.idempotencyKey!.split(':')[0]), chat: to.chat, at: Date.now() });
    return { ok: true, messageRef: `${to.target}:${this.sends.length}` };
  }
  sent(id: number): boolean {
    return this.sends.some((s) => s.id === id);
  }
  of(chat: string): number[] {
    return this.sends.filter((s) => s.chat === chat).map((s) => s.id);
  }
  at(id: number): number | undefined {
    return this.sends.find((s) => s.id === id)?.at;
  }
}

describe.skipIf(unavailable !== undefined)('deliver role: retries and left entries while busy, in each chat’s order', () => {
  const closing: (() => Promise<unknown>)[] = [];
  let alert: Alert;
  let t0: number;
  beforeEach(async () => {
    alert = (await bundledDay()).alerts.find((a) => a.kind === 'level_break')!;
    vi.useFakeTimers({ toFake: ['Date'] });
    t0 = Date.now();
  });
  afterEach(async () => {
    vi.useRealTimers();
    for (const close of closing.splice(0).reverse()) await close();
  });
  afterAll(async () => {
    await dropRunSchemas();
  });

  const entry = (chat: string, key: string, nextAttemptAt = Date.now()): NewEntry => ({
    chat, target: chat === X ? sub.target! : 'channel:900000000000000026', alertKey: key, alert, nextAttemptAt, createdAt: Date.now(),
  });

  /**
   * The fan-out: every half second a NOTIFY with an alert for X and one for Y, `steps` times; each step waits for its
   * Y alert to be sent (the read that found them is done). Returns X's alerts in the order queued.
   */
  async function fanOut(store: PostgresStore, deliverer: { poke(): void }, adapter: Recording, steps: number): Promise<number[]> {
    const xs: number[] = [];
    for (let k = 1; k <= steps; k++) {
      vi.setSystemTime(t0 + k * 500);
      const [x, y] = await store.enqueue([entry(X, `x${k}`), entry(Y, `y${k}`)]);
      xs.push(x!);
      deliverer.poke();
      await waitFor(() => adapter.sent(y!), `Y's alert of step ${k}`);
    }
    return xs;
  }

  it('an entry another holder left waiting for its retry is sent within a poll interval of coming due, before the chat’s later alerts', async () => {
    const adapter = new Recording();
    const { store, deliverer } = await leasedDeliverer(adapter, sub, closing, undefined, { pollMs: POLL });
    // The previous holder got a 429 for X's alert: its retry is 3 s from now. Y's alert is due.
    const [left] = await store.enqueue([entry(X, 'left', t0 + 3_000)]);
    await store.pool.query("UPDATE outbox SET attempts = 1, last_error = 'Discord deliver: 429 Too Many Requests' WHERE id = $1", [left]);
    const [y0] = await store.enqueue([entry(Y, 'y0')]);
    deliverer.poke();
    await waitFor(() => adapter.sent(y0!), "Y's first alert");
    const later = await fanOut(store, deliverer, adapter, 8);
    await waitFor(() => deliverer.busy === 0, 'the queues to empty');
    expect(adapter.of(X)).toEqual([left, ...later]);
    expect(adapter.at(left!)).toBeLessThanOrEqual(t0 + 3_000 + POLL);
    expect(await store.pendingCount()).toBe(0);
  }, 60_000);

  it('a chat whose send the store refused goes on from that entry within 2 s and a poll interval, before the alerts queued meanwhile', async () => {
    const adapter = new Recording();
    let refuse: number | undefined;
    const { store, deliverer } = await leasedDeliverer(adapter, sub, closing, undefined, {
      pollMs: POLL,
      wrap: (s) =>
        wrapped(s, {
          claimLeased: async (id, untilMs, lease) => {
            if (id !== refuse) return s.claimLeased(id, untilMs, lease);
            refuse = undefined;
            throw new StoreError(`could not claim alert ${id} in the test database: connection terminated`, 'write');
          },
        }),
    });
    const [first, y0] = await store.enqueue([entry(X, 'first'), entry(Y, 'y0')]);
    refuse = first;
    deliverer.poke();
    await waitFor(() => adapter.sent(y0!) && refuse === undefined, "Y's first alert and X's refused claim");
    const later = await fanOut(store, deliverer, adapter, 6);
    await waitFor(() => deliverer.busy === 0, 'the queues to empty');
    expect(adapter.of(X)).toEqual([first, ...later]);
    expect(adapter.at(first!)).toBeLessThanOrEqual(t0 + 2_000 + POLL);
  }, 60_000);

  it('reads the whole outbox again once a poll interval old, however many NOTIFYs come, and only then', async () => {
    const adapter = new Recording();
    const reads: number[] = [];
    const { store, deliverer } = await leasedDeliverer(adapter, sub, closing, undefined, {
      pollMs: POLL,
      wrap: (s) =>
        wrapped(s, {
          duePendingFor: (platform, now, limit, afterId, except) => {
            reads.push(afterId ?? 0);
            return s.duePendingFor(platform, now, limit, afterId, except);
          },
        }),
    });
    // Ids from 100 on, so a row can be put below the highest id read.
    await store.pool.query('ALTER TABLE outbox ALTER COLUMN id RESTART WITH 100');
    const [y0] = await store.enqueue([entry(Y, 'y0')]);
    deliverer.poke();
    await waitFor(() => adapter.sent(y0!), "Y's first alert");
    // A pending row for X below the highest id read: no read of what is new can find it.
    await store.pool.query(
      `INSERT INTO outbox (id, chat, target, alert_key, alert, next_attempt_at, created_at) OVERRIDING SYSTEM VALUE VALUES (50, $1, $2, 'below', $3, $4, $4)`,
      [X, sub.target, JSON.stringify(alert), t0],
    );
    const ys: number[] = [];
    for (let k = 1; k <= 4; k++) {
      vi.setSystemTime(t0 + k * 300);
      const [y] = await store.enqueue([entry(Y, `y${k}`)]);
      ys.push(y!);
      deliverer.poke();
      await waitFor(() => adapter.sent(y!), `Y's alert of step ${k}`);
    }
    await waitFor(() => deliverer.busy === 0, 'the queues to empty');
    // The first read, three of what is new (0.3, 0.6, 0.9 s), then the whole outbox again at 1.2 s.
    expect(reads.map((afterId) => (afterId === 0 ? 'whole' : 'new'))).toEqual(['whole', 'new', 'new', 'new', 'whole']);
    expect(adapter.of(X)).toEqual([50]);
    expect(adapter.at(50)).toBe(t0 + 1_200);
  }, 60_000);
});
