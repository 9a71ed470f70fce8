/**
 * What a failed send costs: a destination that is gone fails only what was going there (a thread answer to a deleted
 * topic or channel), a chat that is gone has its alerts turned off with its settings kept, one alert the platform
 * refuses is given up after three refusals instead of holding its chat back for a day, and an alert older than its use
 * is not posted as if it were news.
 */
import { describe, expect, it, vi } from 'vitest';
import type { ChatAdapter, DeliveryResult, DeliveryTarget } from '../../src/adapters/contract.js';
import { deliveryFailure } from '../../src/adapters/errors.js';
import { translateError } from '../../src/adapters/telegram/errors.js';
import type { Alert } from '../../src/core/alerts.js';
import { Outbox } from '../../src/alerts/outbox.js';
import { replyText, type Reply } from '../../src/replies/reply.js';
import type { Store } from '../../src/store/store.js';
import { outboxStand, sub, T0 } from './outbox-stand.js';

const HOUR = 3_600_000;

const levelBreak = (level: number, ts: number, chat?: string): Alert => ({
  kind: 'level_break', key: `l:${level}:${ts}:${chat ?? ''}`, ts, asset: 'ETH', levelId: `${chat ? `${chat}:` : ''}ETH@${level}`, level, direction: 'down',
  reclaim: false, price: level * 0.99, timeframe: '15m', ...(chat ? { chat } : {}),
});
const cascadeStart = (usd: number, ts: number): Alert => ({
  kind: 'cascade', key: `c:${ts}:s`, ts, asset: 'ETH', cascadeId: `ETH-long-${ts}`, side: 'long', startedAt: ts, usd, byExchange: { bybit: usd },
  exchanges: ['bybit'], sampled: [], windowUsd: usd, windowMs: 300_000, thresholdUsd: 1,
});

/** Records every post by destination; `fail(to, text)` returns a failure or undefined (delivered). */
class FakeChat implements ChatAdapter {
  readonly platform = 'telegram' as const;
  posts: { chat: string; target?: string; text: string }[] = [];
  calls = 0;
  fail: ((to: DeliveryTarget, text: string) => DeliveryResult | undefined) | undefined;
  async start() {}
  async stop() {}
  async deliver(to: DeliveryTarget, reply: Reply): Promise<DeliveryResult> {
    this.calls++;
    const text = replyText(reply);
    const f = this.fail?.(to, text);
    if (f) return f;
    this.posts.push({ chat: to.chat, ...(to.target !== undefined ? { target: to.target } : {}), text });
    return { ok: true, messageRef: `${to.chat}#${this.posts.length}` };
  }
  to(chat: string): string[] {
    return this.posts.filter((p) => p.chat === chat).map((p) => p.text);
  }
}

const GONE_CHANNEL: DeliveryResult = { ok: false, permanent: true, error: 'Discord deliver: 404 Unknown Channel (code 10003): Unknown Channel: it was deleted' };
const KICKED: DeliveryResult = { ok: false, permanent: true, error: 'Telegram deliver: 403 Forbidden: bot was kicked from the supergroup chat' };
const tgFailure = (code: number, description: string) => deliveryFailure(translateError({ response: { error_code: code, description } }, 'deliver'));

let store: Store;
let chat: FakeChat;
let now: number;
outboxStand(() => new FakeChat(), (s) => ({ store, chat, now } = s));

