/**
 * One per-chat send budget for every process of a bot token, on the shared store (chat_windows): a gateway's
 * replies and the deliverer's alerts to one group, or an old and a new deliverer around a takeover, together
 * keep Telegram's per-chat (1/s) and per-group (20/min) limits. A send claims a slot in one statement before it
 * joins the process's own pacer (which still keeps the global limit and the order within the process).
 *
 * Groups only (negative chat ids): that is where both kinds of sender meet and where Telegram answers 429 for a
 * busy minute; a private chat keeps to each process's own pacer (Telegram tolerates short bursts there).
 *
 * @example
 *   const windows = pgChatWindows(store, limits);
 *   createTelegramAdapter({ token, services, sharedWindows: windows });
 */
import type { SharedChatWindows } from '../alerts/pacing.js';
import type { TelegramLimits } from '../adapters/telegram/pacer.js';
import { logger } from '../log.js';
import type { PostgresStore } from '../store/postgres.js';

const log = logger('bus:windows');

export interface ChatWindowsOptions {
  /**
   * How long a claimed slot counts as "being sent" before the platform answers (default 10 s): the slot is stamped
   * that far ahead, then restamped with the answer's time. A process killed mid-send holds its slot this long.
   */
  flightMs?: number;
  /** The longest one wait between claims (default 1 s): a slot freed early (an answer restamped) is seen soon. */
  maxWaitMs?: number;
}

export function pgChatWindows(store: Pick<PostgresStore, 'claimChatSend' | 'sendAnswered'>, limits: Pick<TelegramLimits, 'chat' | 'group' | 'marginMs'>, opts: ChatWindowsOptions = {}): SharedChatWindows {
  const flightMs = opts.flightMs ?? 10_000;
  const maxWaitMs = opts.maxWaitMs ?? 1_000;
  // The margin as in the process's own pacer: the windows counted from the answer, plus timer jitter.
  const windows = [limits.chat, limits.group].map((w) => ({ messages: w.messages, windowMs: w.windowMs + limits.marginMs }));
  return {
    covers: (chatId) => (typeof chatId === 'number' ? chatId < 0 : chatId.startsWith('-')),
    async acquire(chatId) {
      const chat = `telegram:${chatId}`;
      for (;;) {
        let claim;
        try {
          claim = await store.claimChatSend(chat, windows, flightMs);
        } catch (err) {
          // The store is away: send on the process's own pacer rather than hold every reply (a 429 is retried).
          log.warn({ chat, err: (err as Error).message }, "shared chat window unavailable; sending on this process's own pacing");
          return () => undefined;
        }
        if ('stamp' in claim) {
          const stamp = claim.stamp;
          return () => void store.sendAnswered(chat, stamp).catch((err: unknown) => log.warn({ chat, err: (err as Error).message }, 'could not record a send; its slot frees after the flight time'));
        }
        await new Promise((resolve) => setTimeout(resolve, Math.min(claim.waitMs, maxWaitMs)));
      }
    },
  };
}
