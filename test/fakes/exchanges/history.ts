/**
 * A local HTTP server standing in for the public liquidation-history endpoints of the polled venues, answering
 * in their documented shapes: Gate `GET /api/v4/futures/{settle}/liq_orders?contract&from&to&limit` (seconds,
 * a bare list), HTX `GET /v5/market/liquidation_orders?contract_code&start_time&end_time&limit`
 * (`{code: 200, data, ts}`), Bitfinex `GET /v2/liquidations/hist?start&end&limit&sort` (a list of `[[ "pos", … ]]`),
 * Deribit `GET /api/v2/public/get_last_trades_by_instrument_and_time?instrument_name&start_timestamp&end_timestamp&count&sorting`
 * (`{jsonrpc, result: {trades, has_more}}`, every trade, liquidations flagged).
 * Rows are kept with their time in ms; every answer is newest first and cut at `limit`, as the exchanges do.
 * Tests add rows, make the server fail or publish rows late, and read the requests it received.
 */
import { createServer, type Server } from 'node:http';

export interface HistoryRow {
  /** ms */
  ts: number;
  /** The exchange's market id. */
  market: string;
  row: unknown;
}

export type Venue = 'gate' | 'htx' | 'bitfinex' | 'deribit';

export class FakeHistoryServer {
  readonly rows: HistoryRow[] = [];
  readonly requests: URL[] = [];
  /** While set, every request answers this HTTP status. */
  failWith: number | undefined;
  private constructor(
    private readonly server: Server,
    private readonly venue: Venue,
  ) {}

  static async start(venue: Venue): Promise<FakeHistoryServer> {
    const ref: { self?: FakeHistoryServer } = {};
    const server = createServer((req, res) => ref.self!.answer(req.url ?? '/', res));
    const self = (ref.self = new FakeHistoryServer(server, venue));
    await new Promise<void>((resolve, reject) => server.once('error', reject).listen(0, '127.0.0.1', () => resolve()));
    return self;
  }

  get url(): string {
    const addr = this.server.address();
    if (addr === null || typeof addr === 'string') throw new Error('the fake history server is not listening on a TCP port');
    return `http://127.0.0.1:${addr.port}`;
  }

  add(...rows: HistoryRow[]): void {
    this.rows.push(...rows);
  }

  /** Requests to the liquidation history (candles and anything else left out). */
  get historyRequests(): URL[] {
    return this.requests.filter((u) => /liq_orders|liquidation_orders|liquidations\/hist|get_last_trades_by_instrument_and_time/.test(u.pathname));
  }

  close(): Promise<void> {
    return new Promise((resolve) => {
      this.server.close(() => resolve());
      this.server.closeAllConnections();
    });
  }

  private answer(path: string, res: import('node:http').ServerResponse): void {
    const url = new URL(path, 'http://127.0.0.1');
    this.requests.push(url);
    const json = (status: number, body: unknown): void => void res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
    if (this.failWith) return json(this.failWith, { message: 'unavailable' });
    const q = url.searchParams;
    const pick = (market: string | undefined, from: number, to: number, limit: number) =>
      this.rows
        .filter((r) => (market === undefined || r.market === market) && r.ts >= from && r.ts <= to)
        .sort((a, b) => b.ts - a.ts)
        .slice(0, limit)
        .map((r) => r.row);
    if (this.venue === 'gate' && /^\/api\/v4\/futures\/usdt\/liq_orders$/.test(url.pathname)) {
      return json(200, pick(q.get('contract') ?? undefined, Number(q.get('from') ?? 0) * 1000, Number(q.get('to') ?? 4e9) * 1000 + 999, Math.min(Number(q.get('limit') ?? 100), 1000)));
    }
    if (this.venue === 'htx' && url.pathname === '/v5/market/liquidation_orders') {
      const data = pick(q.get('contract_code') ?? undefined, Number(q.get('start_time') ?? 0), Number(q.get('end_time') ?? 4e12), Math.min(Number(q.get('limit') ?? 100), 100));
      return json(200, { code: 200, message: 'Success', data, ts: Date.now() });
    }
    if (this.venue === 'bitfinex' && url.pathname === '/v2/liquidations/hist') {
      return json(200, pick(undefined, Number(q.get('start') ?? 0), Number(q.get('end') ?? 4e12), Math.min(Number(q.get('limit') ?? 100), 500)));
    }
    if (this.venue === 'deribit' && url.pathname === '/api/v2/public/get_last_trades_by_instrument_and_time') {
      const count = Math.min(Number(q.get('count') ?? 10), 1000);
      const from = Number(q.get('start_timestamp') ?? 0), to = Number(q.get('end_timestamp') ?? 4e12);
      const all = pick(q.get('instrument_name') ?? undefined, from, to, Infinity);
      const trades = q.get('sorting') === 'desc' ? all.slice(0, count) : all.reverse().slice(0, count);
      return json(200, { jsonrpc: '2.0', result: { trades, has_more: all.length > count }, usIn: 0, usOut: 0, usDiff: 0, testnet: false });
    }
    json(404, { message: `not served by the fake: ${url.pathname}` });
  }
}

