/**
 * Slash commands are generated from the same `commands/` modules as every platform, and registered (globally or
 * to one test server) with one bulk overwrite through DISCORD_API_BASE.
 */
import { describe, expect, it } from 'vitest';
import { ALL_COMMANDS } from '../../../commands/index.js';
import type { CommandDef } from '../../../commands/types.js';
import { ChatApiError } from '../../../src/adapters/errors.js';
import { registerCommands, slashCommand, slashCommandData } from '../../../src/adapters/discord/register.js';
import { errorReply } from '../../../src/replies/reply.js';
import { guild } from '../../fakes/discord/payloads.js';
import { FAKE_TOKEN, FakeDiscord } from '../../fakes/discord/server.js';
import { createDiscordAdapter } from '../../../src/adapters/discord/adapter.js';
import { dayServices, startAdapter } from './helpers.js';

const byName = (name: string) => slashCommandData().find((c) => c.name === name)!;
const optionsOf = (c: { options?: unknown[] }) => (c.options ?? []) as any[];

describe('slashCommandData', () => {
  it('offers every command but Telegram\'s /start', () => {
    expect(slashCommandData().map((c) => c.name)).toEqual(ALL_COMMANDS.map((c) => c.name).filter((n) => n !== 'start'));
  });

  it('/liqs: an asset and a window that autocomplete (any window may be typed, 30m or 2h)', () => {
    const [asset, window] = optionsOf(byName('liqs'));
    expect(asset).toEqual({ type: 3, name: 'asset', description: expect.any(String), required: false, autocomplete: true });
    expect(window).toEqual({ type: 3, name: 'window', description: expect.any(String), required: false, autocomplete: true, max_length: 20 });
  });

  it('subcommands become Discord subcommands, required options first', () => {
    const level = byName('level');
    expect(optionsOf(level).map((o) => [o.type, o.name])).toEqual([
      [1, 'add'],
      [1, 'remove'],
      [1, 'list'],
      [1, 'propose'],
      [1, 'vote'],
      [1, 'adopt'],
      [1, 'reject'],
      [1, 'info'],
      [1, 'why'],
      [1, 'digest'],
    ]);
    const add = optionsOf(level)[0];
    expect(add.options.map((o: { name: string; required: boolean }) => [o.name, o.required])).toEqual([
      ['asset', true],
      ['level', true],
      ['label', false],
    ]);
  });

  it('a channel option accepts text and announcement channels only', () => {
    const channel = optionsOf(byName('alerts')).find((o) => o.name === 'channel');
    expect(channel.options).toEqual([{ type: 7, name: 'channel', description: 'The alerts channel', required: true, channel_types: [0, 5] }]);
  });

  it('mixed public/admin commands stay visible to everyone (checked at run time) and are server-only; all-admin ones need Manage Server', () => {
    expect(byName('level').default_member_permissions).toBeNull();
    expect(byName('alerts').default_member_permissions).toBeNull();
    expect(byName('level').contexts).toEqual([0]);
    expect(byName('liqs').contexts).toEqual([0, 1]);
    const settings: CommandDef = {
      name: 'settings',
      description: 'Server settings',
      usage: ['settings'],
      subcommands: [{ name: 'reset', description: 'Reset', admin: true, options: [] }],
      run: () => errorReply('no'),
    };
    expect(slashCommand(settings).default_member_permissions).toBe('32');
  });

  it('a number option carries its min and max', () => {
    const def: CommandDef = {
      name: 'top',
      description: 'Largest liquidations',
      usage: ['top 10'],
      options: [{ name: 'count', description: 'How many', kind: 'number', min: 1, max: 25 }],
      run: () => errorReply('no'),
    };
    expect(optionsOf(slashCommand(def))[0]).toEqual({ type: 10, name: 'count', description: 'How many', required: false, min_value: 1, max_value: 25 });
  });

  it("keeps to Discord's name and description rules", () => {
    const walk = (o: { name: string; description: string; options?: unknown[] }): void => {
      expect(o.name).toMatch(/^[-_\p{Ll}\p{N}]{1,32}$/u);
      expect(o.description.length).toBeGreaterThan(0);
      expect(o.description.length).toBeLessThanOrEqual(100);
      for (const child of (o.options ?? []) as typeof o[]) walk(child);
    };
    for (const c of slashCommandData()) walk(c);
  });
});

