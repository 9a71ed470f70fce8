/**
 * A local stand-in for Coinalyze's API (https://api.coinalyze.net/v1), in its documented shapes:
 * `GET /future-markets` → `[{symbol, exchange, symbol_on_exchange, base_asset, quote_asset, is_perpetual, …}]`,
 * `GET /exchanges` → `[{name, code}]`, `GET /liquidation-history?symbols&interval=1hour&from&to&convert_to_usd`
 * (seconds) → `[{symbol, history: [{t, l, s}]}]` (l: longs liquidated, s: shorts). Every request needs the
 * `api_key` header (401 otherwise).
 */
import { createServer, type Server } from 'node:http';

export interface HourPoint {
  /** Hour start, ms. */
  t: number;
  l: number;
  s: number;
}

export class FakeCoinalyze {
  readonly requests: { path: string; query: URLSearchParams; apiKey: string | undefined }[] = [];
  /** symbol → points */
  readonly history = new Map<string, HourPoint[]>();
  failWith: number | undefined;

  private constructor(private readonly server: Server, readonly apiKey: string) {}

  static async start(apiKey = 'test-key'): Promise<FakeCoinalyze> {
    const ref: { self?: FakeCoinalyze } = {};
    const server = createServer((req, res) => {
      const self = ref.self;
      const url = new URL(req.url ?? '/', 'http://127.0.0.1');
      const key = req.headers['api_key'];
      self!.requests.push({ path: url.pathname, query: url.searchParams, apiKey: typeof key === 'string' ? key : undefined });
      const json = (status: number, body: unknown): void => void res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
      if (self!.failWith) return json(self!.failWith, { message: 'unavailable' });
      if (key !== self!.apiKey) return json(401, { message: 'Invalid API key' });
      if (url.pathname === '/v1/exchanges') return json(200, [{ name: 'Binance', code: 'A' }, { name: 'Bybit', code: '6' }, { name: 'Bitget', code: 'K2' }, { name: 'Hyperliquid', code: 'H' }]);
      if (url.pathname === '/v1/future-markets') {
        const m = (symbol: string, exchange: string, base: string, perpetual = true) => ({ symbol, exchange, symbol_on_exchange: symbol.split('_')[0], base_asset: base, quote_asset: 'USDT', is_perpetual: perpetual, margined: 'STABLE', expire_at: null, oi_lq_vol_denominated_in: 'BASE_ASSET', has_long_short_ratio_data: true, has_ohlcv_data: true, has_buy_sell_data: true });
        return json(200, [m('ETHUSDT_PERP.K2', 'K2', 'ETH'), m('ETHUSDC_PERP.K2', 'K2', 'ETH'), m('ETHUSD_PERP.H', 'H', 'ETH'), m('BTCUSDT_PERP.H', 'H', 'BTC'), m('ETHUSDT.6', '6', 'ETH', false), m('DOGEUSDT_PERP.A', 'A', 'DOGE')]);
      }
      if (url.pathname === '/v1/liquidation-history') {
        const from = Number(url.searchParams.get('from')) * 1000, to = Number(url.searchParams.get('to')) * 1000;
        const symbols = (url.searchParams.get('symbols') ?? '').split(',');
        return json(200, symbols.filter((s) => self!.history.has(s)).map((symbol) => ({ symbol, history: self!.history.get(symbol)!.filter((p) => p.t >= from && p.t <= to).map((p) => ({ t: p.t / 1000, l: p.l, s: p.s })) })));
      }
      json(404, { message: 'not found' });
    });
    const self = (ref.self = new FakeCoinalyze(server, apiKey));
    await new Promise<void>((resolve, reject) => server.once('error', reject).listen(0, '127.0.0.1', () => resolve()));
    return self;
  }

  get url(): string {
    const addr = this.server.address();
    if (addr === null || typeof addr === 'string') throw new Error('not listening');
    return `http://127.0.0.1:${addr.port}/v1`;
  }

  close(): Promise<void> {
    return new Promise((resolve) => {
      this.server.close(() => resolve());
      this.server.closeAllConnections();
    });
  }
}
