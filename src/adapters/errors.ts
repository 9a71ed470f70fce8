/**
 * Chat-platform failures in our words, one type for every platform: each adapter translates its library's errors
 * where they enter (telegram/errors.ts, discord/errors.ts) into a ChatApiError whose `kind` says what the caller
 * should do, keeping the library error in `cause`; `deliveryFailure` turns one into the outbox's verdict.
 */
import type { Platform } from '../../commands/types.js';
import type { DeliveryResult } from './contract.js';

export type ChatErrorKind =
  /** The bot was blocked, removed or muted, or the chat, topic or channel is gone: stop posting there. */
  | 'chat_gone'
  /** Too many requests: wait `retryAfterMs`, then send again. Never a reason to drop. */
  | 'rate_limited'
  /** An edit that changes nothing: counts as success. */
  | 'not_modified'
  /** The message to edit was deleted or is too old to edit: post a new one instead. */
  | 'edit_target_gone'
  /** The platform refused our markup (should not happen: each renderer escapes everything). */
  | 'bad_markup'
  /** The token was refused, or a missing intent or scope: a setup problem, not the chat's. */
  | 'unauthorized'
  /** The platform refused the request for another reason (a bug on our side, or a setting the chat changed). */
  | 'rejected'
  /** 5xx, a network failure or a timeout: worth retrying. */
  | 'unavailable'
  /** The adapter is stopping; the request was never sent. */
  | 'stopped';

export interface ChatErrorDetails {
  /** What we were doing: the API method (`sendMessage`) or the task (`delivering`). */
  doing: string;
  /** The HTTP status, when there was a response. */
  status?: number;
  /** The platform's own error code (Telegram's error_code, Discord's JSON code, a network code). */
  code?: number | string;
  retryAfterMs?: number;
  /** Telegram: the group became a supergroup with this chat id. */
  migrateToChatId?: number;
}

export class ChatApiError extends Error {
  override readonly name = 'ChatApiError';

  constructor(
    message: string,
    readonly platform: Exclude<Platform, 'terminal'>,
    readonly kind: ChatErrorKind,
    readonly details: ChatErrorDetails,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }

  get retryAfterMs(): number | undefined {
    return this.details.retryAfterMs;
  }

  /** The chat is gone for good (the outbox's `permanent: true`: unsubscribe). */
  get permanent(): boolean {
    return this.kind === 'chat_gone';
  }

  /** Worth trying the same request again soon (a reply to a command is retried a few times). */
  get transient(): boolean {
    return this.kind === 'rate_limited' || this.kind === 'unavailable';
  }
}

/** How long a refused token waits before the outbox tries again (an operator has to act first). */
const UNAUTHORIZED_RETRY_MS = 60_000;

/** The outbox's verdict for a failed send or edit: give the chat up, or retry (after the platform's wait when it said one). */
export function deliveryFailure(err: ChatApiError): Extract<DeliveryResult, { ok: false }> {
  if (err.permanent) return { ok: false, permanent: true, error: err.message, kind: err.kind };
  const retryAfterMs = err.retryAfterMs ?? (err.kind === 'rate_limited' ? 1000 : err.kind === 'unauthorized' ? UNAUTHORIZED_RETRY_MS : undefined);
  return retryAfterMs !== undefined ? { ok: false, permanent: false, retryAfterMs, error: err.message, kind: err.kind } : { ok: false, permanent: false, error: err.message, kind: err.kind };
}