/**
 * Gate `liq_orders` row: `size` is the position in contracts (positive = long); `time` in seconds; `left` the
 * liquidation order's unfilled contracts (0 by default, as in ccxt's sample), given with the order's sign.
 */
export function gateRow(r: { market: string; ts: number; size: number; price: number; left?: number }): HistoryRow {
  const left = r.left ? -Math.sign(r.size) * Math.abs(r.left) : 0;
  return { ts: r.ts, market: r.market, row: { time: Math.floor(r.ts / 1000), contract: r.market, size: r.size, order_size: -r.size, order_price: String(r.price), fill_price: String(r.price), left } };
}

/**
 * HTX `liquidation_orders` row, shaped like ccxt's sample of the v5 endpoint (`volume: "2", amount: "2",
 * bankrupt_price: "62978.5", trade_turnover: "125.957"` for BTC-USDT, whose contract is 0.001 BTC):
 * `position_side` is the liquidated position, `volume` in contracts, `trade_turnover` in USDT
 * (= volume × contractSize × bankrupt_price), and `amount` as the sample has it: equal to `volume`, not coins.
 * `turnover` overrides the stated USDT value (an exchange figure that disagrees with the market's contract size).
 */
export function htxRow(r: { id: number; market: string; ts: number; side: 'long' | 'short'; coins: number; price: number; contractSize: number; turnover?: number | null }): HistoryRow {
  const volume = String(Math.round((r.coins / r.contractSize) * 1e8) / 1e8);
  const row: Record<string, unknown> = {
    id: String(r.id),
    contract_code: r.market,
    liquidation_time: String(r.ts),
    side: r.side === 'long' ? 'sell' : 'buy',
    position_side: r.side,
    volume,
    amount: volume,
    bankrupt_price: String(r.price),
  };
  if (r.turnover !== null) row.trade_turnover = String(r.turnover ?? r.coins * r.price);
  return { ts: r.ts, market: r.market, row };
}

/** Bitfinex `liquidations/hist` row: AMOUNT is the position (positive = long); `match` 0 = trigger, 1 = matched. */
export function bitfinexRow(r: { posId: number; market: string; ts: number; amount: number; price: number; match?: 0 | 1 }): HistoryRow {
  return { ts: r.ts, market: r.market, row: [['pos', r.posId, r.ts, null, r.market, r.amount, r.price * 0.99, null, r.match ?? 1, 1, null, r.price]] };
}

/**
 * Deribit trade: `direction` is the taker's; `liquidation` "T" (taker liquidated), "M" (maker) or "MT" (both),
 * absent on an ordinary trade; `amount` in USD on inverse perpetuals, in coins on linear ones.
 */
export function deribitRow(r: { tradeId: string; market: string; ts: number; direction: 'buy' | 'sell'; amount: number; price: number; liquidation?: 'M' | 'T' | 'MT' }): HistoryRow {
  const trade: Record<string, unknown> = {
    trade_seq: Number(r.tradeId.replace(/\D/g, '')) || 1,
    trade_id: r.tradeId,
    timestamp: r.ts,
    tick_direction: 0,
    price: r.price,
    mark_price: r.price,
    index_price: r.price,
    instrument_name: r.market,
    direction: r.direction,
    amount: r.amount,
  };
  if (r.liquidation) trade.liquidation = r.liquidation;
  return { ts: r.ts, market: r.market, row: trade };
}
