/**
 * Alerts queued before their chat platform is up (everything pending at a restart, what is raised while the platform
 * starts or retries a failed start) go out as soon as it is up, not after the outbox's longest backoff; a platform
 * that stays down is not asked in a loop. The outbox and the platforms are wired as main.ts wires them, on fake time.
 * The deliver role starts its adapter before it delivers, and leaves another platform's chats to that platform's
 * deliverer, however late it starts (over the real PostgreSQL store; skipped, saying why, without it).
 */
import { afterAll, afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { ChatAdapter, DeliveryResult, DeliveryTarget } from '../../src/adapters/contract.js';
import type { Alert } from '../../src/core/alerts.js';
import { Outbox } from '../../src/alerts/outbox.js';
import { route } from '../../src/alerts/router.js';
import { Deliverer, Fence } from '../../src/bus/deliver.js';
import { Health } from '../../src/ops/health.js';
import { Platforms } from '../../src/ops/platforms.js';
import { replyText, type Reply } from '../../src/replies/reply.js';
import type { StateChange } from '../../src/state/changes.js';
import { createMemoryStore } from '../../src/store/memory.js';
import { openPostgresStore, type PostgresStore } from '../../src/store/postgres.js';
import type { Store, Subscription } from '../../src/store/store.js';
import type { Platform } from '../../commands/types.js';
import { until } from '../bus/children.js';
import { PG_URL, dropRunSchemas, pgUnavailable, schemaName } from '../services/postgres.js';

const unavailable = await pgUnavailable();
if (unavailable) console.warn(unavailable);

const T0 = Date.parse('2026-01-31T12:00:00Z');
const quiet = { info: () => {}, warn: () => {}, error: () => {}, debug: () => {} };

function sub(chat: string): Subscription {
  return { chat, enabled: true, assets: [], families: ['cascade', 'level'], minUsd: 0, updatedAt: T0 };
}

function levelBreak(level: number, ts: number): Alert {
  return { kind: 'level_break', key: `l:${level}:${ts}`, ts, asset: 'ETH', levelId: `ETH@${level}`, level, direction: 'down', reclaim: false, price: level * 0.99, timeframe: '15m' };
}

/** A platform whose first `failures` starts fail (a network outage at boot), recording when each chat got what. */
function platform(name: Platform, failures: number) {
  const received: { chat: string; text: string; at: number }[] = [];
  let made = 0;
  const factory = (): ChatAdapter => {
    const attempt = made++;
    return {
      platform: name,
      async start() {
        if (attempt < failures) throw new Error('connect ECONNREFUSED 127.0.0.1:443');
      },
      async stop() {},
      async deliver(to: DeliveryTarget, reply: Reply) {
        received.push({ chat: to.chat, text: replyText(reply), at: Date.now() });
        return { ok: true, messageRef: `${to.chat}#${received.length}` };
      },
    };
  };
  return { factory, received };
}

let store: Store;
let retries: Map<number, number[]>;
describe('alerts queued before their platform is up', () => {
  beforeEach(() => {
    vi.useFakeTimers({ now: T0 });
    store = createMemoryStore();
    // When each entry was rescheduled: a platform that stays down must not be asked in a loop.
    retries = new Map();
    const markRetry = store.markRetry.bind(store);
    store.markRetry = (id, at, error) => {
      retries.set(id, [...(retries.get(id) ?? []), Date.now()]);
      markRetry(id, at, error);
    };
  });
  afterEach(() => vi.useRealTimers());

  /** The bot's wiring (main.ts): one live adapters map, the outbox told when a platform has started. */
  function boot(factories: Partial<Record<Platform, () => ChatAdapter>>) {
    const adapters: Partial<Record<Platform, ChatAdapter>> = {};
    const outbox = new Outbox({ store, adapters, now: () => Date.now() });
    const platforms = new Platforms({
      factories, adapters, health: new Health(Date.now), log: quiet, giveUpMs: 3_600_000, onGiveUp: () => {},
      backoff: { baseMs: 2_000, random: () => 1 },
      onStarted: (p) => outbox.platformStarted(p),
    });
    platforms.start();
    outbox.start();
    return { outbox, platforms };
  }

  it('are delivered as soon as the platform starts after failed attempts, in order, pending ones and new ones alike', async () => {
    store.putSubscription(sub('telegram:1'));
    store.putSubscription(sub('telegram:2'));
    // Pending at the restart: one raised while the bot was down, one the last process had parked for the platform.
    store.enqueue(route([levelBreak(3000, T0 - 60_000)], [sub('telegram:1'), sub('telegram:2')], T0 - 60_000));
    const parked = store.enqueue(route([levelBreak(2950, T0 - 30_000)], [sub('telegram:2')], T0 - 30_000));
    store.markRetry(parked[0]!, T0 + 4 * 60_000, 'platform not running');
    retries.clear();
    // Telegram fails twice (2 s, then 4 s): it is up at T0 + 6 s.
    const telegram = platform('telegram', 2);
    const { outbox, platforms } = boot({ telegram: telegram.factory });
    await vi.advanceTimersByTimeAsync(1_000);
    expect(telegram.received).toEqual([]);
    // Raised while the platform retries its start.
    outbox.publish([levelBreak(2900, T0 + 1_000)]);
    await vi.advanceTimersByTimeAsync(5_000);
    // Each chat in order (chats are served side by side), all at T0 + 6 s.
    const got = (chat: string) => telegram.received.filter((r) => r.chat === chat).map((r) => [r.text.match(/\$(\d,\d{3})/)![1], r.at - T0]);
    expect(got('telegram:1')).toEqual([['3,000', 6_000], ['2,900', 6_000]]);
    expect(got('telegram:2')).toEqual([['3,000', 6_000], ['2,950', 6_000], ['2,900', 6_000]]);
    expect(store.pendingCount()).toBe(0);
    await outbox.stop();
    await platforms.stop();
  });

  it('keep the long wait while their platform stays down, and do not hold up a platform that is up', async () => {
    store.putSubscription(sub('telegram:1'));
    store.putSubscription(sub('discord:2'));
    const telegram = platform('telegram', 1);
    const discord = platform('discord', Infinity);
    const ids = store.enqueue(route([levelBreak(3000, T0)], [sub('telegram:1'), sub('discord:2')], T0));
    const { outbox, platforms } = boot({ telegram: telegram.factory, discord: discord.factory });
    outbox.publish([levelBreak(2900, T0)]);
    await vi.advanceTimersByTimeAsync(2_000);
    expect(telegram.received.map((r) => [r.chat, r.at - T0])).toEqual([['telegram:1', 2_000], ['telegram:1', 2_000]]);
    // Discord's first entry was parked once at the start, and is asked again only after the longest backoff (5 min),
    // while its start is retried every minute.
    await vi.advanceTimersByTimeAsync(5 * 60_000 - 2_001);
    const discordEntry = ids[1]!;
    expect(retries.get(discordEntry)).toEqual([T0]);
    await vi.advanceTimersByTimeAsync(1);
    expect(retries.get(discordEntry)).toEqual([T0, T0 + 5 * 60_000]);
    expect(store.pendingCount()).toBe(2);
    expect(discord.received).toEqual([]);
    await outbox.stop();
    await platforms.stop();
  });

  it('a platform starting wakes only what waited for it: a rate-limited retry keeps its time', async () => {
    store.putSubscription(sub('telegram:1'));
    const [limited] = store.enqueue(route([levelBreak(3000, T0 - 1_000)], [sub('telegram:1')], T0 - 1_000));
    store.markRetry(limited!, T0 + 30_000, '429 Too Many Requests: retry after 30');
    const telegram = platform('telegram', 1);
    const { outbox, platforms } = boot({ telegram: telegram.factory });
    await vi.advanceTimersByTimeAsync(29_999);
    expect(telegram.received).toEqual([]);
    await vi.advanceTimersByTimeAsync(1);
    expect(telegram.received.map((r) => r.at - T0)).toEqual([30_000]);
    await outbox.stop();
    await platforms.stop();
  });
});

describe.skipIf(unavailable !== undefined)('the deliver role and a platform whose deliverer is not running', () => {
  afterAll(async () => {
    await dropRunSchemas();
  });

  /** A deliverer for `name` holding its own lease; its adapter answers another platform's key as the real ones do. */
  async function deliverer(store: PostgresStore, name: 'telegram' | 'discord', changes: StateChange[]) {
    const sent: string[] = [];
    const adapter: ChatAdapter = {
      platform: name,
      async start() {},
      async stop() {},
      async deliver(to: DeliveryTarget): Promise<DeliveryResult> {
        if (!to.chat.startsWith(`${name}:`)) return { ok: false, permanent: true, error: `${to.chat} is not a ${name} chat key` };
        sent.push(to.chat);
        return { ok: true, messageRef: String(sent.length) };
      },
    };
    const lease = `deliver:${name}:test`;
    const token = await store.takeLease(lease, 'me', 600_000);
    const fence = new Fence(600_000, 1_000);
    fence.renewed(performance.now());
    const d = new Deliverer({ store, adapter, state: { apply: (c) => changes.push(c) }, lease: { name: lease, holder: 'me', token: token! }, fence, ttlMs: 600_000 });
    return { d, sent };
  }

  it("leaves a Discord chat's alert pending for Discord's deliverer, which sends it when it starts; the chat's alerts stay on", async () => {
    const store = await openPostgresStore({ url: PG_URL, schema: schemaName(), migrate: true });
    try {
      const subs = [sub('telegram:1'), { ...sub('discord:900000000000000001'), target: 'channel:900000000000000002' }];
      for (const s of subs) await store.putSubscription(s);
      await store.enqueue(route([levelBreak(3000, Date.now())], subs, Date.now()));
      const changes: StateChange[] = [];
      const telegram = await deliverer(store, 'telegram', changes);
      telegram.d.poke();
      await until(() => telegram.sent.length === 1, "the Telegram chat's alert", 15_000, 20);
      await telegram.d.stop();
      const rows = async () => (await store.pool.query<{ chat: string; status: string; attempts: number }>('SELECT chat, status, attempts FROM outbox ORDER BY chat')).rows;
      expect(await rows()).toEqual([
        { chat: 'discord:900000000000000001', status: 'pending', attempts: 0 },
        { chat: 'telegram:1', status: 'sent', attempts: 1 },
      ]);
      expect(changes).toEqual([]);
      const discord = await deliverer(store, 'discord', changes);
      discord.d.poke();
      await until(async () => (await store.pendingCount()) === 0, 'the Discord chat\'s alert', 15_000, 20);
      await discord.d.stop();
      expect(discord.sent).toEqual(['discord:900000000000000001']);
      expect(changes).toEqual([]);
    } finally {
      await store.close();
    }
  }, 30_000);
});
