/**
 * Discord through gateways (gateway.ts, `--shard`) against the fake Discord and the local nats-server: a bot with
 * two shards split over two gateway processes' worth of adapters, each identifying only its own shard, each
 * answering the slash commands of its own servers from the market it follows on the stream; no feed, store or
 * core runs beside them. Skipped without NATS.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { createDiscordAdapter } from '../../src/adapters/discord/adapter.js';
import { checkGatewayEnv, parseShardIds } from '../../src/bus/gateway.js';
import { checkRole } from '../../src/bus/roles.js';
import { guild, member, slashCommand, snowflakeOnShard, str } from '../fakes/discord/payloads.js';
import { FAKE_TOKEN, FakeDiscord } from '../fakes/discord/server.js';
import { natsUnavailable, testBus } from '../services/nats.js';
import { publishDay, roomyConfig, startGateways } from './gateway-fixture.js';

const unavailable = await natsUnavailable();
if (unavailable) console.warn(unavailable);

describe('--shard', () => {
  it('takes shard ids within DISCORD_SHARDS, and a gateway takes Telegram by webhook only; each refusal one sentence', () => {
    expect(parseShardIds('0,1')).toEqual([0, 1]);
    const discord = { token: 't', shards: 4 };
    expect(() => checkGatewayEnv({ discord }, parseShardIds('0,3'))).not.toThrow();
    expect(() => checkGatewayEnv({ discord }, parseShardIds('4'))).toThrow('--shard takes shard ids from 0 to 3, separated by commas (e.g. --shard 0,1)');
    expect(() => checkGatewayEnv({ discord }, parseShardIds('a'))).toThrow('--shard takes shard ids');
    expect(() => checkGatewayEnv({ discord: { token: 't' } }, [0])).toThrow("--shard needs DISCORD_SHARDS set to the bot's total number of shards");
    expect(() => checkGatewayEnv({ telegram: { token: 't' } })).toThrow('--role gateway takes Telegram updates by webhook');
    expect(() => checkGatewayEnv({})).toThrow('--role gateway answers chats');
    expect(checkRole('gateway', { natsUrl: 'nats://127.0.0.1:4222' })).toBe('gateway');
    expect(() => checkRole('gateway', {})).toThrow('--role gateway needs LIQBOT_NATS_URL');
  });
});

describe.skipIf(unavailable !== undefined)('Discord shards as gateways', () => {
  const cleanups: (() => Promise<void>)[] = [];
  afterEach(async () => {
    for (const c of cleanups.splice(0).reverse()) await c();
  });

  it('two gateways, one shard each: each identifies its shard and answers its servers from the stream', async () => {
    const bus = await testBus();
    cleanups.push(() => bus.drop());
    const { lastSeq } = await publishDay(bus);
    const g0 = guild('Shard Zero', ['general'], snowflakeOnShard(0, 2));
    const g1 = guild('Shard One', ['general'], snowflakeOnShard(1, 2));
    const fake = await FakeDiscord.start({ guilds: [g0, g1], maxConcurrency: 2 });
    cleanups.push(() => fake.close());
    const run = startGateways(bus, roomyConfig(), ['dc-0', 'dc-1'], () => Date.UTC(2026, 0, 31, 23, 59, 59));
    cleanups.push(() => run.stop());
    await Promise.all(run.gateways.map((g) => g.reached(lastSeq)));

    const adapters = run.gateways.map((g, shard) => createDiscordAdapter({ token: FAKE_TOKEN, apiBase: fake.apiBase, services: g.services, shards: 2, shardIds: [shard] }));
    for (const a of adapters) {
      await a.start();
      cleanups.push(() => a.stop());
    }
    expect(fake.identifies.map((i) => i.shard).sort()).toEqual([
      [0, 2],
      [1, 2],
    ]);
    expect(adapters.map((a) => a.shards())).toEqual([
      { ids: [0], count: 2 },
      { ids: [1], count: 2 },
    ]);
    expect(adapters[0]!.owns({ chat: `discord:${g1.id}` })).toBe(false);
    // The slash commands are checked (and here registered) once for the bot, by the process running shard 0.
    expect(fake.requests.filter((r) => r.path === `/applications/${fake.applicationId}/commands`).map((r) => r.method)).toEqual(['GET', 'PUT']);

    const answers = [];
    for (const g of [g0, g1]) {
      const cb = await fake.interact(slashCommand({ applicationId: fake.applicationId, guild: g, channelId: g.channels[0]!.id, invoker: member(), name: 'liqs', options: [str('asset', 'eth'), str('window', '24h')] }));
      answers.push(cb.data.embeds[0]);
    }
    expect(answers.map((e) => e.title)).toEqual(['ETH liquidations · 24h', 'ETH liquidations · 24h']);
    // Both gateways are at the same stream position: the same answer, whichever shard asked.
    expect(JSON.stringify(answers[1])).toBe(JSON.stringify(answers[0]));
  }, 120_000);
});
