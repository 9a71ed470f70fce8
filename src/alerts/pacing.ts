/**
 * Pacing primitives the chat adapters' pacers share: a clock that tests replace with a manual one, and a
 * window budget whose tokens come back one window after the platform *answered* a request (not after it left).
 * Counting from the answer makes the limit hold on a slow machine: the platform saw the request no later than
 * it answered, so the next request can never land inside a window the platform is still counting.
 *
 * @example
 *   const budget = new WindowBudget({ messages: 30, windowMs: 1000 }, 50, systemClock, () => pump());
 *   if (budget.free > 0) { const answered = budget.take(); await send().finally(answered); }
 */

/** Time and timers, injected so tests drive pacing with a manual clock instead of the machine's speed. */
export interface Clock {
  now(): number;
  /** Run `fn` after `ms`; returns a function that cancels it. Timers never keep the process alive. */
  after(ms: number, fn: () => void): () => void;
}

export const systemClock: Clock = {
  now: () => performance.now(),
  after(ms, fn) {
    const t = setTimeout(fn, Math.max(0, ms));
    t.unref();
    return () => clearTimeout(t);
  },
};

export interface RateWindow {
  /** At most this many requests… */
  messages: number;
  /** …in any window of this many milliseconds. */
  windowMs: number;
}

/**
 * At most `messages` tokens out at once; a token taken for a request comes back `windowMs + marginMs` after the
 * request was answered (or failed). `onFree` is called each time one comes back.
 */
export class WindowBudget {
  private out = 0;
  private readonly timers = new Set<() => void>();

  constructor(
    readonly window: RateWindow,
    private readonly marginMs: number,
    private readonly clock: Clock,
    private readonly onFree: () => void,
  ) {
    if (!(window.messages >= 1 && window.windowMs > 0)) throw new Error('a rate window needs messages >= 1 and windowMs > 0');
  }

  /** Tokens that may be taken now. */
  get free(): number {
    return this.window.messages - this.out;
  }

  /** Whether every token is back (nothing sent in the last window). */
  get idle(): boolean {
    return this.out === 0;
  }

  /** Take a token; call the returned function once the platform answered (it is safe to call twice). */
  take(): () => void {
    this.out++;
    let answered = false;
    return () => {
      if (answered) return;
      answered = true;
      const cancel = this.clock.after(this.window.windowMs + this.marginMs, () => {
        this.timers.delete(cancel);
        this.out--;
        this.onFree();
      });
      this.timers.add(cancel);
    };
  }

  /** Withhold one token for `ms` (a platform's retry-after), as if a request had been answered now. */
  hold(ms: number): void {
    this.out++;
    const cancel = this.clock.after(ms, () => {
      this.timers.delete(cancel);
      this.out--;
      this.onFree();
    });
    this.timers.add(cancel);
  }

  /** Cancel every pending return (the pacer is stopping). */
  clear(): void {
    for (const cancel of this.timers) cancel();
    this.timers.clear();
  }
}

/**
 * A per-chat budget that several processes of one bot share (on the scaled-out store): a gateway's replies and a
 * deliverer's alerts to one chat count in one window, so together they keep the platform's per-chat limits. A
 * send takes a slot before it joins the process's own pacer, and reports when the platform answered.
 */
export interface SharedChatWindows {
  /** Whether this chat's sends go through the shared windows (the others keep to the process's own pacer). */
  covers(chatId: number | string): boolean;
  /** Wait for a slot in the chat's windows; call the returned function once the platform answered. */
  acquire(chatId: number | string): Promise<() => void>;
  /** Waiting acquires give up (PacerStoppedError): the adapter is stopping. */
  stop(): void;
}

/** What a pacer rejects a waiting request with when it stops; adapters translate it to their "stopped" error. */
export class PacerStoppedError extends Error {
  override readonly name = 'PacerStoppedError';
}
