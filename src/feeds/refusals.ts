/**
 * Subscriptions the exchange refused, for one stream of one socket group (liquidations or prices): a refusal that
 * names one market's topic (a contract delisted since the market list was loaded) drops that symbol with one
 * warning, and the rest of the socket goes on; the symbols left are the ones subscribed at the next connection.
 * When every symbol of the group has been refused nothing is left to keep alive: the attempt fails, and the whole
 * group is retried (with backoff), as any failed connection is.
 */
import type { FeedContext } from './context.js';
import { FeedError } from './errors.js';
import type { SocketGroup } from './venue.js';

export interface Refusals {
  /** The symbols to subscribe: the group less those the exchange refused. */
  active(): string[];
  /** The `refused` socket hook: true when the refusal was about this group (the frame is then kept from ccxt). */
  refused(marketId: string, reason: string): boolean;
  /**
   * Run one attempt's watch loop; `giveUp` rejects once every symbol has been refused, so race each watch
   * against it. The loop's own failures pass through.
   */
  during(loop: (giveUp: Promise<never>) => Promise<void>): Promise<void>;
}

export function refusals(ctx: FeedContext, group: SocketGroup, stream: 'liquidations' | 'prices'): Refusals {
  const { venue } = ctx;
  let active = [...group.symbols];
  let allRefused: ((err: Error) => void) | undefined;

  const refused = (marketId: string, reason: string): boolean => {
    const symbol = active.find((s) => ctx.markets[s]?.id === marketId);
    if (!symbol) return group.symbols.some((s) => ctx.markets[s]?.id === marketId); // already dropped: swallow the repeat
    active = active.filter((s) => s !== symbol);
    const fields = { exchange: venue.id, stream, group: group.name, symbol, reason };
    if (active.length === 0) {
      // Every symbol refused: nothing is left to keep alive, so the connection fails, and is retried whole (with backoff).
      ctx.log.warn(fields, `${venue.id}: the exchange refused ${symbol} (${stream}), the last symbol of this socket; retrying the whole group later`);
      active = [...group.symbols];
      allRefused?.(new FeedError(`${venue.id} refused every symbol of this socket (last: ${reason})`, true, ''));
      return true;
    }
    ctx.log.warn(fields, `${venue.id}: the exchange refused ${symbol} (${stream}: ${reason}); not watching it until restart, the other symbols go on`);
    return true;
  };

  const during = async (loop: (giveUp: Promise<never>) => Promise<void>): Promise<void> => {
    const giveUp = new Promise<never>((_, reject) => {
      allRefused = reject;
    });
    // Handled where it is raced; this only keeps a rejection between two watches from counting as unhandled.
    giveUp.catch(() => undefined);
    try {
      await loop(giveUp);
    } finally {
      allRefused = undefined;
    }
  };

  return { active: () => active, refused, during };
}
