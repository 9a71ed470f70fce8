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
  /**
   * A connection that lasted this long resets the backoff and ends the outage (default 30 s): until then a
   * flapping connection's status keeps the outage's start as its `since`.
   */
  stableMs?: number;
  /**
   * A live connection without any frame (data, ack, pong) for this long is silent: it is closed and retried, and
   * the time since its last frame is a gap. Read at each connection (ccxt's keepalive interval is known only then);
   * undefined: no such check.
   */
  silentAfterMs?(): number | undefined;
  /** Told when the stream came back; `gap` is undefined for the first connection. */
  onUp?(gap: { from: number; to: number } | undefined): void;
}

export class StreamRunner {
  private downSince: Outage | undefined;
  private attemptStartedAt = 0;
  private connectedAt: number | undefined;
  private lastFrameAt: number | undefined;
  /** Wall-clock time of the last frame, for the silence check (`now` may be a test's clock). */
  private lastFrameWall = 0;
  /** Where the last recorded gap ended: a later gap never starts before it. */
  private lastGapTo = -Infinity;
  /** When the current outage began; kept through reconnects that do not last `stableMs`. */
  private outageSince: number | undefined;
  private silentFor: number | undefined;
  private silenceTimer: NodeJS.Timeout | undefined;
  private timedOut = false;
  private readonly what: string;

  constructor(private readonly o: StreamRunnerOptions) {
    this.downSince = o.downSince;
    this.outageSince = o.downSince?.at;
    this.what = o.group === 'all' ? o.stream : `${o.stream} (${o.group})`;
  }

  get stream(): FeedStream {
    return this.o.stream;
  }

  /** Tear the current connection down (stop() uses it after aborting the signal). */
  close(): Promise<void> {
    return this.o.close();
  }

  /**
   * The stream is up: a subscription was acknowledged or data arrived (or a poll succeeded). A socket that merely
   * opened is not up: an exchange can accept it and never answer. Idempotent within one attempt.
   */
  connected(): void {
    // An answer that comes as the watchdog is closing the socket is too late: the attempt has failed.
    if (this.connectedAt !== undefined || this.timedOut || this.o.signal.aborted) return;
    const at = this.o.now();
    this.connectedAt = at;
    this.lastFrameAt = at;
    this.lastFrameWall = Date.now();
    let gap: { from: number; to: number } | undefined;
    if (this.downSince) {
      gap = { from: Math.min(Math.max(this.downSince.at, this.lastGapTo), at), to: at };
      if (gap.to > gap.from) this.o.sink.gap({ exchange: this.o.exchange, ...gap, reason: `${this.what}: ${this.downSince.reason}` });
      this.lastGapTo = at;
      this.downSince = undefined;
    }
    this.o.board.set(this.o.group, 'live');
    this.o.notice.recovered(this.what);
    this.o.onUp?.(gap);
    this.watchSilence();
  }

  /** A frame (or a websocket pong) arrived on this connection. */
  frame(): void {
    this.lastFrameAt = this.o.now();
    this.lastFrameWall = Date.now();
  }

  /** While live: a connection silent for `silentAfterMs` is closed, which ends the attempt. */
  private watchSilence(): void {
    const limit = this.o.silentAfterMs?.();
    if (!limit || limit <= 0) return;
    clearInterval(this.silenceTimer);
    this.silenceTimer = setInterval(
      () => {
        if (this.connectedAt === undefined || this.silentFor !== undefined) return;
        const quiet = Date.now() - this.lastFrameWall;
        if (quiet < limit) return;
        this.silentFor = quiet;
        void this.o.close().catch(() => undefined);
      },
      Math.max(10, Math.min(5_000, Math.floor(limit / 4))),
    );
    this.silenceTimer.unref?.();
  }

  /** Runs until the signal aborts; never throws. */
  async run(): Promise<void> {
    const { signal } = this.o;
    while (!signal.aborted) {
      this.attemptStartedAt = this.o.now();
      this.connectedAt = undefined;
      this.lastFrameAt = undefined;
      this.silentFor = undefined;
      this.timedOut = false;
      this.o.board.set(this.o.group, this.downSince ? 'down' : 'connecting', this.downSince?.reason, this.downSince ? this.outageSince : undefined);
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
        clearInterval(this.silenceTimer);
      }
      if (signal.aborted) break;
      if (this.timedOut && this.connectedAt === undefined) failure = new FeedError(`no subscription acknowledged after ${Math.round(timeoutMs / 1000)} s`, true, '', { cause: failure });
      if (this.silentFor !== undefined) failure = new FeedError(`no frame for ${Math.round(this.silentFor / 1000)} s`, true, '', { cause: failure });
      const delay = this.failed(failure);
      // Start the next attempt clean: a failed subscription can leave its socket open.
      await this.o.close().catch(() => undefined);
      await pause(delay, signal);
    }
    // Still down at shutdown: the hole is real, record it now, since no reconnect will.
    const from = this.downSince ? Math.max(this.downSince.at, this.lastGapTo) : Infinity;
    if (this.downSince && from < this.o.now()) {
      this.o.sink.gap({ exchange: this.o.exchange, from, to: this.o.now(), reason: `${this.what}: ${this.downSince.reason} (still down at shutdown)` });
      this.lastGapTo = this.o.now();
    }
    this.downSince = undefined;
  }

  private failed(err: unknown): number {
    const at = this.o.now();
    const wasLive = this.connectedAt !== undefined;
    const stable = wasLive && at - this.connectedAt! >= (this.o.stableMs ?? 30_000);
    if (stable) {
      this.o.backoff.reset();
      this.outageSince = undefined;
    }
    const delay = this.o.backoff.next();
    const reason = describe(err);
    if (!this.downSince) {
      // A silent socket (found by ccxt's keepalive or our silence check) has been without data since its last frame
      // on this connection; never before the end of the last gap, so gaps do not overlap.
      const silent = (this.silentFor !== undefined || (err instanceof Error && err.constructor.name === 'RequestTimeout')) && this.lastFrameAt !== undefined;
      const from = Math.max(wasLive ? (silent ? this.lastFrameAt! : at) : this.attemptStartedAt, Math.min(this.lastGapTo, at));
      this.downSince = { at: from, reason };
    }
    // The status says down since the outage began, not since this flap: a connection that keeps failing within
    // `stableMs` of coming back is one outage.
    this.outageSince ??= this.downSince.at;
    this.o.board.set(this.o.group, 'down', reason, this.outageSince);
    if (wasLive) this.o.notice.disconnected(this.what, err);
    else this.o.notice.failed(this.what, err, delay);
    return delay;
  }
}
