/**
 * The gateway role (`liqbot start --role gateway`): answers chat commands from a market that follows the stream
 * (MarketFollower), so several gateways and the core give the same answer at the same stream position. It never
 * derives alerts and never delivers them, and it owns no store: a command's change of state (`/level add`,
 * `/alerts …`) is published on the stream (state.ts), where every core and every gateway applies it in one order.
 *
 * What it keeps in memory: the follower's market, and a mirror of levels and chat settings (a memory store fed by
 * the stream's changes, seeded from PostgreSQL at start when LIQBOT_DATABASE_URL is set, so state older than the
 * stream's retention is not lost). A chat's own settings change (and a proposal, a vote) is also put in the mirror at once, so the next
 * `/alerts` of that chat reads it before the stream has echoed it back (one chat's commands reach one gateway in
 * order: Telegram waits for each answer, a Discord server lives on one shard). Its next command may still reach another
 * gateway (webhooks behind one proxy) before the stream brought that one the proposal: a new proposal is numbered from
 * what this gateway knows, with this gateway's suffix (`p4b`; its tag from PostgreSQL, `seedFrom`), so two gateways
 * numbering a chat's next proposal at once never give one id and neither overwrites the other.
 *
 * Chat platforms: Telegram by webhook only (several gateways may share one URL behind a proxy; long polling allows
 * one consumer per token), Discord with discord.js's internal sharding: DISCORD_SHARDS shards in this process,
 * or the ones `--shard 0,1` names, so several gateways split a bot's shards between them.
 */
import { hostname } from 'node:os';
import { ConfigError } from '../../config/error.js';
import type { Config } from '../../config/schema.js';
import type { ChatAdapter } from '../adapters/contract.js';
import type { Level, LevelTrack } from '../core/levels.js';
import { idSuffix, type Proposal } from '../core/proposals.js';
import { Market } from '../core/market.js';
import type { Env } from '../env.js';
import { untilAborted } from '../feeds/backoff.js';
import { logger } from '../log.js';
import { settingsRefused } from '../ops/platforms.js';
import type { ChartService, Services } from '../service.js';
import type { StateChange } from '../state/changes.js';
import { readSubscription, StateWriter } from '../state/writer.js';
import { createMemoryStore } from '../store/memory.js';
import { pgChatWindows } from './chat-windows.js';
import type { Store, Subscription } from '../store/store.js';
import { readBatches } from './consumer.js';
import { MarketFollower } from './follower.js';
import { StatePublisher } from './state.js';
import { connectBus, subjectToken, type Bus } from './stream.js';

const log = logger('bus:gateway');

/** What a gateway starts from, read from the shared store (levels with their states, chat settings, proposals with their votes). */
export interface GatewaySeed {
  levels: Level[];
  tracks: LevelTrack[];
  subscriptions: Subscription[];
  proposals?: Proposal[];
  /**
   * This gateway's tag in the shared store (`PostgresStore.gatewayTag`): the proposals it opens end with its suffix
   * (`p4b`), so two gateways opening a chat's next one at once never give one id. Absent: none (a single gateway).
   */
  tag?: number;
}

export interface GatewayOptions {
  bus: Pick<Bus, 'js' | 'jsm' | 'stream' | 'subjects' | 'prefix'>;
  config: Config;
  /** LIQBOT_GATEWAY_ID or the host name: the stream consumer is `gateway-<id>`, message ids start with it. */
  id: string;
  seed?: GatewaySeed;
  /** The follower's reorder hold (default the follower's: 5 minutes of event time). */
  holdMs?: number;
  /** The commands' clock (default Date.now). */
  now?: () => number;
  charts?: (market: () => Market) => ChartService | undefined;
}

export class Gateway {
  readonly market: Market;
  readonly follower: MarketFollower;
  /** Levels and chat settings as the stream has them (what `/alerts` and `/level list` read). */
  readonly mirror: Store;
  readonly publisher: StatePublisher;
  readonly services: Services;
  readonly durable: string;
  private readonly waiters = new Set<() => void>();

