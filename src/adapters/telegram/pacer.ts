/**
 * Pacing within Telegram's published limits: about 30 messages per second overall, one per second per chat,
 * 20 per minute per group. Every message passes three bottleneck limiters in turn: its chat's (a
 * Bottleneck.Group keyed by chat id, one message at a time, so a chat's messages leave in order), its group's
 * (negative chat ids: groups, supergroups, channels) and the global one.
 *
 * Each limiter is a sliding window: its reservoir holds `messages` tokens, a message takes one from each
 * limiter it passes, and each token comes back one window (plus a small margin for network jitter) after the
 * message actually went out. So no window of that length ever holds more than `messages` sends, however the
 * limiters' queues interleave: the guarantee Telegram's limits need, with bursts allowed up to the limit.
 *
 * @example
 *   const pacer = new Pacer(scaleLimits(10)); // 10× Telegram's rates, for tests
 *   await pacer.run(-1001234, 'alert', () => telegram.sendMessage(-1001234, html));
 */
import Bottleneck from 'bottleneck';

export interface RateWindow {
  /** At most this many messages… */
  messages: number;
  /** …in any window of this many milliseconds. */
  windowMs: number;
}

export interface TelegramLimits {
  /** All chats together (Telegram: ~30 per second). */
  global: RateWindow;
  /** One chat (Telegram: ~1 per second). */
  chat: RateWindow;
  /** One group, supergroup or channel (Telegram: 20 per minute). */
  group: RateWindow;
  /** Added to every window before a token returns: jitter between our send and Telegram's clock. Not scaled. */
  marginMs: number;
}

export const TELEGRAM_LIMITS: Readonly<TelegramLimits> = Object.freeze({
  global: { messages: 30, windowMs: 1_000 },
  chat: { messages: 1, windowMs: 1_000 },
  group: { messages: 20, windowMs: 60_000 },
  marginMs: 50,
});

/** Telegram's limits `factor` times faster (windows divided by `factor`), the same shape: for tests and benchmarks. */
export function scaleLimits(factor: number, base: TelegramLimits = TELEGRAM_LIMITS): TelegramLimits {
  const scale = (w: RateWindow): RateWindow => ({ messages: w.messages, windowMs: w.windowMs / factor });
  return { global: scale(base.global), chat: scale(base.chat), group: scale(base.group), marginMs: base.marginMs };
}

/**
 * Who waits for whom: parts of one reply stay together (`continuation`), a user who asked comes before an
 * alert fan-out (`reply`), alerts keep their order among themselves (`alert`). Bottleneck: lower runs first.
 */
const PRIORITY = { continuation: 0, reply: 2, alert: 5 } as const;
export type SendPriority = keyof typeof PRIORITY;

/** The longest a 429's retry_after holds a chat's lane here; the outbox is told the full wait anyway. */
const MAX_HOLD_MS = 10 * 60_000;

/** Negative ids are groups, supergroups and channels; positive ones private chats. */
export function isGroupChat(chatId: number | string): boolean {
  return typeof chatId === 'number' ? chatId < 0 : chatId.startsWith('-') || chatId.startsWith('@');
}

export class Pacer {
  private readonly global: Bottleneck;
  private readonly chats: Bottleneck.Group;
  private readonly groups: Bottleneck.Group;
  private readonly timers = new Set<NodeJS.Timeout>();
  private stopped = false;

  constructor(readonly limits: TelegramLimits) {
    for (const [name, w] of Object.entries({ global: limits.global, chat: limits.chat, group: limits.group })) {
      if (!(w.messages >= 1 && w.windowMs > 0)) throw new Error(`Telegram limits: ${name} needs messages >= 1 and windowMs > 0`);
    }
    this.global = new Bottleneck({ reservoir: limits.global.messages, id: 'telegram-global' });
    // Idle limiters are dropped after `timeout`; it must outlast any hold, or queued jobs would be orphaned.
    const timeout = Math.max(30 * 60_000, 2 * (limits.group.windowMs + MAX_HOLD_MS));
    this.chats = new Bottleneck.Group({ maxConcurrent: 1, reservoir: limits.chat.messages, timeout, id: 'telegram-chat' });
    this.groups = new Bottleneck.Group({ reservoir: limits.group.messages, timeout, id: 'telegram-group' });
  }

  /** Send one message to a chat when every limit allows; resolves or rejects with what `send` does. */
  run<T>(chatId: number | string, priority: SendPriority, send: () => Promise<T>): Promise<T> {
    if (this.stopped) return Promise.reject(new Bottleneck.BottleneckError('The Telegram pacer has been stopped.'));
    const key = String(chatId);
    const lanes: [Bottleneck, number][] = [[this.chats.key(key), this.limits.chat.windowMs]];
    if (isGroupChat(chatId)) lanes.push([this.groups.key(key), this.limits.group.windowMs]);
    lanes.push([this.global, this.limits.global.windowMs]);
    const options = { priority: PRIORITY[priority] };
    const step = (i: number): Promise<T> => {
      if (i === lanes.length) {
        // Every limiter passed: the message goes out now, and each token returns one window from now.
        for (const [limiter, windowMs] of lanes) this.later(windowMs + this.limits.marginMs, () => limiter.incrementReservoir(1));
        return send();
      }
      return lanes[i]![0].schedule(options, () => step(i + 1));
    };
    return step(0);
  }

  /** Telegram answered 429 for this chat: send nothing more to it for `ms`. */
  holdChat(chatId: number | string, ms: number): void {
    if (this.stopped || !(ms > 0)) return;
    const lane = this.chats.key(String(chatId));
    lane.incrementReservoir(-1).catch(() => undefined);
    this.later(Math.min(ms, MAX_HOLD_MS), () => lane.incrementReservoir(1));
  }

  /** Drop what waits (those sends reject with a BottleneckError), let what is on the wire finish, release every timer. */
  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
    const opts = { dropWaitingJobs: true, dropErrorMessage: 'Telegram adapter stopped before this message was sent.' };
    // Innermost first: dropping a global job ends the group and chat jobs waiting on it.
    await this.global.stop(opts);
    for (const group of [this.groups, this.chats]) {
      await Promise.all(group.limiters().map(({ limiter }) => limiter.stop(opts).then(() => limiter.disconnect())));
      await group.disconnect();
      // Bottleneck.Group keeps an (unref'd) cleanup interval with no public way to end it.
      clearInterval((group as unknown as { interval?: NodeJS.Timeout }).interval);
    }
    await this.global.disconnect();
  }

  private later(ms: number, fn: () => Promise<unknown>): void {
    const t = setTimeout(() => {
      this.timers.delete(t);
      fn().catch(() => undefined);
    }, ms);
    t.unref();
    this.timers.add(t);
  }
}
