/**
 * Bybit perpetuals, linear (USDT, USDC) and inverse, on two public endpoints. The `allLiquidation.<symbol>`
 * topic pushes every liquidation (batched every 500 ms, several per message). `S` is the POSITION's side:
 * Buy = a long was liquidated. `v` is in coins for linear contracts and in USD (1 USD per contract) for inverse.
 */
import type { PositionSide } from '../../core/events.js';
import { num, type RawLiquidation } from '../normalize.js';
import { asObject, candlesEach, linearAndInverse, watchEach, type FrameKind, type ProExchangeClass, type Venue } from '../venue.js';

function positionSide(side: unknown): PositionSide | undefined {
  if (side === 'Buy') return 'long';
  if (side === 'Sell') return 'short';
  return undefined;
}

/** `{"topic":"allLiquidation.BTCUSDT","data":[{"T","s","S","v","p"},…]}` → every entry. */
export function bybitLiquidations(message: unknown): RawLiquidation[] {
  const data = asObject(message)?.data;
  if (!Array.isArray(data)) throw new Error('allLiquidation without a data list');
  return data.map((entry) => {
    const e = asObject(entry) ?? {};
    return {
      marketId: typeof e.s === 'string' ? e.s : '',
      ts: num(e.T),
      price: num(e.p),
      contracts: num(e.v),
      side: positionSide(e.S),
      // ccxt sets an inverse market's contractSize to its minimum order; Bybit's size is plain units (coins or USD).
      contractSize: 1,
    };
  });
}

/**
 * Bybit's frames: `{"success":true,"ret_msg":"","op":"subscribe",…}` acknowledges a subscription; a refused one is
 * `{"success":false,"ret_msg":"error:handler not found,topic:allLiquidation.ETHPERP","op":"subscribe",…}` (a delisted
 * contract); pongs are `{"success":true,"ret_msg":"pong","op":"ping"}` or `{"op":"pong",…}`; data has a `topic`.
 */
export function bybitFrame(f: Record<string, unknown>): FrameKind {
  if (f.ret_msg === 'pong' || f.op === 'pong' || f.op === 'ping' || typeof f.pong === 'number') return { kind: 'control' };
  const code = f.retCode ?? f.ret_code;
  if (f.success === false || (code !== undefined && code !== 0 && code !== '0')) {
    const reason = String(f.ret_msg ?? f.retMsg ?? 'refused');
    // `topic:allLiquidation.ETHPERP`, `topic:kline.1.ETHPERP`: the market id is the topic's last part.
    const marketId = /topic:([^,\s]+)/.exec(reason)?.[1]?.split('.').pop();
    return f.op === 'subscribe' && marketId ? { kind: 'refused', marketId, reason } : { kind: 'refused', reason };
  }
  if (f.op === 'subscribe' || f.op === 'unsubscribe' || f.op === 'auth') return { kind: 'ack' };
  if (typeof f.topic === 'string' && f.topic !== '') return { kind: 'data' };
  return { kind: 'malformed', reason: 'not a Bybit frame (no topic, op or success)' };
}

export const bybit: Venue = {
  id: 'bybit',
  proClass: (ccxt) => ccxt.pro.bybit as unknown as ProExchangeClass,
  ccxtConfig: { options: { fetchMarkets: { types: ['linear', 'inverse'] } } },
  pointAt: (urls, base) => {
    urls.api.ws.public.linear = `${base}/v5/public/linear`;
    urls.api.ws.public.inverse = `${base}/v5/public/inverse`;
  },
  // Published: 600 requests per 5 s per IP.
  restPerSecond: 10,
  socketGroups: linearAndInverse,
  // One topic per symbol on the group's socket: the first failure ends them all, but a refused topic only drops its symbol.
  watchLiquidations: watchEach,
  // Bybit answers a subscribe request once: a refusal naming one topic leaves the request's other topics in doubt, so
  // one `kline.1.<id>` request per symbol, as for liquidations: a refused topic only drops its symbol.
  watchCandles: candlesEach,
  frames: { read: bybitFrame },
  liquidationsIn: bybitLiquidations,
};
