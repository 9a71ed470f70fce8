/**
 * An estimated liquidation map: where positions opened over the last days would be force-closed, from open
 * interest added at each price and a spread of common leverage tiers. No exchange publishes positions, so
 * this is an estimate and every text and chart that shows it says so. The model in plain words: docs/liqmap.md.
 *
 *   const map = estimateLiqMap(market, 'ETH', market.clock);
 *   liqClusters(map); // [{ side: 'long', low: 2300, high: 2350, usd: 310e6 }, …] (src/replies/liqmap.ts words them)
 */
import type { LiquidationBuckets } from './buckets.js';
import type { CascadeRecord } from './cascades.js';
import type { PositionSide } from './events.js';
import type { Leverage } from './leverage.js';
import { bounds, type LevelValue } from './levels.js';
import type { Ohlc, PriceBook } from './prices.js';
import { DAY, minuteStart, MINUTE } from './time.js';

/** One leverage tier and the share of newly opened positions assumed to use it. */
export interface LeverageTier {
  leverage: number;
  weight: number;
}

/** Common retail tiers; weights sum to 1 (every new position is assumed to use one of them). */
export const DEFAULT_TIERS: readonly LeverageTier[] = [
  { leverage: 5, weight: 0.3 },
  { leverage: 10, weight: 0.3 },
  { leverage: 25, weight: 0.2 },
  { leverage: 50, weight: 0.12 },
  { leverage: 100, weight: 0.08 },
];

export interface LiqMapOptions {
  tiers?: readonly LeverageTier[];
  /** Maintenance margin as a fraction of the position (0.005 = 0.5%, the first tier on the large venues). */
  maintenance?: number;
  /** How often open interest and price are sampled (the OI history keeps one point per 5 minutes). */
  stepMs?: number;
  /** How far back positions are tracked; open interest older than this is ignored. */
  lookbackMs?: number;
  /** Price bin width as a fraction of the price, rounded to a round number ($50 for ETH near $2,700). */
  binPct?: number;
  /** Open interest added before any price was known is placed at the first price known after it. */
  fillUnknownEntry?: boolean;
  /** Each tier covers the leverages up to its neighbours (default); false: exactly the tier's leverage. */
  spread?: boolean;
}

/** What the estimate reads: the market engine satisfies it (`estimateLiqMap(market, …)`). */
export interface LiqMapSource {
  leverage: Pick<Leverage, 'stepChanges'>;
  prices: Pick<PriceBook, 'bars' | 'priceAt'>;
}

export interface LiqBin {
  low: number;
  high: number;
  side: PositionSide;
  usd: number;
}

export interface LiqMap {
  asset: string;
  /** As of this time; built from [from, at]. */
  at: number;
  from: number;
  /** Price at `at`, when known. */
  price?: number;
  binWidth: number;
  /** Non-empty bins, by price (longs below price, shorts above once traded-through positions are gone). */
  bins: LiqBin[];
  longUsd: number;
  shortUsd: number;
  /** Open interest (USD) added over the lookback that the map was built from. */
  addedUsd: number;
  /** Part of `addedUsd` whose entry price was not known and was assumed (see `fillUnknownEntry`). */
  assumedEntryUsd: number;
  /** Always true: nothing here is exchange data. */
  estimate: true;
}

/** Estimated positions of one tier opened at one price: liquidation prices spread evenly over [lo, hi]. */
interface Slice {
  lo: number;
  hi: number;
  /** USD before the side's running scale (see SideBook). */
  raw: number;
}

/**
 * One side's estimated positions, kept in a heap by the price that reaches them first (longs: highest
 * liquidation price; shorts: lowest), so a price bar only visits what it trades through. Falls in open
 * interest scale the whole side at once.
 */
class SideBook {
  private readonly heap: Slice[] = [];
  private scale = 1;

  constructor(readonly side: PositionSide) {}

  private first(a: Slice, b: Slice): boolean {
    return this.side === 'long' ? a.hi > b.hi : a.lo < b.lo;
  }

  private push(s: Slice): void {
    const h = this.heap;
    h.push(s);
    for (let i = h.length - 1; i > 0; ) {
      const up = (i - 1) >> 1;
      if (!this.first(h[i]!, h[up]!)) break;
      const s = h[i]!;
      h[i] = h[up]!;
      h[up] = s;
      i = up;
    }
  }

