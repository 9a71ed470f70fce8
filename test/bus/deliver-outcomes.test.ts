/**
 * The deliver role's outcomes follow the embedded outbox's (src/alerts/outbox.ts):
 *  - a permanent failure where the chat's alerts do not post (a level's thread answer in a deleted channel) drops that
 *    entry alone: the chat's alerts go on, and no `subscription.remove` goes on the stream;
 *  - a chat whose alerts channel is gone is reported (`subscription.remove`: every core turns its alerts off, settings
 *    kept) and its entries for that channel dropped; an answer queued for another channel is still tried;
 *  - a request the platform refused three times (a 400: message too long) is dropped, and later alerts to the chat go on;
 *    the count of an entry refused fewer times is forgotten as the entry leaves the queue otherwise (superseded, its
 *    chat gone), not kept for the holder's life;
 *  - an alert older than its use is dropped, one posted more than 15 minutes late says so;
 *  - every send carries the entry's id as its idempotency key (Discord's nonce), a thread answer its short reply.
 * A Deliverer driven in-process over the real PostgreSQL store, with a scripted chat adapter and a fake state stream.
 * Skipped, saying why, without PostgreSQL.
 */
import { afterAll, afterEach, describe, expect, it, vi } from 'vitest';
import type { ChatAdapter, DeliveryResult, DeliveryTarget } from '../../src/adapters/contract.js';
import { renderAlert } from '../../src/alerts/digest.js';
import { route } from '../../src/alerts/router.js';
import type { Alert, LevelBreak } from '../../src/core/alerts.js';
import { replyText, type Reply } from '../../src/replies/reply.js';
import type { NewEntry, Subscription } from '../../src/store/store.js';
import { bundledDay } from '../adapters/telegram/harness.js';
import { dropRunSchemas, pgUnavailable } from '../services/postgres.js';
import { until } from './children.js';
import { leasedDeliverer } from './deliverer-stand.js';

const unavailable = await pgUnavailable();
if (unavailable) console.warn(unavailable);

const CHAT = 'discord:900000000000000001';
const ALERTS = 'channel:900000000000000002';
const THREAD = 'channel:900000000000000003';
const MIN = 60_000;

/** A chat adapter whose answers the test scripts by destination; it records every send. */
class Scripted implements ChatAdapter {
  readonly platform = 'discord' as const;
  readonly sends: { to: DeliveryTarget; text: string }[] = [];
  constructor(private readonly answer: (to: DeliveryTarget, text: string) => DeliveryResult | Promise<DeliveryResult> | undefined) {}
  async start() {}
  async stop() {}
  async deliver(to: DeliveryTarget, reply: Reply): Promise<DeliveryResult> {
    const text = replyText(reply);
    this.sends.push({ to, text });
    return this.answer(to, text) ?? { ok: true, messageRef: `${to.target}:${this.sends.length}` };
  }
}

const GONE: DeliveryResult = { ok: false, permanent: true, error: 'Discord deliver: 404 Unknown Channel (code 10003)', kind: 'chat_gone' };
const TOO_LONG: DeliveryResult = { ok: false, permanent: false, error: 'Discord deliver: 400 Invalid Form Body (code 50035)', kind: 'rejected' };

