/**
 * The state of one (exchange, stream) as the sink sees it, folded from its parts: the market loading step
 * and each socket group. Down if any part is down, connecting if any part is still connecting, else live.
 * The sink hears only real changes.
 */
import type { FeedSink, FeedState, FeedStatus, FeedStream } from './contract.js';

interface Part {
  state: FeedState;
  error?: string;
  /** When this part's trouble began, if earlier than now (an outage that outlasts reconnects). */
  since?: number;
}

export class StatusBoard {
  private readonly parts = new Map<string, Part>();
  private current: FeedStatus;
  /** `since` of the last down state: a flap within the same outage reports it again. */
  private lastDownSince: number | undefined;

  constructor(
    exchange: string,
    stream: FeedStream,
    sampled: boolean,
    private readonly sink: FeedSink,
    private readonly now: () => number,
    polledEveryMs?: number,
    /** How long being live must last to end an outage (the stream runners' `stableMs`). */
    private readonly stableMs = 30_000,
  ) {
    this.current = { exchange, stream, state: 'connecting', since: now(), sampled, malformed: 0, ...(polledEveryMs ? { polledEveryMs } : {}) };
  }

  /** `since`: for a down part, when its outage began (the folded status reports the earliest); default now. */
  set(part: string, state: FeedState, error?: string, since?: number): void {
    const p: Part = { state };
    if (error !== undefined) p.error = error;
    if (since !== undefined && state !== 'live') p.since = since;
    this.parts.set(part, p);
    this.refresh();
  }

  remove(part: string): void {
    this.parts.delete(part);
    this.refresh();
  }

  /** A normalized event left this stream. */
  eventAt(ts: number): void {
    this.current.lastEventAt = ts;
  }

  /** The configured assets no watched exchange lists (said once, when every venue's list has loaded). */
  unlisted(assets: readonly string[]): void {
    this.current = { ...this.current, unlisted: [...assets] };
    this.sink.status(this.snapshot());
  }

  malformed(): void {
    this.current.malformed = (this.current.malformed ?? 0) + 1;
  }

  snapshot(): FeedStatus {
    return { ...this.current };
  }

  private refresh(): void {
    const parts = [...this.parts.values()];
    const down = parts.find((p) => p.state === 'down');
    const state: FeedState = down ? 'down' : parts.some((p) => p.state === 'connecting') || parts.length === 0 ? 'connecting' : 'live';
    const error = down?.error ?? parts.find((p) => p.error)?.error;
    if (state === this.current.state && error === this.current.error) return;
    const next: FeedStatus = { ...this.current, state };
    if (state !== this.current.state) {
      const began = parts.filter((p) => p.state === state && p.since !== undefined).map((p) => p.since!);
      next.since = began.length ? Math.min(this.now(), ...began) : this.now();
      // An outage that began before a recovery that did not last is the one already reported: keep its start
      // (another part of this stream may have been first to fail then). After a stable recovery it is a new one.
      const flap = this.current.state !== 'live' || this.now() - this.current.since < this.stableMs;
      if (state === 'down' && flap && this.lastDownSince !== undefined && next.since < this.current.since) next.since = Math.min(next.since, this.lastDownSince);
      if (state === 'down') this.lastDownSince = next.since;
    }
    if (error === undefined || state === 'live') delete next.error;
    else next.error = error;
    this.current = next;
    this.sink.status(this.snapshot());
  }
}

/**
 * The feeds as `/healthz` should report them: ok when every exchange's liquidation feed is live, degraded
 * when some are down or still connecting, failing when none is live. For the ops health registry to read.
 */
export { feedsHealth, type FeedsHealth } from '../core/coverage.js';
