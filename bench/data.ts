/**
 * Deterministic data for the benchmarks: an event file of N liquidations over several market days (the
 * bundled January 31 shapes, scaled to the count, plus three more assets), and a 90-day history of 20 assets
 * on 6 exchanges, streamed minute by minute for the `/liqs` figures.
 */
import { createWriteStream } from 'node:fs';
import { once } from 'node:events';
import { generateDay, january31, mulberry32, type AssetDay } from '../scripts/market-day.js';

const MINUTE = 60_000;
const DAY = 86_400_000;

export const EXCHANGES = ['binanceusdm', 'bybit', 'okx', 'bitget', 'hyperliquid', 'gate'] as const;

export interface IngestFile {
  path: string;
  lines: number;
  /** Market events in the file (every line but the `meta` one). */
  events: number;
  liquidations: number;
  candles: number;
  bytes: number;
  days: number;
  assets: string[];
  exchanges: string[];
}

/** Three more assets on top of the bundled day's five, so the file is not an ETH/BTC-only stream. */
function extraAssets(): AssetDay[] {
  const ex = { binanceusdm: 25, bybit: 30, okx: 20, bitget: 12, hyperliquid: 8, gate: 5 };
  return [
    { asset: 'BNB', path: [[0, 640], [12, 632], [15, 596], [24, 605]], longUsd: 30_000_000, shortUsd: 5_000_000, exchanges: ex, avgOrderUsd: 9_000 },
    { asset: 'ADA', path: [[0, 0.71], [12, 0.7], [15, 0.64], [24, 0.66]], longUsd: 18_000_000, shortUsd: 3_000_000, exchanges: ex, avgOrderUsd: 5_000 },
    { asset: 'LINK', path: [[0, 14.2], [12, 14.0], [15, 12.9], [24, 13.3]], longUsd: 14_000_000, shortUsd: 2_500_000, exchanges: ex, avgOrderUsd: 4_000 },
  ];
}

function expectedOrders(a: AssetDay): number {
  return (a.longUsd + a.shortUsd) / (a.avgOrderUsd ?? 40_000);
}

/**
 * Write an event file ending with its `liquidations`-th liquidation: consecutive flush days (each starts
 * where the previous one closed), candles, open interest and funding, vendor history and levels on day one.
 * Order sizes are scaled so the count fits in `days` days with realistic daily USD totals.
 */
export async function writeIngestFile(path: string, liquidations: number, days: number): Promise<IngestFile> {
  const base = january31();
  const assets = [...base.assets, ...extraAssets()];
  const perDay = assets.reduce((s, a) => s + expectedOrders(a), 0);
  // A little over the target so the last day is cut, not short.
  const scale = (liquidations / days / perDay) * 1.04;
  const out = createWriteStream(path, { encoding: 'utf8', highWaterMark: 1 << 20 });
  const info: IngestFile = { path, lines: 0, events: 0, liquidations: 0, candles: 0, bytes: 0, days: 0, assets: assets.map((a) => a.asset), exchanges: [...EXCHANGES] };
  const last = new Map<string, number>();
  let chunk: string[] = [];
  const write = async (line: string) => {
    chunk.push(line);
    info.lines++;
    info.bytes += line.length + 1;
    if (chunk.length >= 4096) {
      if (!out.write(chunk.join('\n') + '\n')) await once(out, 'drain');
      chunk = [];
    }
  };
  outer: for (let d = 0; d < days + 4; d++) {
    const day = base.day + d * DAY;
    const dayAssets = assets.map((a): AssetDay => {
      const k = (last.get(a.asset) ?? a.path[0]![1]) / a.path[0]![1];
      const shaped: AssetDay = {
        ...a,
        path: a.path.map(([h, p]) => [h, p * k]),
        wicks: (a.wicks ?? []).map(([h, p]) => [h, p * k]),
        avgOrderUsd: (a.avgOrderUsd ?? 40_000) / scale,
      };
      if (d > 0) delete shaped.levels;
      last.set(a.asset, a.path[a.path.length - 1]![1] * k);
      return shaped;
    });
    const events = generateDay({ day, assets: dayAssets, seed: base.seed! + d, synthetic: d === 0 });
    info.days++;
    for (const e of events) {
      // Later days: only the day itself (history and the build-up of open interest come with day one).
      if (d > 0 && e.ts < day) continue;
      if (e.type === 'liquidation') {
        info.liquidations++;
      } else if (e.type === 'candle') info.candles++;
      if (e.type !== 'meta') info.events++;
      await write(JSON.stringify(e));
      if (info.liquidations >= liquidations) break outer;
    }
  }
  if (chunk.length) out.write(chunk.join('\n') + '\n');
  out.end();
  await once(out, 'finish');
  return info;
}

