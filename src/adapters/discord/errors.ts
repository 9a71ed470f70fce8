/**
 * Discord failures in our words, translated where they enter (sender.ts, register.ts, adapter start): discord.js's
 * DiscordAPIError / HTTPError / RateLimitError, its network errors and the pacer's "stopped" error become the one
 * ChatApiError (../errors.ts) whose `kind` says what the caller should do: give up on the channel (`chat_gone`),
 * wait (`rate_limited`), retry later (`unavailable`), fix the setup (`unauthorized`), post anew
 * (`edit_target_gone`), or take this request as refused (`rejected`: a channel's permissions say no, an invalid
 * body). The library error stays in `cause`.
 */
import { DiscordAPIError, HTTPError, RateLimitError } from 'discord.js';
import { ChatApiError, type ChatErrorDetails, type ChatErrorKind } from '../errors.js';

/** A Discord failure of `kind` while `details.doing`, caused by `cause`. */
export const discordError = (message: string, kind: ChatErrorKind, details: ChatErrorDetails, cause?: unknown): ChatApiError =>
  new ChatApiError(message, 'discord', kind, details, cause === undefined ? undefined : { cause });

/** JSON error codes meaning the destination is gone for good or the bot may no longer use it. */
export const GONE_CODES: Readonly<Record<number, string>> = {
  10003: 'Unknown Channel: it was deleted',
  10004: 'Unknown Guild: the bot was removed from the server',
  50007: 'Cannot send messages to this user',
};
/**
 * JSON error codes refusing this request in a channel that is still there: its permissions say no, for now (an admin
 * locked it, or the bot was never given them). Not the server gone: the request is `rejected`, the settings stay. A
 * Missing Access to a channel of a server the bot was removed from is told apart where it is met (sender.ts).
 */
export const REFUSED_CODES: Readonly<Record<number, string>> = {
  50001: 'Missing Access: the bot cannot see the channel (its View Channel permission there)',
  50013: 'Missing Permissions: the bot may not post there (it needs View Channel, Send Messages, Embed Links and Attach Files)',
};
export const MISSING_ACCESS = 50001;
/** What to do about a token Discord refuses. */
const NEW_TOKEN = 'set it to the bot token of the Developer Portal (Bot → Reset Token)';
/** What a login rejects with when the gateway closes with 4004 (Authentication failed). */
const GATEWAY_AUTH_FAILED = 'Authentication failed';
const UNKNOWN_MESSAGE = 10008;
/** Unknown interaction: not answered within 3 s (or answered twice). */
export const INTERACTION_EXPIRED = 10062;
const INVALID_FORM_BODY = 50035;

function networkCode(err: unknown): string | undefined {
  const e = err as { code?: unknown; cause?: { code?: unknown } } | null;
  const code = e?.cause?.code ?? e?.code;
  return typeof code === 'string' && /^(E[A-Z]+|UND_ERR)/.test(code) ? code : undefined;
}

/** Turn anything a Discord call threw into a ChatApiError that names what we were doing (idempotent). */
export function translateError(err: unknown, doing: string): ChatApiError {
  if (err instanceof ChatApiError) return err;
  if (err instanceof DiscordAPIError) {
    const code = typeof err.code === 'number' ? err.code : undefined;
    const base = { doing, status: err.status, code: err.code };
    const head = `Discord ${doing}: ${err.status} ${err.message} (code ${err.code})`;
    if (code !== undefined && GONE_CODES[code]) return discordError(`${head}: ${GONE_CODES[code]}`, 'chat_gone', base, err);
    if (code !== undefined && REFUSED_CODES[code]) return discordError(`${head}: ${REFUSED_CODES[code]}`, 'rejected', base, err);
    if (code === UNKNOWN_MESSAGE) return discordError(`${head}: the message was deleted`, 'edit_target_gone', base, err);
    if (err.status === 401) return discordError(`${head}: the token was refused; check DISCORD_TOKEN (Developer Portal → Bot → Reset Token)`, 'unauthorized', base, err);
    if (err.status === 403) {
      return discordError(`${head}: is the bot in that server, invited with the \`bot applications.commands\` scopes?`, 'unauthorized', base, err);
    }
    if (code === INVALID_FORM_BODY) return discordError(`${head}: ${JSON.stringify(err.rawError).slice(0, 500)}`, 'rejected', base, err);
    if (code === INTERACTION_EXPIRED) return discordError(`${head}: the interaction was not answered within 3 s`, 'rejected', base, err);
    if (err.status >= 500) return discordError(head, 'unavailable', base, err);
    return discordError(head, 'rejected', base, err);
  }
  if (err instanceof HTTPError) {
    return discordError(`Discord ${doing}: HTTP ${err.status} (after retries); usually temporary`, 'unavailable', { doing, status: err.status }, err);
  }
  if (err instanceof RateLimitError) {
    const retryAfterMs = Math.max(1000, Math.ceil(err.timeToReset));
    return discordError(`Discord ${doing}: rate limited for ${Math.ceil(retryAfterMs / 1000)} s on ${err.route}`, 'rate_limited', { doing, status: 429, retryAfterMs }, err);
  }
  const e = err as { name?: string; code?: unknown; message?: string } | null;
  if (e?.name === 'PacerStoppedError') return discordError(`Discord ${doing}: not sent, the adapter is stopping`, 'stopped', { doing }, err);
  if (e?.code === 'TokenInvalid' || e?.code === 'TokenMissing') {
    return discordError(`Discord ${doing}: DISCORD_TOKEN is ${e.code === 'TokenMissing' ? 'missing' : `not a valid bot token; ${NEW_TOKEN}`}`, 'unauthorized', { doing, code: e.code }, err);
  }
  // The gateway closing with 4004 (@discordjs/ws's words): the token passed REST's check but not the gateway's.
  if (e?.message === GATEWAY_AUTH_FAILED) {
    return discordError(`Discord ${doing}: the gateway refused DISCORD_TOKEN (close code 4004, authentication failed); ${NEW_TOKEN}`, 'unauthorized', { doing, code: 4004 }, err);
  }
  if (e?.code === 'DisallowedIntents') {
    return discordError(`Discord ${doing}: an intent is not enabled for this bot (liqbot needs only Guilds)`, 'unauthorized', { doing, code: e.code }, err);
  }
  const net = networkCode(err);
  const what = net ? `cannot reach Discord (${net}); check the network or DISCORD_API_BASE` : (e?.message ?? String(err));
  return discordError(`Discord ${doing}: ${what}`, 'unavailable', net ? { doing, code: net } : { doing }, err);
}
