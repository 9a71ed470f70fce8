/**
 * Cascade detection per asset and side. A cascade starts when liquidations in a rolling window are
 * abnormal: above the asset's own normal (a multiple of its median day, scaled to the window) and above
 * floors, so a quiet asset's small spike is not news. While it runs it posts updates only when the tally has
 * grown materially, and it ends when the window's sum stays low for a quiet period.
 */
import type { PositionSide } from './events.js';

const SLICE_MS = 10_000;

export interface CascadeRules {
  windowMs: number;
  endFraction: number;
  quietMs: number;
  updateGrowth: number;
  updateMinMs: number;
  /** A cascade is many positions going at once: at least this many liquidations in the window... */
  minLiquidations: number;
  /** ...and no single one above this share of the window's sum (one whale's print is not a flush). */
  maxSingleShare: number;
  /** ...and the side holds at least this share of both sides' liquidations in the window (the shorts caught
   *  in a long flush's wicks are not a short cascade). */
  minSideShare: number;
}

export interface Cascade {
  id: string;
  asset: string;
  side: PositionSide;
  startedAt: number;
  usd: number;
  byExchange: Map<string, number>;
  threshold: number;
  windowUsdAtStart: number;
  priceStart?: number;
  extreme?: number;
  lastPostedUsd: number;
  lastPostedAt: number;
  lastLiquidationAt: number;
  quietSince?: number;
}

interface Slice {
  idx: number;
  usd: number;
  count: number;
  largest: number;
  byExchange: Map<string, number>;
}

/** The rolling window for one asset and side, in 10-second slices. */
class RollingWindow {
  private readonly slices: Slice[] = [];
  sum = 0;
  count = 0;

  constructor(private readonly windowMs: number) {}

  expire(now: number): void {
    const oldest = Math.floor((now - this.windowMs) / SLICE_MS);
    while (this.slices.length && this.slices[0]!.idx <= oldest) {
      const s = this.slices.shift()!;
      this.sum -= s.usd;
      this.count -= s.count;
    }
    if (this.slices.length === 0) this.sum = this.count = 0; // no float residue once empty
  }

  add(ts: number, exchange: string, usd: number): void {
    const idx = Math.floor(ts / SLICE_MS);
    let s = this.slices[this.slices.length - 1];
    if (!s || s.idx < idx) {
      s = { idx, usd: 0, count: 0, largest: 0, byExchange: new Map() };
      this.slices.push(s);
    } else if (s.idx > idx) {
      // slightly late event: find its slice (or the oldest one still in the window)
      s = this.slices.find((x) => x.idx >= idx) ?? s;
    }
    s.usd += usd;
    s.count++;
    if (usd > s.largest) s.largest = usd;
    s.byExchange.set(exchange, (s.byExchange.get(exchange) ?? 0) + usd);
    this.sum += usd;
    this.count++;
  }

  largest(): number {
    let max = 0;
    for (const s of this.slices) if (s.largest > max) max = s.largest;
    return max;
  }

  firstTs(): number | undefined {
    const s = this.slices.find((x) => x.usd > 0);
    return s ? s.idx * SLICE_MS : undefined;
  }

  byExchange(): Map<string, number> {
    const out = new Map<string, number>();
    for (const s of this.slices) for (const [ex, v] of s.byExchange) out.set(ex, (out.get(ex) ?? 0) + v);
    return out;
  }
}

export type CascadeEvent =
  | { type: 'start'; cascade: Cascade; windowUsd: number }
  | { type: 'update'; cascade: Cascade }
  | { type: 'end'; cascade: Cascade; endedAt: number };

export class CascadeDetector {
  private readonly windows = new Map<string, RollingWindow>();
  private readonly active = new Map<string, Cascade>();

  constructor(
    private readonly rules: CascadeRules,
    /** The start threshold (USD in the window) for an asset and side at a time. */
    private readonly threshold: (asset: string, side: PositionSide, now: number) => number,
  ) {}

  private readonly keys = new Map<string, { long: string; short: string }>();

