/**
 * Open interest and funding for every configured asset and exchange, from the exchanges' public REST
 * endpoints through ccxt (`fetchOpenInterest`, `fetchFundingRate`), polled per exchange through bottleneck,
 * normalized to USD and emitted as `open_interest` and `funding` events (one per perpetual contract and poll).
 * ccxt is loaded lazily. Never throws: an unreachable exchange is logged once and retried with backoff (at debug,
 * when that exchange's feed already says it is unreachable: one line per exchange).
 *
 *   const leverage = await startLeveragePolling({ config, sink: { event: (e) => engine.ingest(e) } });
 *   …
 *   await leverage.stop();
 *
 * Sizing, per venue (ccxt leaves the dollar value empty or venue-specific):
 * linear `usd = base × mark price`, where base is the exchange's coin amount (Binance USDⓈ-M, Bybit) or
 * contracts × contractSize (OKX); inverse contracts are worth a fixed number of dollars, `usd = contracts ×
 * contractSize` (Binance COIN-M 100 USD for BTC, 10 for others; OKX 100 / 10; Bybit 1 USD per contract;
 * Deribit 10 USD for BTC-PERPETUAL, 1 for ETH-PERPETUAL, stated in USD).
 */
import Bottleneck from 'bottleneck';
import type { Config } from '../../config/schema.js';
import type { Funding, MarketEvent, OpenInterest } from '../core/events.js';
import { logger, type Logger } from '../log.js';
import { Backoff, pause, type BackoffOptions } from './backoff.js';
import { describe, isRefusal } from './errors.js';
import { OutageNotice } from './notice.js';
import { coinSymbol, perpetualSymbols, swapsOnly, type MarketLike } from './symbols.js';
import { mergeConfig, type Ccxt } from './venue.js';
import { VENUES } from './venues/registry.js';

/** Per-exchange settings for tests and special setups. */
export interface LeverageOverride {
  /** Base URL of a stand-in REST server, e.g. `http://127.0.0.1:PORT`; each venue appends its own paths. */
  rest?: string;
  /** Markets to use as they are (ccxt market objects, by symbol or as a list): no market request. */
  markets?: unknown;
  /** Retry pacing after a failed round; default 5 s doubling up to 5 min. */
  backoff?: BackoffOptions;
  /** Least time between two requests to the exchange; default from the venue's published limit. */
  minTimeMs?: number;
}

export interface LeveragePollingOptions {
  config: Config;
  sink: { event(e: MarketEvent): void };
  /** Time between polling rounds per exchange (default 60 s). */
  intervalMs?: number;
  overrides?: Record<string, LeverageOverride>;
  now?: () => number;
  /** Where warnings go (default: the `feeds:leverage` logger). */
  log?: Pick<Logger, 'warn' | 'info' | 'debug' | 'error'>;
  /**
   * Whether the exchange's feed has already reported it unreachable (its warning, with a hint, is the line a person
   * reads): an outage that starts while it has is told here at debug, and so is its end.
   */
  feedReported?: (exchange: string) => boolean;
}

export interface LeveragePolling {
  /** Stop polling and close HTTP connections; resolves when nothing is left open. */
  stop(): Promise<void>;
}

/** How one exchange states open interest and where its mark price comes from. */
interface LeverageVenue {
  /** Point the REST API at a stand-in server. */
  pointAt(urls: any, base: string): void;
  /** What ccxt's `openInterestAmount` counts on linear contracts: base coins, or contracts. */
  linearAmount: 'base' | 'contracts';
  /** Dollars per inverse contract when ccxt's contractSize means something else (Bybit: the minimum order). */
  inverseContractUsd?: number;
  /** Extra parameters for fetchOpenInterest. */
  oiParams?: Record<string, unknown>;
  /** The mark price for linear sizing: from the funding response, a mark-price request (OKX's funding has none), or the open-interest answer (Deribit's book summary). */
  mark: 'funding' | 'fetchMarkPrice' | 'openInterest';
  /** Where ccxt files the venue's figure under another unit than it is (Deribit): the amount in contracts and the mark, from ccxt's structure. */
  readOpenInterest?(market: MarketLike, oi: CcxtOpenInterest): { openInterestAmount?: number; markPrice?: number };
  /** ccxt's `openInterestValue` is already in USD on linear contracts (HTX `value`, Gate `open_interest_usd`): used as it is. */
  linearValueUsd?: boolean;
  /** Where open interest comes from: the current figure (default) or the newest point of the 5-minute history (Gate has no other). */
  oi?: 'current' | 'history';
}

