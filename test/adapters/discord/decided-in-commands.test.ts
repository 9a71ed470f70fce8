/**
 * What the commands decide, the Discord adapter only carries out: words typed past an asset read as on a text platform,
 * an admin's settings change answered (and deferred) privately as the command's spec says, and `/alerts on` checked
 * against the channel the command will post to, read as the command reads its settings (a change held while the store
 * refuses writes counts). The real discord.js client against the local fake Discord.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCommandLine } from '../../../commands/index.js';
import type { CommandContext, Platform } from '../../../commands/types.js';
import { loadConfig } from '../../../config/load.js';
import type { ChatAdapter } from '../../../src/adapters/contract.js';
import type { DiscordAdapter } from '../../../src/adapters/discord/adapter.js';
import { toDiscordMessage } from '../../../src/adapters/discord/render.js';
import { LiqBot } from '../../../src/bot.js';
import type { Services } from '../../../src/service.js';
import { createMemoryStore } from '../../../src/store/memory.js';
import { faultyStore } from '../../store/faulty.js';
import { PERM, admin, chan, guild, member, slashCommand, str, sub, type FakeChannel, type FakeGuild, type Invoker, type OptionJson } from '../../fakes/discord/payloads.js';
import { FakeDiscord } from '../../fakes/discord/server.js';
import { dayServices, startAdapter } from './helpers.js';

const EPHEMERAL = 1 << 6;

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

const fakes: FakeDiscord[] = [];
const adapters: DiscordAdapter[] = [];
afterAll(async () => {
  for (const a of adapters) await a.stop();
  for (const f of fakes) await f.close();
});

async function connect(g: FakeGuild, services: Services, deferAfterMs?: number): Promise<FakeDiscord> {
  const fake = await FakeDiscord.start({ guilds: [g] });
  fakes.push(fake);
  adapters.push(await startAdapter(fake, services, deferAfterMs !== undefined ? { deferAfterMs } : {}));
  return fake;
}

const slash = (fake: FakeDiscord, name: string, options: OptionJson[], who: Invoker, resolved: FakeChannel[] = []) =>
  slashCommand({ applicationId: fake.applicationId, guild: server, channelId: general.id, invoker: who, name, options, resolvedChannels: resolved });

describe('words typed past an asset on Discord', () => {
  let fake: FakeDiscord;
  let services: Services;
  beforeAll(async () => {
    const day = await dayServices();
    services = {
      ...day,
      config: { ...day.config, limits: { ...day.config.limits, commandsPerUserPerMinute: 10_000, commandsPerChatPerMinute: 10_000 } },
      charts: { liqs: () => undefined, levels: () => undefined },
    };
    fake = await connect(server, services);
  });

  /** The answer to the same words typed on Telegram, as Discord shows it. */
  async function asText(line: string) {
    const ctx: CommandContext = { chat: { key: 'telegram:-5', platform: 'telegram', kind: 'group' }, user: { id: 'u1' }, isAdmin: false, now: services.now(), services };
    return toDiscordMessage(await runCommandLine(line, ctx)).embeds[0];
  }

  it.each(['eth last 4h', 'eth 2 wks', 'eth 1 wks', 'eth past 30 mins'])('reads "/liqs %s" as Telegram does', async (typed) => {
    const cb = await fake.interact(slash(fake, 'liqs', [str('asset', typed)], member()));
    const text = await asText(`/liqs ${typed}`);
    expect({ title: cb.data.embeds[0].title, description: cb.data.embeds[0].description }).toEqual({ title: text!.title, description: text!.description });
  });

  it('reads "eth last 4h" as the last 4 hours', async () => {
    const cb = await fake.interact(slash(fake, 'liqs', [str('asset', 'eth last 4h')], member()));
    expect(cb.data.embeds[0].title).toBe('ETH liquidations · 4h');
  });
});