  private pop(): void {
    const h = this.heap;
    const last = h.pop();
    if (!h.length || !last) return;
    h[0] = last;
    for (let i = 0; ; ) {
      const l = 2 * i + 1, r = l + 1;
      let best = i;
      if (l < h.length && this.first(h[l]!, h[best]!)) best = l;
      if (r < h.length && this.first(h[r]!, h[best]!)) best = r;
      if (best === i) break;
      const s = h[i]!;
      h[i] = h[best]!;
      h[best] = s;
      i = best;
    }
  }

  add(lo: number, hi: number, usd: number): void {
    if (usd > 0) this.push({ lo, hi, raw: usd / this.scale });
  }

  /** Remove what `price` traded through (longs liquidated at or above it, shorts at or below); returns the USD removed. */
  tradeThrough(price: number): number {
    let removed = 0;
    const partly: Slice[] = [];
    for (let s = this.heap[0]; s && (this.side === 'long' ? price <= s.hi : price >= s.lo); s = this.heap[0]) {
      this.pop();
      let keep: number;
      if (this.side === 'long') {
        keep = s.hi > s.lo && price > s.lo ? (price - s.lo) / (s.hi - s.lo) : 0;
        s.hi = price;
      } else {
        keep = s.hi > s.lo && price < s.hi ? (s.hi - price) / (s.hi - s.lo) : 0;
        s.lo = price;
      }
      removed += s.raw * (1 - keep) * this.scale;
      s.raw *= keep;
      if (keep > 0) partly.push(s);
    }
    for (const s of partly) this.push(s);
    return removed;
  }

  /** Keep this fraction of every position (positions closed in proportion). */
  shrink(keep: number): void {
    if (keep >= 1) return;
    if (keep <= 0) {
      this.heap.length = 0;
      this.scale = 1;
      return;
    }
    this.scale *= keep;
    if (this.scale < 1e-6) {
      for (const s of this.heap) s.raw *= this.scale;
      this.scale = 1;
    }
  }

  /** Positions with their USD now. */
  *slices(): Generator<{ lo: number; hi: number; usd: number }> {
    for (const s of this.heap) if (s.raw > 0) yield { lo: s.lo, hi: s.hi, usd: s.raw * this.scale };
  }
}

const DEFAULTS = {
  maintenance: 0.005,
  stepMs: 5 * MINUTE,
  lookbackMs: 7 * DAY,
  binPct: 0.015,
  fillUnknownEntry: true,
  spread: true,
};

/** 1, 2, 2.5 or 5 times a power of ten, nearest to `x`. */
export function niceStep(x: number): number {
  if (!(x > 0)) return 1;
  const p = 10 ** Math.floor(Math.log10(x));
  const m = x / p;
  return (m < 1.5 ? 1 : m < 2.25 ? 2 : m < 3.5 ? 2.5 : m < 7.5 ? 5 : 10) * p;
}

/** Distance from entry to liquidation, as a fraction of entry, for leverage L: 1/L − maintenance. */
function liqDistance(leverage: number, mm: number): number {
  return Math.max(0.0005, 1 / leverage - mm);
}

/**
 * Each tier stands for the leverages between its neighbours (geometric midpoints), so a tier's positions
 * liquidate over a price band rather than at one price. A single tier is a single leverage.
 */
function tierBands(tiers: readonly LeverageTier[], spread: boolean): { lo: number; hi: number; weight: number }[] {
  const sorted = [...tiers].filter((t) => t.leverage > 1 && t.weight > 0).sort((a, b) => a.leverage - b.leverage);
  // Weights are shares of new positions: normalized, so they need not sum to 1.
  const total = sorted.reduce((a, t) => a + t.weight, 0);
  return sorted.map((t, i) => {
    const weight = t.weight / total;
    if (!spread) return { lo: t.leverage, hi: t.leverage, weight };
    const prev = sorted[i - 1]?.leverage, next = sorted[i + 1]?.leverage;
    const down = prev !== undefined ? Math.sqrt(prev * t.leverage) : next !== undefined ? (t.leverage * t.leverage) / Math.sqrt(next * t.leverage) : t.leverage;
    const up = next !== undefined ? Math.sqrt(next * t.leverage) : prev !== undefined ? (t.leverage * t.leverage) / Math.sqrt(prev * t.leverage) : t.leverage;
    return { lo: Math.max(1.01, down), hi: up, weight };
  });
}

