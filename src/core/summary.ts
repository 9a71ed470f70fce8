/**
 * What the engine answers when asked (`/liqs`, `/levels`): plain data, JSON-safe, that src/replies words and
 * src/io/json.ts writes. Produced by the market's queries (see market.ts, `MarketView`).
 */
import type { FlushRecord } from './flush.js';
import type { LargestLiquidation } from './buckets.js';
import type { CascadeRecord } from './cascades.js';
import type { FeedHealth, Gap, NoFeed } from './coverage.js';
import type { Ranking } from './history.js';
import type { LevelView } from './levels.js';
import type { LeverageSnapshot } from './leverage-figures.js';

export interface ExchangeShare {
  longUsd: number;
  shortUsd: number;
  totalUsd: number;
  /** Share of the asset's total, 0..1. */
  share: number;
  sampled: boolean;
  /** From a vendor's hourly totals: the venue had no single orders in this window. */
  hourly?: boolean;
}

export interface Coverage {
  /** Exchanges whose single liquidations fed this. */
  exchanges: string[];
  /** Those of them whose streams are sampled (amounts are lower bounds). */
  sampled: string[];
  gaps: Gap[];
  synthetic: boolean;
  /** Live only: every exchange's liquidation feed now (which are down and since when); absent offline, and live with none (`noFeed`). */
  feeds?: FeedHealth[];
  /**
   * Live only, where no liquidation feed is listed: why (none configured, none reported). Nothing is known of the market
   * then, and a reply says this instead of a quiet window. Absent offline: a file has no feeds, it is the whole source.
   */
  noFeed?: NoFeed;
  /** Venues counted from a vendor's hourly totals only (no single orders in the window). */
  hourly?: string[];
  /**
   * Venues a vendor's hourly totals alone cover (no single orders in the window) whose hours the window cuts, none whole
   * inside it (`hoursCounted`: a 1h window to 14:59 holds a minute of 13:00–14:00): not in the figures, said as such.
   */
  hourlyUncounted?: string[];
  /** Venues whose stored daily totals count in the figures (whole days without, or beyond, their single orders). */
  daily?: string[];
  /**
   * Offline, where no venue's single orders fed the window: the venues the file (a rehearsal: the recording so far)
   * has liquidation prints of, whatever the asset: what the window was seen by, and whether that is sampled.
   */
  recordedVenues?: string[];
  /**
   * Offline only (a data file, no feeds): the parts of the window the file has liquidation prints for (stretches of
   * prints of any asset), whether they cover it (all but less than `RECORDING_GAP_MS`), and whether the file has any;
   * `soFar` when it is a recording being replayed (a rehearsal): what it has replayed yet, not the whole file.
   * `span`: where the file's prints are, whatever the window (what a window with none of them is told): its stretches
   * when there are at most three, else its first and last print with `spanGaps`.
   */
  recorded?: { stretches: [number, number][]; full: boolean; any: boolean; span?: [number, number][]; spanGaps?: true; soFar?: true };
}

/** What every summary has: the window, the totals, each venue's share, the coverage. */
interface WindowSummary {
  window: string;
  windowMs: number;
  from: number;
  to: number;
  longUsd: number;
  shortUsd: number;
  totalUsd: number;
  count: number;
  byExchange: Record<string, ExchangeShare>;
  coverage: Coverage;
  /**
   * Windows of a day or more: full days without single orders counted from stored daily totals (a vendor's history,
   * or the store's own days on a restart), said as such; `orders` are the days (UTC midnight ms) that had single
   * orders; `venues`: the exchanges the totals name, when every total named one (else the totals are not split).
   */
  days?: StoredDays;
  /**
   * An empty window's UTC days that have stored daily totals (a vendor's history): not counted, a day's total cannot
   * be cut at the window's edges, but said beside "no data" so the figures the file does hold are not hidden.
   */
  dayTotals?: { day: number; longUsd: number; shortUsd: number }[];
}

export interface StoredDays {
  orders: number[];
  totals: number[];
  longUsd: number;
  shortUsd: number;
  venues?: string[];
  /** Per venue, when every total named one (what `venues` lists), each side's sum over the days. */
  byVenue?: Record<string, { longUsd: number; shortUsd: number }>;
  /**
   * Single orders on days counted from their stored totals (a vendor's figure for the day larger than the orders of
   * its venue): a part of those days' figures, said as such and not added to them; in no `count` or `byExchange`.
   */
  within?: { days: number[]; count: number; longUsd: number; shortUsd: number };
}

/** A market-wide flush as one asset's summary tells it: with the asset's part of its tally (`usd`, every asset's). */
export interface AssetFlush extends FlushRecord {
  /** The flush's own tally of the asset, as its alerts give it (not the asset's prints over the flush's minutes). */
  assetUsd: number;
}

export interface LiquidationSummary extends WindowSummary {
  asset: string;
  largest: LargestLiquidation[];
  /** `from`–`to`: the stretch of the window prices cover, when it is not (nearly) all of it. */
  price?: { open: number; close: number; high: number; low: number; changePct: number; from?: number; to?: number };
  /** How the window's dominant side ranks against full days before it. */
  ranking?: Ranking;
  cascades: CascadeRecord[];
  /**
   * Market-wide flushes in the window (running or over) that the asset liquidated in on their side: a cascade of its
   * own over while the market's flush, which it may lead, runs on.
   */
  flushes?: AssetFlush[];
  /** Open interest and funding now and over the window, when known. */
  leverage?: LeverageSnapshot;
}

export interface MarketSummary extends WindowSummary {
  asset: 'ALL';
  /**
   * `hourlyUsd`: the part of the asset's total that comes from vendor hourly totals (venues without single orders);
   * `dailyUsd`: the part from stored daily totals (whole days without single orders).
   */
  byAsset: Record<string, { longUsd: number; shortUsd: number; totalUsd: number; changePct?: number; hourlyUsd?: number; dailyUsd?: number }>;
  largest: (LargestLiquidation & { asset: string })[];
  /** Market-wide flushes in the window (running or over). */
  flushes: FlushRecord[];
}

export interface LevelStatus {
  asset: string;
  ts: number;
  price?: number;
  /** When that price was (a stale one is said as such). */
  priceTs?: number;
  levels: LevelView[];
  /** The most recent finished cascade within a day, and a running one. */
  lastCascade?: CascadeRecord;
  runningCascade?: CascadeRecord;
  /**
   * Price's low and high since the last cascade ended (none while one runs), and (`later`) since the bar it ended in
   * closed: that bar's low or high can be the cascade's own, a later one's cannot.
   */
  sinceCascade?: { low: number; high: number; later?: { low: number; high: number } };
  change24hPct?: number;
}
