/**
 * A market that follows the stream: bus batches in, applied to a `Market` exactly once and in event order, so
 * commands (`/liqs`) can be answered by any process reading the stream (a gateway, a standby core) the same way
 * the embedded bot answers them. Copies from a second ingest replica are dropped by event identity (Deduper),
 * events are put back in time order over a short hold (StreamOrder, the core's rules too), and the stream
 * sequence of the last batch applied is the follower's offset. The end of a recorded day (`_replay.end`)
 * releases everything held, as the core does, and the market no longer says a rehearsal is replaying. The hold
 * is 5 minutes of event time (what a replayed file's batches need), or what the publisher states on its batches (`Liqbot-Hold-Ms`): a live ingest
 * states 15 s, so `/liqs` on a gateway counts a live event 15 s after it, not 5 minutes. Every follower switches
 * at the same batch, so followers at the same stream position still answer alike. Alerts the market raises are not its business:
 * the core leader derives and stores those.
 *
 * Changes of state on the stream (levels, chat settings: state.ts) go to a StateWriter when they arrive, in stream
 * order: by default one of the follower's own over its market (so `/levels` shows a level added through any
 * gateway) and a memory store; a core passes its own, which writes its store. They are applied at their place in
 * the stream, before events still held for ordering, so every follower with the same hold applies them at the
 * same point of the market's history.
 */
import type { Config } from '../../config/schema.js';
import { Stretches } from '../core/coverage.js';
import type { MarketEvent } from '../core/events.js';
import type { Market } from '../core/market.js';
import { configLevels } from '../core/levels.js';
import type { StateChange } from '../state/changes.js';
import { StateWriter } from '../state/writer.js';
import { createMemoryStore } from '../store/memory.js';
import type { BusBatch } from './consumer.js';
import { StreamOrder } from './order.js';

export interface FollowerCounters {
  batches: number;
  events: number;
  duplicates: number;
  invalid: number;
  gaps: number;
  /** Changes of state applied. */
  changes: number;
}

/** Where a follower's changes of state go (a StateWriter fits). */
export interface ChangeSink {
  apply(change: StateChange): void;
}

export class MarketFollower {
  /** The stream sequence of the last batch applied. */
  offset = 0;
  readonly counters: FollowerCounters = { batches: 0, events: 0, duplicates: 0, invalid: 0, gaps: 0, changes: 0 };
  /** Where changes of state go. */
  readonly state: ChangeSink;
  /** Replica copies dropped, events held over the hold in force (the core's rules: order.ts). */
  private readonly order: StreamOrder;
  private levelsAdded = false;
  private readonly ready: MarketEvent[] = [];
  /** A recorded day's (`--role ingest --replay`): the stretches its prints cover, all its replies can vouch for. */
  private recorded: Stretches | undefined;

  constructor(
    readonly market: Market,
    private readonly config: Config,
    opts: { holdMs?: number; dedupCapacity?: number; state?: ChangeSink } = {},
  ) {
    this.state = opts.state ?? new StateWriter({ store: createMemoryStore(), market });
    this.order = new StreamOrder(opts);
  }

  /** The hold in force: the default until a batch states another. */
  get holdMs(): number {
    return this.order.holdMs;
  }

  /** Apply one batch (a batch at or before the offset is a redelivery and changes nothing). */
  apply(batch: BusBatch): void {
    if (batch.seq <= this.offset) return;
    this.counters.batches++;
    this.counters.invalid += batch.invalid;
    if (batch.synthetic) this.market.synthetic = true;
    // A live ingest's batch: the untracked assets' prints (all-market streams) feed the flush alone from its events on,
    // as in the embedded bot and the core, without waiting for a feed report.
    if (batch.live) this.market.live = true;
    if (batch.recorded && !this.recorded) this.market.recorded = (this.recorded = new Stretches()).growing;
    // A recorded day is replaying until its end comes (`_replay.end`: then `/status` reads as the single process's
    // after a file); a later replay onto the same stream is replaying again.
    if (batch.end) this.market.recordedSoFar = false;
    else if (batch.recorded) this.market.recordedSoFar = true;
    if (batch.feeds) this.market.feeds.report(batch.feeds);
    if (batch.gap) {
      this.counters.gaps++;
      this.market.gap(batch.gap);
    }
    for (const change of batch.changes ?? []) {
      this.state.apply(change);
      this.counters.changes++;
    }
    const fresh = this.order.take(batch, this.ready);
    this.counters.duplicates += batch.events.length - fresh.length;
    this.ingestReady();
    this.offset = batch.seq;
  }

  /** Apply the events still held for ordering (the stream is caught up, or the day is over). */
  drain(): void {
    this.order.drain(this.ready);
    this.ingestReady();
  }

  private ingestReady(): void {
    for (const e of this.ready) {
      // Configured levels apply from the first event on, as in the embedded bot and the offline commands.
      if (!this.levelsAdded) {
        this.levelsAdded = true;
        for (const l of configLevels(this.config, e.ts)) this.market.addLevel(l);
      }
      if (this.recorded && e.type === 'liquidation') this.recorded.add(e.ts);
      this.market.ingest(e);
      this.counters.events++;
    }
    this.ready.length = 0;
  }
}
