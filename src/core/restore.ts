/**
 * What a restore reads of the stored figures before it replays the stored events, shared by the embedded bot
 * (`LiqBot.restore`) and the scale-out core (`CoreEngine.warm`), so both rebuild a market's history the same way.
 *
 * Raw events are kept whole from some day on (the prune of `retention.eventDays` cut there or before); every day
 * before the first one they hold whole counts with its stored daily total. A day the prune cut into has its kept
 * events replayed as a part of it and its stored total as the whole (the history takes the larger, never both). Live,
 * an asset outside the configured ones (an all-market stream's) was stored for the market-wide flush alone: its
 * daily totals stay out of the history.
 */
import { assetOf, type LiquidationTotal, type MarketEvent, type PositionSide } from './events.js';
import type { Market } from './market.js';
import { dayStart } from './time.js';

export interface StoredFigures {
  /** The first day the events to be replayed start at (the market's windows: 8 days back). */
  from: number;
  /** The first day the stored events hold whole. */
  whole: number;
  /** Vendor totals stamped after this are not restored (a clock glitch), only counted. */
  until: number;
  totals: Iterable<LiquidationTotal>;
  /** The stored daily totals of the days before `whole`. */
  daily: Iterable<{ asset: string; day: number; side: PositionSide; exchange: string; usd: number }>;
  /** What the stored events still hold of the days in [from, whole), summed by `countKept`. */
  kept?: ReadonlyMap<string, number>;
}

const dayKey = (asset: string, side: PositionSide, exchange: string, day: number): string => `${asset}|${side}|${exchange}|${day}`;

/** Add one stored event to the sums of what the events hold of each day (by asset, side, exchange and day). */
export function countKept(sums: Map<string, number>, e: MarketEvent): void {
  if (e.type !== 'liquidation') return;
  const key = dayKey(assetOf(e.symbol), e.side, e.exchange, dayStart(e.ts));
  sums.set(key, (sums.get(key) ?? 0) + e.usd);
}

/** Put the stored totals into the market's history; returns how many vendor totals were stamped after `until`. */
export function restoreStoredFigures(market: Market, s: StoredFigures): number {
  let future = 0;
  /** Days a vendor has figures for, by asset, side and venue, among those the prune may have cut. */
  const vendorDays = new Set<string>();
  for (const t of s.totals) {
    if (t.ts > s.until) {
      future++;
      continue;
    }
    market.history.addVendor(t);
    market.hourly.add(t);
    if (t.ts >= s.from && t.ts < s.whole) vendorDays.add(dayKey(t.asset, t.side, t.exchange ?? '', dayStart(t.ts)));
  }
  for (const d of s.daily) {
    if (!market.tracks(d.asset)) continue;
    if (d.day < s.from) {
      market.history.addDaily(d.asset, d.side, d.exchange, d.day, d.usd);
      continue;
    }
    // A day the prune cut: its events are a part of it, its stored total the whole. One the events still hold whole
    // (the prune not there yet) is theirs alone.
    const key = dayKey(d.asset, d.side, d.exchange, d.day);
    const part = s.kept?.get(key) ?? 0;
    if (d.usd - part <= Math.max(1, d.usd * 1e-9)) continue;
    // Where a vendor has the venue's day, it stays, and the rest of ours is added to the orders (the larger counts).
    if (vendorDays.has(key)) market.history.addDaily(d.asset, d.side, d.exchange, d.day, d.usd - part);
    else market.history.addVendor({ type: 'liquidation_total', ts: d.day, period: '1d', asset: d.asset, side: d.side, exchange: d.exchange, usd: d.usd });
  }
  return future;
}
