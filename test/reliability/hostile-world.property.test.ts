/**
 * The property behind issue 21: any sequence of feed frames (sane, future-stamped, stale, absurd), chat
 * commands and store failures leaves the bot running; its totals equal a brute-force sum of the prints it
 * accepted; and no alert reaches a chat more than twice, crashes included (the one send a crash interrupted).
 */
import fc from 'fast-check';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { runCommandLine } from '../../commands/index.js';
import { loadConfig } from '../../config/load.js';
import type { ChatAdapter, DeliveryResult } from '../../src/adapters/contract.js';
import { LiqBot } from '../../src/bot.js';
import type { Alert } from '../../src/core/alerts.js';
import type { Liquidation } from '../../src/core/events.js';
import type { Reply } from '../../src/replies/reply.js';
import { createMemoryStore } from '../../src/store/memory.js';
import type { Store } from '../../src/store/store.js';
import { faultyStore, type FaultPlan, type SqliteCode } from '../store/faulty.js';

const T = Date.parse('2026-01-31T12:00:00Z');
const DAY = 86_400_000;
const CHATS = ['telegram:-1', 'telegram:-2'];

type Variant = 'ok' | 'future' | 'stale' | 'absurd_size' | 'absurd_price';
type Action =
  | { kind: 'print'; variant: Variant; side: 'long' | 'short'; usd: number; offsetMs: number; exchange: string }
  | { kind: 'wait'; ms: number }
  | { kind: 'command'; chat: number; admin: boolean; text: string }
  | { kind: 'fail'; ops: (keyof Store)[]; code: SqliteCode }
  | { kind: 'heal' }
  | { kind: 'crash' };

const FAILABLE: (keyof Store)[] = [
  'insertEvents', 'enqueue', 'markSent', 'claim', 'markRetry', 'markDropped', 'duePending', 'pendingCount', 'listSubscriptions',
  'getSubscription', 'putSubscription', 'putLevel', 'saveLevelStates', 'sentMessageRef', 'recordGap', 'pruneEvents',
];

const action = (crashes: boolean): fc.Arbitrary<Action> =>
  fc.oneof(
    {
      weight: 12,
      arbitrary: fc.record({
        kind: fc.constant('print' as const),
        variant: fc.oneof({ weight: 8, arbitrary: fc.constant('ok' as const) }, fc.constantFrom<Variant>('future', 'stale', 'absurd_size', 'absurd_price')),
        side: fc.constantFrom('long' as const, 'short' as const),
        // Whole thousands add exactly, so totals must be equal, not close.
        usd: fc.constantFrom(1_000, 25_000, 400_000, 1_000_000, 2_000_000, 3_000_000),
        offsetMs: fc.integer({ min: -240_000, max: 240_000 }),
        exchange: fc.constantFrom('binance', 'bybit', 'okx'),
      }),
    },
    { weight: 4, arbitrary: fc.record({ kind: fc.constant('wait' as const), ms: fc.integer({ min: 0, max: 90_000 }) }) },
    {
      weight: 2,
      arbitrary: fc.record({
        kind: fc.constant('command' as const),
        chat: fc.integer({ min: 0, max: 1 }),
        admin: fc.boolean(),
        text: fc.constantFrom('/liqs eth', '/liqs all 1h', '/levels eth', '/alerts', '/alerts on', '/alerts off', '/level add eth 2900', '/level list', '/oi eth', '/nonsense'),
      }),
    },
    {
      weight: 2,
      arbitrary: fc.record({
        kind: fc.constant('fail' as const),
        ops: fc.subarray(FAILABLE, { minLength: 1 }),
        code: fc.constantFrom<SqliteCode>('SQLITE_FULL', 'SQLITE_CORRUPT', 'SQLITE_IOERR'),
      }),
    },
    { weight: 2, arbitrary: fc.constant({ kind: 'heal' as const }) },
    { weight: crashes ? 1 : 0, arbitrary: fc.constant({ kind: 'crash' as const }) },
  );

/** A bot whose alert replies remember their alert, so deliveries can be counted per (chat, alert). */
class ProbeBot extends LiqBot {
  readonly alertOf = new WeakMap<Reply, Alert>();
  override alertReply(a: Alert): Reply {
    const reply = super.alertReply(a);
    this.alertOf.set(reply, a);
    return reply;
  }
}

