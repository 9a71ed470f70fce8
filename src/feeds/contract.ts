/**
 * What the live feeds promise the rest of the bot: a sink receives every normalized event exactly once,
 * every coverage hole as a gap, and every connection state change. The types only; startFeeds is in index.ts.
 */
import type { Config } from '../../config/schema.js';
import type { MarketEvent } from '../core/events.js';
import type { Gap } from '../core/coverage.js';

export type FeedStream = 'liquidations' | 'prices';
export type FeedState = 'connecting' | 'live' | 'down';

export interface FeedSink {
  /** Every normalized event, exactly once. */
  event(e: MarketEvent): void;
  /** A stream came back after being down: `from` = disconnect (or last data) time, `to` = reconnect time. */
  gap(g: Gap): void;
  /** Connection state changes, one per (exchange, stream). */
  status(s: FeedStatus): void;
  /** A line the operator must act on (logged at warn too), where they watch: the terminal prompt, which logs errors only. */
  notice?(line: string): void;
}

export interface FeedStatus {
  exchange: string;
  stream: FeedStream;
  state: FeedState;
  /** When the stream entered `state` (ms). */
  since: number;
  /** When the stream last produced a normalized event (ms). */
  lastEventAt?: number;
  /** Why the stream is down (or what failed last while connecting). */
  error?: string;
  /** The exchange pushes a sample of its liquidations (at most one per symbol per second), not all of them. */
  sampled: boolean;
  /** Liquidations come from polling the exchange's history every this many ms (absent: a push stream). */
  polledEveryMs?: number;
  /** Frames or entries skipped because they could not be read, since start. */
  malformed?: number;
  /**
   * The configured assets that none of the watched exchanges lists as a perpetual swap (a typo in `assets`), on each
   * venue's liquidations status once every venue's market list has loaded; absent before, and when every one is listed.
   */
  unlisted?: readonly string[];
}

/** Per-exchange settings for tests and special setups. */
export interface ExchangeOverride {
  /** Base address of a stand-in websocket server, e.g. `ws://127.0.0.1:PORT`; each venue appends its own paths. */
  ws?: string;
  /** Markets to use as they are (ccxt market objects, by symbol or as a list): no REST call, no disk cache. */
  markets?: Record<string, unknown> | unknown[];
  /** `false`: never call the exchange's REST API (markets must then be preset). */
  rest?: boolean;
  /** Reconnect pacing; defaults: 1 s doubling up to 60 s. */
  backoff?: { baseMs?: number; maxMs?: number };
  /** Prices by REST polling instead of websockets (the fallback for exchanges without candle streams). */
  prices?: 'watch' | 'poll';
  /** Polling interval for `prices: 'poll'` (default 15 s) and for polled liquidation history (default: the venue's). */
  pollMs?: number;
  /** Least time between two REST requests (default from the venue's published limit). */
  restMinTimeMs?: number;
  /** Base address of a stand-in REST server, e.g. `http://127.0.0.1:PORT`; each venue appends its own paths. */
  restUrl?: string;
  /**
   * Websocket patience (tests shorten it): `connectMs`, how long a connection may go without a subscription
   * acknowledgement or data before it is abandoned (default 30 s); `silentMs`, how long a live one may go without
   * any frame (default twice ccxt's keepalive interval); `stableMs`, how long one must last to end an outage (30 s).
   */
  timeouts?: { connectMs?: number; silentMs?: number; stableMs?: number };
  /** Extra ccxt constructor settings, merged over the venue's. */
  ccxt?: Record<string, unknown>;
}

export interface FeedOptions {
  config: Config;
  sink: FeedSink;
  /** Where market lists are cached (`markets-<exchange>.json`). */
  dataDir: string;
  /** Per-exchange overrides for tests: ws URLs, preset markets, no REST. */
  overrides?: Record<string, ExchangeOverride>;
  now?: () => number;
}

export interface Feeds {
  /** Close every socket and timer; resolves when nothing is left open. */
  stop(): Promise<void>;
  statuses(): FeedStatus[];
}
