/**
 * The Discord ChatAdapter: a discord.js client (Guilds intent only, nothing privileged) that answers slash
 * commands, buttons and autocomplete (interactions.ts), and delivers alerts to each server's alerts channel over
 * REST (sender.ts), paced by one global budget (pacer.ts). Sharded, a process delivers only to its own servers.
 *
 * @example
 *   const discord = createDiscordAdapter({ token: env.discord.token, apiBase: env.discord.apiBase, services });
 *   await discord.start(); // resolves on READY
 *   await discord.deliver({ chat: 'discord:1234…', target: 'channel:5678…' }, reply); // → { ok: true, messageRef }
 *   await discord.stop();
 */
import { Client, Events, GatewayIntentBits, Options } from 'discord.js';
import type { ChatAdapter, DeliveryResult, DeliveryTarget } from '../contract.js';
import { logger } from '../../log.js';
import type { Services } from '../../service.js';
import { guildOf } from './context.js';
import { discordError, translateError } from './errors.js';
import { interactionHandler } from './interactions.js';
import { Pacer } from './pacer.js';
import { restOptions, watchRest } from './rest.js';
import { DiscordSender } from './sender.js';
import { syncCommands } from './register.js';
import { ownsGuild, shardOf, shareOf, type ShardSet } from './shards.js';

const log = logger('discord');

/** Discord's global limit is 50 requests/s per bot; alerts keep under it with room for command replies. */
export const DEFAULT_GLOBAL_PER_SECOND = 40;
const DISCORD_GLOBAL_PER_SECOND = 50;

export interface DiscordAdapterOptions {
  token: string;
  /** DISCORD_API_BASE (a rate-limit proxy, or a test fake): `http://host:port/api`. Default: Discord's. */
  apiBase?: string;
  services: Services;
  /** Alert requests per second for the whole bot, every server together (a shard process takes its share). Default 40. */
  globalPerSecond?: number;
  /** DISCORD_SHARDS: the bot's number of shards (a number, or 'auto'), all run in this process unless `shardIds` names some. */
  shards?: number | 'auto';
  /** The shards this process runs out of `shards` (a number): a gateway's `--shard 0,1`. Default: all of them. */
  shardIds?: readonly number[];
  /** How long start() waits for READY. Default 60 s. */
  readyTimeoutMs?: number;
  /** DISCORD_GUILD_ID: the test server the slash commands are checked (and registered) in at start; else globally. */
  guildId?: string;
  /** How long a command may run before its answer is deferred ("thinking…"). Default 1.5 s (Discord waits 3 s). */
  deferAfterMs?: number;
}

/**
 * Commands the stop cut off. `notRun`: interactions that came once the stop began, not run (Discord tells their users
 * the application did not respond). `unanswered`: begun and still running when the stop's grace ran out.
 */
export interface Unfinished {
  notRun: number;
  unanswered: number;
}

/** How long a stop lets interactions already begun finish and be answered (Discord itself waits 3 s for the first answer). */
export const STOP_GRACE_MS = 3_000;

export interface DiscordAdapter extends ChatAdapter {
  readonly platform: 'discord';
  /** Whether this process delivers to the target's server (its guild is on one of this process's shards). */
  owns(to: DeliveryTarget): boolean;
  /** The shards this process runs, once known. */
  shards(): ShardSet | undefined;
  /** The discord.js client (its caches, for wiring and tests). */
  readonly client: Client;
  /** What the stop cut off (see `stop`): for the bot's last log line. */
  unfinished(): Unfinished;
}

