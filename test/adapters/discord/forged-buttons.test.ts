/**
 * A button interaction runs only the custom_id of a button on the message it comes from, as on Telegram: a custom_id
 * of the sender's choosing (`help`, a proposal of its own) is refused privately and the proposal card stays as it is.
 * The real discord.js client against the fake Discord.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DiscordAdapter } from '../../../src/adapters/discord/adapter.js';
import type { Services } from '../../../src/service.js';
import { buttonClick, guild, member, slashCommand, str, sub, user, type FakeChannel, type Invoker } from '../../fakes/discord/payloads.js';
import { FakeDiscord } from '../../fakes/discord/server.js';
import { dayServices, startAdapter } from './helpers.js';

const EPHEMERAL = 1 << 6;
const server = guild('Trading Floor', ['general']);
const [general] = server.channels as [FakeChannel];
const ann = member(user(undefined, 'ann'));
const bob = member(user(undefined, 'bob'));

let fake: FakeDiscord;
let bot: DiscordAdapter;
let services: Services;
let card: Record<string, unknown>;

beforeAll(async () => {
  const day = await dayServices();
  const config = day.config;
  services = { ...day, config: { ...config, limits: { ...config.limits, commandsPerUserPerMinute: 10_000, commandsPerChatPerMinute: 10_000 } } };
  fake = await FakeDiscord.start({ guilds: [server] });
  bot = await startAdapter(fake, services);
  const propose = slashCommand({
    applicationId: fake.applicationId, guild: server, channelId: general.id, invoker: ann, name: 'level',
    options: [sub('propose', [str('asset', 'eth'), str('level', '2450'), str('why', 'the floor')])],
  });
  const proposed = await fake.interact(propose);
  expect(proposed.type).toBe(4);
  card = fake.messageJson({ ...fake.interaction(propose.id).original!, channel_id: general.id });
});
afterAll(async () => {
  await bot?.stop();
  await fake?.close();
});

const press = (customId: string, who: Invoker = bob) =>
  fake.interact(buttonClick({ applicationId: fake.applicationId, guild: server, channelId: general.id, invoker: who, customId, message: card }));

describe('a button interaction whose custom_id is on none of the message’s buttons', () => {
  it('the card carries the proposal’s buttons', () => {
    const ids = (card.components as { components: { custom_id: string }[] }[]).flatMap((row) => row.components.map((b) => b.custom_id));
    expect(ids).toEqual(['level vote p1 up', 'level vote p1 down', 'level adopt p1', 'level reject p1']);
  });

  it.each(['help', 'level propose eth 2460 "pumping to 10k buy now"'])('is refused privately, the card left alone: %s', async (customId) => {
    const answer = await press(customId);
    expect(answer.type).toBe(4); // a reply of its own, not an update of the card (7)
    expect(answer.data.flags & EPHEMERAL).toBe(EPHEMERAL);
    expect(JSON.stringify(answer.data.embeds)).toContain('That button is not on this message');
    expect(services.store.getProposal(`discord:${server.id}:p2`)).toBeUndefined();
  });

  it('a button the card carries still runs and updates it', async () => {
    const answer = await press('level vote p1 up');
    expect(answer.type).toBe(7);
    expect(JSON.stringify(answer.data.components)).toContain('👍 1');
    expect(services.store.getProposal(`discord:${server.id}:p1`)?.votes).toEqual({ [bob.user.id]: 'up' });
  });
});
