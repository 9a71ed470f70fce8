/**
 * One socket group's liquidation stream: subscribes through ccxt, takes every entry of every message at
 * ccxt's handleLiquidation, sizes it in dollars, and hands it to the sink once. Entries of markets we do not
 * follow (OKX sends every swap) are ignored; unreadable ones are skipped and counted.
 */
import type { Backoff } from './backoff.js';
import { skipper, streamExchange, type FeedContext } from './context.js';
import { closeExchange } from './hooked.js';
import { toLiquidation, type RawLiquidation } from './normalize.js';
import type { StatusBoard } from './status.js';
import { StreamRunner, type Outage } from './stream.js';
import type { ProExchange, SocketGroup } from './venue.js';

export function liquidationRunner(ctx: FeedContext, board: StatusBoard, group: SocketGroup, backoff: Backoff, downSince?: Outage): StreamRunner {
  const { venue, sink } = ctx;
  const read = venue.liquidationsIn;
  const watch = venue.watchLiquidations;
  if (!read || !watch) throw new Error(`${venue.id} has no liquidation stream (it is polled)`);
  const watched = new Set(group.symbols);
  const skip = skipper(ctx, board);
  let ex: ProExchange | undefined;

  const onMessage = (message: unknown): void => {
    if (ctx.signal.aborted) return;
    let entries: RawLiquidation[];
    try {
      entries = read(message);
    } catch (err) {
      skip(`liquidation message: ${err instanceof Error ? err.message : String(err)}`);
      return;
    }
    for (const raw of entries) {
      if (!raw.marketId) {
        skip('liquidation entry without a market');
        continue;
      }
      const market = ctx.byId.get(raw.marketId);
      if (!market || !watched.has(market.symbol)) continue;
      const liq = toLiquidation(venue.id, market, raw);
      if (!liq.ok) {
        skip(`${market.symbol} liquidation: ${liq.reason}`);
        continue;
      }
      board.eventAt(ctx.now());
      sink.event(liq.event);
    }
  };

  const runner: StreamRunner = new StreamRunner({
    exchange: venue.id,
    stream: 'liquidations',
    group: group.name,
    board,
    notice: ctx.notice,
    sink,
    now: ctx.now,
    signal: ctx.signal,
    backoff,
    ...(downSince ? { downSince } : {}),
    attempt: async () => {
      ex ??= await streamExchange(ctx, {
        connected: () => runner.connected(),
        frame: () => runner.frame(),
        malformed: skip,
        liquidations: onMessage,
        log: ctx.log,
      });
      // Our hook takes the messages, so ccxt's watch stays pending until the socket fails or is closed.
      while (!ctx.signal.aborted) await watch(ex, group.symbols);
    },
    close: async () => {
      if (ex) await closeExchange(ex);
    },
  });
  return runner;
}
