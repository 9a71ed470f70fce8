/**
 * OKX perpetual swaps. One `liquidation-orders` subscription (instType SWAP) carries every swap's
 * liquidations (an all-market stream: the feed hands on every swap's, the configured assets' and the others');
 * a message holds several instruments, each with several `details`. OKX pushes at most one per
 * contract per second, so totals are a sample. `side` is the liquidation ORDER's side (sell closes a long),
 * `sz` is in contracts (ctVal: 0.01 BTC for BTC-USDT-SWAP, 100 USD for BTC-USD-SWAP), `bkPx` the bankruptcy price.
 */
import type { PositionSide } from '../../core/events.js';
import { num, type RawLiquidation } from '../normalize.js';
import { asObject, oneSocket, type FrameKind, type ProExchangeClass, type Venue } from '../venue.js';

function positionSide(orderSide: unknown): PositionSide | undefined {
  if (orderSide === 'sell') return 'long';
  if (orderSide === 'buy') return 'short';
  return undefined;
}

/** `{"arg":{…},"data":[{"instId","details":[{"side","sz","bkPx","ts"},…]},…]}` → every detail of every instrument. */
export function okxLiquidations(message: unknown): RawLiquidation[] {
  const data = asObject(message)?.data;
  if (!Array.isArray(data)) throw new Error('liquidation-orders without a data list');
  const out: RawLiquidation[] = [];
  for (const item of data) {
    const inst = asObject(item) ?? {};
    const marketId = typeof inst.instId === 'string' ? inst.instId : '';
    const details = Array.isArray(inst.details) ? inst.details : [undefined];
    for (const d of details) {
      const e = asObject(d) ?? {};
      out.push({ marketId, ts: num(e.ts), price: num(e.bkPx), contracts: num(e.sz), side: positionSide(e.side) });
    }
  }
  return out;
}

/**
 * OKX's frames: the text `pong`; `{"event":"subscribe","arg":…}` acknowledges; `{"event":"error","code","msg"}`
 * refuses (a candle channel names its `instId:…`; the one liquidation subscription covers every swap, so its
 * refusal fails the socket); other events (`notice`, `channel-conn-count`) are control; data has `arg` and `data`.
 */
export function okxFrame(f: Record<string, unknown>): FrameKind {
  if (f.event === 'error') {
    const reason = `${String(f.code ?? '')} ${String(f.msg ?? '')}`.trim();
    const inst = /instId:([A-Z0-9-]+)/.exec(reason);
    return inst ? { kind: 'refused', marketId: inst[1]!, reason } : { kind: 'refused', reason };
  }
  if (f.event === 'subscribe' || f.event === 'unsubscribe') return { kind: 'ack' };
  if (typeof f.event === 'string') return { kind: 'control' };
  if (asObject(f.arg) && Array.isArray(f.data)) return { kind: 'data' };
  return { kind: 'malformed', reason: 'not an OKX frame (no event, or arg with data)' };
}

export const okx: Venue = {
  id: 'okx',
  proClass: (ccxt) => ccxt.pro.okx as unknown as ProExchangeClass,
  ccxtConfig: { options: { fetchMarkets: { types: ['swap'] } } },
  // ccxt appends /public (liquidations) and /business (candles).
  pointAt: (urls, base) => {
    urls.api.ws = `${base}/ws/v5`;
  },
  // Published: 20 requests per 2 s for instruments and candles.
  restPerSecond: 5,
  socketGroups: oneSocket,
  allMarket: true,
  // No symbols: one subscription for every swap (ccxt's `liquidations` hash; given an empty list ccxt would subscribe to
  // nothing). Our hook takes every message at handleLiquidation, so the watch stays pending by design.
  watchLiquidations: (ex) => ex.watchLiquidationsForSymbols(undefined),
  liquidationsIn: okxLiquidations,
  frames: { words: ['pong'], read: okxFrame },
};