describe('an admin changing levels', () => {
  let fake: FakeDiscord;
  const boss = admin();
  beforeAll(async () => {
    const day = await dayServices();
    const services = { ...day, config: { ...day.config, limits: { ...day.config.limits, commandsPerUserPerMinute: 10_000, commandsPerChatPerMinute: 10_000 } } };
    fake = await connect(server, services, 100);
  });

  it('is answered privately, as every admin settings change: /level add, a relabel and /level remove', async () => {
    for (const options of [
      [sub('add', [str('asset', 'eth'), str('level', '2600')])],
      [sub('add', [str('asset', 'eth'), str('level', '2600'), str('label', 'weekly low')])],
      [sub('remove', [str('asset', 'eth'), str('level', '2600')])],
    ]) {
      const cb = await fake.interact(slash(fake, 'level', options, boss));
      expect(cb.type).toBe(4);
      expect(cb.data.flags).toBe(EPHEMERAL);
      expect(cb.data.embeds[0].description).toMatch(/^(Watching|Relabelled|Removed) ETH/);
    }
  });

  it('is deferred privately when slow (queued behind a held channel check), as an /alerts change is', async () => {
    const hold = fake.hold(new RegExp(`^/channels/${liquidations.id}$`));
    const first = fake.interact(slash(fake, 'alerts', [sub('channel', [chan('channel', liquidations.id)])], boss, [liquidations]));
    await fake.until(() => hold.waiting() > 0, 10_000, 'the channel check to be held');
    const add = slash(fake, 'level', [sub('add', [str('asset', 'eth'), str('level', '2610')])], boss);
    expect(await fake.interact(add)).toMatchObject({ type: 5, data: { flags: EPHEMERAL } });
    hold.release();
    await first;
    const rec = fake.interaction(add.id);
    await fake.until(() => (rec.original?.edits ?? 0) > 0 || rec.followups.length > 0, 10_000, 'the deferred answer');
    expect(rec.followups).toEqual([]);
    expect(rec.original!.embeds[0].description).toContain('Watching ETH');
  });
});

describe('/alerts on while the store refuses writes', () => {
  let fake: FakeDiscord;
  let bot: LiqBot;
  let fail: ReturnType<typeof faultyStore>['fail'];
  const boss = admin();
  const chat = `discord:${server.id}`;
  beforeAll(async () => {
    const inner = createMemoryStore();
    const faulty = faultyStore(inner);
    fail = faulty.fail;
    const platforms: Partial<Record<Platform, ChatAdapter>> = {};
    bot = new LiqBot({ config: loadConfig(), store: faulty.store, now: () => Date.parse('2026-01-31T12:00:00Z'), adapters: platforms });
    // Alerts off, their channel one the bot may not post in (its permissions changed since).
    inner.putSubscription({ chat, enabled: false, assets: [], families: ['cascade', 'level'], minUsd: 0, updatedAt: 0, target: `channel:${locked.id}` });
    fake = await connect(server, bot);
  });

  it('checks the channel alerts will post to as the command reads it: the stored one, then the one a held /alerts channel chose', async () => {
    const refused = await fake.interact(slash(fake, 'alerts', [sub('on')], boss));
    expect(refused.data.flags).toBe(EPHEMERAL);
    expect(refused.data.embeds[0].description).toContain("I can't post in \\#locked: missing Send Messages, Attach Files.");
    expect(bot.store.getSubscription(chat)?.enabled).toBe(false);

    fail.putSubscription = 'SQLITE_FULL';
    const moved = await fake.interact(slash(fake, 'alerts', [sub('channel', [chan('channel', liquidations.id)])], boss, [liquidations]));
    expect(moved.data.embeds[0].description).toContain('Alerts are ON');
    expect(bot.store.getSubscription(chat)?.target).toBe(`channel:${locked.id}`); // not stored yet
    const on = await fake.interact(slash(fake, 'alerts', [sub('on')], boss));
    expect(on.data.flags).toBe(EPHEMERAL);
    expect(on.data.embeds[0].description).toContain('Alerts are ON');
    // Discord was asked about the channel alerts will post to, not the stored one.
    const asked = fake.requests.filter((r) => r.method === 'GET' && /^\/channels\/\d+$/.test(r.path)).map((r) => r.path);
    expect(asked.at(-1)).toBe(`/channels/${liquidations.id}`);
  });
});
