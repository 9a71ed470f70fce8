/**
 * OKX v5 public websocket (`/ws/v5/public`, candles on `/ws/v5/business`), as documented: clients send
 * `{"op":"subscribe","args":[{"channel":"liquidation-orders","instType":"SWAP"}]}` and the text `ping`
 * (answered `pong`); `liquidation-orders` pushes `{"arg","data":[{"instId","details":[{"side","sz","bkPx","ts",…}]}]}`
 * where `side` is the liquidation ORDER's side and `sz` is in contracts; `candle1m` pushes rows of strings.
 */
import { FakeExchangeServer, type FakeConnection, type Protocol } from './server.js';

interface Arg {
  channel: string;
  instType?: string;
  instId?: string;
}

export const okxTopic = (arg: Arg): string => `${arg.channel}:${arg.instType ?? arg.instId ?? ''}`;
export const LIQUIDATIONS_TOPIC = okxTopic({ channel: 'liquidation-orders', instType: 'SWAP' });
export const candleTopic = (instId: string): string => okxTopic({ channel: 'candle1m', instId });

export const okxProtocol: Protocol = {
  onFrame(conn: FakeConnection, text: string) {
    if (text === 'ping') {
      conn.send('pong');
      return;
    }
    const msg = JSON.parse(text) as { op?: string; args?: Arg[] };
    for (const arg of msg.args ?? []) {
      if (msg.op === 'subscribe') conn.topics.add(okxTopic(arg));
      if (msg.op === 'unsubscribe') conn.topics.delete(okxTopic(arg));
      conn.send({ event: msg.op, arg, connId: 'fake' });
    }
  },
};

export function startOkx(): Promise<FakeExchangeServer> {
  return FakeExchangeServer.start(okxProtocol);
}

export interface OkxDetail {
  /** The liquidation ORDER's side: sell closes a long. */
  side: 'sell' | 'buy';
  /** Contracts. */
  sz: number;
  bkPx: number;
  ts: number;
}

/** One push: several instruments, each with several liquidation details. */
export function liquidationOrders(items: { instId: string; details: OkxDetail[] }[]): unknown {
  return {
    arg: { channel: 'liquidation-orders', instType: 'SWAP' },
    data: items.map(({ instId, details }) => {
      const family = instId.replace(/-SWAP$/, '');
      return {
        details: details.map((d) => ({
          bkLoss: '0',
          bkPx: String(d.bkPx),
          ccy: '',
          posSide: d.side === 'sell' ? 'long' : 'short',
          side: d.side,
          sz: String(d.sz),
          ts: String(d.ts),
        })),
        instFamily: family,
        instId,
        instType: 'SWAP',
        uly: family,
      };
    }),
  };
}

export function okxCandle(instId: string, k: { start: number; open: number; high: number; low: number; close: number; volume: number; confirm: boolean }): unknown {
  return {
    arg: { channel: 'candle1m', instId },
    data: [[String(k.start), String(k.open), String(k.high), String(k.low), String(k.close), String(k.volume), String(k.volume), String(k.volume * k.close), k.confirm ? '1' : '0']],
  };
}