  constructor(private readonly opts: GatewayOptions) {
    this.market = new Market(opts.config);
    // Its feeds are the ingest processes' reports: before the first, a reply says none has reported, not a quiet market.
    this.market.feeds.fedByReports = true;
    this.mirror = createMemoryStore({ proposalSuffix: idSuffix(opts.seed?.tag ?? 1) });
    if (opts.seed) {
      const tracks = new Map(opts.seed.tracks.map((t) => [t.id, t]));
      for (const l of opts.seed.levels) this.market.addLevel(l, tracks.get(l.id));
      for (const s of opts.seed.subscriptions) this.mirror.putSubscription(s);
      for (const p of opts.seed.proposals ?? []) {
        this.mirror.putProposal(p);
        for (const [voter, vote] of Object.entries(p.votes)) this.mirror.putVote(p.id, voter, vote);
      }
      this.market.drainChanges();
    }
    this.follower = new MarketFollower(this.market, opts.config, {
      state: new StateWriter({ store: this.mirror, market: this.market }),
      ...(opts.holdMs !== undefined ? { holdMs: opts.holdMs } : {}),
    });
    this.durable = `gateway-${subjectToken(opts.id)}`;
    this.publisher = new StatePublisher(opts.bus, { source: this.durable });
    const charts = opts.charts?.(() => this.market);
    const commandTimings = new Set<(command: string, ms: number) => void>();
    this.services = {
      config: opts.config,
      market: this.market,
      store: this.mirror,
      ...(charts ? { charts } : {}),
      now: opts.now ?? Date.now,
      commandTimings,
      apply: (change) => this.apply(change),
    };
  }

  /**
   * A command's change: put in the mirror at once when it is a chat's settings, a proposal or a vote (the chat's
   * next command reads it back), and published; levels change only when the stream brings them back. A chat gone
   * (`subscription.remove`) has its alerts turned off in the mirror, its settings kept, as StateWriter does.
   */
  apply(change: StateChange): void {
    if (change.kind === 'subscription.put') this.mirror.putSubscription(change.subscription);
    else if (change.kind === 'subscription.remove') {
      const sub = readSubscription(this.mirror, change.chat);
      if (sub?.enabled) this.mirror.putSubscription({ ...sub, enabled: false });
    } else if (change.kind === 'proposal.put') this.mirror.putProposal(change.proposal);
    else if (change.kind === 'proposal.vote') this.mirror.putVote(change.id, change.voter, change.vote);
    this.publisher.apply(change);
  }

  /** Follow the stream from its start until the signal aborts (the gateway stores no offset: it rebuilds). */
  async follow(signal: AbortSignal): Promise<void> {
    for await (const batch of readBatches(this.opts.bus, { durable: this.durable, after: 0, signal })) {
      this.follower.apply(batch);
      // The engine's own level changes are the core's to store; the mirror keeps what the stream says.
      this.market.drainChanges();
      batch.ack();
      for (const w of this.waiters) w();
    }
  }

  /** Resolves once the follower has applied the batch at `seq` (or later). */
  reached(seq: number, signal?: AbortSignal): Promise<void> {
    if (this.follower.offset >= seq) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const check = () => {
        if (this.follower.offset >= seq) done(resolve);
        else if (signal?.aborted) done(() => reject(new Error(`stopped at stream position ${this.follower.offset}, before ${seq}`)));
      };
      const done = (end: () => void) => {
        this.waiters.delete(check);
        signal?.removeEventListener('abort', check);
        end();
      };
      this.waiters.add(check);
      signal?.addEventListener('abort', check, { once: true });
    });
  }
}

export interface GatewayRoleOptions {
  env: Env;
  config: Config;
  signal: AbortSignal;
  /** `--shard 0,1`: the Discord shards this gateway runs, out of DISCORD_SHARDS. */
  shardIds?: number[];
}

/** The gateway's platforms refuse in one sentence (a ConfigError: no stack trace) when they cannot run as a gateway. */
export function checkGatewayEnv(env: Pick<Env, 'telegram' | 'discord'>, shardIds?: readonly number[], role: 'gateway' | 'all' = 'gateway'): void {
  // Named as the user ran it: `--role all` runs a gateway too, but "--role gateway …" would be a role they never typed.
  if (!env.telegram && !env.discord) throw new ConfigError(`--role ${role} answers chats on Telegram or Discord: set TELEGRAM_BOT_TOKEN (with TELEGRAM_WEBHOOK_URL) or DISCORD_TOKEN (to try commands at a terminal prompt, run liqbot start without --role)`);
  if (env.telegram && !env.telegram.webhook) {
    throw new ConfigError(`--role ${role} takes Telegram updates by webhook (several gateways cannot share long polling): set TELEGRAM_WEBHOOK_URL and TELEGRAM_WEBHOOK_SECRET`);
  }
  if (shardIds) {
    const count = env.discord?.shards;
    if (typeof count !== 'number') throw new ConfigError('--shard needs DISCORD_SHARDS set to the bot\'s total number of shards (e.g. 4)');
    if (shardIds.length === 0 || shardIds.some((id) => !Number.isInteger(id) || id < 0 || id >= count)) throw new ConfigError(`--shard takes shard ids from 0 to ${count - 1}, separated by commas (e.g. --shard 0,1)`);
  }
}

