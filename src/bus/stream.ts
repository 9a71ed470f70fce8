/**
 * The market stream on NATS JetStream: one stream (`MKT`) holding subjects `mkt.<venue>.<kind>`, each message
 * one batch of normalized events. This module connects, makes sure the stream exists with the options the
 * installed server supports (nats-server 2.9: one `filter_subject` per consumer, no 2.10+ options), and names
 * subjects. Publishing is publisher.ts, reading is consumer.ts.
 *
 * @example
 *   const bus = await connectBus({ url: 'nats://127.0.0.1:4222' });
 *   // … publish or consume …
 *   await bus.close();
 */
import { jetstream, jetstreamManager, JetStreamApiError, type JetStreamClient, type JetStreamManager } from '@nats-io/jetstream';
import { connect, nanos, type NatsConnection } from '@nats-io/transport-node';

export interface BusOptions {
  /** `nats://host:port` (LIQBOT_NATS_URL). */
  url: string;
  /** The stream's name (default `MKT`; tests use their own). */
  stream?: string;
  /** The subjects' first token (default `mkt`); each stream needs its own, as streams may not share subjects. */
  prefix?: string;
  /** How long JetStream remembers a message id to drop a re-published batch (default 2 minutes). */
  duplicateWindowMs?: number;
  /** How long the stream keeps batches (default 7 days: a core can rebuild a week from it). */
  maxAgeMs?: number;
  /** A name for the connection, shown by the server's monitoring (e.g. `liqbot ingest binance`). */
  name?: string;
}

export interface Bus {
  readonly nc: NatsConnection;
  readonly js: JetStreamClient;
  readonly jsm: JetStreamManager;
  readonly stream: string;
  readonly prefix: string;
  /** Every subject of the stream: `<prefix>.>`. */
  readonly subjects: string;
  /** Drain and close the connection (waits for publishes in flight). */
  close(): Promise<void>;
}

/** Error for a bus that cannot be reached or set up: one sentence, the library's error as cause. */
export class BusError extends Error {
  override readonly name = 'BusError';
}

/** Connect to NATS and make sure the stream exists (created, or its subjects and windows brought in line). */
export async function connectBus(opts: BusOptions): Promise<Bus> {
  const stream = opts.stream ?? 'MKT';
  const prefix = opts.prefix ?? 'mkt';
  let nc: NatsConnection;
  try {
    nc = await connect({ servers: opts.url, name: opts.name ?? 'liqbot', maxReconnectAttempts: -1, reconnectTimeWait: 500 });
  } catch (err) {
    throw new BusError(`could not connect to NATS at ${opts.url}: ${(err as Error).message}`, { cause: err });
  }
  try {
    const jsm = await jetstreamManager(nc);
    const config = {
      name: stream,
      subjects: [`${prefix}.>`],
      duplicate_window: nanos(opts.duplicateWindowMs ?? 120_000),
      max_age: nanos(opts.maxAgeMs ?? 7 * 86_400_000),
    };
    try {
      await jsm.streams.info(stream);
      await jsm.streams.update(stream, config);
    } catch (err) {
      if (!(err instanceof JetStreamApiError) || err.status !== 404) throw err;
      await jsm.streams.add(config);
    }
    return {
      nc, js: jetstream(nc), jsm, stream, prefix, subjects: `${prefix}.>`,
      close: async () => {
        if (!nc.isClosed()) await nc.drain();
      },
    };
  } catch (err) {
    await nc.close().catch(() => undefined);
    throw new BusError(`could not set up the JetStream stream ${stream} on ${opts.url}: ${(err as Error).message} (is nats-server running with -js?)`, { cause: err });
  }
}

/** A subject token: what NATS allows in one token (no dots, spaces or wildcards), lower case. */
export function subjectToken(name: string): string {
  return name.toLowerCase().replace(/[^a-z0-9_-]/g, '_') || '_';
}

/** The subject of a batch: `<prefix>.<venue>.<kind>`. */
export function subjectOf(prefix: string, venue: string, kind: string): string {
  return `${prefix}.${subjectToken(venue)}.${subjectToken(kind)}`;
}
