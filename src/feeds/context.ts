/**
 * What every stream of one exchange shares once its markets are known, and the one way a stream gets its
 * own ccxt instance (our hooks inside, ccxt's reconnect delay off since we pace reconnects ourselves,
 * pointed at a stand-in server when a test says so).
 */
import type { Logger } from '../log.js';
import type { ExchangeOverride, FeedSink } from './contract.js';
import { hooked, type SocketHooks } from './hooked.js';
import type { OutageNotice } from './notice.js';
import type { RestClient } from './rest.js';
import type { StatusBoard } from './status.js';
import type { MarketLike, Markets } from './symbols.js';
import { mergeConfig, type Ccxt, type ProExchange, type Venue } from './venue.js';

export interface FeedContext {
  venue: Venue;
  ccxt: Ccxt;
  /** Perpetual swaps by symbol. */
  markets: Markets;
  /** The same, by the exchange's market id. */
  byId: ReadonlyMap<string, MarketLike>;
  /** Delivers nothing once the feeds are stopping. */
  sink: FeedSink;
  now: () => number;
  signal: AbortSignal;
  log: Logger;
  notice: OutageNotice;
  override: ExchangeOverride;
  rest: RestClient | undefined;
}

/** A ccxt pro instance for one stream, ready to watch. */
export async function streamExchange(ctx: FeedContext, hooks: SocketHooks): Promise<ProExchange> {
  const Cls = hooked(ctx.venue.proClass(ctx.ccxt), hooks, ctx.venue.frames);
  const ex = new Cls(
    mergeConfig(
      // ccxt's own reconnect delay would sleep outside our control (and past stop()); ours is in StreamRunner.
      // Rate limiting off: ccxt's throttled subscribe path leaves a failed send unhandled when the socket closes first
      // (an unhandledRejection); a connection sends a handful of subscribes, far inside the exchanges' limits.
      { enableRateLimit: false, options: { ws: { backoff: { base: 0 } } } },
      ctx.venue.ccxtConfig,
      ctx.override.ccxt,
      { markets: ctx.markets },
    ),
  );
  if (ctx.override.ws) ctx.venue.pointAt(ex.urls, ctx.override.ws);
  // Needed for plain ws:// (stand-in servers); harmless otherwise.
  await ex.loadHttpProxyAgent();
  return ex;
}

/** Counts a skipped frame or entry on `board` and logs it: warnings at the 1st, 10th, 100th… so a flood stays readable. */
export function skipper(ctx: FeedContext, board: StatusBoard): (reason: string) => void {
  return (reason) => {
    board.malformed();
    const n = board.snapshot().malformed ?? 0;
    const fields = { exchange: ctx.venue.id, stream: board.snapshot().stream, reason, skipped: n };
    if (/^10*$/.test(String(n))) ctx.log.warn(fields, `${ctx.venue.id}: skipped unreadable data (${n} so far)`);
    else ctx.log.debug(fields, 'skipped unreadable data');
  };
}
