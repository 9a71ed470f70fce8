/**
 * The weekly digest goes through the durable outbox: queued once per week turn (and again by a process started within
 * a day after it, which the outbox's key turns into nothing), only to the chat it was made for, and rendered with its
 * chart from the bars it carries, so a process without a market (a deliverer) sends the same post.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import type { ChatAdapter, DeliveryResult, DeliveryTarget } from '../../src/adapters/contract.js';
import { DigestTurns, digestPosts, renderAlert } from '../../src/alerts/digest.js';
import { Outbox } from '../../src/alerts/outbox.js';
import { loadConfig } from '../../config/load.js';
import type { Market } from '../../src/core/market.js';
import { runFile } from '../../src/offline.js';
import { replyText, type Reply } from '../../src/replies/reply.js';
import { createMemoryStore } from '../../src/store/memory.js';
import type { Subscription } from '../../src/store/store.js';
import { BUNDLED } from '../helpers.js';

const MONDAY = Date.parse('2026-02-02T00:00:00Z');
const H = 3_600_000;

class FakeChat implements ChatAdapter {
  readonly platform = 'telegram' as const;
  readonly received: { chat: string; text: string; image: boolean }[] = [];
  async start() {}
  async stop() {}
  async deliver(to: DeliveryTarget, reply: Reply): Promise<DeliveryResult> {
    this.received.push({ chat: to.chat, text: replyText(reply), image: reply.image !== undefined });
    return { ok: true, messageRef: `${to.chat}#${this.received.length}` };
  }
}

const sub = (chat: string, over: Partial<Subscription> = {}): Subscription => ({ chat, enabled: true, assets: [], families: ['cascade', 'level'], minUsd: 0, updatedAt: 0, digest: true, ...over });

let market: Market;
beforeAll(async () => {
  market = (await runFile(BUNDLED, loadConfig())).market;
});

describe('when the week turns', () => {
  it('answers each turn once, however late, and a first look within a day after a turn answers that turn', () => {
    const turns = new DigestTurns();
    expect(turns.due(0)).toBeUndefined(); // no clock yet: nothing noted
    expect(turns.due(MONDAY - 2 * H)).toBeUndefined(); // Sunday: the week turned six days ago
    expect(turns.due(MONDAY + 30_000)).toBe(MONDAY);
    expect(turns.due(MONDAY + 2 * H)).toBeUndefined();
    // A clock that ran days between looks (a rehearsal): the turn it passed is still told, once.
    expect(turns.due(MONDAY + 7 * 24 * H + 3 * 24 * H)).toBe(MONDAY + 7 * 24 * H);
    const restarted = new DigestTurns();
    expect(restarted.due(MONDAY + 23 * H)).toBe(MONDAY);
    expect(new DigestTurns().due(MONDAY + 25 * H)).toBeUndefined(); // too late to be the week's post
  });
});

describe('the digest post', () => {
  it("goes once to each chat that switched it on, with the deployment's levels and its chart, restarts included", async () => {
    const store = createMemoryStore();
    const subs = [sub('telegram:1'), sub('telegram:2'), sub('telegram:3', { digest: false }), sub('telegram:4', { enabled: false })];
    for (const s of subs) store.putSubscription(s);
    const posts = digestPosts(market, store, subs, MONDAY, 0.3);
    expect(posts.map((p) => p.chat)).toEqual(['telegram:1', 'telegram:2']);
    expect(posts.map((p) => p.key)).toEqual([`digest:${MONDAY}:telegram:1`, `digest:${MONDAY}:telegram:2`]);
    expect(posts[0]!.chart?.asset).toBe('ETH');
    expect(posts[0]!.chart?.bars.length).toBeGreaterThan(20);
    const chat = new FakeChat();
    // The post as stored (JSON, as PostgreSQL keeps it), sent by a process that never saw the market.
    const outbox = new Outbox({ store, adapters: { telegram: chat }, now: () => MONDAY, render: (a) => renderAlert(JSON.parse(JSON.stringify(a))) });
    outbox.start();
    expect(outbox.publish(posts)).toBe(2);
    await outbox.idle();
    // Started again within the day: the same posts are asked for and dropped by their key.
    const again = new Outbox({ store, adapters: { telegram: chat }, now: () => MONDAY + H });
    again.start();
    again.publish(digestPosts(market, store, subs, MONDAY, 0.3));
    await again.idle();
    expect(chat.received.map((r) => r.chat)).toEqual(['telegram:1', 'telegram:2']);
    for (const r of chat.received) {
      expect(r.text).toContain('Weekly levels digest · Jan 26 – Feb 1');
      expect(r.text).toMatch(/ETH \$2,750–2,800 prior support lost Jan 31/);
      expect(r.image).toBe(true);
    }
  });

  it('draws its chart from the bars it carries', async () => {
    const [post] = digestPosts(market, createMemoryStore(), [sub('telegram:1')], MONDAY, 0.3);
    const png = await renderAlert(JSON.parse(JSON.stringify(post))).image!.render();
    expect(Buffer.from(png).subarray(1, 4).toString()).toBe('PNG');
  });

  it('chats watching the same levels get one render of the chart at the turn; other levels draw their own', async () => {
    const [one, two] = digestPosts(market, createMemoryStore(), [sub('telegram:1'), sub('telegram:2')], MONDAY, 0.3);
    const first = await renderAlert(JSON.parse(JSON.stringify(one))).image!.render();
    expect(await renderAlert(JSON.parse(JSON.stringify(two))).image!.render()).toBe(first);
    const id = 'telegram:3:ETH@2450';
    market.addLevel({ id, asset: 'ETH', level: 2450, label: 'their own', chat: 'telegram:3', source: 'chat', createdAt: MONDAY - 6 * 24 * H });
    try {
      const [own] = digestPosts(market, createMemoryStore(), [sub('telegram:3')], MONDAY, 0.3);
      const theirs = await renderAlert(JSON.parse(JSON.stringify(own))).image!.render();
      expect(theirs).not.toBe(first);
      expect(Buffer.from(theirs).equals(Buffer.from(first))).toBe(false);
    } finally {
      market.levels.remove(id);
    }
  });

  it('a level set after the week ended is not in its digest (a post queued late, at a restart)', () => {
    const id = 'telegram:9:ETH@2600';
    market.addLevel({ id, asset: 'ETH', level: 2600, label: 'set on Monday', chat: 'telegram:9', source: 'chat', createdAt: MONDAY + 9 * H });
    try {
      const [late] = digestPosts(market, createMemoryStore(), [sub('telegram:9')], MONDAY, 0.3);
      expect(late!.digest.levels.map((l) => l.label)).not.toContain('set on Monday');
      expect(late!.digest.levels.length).toBeGreaterThan(0); // the file's levels, watched all week
    } finally {
      market.levels.remove(id);
    }
  });

  it('a chat with no level to tell of gets none', () => {
    const empty = (): never => { throw new Error('no bars asked for'); };
    const bare = { ...market, levels: { all: () => [] }, prices: { bars: empty }, buckets: { series: empty } } as unknown as Market;
    expect(digestPosts(bare, createMemoryStore(), [sub('telegram:1')], MONDAY, 0.3)).toEqual([]);
  });
});