const LEVERAGE_VENUES: Readonly<Record<string, LeverageVenue>> = {
  // GET /fapi/v1/openInterest (coins), /fapi/v1/premiumIndex (funding, mark), /fapi/v1/fundingInfo (intervals other than 8 h).
  binanceusdm: { pointAt: (u, base) => void (u.api.fapiPublic = `${base}/fapi/v1`), linearAmount: 'base', mark: 'funding' },
  // GET /dapi/v1/openInterest (contracts), /dapi/v1/premiumIndex.
  binancecoinm: { pointAt: (u, base) => void (u.api.dapiPublic = `${base}/dapi/v1`), linearAmount: 'contracts', mark: 'funding' },
  // GET /v5/market/open-interest (linear: coins; inverse: USD), /v5/market/tickers (funding, mark). 5-minute points are the freshest.
  bybit: { pointAt: (u, base) => void (u.api.public = base), linearAmount: 'base', inverseContractUsd: 1, oiParams: { intervalTime: '5min' }, mark: 'funding' },
  // GET /api/v5/public/open-interest (contracts), /public/funding-rate, /public/mark-price.
  okx: { pointAt: (u, base) => void (u.api.rest = base), linearAmount: 'contracts', mark: 'fetchMarkPrice' },
  // GET /v5/market/open-interest (volume in contracts, value in USDT), /v5/market/funding_rate.
  htx: { pointAt: (u, base) => void (u.api.contract = base), linearAmount: 'contracts', linearValueUsd: true, mark: 'funding' },
  // GET /futures/usdt/contract_stats?interval=5m (open_interest in contracts, open_interest_usd), /futures/usdt/contracts/{c} (funding, mark).
  gate: { pointAt: (u, base) => void (u.api.public.futures = `${base}/api/v4`), linearAmount: 'contracts', linearValueUsd: true, mark: 'funding', oi: 'history' },
  // GET /v2/status/deriv (open interest in coins, funding, mark price).
  bitfinex: { pointAt: (u, base) => void (u.api.public = base), linearAmount: 'base', mark: 'funding' },
  // GET /api/v2/public/get_book_summary_by_instrument (open_interest: USD on inverse perpetuals, coins on linear
  // ones, which ccxt files as a value either way; mark_price), /public/get_funding_rate_value (the last 8 h).
  deribit: {
    pointAt: (u, base) => void (u.api.rest = base),
    linearAmount: 'base',
    mark: 'openInterest',
    readOpenInterest: (market, oi) => {
      const figure = oi.openInterestValue ?? NaN;
      const mark = Number(asRecord(oi.info)?.mark_price);
      const contractUsd = market.contractSize ?? NaN;
      return { openInterestAmount: market.inverse ? figure / contractUsd : figure, ...(mark > 0 ? { markPrice: mark } : {}) };
    },
  },
};

/** The exchanges whose open interest and funding can be polled. */
export const LEVERAGE_EXCHANGES: readonly string[] = Object.keys(LEVERAGE_VENUES);

/** ccxt's open-interest structure, as far as it is read here. */
interface CcxtOpenInterest {
  openInterestAmount?: number;
  openInterestValue?: number;
  timestamp?: number;
  info?: unknown;
}

const asRecord = (v: unknown): Record<string, unknown> | undefined => (typeof v === 'object' && v !== null ? (v as Record<string, unknown>) : undefined);

/** The part of a ccxt REST exchange used here. */
interface RestExchange {
  id: string;
  has: Record<string, unknown>;
  urls: any;
  markets?: Record<string, unknown>;
  fetchDispatcher?: { destroy?: () => Promise<void> };
  loadMarkets(): Promise<Record<string, unknown>>;
  fetchOpenInterest(symbol: string, params?: Record<string, unknown>): Promise<CcxtOpenInterest>;
  fetchOpenInterestHistory(symbol: string, timeframe: string, since?: number, limit?: number): Promise<CcxtOpenInterest[]>;
  fetchFundingRate(symbol: string): Promise<{ fundingRate?: number; interval?: string; markPrice?: number }>;
  fetchMarkPrice(symbol: string): Promise<{ markPrice?: number }>;
  fetchFundingIntervals(symbols?: string[]): Promise<Record<string, { interval?: string }>>;
}

const DEFAULT_INTERVAL_HOURS = 8;
const INTERVALS_REFRESH_MS = 6 * 3_600_000;

const finite = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);

