/**
 * Leverage figures in trader's terms: open interest now and its change, funding annualized as traders quote
 * it, how much leverage a flush removed and which venue holds most of what is left. Pure functions from the engine's
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
  /** Open interest the venue last reported too long ago to count as current (left out of the total), and when. */
  oiStale?: { usd: number; since: number };
  funding?: { rate: number; intervalHours: number; annualized: number; beforeAnnualized?: number; staleSince?: number };
}

/** Why a window has no change: its start is before the history kept (`since`), or no venue reporting now was current then. */
export type NoChange = { reason: 'history'; since: number; venues: string[] } | { reason: 'gap' };

export interface LeverageSnapshot {
  asset: string;
  from: number;
  to: number;
  oi?: {
    /** Over the venues whose figure is current at `to` (0 when every venue is stale). */
    usd: number;
    venues: number;
    /** Over the venues current at both ends of the window (`venues` of them, of the `oi.venues` now). */
    change?: { beforeUsd: number; afterUsd: number; usd: number; pct: number; venues: number };
    /** No change over the window, and why. */
    noChange?: NoChange;
    /** Venues left out of `usd`: their last figure is too old to be current. */
    stale?: { exchange: string; usd: number; since: number }[];
  };
  /**
   * Funding averaged across venues: weighted by current open interest over the `venues` that have it (`of` venues
   * report funding; `weighting: 'equal'` when none has current open interest, a plain average of them all).
   * `beforeAnnualized` is the same venues with the same weights at the window's start, when all were known then;
   * when only some were, `change` compares those alone; when none, `noChange` says why.
   */
  funding?: {
    annualized: number;
    state: FundingState;
    beforeAnnualized?: number;
    beforeState?: FundingState;
    venues: number;
    of: number;
    weighting: 'oi' | 'equal';
    change?: { venues: number; beforeAnnualized: number; afterAnnualized: number };
    noChange?: NoChange;
  };
  /** Largest open interest first. */
  venues: VenueLeverage[];
}

const annualize = (rate: number, intervalHours: number): number => rate * (8760 / intervalHours);

type Rate = { rate: number; intervalHours: number; firstTs?: number; staleSince?: number };
type Rates = Map<string, Rate>;

/**
 * Funding per venue as of `at` (the engine's latest is used only for the interval); a latest rate older than the
 * venue's own maximum age carries `staleSince` (a venue that stopped reporting is no current rate).
 */
function fundingAt(lev: LeverageSource, asset: string, at: number): Rates {
  const out: Rates = new Map();
  for (const f of lev.fundingNow(asset, at)) {
    const rate = f.ts <= at ? f.rate : f.before;
    if (rate === undefined) continue;
    const r: Rate = { rate, intervalHours: f.intervalHours, firstTs: f.firstTs };
    if (f.ts <= at && fundingStale(f, at)) r.staleSince = f.ts;
    out.set(f.exchange, r);
  }
  return out;
}

/**
 * Whether a venue's latest funding rate is no longer current at `at`: older than three of its own update intervals
 * and than one and a half settlements (a rate stands until its next settlement: one point of 8 h funding is not stale
 * after 15 minutes). /oi and /status read it alike.
 */
export function fundingStale(f: { ts: number; maxAgeMs: number; intervalHours: number }, at: number): boolean {
  return at - f.ts > Math.max(f.maxAgeMs, 1.5 * f.intervalHours * HOUR);
}

/** The venues whose rate is current. */
function currentRates(rates: Rates): Rates {
  return new Map([...rates].filter(([, f]) => f.staleSince === undefined));
}

/** The average of `venues`' funding in `rates`, weighted by `weights` (equal weights when none is given). */
function averageOver(rates: Rates, venues: readonly string[], weights?: ReadonlyMap<string, number>): number | undefined {
  let sum = 0, total = 0;
  for (const ex of venues) {
    const f = rates.get(ex);
    if (!f) continue;
    const w = weights ? (weights.get(ex) ?? 0) : 1;
    sum += annualize(f.rate, f.intervalHours) * w;
    total += w;
  }
  return total > 0 ? sum / total : undefined;
}

/**
 * Which venues' funding an average takes, and with which weights: those with open interest, weighted by it; when none
 * has any, all of them alike.
 */
function fundingBasis(rates: Rates, weights: ReadonlyMap<string, number>): { venues: string[]; weights?: ReadonlyMap<string, number> } {
  const weighted = [...rates.keys()].filter((ex) => (weights.get(ex) ?? 0) > 0);
  return weighted.length ? { venues: weighted, weights } : { venues: [...rates.keys()] };
}

