/**
 * Lighter's public websocket (`/stream`), as documented: clients send `{"type":"subscribe","channel":"trade/0"}`;
 * the server answers `{"type":"subscribed/trade","channel":"trade:0","trades":[],"liquidation_trades":[]}`
 * and then pushes `{"type":"update/trade","channel":"trade:0","trades":[…],"liquidation_trades":[…]}`. It pings
 * with `{"type":"ping"}` and expects `{"type":"pong"}`. On connect it sends `{"type":"connected"}`.
 */
import { FakeExchangeServer, type FakeConnection, type Protocol } from './server.js';

export const lighterProtocol: Protocol = {
  onFrame(conn: FakeConnection, text: string) {
    const msg = JSON.parse(text) as { type?: string; channel?: string };
    if (msg.type === 'subscribe' && msg.channel) {
      const channel = msg.channel.replace('/', ':');
      conn.topics.add(channel);
      conn.send({ type: `subscribed/${channel.split(':')[0]}`, channel, nonce: 1, trades: [], liquidation_trades: [] });
    }
  },
};

/**
 * With `snapshot`: the `subscribed/trade` acknowledgement carries these recent liquidations (as Lighter's does).
 * With `refuse`: channels (`trade/2`) answered with Lighter's error frame, which carries no request id:
 * `{"error":{"code":30005,"message":"Invalid Channel: trade/2"}}`.
 */
export function startLighter(o: { refuse?: readonly string[]; snapshot?: (marketId: string) => LighterLiquidation[] } = {}): Promise<FakeExchangeServer> {
  return FakeExchangeServer.start({
    onFrame(conn, text) {
      const msg = JSON.parse(text) as { type?: string; channel?: string };
      if (msg.type === 'subscribe' && msg.channel && o.refuse?.includes(msg.channel)) {
        conn.send({ error: { code: 30005, message: `Invalid Channel: ${msg.channel}` } });
        return;
      }
      if (msg.type === 'subscribe' && msg.channel?.startsWith('trade/') && o.snapshot) {
        // The acknowledgement is a snapshot of the channel's recent trades, liquidations included.
        const marketId = msg.channel.split('/')[1]!;
        conn.topics.add(tradeChannel(marketId));
        conn.send({ ...(lighterTrades(marketId, o.snapshot(marketId)) as object), type: 'subscribed/trade', nonce: 1 });
        return;
      }
      lighterProtocol.onFrame(conn, text);
    },
  });
}

export const tradeChannel = (marketId: string): string => `trade:${marketId}`;

export interface LighterLiquidation {
  tradeId: number;
  size: number;
  price: number;
  /** true: the maker sold, the taker (the liquidated account) bought: a short was liquidated. */
  makerAsk: boolean;
  time: number;
}

export function lighterTrades(marketId: string, liquidations: LighterLiquidation[], trades = 0): unknown {
  const trade = (l: LighterLiquidation, type: string) => ({
    trade_id: l.tradeId,
    tx_hash: `0x${l.tradeId.toString(16)}`,
    type,
    market_id: Number(marketId),
    size: String(l.size),
    price: String(l.price),
    usd_amount: String(l.size * l.price),
    ask_id: 1,
    bid_id: 2,
    is_maker_ask: l.makerAsk,
    block_height: 100,
    timestamp: l.time,
  });
  return {
    type: 'update/trade',
    channel: tradeChannel(marketId),
    nonce: 2,
    trades: liquidations.slice(0, trades).map((l) => trade(l, 'trade')),
    liquidation_trades: liquidations.map((l) => trade(l, 'liquidation')),
  };
}
