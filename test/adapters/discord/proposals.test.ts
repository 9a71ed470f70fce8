/**
 * A level the group discusses, end to end on the fake Discord: a member proposes it with /level propose, two vote
 * with the card's buttons (one changes their vote), a member's Adopt is refused privately, an admin adopts, and when
 * the rehearsed day breaks the zone, the alert is posted in the channel as a reply to the proposal's card
 * (message_reference). The real discord.js client and the real bot (LiqBot) on event time.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Platform } from '../../../commands/types.js';
import { loadConfig } from '../../../config/load.js';
import type { ChatAdapter } from '../../../src/adapters/contract.js';
import type { DiscordAdapter } from '../../../src/adapters/discord/adapter.js';
import { LiqBot } from '../../../src/bot.js';
import type { MarketEvent } from '../../../src/core/events.js';
import { newReport, readEventFile } from '../../../src/io/event-file.js';
import { createMemoryStore } from '../../../src/store/memory.js';
import { admin, buttonClick, guild, member, slashCommand, str, sub, user, type FakeChannel, type Invoker } from '../../fakes/discord/payloads.js';
import { FakeDiscord } from '../../fakes/discord/server.js';
import { FIXTURE, startAdapter } from './helpers.js';

const EPHEMERAL = 1 << 6;
const server = guild('Trading Floor', ['general', 'liquidations']);
const [general] = server.channels as [FakeChannel, FakeChannel];
const ann = member(user(undefined, 'ann'));
const bob = member(user(undefined, 'bob'));
const cat = member(user(undefined, 'cat'));
const boss = admin(user(undefined, 'boss'));

let fake: FakeDiscord;
let discord: DiscordAdapter;
let bot: LiqBot;
let events: MarketEvent[];
let clock = 0;
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
  fake = await FakeDiscord.start({ guilds: [server] });
  discord = await startAdapter(fake, bot);
  adapters.discord = discord;
  bot.outbox.start();
});
afterAll(async () => {
  await bot?.outbox.stop();
  await discord?.stop();
  await fake?.close();
});

const slash = (name: string, options: Parameters<typeof sub>[1], who: Invoker) =>
  fake.interact(slashCommand({ applicationId: fake.applicationId, guild: server, channelId: general.id, invoker: who, name, options }));

describe('a level the group proposes, votes on and adopts, on Discord', () => {
  it('answers the thread: the break alert replies to the proposal card in the channel', async () => {
    replayUntil(Date.parse('2026-01-31T10:00:00Z'));
    await slash('alerts', [sub('on')], boss);
    expect(bot.store.getSubscription(`discord:${server.id}`)).toMatchObject({ enabled: true, target: `channel:${general.id}` });

    const it = slashCommand({
      applicationId: fake.applicationId, guild: server, channelId: general.id, invoker: ann, name: 'level',
      options: [sub('propose', [str('asset', 'eth'), str('level', '2750-2800'), str('why', 'where it turns **bold** ~~x~~')])],
    });
    const proposed = await fake.interact(it);
    expect(proposed.type).toBe(4);
    const embed = proposed.data.embeds[0];
    // What the member typed is escaped: no bold, no strike-through (a mention is refused at the command).
    expect(JSON.stringify(embed)).toContain('\\\\*\\\\*bold\\\\*\\\\*');
    expect(proposed.data.allowed_mentions).toEqual({ parse: [] });
    const original = fake.interaction(it.id).original!;
    let card = fake.messageJson({ ...original, channel_id: general.id });

    const press = async (customId: string, who: Invoker) => {
      const cb = await fake.interact(buttonClick({ applicationId: fake.applicationId, guild: server, channelId: general.id, invoker: who, customId, message: card }));
      if (cb.type === 7) card = fake.messageJson({ ...original, channel_id: general.id, embeds: cb.data.embeds, components: cb.data.components });
      return cb;
    };
    const labels = () => (card.components as { components: { label: string }[] }[])[0]!.components.map((b) => b.label);
    await press('level vote p1 up', bob);
    await press('level vote p1 up', cat);
    await press('level vote p1 down', bob); // bob changes his vote: replaced, not added
    expect(labels().slice(0, 2)).toEqual(['👍 1', '👎 1']);
    await press('level vote p1 up', bob);
    expect(labels().slice(0, 2)).toEqual(['👍 2', '👎 0']);

    const refused = await press('level adopt p1', cat);
    expect(refused.data.flags & EPHEMERAL).toBe(EPHEMERAL);
    expect(JSON.stringify(refused.data.embeds)).toContain('Only admins');
    expect(bot.market.levels.get(`discord:${server.id}:ETH@2750-2800`)).toBeUndefined();

    const adopted = await press('level adopt p1', boss);
    expect(adopted.type).toBe(7);
    expect(JSON.stringify(adopted.data.embeds)).toContain('Adopted** by boss');
    expect(bot.market.levels.get(`discord:${server.id}:ETH@2750-2800`)?.thread).toEqual({ ref: `${general.id}:${original.id}`, target: `channel:${general.id}` });

    replayUntil(Infinity);
    await bot.outbox.idle();
    const posted = fake.messages.get(general.id) ?? [];
    const alert = posted.find((m) => /2,750–2,800/.test(JSON.stringify(m.embeds)) && /lost/i.test(JSON.stringify(m.embeds)));
    expect(alert, posted.map((m) => m.embeds[0]?.title).join(' | ')).toBeDefined();
    expect(alert!.message_reference).toEqual({ message_id: original.id, channel_id: general.id });
    expect(posted.filter((m) => m.message_reference?.message_id === original.id)).toHaveLength(1);
  });

  it('a card proposed and adopted with slash commands only (no button pressed) is the thread its alerts answer', async () => {
    const it = slashCommand({ applicationId: fake.applicationId, guild: server, channelId: general.id, invoker: ann, name: 'level', options: [sub('propose', [str('asset', 'eth'), str('level', '2560'), str('why', 'weekly low')])] });
    const proposed = await fake.interact(it);
    expect(proposed.type).toBe(4);
    // The answer's message id was read back with the answer (?with_response=true): no second request for it.
    const callback = fake.requests.find((r) => r.path === `/interactions/${it.id}/${it.token}/callback`)!;
    expect(callback.query).toContain('with_response=true');
    const card = `${general.id}:${fake.interaction(it.id).original!.id}`;
    // The card is its proposal's home once its answer came back.
    const home = () => bot.store.getProposal(`discord:${server.id}:p2`)?.messageRef;
    expect(await fake.until(home, 5000, 'the card to become its proposal\'s home')).toBe(card);
    const adopted = await slash('level', [sub('adopt', [str('id', 'p2')])], boss);
    expect(adopted.data.flags ?? 0).toBe(0);
    expect(JSON.stringify(adopted.data.embeds)).toContain('alerts on it answer this thread');
    expect(bot.market.levels.get(`discord:${server.id}:ETH@2560`)?.thread).toEqual({ ref: card, target: `channel:${general.id}` });
    expect(bot.store.getProposal(`discord:${server.id}:p2`)).toMatchObject({ messageRef: card, thread: `channel:${general.id}` });

    // A proposal without a card to call home (one proposed before cards were read back): the adopted card becomes it.
    await slash('level', [sub('propose', [str('asset', 'eth'), str('level', '2580')])], bob);
    await fake.until(() => bot.store.getProposal(`discord:${server.id}:p3`)?.messageRef, 5000, 'the card to become its proposal\'s home');
    const { messageRef: _ref, thread: _thread, ...homeless } = bot.store.getProposal(`discord:${server.id}:p3`)!;
    bot.apply({ kind: 'proposal.put', proposal: homeless });
    const adopt = slashCommand({ applicationId: fake.applicationId, guild: server, channelId: general.id, invoker: boss, name: 'level', options: [sub('adopt', [str('id', 'p3')])] });
    await fake.interact(adopt);
    const adoptedCard = `${general.id}:${fake.interaction(adopt.id).original!.id}`;
    const thread = await fake.until(() => bot.market.levels.get(`discord:${server.id}:ETH@2580`)?.thread, 5000, 'the adopted level\'s thread');
    expect(thread).toEqual({ ref: adoptedCard, target: `channel:${general.id}` });
  });

  it('a deleted proposal card still gets the alert, as a plain post', async () => {
    const r = await discord.deliver({ chat: `discord:${server.id}`, target: `channel:${general.id}`, replyTo: `${general.id}:123456789012345678` }, { blocks: [[['ETH $2,350 lost']]] });
    expect(r.ok).toBe(true);
    const last = (fake.messages.get(general.id) ?? []).at(-1)!;
    expect(last.message_reference).toBeUndefined();
  });
});
