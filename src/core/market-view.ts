/**
 * What commands and charts may read of the market engine: a narrow, read-only view (`MarketView`) and the
 * queries behind it (`MarketQueries`): `/liqs` summaries, `/levels` status, a window's coverage, the cascades
 * of a window. The engine's ingestion (market.ts) extends it; nothing here moves state.
 *
 *   const s = view.summary('ETH', '24h', DAY);   // LiquidationSummary, worded by src/replies/summary.ts
 */
import type { LargestLiquidation, LiquidationBuckets, WindowTotals } from './buckets.js';
import type { CascadeDetector, CascadeRecord } from './cascades.js';
import type { EndedFlush, FlushDetector, FlushRecord } from './flush.js';
import { FeedBoard, RECORDING_GAP_MS, type Gap } from './coverage.js';
import type { PositionSide } from './events.js';
import { LiquidationHistory } from './history.js';
import { HourlyTotals, type HourlyWindow } from './hourly-totals.js';
import { bounds, toldState, type LevelBook, type LevelView } from './levels.js';
import { Leverage } from './leverage.js';
import { leverageSnapshot } from './leverage-figures.js';
import { isDatedContract, type PriceBook } from './prices.js';
import type { MarketSettings } from './settings.js';
import type { AssetFlush, Coverage, ExchangeShare, LevelStatus, LiquidationSummary, MarketSummary, StoredDays } from './summary.js';
import { DAY, MINUTE, dayStart, hourStart } from './time.js';
import { isFillPriced, isSampled } from './venues.js';

/** A liquidation print's fill and when: a price the bot holds besides its candles and ticks. */
export interface Fill {
  price: number;
  ts: number;
}

/**
 * A level as `/levels` reads it. `unconfirmed`: no close of the levels' timeframe has put price on a side of it (none
 * beyond its buffer, nor closes beyond it for `acceptHours`, since it was set or in the closes the book read when it was
 * set: the track's `seen`) and no break of it was told: that timeframe ("15m"). What is known of it is then only where
 * price is now: the side it was set on, if any, is a price's (a liquidation print's in a file of prints alone, which has
 * no candles; a tick's on a live start before the first close), never a close's, so its row says neither "holding" nor a
 * role price contradicts.
 */
export interface ReadLevel extends LevelView {
  unconfirmed?: string;
}

/**
 * `/levels`' status with what its reading of a cascade needs beyond the levels: whether forced selling (or buying) still
 * runs market-wide, and what the asset's prints filled at after the price it shows (a candle's close is up to its
 * length old when a print comes).
 */
export interface LevelReading extends LevelStatus {
  levels: ReadLevel[];
  /** The market-wide flushes running now on a side this asset has liquidated on since each started. */
  runningFlushes?: FlushRecord[];
  /**
   * The asset's liquidation prints after the price (where lookups place it: a candle's close in its last minute), to
   * `ts`: the last one's time, and of those after the last cascade ended too (none without such), the lowest and highest
   * fill: a print the books keep (the largest of each minute), or a smaller one's fill the price book holds
   * (`freshFills`), timed to its minute. A fill said is one that happened.
   */
  printsAfterPrice?: { lastTs: number; low?: Fill; high?: Fill };
  /**
   * The last 24h's lowest and highest price on the candles (or ticks), each with its bar's start (a 5m candle's open
   * time): where the prices cover the day, as `change24hPct`. What a trader watches where no level lies beyond price.
   */
  dayRange?: { low: { price: number; ts: number }; high: { price: number; ts: number } };
}

/** The engine as commands and charts see it: queries and the read side of its books, never ingestion. */
export interface MarketView {
  /** Event time: the latest moment the engine has seen. */
  readonly clock: number;
  /** The data is a synthetic demo day (replies say so). */
  readonly synthetic: boolean;
  readonly prices: Pick<PriceBook, 'last' | 'bars' | 'barStep' | 'priceAt' | 'range'>;
  readonly buckets: Pick<LiquidationBuckets, 'series'>;
  readonly leverage: Pick<Leverage, 'change' | 'fundingNow' | 'series' | 'stepChanges'>;
  readonly levels: Pick<LevelBook, 'all' | 'get' | 'track'>;
  /** The live feeds' states (empty offline). */
  readonly feeds: Pick<FeedBoard, 'list'>;
  /** Each venue's latest liquidation print (event time), as the events name it. */
  readonly lastPrints: ReadonlyMap<string, number>;
  knownAssets(): string[];
  /** The moment figures are current as of: the clock, or a finished recording's end (its clock runs on past it). */
  dataNow(): number;
  summary(asset: string, window: string, windowMs: number, to?: number): LiquidationSummary;
  marketSummary(window: string, windowMs: number, to?: number): MarketSummary;
  windowCoverage(asset: string, windowMs: number, to?: number): Coverage;
  cascadesBetween(asset: string, from: number, to: number): CascadeRecord[];
  levelStatus(asset: string, chat?: string, at?: number): LevelReading;
}

/**
 * Within a window, the stretches a file has prints for, clipped to it, and whether they cover it: no part of it in a
 * hole between two stretches (a silence of a recording gap or more on every symbol), and less than a tenth of it (at
 * most a recording gap) before the file's first print or after its last.
 */
