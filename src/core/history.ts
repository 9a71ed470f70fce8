/**
 * Daily liquidation totals per asset and side, fed by single liquidations and by vendor history
 * (`liquidation_total`), and the rankings traders quote: "largest ETH long-liquidation day since Oct 10",
 * "2nd largest in 90 days".
 */
import type { LiquidationTotal, PositionSide } from './events.js';
import { DAY, dayStart, HOUR } from './time.js';
import { BINANCE_SAMPLED_SINCE, venueKey } from './venues.js';

/** Where a day's (or a flush's) total ranks against the asset's full days on the same side. */
export interface Ranking {
  side: PositionSide;
  usd: number;
  /** The day (UTC midnight ms) being ranked. */
  day: number;
  /** 1-based rank among the compared days, counting this one. */
  rank: number;
  /**
   * How many days were compared (including this one): the lookback's where an earlier day was larger (`since`), else
   * every comparable day the history holds ("largest in the last 400 days", not the lookback's 91).
   */
  days: number;
  /** The most recent earlier day that was larger, if any ("largest since Oct 10"). */
  since?: { day: number; usd: number };
  /**
   * Set where no day was larger and the days before Binance's stream became sampled were left out, counted another way:
   * the days compared start there (`BINANCE_SAMPLED_SINCE`), "largest since its stream became sampled (Apr 27, 2021)".
   */
  sampledSince?: number;
  /**
   * Whose figures the compared days are (a ranking is within one series, not of the whole market): the venues their
   * per-venue figures name (single orders, a vendor's totals of one venue), one name per venue (`venueKey`)...
   */
  venues?: string[];
  /** ...and set where a compared day holds a vendor's figure for every exchange at once. */
  allExchanges?: true;
}

/** Where a vendor's own total of a whole day (`period: '1d'`) is kept among its periods: no hour starts there. */
const DAILY = -1;

/**
 * A vendor's hourly totals of one venue and day, summed once the day is out of every window (`compactVendorHours`):
 * counted as the hours were (never as the vendor's own daily total, which still replaces them), with the hours it
 * holds (bit n: the hour starting n hours into the day), so a late hour is added once.
 */
class FoldedHours {
  constructor(
    public usd: number,
    public hours: number,
  ) {}
}

/** The bit of a period start that is a whole hour of its day, else 0 (a file's period may start anywhere). */
function hourBit(ts: number, day: number): number {
  const h = (ts - day) / HOUR;
  return Number.isInteger(h) && h >= 0 && h < 24 ? 2 ** h : 0;
}

/** What a venue's periods of a day add up to. */
function periodsUsd(periods: Map<number, number> | FoldedHours): number {
  if (periods instanceof FoldedHours) return periods.usd;
  let usd = 0;
  for (const v of periods.values()) usd += v;
  return usd;
}

interface DayRecord {
  /** From single liquidations, per exchange: a box added to in place (setting a Map's number allocates one per liquidation). */
  live: Map<string, { usd: number }>;
  /**
   * Vendor totals per exchange; '' = all exchanges. Hourly periods are kept by start time to stay idempotent (a
   * daily total under `DAILY`) until the day is folded (`FoldedHours`).
   */
  vendor: Map<string, Map<number, number> | FoldedHours>;
}

type DayTotals = { upTo: number; days: { day: number; usd: number }[] };

/** One asset's records, per side: looked up by the asset alone (no `asset|side` string per liquidation). */
interface AssetDays {
  long: Map<number, DayRecord>;
  short: Map<number, DayRecord>;
  /** Full days' totals per side, cached until a day before the latest one changes. */
  totals: { long?: DayTotals; short?: DayTotals };
  /** The day the asset's last liquidation went to, and that day's record per side once used: the asset's next
   *  liquidation is nearly always of the same day (the assets of a feed interleave, so one cache for all would miss). */
  day: number;
  dayLong: DayRecord | undefined;
  dayShort: DayRecord | undefined;
}

export class LiquidationHistory {
  private readonly assets = new Map<string, AssetDays>();
  private latestDay = -Infinity;

