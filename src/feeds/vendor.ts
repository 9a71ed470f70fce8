/**
 * Optional vendor totals: with a Coinalyze API key, hourly liquidation totals per asset and exchange
 * (including venues no public stream covers) polled every hour and emitted as `liquidation_total` events
 * (one per asset, exchange, hour and side per poll, summed over every request of the poll)
 * (`period: '1h'`, with `exchange`), which the core uses for history, ranking, and for windows and shares
 * where a venue has no single orders. Without a key nothing starts. Never throws: an unreachable vendor is
 * logged once and retried.
 *
 *   GET {base}/future-markets                       → [{symbol, exchange, base_asset, is_perpetual, …}]
 *   GET {base}/exchanges                            → [{name, code}]
 *   GET {base}/liquidation-history?symbols=A,B&interval=1hour&from=SEC&to=SEC&convert_to_usd=true
 *                                                   → [{symbol, history: [{t: SEC, l: longsUsd, s: shortsUsd}]}]
 * Header `api_key: KEY`; at most 20 symbols per request, 40 requests a minute.
 */
import Bottleneck from 'bottleneck';
import type { LiquidationTotal, PositionSide } from '../core/events.js';
import { logger, type Logger } from '../log.js';
import { Backoff, pause } from './backoff.js';
import { describe } from './errors.js';
import { multipliedCoin } from './symbols.js';
import { DAY, HOUR, hourStart } from '../core/time.js';

/** Coinalyze answers at most this many symbols per request. */
const SYMBOLS_PER_REQUEST = 20;

export interface VendorOptions {
  apiKey: string;
  /** Default https://api.coinalyze.net/v1 (tests: a local fake). */
  baseUrl?: string;
  assets: readonly string[];
  sink: { event(e: LiquidationTotal): void };
  /** Time between polls (default one hour). */
  everyMs?: number;
  /** Hours re-read at every poll: late revisions replace what was emitted (totals are idempotent per hour). */
  lookbackHours?: number;
  /** How often the market list (/future-markets, /exchanges) is read again (default a day). */
  marketsEveryMs?: number;
  /** Least time between requests (default 1.6 s: 40 a minute, with room). */
  minTimeMs?: number;
  now?: () => number;
  log?: Pick<Logger, 'warn' | 'info' | 'debug' | 'error'>;
}

export interface VendorPolling {
  stop(): Promise<void>;
}

/** Coinalyze's exchange names → ccxt ids (the `exchange` of our events). Unknown names are lower-cased. */
const EXCHANGE_IDS: Record<string, string> = {
  binance: 'binanceusdm',
  bybit: 'bybit',
  okx: 'okx',
  'gate.io': 'gate',
  gate: 'gate',
  huobi: 'htx',
  htx: 'htx',
  bitfinex: 'bitfinex',
  hyperliquid: 'hyperliquid',
  bitget: 'bitget',
  deribit: 'deribit',
  bitmex: 'bitmex',
  kraken: 'krakenfutures',
};

export function exchangeId(name: string): string {
  const key = name.trim().toLowerCase();
  return EXCHANGE_IDS[key] ?? key.replace(/[^a-z0-9]/g, '');
}

interface VendorMarket {
  symbol: string;
  asset: string;
  exchange: string;
}

const obj = (v: unknown): Record<string, unknown> | undefined => (typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Record<string, unknown>) : undefined);

/** Perpetuals of `assets` from /future-markets, with our exchange ids from /exchanges. */
export function vendorMarkets(markets: unknown, exchanges: unknown, assets: readonly string[]): VendorMarket[] {
  if (!Array.isArray(markets) || !Array.isArray(exchanges)) throw new Error('the vendor answered markets or exchanges without a list');
  const names = new Map<string, string>();
  for (const e of exchanges) {
    const o = obj(e);
    if (o && typeof o.code === 'string' && typeof o.name === 'string') names.set(o.code, exchangeId(o.name));
  }
  const wanted = new Set(assets.map((a) => a.toUpperCase()));
  const out: VendorMarket[] = [];
  for (const m of markets) {
    const o = obj(m);
    if (!o || o.is_perpetual !== true || typeof o.symbol !== 'string' || typeof o.base_asset !== 'string' || typeof o.exchange !== 'string') continue;
    // A multiplied contract (Binance's 1000PEPE) is its coin, as the feeds say it (symbols.ts): its dollars unchanged.
    const base = o.base_asset.toUpperCase();
    const asset = multipliedCoin(base)?.coin ?? base;
    const exchange = names.get(o.exchange);
    if (wanted.has(asset) && exchange) out.push({ symbol: o.symbol, asset, exchange });
  }
  return out;
}

