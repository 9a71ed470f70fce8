/**
 * Turns what a command already computed (a summary, a level status, a liquidation-map estimate) into chart
 * inputs (plain data), adding only the series a chart draws (bars, prices, open interest). The renderer never
 * sees the engine, and a chart never computes a summary or an estimate the reply already has.
 */
import type { NoFeed } from '../core/coverage.js';
import type { LevelStatus, LiquidationSummary } from '../core/summary.js';
import type { MarketView, ReadLevel } from '../core/market-view.js';
import type { LevelView } from '../core/levels.js';
import { estimateLiqMap, liqMapChart, type LiqMap } from '../core/liqmap.js';
import type { ChartLevel, LevelsChartInput, LiqsChartInput } from './types.js';
import { DAY, MINUTE } from '../core/time.js';
import { printsIn, printsOnly } from '../replies/coverage.js';
import { isSampled } from '../core/venues.js';
import { crossed } from '../replies/levels.js';

/** About 48–96 bars whatever the window: 1h → 1m bars, 24h → 15m, 7d → 2h. */
export function barMs(windowMs: number): number {
  const steps = [1, 5, 15, 30, 60, 120, 240].map((m) => m * MINUTE);
  return steps.find((s) => windowMs / s <= 100) ?? 240 * MINUTE;
}

/**
 * A level as a chart draws it: `role` where price is (its color, the header's count, as `levels --json` says it), and,
 * where price is across it from the side its last confirmed close left it on with no close confirming a break (the
 * /levels row's `crossed`), that side (`across`): its tag says both facts as the row does ("price back above, lost
 * 15:45"), never "now support" beside a row that says no reclaim was confirmed.
 */
function chartLevel(v: LevelView): ChartLevel {
  // `ChartLevel.across` (charts/types.ts): the intersection keeps this file's own type of it until that one has it.
  const l: ChartLevel & { across?: 'above' | 'below' } = { level: v.level.level, role: v.role, state: v.state, distancePct: v.distancePct };
  if (v.level.label !== undefined) l.label = v.level.label;
  if (v.baseState !== v.state) l.baseState = v.baseState;
  if (v.lastBreak) l.lastBreak = { ts: v.lastBreak.ts, direction: v.lastBreak.direction };
  const unconfirmed = (v as ReadLevel).unconfirmed;
  if (unconfirmed) l.unconfirmed = unconfirmed;
  const across = crossed(v);
  if (across) l.across = across;
  return l;
}

/** A live process without a liquidation feed, in a chart's words (the reply's, shorter). */
const NO_FEED: Readonly<Record<NoFeed, string>> = {
  unconfigured: 'No liquidation data: no exchange configured',
  unreported: 'No liquidation data yet: no ingest process reported',
  unwatched: 'No liquidation data: no exchange watched',
};

/**
 * An empty window's words, as the reply says it: `noData` when nothing was there to record it (a file without prints
 * here, no feed at all, every feed down or connecting), `emptyNote` when a file's prints cover part of it; neither for
 * a quiet market.
 */
function emptyWindow(s: LiquidationSummary): Pick<LiqsChartInput, 'noData' | 'emptyNote'> {
  // Figures with no single order to draw: a vendor's hourly totals or stored daily totals, said as such (not "none").
  if (s.totalUsd > 0) return s.count > 0 ? {} : { emptyNote: `No single orders to draw: ${s.days ? 'the figures are daily totals' : 'the figures are hourly totals'}` };
  const rec = s.coverage.recorded;
  if (rec && !rec.full) {
    if (rec.stretches.length) return { emptyNote: 'No liquidations in the stretches the file covers' };
    return { noData: rec.soFar ? 'No liquidation data replayed yet' : 'No liquidation data for this window' };
  }
  if (s.coverage.noFeed) return { noData: NO_FEED[s.coverage.noFeed] };
  const feeds = s.coverage.feeds;
  if (!feeds?.length || feeds.some((f) => f.state === 'live')) return {};
  return { noData: feeds.some((f) => f.state === 'down') ? 'No liquidation data: exchanges unreachable' : 'No liquidation data yet: exchanges connecting' };
}