  private byDay(asset: string, side: PositionSide): Map<number, DayRecord> | undefined {
    return this.assets.get(asset)?.[side];
  }

  private clearTotals(): void {
    for (const a of this.assets.values()) a.totals = {};
  }

  private record(asset: string, side: PositionSide, day: number): DayRecord {
    let a = this.assets.get(asset);
    if (!a) this.assets.set(asset, (a = { long: new Map(), short: new Map(), totals: {}, day: NaN, dayLong: undefined, dayShort: undefined }));
    const byDay = side === 'long' ? a.long : a.short; // not `a[side]`: a keyed lookup by two names is a generic one
    let r = byDay.get(day);
    if (!r) {
      r = { live: new Map(), vendor: new Map() };
      byDay.set(day, r);
    }
    return r;
  }

  addLiquidation(asset: string, side: PositionSide, exchange: string, ts: number, usd: number): void {
    const day = dayStart(ts);
    if (day > this.latestDay) this.latestDay = day;
    else if (day < this.latestDay) this.clearTotals(); // a late event changed a past day
    const long = side === 'long';
    let a = this.assets.get(asset);
    let r = a !== undefined && a.day === day ? (long ? a.dayLong : a.dayShort) : undefined;
    if (r === undefined) {
      r = this.record(asset, side, day);
      a ??= this.assets.get(asset)!;
      if (a.day !== day) {
        a.day = day;
        a.dayLong = a.dayShort = undefined;
      }
      if (long) a.dayLong = r;
      else a.dayShort = r;
    }
    const box = r.live.get(exchange);
    if (box === undefined) r.live.set(exchange, { usd });
    else box.usd += usd;
  }

  /** A stored daily total (from the store, on start-up). */
  addDaily(asset: string, side: PositionSide, exchange: string, day: number, usd: number): void {
    this.clearTotals();
    const r = this.record(asset, side, day);
    const box = r.live.get(exchange);
    if (box === undefined) r.live.set(exchange, { usd });
    else box.usd += usd;
  }

  addVendor(t: LiquidationTotal): void {
    const day = dayStart(t.ts);
    const r = this.record(t.asset, t.side, day);
    // Only this asset's side changes (its cached totals hold days before `upTo`).
    const totals = this.assets.get(t.asset)!.totals;
    if ((totals[t.side]?.upTo ?? -Infinity) > day) delete totals[t.side];
    const ex = t.exchange ?? '';
    const held = r.vendor.get(ex);
    if (held instanceof FoldedHours) {
      // A day folded already: its daily total replaces the hours as it would have; a late hour not folded yet is
      // added (a revision of one folded is not: the hour's first figure stays, and the vendor revises only its last
      // few hours, days before a day is folded). A period off the hour has no bit to tell a resend by: left out.
      if (t.period === '1d') r.vendor.set(ex, new Map([[DAILY, t.usd]]));
      else {
        const bit = hourBit(t.ts, day);
        if (bit !== 0 && (held.hours & bit) === 0) {
          held.usd += t.usd;
          held.hours |= bit;
        }
      }
      return;
    }
    let periods = held;
    if (!periods) {
      periods = new Map();
      r.vendor.set(ex, periods);
    }
    if (t.period === '1d') periods.clear();
    else if (periods.has(DAILY)) return; // a daily figure already covers this day
    periods.set(t.period === '1d' ? DAILY : t.ts, t.usd);
  }

  /**
   * Sum each venue's hourly vendor totals of the days before `beforeDay` into one figure (`FoldedHours`): every figure
   * the history gives stays as it was, and a vendor's twelve venues of six assets hold 144 figures a day instead of
   * 3,456 hours, for as long as the bot runs. The market calls it hourly with the first day its hourly totals still
   * hold (`HOURLY_KEEP_MS`): the days before are out of every window, as the store folds them past `eventDays`.
   * Returns how many venue-days were folded.
   */
  compactVendorHours(beforeDay: number): number {
    let folded = 0;
    for (const a of this.assets.values()) {
      for (const byDay of [a.long, a.short]) {
        for (const [day, r] of byDay) {
          if (day >= beforeDay || r.vendor.size === 0) continue;
          for (const [ex, periods] of r.vendor) {
            if (periods instanceof FoldedHours || periods.has(DAILY)) continue;
            // Where a period is not a whole hour of the day (a file's), a late hour could not be told from one held: kept as is.
            let hours = 0;
            for (const ts of periods.keys()) {
              const bit = hourBit(ts, day);
              if (bit === 0) {
                hours = 0;
                break;
              }
              hours |= bit;
            }
            if (hours === 0) continue;
            r.vendor.set(ex, new FoldedHours(periodsUsd(periods), hours));
            folded++;
          }
        }
      }
    }
    return folded;
  }

