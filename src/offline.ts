/**
 * Drives the market engine from an event file with the events' own clock: what `liqbot replay`, `liqs`,
 * `levels` and `demo` run on. No network, no store, no chat: the same core that serves chats live.
 */
import type { Config } from '../config/schema.js';
import type { Alert } from './core/alerts.js';
import { levelKey, type Level } from './core/levels.js';
import { Market } from './core/market.js';
import { readEventFile, newReport, type ReadReport } from './io/event-file.js';

export interface OfflineRun {
  market: Market;
  report: ReadReport;
  /** Alerts a channel subscribed to everything would get (global levels only), in time order. */
  alerts: Alert[];
  /** Time of the last event read (the default "as of"). */
  lastTs: number;
}

export interface OfflineOptions {
  /** Ignore events after this time. */
  until?: number;
  /** Bucket liquidations only from this time (makes a window exact to the millisecond). */
  bucketFrom?: number;
  onAlert?: (a: Alert) => void;
}

/** Levels from config apply to every chat. */
export function configLevels(config: Config, now: number): Level[] {
  return config.levels.defaults.map((d) => {
    const level: [number, number] | number = 'price' in d ? d.price : [d.low, d.high];
    const l: Level = { id: levelKey(d.asset, level), asset: d.asset, level, source: 'config', createdAt: now };
    if (d.label !== undefined) l.label = d.label;
    return l;
  });
}

export async function runFile(path: string, config: Config, opts: OfflineOptions = {}): Promise<OfflineRun> {
  const market = new Market(config);
  if (opts.bucketFrom !== undefined) market.bucketFrom = opts.bucketFrom;
  const report = newReport();
  const alerts: Alert[] = [];
  const emit = (list: Alert[]) => {
    for (const a of list) {
      if (a.kind === 'level_break' && a.chat !== undefined) continue;
      alerts.push(a);
      opts.onAlert?.(a);
    }
  };
  let lastTs = -Infinity;
  let levelsAdded = false;
  const until = opts.until ?? Infinity;
  for await (const e of readEventFile(path, report)) {
    if (e.ts > until) continue;
    if (!levelsAdded) {
      levelsAdded = true;
      for (const l of configLevels(config, e.ts)) market.addLevel(l);
    }
    market.synthetic = report.synthetic;
    if (e.ts > lastTs) lastTs = e.ts;
    emit(market.ingest(e));
  }
  market.synthetic = report.synthetic;
  if (opts.until === undefined) emit(market.flush());
  else emit(market.advance(until));
  return { market, report, alerts, lastTs: Number.isFinite(lastTs) ? lastTs : 0 };
}
