/**
 * Figure: events/s end to end through the roles: `liqbot start --role ingest --replay FILE --speed 1e12` (a child
 * process) publishes a generated file to a stream of its own on the local nats-server, and a follower market in
 * this process (what a core or a gateway runs) reads and applies it. Beside it, in the same run, the embedded
 * pipeline on the same file (`liqbot replay`'s path: validation, reorder, market), which the roles cost relative
 * to. Skipped, saying why, when NATS is not reachable.
 */
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import { jetstreamManager } from '@nats-io/jetstream';
import { connect } from '@nats-io/transport-node';
import { loadConfig } from '../../config/load.js';
import { readBatches } from '../../src/bus/consumer.js';
import { MarketFollower } from '../../src/bus/follower.js';
import { connectBus } from '../../src/bus/stream.js';
import { Market } from '../../src/core/market.js';
import { runFile } from '../../src/offline.js';
import { writeIngestFile } from '../data.js';
import { figure, fmtInt, skipped, TempDir, type BenchOptions, type Figure } from '../util.js';

const NATS_URL = process.env.LIQBOT_BENCH_NATS_URL ?? 'nats://127.0.0.1:4222';
const BIN = fileURLToPath(new URL('../../bin/liqbot.js', import.meta.url));

async function natsProblem(): Promise<string | undefined> {
  try {
    const nc = await connect({ servers: NATS_URL, timeout: 2_000, reconnect: false });
    try {
      await (await jetstreamManager(nc)).getAccountInfo();
    } finally {
      await nc.close();
    }
    return undefined;
  } catch (err) {
    return `${NATS_URL} does not answer with JetStream (${(err as Error).message})`;
  }
}

/** The ingest role publishing `file` while a follower applies it; times from spawn and from the first batch. */
async function rolesRun(file: string, events: number): Promise<{ ms: number; streamMs: number; messages: number }> {
  const stream = `LBBENCH${process.pid}${Math.random().toString(36).slice(2, 6).toUpperCase()}`;
  const bus = await connectBus({ url: NATS_URL, stream, prefix: stream.toLowerCase() });
  const config = loadConfig();
  const follower = new MarketFollower(new Market(config), config);
  const abort = new AbortController();
  try {
    const t0 = performance.now();
    let firstAt = NaN;
    const child = spawn(process.execPath, [BIN, 'start', '--role', 'ingest', '--replay', file, '--speed', '1e12'], {
      env: { PATH: process.env.PATH, LIQBOT_NATS_URL: NATS_URL, LIQBOT_NATS_STREAM: stream, LOG_LEVEL: 'error', LIQBOT_DATA_DIR: '/tmp' },
      stdio: ['ignore', 'ignore', 'inherit'],
    });
    const exited = once(child, 'exit');
    let lastSeq = Infinity;
    const reading = (async () => {
      for await (const batch of readBatches(bus, { durable: 'bench', after: 0, signal: abort.signal, prefetch: 256 })) {
        if (Number.isNaN(firstAt)) firstAt = performance.now();
        follower.apply(batch);
        batch.ack();
        if (follower.offset >= lastSeq) break;
      }
    })();
    const [code] = (await exited) as [number | null];
    if (code !== 0) throw new Error(`the ingest role exited with ${code}`);
    lastSeq = (await bus.jsm.streams.info(stream)).state.last_seq;
    // The reader may already be past it (it only checks on each batch): nudge it with a check of its own.
    const timer = setTimeout(() => abort.abort(), 120_000);
    while (follower.offset < lastSeq && !abort.signal.aborted) await new Promise((r) => setTimeout(r, 5));
    clearTimeout(timer);
    abort.abort();
    await reading;
    follower.drain();
    const t1 = performance.now();
    if (follower.counters.events !== events) throw new Error(`the follower applied ${follower.counters.events} of ${events} events`);
    return { ms: t1 - t0, streamMs: t1 - firstAt, messages: lastSeq };
  } finally {
    abort.abort();
    await bus.jsm.streams.delete(stream).catch(() => undefined);
    await bus.close();
  }
}

export async function rolesFigures(opts: BenchOptions): Promise<Figure[]> {
  const label = 'roles: ingest --replay → stream → follower';
  const base = { figure: 'roles.stream', label, unit: 'events/s', better: 'higher' as const, baselineLabel: 'embedded pipeline, same file' };
  const problem = await natsProblem();
  if (problem) return [skipped({ ...base, reason: problem })];
  const liquidations = opts.quick ? 50_000 : 300_000;
  const tmp = new TempDir();
  try {
    opts.progress(`roles: writing ${fmtInt(liquidations)} liquidations`);
    const file = await writeIngestFile(tmp.file('roles.jsonl'), liquidations, 2);
    const t0 = performance.now();
    const embedded = await runFile(file.path, loadConfig());
    const embeddedMs = performance.now() - t0;
    const events = embedded.report.events;
    opts.progress(`roles: embedded ${fmtInt(events / (embeddedMs / 1000))} events/s; now through the stream`);
    const r = await rolesRun(file.path, events);
    return [
      figure({
        ...base,
        value: events / (r.streamMs / 1000),
        baseline: events / (embeddedMs / 1000),
        note: `${fmtInt(events)} events in ${fmtInt(r.messages)} messages; from the first batch read to the last applied; with the ingest process's start ${fmtInt(events / (r.ms / 1000))} events/s (${(r.ms / 1000).toFixed(1)} s)`,
      }),
    ];
  } finally {
    tmp.cleanup();
  }
}
