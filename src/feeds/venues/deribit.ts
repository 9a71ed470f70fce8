/**
 * Deribit perpetuals: the inverse `BTC-PERPETUAL` (USD contracts) and the USDC-margined linear ones
 * (`ETH_USDC-PERPETUAL`). ccxt's `fetchLiquidations` for Deribit returns insurance-fund settlements (a
 * session's bankruptcy total, with no side, price or size per liquidation), so it is not used. Every
 * liquidation on Deribit is a trade, and the public trade history flags it:
 * `GET /api/v2/public/get_last_trades_by_instrument_and_time?instrument_name&start_timestamp&end_timestamp&count&sorting=desc`
 * (ms, up to 1,000 rows) answers `{result: {trades: [{trade_id, timestamp, instrument_name, direction, price,
 * amount, liquidation?}], has_more}}`. `liquidation` is "M" when the maker was liquidated, "T" the taker,
 * "MT" both; `direction` is the taker's. `amount` is USD on inverse perpetuals and coins on linear ones.
 * The trade id with the liquidated side identifies a liquidation.
 */
import type { PositionSide } from '../../core/events.js';
import { num } from '../normalize.js';
import { asObject, oneSocket, polledHistory, type PolledLiquidation, type PolledRow, type ProExchangeClass, type Venue } from '../venue.js';

type Role = 'M' | 'T';

/** The position the liquidated party held: a taker who sold closed a long; the maker on the other side of it closed a short. */
function liquidatedSide(role: Role, takerDirection: unknown): PositionSide | undefined {
  if (takerDirection !== 'buy' && takerDirection !== 'sell') return undefined;
  const sold = role === 'T' ? takerDirection === 'sell' : takerDirection === 'buy';
  return sold ? 'long' : 'short';
}

/** One trade: no liquidation when it was not one, one per liquidated side otherwise. */
export function deribitTrade(row: unknown): PolledRow {
  const r = asObject(row);
  if (!r || typeof r.instrument_name !== 'string') throw new Error('trade without an instrument_name');
  if (r.trade_id === undefined || r.trade_id === null || r.trade_id === '') throw new Error('trade without a trade_id');
  const ts = num(r.timestamp);
  if (r.liquidation === undefined || r.liquidation === null) return { ts, liquidations: [] };
  if (r.liquidation !== 'M' && r.liquidation !== 'T' && r.liquidation !== 'MT') throw new Error(`trade with an unknown liquidation flag ${JSON.stringify(r.liquidation)}`);
  const roles = [...r.liquidation] as Role[];
  const liquidations = roles.map(
    (role): PolledLiquidation => ({
      marketId: r.instrument_name as string,
      ts,
      price: num(r.price),
      // USD on inverse perpetuals, coins on linear ones: one unit each, whatever ccxt's contractSize says.
      contracts: num(r.amount),
      contractSize: 1,
      side: liquidatedSide(role, r.direction),
      key: `${String(r.trade_id)}|${role}`,
    }),
  );
  return { ts, liquidations };
}

/** `{result: {trades: [...]}}`; an error answer (`{error: {code, message}}`) is worth retrying later. */
function tradesOf(response: unknown): unknown[] {
  const result = asObject(asObject(response)?.result);
  if (!result || !Array.isArray(result.trades)) throw new Error(`get_last_trades_by_instrument_and_time answered without trades (${String(asObject(asObject(response)?.error)?.message ?? 'no message')})`);
  return result.trades;
}

export const deribit: Venue = {
  id: 'deribit',
  proClass: (ccxt) => ccxt.pro.deribit as unknown as ProExchangeClass,
  ccxtConfig: {},
  pointAt: (urls, base) => {
    urls.api.ws = `${base}/ws/api/v2`;
  },
  pointRestAt: (urls, base) => {
    urls.api.rest = base;
  },
  // Published: 20 requests a second for public (non-matching-engine) methods; we stay far inside it.
  restPerSecond: 5,
  socketGroups: oneSocket,
  prices: 'poll',
  // Every market's trades, every 10 s, 1,000 a page; the public trade history reaches back further, a day is what we rely on.
  poll: polledHistory({
    fetchPage: async (ex, { market, since, until, limit }) =>
      tradesOf(await ex.publicGetGetLastTradesByInstrumentAndTime({ instrument_name: market?.id, start_timestamp: since, end_timestamp: until, count: limit, sorting: 'desc' })),
    read: deribitTrade,
  }),
};