export function recordedIn(stretches: readonly (readonly [number, number])[], from: number, to: number): NonNullable<Coverage['recorded']> {
  const within: [number, number][] = [];
  const edge = Math.min(RECORDING_GAP_MS, (to - from) / 10);
  let full = stretches.length > 0;
  for (let i = 0; i < stretches.length; i++) {
    const [a, b] = stretches[i]!;
    if (i > 0 && Math.min(a, to) > Math.max(stretches[i - 1]![1], from)) full = false;
    if (b >= from && a <= to) within.push([Math.max(a, from), Math.min(b, to)]);
  }
  if (full && (stretches[0]![0] - from >= edge || to - stretches[stretches.length - 1]![1] >= edge)) full = false;
  // Where the file's prints are, whatever the window: its stretches when they are few, else its first and last print.
  const span: [number, number][] = stretches.length <= 3 ? stretches.map(([a, b]) => [a, b]) : [[stretches[0]![0], stretches[stretches.length - 1]![1]]];
  return { stretches: within, full, any: stretches.length > 0, ...(span.length ? { span, ...(stretches.length > 3 ? { spanGaps: true as const } : {}) } : {}) };
}

/** A level's edge away from `price`: a zone's top above price, its bottom below, and the top of a zone price is in. */
function farEdge(v: LevelView, price: number): number {
  const [lo, hi] = bounds(v.level.level);
  return v.role === 'support' ? -lo : v.role === 'resistance' ? hi : hi - price;
}

/** Prices cover nine tenths of the window at least: its move is the window's. */
function coversWindow(r: { from: number; to: number }, from: number, to: number): boolean {
  return r.to - r.from >= 0.9 * (to - from);
}

/** The queries over the engine's books; `Market` (market.ts) owns the books and feeds them. */
export abstract class MarketQueries implements MarketView {
  abstract readonly buckets: LiquidationBuckets;
  readonly history = new LiquidationHistory();
  abstract readonly prices: PriceBook;
  abstract readonly levels: LevelBook;
  abstract readonly cascades: CascadeDetector;
  readonly leverage = new Leverage();
  /** The live feeds' states (empty offline), for coverage. */
  readonly feeds = new FeedBoard();
  readonly lastPrints = new Map<string, number>();
  /** Vendor hourly totals per venue, for windows where a venue has no single orders. */
  readonly hourly = new HourlyTotals();
  /** Event time: the latest moment the engine has seen. */
  clock = -Infinity;
  synthetic = false;
  protected readonly seenExchanges = new Map<string, Set<string>>();
  protected readonly gapList: Gap[] = [];
  /** Offline: the stretches the file has liquidation prints for (`loadFile`), for coverage. Undefined live. */
  recorded: readonly (readonly [number, number])[] | undefined;
  /**
   * Offline: the venues the file has liquidation prints of, any asset's (set with `recorded` by whoever read the file
   * whole); without it, the venues of the prints the engine was given (`lastPrints`).
   */
  recordedVenues: readonly string[] | undefined;
  /** Set while a recording is replayed (a rehearsal): `recorded` is what it has replayed yet. */
  recordedSoFar = false;
  /**
   * A rehearsal's recording read to its end: its last event. The clock runs on past it (a running cascade is
   * called over), but what the recording holds is as of then: a figure it last reported then is not stale.
   */
  recordingEnd: number | undefined;

  /** The moment figures are current as of: the clock, or a finished recording's end. */
  dataNow(): number {
    return this.recordingEnd !== undefined && !this.recordedSoFar ? Math.min(this.clock, this.recordingEnd) : this.clock;
  }
  protected readonly finished: CascadeRecord[] = [];
  protected readonly finishedFlushes: EndedFlush[] = [];
  abstract readonly flushes: FlushDetector;

  constructor(readonly settings: MarketSettings) {}

  /** Fed by the live feeds (`Market.isLive`). */
  abstract isLive(): boolean;

  /**
   * Assets the engine knows: configured ones and any that sent data (a price or a level too: an asset the bot posts
   * a level break for can be asked about).
   */
  knownAssets(): string[] {
    return [
      ...new Set([...this.settings.assets, ...this.buckets.assetNames(), ...this.seenExchanges.keys(), ...this.prices.assetNames(), ...this.levels.all().map((l) => l.asset)]),
    ];
  }

  private coverage(assets: string[], from: number, to: number, fed: Iterable<string>): Coverage {
    const exchanges = [...new Set(fed)].sort();
    const all = new Set(assets.flatMap((a) => [...(this.seenExchanges.get(a) ?? [])]));
    const feeds = this.feeds.list();
    // Live without a feed (none configured, none reported yet): said, never read as a quiet market. A file has none.
    const live = !this.recorded && (this.isLive() || this.feeds.fedByReports);
    const noFeed = live && !feeds.length ? this.feeds.missing(this.settings.exchanges) : undefined;
    return {
      exchanges,
      sampled: exchanges.filter(isSampled),
      gaps: this.gapList.filter((g) => g.to >= from && g.from <= to && (all.size === 0 || all.has(g.exchange))),
      synthetic: this.synthetic,
      ...(feeds.length ? { feeds } : {}),
      ...(noFeed ? { noFeed } : {}),
      ...(this.recorded ? { recorded: { ...recordedIn(this.recorded, from, to), ...(this.recordedSoFar ? { soFar: true as const } : {}) } } : {}),
      // An empty window of a file is still the file's venues' to see: named, so a sampled one is said as such.
      ...(this.recorded && !exchanges.length ? this.fileVenues() : {}),
    };
  }

  private fileVenues(): Pick<Coverage, 'recordedVenues'> {
    const venues = [...(this.recordedVenues ?? this.lastPrints.keys())].sort();
    return venues.length ? { recordedVenues: venues } : {};
  }

