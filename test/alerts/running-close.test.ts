/**
 * A running message closed at its end: when a cascade's (or market-wide flush's) end is routed to a chat, the chat's
 * "· running" message is edited one last time into "· over" with the end's total and time, after the end's own post.
 * An edit only: a chat that never had the running message gets nothing more, a deleted or refused one is left as it
 * was (the chat's alerts go on), a pending update is moot, and an edit delivered late just edits. The terminal, which
 * cannot edit, prints nothing for it; Telegram and Discord never post it anew.
 */
import { PassThrough } from 'node:stream';
import { REST } from 'discord.js';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import type { ChatAdapter, DeliveryResult, DeliveryTarget } from '../../src/adapters/contract.js';
import { DiscordSender } from '../../src/adapters/discord/sender.js';
import { Pacer } from '../../src/adapters/discord/pacer.js';
import { createTerminalAdapter } from '../../src/adapters/terminal/adapter.js';
import type { Alert } from '../../src/core/alerts.js';
import { Outbox } from '../../src/alerts/outbox.js';
import { route } from '../../src/alerts/router.js';
import { alertReply } from '../../src/replies/alerts.js';
import { replyText, type Reply } from '../../src/replies/reply.js';
import type { Services } from '../../src/service.js';
import { createMemoryStore } from '../../src/store/memory.js';
import type { Store, Subscription } from '../../src/store/store.js';
import { FAKE_TOKEN, FakeDiscord } from '../fakes/discord/server.js';
import { snowflake } from '../fakes/discord/payloads.js';
import { startHarness, type Harness } from '../adapters/telegram/harness.js';

const T0 = Date.parse('2026-01-31T12:41:00Z');
const MIN = 60_000;
const HOUR = 60 * MIN;

function sub(chat: string, over: Partial<Subscription> = {}): Subscription {
  return { chat, enabled: true, assets: [], families: ['cascade', 'level'], minUsd: 0, updatedAt: T0 - HOUR, ...over };
}

/** ETH's long cascade from 12:41: its start, updates as it grows, its end at 16:08 with $434M. */
function cascade(kind: 'cascade' | 'cascade_update' | 'cascade_end', usd: number, id = 'ETH-long-1'): Alert {
  const base = { asset: 'ETH', cascadeId: id, side: 'long' as const, startedAt: T0, usd, byExchange: { bybit: usd }, exchanges: ['bybit'], sampled: [] };
  if (kind === 'cascade') return { kind, key: `cascade:${id}:start`, ts: T0, ...base, windowUsd: usd, windowMs: 5 * MIN, thresholdUsd: 1e6 };
  if (kind === 'cascade_update') return { kind, key: `cascade:${id}:update:${usd}`, ts: T0 + 30 * MIN, ...base };
  const endedAt = T0 + 3 * HOUR + 27 * MIN;
  return { kind, key: `cascade:${id}:end`, ts: endedAt + 10 * MIN, ...base, endedAt, durationMs: endedAt - T0 };
}

function flush(kind: 'market_flush' | 'market_flush_update' | 'market_flush_end', usd: number): Alert {
  const base = { asset: 'ALL' as const, flushId: 'flush-long-1', side: 'long' as const, startedAt: T0, usd, assetCount: 186, leaders: [{ asset: 'BTC', usd: usd / 4, share: 0.25 }], leadAssets: ['BTC'], exchanges: ['bybit'], sampled: [] };
  if (kind === 'market_flush') return { kind, key: 'flush:flush-long-1', ts: T0, ...base, windowMs: 5 * MIN };
  if (kind === 'market_flush_update') return { kind, key: `flush:flush-long-1:update:${usd}`, ts: T0 + 9 * MIN, ...base };
  return { kind, key: 'flush:flush-long-1:end', ts: T0 + 33 * MIN, ...base, endedAt: T0 + 23 * MIN, durationMs: 23 * MIN };
}

function levelBreak(level: number, ts: number): Alert {
  return { kind: 'level_break', key: `level:ETH@${level}:${ts}`, ts, asset: 'ETH', levelId: `ETH@${level}`, level, direction: 'down', reclaim: false, price: level * 0.99, timeframe: '15m' };
}

interface Received {
  chat: string;
  text: string;
  editRef?: string;
  editOnly?: boolean;
  image: boolean;
}

