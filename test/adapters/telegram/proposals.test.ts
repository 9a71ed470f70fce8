/**
 * A level the group discusses, end to end on the fake Bot API: a member proposes it, two vote (one changes their
 * vote), a member cannot adopt it, an admin adopts it from the card, and when the rehearsed day breaks it, the
 * alert arrives as a reply to the proposal's card. Real telegraf, the real bot (LiqBot) on event time.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Platform } from '../../../commands/types.js';
import { loadConfig } from '../../../config/load.js';
import type { ChatAdapter } from '../../../src/adapters/contract.js';
import { createTelegramAdapter, scaleLimits, type TelegramAdapter } from '../../../src/adapters/telegram/adapter.js';
import { LiqBot } from '../../../src/bot.js';
import type { MarketEvent } from '../../../src/core/events.js';
import { newReport, readEventFile } from '../../../src/io/event-file.js';
import { createMemoryStore } from '../../../src/store/memory.js';
import { FakeTelegram, fakeLimits } from '../../fakes/telegram/server.js';
import { alice, bob, pressButton, sendCommand, type FakeUser } from '../../fakes/telegram/updates.js';
import { FIXTURE, SCALE } from './harness.js';

const carol: FakeUser = { id: 1003, first_name: 'Carol' };
const boss: FakeUser = { id: 1009, first_name: 'Boss', username: 'boss' };
const CHAT = -1_000_000_000_230;

let fake: FakeTelegram;
let adapter: TelegramAdapter;
let bot: LiqBot;
let events: MarketEvent[];
let clock = 0;
/** Feed the day's market events (not its levels: the group sets its own) up to `until`. */
let next = 0;
function replayUntil(until: number): void {
  for (; next < events.length && events[next]!.ts <= until; next++) {
    const e = events[next]!;
    clock = Math.max(clock, e.ts);
    if (e.type !== 'level') bot.ingest(e);
  }
  bot.flush();
}

beforeAll(async () => {
  events = [];
  for await (const e of readEventFile(FIXTURE, newReport())) events.push(e);
  const config = loadConfig();
  const roomy = { ...config, limits: { ...config.limits, commandsPerUserPerMinute: 10_000, commandsPerChatPerMinute: 10_000 } };
  const adapters: Partial<Record<Platform, ChatAdapter>> = {};
  bot = new LiqBot({ config: roomy, store: createMemoryStore(), now: () => clock, adapters });
  fake = await FakeTelegram.start({ limits: fakeLimits(SCALE) });
  adapter = createTelegramAdapter({ token: fake.token, apiRoot: fake.apiRoot, services: bot, limits: scaleLimits(SCALE) });
  adapters.telegram = adapter;
  await adapter.start();
  bot.outbox.start();
  fake.setAdmins(CHAT, [boss.id]);
});
afterAll(async () => {
  await bot?.outbox.stop();
  await adapter?.stop();
  await fake?.close();
});

async function press(messageId: number, label: RegExp, who: FakeUser): Promise<{ text?: string; show_alert?: boolean }> {
  const id = pressButton(fake, CHAT, messageId, label, who);
  await fake.waitFor(() => fake.callbackAnswers.some((a) => a.id === id), `${who.first_name}'s press answered`);
  return fake.callbackAnswers.find((a) => a.id === id)!;
}

