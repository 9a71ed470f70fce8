/**
 * A market that follows the stream: bus batches in, applied to a `Market` exactly once and in event order, so
 * commands (`/liqs`) can be answered by any process reading the stream (a gateway, a standby core) the same way
 * the embedded bot answers them. Copies from a second ingest replica are dropped by event identity (Deduper),
 * events are put back in time order over a short hold (ReorderBuffer, as event files are), and the stream
 * sequence of the last batch applied is the follower's offset. Alerts the market raises are not its business:
 * the core leader derives and stores those.
 */
import type { Config } from '../../config/schema.js';
import type { MarketEvent } from '../core/events.js';
import type { Market } from '../core/market.js';
import { ReorderBuffer } from '../core/reorder.js';
import { configLevels } from '../offline.js';
import type { BusBatch } from './consumer.js';
import { Deduper } from './dedup.js';

export interface FollowerCounters {
  batches: number;
  events: number;
  duplicates: number;
  invalid: number;
  gaps: number;
}

export class MarketFollower {
  /** The stream sequence of the last batch applied. */
  offset = 0;
  readonly counters: FollowerCounters = { batches: 0, events: 0, duplicates: 0, invalid: 0, gaps: 0 };
  private readonly dedup: Deduper;
  private readonly reorder: ReorderBuffer;
  private levelsAdded = false;
  private readonly ready: MarketEvent[] = [];

  constructor(
    readonly market: Market,
    private readonly config: Config,
    opts: { holdMs?: number; dedupCapacity?: number } = {},
  ) {
    this.dedup = new Deduper(opts.dedupCapacity);
    this.reorder = new ReorderBuffer(opts.holdMs);
  }

  /** Apply one batch (a batch at or before the offset is a redelivery and changes nothing). */
  apply(batch: BusBatch): void {
    if (batch.seq <= this.offset) return;
    this.counters.batches++;
    this.counters.invalid += batch.invalid;
    if (batch.synthetic) this.market.synthetic = true;
    if (batch.gap) {
      this.counters.gaps++;
      this.market.gap(batch.gap);
    }
    for (const e of batch.events) {
      if (this.dedup.fresh(e)) this.reorder.push(e, this.ready);
      else this.counters.duplicates++;
    }
    this.ingestReady();
    this.offset = batch.seq;
  }

  /** Apply the events still held for ordering (the stream is caught up, or the day is over). */
  drain(): void {
    this.reorder.drain(this.ready);
    this.ingestReady();
  }

  private ingestReady(): void {
    for (const e of this.ready) {
      // Configured levels apply from the first event on, as in the embedded bot and the offline commands.
      if (!this.levelsAdded) {
        this.levelsAdded = true;
        for (const l of configLevels(this.config, e.ts)) this.market.addLevel(l);
      }
      this.market.ingest(e);
      this.counters.events++;
    }
    this.ready.length = 0;
  }
}
