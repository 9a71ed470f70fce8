/**
 * A deterministic generator of synthetic market days in the event-file format, for the bundled demo day
 * and for tests of other shapes (short squeeze, chop, pause-and-resume, break-and-reclaim). A price path
 * follows keyframes with seeded noise; liquidations follow the path's speed (falling price liquidates longs,
 * rising price shorts) and are scaled to exact daily targets.
 */
import { DAY, HOUR, MINUTE } from '../src/core/time.js';

export interface AssetDay {
  asset: string;
  /** Keyframes: [hour of the day (0–24), price]. */
  path: [number, number][];
  /** Per-minute noise, percent of price. */
  noisePct?: number;
  /** Wicks: at an hour, one 1m candle's low (or high) reaches this price and closes back. */
  wicks?: [number, number][];
  longUsd: number;
  shortUsd: number;
  /** Exchange → weight of its share. */
  exchanges: Record<string, number>;
  avgOrderUsd?: number;
  /** Share of each side that is background (spread evenly) rather than following price moves. */
  background?: number;
  symbol?: string;
  levels?: ({ price: number; label?: string } | { low: number; high: number; label?: string })[];
  /** Vendor daily history before the day: median per side and notable days (YYYY-MM-DD). */
  history?: { days: number; longMedian: number; shortMedian: number; notable?: { date: string; long: number; short: number }[] };
  /** Open interest and funding per venue: OI at the day's start (USD) and how much of it the moves remove. */
  leverage?: { oiUsd: Record<string, number>; buildPctPerDay: number; flushDropPct: number; fundingBefore: number; fundingAfter: number };
}

export interface DayOptions {
  /** UTC midnight of the day (ms). */
  day: number;
  assets: AssetDay[];
  seed?: number;
  /** Add the `meta` line that marks the file synthetic. */
  synthetic?: boolean;
  candleTimeframe?: '1m' | '5m';
  /** Exchange whose candles are written. */
  candleExchange?: string;
}

export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function gauss(rand: () => number): number {
  const u = Math.max(rand(), 1e-12), v = rand();
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
}

function interpolate(path: [number, number][], hour: number): number {
  if (hour <= path[0]![0]) return path[0]![1];
  for (let i = 1; i < path.length; i++) {
    const [h1, p1] = path[i]!;
    const [h0, p0] = path[i - 1]!;
    if (hour <= h1) return p0 + ((p1 - p0) * (hour - h0)) / (h1 - h0);
  }
  return path[path.length - 1]![1];
}

const round = (x: number, digits: number) => Number(x.toFixed(digits));
const priceDigits = (p: number) => (p >= 1000 ? 1 : p >= 10 ? 2 : p >= 1 ? 4 : 6);

type Ev = Record<string, unknown> & { ts: number };

/** Minute candles (open, high, low, close) along the path, with noise and wicks. */
export function pricePath(a: AssetDay, day: number, rand: () => number): { ts: number; o: number; h: number; l: number; c: number }[] {
  const noise = (a.noisePct ?? 0.08) / 100;
  const out: { ts: number; o: number; h: number; l: number; c: number }[] = [];
  let dev = 0;
  let prev = interpolate(a.path, 0);
  for (let m = 0; m < 1440; m++) {
    const target = interpolate(a.path, (m + 1) / 60);
    dev = dev * 0.9 + gauss(rand) * noise;
    const c = target * (1 + dev);
    const o = prev;
    const spread = Math.abs(gauss(rand)) * noise * target * 0.6;
    let h = Math.max(o, c) + spread, l = Math.min(o, c) - spread;
    for (const [hour, p] of a.wicks ?? []) {
      if (Math.floor(hour * 60) === m) {
        if (p < l) l = p;
        if (p > h) h = p;
      }
    }
    const d = priceDigits(c);
    out.push({ ts: day + m * MINUTE, o: round(o, d), h: round(h, d), l: round(l, d), c: round(c, d) });
    prev = c;
  }
  return out;
}

function pickWeighted(weights: [string, number][], r: number): string {
  const total = weights.reduce((s, [, w]) => s + w, 0);
  let x = r * total;
  for (const [k, w] of weights) {
    if ((x -= w) <= 0) return k;
  }
  return weights[weights.length - 1]![0];
}

