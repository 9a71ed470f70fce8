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
import { Market } from '../../src/core/market.js';
import { ASSETS_20 } from '../data.js';
import { weekMinutes } from '../week-events.js';

const { values } = parseArgs({ options: { rate: { type: 'string', default: '100' }, days: { type: 'string', default: '7' } } });
const rate = Number(values.rate);
const days = Number(values.days);

const config = buildConfig({ assets: ASSETS_20 }, 'bench');
const market = new Market(config);
// Held until the end, so the heap measured after GC includes everything the engine keeps.
(globalThis as { keep?: unknown }).keep = market;
const t0 = performance.now();
let events = 0;
if (rate > 0) {
  for (const minute of weekMinutes(rate, days)) {
    for (const e of minute) market.ingest(e);
    events += minute.length;
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
