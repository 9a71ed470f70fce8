/**
 * Bot API failures in our words, translated where they enter (sender.ts): telegraf's TelegramError, its
 * node-fetch network errors and the pacer's "stopped" errors become one TelegramApiError whose `kind` says
 * what the caller should do: wait (`rate_limited`), give up on the chat (`chat_gone`), retry later
 * (`unavailable`), or nothing at all (`not_modified`). The library error stays in `cause`.
 */

export type TelegramErrorKind =
  /** 429: too many messages; wait `retryAfterMs`, then send again. Never a reason to drop. */
  | 'rate_limited'
  /** The bot was blocked, kicked, muted or the chat/topic is gone: stop posting there. */
  | 'chat_gone'
  /** An edit that changes nothing: counts as success. */
  | 'not_modified'
  /** The message to edit was deleted or is too old to edit: post a new one instead. */
  | 'edit_target_gone'
  /** Telegram refused the HTML (should not happen: render.ts escapes everything). */
  | 'bad_markup'
  /** Telegram refused the request for another reason (a bug on our side, or a setting the chat changed). */
  | 'rejected'
  /** 5xx, a network failure or a timeout: worth retrying. */
  | 'unavailable'
  /** The adapter is stopping; the request was never sent. */
  | 'stopped';

export class TelegramApiError extends Error {
  override readonly name = 'TelegramApiError';

  constructor(
    message: string,
    readonly kind: TelegramErrorKind,
    readonly details: { method: string; code?: number; retryAfterMs?: number; migrateToChatId?: number } = { method: '' },
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

/** What a TelegramError looks like (duck-typed so this file needs no telegraf import). */
interface BotApiFailure {
  response: { error_code: number; description?: string; parameters?: { retry_after?: number; migrate_to_chat_id?: number } };
}

function isBotApiFailure(err: unknown): err is BotApiFailure {
  const r = (err as { response?: unknown })?.response as BotApiFailure['response'] | undefined;
  return typeof r === 'object' && r !== null && typeof r.error_code === 'number';
}

/** Descriptions that mean the bot can no longer post to this chat (or topic). */
const GONE = [
  /bot was blocked by the user/i,
  /bot was kicked/i,
  /bot is not a member/i,
  /user is deactivated/i,
  /chat not found/i,
  /chat was deleted/i,
  /group chat was (upgraded|deactivated)/i,
  /message thread not found/i,
  /not enough rights to send/i,
  /need administrator rights/i,
  /CHAT_WRITE_FORBIDDEN/,
  /have no rights to send/i,
  /bot can't initiate conversation/i,
  /PEER_ID_INVALID/,
];

/** Turn anything a Bot API call threw into a TelegramApiError (idempotent). */
export function translateError(err: unknown, method: string): TelegramApiError {
  if (err instanceof TelegramApiError) return err;
  if (isBotApiFailure(err)) {
    const { error_code: code, description = '', parameters } = err.response;
    const message = `Telegram ${method}: ${code} ${description}`.trim();
    const base = { method, code };
    if (code === 429) {
      const retryAfterMs = Math.max(1, parameters?.retry_after ?? 1) * 1000;
      return new TelegramApiError(message, 'rate_limited', { ...base, retryAfterMs }, { cause: err });
    }
    if (code >= 500) return new TelegramApiError(message, 'unavailable', base, { cause: err });
    if (/message is not modified/i.test(description)) return new TelegramApiError(message, 'not_modified', base, { cause: err });
    if (/message to edit not found|message can't be edited|there is no (text|caption) in the message/i.test(description)) {
      return new TelegramApiError(message, 'edit_target_gone', base, { cause: err });
    }
    if (parameters?.migrate_to_chat_id !== undefined) {
      return new TelegramApiError(message, 'chat_gone', { ...base, migrateToChatId: parameters.migrate_to_chat_id }, { cause: err });
    }
    if (code === 403 || GONE.some((re) => re.test(description))) return new TelegramApiError(message, 'chat_gone', base, { cause: err });
    if (/can't parse entities/i.test(description)) return new TelegramApiError(message, 'bad_markup', base, { cause: err });
    return new TelegramApiError(message, 'rejected', base, { cause: err });
  }
  const e = err as { name?: string; message?: string } | undefined;
  if (e?.name === 'PacerStoppedError') return new TelegramApiError(`Telegram ${method}: not sent, the adapter is stopping`, 'stopped', { method }, { cause: err });
  // node-fetch's FetchError, AbortError, ECONNRESET, ECONNREFUSED, timeouts: the network, not the request.
  return new TelegramApiError(`Telegram ${method}: ${e?.message ?? String(err)}`, 'unavailable', { method }, { cause: err });
}

/** The outbox's verdict for a failed send or edit: give the chat up, or retry (after retry_after when Telegram said). */
export function deliveryFailure(err: TelegramApiError): { ok: false; permanent: boolean; retryAfterMs?: number; error: string } {
  if (err.permanent) return { ok: false, permanent: true, error: err.message };
  if (err.kind === 'rate_limited') return { ok: false, permanent: false, retryAfterMs: err.retryAfterMs ?? 1000, error: err.message };
  return { ok: false, permanent: false, error: err.message };
}
