/**
 * The real discord.js client against the local fake Discord: it identifies with the Guilds intent only, and
 * answers slash commands, buttons and autocomplete through the interaction callback with native-looking embeds.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DiscordAdapter } from '../../../src/adapters/discord/adapter.js';
import type { ReplyImage } from '../../../src/replies/reply.js';
import type { Services } from '../../../src/service.js';
import {
  PERM,
  admin,
  autocomplete,
  buttonClick,
  chan,
  guild,
  member,
  slashCommand,
  str,
  sub,
  user,
  type FakeChannel,
  type OptionJson,
} from '../../fakes/discord/payloads.js';
import { FakeDiscord } from '../../fakes/discord/server.js';
import { dayServices, startAdapter } from './helpers.js';

const EPHEMERAL = 1 << 6;
const RED = 0xe5484d;

let fake: FakeDiscord;
let bot: DiscordAdapter;
let services: Services;
/** The chart service draws only while a test turns it on. */
let chartsOn = false;
const PNG = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 1, 2, 3, 4]);

const server = guild('Trading Floor', ['general', 'liquidations']);
const [general, liquidations] = server.channels as [FakeChannel, FakeChannel];
const locked: FakeChannel = {
  id: `${BigInt(liquidations.id) + 7n}`,
  guildId: server.id,
  name: 'locked',
  type: 0,
  overwrites: [{ id: server.botRoleId, type: 0, allow: '0', deny: String(PERM.SendMessages | PERM.AttachFiles) }],
};
server.channels.push(locked);

function command(name: string, options: OptionJson[] = [], who = member(), resolvedChannels?: FakeChannel[]) {
  return slashCommand({ applicationId: fake.applicationId, guild: server, channelId: general.id, invoker: who, name, options, ...(resolvedChannels ? { resolvedChannels } : {}) });
}

beforeAll(async () => {
  const day = await dayServices();
  const image = (asset: string, window: string): ReplyImage => ({
    render: async () => PNG,
    width: 1200,
    height: 675,
    alt: `${asset} liquidations, ${window}`,
    filename: `liqs-${asset.toLowerCase()}-${window}.png`,
  });
  services = { ...day, charts: { liqs: (s) => (chartsOn ? image(s.asset, s.window) : undefined), levels: () => undefined } };
  fake = await FakeDiscord.start({ guilds: [server] });
  bot = await startAdapter(fake, services);
});

afterAll(async () => {
  await bot?.stop();
  await fake?.close();
});

describe('connecting', () => {
  it('identifies once with the Guilds intent only (no privileged intents) and caches the server', () => {
    expect(fake.identifies).toHaveLength(1);
    expect(fake.identifies[0]!.intents).toBe(1);
    expect(bot.client.guilds.cache.get(server.id)?.name).toBe('Trading Floor');
  });

  it('keeps its own member, the channels and roles, but no member, user or message a command brought', async () => {
    const someone = member();
    const cb = await fake.interact(command('liqs', [str('asset', 'eth')], someone));
    expect(cb.type).toBe(4);
    const guild = bot.client.guilds.cache.get(server.id)!;
    expect(guild.members.me?.id).toBe(fake.applicationId);
    expect(guild.members.cache.has(someone.user.id)).toBe(false);
    expect(bot.client.users.cache.has(someone.user.id)).toBe(false);
    expect(guild.channels.cache.size).toBe(server.channels.length);
    expect(guild.roles.cache.has(server.botRoleId)).toBe(true);
    const channel = guild.channels.cache.get(general.id)!;
    expect('messages' in channel && channel.messages.cache.size).toBe(0);
  });
});