/** Split a minute's USD into single orders with heavy-tailed sizes; returns exact amounts summing to usd. */
function orders(usd: number, avg: number, rand: () => number): number[] {
  if (usd <= 0) return [];
  const n = Math.max(1, Math.round(usd / avg));
  const raw = Array.from({ length: n }, () => Math.exp(gauss(rand) * 1.1));
  const sum = raw.reduce((s, x) => s + x, 0);
  return raw.map((x) => (x / sum) * usd);
}

function liquidationEvents(a: AssetDay, day: number, candles: ReturnType<typeof pricePath>, rand: () => number): Ev[] {
  const symbol = a.symbol ?? `${a.asset}/USDT:USDT`;
  const bg = a.background ?? 0.12;
  // Liquidations follow the trend (the keyframed path), not minute noise: forced selling comes with moves.
  const wl: number[] = [], ws: number[] = [];
  for (let m = 0; m < candles.length; m++) {
    const p0 = interpolate(a.path, m / 60), p1 = interpolate(a.path, (m + 1) / 60);
    const r = ((p1 - p0) / p0) * 1000;
    const jitter = Math.exp(gauss(rand) * 0.5);
    wl.push(Math.max(0, -r) ** 2 * jitter);
    ws.push(Math.max(0, r) ** 2 * jitter);
  }
  const norm = (w: number[]) => {
    const s = w.reduce((x, y) => x + y, 0);
    return s > 0 ? w.map((x) => x / s) : w.map(() => 1 / w.length);
  };
  const nl = norm(wl), ns = norm(ws);
  const weights = Object.entries(a.exchanges);
  const avg = a.avgOrderUsd ?? 40_000;
  const out: Ev[] = [];
  candles.forEach((k, m) => {
    for (const [side, total, share] of [['long', a.longUsd, nl[m]!], ['short', a.shortUsd, ns[m]!]] as const) {
      const usd = total * ((1 - bg) * share + bg / 1440);
      for (const size of orders(usd, avg, rand)) {
        const ex = pickWeighted(weights, rand());
        const ts = k.ts + Math.floor(rand() * MINUTE);
        const p = k.l + (k.h - k.l) * rand();
        const price = round(p, priceDigits(p));
        out.push({ type: 'liquidation', ts, exchange: ex, symbol, side, price, amount: round(size / price, 6), usd: round(size, 2) });
      }
    }
  });
  return out;
}

/** Generate a day's events (sorted by ts), as objects ready to be written one per line. */
export function generateDay(opts: DayOptions): Ev[] {
  const rand = mulberry32(opts.seed ?? 31);
  const day = opts.day;
  const events: Ev[] = [];
  if (opts.synthetic) events.push({ type: 'meta', ts: day - 200 * DAY, synthetic: true, note: 'generated by scripts/market-day.ts' });
  for (const a of opts.assets) {
    const symbol = a.symbol ?? `${a.asset}/USDT:USDT`;
    const h = a.history;
    if (h) {
      const notable = new Map((h.notable ?? []).map((n) => [Date.parse(`${n.date}T00:00:00Z`), n]));
      for (let d = h.days; d >= 1; d--) {
        const ts = day - d * DAY;
        const n = notable.get(ts);
        const jitter = () => Math.exp(gauss(rand) * 0.45);
        events.push({ type: 'liquidation_total', ts, period: '1d', asset: a.asset, side: 'long', usd: round(n ? n.long : h.longMedian * jitter(), 2) });
        events.push({ type: 'liquidation_total', ts, period: '1d', asset: a.asset, side: 'short', usd: round(n ? n.short : h.shortMedian * jitter(), 2) });
      }
    }
    for (const l of a.levels ?? []) events.push({ type: 'level', ts: day, asset: a.asset, ...l });
    const candles = pricePath(a, day, rand);
    const tf = opts.candleTimeframe ?? '1m';
    const step = tf === '5m' ? 5 : 1;
    for (let i = 0; i < candles.length; i += step) {
      const group = candles.slice(i, i + step);
      events.push({
        type: 'candle', ts: group[0]!.ts, exchange: opts.candleExchange ?? 'bybit', symbol, timeframe: tf,
        open: group[0]!.o, high: Math.max(...group.map((g) => g.h)), low: Math.min(...group.map((g) => g.l)), close: group[group.length - 1]!.c,
        volume: round(1000 + rand() * 5000, 1),
      });
    }
    events.push(...liquidationEvents(a, day, candles, rand));
    if (a.leverage) events.push(...leverageEvents(a, day, candles, symbol));
  }
  return events.sort((x, y) => x.ts - y.ts);
}

