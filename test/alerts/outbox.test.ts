/**
 * The outbox: stored before sent, per chat in order, retried with backoff (honouring retry-after), edited in
 * place for a running cascade, turned off (settings kept) when a chat is gone, and complete after a restart.
 */
import { describe, expect, it, vi } from 'vitest';
import type { ChatAdapter, DeliveryResult, DeliveryTarget } from '../../src/adapters/contract.js';
import type { Alert } from '../../src/core/alerts.js';
import { Outbox } from '../../src/alerts/outbox.js';
import { route } from '../../src/alerts/router.js';
import { replyText, type Reply } from '../../src/replies/reply.js';
import type { Store } from '../../src/store/store.js';
import { faultyStore } from '../store/faulty.js';
import { outboxStand, sub, T0 } from './outbox-stand.js';

function cascade(kind: 'cascade' | 'cascade_update' | 'cascade_end', usd: number, id = 'ETH-long-1', asset = 'ETH'): Alert {
  const base = { ts: T0, asset, cascadeId: id, side: 'long' as const, startedAt: T0, usd, byExchange: { bybit: usd }, exchanges: ['bybit'], sampled: [] };
  if (kind === 'cascade') return { kind, key: `c:${id}:s`, ...base, windowUsd: usd, windowMs: 300_000, thresholdUsd: 1 };
  if (kind === 'cascade_update') return { kind, key: `c:${id}:u:${usd}`, ...base };
  return { kind, key: `c:${id}:e`, ...base, endedAt: T0 + 1, durationMs: 1 };
}

function levelBreak(level: number, ts: number, asset = 'ETH', chat?: string): Alert {
  return { kind: 'level_break', key: `l:${level}:${ts}:${chat ?? ''}`, ts, asset, levelId: `${asset}@${level}`, level, direction: 'down', reclaim: false, price: level * 0.99, timeframe: '15m', ...(chat ? { chat } : {}) };
}

/** A fake platform that records what each chat received, and can be told to fail. */
class FakeChat implements ChatAdapter {
  readonly platform = 'telegram' as const;
  received = new Map<string, { text: string; editRef?: string }[]>();
  calls = 0;
  failNext: ((to: DeliveryTarget) => DeliveryResult | undefined) | undefined;
  async start() {}
  async stop() {}
  async deliver(to: DeliveryTarget, reply: Reply, editRef?: string): Promise<DeliveryResult> {
    this.calls++;
    const f = this.failNext?.(to);
    if (f) return f;
    const list = this.received.get(to.chat) ?? [];
    list.push({ text: replyText(reply), ...(editRef ? { editRef } : {}) });
    this.received.set(to.chat, list);
    // An edit keeps its message (as the platforms' do).
    return { ok: true, messageRef: editRef ?? `${to.chat}#${list.length}` };
  }
}

let store: Store;
let chat: FakeChat;
let now: number;
outboxStand(() => new FakeChat(), (s) => ({ store, chat, now } = s));

const outbox = () => new Outbox({ store, adapters: { telegram: chat }, now: () => now, backoff: { baseMs: 1000, maxMs: 60_000 } });

