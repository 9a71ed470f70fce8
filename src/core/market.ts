/**
 * The market engine's ingestion: normalized events in, alerts out, and the level and cascade state they move.
 * The queries commands and charts ask (summaries, level status) are in market-view.ts. One instance serves
 * every chat. Time is event time: the clock only moves when events (or the caller's `catchUp`) say so,
 * which makes live runs, replays and tests behave the same.
 */
import type { Alert, CascadeFigures, CascadeEnd, ChopQuiet, LevelBreak, LevelChop } from './alerts.js';
import { LiquidationBuckets } from './buckets.js';
import { CascadeDetector, type Cascade, type CascadeEvent, type CascadeRecord } from './cascades.js';
import { FlushDetector, flushMinAssets, type FlushEvent } from './flush.js';
import { assetOf, TIMEFRAME_MS, timeframeOf, type Candle, type Liquidation, type MarketEvent, type PositionSide, type PriceTick } from './events.js';
import { LevelBook, bounds, levelKey, levelOfEvent, type Level, type LevelBreakEvent, type LevelChopEvent, type LevelTrack, type LevelValue } from './levels.js';
import { isDatedContract, PriceBook, quotedPrice, type ClosedCandle } from './prices.js';
import { flushLeverage } from './leverage-figures.js';
import { MarketQueries } from './market-view.js';
import type { MarketSettings } from './settings.js';
import { isFillPriced, isSampled, venueKey } from './venues.js';
import type { Gap } from './coverage.js';
import { DAY, dayStart, HOUR, MINUTE } from './time.js';
import { HOURLY_KEEP_MS } from './hourly-totals.js';

/** What the store should persist after a batch: changed level tracks and auto levels added or expired. */
export interface MarketChanges {
  tracks: LevelTrack[];
  added: Level[];
  removed: string[];
}

/** How long after its end a candle built from ticks waits for a late tick before it closes (`PriceBook`'s grace). */
const PRICE_GRACE_MS = 15_000;

/** What `ingest` returns when an event raised nothing (most events): one shared, frozen empty list. */
const NO_ALERTS = Object.freeze([]) as unknown as Alert[];

function byExchangeObject(m: Map<string, number>): Record<string, number> {
  return Object.fromEntries([...m].sort((a, b) => b[1] - a[1]));
}

export class Market extends MarketQueries {
  readonly buckets: LiquidationBuckets;
  readonly prices: PriceBook;
  readonly levels: LevelBook;
  readonly cascades: CascadeDetector;
  readonly flushes: FlushDetector;
  /** Cascades a market-wide flush carries: cascade id → flush id, and whether the cascade's asset led it. */
  private readonly inFlush = new Map<string, { id: string; led: boolean }>();
  /** When each running cascade's start was raised: a flush that starts within its window of it takes it over (`adopt`). */
  private readonly startRaisedAt = new Map<string, number>();
  /** The assets each running flush's start named as its leaders (who hears it besides chats that follow all). */
  private readonly flushLeads = new Map<string, string[]>();
  /** Per running flush, the low (a long one) or high each asset's price line has told: its end tells no less of the move. */
  private readonly flushExtremes = new Map<string, Map<string, number>>();
  /** Liquidations are only bucketed from here on (the offline CLI sets it to make a window exact to the ms). */
  bucketFrom = -Infinity;
  /** Told every close the levels are judged on (`replay --stats` measures breaks on the same closes). */
  onLevelClose: ((asset: string, c: ClosedCandle) => void) | undefined;

  private readonly pendingCandles: Candle[] = [];
  private nextCandleDue = Infinity;
  /** The levels' timeframe, and the end of the last candle of it a tick (or a smaller candle) went into. */
  private readonly tfMs: number;
  private lastBuiltEnd = -Infinity;
  private flushFloorUsd: number | undefined;
  /** The assets a flush needs (`flushAssetsNeeded`), for the minute of event time it was worked out in. */
  private flushAssets = { minute: NaN, count: 0 };
  /** The configured assets: live (offline too, `configuredOnly`), the only ones counted beyond the market-wide flush (`tracks`). */
  private readonly tracked: ReadonlySet<string>;
  /**
   * Live, the assets outside the configured ones an all-market stream brought, with their last print's time, and the
   * venues that brought any, with theirs: how many assets a flush takes, and what its message says it counts. One entry
   * per asset or venue (those of the last day are read; older ones are dropped as they are met).
   */
  private readonly untrackedSeen = new Map<string, number>();
  private readonly allMarketSeen = new Map<string, number>();
  /** Cascade start thresholds per asset and side, for the day they were computed on (NaN: not computed). */
  private readonly thresholdCache = new Map<string, { longDay: number; longUsd: number; shortDay: number; shortUsd: number }>();
  private changedTracks = new Set<string>();
  private addedLevels: Level[] = [];
  private removedLevels: string[] = [];
  private out: Alert[] = [];
  private lastPrune = -Infinity;

