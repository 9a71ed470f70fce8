/**
 * A week of market events at a steady rate for 20 assets on 6 exchanges, minute by minute: one 1m candle per
 * asset per minute, the rest liquidations (busier assets first). Deterministic (seeded). What the memory
 * figures feed the engine (children/week.ts) and the running bot (figures/bot-memory.ts).
 */
import type { Candle, Liquidation, MarketEvent } from '../src/core/events.js';
import { mulberry32 } from '../scripts/market-day.js';
import { ASSETS_20, EXCHANGES } from './data.js';

const MINUTE = 60_000;
export const WEEK_START = Date.parse('2026-01-24T00:00:00Z');

/** Each minute's events, in time order, for `days` days from WEEK_START at `rate` events per second. */
export function* weekMinutes(rate: number, days: number): Generator<MarketEvent[]> {
  const rand = mulberry32(7);
  const weights = ASSETS_20.map((_, i) => 1 / (i + 1));
  const wsum = weights.reduce((s, w) => s + w, 0);
  const cum = weights.map((_, i) => weights.slice(0, i + 1).reduce((s, w) => s + w, 0) / wsum);
  const price = ASSETS_20.map((_, i) => 100 * (i + 1));
  const symbols = ASSETS_20.map((a) => `${a}/USDT:USDT`);
  const perMinute = Math.round(rate * 60);
  const liqPerMinute = Math.max(0, perMinute - ASSETS_20.length);
  for (let m = 0; m < days * 1440; m++) {
    const minute = WEEK_START + m * MINUTE;
    const out: MarketEvent[] = [];
    for (let i = 0; i < ASSETS_20.length; i++) {
      const open = price[i]!;
      const close = open * (1 + (rand() - 0.5) * 0.004);
      price[i] = close;
      const candle: Candle = {
        type: 'candle', ts: minute, exchange: 'bybit', symbol: symbols[i]!, timeframe: '1m',
        open, high: Math.max(open, close) * 1.0005, low: Math.min(open, close) * 0.9995, close,
      };
      out.push(candle);
    }
    for (let k = 0; k < liqPerMinute; k++) {
      const r = rand();
      let i = 0;
      while (cum[i]! < r) i++;
      const p = price[i]! * (1 + (rand() - 0.5) * 0.002);
      const usd = 100 + rand() * rand() * 200_000;
      const l: Liquidation = {
        type: 'liquidation', ts: minute + Math.floor((k * MINUTE) / liqPerMinute), exchange: EXCHANGES[Math.floor(rand() * EXCHANGES.length)]!,
        symbol: symbols[i]!, side: rand() < 0.6 ? 'long' : 'short', price: p, amount: usd / p, usd,
      };
      out.push(l);
    }
    yield out;
  }
}