  /**
   * What fed `asset`'s window (its coverage line) without the rest of a summary: `/levels`' footer, which says the
   * sources `summary` would for the same window (stored daily totals of the whole days in it too).
   */
  windowCoverage(asset: string, windowMs: number, to = this.clock): Coverage {
    const from = to - windowMs;
    const fed = this.buckets.totals(asset, from, to).byExchange;
    const c = this.coverage([asset], from, to, fed.keys());
    const hourly = [...this.hourly.window(asset, from, to).keys()].filter((ex) => !fed.has(ex));
    if (hourly.length) c.hourly = hourly.sort();
    const stored = windowMs >= DAY ? this.storedDays(asset, from, to) : undefined;
    if (stored?.totals.length && stored.venues) c.daily = stored.venues;
    const uncounted = stored?.totals.length ? [] : this.hourlyCut(asset, from, to).filter((ex) => !fed.has(ex) && !hourly.includes(ex));
    if (uncounted.length) c.hourlyUncounted = uncounted;
    return c;
  }

  /** `/liqs ASSET WINDOW` as of `to` (default: the engine's clock). */
  summary(asset: string, window: string, windowMs: number, to = this.clock): LiquidationSummary {
    const from = to - windowMs;
    // Whole days without single orders, or whose orders a vendor's day total exceeds, count with their stored daily
    // totals (which hold a vendor's hours, and the orders: `storedDays`).
    const stored = windowMs >= DAY ? this.storedDays(asset, from, to) : undefined;
    const seen = this.buckets.totals(asset, from, to);
    const t = stored?.within ? this.ordersOutside(asset, from, to, stored.within.days) : seen;
    const total = t.longUsd + t.shortUsd;
    const byExchange: Record<string, ExchangeShare> = {};
    for (const [ex, v] of [...t.byExchange].sort((a, b) => b[1].longUsd + b[1].shortUsd - (a[1].longUsd + a[1].shortUsd))) {
      const sum = v.longUsd + v.shortUsd;
      byExchange[ex] = { longUsd: v.longUsd, shortUsd: v.shortUsd, totalUsd: sum, share: total > 0 ? sum / total : 0, sampled: isSampled(ex) };
    }
    // Venues without a single order in the window count with their vendor hourly totals, marked as such.
    const hourly: string[] = [];
    let longUsd = t.longUsd, shortUsd = t.shortUsd;
    for (const [ex, v] of this.hourlyOutside(asset, from, to, stored?.totals ?? [])) {
      if (seen.byExchange.has(ex)) continue;
      hourly.push(ex);
      longUsd += v.longUsd;
      shortUsd += v.shortUsd;
      byExchange[ex] = { longUsd: v.longUsd, shortUsd: v.shortUsd, totalUsd: v.longUsd + v.shortUsd, share: 0, sampled: false, hourly: true };
    }
    if (hourly.length) {
      const all = longUsd + shortUsd;
      for (const v of Object.values(byExchange)) v.share = all > 0 ? v.totalUsd / all : 0;
      const sorted = Object.entries(byExchange).sort((a, b) => b[1].totalUsd - a[1].totalUsd);
      for (const k of Object.keys(byExchange)) delete byExchange[k];
      for (const [k, v] of sorted) byExchange[k] = v;
    }
    const s: LiquidationSummary = {
      asset,
      window,
      windowMs,
      from,
      to,
      longUsd,
      shortUsd,
      totalUsd: longUsd + shortUsd,
      count: t.count,
      byExchange,
      largest: this.buckets.largest(asset, from, to, this.settings.summary.largest),
      cascades: this.cascadesBetween(asset, from, to),
      coverage: this.coverage([asset], from, to, seen.byExchange.keys()),
    };
    const flushes = this.assetFlushes(asset, from, to);
    if (flushes.length) s.flushes = flushes;
    if (hourly.length) s.coverage.hourly = hourly.sort();
    const uncounted = stored?.totals.length ? [] : this.hourlyCut(asset, from, to).filter((ex) => !seen.byExchange.has(ex) && !hourly.includes(ex));
    if (uncounted.length) s.coverage.hourlyUncounted = uncounted;
    if (stored?.totals.length) {
      s.days = stored;
      s.longUsd += stored.longUsd;
      s.shortUsd += stored.shortUsd;
      s.totalUsd += stored.longUsd + stored.shortUsd;
      if (stored.venues) s.coverage.daily = stored.venues;
    }
    // Where a file's prints leave part of the window out, the vendor's totals of the days it touches are said beside
    // (uncut, so not counted), but for the days counted whole.
    if (s.coverage.recorded && !s.coverage.recorded.full) {
      const days = this.dayTotalsIn([asset], from, to).filter((d) => !stored?.totals.includes(d.day));
      if (days.length) s.dayTotals = days;
    }
    const r = this.prices.range(asset, from, to);
    if (r) {
      s.price = { open: r.open, close: r.close, high: r.high, low: r.low, changePct: ((r.close - r.open) / r.open) * 100 };
      if (!coversWindow(r, from, to)) Object.assign(s.price, { from: r.from, to: r.to });
    }
    const lev = leverageSnapshot(this.leverage, asset, from, to);
    if (lev) s.leverage = lev;
    if (s.totalUsd > 0 && windowMs <= DAY) {
      const side: PositionSide = s.longUsd >= s.shortUsd ? 'long' : 'short';
      const ranking = this.history.rank(asset, side, side === 'long' ? s.longUsd : s.shortUsd, dayStart(from), this.settings.summary.rankDays);
      if (ranking) s.ranking = ranking;
    }
    return s;
  }