  constructor(settings: MarketSettings) {
    super(settings);
    const s = settings;
    this.tracked = new Set(s.assets);
    this.buckets = new LiquidationBuckets(s.summary.largest);
    const tfMs = (this.tfMs = TIMEFRAME_MS[s.levels.timeframe]);
    this.prices = new PriceBook(tfMs, (asset, c) => this.onCandleClose(asset, c), PRICE_GRACE_MS);
    const lv = s.levels;
    this.levels = new LevelBook({
      breakBufferPct: lv.breakBufferPct,
      atrMultiple: lv.atrMultiple,
      atrPeriods: lv.atrPeriods,
      testingPct: lv.testingPct,
      cooldownMs: 2 * tfMs,
      chopWindowMs: lv.chopHours * HOUR,
      chopCrosses: lv.chopCrosses,
      chopRangeMs: lv.chopRangeHours * HOUR,
      decisiveFactor: lv.decisiveFactor,
      decisiveMs: lv.decisiveHours * HOUR,
      acceptMs: lv.acceptHours * HOUR,
      flipMs: lv.flipHours * HOUR,
      flipBuffers: lv.flipBuffers,
      confirmMs: lv.confirmMinutes * MINUTE,
    });
    this.cascades = new CascadeDetector(
      {
        windowMs: s.cascades.windowMinutes * MINUTE,
        endFraction: s.cascades.endFraction,
        quietMs: s.cascades.quietMinutes * MINUTE,
        updateGrowth: s.cascades.updateGrowth,
        updateMinMs: s.cascades.updateMinMinutes * MINUTE,
        minLiquidations: s.cascades.minLiquidations,
        sampledPrintWeight: s.cascades.sampledPrintWeight,
        maxSingleShare: s.cascades.maxSingleShare,
        minSideShare: s.cascades.minSideShare,
        legMs: s.cascades.legMinutes * MINUTE,
      },
      (asset, side, now) => this.threshold(asset, side, now),
    );
    const f = s.flush;
    this.flushes = new FlushDetector(
      {
        windowMs: f.windowMinutes * MINUTE,
        minAssets: f.minAssets,
        maxLeaderShare: f.maxLeaderShare,
        endFraction: s.cascades.endFraction,
        quietMs: f.quietMinutes * MINUTE,
        leaders: f.leaders,
        // A flush's message is updated as a cascade's is.
        updateGrowth: s.cascades.updateGrowth,
        updateMinMs: s.cascades.updateMinMinutes * MINUTE,
        // Its next leg too is one that starts within `legMinutes` of the last one's end.
        legMs: s.cascades.legMinutes * MINUTE,
      },
      // Asked per liquidation: computed again only when a new venue is seen (seenExchanges or allMarketSeen grows).
      () => (this.flushFloorUsd ??= f.floorUsd * this.coverageShare([...new Set([...[...this.seenExchanges.values()].flatMap((x) => [...x]), ...this.allMarketSeen.keys()])])),
      (now) => this.flushAssetsNeeded(now),
    );
    // A vendor's hourly total for every exchange at once counts only for an hour without single orders (`HourlyTotals`).
    this.hourly.hasOrders = (asset, from, to) => this.buckets.totals(asset, from, to).count > 0;
  }

  /**
   * The share of the market's liquidations the bot can see through these venues: each venue's share of the
   * market, a sampled stream counting for `sampledVisibility` of its venue's. Floors are set for the whole
   * market and scaled by it, so three venues and six call the same flush.
   */
  coverageShare(exchanges: readonly string[]): number {
    const c = this.settings.cascades;
    if (exchanges.length === 0) return 1;
    const venues = new Map<string, boolean>();
    for (const ex of exchanges) venues.set(venueKey(ex), (venues.get(venueKey(ex)) ?? true) && isSampled(ex));
    let share = 0;
    for (const [v, sampled] of venues) share += (c.venueShares[v] ?? c.venueShares.default ?? 0) * (sampled ? c.sampledVisibility : 1);
    return Math.min(1, share);
  }

  /**
   * Whether the engine is fed by the live feeds (set by `liqbot start` before it restores the stored events, so a flush
   * running when the bot stopped is rebuilt by the live rule and its end raised); unset, the feeds having reported
   * says so (a scaled-out core learns it from the ingest's batches).
   */
  live?: boolean;

  /** Fed by the live feeds: set so (`live`), or the feeds have reported. */
  isLive(): boolean {
    // Asked for every print of an untracked asset: once the feeds have reported they stay listed (a gone process's
    // venues as down), so the answer is kept rather than the list built again.
    return this.live ?? (this.fedLive ||= this.feeds.list().length > 0);
  }
  private fedLive = false;

  /**
   * Offline, a user's config that names its `assets` (`runFile`'s `configuredAssets`): only those are tracked, as live
   * (`tracks`), and that is all it changes. The engine is still not live: a flush takes `minAssets` as configured (a
   * file brings every asset it holds) and its messages say nothing of what the live feeds count.
   */
  configuredOnly = false;

  /**
   * Whether an asset's liquidations count in its own figures (the books `/liqs` reads, cascades, history and normals,
   * prices, level rules) besides the market-wide flush. Offline every asset a file holds does. Live only the configured
   * ones do: the all-market streams (Binance's `!forceOrder@arr`, OKX's `liquidation-orders`) bring every contract's
   * liquidations, and those of the other assets feed the flush alone, so every figure of the tracked assets, and
   * `/liqs all`, reads as it would without them. Offline the same where the user's config names its `assets`
   * (`configuredOnly`). Readers of stored data ask it too (daily totals at restore).
   */
  tracks(asset: string): boolean {
    return this.tracked.has(asset) || !(this.configuredOnly || this.isLive());
  }

  /**
   * How many assets a market-wide flush needs. Live (the feeds report to `feeds`; they do not offline, nor in a
   * rehearsal) the liquidations that reach the engine are the configured assets' and, where a venue has an
   * all-market stream, every contract's: the rule follows the assets the bot sees, the configured ones and the others
   * seen liquidating in the last day. Where those are fewer than `flush.minAssets` (a deployment without Binance or OKX
   * sees its six), a share of them is enough (`flushMinAssets`: 4 of the six). Offline a file brings every asset it
   * holds, and `minAssets` applies as configured. Asked only once a window's sum is above the flush's threshold, and
   * worked out once a minute of event time.
   */
  private flushAssetsNeeded(now: number): number {
    const minute = Math.floor(now / MINUTE);
    if (this.flushAssets.minute === minute) return this.flushAssets.count;
    const f = this.settings.flush;
    const count = this.isLive() ? flushMinAssets(f.minAssets, f.minAssetShare, this.tracked.size + recentCount(this.untrackedSeen, now - DAY)) : f.minAssets;
    this.flushAssets = { minute, count };
    return count;
  }