/** A platform that keeps each chat's messages (an edit replaces the text), and can be told to fail some deliveries. */
class FakeChat implements ChatAdapter {
  readonly platform = 'telegram' as const;
  readonly log: Received[] = [];
  readonly messages = new Map<string, string>();
  fail: ((to: DeliveryTarget, editRef?: string) => DeliveryResult | undefined) | undefined;
  private n = 0;
  async start() {}
  async stop() {}
  async deliver(to: DeliveryTarget, reply: Reply, editRef?: string): Promise<DeliveryResult> {
    const text = replyText(reply);
    this.log.push({ chat: to.chat, text, ...(editRef ? { editRef } : {}), ...(to.editOnly ? { editOnly: true } : {}), image: reply.image !== undefined });
    const failed = this.fail?.(to, editRef);
    if (failed) return failed;
    const ref = editRef ?? `${to.chat}#${++this.n}`;
    this.messages.set(ref, text);
    return { ok: true, messageRef: ref };
  }
  of(chat: string): Received[] {
    return this.log.filter((r) => r.chat === chat);
  }
}

const GONE_MESSAGE: DeliveryResult = { ok: false, permanent: false, error: 'Telegram deliver: 400 Bad Request: message to edit not found', kind: 'edit_target_gone' };
const REFUSED: DeliveryResult = { ok: false, permanent: false, error: "Telegram deliver: 400 Bad Request: message can't be edited", kind: 'rejected' };
const KICKED: DeliveryResult = { ok: false, permanent: true, error: 'Telegram deliver: 403 Forbidden: bot was kicked from the group chat', kind: 'chat_gone' };

let store: Store;
let chat: FakeChat;

/** An outbox on the fake timers' clock; the end's post carries a chart, as the bot's does. */
function outbox(over: Partial<ConstructorParameters<typeof Outbox>[0]> = {}): Outbox {
  const render = (a: Alert): Reply => (a.kind === 'cascade_end' ? { ...alertReply(a), image: { render: async () => new Uint8Array(), width: 1, height: 1, alt: 'chart', filename: 'c.png' } } : alertReply(a));
  const ob = new Outbox({ store, adapters: { telegram: chat }, now: () => Date.now(), backoff: { baseMs: MIN, maxMs: MIN }, render, ...over });
  ob.start();
  return ob;
}

/** The reasons the outbox gave for what it dropped, in order. */
function dropReasons(): string[] {
  const reasons: string[] = [];
  const markDropped = store.markDropped.bind(store);
  store.markDropped = (id, reason) => {
    reasons.push(reason);
    markDropped(id, reason);
  };
  return reasons;
}

/** Time moves to `at` (the outbox's retries on the way), then the alerts are published and delivered. */
async function publish(ob: Outbox, alerts: Alert[], at: number): Promise<void> {
  await until(ob, at);
  ob.publish(alerts);
  await ob.idle();
}

async function until(ob: Outbox, at: number): Promise<void> {
  await vi.advanceTimersByTimeAsync(Math.max(0, at - Date.now()));
  await ob.idle();
}

const UNAVAILABLE: DeliveryResult = { ok: false, permanent: false, error: 'Telegram deliver: 502 Bad Gateway', kind: 'unavailable' };

describe('routing', () => {
  it("an end routed to a chat is followed by its closing edit of the chat's running message, for cascades and flushes", () => {
    const subs = [sub('telegram:1'), sub('discord:2', { target: 'channel:9' })];
    const entries = route([cascade('cascade', 5e6), cascade('cascade_end', 434e6), flush('market_flush_end', 2.66e6), levelBreak(3000, T0)], subs, T0);
    const of = (c: string) => entries.filter((e) => e.chat === c).map((e) => [e.alert.kind, e.alertKey, e.editKey, e.target]);
    expect(of('telegram:1')).toEqual([
      ['cascade', 'cascade:ETH-long-1:start', 'ETH-long-1', undefined],
      ['cascade_end', 'cascade:ETH-long-1:end', undefined, undefined],
      ['cascade_end', 'cascade:ETH-long-1:end:closed', 'ETH-long-1', undefined],
      ['market_flush_end', 'flush:flush-long-1:end', undefined, undefined],
      ['market_flush_end', 'flush:flush-long-1:end:closed', 'flush-long-1', undefined],
      ['level_break', `level:ETH@3000:down:${T0}`, undefined, undefined],
    ]);
    expect(of('discord:2').filter((e) => String(e[1]).endsWith(':closed')).map((e) => e[3])).toEqual(['channel:9', 'channel:9']);
  });
});

