/**
 * What a chart is drawn from: plain data the core computes. The renderer (render.ts) owns every pixel.
 */
import type { LevelValue } from '../core/levels.js';
import type { LiqBin } from '../core/liqmap.js';

export interface PricePoint {
  ts: number;
  open: number;
  high: number;
  low: number;
  close: number;
}

export interface ChartLevel {
  level: LevelValue;
  label?: string;
  role: 'support' | 'resistance' | 'inside';
  /** What is shown: holding, testing, broken, reclaimed. */
  state: string;
  /** The state under "testing" (holding, broken, reclaimed), when different. */
  baseState?: string;
  /** The last break: when and which way (a level broken upward reads "broke up 11:30, now support"). */
  lastBreak?: { ts: number; direction: 'up' | 'down' };
  /** Distance from the current price to the level, in percent (+24.0 = 24% above, −2.9 = 2.9% below). */
  distancePct: number;
  /** When the level was set, where that is inside the chart: its line starts there, not before it existed. */
  since?: number;
  /** No close of this timeframe ("15m") has put price on a side of it yet: its tag says where price is, no role or "holding". */
  unconfirmed?: string;
  /**
   * Price is across the level from the side its last confirmed close left it on, no close confirming a break yet: the
   * side price is on (`role` says the same by price). Its tag says both facts, as the /levels row does ("price back
   * above, lost 12:30"), not "now support".
   */
  across?: 'above' | 'below';
}

export interface LiqsChartInput {
  asset: string;
  window: string;
  from: number;
  to: number;
  /** Width of each liquidation bar. */
  bucketMs: number;
  buckets: { ts: number; longUsd: number; shortUsd: number }[];
  /** Price per bucket (OHLC); may be empty when no prices are known. */
  prices: PricePoint[];
  levels: ChartLevel[];
  cascades: { from: number; to: number; side: 'long' | 'short'; usd: number }[];
  totals: { longUsd: number; shortUsd: number; totalUsd: number };
  /**
   * `hourly`: venues counted from a vendor's hourly totals only (in the totals, not in the bars); `daily`: venues whose
   * stored daily totals count whole days without single orders (in the totals, not in the bars).
   */
  coverage: { exchanges: string[]; sampled: string[]; synthetic: boolean; hourly?: string[]; daily?: string[] };
  /**
   * An empty window that is not a quiet market, said as the reply says it: nothing recorded it (a file without prints
   * here, every feed down or connecting). The chart then claims no $0 and no "no liquidations".
   */
  noData?: string;
  /** An empty window's note where it is not the whole window that was seen (a file's prints cover part of it). */
  emptyNote?: string;
  /**
   * Where a file's prints cover part of the window only: the stretches they cover (ms, inclusive) and the reply's words
   * for it ("prints 16:50–17:20 only"). Outside them the chart claims no $0: nothing was recorded there.
   */
  recorded?: { stretches: [number, number][]; note: string };
  /**
   * UTC days (midnight ms) whose figures are stored daily totals (a vendor's, the store's), in the totals but not in the
   * bars: where no single order is drawn on them they are marked "daily total", not left to read as $0 or "no prints".
   * `withOrders`: those of them whose single orders are drawn (a part of the day's total): only their stretches without
   * prints are marked (offline, where the file says where its prints are).
   */
  dailyTotals?: { days: number[]; withOrders: number[] };
  /** Width of each price bar, where the prices are coarser than `bucketMs` (a file of 1h candles). */
  priceMs?: number;
  /** When the last price was (its minute): a price long before `to` is tagged "last · 16:19", not "now". */
  priceTs?: number;
  /** Open interest across venues (USD), when known. */
  oi?: { ts: number; usd: number }[];
  /** Estimated liquidation clusters by price, when known (an estimate: label it so). */
  liqMap?: LiqBin[];
}

export interface LevelsChartInput {
  asset: string;
  price: number;
  from: number;
  to: number;
  prices: PricePoint[];
  levels: ChartLevel[];
  synthetic: boolean;
  liqMap?: LiqBin[];
  /** Width of each price bar when coarser than 15 minutes (a file of 1h candles). */
  priceMs?: number;
  /** When `price` was: a price long before `to` is tagged "last · 16:19", not "now". */
  priceTs?: number;
}
