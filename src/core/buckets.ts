/**
 * Liquidated USD per asset × exchange × side in minute and hour buckets, and the largest single
 * liquidations per minute and hour. Any window is answered from at most ~120 minute buckets plus one
 * bucket per hour, so the cost does not grow with the number of events.
 */
import type { Liquidation, PositionSide } from './events.js';

const MINUTE = 60_000;
const HOUR = 3_600_000;

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

/**
 * Sums per exchange and side at index = exchangeIndex * 2 + (short ? 1 : 0); the counts ride in the upper
 * half of the same array (one allocation per bucket keeps a week of minutes small).
 */
interface Bucket {
  usd: Float64Array;
  /** Absent on minute buckets older than a day: their hour's list stands in (see `largest`). */
  top?: LargestLiquidation[];
}

class AssetBuckets {
  readonly exchanges: string[] = [];
  readonly minutes = new Map<number, Bucket>();
  readonly hours = new Map<number, Bucket>();
  /** Minutes before this have dropped their top lists (prune); the hour's list stands in. */
  topsFrom = -Infinity;
  firstMinute = Infinity;
  width = 8; // slots per bucket (4 exchanges × 2 sides), grown when a new exchange appears

  constructor(private readonly topK: number) {}

  slot(exchange: string): number {
    let i = this.exchanges.indexOf(exchange);
    if (i === -1) {
      i = this.exchanges.push(exchange) - 1;
      if (i * 2 + 2 > this.width) this.width *= 2;
    }
    return i * 2;
  }

  private bucket(map: Map<number, Bucket>, key: number): Bucket {
    let b = map.get(key);
    if (!b) {
      b = { usd: new Float64Array(this.width * 2), top: [] };
      map.set(key, b);
    } else if (b.usd.length < this.width * 2) {
      const old = b.usd, half = old.length / 2;
      const usd = new Float64Array(this.width * 2);
      usd.set(old.subarray(0, half));
      usd.set(old.subarray(half), this.width);
      b.usd = usd;
    }
    return b;
  }

  add(l: Liquidation): void {
    const s = this.slot(l.exchange) + (l.side === 'short' ? 1 : 0);
    const minute = Math.floor(l.ts / MINUTE);
    if (minute < this.firstMinute) this.firstMinute = minute;
    const m = this.bucket(this.minutes, minute);
    const h = this.bucket(this.hours, Math.floor(l.ts / HOUR));
    m.usd[s]! += l.usd;
    m.usd[this.width + s]! += 1;
    h.usd[s]! += l.usd;
    h.usd[this.width + s]! += 1;
    const mt = (m.top ??= []), ht = (h.top ??= []);
    if (mt.length < this.topK || l.usd > mt[mt.length - 1]!.usd) {
      const entry: LargestLiquidation = { ts: l.ts, exchange: l.exchange, symbol: l.symbol, side: l.side, usd: l.usd, price: l.price };
      insertTop(mt, entry, this.topK);
      insertTop(ht, entry, this.topK);
    }
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
    private readonly minuteRetentionMs = 8 * 86_400_000,
    private readonly hourRetentionMs = 100 * 86_400_000,
  ) {}

  add(l: Liquidation, asset: string): void {
    let a = this.assets.get(asset);
    if (!a) {
      a = new AssetBuckets(this.topK);
      this.assets.set(asset, a);
    }
    a.add(l);
  }

  assetNames(): string[] {
    return [...this.assets.keys()];
  }

  /** Iterate the buckets covering [from, to]: minute buckets at the ragged ends, hour buckets in between. */
  private *cover(a: AssetBuckets, from: number, to: number): Generator<Bucket> {
    let m = Math.floor(from / MINUTE);
    const last = Math.floor(to / MINUTE);
    while (m <= last) {
      if (m % 60 === 0 && m + 59 <= last) {
        const h = a.hours.get(m / 60);
        if (h) yield h;
        m += 60;
      } else {
        const b = a.minutes.get(m);
        if (b) yield b;
        m++;
      }
    }
  }

  /** Totals for events with minute(ts) in [minute(from), minute(to)]. Exact when nothing before `from` shares its minute. */
  totals(asset: string, from: number, to: number): WindowTotals {
    const out: WindowTotals = { longUsd: 0, shortUsd: 0, count: 0, byExchange: new Map() };
    const a = this.assets.get(asset);
    if (!a) return out;
    const sums = new Float64Array(a.exchanges.length * 2);
    for (const b of this.cover(a, from, to)) {
      const half = b.usd.length / 2;
      const n = Math.min(half, sums.length);
      for (let i = 0; i < n; i++) {
        sums[i]! += b.usd[i]!;
        out.count += b.usd[half + i]!;
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
    const take = (list: LargestLiquidation[] | undefined) => {
      for (const e of list ?? []) if (e.ts >= from && e.ts <= to) insertTop(top, e, k);
    };
    let m = Math.floor(from / MINUTE);
    const last = Math.floor(to / MINUTE);
    while (m <= last) {
      const whole = m % 60 === 0 && m + 59 <= last;
      // Minutes older than a day keep only their sums: their hour's list answers for them (within the window).
      if (whole || m < a.topsFrom) {
        take(a.hours.get(Math.floor(m / 60))?.top);
        m = Math.floor(m / 60) * 60 + 60;
      } else {
        take(a.minutes.get(m)?.top);
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
      for (const k of a.minutes.keys()) if (k < minMinute) a.minutes.delete(k);
      for (const k of a.hours.keys()) if (k < minHour) a.hours.delete(k);
      if (topsFrom > a.topsFrom) {
        for (let m = Math.max(a.topsFrom, a.firstMinute); m < topsFrom; m++) {
          const b = a.minutes.get(m);
          if (b) b.top = undefined;
        }
        a.topsFrom = topsFrom;
      }
    }
  }
}