  /**
   * The venues with a vendor's hourly total for an hour that overlaps [from, to] and is over by `to`, counted or not (a
   * window counts only the hours whole inside it, `hoursCounted`), sorted: those of them a window does not count are
   * said as such (`Coverage.hourlyUncounted`), not left to read as venues that saw nothing.
   */
  private hourlyCut(asset: string, from: number, to: number): string[] {
    return [...this.hourly.window(asset, hourStart(from), to).keys()].sort();
  }

  /** A vendor's hourly totals in [from, to), per venue, but for the hours of `days` (counted in their daily totals). */
  private hourlyOutside(asset: string, from: number, to: number, days: readonly number[]): Map<string, HourlyWindow> {
    const out = this.hourly.window(asset, from, to);
    for (const day of days) {
      for (const [ex, v] of this.hourly.window(asset, day, day + DAY)) {
        const w = out.get(ex);
        if (!w) continue;
        w.longUsd -= v.longUsd;
        w.shortUsd -= v.shortUsd;
        w.hours -= v.hours;
        if (w.hours <= 0) out.delete(ex);
      }
    }
    return out;
  }

  /**
   * Offline, where a file's prints leave a window out: the UTC days [from, to] touches that have a vendor's daily totals
   * for `assets` (summed), cut or not, but only days over at `to`: a day still running has no total yet (live it cannot
   * exist; in a back-test it would tell the future). Live, an empty window is a quiet market or feeds down, said as such.
   * A day is said only where it and the window are mostly the same time: half the window at least lies in it (the last
   * hour of a day, asked at midnight), or half the day in the window (a day's window to 06:00 holds 18 hours of the day
   * before). A day the window holds a minute or an hour of is a neighbouring day, not this window's data: "No
   * liquidation data for the last 24h" above "Feb 2 $67.1M" asked at Feb 3 23:59 read as a contradiction.
   */
  private dayTotalsIn(assets: readonly string[], from: number, to: number): NonNullable<LiquidationSummary['dayTotals']> {
    const days: NonNullable<LiquidationSummary['dayTotals']> = [];
    if (!Number.isFinite(from) || !Number.isFinite(to)) return days;
    for (let day = dayStart(from); day + DAY <= to; day += DAY) {
      const overlap = Math.min(day + DAY, to) - Math.max(day, from);
      if (2 * overlap < Math.min(DAY, to - from)) continue;
      let longUsd = 0, shortUsd = 0;
      for (const a of assets) {
        if (!this.history.hasVendorTotals(a, 'long', day) && !this.history.hasVendorTotals(a, 'short', day)) continue;
        longUsd += this.history.dayTotal(a, 'long', day);
        shortUsd += this.history.dayTotal(a, 'short', day);
      }
      if (longUsd + shortUsd > 0) days.push({ day, longUsd, shortUsd });
    }
    return days;
  }

  /**
   * How an asset's UTC days in [from, to] count (docs/how-it-decides.md, "Days"). A day with single orders counts with
   * them, unless it lies whole inside the window and a vendor's daily total for it is larger than the single orders of
   * the venue it names (of every venue, for a total of every exchange): the orders then saw part of the day only (a
   * recording of minutes, a feed that was down, a sampled stream), and the day counts with its stored total, which per
   * venue is the larger of the vendor's figure and the venue's single orders (`LiquidationHistory.dayTotal`), never
   * both added. Its single orders are then a part of that figure (`within`), said as such and not added again. A whole
   * day without single orders counts with its stored total; a day cut by the window's edge cannot (a day's total cannot
   * be cut), and counts with its single orders alone.
   */
  private storedDays(asset: string, from: number, to: number): StoredDays {
    const orders: number[] = [], totals: number[] = [];
    // A market that has seen no event has no time: no day to count (and no loop over an endless window).
    if (!Number.isFinite(from) || !Number.isFinite(to)) return { orders, totals, longUsd: 0, shortUsd: 0 };
    // Most assets have no stored day in a window (a live bot's, a file of prints): found without a bucket read.
    let any = false;
    for (let day = dayStart(from) === from ? from : dayStart(from) + DAY; day + DAY <= to && !any; day += DAY) {
      any = this.history.dayTotal(asset, 'long', day) + this.history.dayTotal(asset, 'short', day) > 0;
    }
    if (!any) return { orders, totals, longUsd: 0, shortUsd: 0 };
    let longUsd = 0, shortUsd = 0;
    const venues = new Set<string>();
    const byVenue: Record<string, { longUsd: number; shortUsd: number }> = {};
    const within = { days: [] as number[], count: 0, longUsd: 0, shortUsd: 0 };
    let unsplit = false;
    for (let day = dayStart(from); day < to; day += DAY) {
      // Only whole days inside the window: a day's total cannot be cut at the window's edge (nor be used before the
      // day is over: at `to` a later day's total is the future).
      const whole = day >= from && day + DAY <= to;
      const dayOrders = this.buckets.totals(asset, Math.max(day, from), Math.min(day + DAY - 1, to));
      if (dayOrders.count > 0 && !(whole && this.history.vendorDayExceedsOrders(asset, day))) {
        orders.push(day);
        continue;
      }
      if (!whole) continue;
      const long = this.history.dayTotal(asset, 'long', day), short = this.history.dayTotal(asset, 'short', day);
      if (long + short <= 0) continue;
      totals.push(day);
      longUsd += long;
      shortUsd += short;
      if (dayOrders.count > 0) {
        within.days.push(day);
        within.count += dayOrders.count;
        within.longUsd += dayOrders.longUsd;
        within.shortUsd += dayOrders.shortUsd;
      }
      for (const side of ['long', 'short'] as const) {
        const named = this.history.dayVenues(asset, side, day);
        if (!named.length && this.history.dayTotal(asset, side, day) > 0) unsplit = true;
        for (const v of named) venues.add(v);
        for (const [ex, usd] of this.history.dayByVenue(asset, side, day)) {
          const row = (byVenue[ex] ??= { longUsd: 0, shortUsd: 0 });
          if (side === 'long') row.longUsd += usd;
          else row.shortUsd += usd;
        }
      }
    }
    return {
      orders,
      totals,
      longUsd,
      shortUsd,
      ...(unsplit || !venues.size ? {} : { venues: [...venues].sort(), byVenue }),
      ...(within.days.length ? { within } : {}),
    };
  }

