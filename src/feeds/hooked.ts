/**
 * A ccxt pro exchange with our hooks inside its message handling. ccxt's watch… calls return only what
 * accumulated since the previous call and show the first entry of a batched message, so liquidations are
 * taken where ccxt dispatches each message (handleLiquidation), every entry of every message, exactly once.
 * The same subclass counts unreadable frames instead of letting them reject the pending watch, reports
 * when a socket opens, and sends ccxt's console logging to our logger.
 */
import type { Logger } from '../log.js';
import { readFrame, type FrameProtocol, type ProExchange, type ProExchangeClass } from './venue.js';

export interface SocketHooks {
  /** A socket of this instance opened (nothing is subscribed yet, and the exchange may never answer). */
  connected(url: string): void;
  /** A subscription was acknowledged or data arrived: the stream is live. */
  subscribed?(): void;
  /** Any sign of life: a frame (data, pong, acknowledgement, even garbage) or a websocket-level pong. */
  frame(): void;
  /** The exchange refused the subscription of this market (by its exchange id); true if the stream dropped it (the refusal is then kept from ccxt). */
  refused?(marketId: string, reason: string): boolean;
  /** A frame or entry could not be read; it was skipped. */
  malformed(reason: string): void;
  /** A liquidation message, as ccxt dispatched it; without this hook ccxt's own handling runs. */
  liquidations?(message: unknown): void;
  log: Logger;
}

/**
 * Subclass `Base` with `hooks` (one class per stream: the hooks close over that stream). With the venue's frame
 * `protocol`, every frame is read before ccxt sees it: malformed ones are counted and dropped, acknowledgements and
 * data make the stream live, a refusal naming one market drops that market; without it, any frame counts as data
 * and only text that looked like JSON but did not parse is counted.
 */
export function hooked(Base: ProExchangeClass, hooks: SocketHooks, protocol?: FrameProtocol): ProExchangeClass {
  // ccxt's methods are untyped JavaScript underneath; the overrides below keep their signatures.
  const Parent = Base as unknown as new (config: Record<string, unknown>) => any;
  class Hooked extends Parent {
    handleMessage(client: unknown, message: unknown): unknown {
      hooks.frame();
      if (!protocol) {
        // ccxt passes a frame that looked like JSON but did not parse as the raw string.
        if (typeof message === 'string' && /^\s*[[{]/.test(message)) {
          hooks.malformed('frame is not valid JSON');
          return undefined;
        }
        hooks.subscribed?.();
      } else {
        const frame = readFrame(protocol, message);
        if (frame.kind === 'malformed') {
          hooks.malformed(frame.reason);
          return undefined;
        }
        if (frame.kind === 'refused' && frame.marketId !== undefined && hooks.refused?.(frame.marketId, frame.reason)) return undefined;
        if (frame.kind === 'ack' || frame.kind === 'data') hooks.subscribed?.();
      }
      try {
        return super.handleMessage(client, message);
      } catch (err) {
        hooks.malformed(`ccxt could not handle a frame: ${err instanceof Error ? err.message : String(err)}`);
        return undefined;
      }
    }

    handleLiquidation(client: unknown, message: unknown): unknown {
      if (!hooks.liquidations) return super.handleLiquidation(client, message);
      hooks.liquidations(message);
      return undefined;
    }

    /** Every client of this instance reports websocket-level pongs (Binance's only keepalive) as signs of life. */
    client(url: string): unknown {
      const c = super.client(url) as { onPong?: (...args: unknown[]) => unknown; liqbotHooked?: boolean };
      if (!c.liqbotHooked && typeof c.onPong === 'function') {
        const onPong = c.onPong.bind(c);
        c.onPong = (...args: unknown[]) => {
          hooks.frame();
          return onPong(...args);
        };
        c.liqbotHooked = true;
      }
      return c;
    }

    onConnected(client: { url: string }, message?: unknown): unknown {
      const result = super.onConnected(client, message);
      hooks.connected(client.url);
      return result;
    }

    log(...args: unknown[]): void {
      hooks.log.debug({ ccxt: args.map((a) => (a instanceof Date ? a.toISOString() : String(a))).join(' ').slice(0, 500) }, 'ccxt');
    }
  }
  return Hooked as unknown as ProExchangeClass;
}

/**
 * Close every socket of `ex`. ccxt's close() waits for each closing handshake; a peer that vanished never
 * answers, so after `graceMs` the sockets are cut, and nothing is left open either way.
 */
export async function closeExchange(ex: ProExchange, graceMs = 1_000): Promise<void> {
  const clients = Object.values(ex.clients ?? {});
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([
    ex.close().catch(() => undefined),
    new Promise((resolve) => {
      timer = setTimeout(resolve, graceMs);
    }),
  ]);
  clearTimeout(timer);
  for (const c of clients) c.connection?.terminate?.();
}
