/**
 * A chat's settings changed while the store refuses writes (a full disk) are what the chat is told, what `/alerts`
 * shows and builds on, and what routing honours, at once; they reach the store when it takes writes again. A chat
 * found gone keeps its settings, turned off, even when the store could not be read at that moment.
 */
import { expect, it } from 'vitest';
import type { ChatAdapter, DeliveryResult, DeliveryTarget } from '../../src/adapters/contract.js';
import { runCommandLine } from '../../commands/index.js';
import { loadConfig } from '../../config/load.js';
import type { Alert } from '../../src/core/alerts.js';
import { LiqBot } from '../../src/bot.js';
import { replyText } from '../../src/replies/reply.js';
import { StateWriter } from '../../src/state/writer.js';
import { createMemoryStore } from '../../src/store/memory.js';
import { faultyStore } from '../store/faulty.js';

const T = Date.parse('2026-01-31T12:00:00Z');
const CHAT = 'telegram:-100';
const levelBreak = (level: number, ts: number): Alert => ({
  kind: 'level_break', key: `l:${level}:${ts}`, ts, asset: 'ETH', levelId: `ETH@${level}`, level, direction: 'down', reclaim: false, price: level * 0.99, timeframe: '15m',
});

class Chat implements ChatAdapter {
  readonly platform = 'telegram' as const;
  posts: DeliveryTarget[] = [];
  async start() {}
  async stop() {}
  async deliver(to: DeliveryTarget): Promise<DeliveryResult> {
    this.posts.push(to);
    return { ok: true, messageRef: `${to.chat}#${this.posts.length}` };
  }
}

it('/alerts off on a full disk is off at once, a later change keeps it off, and both are stored once the disk has room', async () => {
  const inner = createMemoryStore();
  const { store, fail } = faultyStore(inner);
  const chat = new Chat();
  let now = T;
  const bot = new LiqBot({ config: loadConfig(), store, now: () => now, adapters: { telegram: chat } });
  bot.outbox.start();
  const say = async (line: string) =>
    replyText(await runCommandLine(line, { chat: { key: CHAT, platform: 'telegram', kind: 'group' }, user: { id: 'admin' }, isAdmin: true, now: (now += 61_000), services: bot }));
  expect(await say('/alerts on')).toContain('Alerts are ON');
  fail.putSubscription = 'SQLITE_FULL';
  expect(await say('/alerts off')).toContain('Alerts are OFF');
  bot.outbox.publish([levelBreak(3000, now)]);
  await bot.outbox.idle();
  expect(chat.posts).toHaveLength(0);
  expect(await say('/alerts')).toContain('Alerts are OFF');
  const min = await say('/alerts min $5M');
  expect(min).toContain('Alerts are OFF');
  expect(min).toContain('$5');
  expect(inner.getSubscription(CHAT)).toMatchObject({ enabled: true, minUsd: 0 }); // not stored yet
  delete fail.putSubscription;
  bot.flush();
  expect(inner.getSubscription(CHAT)).toMatchObject({ enabled: false, minUsd: 5_000_000 });
  // Written: reads go to the store again, and routing still leaves the chat out.
  bot.outbox.publish([levelBreak(2900, now)]);
  await bot.outbox.idle();
  expect(chat.posts).toHaveLength(0);
  await bot.outbox.stop();
});

it('a chat found gone while the store cannot be read is turned off, settings kept, once it can', () => {
  const inner = createMemoryStore();
  const settings = { chat: CHAT, enabled: true, assets: ['ETH'], families: ['level' as const], minUsd: 5e6, updatedAt: T, digest: true };
  inner.putSubscription(settings);
  const { store, fail } = faultyStore(inner);
  const state = new StateWriter({ store });
  fail.getSubscription = 'SQLITE_IOERR';
  state.apply({ kind: 'subscription.remove', chat: CHAT });
  expect(inner.getSubscription(CHAT)).toEqual(settings);
  delete fail.getSubscription;
  // Routing reads it turned off before it is written…
  expect(state.listSubscriptions()).toEqual([{ ...settings, enabled: false }]);
  state.flush();
  // …and the store has it so, every setting kept.
  expect(inner.getSubscription(CHAT)).toEqual({ ...settings, enabled: false });
  expect(state.holds(CHAT)).toBe(false);
});