  /** The start threshold for a cascade: floors, or a multiple of the asset's normal for the window. */
  threshold(asset: string, side: PositionSide, now: number): number {
    const day = dayStart(now);
    // Asked for every liquidation while no cascade runs: looked up by the asset alone, no key string built.
    let cached = this.thresholdCache.get(asset);
    if (cached === undefined) this.thresholdCache.set(asset, (cached = { longDay: NaN, longUsd: 0, shortDay: NaN, shortUsd: 0 }));
    if (side === 'long' ? cached.longDay === day : cached.shortDay === day) return side === 'long' ? cached.longUsd : cached.shortUsd;
    const c = this.settings.cascades;
    const seen = [...(this.seenExchanges.get(asset) ?? [])];
    const seenNormal = this.history.normalDailyOn(asset, side, day, c.historyDays, c.minHistoryDays, new Set(seen.map(venueKey)));
    let t: number;
    if (seenNormal > 0) {
      // A normal measured on the venues the bot sees decides (above the absolute floor, scaled the same way).
      t = Math.max(c.absoluteFloorUsd * this.coverageShare(seen), (c.multiplier * seenNormal * c.windowMinutes * MINUTE) / DAY);
    } else {
      // A market-wide normal and the floors are for the configured venues; a bot that sees a different set
      // (fewer, or sampled ones) scales them by what it sees against what it was configured for.
      const scale = seen.length ? Math.min(1, this.coverageShare(seen) / this.coverageShare(this.settings.exchanges)) : 1;
      const floor = Math.max(c.absoluteFloorUsd, c.floorsUsd[asset] ?? c.floorsUsd.default ?? 0);
      const normalDaily = this.history.normalDaily(asset, side, day, c.historyDays, c.minHistoryDays);
      t = scale * Math.max(floor, (c.multiplier * normalDaily * c.windowMinutes * MINUTE) / DAY);
    }
    if (side === 'long') {
      cached.longDay = day;
      cached.longUsd = t;
    } else {
      cached.shortDay = day;
      cached.shortUsd = t;
    }
    return t;
  }

  private normalFor(asset: string, side: PositionSide, now: number): { normalUsd?: number } {
    const c = this.settings.cascades;
    const daily = this.history.normalDaily(asset, side, dayStart(now), c.historyDays, c.minHistoryDays);
    return daily > 0 ? { normalUsd: (daily * c.windowMinutes * MINUTE) / DAY } : {};
  }

  /**
   * An asset's price over an event that ran from `from` to `to`: where it was as the event began (`start`, from
   * `startPrice`), where it was at `to`, and its low and high between, read from the book `/liqs` reads its price line
   * from (the fills the running event's figures read included, so an end never tells less of a move than its updates did).
   * An event still running (`to` is now) ends at the price of the moment, as its other figures do (`PriceBook.current`:
   * a fresh fill where candles are minutes old); one over without a price during it, at the last before it.
   */
  private priceDuring(asset: string, from: number, to: number, start: number | undefined): { start: number; end: number; low: number; high: number } | undefined {
    if (start === undefined) return undefined;
    const r = this.prices.range(asset, from, to);
    const end = to >= this.clock ? this.prices.current(asset) : (r?.close ?? start);
    if (end === undefined) return undefined;
    return { start, end, low: Math.min(r?.low ?? start, start, end), high: Math.max(r?.high ?? start, start, end) };
  }

  /**
   * The price an asset was at when something began at `at`: the last price at or before it (`PriceBook.startPrice`, an
   * hour back at most). Without one, its first within a minute of `at` (up to `to`), an asset whose first print began it;
   * one that came minutes in is not where it began, and no move is told.
   */
  private startPrice(asset: string, at: number, to: number): number | undefined {
    const before = this.prices.startPrice(asset, at, HOUR);
    if (before !== undefined) return before;
    const r = this.prices.range(asset, at, to);
    return r && r.from - at < MINUTE ? r.open : undefined;
  }

  /**
   * The price a cascade began at: where its asset was at its first print (`firstPrintAt`), not at the start of that
   * print's 10 s slice, its `startedAt`: in a file of prints alone, the last print before the slice can be minutes older
   * than the cascade (a BTC print at $100,000 five minutes before the first of its short cascade's at $100,900). Read at
   * its start (where none was known then, when a later message finds one) and kept, so its start, its updates, its end
   * and its record tell the same figure; read again at each, the start said the price of the moment it was called (Jan
   * 27 2025, BTC: $99,574 when called at 16:54:50, its updates and end $99,768 of its first print at 16:52:08).
   */
  private cascadeStart(c: Cascade, to: number): number | undefined {
    return (c.priceStart ??= this.startPrice(c.asset, c.firstPrintAt, to));
  }

  /**
   * An asset's price move from `from` to its last price, in percent (none without both). It starts at the close of the
   * minute before `from`'s, as `priceDuring`'s does: the last price the bars place at or before `from` (the close of
   * `from`'s own minute may be a price after it).
   */
  private moveSince(asset: string, from: number): { changePct?: number } {
    const before = this.prices.priceAt(asset, Math.floor(from / MINUTE) * MINUTE - 1, HOUR);
    const last = this.prices.current(asset);
    return before !== undefined && last !== undefined ? { changePct: ((last - before) / before) * 100 } : {};
  }

  private change1h(asset: string, now: number): { change1hPct?: number } {
    const { changePct } = this.moveSince(asset, now - HOUR);
    return changePct !== undefined ? { change1hPct: changePct } : {};
  }

  /** Feed one event; returns the alerts it (and the time it moved to) raised. */
  ingest(e: MarketEvent): Alert[] {
    if (this.out.length) this.out = [];
    const ts = e.ts;
    // What fell due before it with time alone (a cascade's end in a quiet stretch, a candle's close) is raised at its own
    // time, not stamped with this event's, however long the gap before it.
    if (ts > this.clock) this.moveTo(ts);
    // The busy types are read in methods of their own: V8 gives every `e.ts` (or `e.symbol`) read in one function one
    // feedback slot, which the shapes of every type would make megamorphic.
    switch (e.type) {
      case 'liquidation':
        this.liquidation(e);
        break;
      case 'candle':
        this.candle(e);
        break;
      case 'price':
        this.price(e);
        break;
      case 'liquidation_total': {
        this.history.addVendor(e);
        this.hourly.add(e);
        // A threshold reads only its own asset's and side's history, of the days before the one it is for: a
        // vendor's hourly figures for the day being played (every hour, per venue) leave it as it was.
        const cached = this.thresholdCache.get(e.asset);
        if (cached && e.side === 'long' && cached.longDay > dayStart(e.ts)) cached.longDay = NaN;
        if (cached && e.side === 'short' && cached.shortDay > dayStart(e.ts)) cached.shortDay = NaN;
        break;
      }
      case 'level':
        this.addLevel(levelOfEvent(e));
        break;
      case 'open_interest':
        this.leverage.openInterest(assetOf(e.symbol), e.exchange, e.ts, e.usd, e.symbol);
        break;
      case 'funding':
        this.leverage.funding(assetOf(e.symbol), e.exchange, e.ts, e.rate, e.intervalHours);
        break;
    }
    return this.raised();
  }