/** '8h' → 8, '4h' → 4; undefined when it is not a number of hours. */
export function intervalHours(interval: unknown): number | undefined {
  if (typeof interval !== 'string') return undefined;
  const m = /^(\d+(?:\.\d+)?)h$/.exec(interval.trim());
  const h = m ? Number(m[1]) : NaN;
  return h > 0 && h <= 24 * 7 ? h : undefined;
}

export type Sized = { ok: true; contracts: number; usd: number } | { ok: false; reason: string };

/** Open interest in contracts and USD, from ccxt's open-interest structure and the market (see the header). */
export function sizeOpenInterest(
  venueId: string,
  market: MarketLike,
  oi: { openInterestAmount?: number | undefined; openInterestValue?: number | undefined },
  markPrice: number | undefined,
): Sized {
  const venue = LEVERAGE_VENUES[venueId];
  if (!venue) return { ok: false, reason: `no open-interest sizing for ${venueId}` };
  const amount = oi.openInterestAmount, value = oi.openInterestValue;
  if (market.inverse) {
    const contractUsd = venue.inverseContractUsd ?? market.contractSize;
    if (!finite(contractUsd) || contractUsd <= 0) return { ok: false, reason: `market ${market.symbol} has no contract size` };
    if (finite(amount) && amount >= 0) return { ok: true, contracts: amount, usd: amount * contractUsd };
    if (finite(value) && value >= 0 && venue.inverseContractUsd !== undefined) return { ok: true, contracts: value / contractUsd, usd: value };
    return { ok: false, reason: 'no open interest amount' };
  }
  const size = market.contractSize ?? 1;
  if (venue.linearValueUsd && finite(value) && value >= 0) {
    const contracts = finite(amount) && amount >= 0 ? (venue.linearAmount === 'base' ? amount / size : amount) : NaN;
    return { ok: true, contracts: Number.isFinite(contracts) ? contracts : 0, usd: value };
  }
  if (!finite(amount) || amount < 0) return { ok: false, reason: 'no open interest amount' };
  if (!finite(markPrice) || markPrice <= 0) return { ok: false, reason: 'no mark price' };
  if (!(size > 0)) return { ok: false, reason: `market ${market.symbol} has no contract size` };
  const base = venue.linearAmount === 'base' ? amount : amount * size;
  return { ok: true, contracts: venue.linearAmount === 'base' ? amount / size : amount, usd: base * markPrice };
}

/** Start polling every configured exchange that has a leverage module; resolves at once (not when connected). */
export async function startLeveragePolling(opts: LeveragePollingOptions): Promise<LeveragePolling> {
  const log = opts.log ?? logger('feeds:leverage');
  const now = opts.now ?? Date.now;
  const ids = [...new Set(opts.config.exchanges)].filter((id) => {
    if (LEVERAGE_VENUES[id] && VENUES[id]) return true;
    log.info({ exchange: id, supported: LEVERAGE_EXCHANGES }, `no open-interest polling for "${id}"; it is skipped`);
    return false;
  });
  if (ids.length === 0) return { stop: async () => undefined };
  const ccxt = await import('ccxt');
  const pollers = ids.map(
    (id) =>
      new LeveragePoller({
        id,
        ccxt,
        assets: opts.config.assets,
        sink: opts.sink,
        override: opts.overrides?.[id] ?? {},
        intervalMs: opts.intervalMs ?? 60_000,
        now,
        log,
        ...(opts.feedReported ? { feedReported: opts.feedReported } : {}),
      }),
  );
  for (const p of pollers) p.start();
  let stopping: Promise<void> | undefined;
  return { stop: () => (stopping ??= Promise.all(pollers.map((p) => p.stop())).then(() => undefined)) };
}

interface PollerOptions {
  id: string;
  ccxt: Ccxt;
  assets: readonly string[];
  sink: { event(e: MarketEvent): void };
  override: LeverageOverride;
  intervalMs: number;
  now: () => number;
  log: Pick<Logger, 'warn' | 'info' | 'debug' | 'error'>;
  feedReported?: (exchange: string) => boolean;
}

type NoticeLog = ConstructorParameters<typeof OutageNotice>[1];

/**
 * The outage notice's log for an exchange whose feed may have said it first: a warning the feed has already given is
 * a debug line, and so is the end of that outage, so an exchange without network reads one warning, not two.
 */
function quietWhenReported(log: NoticeLog, reported: () => boolean): NoticeLog {
  let quiet = false;
  const at = (level: 'warn' | 'info', fields: object, msg: string) => (quiet ? log.debug(fields, msg) : log[level](fields, msg));
  return {
    warn: ((fields: object, msg: string) => {
      quiet = reported();
      at('warn', fields, msg);
    }) as NoticeLog['warn'],
    info: ((fields: object, msg: string) => at('info', fields, msg)) as NoticeLog['info'],
    debug: log.debug.bind(log),
  };
}

