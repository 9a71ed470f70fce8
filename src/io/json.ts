/**
 * The JSON objects the offline CLI prints with --json (shared/spec/events.md): alerts, summaries and level
 * status, money in USD as plain numbers rounded to the cent, names in camelCase.
 */
import type { Alert } from '../core/alerts.js';
import type { LevelStatus, LiquidationSummary, MarketSummary } from '../core/summary.js';
import type { ReadLevel } from '../core/market-view.js';
import { alertReply } from '../replies/alerts.js';
import { crossed } from '../replies/levels.js';
import { replyText } from '../replies/reply.js';
import { isSampled } from '../core/venues.js';
import { ALL_EXCHANGES, hoursCounted } from '../core/hourly-totals.js';

const cents = (x: number) => Math.round(x * 100) / 100;
const centsMap = (m: Record<string, number>) => Object.fromEntries(Object.entries(m).map(([k, v]) => [k, cents(v)]));

export function alertJson(a: Alert): Record<string, unknown> {
  const text = replyText(alertReply(a));
  const base = { ts: a.ts, kind: a.kind, asset: a.asset, text, key: a.key };
  switch (a.kind) {
    case 'cascade':
    case 'cascade_update':
    case 'cascade_end': {
      const o: Record<string, unknown> = {
        ...base, side: a.side, usd: cents(a.usd), byExchange: centsMap(a.byExchange), cascadeId: a.cascadeId, startedAt: a.startedAt,
        exchanges: a.exchanges, sampled: a.sampled,
      };
      if (a.priceStart !== undefined) o.priceStart = a.priceStart;
      if (a.priceNow !== undefined) o.price = a.priceNow;
      if (a.extreme !== undefined) o.extreme = a.extreme;
      // Inside a market-wide flush: a channel that follows every asset hears it in the flush's message, not again (the
      // replay prints it all the same); `ledFlush`, its asset led the flush, so that asset's chats heard the flush too.
      if (a.flushId !== undefined) Object.assign(o, { flushId: a.flushId, ...(a.ledFlush ? { ledFlush: true } : {}) });
      // The next leg of one that just ended on its asset and side: that one, as its messages name it.
      if (a.previousLeg) o.previousLeg = { ...a.previousLeg, usd: cents(a.previousLeg.usd) };
      if (a.kind === 'cascade') Object.assign(o, { windowUsd: cents(a.windowUsd), windowMs: a.windowMs, thresholdUsd: cents(a.thresholdUsd), ...(a.normalUsd !== undefined ? { normalUsd: cents(a.normalUsd) } : {}) });
      if (a.kind === 'cascade_end') {
        Object.assign(o, { endedAt: a.endedAt, durationMs: a.durationMs });
        if (a.ranking) o.ranking = { ...a.ranking, usd: cents(a.ranking.usd) };
        if (a.oi) o.oi = { beforeUsd: cents(a.oi.beforeUsd), afterUsd: cents(a.oi.afterUsd), venues: a.oi.venues };
      }
      return o;
    }
    case 'level_break': {
      // `level` is the message's lead (the spec's one level); `levels` every level the close broke that way, lead first.
      const o: Record<string, unknown> = { ...base, level: a.level, levels: [a.level, ...(a.also ?? []).map((x) => x.level)], direction: a.direction, price: a.price, reclaim: a.reclaim, timeframe: a.timeframe };
      if (a.label !== undefined) o.label = a.label;
      if (a.chat !== undefined) o.chat = a.chat;
      if (a.liquidations) o.liquidations = { ...a.liquidations, usd: cents(a.liquidations.usd) };
      if (a.also) o.also = a.also;
      if (a.fromChop) o.fromChop = a.fromChop;
      return o;
    }
    case 'level_chop':
      return {
        ...base, level: a.level, levels: [a.level, ...(a.also ?? []).map((x) => x.level)], price: a.price, crosses: a.crosses, since: a.since, range: a.range, timeframe: a.timeframe,
        // `since` is when the level was set, not a crossing, for a level set where price was already crossing it.
        ...(a.setInChop ? { setInChop: true } : {}),
        ...(a.label !== undefined ? { label: a.label } : {}), ...(a.chat !== undefined ? { chat: a.chat } : {}), ...(a.also ? { also: a.also } : {}),
        // What ends the quiet the notice promises, in the figures it says (`ChopQuiet`).
        ...(a.ends ? { ends: a.ends } : {}),
      };
    case 'market_flush':
    case 'market_flush_update':
    case 'market_flush_end': {
      // An alert stored before flushes carried `usd` per exchange has none.
      const o: Record<string, unknown> = {
        ...base, side: a.side, usd: cents(a.usd), byExchange: centsMap(a.byExchange ?? {}), flushId: a.flushId, startedAt: a.startedAt, assetCount: a.assetCount,
        leaders: a.leaders.map((l) => ({ ...l, usd: cents(l.usd) })), exchanges: a.exchanges, sampled: a.sampled,
      };
      if (a.kind === 'market_flush') o.windowMs = a.windowMs;
      // The cascades posted within its window before it, which it takes over (a chat's running message of the latest is edited into it).
      if (a.kind === 'market_flush' && a.adopts) o.adopts = a.adopts;
      if (a.previousLeg) o.previousLeg = { ...a.previousLeg, usd: cents(a.previousLeg.usd) };
      if (a.kind === 'market_flush_end') Object.assign(o, { endedAt: a.endedAt, durationMs: a.durationMs });
      return o;
    }
    case 'digest':
      return { ...base, chat: a.chat, from: a.digest.from, to: a.digest.to };
  }
}

