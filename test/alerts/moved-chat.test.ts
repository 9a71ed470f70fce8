/**
 * A chat found under a new key while its alerts are delivered (a Telegram group that became a supergroup): the
 * adapter only reports it (`movedTo`); the outbox moves the chat (`chat.move`: its settings and its own levels, in the
 * store and the engine) and sends the alert to the new key. Each later alert still queued for the old key is
 * reported and follows the same way; nothing is turned off or dropped. Platform-neutral: a scripted adapter.
 */
import { expect, it } from 'vitest';
import { loadConfig } from '../../config/load.js';
import type { ChatAdapter, DeliveryResult, DeliveryTarget } from '../../src/adapters/contract.js';
import { LiqBot } from '../../src/bot.js';
import type { LevelBreak } from '../../src/core/alerts.js';
import { replyText, type Reply } from '../../src/replies/reply.js';
import { createMemoryStore } from '../../src/store/memory.js';

const T0 = Date.parse('2026-01-31T12:00:00Z');
const OLD = 'telegram:-4000111';
const NEW = 'telegram:-1002000111222';

/** Refuses every send to the old key, reporting the new one; records every send. */
class Upgraded implements ChatAdapter {
  readonly platform = 'telegram' as const;
  readonly sends: { chat: string; text: string }[] = [];
  async start() {}
  async stop() {}
  async deliver(to: DeliveryTarget, reply: Reply): Promise<DeliveryResult> {
    this.sends.push({ chat: to.chat, text: replyText(reply) });
    if (to.chat === OLD) return { ok: false, permanent: true, kind: 'chat_gone', error: 'Telegram sendMessage: 400 Bad Request: group chat was upgraded to a supergroup chat', movedTo: NEW };
    return { ok: true, messageRef: `m${this.sends.length}` };
  }
}

const lost = (level: number, ts: number): LevelBreak => ({ kind: 'level_break', key: `lost:${level}`, ts, asset: 'ETH', levelId: `${OLD}:ETH@${level}`, level, direction: 'down', reclaim: false, price: level * 0.99, timeframe: '15m', chat: OLD });

it('the outbox moves the chat the adapter reported and sends there: the alert queued behind follows, its settings and levels move, nothing is turned off', async () => {
  const store = createMemoryStore();
  const chat = new Upgraded();
  const bot = new LiqBot({ config: loadConfig(), store, now: () => T0, adapters: { telegram: chat }, outbox: { now: () => T0 } });
  store.putSubscription({ chat: OLD, enabled: true, assets: ['ETH'], families: ['level'], minUsd: 0, updatedAt: 0 });
  bot.apply({ kind: 'level.put', level: { id: `${OLD}:ETH@2800`, asset: 'ETH', level: 2800, label: 'ours', chat: OLD, source: 'chat', createdAt: 0 } });
  bot.outbox.start();
  bot.outbox.publish([lost(2800, T0), lost(2700, T0 + 1)]);
  await bot.outbox.idle();

  expect(chat.sends.map((s) => [s.chat, s.text.includes('2,800') ? 2800 : 2700])).toEqual([[OLD, 2800], [NEW, 2800], [OLD, 2700], [NEW, 2700]]);
  expect(store.getSubscription(NEW)).toMatchObject({ enabled: true, assets: ['ETH'], families: ['level'] });
  expect(store.getSubscription(OLD)).toBeUndefined();
  const moved = { id: `${NEW}:ETH@2800`, chat: NEW, label: 'ours' };
  expect(store.listLevels().filter((l) => l.level === 2800)).toEqual([expect.objectContaining(moved)]);
  expect(bot.market.levels.get(`${OLD}:ETH@2800`)).toBeUndefined();
  expect(bot.market.levels.get(moved.id)).toMatchObject(moved);
  expect(bot.outbox.counters).toMatchObject({ sent: 2, unsubscribed: 0, dropped: 0 });
  expect(store.pendingCount()).toBe(0);
});
