/**
 * A button press runs only what the bot put on that message's buttons. Any client can send a callback_query with
 * any data for a message that has buttons; a line of its own (`/help`, a proposal of its own) would replace a
 * proposal's card and its vote buttons. Real telegraf against the fake Bot API.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { alice, bob, pressButton, sendCommand } from '../../fakes/telegram/updates.js';
import type { FakeMessage } from '../../fakes/telegram/server.js';
import { startHarness, type Harness } from './harness.js';

const CHAT = -1_000_000_000_557;
let h: Harness;
let card: FakeMessage;

beforeAll(async () => {
  h = await startHarness();
  const asked = sendCommand(h.fake, CHAT, '/level propose eth 2450 "the floor"', { from: alice });
  await h.fake.waitFor(() => h.fake.sentTo(CHAT).some((m) => m.replyTo === asked), 'the proposal card');
  card = h.fake.sentTo(CHAT).find((m) => m.replyTo === asked)!;
});
afterAll(() => h?.stop());

/** Bob sends a callback_query with `data` on the card, as a modified client can; resolves with its answer. */
async function forge(data: string): Promise<{ text?: string; show_alert?: boolean }> {
  const id = `forged-${h.fake.callbackAnswers.length}`;
  h.fake.push({ callback_query: { id, from: { ...bob, is_bot: false }, chat_instance: 'ci', data, message: h.fake.messageObject(CHAT, card.messageId) } });
  await h.fake.waitFor(() => h.fake.callbackAnswers.some((a) => a.id === id), `the answer to ${data}`);
  return h.fake.callbackAnswers.find((a) => a.id === id)!;
}

describe('a callback_query whose data is on none of the message’s buttons', () => {
  it.each(['/help', '/level propose eth 2460 "pumping to 10k buy now"', 'level vote p1 up extra'])('is refused and leaves the card as it is: %s', async (data) => {
    const before = { text: h.fake.message(CHAT, card.messageId)!.text, keyboard: h.fake.message(CHAT, card.messageId)!.keyboard };
    const edits = h.fake.callsOf('editMessageText').length;
    const sent = h.fake.sentTo(CHAT).length;

    const answer = await forge(data);

    expect(answer).toEqual({ id: expect.any(String), text: 'That button is not on this message (any more). Press one that is, or send the command again.', show_alert: true });
    const now = h.fake.message(CHAT, card.messageId)!;
    expect({ text: now.text, keyboard: now.keyboard }).toEqual(before);
    expect(now.keyboard?.flat().map((b) => b.callback_data)).toEqual(['level vote p1 up', 'level vote p1 down', 'level adopt p1', 'level reject p1']);
    expect(h.fake.callsOf('editMessageText').length).toBe(edits);
    expect(h.fake.sentTo(CHAT).length).toBe(sent);
    expect(h.store.getProposal(`telegram:${CHAT}:p2`)).toBeUndefined();
    expect(h.store.getProposal(`telegram:${CHAT}:p1`)?.votes ?? {}).toEqual({});
  });

  it('a button the card carries still runs: Bob’s 👍 is counted and the card edited', async () => {
    const id = pressButton(h.fake, CHAT, card.messageId, /^👍/, bob);
    await h.fake.waitFor(() => h.fake.callbackAnswers.some((a) => a.id === id), 'the vote answered');
    await h.fake.waitFor(() => /👍 1 · 👎 0/.test(h.fake.message(CHAT, card.messageId)!.text), 'the card shows the vote');
    expect(h.store.getProposal(`telegram:${CHAT}:p1`)?.votes).toEqual({ [String(bob.id)]: 'up' });
  });
});