/** Open interest that builds before the day, falls with the day's liquidations, and funding that resets. */
function leverageEvents(a: AssetDay, day: number, candles: ReturnType<typeof pricePath>, symbol: string): Ev[] {
  const lv = a.leverage!;
  const out: Ev[] = [];
  // Cumulative long liquidations through the day drive the OI drop.
  const cum: number[] = [];
  let total = 0;
  for (let m = 0; m < candles.length; m++) {
    const r = (candles[m]!.c - candles[m]!.o) / candles[m]!.o;
    total += Math.max(0, -r) ** 2;
    cum.push(total);
  }
  // Hourly candles for the days the open interest was built, so the estimated map knows the entry prices.
  const p0 = a.path[0]![1];
  for (let h = 72; h >= 1; h--) {
    const mid = p0 * (1 + 0.012 * Math.sin(h / 5));
    const d = priceDigits(mid);
    out.push({ type: 'candle', ts: day - h * HOUR, exchange: 'bybit', symbol, timeframe: '1h', open: round(mid * 0.998, d), high: round(mid * 1.004, d), low: round(mid * 0.996, d), close: round(mid * 1.001, d) });
  }
  for (const [ex, oi] of Object.entries(lv.oiUsd)) {
    for (let d = 3; d >= 1; d--) {
      for (let hr = 0; hr < 24; hr += 1) {
        const ts = day - d * DAY + hr * HOUR;
        const built = oi * (1 - (lv.buildPctPerDay / 100) * (d - hr / 24));
        out.push({ type: 'open_interest', ts, exchange: ex, symbol, usd: round(built, 0) });
      }
      out.push({ type: 'funding', ts: day - d * DAY, exchange: ex, symbol, rate: lv.fundingBefore, intervalHours: 8 });
    }
    for (let m = 0; m < 1440; m += 5) {
      const ts = day + m * MINUTE;
      const frac = total ? cum[m]! / total : 0;
      out.push({ type: 'open_interest', ts, exchange: ex, symbol, usd: round(oi * (1 - (lv.flushDropPct / 100) * frac), 0) });
    }
    for (const hr of [0, 8, 16]) {
      const frac = total ? cum[hr * 60]! / total : 0;
      out.push({ type: 'funding', ts: day + hr * HOUR, exchange: ex, symbol, rate: round(lv.fundingBefore + (lv.fundingAfter - lv.fundingBefore) * frac, 6), intervalHours: 8 });
    }
  }
  return out;
}

export function toJsonl(events: Ev[]): string {
  return events.map((e) => JSON.stringify(e)).join('\n') + '\n';
}

/**
 * The bundled day: modelled on the January 31 flush (ETH $3,000 → $2,350, ~$485M of longs, Binance < 10%).
 * Its venues are the ones a live deployment covers (config/default.yaml): Binance and OKX through sampled
 * streams, Bybit and Lighter complete, Gate and HTX polled; Bitget and Hyperliquid, which no public stream
 * covers, are left out (with a Coinalyze key a live bot counts them from hourly vendor totals).
 */