describe('a destination that is gone', () => {
  it("a thread answer to a deleted topic or channel fails alone: the chat's subscription and its settings stay, later alerts arrive", async () => {
    const settings = sub('telegram:-100', { target: '9', minUsd: 5e6, assets: ['ETH', 'BTC'], proposals: { votesNeeded: 3, ttlHours: 48 }, digest: true });
    store.putSubscription(settings);
    // Alerts post to topic 9; the level was proposed in topic 7, which is gone.
    chat.fail = (to) => (to.target === '7' ? GONE_CHANNEL : undefined);
    const ob = new Outbox({ store, adapters: { telegram: chat }, now: () => now, threadOf: () => ({ ref: '-100:42', target: '7' }) });
    ob.start();
    ob.publish([levelBreak(3000, T0, 'telegram:-100')]);
    await ob.idle();
    expect(store.getSubscription('telegram:-100')).toEqual(settings);
    ob.publish([levelBreak(3100, T0 + 1, 'telegram:-100')]);
    await ob.idle();
    expect(chat.posts.filter((p) => p.target === '9')).toHaveLength(2);
    expect(ob.counters).toMatchObject({ unsubscribed: 0, dropped: 2 });
    expect(store.pendingCount()).toBe(0);
  });

  it('an alert queued for a target the chat has moved away from fails alone', async () => {
    // Queued for the old channel (the platform was away), then the admin moved the alerts and deleted the old one.
    store.enqueue([{ chat: 'discord:1', target: 'channel:11111', alertKey: 'old', alert: levelBreak(3000, T0), nextAttemptAt: T0, createdAt: T0 }]);
    store.putSubscription(sub('discord:1', { target: 'channel:22222' }));
    chat.fail = (to) => (to.target === 'channel:11111' ? GONE_CHANNEL : undefined);
    const ob = new Outbox({ store, adapters: { discord: chat as unknown as ChatAdapter }, now: () => now });
    ob.start();
    await ob.idle();
    ob.publish([levelBreak(3100, T0 + 1)]);
    await ob.idle();
    expect(store.getSubscription('discord:1')).toMatchObject({ enabled: true, target: 'channel:22222' });
    expect(chat.posts.map((p) => p.target)).toEqual(['channel:22222']);
    expect(ob.counters).toMatchObject({ unsubscribed: 0, dropped: 1 });
  });

  it('a chat that is really gone has its alerts turned off, settings kept, and its queue dropped; /alerts on would bring them back', async () => {
    const settings = sub('telegram:-100', { target: '9', minUsd: 5e6, assets: ['ETH'], proposals: { votesNeeded: 3 }, digest: true });
    store.putSubscription(settings);
    store.putSubscription(sub('telegram:-200'));
    chat.fail = (to) => (to.chat === 'telegram:-100' ? KICKED : undefined);
    const ob = new Outbox({ store, adapters: { telegram: chat }, now: () => now });
    ob.start();
    ob.publish([levelBreak(3000, T0), levelBreak(2900, T0 + 1), levelBreak(2800, T0 + 2)]);
    await ob.idle();
    expect(store.getSubscription('telegram:-100')).toEqual({ ...settings, enabled: false });
    expect(chat.calls).toBe(4); // one try for the gone chat, three posts for the other
    expect(ob.counters.unsubscribed).toBe(1);
    expect(store.pendingCount()).toBe(0);
    // Off: nothing more is routed to it.
    ob.publish([levelBreak(2700, T0 + 3)]);
    await ob.idle();
    expect(chat.calls).toBe(5);
  });
});

describe('a request the platform refuses', () => {
  it('is given up after three refusals, so the alerts behind it flow within seconds, not a day later', async () => {
    vi.useFakeTimers({ now: T0 });
    store.putSubscription(sub('telegram:1'));
    store.putSubscription(sub('telegram:2'));
    const ob = new Outbox({ store, adapters: { telegram: chat }, now: () => Date.now(), backoff: { baseMs: 1000, maxMs: 60_000 } });
    const refusal = tgFailure(400, 'Bad Request: message is too long');
    chat.fail = (to, text) => (to.chat === 'telegram:1' && text.includes('3,000') ? refusal : undefined);
    ob.start();
    ob.publish([levelBreak(3000, T0), levelBreak(2900, T0 + 1)]);
    await vi.advanceTimersByTimeAsync(60_000);
    await ob.idle();
    expect(chat.to('telegram:1')).toHaveLength(1);
    expect(chat.to('telegram:1')[0]).toMatch(/2,900/);
    expect(chat.to('telegram:2')).toHaveLength(2);
    expect(ob.counters).toMatchObject({ dropped: 1, retried: 2, unsubscribed: 0 });
    expect(store.getSubscription('telegram:1')).toMatchObject({ enabled: true });
    expect(store.pendingCount()).toBe(0);
  });

  it('a platform that is down (5xx, the network) is not a refusal: retried until it answers', async () => {
    vi.useFakeTimers({ now: T0 });
    store.putSubscription(sub('telegram:1'));
    const ob = new Outbox({ store, adapters: { telegram: chat }, now: () => Date.now(), backoff: { baseMs: 1000, maxMs: 60_000 } });
    let fails = 6;
    chat.fail = () => (fails-- > 0 ? tgFailure(502, 'Bad Gateway') : undefined);
    ob.start();
    ob.publish([levelBreak(3000, T0)]);
    await vi.advanceTimersByTimeAsync(10 * 60_000);
    await ob.idle();
    expect(chat.to('telegram:1')).toHaveLength(1);
    expect(ob.counters.dropped).toBe(0);
  });
});

describe('alerts older than their use', () => {
  it("a running cascade's start an hour late is dropped; a level break posted late says it is late", async () => {
    vi.useFakeTimers({ now: T0 });
    store.putSubscription(sub('telegram:1'));
    const ob = new Outbox({ store, adapters: { telegram: chat }, now: () => Date.now() });
    let down = true;
    chat.fail = () => (down ? { ok: false, permanent: false, retryAfterMs: 2 * HOUR, error: 'Telegram deliver: 429 Too Many Requests' } : undefined);
    ob.start();
    ob.publish([cascadeStart(20e6, T0), levelBreak(3000, T0)]);
    await vi.advanceTimersByTimeAsync(1000);
    down = false;
    await vi.advanceTimersByTimeAsync(2 * HOUR);
    await ob.idle();
    const got = chat.to('telegram:1');
    expect(got).toHaveLength(1);
    expect(got[0]).toMatch(/^⬇️ ETH lost \$3,000\n+⏱ Posted 2h late: /);
    expect(got[0]).toMatch(/3,000/);
    expect(ob.counters.dropped).toBe(1);
  });
});