/**
 * Each venue's part of the total, as the spec reads `byExchange`: its single orders, its vendor hourly totals (`hourly`)
 * and its stored daily totals (`dailyUsd`), with its share of the whole `totalUsd`. Daily and hourly totals a vendor
 * gives for every exchange at once are nobody's (the summary's `ALL_EXCHANGES` row is said as `allExchangesHourly`):
 * the shares then add up to less than 1. (The text reply splits single orders by venue under their own heading instead.)
 */
function byExchangeJson(s: LiquidationSummary | MarketSummary): Record<string, unknown> {
  const rows = new Map<string, { longUsd: number; shortUsd: number; sampled: boolean; hourly?: true; dailyUsd?: number }>();
  for (const [ex, v] of Object.entries(s.byExchange)) {
    if (ex !== ALL_EXCHANGES) rows.set(ex, { longUsd: v.longUsd, shortUsd: v.shortUsd, sampled: v.sampled, ...(v.hourly ? { hourly: true as const } : {}) });
  }
  for (const [ex, v] of Object.entries(s.days?.byVenue ?? {})) {
    const row = rows.get(ex) ?? { longUsd: 0, shortUsd: 0, sampled: isSampled(ex) };
    row.longUsd += v.longUsd;
    row.shortUsd += v.shortUsd;
    row.dailyUsd = v.longUsd + v.shortUsd;
    rows.set(ex, row);
  }
  const sorted = [...rows].sort((a, b) => b[1].longUsd + b[1].shortUsd - (a[1].longUsd + a[1].shortUsd));
  return Object.fromEntries(
    sorted.map(([ex, v]) => {
      const total = v.longUsd + v.shortUsd;
      return [ex, {
        longUsd: cents(v.longUsd), shortUsd: cents(v.shortUsd), totalUsd: cents(total), share: s.totalUsd > 0 ? total / s.totalUsd : 0, sampled: v.sampled,
        // `hours`: the hourly totals counted, [first hour's start, last hour's end): those over by the window's end.
        ...(v.hourly ? { hourly: true, hours: hoursCounted(s.from, s.to) } : {}), ...(v.dailyUsd !== undefined ? { dailyUsd: cents(v.dailyUsd) } : {}),
      }];
    }),
  );
}

