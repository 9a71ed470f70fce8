/**
 * One exchange's trouble, told once. A bot without network must not fill its log: the first failure of an
 * outage is a warning with a hint, retries are debug lines, and the recovery is one info line.
 */
import type { Logger } from '../log.js';
import { describe, FeedError, hintFor } from './errors.js';

export class OutageNotice {
  private failingSince: number | undefined;

  constructor(
    private readonly exchange: string,
    private readonly log: Pick<Logger, 'warn' | 'info' | 'debug'>,
    private readonly now: () => number,
  ) {}

  get failing(): boolean {
    return this.failingSince !== undefined;
  }

  /** `what` failed (`markets`, `liquidations (linear)`, …); warns only at the start of an outage. */
  failed(what: string, err: unknown, retryInMs: number): void {
    const error = describe(err);
    if (this.failingSince === undefined) {
      this.failingSince = this.now();
      this.log.warn({ exchange: this.exchange, what, error, hint: err instanceof FeedError && err.hint ? err.hint : hintFor(err, this.exchange) }, `${this.exchange} unreachable (${what}); retrying in the background`);
    } else {
      this.log.debug({ exchange: this.exchange, what, error, retryInMs }, `${this.exchange} still unreachable`);
    }
  }

  /** A live connection ended; expected now and then (exchanges rotate connections), so info, not a warning. */
  disconnected(what: string, err: unknown): void {
    this.log.info({ exchange: this.exchange, what, error: describe(err) }, `${this.exchange} ${what} disconnected; reconnecting`);
  }

  /** Something connected again. */
  recovered(what: string): void {
    if (this.failingSince === undefined) return;
    const downS = Math.round((this.now() - this.failingSince) / 1000);
    this.failingSince = undefined;
    this.log.info({ exchange: this.exchange, what, downS }, `${this.exchange} reachable again after ${downS}s`);
  }
}
