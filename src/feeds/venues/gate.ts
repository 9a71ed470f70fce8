/**
 * Gate USDT perpetuals. Gate has no public liquidation stream, so liquidations come from its public history,
 * `GET /futures/usdt/liq_orders?contract=&from=&to=&limit=` (times in SECONDS, newest first, up to 1,000
 * rows), polled per contract. A row is `{time, contract, size, order_size, order_price, fill_price, left}`:
 * `size` is the liquidated POSITION in contracts, positive for a long; a contract is `quanto_multiplier`
 * coins (ccxt's contractSize: 0.0001 BTC for BTC_USDT); `left` is what the liquidation order did not fill, so the
 * size liquidated in the market is |size| − |left| (ccxt's parseLiquidation: size − left; its sample has `left: 0`).
 * The sign of `left` is not documented (the position's or the order's), so magnitudes are used. A row nothing of which
 * was filled records no liquidation (and is not malformed). Rows carry no id, so a liquidation is known by its
 * fields; two liquidations identical in every field within one second count once.
 */
import type { PositionSide } from '../../core/events.js';
import { num } from '../normalize.js';
import { asObject, oneSocket, polledHistory, single, type PolledLiquidation, type ProExchangeClass, type Venue } from '../venue.js';

export function gateLiquidation(row: unknown): PolledLiquidation {
  const r = asObject(row);
  if (!r || typeof r.contract !== 'string') throw new Error('liq_orders row without a contract');
  const size = num(r.size);
  const side: PositionSide | undefined = size > 0 ? 'long' : size < 0 ? 'short' : undefined;
  const left = r.left === undefined || r.left === null || r.left === '' ? 0 : num(r.left);
  const fill = num(r.fill_price);
  const ts = num(r.time) * 1000;
  return {
    marketId: r.contract,
    ts,
    price: fill > 0 ? fill : num(r.order_price),
    // Filled: the unfilled rest of the liquidation order was not traded in the market.
    contracts: Number.isFinite(left) ? Math.max(0, Math.abs(size) - Math.abs(left)) : NaN,
    side,
    key: [r.contract, r.time, r.size, r.order_price, r.fill_price].join('|'),
  };
}

export const gate: Venue = {
  id: 'gate',
  proClass: (ccxt) => ccxt.pro.gate as unknown as ProExchangeClass,
  ccxtConfig: { options: { fetchMarkets: { types: ['swap'] } } },
  pointAt: (urls, base) => {
    urls.api.ws = `${base}/v4/ws`;
  },
  pointRestAt: (urls, base) => {
    urls.api.public.futures = `${base}/api/v4`;
  },
  // Published: 200 requests per 10 s per endpoint for public futures data.
  restPerSecond: 10,
  socketGroups: oneSocket,
  prices: 'poll',
  // Every market's liquidations, every 10 s, 1,000 a page. Gate serves about the last day of them ("from"/"to"
  // windows of up to an hour are safe; older rows thin out).
  poll: polledHistory({
    fetchPage: (ex, { market, since, until, limit }) =>
      ex.publicFuturesGetSettleLiqOrders({ settle: (market?.settle ?? 'usdt').toLowerCase(), contract: market?.id, from: Math.floor(since / 1000), to: Math.ceil(until / 1000), limit }),
    read: (row) => {
      const liq = gateLiquidation(row);
      // Nothing filled: no liquidation traded in the market (not an unreadable row).
      return liq.contracts === 0 && liq.side !== undefined ? { ts: liq.ts, liquidations: [] } : single(liq);
    },
  }),
};
