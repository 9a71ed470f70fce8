/**
 * The reading side of the bus: a durable JetStream consumer with explicit acks, positioned just after an
 * offset the caller stored (the stream sequence of the last batch it applied), yielding batches in stream
 * order with their sequence. The stored offset is the truth: on every start the durable is (re)created at it,
 * and a redelivered batch at or before the last one yielded is acknowledged and skipped.
 *
 * @example
 *   for await (const batch of readBatches(bus, { durable: 'core', after: storedOffset })) {
 *     await applyAndStoreOffset(batch.events, batch.seq);
 *     batch.ack();
 *   }
 */
import { AckPolicy, DeliverPolicy, JetStreamApiError } from '@nats-io/jetstream';
import { nanos } from '@nats-io/transport-node';
import type { MarketEvent } from '../core/events.js';
import type { FeedReport, Gap } from '../core/coverage.js';
import type { StateChange } from '../state/changes.js';
import { decodeEvents, decodeFeeds, decodeGap, holdOf, isFeedsSubject, isRecordingEndSubject, HOLD_HEADER, LIVE_HEADER, RECORDED_HEADER, SYNTHETIC_HEADER } from './batch.js';
import { decodeStateChanges, isStateSubject } from './state.js';
import type { Bus } from './stream.js';

export interface BusBatch {
  /** The stream sequence: the offset to store once this batch is applied. */
  seq: number;
  subject: string;
  events: MarketEvent[];
  /** A feed gap (subjects ending in `.gap`). */
  gap?: Gap;
  /** An ingest process's feed states (subject `<prefix>._feeds.status`). */
  feeds?: FeedReport;
  /**
   * Changes of state (subject `<prefix>._state.change`, see state.ts): levels and chat settings, applied by every
   * reader at this point of the stream, so all of them apply them in one order. Such a batch has no events.
   */
  changes?: StateChange[];
  /** Lines that were not valid events or changes (counted, not applied). */
  invalid: number;
  synthetic: boolean;
  /** From a recorded day (`--role ingest --replay`), not live feeds. */
  recorded?: boolean;
  /**
   * From a live ingest (`Liqbot-Live`): the reader's market is fed by live feeds from this batch on, before its
   * events are applied (an older ingest's batches lack it: its feed reports and a core's stored mark still say so).
   */
  live?: true;
  /**
   * The recorded day is over (`<prefix>._replay.end`, published by `--role ingest --replay` once its file is
   * stored): readers release every event they still hold and stop saying a rehearsal is replaying. No events.
   */
  end?: true;
  /** The reorder hold the publisher stated for its events (`Liqbot-Hold-Ms`); absent: the reader's default. */
  holdMs?: number;
  /** Tell the stream this batch is done with (after storing its offset). */
  ack(): void;
}

export interface ReadOptions {
  /** The consumer's durable name: one per reading process (`core`, `gateway-1`). */
  durable: string;
  /** The stream sequence of the last batch already applied (0: from the start of the stream). */
  after: number;
  /** Ends the iteration. */
  signal?: AbortSignal;
  /** Messages pulled ahead of the caller (default 64). */
  prefetch?: number;
}

/** Batches after `after`, in stream order, until the signal aborts or the loop is left. */
export async function* readBatches(bus: Pick<Bus, 'js' | 'jsm' | 'stream' | 'subjects'>, opts: ReadOptions): AsyncGenerator<BusBatch> {
  try {
    await bus.jsm.consumers.delete(bus.stream, opts.durable);
  } catch (err) {
    if (!(err instanceof JetStreamApiError) || err.status !== 404) throw err;
  }
  await bus.jsm.consumers.add(bus.stream, {
    durable_name: opts.durable,
    ack_policy: AckPolicy.Explicit,
    ack_wait: nanos(30_000),
    filter_subject: bus.subjects,
    ...(opts.after > 0 ? { deliver_policy: DeliverPolicy.StartSequence, opt_start_seq: opts.after + 1 } : { deliver_policy: DeliverPolicy.All }),
  });
  const consumer = await bus.js.consumers.get(bus.stream, opts.durable);
  const messages = await consumer.consume({ max_messages: opts.prefetch ?? 64 });
  const stop = () => messages.stop();
  opts.signal?.addEventListener('abort', stop, { once: true });
  let last = opts.after;
  try {
    if (opts.signal?.aborted) return;
    for await (const m of messages) {
      if (m.seq <= last) {
        m.ack(); // a redelivery of a batch already handed out
        continue;
      }
      last = m.seq;
      const payload = m.string();
      const synthetic = m.headers?.get(SYNTHETIC_HEADER) === '1';
      const recorded = m.headers?.get(RECORDED_HEADER) === '1';
      const live = m.headers?.get(LIVE_HEADER) === '1' ? { live: true as const } : {};
      if (isRecordingEndSubject(m.subject)) {
        yield { seq: m.seq, subject: m.subject, events: [], invalid: 0, synthetic, ack: () => m.ack(), end: true, ...(recorded ? { recorded } : {}) };
      } else if (m.subject.endsWith('.gap')) {
        const gap = decodeGap(payload);
        yield { seq: m.seq, subject: m.subject, events: [], invalid: gap ? 0 : 1, synthetic, ack: () => m.ack(), ...live, ...(gap ? { gap } : {}) };
      } else if (isFeedsSubject(m.subject)) {
        const feeds = decodeFeeds(payload);
        yield { seq: m.seq, subject: m.subject, events: [], invalid: feeds ? 0 : 1, synthetic, ack: () => m.ack(), ...live, ...(feeds ? { feeds } : {}) };
      } else if (isStateSubject(m.subject)) {
        const { changes, invalid } = decodeStateChanges(payload);
        yield { seq: m.seq, subject: m.subject, events: [], changes, invalid, synthetic, ack: () => m.ack() };
      } else {
        const { events, invalid } = decodeEvents(payload);
        const holdMs = holdOf(m.headers?.get(HOLD_HEADER) || undefined);
        yield { seq: m.seq, subject: m.subject, events, invalid, synthetic, ack: () => m.ack(), ...live, ...(holdMs !== undefined ? { holdMs } : {}), ...(recorded ? { recorded } : {}) };
      }
    }
  } finally {
    opts.signal?.removeEventListener('abort', stop);
    stop();
  }
}