  /** How many vendor figures the history holds (an hour, a day's total, a folded day): what `compactVendorHours` bounds. */
  vendorFigures(): number {
    let n = 0;
    for (const a of this.assets.values()) {
      for (const byDay of [a.long, a.short]) {
        for (const r of byDay.values()) for (const periods of r.vendor.values()) n += periods instanceof FoldedHours ? 1 : periods.size;
      }
    }
    return n;
  }

  /**
   * A day's figures for one side per venue: a vendor's figure for the venue (a daily total, or the sum of its hourly
   * ones) or the sum of our own single orders, whichever is larger: both count the same liquidations, each may miss
   * some (a sampled stream, a recording of minutes, a vendor without the venue), so the larger is what is known and the
   * two are never added. Names that are one venue (Binance's USD-M and COIN-M streams, a vendor's "binance") are one
   * row, under the vendor's name when it has a figure; without one, each stream keeps its own row.
   */
  private venueFigures(r: DayRecord): Map<string, number> {
    const groups = new Map<string, { vendorName?: string; vendor: number; live: Map<string, number> }>();
    const group = (ex: string) => {
      const key = venueKey(ex);
      let g = groups.get(key);
      if (!g) groups.set(key, (g = { vendor: 0, live: new Map() }));
      return g;
    };
    for (const [ex, box] of r.live) group(ex).live.set(ex, box.usd);
    for (const [ex, periods] of r.vendor) {
      if (ex === '') continue;
      const g = group(ex);
      g.vendorName ??= ex;
      if (periods instanceof FoldedHours) g.vendor += periods.usd;
      else for (const v of periods.values()) g.vendor += v;
    }
    const out = new Map<string, number>();
    for (const g of groups.values()) {
      if (g.vendorName === undefined) {
        for (const [ex, usd] of g.live) if (usd > 0) out.set(ex, usd);
        continue;
      }
      let live = 0;
      for (const usd of g.live.values()) live += usd;
      const usd = Math.max(g.vendor, live);
      if (usd > 0) out.set(g.vendorName, usd);
    }
    return out;
  }

  /**
   * A day's total for one side: the vendor's all-exchange figure when it is larger than the venues' own, else per
   * venue the larger of the vendor figure and our own sum (`venueFigures`: sampled streams undercount, vendors may miss
   * a venue).
   */
  dayTotal(asset: string, side: PositionSide, day: number): number {
    const r = this.byDay(asset, side)?.get(day);
    if (!r) return 0;
    let perVenue = 0;
    for (const usd of this.venueFigures(r).values()) perVenue += usd;
    const all = r.vendor.get('');
    return all ? Math.max(periodsUsd(all), perVenue) : perVenue;
  }

  /** Whether a vendor's totals (a file's or a data vendor's history) are recorded for this day and side. */
  hasVendorTotals(asset: string, side: PositionSide, day: number): boolean {
    return (this.byDay(asset, side)?.get(day)?.vendor.size ?? 0) > 0;
  }