export function summaryJson(s: LiquidationSummary | MarketSummary): Record<string, unknown> {
  const byExchange = byExchangeJson(s);
  const o: Record<string, unknown> = {
    asset: s.asset, window: s.window, from: s.from, to: s.to,
    longUsd: cents(s.longUsd), shortUsd: cents(s.shortUsd), totalUsd: cents(s.totalUsd), count: s.count,
    byExchange,
    largest: s.largest.map((l) => ({ ts: l.ts, exchange: l.exchange, side: l.side, usd: cents(l.usd), price: l.price, symbol: l.symbol, ...('asset' in l ? { asset: l.asset } : {}) })),
    coverage: s.coverage,
  };
  // A vendor's hourly totals for every exchange at once: in the totals, in no venue's row, said apart; where the window
  // holds none of their hours whole, in no venue list either (`coverage.hourlyUncounted` names venues), said apart too.
  const all = s.byExchange[ALL_EXCHANGES];
  if (all) o.allExchangesHourly = { longUsd: cents(all.longUsd), shortUsd: cents(all.shortUsd), totalUsd: cents(all.totalUsd), hours: hoursCounted(s.from, s.to) };
  const venues = (list?: string[]) => (list?.some((ex) => ex !== ALL_EXCHANGES) ? list.filter((ex) => ex !== ALL_EXCHANGES) : undefined);
  const { hourly, hourlyUncounted } = s.coverage;
  // Keys in place (undefined ones are left out of the JSON).
  o.coverage = { ...s.coverage, hourly: venues(hourly), hourlyUncounted: venues(hourlyUncounted), ...(hourlyUncounted?.includes(ALL_EXCHANGES) ? { allExchangesHourlyUncounted: true } : {}) };
  if ('byAsset' in s) {
    o.flushes = s.flushes.map((f) => ({ ...f, usd: cents(f.usd) }));
    o.byAsset = Object.fromEntries(
      Object.entries(s.byAsset).map(([a, v]) => [a, { longUsd: cents(v.longUsd), shortUsd: cents(v.shortUsd), totalUsd: cents(v.totalUsd), ...(v.dailyUsd ? { dailyUsd: cents(v.dailyUsd) } : {}) }]),
    );
  } else {
    if (s.price) o.price = s.price;
    if (s.ranking) o.ranking = { ...s.ranking, usd: cents(s.ranking.usd) };
    o.cascades = s.cascades;
    // The market-wide flushes the asset liquidated in on their side, with its part (`assetUsd`; `usd` is every asset's).
    o.flushes = (s.flushes ?? []).map((f) => ({ ...f, usd: cents(f.usd), assetUsd: cents(f.assetUsd) }));
  }
  if (s.dayTotals) o.dayTotals = s.dayTotals.map((d) => ({ day: d.day, longUsd: cents(d.longUsd), shortUsd: cents(d.shortUsd) }));
  if (s.days) {
    const { byVenue: _byVenue, ...days } = s.days; // said per venue in byExchange
    const within = s.days.within && { ...s.days.within, longUsd: cents(s.days.within.longUsd), shortUsd: cents(s.days.within.shortUsd) };
    o.days = { ...days, longUsd: cents(s.days.longUsd), shortUsd: cents(s.days.shortUsd), ...(within ? { within } : {}) };
  }
  return o;
}

export function levelsJson(st: LevelStatus): Record<string, unknown> {
  return {
    asset: st.asset,
    price: st.price ?? null,
    ...(st.priceTs !== undefined ? { priceTs: st.priceTs } : {}),
    ts: st.ts,
    levels: st.levels.map((v) => levelJson(v, st.price !== undefined)),
  };
}

/** One level of `levelsJson`; `priced`: the status has a price (without one, no role and no distance). */
function levelJson(v: LevelStatus['levels'][number], priced: boolean): Record<string, unknown> {
  const across = crossed(v);
  return {
    level: v.level.level,
    ...(v.level.label !== undefined ? { label: v.level.label } : {}),
    // No price, no side of it: neither role nor distance (the state says "unknown").
    role: priced ? v.role : null,
    distancePct: priced ? Math.round(v.distancePct * 100) / 100 : null,
    state: v.state,
    baseState: v.baseState,
    source: v.level.source,
    ...(v.lastBreak ? { lastBreak: v.lastBreak } : {}),
    // No close of the levels' timeframe has put price on a side of it yet (`ReadLevel.unconfirmed`): its state is no
    // close's, only where price is ("holding" here means nothing has happened, not that a close held it).
    ...((v as ReadLevel).unconfirmed ? { unconfirmed: (v as ReadLevel).unconfirmed } : {}),
    // `role` is where price is (the spec's); price across the level from the side its last confirmed close left it on,
    // no close confirming a break yet, the role those closes give it is the other: both facts, as the text says them
    // ("price back above · lost 15:45, no reclaim yet" beside "role":"support","confirmedRole":"resistance").
    ...(priced && across ? { confirmedRole: across === 'above' ? 'resistance' : 'support' } : {}),
    // A level price keeps crossing: how often since when, and the range a decisive close must leave.
    ...(v.chop && v.chop.resolved === undefined ? { chop: { crosses: v.chop.crosses, since: v.chop.since, range: [v.chop.low, v.chop.high] } } : {}),
  };
}
