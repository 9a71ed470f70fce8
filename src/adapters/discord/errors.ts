/**
 * Discord failures in our words, translated where they enter (sender.ts, register.ts, adapter start): discord.js's
 * DiscordAPIError / HTTPError / RateLimitError, its network errors and the pacer's "stopped" error become one
 * DiscordApiError whose `kind` says what the caller should do: give up on the channel (`channel_gone`), wait
 * (`rate_limited`), retry later (`unavailable`), fix the setup (`unauthorized`), or post anew (`edit_target_gone`).
 * The library error stays in `cause`.
 */
import { DiscordAPIError, HTTPError, RateLimitError } from 'discord.js';

export type DiscordErrorKind =
  /** The channel was deleted, or the bot lost access or permission there: stop posting to it. */
  | 'channel_gone'
  /** A rate limit too long to wait out in place (discord.js waits out the short ones itself). */
  | 'rate_limited'
  /** The message to edit was deleted: post a new one instead. */
  | 'edit_target_gone'
  /** The token was refused, or a missing intent/scope: a setup problem, not the chat's. */
  | 'unauthorized'
  /** Discord refused the request body (a bug on our side). */
  | 'rejected'
  /** 5xx after discord.js's own retries, a network failure or a timeout: worth retrying. */
  | 'unavailable'
  /** The adapter is stopping; the request was never sent. */
  | 'stopped';

export class DiscordApiError extends Error {
  override readonly name = 'DiscordApiError';

  constructor(
    message: string,
    readonly kind: DiscordErrorKind,
    readonly details: { doing: string; status?: number; code?: number | string; retryAfterMs?: number } = { doing: '' },
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }

  get retryAfterMs(): number | undefined {
    return this.details.retryAfterMs;
  }

  /** The channel is gone for good (the outbox's `permanent: true`: unsubscribe). */
  get permanent(): boolean {
    return this.kind === 'channel_gone';
  }
}

/** JSON error codes meaning the destination is gone for good or the bot may no longer use it. */
export const GONE_CODES: Readonly<Record<number, string>> = {
  10003: 'Unknown Channel: it was deleted',
  10004: 'Unknown Guild: the bot was removed from the server',
  50001: 'Missing Access: the bot can no longer see the channel',
  50013: 'Missing Permissions: the bot may not post there',
  50007: 'Cannot send messages to this user',
};
const UNKNOWN_MESSAGE = 10008;
/** Unknown interaction: not answered within 3 s (or answered twice). */
export const INTERACTION_EXPIRED = 10062;
const INVALID_FORM_BODY = 50035;

function networkCode(err: unknown): string | undefined {
  const e = err as { code?: unknown; cause?: { code?: unknown } } | null;
  const code = e?.cause?.code ?? e?.code;
  return typeof code === 'string' && /^(E[A-Z]+|UND_ERR)/.test(code) ? code : undefined;
}

/** Turn anything a Discord call threw into a DiscordApiError that names what we were doing (idempotent). */
export function translateError(err: unknown, doing: string): DiscordApiError {
  if (err instanceof DiscordApiError) return err;
  const cause = { cause: err };
  if (err instanceof DiscordAPIError) {
    const code = typeof err.code === 'number' ? err.code : undefined;
    const base = { doing, status: err.status, code: err.code };
    const head = `Discord ${doing}: ${err.status} ${err.message} (code ${err.code})`;
    if (code !== undefined && GONE_CODES[code]) return new DiscordApiError(`${head}: ${GONE_CODES[code]}`, 'channel_gone', base, cause);
    if (code === UNKNOWN_MESSAGE) return new DiscordApiError(`${head}: the message was deleted`, 'edit_target_gone', base, cause);
    if (err.status === 401) return new DiscordApiError(`${head}: the token was refused; check DISCORD_TOKEN (Developer Portal → Bot → Reset Token)`, 'unauthorized', base, cause);
    if (err.status === 403) {
      return new DiscordApiError(`${head}: is the bot in that server, invited with the \`bot applications.commands\` scopes?`, 'unauthorized', base, cause);
    }
    if (code === INVALID_FORM_BODY) return new DiscordApiError(`${head}: ${JSON.stringify(err.rawError).slice(0, 500)}`, 'rejected', base, cause);
    if (code === INTERACTION_EXPIRED) return new DiscordApiError(`${head}: the interaction was not answered within 3 s`, 'rejected', base, cause);
    if (err.status >= 500) return new DiscordApiError(head, 'unavailable', base, cause);
    return new DiscordApiError(head, 'rejected', base, cause);
  }
  if (err instanceof HTTPError) {
    return new DiscordApiError(`Discord ${doing}: HTTP ${err.status} (after retries); usually temporary`, 'unavailable', { doing, status: err.status }, cause);
  }
  if (err instanceof RateLimitError) {
    const retryAfterMs = Math.max(1000, Math.ceil(err.timeToReset));
    return new DiscordApiError(`Discord ${doing}: rate limited for ${Math.ceil(retryAfterMs / 1000)} s on ${err.route}`, 'rate_limited', { doing, status: 429, retryAfterMs }, cause);
  }
  const e = err as { name?: string; code?: unknown; message?: string } | null;
  if (e?.name === 'PacerStoppedError') return new DiscordApiError(`Discord ${doing}: not sent, the adapter is stopping`, 'stopped', { doing }, cause);
  if (e?.code === 'TokenInvalid' || e?.code === 'TokenMissing') {
    return new DiscordApiError(`Discord ${doing}: DISCORD_TOKEN is ${e.code === 'TokenMissing' ? 'missing' : 'not a valid bot token'}`, 'unauthorized', { doing, code: e.code }, cause);
  }
  if (e?.code === 'DisallowedIntents') {
    return new DiscordApiError(`Discord ${doing}: an intent is not enabled for this bot (liqbot needs only Guilds)`, 'unauthorized', { doing, code: e.code }, cause);
  }
  const net = networkCode(err);
  const what = net ? `cannot reach Discord (${net}); check the network or DISCORD_API_BASE` : (e?.message ?? String(err));
  return new DiscordApiError(`Discord ${doing}: ${what}`, 'unavailable', net ? { doing, code: net } : { doing }, cause);
}

/** How long a refused token waits before the outbox tries again (an operator has to act first). */
const UNAUTHORIZED_RETRY_MS = 60_000;

/** The outbox's verdict for a failed send or edit. */
export function deliveryFailure(err: DiscordApiError): { ok: false; permanent: boolean; retryAfterMs?: number; error: string } {
  if (err.permanent) return { ok: false, permanent: true, error: err.message };
  const retryAfterMs = err.retryAfterMs ?? (err.kind === 'unauthorized' ? UNAUTHORIZED_RETRY_MS : undefined);
  return retryAfterMs !== undefined ? { ok: false, permanent: false, retryAfterMs, error: err.message } : { ok: false, permanent: false, error: err.message };
}