/** The `/liqs` chart of a summary: its window, totals, cascades and coverage, with the chat's levels drawn in. */
export function liqsChartInput(m: MarketView, s: LiquidationSummary, chat?: string): LiqsChartInput {
  const { asset, window, from, to } = s;
  const step = barMs(s.windowMs);
  const start = Math.floor(from / step) * step;
  // Price bars no finer than the prices (a file of 1h candles), aligned to their own width.
  const priceMs = m.prices.barStep(asset, step);
  const input: LiqsChartInput = {
    asset,
    window,
    from,
    to,
    bucketMs: step,
    buckets: m.buckets.series(asset, start, to, step),
    prices: m.prices.bars(asset, Math.floor(from / priceMs) * priceMs, to, priceMs),
    levels: m.levelStatus(asset, chat, to).levels.map(chartLevel),
    cascades: s.cascades.map((c) => ({ from: c.startedAt, to: c.endedAt ?? to, side: c.side, usd: c.usd })),
    totals: { longUsd: s.longUsd, shortUsd: s.shortUsd, totalUsd: s.totalUsd },
    coverage: {
      exchanges: s.coverage.exchanges,
      sampled: s.coverage.sampled,
      synthetic: s.coverage.synthetic,
      ...(s.coverage.hourly?.length ? { hourly: s.coverage.hourly } : {}),
      ...(s.days?.venues?.length ? { daily: s.days.venues } : {}),
    },
  };
  Object.assign(input, emptyWindow(s));
  if (s.days?.totals.length) input.dailyTotals = { days: [...s.days.totals], withOrders: [...(s.days.within?.days ?? [])] };
  // A file's prints covering part of the window: the reply's "prints 16:50–17:20 only", and where they are (beside
  // daily totals, which count whole days, the prints are not the figures' only source: no "only").
  const rec = s.coverage.recorded;
  const only = s.days?.totals.length ? printsIn(s.coverage, to) : printsOnly(s.coverage, to);
  if (rec && only.length) input.recorded = { stretches: rec.stretches.map(([a, b]) => [a, b]), note: only[0]! };
  // A window none of whose venues printed is still the file's venues' to see: named, so a sampled one is starred.
  if (!input.coverage.exchanges.length && !input.coverage.daily && s.coverage.recordedVenues?.length) {
    input.coverage.exchanges = s.coverage.recordedVenues;
    input.coverage.sampled = s.coverage.recordedVenues.filter(isSampled);
  }
  if (priceMs !== step) input.priceMs = priceMs;
  // The last price's minute, as the summary reads it: a chart ending long after it does not call that price "now".
  const priceTo = m.prices.range(asset, from, to)?.to;
  if (priceTo !== undefined) input.priceTs = priceTo;
  const oi = m.leverage.series(asset, start, to, step);
  if (oi.length) input.oi = oi;
  const map = estimateLiqMap(m, asset, to);
  const lm = map ? liqMapChart(map) : [];
  if (lm.length) input.liqMap = lm;
  return input;
}

/** The `/levels` chart of a level status and the estimate the reply shows: the last day's prices under them. */
export function levelsChartInput(m: MarketView, st: LevelStatus, map: LiqMap | undefined): LevelsChartInput {
  const to = st.ts;
  const from = to - DAY;
  const priceMs = m.prices.barStep(st.asset, 15 * MINUTE);
  const input: LevelsChartInput = {
    asset: st.asset,
    price: st.price ?? 0,
    from,
    to,
    // Clock-aligned candles (14:00, 14:15, …), the closes breaks are decided on; not 14:07, 14:22 from the moment asked.
    prices: m.prices.bars(st.asset, Math.floor(from / priceMs) * priceMs, to, priceMs),
    levels: st.levels.map(chartLevel),
    synthetic: m.synthetic,
  };
  if (priceMs !== 15 * MINUTE) input.priceMs = priceMs;
  if (st.priceTs !== undefined) input.priceTs = st.priceTs;
  const lm = map ? liqMapChart(map) : [];
  if (lm.length) input.liqMap = lm;
  return input;
}
