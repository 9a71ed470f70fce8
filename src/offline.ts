/**
 * Drives the market engine from an event file with the events' own clock: what `liqbot replay`, `liqs`,
 * `levels` and `demo` run on. No network, no store, no chat: the same core that serves chats live.
 */
import type { Config } from '../config/schema.js';
import type { Alert } from './core/alerts.js';
import { configLevels, levelId } from './core/levels.js';
import { Market } from './core/market.js';
import { readEventBatches, newReport, type ReadReport } from './io/event-file.js';
import { eventAsset, TIMEFRAME_MS, type Candle, type LevelEvent, type MarketEvent } from './core/events.js';
import { HOUR } from './core/time.js';
import { RecentPrints } from './recent-prints.js';
import { eventHash, textHash } from './store/hash.js';
import { Stretches } from './core/coverage.js';
import { venueKey } from './core/venues.js';

export interface OfflineRun {
  market: Market;
  report: ReadReport;
  /** Alerts a channel subscribed to everything would get (global levels only), in time order. */
  alerts: Alert[];
  /** Time of the last event read (the default "as of"). */
  lastTs: number;
  /** With `closes`: per asset, the closes its levels were judged on (the file's candles, or bars built from its prices). */
  closes: Map<string, { end: number; close: number }[]>;
}

export interface OfflineOptions {
  /** Ignore events after this time. */
  until?: number;
  /** Bucket liquidations only from this time (makes a window exact to the millisecond). */
  bucketFrom?: number;
  onAlert?: (a: Alert) => void;
  /**
   * One asset's answer (`liqs|levels|oi ASSET`): the engine is fed every liquidation it is given, and this asset's
   * other events alone (the candles, prices, levels and open interest of the others move nothing it reads). `levels`
   * and `liqs` give it the whole file, since a market-wide flush spans assets (the level status reads one running, and
   * an asset's summary names the flushes it took part in); `oi`, whose answer reads nothing of the other assets, gives
   * it that asset's events (`loadFile`'s `keep`).
   * test/cli/offline-flush.test.ts compares both with the engine fed the whole file on the real recordings.
   */
  asset?: string;
  /**
   * The user's config names its `assets`: those alone are tracked, as the live bot tracks them. Another asset's
   * liquidations feed the market-wide flush alone, and its other events (candles, prices, levels, open interest),
   * which the live feeds never bring, are not read. Without it every asset the file holds is tracked (a replay of coins
   * no config names still shows them).
   */
  configuredAssets?: boolean;
  /** Keep the closes the levels were judged on (`replay --stats`): one per asset and 15 minutes, not kept otherwise. */
  closes?: boolean;
  /** A file read here (a path, not a file loaded) fills this report (one that tells each malformed line as it is read). */
  report?: ReadReport;
}

/** A file read into memory once (for commands that must know its last time before they can start). */
export interface LoadedFile {
  batches: MarketEvent[][];
  report: ReadReport;
  lastTs: number;
  assets: Set<string>;
  /** The stretches of time the file has liquidation prints for (any asset), in order: what its figures can vouch for. */
  recorded: [number, number][];
  /**
   * The exchanges the file has liquidation prints of (any asset), each with its first print's time: the sources an
   * answer names where the engine saw one asset's events only (an empty window still has the file's venues to say).
   */
  venues: Map<string, number>;
}


/**
 * `keep`: hold only this asset's events (the file is still read and checked whole, and `lastTs` and `assets` are
 * the whole file's): what `oi ASSET` reads, whose answer reads nothing of the other assets. Events dropped as the
 * reader releases them die young, where held ones are copied by the collector: on the bundled day, 16,000 events held
 * instead of 56,000.
 */
export async function loadFile(path: string, keep?: string, report: ReadReport = newReport()): Promise<LoadedFile> {
  const batches: MarketEvent[][] = [];
  const assets = new Set<string>();
  let lastTs = -Infinity;
  const recorded = new Stretches();
  const venues = new Map<string, number>();
  const seen = (ts: number, asset: string, liquidation: boolean): void => {
    if (ts > lastTs) lastTs = ts;
    assets.add(asset);
    if (liquidation) recorded.add(ts);
  };
  // A candle is stamped with its open: the file's last moment is its last candle's close (up to an hour's), so an
  // answer as of the file's end has that candle's close as its price.
  let candlesEnd = -Infinity;
  const candle = (c: Candle): void => {
    const tf = TIMEFRAME_MS[c.timeframe];
    if (tf <= HOUR && c.ts + tf > candlesEnd) candlesEnd = c.ts + tf;
  };
  for await (const batch of readEventBatches(path, report, { asset: keep, seen, candle, venues })) batches.push(batch);
  if (candlesEnd > lastTs) lastTs = candlesEnd;
  // A file read whole is put in order whole: events out of order by more than the reader's hold (a levels file
  // appended after the candles it is about, as the data kit's README suggests) apply at their own time, not late.
  if (report.late > 0) {
    const all = batches.flat().sort((a, b) => a.ts - b.ts); // stable: events of one time keep the file's order
    batches.splice(0, batches.length, all);
    report.sorted = true;
  }
  return { batches, report, lastTs: Number.isFinite(lastTs) ? lastTs : 0, assets, recorded: recorded.list(), venues };
}

/** What names a candle, whatever its values: its exchange, symbol, timeframe and open time (53 bits of them). */
function candleKey(c: Candle): number {
  return textHash(`${c.exchange} ${c.symbol} ${c.timeframe} ${c.ts}`);
}

