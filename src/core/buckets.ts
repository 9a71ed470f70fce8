/**
 * Liquidated USD per asset × exchange × side in minute and hour buckets, and the largest single
 * liquidations per minute and hour. Any window is answered from at most ~120 minute buckets plus one
 * bucket per hour, so the cost does not grow with the number of events.
 */
import type { Liquidation, PositionSide } from './events.js';
import { DAY, HOUR, MINUTE } from './time.js';

export interface LargestLiquidation {
  ts: number;
  exchange: string;
  symbol: string;
  side: PositionSide;
  usd: number;
  price: number;
}

export interface WindowTotals {
  longUsd: number;
  shortUsd: number;
  count: number;
  byExchange: Map<string, { longUsd: number; shortUsd: number }>;
}

/** One chunk of a grid: USD per bucket and slot, and the count of liquidations per bucket (every slot's). */
interface GridChunk {
  usd: Float64Array;
  count: Uint32Array;
}

/**
 * Sums per exchange and side, columnar: per chunk of consecutive buckets (a day of minutes, a month of hours)
 * one Float64Array of USD, slot-major (slot = exchangeIndex * 2 + (short ? 1 : 0); a slot's buckets are
 * consecutive), and one Uint32Array of counts per bucket (a count is only asked for all slots together). A week
 * of minutes for 20 assets is 140 pairs of arrays, not 200,000 objects; the width grows one exchange at a time
 * (six exchanges take 12 slots), and growing appends slots.
 */
class Grid {
  readonly chunks = new Map<number, GridChunk>();
  /** The chunk the last add went to (events come in time order: nearly always the same one). */
  private lastIndex = NaN;
  private lastChunk: GridChunk | undefined;

  constructor(
    private readonly chunkLen: number,
    private width: number,
  ) {}

  add(idx: number, slot: number, usd: number): void {
    const c = Math.floor(idx / this.chunkLen);
    let chunk = c === this.lastIndex ? this.lastChunk : this.chunks.get(c);
    if (!chunk) {
      chunk = { usd: new Float64Array(this.chunkLen * this.width), count: new Uint32Array(this.chunkLen) };
      this.chunks.set(c, chunk);
    }
    this.lastIndex = c;
    this.lastChunk = chunk;
    const i = idx - c * this.chunkLen;
    chunk.usd[slot * this.chunkLen + i]! += usd;
    chunk.count[i]! += 1;
  }

  /** Add bucket `idx` into `sums` (USD per slot); returns its count of liquidations. */
  accumulate(idx: number, sums: Float64Array): number {
    const c = Math.floor(idx / this.chunkLen);
    const chunk = this.chunks.get(c);
    if (!chunk) return 0;
    const len = this.chunkLen;
    const at = idx - c * len;
    const n = Math.min(this.width, sums.length);
    const usd = chunk.usd;
    for (let i = 0, o = at; i < n; i++, o += len) sums[i]! += usd[o]!;
    return chunk.count[at]!;
  }

  /** Room for more slots (a new exchange): the new slots follow the old ones, so one copy per array. */
  grow(width: number): void {
    for (const [c, chunk] of this.chunks) {
      const usd = new Float64Array(this.chunkLen * width);
      usd.set(chunk.usd);
      this.chunks.set(c, { usd, count: chunk.count });
    }
    this.width = width;
    this.lastIndex = NaN;
    this.lastChunk = undefined;
  }

  /** Drop chunks that end before bucket `idx`. */
  dropBefore(idx: number): void {
    for (const c of this.chunks.keys()) if ((c + 1) * this.chunkLen <= idx) this.chunks.delete(c);
    this.lastIndex = NaN;
    this.lastChunk = undefined;
  }
}

/**
 * The largest liquidations of each bucket (minute or hour), columnar like the sums: per chunk a Float64Array
 * of chunkLen × k entries of (ts, usd, price, exchange × 2 + side + symbol × 65536); usd 0 marks an empty
 * entry. Entries kept as objects would outlive the young generation (old-space garbage) and scatter over the
 * heap (a week's window would chase a thousand pointers).
 */
class Tops {
  private static readonly F = 4;
  /** Where the symbol's index starts in the packed fourth field (exchange × 2 + side stays below it). */
  private static readonly SYMBOL = 65536;
  private readonly chunks = new Map<number, Float64Array>();
  readonly symbols: string[] = [];
  private lastIndex = NaN;
  private lastChunk: Float64Array | undefined;
  private lastSymbol = '';
  private lastSymbolIndex = -1;

  constructor(
    private readonly k: number,
    private readonly chunkLen: number,
  ) {}

