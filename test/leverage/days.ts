/**
 * Generated market days where the truth about positions is known: the test says when longs are opened, at
 * what leverage and size; price follows keyframes minute by minute; a long is liquidated (a `liquidation`
 * event at its liquidation price, open interest falls by its size) the first minute price trades through
 * P × (1 − 1/L + mm). Every long has an unlevered short on the other side, so open interest = open longs.
 * Written as an event file and replayed through the real engine.
 */
import type { Config } from '../../config/schema.js';
import { buildConfig } from '../../config/load.js';
import { runFile, type OfflineRun } from '../../src/offline.js';
import { writeEvents } from '../helpers.js';

const MINUTE = 60_000;
export const HOUR = 3_600_000;
export const MM = 0.005;

/** Longs opened at a steady pace over [fromHour, toHour), split over leverages by weight. */
export interface Openings {
  fromHour: number;
  toHour: number;
  usdPerHour: number;
  leverage: Record<number, number>;
}

export interface TruthDayOptions {
  start: number;
  hours: number;
  /** [hour, price] keyframes, linear in between. */
  path: [number, number][];
  openings: Openings[];
  /** Positions closed (not liquidated) at an hour: a fraction of every open long. */
  closes?: { hour: number; fraction: number }[];
  /** Open interest that was there before (untracked, never liquidated). */
  baselineUsd?: number;
  /** Candle wick as a fraction of price. */
  wick?: number;
  asset?: string;
  /** Venue weights for open interest and liquidations. */
  venues?: Record<string, number>;
}

export interface TruthPosition {
  openedAt: number;
  entry: number;
  leverage: number;
  usd: number;
  liqPrice: number;
  liquidatedAt?: number;
}

export interface TruthDay {
  events: Record<string, unknown>[];
  positions: TruthPosition[];
  /** Price at each minute (close). */
  priceAt(t: number): number;
}

function interpolate(path: [number, number][], hour: number): number {
  if (hour <= path[0]![0]) return path[0]![1];
  for (let i = 1; i < path.length; i++) {
    const [h1, p1] = path[i]!, [h0, p0] = path[i - 1]!;
    if (hour <= h1) return p0 + ((p1 - p0) * (hour - h0)) / (h1 - h0);
  }
  return path[path.length - 1]![1];
}

export function truthDay(o: TruthDayOptions): TruthDay {
  const asset = o.asset ?? 'ETH';
  const symbol = `${asset}/USDT:USDT`;
  const venues = Object.entries(o.venues ?? { bybit: 0.6, okx: 0.4 });
  const wick = o.wick ?? 0.0005;
  const events: Record<string, unknown>[] = [];
  const positions: TruthPosition[] = [];
  const closes: number[] = [];
  const minutes = Math.round(o.hours * 60);
  let prev = interpolate(o.path, 0);
  for (let m = 0; m < minutes; m++) {
    const ts = o.start + m * MINUTE;
    const hour = m / 60;
    const close = interpolate(o.path, (m + 1) / 60);
    const open = prev;
    const high = Math.max(open, close) * (1 + wick), low = Math.min(open, close) * (1 - wick);
    closes.push(close);
    events.push({ type: 'candle', ts, exchange: 'bybit', symbol, timeframe: '1m', open, high, low, close });
    // Liquidations: longs whose liquidation price this minute traded through.
    for (const p of positions) {
      if (p.liquidatedAt !== undefined || low > p.liqPrice) continue;
      p.liquidatedAt = ts;
      for (const [ex, w] of venues) {
        events.push({ type: 'liquidation', ts: ts + 30_000, exchange: ex, symbol, side: 'long', price: p.liqPrice, amount: (p.usd * w) / p.liqPrice, usd: p.usd * w });
      }
    }
    // Positions closed by their owners.
    for (const c of o.closes ?? []) {
      if (Math.round(c.hour * 60) !== m) continue;
      for (const p of positions) if (p.liquidatedAt === undefined) p.usd *= 1 - c.fraction;
    }
    // New longs during this minute, at its close.
    for (const op of o.openings) {
      if (hour < op.fromHour || hour >= op.toHour) continue;
      const total = Object.values(op.leverage).reduce((a, w) => a + w, 0);
      for (const [lev, w] of Object.entries(op.leverage)) {
        const L = Number(lev);
        positions.push({ openedAt: ts, entry: close, leverage: L, usd: (op.usdPerHour / 60) * (w / total), liqPrice: close * (1 - 1 / L + MM) });
      }
    }
    if (m % 5 === 4) {
      const oi = (o.baselineUsd ?? 0) + positions.filter((p) => p.liquidatedAt === undefined).reduce((a, p) => a + p.usd, 0);
      for (const [ex, w] of venues) events.push({ type: 'open_interest', ts: ts + MINUTE - 1, exchange: ex, symbol, usd: oi * w });
    }
    prev = close;
  }
  return {
    events: events.sort((a, b) => (a.ts as number) - (b.ts as number)),
    positions,
    priceAt: (t) => closes[Math.min(closes.length - 1, Math.max(0, Math.floor((t - o.start) / MINUTE)))]!,
  };
}

export function truthConfig(): Config {
  return buildConfig({ assets: ['ETH'], exchanges: ['bybit', 'okx'] });
}

/** Replay a truth day through the real engine. */
export async function replayTruth(day: TruthDay, config: Config = truthConfig()): Promise<OfflineRun> {
  return runFile(writeEvents(day.events), config);
}