describe('routing', () => {
  it('each chat gets only its families, assets and minimum', () => {
    const subs = [sub('telegram:1'), sub('telegram:2', { assets: ['BTC'] }), sub('telegram:3', { families: ['level'] }), sub('telegram:4', { minUsd: 50e6 }), sub('telegram:5', { enabled: false })];
    const entries = route([cascade('cascade', 10e6), cascade('cascade_update', 60e6), levelBreak(3000, T0)], subs, T0);
    const by = (c: string) => entries.filter((e) => e.chat === c).map((e) => e.alert.kind);
    expect(by('telegram:1')).toEqual(['cascade', 'cascade_update', 'level_break']);
    expect(by('telegram:2')).toEqual([]);
    expect(by('telegram:3')).toEqual(['level_break']);
    expect(by('telegram:4')).toEqual(['cascade_update', 'level_break']);
    expect(by('telegram:5')).toEqual([]);
  });

  it("a chat's own level goes only to that chat, and equals a global one at the same price once", () => {
    const subs = [sub('telegram:1'), sub('telegram:2')];
    const entries = route([levelBreak(3000, T0), levelBreak(3000, T0, 'ETH', 'telegram:2'), levelBreak(2900, T0, 'ETH', 'telegram:2')], subs, T0);
    const ob = store.enqueue(entries);
    expect(ob).toHaveLength(3); // chat 1: 3000; chat 2: 3000 (once) and 2900
  });

  it("a chat's message that carries a global level's price (its own level there, or the global one joined) is the only one it gets", () => {
    const subs = [sub('telegram:1'), sub('telegram:2')];
    const own = { ...levelBreak(2900, T0, 'ETH', 'telegram:2'), also: [{ levelId: 'telegram:2:ETH@3000', level: 3000, reclaim: false }] } as Alert;
    const entries = route([levelBreak(3000, T0), own], subs, T0);
    expect(entries.map((e) => [e.chat, e.alert.kind === 'level_break' ? e.alert.level : 0])).toEqual([['telegram:1', 3000], ['telegram:2', 2900]]);
  });

  it("a chop notice the same: a chat's notice that carries the global level is the only one it gets", () => {
    const chop = (level: number, chat?: string, also?: number[]): Alert => ({
      kind: 'level_chop', key: `chop:${chat ? `${chat}:` : ''}ETH@${level}:${T0}`, ts: T0, asset: 'ETH', levelId: `${chat ? `${chat}:` : ''}ETH@${level}`, level,
      crosses: 3, since: T0 - 3_600_000, range: [2950, 3050], price: 3004, timeframe: '15m',
      ...(chat ? { chat } : {}), ...(also ? { also: also.map((l) => ({ levelId: `ETH@${l}`, level: l })) } : {}),
    });
    const entries = route([chop(3000), chop(3010, 'telegram:2', [3000])], [sub('telegram:1'), sub('telegram:2')], T0);
    expect(entries.map((e) => [e.chat, e.alert.kind === 'level_chop' ? e.alert.level : 0])).toEqual([['telegram:1', 3000], ['telegram:2', 3010]]);
  });

  it("a proposed level's alert answers its thread: as the reply itself where alerts post, else plus a one-line answer there", () => {
    const own = levelBreak(2900, T0, 'ETH', 'telegram:2');
    const thread = (target?: string) => () => ({ ref: '2:42', ...(target !== undefined ? { target } : {}) });
    const same = route([own], [sub('telegram:2', { target: '7' })], T0, thread('7'));
    expect(same.map((e) => [e.alertKey.endsWith(':thread'), e.target, e.replyTo])).toEqual([[false, '7', '2:42']]);
    const elsewhere = route([own], [sub('telegram:2', { target: '9' })], T0, thread('7'));
    expect(elsewhere.map((e) => [e.alertKey.endsWith(':thread'), e.target, e.replyTo])).toEqual([[false, '9', undefined], [true, '7', '2:42']]);
    // Another chat hearing a global level at that price is never answered in this chat's thread.
    expect(route([levelBreak(2900, T0)], [sub('telegram:1')], T0, thread()).map((e) => e.replyTo)).toEqual([undefined]);
  });
});

describe('routing to many chats in slices', () => {
  it('stores 2,500 chats 1,000 per turn of the event loop, letting other work run between slices; each chat in order', async () => {
    for (let i = 0; i < 2_500; i++) store.putSubscription(sub(`telegram:${String(i).padStart(4, '0')}`));
    const ob = new Outbox({ store, adapters: { telegram: chat }, now: () => now, sliceSize: 1_000 });
    ob.start();
    const between: number[] = [];
    const watch = () => {
      between.push(ob.counters.queued);
      if (between.length < 3) setImmediate(watch);
    };
    expect(ob.publish([levelBreak(3000, T0)])).toBe(2_500);
    expect(ob.counters.queued).toBe(1_000); // the first slice only, before publish returns
    setImmediate(watch);
    expect(ob.publish([levelBreak(2900, T0 + 1)])).toBe(2_500); // queued behind the first, slice by slice
    await ob.idle();
    // Other work (this watcher) ran while the slices were still being stored.
    expect(between[0]).toBeLessThan(5_000);
    expect(chat.received.size).toBe(2_500);
    for (const l of chat.received.values()) expect(l.map((m) => (m.text.includes('3,000') ? 3000 : 2900))).toEqual([3000, 2900]);
    expect(store.pendingCount()).toBe(0);
  });
});

