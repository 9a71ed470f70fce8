/**
 * A cascade's end that fell due while the bot was down, raised at restore while the store refuses to queue it: held,
 * and queued once the store takes it by the same rules as one queued at once (there is one path): posted saying how
 * late it is, counted from its own time, to every chat that was told of the cascade (one told only by the update it
 * reached before the restart too), and never to one that was not; or dropped past its use.
 */
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../config/load.js';
import type { ChatAdapter, DeliveryResult, DeliveryTarget } from '../../src/adapters/contract.js';
import { LiqBot } from '../../src/bot.js';
import type { Liquidation } from '../../src/core/events.js';
import { replyText, type Reply } from '../../src/replies/reply.js';
import { createMemoryStore } from '../../src/store/memory.js';
import type { Store } from '../../src/store/store.js';
import { faultyStore } from '../store/faulty.js';

const T = Date.parse('2026-03-02T12:00:00Z');
const MIN = 60_000;
const HOUR = 60 * MIN;
/**
 * The running message edited only when the tally doubled, six minutes after the start at the earliest: the $10M edit,
 * posted once the six minutes have passed, is then the one edit.
 */
const base = loadConfig();
const config = { ...base, cascades: { ...base.cascades, updateGrowth: 1, updateMinMinutes: 6 } };

/** Every chat hears cascades: one with no minimum, one of $8M (above the start's $5M), one of $10.2M (above it all). */
const ALL = 'telegram:-1';
const TOLD = 'telegram:-2';
const NEVER = 'telegram:-3';

/** Ten $1M ETH long liquidations on Bybit in ten seconds: a cascade, started at $5M, that reaches $10M. */
const prints: Liquidation[] = Array.from({ length: 10 }, (_, i): Liquidation => ({ type: 'liquidation', ts: T + i * 1000, exchange: 'bybit', symbol: 'ETH/USDT:USDT', side: 'long', price: 3000, amount: 1_000_000 / 3000, usd: 1_000_000 }));

interface Seen {
  chat: string;
  head: string;
  text: string;
  edit?: string;
}

function recorder(): ChatAdapter & { seen: Seen[] } {
  const seen: Seen[] = [];
  return {
    platform: 'telegram', seen,
    async start() {}, async stop() {},
    async deliver(to: DeliveryTarget, reply: Reply, editRef?: string): Promise<DeliveryResult> {
      const text = replyText(reply);
      seen.push({ chat: to.chat, head: text.split('\n')[0] ?? '', text, ...(editRef ? { edit: editRef } : {}) });
      return { ok: true, messageRef: editRef ?? `m${seen.length}` };
    },
  };
}

/** The first life: the chats subscribed, the prints ingested, stopped at 12:07 (the cascade running), everything sent. */
async function firstLife(store: Store): Promise<Seen[]> {
  let clock = T - MIN;
  const chat = recorder();
  for (const [key, minUsd] of [[ALL, 0], [TOLD, 8_000_000], [NEVER, 10_200_000]] as const) {
    store.putSubscription({ chat: key, enabled: true, assets: ['ETH'], families: ['cascade'], minUsd, updatedAt: 0 });
  }
  const bot = new LiqBot({ config, store, now: () => clock, adapters: { telegram: chat }, outbox: { now: () => clock } });
  bot.outbox.start();
  for (const e of prints) {
    clock = e.ts;
    bot.ingest(e);
    bot.tick();
  }
  clock = T + 7 * MIN;
  bot.tick();
  bot.flush();
  await bot.outbox.idle();
  await bot.outbox.stop();
  return chat.seen;
}

/**
 * The second life at `now`, the store refusing every enqueue while it restores: the end is held. The disk has room
 * again `heldMs` later (the 2 s flush retries). Returns what the chats saw then, the outbox's counters and the health.
 */
async function secondLife(inner: Store, now: number, heldMs: number) {
  const { store, fail } = faultyStore(inner);
  let clock = now;
  const chat = recorder();
  const bot = new LiqBot({ config, store, now: () => clock, adapters: { telegram: chat }, outbox: { now: () => clock } });
  fail.enqueue = 'SQLITE_FULL';
  bot.restore();
  bot.outbox.start();
  await bot.outbox.idle();
  const whileRefused = { seen: chat.seen.length, held: bot.health().store.heldAlerts };
  delete fail.enqueue;
  clock += heldMs;
  bot.flush();
  await bot.outbox.idle();
  await bot.outbox.stop();
  return { whileRefused, seen: chat.seen, counters: bot.outbox.counters, pending: inner.pendingCount() };
}

const endPosts = (seen: Seen[]) => seen.filter((s) => !s.edit && s.head.startsWith('ETH long cascade over'));
const closingEdits = (seen: Seen[]) => seen.filter((s) => s.edit !== undefined && s.head.includes('· over'));

describe('a restart whose due cascade end the store refuses to queue at first', () => {
  it('back 3 h later, the disk full for 20 minutes more: the end is posted 3h 12m late to both chats told of it, and their running messages closed', async () => {
    const inner = createMemoryStore();
    const first = await firstLife(inner);
    // Before the restart, the $8M chat was told only of the $10M update; the $10.2M chat of nothing.
    expect(first.map((s) => [s.chat, s.head.split(' — ')[0]])).toEqual([
      [ALL, '🔻 ETH long liquidation cascade'],
      [TOLD, '🔻 ETH long cascade · running'],
      [ALL, '🔻 ETH long cascade · running'],
    ]);
    expect(first.find((s) => s.chat === TOLD)!.text).toContain('$10M of longs liquidated so far');
    const { whileRefused, seen, pending } = await secondLife(inner, T + 7 * MIN + 3 * HOUR, 20 * MIN);
    // Held: the end, and the edit the first life made (raised again by the restored market, the same key: not sent again).
    expect(whileRefused).toEqual({ seen: 0, held: 2 });
    expect(seen.filter((s) => s.head.includes('· running'))).toEqual([]);
    const ends = endPosts(seen);
    // Restored, the end falls due at 12:15:00 (the window quiet from 12:05:00, when the 10-second slice of its prints of
    // 12:00:00-12:00:09 left it, plus 10 quiet minutes); the store takes it at 15:27: 3h 12m, counted from its own time,
    // not the restart's (15:07) nor the retry's.
    expect(ends.map((s) => s.chat)).toEqual([ALL, TOLD]);
    for (const end of ends) {
      expect(end.text.split('\n')).toContain('⏱ Posted 3h 12 min late: it could not be delivered until now');
      expect(end.text).toContain('$10M of ETH longs liquidated in 9s');
    }
    // Each chat's running message (the first life's) is edited into its closed form; the chat never told hears nothing.
    const refOf = (chat: string) => `m${first.findIndex((s) => s.chat === chat) + 1}`;
    expect(closingEdits(seen).map((s) => [s.chat, s.edit])).toEqual([[ALL, refOf(ALL)], [TOLD, refOf(TOLD)]]);
    expect(seen.filter((s) => s.chat === NEVER)).toEqual([]);
    expect(pending).toBe(0);
  });

  it('back 10 h later: the end is past its use (6 h) and dropped in both chats, as when queued at once; the running messages are still closed', async () => {
    const inner = createMemoryStore();
    await firstLife(inner);
    const { seen, counters, pending } = await secondLife(inner, T + 7 * MIN + 10 * HOUR, 20 * MIN);
    expect(endPosts(seen)).toEqual([]);
    expect(counters.dropped).toBe(2);
    expect(closingEdits(seen).map((s) => s.chat)).toEqual([ALL, TOLD]);
    expect(pending).toBe(0);
  });
});
