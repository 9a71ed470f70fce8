/**
 * Bitfinex perpetuals (`tBTCF0:USTF0`). No public liquidation stream we can use: the public history
 * `GET /v2/liquidations/hist?start=&end=&limit=&sort=-1` covers every market in one list (newest first, up to
 * 500 rows) and is limited to 3 requests a minute, so it is polled once for all markets every 30 s. A row is
 * `[["pos", POS_ID, MTS, null, SYMBOL, AMOUNT, BASE_PRICE, null, IS_MATCH, IS_MARKET_SOLD, null,
 * PRICE_ACQUIRED]]`: AMOUNT is the POSITION (positive = long) in coins; a position can appear twice (the
 * trigger and the match), so the position id identifies the liquidation.
 */
import { num } from '../normalize.js';
import { oneSocket, polledHistory, single, type PolledLiquidation, type ProExchangeClass, type Venue } from '../venue.js';

export function bitfinexLiquidation(row: unknown): PolledLiquidation {
  const entry = Array.isArray(row) && Array.isArray(row[0]) ? (row[0] as unknown[]) : undefined;
  if (!entry || entry[0] !== 'pos' || typeof entry[4] !== 'string') throw new Error('liquidations/hist row is not a position');
  const amount = num(entry[5]);
  const acquired = num(entry[11]);
  return {
    marketId: entry[4],
    ts: num(entry[2]),
    price: acquired > 0 ? acquired : num(entry[6]),
    contracts: Math.abs(amount),
    contractSize: 1,
    side: amount > 0 ? 'long' : amount < 0 ? 'short' : undefined,
    key: String(entry[1]),
  };
}

export const bitfinex: Venue = {
  id: 'bitfinex',
  proClass: (ccxt) => ccxt.pro.bitfinex as unknown as ProExchangeClass,
  ccxtConfig: {},
  pointAt: (urls, base) => {
    urls.api.ws = { public: `${base}/ws/2`, private: `${base}/ws/2` };
  },
  pointRestAt: (urls, base) => {
    urls.api.public = base;
  },
  // Published: liquidations/hist 3 requests a minute; candles 30 a minute.
  restPerSecond: 0.5,
  socketGroups: oneSocket,
  prices: 'poll',
  poll: polledHistory({
    scope: 'all',
    everyMs: 30_000,
    pageLimit: 500,
    historyMs: 7 * 86_400_000,
    fetchPage: async (ex, { since, until, limit }) => {
      const rows: unknown = await ex.publicGetLiquidationsHist({ start: since, end: until, limit, sort: -1 });
      if (!Array.isArray(rows)) throw new Error('liquidations/hist did not answer with a list');
      return rows;
    },
    read: (row) => single(bitfinexLiquidation(row)),
  }),
};
