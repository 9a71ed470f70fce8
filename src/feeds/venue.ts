/**
 * What one exchange module provides, so that adding an exchange is one small file in venues/ plus its
 * tests: which ccxt class to extend, how to point it at a stand-in server, how its liquidation
 * messages read (which side means a long was liquidated, what size unit) and which symbols share a socket.
 * Everything else (reconnects, gaps, sizing in dollars, candles) is shared.
 */
import { DAY } from '../core/time.js';
import type { RawLiquidation } from './normalize.js';
import type { MarketLike, Markets } from './symbols.js';

/** The ccxt module, loaded lazily by startFeeds (a type here, never a runtime import). */
export type Ccxt = typeof import('ccxt');

/** The part of a ccxt websocket client the feeds touch. */
export interface WsClientLike {
  url: string;
  connection?: { terminate?: () => void };
}

/**
 * What one websocket frame is, read by the venue before ccxt sees it:
 * - `control`: keepalive (ping, pong) or a greeting; the socket is open, but no subscription is proven by it;
 * - `ack`: a subscription acknowledged; `data`: a pushed update. Either one makes the stream live;
 * - `refused`: the exchange refused a subscription; with `marketId` (the refusal names one market's topic) only
 *   that market is dropped, the rest of the socket keeps running; without, ccxt handles it (the attempt fails);
 * - `malformed`: not a frame of this venue's protocol; counted and never handed to ccxt.
 */
export type FrameKind =
  | { kind: 'control' }
  | { kind: 'ack' }
  | { kind: 'data' }
  | { kind: 'refused'; marketId?: string; reason: string }
  | { kind: 'malformed'; reason: string };

/** A venue's websocket protocol, as far as telling its frames apart goes. */
export interface FrameProtocol {
  /** Text frames that are not JSON yet belong to the protocol (OKX's `pong`); any other non-JSON text is malformed. */
  words?: readonly string[];
  /** One frame that parsed as a JSON object. */
  read(frame: Record<string, unknown>): FrameKind;
}

