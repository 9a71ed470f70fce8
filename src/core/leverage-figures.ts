/**
 * Leverage figures in trader's terms: open interest now and its change, funding annualized as traders quote
 * it, how much leverage a flush removed and where it is still concentrated. Pure functions from the engine's
 * `Leverage` state to data (JSON-safe, for alerts and `--json`); src/replies/leverage.ts words them.
 */
import type { Leverage } from './leverage.js';
import { HOUR } from './time.js';
import { isSampled } from './venues.js';

export type LeverageSource = Pick<Leverage, 'change' | 'fundingNow'>;

/** How funding reads: base rate 0.01% per 8 h is about +11% a year, which exchanges treat as neutral. */
export type FundingState = 'negative' | 'neutral' | 'elevated' | 'hot';

export function fundingState(annualized: number): FundingState {
  if (annualized < -0.05) return 'negative';
  if (annualized <= 0.12) return 'neutral';
  if (annualized <= 0.25) return 'elevated';
  return 'hot';
}

export interface VenueLeverage {
  exchange: string;
  oiUsd?: number;
  /** At the window's start, when the venue was known then. */
  oiBeforeUsd?: number;
  /** Share of the asset's open interest now, 0..1. */
  oiShare?: number;
  funding?: { rate: number; intervalHours: number; annualized: number; beforeAnnualized?: number };
}

export interface LeverageSnapshot {
  asset: string;
  from: number;
  to: number;
  oi?: {
    usd: number;
    venues: number;
    /** Over the venues known at both ends of the window. */
    change?: { beforeUsd: number; afterUsd: number; usd: number; pct: number; venues: number };
  };
  /** Open-interest-weighted average across venues. */
  funding?: { annualized: number; state: FundingState; beforeAnnualized?: number; beforeState?: FundingState; venues: number };
  /** Largest open interest first. */
  venues: VenueLeverage[];
}

const annualize = (rate: number, intervalHours: number): number => rate * (8760 / intervalHours);

/** Funding per venue as of `at` (the engine's latest is used only for the interval). */
function fundingAt(lev: LeverageSource, asset: string, at: number): Map<string, { rate: number; intervalHours: number }> {
  const out = new Map<string, { rate: number; intervalHours: number }>();
  for (const f of lev.fundingNow(asset, at)) {
    const rate = f.ts <= at ? f.rate : f.before;
    if (rate !== undefined) out.set(f.exchange, { rate, intervalHours: f.intervalHours });
  }
  return out;
}

function weightedAnnualized(rates: Map<string, { rate: number; intervalHours: number }>, weights: Map<string, number>): number | undefined {
  let sum = 0, total = 0;
  for (const [ex, f] of rates) {
    const w = weights.size ? (weights.get(ex) ?? 0) : 1;
    sum += annualize(f.rate, f.intervalHours) * w;
    total += w;
  }
  if (total > 0) return sum / total;
  if (rates.size === 0) return undefined;
  return [...rates.values()].reduce((a, f) => a + annualize(f.rate, f.intervalHours), 0) / rates.size;
}

/** Open interest and funding of `asset` over [from, to]; undefined when neither is known. */
export function leverageSnapshot(lev: LeverageSource, asset: string, from: number, to: number): LeverageSnapshot | undefined {
  const now = lev.change(asset, to, to);
  const window = lev.change(asset, from, to);
  const fundNow = fundingAt(lev, asset, to);
  const fundBefore = fundingAt(lev, asset, from);
  if (!now && fundNow.size === 0) return undefined;
  const snap: LeverageSnapshot = { asset, from, to, venues: [] };
  const weights = new Map<string, number>();
  const venues = new Map<string, VenueLeverage>();
  const venue = (ex: string): VenueLeverage => {
    let v = venues.get(ex);
    if (!v) venues.set(ex, (v = { exchange: ex }));
    return v;
  };
  if (now) {
    snap.oi = { usd: now.afterUsd, venues: now.venues };
    if (window) {
      const d = window.afterUsd - window.beforeUsd;
      snap.oi.change = { beforeUsd: window.beforeUsd, afterUsd: window.afterUsd, usd: d, pct: window.beforeUsd > 0 ? d / window.beforeUsd : 0, venues: window.venues };
    }
    for (const [ex, v] of Object.entries(now.byExchange)) {
      const row = venue(ex);
      row.oiUsd = v.afterUsd;
      row.oiShare = now.afterUsd > 0 ? v.afterUsd / now.afterUsd : 0;
      const before = window?.byExchange[ex]?.beforeUsd;
      if (before !== undefined) row.oiBeforeUsd = before;
      weights.set(ex, v.afterUsd);
    }
  }
  for (const [ex, f] of fundNow) {
    const row = venue(ex);
    row.funding = { rate: f.rate, intervalHours: f.intervalHours, annualized: annualize(f.rate, f.intervalHours) };
    const before = fundBefore.get(ex);
    if (before) row.funding.beforeAnnualized = annualize(before.rate, before.intervalHours);
  }
  const avg = weightedAnnualized(fundNow, weights);
  if (avg !== undefined) {
    snap.funding = { annualized: avg, state: fundingState(avg), venues: fundNow.size };
    const before = weightedAnnualized(fundBefore, weights);
    if (before !== undefined) Object.assign(snap.funding, { beforeAnnualized: before, beforeState: fundingState(before) });
  }
  snap.venues = [...venues.values()].sort((a, z) => (z.oiUsd ?? -1) - (a.oiUsd ?? -1) || a.exchange.localeCompare(z.exchange));
  return snap;
}