/** Positions opened at `entry`, per tier band: longs liquidate below, shorts above. */
function open(books: Record<PositionSide, SideBook>, entry: number, usdAdded: number, bands: ReturnType<typeof tierBands>, mm: number): void {
  for (const b of bands) {
    const far = liqDistance(b.lo, mm), near = liqDistance(b.hi, mm);
    const amount = usdAdded * b.weight;
    // Long at ≈ P × (1 − 1/L + mm); short at ≈ P × (1 + 1/L − mm).
    books.long.add(entry * (1 - far), entry * (1 - near), amount);
    books.short.add(entry * (1 + near), entry * (1 + far), amount);
  }
}

/** Spread a slice's USD over fixed-width bins by overlap. */
function addToBins(bins: Map<number, number>, s: { lo: number; hi: number; usd: number }, width: number): void {
  if (s.hi - s.lo < width * 1e-9) {
    const k = Math.floor(s.lo / width);
    bins.set(k, (bins.get(k) ?? 0) + s.usd);
    return;
  }
  const density = s.usd / (s.hi - s.lo);
  for (let k = Math.floor(s.lo / width); k * width < s.hi; k++) {
    const overlap = Math.min(s.hi, (k + 1) * width) - Math.max(s.lo, k * width);
    if (overlap > 0) bins.set(k, (bins.get(k) ?? 0) + overlap * density);
  }
}

/**
 * The estimated liquidation map of `asset` as of `at`, from open interest and prices up to `at` only (so a
 * map "as of" a past moment is what the bot would have shown then). Undefined when there is no open interest.
 */
export function estimateLiqMap(src: LiqMapSource, asset: string, at: number, opts: LiqMapOptions = {}): LiqMap | undefined {
  const o = { ...DEFAULTS, ...opts };
  const bands = tierBands(o.tiers ?? DEFAULT_TIERS, o.spread);
  const step = o.stepMs;
  const from = Math.floor((at - o.lookbackMs) / step) * step;
  const bars = new Map<number, Ohlc>();
  let first: Ohlc | undefined;
  for (const b of src.prices.bars(asset, from, at, step)) {
    bars.set(b.ts, b);
    first ??= b;
  }
  const books = { long: new SideBook('long'), short: new SideBook('short') };
  let addedUsd = 0, assumedEntryUsd = 0, sawOi = false, firstEntry: number | undefined;
  const changes = src.leverage.stepChanges(asset, from, at, step);
  for (let i = 0, t0 = from; t0 < at; i++, t0 += step) {
    const t1 = Math.min(at, t0 + step);
    const bar = bars.get(t0);
    const crossed = bar ? { long: books.long.tradeThrough(bar.low), short: books.short.tradeThrough(bar.high) } : { long: 0, short: 0 };
    const ch = changes[i];
    if (!ch) continue;
    sawOi = true;
    const delta = ch.afterUsd - ch.beforeUsd;
    if (delta > 0) {
      let entry = bar ? (bar.open + bar.close) / 2 : src.prices.priceAt(asset, t1);
      let assumed = false;
      if (entry === undefined && o.fillUnknownEntry && first && first.ts >= t1) {
        entry = first.open;
        assumed = true;
      }
      if (entry === undefined) continue;
      firstEntry ??= entry;
      open(books, entry, delta, bands, o.maintenance);
      // The bar's close came after its (midpoint) entry: a 100× position whose liquidation lies between the
      // two was liquidated in that same bar, so it is not carried on past a price that already took it.
      if (bar) {
        books.long.tradeThrough(bar.close);
        books.short.tradeThrough(bar.close);
      }
      addedUsd += delta;
      if (assumed) assumedEntryUsd += delta;
    } else if (delta < 0 && ch.beforeUsd > 0) {
      // Positions closed: each side loses the drop in open interest; what price traded through counts first,
      // the rest comes off every tracked position in proportion (as off all open interest).
      for (const side of ['long', 'short'] as const) books[side].shrink(1 - Math.max(0, -delta - crossed[side]) / ch.beforeUsd);
    }
  }
  if (!sawOi) return undefined;
  const last = src.prices.priceAt(asset, at);
  const ref = last ?? first?.close ?? firstEntry ?? 1;
  const binWidth = niceStep(ref * o.binPct);
  const long = new Map<number, number>(), short = new Map<number, number>();
  for (const s of books.long.slices()) addToBins(long, s, binWidth);
  for (const s of books.short.slices()) addToBins(short, s, binWidth);
  const bins: LiqBin[] = [];
  let longUsd = 0, shortUsd = 0;
  for (const [side, m] of [['long', long], ['short', short]] as const) {
    for (const [k, v] of m) {
      if (!(v > 0)) continue;
      bins.push({ low: k * binWidth, high: (k + 1) * binWidth, side, usd: v });
      if (side === 'long') longUsd += v;
      else shortUsd += v;
    }
  }
  bins.sort((a, b) => a.low - b.low || (a.side === 'long' ? -1 : 1));
  const map: LiqMap = { asset, at, from, binWidth, bins, longUsd, shortUsd, addedUsd, assumedEntryUsd, estimate: true };
  if (last !== undefined) map.price = last;
  return map;
}