export function january31(): DayOptions {
  const day = Date.parse('2026-01-31T00:00:00Z');
  const venues = { bybit: 34, okx: 21, htx: 19, lighter: 12, gate: 6, binanceusdm: 8 };
  return {
    day,
    seed: 20260131,
    synthetic: true,
    assets: [
      {
        asset: 'ETH',
        path: [[0, 3065], [4, 3080], [8, 3050], [10.5, 3020], [11.75, 3012], [12.25, 2990], [12.75, 2950], [13.5, 2800], [14, 2740], [15, 2560], [15.75, 2420], [16.1, 2356], [16.6, 2395], [18, 2470], [20, 2560], [21.75, 2728], [22.5, 2690], [24, 2640]],
        noisePct: 0.07,
        wicks: [[11.5, 2988]],
        longUsd: 485_000_000,
        shortUsd: 21_000_000,
        exchanges: venues,
        avgOrderUsd: 45_000,
        background: 0.06,
        levels: [
          { price: 3000, label: 'psychological pivot' },
          { low: 2750, high: 2800, label: 'prior support' },
          { price: 2500, label: 'Dec range low' },
        ],
        history: { days: 120, longMedian: 38_000_000, shortMedian: 26_000_000, notable: [{ date: '2025-10-10', long: 1_260_000_000, short: 190_000_000 }] },
        leverage: { oiUsd: { binanceusdm: 9.8e9, bybit: 7.1e9, okx: 4.2e9, htx: 3.5e9 }, buildPctPerDay: 2.5, flushDropPct: 11, fundingBefore: 0.00028, fundingAfter: 0.00002 },
      },
      {
        asset: 'BTC',
        path: [[0, 84200], [10, 83900], [12, 83100], [13, 81500], [15.5, 78300], [16.2, 77600], [20, 78900], [24, 78600]],
        noisePct: 0.05,
        longUsd: 640_000_000,
        shortUsd: 62_000_000,
        exchanges: { binanceusdm: 17, bybit: 30, okx: 20, htx: 15, lighter: 12, gate: 6 },
        avgOrderUsd: 70_000,
        background: 0.08,
        history: { days: 120, longMedian: 90_000_000, shortMedian: 60_000_000, notable: [{ date: '2025-10-10', long: 2_100_000_000, short: 380_000_000 }] },
      },
      {
        asset: 'SOL',
        path: [[0, 118], [11, 117], [13, 112], [16, 101], [24, 104]],
        longUsd: 118_000_000,
        shortUsd: 9_000_000,
        exchanges: { binanceusdm: 20, bybit: 35, okx: 20, htx: 15, lighter: 10 },
        avgOrderUsd: 20_000,
        history: { days: 120, longMedian: 18_000_000, shortMedian: 12_000_000 },
      },
      {
        asset: 'XRP',
        path: [[0, 1.92], [11, 1.9], [14, 1.78], [16, 1.71], [24, 1.74]],
        longUsd: 64_000_000,
        shortUsd: 7_000_000,
        exchanges: { binanceusdm: 25, bybit: 35, okx: 25, htx: 15 },
        avgOrderUsd: 15_000,
        history: { days: 120, longMedian: 9_000_000, shortMedian: 7_000_000 },
      },
      {
        asset: 'DOGE',
        path: [[0, 0.212], [11, 0.21], [14, 0.196], [16, 0.188], [24, 0.191]],
        longUsd: 38_000_000,
        shortUsd: 4_000_000,
        exchanges: { binanceusdm: 30, bybit: 40, okx: 30 },
        avgOrderUsd: 8_000,
        history: { days: 120, longMedian: 6_000_000, shortMedian: 5_000_000 },
      },
    ],
  };
}

/**
 * A generated SOL short squeeze (2026-02-03): a zone, a level broken upward, a long label, shorts liquidated.
 * Drawn in docs/ and pinned by the golden outputs.
 */
export function february3Squeeze(): DayOptions {
  return {
    day: Date.parse('2026-02-03T00:00:00Z'),
    seed: 7,
    synthetic: true,
    assets: [
      {
        asset: 'SOL',
        path: [[0, 181], [6, 183], [9.5, 186], [10, 190], [11, 199], [11.5, 206], [12.5, 214], [14, 209], [18, 205], [24, 207]],
        noisePct: 0.08,
        longUsd: 9_000_000,
        shortUsd: 96_000_000,
        exchanges: { bybit: 34, okx: 22, binanceusdm: 20, bitget: 14, hyperliquid: 10 },
        avgOrderUsd: 20_000,
        background: 0.1,
        levels: [
          { price: 200, label: 'round number and the February range high everyone watched' },
          { low: 186, high: 189, label: 'breakout zone' },
          { price: 220, label: 'January high' },
          { price: 175, label: 'weekly open' },
        ],
        history: { days: 30, longMedian: 12_000_000, shortMedian: 6_000_000 },
        leverage: { oiUsd: { bybit: 1.2e9, okx: 0.8e9, binanceusdm: 1.5e9, bitget: 0.5e9 }, buildPctPerDay: 2, flushDropPct: 9, fundingBefore: -0.0002, fundingAfter: 0.0001 },
      },
    ],
  };
}
