/**
 * The ingest side of the bus: normalized events in, batches out to `mkt.<venue>.<kind>`, one message per batch
 * with a deterministic `Nats-Msg-Id`, so a publish retried after a lost acknowledgement is stored once.
 * Batches are cut by size (`maxEvents`) and by event-time span (`maxSpanMs`: all open batches go out together,
 * oldest first, so the stream stays in event order within that span, less than a follower's reorder hold), and
 * `flush()` (a timer live) sends the rest. Up to `inFlight` publishes are outstanding at once, issued in order on
 * one connection (so stored in order); a failed one is retried with the same id until it is stored, which may
 * put it after later batches: readers put events back in time order over a few minutes (follower.ts).
 * Once it has reported feeds (a live ingest) every message it publishes says it is live (`Liqbot-Live`).
 *
 * @example
 *   const pub = new BusPublisher(bus);
 *   feeds.sink.event = (e) => pub.add(e);
 *   setInterval(() => void pub.flush(), 250);
 */
import { headers } from '@nats-io/transport-node';
import type { MarketEvent } from '../core/events.js';
import type { FeedReport, Gap } from '../core/coverage.js';
import { encodeEvents, encodeFeeds, encodeGap, encodeRecordingEnd, feedsSubject, recordingEndSubject, HOLD_HEADER, LIVE_HEADER, RECORDED_HEADER, SYNTHETIC_HEADER, type EncodedBatch } from './batch.js';
import { subjectOf, type Bus } from './stream.js';

export interface PublisherOptions {
  /** Events per message (default 1,000). */
  maxEvents?: number;
  /** Event time one batch may span before every open batch is sent (default 4 min, or half of `holdMs`; keep it under the readers' hold). */
  maxSpanMs?: number;
  /**
   * The reorder hold readers need for these batches, stated on every message (`Liqbot-Hold-Ms`): a live ingest
   * states a short one; unset (a replayed file), readers keep their 5 minutes.
   */
  holdMs?: number;
  /** Publishes awaiting their acknowledgement at once (default 32). */
  inFlight?: number;
  /** Wait between retries of a failed publish, doubling up to 5 s (default 250 ms). */
  retryMs?: number;
  /** Waits between retries (injected in tests). */
  sleep?: (ms: number) => Promise<void>;
}

export interface PublisherCounters {
  /** Messages stored by the stream. */
  published: number;
  /** Messages the stream already had (a retry or a replica's identical batch): dropped by JetStream. */
  duplicates: number;
  events: number;
  /** Publish attempts that failed and were retried. */
  retries: number;
}

/** Which venue an event belongs to on the bus (vendor totals without an exchange are market-wide). */
function venueOf(e: MarketEvent): string {
  return 'exchange' in e && e.exchange ? e.exchange : e.type === 'level' ? 'levels' : 'all';
}

export class BusPublisher {
  readonly counters: PublisherCounters = { published: 0, duplicates: 0, events: 0, retries: 0 };
  /** Batches being filled, by subject, in the order they were opened. */
  private readonly open = new Map<string, { events: MarketEvent[]; firstTs: number }>();
  private oldestTs = Infinity;
  /** Batches waiting for a publish slot, in order, and the publishes awaiting their acknowledgement. */
  private readonly queue: EncodedBatch[] = [];
  private readonly pending = new Set<Promise<void>>();
  private stopped = false;
  /** Set once a recording says it is generated data: every later batch carries the header. */
  synthetic = false;
  /** Set when a recorded day is published (`--role ingest --replay`): every batch carries the header. */
  recorded = false;
  /**
   * Set by the first feed report: only a live ingest reports feeds (at its start, before any event), so from then on
   * every message says it is live (`Liqbot-Live`) and a reader that starts after the report still counts the
   * untracked assets' prints in the market-wide flush alone. A recorded day reports none and stays offline.
   */
  private live = false;
  private readonly maxEvents: number;
  private readonly maxSpanMs: number;
  private readonly holdMs: number | undefined;
  private readonly retryMs: number;
  private readonly inFlight: number;
  private readonly sleep: (ms: number) => Promise<void>;

  constructor(
    private readonly bus: Pick<Bus, 'js' | 'prefix'>,
    opts: PublisherOptions = {},
  ) {
    this.maxEvents = opts.maxEvents ?? 1_000;
    this.holdMs = opts.holdMs;
    this.maxSpanMs = opts.maxSpanMs ?? (opts.holdMs !== undefined ? Math.min(240_000, opts.holdMs / 2) : 240_000);
    this.inFlight = opts.inFlight ?? 32;
    this.retryMs = opts.retryMs ?? 250;
    this.sleep = opts.sleep ?? ((ms) => new Promise((r) => setTimeout(r, ms)));
  }

