/**
 * Vendor hourly liquidation totals per asset and exchange (`liquidation_total`, `period: '1h'`), kept so a window can
 * count a venue that has no single orders in it (no public stream, or a stream that was down) and say that it did.
 * A total without an exchange is the vendor's for every exchange at once (the spec: omitted = all exchanges), kept
 * under `ALL_EXCHANGES`. Idempotent per hour: a revised total replaces the old one.
 */
import type { LiquidationTotal, PositionSide } from './events.js';
import { HOUR, hourStart } from './time.js';

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

export class HourlyTotals {
  /** `asset|exchange` → hour start → usd per side. */
  private readonly series = new Map<string, Map<number, { long: number; short: number }>>();
  /**
   * Whether an asset had single orders in [from, to] (the engine's buckets). An hour of a total for every exchange
   * counts only without them, as a day's total for every exchange counts only for a day without them: the orders and
   * the vendor's figure would each hold the same liquidations.
   */
  hasOrders: ((asset: string, from: number, to: number) => boolean) | undefined;

  add(t: LiquidationTotal): void {
    if (t.period !== '1h') return;
    const key = `${t.asset}|${t.exchange ?? ALL_EXCHANGES}`;
    let hours = this.series.get(key);
    if (!hours) this.series.set(key, (hours = new Map()));
    const hour = hourStart(t.ts);
    const cur = hours.get(hour) ?? { long: 0, short: 0 };
    cur[t.side satisfies PositionSide] = t.usd;
    hours.set(hour, cur);
  }

  /**
   * Per exchange, the hours that start within [from, to); under `ALL_EXCHANGES`, the hours of totals for every exchange
   * that no venue has a figure of its own for (single orders, or an hourly total: they would be counted twice).
   */
  window(asset: string, from: number, to: number): Map<string, HourlyWindow> {
    const out = new Map<string, HourlyWindow>();
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

  /** Drop hours before `before` (retention). */
  prune(before: number): void {
    for (const hours of this.series.values()) for (const h of hours.keys()) if (h < before) hours.delete(h);
  }
}
