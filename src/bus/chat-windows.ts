/**
 * One per-chat send budget for every process of a bot token, on the shared store (chat_windows): a gateway's
 * replies and the deliverer's alerts to one group, or an old and a new deliverer around a takeover, together
 * keep Telegram's per-chat (1/s) and per-group (20/min) limits. A send claims a slot in one statement before it
 * joins the process's own pacer (which still keeps the global limit and the order within the process).
 *
 * Groups only (negative chat ids): that is where both kinds of sender meet and where Telegram answers 429 for a
 * busy minute; a private chat keeps to each process's own pacer (Telegram tolerates short bursts there).
 *
 * The bot's overall ~30 messages a second is split rather than claimed per send (a fan-out would pay a statement
 * per message): the deliverer keeps to 25 of them (`deliverLimits`), and the gateways' replies, all gateways
 * together, claim one of the other 5 in a shared row (`replies: true`), so replies and alerts never pass 30 together.
 *
 * @example
 *   const windows = pgChatWindows(store, limits);
 *   createTelegramAdapter({ token, services, sharedWindows: windows });
 */
import { PacerStoppedError, type SharedChatWindows } from '../alerts/pacing.js';
import type { TelegramLimits } from '../adapters/telegram/pacer.js';
import { logger } from '../log.js';
import type { PostgresStore, SendWindow } from '../store/postgres.js';

const log = logger('bus:windows');

export interface ChatWindowsOptions {
  /**
   * How long a claimed slot counts as "being sent" before the platform answers (default 10 s): the slot is stamped
   * that far ahead, then restamped with the answer's time. A process killed mid-send holds its slot this long.
   */
  flightMs?: number;
  /** The longest one wait between claims (default 1 s): a slot freed early (an answer restamped) is seen soon. */
  maxWaitMs?: number;
  /** A gateway's windows: every reply also claims a slot of the gateways' share of the global limit (REPLY_SHARE). */
  replies?: boolean;
}

/** Of Telegram's ~30 messages a second for the whole bot, what the gateways' replies keep; the deliverer has the rest. */
export const REPLY_SHARE = 5;
/** The shared row the gateways' replies claim their share of the global limit in. */
const REPLIES_ROW = 'telegram:*replies';

/** The deliverer's limits: Telegram's global window less the gateways' share (same window, fewer messages). */
export function deliverLimits<L extends Pick<TelegramLimits, 'global'>>(limits: L): L {
  return { ...limits, global: { ...limits.global, messages: limits.global.messages - REPLY_SHARE } };
}

export function pgChatWindows(store: Pick<PostgresStore, 'claimChatSend' | 'sendAnswered'>, limits: Pick<TelegramLimits, 'global' | 'chat' | 'group' | 'marginMs'>, opts: ChatWindowsOptions = {}): SharedChatWindows {
  const flightMs = opts.flightMs ?? 10_000;
  const maxWaitMs = opts.maxWaitMs ?? 1_000;
  // The margin as in the process's own pacer: the windows counted from the answer, plus timer jitter.
  const windows = [limits.chat, limits.group].map((w) => ({ messages: w.messages, windowMs: w.windowMs + limits.marginMs }));
  const replyShare = [{ messages: REPLY_SHARE, windowMs: limits.global.windowMs + limits.marginMs }];
  const isGroup = (chatId: number | string) => (typeof chatId === 'number' ? chatId < 0 : chatId.startsWith('-'));
  let stopped = false;
  const claim = async (chat: string, limit: readonly SendWindow[]): Promise<() => void> => {
    for (;;) {
      if (stopped) throw new PacerStoppedError('stopped before this message had its turn in the chat window');
      let got;
      try {
        got = await store.claimChatSend(chat, limit, flightMs);
      } catch (err) {
        // The store is away: send on the process's own pacer rather than hold every reply (a 429 is retried).
        log.warn({ chat, err: (err as Error).message }, "shared chat window unavailable; sending on this process's own pacing");
        return () => undefined;
      }
      if ('stamp' in got) {
        const stamp = got.stamp;
        return () => void store.sendAnswered(chat, stamp).catch((err: unknown) => log.warn({ chat, err: (err as Error).message }, 'could not record a send; its slot frees after the flight time'));
      }
      await new Promise((resolve) => setTimeout(resolve, Math.min(got.waitMs, maxWaitMs)));
    }
  };
  return {
    covers: (chatId) => opts.replies === true || isGroup(chatId),
    stop() {
      // A send waiting for a full window (a group's minute) gives up at its next look instead of holding a stop.
      stopped = true;
    },
    async acquire(chatId) {
      // The group's window first (it can be a long wait), then the global share (a short one), so a full group never
      // holds one of the gateways' few global slots.
      const group = isGroup(chatId) ? await claim(`telegram:${chatId}`, windows) : undefined;
      const share = opts.replies ? await claim(REPLIES_ROW, replyShare) : undefined;
      return () => {
        group?.();
        share?.();
      };
    },
  };
}