describe('answering a proposal thread', () => {
  it('delivers the alert to the alerts topic and a one-line answer replying to the proposal in its own topic', async () => {
    const targets: DeliveryTarget[] = [];
    chat.failNext = (to) => {
      targets.push(to);
      return undefined;
    };
    store.putSubscription(sub('telegram:2', { target: '9' }));
    const ob = new Outbox({ store, adapters: { telegram: chat }, now: () => now, threadOf: () => ({ ref: '2:42', target: '7' }) });
    ob.start();
    ob.publish([levelBreak(2900, T0, 'ETH', 'telegram:2')]);
    await ob.idle();
    await ob.stop();
    expect(targets).toEqual([{ chat: 'telegram:2', target: '9', idempotencyKey: expect.any(String) }, { chat: 'telegram:2', target: '7', replyTo: '2:42', idempotencyKey: expect.any(String) }]);
    const [alert, answer] = chat.received.get('telegram:2')!;
    expect(alert!.text).toMatch(/2,900/);
    expect(answer!.text).toBe('ETH $2,900 lost: 15m close $2,871.\nThe level this thread proposed. Full alert in the alerts channel.');
  });
});

describe('delivery', () => {
  it('fans one alert out to many chats, each once, and publishing it again adds nothing', async () => {
    for (let i = 0; i < 300; i++) store.putSubscription(sub(`telegram:${i}`));
    const ob = outbox();
    ob.start();
    expect(ob.publish([levelBreak(3000, T0)])).toBe(300);
    expect(ob.publish([levelBreak(3000, T0)])).toBe(0);
    await ob.idle();
    expect(chat.received.size).toBe(300);
    expect([...chat.received.values()].every((l) => l.length === 1)).toBe(true);
    expect(store.pendingCount()).toBe(0);
  });

  it('keeps each chat in order through a rate limit, honouring retry-after and dropping nothing', async () => {
    vi.useFakeTimers({ now: T0 });
    now = T0;
    for (let i = 0; i < 20; i++) store.putSubscription(sub(`telegram:${i}`));
    const ob = new Outbox({ store, adapters: { telegram: chat }, now: () => Date.now() });
    let limited = 0;
    chat.failNext = () => (limited++ < 25 ? { ok: false, permanent: false, retryAfterMs: 3000, error: '429' } : undefined);
    ob.start();
    ob.publish([levelBreak(3000, T0), levelBreak(2900, T0 + 1), levelBreak(2800, T0 + 2)]);
    for (let i = 0; i < 20 && store.pendingCount() > 0; i++) await vi.advanceTimersByTimeAsync(3000);
    await ob.idle();
    expect(store.pendingCount()).toBe(0);
    for (const list of chat.received.values()) expect(list.map((m) => m.text.match(/\$(\d,\d{3})/)![1])).toEqual(['3,000', '2,900', '2,800']);
    expect(chat.received.size).toBe(20);
    expect(ob.counters.rateLimited).toBe(25);
  });

  it('edits the running cascade message, posts the end as a new one, and skips superseded updates', async () => {
    store.putSubscription(sub('telegram:1'));
    const ob = outbox();
    ob.start();
    ob.publish([cascade('cascade', 5e6)]);
    await ob.idle();
    // While the chat is busy elsewhere, two updates queue up: only the later one is worth sending.
    ob.publish([cascade('cascade_update', 10e6), cascade('cascade_update', 20e6)]);
    await ob.idle();
    ob.publish([cascade('cascade_end', 25e6)]);
    await ob.idle();
    const got = chat.received.get('telegram:1')!;
    expect(got.map((m) => m.editRef)).toEqual([undefined, 'telegram:1#1', undefined, 'telegram:1#1']);
    expect(got[1]!.text).toContain('$20M');
    expect(got[2]!.text).toContain('cascade over');
    expect(got[3]!.text).toContain('cascade · over');
  });

  it('a running message whose markSent the store refused is still the one its update edits, and is never posted again', async () => {
    const { store: refusing, fail } = faultyStore(store);
    store.putSubscription(sub('telegram:1'));
    const ob = new Outbox({ store: refusing, adapters: { telegram: chat }, now: () => now });
    ob.start();
    fail.markSent = 'SQLITE_FULL';
    ob.publish([cascade('cascade', 5e6)]);
    await ob.idle();
    // The store knows no message to edit yet: the one sent, held unrecorded in memory, is the one the update edits.
    ob.publish([cascade('cascade_update', 20e6)]);
    await ob.idle();
    delete fail.markSent;
    ob.retryHeld();
    await ob.idle();
    const got = chat.received.get('telegram:1')!;
    expect(got.map((m) => [m.text.split('\n')[0], m.editRef])).toEqual([
      ['🔻 ETH long liquidation cascade', undefined],
      ['🔻 ETH long cascade · running', 'telegram:1#1'],
    ]);
    expect(got[1]!.text).toContain('$20M');
    expect(store.pendingCount()).toBe(0);
    expect(store.sentMessageRef('telegram:1', 'ETH-long-1')).toBe('telegram:1#1');
  });

  it('runs the market-wide flush the same way, for chats that follow every asset or one that led it: edited, superseded, ended', async () => {
    store.putSubscription(sub('telegram:1'));
    store.putSubscription(sub('telegram:2', { assets: ['ETH'] }));
    store.putSubscription(sub('telegram:3', { assets: ['SOL', 'BTC'] }));
    const f = (kind: 'market_flush' | 'market_flush_update' | 'market_flush_end', usd: number): Alert => {
      const base = { ts: T0, asset: 'ALL' as const, flushId: 'flush-long-1', side: 'long' as const, startedAt: T0, usd, assetCount: 40, leaders: [{ asset: 'BTC', usd: usd / 2, share: 0.5 }], leadAssets: ['BTC'], exchanges: ['bybit'], sampled: [] };
      if (kind === 'market_flush') return { kind, key: 'f:s', ...base, windowMs: 300_000 };
      if (kind === 'market_flush_update') return { kind, key: `f:u:${usd}`, ...base };
      return { kind, key: 'f:e', ...base, endedAt: T0 + 600_000, durationMs: 600_000 };
    };
    const ob = outbox();
    ob.start();
    ob.publish([f('market_flush', 12e6)]);
    await ob.idle();
    ob.publish([f('market_flush_update', 20e6), f('market_flush_update', 40e6)]);
    await ob.idle();
    ob.publish([f('market_flush_end', 50e6)]);
    await ob.idle();
    const got = chat.received.get('telegram:1')!;
    expect(got.map((m) => m.editRef)).toEqual([undefined, 'telegram:1#1', undefined, 'telegram:1#1']);
    expect(got[1]!.text).toContain('$40M of longs liquidated so far across 40 assets');
    expect(got[2]!.text).toMatch(/^Market-wide long flush over/);
    // The chat that follows BTC, which led it, runs it the same way; the ETH chat hears nothing of it.
    expect(chat.received.get('telegram:3')!.map((m) => m.editRef)).toEqual([undefined, 'telegram:3#1', undefined, 'telegram:3#1']);
    expect(chat.received.get('telegram:2')).toBeUndefined();
  });

  it('a chat that removed the bot has its alerts turned off (settings kept) and is not retried; others are unaffected', async () => {
    store.putSubscription(sub('telegram:gone', { minUsd: 5e6 }));
    store.putSubscription(sub('telegram:ok'));
    const ob = outbox();
    chat.failNext = (to) => (to.chat === 'telegram:gone' ? { ok: false, permanent: true, error: '403 bot was kicked' } : undefined);
    ob.start();
    ob.publish([levelBreak(3000, T0), levelBreak(2900, T0 + 1)]);
    await ob.idle();
    expect(store.getSubscription('telegram:gone')).toEqual(sub('telegram:gone', { minUsd: 5e6, enabled: false }));
    expect(chat.received.get('telegram:ok')).toHaveLength(2);
    expect(chat.calls).toBe(3);
    expect(store.pendingCount()).toBe(0);
  });

  it('backs off exponentially on errors without retry-after, then delivers', async () => {
    vi.useFakeTimers({ now: T0 });
    store.putSubscription(sub('telegram:1'));
    const ob = new Outbox({ store, adapters: { telegram: chat }, now: () => Date.now(), backoff: { baseMs: 1000, maxMs: 60_000 } });
    let fails = 3;
    chat.failNext = () => (fails-- > 0 ? { ok: false, permanent: false, error: '502' } : undefined);
    ob.start();
    ob.publish([levelBreak(3000, T0)]);
    await vi.advanceTimersByTimeAsync(500);
    expect(chat.calls).toBe(1);
    await vi.advanceTimersByTimeAsync(60_000);
    await ob.idle();
    expect(chat.calls).toBe(4);
    expect(chat.received.get('telegram:1')).toHaveLength(1);
  });

  it('after a restart, everything still pending is delivered in order; only the send the crash hit may repeat', async () => {
    for (let i = 0; i < 5; i++) store.putSubscription(sub(`telegram:${i}`));
    const first = outbox();
    // The "crash": the platform never answers chat 0's first send, and the process dies with it in flight.
    let hang = true;
    chat.failNext = (to) => (hang && to.chat === 'telegram:0' ? (undefined as never) : undefined);
    const deliver = chat.deliver.bind(chat);
    chat.deliver = (to, reply, ref) => (hang && to.chat === 'telegram:0' ? new Promise(() => {}) : deliver(to, reply, ref));
    first.start();
    first.publish([levelBreak(3000, T0), levelBreak(2900, T0 + 1)]);
    await new Promise((r) => setImmediate(r));
    hang = false;
    chat.deliver = deliver;
    // A new process on the same store.
    const second = outbox();
    second.start();
    await second.idle();
    for (let i = 0; i < 5; i++) {
      const texts = chat.received.get(`telegram:${i}`)!.map((m) => (m.text.includes('3,000') ? 3000 : 2900));
      expect(texts).toEqual([3000, 2900]);
    }
    expect(store.pendingCount()).toBe(0);
  });
});