async function run(actions: Action[]): Promise<{ bot: ProbeBot; deliveries: Map<string, number>; accepted: Liquidation[]; rejected: Record<string, number>; crashed: boolean }> {
  const inner = createMemoryStore();
  for (const chat of CHATS) inner.putSubscription({ chat, enabled: true, assets: [], families: ['cascade', 'level'], minUsd: 0, updatedAt: T });
  const fail: FaultPlan = {};
  const clock = { now: T };
  const deliveries = new Map<string, number>();
  const accepted: Liquidation[] = [];
  const rejected: Record<string, number> = { future: 0, stale: 0, absurd_size: 0, absurd_price: 0 };
  let crashed = false;

  const start = (): ProbeBot => {
    const adapter: ChatAdapter = {
      platform: 'telegram',
      async start() {},
      async stop() {},
      async deliver(to, reply): Promise<DeliveryResult> {
        const a = bot.alertOf.get(reply);
        const key = `${to.chat}|${a?.key ?? 'unknown'}`;
        deliveries.set(key, (deliveries.get(key) ?? 0) + 1);
        return { ok: true, messageRef: `${key}#${deliveries.get(key)}` };
      },
    };
    // The fault plan is shared, so failures outlive a crash (a disk stays full across a restart).
    const { store } = faultyStore(inner, fail);
    const bot = new ProbeBot({ config: loadConfig(), store, now: () => clock.now, adapters: { telegram: adapter }, outbox: { now: () => clock.now, backoff: { baseMs: 1_000, maxMs: 10_000 } } });
    return bot;
  };

  let bot = start();
  bot.outbox.start();
  let i = 0;
  for (const a of actions) {
    i++;
    switch (a.kind) {
      case 'print': {
        const e: Liquidation = { type: 'liquidation', ts: clock.now + a.offsetMs, exchange: a.exchange, symbol: 'ETH/USDT:USDT', side: a.side, price: 3000 + i, amount: a.usd / (3000 + i), usd: a.usd };
        if (a.variant === 'future') e.ts = clock.now + 10 * 365 * DAY;
        if (a.variant === 'stale') e.ts = clock.now - 400_000;
        if (a.variant === 'absurd_size') Object.assign(e, { amount: 1e15, usd: 1e15 * e.price });
        if (a.variant === 'absurd_price') Object.assign(e, { price: 1e200, amount: 1e200, usd: Infinity });
        bot.ingest(e);
        if (a.variant === 'ok') accepted.push(e);
        else rejected[a.variant]!++;
        break;
      }
      case 'wait':
        clock.now += a.ms;
        bot.tick();
        bot.flush();
        await vi.advanceTimersByTimeAsync(a.ms);
        await bot.outbox.idle();
        break;
      case 'command':
        await runCommandLine(a.text, { chat: { key: CHATS[a.chat]!, platform: 'telegram', kind: 'group' }, user: { id: `u${i % 5}` }, isAdmin: a.admin, now: clock.now, services: bot });
        break;
      case 'fail':
        for (const op of a.ops) fail[op] = a.code;
        break;
      case 'heal':
        for (const op of Object.keys(fail)) delete fail[op as keyof Store];
        break;
      case 'crash':
        // Whatever was in memory is gone; the store keeps what it took. A restart reads it back.
        crashed = true;
        void bot.outbox.stop();
        bot = start();
        bot.restore();
        bot.outbox.start();
        break;
    }
  }
  // The disk is fixed: everything held is written and everything pending delivered.
  for (const op of Object.keys(fail)) delete fail[op as keyof Store];
  for (let k = 0; k < 3; k++) {
    clock.now += 15_000;
    bot.flush();
    bot.tick();
    await vi.advanceTimersByTimeAsync(15_000);
    await bot.outbox.idle();
  }
  return { bot, deliveries, accepted, rejected, crashed };
}

describe('a hostile world (property)', () => {
  beforeEach(() => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('keeps running, its totals equal the brute-force sum of accepted prints, and no alert reaches a chat twice', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(action(false), { maxLength: 400, size: 'max' }), async (actions) => {
        const { bot, deliveries, accepted, rejected } = await run(actions);
        const sum = (side: 'long' | 'short') => accepted.filter((e) => e.side === side).reduce((s, e) => s + e.usd, 0);
        const summary = bot.market.summary('ETH', '24h', DAY);
        expect(summary.longUsd).toBe(sum('long'));
        expect(summary.shortUsd).toBe(sum('short'));
        expect(bot.stats.rejected).toEqual(rejected);
        expect(bot.stats.events).toBe(accepted.length);
        // Without a crash, nothing is delivered twice; every stored event is there once the store works.
        for (const [key, n] of deliveries) expect(n, key).toBe(1);
        expect([...bot.store.eventsSince(0)]).toHaveLength(accepted.length);
        expect(bot.health().store).toMatchObject({ heldEvents: 0, heldAlerts: 0, lost: { events: 0, alerts: 0 } });
        expect(bot.store.pendingCount()).toBe(0);
        await bot.outbox.stop();
      }),
      { seed: 21, numRuns: 40 },
    );
  }, 120_000);

  it('with crashes too: it keeps running and no alert reaches a chat more than twice', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(action(true), { maxLength: 400, size: 'max' }), async (actions) => {
        const { bot, deliveries } = await run(actions);
        for (const [key, n] of deliveries) expect(n, key).toBeLessThanOrEqual(2);
        await bot.outbox.stop();
      }),
      { seed: 2121, numRuns: 40 },
    );
  }, 120_000);
});