  /**
   * Whether a vendor's daily total (`period: '1d'`) for the day is larger, on either side, than the single orders it
   * covers: its venue's (`venueKey`), or every venue's for a total of every exchange. The single orders then saw part
   * of the day only (a recording of minutes, a feed that was down, a sampled stream), and the day's figure is its
   * stored total (`dayTotal`), which holds them; where no vendor's day is larger, the orders are the day's figure.
   */
  vendorDayExceedsOrders(asset: string, day: number): boolean {
    for (const side of ['long', 'short'] as const) {
      const r = this.byDay(asset, side)?.get(day);
      if (!r) continue;
      const live = new Map<string, number>();
      let all = 0;
      for (const [ex, box] of r.live) {
        live.set(venueKey(ex), (live.get(venueKey(ex)) ?? 0) + box.usd);
        all += box.usd;
      }
      for (const [ex, periods] of r.vendor) {
        const daily = periods instanceof FoldedHours ? undefined : periods.get(DAILY);
        if (daily !== undefined && daily > (ex === '' ? all : (live.get(venueKey(ex)) ?? 0))) return true;
      }
    }
    return false;
  }

  /**
   * A day's total for one side per venue, as `dayTotal` adds them up (empty when a vendor's figure is for every
   * exchange: it is not split).
   */
  dayByVenue(asset: string, side: PositionSide, day: number): Map<string, number> {
    const r = this.byDay(asset, side)?.get(day);
    if (!r || r.vendor.has('')) return new Map();
    return this.venueFigures(r);
  }

  /** The venues a day's totals name for one side (none when a vendor's figure is for every exchange). */
  dayVenues(asset: string, side: PositionSide, day: number): string[] {
    const r = this.byDay(asset, side)?.get(day);
    if (!r || r.vendor.has('')) return [];
    return [...this.venueFigures(r).keys()];
  }

  /** The assets with any day recorded. */
  assetNames(): string[] {
    return [...this.assets.keys()];
  }

  /** Days (UTC midnight ms) with any record for the asset and side, ascending. */
  daysWithData(asset: string, side: PositionSide): number[] {
    return [...(this.byDay(asset, side)?.keys() ?? [])].sort((a, b) => a - b);
  }

  /** Full days strictly before `beforeDay` and within `lookbackDays`, with their totals. */
  priorDays(asset: string, side: PositionSide, beforeDay: number, lookbackDays: number): { day: number; usd: number }[] {
    const first = beforeDay - lookbackDays * DAY;
    const a = this.assets.get(asset);
    let cached = a?.totals[side];
    if (!cached || cached.upTo < beforeDay) {
      // Days before the latest one no longer change (unless history is loaded or a late event arrives).
      const upTo = Math.min(beforeDay, this.latestDay === -Infinity ? beforeDay : Math.max(beforeDay, this.latestDay));
      const days = this.daysWithData(asset, side)
        .filter((d) => d < upTo)
        .map((day) => ({ day, usd: this.dayTotal(asset, side, day) }))
        .filter((d) => d.usd > 0);
      cached = { upTo, days };
      if (a) a.totals[side] = cached;
    }
    return cached.days.filter((d) => d.day < beforeDay && d.day >= first);
  }

  /** Median of the prior days' totals (0 with fewer than `minDays` days of history). */
  normalDaily(asset: string, side: PositionSide, beforeDay: number, lookbackDays: number, minDays: number): number {
    const totals = this.priorDays(asset, side, beforeDay, lookbackDays).map((d) => d.usd);
    if (totals.length < Math.max(1, minDays)) return 0;
    totals.sort((a, b) => a - b);
    const mid = totals.length >> 1;
    return totals.length % 2 ? totals[mid]! : (totals[mid - 1]! + totals[mid]!) / 2;
  }

  /**
   * The median day as seen through some venues only (their own single liquidations and per-venue vendor
   * totals; all-market vendor figures left out): the normal a cascade is measured against when the bot sees
   * part of the market. 0 with fewer than `minDays` such days.
   */
  normalDailyOn(asset: string, side: PositionSide, beforeDay: number, lookbackDays: number, minDays: number, venues: ReadonlySet<string>): number {
    const byDay = this.byDay(asset, side);
    if (!byDay || venues.size === 0) return 0;
    const totals: number[] = [];
    for (const [day, r] of byDay) {
      if (day >= beforeDay || day < beforeDay - lookbackDays * DAY) continue;
      let usd = 0;
      for (const ex of new Set([...r.live.keys(), ...r.vendor.keys()])) {
        if (ex === '' || !venues.has(venueKey(ex))) continue;
        const periods = r.vendor.get(ex);
        usd += Math.max(periods ? periodsUsd(periods) : 0, r.live.get(ex)?.usd ?? 0);
      }
      if (usd > 0) totals.push(usd);
    }
    if (totals.length < Math.max(1, minDays)) return 0;
    totals.sort((a, b) => a - b);
    const mid = totals.length >> 1;
    return totals.length % 2 ? totals[mid]! : (totals[mid - 1]! + totals[mid]!) / 2;
  }

