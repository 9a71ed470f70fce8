/**
 * Reconnect pacing: capped exponential backoff with jitter, so a bot that lost the network does not
 * hammer an exchange, and many streams failing together do not retry in lockstep.
 */

export interface BackoffOptions {
  baseMs?: number;
  maxMs?: number;
  /** 0..1 source of randomness (tests pass a fixed one). */
  random?: () => number;
}

/**
 * The wait before retry number `failures` (0 for the first retry): base·2ⁿ capped at max, then between half
 * and all of it ("equal jitter"). Shared by stream reconnects (Backoff) and the alert outbox's retries.
 */
export function backoffDelay(failures: number, opts: { baseMs: number; maxMs: number }, random: () => number = Math.random): number {
  const ceiling = Math.min(Math.max(opts.maxMs, opts.baseMs), opts.baseMs * 2 ** Math.min(Math.max(failures, 0), 30));
  return Math.round(ceiling / 2 + (ceiling / 2) * random());
}

export class Backoff {
  private attempts = 0;
  private readonly baseMs: number;
  private readonly maxMs: number;
  private readonly random: () => number;

  constructor(opts: BackoffOptions = {}) {
    this.baseMs = opts.baseMs ?? 1_000;
    this.maxMs = Math.max(opts.maxMs ?? 60_000, this.baseMs);
    this.random = opts.random ?? Math.random;
  }

  /** How many failures in a row so far. */
  get failures(): number {
    return this.attempts;
  }

  /** The wait before the next attempt: base·2ⁿ capped at max, then between half and all of it ("equal jitter"). */
  next(): number {
    return backoffDelay(this.attempts++, { baseMs: this.baseMs, maxMs: this.maxMs }, this.random);
  }

  /** A connection stayed healthy: start again from the base delay. */
  reset(): void {
    this.attempts = 0;
  }
}

/** Resolves once `signal` aborts (at once if it already has). */
export function untilAborted(signal: AbortSignal): Promise<void> {
  if (signal.aborted) return Promise.resolve();
  return new Promise((resolve) => signal.addEventListener('abort', () => resolve(), { once: true }));
}

/** A wait that ends early when `signal` aborts, or has already aborted (resolves either way, never rejects). */
export function pause(ms: number, signal: AbortSignal): Promise<void> {
  if (signal.aborted) return Promise.resolve();
  return new Promise((resolve) => {
    const done = (): void => {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal.addEventListener('abort', done, { once: true });
  });
}
