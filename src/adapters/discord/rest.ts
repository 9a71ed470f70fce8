/**
 * The Discord adapter of the deliver role: alerts over REST only, no gateway session (no websocket, no cache, no
 * interactions): `--role deliver --platform discord` sends, the gateways answer commands. Every request can go
 * through given HTTP agents (http.ts), which is how the deliver role fences them with its lease.
 *
 * @example
 *   const discord = createDiscordRestAdapter({ token, apiBase, agents: { http: fenced, https: fencedTls } });
 *   await discord.start(); // checks the token (GET /users/@me)
 *   await discord.deliver({ chat: 'discord:1234…', target: 'channel:5678…' }, reply); // → { ok: true, messageRef }
 */
import { REST, RESTEvents, Routes, type RateLimitData, type RESTOptions } from 'discord.js';
import type { ChatAdapter, DeliveryResult } from '../contract.js';
import { logger } from '../../log.js';
import { discordError, translateError } from './errors.js';
import { requestThrough, type Agents } from './http.js';
import { Pacer } from './pacer.js';
import { DiscordSender } from './sender.js';

const log = logger('discord');

const isMessageRoute = (route: string) => /^\/channels\/[^/]+\/messages/.test(route);

/** A channel rate limit longer than this is not waited out: deliver() returns it as `retryAfterMs`. */
const MAX_RATE_LIMIT_WAIT_MS = 10_000;

/** discord.js REST options both adapters share: the API base, invalid-request warnings, long channel limits handed back. */
export function restOptions(apiBase: string | undefined): Partial<RESTOptions> {
  return {
    ...(apiBase ? { api: apiBase } : {}),
    // Warn well before Discord's 10,000 invalid requests per 10 minutes (an IP ban).
    invalidRequestWarningInterval: 500,
    // A long channel limit goes back to the outbox (retryAfterMs) instead of holding the send here.
    rejectOnRateLimit: (data: RateLimitData) => !data.global && isMessageRoute(data.route) && data.timeToReset > MAX_RATE_LIMIT_WAIT_MS,
  };
}

/** Log what discord.js's REST reports: rate limits (debug) and a growing count of invalid requests (warn). */
export function watchRest(rest: REST): void {
  rest.on(RESTEvents.RateLimited, (d) => log.debug({ route: d.route, global: d.global, waitMs: d.timeToReset }, 'discord: rate limited; waiting'));
  rest.on(RESTEvents.InvalidRequestWarning, (d) =>
    log.warn({ count: d.count, resetMs: d.remainingTime }, 'discord: many invalid requests (401/403/429); Discord bans an IP at 10,000 in 10 minutes'),
  );
}

export interface DiscordRestAdapterOptions {
  token: string;
  /** DISCORD_API_BASE (a rate-limit proxy, or a test fake): `http://host:port/api`. Default: Discord's. */
  apiBase?: string;
  /** The agents every request goes through (default: discord.js's own fetch). */
  agents?: Agents;
  /** Alert requests per second for the whole bot (default 40 of Discord's 50). */
  globalPerSecond?: number;
}

export function createDiscordRestAdapter(opts: DiscordRestAdapterOptions): ChatAdapter {
  const rest = new REST({
    ...restOptions(opts.apiBase),
    ...(opts.agents ? { makeRequest: requestThrough(opts.agents) } : {}),
  }).setToken(opts.token);
  watchRest(rest);
  const pacer = new Pacer(opts.globalPerSecond ?? 40);
  const sender = new DiscordSender(rest, pacer);
  let state: 'idle' | 'ready' | 'stopped' = 'idle';

  return {
    platform: 'discord',

    async start() {
      if (state !== 'idle') throw discordError(`Discord: start() called when ${state}`, 'stopped', { doing: 'starting' });
      try {
        const me = (await rest.get(Routes.user('@me'))) as { username?: string };
        log.info({ user: me.username }, 'discord: REST only (no gateway session): delivering alerts');
      } catch (err) {
        state = 'stopped';
        throw translateError(err, 'checking the token');
      }
      state = 'ready';
    },

    async stop() {
      if (state === 'stopped') return;
      state = 'stopped';
      pacer.stop();
      rest.clearHashSweeper();
      rest.clearHandlerSweeper();
      rest.removeAllListeners();
    },

    async deliver(to, reply, editRef): Promise<DeliveryResult> {
      if (state !== 'ready') return { ok: false, permanent: false, retryAfterMs: 5_000, error: `Discord: not started (${state})` };
      return sender.deliver(to, reply, editRef);
    },
  };
}
