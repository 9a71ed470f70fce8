/**
 * Lighter (a perpetuals DEX). Its public `trade/<market_id>` channel carries every trade of a market, and
 * every liquidation among them in `liquidation_trades` (all of them: not a sample). A liquidation trade is
 * `{trade_id, market_id, size, price, usd_amount, is_maker_ask, timestamp, …}`; the liquidated account is
 * the taker, so a taker buy (`is_maker_ask: true`) closes a short and a taker sell closes a long. `size` is
 * in coins. No candle stream: prices are polled.
 */
import { num, type RawLiquidation } from '../normalize.js';
import { asObject, oneSocket, type ProExchangeClass, type Venue } from '../venue.js';

/** `{"channel":"trade:0","type":"update/trade","trades":[…],"liquidation_trades":[…]}` → every liquidation trade. */
export function lighterLiquidations(message: unknown): RawLiquidation[] {
  const m = asObject(message);
  const list = m?.liquidation_trades;
  if (!Array.isArray(list)) throw new Error('trade message without liquidation_trades');
  const channelMarket = typeof m?.channel === 'string' ? m.channel.split(':')[1] : undefined;
  return list.map((entry) => {
    const e = asObject(entry) ?? {};
    const marketId = e.market_id !== undefined && e.market_id !== null ? String(e.market_id) : (channelMarket ?? '');
    return {
      marketId,
      ts: num(e.timestamp),
      price: num(e.price),
      contracts: num(e.size),
      contractSize: 1,
      side: e.is_maker_ask === true ? 'short' : e.is_maker_ask === false ? 'long' : undefined,
    };
  });
}

export const lighter: Venue = {
  id: 'lighter',
  proClass: (ccxt) => ccxt.pro.lighter as unknown as ProExchangeClass,
  ccxtConfig: {},
  pointAt: (urls, base) => {
    urls.api.ws = `${base}/stream`;
  },
  // Published: 60 weighted requests a minute for unauthenticated REST.
  restPerSecond: 1,
  socketGroups: oneSocket,
  prices: 'poll',
  // One channel per market; they share the socket, so the first failure ends them all.
  watchLiquidations: (ex, symbols) => Promise.race(symbols.map((s) => ex.watchLiquidations(s))),
  liquidationsIn: lighterLiquidations,
};
