/**
 * How every reader of the market stream (a follower, the core leader, a standby taking over) orders a batch's
 * events, so they all apply the same events in the same order at the same batch: copies from a second ingest
 * replica dropped by event identity, the rest held for the hold in force and released in event order.
 *
 * The hold in force is the one the batch in hand states (`Liqbot-Hold-Ms`: a live ingest states 15 s), or the
 * reader's default when it states none (a replayed file: 5 minutes, so replays stay as they were). It changes at
 * the first batch with events that states another: a shorter hold releases at once, in order, what it no longer
 * holds; a longer one takes back nothing. Batches without events (gaps, state changes) leave it alone. The end of a
 * recorded day (`end`: `--role ingest --replay` read its whole file) releases everything held: nothing later
 * would come to release the day's last minutes.
 */
import type { MarketEvent } from '../core/events.js';
import { ReorderBuffer } from '../core/reorder.js';
import { MAX_HOLD_MS } from './batch.js';
import type { BusBatch } from './consumer.js';
import { Deduper } from './dedup.js';

/** Where a reader's ordering stood after a batch: what a core stores with its offset, and a standby resumes from. */
export interface OrderPosition {
  /** Event time up to which events have been released to the market. */
  watermark: number;
  /** The hold in force. */
  holdMs: number;
  /** The latest event time taken. */
  maxTs: number;
}

export class StreamOrder {
  /** Replica copies dropped. */
  duplicates = 0;
  readonly defaultHoldMs: number;
  private readonly dedup: Deduper;
  private readonly reorder: ReorderBuffer;

  constructor(opts: { holdMs?: number; dedupCapacity?: number } = {}) {
    this.defaultHoldMs = opts.holdMs ?? MAX_HOLD_MS;
    this.dedup = new Deduper(opts.dedupCapacity);
    this.reorder = new ReorderBuffer(this.defaultHoldMs);
  }

  /** The hold in force. */
  get holdMs(): number {
    return this.reorder.holdMs;
  }

  /** Event time up to which events have been released (never moves back). */
  get watermark(): number {
    return this.reorder.cutoff;
  }

  get position(): OrderPosition {
    return { watermark: this.reorder.cutoff, holdMs: this.reorder.holdMs, maxTs: this.reorder.maxTs };
  }

  /**
   * One batch's events: the hold it states taken, copies dropped, the rest held; what the hold releases is
   * appended to `released`, in event order. Returns the fresh events (what a core stores).
   */
  take(batch: Pick<BusBatch, 'events' | 'holdMs' | 'end'>, released: MarketEvent[]): MarketEvent[] {
    const fresh: MarketEvent[] = [];
    if (batch.end) this.end(released);
    if (!batch.events.length) return fresh;
    this.reorder.setHold(batch.holdMs ?? this.defaultHoldMs, released);
    for (const e of batch.events) {
      if (!this.dedup.fresh(e)) {
        this.duplicates++;
        continue;
      }
      fresh.push(e);
      this.reorder.push(e, released);
    }
    return fresh;
  }

  /** An event the market already has (a standby warming from the store): a copy of it on the stream is dropped. */
  remember(e: MarketEvent): void {
    this.dedup.fresh(e);
  }

  /**
   * Stand where the leader stood when it stored `at`: `held` are the stored events later than its watermark (in
   * time order), held again with its hold and remembered; nothing is released until the stream moves on.
   */
  resume(at: OrderPosition, held: readonly MarketEvent[]): void {
    let maxTs = at.maxTs;
    for (const e of held) {
      this.dedup.fresh(e);
      if (e.ts > maxTs) maxTs = e.ts;
    }
    this.reorder.setHold(at.holdMs, []);
    this.reorder.resume({ cutoff: at.watermark, maxTs }, held);
  }

  /** Release everything still held, in order (the stream is caught up, or the day is over). */
  drain(released: MarketEvent[]): void {
    this.reorder.drain(released);
  }

  /**
   * The recorded day is over (a `_replay.end` batch): everything still held is released, in order, and the
   * watermark moves up to the latest event time, so what a core stores says every event it took is applied (a
   * standby resumes with nothing held) and every reader, leader, standby or follower, stands at the same place after it.
   */
  end(released: MarketEvent[]): void {
    const maxTs = this.reorder.maxTs;
    this.reorder.drain(released);
    if (maxTs > this.reorder.cutoff) this.reorder.resume({ cutoff: maxTs, maxTs }, []);
  }
}
