/**
 * One socket group's liquidation stream: subscribes through ccxt, takes every entry of every message at
 * ccxt's handleLiquidation, sizes it in dollars, and hands it to the sink once. A venue's all-market stream
 * (Binance `!forceOrder@arr`, OKX `liquidation-orders`) brings every contract's: each perpetual swap's goes on, the
 * configured assets' and the others' alike (live, the engine counts the others in the market-wide flush alone);
 * entries of markets we do not follow (dated futures, unlisted ids) are ignored; unreadable ones are skipped and counted.
 */
import type { Backoff } from './backoff.js';
import { skipper, streamExchange, type FeedContext } from './context.js';
import { closeExchange } from './hooked.js';
import { toLiquidation, type RawLiquidation } from './normalize.js';
import type { StatusBoard } from './status.js';
import { StreamRunner, type Outage } from './stream.js';
import { refusals } from './refusals.js';
import { isFollowedPerpetual, type MarketLike } from './symbols.js';
import { silentAfterMs, type ProExchange, type SocketGroup } from './venue.js';

export function liquidationRunner(ctx: FeedContext, board: StatusBoard, group: SocketGroup, backoff: Backoff, downSince?: Outage): StreamRunner {
  const { venue, sink } = ctx;
  const read = venue.liquidationsIn;
  const watch = venue.watchLiquidations;
  if (!read || !watch) throw new Error(`${venue.id} has no liquidation stream (it is polled)`);
  const watched = new Set(group.symbols);
  const follows = venue.allMarket ? isFollowedPerpetual : (market: MarketLike) => watched.has(market.symbol);
  const skip = skipper(ctx, board);
  let ex: ProExchange | undefined;
  /** Identities of liquidations emitted lately (venues whose snapshots replay them), with their times. */
  const seen = new Map<string, number>();
  /** When the current socket opened: a replayed liquidation older than this belongs to a gap or to an earlier run. */
  let openedAt = -Infinity;
  /** Refused subscriptions (a delisted contract): that symbol is dropped, the rest of the socket goes on. */
  const refusal = refusals(ctx, group, 'liquidations');

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
      if (!market || !follows(market)) continue;
      if (raw.key !== undefined && seen.has(raw.key)) continue;
      if (raw.replayed && !(raw.ts >= openedAt)) continue;
      const liq = toLiquidation(venue.id, market, raw);
      if (!liq.ok) {
        skip(`${market.symbol} liquidation: ${liq.reason}`);
        continue;
      }
      if (raw.key !== undefined) remember(raw.key, liq.event.ts);
      board.eventAt(ctx.now());
      sink.event(liq.event);
    }
  };

  /** Keeps the identities of the last hour or 20,000 liquidations, whichever is fewer: what a snapshot can replay. */
  const remember = (key: string, ts: number): void => {
    seen.set(key, ts);
    if (seen.size <= 20_000 && seen.size % 1_000 !== 0) return;
    const cutoff = ctx.now() - 3_600_000;
    for (const [k, t] of seen) if (t < cutoff || seen.size > 20_000) seen.delete(k);
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
    ...(ctx.override.timeouts?.connectMs ? { connectTimeoutMs: ctx.override.timeouts.connectMs } : {}),
    ...(ctx.override.timeouts?.stableMs ? { stableMs: ctx.override.timeouts.stableMs } : {}),
    attempt: async () => {
      ex ??= await streamExchange(ctx, {
        // A socket that opened is not yet live: the first acknowledgement or data frame is.
        connected: () => {
          openedAt = ctx.now();
        },
        subscribed: () => runner.connected(),
        frame: () => runner.frame(),
        refused: refusal.refused,
        malformed: skip,
        liquidations: onMessage,
        log: ctx.log,
      });
      const socket = ex;
      // Our hook takes the messages, so ccxt's watch stays pending until the socket fails or is closed.
      await refusal.during(async (giveUp) => {
        while (!ctx.signal.aborted) await Promise.race([watch(socket, refusal.active()), giveUp]);
      });
    },
    silentAfterMs: () => ctx.override.timeouts?.silentMs ?? silentAfterMs(ex),
    close: async () => {
      if (ex) await closeExchange(ex);
    },
  });
  return runner;
}
