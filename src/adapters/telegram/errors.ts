/**
 * Bot API failures in our words, translated where they enter (sender.ts): telegraf's TelegramError, its
 * node-fetch network errors and the pacer's "stopped" errors become the one ChatApiError (../errors.ts) whose
 * `kind` says what the caller should do: wait (`rate_limited`), give up on the chat (`chat_gone`), retry later
 * (`unavailable`), or nothing at all (`not_modified`). The library error stays in `cause`. A refused photo and a
 * deleted forum topic are only `rejected`: the chat itself is fine, and the sender posts there another way
 * (`photosRefused`, `topicGone`).
 */
import { ChatApiError, type ChatErrorDetails, type ChatErrorKind } from '../errors.js';

const fail = (message: string, kind: ChatErrorKind, details: ChatErrorDetails, cause: unknown) => new ChatApiError(message, 'telegram', kind, details, { cause });

/** What a TelegramError looks like (duck-typed so this file needs no telegraf import). */
interface BotApiFailure {
  response: { error_code: number; description?: string; parameters?: { retry_after?: number; migrate_to_chat_id?: number } };
}

function isBotApiFailure(err: unknown): err is BotApiFailure {
  const r = (err as { response?: unknown })?.response as BotApiFailure['response'] | undefined;
  return typeof r === 'object' && r !== null && typeof r.error_code === 'number';
}

/** Descriptions that mean the bot can no longer post to this chat. */
const GONE = [
  /bot was blocked by the user/i,
  /bot was kicked/i,
  /bot is not a member/i,
  /user is deactivated/i,
  /chat not found/i,
  /chat was deleted/i,
  /group chat was (upgraded|deactivated)/i,
  /not enough rights to send/i,
  /need administrator rights/i,
  /CHAT_WRITE_FORBIDDEN/,
  /have no rights to send/i,
  /bot can't initiate conversation/i,
  /PEER_ID_INVALID/,
];

/** The chat lets the bot post, but not photos: the reply goes as text. */
const NO_PHOTOS = /not enough rights to send photos|CHAT_SEND_PHOTOS_FORBIDDEN/i;
/** The forum topic posted into was deleted: the chat's General still takes the post. */
const NO_TOPIC = /message thread not found|TOPIC_DELETED/i;

export const photosRefused = (e: ChatApiError): boolean => e.kind === 'rejected' && NO_PHOTOS.test(e.message);
export const topicGone = (e: ChatApiError): boolean => e.kind === 'rejected' && NO_TOPIC.test(e.message);

/** Turn anything a Bot API call threw into a ChatApiError (idempotent). */
export function translateError(err: unknown, method: string): ChatApiError {
  if (err instanceof ChatApiError) return err;
  if (isBotApiFailure(err)) {
    const { error_code: code, description = '', parameters } = err.response;
    const message = `Telegram ${method}: ${code} ${description}`.trim();
    const base = { doing: method, code };
    if (code === 429) {
      const retryAfterMs = Math.max(1, parameters?.retry_after ?? 1) * 1000;
      return fail(message, 'rate_limited', { ...base, retryAfterMs }, err);
    }
    if (code >= 500) return fail(message, 'unavailable', base, err);
    // What a revoked token or a wrong API root answers to every request: the setup, not this message or chat.
    if (code === 401 || code === 404) return fail(message, 'unauthorized', base, err);
    if (/message is not modified/i.test(description)) return fail(message, 'not_modified', base, err);
    if (/message to edit not found|message can't be edited|there is no (text|caption) in the message/i.test(description)) {
      return fail(message, 'edit_target_gone', base, err);
    }
    if (parameters?.migrate_to_chat_id !== undefined) return fail(message, 'chat_gone', { ...base, migrateToChatId: parameters.migrate_to_chat_id }, err);
    if (NO_PHOTOS.test(description) || NO_TOPIC.test(description)) return fail(message, 'rejected', base, err);
    if (code === 403 || GONE.some((re) => re.test(description))) return fail(message, 'chat_gone', base, err);
    if (/can't parse entities/i.test(description)) return fail(message, 'bad_markup', base, err);
    return fail(message, 'rejected', base, err);
  }
  const e = err as { name?: string; message?: string } | undefined;
  if (e?.name === 'PacerStoppedError') return fail(`Telegram ${method}: not sent, the adapter is stopping`, 'stopped', { doing: method }, err);
  // node-fetch's FetchError, AbortError, ECONNRESET, ECONNREFUSED, timeouts: the network, not the request.
  return fail(`Telegram ${method}: ${e?.message ?? String(err)}`, 'unavailable', { doing: method }, err);
}
