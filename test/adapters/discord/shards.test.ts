/**
 * Sharding: Discord's guild → shard formula, a process's share of the global budget, one process running every
 * shard, and processes running some shards each (as gateways' `--shard` split them) that own only their servers.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DiscordAdapter } from '../../../src/adapters/discord/adapter.js';
import { ownsGuild, shardOf, shareOf } from '../../../src/adapters/discord/shards.js';
import type { Reply } from '../../../src/replies/reply.js';
import { guild, member, slashCommand, snowflakeOnShard, str } from '../../fakes/discord/payloads.js';
import { FakeDiscord } from '../../fakes/discord/server.js';
import { dayServices, startAdapter } from './helpers.js';

describe('the shard formula', () => {
  it('puts a guild on shard (id >> 22) % count, and DMs on shard 0', () => {
    expect(shardOf('41771983423143937', 1)).toBe(0);
    // 41771983423143937 >> 22 = 9959216934
    expect(shardOf('41771983423143937', 2)).toBe(0);
    expect(shardOf('41771983423143937', 16)).toBe(6);
    for (const n of [2, 3, 16]) for (let s = 0; s < n; s++) expect(shardOf(snowflakeOnShard(s, n), n)).toBe(s);
    expect(shardOf(undefined, 4)).toBe(0);
  });

  it('owns a guild on one of its shards; a process running every shard owns all', () => {
    const g1 = snowflakeOnShard(1, 4);
    expect(ownsGuild({ ids: [1], count: 4 }, g1)).toBe(true);
    expect(ownsGuild({ ids: [0, 2], count: 4 }, g1)).toBe(false);
    expect(ownsGuild({ ids: [0, 1, 2, 3], count: 4 }, g1)).toBe(true);
    expect(ownsGuild({ ids: [0], count: 1 }, g1)).toBe(true);
  });

  it("gives each shard process its share of the bot's global budget", () => {
    expect(shareOf({ ids: [0], count: 1 }, 40)).toBe(40);
    expect(shareOf({ ids: [0], count: 4 }, 40)).toBe(10);
    expect(shareOf({ ids: [0, 1], count: 4 }, 40)).toBe(20);
    expect(shareOf({ ids: [3], count: 64 }, 40)).toBe(1);
  });
});

describe('one process running every shard (DISCORD_SHARDS=2)', () => {
  const g0 = guild('Shard Zero', ['general'], snowflakeOnShard(0, 2));
  const g1 = guild('Shard One', ['general'], snowflakeOnShard(1, 2));
  let fake: FakeDiscord;

  beforeAll(async () => {
    fake = await FakeDiscord.start({ guilds: [g0, g1], maxConcurrency: 2 });
  });
  afterAll(async () => {
    await fake?.close();
  });

  it('identifies each shard, answers on the shard that owns the server, and owns every server', async () => {
    const bot = await startAdapter(fake, await dayServices(), { shards: 2 });
    try {
      expect(fake.identifies.map((i) => i.shard).sort()).toEqual([
        [0, 2],
        [1, 2],
      ]);
      expect(bot.shards()).toEqual({ ids: [0, 1], count: 2 });
      expect(bot.owns({ chat: `discord:${g0.id}` }) && bot.owns({ chat: `discord:${g1.id}` })).toBe(true);
      const cb = await fake.interact(slashCommand({ applicationId: fake.applicationId, guild: g1, channelId: g1.channels[0]!.id, invoker: member(), name: 'liqs', options: [str('asset', 'eth')] }));
      expect(cb.data.embeds[0].title).toBe('ETH liquidations · 24h');
    } finally {
      await bot.stop();
    }
  });
});

describe('processes running some shards each (a gateway\'s --shard, DISCORD_SHARDS=2)', () => {
  const g0 = guild('Shard Zero', ['alerts'], snowflakeOnShard(0, 2));
  const g1 = guild('Shard One', ['alerts'], snowflakeOnShard(1, 2));
  const targets = [g0, g1].map((g) => ({ chat: `discord:${g.id}`, target: `channel:${g.channels[0]!.id}` }));
  const alert: Reply = { title: ['ETH long cascade'], blocks: [[['$120M of longs liquidated in 9 minutes']]], tone: 'long' };
  let fake: FakeDiscord;

  beforeAll(async () => {
    fake = await FakeDiscord.start({ guilds: [g0, g1], maxConcurrency: 2 });
  });
  afterAll(async () => {
    await fake?.close();
  });

  it('each connects as its shard and delivers only to its own servers: every channel gets one post', async () => {
    const services = await dayServices();
    const bots: DiscordAdapter[] = [];
    try {
      for (const shard of [0, 1]) bots.push(await startAdapter(fake, services, { shards: 2, shardIds: [shard] }));
      expect(fake.identifies.map((i) => i.shard).sort()).toEqual([
        [0, 2],
        [1, 2],
      ]);
      for (const [mine, bot] of bots.entries()) {
        expect(bot.shards()).toEqual({ ids: [mine], count: 2 });
        for (const t of targets) {
          const ownGuild = shardOf(t.chat.slice('discord:'.length), 2) === mine;
          expect(bot.owns(t)).toBe(ownGuild);
          const result = await bot.deliver(t, alert);
          if (ownGuild) expect(result.ok).toBe(true);
          else expect(result).toMatchObject({ ok: false, permanent: false }); // not mine: never an unsubscribe
        }
      }
      for (const g of [g0, g1]) expect(fake.messages.get(g.channels[0]!.id)).toHaveLength(1);
    } finally {
      for (const bot of bots) await bot.stop();
    }
  });
});
