/**
 * One socket group's prices: 1-minute candles, emitted once closed, and the current price per symbol,
 * throttled to about one tick per second. Candles come from ccxt's candle stream where the exchange has one
 * (watchOHLCVForSymbols, or the venue's `watchCandles`), else from polling REST; a refused candle topic drops
 * its symbol only (refusals.ts); either way reconnects, backoff and gaps are StreamRunner's.
 */
import type { Timeframe } from '../core/events.js';
import { pause, type Backoff } from './backoff.js';
import { CandleTracker } from './candles.js';
import { skipper, streamExchange, type FeedContext } from './context.js';
import { closeExchange } from './hooked.js';
import { num, perCoin } from './normalize.js';
import type { StatusBoard } from './status.js';
import { StreamRunner, type Outage } from './stream.js';
import { refusals } from './refusals.js';
import { coinSymbol } from './symbols.js';
import { PriceThrottle } from './ticks.js';
import { candlesTogether, silentAfterMs, type ProExchange, type SocketGroup } from './venue.js';

export const PRICE_TIMEFRAME: Timeframe = '1m';

export interface PriceGroup {
  runner: StreamRunner;
  /** Drop held ticks and timers. */
  stop(): void;
}

export function priceGroup(ctx: FeedContext, board: StatusBoard, group: SocketGroup, backoff: Backoff, downSince?: Outage): PriceGroup {
  const { venue, sink } = ctx;
  const skip = skipper(ctx, board);
  const emit = (e: Parameters<typeof sink.event>[0]): void => {
    if (ctx.signal.aborted) return;
    board.eventAt(ctx.now());
    sink.event(e);
  };
  const dropped = (reason: string): void => ctx.log.debug({ exchange: venue.id, reason }, 'candle left out');
  const candles = new CandleTracker(venue.id, ctx.markets, PRICE_TIMEFRAME, emit, skip, dropped);
  const ticks = new PriceThrottle(venue.id, ctx.now, emit);
  const take = (symbol: string, rows: readonly (readonly unknown[])[] | undefined): void => {
    candles.update(symbol, rows);
    const newest = rows?.[rows.length - 1];
    const market = ctx.markets[symbol];
    // Ticked per coin under the coin's symbol, as candles are (a `1000PEPE` contract's price is PEPE's × 1,000).
    if (newest && market) ticks.offer(coinSymbol(market), perCoin(market, num(newest[4])));
  };

  const poll = (ctx.override.prices ?? venue.prices ?? 'watch') === 'poll';
  let ex: ProExchange | undefined;

  /** Refused candle topics (a delisted contract): that symbol is dropped, the rest of the socket goes on. */
  const refusal = refusals(ctx, group, 'prices');
  const watch = venue.watchCandles ?? candlesTogether;

  const watchCandles = async (): Promise<void> => {
    // Live on the first acknowledgement or candle, not when the socket merely opens.
    ex ??= await streamExchange(ctx, {
      connected: () => undefined,
      subscribed: () => runner.connected(),
      frame: () => runner.frame(),
      refused: refusal.refused,
      malformed: skip,
      log: ctx.log,
    });
    const socket = ex;
    await refusal.during(async (giveUp) => {
      while (!ctx.signal.aborted) {
        await Promise.race([watch(socket, refusal.active(), PRICE_TIMEFRAME), giveUp]);
        // ccxt keeps every candle it has seen, updated in place; reading its cache misses nothing between returns.
        for (const symbol of refusal.active()) take(symbol, socket.ohlcvs[symbol]?.[PRICE_TIMEFRAME]);
      }
    });
  };

  const pollCandles = async (): Promise<void> => {
    const rest = ctx.rest;
    if (!rest) throw new Error('prices by polling need REST, which is off for this exchange');
    while (!ctx.signal.aborted) {
      for (const symbol of group.symbols) take(symbol, await rest.fetchOHLCV(symbol, PRICE_TIMEFRAME, candles.nextSince(symbol), 100));
      runner.connected();
      await pause(ctx.override.pollMs ?? 15_000, ctx.signal);
    }
  };

  const runner: StreamRunner = new StreamRunner({
    exchange: venue.id,
    stream: 'prices',
    group: group.name,
    board,
    notice: ctx.notice,
    sink,
    now: ctx.now,
    signal: ctx.signal,
    backoff,
    ...(downSince ? { downSince } : {}),
    ...(ctx.override.timeouts?.connectMs ? { connectTimeoutMs: ctx.override.timeouts.connectMs } : {}),
    ...(ctx.override.timeouts?.stableMs ? { stableMs: ctx.override.timeouts.stableMs } : {}),
    attempt: poll ? pollCandles : watchCandles,
    ...(poll ? {} : { silentAfterMs: () => ctx.override.timeouts?.silentMs ?? silentAfterMs(ex) }),
    close: async () => {
      if (ex) await closeExchange(ex);
    },
    onUp: (gap) => {
      if (gap && !poll) candles.blindBetween(gap.from, gap.to);
    },
  });
  return { runner, stop: () => ticks.stop() };
}
