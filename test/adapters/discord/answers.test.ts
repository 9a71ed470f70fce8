/**
 * What members type and what they see, on the fake Discord with the real discord.js client: names shown without the
 * characters that reorder or hide text, words typed into one option read as a text platform reads them, /alerts on
 * checked like /alerts channel before alerts point at a channel, and an answer Discord fails to take ending in a
 * private error, never a stuck "thinking…" or a public one.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DiscordAdapter } from '../../../src/adapters/discord/adapter.js';
import { memberName } from '../../../src/replies/proposals.js';
import type { ReplyImage } from '../../../src/replies/reply.js';
import type { Services } from '../../../src/service.js';
import { PERM, admin, guild, member, slashCommand, str, sub, user, type FakeChannel, type FakeGuild, type Invoker, type OptionJson } from '../../fakes/discord/payloads.js';
import { FakeDiscord } from '../../fakes/discord/server.js';
import { dayServices, startAdapter } from './helpers.js';

const EPHEMERAL = 1 << 6;
/** What shows nothing or reorders a line: bidi embeddings, overrides and isolates, zero-width and direction marks, fillers. */
const HIDDEN = /[\u202A-\u202E\u2066-\u2069\u200B\u200E\u200F\u115F\u1160\u3164\uFFA0]/u;

let fake: FakeDiscord;
let bot: DiscordAdapter;
let services: Services;
let chartsOn = false;
const PNG = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 1, 2, 3, 4]);

const server = guild('Trading Floor', ['general', 'liquidations']);
const [general] = server.channels as [FakeChannel, FakeChannel];

function command(name: string, options: OptionJson[], who: Invoker = member(), where: { guild?: FakeGuild; channelId?: string } = {}) {
  return slashCommand({ applicationId: fake.applicationId, guild: where.guild ?? server, channelId: where.channelId ?? general.id, invoker: who, name, options });
}

beforeAll(async () => {
  const day = await dayServices();
  const roomy = { ...day.config, limits: { ...day.config.limits, commandsPerUserPerMinute: 10_000, commandsPerChatPerMinute: 10_000 } };
  const image = (asset: string, window: string): ReplyImage => ({ render: async () => PNG, width: 1200, height: 675, alt: `${asset} liquidations, ${window}`, filename: `liqs-${asset.toLowerCase()}-${window}.png` });
  services = { ...day, config: roomy, charts: { liqs: (s) => (chartsOn ? image(s.asset, s.window) : undefined), levels: () => undefined } };
  fake = await FakeDiscord.start({ guilds: [server] });
  bot = await startAdapter(fake, services);
});

afterAll(async () => {
  await bot?.stop();
  await fake?.close();
});

describe("members' names", () => {
  it('are shown without bidi overrides, isolates, zero-width characters or fillers; a name that shows nothing falls back to the username', async () => {
    const shownAs: [Invoker, string][] = [
      [member(user(undefined, '\u202Eevil\u202C name')), 'evil name'],
      [member(user(undefined, 'ann\u2067bob')), 'annbob'],
      [member(user(undefined, 'zero\u200Bwidth')), 'zerowidth'],
      // A Hangul filler shows blank: the global name is no name, the username is.
      [member({ ...user(undefined, 'fillerfan'), global_name: '\u3164' }), 'fillerfan'],
      // A nickname of nothing visible: the global name.
      [{ ...member(user(undefined, 'Bob G')), nick: '\u200B\u202E' }, 'Bob G'],
      // Joiners shape an emoji: they stay.
      [member(user(undefined, 'dad 👨\u200D👩\u200D👧')), 'dad 👨\u200D👩\u200D👧'],
    ];
    for (const [i, [who, name]] of shownAs.entries()) {
      const cb = await fake.interact(command('level', [sub('propose', [str('asset', 'eth'), str('level', `${2400 + i * 10}`), str('why', 'the line')])], who));
      const line: string = cb.data.embeds[0].description.split('\n')[0];
      expect(line).toContain(`**${name}** proposes`);
      expect(line).not.toMatch(HIDDEN);
    }
    const list = await fake.interact(command('level', [sub('list')]));
    expect(JSON.stringify(list.data.embeds)).not.toMatch(HIDDEN);
  });

  it('are shown so on every platform: memberName leaves out what shows nothing, keeps joiners, and never shows an empty name', () => {
    expect(memberName({ id: '1', name: '\u202Eevil\u202C' })).toBe('evil');
    expect(memberName({ id: '1', name: 'a\u2067b\u200Bc\uFEFFd' })).toBe('abcd');
    expect(memberName({ id: '1', name: 'line\nbreak' })).toBe('line break');
    expect(memberName({ id: '1', name: '\u3164\u115F\u1160\uFFA0\u200B' })).toBe('a member');
    expect(memberName({ id: '1', name: 'کاربر\u200Cها 👨\u200D👩\u200D👧' })).toBe('کاربر\u200Cها 👨\u200D👩\u200D👧');
  });
});

