/**
 * The local NATS server with JetStream for tests (127.0.0.1:4222): whether it answers, and a stream and
 * subject prefix of this run's own (streams may not share subjects), deleted after. `.ci/run` starts the
 * server; without it the bus suites are skipped with a line saying why.
 */
import { connect } from '@nats-io/transport-node';
import { jetstreamManager } from '@nats-io/jetstream';
import { readBatches, type BusBatch } from '../../src/bus/consumer.js';
import { connectBus, type Bus } from '../../src/bus/stream.js';

export const NATS_URL = process.env.LIQBOT_TEST_NATS_URL ?? 'nats://127.0.0.1:4222';

/** Undefined when the server answers with JetStream; otherwise why the bus tests are skipped. */
export async function natsUnavailable(): Promise<string | undefined> {
  try {
    const nc = await connect({ servers: NATS_URL, timeout: 2_000, reconnect: false });
    try {
      await (await jetstreamManager(nc)).getAccountInfo();
    } finally {
      await nc.close();
    }
    return undefined;
  } catch (err) {
    return `NATS tests skipped: ${NATS_URL} does not answer with JetStream (${(err as Error).message}); .ci/run starts it`;
  }
}

const RUN = `t${process.pid}${Math.random().toString(36).slice(2, 7)}`;
let streams = 0;

/** A bus on a stream of its own (`LBT_<run>_<n>`, subjects `lbt<run>n.>`); `drop()` deletes the stream. */
export async function testBus(opts: { duplicateWindowMs?: number } = {}): Promise<Bus & { drop(): Promise<void> }> {
  const n = ++streams;
  const bus = await connectBus({ url: NATS_URL, stream: `LBT_${RUN}_${n}`, prefix: `lbt${RUN}n${n}`, ...opts });
  return Object.assign(bus, {
    drop: async () => {
      await bus.jsm.streams.delete(bus.stream).catch(() => undefined);
      await bus.close();
    },
  });
}

/**
 * Read batches until `n` have come, acknowledging each. The test fails when none comes for 10 s: a stream that stalls,
 * not a machine that reads 23,785 batches slower than usual (under load, all of them took over 10 s).
 */
export async function take(bus: Bus, n: number, durable: string, after = 0): Promise<BusBatch[]> {
  const out: BusBatch[] = [];
  if (n === 0) return out;
  const abort = new AbortController();
  const timer = setTimeout(() => abort.abort(), 10_000);
  try {
    for await (const b of readBatches(bus, { durable, after, signal: abort.signal })) {
      out.push(b);
      b.ack();
      if (out.length === n) break;
      timer.refresh();
    }
  } finally {
    clearTimeout(timer);
  }
  if (out.length < n) throw new Error(`only ${out.length} of ${n} batches came, then none for 10 s`);
  return out;
}

let roleStreams = 0;

/** A stream name of this run's own for role processes (which use its lower case as their subject prefix). */
export function roleStream(): string {
  return `LBR_${RUN}_${++roleStreams}`.toUpperCase();
}

/** Delete a stream a role process made (after the test). */
export async function dropStream(name: string): Promise<void> {
  const nc = await connect({ servers: NATS_URL, timeout: 2_000, reconnect: false });
  try {
    await (await jetstreamManager(nc)).streams.delete(name).catch(() => undefined);
  } finally {
    await nc.close();
  }
}
