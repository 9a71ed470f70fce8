/**
 * Pacing within Discord's global limit: 50 requests per second per bot, across every server. discord.js
 * (@discordjs/rest) already queues per route (per channel), reads the X-RateLimit-* headers and retries 429s; what
 * it cannot do is spread one alert to thousands of channels so the bot stays under the global limit. This pacer
 * does: at most `perSecond` alert requests in any second, each token coming back one second (plus a margin)
 * after Discord *answered* (src/alerts/pacing.ts), so a slow machine or a slow Discord can never squeeze two
 * windows together. Command answers are interaction responses, which Discord does not count: they skip it.
 *
 * @example
 *   const pacer = new Pacer(40);
 *   await pacer.run(() => rest.post(Routes.channelMessages(id), { body }));
 */
import { PacerStoppedError, systemClock, WindowBudget, type Clock } from '../../alerts/pacing.js';

/** Added to the second before a token returns: jitter between Discord's clock and ours. */
const MARGIN_MS = 50;

interface Job {
  send: () => Promise<unknown>;
  resolve: (v: unknown) => void;
  reject: (e: unknown) => void;
}

export class Pacer {
  private budget: WindowBudget;
  private readonly waiting: Job[] = [];
  private stopped = false;
  /** Requests handed to discord.js so far. */
  sent = 0;

  constructor(
    private perSecondNow: number,
    private readonly clock: Clock = systemClock,
  ) {
    if (!(perSecondNow > 0)) throw new Error('Discord pacer: perSecond must be > 0');
    this.budget = this.makeBudget(perSecondNow);
  }

  get perSecond(): number {
    return this.perSecondNow;
  }

  /** Change the rate (a shard process takes its share of the bot's budget); tokens out now still come back. */
  setRate(perSecond: number): void {
    if (!(perSecond > 0) || perSecond === this.perSecondNow) return;
    this.perSecondNow = perSecond;
    const old = this.budget;
    this.budget = this.makeBudget(perSecond);
    // The old budget's tokens: each one out holds a place in the new budget until it returns.
    for (let out = old.window.messages - old.free; out > 0; out--) this.budget.hold(1_000 + MARGIN_MS);
    old.clear();
  }

  /** Run one request when the budget allows, first come first served; resolves or rejects with what `send` does. */
  run<T>(send: () => Promise<T>): Promise<T> {
    if (this.stopped) return Promise.reject(new PacerStoppedError('The Discord pacer has been stopped.'));
    return new Promise<T>((resolve, reject) => {
      this.waiting.push({ send, resolve: resolve as (v: unknown) => void, reject });
      this.pump();
    });
  }

  /** Requests waiting for their turn. */
  queued(): number {
    return this.waiting.length;
  }

  /** Drop what waits (those sends reject with PacerStoppedError); what is on the wire finishes on its own. */
  stop(): void {
    if (this.stopped) return;
    this.stopped = true;
    const error = new PacerStoppedError('Discord adapter stopped before this alert was sent.');
    for (const job of this.waiting.splice(0)) job.reject(error);
    this.budget.clear();
  }

  private makeBudget(perSecond: number): WindowBudget {
    // A fractional share (a shard's) becomes a longer window: 2.5/s is 5 per 2 s.
    const messages = Math.max(1, Math.floor(perSecond)) === perSecond ? perSecond : Math.max(1, Math.round(perSecond * 2));
    const windowMs = (messages / perSecond) * 1_000;
    return new WindowBudget({ messages, windowMs }, MARGIN_MS, this.clock, () => this.pump());
  }

  private pump(): void {
    while (!this.stopped && this.waiting.length && this.budget.free > 0) {
      const job = this.waiting.shift()!;
      const answered = this.budget.take();
      this.sent++;
      let p: Promise<unknown>;
      try {
        p = job.send();
      } catch (err) {
        p = Promise.reject(err);
      }
      p.then(job.resolve, job.reject).finally(answered);
    }
  }
}