/** Stream a file through the engine (replay), or run a file already loaded (liqs, levels). */
export async function runFile(source: string | LoadedFile, config: Config, opts: OfflineOptions = {}): Promise<OfflineRun> {
  const market = new Market(config);
  // The configured assets alone are tracked, as live (`Market.tracks`); the engine is not made live for it: a flush
  // still takes `minAssets` as configured, and says nothing of what the live feeds count (a file counts what it holds).
  if (opts.configuredAssets) market.configuredOnly = true;
  const tracked = opts.configuredAssets ? new Set(config.assets) : undefined;
  if (opts.bucketFrom !== undefined) market.bucketFrom = opts.bucketFrom;
  const closes = new Map<string, { end: number; close: number }[]>();
  if (opts.closes) {
    market.onLevelClose = (asset, c) => {
      let list = closes.get(asset);
      if (!list) closes.set(asset, (list = []));
      list.push({ end: c.end, close: c.close });
    };
  }
  if (typeof source !== 'string') {
    market.recorded = source.recorded;
    // The file's venues up to the moment asked about, whichever asset the engine is given (its prints' own venues alone
    // would leave an empty window of one asset with no source to name); one name a venue (Binance's USD-M stream and a
    // recorder's "binance" are one source).
    const until = opts.until ?? Infinity;
    const venues = new Map<string, string>();
    for (const [ex, first] of [...source.venues].sort(([a], [b]) => (a < b ? -1 : 1))) if (first <= until && !venues.has(venueKey(ex))) venues.set(venueKey(ex), ex);
    market.recordedVenues = [...venues.values()];
  }
  const report = typeof source === 'string' ? (opts.report ?? newReport()) : source.report;
  const alerts: Alert[] = [];
  const emit = (list: Alert[]) => {
    for (const a of list) {
      if ((a.kind === 'level_break' || a.kind === 'level_chop') && a.chat !== undefined) continue;
      alerts.push(a);
      opts.onAlert?.(a);
    }
  };
  let lastTs = -Infinity;
  let levelsAdded = false;
  /** Levels stamped 0 (a shared levels file's "always"), held until the file's first event gives them its time. */
  const always: LevelEvent[] = [];
  const recent = new RecentPrints();
  // Candles and ticks by identity, and candles by what names one (exchange, symbol, timeframe, open time): a recording
  // or downloads concatenated repeat lines, and a line read twice is one candle (or tick), however often it comes.
  const recentPrices = new RecentPrints();
  const candleKeys = new RecentPrints();
  /** The levels the file has set so far: a line that sets one again is a correction (the engine keeps the later), counted. */
  const levelIds = new Set<string>();
  const until = opts.until ?? Infinity;
  const only = opts.asset;
  const batches: AsyncIterable<MarketEvent[]> | Iterable<MarketEvent[]> = typeof source === 'string' ? readEventBatches(source, report) : source.batches;
  for await (const batch of batches) {
    market.synthetic = report.synthetic;
    for (const e of batch) {
      const ts = e.ts; // read once: a generic lookup on events of every type
      if (ts > until) continue;
      if (e.type !== 'liquidation' && (only !== undefined || tracked !== undefined)) {
        const asset = eventAsset(e);
        if ((only !== undefined && asset !== only) || (tracked !== undefined && !tracked.has(asset))) continue;
      }
      if (e.type === 'level') {
        const id = levelId(e.asset, e.level, e.chat);
        if (levelIds.has(id)) report.levelRepeats = (report.levelRepeats ?? 0) + 1;
        else levelIds.add(id);
        if (ts === 0) {
          always.push(e);
          continue;
        }
      }
      if (!levelsAdded) {
        levelsAdded = true;
        for (const l of configLevels(config, ts)) market.addLevel(l);
      }
      if (ts > lastTs) lastTs = ts;
      // A liquidation twice (a recorder that wrote its row twice) is one order, as the live bot counts it.
      if (e.type === 'liquidation' && recent.seen(eventHash(e), ts)) {
        report.duplicates = (report.duplicates ?? 0) + 1;
        continue;
      }
      if (e.type === 'candle' || e.type === 'price') {
        // Read once: the first line stands. A candle named again with other values (a correction) is skipped too, and
        // counted apart: its close was judged on, and a level's alert went out on it.
        const repeat = recentPrices.seen(eventHash(e), ts);
        const named = e.type === 'candle' && candleKeys.seen(candleKey(e), ts);
        if (repeat || named) {
          if (!repeat) report.candleCorrections = (report.candleCorrections ?? 0) + 1;
          else if (e.type === 'candle') report.repeatedCandles = (report.repeatedCandles ?? 0) + 1;
          else report.repeatedTicks = (report.repeatedTicks ?? 0) + 1;
          continue;
        }
      }
      if (always.length) for (const l of always.splice(0)) emit(market.ingest({ ...l, ts }));
      const raised = market.ingest(e);
      if (raised.length) emit(raised);
    }
  }
  market.synthetic = report.synthetic;
  // A file of such levels alone has no other time to give them.
  for (const l of always) emit(market.ingest(l));
  if (opts.until === undefined) emit(market.flush());
  else emit(market.catchUp(until));
  return { market, report, alerts, lastTs: Number.isFinite(lastTs) ? lastTs : 0, closes };
}