describe('/liqs', () => {
  it('answers /liqs eth with an embed: title, figures, exchange fields, red for a long flush, window buttons', async () => {
    const cb = await fake.interact(command('liqs', [str('asset', 'eth')]));
    expect(cb.type).toBe(4);
    const embed = cb.data.embeds[0];
    expect(embed.title).toBe('ETH liquidations · 24h');
    expect(embed.color).toBe(RED);
    expect(embed.description).toContain('**$617M** liquidated in 24h');
    expect(embed.fields.map((f: { name: string }) => f.name)).toEqual(['By exchange', 'Open interest & funding', 'Largest']);
    // "OKX*" marks a sampled venue: the star is escaped, not read as italics.
    expect(embed.fields[0].value).toContain('**OKX\\***');
    expect(embed.footer.text).toContain('SYNTHETIC demo data');
    expect(cb.data.flags ?? 0).toBe(0);
    expect(cb.data.allowed_mentions).toEqual({ parse: [] });
    const buttons = cb.data.components[0].components;
    expect(buttons.map((b: { custom_id: string }) => b.custom_id)).toEqual(['liqs ETH 1h', 'liqs ETH 4h', 'liqs ETH 24h', 'liqs ETH 7d']);
    expect(buttons.find((b: { label: string }) => b.label === '24h').style).toBe(1); // the current window: primary
    expect(buttons.find((b: { label: string }) => b.label === '4h').style).toBe(2);
  });

  it('a window button updates the message it sits on (callback type 7), not a new message', async () => {
    const first = await fake.interact(command('liqs', [str('asset', 'eth')]));
    const message = fake.messageJson({ id: '1474453241771589642', channel_id: general.id, embeds: first.data.embeds, components: first.data.components, attachments: [], flags: 0, edits: 0 });
    const click = buttonClick({ applicationId: fake.applicationId, guild: server, channelId: general.id, invoker: member(), customId: 'liqs ETH 4h', message });
    const cb = await fake.interact(click);
    expect(cb.type).toBe(7);
    expect(cb.data.embeds[0].title).toBe('ETH liquidations · 4h');
    expect(cb.data.components[0].components.find((b: { label: string }) => b.label === '4h').style).toBe(1);
    expect(cb.data.attachments).toEqual([]); // an old chart would be dropped
  });

  it('attaches the chart as the embed image when the reply has one, deferring first (callback type 5)', async () => {
    chartsOn = true;
    try {
      const it = command('liqs', [str('asset', 'btc'), str('window', '4h')]);
      const cb = await fake.interact(it);
      expect(cb.type).toBe(5);
      const rec = fake.interaction(it.id);
      const original = await fake.until(() => (rec.original?.edits ? rec.original : undefined), 10_000, 'the deferred reply to be edited');
      expect(original.embeds[0].title).toBe('BTC liquidations · 4h');
      expect(original.embeds[0].image).toEqual({ url: 'attachment://liqs-btc-4h.png' });
      expect(original.attachments).toMatchObject([{ filename: 'liqs-btc-4h.png', size: PNG.length, description: 'BTC liquidations, 4h' }]);
      const patch = fake.requests.find((r) => r.method === 'PATCH' && r.path.endsWith(`/${it.token}/messages/@original`))!;
      expect(patch.authorized).toBe(false); // interaction webhooks carry no bot token
      expect(patch.files.map((f) => f.name)).toEqual(['liqs-btc-4h.png']);
    } finally {
      chartsOn = false;
    }
  });

  it('autocompletes assets from the market as they are typed', async () => {
    const cb = await fake.interact(autocomplete({ applicationId: fake.applicationId, guild: server, channelId: general.id, invoker: member(), name: 'liqs', options: [{ name: 'asset', type: 3, value: 'b', focused: true }] }));
    expect(cb.type).toBe(8);
    expect(cb.data.choices).toEqual([
      { name: 'BTC', value: 'BTC' },
      { name: 'BNB', value: 'BNB' },
    ]);
  });

  it('suggests the windows, and a window typed as the command reads it (any from 5m to 7d), never the text typed', async () => {
    const ask = async (value: string) =>
      (await fake.interact(autocomplete({ applicationId: fake.applicationId, guild: server, channelId: general.id, invoker: member(), name: 'liqs', options: [{ name: 'window', type: 3, value, focused: true }] }))).data.choices.map((c: { value: string }) => c.value);
    expect(await ask('')).toEqual(['1h', '4h', '12h', '24h', '7d']);
    expect(await ask('4')).toEqual(['4h', '4d', '24h']); // not 4m: under 5 minutes
    expect(await ask('30')).toEqual(['30m', '30h']); // not 30d: over 7 days
    expect(await ask('30m')).toEqual(['30m']);
    expect(await ask('1.5h')).toEqual(['90m']);
    expect(await ask('7d')).toEqual(['7d']);
    // What shows nothing is not read: a right-to-left override before 4h, a lone zero-width space.
    expect(await ask('\u202E4h')).toEqual(['4h', '24h']); // as 4h is
    expect(await ask('\u200B')).toEqual(['1h', '4h', '12h', '24h', '7d']);
    // Text that is no window is never offered back as a choice (a blank or hostile name could make Discord refuse the list).
    for (const typed of ['e', 'eth', '2,35k', '@everyone', '90 days', `${'4'.repeat(19)}🚀`]) expect(await ask(typed)).toEqual([]);
  });

  it('answers an unknown asset with an ephemeral sentence', async () => {
    const cb = await fake.interact(command('liqs', [str('asset', 'notacoin')]));
    expect(cb.type).toBe(4);
    expect(cb.data.flags).toBe(EPHEMERAL);
    expect(cb.data.embeds[0].description).toMatch(/NOTACOIN|notacoin/);
  });
});