/** `--shard 0,1` → [0, 1]; anything else is refused by checkGatewayEnv. */
export function parseShardIds(text: string): number[] {
  return text.split(',').map((s) => (/^\s*\d{1,4}\s*$/.test(s) ? Number(s) : NaN));
}

/** The levels, chat settings and proposals already stored, and the tag of the gateway `id` (given one), when there is a shared store. */
export async function seedFrom(databaseUrl: string | undefined, id?: string): Promise<GatewaySeed | undefined> {
  if (!databaseUrl) return undefined;
  const { openPostgresStore } = await import('../store/postgres.js');
  const store = await openPostgresStore({ url: databaseUrl, migrate: false });
  try {
    return {
      levels: await store.listLevels(), tracks: await store.loadLevelStates(), subscriptions: await store.listSubscriptions(), proposals: await store.listProposals(),
      ...(id !== undefined ? { tag: await store.gatewayTag(id) } : {}),
    };
  } finally {
    await store.close();
  }
}

export async function runGatewayRole(opts: GatewayRoleOptions): Promise<void> {
  const { env, config, signal } = opts;
  checkGatewayEnv(env, opts.shardIds);
  const stream = env.natsStream ?? 'MKT';
  const id = env.gatewayId ?? hostname();
  const bus = await connectBus({ url: env.natsUrl!, stream, prefix: stream.toLowerCase(), name: `liqbot gateway ${id}` });
  const adapters: ChatAdapter[] = [];
  let windowsStore: { close(): Promise<void> } | undefined;
  try {
    const seed = await seedFrom(env.databaseUrl, id);
    const charts = async () => {
      try {
        return (await import('../charts/service.js')).createChartService;
      } catch (err) {
        log.warn({ err }, 'charts unavailable: replies go out without images');
        return undefined;
      }
    };
    const chartService = await charts();
    const gateway = new Gateway({ bus, config, id, ...(seed ? { seed } : {}), ...(chartService ? { charts: (m) => chartService(m) } : {}) });
    const following = gateway.follow(signal).catch((err: unknown) => log.error({ err }, 'stopped following the market stream'));
    if (env.telegram) {
      const { createTelegramAdapter, TELEGRAM_LIMITS } = await import('../adapters/telegram/adapter.js');
      // With the shared store, replies count in each group's window together with the deliverer's alerts, and all
      // gateways' replies together in their share of the bot's global limit (the deliverer keeps to the rest).
      let sharedWindows;
      if (env.databaseUrl) {
        const { openPostgresStore } = await import('../store/postgres.js');
        const store = await openPostgresStore({ url: env.databaseUrl, migrate: false, poolSize: 2 });
        windowsStore = store;
        sharedWindows = pgChatWindows(store, TELEGRAM_LIMITS, { replies: true });
      }
      adapters.push(createTelegramAdapter({ ...env.telegram, services: gateway.services, ...(sharedWindows ? { sharedWindows } : {}) }));
    }
    if (env.discord) {
      const { createDiscordAdapter } = await import('../adapters/discord/adapter.js');
      adapters.push(createDiscordAdapter({ ...env.discord, services: gateway.services, ...(opts.shardIds ? { shardIds: opts.shardIds } : {}) }));
    }
    for (const a of adapters) {
      // A token the platform refuses is the settings' mistake: one line, exit 78, as the embedded bot refuses it.
      await a.start().catch((err: unknown) => {
        throw settingsRefused(a.platform, err) ?? err;
      });
    }
    log.info({ id, stream: bus.stream, consumer: gateway.durable, platforms: adapters.map((a) => a.platform), seeded: seed ? seed.levels.length + seed.subscriptions.length + (seed.proposals?.length ?? 0) : 0, tag: seed?.tag }, 'gateway answering commands from the market stream');
    await untilAborted(signal);
    await following;
    // Changes not yet stored are retried for a few seconds more (a stream that is down would hold the stop forever).
    await Promise.race([gateway.publisher.stop(), new Promise((resolve) => setTimeout(resolve, 5_000).unref())]);
    log.info({ offset: gateway.follower.offset, ...gateway.follower.counters, published: gateway.publisher.published }, 'gateway stopped');
  } finally {
    for (const a of adapters) await a.stop().catch((err: unknown) => log.warn({ err, platform: a.platform }, 'could not stop a chat platform cleanly'));
    await bus.close();
    await windowsStore?.close();
  }
}