  private liquidation(l: Liquidation): void {
    const asset = assetOf(l.symbol);
    // An asset outside the configured ones (live, an all-market stream's) goes to the market-wide flush alone.
    if (!this.tracks(asset)) return this.flushOnly(l, asset);
    let seen = this.seenExchanges.get(asset);
    if (!seen) this.seenExchanges.set(asset, (seen = new Set()));
    if (!seen.has(l.exchange)) {
      seen.add(l.exchange);
      this.flushFloorUsd = undefined;
      this.thresholdCache.delete(asset);
    }
    if (l.ts >= this.bucketFrom) this.buckets.add(l, asset);
    const last = this.lastPrints.get(l.exchange);
    if (last === undefined || l.ts > last) this.lastPrints.set(l.exchange, l.ts);
    this.history.addLiquidation(asset, l.side, l.exchange, l.ts, l.usd);
    // A dated contract's liquidation is its asset's, but its price is not the asset's (`isDatedContract`).
    if (!isDatedContract(l.symbol)) {
      this.prices.liquidationPrice(asset, l.ts, l.price, isFillPriced(l.exchange));
      // Where candles are minutes old, the fills are the price: a running cascade's low or high follows them too.
      const fill = this.prices.freshFill(asset);
      if (fill !== undefined) this.cascades.price(asset, fill, fill);
    }
    const flush = this.flushes.add(asset, l.side, l.exchange, l.ts, l.usd);
    const ev = this.cascades.add(asset, l.side, l.exchange, l.ts, l.usd);
    if (flush) this.onFlush(flush, l.ts);
    if (ev) this.onCascade(ev, l.ts);
  }

  /**
   * A liquidation of an asset the bot does not track (live, brought by an all-market stream): counted in the
   * market-wide flush, and in how many assets one takes, and nowhere else: no book, cascade, history, price or
   * venue list of the tracked assets sees it.
   */
  private flushOnly(l: Liquidation, asset: string): void {
    const last = this.untrackedSeen.get(asset);
    if (last === undefined || l.ts > last) this.untrackedSeen.set(asset, l.ts);
    const venueLast = this.allMarketSeen.get(l.exchange);
    if (venueLast === undefined) this.flushFloorUsd = undefined;
    if (venueLast === undefined || l.ts > venueLast) this.allMarketSeen.set(l.exchange, l.ts);
    const flush = this.flushes.add(asset, l.side, l.exchange, l.ts, l.usd);
    if (flush) this.onFlush(flush, l.ts);
  }

  /** A dated contract's candles and ticks are no price of its asset (`isDatedContract`): left out. */
  private candle(c: Candle): void {
    if (isDatedContract(c.symbol)) return;
    if (c.ts + TIMEFRAME_MS[c.timeframe] <= this.clock) this.applyCandle(c);
    else this.holdCandle(c);
  }

  private price(p: PriceTick): void {
    if (isDatedContract(p.symbol)) return;
    this.builtAt(p.ts);
    const asset = assetOf(p.symbol);
    this.prices.tick(asset, p.exchange, p.ts, p.price);
    this.cascades.price(asset, p.price, p.price);
  }

  /** The alerts raised since the call began; a fresh list for the next call only when this one is handed out. */
  private raised(): Alert[] {
    if (this.out.length === 0) return NO_ALERTS;
    const out = this.out;
    this.out = [];
    return out;
  }

  /**
   * Move the clock to `now` as a clock that ran through the time before it would have: whatever falls due on the way
   * with no event (a cascade's or a flush's end, a candle's close) is raised at its own time, in order, not at `now`.
   * The live bot's second, a rehearsal's (minutes of its day) and a replay's gap before an event all move so.
   */
  catchUp(now: number): Alert[] {
    if (this.out.length) this.out = [];
    this.moveTo(now);
    return this.raised();
  }

  private moveTo(now: number): void {
    for (let due = this.nextDue(); due < now; due = this.nextDue()) this.tick(due);
    if (now > this.clock) this.tick(now);
  }

  /** The earliest time after the clock at which time alone could raise something (Infinity: nothing can). */
  private nextDue(): number {
    if (!Number.isFinite(this.clock)) return Infinity;
    const due = Math.min(this.nextCandleDue, this.builtDue(), this.cascades.nextDue(), this.flushes.nextDue());
    // Each step moves the clock on: something due now (a print left a cascade quiet) is looked at the next moment.
    return due > this.clock ? due : this.clock + 1;
  }

  /** A tick (or a smaller candle) went into the levels' candle of `ts`: that candle closes by time if nothing closes it before. */
  private builtAt(ts: number): void {
    const end = Math.floor(ts / this.tfMs) * this.tfMs + this.tfMs;
    if (end > this.lastBuiltEnd) this.lastBuiltEnd = end;
  }

  /**
   * When `PriceBook.advance` next closes a candle built from ticks by time (its end and the grace after it): the next
   * such moment after the clock, up to the last candle a point went into (a moment where none is open passes nothing).
   */
  private builtDue(): number {
    const end = (Math.floor((this.clock - PRICE_GRACE_MS) / this.tfMs) + 1) * this.tfMs;
    return end <= this.lastBuiltEnd ? end + PRICE_GRACE_MS : Infinity;
  }

  /** End of input: apply candles still held back (they had closed, the file just ended). */
  flush(): Alert[] {
    if (this.out.length) this.out = [];
    this.pendingCandles.sort((a, b) => a.ts + TIMEFRAME_MS[a.timeframe] - (b.ts + TIMEFRAME_MS[b.timeframe]));
    this.nextCandleDue = Infinity;
    for (const c of this.pendingCandles.splice(0)) {
      const end = c.ts + TIMEFRAME_MS[c.timeframe];
      if (end > this.clock) this.clock = end;
      this.applyCandle(c);
    }
    return this.raised();
  }