  private symbol(s: string): number {
    if (s === this.lastSymbol) return this.lastSymbolIndex;
    let i = this.symbols.indexOf(s);
    if (i === -1) i = this.symbols.push(s) - 1;
    this.lastSymbol = s;
    this.lastSymbolIndex = i;
    return i;
  }

  insert(m: number, l: Liquidation, code: number): void {
    const F = Tops.F, k = this.k;
    const c = Math.floor(m / this.chunkLen);
    let chunk = c === this.lastIndex ? this.lastChunk : this.chunks.get(c);
    if (!chunk) this.chunks.set(c, (chunk = new Float64Array(this.chunkLen * k * F)));
    this.lastIndex = c;
    this.lastChunk = chunk;
    const base = (m - c * this.chunkLen) * k * F;
    const usd = l.usd;
    // Sorted by usd, largest first: find the place, shift the smaller ones down, drop the last.
    if (chunk[base + (k - 1) * F + 1]! >= usd) return; // full, and this one is no bigger than the smallest
    let i = 0;
    while (chunk[base + i * F + 1]! >= usd) i++; // stops by k - 1: the last one is smaller (above)
    // A short shift by hand: copyWithin's call costs more than moving a few numbers.
    for (let j = base + (k - 1) * F - 1; j >= base + i * F; j--) chunk[j + F] = chunk[j]!;
    const o = base + i * F;
    chunk[o] = l.ts;
    chunk[o + 1] = usd;
    chunk[o + 2] = l.price;
    chunk[o + 3] = code + this.symbol(l.symbol) * Tops.SYMBOL;
  }

  /** Offer the minute's entries with ts in [from, to] to `top`, building objects only for those that make it. */
  offer(m: number, from: number, to: number, top: LargestLiquidation[], k: number, exchanges: readonly string[]): void {
    const F = Tops.F;
    const c = Math.floor(m / this.chunkLen);
    const chunk = this.chunks.get(c);
    if (!chunk) return;
    const base = (m - c * this.chunkLen) * this.k * F;
    for (let i = 0; i < this.k; i++) {
      const o = base + i * F;
      const usd = chunk[o + 1]!;
      if (usd === 0 || (top.length >= k && usd <= top[top.length - 1]!.usd)) break; // sorted: the rest are smaller
      const ts = chunk[o]!;
      if (ts < from || ts > to) continue;
      const packed = chunk[o + 3]!;
      const code = packed % Tops.SYMBOL;
      const symbol = (packed - code) / Tops.SYMBOL;
      insertTop(top, { ts, exchange: exchanges[code >> 1]!, symbol: this.symbols[symbol]!, side: code & 1 ? 'short' : 'long', usd, price: chunk[o + 2]! }, k);
    }
  }

  /** Drop the chunks that end before bucket `m`. */
  dropBefore(m: number): void {
    for (const c of this.chunks.keys()) if ((c + 1) * this.chunkLen <= m) this.chunks.delete(c);
    this.lastIndex = NaN;
    this.lastChunk = undefined;
  }
}

class AssetBuckets {
  readonly exchanges: string[] = [];
  readonly minutes: Grid;
  readonly hours: Grid;
  /** The largest liquidations per minute (the last day only) and per hour. */
  readonly minuteTops: Tops;
  readonly hourTops: Tops;
  /** Minutes before this have dropped their top lists (prune); the hour's list stands in. */
  topsFrom = -Infinity;
  firstMinute = Infinity;
  width = 4; // slots per bucket (exchange × side), grown by one exchange when a new one needs room

  /** @param width slots to start with: room for the exchanges other assets already have (growing re-lays chunks) */
  constructor(topK: number, width: number) {
    this.width = Math.max(this.width, width);
    // Minute lists live a day (then their hour's list answers): chunks of an hour, so ~26 hours are held
    // rather than the two days that day-long chunks straddle.
    this.minuteTops = new Tops(topK, 60);
    this.hourTops = new Tops(topK, 720);
    this.minutes = new Grid(1440, this.width);
    this.hours = new Grid(720, this.width);
  }

  slot(exchange: string): number {
    let i = this.exchanges.indexOf(exchange);
    if (i === -1) {
      i = this.exchanges.push(exchange) - 1;
      if (i * 2 + 2 > this.width) {
        this.width = i * 2 + 2;
        this.minutes.grow(this.width);
        this.hours.grow(this.width);
      }
    }
    return i * 2;
  }

  add(l: Liquidation): void {
    const s = this.slot(l.exchange) + (l.side === 'short' ? 1 : 0);
    const minute = Math.floor(l.ts / MINUTE);
    if (minute < this.firstMinute) this.firstMinute = minute;
    const hour = Math.floor(l.ts / HOUR);
    this.minutes.add(minute, s, l.usd);
    this.hours.add(hour, s, l.usd);
    if (minute >= this.topsFrom) this.minuteTops.insert(minute, l, s);
    this.hourTops.insert(hour, l, s);
  }
}

