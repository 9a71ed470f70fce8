/**
 * The outbox delivering through the Telegram adapter to the fake Bot API, where one refusal must not cost a chat
 * its alerts: a level's thread answer posted into a forum topic since deleted, and a group upgraded to a
 * supergroup while alerts were queued for it (the adapter reports it; the outbox moves the chat and sends there).
 */
import { afterEach, describe, expect, it } from 'vitest';
import { Outbox } from '../../../src/alerts/outbox.js';
import type { ThreadOf } from '../../../src/alerts/router.js';
import type { LevelBreak } from '../../../src/core/alerts.js';
import { StateWriter } from '../../../src/state/writer.js';
import type { Subscription } from '../../../src/store/store.js';
import { startHarness, type Harness } from './harness.js';

let h: Harness | undefined;
let outbox: Outbox | undefined;
afterEach(async () => {
  await outbox?.stop();
  await h?.stop();
  outbox = h = undefined;
});

async function start(threadOf?: ThreadOf): Promise<{ h: Harness; outbox: Outbox }> {
  h = await startHarness();
  const { store, services } = h;
  // The outbox's own write path over the bundled day's market, as the bot's: a chat's move takes its levels there.
  const state = new StateWriter({ store, market: h.run.market });
  outbox = new Outbox({ store, adapters: { telegram: h.adapter }, now: () => services.now(), backoff: { baseMs: 50, maxMs: 200 }, state, ...(threadOf ? { threadOf } : {}) });
  outbox.start();
  return { h, outbox };
}

const subscribe = (h: Harness, chat: number, over: Partial<Subscription> = {}) =>
  h.store.putSubscription({ chat: `telegram:${chat}`, enabled: true, assets: [], families: ['cascade', 'level'], minUsd: 0, updatedAt: 0, ...over });

function lost(h: Harness, level: number, chat?: number): LevelBreak {
  const key = chat !== undefined ? `telegram:${chat}` : undefined;
  return { kind: 'level_break', key: `lost:${level}:${chat ?? ''}`, ts: h.services.now(), asset: 'ETH', levelId: `${key ? `${key}:` : ''}ETH@${level}`, level, direction: 'down', reclaim: false, price: level * 0.99, timeframe: '15m', ...(key ? { chat: key } : {}) };
}

describe('a forum topic deleted', () => {
  it("posts a level's thread answer in General when its proposal's topic is gone; the chat keeps its alerts", async () => {
    const chat = -1_000_000_000_901;
    // The proposal's card lived in topic 44 (since deleted by an admin); the chat's alerts post to topic 9.
    const { h, outbox } = await start(() => ({ ref: `${chat}:555`, target: '44' }));
    subscribe(h, chat, { target: '9' });
    // The alert goes first (topic 9); the thread answer after it (topic 44) is refused.
    void h.fake.waitFor(() => h.fake.sentTo(chat).length === 1, 'the alert').then(() => {
      h.fake.fail({ method: 'sendMessage', chatId: chat, times: 1, error: { code: 400, description: 'Bad Request: message thread not found' } });
    });
    outbox.publish([lost(h, 2900, chat)]);
    await outbox.idle();

    const refused = h.fake.calls.filter((c) => Number(c.params.chat_id) === chat && c.status === 400);
    expect(refused.map((c) => c.params.message_thread_id)).toEqual([44]);
    expect(h.fake.sentTo(chat).map((m) => m.threadId)).toEqual([9, undefined]);
    expect(h.store.getSubscription(`telegram:${chat}`)).toMatchObject({ enabled: true, target: '9' });
    expect(outbox.counters).toMatchObject({ sent: 2, unsubscribed: 0, dropped: 0 });
  });
});

describe('a group upgraded to a supergroup', () => {
  it('delivers the alerts queued for the old group to the supergroup, where its subscription and its own levels moved', async () => {
    const { h, outbox } = await start();
    const old = -902_000;
    const next = -1_000_000_000_903;
    subscribe(h, old);
    h.services.apply({ kind: 'level.put', level: { id: `telegram:${old}:ETH@2450`, asset: 'ETH', level: 2450, label: 'ours', chat: `telegram:${old}`, source: 'chat', createdAt: 0 } });
    h.fake.fail({ chatId: old, error: { code: 400, description: 'Bad Request: group chat was upgraded to a supergroup chat', migrateTo: next } });
    outbox.publish([lost(h, 2800), lost(h, 2700)]);
    await outbox.idle();

    // Each alert was refused at the old id once (the later one still queued for it follows the same way).
    expect(h.fake.calls.filter((c) => Number(c.params.chat_id) === old && c.status === 400)).toHaveLength(2);
    expect(h.fake.sentTo(next).map((m) => m.text.split('\n')[0])).toEqual([expect.stringContaining('2,800'), expect.stringContaining('2,700')]);
    expect(h.store.getSubscription(`telegram:${next}`)).toMatchObject({ enabled: true });
    expect(h.store.getSubscription(`telegram:${old}`)).toBeUndefined();
    const moved = { id: `telegram:${next}:ETH@2450`, chat: `telegram:${next}`, label: 'ours' };
    expect(h.store.listLevels().filter((l) => l.asset === 'ETH' && l.level === 2450)).toEqual([expect.objectContaining(moved)]);
    expect(h.run.market.levels.get(`telegram:${old}:ETH@2450`)).toBeUndefined();
    expect(h.run.market.levels.get(moved.id)).toMatchObject(moved);
    expect(outbox.counters).toMatchObject({ sent: 2, unsubscribed: 0, dropped: 0 });
  });
});