describe('admin commands', () => {
  it('refuses /level add to a member without Manage Server, privately', async () => {
    const cb = await fake.interact(command('level', [sub('add', [str('asset', 'eth'), str('level', '2500')])]));
    expect(cb.type).toBe(4);
    expect(cb.data.flags).toBe(EPHEMERAL);
    expect(cb.data.embeds[0].description).toContain('Only admins');
    expect(services.market.levels.all().some((l) => l.chat === `discord:${server.id}`)).toBe(false);
  });

  it('lets a Manage Server admin add a level whose label is shown escaped, never as markdown or a mention', async () => {
    // (a link or a mention in a label is refused: commands/parse.ts; the markdown around them is what is escaped)
    const label = '**big** [free] ||spoiler|| `code` ~~gone~~';
    const cb = await fake.interact(command('level', [sub('add', [str('asset', 'eth'), str('level', '2700-2740'), str('label', label)])], admin()));
    expect(cb.data.flags).toBe(EPHEMERAL); // a settings change, confirmed to the admin who made it
    expect(cb.data.embeds[0].description).toContain('Watching ETH');
    const list = await fake.interact(command('level', [sub('list')])); // anyone may list
    const text: string = list.data.embeds[0].description;
    expect(text).toContain('\\*\\*big\\*\\* \\[free\\] \\|\\|spoiler\\|\\| \\`code\\` \\~\\~gone\\~\\~');
    expect(list.data.allowed_mentions).toEqual({ parse: [] });
  });

  it('sets the alerts channel when the bot may post there, and stores it as channel:<id>', async () => {
    const cb = await fake.interact(command('alerts', [sub('channel', [chan('channel', liquidations.id)])], admin(), [liquidations]));
    expect(cb.data.flags).toBe(EPHEMERAL); // a settings change
    expect(cb.data.embeds[0].description).toContain('Alerts are ON');
    expect(services.store.getSubscription(`discord:${server.id}`)).toMatchObject({ target: `channel:${liquidations.id}`, enabled: true });
  });

  it('names the missing permissions when the bot may not post in the chosen channel, and changes nothing', async () => {
    const before = services.store.getSubscription(`discord:${server.id}`);
    const cb = await fake.interact(command('alerts', [sub('channel', [chan('channel', locked.id)])], admin(), [locked]));
    expect(cb.data.flags).toBe(EPHEMERAL);
    expect(cb.data.embeds[0].description).toContain("I can't post in \\#locked: missing Send Messages, Attach Files.");
    expect(services.store.getSubscription(`discord:${server.id}`)).toEqual(before);
  });

  it('defers (privately) when an answer takes longer than Discord waits, then edits it in', async () => {
    // A server the gateway has not delivered (an outage): checking the bot's permissions there asks REST, slowly.
    const dark = guild('Dark Pool', ['alerts']);
    dark.offline = true;
    fake.addGuild(dark);
    fake.delays.push({ path: new RegExp(`^/guilds/${dark.id}$`), ms: 1800 });
    const alertsChannel = dark.channels[0]!;
    const it = slashCommand({ applicationId: fake.applicationId, guild: dark, channelId: alertsChannel.id, invoker: admin(), name: 'alerts', options: [sub('channel', [chan('channel', alertsChannel.id)])], resolvedChannels: [alertsChannel] });
    const cb = await fake.interact(it);
    expect(cb).toMatchObject({ type: 5, data: { flags: EPHEMERAL } });
    const rec = fake.interaction(it.id);
    const original = await fake.until(() => (rec.original?.edits ? rec.original : undefined), 10_000, 'the deferred answer');
    expect(original.embeds[0].description).toContain('Alerts are ON');
    expect(services.store.getSubscription(`discord:${dark.id}`)?.target).toBe(`channel:${alertsChannel.id}`);
    // The permission check went to REST: the server, the channel (or its resolved copy) and the bot's member.
    expect(fake.requests.some((r) => r.path === `/guilds/${dark.id}/members/${fake.applicationId}`)).toBe(true);
  });

  it('refuses an alerts channel of another server, even when the interaction\'s resolved data names it, and changes nothing', async () => {
    const elsewhere = guild('Other Floor', ['their-alerts']);
    fake.addGuild(elsewhere);
    const theirs = elsewhere.channels[0]!;
    const before = services.store.getSubscription(`discord:${server.id}`);
    const cb = await fake.interact(command('alerts', [sub('channel', [chan('channel', theirs.id)])], admin(), [theirs]));
    expect(cb.data.flags).toBe(EPHEMERAL);
    expect(cb.data.embeds[0].description).toContain('\\#their\\-alerts is not a channel of this server.');
    expect(services.store.getSubscription(`discord:${server.id}`)).toEqual(before);
    // Discord itself was asked which server the channel is in.
    expect(fake.requests.some((r) => r.method === 'GET' && r.path === `/channels/${theirs.id}`)).toBe(true);
  });

  it('answers /alerts and /level only in a server: in a DM they refuse by themselves, whatever was registered', async () => {
    const me = user();
    for (const [name, options] of [['alerts', [sub('status')]], ['level', [sub('list')]]] as const) {
      const dm = slashCommand({ applicationId: fake.applicationId, channelId: '1374453241771589642', invoker: member(me, 0n), name, options: [...options] });
      const cb = await fake.interact(dm);
      expect(cb.data.flags).toBe(EPHEMERAL);
      expect(cb.data.embeds[0].description).toContain(`/${name} works in a server`);
    }
    expect(services.store.getSubscription(`discord:dm:${me.id}`)).toBeUndefined();
  });
});

describe('budgets', () => {
  it('answers a member 10 commands in a server, refuses once (privately), then answers the rest privately in one line; others are still answered', async () => {
    const spammer = member();
    const answers: string[] = [];
    for (let i = 0; i < 11; i++) {
      const cb = await fake.interact(command('help', [], spammer));
      answers.push(cb.data.flags === EPHEMERAL ? cb.data.embeds[0].description : 'answered');
    }
    expect(answers.slice(0, 10)).toEqual(Array.from({ length: 10 }, () => 'answered'));
    expect(answers[10]).toMatch(/^Easy there: too many commands in the last minute/);
    expect((await fake.interact(command('help', [], spammer))).data.embeds[0].description).toBe('Still too many commands in the last minute. Try again in 60 s.');
    const other = await fake.interact(command('help', [], member()));
    expect(other.data.flags ?? 0).toBe(0);
  });
});
