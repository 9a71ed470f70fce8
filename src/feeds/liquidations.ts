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
import { FeedError } from './errors.js';
import { silentAfterMs, type ProExchange, type SocketGroup } from './venue.js';

export function liquidationRunner(ctx: FeedContext, board: StatusBoard, group: SocketGroup, backoff: Backoff, downSince?: Outage): StreamRunner {
  const { venue, sink } = ctx;
  const read = venue.liquidationsIn;
  const watch = venue.watchLiquidations;
  if (!read || !watch) throw new Error(`${venue.id} has no liquidation stream (it is polled)`);
  const watched = new Set(group.symbols);
  const skip = skipper(ctx, board);
  let ex: ProExchange | undefined;
  /** Identities of liquidations emitted lately (venues whose snapshots replay them), with their times. */
  const seen = new Map<string, number>();
  /** When the current socket opened: a replayed liquidation older than this belongs to a gap or to an earlier run. */
  let openedAt = -Infinity;
  /** The symbols subscribed at the next connection: the group less those the exchange refused (a delisted contract). */
  let active = [...group.symbols];

  /** The exchange refused `marketId`'s subscription: drop that symbol, keep the rest of the socket. */
  const refused = (marketId: string, reason: string): boolean => {
    const symbol = active.find((s) => ctx.markets[s]?.id === marketId);
    if (!symbol) return group.symbols.some((s) => ctx.markets[s]?.id === marketId); // already dropped: swallow the repeat
    active = active.filter((s) => s !== symbol);
    if (active.length === 0) {
      // Every symbol refused: nothing is left to keep alive, so the connection fails, and is retried whole (with backoff).
      ctx.log.warn({ exchange: venue.id, group: group.name, symbol, reason }, `${venue.id}: the exchange refused ${symbol}, the last symbol of this socket; retrying the whole group later`);
      active = [...group.symbols];
      allRefused?.(new FeedError(`${venue.id} refused every symbol of this socket (last: ${reason})`, true, ''));
      return true;
    }
    ctx.log.warn({ exchange: venue.id, group: group.name, symbol, reason }, `${venue.id}: the exchange refused ${symbol} (${reason}); not watching it until restart, the other symbols go on`);
    return true;
  };
  let allRefused: ((err: Error) => void) | undefined;

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
        refused,
        malformed: skip,
        liquidations: onMessage,
        log: ctx.log,
      });
      const giveUp = new Promise<never>((_, reject) => {
        allRefused = reject;
      });
      try {
        // Our hook takes the messages, so ccxt's watch stays pending until the socket fails or is closed.
        while (!ctx.signal.aborted) await Promise.race([watch(ex, active), giveUp]);
      } finally {
        allRefused = undefined;
      }
    },
    silentAfterMs: () => ctx.override.timeouts?.silentMs ?? silentAfterMs(ex),
    close: async () => {
      if (ex) await closeExchange(ex);
    },
  });
  return runner;
}
