/**
 * The ingest role (`liqbot start --role ingest`): live feeds (exchange streams, leverage polling, vendor totals
 * when configured) normalized and published to the market stream, nothing else: no store, no market, no chat.
 * Two replicas may run side by side; readers count their copies once. With `replay` it publishes a recorded
 * day instead (replay.ts), to rehearse a deployment: only onto a stream without live data (a rehearsal has a
 * stream and a database of its own), and followed by the end of the recording, so readers release what they hold.
 */
import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import { ConfigError } from '../../config/load.js';
import type { Config } from '../../config/schema.js';
import type { FeedHealth } from '../core/coverage.js';
import { implausible, type MarketEvent } from '../core/events.js';
import type { Env } from '../env.js';
import { untilAborted } from '../feeds/backoff.js';
import type { ExchangeOverride, FeedStatus } from '../feeds/contract.js';
import { logger } from '../log.js';
import { RECORDED_HEADER } from './batch.js';
import { BusPublisher } from './publisher.js';
import { replayToBus } from './replay.js';
import { isStateSubject } from './state.js';
import { connectBus, type Bus } from './stream.js';

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

/** How often an ingest repeats its feeds' states (readers take a process silent for three of these as gone). */
export const FEED_REPORT_EVERY_MS = 30_000;

/** A feed's state as the readers need it: no error text (an exchange's message stays in this process's log). */
function health(s: FeedStatus): FeedHealth {
  return { exchange: s.exchange, stream: s.stream, state: s.state, since: s.since, sampled: s.sampled, ...(s.polledEveryMs ? { polledEveryMs: s.polledEveryMs } : {}), ...(s.unlisted?.length ? { unlisted: s.unlisted } : {}) };
}

/** The hold a live ingest states for its batches (LIQBOT_LIVE_HOLD_MS). */
export const LIVE_HOLD_MS = 15_000;

/**
 * A subject of the stream whose last message is live market data (no `Liqbot-Recorded` mark: live events, gaps, a
 * live ingest's feed reports), or undefined when the stream holds none: only recorded days, chat changes, or
 * nothing. A live ingest reports its feeds every 30 s, so a stream a live ingest used within its retention has one.
 */
export async function liveSubject(bus: Pick<Bus, 'jsm' | 'stream' | 'subjects'>): Promise<string | undefined> {
  const info = await bus.jsm.streams.info(bus.stream, { subjects_filter: bus.subjects });
  if (!info.state.messages) return undefined;
  for (const subject of Object.keys(info.state.subjects ?? {}).sort()) {
    // Chat changes come from gateways and deliverers, a rehearsal's too: not market data.
    if (isStateSubject(subject)) continue;
    const last = await bus.jsm.streams.getMessage(bus.stream, { last_by_subj: subject });
    if (last && last.header?.get(RECORDED_HEADER) !== '1') return subject;
  }
  return undefined;
}

/**
 * Refuse to replay a recorded day onto a stream with live data: its core would write the day into the live
 * database and its deliverers post it to the live chats.
 */
async function refuseLiveStream(bus: Bus): Promise<void> {
  const subject = await liveSubject(bus);
  if (subject === undefined) return;
  throw new ConfigError(
    `--replay refused: the stream ${bus.stream} holds live market data (${subject}); a rehearsal there would post a past day to the live chats and write it into the live database. ` +
      "Rehearse on a stream and a database of their own: start the rehearsal's ingest, core, deliver and gateway with LIQBOT_NATS_STREAM=REHEARSAL (any unused name) and LIQBOT_DATABASE_URL=<another database, after `liqbot migrate`>",
  );
}

export async function runIngestRole(opts: IngestRoleOptions): Promise<void> {
  const stream = opts.env.natsStream ?? 'MKT';
  const bus = await connectBus({ url: opts.env.natsUrl!, stream, prefix: stream.toLowerCase(), name: `liqbot ingest ${process.pid}` });
  // Live batches span a quarter of a second, so readers need only a short hold, stated on every message; a
  // recording's batches span minutes: no statement, readers keep their 5 minutes (and replay stays deterministic).
  const publisher = new BusPublisher(bus, opts.replay ? {} : { holdMs: opts.env.liveHoldMs ?? LIVE_HOLD_MS });
  const rejected = new Map<string, number>();
  // Live, the receiving clock judges time as the embedded bot does; a recording runs on its own clock.
  const clock = opts.replay ? undefined : Date.now;
  /** Events handed to the stream (the reader reads ahead of what it hands on: its count says more when stopped). */
  let added = 0;
  const publish = (e: MarketEvent) => {
    const odd = implausible(e, clock?.(), 5 * 60_000);
    if (!odd) {
      added++;
      return publisher.add(e);
    }
    if (!rejected.has(odd)) log.warn({ reason: odd, type: e.type }, `dropped an implausible ${e.type} (${odd}); more are counted, not logged`);
    rejected.set(odd, (rejected.get(odd) ?? 0) + 1);
  };
  try {
    if (opts.replay) {
      await refuseLiveStream(bus);
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
      // Read to its end: the readers release the last minutes they hold and stop saying a rehearsal is replaying
      // (a replay stopped part way says nothing: the day is not over).
      if (!opts.signal.aborted) await publisher.end(`${hostname()}:${process.pid}:${randomUUID()}`);
      for (const line of read.skipped) log[read.level](line);
      // replayToBus resolves once the stream has stored everything handed to it.
      if (opts.signal.aborted) log.info({ read: read.events, ...publisher.counters }, `replay stopped part way (${added} events published)`);
      else log.info({ read: read.events, ...publisher.counters }, 'the recorded day is published');
      return;
    }
    // The feeds' states go on the stream too, on every change and every 30 s, so the readers' replies say which
    // venues are down (not "no liquidations") and a reader hears of a process gone silent.
    const instance = `${hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`;
    const states = new Map<string, FeedHealth>();
    const report = () => publisher.feeds({ instance, at: Date.now(), feeds: [...states.values()] });
    const status = (s: FeedStatus) => {
      log.info(s, 'feed status');
      states.set(`${s.exchange}:${s.stream}`, health(s));
      report();
    };
    const { startLiveFeeds } = await import('../feeds/start.js');
    const feeds = await startLiveFeeds({
      config: opts.config,
      dataDir: opts.env.dataDir,
      sink: { event: publish, gap: (g) => publisher.gap(g), status },
      ...(opts.feeds?.overrides ? { overrides: opts.feeds.overrides } : {}),
      ...(opts.feeds?.leverage === false ? { leverage: false } : {}),
      vendor: opts.env.coinalyze,
    });
    for (const st of feeds.statuses()) states.set(`${st.exchange}:${st.stream}`, health(st));
    report();
    const repeat = setInterval(report, FEED_REPORT_EVERY_MS);
    const flusher = setInterval(() => void publisher.flush(), FLUSH_MS);
    log.info({ stream: bus.stream, venues: feeds.statuses().length }, 'publishing live feeds to the market stream');
    await untilAborted(opts.signal);
    clearInterval(flusher);
    clearInterval(repeat);
    await feeds.stop();
    // Stopped on purpose: its venues are down from now on, said at once rather than after the readers' wait.
    const now = Date.now();
    for (const [k, st] of states) states.set(k, { ...st, state: 'down', since: now });
    report();
  } finally {
    await publisher.stop();
    log.info({ ...publisher.counters, rejected: Object.fromEntries(rejected) }, 'ingest stopped');
    await bus.close();
  }
}