function insertTop(top: LargestLiquidation[], e: LargestLiquidation, k: number): void {
  if (top.length >= k && e.usd <= top[top.length - 1]!.usd) return;
  let i = top.length;
  while (i > 0 && top[i - 1]!.usd < e.usd) i--;
  top.splice(i, 0, e);
  if (top.length > k) top.pop();
}

export class LiquidationBuckets {
  private readonly assets = new Map<string, AssetBuckets>();

  /**
   * @param topK how many largest liquidations each bucket keeps (a summary can list at most this many)
   * @param minuteRetentionMs minute buckets older than this are dropped (hour buckets are kept longer)
   */
  constructor(
    private readonly topK = 10,
    private readonly minuteRetentionMs = 8 * DAY,
    private readonly hourRetentionMs = 100 * DAY,
  ) {}

  add(l: Liquidation, asset: string): void {
    let a = this.assets.get(asset);
    if (!a) {
      let widest = 0;
      for (const other of this.assets.values()) widest = Math.max(widest, other.exchanges.length * 2);
      a = new AssetBuckets(this.topK, widest);
      this.assets.set(asset, a);
    }
    a.add(l);
  }

  assetNames(): string[] {
    return [...this.assets.keys()];
  }

  /** Totals for events with minute(ts) in [minute(from), minute(to)]. Exact when nothing before `from` shares its minute. */
  totals(asset: string, from: number, to: number): WindowTotals {
    const out: WindowTotals = { longUsd: 0, shortUsd: 0, count: 0, byExchange: new Map() };
    const a = this.assets.get(asset);
    if (!a) return out;
    const sums = new Float64Array(a.exchanges.length * 2);
    // Minute buckets at the ragged ends, hour buckets in between.
    let m = Math.floor(from / MINUTE);
    const last = Math.floor(to / MINUTE);
    while (m <= last) {
      if (m % 60 === 0 && m + 59 <= last) {
        out.count += a.hours.accumulate(m / 60, sums);
        m += 60;
      } else {
        out.count += a.minutes.accumulate(m, sums);
        m++;
      }
    }
    a.exchanges.forEach((ex, i) => {
      const longUsd = sums[i * 2]!, shortUsd = sums[i * 2 + 1]!;
      if (longUsd > 0 || shortUsd > 0) out.byExchange.set(ex, { longUsd, shortUsd });
      out.longUsd += longUsd;
      out.shortUsd += shortUsd;
    });
    return out;
  }

  /** The `k` largest single liquidations in [from, to] (k ≤ topK). */
  largest(asset: string, from: number, to: number, k: number): LargestLiquidation[] {
    const a = this.assets.get(asset);
    if (!a) return [];
    const top: LargestLiquidation[] = [];
    let m = Math.floor(from / MINUTE);
    const last = Math.floor(to / MINUTE);
    while (m <= last) {
      const whole = m % 60 === 0 && m + 59 <= last;
      // Minutes older than a day keep only their sums: their hour's list answers for them (within the window).
      if (whole || m < a.topsFrom) {
        a.hourTops.offer(Math.floor(m / 60), from, to, top, k, a.exchanges);
        m = Math.floor(m / 60) * 60 + 60;
      } else {
        a.minuteTops.offer(m, from, to, top, k, a.exchanges);
        m++;
      }
    }
    return top;
  }

  /** Long/short USD per consecutive interval of `stepMs` starting at `from` (for charts and rates). */
  series(asset: string, from: number, to: number, stepMs: number): { ts: number; longUsd: number; shortUsd: number }[] {
    const out: { ts: number; longUsd: number; shortUsd: number }[] = [];
    for (let t = from; t < to; t += stepMs) {
      const w = this.totals(asset, t, Math.min(to, t + stepMs - 1));
      out.push({ ts: t, longUsd: w.longUsd, shortUsd: w.shortUsd });
    }
    return out;
  }

  /** Drop buckets past retention, relative to `now`. */
  prune(now: number): void {
    const minMinute = Math.floor((now - this.minuteRetentionMs) / MINUTE);
    const minHour = Math.floor((now - this.hourRetentionMs) / HOUR);
    // Minute top lists are kept for a day (whole hours), then only their hour's list.
    const topsFrom = Math.floor((now - 25 * HOUR) / HOUR) * 60;
    for (const a of this.assets.values()) {
      a.minutes.dropBefore(minMinute);
      a.hours.dropBefore(minHour);
      a.hourTops.dropBefore(minHour);
      if (topsFrom > a.topsFrom) {
        a.minuteTops.dropBefore(topsFrom);
        a.topsFrom = topsFrom;
      }
    }
  }
}
