/**
 * Vendor hourly liquidation totals per asset and exchange (`liquidation_total`, `period: '1h'`), kept so a window can
 * count a venue that has no single orders in it (no public stream, or a stream that was down) and say that it did.
 * A window counts the hours that lie whole inside it (`hoursCounted`). A total without an exchange is the vendor's for every
 * exchange at once (the spec: omitted = all exchanges), kept under `ALL_EXCHANGES`. Idempotent per hour: a revised total replaces the old one. Only the hours a window can still
 * ask for are kept (`HOURLY_KEEP_MS`): a vendor's twelve venues of six assets are 1,728 venue-hours a day, which a year of
 * running would otherwise hold for good (the day's sums stay in the daily history, `LiquidationHistory`).
 */
import type { LiquidationTotal, PositionSide } from './events.js';
import { DAY, HOUR, hourStart, minuteStart } from './time.js';

/**
 * How far back from the newest total hours are kept: the longest window a command offers (7d, config/windows.ts) and
 * the UTC day it starts in, whose hours a summary reads to set a stored day's total apart (`hourlyOutside`) — what the
 * bot restores of raw events too. The newest total is never later than the clock, so this always covers
 * [dayStart(clock − 7d), clock].
 */
export const HOURLY_KEEP_MS = 8 * DAY;

export interface HourlyWindow {
  longUsd: number;
  shortUsd: number;
  /** Hours with a figure. */
  hours: number;
}

/**
 * What a window's figures name a vendor's hourly totals for every exchange at once by, where a venue's are named by
 * its exchange id: no exchange id can be it (ids are read lower-case). The summaries count it as they count a venue
 * of hourly totals (in the totals, labelled "hourly totals"); src/io/json.ts keeps it out of `byExchange`, as it keeps
 * daily totals for every exchange out: they are nobody's.
 */
export const ALL_EXCHANGES = 'All exchanges';

/**
 * The vendor hours a window [from, to] counts: those that lie whole inside it as its ends read on the clock (cut to
 * the minute, as replies show them), from the first hour boundary at or after the minute `from` falls in to the last at
 * or before `to`. A total covers [ts, ts + 1h) and cannot be cut: an hour the window's start falls inside is left out
 * (a 1h window to 14:59 holds one minute of 13:00–14:00, whose total would read as "in the last 1h"), and so is an hour
 * still running at `to` (at 14:30 the 14:00 hour's total is 30 minutes of the future). A window of whole hours counts
 * exactly its own hours (to 14:00:30 as to 14:00); any other counts fewer hours than it is long, a 1h window off the
 * hour none (replies name the hours counted, and the venues whose hours a window holds none of whole:
 * `Coverage.hourlyUncounted`).
 */
export function hoursCounted(from: number, to: number): [number, number] {
  const first = Math.ceil(minuteStart(from) / HOUR) * HOUR;
  // `to + 1`: a window whose inclusive end is the last millisecond of an hour (the digest's) counts that hour too.
  return [first, Math.max(first, hourStart(to + 1))];
}

export class HourlyTotals {
  /** `asset|exchange` → hour start → usd per side. */
  private readonly series = new Map<string, Map<number, { long: number; short: number }>>();
  /**
   * Whether an asset had single orders in [from, to] (the engine's buckets). An hour of a total for every exchange
   * counts only without them, as a day's total for every exchange counts only for a day without them: the orders and
   * the vendor's figure would each hold the same liquidations.
   */
  hasOrders: ((asset: string, from: number, to: number) => boolean) | undefined;
  /** The newest hour added: hours more than `keepMs` before it are dropped. */
  private newest = -Infinity;

  constructor(private readonly keepMs = HOURLY_KEEP_MS) {}

  add(t: LiquidationTotal): void {
    if (t.period !== '1h') return;
    const hour = hourStart(t.ts);
    if (hour < this.newest - this.keepMs) return; // already out of every window (a late revision, an old row restored)
    if (hour > this.newest) {
      // Once per hour of the totals' own time (not per total: a trim walks every venue's hours), so the hours kept
      // follow the market however long the bot runs.
      this.newest = hour;
      this.prune(hour - this.keepMs);
    }
    const key = `${t.asset}|${t.exchange ?? ALL_EXCHANGES}`;
    let hours = this.series.get(key);
    if (!hours) this.series.set(key, (hours = new Map()));
    const cur = hours.get(hour) ?? { long: 0, short: 0 };
    cur[t.side satisfies PositionSide] = t.usd;
    hours.set(hour, cur);
  }

  /**
   * Per exchange, the hours a window [from, to] counts (`hoursCounted`: those whole inside it); under `ALL_EXCHANGES`, the
   * hours of totals for every exchange that no venue has a figure of its own for (single orders, or an hourly total:
   * they would be counted twice).
   */
  window(asset: string, windowFrom: number, windowTo: number): Map<string, HourlyWindow> {
    const out = new Map<string, HourlyWindow>();
    const [from, to] = hoursCounted(windowFrom, windowTo);
    let all: Map<number, { long: number; short: number }> | undefined;
    const venueHours = new Set<number>();
    for (const [key, hours] of this.series) {
      const [a, exchange] = key.split('|') as [string, string];
      if (a !== asset) continue;
      if (exchange === ALL_EXCHANGES) {
        all = hours;
        continue;
      }
      const w: HourlyWindow = { longUsd: 0, shortUsd: 0, hours: 0 };
      for (const [h, v] of hours) {
        if (h < from || h >= to) continue;
        w.longUsd += v.long;
        w.shortUsd += v.short;
        w.hours++;
        venueHours.add(h);
      }
      if (w.hours) out.set(exchange, w);
    }
    if (all) {
      const w: HourlyWindow = { longUsd: 0, shortUsd: 0, hours: 0 };
      for (const [h, v] of all) {
        if (h < from || h >= to || venueHours.has(h) || this.hasOrders?.(asset, h, h + HOUR - 1)) continue;
        w.longUsd += v.long;
        w.shortUsd += v.short;
        w.hours++;
      }
      if (w.hours) out.set(ALL_EXCHANGES, w);
    }
    return out;
  }

  /** Drop hours before `before`, and a venue left with none. */
  prune(before: number): void {
    for (const [key, hours] of this.series) {
      for (const h of hours.keys()) if (h < before) hours.delete(h);
      if (hours.size === 0) this.series.delete(key);
    }
  }

  /** How many hours are held, over every asset and venue (what retention bounds). */
  get size(): number {
    let n = 0;
    for (const hours of this.series.values()) n += hours.size;
    return n;
  }
}