/** One exchange: markets once, then rounds over its perpetual contracts of the configured assets. */
class LeveragePoller {
  private readonly abort = new AbortController();
  private readonly limiter: Bottleneck;
  private readonly venue: LeverageVenue;
  private readonly ex: RestExchange;
  private readonly notice: OutageNotice;
  private readonly refused = new Set<string>();
  private readonly unreadable = new Set<string>();
  private intervals = new Map<string, number>();
  private intervalsAt = -Infinity;
  private running: Promise<void> | undefined;

  constructor(private readonly o: PollerOptions) {
    this.venue = LEVERAGE_VENUES[o.id]!;
    const shared = VENUES[o.id]!;
    this.limiter = new Bottleneck({ maxConcurrent: 1, minTime: o.override.minTimeMs ?? Math.ceil(1000 / shared.restPerSecond) });
    const Cls = (o.ccxt as unknown as Record<string, new (c: Record<string, unknown>) => RestExchange>)[o.id]!;
    const markets = o.override.markets === undefined ? undefined : presetMarkets(o.override.markets);
    // ccxt's own rate limiter is off: bottleneck paces every request, and stop() drops what is queued.
    this.ex = new Cls(mergeConfig({ enableRateLimit: false, timeout: 10_000 }, shared.ccxtConfig, markets ? { markets } : {}));
    if (o.override.rest) this.venue.pointAt(this.ex.urls, o.override.rest.replace(/\/$/, ''));
    const reported = o.feedReported;
    this.notice = new OutageNotice(o.id, reported ? quietWhenReported(o.log, () => reported(o.id)) : o.log, o.now);
  }

  start(): void {
    this.running ??= this.run().catch((err: unknown) => {
      if (!this.abort.signal.aborted) this.o.log.error({ exchange: this.o.id, error: describe(err) }, `${this.o.id} open-interest polling stopped by an unexpected error`);
    });
  }

  async stop(): Promise<void> {
    this.abort.abort();
    await this.limiter.stop({ dropWaitingJobs: true }).catch(() => undefined);
    await this.running;
    await this.ex.fetchDispatcher?.destroy?.().catch(() => undefined);
  }

  private get stopped(): boolean {
    return this.abort.signal.aborted;
  }

  private call<T>(fn: () => Promise<T>): Promise<T> {
    return this.limiter.schedule(fn);
  }

  private async run(): Promise<void> {
    const markets = await this.marketsWithRetry();
    if (!markets || this.stopped) return;
    // The most traded contract (USDT) last in each round, so a reader keeping one value per venue ends with it.
    const symbols = this.o.assets.flatMap((a) => perpetualSymbols(markets, a).reverse());
    if (symbols.length === 0) {
      this.o.log.info({ exchange: this.o.id, assets: this.o.assets }, `${this.o.id} lists no perpetual swap for ${this.o.assets.join(', ')}; no open interest polled`);
      return;
    }
    this.o.log.info({ exchange: this.o.id, symbols }, `${this.o.id}: polling open interest and funding`);
    const backoff = new Backoff({ baseMs: 5_000, maxMs: 300_000, ...this.o.override.backoff });
    while (!this.stopped) {
      const failure = await this.round(markets, symbols);
      if (this.stopped) break;
      let delay = this.o.intervalMs;
      if (failure) {
        delay = backoff.next();
        this.notice.failed('open interest', failure, delay);
      } else {
        backoff.reset();
        this.notice.recovered('open interest');
      }
      await pause(delay, this.abort.signal);
    }
  }

  /** Preset markets, or the exchange's, retried with backoff while it is unreachable. */
  private async marketsWithRetry(): Promise<Record<string, MarketLike> | undefined> {
    if (this.o.override.markets !== undefined) return swapsOnly(Object.values(presetMarkets(this.o.override.markets)) as MarketLike[]);
    const backoff = new Backoff({ baseMs: 5_000, maxMs: 300_000, ...this.o.override.backoff });
    while (!this.stopped) {
      try {
        const loaded = await this.call(() => this.ex.loadMarkets());
        this.notice.recovered('markets');
        return swapsOnly(Object.values(loaded) as MarketLike[]);
      } catch (err) {
        if (this.stopped) break;
        const delay = backoff.next();
        this.notice.failed('markets', err, delay);
        await pause(delay, this.abort.signal);
      }
    }
    return undefined;
  }