describe('a level the group proposes, votes on and adopts', () => {
  it('answers the thread: the break alert of the rehearsed day replies to the proposal card', async () => {
    replayUntil(Date.parse('2026-01-31T10:00:00Z'));
    sendCommand(fake, CHAT, '/alerts on', { from: boss });
    await fake.waitFor(() => bot.store.getSubscription(`telegram:${CHAT}`)?.enabled === true, 'alerts on');

    const asked = sendCommand(fake, CHAT, '/level propose eth 2750-2800 "where it turns <script>&"', { from: alice });
    await fake.waitFor(() => fake.sentTo(CHAT).some((m) => m.text.includes('proposes')), 'the proposal card');
    const card = fake.sentTo(CHAT).find((m) => m.text.includes('proposes'))!;
    expect(card.replyTo).toBe(asked);
    // The member's reason arrives as they typed it, escaped in the HTML.
    expect(card.text).toContain('“where it turns <script>&”');
    expect(card.html).toContain('where it turns &lt;script&gt;&amp;');

    await press(card.messageId, /^👍/, bob);
    await press(card.messageId, /^👍/, carol);
    await press(card.messageId, /^👎/, bob); // bob changes his mind: his vote is replaced, not added
    await fake.waitFor(() => /👍 1 · 👎 1/.test(fake.message(CHAT, card.messageId)!.text), 'the card shows 1/1');
    await press(card.messageId, /^👍/, bob);
    await fake.waitFor(() => /👍 2 · 👎 0/.test(fake.message(CHAT, card.messageId)!.text), 'the card shows 2/0');

    const refused = await press(card.messageId, /^Adopt/, carol);
    expect(refused).toMatchObject({ show_alert: true, text: expect.stringContaining('Only admins') });
    expect(bot.market.levels.get(`telegram:${CHAT}:ETH@2750-2800`)).toBeUndefined();

    await press(card.messageId, /^Adopt/, boss);
    await fake.waitFor(() => fake.message(CHAT, card.messageId)!.text.includes('Adopted by Boss'), 'the card says adopted');
    expect(fake.message(CHAT, card.messageId)!.keyboard).toBeUndefined();
    expect(bot.market.levels.get(`telegram:${CHAT}:ETH@2750-2800`)?.thread).toEqual({ ref: `${CHAT}:${card.messageId}` });

    // The rest of the day: ETH loses the zone in the afternoon.
    replayUntil(Infinity);
    await bot.outbox.idle();
    const alert = fake.sentTo(CHAT).find((m) => /lost \$2,750–2,800/.test(m.text));
    expect(alert, fake.sentTo(CHAT).map((m) => m.text.split('\n')[0]).join(' | ')).toBeDefined();
    expect(alert!.replyTo).toBe(card.messageId);
    // One message, which is the reply: the alert text is not posted a second time.
    expect(fake.sentTo(CHAT).filter((m) => /lost \$2,750–2,800/.test(m.text))).toHaveLength(1);
    expect(bot.store.getProposal(`telegram:${CHAT}:p1`)).toMatchObject({ status: 'adopted', votes: { [String(bob.id)]: 'up', [String(carol.id)]: 'up' } });
  });

  it('posts the weekly digest with its chart when the week turns, once, to a chat that switched it on', async () => {
    sendCommand(fake, CHAT, '/alerts digest on', { from: boss });
    await fake.waitFor(() => bot.store.getSubscription(`telegram:${CHAT}`)?.digest === true, 'digest on');
    expect(bot.postDigests()).toBe(0); // the first look notes the week (Saturday Jan 31)
    clock = Date.parse('2026-02-02T00:00:30Z');
    const before = fake.sentTo(CHAT).length;
    expect(bot.postDigests()).toBe(1); // queued in the outbox, sent like an alert
    await bot.outbox.idle();
    const digest = fake.sentTo(CHAT).slice(before);
    expect(digest.map((m) => m.kind)).toContain('photo');
    const text = digest.map((m) => m.text).join('\n');
    expect(text).toContain('Weekly levels digest');
    expect(text).toMatch(/ETH \$2,750–2,800 lost Jan 31/);
    expect(bot.postDigests()).toBe(0); // once per week
  });

  it('a deleted proposal message still gets the alert, as a plain post', async () => {
    const r = await adapter.deliver({ chat: `telegram:${CHAT}`, replyTo: `${CHAT}:999999` }, { blocks: [[['ETH $2,350 lost']]] });
    expect(r.ok).toBe(true);
    const m = fake.sentTo(CHAT).at(-1)!;
    expect(m.text).toBe('ETH $2,350 lost');
    expect(m.replyTo).toBeUndefined();
  });
});
