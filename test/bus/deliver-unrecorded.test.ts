/**
 * The deliver role never sends an alert again because the store refused to record it sent (as the embedded outbox's
 * `unrecorded`): a send that went out but whose `markSent` failed leaves the chat's queue, only its `markSent` is
 * retried, at the next read and before the chat's next send, and the entry ends sent with the first send's message.
 * Before, the chat went on "from its first entry" 2 s later: a claim never changes the status, so the still-pending
 * entry was claimed and sent again.
 * A Deliverer driven in-process over the real PostgreSQL store (deliverer-stand.ts), a recording chat adapter, and the
 * clock faked (Date only): the chat's 2 s pause is passed by setting the clock and poking. Skipped, saying why,
 * without PostgreSQL.
 */
import { afterAll, afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { ChatAdapter, DeliveryResult, DeliveryTarget } from '../../src/adapters/contract.js';
import type { Alert } from '../../src/core/alerts.js';
import { StoreError } from '../../src/store/errors.js';
import type { NewEntry, Subscription } from '../../src/store/store.js';
import { bundledDay } from '../adapters/telegram/harness.js';
import { dropRunSchemas, pgUnavailable } from '../services/postgres.js';
import { leasedDeliverer, waitFor, wrapped } from './deliverer-stand.js';

const unavailable = await pgUnavailable();
if (unavailable) console.warn(unavailable);

const X = 'telegram:-777';
const sub: Subscription = { chat: X, enabled: true, assets: [], families: ['level'], minUsd: 0, updatedAt: 0 };

/** A chat adapter that logs each send (the entry's id, from the idempotency key) to the shared event log. */
class Recording implements ChatAdapter {
  readonly platform = 'telegram' as const;
  sends = 0;
  constructor(private readonly log: string[]) {}
  async start() {}
  async stop() {}
  async deliver(to: DeliveryTarget): Promise<DeliveryResult> {
    this.log.push(`send ${Number(to.idempotencyKey!.split(':')[0])}`);
    return { ok: true, messageRef: `m${++this.sends}` };
  }
}

describe.skipIf(unavailable !== undefined)('deliver role: a send the store could not record is recorded, never sent again', () => {
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

  const entry = (key: string): NewEntry => ({ chat: X, alertKey: key, alert, nextAttemptAt: Date.now(), createdAt: Date.now() });

  /**
   * Two alerts for X, the first's `markSent` refused `refusals` times; the chat's 2 s pause passed. Returns the event
   * log (sends and markSent calls, in order), the entries' ids and their rows once nothing is pending.
   */
  async function run(refusals: number) {
    const log: string[] = [];
    const adapter = new Recording(log);
    let left = refusals;
    const { store, deliverer } = await leasedDeliverer(adapter, sub, closing, undefined, {
      wrap: (s) =>
        wrapped(s, {
          markSent: async (id, ref) => {
            // The first markSent calls: X's first alert's (its second waits behind it), as the log below shows.
            if (left > 0) {
              left--;
              log.push(`markSent ${id} refused`);
              throw new StoreError(`could not mark alert ${id} sent in the test database: connection terminated`, 'write');
            }
            log.push(`markSent ${id}`);
            return s.markSent(id, ref);
          },
        }),
    });
    const [a, b] = await store.enqueue([entry('a'), entry('b')]);
    deliverer.poke();
    // The refusal's rejection reaches the lane's catch (the chat's pause) in microtasks, before the next poll here.
    await waitFor(() => log.includes(`markSent ${a} refused`), "the refused markSent of X's first alert");
    // The chat's 2 s pause is over; a poke then reads the whole outbox (the last whole read is over a second old).
    vi.setSystemTime(t0 + 2_000);
    deliverer.poke();
    await waitFor(async () => deliverer.busy === 0 && (await store.pendingCount()) === 0, 'the outbox to be settled');
    const rows = (await store.pool.query<{ id: string; status: string; message_ref: string | null }>('SELECT id, status, message_ref FROM outbox ORDER BY id')).rows;
    return { log, a: a!, b: b!, rows: rows.map((r) => [Number(r.id), r.status, r.message_ref]), counters: deliverer.counters };
  }

  it('a send whose markSent the store refuses once is not sent again: its markSent is retried and it ends sent', async () => {
    const { log, a, b, rows, counters } = await run(1);
    // Before: `send a` twice (the entry, still pending, was claimed and sent again 2 s later).
    expect(log).toEqual([`send ${a}`, `markSent ${a} refused`, `markSent ${a}`, `send ${b}`, `markSent ${b}`]);
    expect(rows).toEqual([
      [a, 'sent', 'm1'],
      [b, 'sent', 'm2'],
    ]);
    expect(counters.sent).toBe(2);
  }, 30_000);

  it('refused again at the next read, it is recorded before the chat’s next send, still sent once', async () => {
    const { log, a, b, rows } = await run(2);
    expect(log).toEqual([`send ${a}`, `markSent ${a} refused`, `markSent ${a} refused`, `markSent ${a}`, `send ${b}`, `markSent ${b}`]);
    expect(rows).toEqual([
      [a, 'sent', 'm1'],
      [b, 'sent', 'm2'],
    ]);
  }, 30_000);
});
