/**
 * Pacing within Discord's global limit: 50 requests per second per bot, across every server. discord.js
 * (@discordjs/rest) already queues per route (per channel), reads the X-RateLimit-* headers and retries 429s; what
 * it cannot do is spread one alert to thousands of channels so the bot stays under the global limit. This pacer
 * does: every alert send and edit starts at least `1000 / perSecond` ms after the previous one, so no one-second
 * window ever holds more than `perSecond` of them (+1), leaving room for command replies.
 *
 * @example
 *   const pacer = new Pacer(40);
 *   await pacer.run(() => rest.post(Routes.channelMessages(id), { body }));
 */
import Bottleneck from 'bottleneck';

export class Pacer {
  private readonly limiter: Bottleneck;
  private stopped = false;
  /** Requests handed to discord.js so far. */
  sent = 0;

  constructor(private perSecondNow: number) {
    if (!(perSecondNow > 0)) throw new Error('Discord pacer: perSecond must be > 0');
    this.limiter = new Bottleneck({ minTime: Math.ceil(1000 / perSecondNow), id: 'discord-global' });
  }

  get perSecond(): number {
    return this.perSecondNow;
  }

  /** Change the rate (a shard process takes its share of the bot's budget). */
  setRate(perSecond: number): void {
    if (!(perSecond > 0)) return;
    this.perSecondNow = perSecond;
    this.limiter.updateSettings({ minTime: Math.ceil(1000 / perSecond) });
  }

  /** Run one request when the budget allows; resolves or rejects with what `send` does. */
  run<T>(send: () => Promise<T>): Promise<T> {
    if (this.stopped) return Promise.reject(new Bottleneck.BottleneckError('The Discord pacer has been stopped.'));
    return this.limiter.schedule(() => {
      this.sent++;
      return send();
    });
  }

  /** Requests waiting for their turn. */
  queued(): number {
    return this.limiter.queued();
  }

  /** Drop what waits (those sends reject with a BottleneckError); what is on the wire finishes on its own. */
  stop(): void {
    if (this.stopped) return;
    this.stopped = true;
    void this.limiter.stop({ dropWaitingJobs: true }).catch(() => undefined);
  }
}