// ---- a quarter of history for /liqs ----

export interface HistorySpec {
  assets: number;
  days: number;
  /** Liquidations per day over all assets (split by popularity: the first asset is the busiest). */
  perDay: number;
  /** The day after the last one (UTC midnight). */
  end: number;
  seed: number;
}

export const ASSETS_20 = ['BTC', 'ETH', 'SOL', 'XRP', 'DOGE', 'BNB', 'ADA', 'LINK', 'AVAX', 'SUI', 'TRX', 'LTC', 'DOT', 'TON', 'NEAR', 'APT', 'ARB', 'OP', 'PEPE', 'WIF'];
const START_PRICE = [84_000, 3_000, 118, 1.9, 0.21, 640, 0.71, 14.2, 22, 2.4, 0.24, 88, 4.1, 3.2, 2.9, 5.4, 0.33, 0.62, 0.0000089, 0.61];
const EX_WEIGHTS = [0.22, 0.3, 0.2, 0.14, 0.09, 0.05];

export interface HistoryMinute {
  ts: number;
  /** One 1m candle per asset (bybit). */
  candles: { asset: string; symbol: string; open: number; high: number; low: number; close: number }[];
  /** Liquidations of the minute, in time order. */
  liquidations: { ts: number; asset: string; symbol: string; exchange: string; side: 'long' | 'short'; price: number; amount: number; usd: number }[];
}

/**
 * Minute by minute, `days` days of 20 assets on 6 exchanges: a random-walk price per asset and liquidations
 * whose rate follows the size of the minute's move (quiet drift, bursts in sharp moves), about `perDay` a day.
 */
export function* historyMinutes(spec: HistorySpec): Generator<HistoryMinute> {
  const rand = mulberry32(spec.seed);
  const gauss = () => Math.sqrt(-2 * Math.log(Math.max(rand(), 1e-12))) * Math.cos(2 * Math.PI * rand());
  const names = ASSETS_20.slice(0, spec.assets);
  const weights = names.map((_, i) => 1 / (i + 1));
  const wsum = weights.reduce((s, w) => s + w, 0);
  const perMinute = names.map((_, i) => (spec.perDay * weights[i]!) / wsum / 1440);
  const price = names.map((_, i) => START_PRICE[i % START_PRICE.length]!);
  const drift = names.map(() => 0);
  /** A running flush per asset: minutes left and direction (price falls 0.3% a minute in a long flush). */
  const shock = names.map(() => ({ left: 0, dir: -1 }));
  const symbols = names.map((a) => `${a}/USDT:USDT`);
  const start = spec.end - spec.days * DAY;
  for (let ts = start; ts < spec.end; ts += MINUTE) {
    const m: HistoryMinute = { ts, candles: [], liquidations: [] };
    for (let i = 0; i < names.length; i++) {
      const open = price[i]!;
      const s = shock[i]!;
      if (s.left === 0 && rand() < 1 / 2880) {
        s.left = 20 + Math.floor(rand() * 40);
        s.dir = rand() < 0.7 ? -1 : 1;
      }
      drift[i] = drift[i]! * 0.97 + gauss() * 0.00003;
      let move = drift[i]! + gauss() * 0.0007;
      if (s.left > 0) {
        s.left--;
        move += s.dir * 0.003;
      }
      const close = open * (1 + move);
      const high = Math.max(open, close) * (1 + Math.abs(gauss()) * 0.0004);
      const low = Math.min(open, close) * (1 - Math.abs(gauss()) * 0.0004);
      price[i] = close;
      m.candles.push({ asset: names[i]!, symbol: symbols[i]!, open, high, low, close });
      // More liquidations in bigger moves, on the side the move hurts.
      const intensity = Math.min(20, (move / 0.0007) ** 2);
      const expected = perMinute[i]! * (0.35 + 0.65 * intensity);
      let n = Math.floor(expected);
      if (rand() < expected - n) n++;
      for (let k = 0; k < n; k++) {
        const side: 'long' | 'short' = rand() < (move < 0 ? 0.85 : 0.2) ? 'long' : 'short';
        const r = rand();
        let acc = 0, ex = 0;
        for (; ex < EX_WEIGHTS.length - 1; ex++) if ((acc += EX_WEIGHTS[ex]!) >= r) break;
        const p = low + (high - low) * rand();
        const usd = Math.round(Math.exp(8.5 + gauss() * 1.3) * 100) / 100;
        m.liquidations.push({ ts: ts + Math.floor(rand() * MINUTE), asset: names[i]!, symbol: symbols[i]!, exchange: EXCHANGES[ex]!, side, price: p, amount: usd / p, usd });
      }
    }
    m.liquidations.sort((a, b) => a.ts - b.ts);
    yield m;
  }
}
