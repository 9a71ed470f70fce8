/**
 * `liqbot record`: the live normalized stream written as an event file (JSON Lines, one MarketEvent per
 * line, the format `liqbot replay` reads) until the signal aborts. Gaps and connection changes go to the
 * log: the event file format has no line type for them. The liquidations the all-market streams bring of assets
 * outside `config.assets` are left out (counted in the summary): live they feed the market-wide flush alone, while a
 * replayed file counts every asset it holds in every figure, so a recording keeps what the live bot tracks.
 *
 *   const ac = new AbortController();
 *   process.once('SIGINT', () => ac.abort());
 *   await record({ config, out: 'day.jsonl', dataDir: 'data', signal: ac.signal });
 */
import { createWriteStream } from 'node:fs';
import { once } from 'node:events';
import type { Config } from '../../config/schema.js';
import { UsageError } from '../../config/error.js';
import { assetOf, eventLine } from '../core/events.js';
import { logger } from '../log.js';
import { venueName, venueNames } from '../replies/format.js';
import type { ExchangeOverride } from './contract.js';
import { describe } from './errors.js';
import { startFeeds } from './index.js';

export interface RecordOptions {
  config: Config;
  /** A file path (appended to) or an open stream such as stdout (left open). */
  out: string | NodeJS.WritableStream;
  dataDir: string;
  signal: AbortSignal;
  overrides?: Record<string, ExchangeOverride>;
  now?: () => number;
}

export interface RecordSummary {
  /** Lines written. */
  events: number;
  gaps: number;
  /** Liquidations of assets outside `config.assets` (the all-market streams'), not written. */
  untracked: number;
  /** Per venue, the ms of its gaps (feeds down or silent): an event file has no line for them, so they are said at stop. */
  blind: Record<string, number>;
  /** Venues not live when the recording stopped (never connected, or down at the end). */
  downAtStop: string[];
}

/**
 * What the recording holds, in one line for the person who ran it: how many events, and where it was blind (the
 * file itself cannot say: the spec's event file has no gap line, and a replay reads an unrecorded stretch as no data).
 */
export function recordedLine(s: RecordSummary, out: string): string {
  // Venues as every reply names them ("Binance 25 s"), not by their ccxt ids.
  const blind = Object.entries(s.blind).filter(([, ms]) => ms > 0).map(([ex, ms]) => `${venueName(ex)} ${Math.round(ms / 1000)} s`);
  const parts = [`recorded ${s.events} ${s.events === 1 ? 'event' : 'events'} to ${out}`];
  if (blind.length) parts.push(`no data from ${blind.join(', ')} (not in the file: it has no gap line)`);
  if (s.downAtStop.length) parts.push(`not live at the end: ${venueNames(s.downAtStop)}`);
  if (s.untracked) parts.push(`${s.untracked} liquidations of assets outside the config left out`);
  return `liqbot record: ${parts.join('; ')}`;
}

/** Record until `signal` aborts; resolves after every socket is closed and the output is flushed. */
export async function record(opts: RecordOptions): Promise<RecordSummary> {
  // Nothing to connect to would record nothing, and with no socket open nothing would keep the process waiting for
  // the stop: said at once, before the output is opened.
  if (opts.config.exchanges.length === 0) throw new UsageError('no exchange to record: the config\'s `exchanges` is empty (config/default.yaml lists the ones watched)');
  const log = logger('feeds:record');
  const ownsOut = typeof opts.out === 'string';
  const out: NodeJS.WritableStream = typeof opts.out === 'string' ? createWriteStream(opts.out, { flags: 'a' }) : opts.out;
  const summary: RecordSummary = { events: 0, gaps: 0, untracked: 0, blind: {}, downAtStop: [] };
  const tracked = new Set(opts.config.assets);
  let writeError: unknown;
  const stopped = new Promise<void>((resolve) => {
    if (opts.signal.aborted) resolve();
    else opts.signal.addEventListener('abort', () => resolve(), { once: true });
  });
  let failed!: (err: unknown) => void;
  const failure = new Promise<void>((resolve) => {
    failed = (err) => {
      writeError ??= err;
      resolve();
    };
  });
  out.on('error', failed);

  const feeds = await startFeeds({
    config: opts.config,
    dataDir: opts.dataDir,
    ...(opts.overrides ? { overrides: opts.overrides } : {}),
    ...(opts.now ? { now: opts.now } : {}),
    sink: {
      event: (e) => {
        if (writeError) return;
        if (e.type === 'liquidation' && !tracked.has(assetOf(e.symbol))) {
          summary.untracked++;
          return;
        }
        out.write(`${eventLine(e)}\n`);
        summary.events++;
      },
      gap: (g) => {
        summary.gaps++;
        summary.blind[g.exchange] = (summary.blind[g.exchange] ?? 0) + Math.max(0, g.to - g.from);
        log.info({ ...g, fromIso: new Date(g.from).toISOString(), toIso: new Date(g.to).toISOString() }, `${g.exchange}: no data for ${Math.round((g.to - g.from) / 1000)} s`);
      },
      status: (s) => log.debug(s, `${s.exchange} ${s.stream}: ${s.state}`),
    },
  });
  await Promise.race([stopped, failure]);
  summary.downAtStop = [...new Set(feeds.statuses().filter((f) => f.state !== 'live').map((f) => f.exchange))];
  await feeds.stop();
  if (summary.untracked) log.info({ untracked: summary.untracked }, `${summary.untracked} liquidations of assets outside the config's (all-market streams) were not written: live they feed the market-wide flush alone`);
  // A stream we were given stays open and is the caller's again; our own file keeps the listener to its end.
  if (!ownsOut) out.removeListener('error', failed);
  if (ownsOut && !writeError) {
    out.end();
    await once(out, 'finish');
  }
  if (writeError) throw new Error(`recording stopped: cannot write the event file: ${describe(writeError)}`, { cause: writeError });
  return summary;
}
