/**
 * Alerts fanned out to many chats under the limits the fake enforces (Telegram's, twenty times faster): no 429
 * (the pacer counts each window from Telegram's answer, so this holds however slow the machine or the server),
 * every chat gets its alerts in order, a running cascade is edited rather than re-posted, and a 429 storm
 * delays alerts without losing one. The pacer's timing itself is specified on a manual clock (pacer.test.ts).
 */
import { afterEach, describe, expect, it } from 'vitest';
import { formatRef } from '../../../src/adapters/telegram/sender.js';
import { renderSingle } from '../../../src/adapters/telegram/render.js';
import { Outbox } from '../../../src/alerts/outbox.js';
import type { Alert } from '../../../src/core/alerts.js';
import { alertReply } from '../../../src/replies/alerts.js';
import type { Reply } from '../../../src/replies/reply.js';
import type { Subscription } from '../../../src/store/store.js';
import { parseTelegramHtml } from '../../fakes/telegram/html.js';
import { startHarness, type Harness } from './harness.js';

let h: Harness | undefined;
afterEach(async () => {
  await h?.stop();
  h = undefined;
});

/** Half private chats, half groups (negative ids: the 20-per-minute limit applies too). */
const chats = (n: number, base: number) => Array.from({ length: n }, (_, i) => (i % 2 ? -(base + i) : base + i));
const seen = (r: Reply) => parseTelegramHtml(renderSingle(r)).text;

function subscribe(chat: number): Subscription {
  return { chat: `telegram:${chat}`, enabled: true, assets: [], families: ['cascade', 'level'], minUsd: 0, updatedAt: 0 };
}

/** A cascade start, its update (an edit of the same message) and a level break, from the bundled day. */
function threeAlerts(all: Alert[]): Alert[] {
  const start = all.find((a) => a.kind === 'cascade')!;
  const update = all.find((a) => a.kind === 'cascade_update' && a.cascadeId === start.cascadeId)!;
  const level = all.find((a) => a.kind === 'level_break')!;
  return [start, update, level];
}

describe('fan-out', () => {
  it('delivers three alerts to each of 200 chats with no 429, each chat in order', async () => {
    h = await startHarness();
    const { fake, adapter } = h;
    const replies = [0, 1, 2].map((i): Reply => ({ title: [`Alert ${i}`], blocks: [[[`for everyone, part ${i}`]]] }));
    const targets = chats(200, 800_000);
    await Promise.all(
      targets.map(async (chat) => {
        const to = { chat: `telegram:${chat}` };
        const first = await adapter.deliver(to, replies[0]!);
        if (!first.ok) throw new Error(first.error);
        const edit = await adapter.deliver(to, replies[1]!, first.messageRef);
        const third = await adapter.deliver(to, replies[2]!);
        expect([edit.ok, third.ok]).toEqual([true, true]);
      }),
    );
    expect(fake.limited).toBe(0);
    expect(fake.calls.filter((c) => c.status === 429)).toHaveLength(0);
    for (const chat of targets) {
      expect(fake.events(chat).map((e) => [e.op, e.text.split('\n')[0]])).toEqual([
        ['send', 'Alert 0'],
        ['edit', 'Alert 1'],
        ['send', 'Alert 2'],
      ]);
    }
  });

  it("draws no 429 from a server that stalls (the first 30 requests counted 600 ms late, far beyond the margin), then catches up", async () => {
    // Telegram's real limits: the stall is long next to the margin, whatever this machine's speed.
    h = await startHarness({ scale: 1, latencyMs: (n) => (n < 30 ? 600 : 0) });
    const { fake, adapter } = h;
    const targets = chats(90, 700_000);
    const results = await Promise.all(targets.map((chat) => adapter.deliver({ chat: `telegram:${chat}` }, { title: ['Slow'], blocks: [[['server']]] })));
    expect(results.filter((r) => !r.ok)).toEqual([]);
    expect(fake.calls.filter((c) => c.method === 'sendMessage' && c.status === 200)).toHaveLength(90);
    expect(fake.limited).toBe(0);
  });

  it('runs the outbox against 200 subscribed chats: every alert arrives once, in order, the cascade edited in place', async () => {
    h = await startHarness();
    const { fake, adapter, store } = h;
    const targets = chats(200, 900_000);
    for (const chat of targets) store.putSubscription(subscribe(chat));
    const alerts = threeAlerts(h.run.alerts);
    const outbox = new Outbox({ store, adapters: { telegram: adapter } });
    outbox.start();
    // Published as the detector raises them: the update lands while the start is still being delivered.
    expect(outbox.publish([alerts[0]!])).toBe(200);
    await fake.waitFor(() => fake.calls.some((c) => c.method === 'sendMessage'), 'the first posts');
    outbox.publish(alerts.slice(1));
    await fake.waitFor(() => outbox.pending() === 0, 'the outbox to drain', 20_000);
    await outbox.idle();
    await outbox.stop();

    expect(fake.limited).toBe(0);
    expect(outbox.counters).toMatchObject({ dropped: 0, unsubscribed: 0, rateLimited: 0, retried: 0 });
    const [start, update, level] = alerts.map((a) => seen(alertReply(a)));
    for (const chat of targets) {
      const events = fake.events(chat);
      const sent = fake.sentTo(chat);
      expect(sent).toHaveLength(2);
      // the cascade message shows the update (edited, or superseded before its first post), then the level break
      expect(sent.map((m) => m.text)).toEqual([update, level]);
      expect(events.at(-1)).toMatchObject({ op: 'send', text: level });
      if (events.length === 3) expect(events.map((e) => e.op)).toEqual(['send', 'edit', 'send']);
      expect(store.sentMessageRef(`telegram:${chat}`, alerts[0]!.kind === 'cascade' ? alerts[0]!.cascadeId : '')).toBe(formatRef({ chatId: chat, messageId: sent[0]!.messageId }));
    }
    expect(start).not.toBe(update);
  });

  it('rides out a 429 storm: alerts wait for retry_after and none is dropped', async () => {
    h = await startHarness();
    const { fake, adapter, store } = h;
    const targets = chats(20, 950_000);
    for (const chat of targets) store.putSubscription(subscribe(chat));
    const clear = fake.fail({ times: 15, error: { code: 429, description: 'Too Many Requests: retry after 1', retryAfter: 1 } });
    const outbox = new Outbox({ store, adapters: { telegram: adapter } });
    outbox.start();
    const [, , level] = threeAlerts(h.run.alerts);
    const others = h.run.alerts.filter((a) => a.kind === 'level_break' && a.key !== level!.key).slice(0, 1);
    outbox.publish([level!, ...others]);
    await fake.waitFor(() => outbox.pending() === 0, 'the outbox to drain', 55_000);
    await outbox.idle();
    await outbox.stop();
    clear();

    expect(outbox.counters.rateLimited).toBeGreaterThan(0);
    expect(outbox.counters).toMatchObject({ dropped: 0, unsubscribed: 0 });
    const expected = [level!, ...others].map((a) => seen(alertReply(a)));
    for (const chat of targets) expect(fake.sentTo(chat).map((m) => m.text)).toEqual(expected);
    expect(store.listSubscriptions()).toHaveLength(20);
  }, 60_000); // retry_after is in real seconds here: a loaded machine stretches the whole run
});