describe('the closing edit', () => {
  beforeEach(() => {
    vi.useFakeTimers({ now: T0 });
    store = createMemoryStore();
    chat = new FakeChat();
  });
  afterEach(() => vi.useRealTimers());

  it("edits the chat's running message into its closed form after the end's post: no new post, no chart, no notification", async () => {
    store.putSubscription(sub('telegram:1'));
    const ob = outbox();
    await publish(ob, [cascade('cascade', 5e6)], T0);
    await publish(ob, [cascade('cascade_update', 120e6)], T0 + 30 * MIN);
    await publish(ob, [cascade('cascade_end', 434e6)], T0 + 3 * HOUR + 37 * MIN);
    await ob.stop();
    const got = chat.of('telegram:1');
    expect(got.map((r) => [r.editRef, r.editOnly, r.image])).toEqual([
      [undefined, undefined, false],
      ['telegram:1#1', undefined, false],
      [undefined, undefined, true],
      ['telegram:1#1', true, false],
    ]);
    expect(got[2]!.text).toMatch(/^ETH long cascade over/);
    // The running message, scrolled back to, says it is over (UTC: the bundled config's zone).
    expect(chat.messages.get('telegram:1#1')).toBe('🔻 ETH long cascade · over\n\n$434M of longs liquidated in 3h 27 min (12:41–16:08)\nSee the summary below.\n\n2026-01-31 16:18 UTC');
    expect(ob.counters).toMatchObject({ sent: 2, edited: 2, dropped: 0, unsubscribed: 0 });
  });

  it('closes a market-wide flush the same way', async () => {
    store.putSubscription(sub('telegram:1'));
    const ob = outbox();
    await publish(ob, [flush('market_flush', 777e3)], T0);
    await publish(ob, [flush('market_flush_update', 1.65e6)], T0 + 9 * MIN);
    await publish(ob, [flush('market_flush_end', 2.66e6)], T0 + 33 * MIN);
    await ob.stop();
    expect(chat.of('telegram:1').map((r) => r.editRef)).toEqual([undefined, 'telegram:1#1', undefined, 'telegram:1#1']);
    expect(chat.messages.get('telegram:1#1')).toBe('🔻 Market-wide long flush · over\n\n$2.66M of longs liquidated across 186 assets in 23 min (12:41–13:04)\nSee the summary below.\n\n2026-01-31 13:14 UTC');
  });

  it('is dropped, never posted, in a chat that subscribed after the start (it has no running message)', async () => {
    const dropped = dropReasons();
    store.putSubscription(sub('telegram:early'));
    const ob = outbox();
    await publish(ob, [cascade('cascade', 5e6)], T0);
    store.putSubscription(sub('telegram:late', { updatedAt: T0 + HOUR }));
    await publish(ob, [cascade('cascade_end', 434e6)], T0 + 3 * HOUR + 37 * MIN);
    await ob.stop();
    expect(chat.of('telegram:late').map((r) => r.text.split('\n')[0])).toEqual(['ETH long cascade over']);
    expect(chat.of('telegram:early').map((r) => r.text.split('\n')[0])).toEqual(['🔻 ETH long liquidation cascade', 'ETH long cascade over', '🔻 ETH long cascade · over']);
    expect(dropped).toEqual(['no running message to close']);
    expect(store.pendingCount()).toBe(0);
    expect(ob.counters).toMatchObject({ sent: 3, edited: 1, dropped: 0 });
  });

  it('is dropped where the start was too old to post (the chat never had the running message)', async () => {
    store.putSubscription(sub('telegram:1'));
    const dropped = dropReasons();
    // The platform is down for the first two hours: the start is dropped as stale, the end posts once it is back.
    chat.fail = () => (Date.now() < T0 + 2 * HOUR ? UNAVAILABLE : undefined);
    const ob = outbox({ backoff: { baseMs: 10 * MIN, maxMs: 10 * MIN } });
    await publish(ob, [cascade('cascade', 5e6)], T0);
    await until(ob, T0 + 2 * HOUR + MIN);
    await publish(ob, [cascade('cascade_end', 434e6)], T0 + 3 * HOUR + 37 * MIN);
    await ob.stop();
    expect([...chat.messages.values()].map((t) => t.split('\n')[0])).toEqual(['ETH long cascade over']);
    expect(chat.log.filter((r) => r.editRef !== undefined || r.editOnly)).toEqual([]);
    expect(dropped).toEqual(['stale', 'no running message to close']);
    expect(store.pendingCount()).toBe(0);
  });

  it('makes a pending update of the running message moot', async () => {
    store.putSubscription(sub('telegram:1'));
    const ob = outbox();
    await publish(ob, [cascade('cascade', 5e6)], T0);
    // The last update and the end queue up together: the update would only be overwritten by the closing edit.
    await publish(ob, [cascade('cascade_update', 450e6), cascade('cascade_end', 434e6)], T0 + 3 * HOUR + 37 * MIN);
    await ob.stop();
    expect(chat.of('telegram:1').map((r) => [r.editRef, r.text.split('\n')[0]])).toEqual([
      [undefined, '🔻 ETH long liquidation cascade'],
      [undefined, 'ETH long cascade over'],
      ['telegram:1#1', '🔻 ETH long cascade · over'],
    ]);
    expect(ob.counters.superseded).toBe(1);
  });

  it.each([
    ['deleted by a moderator', GONE_MESSAGE],
    ['an edit the platform refuses', REFUSED],
    ['a chat that answers it is gone', KICKED],
  ])('that fails (%s) is dropped with a log line: the chat stays subscribed, later alerts go on', async (_what, failure) => {
    store.putSubscription(sub('telegram:1'));
    chat.fail = (to) => (to.editOnly ? failure : undefined);
    const ob = outbox();
    await publish(ob, [cascade('cascade', 5e6)], T0);
    await publish(ob, [cascade('cascade_end', 434e6), levelBreak(3000, T0 + 3 * HOUR + 45 * MIN)], T0 + 3 * HOUR + 37 * MIN);
    await ob.stop();
    // Tried once, not retried nor posted anew; the level break after it is delivered.
    expect(chat.of('telegram:1').map((r) => [r.editRef, r.editOnly ?? false])).toEqual([
      [undefined, false],
      [undefined, false],
      ['telegram:1#1', true],
      [undefined, false],
    ]);
    expect(chat.log.at(-1)!.text).toContain('ETH lost $3,000');
    expect(store.getSubscription('telegram:1')!.enabled).toBe(true);
    expect(store.pendingCount()).toBe(0);
    expect(ob.counters).toMatchObject({ sent: 3, dropped: 1, unsubscribed: 0 });
    expect(chat.messages.get('telegram:1#1')).toMatch(/^🔻 ETH long liquidation cascade/);
  });

  it('delivered late just edits: no "posted late" line, and still edited after the end itself is too old to post', async () => {
    store.putSubscription(sub('telegram:1'));
    const ob = outbox({ backoff: { baseMs: HOUR, maxMs: HOUR } });
    await publish(ob, [cascade('cascade', 5e6)], T0);
    // The platform is away from the end for seven hours: the end (worth six) goes, the closing edit still corrects the message.
    const endAt = T0 + 3 * HOUR + 37 * MIN;
    chat.fail = () => (Date.now() < endAt + 7 * HOUR ? UNAVAILABLE : undefined);
    await publish(ob, [cascade('cascade_end', 434e6)], endAt);
    await until(ob, endAt + 8 * HOUR);
    await ob.stop();
    expect(chat.messages.size).toBe(1);
    expect(chat.messages.get('telegram:1#1')).toBe('🔻 ETH long cascade · over\n\n$434M of longs liquidated in 3h 27 min (12:41–16:08)\nSee the summary below.\n\n2026-01-31 16:18 UTC');
    const closings = chat.log.filter((r) => r.editOnly);
    expect(closings.length).toBeGreaterThan(0);
    expect(closings.filter((r) => r.text.includes('Posted'))).toEqual([]);
    expect(store.pendingCount()).toBe(0);
  });

  it('a late one edits without a "posted late" line while the end itself says it is late', async () => {
    store.putSubscription(sub('telegram:1'));
    const ob = outbox({ backoff: { baseMs: HOUR, maxMs: HOUR } });
    await publish(ob, [cascade('cascade', 5e6)], T0);
    const endAt = T0 + 3 * HOUR + 37 * MIN;
    chat.fail = () => (Date.now() < endAt + 2 * HOUR ? UNAVAILABLE : undefined);
    await publish(ob, [cascade('cascade_end', 434e6)], endAt);
    await until(ob, endAt + 3 * HOUR);
    await ob.stop();
    const [end, closed] = chat.log.slice(-2);
    expect(end!.text).toMatch(/^ETH long cascade over\n\n⏱ Posted 2h( \d+ min)? late/);
    expect(closed!.editOnly).toBe(true);
    expect(closed!.text).toMatch(/^🔻 ETH long cascade · over\n\n\$434M/);
  });
});