  /** One pass over every symbol; returns the error that cut it short when the exchange is unreachable. */
  private async round(markets: Record<string, MarketLike>, symbols: string[]): Promise<unknown> {
    await this.refreshIntervals(symbols);
    for (const symbol of symbols) {
      if (this.stopped) return undefined;
      const market = markets[symbol]!;
      try {
        await this.pollSymbol(market);
        this.refused.delete(symbol);
      } catch (err) {
        if (this.stopped) return undefined;
        if (!isRefusal(err)) return err;
        // The exchange refused this contract (delisted, not supported): tell once, keep the others going.
        if (!this.refused.has(symbol)) {
          this.refused.add(symbol);
          this.o.log.warn({ exchange: this.o.id, symbol, error: describe(err) }, `${this.o.id} refused open interest or funding for ${symbol}`);
        }
      }
    }
    return undefined;
  }

  private async pollSymbol(market: MarketLike): Promise<void> {
    const { symbol } = market;
    const funding = await this.call(() => this.ex.fetchFundingRate(symbol));
    let mark = funding.markPrice;
    if (!market.inverse && this.venue.mark === 'fetchMarkPrice') mark = (await this.call(() => this.ex.fetchMarkPrice(symbol))).markPrice;
    let oi = this.venue.oi === 'history' ? await this.newestOpenInterest(symbol) : await this.call(() => this.ex.fetchOpenInterest(symbol, this.venue.oiParams ?? {}));
    if (this.stopped) return;
    if (this.venue.readOpenInterest) {
      const read = this.venue.readOpenInterest(market, oi);
      oi = { openInterestAmount: read.openInterestAmount ?? NaN };
      if (this.venue.mark === 'openInterest') mark = read.markPrice;
    }
    const ts = this.o.now();
    const sized = sizeOpenInterest(this.o.id, market, oi, mark);
    if (sized.ok) {
      const e: OpenInterest = { type: 'open_interest', ts, exchange: this.o.id, symbol: coinSymbol(market), usd: sized.usd, contracts: sized.contracts };
      this.o.sink.event(e);
    } else this.skip(symbol, `open interest: ${sized.reason}`);
    if (finite(funding.fundingRate)) {
      const hours = intervalHours(funding.interval) ?? this.intervals.get(symbol) ?? DEFAULT_INTERVAL_HOURS;
      const e: Funding = { type: 'funding', ts, exchange: this.o.id, symbol: coinSymbol(market), rate: funding.fundingRate, intervalHours: hours };
      this.o.sink.event(e);
    } else this.skip(symbol, 'funding: no rate');
  }

  /** The newest point of the exchange's 5-minute open-interest history (an empty one reads as no amount). */
  private async newestOpenInterest(symbol: string): Promise<CcxtOpenInterest> {
    const points = await this.call(() => this.ex.fetchOpenInterestHistory(symbol, '5m', undefined, 1));
    return [...points].sort((a, b) => (a.timestamp ?? 0) - (b.timestamp ?? 0)).pop() ?? {};
  }

  /** Funding intervals other than 8 h, where the exchange lists them apart (Binance's fundingInfo). */
  private async refreshIntervals(symbols: string[]): Promise<void> {
    if (this.ex.has.fetchFundingIntervals !== true || this.o.now() - this.intervalsAt < INTERVALS_REFRESH_MS) return;
    try {
      const list = await this.call(() => this.ex.fetchFundingIntervals(symbols));
      const next = new Map<string, number>();
      for (const [symbol, f] of Object.entries(list)) {
        const h = intervalHours(f.interval);
        if (h !== undefined) next.set(symbol, h);
      }
      this.intervals = next;
      this.intervalsAt = this.o.now();
    } catch (err) {
      this.o.log.debug({ exchange: this.o.id, error: describe(err) }, 'funding intervals not available; assuming 8 h');
    }
  }

  /** Unreadable answers are skipped: a warning the first time per contract and reason, debug lines after. */
  private skip(symbol: string, reason: string): void {
    const key = `${symbol}|${reason}`;
    const fields = { exchange: this.o.id, symbol, reason };
    if (this.unreadable.has(key)) return this.o.log.debug(fields, 'skipped unreadable open interest or funding');
    this.unreadable.add(key);
    this.o.log.warn(fields, `${this.o.id}: skipped unreadable open interest or funding for ${symbol} (${reason})`);
  }
}

function presetMarkets(markets: unknown): Record<string, unknown> {
  if (Array.isArray(markets)) return Object.fromEntries(markets.map((m) => [(m as MarketLike).symbol, m]));
  return (markets ?? {}) as Record<string, unknown>;
}
