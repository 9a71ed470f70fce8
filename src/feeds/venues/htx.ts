/**
 * HTX (Huobi) USDT perpetuals. No public liquidation stream: the public history
 * `GET /v5/market/liquidation_orders?contract_code=&start_time=&end_time=&limit=` (ms, newest first) is
 * polled per contract. A row is `{id, contract_code, liquidation_time, side, position_side, volume, amount,
 * bankrupt_price, trade_turnover}`: `position_side` is the liquidated POSITION, `volume` is in contracts (a
 * contract is the market's contractSize: 0.001 BTC for BTC-USDT), `trade_turnover` in USDT
 * (= volume × contractSize × bankrupt_price); `id` identifies it. `amount` is NOT relied on: ccxt's own sample
 * of this endpoint shows `volume: "2", amount: "2", trade_turnover: "125.957"` at 62978.5 (2 contracts of
 * 0.001 BTC), i.e. `amount` in contracts there, while the older v3 endpoint sends it in coins.
 */
import type { PositionSide } from '../../core/events.js';
import { num } from '../normalize.js';
import { asObject, oneSocket, polledHistory, single, type PolledLiquidation, type ProExchangeClass, type Venue } from '../venue.js';

function positionSide(v: unknown): PositionSide | undefined {
  if (v === 'long') return 'long';
  if (v === 'short') return 'short';
  return undefined;
}

export function htxLiquidation(row: unknown): PolledLiquidation {
  const r = asObject(row);
  if (!r || typeof r.contract_code !== 'string') throw new Error('liquidation_orders row without a contract_code');
  if (r.id === undefined || r.id === null || r.id === '') throw new Error('liquidation_orders row without an id');
  return {
    marketId: r.contract_code,
    ts: num(r.liquidation_time),
    price: num(r.bankrupt_price),
    // Contracts, sized by the market's contractSize in toLiquidation (as ccxt's parseLiquidation does).
    contracts: num(r.volume),
    // HTX's own USDT value: a cross-check that wins over the sizing when they disagree (a stale contract size).
    ...(r.trade_turnover !== undefined && r.trade_turnover !== null && r.trade_turnover !== '' ? { usd: num(r.trade_turnover) } : {}),
    side: positionSide(r.position_side),
    key: String(r.id),
  };
}

/** `{code: 200, data: [...]}`; anything else is an error worth retrying later. */
function rowsOf(response: unknown): unknown[] {
  const r = asObject(response);
  if (!r || !Array.isArray(r.data)) throw new Error(`liquidation_orders answered without data (${String(r?.message ?? r?.msg ?? 'no message')})`);
  return r.data;
}

export const htx: Venue = {
  id: 'htx',
  proClass: (ccxt) => ccxt.pro.htx as unknown as ProExchangeClass,
  ccxtConfig: { options: { fetchMarkets: { types: { spot: false, linear: true, inverse: false } } } },
  pointAt: (urls, base) => {
    urls.api.ws = { api: { public: { linear: { default: `${base}/linear-swap-ws` } } } };
  },
  pointRestAt: (urls, base) => {
    urls.api.contract = base;
  },
  // Published: 800 public requests per second per IP; we stay far inside it.
  restPerSecond: 10,
  socketGroups: oneSocket,
  prices: 'poll',
  poll: polledHistory({
    pageLimit: 100,
    historyMs: 2 * 86_400_000,
    fetchPage: async (ex, { market, since, until, limit }) => rowsOf(await ex.contractPublicGetV5MarketLiquidationOrders({ contract_code: market?.id, start_time: since, end_time: until, limit })),
    read: (row) => single(htxLiquidation(row)),
  }),
};