describe('the terminal, which cannot edit', () => {
  beforeEach(() => {
    vi.useFakeTimers({ now: T0 });
    store = createMemoryStore();
  });
  afterEach(() => vi.useRealTimers());

  it('prints the start and the end, and nothing for the closing edit', async () => {
    const output = new PassThrough();
    let printed = '';
    output.on('data', (d: Buffer) => (printed += d.toString()));
    const terminal = createTerminalAdapter({ services: {} as Services, output, color: false });
    store.putSubscription(sub('terminal:local'));
    const ob = new Outbox({ store, adapters: { terminal }, now: () => Date.now() });
    ob.start();
    await publish(ob, [cascade('cascade', 5e6)], T0);
    await publish(ob, [cascade('cascade_end', 434e6)], T0 + 3 * HOUR + 37 * MIN);
    await ob.stop();
    expect(printed).toContain('🔻 ETH long liquidation cascade');
    expect(printed).toContain('ETH long cascade over');
    expect(printed).not.toContain('· over');
    expect(printed).not.toContain('(update)');
    // The closing edit was delivered (nothing to show), not left pending or retried.
    expect(ob.counters).toMatchObject({ sent: 2, edited: 1, retried: 0 });
    expect(store.pendingCount()).toBe(0);
  });
});

describe('Telegram: an edit only, never posted anew', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness();
  });
  afterAll(async () => {
    await h?.stop();
  });

  it('edits the running message; a deleted one fails as gone and nothing is posted', async () => {
    const closed: Reply = { title: ['🔻 ETH long cascade · over'], blocks: [[['$434M of longs liquidated']]] };
    const first = await h.adapter.deliver({ chat: 'telegram:-310' }, { title: ['🔻 ETH long cascade · running'], blocks: [[['$120M so far']]] });
    if (!first.ok) throw new Error(first.error);
    expect(await h.adapter.deliver({ chat: 'telegram:-310', editOnly: true }, closed, first.messageRef)).toEqual({ ok: true, messageRef: first.messageRef });
    expect(h.fake.sentTo(-310).map((m) => m.text)).toEqual(['🔻 ETH long cascade · over\n\n$434M of longs liquidated']);

    h.fake.messages.delete(first.messageRef);
    const gone = await h.adapter.deliver({ chat: 'telegram:-310', editOnly: true }, closed, first.messageRef);
    expect(gone).toMatchObject({ ok: false, permanent: false, kind: 'edit_target_gone' });
    // A ref of another chat (a group upgraded since) is no message to edit either.
    expect(await h.adapter.deliver({ chat: 'telegram:-310', editOnly: true }, closed, '-999:5')).toMatchObject({ ok: false, kind: 'edit_target_gone' });
    expect(h.fake.sentTo(-310)).toHaveLength(0);
    expect(h.fake.callsOf('sendMessage').filter((c) => String(c.params.chat_id) === '-310')).toHaveLength(1);
  });
});