// ---- clusters, levels, charts ----

export interface LiqCluster {
  side: PositionSide;
  low: number;
  high: number;
  usd: number;
  /** Signed distance from the map's price to the cluster's nearest edge, as a fraction (−0.04 = 4% below). */
  distance?: number;
}

export interface ClusterOptions {
  /** Clusters per side (default 3). */
  max?: number;
  /** Only bins within this fraction of the price (default 0.25). */
  within?: number;
  /** Widest cluster, in bins (default 4): a longer heavy run is cut around its heaviest part. */
  maxBins?: number;
  /**
   * Join clusters kept for a side that touch (two pieces of one long heavy run, cut at `maxBins`) into one, so a list
   * never shows one run as two lines meeting at a price. Default false.
   */
  join?: boolean;
}

/** Cut a run of adjacent bins into clusters of at most `maxBins`: the heaviest window first, then what is left either side. */
function splitRun(run: LiqBin[], maxBins: number): LiqBin[][] {
  if (run.length <= maxBins) return run.length ? [run] : [];
  let best = 0, bestSum = -1;
  for (let i = 0; i + maxBins <= run.length; i++) {
    const sum = run.slice(i, i + maxBins).reduce((a, b) => a + b.usd, 0);
    if (sum > bestSum) [best, bestSum] = [i, sum];
  }
  return [run.slice(best, best + maxBins), ...splitRun(run.slice(0, best), maxBins), ...splitRun(run.slice(best + maxBins), maxBins)];
}

function inRange(map: LiqMap, b: { low: number; high: number }, within: number): boolean {
  if (map.price === undefined) return true;
  return b.high >= map.price * (1 - within) && b.low <= map.price * (1 + within);
}

/**
 * Where the estimate is heavy: runs of adjacent price bins each holding at least half as much as the side's
 * heaviest bin (within range of the price), largest first, at most `max` per side.
 */
export function liqClusters(map: LiqMap, opts: ClusterOptions = {}): LiqCluster[] {
  const max = opts.max ?? 3, within = opts.within ?? 0.25, maxBins = Math.max(1, opts.maxBins ?? 4);
  const out: LiqCluster[] = [];
  for (const side of ['long', 'short'] as const) {
    const bins = map.bins.filter((b) => b.side === side && inRange(map, b, within));
    const top = Math.max(0, ...bins.map((b) => b.usd));
    if (!(top > 0)) continue;
    const heavy: LiqBin[][] = [];
    let cur: LiqBin[] | undefined;
    for (const b of bins) {
      if (b.usd < top / 2) {
        cur = undefined;
        continue;
      }
      const prev = cur?.[cur.length - 1];
      if (cur && prev && Math.abs(prev.high - b.low) < map.binWidth * 1e-6) cur.push(b);
      else heavy.push((cur = [b]));
    }
    const runs: LiqCluster[] = heavy
      .flatMap((r) => splitRun(r, maxBins))
      .map((r) => ({ side, low: r[0]!.low, high: r[r.length - 1]!.high, usd: r.reduce((a, b) => a + b.usd, 0) }));
    runs.sort((a, b) => b.usd - a.usd);
    const kept = opts.join ? joinTouching(runs.slice(0, max), map.binWidth) : runs.slice(0, max);
    for (const c of kept) {
      if (map.price !== undefined) {
        const edge = map.price > c.high ? c.high : map.price < c.low ? c.low : map.price;
        c.distance = (edge - map.price) / map.price;
      }
      out.push(c);
    }
  }
  return out.sort((a, b) => b.usd - a.usd);
}