  /** Add one event; a batch that is full, or too long in event time, is sent (in the background). */
  add(e: MarketEvent): void {
    if (e.ts - this.oldestTs > this.maxSpanMs) this.flushOpen();
    const subject = subjectOf(this.bus.prefix, venueOf(e), e.type);
    let batch = this.open.get(subject);
    if (!batch) this.open.set(subject, (batch = { events: [], firstTs: e.ts }));
    batch.events.push(e);
    if (e.ts < this.oldestTs) this.oldestTs = e.ts;
    if (batch.events.length >= this.maxEvents) {
      this.open.delete(subject);
      this.send(encodeEvents(subject, batch.events));
      this.oldestTs = Math.min(Infinity, ...[...this.open.values()].map((b) => b.firstTs));
    }
  }

  /** Publish a feed gap on `<prefix>.<venue>.gap`, after the events added before it. */
  gap(g: Gap): void {
    this.flushOpen();
    this.send(encodeGap(subjectOf(this.bus.prefix, g.exchange, 'gap'), g));
  }

  /** Publish this process's feed states on `<prefix>._feeds.status` (readers' replies say which venues are down). */
  feeds(report: FeedReport): void {
    this.live = !this.recorded;
    this.send(encodeFeeds(feedsSubject(this.bus.prefix), report));
  }

  /**
   * Say the recorded day is over (`<prefix>._replay.end`), once everything added before is stored, so it is stored
   * after the day's last batch: readers release what they still hold. `run` names this replay (the message's id).
   */
  async end(run: string): Promise<void> {
    await this.flush();
    await this.publish(encodeRecordingEnd(recordingEndSubject(this.bus.prefix), run));
  }

  /** Send every open batch; resolves once everything added so far is stored by the stream. */
  flush(): Promise<void> {
    this.flushOpen();
    return this.settled();
  }

  /** Flush, then refuse further publishing (retries in progress end). */
  async stop(): Promise<void> {
    await this.flush();
    this.stopped = true;
  }

  /** Publish an encoded batch now (also what a retry repeats): resolves when stored or found a duplicate. */
  publish(batch: EncodedBatch): Promise<void> {
    this.send(batch);
    return this.settled();
  }

  /** Resolves once nothing is queued or awaiting an acknowledgement. */
  private async settled(): Promise<void> {
    while (this.pending.size > 0) await Promise.race(this.pending);
  }

  private flushOpen(): void {
    const batches = [...this.open.entries()].sort((a, b) => a[1].firstTs - b[1].firstTs);
    this.open.clear();
    this.oldestTs = Infinity;
    for (const [subject, b] of batches) this.send(encodeEvents(subject, b.events));
  }

  private send(batch: EncodedBatch): void {
    this.queue.push(batch);
    this.pump();
  }

  private pump(): void {
    while (this.pending.size < this.inFlight && this.queue.length > 0) {
      const publishing: Promise<void> = this.publishWithRetry(this.queue.shift()!).finally(() => {
        this.pending.delete(publishing);
        this.pump();
      });
      this.pending.add(publishing);
    }
  }

  private async publishWithRetry(batch: EncodedBatch): Promise<void> {
    let wait = this.retryMs;
    for (;;) {
      if (this.stopped) return;
      try {
        const h = this.synthetic || this.recorded || this.live || this.holdMs !== undefined ? headers() : undefined;
        if (this.synthetic) h?.set(SYNTHETIC_HEADER, '1');
        if (this.recorded) h?.set(RECORDED_HEADER, '1');
        if (this.live) h?.set(LIVE_HEADER, '1');
        if (this.holdMs !== undefined) h?.set(HOLD_HEADER, String(Math.round(this.holdMs)));
        const ack = await this.bus.js.publish(batch.subject, batch.payload, { msgID: batch.msgId, ...(h ? { headers: h } : {}) });
        if (ack.duplicate) this.counters.duplicates++;
        else {
          this.counters.published++;
          this.counters.events += batch.events;
        }
        return;
      } catch {
        // No server, a timeout, a lost ack: the same id again, so the stream keeps one copy whatever happened.
        this.counters.retries++;
        await this.sleep(wait);
        wait = Math.min(wait * 2, 5_000);
      }
    }
  }
}
