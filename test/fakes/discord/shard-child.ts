/**
 * A shard process for the sharding test, spawned by `startShardManager` (discord.js's ShardingManager) with
 * `--import tsx`: it starts the real adapter (discord.js hands it its shard id through the environment), waits for
 * the parent's "deliver", offers one alert to every target it was given, and sends back what deliver() answered.
 * Usage (argv): <apiBase> <targets as JSON>.
 */
import { loadConfig } from '../../../config/load.js';
import { createDiscordAdapter } from '../../../src/adapters/discord/adapter.js';
import type { DeliveryTarget } from '../../../src/adapters/contract.js';
import type { Reply } from '../../../src/replies/reply.js';
import { createServices, type Services } from '../../../src/service.js';
import { createMemoryStore } from '../../../src/store/memory.js';

const [apiBase, targetsJson] = process.argv.slice(2);
const targets = JSON.parse(targetsJson ?? '[]') as DeliveryTarget[];
// Delivery needs no market; interactions are not exercised in this process.
const services: Services = createServices({ config: loadConfig(), market: undefined as never, store: createMemoryStore(), now: () => Date.now() });
// The ShardingManager passes the token as DISCORD_TOKEN, as it would to `liqbot start --shard`.
const adapter = createDiscordAdapter({ token: process.env.DISCORD_TOKEN ?? '', apiBase: apiBase!, services });
const alert: Reply = { title: ['ETH long cascade'], blocks: [[['$120M of longs liquidated in 9 minutes']]], tone: 'long' };

process.on('message', (m) => {
  if (m !== 'deliver') return;
  void (async () => {
    const results = [];
    for (const t of targets) results.push({ chat: t.chat, owns: adapter.owns(t), result: await adapter.deliver(t, alert) });
    process.send?.({ liqbot: { shards: adapter.shards(), results } });
  })();
});
process.on('disconnect', () => void adapter.stop().finally(() => process.exit(0)));
await adapter.start();