describe('registerCommands', () => {
  it('registers to one test server (instant), then globally, asking Discord for the application id when not given', async () => {
    const server = guild();
    const fake = await FakeDiscord.start({ guilds: [server] });
    try {
      const toGuild = await registerCommands({ token: FAKE_TOKEN, applicationId: fake.applicationId, guildId: server.id, apiBase: fake.apiBase });
      expect(toGuild).toEqual({ scope: 'guild', applicationId: fake.applicationId, guildId: server.id, commands: ['liqs', 'levels', 'oi', 'level', 'alerts', 'status', 'help'] });
      const put = fake.requests.find((r) => r.method === 'PUT')!;
      expect(put.path).toBe(`/applications/${fake.applicationId}/guilds/${server.id}/commands`);
      expect(put.json).toEqual(JSON.parse(JSON.stringify(slashCommandData())));

      const global = await registerCommands({ token: FAKE_TOKEN, apiBase: fake.apiBase });
      expect(global).toMatchObject({ scope: 'global', applicationId: fake.applicationId });
      expect(fake.requests.some((r) => r.method === 'GET' && r.path === '/applications/@me')).toBe(true);
      expect(fake.commands.get('global')).toHaveLength(7);

      // Once global, the test server's copies are removed so they do not show twice there.
      const cleared = await registerCommands({ token: FAKE_TOKEN, applicationId: fake.applicationId, guildId: server.id, apiBase: fake.apiBase, clear: true });
      expect(cleared.commands).toEqual([]);
      expect(fake.commands.get(server.id)).toEqual([]);
    } finally {
      await fake.close();
    }
  });

  it('explains a refused token and a server the bot is not in', async () => {
    const fake = await FakeDiscord.start();
    try {
      const badToken = registerCommands({ token: 'not-the-token', applicationId: fake.applicationId, apiBase: fake.apiBase });
      await expect(badToken).rejects.toThrow(/DISCORD_TOKEN/);
      const notIn = await registerCommands({ token: FAKE_TOKEN, applicationId: fake.applicationId, guildId: '1474453241771589642', apiBase: fake.apiBase }).catch((e: unknown) => e);
      expect(notIn).toBeInstanceOf(ChatApiError);
      expect((notIn as Error).message).toMatch(/: the bot is not in server 1474453241771589642, or was invited without the applications\.commands scope\. Invite the bot to that server first/);
      // Not the channel permission a send's Missing Access means.
      expect((notIn as Error).message).not.toMatch(/View Channel/);
      expect((notIn as Error).cause).toBeDefined();
    } finally {
      await fake.close();
    }
  });
});

describe('the commands at start', () => {
  const puts = (fake: FakeDiscord) => fake.requests.filter((r) => r.method === 'PUT' && r.path.endsWith('/commands')).length;

  it('a first start registers them, a start with them unchanged only reads them, a changed command is registered again', async () => {
    const server = guild();
    const fake = await FakeDiscord.start({ guilds: [server] });
    const services = await dayServices();
    try {
      const first = await startAdapter(fake, services);
      await first.stop();
      expect(puts(fake)).toBe(1);
      expect(fake.commands.get('global')!.map((c) => c.name)).toEqual(slashCommandData().map((c) => c.name));

      const second = await startAdapter(fake, services);
      await second.stop();
      expect(puts(fake)).toBe(1); // discord.js's equals found every command as defined
      expect(fake.requests.filter((r) => r.method === 'GET' && r.path === `/applications/${fake.applicationId}/commands`)).toHaveLength(2);

      // An older liqbot registered another /liqs (an upgrade changed it) and a /start: replaced.
      fake.commands.set('global', [...fake.commands.get('global')!.filter((c) => c.name !== 'liqs'), { ...byName('liqs'), description: 'older text', id: '1' }, { ...byName('help'), name: 'start', id: '2' }]);
      const third = await startAdapter(fake, services);
      await third.stop();
      expect(puts(fake)).toBe(2);
      expect(fake.commands.get('global')!.map((c) => c.name)).toEqual(slashCommandData().map((c) => c.name));

      // DISCORD_GUILD_ID: the test server's commands, not the global ones.
      const testing = await startAdapter(fake, services, { guildId: server.id });
      await testing.stop();
      expect(fake.commands.get(server.id)).toHaveLength(slashCommandData().length);
    } finally {
      await fake.close();
    }
  });

  it('a start whose check Discord refuses still serves, and says how to register', async () => {
    const fake = await FakeDiscord.start();
    try {
      fake.commands.set('global', []);
      const adapter = createDiscordAdapter({ token: FAKE_TOKEN, apiBase: fake.apiBase, services: await dayServices(), guildId: '1474453241771589642' });
      await adapter.start(); // the bot is in no such server: 403, logged, and the adapter is up
      expect(fake.requests.some((r) => r.method === 'PUT' && r.status === 403)).toBe(true);
      await adapter.stop();
    } finally {
      await fake.close();
    }
  });
});
