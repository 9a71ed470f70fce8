/**
 * Bybit v5 public streams (`/v5/public/linear`, `/v5/public/inverse`), as documented: clients send
 * `{"op":"subscribe","args":["allLiquidation.BTCUSDT"],"req_id":"1"}` and `{"op":"ping"}`; the
 * `allLiquidation.<symbol>` topic pushes batches `{"topic","type":"snapshot","ts","data":[{"T","s","S","v","p"}]}`
 * where S is the POSITION side (Buy = a long was liquidated); `kline.1.<symbol>` pushes candles.
 */
import { FakeExchangeServer, type FakeConnection, type Protocol } from './server.js';

export const bybitProtocol: Protocol = {
  onFrame(conn: FakeConnection, text: string) {
    const msg = JSON.parse(text) as { op?: string; args?: string[]; req_id?: string };
    if (msg.op === 'ping') {
      conn.send({ success: true, ret_msg: 'pong', conn_id: 'fake', req_id: msg.req_id, op: 'ping' });
      return;
    }
    if (msg.op === 'subscribe') for (const t of msg.args ?? []) conn.topics.add(t);
    if (msg.op === 'unsubscribe') for (const t of msg.args ?? []) conn.topics.delete(t);
    conn.send({ success: true, ret_msg: '', conn_id: 'fake', req_id: msg.req_id, op: msg.op });
  },
};

export interface BybitFakeOptions {
  /** Topics answered as Bybit answers a topic it does not list (a delisted contract): `success: false`, the topic named. */
  refuse?: readonly string[];
  /** While it returns true the server reads frames but answers nothing (a half-open connection, an exchange black hole). */
  silent?: () => boolean;
}

/** The protocol with refusals and silence, for the failure tests. */
export function bybitProtocolWith(o: BybitFakeOptions): Protocol {
  return {
    onFrame(conn, text) {
      if (o.silent?.()) return;
      const msg = JSON.parse(text) as { op?: string; args?: string[]; req_id?: string };
      const refused = msg.op === 'subscribe' ? (msg.args ?? []).find((t) => o.refuse?.includes(t)) : undefined;
      if (refused) {
        conn.send({ success: false, ret_msg: `error:handler not found,topic:${refused}`, conn_id: 'fake', req_id: msg.req_id, op: 'subscribe' });
        return;
      }
      bybitProtocol.onFrame(conn, text);
    },
  };
}

export function startBybit(o: BybitFakeOptions = {}): Promise<FakeExchangeServer> {
  return FakeExchangeServer.start(o.refuse || o.silent ? bybitProtocolWith(o) : bybitProtocol);
}

export const liquidationTopic = (marketId: string): string => `allLiquidation.${marketId}`;
export const klineTopic = (marketId: string): string => `kline.1.${marketId}`;

export interface BybitLiquidation {
  /** The POSITION side: Buy = a long was liquidated. */
  side: 'Buy' | 'Sell';
  /** Coins for linear contracts, USD for inverse ones. */
  size: number;
  price: number;
  time: number;
}

export function allLiquidation(marketId: string, entries: BybitLiquidation[]): unknown {
  return {
    topic: liquidationTopic(marketId),
    type: 'snapshot',
    ts: (entries[entries.length - 1]?.time ?? 0) + 5,
    data: entries.map((e) => ({ T: e.time, s: marketId, S: e.side, v: String(e.size), p: String(e.price) })),
  };
}

export function bybitKline(marketId: string, k: { start: number; open: number; high: number; low: number; close: number; volume: number; confirm: boolean }): unknown {
  return {
    topic: klineTopic(marketId),
    type: 'snapshot',
    ts: k.start + 1000,
    data: [
      {
        start: k.start,
        end: k.start + 59_999,
        interval: '1',
        open: String(k.open),
        close: String(k.close),
        high: String(k.high),
        low: String(k.low),
        volume: String(k.volume),
        turnover: String(k.volume * k.close),
        confirm: k.confirm,
        timestamp: k.start + 1000,
      },
    ],
  };
}
