/**
 * Binance futures market streams (USDⓈ-M fstream and COIN-M dstream), as documented: clients send
 * `{"method":"SUBSCRIBE","params":["btcusdt@forceOrder"],"id":1}` and get `{"result":null,"id":1}`;
 * `<symbol>@forceOrder` pushes `forceOrder` events (one liquidation order each), and the all-market stream
 * `!forceOrder@arr` the same `forceOrder` event for every symbol ("All Market Liquidation Order Streams": the latest
 * order per symbol per 1000 ms; on a raw `/ws` connection, as ccxt opens them, each event arrives unwrapped, the same
 * frame as the per-symbol stream's); `<symbol>@kline_1m` pushes `kline` events.
 */
import { FakeExchangeServer, type FakeConnection, type Protocol } from './server.js';

export const binanceProtocol: Protocol = {
  onFrame(conn: FakeConnection, text: string) {
    const msg = JSON.parse(text) as { method?: string; params?: string[]; id?: number };
    if (msg.method === 'SUBSCRIBE') for (const p of msg.params ?? []) conn.topics.add(p);
    if (msg.method === 'UNSUBSCRIBE') for (const p of msg.params ?? []) conn.topics.delete(p);
    conn.send({ result: null, id: msg.id });
  },
};

export function startBinance(): Promise<FakeExchangeServer> {
  return FakeExchangeServer.start(binanceProtocol);
}

/** The stream name for a market id: `BTCUSDT` → `btcusdt@forceOrder`. */
export const forceOrderTopic = (marketId: string): string => `${marketId.toLowerCase()}@forceOrder`;
/** The all-market liquidation stream: every symbol's `forceOrder` events. */
export const ALL_FORCE_ORDERS = '!forceOrder@arr';

/**
 * Push a liquidation as Binance does: to the connections subscribed to its symbol's `<symbol>@forceOrder` and to those
 * subscribed to `!forceOrder@arr` (each gets the event once). Returns how many connections got it.
 */
export function pushForceOrder(server: FakeExchangeServer, l: BinanceLiquidation): number {
  const event = forceOrder(l);
  const targets = server.open.filter((c) => c.topics.has(forceOrderTopic(l.s)) || c.topics.has(ALL_FORCE_ORDERS));
  for (const c of targets) c.send(event);
  return targets.length;
}
export const klineTopic = (marketId: string): string => `${marketId.toLowerCase()}@kline_1m`;

export interface BinanceLiquidation {
  /** Exchange market id, `BTCUSDT` or `BTCUSD_PERP`. */
  s: string;
  /** The liquidation ORDER's side: SELL closes a long. */
  side: 'SELL' | 'BUY';
  /** Quantity: coins on USDⓈ-M, contracts on COIN-M. */
  qty: number;
  price: number;
  time: number;
}

export function forceOrder(l: BinanceLiquidation): unknown {
  const pair = l.s.replace(/_PERP$/, '');
  return {
    e: 'forceOrder',
    E: l.time + 2,
    o: {
      s: l.s,
      ...(l.s.endsWith('_PERP') ? { ps: pair } : {}),
      S: l.side,
      o: 'LIMIT',
      f: 'IOC',
      q: String(l.qty),
      p: String(l.side === 'SELL' ? l.price * 0.99 : l.price * 1.01),
      ap: String(l.price),
      X: 'FILLED',
      l: String(l.qty),
      z: String(l.qty),
      T: l.time,
    },
  };
}

export interface KlineUpdate {
  s: string;
  start: number;
  open: number;
  high: number;
  low: number;
  close: number;
  volume: number;
  closed: boolean;
}

export function kline(k: KlineUpdate): unknown {
  return {
    e: 'kline',
    E: k.start + 1000,
    s: k.s,
    k: {
      t: k.start,
      T: k.start + 59_999,
      s: k.s,
      i: '1m',
      f: 1,
      L: 2,
      o: String(k.open),
      c: String(k.close),
      h: String(k.high),
      l: String(k.low),
      v: String(k.volume),
      n: 2,
      x: k.closed,
      q: String(k.volume * k.close),
      V: '0',
      Q: '0',
      B: '0',
    },
  };
}