  private tick(now: number): void {
    this.clock = now;
    if (now >= this.nextCandleDue) this.releaseCandles(now);
    this.prices.advance(now);
    if (this.cascades.activeCount) {
      const ended = this.cascades.advance(now);
      if (ended.length) for (const ev of ended) this.onCascade(ev, now);
    }
    const flushEnds = this.flushes.advance(now);
    if (flushEnds.length) for (const ev of flushEnds) this.onFlush(ev, now);
    if (now - this.lastPrune > HOUR) {
      this.lastPrune = now;
      for (const l of this.levels.expire(now)) this.removedLevels.push(l.id);
      this.buckets.prune(now);
      this.prices.prune(now - 8 * DAY);
      // A vendor's hours of the days no window reads any more, summed per venue (the figures stay as they were).
      this.history.compactVendorHours(dayStart(now - HOURLY_KEEP_MS));
    }
  }

  private holdCandle(c: Candle): void {
    this.pendingCandles.push(c);
    this.nextCandleDue = Math.min(this.nextCandleDue, c.ts + TIMEFRAME_MS[c.timeframe]);
  }

  private releaseCandles(now: number): void {
    // Once a minute: one pass that keeps the candles still open in place and takes out the closed ones.
    const pending = this.pendingCandles;
    const due: Candle[] = [];
    let next = Infinity;
    let kept = 0;
    for (const c of pending) {
      const end = c.ts + TIMEFRAME_MS[c.timeframe];
      if (end <= now) due.push(c);
      else {
        pending[kept++] = c;
        if (end < next) next = end;
      }
    }
    pending.length = kept;
    this.nextCandleDue = next;
    // By close time, then by symbol: candles that close together are applied (and their alerts raised) in one order,
    // whatever order the feed or the file gave them in.
    if (due.length > 1) due.sort((a, b) => a.ts + TIMEFRAME_MS[a.timeframe] - (b.ts + TIMEFRAME_MS[b.timeframe]) || (a.symbol < b.symbol ? -1 : a.symbol > b.symbol ? 1 : 0));
    for (const c of due) this.applyCandle(c);
  }

  private applyCandle(c: Candle): void {
    const tf = TIMEFRAME_MS[c.timeframe];
    if (tf < this.tfMs) this.builtAt(c.ts + tf - 1);
    const asset = assetOf(c.symbol);
    this.prices.candle(asset, c);
    this.cascades.price(asset, c.low, c.high);
  }

  private onCandleClose(asset: string, c: ClosedCandle): void {
    this.onLevelClose?.(asset, c);
    const outcomes = this.levels.judge(asset, c);
    for (const id of this.levels.touched) this.changedTracks.add(id);
    this.levels.touched.clear();
    const ts = Math.max(this.clock, c.end);
    // The candle that confirmed it: the levels' timeframe, or a larger one when a source has only those.
    const timeframe = timeframeOf(c.end - c.ts) ?? this.settings.levels.timeframe;
    // Levels one close broke the same way (for the same audience) are one message, led by the level nearest price.
    const groups = new Map<string, LevelBreakEvent[]>();
    const chops = new Map<string, LevelChopEvent[]>();
    for (const o of outcomes) {
      this.changedTracks.add(o.event.level.id);
      // A cascade's extreme is offered on /levels (its state follows price there), not alerted on: a flush
      // that resumes through it is told by its own cascade alert, and a chat that wants the level adds it.
      if (o.event.level.source === 'cascade') continue;
      if (o.kind === 'chop') push(chops, `${o.event.level.chat ?? ''}|chop`, o.event);
      else push(groups, `${o.event.level.chat ?? ''}|${o.event.direction}`, o.event);
    }
    // A chat reads its own levels and the global ones: those the close broke the same way (or whose chop notices fell
    // due on it) join its message (the router then does not post the global one to it), so one close is one message there too.
    for (const g of [groups, chops] as Map<string, { level: Level }[]>[]) {
      for (const [key, group] of g) {
        if (key.startsWith('|')) continue;
        const seen = new Set(group.map((e) => levelKey(asset, e.level.level)));
        for (const e of g.get(key.slice(key.lastIndexOf('|'))) ?? []) if (!seen.has(levelKey(asset, e.level.level))) group.push(e);
      }
    }
    // The lead is the level nearest the close; on a tie (a prior low and the zone above it share an edge) one its own
    // rules broke before one joined to it (its chop is the one the message names), then the one set first, the
    // narrower, the id: the same lead whatever order the file or the store lists them in.
    const width = (l: Level) => bounds(l.level)[1] - bounds(l.level)[0];
    const joined = (e: object) => ('joined' in e ? 1 : 0);
    const nearest = (a: { level: Level }, b: { level: Level }) =>
      Math.abs(bounds(a.level.level)[0] - c.close) - Math.abs(bounds(b.level.level)[0] - c.close) ||
      joined(a) - joined(b) ||
      a.level.createdAt - b.level.createdAt ||
      width(a.level) - width(b.level) ||
      (a.level.id < b.level.id ? -1 : a.level.id > b.level.id ? 1 : 0);
    for (const [key, group] of chops) {
      group.sort(nearest);
      const e = group[0]!;
      const chat = key.slice(0, key.lastIndexOf('|'));
      const range: [number, number] = [Math.min(...group.map((x) => x.range[0])), Math.max(...group.map((x) => x.range[1]))];
      const chop: LevelChop = {
        kind: 'level_chop', ts, asset, key: `chop:${chat && e.level.chat !== chat ? `${chat}:` : ''}${e.level.id}:${e.ts}`, levelId: e.level.id, level: e.level.level,
        crosses: e.crosses, since: e.since, ...(e.setInChop ? { setInChop: true as const } : {}), range, price: e.price, timeframe,
        ends: this.chopQuiet(asset, group, range, e.ts),
      };
      if (e.level.label !== undefined) chop.label = e.level.label;
      if (chat) chop.chat = chat;
      if (group.length > 1) chop.also = group.slice(1).map((x) => ({ levelId: x.level.id, level: x.level.level, ...(x.level.label !== undefined ? { label: x.level.label } : {}) }));
      this.out.push(chop);
    }
    for (const [key, group] of groups) {
      group.sort(nearest);
      const br = group[0]!;
      const chat = key.slice(0, key.lastIndexOf('|'));
      const side: PositionSide = br.direction === 'down' ? 'long' : 'short';
      const alert: LevelBreak = {
        kind: 'level_break',
        ts,
        asset,
        // A chat's message led by a global level is not the global message.
        key: `level:${chat && br.level.chat !== chat ? `${chat}:` : ''}${br.level.id}:${br.ts}`,
        levelId: br.level.id,
        level: br.level.level,
        direction: br.direction,
        reclaim: br.reclaim,
        price: br.price,
        timeframe,
      };
      if (br.level.label !== undefined) alert.label = br.level.label;
      if (chat) alert.chat = chat;
      if (br.fromChop) alert.fromChop = br.fromChop;
      if (group.length > 1) {
        alert.also = group.slice(1).map((x) => ({
          levelId: x.level.id, level: x.level.level, reclaim: x.reclaim, ...(x.level.label !== undefined ? { label: x.level.label } : {}), ...(x.fromChop?.kept ? { kept: true as const } : {}),
          ...(x.fromChop ? { fromChop: x.fromChop } : {}),
        }));
      }
      // What `/liqs ASSET 1h` says at this moment: the single orders, and the vendors' hourly totals of the venues without
      // any (the hours over by now), so the member who reads the alert and asks gets the same figure.
      const lastHour = this.summary(asset, '1h', HOUR, ts);
      const usd = side === 'long' ? lastHour.longUsd : lastHour.shortUsd;
      const running = this.cascades.runningFor(asset, side);
      if (usd > 0) alert.liquidations = { side, usd, windowMs: HOUR, cascade: running !== undefined, ...(lastHour.coverage.hourly ? { hourly: lastHour.coverage.hourly } : {}) };
      this.out.push(alert);
    }
  }

