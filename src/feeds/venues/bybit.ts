/**
 * Bybit perpetuals, linear (USDT, USDC) and inverse, on two public endpoints. The `allLiquidation.<symbol>`
 * topic pushes every liquidation (batched every 500 ms, several per message). `S` is the POSITION's side:
 * Buy = a long was liquidated. `v` is in coins for linear contracts and in USD (1 USD per contract) for inverse.
 */
import type { PositionSide } from '../../core/events.js';
import { num, type RawLiquidation } from '../normalize.js';
import { asObject, linearAndInverse, type ProExchangeClass, type Venue } from '../venue.js';

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
  // One topic per symbol; the watches share the group's socket, so the first failure ends them all.
  watchLiquidations: (ex, symbols) => Promise.race(symbols.map((s) => ex.watchLiquidations(s))),
  liquidationsIn: bybitLiquidations,
};