describe('alerts raised before they were published (what a restart raised at restore)', () => {
  it('are stamped at their own time, also when the store refused them first: the time held counts', async () => {
    const { store: refusing, fail } = faultyStore(store);
    store.putSubscription(sub('telegram:5m', { minUsd: 5e6 }));
    const ob = new Outbox({ store: refusing, adapters: { telegram: chat }, now: () => now });
    ob.start();
    fail.enqueue = 'SQLITE_FULL';
    expect(ob.publish([cascade('cascade_end', 5.3e6)], { ageMs: () => 2 * 3_600_000 })).toBe(0);
    delete fail.enqueue;
    now += 30 * 60_000;
    ob.retryHeld();
    await ob.idle();
    const got = chat.received.get('telegram:5m') ?? [];
    expect(got).toHaveLength(1); // the end alone: its closing edit finds no running message of the chat in this store
    expect(got[0]!.text.split('\n')).toContain('⏱ Posted 2h 30 min late: it could not be delivered until now');
  });

  it('published before start(), they go out behind what was pending before the restart: an update left unsent is made moot by the closing edit, never sent after it', async () => {
    store.putSubscription(sub('telegram:1'));
    const first = outbox();
    first.start();
    first.publish([cascade('cascade', 5e6)]);
    await first.idle();
    await first.stop();
    // Queued, not sent: the process stops with it pending.
    first.publish([cascade('cascade_update', 20e6)]);
    expect(store.pendingCount()).toBe(1);
    // The restart: its end raised at restore and published before the outbox starts.
    const second = outbox();
    second.publish([cascade('cascade_end', 25e6)], { ageMs: () => 0 });
    expect(chat.calls).toBe(1);
    second.start();
    await second.idle();
    const got = chat.received.get('telegram:1')!;
    expect(got.map((m) => [m.text.split('\n')[0], m.editRef])).toEqual([
      ['🔻 ETH long liquidation cascade', undefined],
      ['ETH long cascade over', undefined],
      ['🔻 ETH long cascade · over', 'telegram:1#1'],
    ]);
    expect(second.counters.superseded).toBe(1);
    expect(store.pendingCount()).toBe(0);
  });
});
