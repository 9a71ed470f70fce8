/**
 * Vendor hourly liquidation totals per asset and exchange (`liquidation_total`, `period: '1h'`, with an
 * exchange), kept so a window can count a venue that has no single orders in it (no public stream, or a
 * stream that was down) and say that it did. Idempotent per hour: a revised total replaces the old one.
 */
import type { LiquidationTotal, PositionSide } from './events.js';
import { hourStart } from './time.js';

export interface HourlyWindow {
  longUsd: number;
  shortUsd: number;
  /** Hours with a figure. */
  hours: number;
}

export class HourlyTotals {
  /** `asset|exchange` → hour start → usd per side. */
  private readonly series = new Map<string, Map<number, { long: number; short: number }>>();

  add(t: LiquidationTotal): void {
    if (t.period !== '1h' || !t.exchange) return;
    const key = `${t.asset}|${t.exchange}`;
    let hours = this.series.get(key);
    if (!hours) this.series.set(key, (hours = new Map()));
    const hour = hourStart(t.ts);
    const cur = hours.get(hour) ?? { long: 0, short: 0 };
    cur[t.side satisfies PositionSide] = t.usd;
    hours.set(hour, cur);
  }

  /** Per exchange, the hours that start within [from, to). */
  window(asset: string, from: number, to: number): Map<string, HourlyWindow> {
    const out = new Map<string, HourlyWindow>();
    for (const [key, hours] of this.series) {
      const [a, exchange] = key.split('|') as [string, string];
      if (a !== asset) continue;
      const w: HourlyWindow = { longUsd: 0, shortUsd: 0, hours: 0 };
      for (const [h, v] of hours) {
        if (h < from || h >= to) continue;
        w.longUsd += v.long;
        w.shortUsd += v.short;
        w.hours++;
      }
      if (w.hours) out.set(exchange, w);
    }
    return out;
  }

  /** Drop hours before `before` (retention). */
  prune(before: number): void {
    for (const hours of this.series.values()) for (const h of hours.keys()) if (h < before) hours.delete(h);
  }
}
