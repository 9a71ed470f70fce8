/**
 * Child process of the memory figure: feeds the market engine (no store) a week of events at a steady rate
 * for 20 assets on 6 exchanges (one 1m candle per asset per minute, the rest liquidations), then prints its
 * peak RSS as one JSON line. With `--rate 0` it only loads the same modules and builds the engine: the baseline.
 *
 * Usage: node --import tsx bench/children/week.ts --rate 100 --days 7 (the bench runs it bundled, from dist/)
 */
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { buildConfig } from '../../config/load.js';
import type { Candle, Liquidation } from '../../src/core/events.js';
import { Market } from '../../src/core/market.js';
import { mulberry32 } from '../../scripts/market-day.js';
import { ASSETS_20, EXCHANGES } from '../data.js';

const { values } = parseArgs({ options: { rate: { type: 'string', default: '100' }, days: { type: 'string', default: '7' } } });
const rate = Number(values.rate);
const days = Number(values.days);
const MINUTE = 60_000;

const config = buildConfig({ assets: ASSETS_20 }, 'bench');
const market = new Market(config);
// Held until the end, so the heap measured after GC includes everything the engine keeps.
(globalThis as { keep?: unknown }).keep = market;
const t0 = performance.now();
let events = 0;
if (rate > 0) {
  const rand = mulberry32(7);
  const weights = ASSETS_20.map((_, i) => 1 / (i + 1));
  const wsum = weights.reduce((s, w) => s + w, 0);
  const cum = weights.map((_, i) => weights.slice(0, i + 1).reduce((s, w) => s + w, 0) / wsum);
  const price = ASSETS_20.map((_, i) => 100 * (i + 1));
  const symbols = ASSETS_20.map((a) => `${a}/USDT:USDT`);
  const start = Date.parse('2026-01-24T00:00:00Z');
  const perMinute = Math.round(rate * 60);
  const liqPerMinute = Math.max(0, perMinute - ASSETS_20.length);
  for (let m = 0; m < days * 1440; m++) {
    const minute = start + m * MINUTE;
    for (let i = 0; i < ASSETS_20.length; i++) {
      const open = price[i]!;
      const close = open * (1 + (rand() - 0.5) * 0.004);
      price[i] = close;
      const candle: Candle = {
        type: 'candle', ts: minute, exchange: 'bybit', symbol: symbols[i]!, timeframe: '1m',
        open, high: Math.max(open, close) * 1.0005, low: Math.min(open, close) * 0.9995, close,
      };
      market.ingest(candle);
      events++;
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
      market.ingest(l);
      events++;
    }
  }
  market.flush();
}
const ms = performance.now() - t0;
(globalThis as { gc?: () => void }).gc?.();
const mem = process.memoryUsage();
console.log(JSON.stringify({ events, ms, peakRssMb: peakRssMb(), rssMb: mem.rss / 2 ** 20, heapUsedMb: mem.heapUsed / 2 ** 20, arrayBuffersMb: mem.arrayBuffers / 2 ** 20 }));

/**
 * This process's peak RSS. On Linux, VmHWM of /proc/self/status: getrusage's maxRSS survives exec, so a child
 * spawned by a large parent would report the parent's peak.
 */
function peakRssMb(): number {
  try {
    const kb = /^VmHWM:\s+(\d+) kB$/m.exec(readFileSync('/proc/self/status', 'utf8'))?.[1];
    if (kb) return Number(kb) / 1024;
  } catch {
    // Not Linux.
  }
  return process.resourceUsage().maxRSS / 1024;
}
