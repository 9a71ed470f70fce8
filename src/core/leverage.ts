/**
 * Leverage context: open interest (USD) and funding per asset and venue, with enough history to say how
 * much leverage a flush removed ("OI −$1.2B (−9%) across 4 venues") and whether funding reset.
 */
import { DAY, MINUTE } from './time.js';

interface Point {
  ts: number;
  value: number;
}

/** A short time series per venue, thinned to at most one point per `stepMs`. */
class Series {
  readonly points: Point[] = [];
  constructor(private readonly stepMs: number, private readonly keepMs: number) {}

  add(ts: number, value: number): void {
    const last = this.points[this.points.length - 1];
    if (last && ts < last.ts) return; // late point: history is append-only
    if (last && ts - last.ts < this.stepMs) {
      last.value = value;
      return;
    }
    this.points.push({ ts, value });
    const cutoff = ts - this.keepMs;
    let drop = 0;
    while (drop < this.points.length && this.points[drop]!.ts < cutoff) drop++;
    if (drop) this.points.splice(0, drop);
  }

  /** The value at or before `t`. */
  at(t: number): number | undefined {
    let lo = 0, hi = this.points.length - 1, found: number | undefined;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      if (this.points[mid]!.ts <= t) {
        found = this.points[mid]!.value;
        lo = mid + 1;
      } else hi = mid - 1;
    }
    return found;
  }
}

export interface OiChange {
  beforeUsd: number;
  afterUsd: number;
  venues: number;
  byExchange: Record<string, { beforeUsd: number; afterUsd: number }>;
}

export interface FundingView {
  exchange: string;
  rate: number;
  intervalHours: number;
  /** Annualized, as traders quote it (rate × periods per year). */
  annualized: number;
  ts: number;
}

const KEEP = 8 * DAY;

export class Leverage {
  private readonly oi = new Map<string, Map<string, Series>>();
  /** Latest OI per contract of a venue, so a venue's total sums its USDT, USDC and inverse contracts. */
  private readonly contracts = new Map<string, Map<string, number>>();
  private readonly fund = new Map<string, Map<string, { series: Series; intervalHours: number; ts: number; rate: number }>>();

  openInterest(asset: string, exchange: string, ts: number, usd: number, symbol = ''): void {
    const key = `${asset}|${exchange}`;
    let bySymbol = this.contracts.get(key);
    if (!bySymbol) this.contracts.set(key, (bySymbol = new Map()));
    bySymbol.set(symbol, usd);
    let total = 0;
    for (const v of bySymbol.values()) total += v;
    usd = total;
    let venues = this.oi.get(asset);
    if (!venues) this.oi.set(asset, (venues = new Map()));
    let s = venues.get(exchange);
    if (!s) venues.set(exchange, (s = new Series(5 * MINUTE, KEEP)));
    s.add(ts, usd);
  }

  funding(asset: string, exchange: string, ts: number, rate: number, intervalHours: number): void {
    let venues = this.fund.get(asset);
    if (!venues) this.fund.set(asset, (venues = new Map()));
    let f = venues.get(exchange);
    if (!f) venues.set(exchange, (f = { series: new Series(MINUTE, KEEP), intervalHours, ts, rate }));
    f.series.add(ts, rate);
    if (ts >= f.ts) Object.assign(f, { ts, rate, intervalHours });
  }

  /** Open interest across venues at `from` and at `to` (venues known at both times). */
  change(asset: string, from: number, to: number): OiChange | undefined {
    const venues = this.oi.get(asset);
    if (!venues) return undefined;
    const out: OiChange = { beforeUsd: 0, afterUsd: 0, venues: 0, byExchange: {} };
    for (const [ex, s] of venues) {
      const before = s.at(from), after = s.at(to);
      if (before === undefined || after === undefined) continue;
      out.beforeUsd += before;
      out.afterUsd += after;
      out.venues++;
      out.byExchange[ex] = { beforeUsd: before, afterUsd: after };
    }
    return out.venues ? out : undefined;
  }

  /**
   * `change(asset, t, min(to, t + step))` for every step t = from, from + step, … before `to`, in one forward pass
   * per venue instead of two binary searches per venue and step: the liquidation map walks a week in 2,016
   * five-minute steps on every `/levels`. Sums add the venues in the same order as `change`, so the figures are
   * the same to the last bit.
   */
  stepChanges(asset: string, from: number, to: number, step: number): ({ beforeUsd: number; afterUsd: number } | undefined)[] {
    const n = Math.max(0, Math.ceil((to - from) / step));
    const before = new Float64Array(n), after = new Float64Array(n), known = new Uint8Array(n);
    for (const s of this.oi.get(asset)?.values() ?? []) {
      const pts = s.points;
      let j = -1; // the last point at or before the time asked for; times only move forward
      const at = (t: number): number | undefined => {
        while (j + 1 < pts.length && pts[j + 1]!.ts <= t) j++;
        return j >= 0 ? pts[j]!.value : undefined;
      };
      for (let i = 0; i < n; i++) {
        const t0 = from + i * step;
        const b = at(t0), a = at(Math.min(to, t0 + step));
        if (b === undefined || a === undefined) continue;
        before[i]! += b;
        after[i]! += a;
        known[i] = 1;
      }
    }
    return Array.from(known, (k, i) => (k ? { beforeUsd: before[i]!, afterUsd: after[i]! } : undefined));
  }

  /** Total open interest per step over [from, to] (for charts). */
  series(asset: string, from: number, to: number, stepMs: number): { ts: number; usd: number }[] {
    const venues = this.oi.get(asset);
    if (!venues) return [];
    const out: { ts: number; usd: number }[] = [];
    for (let t = from; t <= to; t += stepMs) {
      let usd = 0, n = 0;
      for (const s of venues.values()) {
        const v = s.at(t);
        if (v !== undefined) {
          usd += v;
          n++;
        }
      }
      if (n) out.push({ ts: t, usd });
    }
    return out;
  }

  /** Latest funding per venue, and its value at `since` for the change. */
  fundingNow(asset: string, since?: number): (FundingView & { before?: number })[] {
    const venues = this.fund.get(asset);
    if (!venues) return [];
    return [...venues].map(([exchange, f]) => {
      const view: FundingView & { before?: number } = {
        exchange, rate: f.rate, intervalHours: f.intervalHours, annualized: f.rate * (8760 / f.intervalHours), ts: f.ts,
      };
      if (since !== undefined) {
        const b = f.series.at(since);
        if (b !== undefined) view.before = b;
      }
      return view;
    });
  }
}