describe.skipIf(unavailable !== undefined)('deliver role: what a failed send drops, and what goes on', () => {
  const closing: (() => Promise<unknown>)[] = [];
  afterEach(async () => {
    for (const close of closing.splice(0).reverse()) await close();
  });
  afterAll(async () => {
    await dropRunSchemas();
  });

  /** The chat's own level breaks (its level adopted under a message in THREAD), and a store with the chat subscribed. */
  async function setUp(adapter: ChatAdapter, backoff = { baseMs: 1, maxMs: 1 }) {
    const sub: Subscription = { chat: CHAT, target: ALERTS, enabled: true, assets: [], families: ['level'], minUsd: 0, updatedAt: 0 };
    const breaks = (await bundledDay()).alerts.filter((a): a is LevelBreak => a.kind === 'level_break').slice(0, 3).map((a) => ({ ...a, chat: CHAT }));
    expect(breaks).toHaveLength(3);
    const { store, deliverer, changes, settled } = await leasedDeliverer(adapter, sub, closing, backoff);
    const rows = async () => (await store.pool.query<{ id: number; alert_key: string; target: string | null; status: string; last_error: string | null }>('SELECT id, alert_key, target, status, last_error FROM outbox ORDER BY id')).rows;
    return { store, sub, breaks, deliverer, changes, rows, settled };
  }

  it("drops only a thread answer whose channel is gone: the chat's alerts go on, nothing is reported", async () => {
    const adapter = new Scripted((to) => (to.target === THREAD ? GONE : undefined));
    const { store, sub, breaks, deliverer, changes, rows, settled } = await setUp(adapter);
    // The first break answers its thread (another channel than the alerts'): an alert and a short answer; then two more.
    await store.enqueue([...route([breaks[0]!], [sub], Date.now(), () => ({ ref: '900000000000000004', target: THREAD })), ...route(breaks.slice(1), [sub], Date.now())]);
    deliverer.poke();
    await settled();
    const r = await rows();
    expect(r.map((x) => [x.target, x.status])).toEqual([[ALERTS, 'sent'], [THREAD, 'dropped'], [ALERTS, 'sent'], [ALERTS, 'sent']]);
    expect(r[1]!.alert_key).toMatch(/:thread$/);
    expect(changes).toEqual([]);
    expect(deliverer.counters).toMatchObject({ sent: 3, dropped: 1, unsubscribed: 0 });
    // Every send names its entry (Discord's nonce); the thread got the short answer, not the alert again.
    expect(adapter.sends.map((s) => s.to.idempotencyKey?.split(':')[0])).toEqual(r.map((x) => String(x.id)));
    expect(adapter.sends[1]!.text).toContain('Full alert in the alerts channel');
  }, 30_000);

  it("a chat whose alerts channel is gone is reported (its alerts turned off by the core) and its entries there dropped; an answer for another channel is still tried", async () => {
    const adapter = new Scripted((to) => (to.target === ALERTS ? GONE : undefined));
    const { store, sub, breaks, deliverer, changes, rows, settled } = await setUp(adapter);
    await store.enqueue([...route([breaks[0]!], [sub], Date.now(), () => ({ ref: '900000000000000004', target: THREAD })), ...route(breaks.slice(1), [sub], Date.now())]);
    deliverer.poke();
    await settled();
    expect((await rows()).map((x) => [x.target, x.status])).toEqual([[ALERTS, 'dropped'], [THREAD, 'sent'], [ALERTS, 'dropped'], [ALERTS, 'dropped']]);
    expect(changes).toEqual([{ kind: 'subscription.remove', chat: CHAT }]);
    expect(adapter.sends.map((s) => s.to.target)).toEqual([ALERTS, THREAD]);
  }, 30_000);

  it('drops a request the platform refused three times; later alerts to the chat go on', async () => {
    let refused = '';
    const adapter = new Scripted((_to, text) => (text === refused ? TOO_LONG : undefined));
    const { store, sub, breaks, deliverer, changes, rows, settled } = await setUp(adapter);
    // The platform refuses the first alert's message whenever it is sent (as a message too long would be).
    const texts = breaks.map((a) => replyText(renderAlert(a)));
    expect(new Set(texts).size).toBe(3);
    refused = texts[0]!;
    const ids = await store.enqueue(route(breaks, [sub], Date.now()));
    deliverer.poke();
    await settled();
    const r = await rows();
    expect(r.map((x) => x.status)).toEqual(['dropped', 'sent', 'sent']);
    expect(r[0]!.last_error).toBe(`refused 3 times: ${TOO_LONG.ok ? '' : TOO_LONG.error}`);
    expect(adapter.sends.map((s) => s.to.idempotencyKey?.split(':')[0])).toEqual([ids[0], ids[0], ids[0], ids[1], ids[2]].map(String));
    expect(changes).toEqual([]);
  }, 30_000);

  describe("a refused entry's count leaves with the entry, however it leaves", () => {
    // The platform refuses one send; the retry waits ten minutes unless the test brings it forward (`due`: the clock,
    // faked for Date alone and running on, moved on ten minutes).
    const refusedOnce = async (adapter: Scripted) => {
      vi.useFakeTimers({ toFake: ['Date'], shouldAdvanceTime: true });
      closing.push(async () => vi.useRealTimers());
      const set = await setUp(adapter, { baseMs: 10 * MIN, maxMs: 10 * MIN });
      const due = () => vi.setSystemTime(Date.now() + 10 * MIN);
      const recorded = () => until(async () => (await set.rows()).some((r) => r.last_error?.includes('Invalid Form Body')), 'the refusal to be recorded', 15_000, 20);
      // How many entries the deliverer holds a refusal count for (its private bookkeeping: nothing else shows a leak).
      const counted = () => (set.deliverer as unknown as { refusals: { size: number } }).refusals.size;
      return { ...set, due, recorded, counted };
    };
    const cascade = (asset: string, kind: 'cascade' | 'cascade_update', usd: number): Alert => {
      const t0 = Date.now();
      const base = { ts: t0, asset, cascadeId: `${asset}-long-1`, side: 'long' as const, startedAt: t0, usd, byExchange: { bybit: usd }, exchanges: ['bybit'], sampled: [] };
      if (kind === 'cascade') return { kind, key: `c:${asset}-long-1:s`, ...base, windowUsd: usd, windowMs: 5 * MIN, thresholdUsd: 1 };
      return { kind, key: `c:${asset}-long-1:u:${usd}`, ...base };
    };

    it('superseded by a later update', async () => {
      const answers: DeliveryResult[] = [];
      const { store, sub, deliverer, rows, settled, due, recorded, counted } = await refusedOnce(new Scripted(() => answers.shift()));
      const routed = (alerts: Alert[]) => route(alerts, [{ ...sub, families: ['cascade'] }], Date.now());
      await store.enqueue(routed([cascade('ETH', 'cascade', 5e6)]));
      deliverer.poke();
      await settled();
      answers.push(TOO_LONG);
      await store.enqueue(routed([cascade('ETH', 'cascade_update', 60e6)]));
      deliverer.poke();
      await recorded();
      expect(counted()).toBe(1);
      // A later update comes before the retry: the refused one is moot.
      await store.enqueue(routed([cascade('ETH', 'cascade_update', 120e6)]));
      due();
      deliverer.poke();
      await settled();
      expect((await rows()).map((r) => [r.status, r.last_error])).toEqual([
        ['sent', null],
        ['dropped', 'superseded by a later update'],
        ['sent', null],
      ]);
      expect(deliverer.counters).toMatchObject({ sent: 1, edited: 1, superseded: 1, retried: 1 });
      expect(counted()).toBe(0);
    }, 30_000);

    it('dropped with the rest of the queue when the chat is gone', async () => {
      const answers: (DeliveryResult | Promise<DeliveryResult>)[] = [];
      const adapter = new Scripted(() => answers.shift());
      const { store, sub, breaks, deliverer, changes, rows, settled, due, recorded, counted } = await refusedOnce(adapter);
      // The first break is refused once and waits for its retry; the second, queued meanwhile, waits behind it (the
      // chat's order). The retry comes due and is held on the wire, the second behind it; then the alerts channel is gone.
      answers.push(TOO_LONG);
      await store.enqueue(route([breaks[0]!], [sub], Date.now()));
      deliverer.poke();
      await recorded();
      expect(counted()).toBe(1);
      await store.enqueue(route([breaks[1]!], [sub], Date.now()));
      deliverer.poke();
      await until(() => deliverer.busy === 2, 'the second break queued behind the first', 15_000, 20);
      expect(adapter.sends).toHaveLength(1);
      let answer!: (r: DeliveryResult) => void;
      answers.push(new Promise<DeliveryResult>((resolve) => (answer = resolve)));
      due();
      deliverer.poke();
      await until(() => adapter.sends.length === 2, 'the retry', 15_000, 20);
      expect(deliverer.busy).toBe(3);
      answer(GONE);
      await settled();
      expect((await rows()).map((r) => [r.target, r.status])).toEqual([
        [ALERTS, 'dropped'],
        [ALERTS, 'dropped'],
      ]);
      expect(changes).toEqual([{ kind: 'subscription.remove', chat: CHAT }]);
      expect(counted()).toBe(0);
      expect(adapter.sends.map((x) => x.text)).toEqual([replyText(renderAlert(breaks[0]!)), replyText(renderAlert(breaks[0]!))]);
    }, 30_000);
  });

  it('drops an alert older than its use; one posted more than 15 minutes late says so', async () => {
    const adapter = new Scripted(() => undefined);
    const { store, sub, breaks, deliverer, rows, settled } = await setUp(adapter);
    const at = (e: NewEntry, agoMs: number): NewEntry => ({ ...e, createdAt: Date.now() - agoMs, nextAttemptAt: Date.now() - agoMs });
    const start: Alert = { kind: 'cascade', key: 'c:ETH-long-1:s', ts: Date.now(), asset: 'ETH', cascadeId: 'ETH-long-1', side: 'long', startedAt: Date.now(), usd: 5e6, byExchange: { bybit: 5e6 }, exchanges: ['bybit'], sampled: [], windowUsd: 5e6, windowMs: 300_000, thresholdUsd: 1 };
    // A cascade's start two hours on says nothing of now (an hour is its use); a level break 40 minutes late still does.
    const [running] = route([start], [{ ...sub, families: ['cascade'] }], Date.now());
    const [late, onTime] = route(breaks.slice(0, 2), [sub], Date.now());
    await store.enqueue([at(running!, 2 * 3_600_000), at(late!, 40 * 60_000), onTime!]);
    deliverer.poke();
    await settled();
    expect((await rows()).map((x) => [x.status, x.last_error])).toEqual([['dropped', 'stale'], ['sent', null], ['sent', null]]);
    expect(adapter.sends).toHaveLength(2);
    expect(adapter.sends[0]!.text).toContain('⏱ Posted 40 min late: it could not be delivered until now');
    expect(adapter.sends[1]!.text).not.toContain('Posted');
  }, 30_000);
});