export function createDiscordAdapter(opts: DiscordAdapterOptions): DiscordAdapter {
  const perSecond = opts.globalPerSecond ?? DEFAULT_GLOBAL_PER_SECOND;
  const client = new Client({
    intents: [GatewayIntentBits.Guilds],
    allowedMentions: { parse: [] },
    // The bot reads nothing back from discord.js' caches but its own member, the servers, their channels and roles
    // (alert-channel permissions): an interaction carries its member, and alerts go out through REST. The rest
    // (200 messages a channel by default, every member and user seen) would grow with the servers for nothing.
    makeCache: Options.cacheWithLimits({
      MessageManager: 0,
      GuildMemberManager: { maxSize: 0, keepOverLimit: (member) => member.id === member.client.user.id },
      UserManager: { maxSize: 0, keepOverLimit: (user) => user.id === user.client.user.id },
      PresenceManager: 0,
      ReactionManager: 0,
      ReactionUserManager: 0,
      GuildEmojiManager: 0,
      GuildStickerManager: 0,
      VoiceStateManager: 0,
      ThreadMemberManager: 0,
      GuildScheduledEventManager: 0,
      GuildInviteManager: 0,
      GuildBanManager: 0,
      StageInstanceManager: 0,
      AutoModerationRuleManager: 0,
    }),
    ...(opts.shards === 'auto'
      ? { shards: 'auto' as const }
      : typeof opts.shards === 'number'
        ? { shardCount: opts.shards, ...(opts.shardIds ? { shards: [...opts.shardIds] } : {}) }
        : {}),
    rest: restOptions(opts.apiBase),
  });
  const pacer = new Pacer(perSecond);
  const sender = new DiscordSender(client.rest, pacer);
  let state: 'idle' | 'starting' | 'ready' | 'stopped' = 'idle';
  /** Interactions being answered. */
  const inflight = new Set<Promise<void>>();
  const unfinished: Unfinished = { notRun: 0, unanswered: 0 };

  const answer = interactionHandler(client, opts.services, opts.deferAfterMs !== undefined ? { deferAfterMs: opts.deferAfterMs } : {});
  client.on(Events.InteractionCreate, (interaction) => {
    // Once the stop began, an interaction is not run: better not run (Discord says it failed) than run and cut off.
    if (state === 'stopped') {
      if (interaction.isChatInputCommand() || interaction.isButton()) unfinished.notRun++;
      return;
    }
    const p = answer(interaction).finally(() => inflight.delete(p));
    inflight.add(p);
  });
  client.on(Events.Error, (err) => log.error({ err }, 'discord: client error'));
  client.on(Events.ShardError, (err, shard) => log.warn({ err, shard }, 'discord: gateway connection error; discord.js reconnects'));
  watchRest(client.rest);

  function shardSet(): ShardSet | undefined {
    const { shards, shardCount } = client.options;
    if (Array.isArray(shards)) return { ids: shards, count: shardCount ?? shards.length };
    if (typeof shards === 'number') return { ids: [shards], count: shardCount ?? 1 };
    return undefined; // 'auto' before login
  }

  /** A shard process paces at its share of the bot-wide budget, and tells discord.js's own global counter the same. */
  function takeShare(set: ShardSet | undefined): void {
    if (!set || set.ids.length >= set.count) return;
    pacer.setRate(shareOf(set, perSecond));
    client.rest.options.globalRequestsPerSecond = shareOf(set, DISCORD_GLOBAL_PER_SECOND);
    log.info({ shards: set.ids, of: set.count, perSecond: pacer.perSecond }, "discord: sharded; delivering to this process's servers only");
  }

  const adapter: DiscordAdapter = {
    platform: 'discord',
    client,

    async start() {
      if (state !== 'idle') throw discordError(`Discord: start() called when ${state}`, 'stopped', { doing: 'starting' });
      state = 'starting';
      const timeoutMs = opts.readyTimeoutMs ?? 60_000;
      let timer: NodeJS.Timeout | undefined;
      const ready = new Promise<void>((resolve, reject) => {
        client.once(Events.ClientReady, () => resolve());
        timer = setTimeout(() => reject(new Error(`no READY from the gateway within ${timeoutMs / 1000} s`)), timeoutMs);
      });
      try {
        await client.login(opts.token);
        await ready;
      } catch (err) {
        state = 'stopped';
        await client.destroy().catch(() => undefined);
        throw translateError(err, 'logging in');
      } finally {
        clearTimeout(timer);
      }
      takeShare(shardSet());
      state = 'ready';
      log.info({ user: client.user?.tag, guilds: client.guilds.cache.size, shards: shardSet()?.ids }, 'discord: connected');
      // The slash commands, checked once per bot (by the process running shard 0) and registered when they differ.
      if (shardSet()?.ids.includes(0) ?? true) {
        const where = opts.guildId ? `in server ${opts.guildId}` : 'globally';
        try {
          const done = await syncCommands(client as Client<true>, opts.guildId);
          log.info({ guildId: opts.guildId }, done === 'registered' ? `discord: slash commands registered ${where}` : `discord: slash commands up to date ${where}`);
        } catch (err) {
          log.warn({ error: translateError(err, 'checking the slash commands').message }, 'discord: could not check the slash commands; `npm run register` registers them');
        }
      }
    },

    /** Run no new interaction; those begun get up to STOP_GRACE_MS to be answered, then the client is destroyed. */
    async stop() {
      if (state === 'stopped') return;
      state = 'stopped';
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([Promise.allSettled([...inflight]), new Promise<void>((resolve) => (timer = setTimeout(resolve, STOP_GRACE_MS)))]);
      clearTimeout(timer);
      unfinished.unanswered = inflight.size;
      pacer.stop();
      await client.destroy();
      client.rest.clearHashSweeper();
      client.rest.clearHandlerSweeper();
      client.removeAllListeners();
      client.rest.removeAllListeners();
      log.info('discord: stopped');
    },

    shards: shardSet,

    unfinished: () => ({ ...unfinished }),

    owns(to) {
      const set = shardSet();
      return set ? ownsGuild(set, guildOf(to.chat)) : true;
    },

    async deliver(to, reply, editRef): Promise<DeliveryResult> {
      if (state !== 'ready') return { ok: false, permanent: false, retryAfterMs: 5_000, error: `Discord: not connected (${state})` };
      if (!adapter.owns(to)) {
        // The outbox should ask owns() first. Retrying (on the right process) is the safe answer; never unsubscribe.
        const set = shardSet()!;
        const shard = shardOf(guildOf(to.chat), set.count);
        log.warn({ chat: to.chat, shard, mine: set.ids }, "discord: asked to deliver to another shard's server; filter with owns()");
        return { ok: false, permanent: false, retryAfterMs: 60_000, error: `Discord: ${to.chat} is on shard ${shard}, not this process's (${set.ids.join(', ')})` };
      }
      return sender.deliver(to, reply, editRef);
    },
  };
  return adapter;
}
