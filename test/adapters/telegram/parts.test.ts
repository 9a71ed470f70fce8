/**
 * A reply too long for one message goes out in parts; a 429 or a 5xx on a later part must not post the earlier
 * ones again, whether the reply answers a command or carries an alert for the outbox. On a manual clock at
 * Telegram's real limits: the retry waits (retry_after, a short backoff) pass only when the test moves time.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { levelId } from '../../../src/core/levels.js';
import type { Reply } from '../../../src/replies/reply.js';
import { ManualClock } from '../../alerts/clock.js';
import type { FaultError } from '../../fakes/telegram/server.js';
import { alice, sendCommand } from '../../fakes/telegram/updates.js';
import { startHarness, type Harness } from './harness.js';
import { settled } from './settle.js';

let h: Harness | undefined;
afterEach(async () => {
  await h?.stop();
  h = undefined;
});

/** Real work has settled (settle.ts): the manual clock moves only then. */
const quiet = (): Promise<void> => settled(h);

async function start(): Promise<{ h: Harness; clock: ManualClock }> {
  const clock = new ManualClock(0, quiet);
  h = await startHarness({ clock });
  return { h, clock };
}

const RATE_LIMITED: FaultError = { code: 429, description: 'Too Many Requests: retry after 1', retryAfter: 1 };

/** Once the first part is in, the next sendMessage to the chat (the second part) meets `error` (`times` requests). */
async function failSecondPart(h: Harness, chat: number, error: FaultError, times?: number): Promise<void> {
  await h.fake.waitFor(() => h.fake.sentTo(chat).length === 1, 'the first part');
  h.fake.fail({ method: 'sendMessage', chatId: chat, error, ...(times !== undefined ? { times } : {}) });
}

/** A chat with 50 levels of its own, each with a long label: `/levels eth` answers in several messages. Their labels, lowest first. */
function seedLevels(h: Harness, chat: number): string[] {
  const key = `telegram:${chat}`;
  return Array.from({ length: 50 }, (_, i) => {
    const level = 2000 + i * 25;
    const label = `level ${String(i).padStart(2, '0')} ${'z'.repeat(40)}`;
    h.services.apply({ kind: 'level.put', level: { id: levelId('ETH', level, key), asset: 'ETH', level, label, source: 'chat', chat: key, createdAt: 0 } });
    return label;
  });
}

const longAlert: Reply = { title: ['Alert'], blocks: Array.from({ length: 120 }, (_, i) => [[`line ${String(i).padStart(3, '0')} ${'w'.repeat(60)}`]]) };
const lines = Array.from({ length: 120 }, (_, i) => `line ${String(i).padStart(3, '0')}`);

/** Every piece of text once, in order, across the messages posted. */
function expectEachOnce(texts: string[], pieces: string[]): void {
  const all = texts.join('\n');
  for (const p of pieces) expect(all.split(p).length - 1, p).toBe(1);
  expect(pieces.map((p) => all.indexOf(p))).toEqual(pieces.map((p) => all.indexOf(p)).sort((a, b) => a - b));
}

describe('a command answer in several messages', () => {
  it.each([
    ['429', RATE_LIMITED],
    ['502', 'http502' as const],
  ])('meets a %s on its second part: each part arrives once, the first replying to the command', async (name, error) => {
    const { h, clock } = await start();
    const chat = -1_000_000_000_700;
    const labels = seedLevels(h, chat);
    const asked = sendCommand(h.fake, chat, '/levels eth', { from: alice });
    await failSecondPart(h, chat, error, 1);
    await clock.advance(30_000);

    const sent = h.fake.sentTo(chat);
    expect(h.fake.calls.some((c) => Number(c.params.chat_id) === chat && c.status !== 200), `the ${name} was met`).toBe(true);
    expect(sent.length).toBeGreaterThanOrEqual(2);
    expect(sent[0]!.replyTo).toBe(asked);
    expect(sent[0]!.text.startsWith('ETH levels')).toBe(true);
    // Each level's line of the list (its label then " · "; the liquidation notes below name some again).
    expectEachOnce(
      sent.map((m) => m.text),
      labels.map((l) => `${l} · `).reverse(),
    );
  });
});

describe('an alert in several messages, delivered for the outbox', () => {
  it('meets a 429 on its second part: each part arrives once and the delivery succeeds, its ref the last part', async () => {
    const { h, clock } = await start();
    const chat = -1_000_000_000_702;
    const delivered = h.adapter.deliver({ chat: `telegram:${chat}` }, longAlert);
    await failSecondPart(h, chat, RATE_LIMITED, 1);
    await clock.advance(30_000);

    const r = await delivered;
    const sent = h.fake.sentTo(chat);
    expect(sent.length).toBeGreaterThanOrEqual(2);
    expect(r).toEqual({ ok: true, messageRef: `${chat}:${sent.at(-1)!.messageId}` });
    expectEachOnce(
      sent.map((m) => m.text),
      lines,
    );
  });

  it('gives up a later part that keeps failing: what went out counts as delivered, so the outbox never posts it again', async () => {
    const { h, clock } = await start();
    const chat = -1_000_000_000_703;
    const delivered = h.adapter.deliver({ chat: `telegram:${chat}` }, longAlert);
    await failSecondPart(h, chat, 'http502');
    await clock.advance(60_000);

    const r = await delivered;
    const sent = h.fake.sentTo(chat);
    expect(sent).toHaveLength(1);
    expect(r).toEqual({ ok: true, messageRef: `${chat}:${sent[0]!.messageId}` });
    // The second part was tried a few times, then the reply was left cut short.
    expect(h.fake.callsOf('sendMessage').filter((c) => Number(c.params.chat_id) === chat && c.status === 502)).toHaveLength(3);
  });
});
