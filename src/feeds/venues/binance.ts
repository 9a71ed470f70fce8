/**
 * Binance futures: USDⓈ-M (binanceusdm, linear) and COIN-M (binancecoinm, inverse). One subscription to the
 * all-market stream `!forceOrder@arr` (ccxt's `watchLiquidationsForSymbols` with no symbols) carries every contract's
 * liquidations, one order per message; Binance documents it as the per-symbol `<symbol>@forceOrder` snapshot for every
 * symbol (at most the latest order per symbol per 1000 ms), so the configured assets' prints are the ones their own
 * streams would give, and the totals are a sample. `S` is the liquidation ORDER's side: the engine SELLs to close a
 * long, so SELL → long. Sizes are in contracts: one coin on USDⓈ-M, 100 or 10 USD on COIN-M. Dated futures come on the
 * same stream and are not followed (the feed knows perpetual swaps only).
 */
import type { PositionSide } from '../../core/events.js';
import { num, type RawLiquidation } from '../normalize.js';
import { asObject, oneSocket, type FrameKind, type ProExchangeClass, type Venue } from '../venue.js';

function positionSide(orderSide: unknown): PositionSide | undefined {
  if (orderSide === 'SELL') return 'long';
  if (orderSide === 'BUY') return 'short';
  return undefined;
}

/** `{"e":"forceOrder","E":…,"o":{"s","S","q","p","ap","X","l","z","T"}}` → one liquidation. */
export function binanceLiquidations(message: unknown): RawLiquidation[] {
  const order = asObject(asObject(message)?.o);
  if (!order || typeof order.s !== 'string') throw new Error('forceOrder without an order');
  // z = filled so far (the whole liquidated size once FILLED); l = last fill; q = ordered.
  const filled = num(order.z);
  const contracts = filled > 0 ? filled : num(order.l) > 0 ? num(order.l) : num(order.q);
  const avg = num(order.ap);
  return [
    {
      marketId: order.s,
      ts: num(order.T ?? asObject(message)?.E),
      price: avg > 0 ? avg : num(order.p),
      contracts,
      side: positionSide(order.S),
    },
  ];
}

/**
 * Binance's frames: `{"result":null,"id":1}` acknowledges a SUBSCRIBE, `{"error":{"code","msg"},"id":1}` refuses one
 * (naming no stream: ccxt fails the socket), events have an `e` (raw streams) or `stream` and `data` (combined ones).
 * Keepalive is websocket-level ping/pong, never a text frame.
 */
export function binanceFrame(f: Record<string, unknown>): FrameKind {
  if (f.error !== undefined && f.error !== null) return { kind: 'refused', reason: JSON.stringify(f.error).slice(0, 200) };
  if ('result' in f && f.id !== undefined) return { kind: 'ack' };
  if (typeof f.e === 'string' || (typeof f.stream === 'string' && asObject(f.data))) return { kind: 'data' };
  return { kind: 'malformed', reason: 'not a Binance frame (no e, stream, result or error)' };
}

function binanceVenue(id: 'binanceusdm' | 'binancecoinm', wsKey: 'future' | 'delivery'): Venue {
  return {
    id,
    proClass: (ccxt) => ccxt.pro[id] as unknown as ProExchangeClass,
    ccxtConfig: {},
    // ccxt turns …/ws into …/market/ws/<n> for USDⓈ-M and appends /<n> for COIN-M.
    pointAt: (urls, base) => {
      urls.api.ws[wsKey] = `${base}/ws`;
    },
    // Published: 2,400 request weight per minute per IP; loading markets costs 1, a candle request 1–10.
    restPerSecond: 10,
    socketGroups: oneSocket,
    allMarket: true,
    // No symbols: ccxt subscribes to `!forceOrder@arr`. Its per-symbol hashes are then never resolved, which does not
    // matter: the feed takes every message at handleLiquidation (hooked.ts), and this watch stays pending by design.
    watchLiquidations: (ex) => ex.watchLiquidationsForSymbols([]),
    liquidationsIn: binanceLiquidations,
    frames: { read: binanceFrame },
  };
}

export const binanceusdm = binanceVenue('binanceusdm', 'future');
export const binancecoinm = binanceVenue('binancecoinm', 'delivery');