  /**
   * What ends the quiet a chop notice promises (`ChopQuiet`), read back from the level rules (`LevelBook.judgeLevel`)
   * with the buffers the next close is judged with (the book has taken this close into its ATR by now). The side back
   * across is the one opposite what the chat last heard of each level (`position`): there a close far beyond ends it at
   * once, and closes beyond it for `decisiveHours` do too, which the flip window of the break before holds back to a
   * last close `flipBuffers` beyond (said only where a hold could end inside the window). A level never told a break has
   * no side the chat heard of: on the side it was set on, a close far beyond it and out of its range ends it at once.
   */
  private chopQuiet(asset: string, group: readonly LevelChopEvent[], range: [number, number], ts: number): ChopQuiet {
    const lv = this.settings.levels;
    const decisiveMs = lv.decisiveHours * HOUR;
    const buffer = this.levels.buffer(asset, group[0]!.level.level);
    const tracks = group.map((e) => this.levels.track(e.level.id)!);
    // Each level's own lines out of its chop, by its own buffer: on the side the chat last heard of a level told a
    // break, the range this notice names (its `told`); back across, or on a side never told, the range its own closes
    // made, which the range of several levels spans. The nearest of them: a close short of it ends no level's quiet.
    const own = group.map((e, i) => {
      const b = this.levels.buffer(asset, e.level.level);
      const named = (side: 'above' | 'below') => side === tracks[i]!.position && tracks[i]!.lastBreak !== undefined;
      return [(named('below') ? range : e.range)[0] - b, (named('above') ? range : e.range)[1] + b] as const;
    });
    const out: [number, number] = [Math.max(...own.map((l) => l[0])), Math.min(...own.map((l) => l[1]))];
    const quiet: ChopQuiet = { buffer, out, confirmMs: lv.confirmMinutes * MINUTE, decisiveMs };
    const position = tracks[0]?.position;
    if (!position || tracks.some((t) => t.position !== position)) return quiet;
    const across = position === 'above' ? 'below' : 'above';
    // A level's line `buffers` of its own buffer past its edge on a side; the nearest of the levels' lines.
    const past = (v: LevelValue, side: 'above' | 'below', buffers: number) => (side === 'above' ? bounds(v)[1] + buffers * this.levels.buffer(asset, v) : bounds(v)[0] - buffers * this.levels.buffer(asset, v));
    const nearest = (side: 'above' | 'below', lines: number[]) => (side === 'above' ? Math.min(...lines) : Math.max(...lines));
    quiet.across = across;
    quiet.atOnce = { [across]: nearest(across, group.map((e) => past(e.level.level, across, lv.decisiveFactor))) };
    // Set on this side and never told a break: far, and out of its own range (judgeLevel's `untoldChopEnds`).
    const untold = group.filter((_, i) => !tracks[i]!.lastBreak).map((e) => {
      const b = this.levels.buffer(asset, e.level.level);
      const far = past(e.level.level, position, lv.decisiveFactor);
      return position === 'above' ? Math.max(far, e.range[1] + b) : Math.min(far, e.range[0] - b);
    });
    if (untold.length) quiet.atOnce[position] = nearest(position, untold);
    const flipping = group.flatMap((e, i) => {
      const t = tracks[i]!;
      if (!t.lastBreak || t.real) return [];
      const until = t.lastBreak.ts + lv.flipHours * HOUR;
      const earliest = (t.beyond?.side === across ? t.beyond.since : ts) + decisiveMs;
      return until > earliest ? [{ level: e.level.level, until }] : [];
    });
    if (flipping.length) {
      quiet.flip = { until: Math.max(...flipping.map((f) => f.until)) };
      if (lv.flipBuffers < lv.decisiveFactor) quiet.flip.price = nearest(across, flipping.map((f) => past(f.level, across, lv.flipBuffers)));
    }
    return quiet;
  }