/** No change over [from, …]: the history of `venues` starts after `from`, or they were not current then. */
function noChangeWhy(firstTs: ReadonlyMap<string, number | undefined>, from: number): NoChange {
  const known = [...firstTs.values()].filter((t): t is number => t !== undefined);
  return known.length && known.every((t) => t > from) ? { reason: 'history', since: Math.min(...known), venues: [...firstTs.keys()] } : { reason: 'gap' };
}

/** Open interest and funding of `asset` over [from, to]; undefined when neither is known. */
export function leverageSnapshot(lev: LeverageSource, asset: string, from: number, to: number): LeverageSnapshot | undefined {
  const now = lev.change(asset, to, to, { current: true });
  const window = lev.change(asset, from, to, { current: true });
  const fundNow = fundingAt(lev, asset, to);
  const fundBefore = fundingAt(lev, asset, from);
  const known = now && (now.venues > 0 || (now.stale?.length ?? 0) > 0);
  if (!known && fundNow.size === 0) return undefined;
  const snap: LeverageSnapshot = { asset, from, to, venues: [] };
  const weights = new Map<string, number>();
  const venues = new Map<string, VenueLeverage>();
  const venue = (ex: string): VenueLeverage => {
    let v = venues.get(ex);
    if (!v) venues.set(ex, (v = { exchange: ex }));
    return v;
  };
  if (now && known) {
    snap.oi = { usd: now.afterUsd, venues: now.venues };
    if (window && window.venues > 0) {
      const d = window.afterUsd - window.beforeUsd;
      snap.oi.change = { beforeUsd: window.beforeUsd, afterUsd: window.afterUsd, usd: d, pct: window.beforeUsd > 0 ? d / window.beforeUsd : 0, venues: window.venues };
    } else if (now.venues > 0) {
      snap.oi.noChange = noChangeWhy(new Map(Object.keys(now.byExchange).map((ex) => [ex, now.firstTs?.[ex]])), from);
    }
    if (now.stale?.length) snap.oi.stale = now.stale;
    for (const [ex, v] of Object.entries(now.byExchange)) {
      const row = venue(ex);
      row.oiUsd = v.afterUsd;
      row.oiShare = now.afterUsd > 0 ? v.afterUsd / now.afterUsd : 0;
      const before = window?.byExchange[ex]?.beforeUsd;
      if (before !== undefined) row.oiBeforeUsd = before;
      weights.set(ex, v.afterUsd);
    }
    for (const st of now.stale ?? []) venue(st.exchange).oiStale = { usd: st.usd, since: st.since };
  }
  for (const [ex, f] of fundNow) {
    const row = venue(ex);
    row.funding = { rate: f.rate, intervalHours: f.intervalHours, annualized: annualize(f.rate, f.intervalHours) };
    if (f.staleSince !== undefined) row.funding.staleSince = f.staleSince;
    const before = fundBefore.get(ex);
    if (before) row.funding.beforeAnnualized = annualize(before.rate, before.intervalHours);
  }
  // The headline averages current rates only: a venue whose funding stopped days ago is not today's.
  const current = currentRates(fundNow);
  const basis = fundingBasis(current, weights);
  const avg = averageOver(current, basis.venues, basis.weights);
  if (avg !== undefined) {
    snap.funding = { annualized: avg, state: fundingState(avg), venues: basis.venues.length, of: fundNow.size, weighting: basis.weights ? 'oi' : 'equal' };
    // Then against now over the same venues with the same weights: a venue that joined (or one without open interest)
    // never moves the figure the headline compares.
    const both = basis.venues.filter((ex) => fundBefore.has(ex));
    const before = averageOver(fundBefore, both, basis.weights);
    if (before !== undefined && both.length === basis.venues.length) {
      Object.assign(snap.funding, { beforeAnnualized: before, beforeState: fundingState(before) });
    } else if (before !== undefined) {
      snap.funding.change = { venues: both.length, beforeAnnualized: before, afterAnnualized: averageOver(current, both, basis.weights)! };
    } else {
      snap.funding.noChange = noChangeWhy(new Map(basis.venues.map((ex) => [ex, current.get(ex)?.firstTs])), from);
    }
  }
  snap.venues = [...venues.values()].sort((a, z) => (z.oiUsd ?? -1) - (a.oiUsd ?? -1) || (z.oiStale?.usd ?? -1) - (a.oiStale?.usd ?? -1) || a.exchange.localeCompare(z.exchange));
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
  /**
   * Venues with open-interest data left out of these figures because their figure was stale at the flush's end
   * (`since`: when it last reported) or, with `atStart`, at its start (an hour before it began); set only when some
   * were. `at` is the flush's end, which `since` is told against.
   */
  stale?: { at: number; venues: { exchange: string; since: number; atStart?: true }[] };
  /** The venue with the largest remaining share (of the `venues` with open-interest data). */
  concentrated?: { exchange: string; share: number; usd: number };
  funding?: { beforeAnnualized: number; afterAnnualized: number; beforeState: FundingState; afterState: FundingState; reset: boolean };
  /**
   * A large venue whose share of the liquidations was far from its share of open interest; only when every venue's
   * liquidations were counted alike (a sampled stream's share is a lower bound, so a gap would be its coverage's).
   */
  uneven?: { exchange: string; oiShare: number; liquidationShare: number };
}