  /**
   * An asset's single orders in [from, to] but for those of `days` (days counted from their stored totals, which hold
   * them): what the window counts order by order.
   */
  private ordersOutside(asset: string, from: number, to: number, days: readonly number[]): WindowTotals {
    const t = this.buckets.totals(asset, from, to);
    for (const day of days) {
      const d = this.buckets.totals(asset, day, day + DAY - 1);
      t.count -= d.count;
      t.longUsd -= d.longUsd;
      t.shortUsd -= d.shortUsd;
      for (const [ex, v] of d.byExchange) {
        const w = t.byExchange.get(ex);
        if (!w) continue;
        w.longUsd -= v.longUsd;
        w.shortUsd -= v.shortUsd;
        // What is left of a venue's orders after its days' are taken out (to rounding): none.
        if (w.longUsd + w.shortUsd <= 1e-6 * (v.longUsd + v.shortUsd)) t.byExchange.delete(ex);
      }
    }
    if (days.length && t.count === 0) {
      t.longUsd = 0;
      t.shortUsd = 0;
    }
    return t;
  }

  /** `/liqs` with no asset: the market-wide view over every known asset. */
  marketSummary(window: string, windowMs: number, to = this.clock): MarketSummary {
    const from = to - windowMs;
    // A day or more also adds up the assets known only from stored daily totals (a vendor's history).
    const assets = windowMs >= DAY ? [...new Set([...this.knownAssets(), ...this.history.assetNames()])] : this.knownAssets();
    const out: MarketSummary = {
      asset: 'ALL', window, windowMs, from, to, longUsd: 0, shortUsd: 0, totalUsd: 0, count: 0, byAsset: {}, byExchange: {}, largest: [], flushes: this.flushesBetween(from, to),
      coverage: this.coverage(assets, from, to, []),
    };
    // Per venue: single orders, and vendor hourly totals for the assets where the venue had no single order
    // (the per-asset rule of `summary`), so a venue only a vendor covers is counted, and labelled.
    const exTotals = new Map<string, { longUsd: number; shortUsd: number; fromTotals: boolean; fromOrders: boolean }>();
    const add = (ex: string, longUsd: number, shortUsd: number, fromTotals: boolean): void => {
      const cur = exTotals.get(ex) ?? { longUsd: 0, shortUsd: 0, fromTotals: false, fromOrders: false };
      cur.longUsd += longUsd;
      cur.shortUsd += shortUsd;
      if (fromTotals) cur.fromTotals = true;
      else cur.fromOrders = true;
      exTotals.set(ex, cur);
    };
    const rows: [string, MarketSummary['byAsset'][string]][] = [];
    const stored = { days: undefined as StoredDays | undefined, totals: new Set<number>(), venues: new Set<string>(), byVenue: {} as NonNullable<StoredDays['byVenue']>, unsplit: false };
    const withOrders: string[] = [];
    // Venues with single orders in the window, those inside stored days' figures too (`StoredDays.within`).
    const fed = new Set<string>();
    const within = { days: new Set<number>(), count: 0, longUsd: 0, shortUsd: 0 };
    const withinDays = new Map<string, number[]>();
    // Venues with vendor hours the window cuts, of any asset: those counted for none are said as such.
    const cut = new Set<string>();
    for (const asset of assets) {
      const days = windowMs >= DAY ? this.storedDays(asset, from, to) : undefined;
      const seen = this.buckets.totals(asset, from, to);
      for (const ex of seen.byExchange.keys()) fed.add(ex);
      const t = days?.within ? this.ordersOutside(asset, from, to, days.within.days) : seen;
      out.count += t.count;
      for (const [ex, v] of t.byExchange) add(ex, v.longUsd, v.shortUsd, false);
      let longUsd = t.longUsd, shortUsd = t.shortUsd, hourlyUsd = 0;
      if (t.count > 0) withOrders.push(asset);
      if (days?.within) {
        withinDays.set(asset, days.within.days);
        for (const d of days.within.days) within.days.add(d);
        within.count += days.within.count;
        within.longUsd += days.within.longUsd;
        within.shortUsd += days.within.shortUsd;
      }
      if (!days?.totals.length) for (const ex of this.hourlyCut(asset, from, to)) cut.add(ex);
      for (const [ex, v] of this.hourlyOutside(asset, from, to, days?.totals ?? [])) {
        if (seen.byExchange.has(ex)) continue;
        add(ex, v.longUsd, v.shortUsd, true);
        longUsd += v.longUsd;
        shortUsd += v.shortUsd;
        hourlyUsd += v.longUsd + v.shortUsd;
      }
      if (days?.totals.length) {
        longUsd += days.longUsd;
        shortUsd += days.shortUsd;
        const all = (stored.days ??= { orders: [], totals: [], longUsd: 0, shortUsd: 0 });
        all.longUsd += days.longUsd;
        all.shortUsd += days.shortUsd;
        for (const d of days.totals) stored.totals.add(d);
        if (days.venues) for (const v of days.venues) stored.venues.add(v);
        else stored.unsplit = true;
        for (const [ex, v] of Object.entries(days.byVenue ?? {})) {
          const row = (stored.byVenue[ex] ??= { longUsd: 0, shortUsd: 0 });
          row.longUsd += v.longUsd;
          row.shortUsd += v.shortUsd;
        }
      }
      if (longUsd + shortUsd === 0) continue;
      const row: MarketSummary['byAsset'][string] = { longUsd, shortUsd, totalUsd: longUsd + shortUsd };
      if (hourlyUsd > 0) row.hourlyUsd = hourlyUsd;
      if (days?.totals.length) row.dailyUsd = days.longUsd + days.shortUsd;
      // A move is the window's only when prices cover it (not 18 minutes of prints in a week).
      const r = this.prices.range(asset, from, to);
      if (r && coversWindow(r, from, to)) row.changePct = ((r.close - r.open) / r.open) * 100;
      rows.push([asset, row]);
      out.longUsd += longUsd;
      out.shortUsd += shortUsd;
      for (const l of this.buckets.largest(asset, from, to, this.settings.summary.largest)) out.largest.push({ ...l, asset });
    }
    out.totalUsd = out.longUsd + out.shortUsd;
    if (out.totalUsd === 0 && out.coverage.recorded && !out.coverage.recorded.full) {
      const days = this.dayTotalsIn([...new Set([...this.knownAssets(), ...this.history.assetNames()])], from, to);
      if (days.length) out.dayTotals = days;
    }
    if (stored.days) {
      // The days any asset had single orders (read only here, where stored totals stand beside them).
      const orders: number[] = [];
      for (let day = dayStart(from); day < to; day += DAY) {
        const counted = (a: string) => !withinDays.get(a)?.includes(day);
        if (withOrders.some((a) => counted(a) && this.buckets.totals(a, Math.max(day, from), Math.min(day + DAY - 1, to)).count > 0)) orders.push(day);
      }
      out.days = {
        ...stored.days,
        totals: [...stored.totals].sort((a, b) => a - b),
        orders,
        ...(stored.unsplit || !stored.venues.size ? {} : { venues: [...stored.venues].sort(), byVenue: stored.byVenue }),
        ...(within.days.size ? { within: { ...within, days: [...within.days].sort((a, b) => a - b) } } : {}),
      };
    }
    rows.sort((a, b) => b[1].totalUsd - a[1].totalUsd);
    out.byAsset = Object.fromEntries(rows);
    const hourly: string[] = [];
    // Shares of what the venues are named for (stored daily totals are not split by them).
    const venueSum = [...exTotals.values()].reduce((a, v) => a + v.longUsd + v.shortUsd, 0);
    for (const [ex, v] of [...exTotals].sort((a, b) => b[1].longUsd + b[1].shortUsd - (a[1].longUsd + a[1].shortUsd))) {
      const sum = v.longUsd + v.shortUsd;
      out.byExchange[ex] = { longUsd: v.longUsd, shortUsd: v.shortUsd, totalUsd: sum, share: venueSum > 0 ? sum / venueSum : 0, sampled: isSampled(ex) };
      // A venue counted from totals alone is labelled as such; one with single orders for some assets is not.
      if (v.fromTotals && !v.fromOrders) {
        out.byExchange[ex]!.hourly = true;
        hourly.push(ex);
      }
    }
    out.largest.sort((a, b) => b.usd - a.usd);
    out.largest.length = Math.min(out.largest.length, this.settings.summary.largest);
    out.coverage = this.coverage(assets, from, to, [...new Set([...fed, ...[...exTotals].filter(([, v]) => v.fromOrders).map(([ex]) => ex)])]);
    if (hourly.length) out.coverage.hourly = hourly.sort();
    const uncounted = [...cut].filter((ex) => !exTotals.has(ex) && !fed.has(ex)).sort();
    if (uncounted.length) out.coverage.hourlyUncounted = uncounted;
    if (out.days?.venues) out.coverage.daily = out.days.venues;
    return out;
  }