/** One side's clusters with those that touch joined (their dollars summed), largest first. */
function joinTouching(clusters: LiqCluster[], binWidth: number): LiqCluster[] {
  const byPrice = [...clusters].sort((a, b) => a.low - b.low);
  const out: LiqCluster[] = [];
  for (const c of byPrice) {
    const prev = out[out.length - 1];
    if (prev && Math.abs(prev.high - c.low) < binWidth * 1e-6) Object.assign(prev, { high: c.high, usd: prev.usd + c.usd });
    else out.push({ ...c });
  }
  return out.sort((a, b) => b.usd - a.usd);
}

/** A level that sits on an estimated cluster. */
export interface LevelOnCluster {
  level: LevelValue;
  label?: string;
  cluster: LiqCluster;
  /** Estimated liquidations within the level (widened by half a bin). */
  usdAtLevel: number;
}

/** Levels that sit on a large estimated cluster (see liqClusters), with what the map holds at each. */
export function levelsOnClusters(map: LiqMap, levels: readonly { level: LevelValue; label?: string }[], opts: ClusterOptions = {}): LevelOnCluster[] {
  const clusters = liqClusters(map, opts);
  const out: LevelOnCluster[] = [];
  for (const l of levels) {
    const [lo, hi] = bounds(l.level);
    const a = lo - map.binWidth / 2, z = hi + map.binWidth / 2;
    const hit = clusters.find((c) => c.high >= a && c.low <= z);
    if (!hit) continue;
    const usdAtLevel = map.bins.filter((b) => b.side === hit.side && b.high > a && b.low < z).reduce((s, b) => s + b.usd * overlapShare(b, a, z), 0);
    const found: LevelOnCluster = { level: l.level, cluster: hit, usdAtLevel };
    if (l.label !== undefined) found.label = l.label;
    out.push(found);
  }
  return out;
}

function overlapShare(b: { low: number; high: number }, a: number, z: number): number {
  return Math.max(0, Math.min(b.high, z) - Math.max(b.low, a)) / (b.high - b.low);
}

/** The `liqMap` of a chart input: bins near the price and not negligible, so the price axis is not stretched. */
export function liqMapChart(map: LiqMap, opts: { within?: number; minShare?: number } = {}): LiqBin[] {
  const within = opts.within ?? 0.15, minShare = opts.minShare ?? 0.03;
  const near = map.bins.filter((b) => inRange(map, b, within));
  const top = Math.max(0, ...near.map((b) => b.usd));
  return near.filter((b) => b.usd >= top * minShare).map((b) => ({ low: b.low, high: b.high, side: b.side, usd: b.usd }));
}

// ---- checking the estimate against what happened ----

export interface LiqMapComparison {
  asset: string;
  side: PositionSide;
  cascade: { startedAt: number; endedAt: number; usd: number; priceStart: number; extreme: number };
  /** The map as of the cascade's start (what the bot would have shown just before). */
  predicted: {
    /** Estimated USD of the cascade's side inside the range the cascade then traded. */
    inRangeUsd: number;
    /** Estimated USD of that side within 25% of the start price (the denominator of `inRangeShare`). */
    nearUsd: number;
    inRangeShare: number;
    /** USD-weighted median liquidation price of the estimate inside the traded range. */
    medianPrice?: number;
    clusters: LiqCluster[];
  };
  /** Liquidations recorded during the cascade, placed over each minute's price range. */
  actual: { usd: number; medianPrice?: number; peak?: { low: number; high: number; usd: number } };
  /** Histogram intersection (0..1) of estimated and actual USD by price over the traded range. */
  overlap: number;
  /** Distance from the actual peak bin to the nearest predicted cluster, as a fraction of price (0 = inside). */
  peakToClusterPct?: number;
}