export interface FlushLeverage {
  beforeUsd: number;
  afterUsd: number;
  /** Open interest removed (positive when it fell). */
  removedUsd: number;
  /** Change as a fraction of `beforeUsd` (−0.09 = −9%). */
  changePct: number;
  venues: number;
  /** Largest remaining open interest first; `share` is of what remains, `liquidationShare` of the cascade. */
  byExchange: { exchange: string; beforeUsd: number; afterUsd: number; share: number; liquidationShare?: number }[];
  /** The venue with the largest remaining share (of the `venues` with open-interest data). */
  concentrated?: { exchange: string; share: number; usd: number };
  funding?: { beforeAnnualized: number; afterAnnualized: number; beforeState: FundingState; afterState: FundingState; reset: boolean };
  /** A large venue whose share of the liquidations was far from its share of open interest. */
  uneven?: { exchange: string; oiShare: number; liquidationShare: number; sampled?: string[] };
}

/**
 * What a flush did to leverage: open interest from an hour before `startedAt` to `endedAt` (as the cascade-end
 * alert measures it), funding then and now, where open interest is still concentrated and, given the cascade's
 * liquidations by exchange, whether leverage sat unevenly across venues.
 */
export function flushLeverage(lev: LeverageSource, asset: string, startedAt: number, endedAt: number, liquidationsByExchange?: Readonly<Record<string, number>>): FlushLeverage | undefined {
  const from = startedAt - HOUR;
  const ch = lev.change(asset, from, endedAt);
  if (!ch) return undefined;
  // Shares of the whole cascade, as the alert shows them (venues without open interest data included).
  const liqTotal = Object.values(liquidationsByExchange ?? {}).reduce((a, v) => a + v, 0);
  const byExchange = Object.entries(ch.byExchange)
    .map(([exchange, v]) => {
      const row: FlushLeverage['byExchange'][number] = { exchange, beforeUsd: v.beforeUsd, afterUsd: v.afterUsd, share: ch.afterUsd > 0 ? v.afterUsd / ch.afterUsd : 0 };
      if (liqTotal > 0) row.liquidationShare = (liquidationsByExchange?.[exchange] ?? 0) / liqTotal;
      return row;
    })
    .sort((a, z) => z.afterUsd - a.afterUsd);
  const out: FlushLeverage = {
    beforeUsd: ch.beforeUsd,
    afterUsd: ch.afterUsd,
    removedUsd: ch.beforeUsd - ch.afterUsd,
    changePct: ch.beforeUsd > 0 ? (ch.afterUsd - ch.beforeUsd) / ch.beforeUsd : 0,
    venues: ch.venues,
    byExchange,
  };
  const top = byExchange[0];
  if (top && byExchange.length > 1) out.concentrated = { exchange: top.exchange, share: top.share, usd: top.afterUsd };
  const weights = new Map(byExchange.map((v) => [v.exchange, v.beforeUsd]));
  const before = weightedAnnualized(fundingAt(lev, asset, from), weights);
  const after = weightedAnnualized(fundingAt(lev, asset, endedAt), weights);
  if (before !== undefined && after !== undefined) {
    const beforeState = fundingState(before), afterState = fundingState(after);
    const rank = { negative: 0, neutral: 1, elevated: 2, hot: 3 } as const;
    out.funding = { beforeAnnualized: before, afterAnnualized: after, beforeState, afterState, reset: rank[beforeState] >= 2 && rank[afterState] <= 1 };
  }
  if (liqTotal > 0) {
    // The big venue that took far less than its share, else one that took far more.
    const low = byExchange.find((v) => v.share >= 0.2 && (v.liquidationShare ?? 0) < v.share * 0.5);
    const high = byExchange.filter((v) => (v.liquidationShare ?? 0) >= 0.2 && (v.liquidationShare ?? 0) > v.share * 1.5).sort((a, z) => (z.liquidationShare ?? 0) - (a.liquidationShare ?? 0))[0];
    const pick = low ?? high;
    // Liquidation shares are only comparable when every venue's liquidations were counted alike.
    const sampled = Object.keys(liquidationsByExchange ?? {}).filter(isSampled);
    const alike = sampled.length === 0 || sampled.length === Object.keys(liquidationsByExchange ?? {}).length;
    if (pick) out.uneven = { exchange: pick.exchange, oiShare: pick.share, liquidationShare: pick.liquidationShare ?? 0, ...(alike ? {} : { sampled }) };
  }
  return out;
}