  /** Market-wide flushes that overlap [from, to], ended ones first, then those running. */
  flushesBetween(from: number, to: number): FlushRecord[] {
    return [...this.endedFlushes(from, to).map((f) => f.record), ...this.runningFlushes(to)];
  }

  private endedFlushes(from: number, to: number): EndedFlush[] {
    return this.finishedFlushes.filter(({ record: f }) => (f.endedAt ?? to) >= from && f.startedAt <= to);
  }

  private runningFlushes(to: number): FlushRecord[] {
    return this.flushes.runningRecords().filter((f) => f.startedAt <= to);
  }

  /**
   * The market-wide flushes that overlap [from, to] and in which `asset` liquidated on their side, with its part: the
   * flush's own tally of the asset (an ended one's as its end told it, a running one's so far), the figure its alerts
   * give: a print after the flush's last strong one is not in it. BTC's part of Jan 27 2025's flush is $635K of $2.62M, as
   * its end said, where minute buckets read $636K with a $596 print after the flush's end.
   */
  private assetFlushes(asset: string, from: number, to: number): AssetFlush[] {
    const out: AssetFlush[] = [];
    const take = (record: FlushRecord, assetUsd: number) => {
      if (assetUsd > 0) out.push({ ...record, assetUsd });
    };
    for (const f of this.endedFlushes(from, to)) take(f.record, f.byAsset.get(asset) ?? 0);
    for (const f of this.runningFlushes(to)) take(f, this.flushes.runningAssetUsd(f.side, asset));
    return out;
  }

