/**
 * Keeps one connection alive for weeks: runs it, notices when it ends, waits (capped exponential backoff
 * with jitter), runs it again, and records the time without data as a gap when it comes back. ccxt does not
 * reconnect by itself: a dropped socket rejects the pending watch, and the next watch dials again.
 */
import type { FeedSink, FeedStream } from './contract.js';
import { pause, type Backoff } from './backoff.js';
import { describe, FeedError } from './errors.js';
import type { OutageNotice } from './notice.js';
import type { StatusBoard } from './status.js';

export interface Outage {
  at: number;
  reason: string;
}

export interface StreamRunnerOptions {
  exchange: string;
  stream: FeedStream;
  /** The socket group (`all`, `linear`, `inverse`). */
  group: string;
  board: StatusBoard;
  notice: OutageNotice;
  sink: FeedSink;
  now: () => number;
  signal: AbortSignal;
  backoff: Backoff;
  /** Opens the connection and follows it; settles only when it ends. */
  attempt(): Promise<unknown>;
  /** Tears the connection down, which makes a pending attempt settle. */
  close(): Promise<void>;
  /** Already without data when the runner starts (markets could not be loaded): the first connection closes that gap. */
  downSince?: Outage;
  /** An attempt that has not connected after this long is abandoned (default 30 s). */
  connectTimeoutMs?: number;
  /** A connection that lasted this long resets the backoff (default 30 s). */
  stableMs?: number;
  /** Told when the stream came back; `gap` is undefined for the first connection. */
  onUp?(gap: { from: number; to: number } | undefined): void;
}

export class StreamRunner {
  private downSince: Outage | undefined;
  private attemptStartedAt = 0;
  private connectedAt: number | undefined;
  private lastFrameAt: number | undefined;
  private timedOut = false;
  private readonly what: string;

  constructor(private readonly o: StreamRunnerOptions) {
    this.downSince = o.downSince;
    this.what = o.group === 'all' ? o.stream : `${o.stream} (${o.group})`;
  }

  get stream(): FeedStream {
    return this.o.stream;
  }

  /** Tear the current connection down (stop() uses it after aborting the signal). */
  close(): Promise<void> {
    return this.o.close();
  }

  /** The connection is up (a socket opened, or a poll succeeded). Idempotent within one attempt. */
  connected(): void {
    if (this.connectedAt !== undefined || this.o.signal.aborted) return;
    const at = this.o.now();
    this.connectedAt = at;
    let gap: { from: number; to: number } | undefined;
    if (this.downSince) {
      gap = { from: Math.min(this.downSince.at, at), to: at };
      this.o.sink.gap({ exchange: this.o.exchange, ...gap, reason: `${this.what}: ${this.downSince.reason}` });
      this.downSince = undefined;
    }
    this.o.board.set(this.o.group, 'live');
    this.o.notice.recovered(this.what);
    this.o.onUp?.(gap);
  }

  /** A frame arrived on this connection. */
  frame(): void {
    this.lastFrameAt = this.o.now();
  }

  /** Runs until the signal aborts; never throws. */
  async run(): Promise<void> {
    const { signal } = this.o;
    while (!signal.aborted) {
      this.attemptStartedAt = this.o.now();
      this.connectedAt = undefined;
      this.timedOut = false;
      this.o.board.set(this.o.group, this.downSince ? 'down' : 'connecting', this.downSince?.reason);
      const timeoutMs = this.o.connectTimeoutMs ?? 30_000;
      const watchdog = setTimeout(() => {
        if (this.connectedAt !== undefined) return;
        this.timedOut = true;
        void this.o.close().catch(() => undefined);
      }, timeoutMs);
      let failure: unknown;
      try {
        await this.o.attempt();
        failure = new FeedError('the connection ended', true, '');
      } catch (err) {
        failure = err;
      } finally {
        clearTimeout(watchdog);
      }
      if (signal.aborted) break;
      if (this.timedOut && this.connectedAt === undefined) failure = new FeedError(`not connected after ${Math.round(timeoutMs / 1000)} s`, true, '', { cause: failure });
      const delay = this.failed(failure);
      // Start the next attempt clean: a failed subscription can leave its socket open.
      await this.o.close().catch(() => undefined);
      await pause(delay, signal);
    }
    // Still down at shutdown: the hole is real, record it now, since no reconnect will.
    if (this.downSince && this.downSince.at < this.o.now()) {
      this.o.sink.gap({ exchange: this.o.exchange, from: this.downSince.at, to: this.o.now(), reason: `${this.what}: ${this.downSince.reason} (still down at shutdown)` });
      this.downSince = undefined;
    }
  }

  private failed(err: unknown): number {
    const at = this.o.now();
    const wasLive = this.connectedAt !== undefined;
    if (wasLive && at - this.connectedAt! >= (this.o.stableMs ?? 30_000)) this.o.backoff.reset();
    const delay = this.o.backoff.next();
    const reason = describe(err);
    if (!this.downSince) {
      // A silent socket found by the keepalive has been without data since its last frame.
      const silent = err instanceof Error && err.constructor.name === 'RequestTimeout' && this.lastFrameAt !== undefined;
      const from = wasLive ? (silent ? this.lastFrameAt! : at) : this.attemptStartedAt;
      this.downSince = { at: from, reason };
    }
    this.o.board.set(this.o.group, 'down', reason);
    if (wasLive) this.o.notice.disconnected(this.what, err);
    else this.o.notice.failed(this.what, err, delay);
    return delay;
  }
}
