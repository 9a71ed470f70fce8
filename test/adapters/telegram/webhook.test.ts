/**
 * Updates by webhook under load, end to end on the fake Bot API with Telegram's real limits in fake time. Telegram
 * is played as it delivers: a chat's updates one at a time, each once the previous one is answered, and no more
 * requests open at once than `max_connections`. Two groups where 8 members each send 5 commands must not hold those
 * connections while their replies wait for the group's turn (20 messages a minute): every request is answered once
 * its reply is out or WEBHOOK_ANSWER_MS after the reply is queued, another chat is answered at once, and each member's replies
 * still go out in order.
 */
import http from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import { WEBHOOK_ANSWER_MS, WEBHOOK_CONNECTIONS } from '../../../src/adapters/telegram/adapter.js';
import { SECRET_HEADER } from '../../../src/adapters/telegram/webhook.js';
import { ManualClock } from '../../alerts/clock.js';
import { commandUpdate, type FakeUser } from '../../fakes/telegram/updates.js';
import { freePort } from '../../helpers.js';
import { startHarness, type Harness } from './harness.js';
import { settled } from './settle.js';

const SECRET = 'hook-secret-123';
const GROUPS = [-1_000_000_000_701, -1_000_000_000_702];
const OTHER = -1_000_000_000_703;
const MEMBERS = 8;
const COMMANDS_EACH = 5;

let h: Harness | undefined;
let telegram: ReturnType<typeof telegramSide> | undefined;
afterEach(async () => {
  await h?.stop();
  telegram?.close();
  h = telegram = undefined;
});

/**
 * Telegram's side of the webhook: `chat(updates)` posts a chat's updates in order, each once the previous one is
 * answered; at most `connections` requests are open at once. Each answer is recorded with the fake time it came at.
 */
function telegramSide(url: string, connections: number, now: () => number) {
  const agent = new http.Agent({ keepAlive: true, maxSockets: connections });
  const answers: { chat: number; status: number; posted: number; at: number }[] = [];
  let updateId = 1;
  const post = (update: Record<string, unknown>) =>
    new Promise<number>((resolve, reject) => {
      const body = JSON.stringify({ ...update, update_id: updateId++ });
      const req = http.request(url, { method: 'POST', agent, headers: { 'content-type': 'application/json', [SECRET_HEADER]: SECRET } }, (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode ?? 0));
      });
      req.on('error', reject);
      req.end(body);
    });
  return {
    answers,
    chat(chatId: number, updates: Record<string, unknown>[]): void {
      void (async () => {
        for (const update of updates) {
          const posted = now();
          answers.push({ chat: chatId, status: await post(update), posted, at: now() });
        }
      })().catch(() => undefined); // the bot stopped with requests open (the test has failed already)
    },
    close: () => agent.destroy(),
  };
}

describe('updates by webhook', () => {
  it("answers a busy group's requests WEBHOOK_ANSWER_MS after their replies queue; another chat is answered at once; each member's replies go out in order", async () => {
    const clock = new ManualClock(0, () => settled(h));
    const port = await freePort();
    const url = `http://127.0.0.1:${port}/telegram/hook`;
    h = await startHarness({ clock, webhook: { url, secret: SECRET, port, host: '127.0.0.1' } });
    const { fake } = h;
    expect(fake.callsOf('setWebhook')[0]!.params).toMatchObject({ max_connections: WEBHOOK_CONNECTIONS });

    // Two busy groups on two connections stand for 40 busy groups on Telegram's 40.
    telegram = telegramSide(url, GROUPS.length, () => clock.now());
    const askedBy = new Map<number, Map<number, number[]>>(); // group → member → their commands' message ids, in order
    for (const group of GROUPS) {
      const updates: Record<string, unknown>[] = [];
      const members = new Map<number, number[]>();
      for (let i = 0; i < COMMANDS_EACH; i++) {
        for (let m = 0; m < MEMBERS; m++) {
          const from: FakeUser = { id: 9000 + m, first_name: `member${m}` };
          const { update, messageId } = commandUpdate(fake, group, '/help', { from });
          updates.push(update);
          members.set(from.id, [...(members.get(from.id) ?? []), messageId]);
        }
      }
      askedBy.set(group, members);
      telegram.chat(group, updates);
    }
    // Each group's first reply is out (its second update is on the wire), then another chat asks.
    await fake.waitFor(() => GROUPS.every((g) => fake.sentTo(g).length > 0), "both groups' first replies");
    const other = commandUpdate(fake, OTHER, '/help');
    telegram.chat(OTHER, [other.update]);

    await fake.waitFor(() => fake.sentTo(OTHER).length === 1, "the other chat's reply");
    expect(fake.sentTo(OTHER)[0]).toMatchObject({ replyTo: other.messageId });
    expect(fake.events(OTHER).map((e) => e.at)).toEqual([0]);
    await fake.waitFor(() => telegram!.answers.some((a) => a.chat === OTHER), "the other chat's answer");
    expect(telegram.answers.filter((a) => a.chat === OTHER)).toMatchObject([{ status: 200, at: 0 }]);

    // The groups' replies at 20 a minute: 40 take 80 s of fake time. No request waits for them past the limit.
    await clock.advance(180_000);
    const answers = telegram.answers;
    expect(answers).toHaveLength(GROUPS.length * MEMBERS * COMMANDS_EACH + 1);
    // A request is held WEBHOOK_ANSWER_MS at most once its reply is queued (here at once); the fake clock may move on by a pacer step while it
    // is on its way (held until its reply, the last ones would wait most of a minute).
    expect(answers.filter((a) => a.status !== 200 || a.at - a.posted > 2 * WEBHOOK_ANSWER_MS)).toEqual([]);
    // Some were held (their reply waited for the group's turn), and those the full limit.
    expect(answers.filter((a) => a.at - a.posted === WEBHOOK_ANSWER_MS).length).toBeGreaterThan(0);
    for (const group of GROUPS) {
      const sent = fake.sentTo(group);
      expect(sent).toHaveLength(MEMBERS * COMMANDS_EACH);
      expect(fake.events(group).at(-1)!.at).toBeLessThanOrEqual(81_000);
      const members = askedBy.get(group)!;
      const memberOf = (replyTo: number | undefined) => [...members].find(([, ids]) => replyTo !== undefined && ids.includes(replyTo))?.[0];
      for (const [member, asked] of members) expect(sent.filter((m) => memberOf(m.replyTo) === member).map((m) => m.replyTo), `member ${member}`).toEqual(asked);
      // Members in turn: the first eight replies answer eight different members.
      expect(new Set(sent.slice(0, MEMBERS).map((m) => memberOf(m.replyTo))).size).toBe(MEMBERS);
    }
    expect(fake.limited).toBe(0);
  }, 30_000);
});
