/**
 * Sharding: which shard owns a guild (Discord's formula), whether a process owns it, and a process's share of the
 * bot's global budget. Shards run inside one process through discord.js's internal sharding: every shard
 * (DISCORD_SHARDS), or the ones a gateway names (`liqbot start --role gateway --shard 0,1` with DISCORD_SHARDS=4 on
 * one machine, `--shard 2,3` on another). Such a process answers only the guilds its shards own
 * (`DiscordAdapter.owns`) and takes only its share of the global request budget.
 */

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