  cascadesBetween(asset: string, from: number, to: number): CascadeRecord[] {
    const done = this.finished.filter((c) => c.asset === asset && (c.endedAt ?? to) >= from && c.startedAt <= to);
    const running = this.cascades
      .running()
      .filter((c) => c.asset === asset)
      .map((c): CascadeRecord => {
        const extreme = this.runningExtreme(asset, c.side, c.startedAt, c.extreme);
        return { id: c.id, asset, side: c.side, startedAt: c.startedAt, usd: c.usd, ...(c.priceStart !== undefined ? { priceStart: c.priceStart } : {}), ...(extreme !== undefined ? { extreme } : {}) };
      });
    return [...done, ...running];
  }

  /**
   * A running cascade's low (a long one's) or high so far, read as its end reads it (`Market.priceDuring`): the price
   * book since it began, candles and the fills it holds (never a bankruptcy price), besides the detector's, which follows
   * prices only from when the cascade was called. BTC's $99,541.3 fill at 16:54:35 on Jan 27 2025, 20 s before its
   * cascade was called, was its low: `/liqs` and `/levels` said "low $99,546" until the end said $99,541.
   */
  private runningExtreme(asset: string, side: PositionSide, startedAt: number, followed: number | undefined): number | undefined {
    // The detector follows candles, ticks and fills (in a file of prints alone, those that filled where the market
    // traded): with none (a file of bankruptcy prices alone, which stand in as the book's prices) no low is said.
    if (followed === undefined) return undefined;
    const r = this.prices.range(asset, startedAt, this.clock);
    if (!r) return followed;
    return side === 'long' ? Math.min(followed, r.low) : Math.max(followed, r.high);
  }

  /** `/levels ASSET` for a chat (global levels and the chat's own). */
  levelStatus(asset: string, chat?: string, at = this.clock): LevelReading {
    const last = this.prices.last(asset);
    const status: LevelReading = { asset, ts: at, levels: [] };
    if (!last) {
      status.levels = this.levels
        .all()
        .filter((l) => l.asset === asset && (l.chat === undefined || l.chat === chat))
        .map((level): LevelView => {
          const track = this.levels.track(level.id);
          return { level, role: 'inside', distancePct: 0, state: 'unknown', baseState: track ? toldState(track) : 'holding' };
        });
      return status;
    }
    status.price = last.price;
    // Told at its time (a candle's close at the candle's end); the prints after it are read from its lookup time.
    status.priceTs = last.at;
    // Top to bottom by the distance each row shows (to a zone's nearest edge), so the distances read in order: a zone
    // whose top is above a price level but whose bottom is below it comes after that level ($120,000 +9.9%, then
    // $119,200–120,988 +9.2%). At one distance, the one reaching farther from price first.
    status.levels = this.levels.view(asset, last.price, chat).sort((a, b) => b.distancePct - a.distancePct || farEdge(b, last.price) - farEdge(a, last.price));
    // A level no close has put on a side (`ReadLevel.unconfirmed`): a close beyond its buffer sets `seen` (the book reads
    // the closes before the level too, when it is set), a break told `lastBreak`. Read only: when alerts fire is the book's.
    for (const v of status.levels) {
      const track = this.levels.track(v.level.id);
      if (track && track.seen === undefined && track.lastBreak === undefined) v.unconfirmed = this.settings.levels.timeframe;
    }
    const recent = this.cascadesBetween(asset, at - DAY, at);
    const lastDone = recent.filter((c) => c.endedAt !== undefined).pop();
    if (lastDone) status.lastCascade = lastDone;
    const running = recent.find((c) => c.endedAt === undefined);
    if (running) status.runningCascade = running;
    // Where price went after the last cascade ended: whether its extreme held is read on that, not on price now.
    const since = !running && lastDone?.endedAt !== undefined ? this.prices.range(asset, lastDone.endedAt, at) : undefined;
    if (since) {
      status.sinceCascade = { low: since.low, high: since.high };
      // The bars after the one the cascade ended in (a 5m candle's, a minute's for ticks and fills).
      const bar = this.prices.barStep(asset, MINUTE);
      const next = Math.floor(lastDone!.endedAt! / bar) * bar + bar;
      const later = next <= at ? this.prices.range(asset, next, at) : undefined;
      if (later) status.sinceCascade.later = { low: later.low, high: later.high };
    }
    // A day's change needs a day of prices (a bot started an hour ago has an hour's move, not a day's).
    const day = this.prices.range(asset, at - DAY, at);
    if (day && coversWindow(day, at - DAY, at)) {
      status.change24hPct = ((last.price - day.open) / day.open) * 100;
      const extremes = this.dayExtremes(asset, at);
      if (extremes) status.dayRange = extremes;
    }
    // A flush counts for the asset where the asset liquidated on its side since it began (BTC in a flush of 186 assets
    // led by it), not every flush anywhere in the market.
    const flushes = this.flushes.runningRecords().filter((f) => f.startedAt <= at && this.liquidatedOn(asset, f.side, f.startedAt, at));
    if (flushes.length) status.runningFlushes = flushes;
    const after = this.printsAfter(asset, last.ts, at, lastDone?.endedAt ?? -Infinity);
    if (after) status.printsAfterPrice = after;
    return status;
  }

