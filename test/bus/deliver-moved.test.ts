/**
 * The deliver role follows a chat found under a new key as the embedded outbox does (test/alerts/moved-chat.test.ts):
 * the adapter only reports it (`movedTo`); the Deliverer puts `chat.move` on the state stream (the core moves the
 * chat's settings and levels) and sends the alert to the new key. Each later alert queued for the old key follows the
 * same way; nothing is reported gone. A Deliverer driven in-process over the real PostgreSQL store, with a scripted
 * adapter and a fake state stream. Skipped, saying why, without PostgreSQL.
 */
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import type { ChatAdapter, DeliveryResult, DeliveryTarget } from '../../src/adapters/contract.js';
import { route } from '../../src/alerts/router.js';
import type { LevelBreak } from '../../src/core/alerts.js';
import { replyText, type Reply } from '../../src/replies/reply.js';
import type { Subscription } from '../../src/store/store.js';
import { dropRunSchemas, pgUnavailable } from '../services/postgres.js';
import { leasedDeliverer } from './deliverer-stand.js';

const unavailable = await pgUnavailable();
if (unavailable) console.warn(unavailable);

const OLD = 'telegram:-4000222';
const NEW = 'telegram:-1002000222333';

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

const lost = (level: number, ts: number): LevelBreak => ({ kind: 'level_break', key: `lost:${level}`, ts, asset: 'ETH', levelId: `ETH@${level}`, level, direction: 'down', reclaim: false, price: level * 0.99, timeframe: '15m' });

describe.skipIf(unavailable !== undefined)('deliver role: a chat found under a new key', () => {
  const closing: (() => Promise<unknown>)[] = [];
  afterEach(async () => {
    for (const close of closing.splice(0).reverse()) await close();
  });
  afterAll(async () => {
    await dropRunSchemas();
  });

  it('publishes chat.move for each alert the old key refused and sends it to the new key; nothing reported gone, nothing dropped', async () => {
    const adapter = new Upgraded();
    const sub: Subscription = { chat: OLD, enabled: true, assets: [], families: ['level'], minUsd: 0, updatedAt: 0 };
    const { store, deliverer, changes, settled } = await leasedDeliverer(adapter, sub, closing);
    const now = Date.now();
    await store.enqueue(route([lost(2800, now), lost(2700, now + 1)], [sub], now));
    deliverer.poke();
    await settled();

    expect(adapter.sends.map((s) => [s.chat, s.text.includes('2,800') ? 2800 : 2700])).toEqual([[OLD, 2800], [NEW, 2800], [OLD, 2700], [NEW, 2700]]);
    expect(changes).toEqual([0, 1].map(() => expect.objectContaining({ kind: 'chat.move', from: OLD, to: NEW })));
    expect(deliverer.counters).toMatchObject({ sent: 2, unsubscribed: 0, dropped: 0 });
    const rows = (await store.pool.query<{ status: string }>('SELECT status FROM outbox ORDER BY id')).rows;
    expect(rows.map((r) => r.status)).toEqual(['sent', 'sent']);
  });
});