  /** `${asset}|${side}`, built once per asset rather than per liquidation. */
  private key(asset: string, side: PositionSide): string {
    let k = this.keys.get(asset);
    if (!k) this.keys.set(asset, (k = { long: `${asset}|long`, short: `${asset}|short` }));
    return k[side];
  }

  private window(key: string): RollingWindow {
    let w = this.windows.get(key);
    if (!w) {
      w = new RollingWindow(this.rules.windowMs);
      this.windows.set(key, w);
    }
    return w;
  }

  running(): Cascade[] {
    return [...this.active.values()];
  }

  get activeCount(): number {
    return this.active.size;
  }

  runningFor(asset: string, side: PositionSide): Cascade | undefined {
    return this.active.get(`${asset}|${side}`);
  }

  windowSum(asset: string, side: PositionSide): number {
    return this.windows.get(`${asset}|${side}`)?.sum ?? 0;
  }

  /** Count one liquidation; returns a start or update when it triggers one. */
  add(asset: string, side: PositionSide, exchange: string, ts: number, usd: number, price: number | undefined): CascadeEvent | undefined {
    const key = this.key(asset, side);
    const w = this.window(key);
    w.expire(ts);
    w.add(ts, exchange, usd);
    let c = this.active.get(key);
    if (c) {
      c.usd += usd;
      c.byExchange.set(exchange, (c.byExchange.get(exchange) ?? 0) + usd);
      c.lastLiquidationAt = Math.max(c.lastLiquidationAt, ts);
      if (w.sum >= c.threshold * this.rules.endFraction) c.quietSince = undefined;
      if (c.usd >= c.lastPostedUsd * (1 + this.rules.updateGrowth) && ts - c.lastPostedAt >= this.rules.updateMinMs) {
        c.lastPostedUsd = c.usd;
        c.lastPostedAt = ts;
        return { type: 'update', cascade: c };
      }
      return undefined;
    }
    const threshold = this.threshold(asset, side, ts);
    if (w.sum < threshold || w.count < this.rules.minLiquidations || w.largest() > w.sum * this.rules.maxSingleShare) return undefined;
    const other = this.windows.get(this.key(asset, side === 'long' ? 'short' : 'long'));
    if (other) other.expire(ts);
    if (other && w.sum < (w.sum + other.sum) * this.rules.minSideShare) return undefined;
    const startedAt = w.firstTs() ?? ts;
    c = {
      id: `${asset}-${side}-${startedAt}`,
      asset,
      side,
      startedAt,
      usd: w.sum,
      byExchange: w.byExchange(),
      threshold,
      windowUsdAtStart: w.sum,
      lastPostedUsd: w.sum,
      lastPostedAt: ts,
      lastLiquidationAt: ts,
    };
    if (price !== undefined) c.priceStart = price;
    this.active.set(key, c);
    return { type: 'start', cascade: c, windowUsd: w.sum };
  }

  /** Track the extreme price of running cascades (lows for long cascades, highs for short ones). */
  price(asset: string, low: number, high: number): void {
    for (const side of ['long', 'short'] as const) {
      const c = this.active.get(`${asset}|${side}`);
      if (!c) continue;
      if (side === 'long') c.extreme = c.extreme === undefined ? low : Math.min(c.extreme, low);
      else c.extreme = c.extreme === undefined ? high : Math.max(c.extreme, high);
    }
  }

  /** Advance time: cascades whose window stayed quiet long enough end. */
  advance(now: number): CascadeEvent[] {
    const ended: CascadeEvent[] = [];
    for (const [key, c] of this.active) {
      const w = this.windows.get(key)!;
      w.expire(now);
      if (w.sum >= c.threshold * this.rules.endFraction) {
        c.quietSince = undefined;
        continue;
      }
      // Quiet since the moment the window's sum dropped: approximated by the last liquidation plus the window.
      c.quietSince ??= Math.max(c.lastLiquidationAt, now - this.rules.windowMs);
      if (now - c.quietSince >= this.rules.quietMs) {
        this.active.delete(key);
        ended.push({ type: 'end', cascade: c, endedAt: c.quietSince });
      }
    }
    return ended;
  }

  /** Restore a running cascade after a restart. */
  restore(c: Cascade): void {
    this.active.set(`${c.asset}|${c.side}`, c);
  }
}
