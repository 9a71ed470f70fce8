/**
 * Lighter (a perpetuals DEX). Its public `trade/<market_id>` channel carries every trade of a market, and
 * every liquidation among them in `liquidation_trades` (all of them: not a sample). A liquidation trade is
 * `{trade_id, market_id, size, price, usd_amount, is_maker_ask, timestamp, …}`; the liquidated account is
 * the taker, so a taker buy (`is_maker_ask: true`) closes a short and a taker sell closes a long. `size` is
 * in coins. No candle stream: prices are polled. The acknowledgement of a subscription (`subscribed/trade`) is a
 * snapshot of the channel's recent trades, liquidations included: on every (re)connection it replays liquidations
 * already counted (or counted by the previous run), so those entries are marked `replayed` and carry the trade id;
 * the stream skips the ones it has seen and the ones older than the connection.
 */
import { num, type RawLiquidation } from '../normalize.js';
import { asObject, oneSocket, watchEach, type FrameKind, type ProExchangeClass, type Venue } from '../venue.js';

/** `{"channel":"trade:0","type":"update/trade","trades":[…],"liquidation_trades":[…]}` → every liquidation trade. */
export function lighterLiquidations(message: unknown): RawLiquidation[] {
  const m = asObject(message);
  const list = m?.liquidation_trades;
  if (!Array.isArray(list)) throw new Error('trade message without liquidation_trades');
  const channelMarket = typeof m?.channel === 'string' ? m.channel.split(':')[1] : undefined;
  const replayed = typeof m?.type === 'string' && m.type.startsWith('subscribed/');
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
      ...(e.trade_id !== undefined && e.trade_id !== null ? { key: `${marketId}|${String(e.trade_id)}` } : {}),
      ...(replayed ? { replayed } : {}),
    };
  });
}

/**
 * Lighter's frames: `{"type":"connected"}` greets a new socket, `{"type":"ping"}`/`pong` keep it alive,
 * `{"type":"subscribed/trade","channel":"trade:0",…}` acknowledges a channel, `update/…` pushes data, and an error is
 * `{"error":{"code":30005,"message":"Invalid Channel: …"}}`; it names no request, so it drops one market only when
 * its message names a channel (`trade/5`, `trade:5`); otherwise ccxt fails the whole socket, as before.
 */
export function lighterFrame(f: Record<string, unknown>): FrameKind {
  const error = asObject(f.error);
  if (error) {
    const reason = `${String(error.code ?? '')} ${String(error.message ?? '')}`.trim();
    const channel = /\b(?:trade|order_book|market_stats)[/:](\d+)\b/.exec(reason);
    return channel ? { kind: 'refused', marketId: channel[1]!, reason } : { kind: 'refused', reason };
  }
  if (typeof f.type !== 'string') return { kind: 'malformed', reason: 'not a Lighter frame (no type)' };
  if (f.type.startsWith('subscribed/')) return { kind: 'ack' };
  if (f.type.startsWith('update/')) return { kind: 'data' };
  return { kind: 'control' };
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
  // One channel per market on one socket: the first failure ends them all, but a refused channel only drops its market.
  watchLiquidations: watchEach,
  frames: { read: lighterFrame },
  liquidationsIn: lighterLiquidations,
};