/** A frame as ccxt hands it over (parsed JSON, or the text when it is not JSON), read by `protocol`. */
export function readFrame(protocol: FrameProtocol, frame: unknown): FrameKind {
  if (typeof frame === 'string') {
    if (protocol.words?.includes(frame.trim())) return { kind: 'control' };
    return { kind: 'malformed', reason: /^\s*[[{]/.test(frame) ? 'frame is not valid JSON' : `frame is not JSON (${JSON.stringify(frame.slice(0, 20))})` };
  }
  // Binary frames (ccxt passes what it did not decode): left to ccxt, which knows whether the venue sends them.
  if (frame instanceof Uint8Array || frame instanceof ArrayBuffer) return { kind: 'control' };
  const o = asObject(frame);
  if (!o) return { kind: 'malformed', reason: `frame is ${Array.isArray(frame) ? 'a list' : String(frame)}, not an object` };
  try {
    return protocol.read(o);
  } catch (err) {
    return { kind: 'malformed', reason: `frame not readable: ${err instanceof Error ? err.message : String(err)}` };
  }
}

/**
 * One watch per symbol on a shared socket (ccxt's watchLiquidations of a venue without a multi-symbol form):
 * settles when any of them settles. A symbol whose subscription the exchange refused is dropped by the frame
 * hook before ccxt sees the refusal, so its watch just stays pending and the others go on.
 */
export function watchEach(ex: ProExchange, symbols: readonly string[]): Promise<unknown> {
  return Promise.race(symbols.map((s) => ex.watchLiquidations(s)));
}

/** ccxt's candle stream for `symbols` in one subscription (a venue that answers a refused topic per topic, or not at all). */
export function candlesTogether(ex: ProExchange, symbols: readonly string[], timeframe: string): Promise<unknown> {
  return ex.watchOHLCVForSymbols(symbols.map((s) => [s, timeframe]));
}

/**
 * One candle subscription per symbol on a shared socket (a venue that refuses a whole subscription request for one
 * bad topic): settles when any of them settles; a refused symbol's watch stays pending, as in `watchEach`.
 */
export function candlesEach(ex: ProExchange, symbols: readonly string[], timeframe: string): Promise<unknown> {
  return Promise.race(symbols.map((s) => ex.watchOHLCVForSymbols([[s, timeframe]])));
}

/** The part of a ccxt pro exchange the feeds use (ccxt's own declarations are looser than this). */
export interface ProExchange {
  id: string;
  has: Record<string, unknown>;
  urls: any;
  options: Record<string, any>;
  ohlcvs: Record<string, Record<string, unknown[][] | undefined> | undefined>;
  clients: Record<string, WsClientLike>;
  /** ccxt's websocket settings: `keepAlive` is its ping interval (ms). */
  streaming?: { keepAlive?: number };
  market(symbol: string): { id: string };
  fetchDispatcher?: { destroy?: () => Promise<void> };
  loadHttpProxyAgent(): Promise<unknown>;
  watchLiquidations(symbol: string): Promise<unknown>;
  /** An empty list (Binance) or none (OKX): the venue's all-market stream. */
  watchLiquidationsForSymbols(symbols: string[] | undefined): Promise<unknown>;
  watchOHLCVForSymbols(pairs: string[][]): Promise<unknown>;
  fetchOHLCV(symbol: string, timeframe: string, since?: number, limit?: number): Promise<unknown[][]>;
  fetchMarkets(): Promise<unknown[]>;
  close(): Promise<unknown>;
}

export type ProExchangeClass = new (config: Record<string, unknown>) => ProExchange;

/** Symbols that travel on one websocket (Bybit: linear and inverse live on different endpoints). */
export interface SocketGroup {
  name: string;
  symbols: string[];
}

export interface Venue {
  /** The ccxt exchange id, also the `exchange` of every event it produces. */
  id: string;
  /** The ccxt pro class the feed subclasses. */
  proClass(ccxt: Ccxt): ProExchangeClass;
  /** ccxt constructor settings, e.g. load only swap markets. */
  ccxtConfig: Record<string, unknown>;
  /** Point the websockets at a stand-in server (`ws://127.0.0.1:PORT`); the venue appends its paths. */
  pointAt(urls: any, base: string): void;
  /** REST requests per second we allow ourselves, well inside the exchange's published limit. */
  restPerSecond: number;
  /** Split symbols by the socket they use. */
  socketGroups(symbols: readonly string[], markets: Markets): SocketGroup[];
  /**
   * Its one liquidation subscription carries every contract's liquidations (Binance's `!forceOrder@arr`, OKX's
   * `liquidation-orders` for every swap): the stream runs even when no configured asset is listed there, and hands on
   * every perpetual swap's liquidations, the configured assets' and the others' (which the engine, live, counts in the
   * market-wide flush alone: `Market.tracks`).
   */
  allMarket?: boolean;
  /**
   * Subscribe to the liquidations of `symbols` (an `allMarket` venue: of every contract); settles only when the
   * connection fails or is closed. Absent on polled venues. A symbol the exchange refuses is taken out of `symbols` by
   * the stream before the next call.
   */
  watchLiquidations?(ex: ProExchange, symbols: string[]): Promise<unknown>;
  /** How candles arrive: 'watch' (ccxt's watchOHLCVForSymbols, the default) or 'poll' (REST, for exchanges without a candle stream). */
  prices?: 'watch' | 'poll';
  /**
   * Subscribe to the candles of `symbols` when they are watched; settles when any arrive (or the connection fails).
   * `candlesTogether` (one request) by default. A symbol the exchange refuses is taken out of `symbols` by the stream.
   */
  watchCandles?(ex: ProExchange, symbols: string[], timeframe: string): Promise<unknown>;
  /** How its websocket frames read (keepalives, acks, refusals, data); without it every frame counts as data. */
  frames?: FrameProtocol;
  /** Every liquidation one message carries (the message ccxt hands to handleLiquidation). Throw if it is not readable at all. */
  liquidationsIn?(message: unknown): RawLiquidation[];
  /** Venues without a public liquidation stream: their public liquidation history, polled (see polling.ts). */
  poll?: LiquidationPoll;
  /** Point the REST API at a stand-in server (`http://127.0.0.1:PORT`). */
  pointRestAt?(urls: any, base: string): void;
}

/** One liquidation read from a venue's history, with what makes it the same liquidation in the next poll. */
export interface PolledLiquidation extends RawLiquidation {
  /** The exchange's id for it, or its fields joined where the exchange gives none. */
  key: string;
}

/** One row of a venue's history: its time (to page back by) and the liquidations it records. */
export interface PolledRow {
  ts: number;
  /** One for a liquidation list; none for a trade that was not a liquidation, two when both sides of a trade were. */
  liquidations: PolledLiquidation[];
}

/** A row that is exactly one liquidation (Gate, HTX, Bitfinex). */
export function single(liq: PolledLiquidation): PolledRow {
  return { ts: liq.ts, liquidations: [liq] };
}

/** What one history request asks for: `[since, until]` in ms, at most `limit` rows, newest first. */
export interface PageRequest {
  /** The market, when the venue's history is per market (`scope: 'symbol'`). */
  market?: MarketLike;
  since: number;
  until: number;
  limit: number;
}

export interface LiquidationPoll {
  /** 'symbol': one history per market; 'all': one history for every market (Bitfinex). */
  scope: 'symbol' | 'all';
  /** Time between polls: the venue's latency. */
  everyMs: number;
  /** Rows per request (the exchange's maximum). */
  pageLimit: number;
  /** How far back the public history reaches: an outage longer than this leaves a gap. */
  historyMs: number;
  /** One page, newest first, through ccxt's implicit API (the raw rows, so nothing is lost in ccxt's parsing). */
  fetchPage(ex: any, req: PageRequest): Promise<unknown[]>;
  /** One row. Throw if it is not readable. */
  read(row: unknown): PolledRow;
}

/** What most polled venues share, and `polledHistory` fills in: one history per market, polled every 10 s, 1,000 rows a page, a day of history. */
export const POLL_DEFAULTS = { scope: 'symbol', everyMs: 10_000, pageLimit: 1000, historyMs: DAY } as const satisfies Omit<LiquidationPoll, 'fetchPage' | 'read'>;

/** A venue's polled liquidation history: how it reads a page and a row, and the settings where it differs from `POLL_DEFAULTS`. */
export function polledHistory(poll: Pick<LiquidationPoll, 'fetchPage' | 'read'> & Partial<LiquidationPoll>): LiquidationPoll {
  return { ...POLL_DEFAULTS, ...poll };
}

/** One group for everything: venues whose swaps all share one public socket. */
export function oneSocket(symbols: readonly string[]): SocketGroup[] {
  return symbols.length ? [{ name: 'all', symbols: [...symbols] }] : [];
}

/** Linear and inverse swaps apart (they use different endpoints). */
export function linearAndInverse(symbols: readonly string[], markets: Markets): SocketGroup[] {
  const linear = symbols.filter((s) => !markets[s]?.inverse);
  const inverse = symbols.filter((s) => markets[s]?.inverse);
  const groups: SocketGroup[] = [];
  if (linear.length) groups.push({ name: 'linear', symbols: linear });
  if (inverse.length) groups.push({ name: 'inverse', symbols: inverse });
  return groups;
}

/** A plain object from an untrusted message, or undefined. */
export function asObject(v: unknown): Record<string, unknown> | undefined {
  return typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Record<string, unknown>) : undefined;
}

function isPlain(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && Object.getPrototypeOf(v) === Object.prototype;
}

/** ccxt constructor settings merged key by key (later parts win), so a venue's `options` and a test's survive together. */
export function mergeConfig(...parts: (Record<string, unknown> | undefined)[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const part of parts) {
    for (const [k, v] of Object.entries(part ?? {})) out[k] = isPlain(v) && isPlain(out[k]) ? mergeConfig(out[k] as Record<string, unknown>, v) : v;
  }
  return out;
}

/** ccxt pings every `keepAlive` ms (30 s by default): a live socket without any frame for twice that is silent. */
export function silentAfterMs(ex: ProExchange | undefined): number {
  const keepAlive = ex?.streaming?.keepAlive;
  return 2 * (typeof keepAlive === 'number' && keepAlive > 0 ? keepAlive : 30_000);
}