/** /liquidation-history rows summed per (asset, exchange, hour, side); only hours that have ended by `now`. */
export function hourlyTotals(response: unknown, bySymbol: ReadonlyMap<string, VendorMarket>, now: number): LiquidationTotal[] {
  if (!Array.isArray(response)) throw new Error('the vendor answered liquidation history without a list');
  const sums = new Map<string, LiquidationTotal>();
  for (const item of response) {
    const o = obj(item);
    const market = typeof o?.symbol === 'string' ? bySymbol.get(o.symbol) : undefined;
    if (!market || !Array.isArray(o?.history)) continue;
    for (const point of o.history) {
      const p = obj(point);
      const t = typeof p?.t === 'number' ? p.t * 1000 : NaN;
      if (!Number.isFinite(t) || t + HOUR > now) continue;
      for (const [side, v] of [['long', p!.l], ['short', p!.s]] as [PositionSide, unknown][]) {
        if (typeof v !== 'number' || !Number.isFinite(v) || v < 0) continue;
        const key = `${market.asset}|${market.exchange}|${t}|${side}`;
        const cur = sums.get(key);
        if (cur) cur.usd += v;
        else sums.set(key, { type: 'liquidation_total', ts: t, period: '1h', asset: market.asset, side, usd: v, exchange: market.exchange });
      }
    }
  }
  return [...sums.values()].sort((a, b) => a.ts - b.ts || a.asset.localeCompare(b.asset) || (a.exchange ?? '').localeCompare(b.exchange ?? ''));
}

export async function startVendorPolling(o: VendorOptions): Promise<VendorPolling> {
  const log = o.log ?? logger('feeds:vendor');
  const now = o.now ?? Date.now;
  const base = (o.baseUrl ?? 'https://api.coinalyze.net/v1').replace(/\/$/, '');
  const abort = new AbortController();
  const limiter = new Bottleneck({ maxConcurrent: 1, minTime: o.minTimeMs ?? 1_600 });
  const get = (path: string): Promise<unknown> =>
    limiter.schedule(async () => {
      const res = await fetch(`${base}${path}`, { headers: { api_key: o.apiKey }, signal: abort.signal });
      if (!res.ok) throw new Error(`${path.split('?')[0]} answered HTTP ${res.status}${res.status === 401 ? ' (check COINALYZE_API_KEY)' : ''}`);
      return res.json();
    });

  const run = async (): Promise<void> => {
    const backoff = new Backoff({ baseMs: 30_000, maxMs: HOUR });
    let markets: VendorMarket[] | undefined;
    let marketsAt = -Infinity;
    let failing = false;
    while (!abort.signal.aborted) {
      let delay = o.everyMs ?? HOUR;
      try {
        // The market list is refreshed once a day (new listings, delistings); a failed refresh keeps the old list.
        if (!markets || now() - marketsAt >= (o.marketsEveryMs ?? DAY)) {
          try {
            markets = vendorMarkets(await get('/future-markets'), await get('/exchanges'), o.assets);
            marketsAt = now();
          } catch (err) {
            if (!markets || abort.signal.aborted) throw err;
            log.warn({ vendor: 'coinalyze', error: describe(err) }, 'coinalyze: could not refresh the market list; using the previous one');
            marketsAt = now();
          }
        }
        const bySymbol = new Map(markets.map((m) => [m.symbol, m]));
        const to = now();
        const from = hourStart(to) - (o.lookbackHours ?? 3) * HOUR;
        const symbols = markets.map((m) => m.symbol);
        // Every request of the poll first, then one sum: a venue's contracts can fall in two requests, and a second
        // event for the same hour would replace the first (the store treats it as a revision), not add to it.
        const rows: unknown[] = [];
        for (let i = 0; i < symbols.length && !abort.signal.aborted; i += SYMBOLS_PER_REQUEST) {
          const chunk = symbols.slice(i, i + SYMBOLS_PER_REQUEST).join(',');
          const answer = await get(`/liquidation-history?symbols=${encodeURIComponent(chunk)}&interval=1hour&from=${Math.floor(from / 1000)}&to=${Math.floor(to / 1000)}&convert_to_usd=true`);
          if (!Array.isArray(answer)) throw new Error('the vendor answered liquidation history without a list');
          rows.push(...(answer as unknown[]));
        }
        if (abort.signal.aborted) break;
        // All or nothing: a poll with a failed request emits nothing, since a partial sum would overwrite a full one.
        for (const t of hourlyTotals(rows, bySymbol, to)) o.sink.event(t);
        if (failing) log.info({ vendor: 'coinalyze' }, 'coinalyze: hourly liquidation totals back');
        failing = false;
        backoff.reset();
      } catch (err) {
        if (abort.signal.aborted) break;
        delay = backoff.next();
        if (!failing) log.warn({ vendor: 'coinalyze', error: describe(err), retryInMs: delay }, `coinalyze unreachable; hourly liquidation totals retried in ${Math.round(delay / 1000)} s`);
        failing = true;
      }
      await pause(delay, abort.signal);
    }
  };
  const running = run().catch((err: unknown) => log.error({ error: describe(err) }, 'vendor polling stopped by an unexpected error'));
  return {
    stop: async () => {
      abort.abort();
      await limiter.stop({ dropWaitingJobs: true }).catch(() => undefined);
      await running;
    },
  };
}