describe('options typed as on a text platform', () => {
  it('reads more words typed into an asset option as the options after it: `eth 30m` is ETH over 30m', async () => {
    const liqs = await fake.interact(command('liqs', [str('asset', 'eth 30m')]));
    expect(liqs.data.flags ?? 0).toBe(0);
    expect(liqs.data.embeds[0].title).toBe('ETH liquidations · 30m');
    // A number and its unit typed apart are one window, as on Telegram.
    const oi = await fake.interact(command('oi', [str('asset', 'eth 4 h')]));
    expect(oi.data.flags ?? 0).toBe(0);
    expect(oi.data.embeds[0].title).toBe('ETH open interest · 4h');
    // A window given in its own option stays; the word left over is said to be ignored, not dropped.
    const both = await fake.interact(command('liqs', [str('asset', 'btc 30m'), str('window', '4h')]));
    expect(both.data.embeds[0].title).toBe('BTC liquidations · 4h');
    expect(both.data.embeds.map((e: { description?: string }) => e.description ?? '').join('\n')).toContain('Ignored "30m"');
  });
});

describe('/alerts on', () => {
  const floor = guild('Quiet Floor', ['general', 'announcements']);
  const [open, shut] = floor.channels as [FakeChannel, FakeChannel];
  shut.overwrites = [{ id: floor.botRoleId, type: 0, allow: '0', deny: String(PERM.SendMessages | PERM.EmbedLinks) }];
  const boss = admin(user(undefined, 'boss'));
  const alerts = (channel: FakeChannel, part: string) => fake.interact(command('alerts', [sub(part)], boss, { guild: floor, channelId: channel.id }));

  it('run in a channel the bot may not post in, says what is missing and changes nothing, as /alerts channel does', async () => {
    fake.addGuild(floor);
    const refused = await alerts(shut, 'on');
    expect(refused.data.flags).toBe(EPHEMERAL);
    const text: string = refused.data.embeds[0].description;
    expect(text).toMatch(/^I can't post in (this channel|\\#announcements): missing Send Messages, Embed Links\./);
    expect(text).toContain('then run /alerts on again');
    expect(services.store.getSubscription(`discord:${floor.id}`)).toBeUndefined();

    // Where it may post, alerts are turned on there.
    const on = await alerts(open, 'on');
    expect(on.data.embeds[0].description).toContain('Alerts are ON');
    expect(services.store.getSubscription(`discord:${floor.id}`)).toMatchObject({ enabled: true, target: `channel:${open.id}` });

    // Turned on again from the locked channel, alerts still post to the channel set, the one checked: taken.
    await alerts(open, 'off');
    const again = await alerts(shut, 'on');
    expect(again.data.embeds[0].description).toContain('Alerts are ON');
    expect(services.store.getSubscription(`discord:${floor.id}`)).toMatchObject({ enabled: true, target: `channel:${open.id}` });

    // …unless the bot may no longer post there: then it is named.
    open.overwrites = [{ id: floor.botRoleId, type: 0, allow: '0', deny: String(PERM.ViewChannel) }];
    await alerts(open, 'off');
    const locked = await alerts(shut, 'on');
    expect(locked.data.embeds[0].description).toMatch(/^I can't post in (the alerts channel|\\#general): missing View Channel/);
    expect(services.store.getSubscription(`discord:${floor.id}`)?.enabled).toBe(false);
  });
});

describe('an answer Discord fails to take', () => {
  it('a deferred reply that cannot be edited (502 after retries): the placeholder goes and the error comes privately', async () => {
    chartsOn = true; // a chart to render: deferred at once, in public
    fake.failures.push({ path: /\/messages\/@original$/, status: 502, method: 'PATCH' });
    try {
      const it = command('liqs', [str('asset', 'btc')]);
      const cb = await fake.interact(it);
      expect(cb.type).toBe(5);
      expect(cb.data?.flags ?? 0).toBe(0);
      const rec = fake.interaction(it.id);
      await fake.until(() => rec.followups.length > 0 || rec.takenOver, 10_000, 'the error answer');
      // Not a follow-up taking over the public placeholder (it would show the error to everyone): deleted, then private.
      expect(rec.takenOver).toBeFalsy();
      expect(rec.deleted).toBe(true);
      expect(rec.followups).toHaveLength(1);
      expect(rec.followups[0]!.flags & EPHEMERAL).toBe(EPHEMERAL);
      expect(rec.followups[0]!.embeds[0].description).toContain('Something went wrong');
      expect(fake.requests.filter((r) => r.method === 'PATCH' && r.path.includes(it.token))).toHaveLength(4); // discord.js retried thrice
    } finally {
      fake.failures.length = 0;
      chartsOn = false;
    }
  });
});
