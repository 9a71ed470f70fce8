/**
 * Sharding: which shard owns a guild (Discord's formula), and a multi-process runner over discord.js's
 * ShardingManager. A shard process never runs the whole bot (its own feeds and store): it runs the gateway role
 * (src/bus/gateway.ts: the Discord adapter and a market following the stream), answers only the guilds its shards
 * own (`DiscordAdapter.owns`), and takes only its share of the global request budget. The simpler deployment is
 * no manager at all: `liqbot start --role gateway --shard 0,1` with DISCORD_SHARDS=4 on one machine and
 * `--shard 2,3` on another (discord.js's internal sharding runs the named shards in the process).
 *
 * @example
 *   // DISCORD_SHARDS unset in the children (discord.js hands each its shard ids): one gateway process per shard
 *   const shards = await startShardManager({ file: 'bin/liqbot.js', token, shards: 4 });
 *   // …later: await shards.stop();
 */
import { REST, Routes, ShardingManager, type RESTGetAPIGatewayBotResult } from 'discord.js';
import { logger } from '../../log.js';
import { translateError } from './errors.js';

const log = logger('discord');

/** The shard a guild's events arrive on: `(guild_id >> 22) % shard_count`. DMs arrive on shard 0. */
export function shardOf(guildId: string | undefined, shardCount: number): number {
  if (!guildId || shardCount <= 1) return 0;
  return Number((BigInt(guildId) >> 22n) % BigInt(shardCount));
}

/** The shards one process runs, out of how many the bot has. */
export interface ShardSet {
  ids: readonly number[];
  count: number;
}

/** Whether a process running `set` owns a guild (every guild when it runs all shards or is not sharded). */
export function ownsGuild(set: ShardSet, guildId: string | undefined): boolean {
  if (set.count <= 1 || set.ids.length >= set.count) return true;
  return set.ids.includes(shardOf(guildId, set.count));
}

/** This process's share of a bot-wide budget (Discord's global limit is per bot, not per shard). */
export function shareOf(set: ShardSet, total: number): number {
  if (set.count <= 1) return total;
  return Math.max(1, Math.floor((total * Math.min(set.ids.length, set.count)) / set.count));
}

/** Discord's recommended shard count (`GET /gateway/bot`), through DISCORD_API_BASE when set. */
export async function recommendedShardCount(token: string, apiBase?: string): Promise<number> {
  const rest = new REST(apiBase ? { api: apiBase } : {}).setToken(token);
  try {
    const res = (await rest.get(Routes.gatewayBot())) as RESTGetAPIGatewayBotResult;
    return Math.max(1, res.shards);
  } catch (err) {
    throw translateError(err, 'asking Discord for the recommended shard count');
  } finally {
    rest.clearHashSweeper();
    rest.clearHandlerSweeper();
  }
}

export interface ShardManagerOptions {
  /** The script each shard process runs (it creates the Discord adapter; discord.js hands it its shard ids). */
  file: string;
  token: string;
  /** DISCORD_SHARDS: a number, or 'auto' for Discord's recommendation. */
  shards: number | 'auto';
  apiBase?: string;
  /** Arguments for the shard script (default `['start', '--role', 'gateway']`: the gateway alone, never the whole bot). */
  args?: string[];
  /** Node flags for the shard processes (the tests use `--import tsx`). */
  execArgv?: string[];
  /** Pause between spawning shards (Discord allows one IDENTIFY per 5 s per bucket). Default 5500 ms. */
  spawnDelayMs?: number;
  /** How long a shard may take to become ready. Default 30 s. */
  readyTimeoutMs?: number;
  /** Restart a shard process that exits. Default true. */
  respawn?: boolean;
}

export interface ShardManagerHandle {
  readonly manager: ShardingManager;
  readonly count: number;
  /** Kill every shard process. */
  stop(): Promise<void>;
}

/** Spawn one process per shard through discord.js's ShardingManager; resolves when every shard is ready. */
export async function startShardManager(opts: ShardManagerOptions): Promise<ShardManagerHandle> {
  const count = opts.shards === 'auto' ? await recommendedShardCount(opts.token, opts.apiBase) : opts.shards;
  if (!Number.isInteger(count) || count < 1) throw new RangeError(`DISCORD_SHARDS must be a positive whole number or auto (got ${count})`);
  const manager = new ShardingManager(opts.file, {
    token: opts.token,
    totalShards: count,
    mode: 'process',
    respawn: opts.respawn ?? true,
    shardArgs: opts.args ?? ['start', '--role', 'gateway'],
    execArgv: opts.execArgv ?? [],
  });
  manager.on('shardCreate', (shard) => {
    log.info({ shard: shard.id, of: count }, 'discord: shard process started');
    shard.on('death', () => log.warn({ shard: shard.id }, 'discord: shard process exited'));
  });
  const stop = async () => {
    manager.respawn = false;
    for (const shard of manager.shards.values()) shard.kill();
  };
  try {
    await manager.spawn({ amount: count, delay: opts.spawnDelayMs ?? 5500, timeout: opts.readyTimeoutMs ?? 30_000 });
  } catch (err) {
    await stop();
    throw translateError(err, `starting ${count} shard processes`);
  }
  return { manager, count, stop };
}