  /**
   * How `usd` (a window's or a cascade's total) ranks against full days before `beforeDay`, never against days counted
   * another way (Binance's before `BINANCE_SAMPLED_SINCE`, for a day after it).
   * Undefined without at least 7 days of history to compare with.
   */
  rank(asset: string, side: PositionSide, usd: number, beforeDay: number, lookbackDays: number): Ranking | undefined {
    // A day after Binance's stream became a sample is not held against one that counted its every order: ETH's $121M of
    // longs on Feb 3 2025 are larger than every day since Apr 27, 2021 (1,378 of Coinglass's Binance days); they used to
    // read "largest since Apr 23, 2021", a day of $122M counted whole, and now "since its stream became sampled".
    const sameCount = (d: { day: number }) => beforeDay < BINANCE_SAMPLED_SINCE || d.day >= BINANCE_SAMPLED_SINCE || !this.countsBinance(asset, side, d.day);
    const prior = this.priorDays(asset, side, beforeDay, lookbackDays).filter(sameCount);
    if (prior.length < 7 || usd <= 0) return undefined;
    const larger = prior.filter((d) => d.usd > usd);
    const ranking: Ranking = { side, usd, day: beforeDay, rank: larger.length + 1, days: prior.length + 1 };
    // "Largest since …" looks back through all history, not just the ranking's lookback.
    const held = this.priorDays(asset, side, beforeDay, 100_000);
    const all = held.filter(sameCount);
    for (let i = all.length - 1; i >= 0; i--) {
      if (all[i]!.usd > usd) {
        ranking.since = { day: all[i]!.day, usd: all[i]!.usd };
        break;
      }
    }
    if (!ranking.since) {
      // Larger than every comparable day held: that many were compared, not the lookback's (ETH's Feb 3 2025 read "in
      // the last 91 days" with 1,378 days of Binance's sampled stream before it).
      ranking.days = all.length + 1;
      if (all.length < held.length) ranking.sampledSince = BINANCE_SAMPLED_SINCE;
    }
    // The days compared: the lookback's, and back to the larger day "since" names (all of history without one).
    const from = Math.min(beforeDay - lookbackDays * DAY, ranking.since?.day ?? -Infinity);
    Object.assign(ranking, this.scope(asset, side, [...all.filter((d) => d.day >= from).map((d) => d.day), beforeDay]));
    return ranking;
  }

  /** Whether a day's figures for one side count Binance's liquidations (its own or a vendor's figure of the venue). */
  private countsBinance(asset: string, side: PositionSide, day: number): boolean {
    const r = this.byDay(asset, side)?.get(day);
    if (!r) return false;
    for (const ex of this.venueFigures(r).keys()) if (venueKey(ex) === 'binance') return true;
    return false;
  }

  /** Whose figures an asset's days are for one side: the venues named (one name each), and whether any is of every exchange. */
  private scope(asset: string, side: PositionSide, days: readonly number[]): Pick<Ranking, 'venues' | 'allExchanges'> {
    const byDay = this.byDay(asset, side);
    const venues = new Map<string, string>();
    let allExchanges = false;
    for (const day of days) {
      const r = byDay?.get(day);
      if (!r) continue;
      const every = r.vendor.get('');
      if (every !== undefined && periodsUsd(every) > 0) allExchanges = true;
      for (const ex of this.venueFigures(r).keys()) if (!venues.has(venueKey(ex))) venues.set(venueKey(ex), ex);
    }
    return { ...(venues.size ? { venues: [...venues.values()].sort() } : {}), ...(allExchanges ? { allExchanges: true as const } : {}) };
  }
}