/**
 * What a flush did to leverage: open interest from an hour before `startedAt` to `endedAt` (as the cascade-end
 * alert measures it), funding then and now, which venue holds the largest share of the open interest left and, given the cascade's
 * liquidations by exchange, whether leverage sat unevenly across venues.
 */
export function flushLeverage(lev: LeverageSource, asset: string, startedAt: number, endedAt: number, liquidationsByExchange?: Readonly<Record<string, number>>): FlushLeverage | undefined {
  const from = startedAt - HOUR;
  // Venues whose open interest is current at both ends: a venue stale for hours would read as leverage that stayed.
  const ch = lev.change(asset, from, endedAt, { current: true });
  if (!ch || ch.venues === 0) return undefined;
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
  // Venues with data that are in neither end's figure: stale at the end, or (current now) stale at the start.
  const stale: NonNullable<FlushLeverage['stale']>['venues'] = (ch.stale ?? []).map((v) => ({ exchange: v.exchange, since: v.since }));
  for (const v of lev.change(asset, from, from, { current: true })?.stale ?? []) {
    if (!(v.exchange in ch.byExchange) && !stale.some((s) => s.exchange === v.exchange)) stale.push({ exchange: v.exchange, since: v.since, atStart: true });
  }
  if (stale.length) out.stale = { at: endedAt, venues: stale };
  const top = byExchange[0];
  if (top && byExchange.length > 1) out.concentrated = { exchange: top.exchange, share: top.share, usd: top.afterUsd };
  // Funding then and now over the same venues (those current at both ends) with the same weights.
  const weights = new Map(byExchange.map((v) => [v.exchange, v.beforeUsd]));
  const fundBefore = currentRates(fundingAt(lev, asset, from)), fundAfter = currentRates(fundingAt(lev, asset, endedAt));
  const both: Rates = new Map([...fundAfter].filter(([ex]) => fundBefore.has(ex)));
  const basis = fundingBasis(both, weights);
  const before = averageOver(fundBefore, basis.venues, basis.weights);
  const after = averageOver(fundAfter, basis.venues, basis.weights);
  if (before !== undefined && after !== undefined) {
    const beforeState = fundingState(before), afterState = fundingState(after);
    const rank = { negative: 0, neutral: 1, elevated: 2, hot: 3 } as const;
    out.funding = { beforeAnnualized: before, afterAnnualized: after, beforeState, afterState, reset: rank[beforeState] >= 2 && rank[afterState] <= 1 };
  }
  // Liquidation shares are only comparable when every venue's liquidations were counted alike: with some streams
  // sampled, nothing is said of where the flushed leverage sat (the measured open interest above still is).
  const venuesSeen = Object.keys(liquidationsByExchange ?? {});
  const sampled = venuesSeen.filter(isSampled).length;
  if (liqTotal > 0 && (sampled === 0 || sampled === venuesSeen.length)) {
    // The big venue that took far less than its share, else one that took far more.
    const low = byExchange.find((v) => v.share >= 0.2 && (v.liquidationShare ?? 0) < v.share * 0.5);
    const high = byExchange.filter((v) => (v.liquidationShare ?? 0) >= 0.2 && (v.liquidationShare ?? 0) > v.share * 1.5).sort((a, z) => (z.liquidationShare ?? 0) - (a.liquidationShare ?? 0))[0];
    const pick = low ?? high;
    if (pick) out.uneven = { exchange: pick.exchange, oiShare: pick.share, liquidationShare: pick.liquidationShare ?? 0 };
  }
  return out;
}