export interface ComparisonSource extends LiqMapSource {
  buckets: Pick<LiquidationBuckets, 'series'>;
}

function median(hist: Map<number, number>, width: number): number | undefined {
  const keys = [...hist.keys()].sort((a, b) => a - b);
  const total = keys.reduce((s, k) => s + hist.get(k)!, 0);
  if (!(total > 0)) return undefined;
  let run = 0;
  for (const k of keys) {
    const v = hist.get(k)!;
    if (run + v >= total / 2) return (k + (total / 2 - run) / v) * width;
    run += v;
  }
  return undefined;
}

/** Compare the map as of a cascade's start with where the cascade's liquidations happened. */
export function compareWithCascade(src: ComparisonSource, cascade: CascadeRecord, opts: LiqMapOptions = {}): LiqMapComparison | undefined {
  const { asset, side, startedAt } = cascade;
  const endedAt = cascade.endedAt;
  if (endedAt === undefined || cascade.priceStart === undefined || cascade.extreme === undefined) return undefined;
  const map = estimateLiqMap(src, asset, startedAt, opts);
  if (!map) return undefined;
  const w = map.binWidth;
  const start = cascade.priceStart, extreme = cascade.extreme;
  const [lo, hi] = start < extreme ? [start, extreme] : [extreme, start];
  const ref = map.price ?? start;
  const sideBins = map.bins.filter((b) => b.side === side);
  const predicted = new Map<number, number>();
  let inRangeUsd = 0, nearUsd = 0;
  for (const b of sideBins) {
    const k = Math.round(b.low / w);
    if (b.high > ref * 0.75 && b.low < ref * 1.25) nearUsd += b.usd;
    const part = b.usd * overlapShare(b, lo, hi);
    if (part > 0) {
      predicted.set(k, part);
      inRangeUsd += part;
    }
  }
  // What happened: each minute's liquidations of the side, spread over that minute's price range.
  const actual = new Map<number, number>();
  const firstMinute = minuteStart(startedAt);
  const minutes = src.buckets.series(asset, firstMinute, endedAt + 1, MINUTE);
  const bars = new Map(src.prices.bars(asset, firstMinute, endedAt, MINUTE).map((b) => [b.ts, b]));
  let actualUsd = 0;
  for (const m of minutes) {
    const v = side === 'long' ? m.longUsd : m.shortUsd;
    if (!(v > 0)) continue;
    const bar = bars.get(m.ts);
    const p = bar ?? { low: src.prices.priceAt(asset, m.ts) ?? start, high: src.prices.priceAt(asset, m.ts) ?? start };
    const tmp = new Map<number, number>();
    addToBins(tmp, { lo: p.low, hi: p.high, usd: v }, w);
    for (const [k, x] of tmp) actual.set(k, (actual.get(k) ?? 0) + x);
    actualUsd += v;
  }
  let overlap = 0;
  if (inRangeUsd > 0 && actualUsd > 0) {
    for (const [k, a] of actual) overlap += Math.min(a / actualUsd, (predicted.get(k) ?? 0) / inRangeUsd);
  }
  let peak: { low: number; high: number; usd: number } | undefined;
  for (const [k, v] of actual) if (!peak || v > peak.usd) peak = { low: k * w, high: (k + 1) * w, usd: v };
  const clusters = liqClusters(map, { max: 3 }).filter((c) => c.side === side);
  const out: LiqMapComparison = {
    asset,
    side,
    cascade: { startedAt, endedAt, usd: cascade.usd, priceStart: start, extreme },
    predicted: { inRangeUsd, nearUsd, inRangeShare: nearUsd > 0 ? inRangeUsd / nearUsd : 0, clusters },
    actual: { usd: actualUsd },
    overlap,
  };
  const pm = median(predicted, w), am = median(actual, w);
  if (pm !== undefined) out.predicted.medianPrice = pm;
  if (am !== undefined) out.actual.medianPrice = am;
  if (peak) {
    out.actual.peak = peak;
    const mid = (peak.low + peak.high) / 2;
    const gaps = clusters.map((c) => (mid >= c.low && mid <= c.high ? 0 : Math.min(Math.abs(mid - c.low), Math.abs(mid - c.high)) / mid));
    if (gaps.length) out.peakToClusterPct = Math.min(...gaps);
  }
  return out;
}