  /**
   * The lowest and highest bar of the day to `at` on the asset's candles or ticks, bars as long as its prices are apart
   * (a 5m candle each), those wholly in the day: each with its bar's start, the first where two are equal.
   */
  private dayExtremes(asset: string, at: number): LevelReading['dayRange'] {
    const step = this.prices.barStep(asset, MINUTE);
    const bars = this.prices.bars(asset, Math.ceil((at - DAY) / step) * step, at, step);
    if (!bars.length) return undefined;
    let low = bars[0]!, high = bars[0]!;
    for (const bar of bars) {
      if (bar.low < low.low) low = bar;
      if (bar.high > high.high) high = bar;
    }
    return { low: { price: low.low, ts: low.ts }, high: { price: high.high, ts: high.ts } };
  }

  private liquidatedOn(asset: string, side: PositionSide, from: number, to: number): boolean {
    const t = this.buckets.totals(asset, from, to);
    return (side === 'long' ? t.longUsd : t.shortUsd) > 0;
  }

  /**
   * The asset's prints in (after, to], read a minute at a time from the largest prints each minute keeps (a fill only
   * the books hold: prints are not prices), their fills from those after `cascadeEnd` alone (a cascade's own prints
   * made its extreme), and the fills the price book holds past them (`freshFills`). A day back at most: a price older
   * than that is said as such already.
   */
  private printsAfter(asset: string, after: number, to: number, cascadeEnd: number): LevelReading['printsAfterPrice'] {
    let out: LevelReading['printsAfterPrice'];
    const from = Math.max(after + 1, to - DAY);
    const kept: LargestLiquidation[] = [];
    for (let m = Math.floor(from / MINUTE); m <= Math.floor(to / MINUTE); m++) {
      for (const p of this.buckets.largest(asset, Math.max(from, m * MINUTE), Math.min(to, m * MINUTE + MINUTE - 1), this.settings.summary.largest)) {
        out ??= { lastTs: p.ts };
        if (p.ts > out.lastTs) out.lastTs = p.ts;
        // A bankruptcy price (OKX, HTX, Bybit) lies beyond where the order filled: no price the market traded at; a dated
        // contract's fill is at its own basis to the perpetual (`isDatedContract`), no price of the asset.
        if (p.ts <= cascadeEnd || !isFillPriced(p.exchange) || isDatedContract(p.symbol)) continue;
        kept.push(p);
        if (!out.low || p.price < out.low.price) out.low = { price: p.price, ts: p.ts };
        if (!out.high || p.price > out.high.price) out.high = { price: p.price, ts: p.ts };
      }
    }
    if (!out) return out;
    const fills = this.freshFills(asset, Math.max(Math.floor(after / MINUTE), Math.floor(cascadeEnd / MINUTE)) + 1, to - DAY, to, kept);
    if (fills.low && (!out.low || fills.low.price < out.low.price)) out.low = fills.low;
    if (fills.high && (!out.high || fills.high.price > out.high.price)) out.high = fills.high;
    return out;
  }

  /**
   * The lowest and highest fill the price book holds from minute `first` (and `notBefore`) to `to`: the fills of every
   * size `PriceBook.current` read (over two minutes newer than the candles; a bankruptcy price is never one), which the
   * largest prints of a minute may leave out (BTC's $99,225.9 at 17:08:48 on Jan 27 2025, a $2.6K print under five
   * larger ones: /levels said "filled at $99,269" beside a flush's "low $99,226"). `first` must lie after the minute of
   * the last candle or tick, where the book holds nothing else: a price there below (above) the one before the window
   * is a fill. The book keeps no second: each is timed by a kept print of its price, else by its minute's start.
   */
  private freshFills(asset: string, first: number, notBefore: number, to: number, kept: readonly LargestLiquidation[]): { low?: Fill; high?: Fill } {
    first = Math.max(first, Math.ceil(notBefore / MINUTE));
    const last = Math.floor(to / MINUTE);
    const r = first <= last ? this.prices.range(asset, first * MINUTE, to) : undefined;
    if (!r) return {};
    const at = (target: number, side: 'low' | 'high'): Fill => {
      // The window's low only falls (high only rises) as it grows: the first minute it reaches `target` holds it.
      let lo = first, hi = last;
      while (lo < hi) {
        const mid = Math.floor((lo + hi) / 2);
        const part = this.prices.range(asset, first * MINUTE, Math.min(to, mid * MINUTE + MINUTE - 1));
        if (part && (side === 'low' ? part.low <= target : part.high >= target)) hi = mid;
        else lo = mid + 1;
      }
      const print = kept.find((p) => p.price === target && Math.floor(p.ts / MINUTE) === lo);
      return { price: target, ts: print?.ts ?? lo * MINUTE };
    };
    return { ...(r.low < r.open ? { low: at(r.low, 'low') } : {}), ...(r.high > r.open ? { high: at(r.high, 'high') } : {}) };
  }
}