describe('Discord: an edit only, never posted anew', () => {
  let fake: FakeDiscord;
  let rest: REST;
  let pacer: Pacer;
  beforeAll(async () => {
    fake = await FakeDiscord.start();
    rest = new REST({ api: fake.apiBase }).setToken(FAKE_TOKEN);
    pacer = new Pacer(40);
  });
  afterAll(async () => {
    pacer?.stop();
    rest?.clearHashSweeper();
    rest?.clearHandlerSweeper();
    await fake?.close();
  });

  it('a deleted running message fails as gone and nothing is posted', async () => {
    const channel = { id: snowflake(), guildId: snowflake(), name: 'alerts', type: 0 };
    fake.addChannel(channel);
    const sender = new DiscordSender(rest, pacer);
    const to = { chat: `discord:${channel.guildId}`, target: `channel:${channel.id}`, editOnly: true };
    const closed: Reply = { title: ['🔻 ETH long cascade · over'], blocks: [[['$434M of longs liquidated']]] };
    const gone = await sender.deliver(to, closed, `${channel.id}:1474453241771589642`);
    expect(gone).toMatchObject({ ok: false, permanent: false, kind: 'edit_target_gone' });
    expect(await sender.deliver(to, closed, undefined)).toMatchObject({ ok: false, kind: 'edit_target_gone' });
    expect(fake.requests.filter((r) => r.method === 'POST' && r.path === `/channels/${channel.id}/messages`)).toHaveLength(0);
  });
});

