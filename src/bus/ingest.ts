/**
 * The ingest role (`liqbot start --role ingest`): live feeds (exchange streams, leverage polling, vendor totals
 * when configured) normalized and published to the market stream, nothing else: no store, no market, no chat.
 * Two replicas may run side by side; readers count their copies once. With `replay` it publishes a recorded
 * day instead (replay.ts), to rehearse a deployment.
 */
import type { Config } from '../../config/schema.js';
import { implausible, type MarketEvent } from '../core/events.js';
import type { Env } from '../env.js';
import type { ExchangeOverride } from '../feeds/contract.js';
import { logger } from '../log.js';
import { BusPublisher } from './publisher.js';
import { replayToBus } from './replay.js';
import { connectBus } from './stream.js';

const log = logger('bus:ingest');

/** How often events waiting in a batch are sent live (the most a print waits before a reader can see it). */
const FLUSH_MS = 250;

export interface IngestRoleOptions {
  env: Pick<Env, 'natsUrl' | 'natsStream' | 'dataDir' | 'coinalyze' | 'liveHoldMs'>;
  config: Config;
  replay?: { file: string; speed: number };
  signal: AbortSignal;
  /** Where the feeds connect instead of the venues (tests: the fake exchanges), and whether leverage is polled (default yes). */
  feeds?: { overrides?: Record<string, ExchangeOverride>; leverage?: boolean };
}

/** The hold a live ingest states for its batches (LIQBOT_LIVE_HOLD_MS). */
export const LIVE_HOLD_MS = 15_000;

export async function runIngestRole(opts: IngestRoleOptions): Promise<void> {
  const stream = opts.env.natsStream ?? 'MKT';
  const bus = await connectBus({ url: opts.env.natsUrl!, stream, prefix: stream.toLowerCase(), name: `liqbot ingest ${process.pid}` });
  // Live batches span a quarter of a second, so readers need only a short hold, stated on every message; a
  // recording's batches span minutes: no statement, readers keep their 5 minutes (and replay stays deterministic).
  const publisher = new BusPublisher(bus, opts.replay ? {} : { holdMs: opts.env.liveHoldMs ?? LIVE_HOLD_MS });
  const rejected = new Map<string, number>();
  // Live, the receiving clock judges time as the embedded bot does; a recording runs on its own clock.
  const clock = opts.replay ? undefined : Date.now;
  const publish = (e: MarketEvent) => {
    const odd = implausible(e, clock?.(), 5 * 60_000);
    if (!odd) return publisher.add(e);
    if (!rejected.has(odd)) log.warn({ reason: odd, type: e.type }, `dropped an implausible ${e.type} (${odd}); more are counted, not logged`);
    rejected.set(odd, (rejected.get(odd) ?? 0) + 1);
  };
  try {
    if (opts.replay) {
      log.info({ file: opts.replay.file, speed: opts.replay.speed, stream: bus.stream }, 'publishing a recorded day to the market stream');
      publisher.recorded = true;
      const gated = {
        add: publish,
        flush: () => publisher.flush(),
        get synthetic() {
          return publisher.synthetic;
        },
        set synthetic(v: boolean) {
          publisher.synthetic = v;
        },
      };
      const read = await replayToBus(opts.replay.file, gated, { speed: opts.replay.speed, signal: opts.signal });
      for (const line of read.skipped) log[read.level](line);
      log.info({ read: read.events, ...publisher.counters }, 'the recorded day is published');
      return;
    }
    const stops: (() => Promise<void>)[] = [];
    const { startFeeds } = await import('../feeds/index.js');
    const feeds = await startFeeds({
      config: opts.config,
      dataDir: opts.env.dataDir,
      sink: { event: publish, gap: (g) => publisher.gap(g), status: (s) => log.info(s, 'feed status') },
      ...(opts.feeds?.overrides ? { overrides: opts.feeds.overrides } : {}),
    });
    stops.push(() => feeds.stop());
    if (opts.feeds?.leverage !== false) {
      const { startLeveragePolling } = await import('../feeds/leverage.js');
      const leverage = await startLeveragePolling({ config: opts.config, intervalMs: 300_000, sink: { event: publish } });
      stops.push(() => leverage.stop());
    }
    if (opts.env.coinalyze) {
      const { startVendorPolling } = await import('../feeds/vendor.js');
      const vendor = await startVendorPolling({ ...opts.env.coinalyze, assets: opts.config.assets, sink: { event: publish } });
      stops.push(() => vendor.stop());
    }
    const flusher = setInterval(() => void publisher.flush(), FLUSH_MS);
    log.info({ stream: bus.stream, venues: feeds.statuses().length }, 'publishing live feeds to the market stream');
    await new Promise<void>((resolve) => opts.signal.addEventListener('abort', () => resolve(), { once: true }));
    clearInterval(flusher);
    for (const stop of stops) await stop();
  } finally {
    await publisher.stop();
    log.info({ ...publisher.counters, rejected: Object.fromEntries(rejected) }, 'ingest stopped');
    await bus.close();
  }
}