  /** A cascade's figures, with the price of the moment they are told as of (its end's, once over). */
  private figures(c: Cascade, priceNow: number | undefined): CascadeFigures {
    const exchanges = [...c.byExchange.keys()];
    const f: CascadeFigures = {
      cascadeId: c.id,
      side: c.side,
      startedAt: c.startedAt,
      usd: c.usd,
      byExchange: byExchangeObject(c.byExchange),
      exchanges,
      sampled: exchanges.filter(isSampled),
    };
    if (c.priceStart !== undefined) f.priceStart = c.priceStart;
    if (priceNow !== undefined) f.priceNow = priceNow;
    if (c.extreme !== undefined) f.extreme = c.extreme;
    if (c.previousLeg) f.previousLeg = c.previousLeg;
    return f;
  }

  private onFlush(ev: FlushEvent, now: number): void {
    const f = ev.flush;
    // Each leader's move since the flush began and its low (a long flush) or high, to now, or to its end once over: the
    // move a cascade's end tells too, from the same prices.
    const to = ev.type === 'end' ? ev.endedAt : now;
    const told = this.flushExtremes.get(f.id) ?? new Map<string, number>();
    if (ev.type === 'end') this.flushExtremes.delete(f.id);
    else this.flushExtremes.set(f.id, told);
    const during = (asset: string): { changePct?: number; extreme?: number } => {
      const p = this.priceDuring(asset, f.startedAt, to, this.startPrice(asset, f.startedAt, to));
      if (!p) return {};
      // An edit held back by `updateMinMs` can be posted after the last strong print, where its end is: the low it told
      // past that print stays the flush's.
      const before = told.get(asset) ?? (f.side === 'long' ? Infinity : -Infinity);
      const extreme = f.side === 'long' ? Math.min(p.low, before) : Math.max(p.high, before);
      told.set(asset, extreme);
      return { changePct: ((p.end - p.start) / p.start) * 100, extreme };
    };
    if (ev.type === 'start') this.flushLeads.set(f.id, f.leaders.map((l) => l.asset));
    const leadAssets = this.flushLeads.get(f.id) ?? [];
    if (ev.type === 'end') this.flushLeads.delete(f.id);
    const figures = {
      ts: now,
      asset: 'ALL' as const,
      flushId: f.id,
      leadAssets,
      side: f.side,
      startedAt: f.startedAt,
      usd: f.usd,
      assetCount: f.assetCount,
      leaders: f.leaders.map((l) => ({ ...l, ...during(l.asset) })),
      exchanges: f.exchanges,
      sampled: f.exchanges.filter(isSampled),
      byExchange: f.byExchange,
      ...(this.isLive() ? { counted: this.flushCounted(f.exchanges, now) } : {}),
      ...(f.previousLeg ? { previousLeg: f.previousLeg } : {}),
    };
    if (ev.type === 'update') {
      this.out.push({ kind: 'market_flush_update', key: `flush:${f.id}:update:${Math.round(f.usd)}`, ...figures });
      return;
    }
    if (ev.type === 'end') {
      this.out.push({ kind: 'market_flush_end', key: `flush:${f.id}:end`, ...figures, endedAt: ev.endedAt, durationMs: ev.endedAt - f.startedAt, heardUsd: ev.heardUsd });
      this.finishedFlushes.push({ record: { id: f.id, side: f.side, startedAt: f.startedAt, endedAt: ev.endedAt, usd: f.usd, assetCount: f.assetCount }, byAsset: ev.byAsset });
      if (this.finishedFlushes.length > 100) this.finishedFlushes.splice(0, this.finishedFlushes.length - 100);
      return;
    }
    // Those that start while it runs are carried by it; those already running whose start came within its window are
    // taken over (`adopts`).
    const adopts = this.adopt(f.id, f.side, f.usd, leadAssets, now);
    this.out.push({ kind: 'market_flush', key: `flush:${f.id}`, ...figures, windowMs: this.settings.flush.windowMinutes * MINUTE, ...(adopts.length ? { adopts } : {}) });
  }

  /**
   * The cascade a flush starting `now` takes over: the latest running on its side, carried by no flush, whose start was
   * raised within its window (`flush.windowMinutes`). It was posted moments before the flush was known (Oct 22 2025:
   * EVAA's short cascade at 11:18:22, the short flush EVAA led at 11:18:45); from now on it is carried by the flush as
   * one that starts inside it is (`flushId`, `ledFlush`), and the flush's start edits its message where a chat has it
   * (alerts/outbox.ts) rather than posting again. Only the latest: the chat's last message is the one an edit is seen in,
   * and another cascade's message left as it was keeps its own updates and end (FF's, posted at 11:15:39). One posted
   * before the window is told through to its end too: an edit of a message minutes up the chat would go unseen. So is
   * one whose tally is above the flush's: a chat whose minimum lies between the two heard of the cascade and would not
   * hear the flush that carries it (its updates and end would then reach it from nowhere).
   */
  private adopt(flushId: string, side: PositionSide, flushUsd: number, leads: readonly string[], now: number): string[] {
    const since = now - this.settings.flush.windowMinutes * MINUTE;
    const raised = (c: Cascade) => this.startRaisedAt.get(c.id) ?? -Infinity;
    const taken = this.cascades.running().filter((c) => c.side === side && !this.inFlush.has(c.id) && raised(c) >= since && c.usd <= flushUsd);
    const latest = taken.sort((a, b) => raised(a) - raised(b)).pop();
    if (!latest) return [];
    this.inFlush.set(latest.id, { id: flushId, led: leads.includes(latest.asset) });
    return [latest.id];
  }

  /**
   * Live, what a flush's tally counts: every contract on the venues among `exchanges` whose all-market stream brought
   * an untracked asset's liquidation in the last day, the configured assets on the others.
   */
  private flushCounted(exchanges: readonly string[], now: number): { everyContract: string[]; assets: number } {
    const everyContract = exchanges.filter((ex) => (this.allMarketSeen.get(ex) ?? -Infinity) > now - DAY);
    return { everyContract, assets: this.tracked.size };
  }

