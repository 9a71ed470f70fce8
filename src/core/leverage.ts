/**
 * Leverage context: open interest (USD) and funding per asset and venue, with enough history to say how
 * much leverage a flush removed ("OI −$1.2B (−9%) across 4 venues") and whether funding reset.
 */
import { DAY, HOUR, MINUTE } from './time.js';

interface Point {
  ts: number;
  value: number;
  /** The latest update folded into this point (a poll within `stepMs` of the last point updates it in place). */
  seen: number;
}

/**
 * How often the live pollers ask each venue for open interest and funding (`intervalMs` of
 * `startLeveragePolling` in src/main.ts and src/bus/ingest.ts: 5 minutes). A figure stands for its venue for three
 * of its own update intervals (the venue's smallest recent spacing: hourly in a vendor's file, 5 minutes live) and
 * never less than three polls; past that the venue is stale, not current.
 */
export const LEVERAGE_POLL_MS = 5 * MINUTE;
const MIN_MAX_AGE = 3 * LEVERAGE_POLL_MS;
/** The longest a figure stands: a file with one open interest point a day is not current a day later. */
const OI_MAX_AGE_CAP = 3 * HOUR;
/** Funding in a file comes at its settlements (every 8 h, sometimes a day apart). */
const FUNDING_MAX_AGE_CAP = DAY + HOUR;

/** A venue's figure at a moment, as of its latest update, and whether that update is too old to count as current. */
export interface Reading {
  value: number;
  /** When the venue last reported it. */
  seen: number;
  stale: boolean;
}

/** A short time series per venue, thinned to at most one point per `stepMs`. */
class Series {
  readonly points: Point[] = [];
  constructor(private readonly stepMs: number, private readonly keepMs: number, private readonly maxAgeCap = OI_MAX_AGE_CAP) {}

  add(ts: number, value: number): void {
    const last = this.points[this.points.length - 1];
    if (last && ts < last.ts) return; // late point: history is append-only
    if (last && ts - last.ts < this.stepMs) {
      last.value = value;
      last.seen = Math.max(last.seen, ts);
      return;
    }
    this.points.push({ ts, value, seen: ts });
    const cutoff = ts - this.keepMs;
    let drop = 0;
    while (drop < this.points.length && this.points[drop]!.ts < cutoff) drop++;
    if (drop) this.points.splice(0, drop);
  }

  /** The index of the last point at or before `t`, or −1. */
  private index(t: number): number {
    let lo = 0, hi = this.points.length - 1, found = -1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      if (this.points[mid]!.ts <= t) {
        found = mid;
        lo = mid + 1;
      } else hi = mid - 1;
    }
    return found;
  }

  /** The value at or before `t`, however old. */
  at(t: number): number | undefined {
    const i = this.index(t);
    return i < 0 ? undefined : this.points[i]!.value;
  }

  /** The value at or before `t`, with when it was reported and whether it is too old to stand for `t`. */
  reading(t: number): Reading | undefined {
    const i = this.index(t);
    if (i < 0) return undefined;
    const p = this.points[i]!;
    const seen = Math.min(p.seen, t);
    return { value: p.value, seen, stale: t - seen > this.maxAge(i) };
  }

  /** How long the point at `i` stands: three of the series' own intervals (its smallest recent spacing), within bounds. */
  maxAge(i = this.points.length - 1): number {
    let gap = 0;
    for (let k = i; k > 0 && k > i - 3; k--) {
      const d = this.points[k]!.ts - this.points[k - 1]!.ts;
      gap = gap === 0 ? d : Math.min(gap, d);
    }
    return Math.min(this.maxAgeCap, Math.max(MIN_MAX_AGE, 3 * gap));
  }

  /** The first point kept (history starts there). */
  get first(): number | undefined {
    return this.points[0]?.ts;
  }
}

export interface OiChange {
  beforeUsd: number;
  afterUsd: number;
  venues: number;
  /** `seen` (with `current`): when the venue last reported the figure at `to`. */
  byExchange: Record<string, { beforeUsd: number; afterUsd: number; seen?: number }>;
  /**
   * With `current`: the venues left out because their figure at `from` or `to` is older than it may be (a venue
   * that stopped reporting), with their last figure at `to` and when they reported it.
   */
  stale?: { exchange: string; usd: number; since: number }[];
  /** With `current`: where each venue's kept history starts. */
  firstTs?: Record<string, number>;
}

export interface ChangeOptions {
  /**
   * Count only figures current at each end (reported within their maximum age), name the stale venues, say where
   * each venue's history starts, and answer (with `venues: 0`) even when no venue is known at both ends.
   */
  current?: boolean;
}

export interface FundingView {
  exchange: string;
  rate: number;
  intervalHours: number;
  /** Annualized, as traders quote it (rate × periods per year). */
  annualized: number;
  ts: number;
  /** How long this venue's latest rate stands as current (three of its own update intervals, within bounds). */
  maxAgeMs: number;
  /** Where its kept history starts. */
  firstTs: number;
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
    if (!f) venues.set(exchange, (f = { series: new Series(MINUTE, KEEP, FUNDING_MAX_AGE_CAP), intervalHours, ts, rate }));
    f.series.add(ts, rate);
    if (ts >= f.ts) Object.assign(f, { ts, rate, intervalHours });
  }

  /**
   * Open interest across venues at `from` and at `to` (venues known at both times; with `current`, venues whose
   * figure is current at both times, the others named).
   */
  change(asset: string, from: number, to: number, o: ChangeOptions = {}): OiChange | undefined {
    const venues = this.oi.get(asset);
    if (!venues) return undefined;
    const out: OiChange = { beforeUsd: 0, afterUsd: 0, venues: 0, byExchange: {} };
    if (o.current) {
      out.stale = [];
      out.firstTs = {};
    }
    for (const [ex, s] of venues) {
      let before: number | undefined, after: number | undefined, seen: number | undefined;
      if (o.current) {
        if (s.first !== undefined) out.firstTs![ex] = s.first;
        const b = s.reading(from), a = s.reading(to);
        if (a?.stale) out.stale!.push({ exchange: ex, usd: a.value, since: a.seen });
        if (!a || a.stale || !b || b.stale) continue;
        before = b.value;
        after = a.value;
        seen = a.seen;
      } else {
        before = s.at(from);
        after = s.at(to);
        if (before === undefined || after === undefined) continue;
      }
      out.beforeUsd += before;
      out.afterUsd += after;
      out.venues++;
      out.byExchange[ex] = seen === undefined ? { beforeUsd: before, afterUsd: after } : { beforeUsd: before, afterUsd: after, seen };
    }
    return out.venues || o.current ? out : undefined;
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
        maxAgeMs: f.series.maxAge(), firstTs: f.series.first ?? f.ts,
      };
      if (since !== undefined) {
        const b = f.series.at(since);
        if (b !== undefined) view.before = b;
      }
      return view;
    });
  }
}