  private onCascade(ev: CascadeEvent, now: number): void {
    const c = ev.cascade;
    if (ev.type === 'start') {
      this.startRaisedAt.set(c.id, now);
      const flush = this.flushes.running(c.side);
      if (flush) this.inFlush.set(c.id, { id: flush, led: this.flushLeads.get(flush)?.includes(c.asset) ?? false });
    }
    const inFlush = this.inFlush.get(c.id);
    const start = this.cascadeStart(c, ev.type === 'end' ? ev.endedAt : now);
    let priceNow = this.prices.current(c.asset);
    if (ev.type === 'end') {
      this.inFlush.delete(c.id);
      this.startRaisedAt.delete(c.id);
      // Over, its figures are those of its own window: price where it began and where it ended, and its low (or high)
      // between, not the price when the end is told (the quiet period later). Its record and the level it offers read them.
      const p = this.priceDuring(c.asset, c.startedAt, ev.endedAt, start);
      if (p) c.extreme = c.side === 'long' ? p.low : p.high;
      priceNow = p?.end;
    }
    const base = { ts: now, asset: c.asset, ...this.figures(c, priceNow), ...(inFlush ? { flushId: inFlush.id, ...(inFlush.led ? { ledFlush: true as const } : {}) } : {}) };
    if (ev.type === 'start') {
      this.out.push({
        kind: 'cascade',
        key: `cascade:${c.id}:start`,
        ...base,
        windowUsd: ev.windowUsd,
        windowMs: this.settings.cascades.windowMinutes * MINUTE,
        thresholdUsd: c.threshold,
        ...this.normalFor(c.asset, c.side, now),
        ...this.change1h(c.asset, now),
      });
    } else if (ev.type === 'update') {
      // Its move so far reads from where it began, as its end's does (the price when it was called is minutes in), and its
      // low (high) from the price book since then, not only what the detector followed after it was called.
      const p = this.priceDuring(c.asset, c.startedAt, now, start);
      const during = p ? { extreme: c.side === 'long' ? Math.min(p.low, c.extreme ?? Infinity) : Math.max(p.high, c.extreme ?? -Infinity) } : {};
      this.out.push({ kind: 'cascade_update', key: `cascade:${c.id}:update:${Math.round(c.usd)}`, ...base, ...during });
    } else {
      const record: CascadeRecord = { id: c.id, asset: c.asset, side: c.side, startedAt: c.startedAt, endedAt: ev.endedAt, usd: c.usd };
      if (c.priceStart !== undefined) record.priceStart = c.priceStart;
      if (c.extreme !== undefined) record.extreme = c.extreme;
      this.finished.push(record);
      if (this.finished.length > 500) this.finished.splice(0, this.finished.length - 500);
      const end: CascadeEnd = {
        kind: 'cascade_end',
        key: `cascade:${c.id}:end`,
        ...base,
        endedAt: ev.endedAt,
        durationMs: ev.endedAt - c.startedAt,
        heardUsd: ev.heardUsd,
      };
      const ranking = this.history.rank(c.asset, c.side, c.usd, dayStart(c.startedAt), this.settings.summary.rankDays);
      if (ranking) end.ranking = ranking;
      // Open interest flushed: on venues whose figure is current at both ends (a venue stale for hours would read flat).
      const oi = this.leverage.change(c.asset, c.startedAt - HOUR, ev.endedAt, { current: true });
      if (oi && oi.venues > 0) end.oi = { beforeUsd: oi.beforeUsd, afterUsd: oi.afterUsd, venues: oi.venues };
      const lev = flushLeverage(this.leverage, c.asset, c.startedAt, ev.endedAt, byExchangeObject(c.byExchange));
      if (lev) end.leverage = lev;
      if (this.offerCascadeLevel(c, ev.endedAt)) end.levelOffered = true;
      this.out.push(end);
    }
  }

  /** A cascade's extreme becomes a level ("cascade low $2,350") unless one already sits there. */
  private offerCascadeLevel(c: Cascade, at: number): boolean {
    const days = this.settings.levels.cascadeLevelDays;
    // Only a major flush leaves a level worth watching: ten times what it took to call it a cascade.
    if (c.extreme === undefined || days <= 0 || c.usd < 10 * c.threshold) return false;
    // The extreme as replies quote it: the level, the reading and the alert all print the same price.
    const price = quotedPrice(c.extreme);
    const near = this.levels.all().some((l) => {
      if (l.asset !== c.asset || l.chat !== undefined) return false;
      const [lo, hi] = bounds(l.level);
      return Math.abs((price < lo ? lo : price > hi ? hi : price) - price) / price <= this.settings.levels.testingPct / 100;
    });
    if (near) return false;
    const level: Level = {
      id: `cascade:${c.id}`,
      asset: c.asset,
      level: price,
      label: c.side === 'long' ? 'cascade low' : 'cascade high',
      source: 'cascade',
      createdAt: at,
      expiresAt: at + days * DAY,
    };
    this.addLevel(level);
    this.addedLevels.push(level);
    return true;
  }

  addLevel(level: Level, restored?: LevelTrack): void {
    this.levels.add(level, this.prices.last(level.asset)?.price, restored);
    if (!restored) this.changedTracks.add(level.id);
  }

  removeLevel(id: string): boolean {
    return this.levels.remove(id);
  }

  /** Record a feed gap (an exchange's stream was down). */
  gap(g: Gap): void {
    this.gapList.push(g);
    if (this.gapList.length > 1000) this.gapList.splice(0, this.gapList.length - 1000);
  }

  /** What changed since the last call, for the store to persist. */
  drainChanges(): MarketChanges {
    const tracks = [...this.changedTracks].map((id) => this.levels.track(id)).filter((t): t is LevelTrack => t !== undefined);
    const changes = { tracks, added: this.addedLevels, removed: this.removedLevels };
    this.changedTracks = new Set();
    this.addedLevels = [];
    this.removedLevels = [];
    return changes;
  }
}

/** How many entries were seen after `since`; older ones are dropped (the map stays one entry per recent key). */
function recentCount(lastSeen: Map<string, number>, since: number): number {
  let n = 0;
  for (const [key, ts] of lastSeen) {
    if (ts > since) n++;
    else lastSeen.delete(key);
  }
  return n;
}

/** Add `v` to the list kept under `key`. */
function push<T>(m: Map<string, T[]>, key: string, v: T): void {
  const list = m.get(key);
  if (list) list.push(v);
  else m.set(key, [v]);
}
