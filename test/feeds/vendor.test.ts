/**
 * Vendor hourly totals (Coinalyze) against a local stand-in of its API: perpetuals of the configured assets
 * discovered by exchange name, every contract of a venue summed per hour, only finished hours, the key sent
 * as a header; without a key the bot does not poll at all.
 */
import { createServer, type Server } from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import type { LiquidationTotal } from '../../src/core/events.js';
import { parseEnv } from '../../src/env.js';
import { exchangeId, startVendorPolling, type VendorPolling } from '../../src/feeds/vendor.js';
import { FakeCoinalyze } from '../fakes/vendors/coinalyze.js';
import { waitFor } from './helpers.js';

const T = Date.UTC(2026, 0, 31, 16, 20);
const quiet = { warn: () => undefined, info: () => undefined, debug: () => undefined, error: () => undefined };

describe('coinalyze hourly totals', () => {
  let fake: FakeCoinalyze | undefined;
  let polling: VendorPolling | undefined;
  afterEach(async () => {
    await polling?.stop();
    await fake?.close();
    polling = undefined;
    fake = undefined;
  });

  it('emits one liquidation_total per asset, exchange, finished hour and side, summing the venue’s contracts', async () => {
    fake = await FakeCoinalyze.start('k-123');
    const h14 = Date.UTC(2026, 0, 31, 14), h15 = Date.UTC(2026, 0, 31, 15), h16 = Date.UTC(2026, 0, 31, 16);
    fake.history.set('ETHUSDT_PERP.K2', [{ t: h14, l: 30e6, s: 1e6 }, { t: h15, l: 20e6, s: 0 }, { t: h16, l: 5e6, s: 0 }]);
    fake.history.set('ETHUSDC_PERP.K2', [{ t: h15, l: 2e6, s: 0.5e6 }]);
    fake.history.set('ETHUSD_PERP.H', [{ t: h15, l: 12e6, s: 0.25e6 }]);
    const events: LiquidationTotal[] = [];
    polling = await startVendorPolling({ apiKey: 'k-123', baseUrl: fake.url, assets: ['ETH'], sink: { event: (e) => void events.push(e) }, minTimeMs: 0, now: () => T, log: quiet });
    await waitFor(() => events.length === 6, 'six hourly totals');
    expect(events).toEqual([
      { type: 'liquidation_total', ts: h14, period: '1h', asset: 'ETH', side: 'long', usd: 30e6, exchange: 'bitget' },
      { type: 'liquidation_total', ts: h14, period: '1h', asset: 'ETH', side: 'short', usd: 1e6, exchange: 'bitget' },
      { type: 'liquidation_total', ts: h15, period: '1h', asset: 'ETH', side: 'long', usd: 22e6, exchange: 'bitget' },
      { type: 'liquidation_total', ts: h15, period: '1h', asset: 'ETH', side: 'short', usd: 0.5e6, exchange: 'bitget' },
      { type: 'liquidation_total', ts: h15, period: '1h', asset: 'ETH', side: 'long', usd: 12e6, exchange: 'hyperliquid' },
      { type: 'liquidation_total', ts: h15, period: '1h', asset: 'ETH', side: 'short', usd: 0.25e6, exchange: 'hyperliquid' },
    ]);
    // The running hour (16:00) is left out; dated futures and other assets are not asked for.
    const history = fake.requests.find((r) => r.path === '/v1/liquidation-history')!;
    expect(history.query.get('symbols')!.split(',').sort()).toEqual(['ETHUSDC_PERP.K2', 'ETHUSDT_PERP.K2', 'ETHUSD_PERP.H']);
    expect(history.query.get('interval')).toBe('1hour');
    expect(history.query.get('convert_to_usd')).toBe('true');
    expect(Number(history.query.get('from'))).toBe(Date.UTC(2026, 0, 31, 13) / 1000);
    expect(fake.requests.every((r) => r.apiKey === 'k-123')).toBe(true);
  });

  it('keeps retrying an unreachable vendor without emitting anything', async () => {
    fake = await FakeCoinalyze.start();
    fake.failWith = 503;
    const events: LiquidationTotal[] = [];
    const warnings: string[] = [];
    polling = await startVendorPolling({ apiKey: 'test-key', baseUrl: fake.url, assets: ['ETH'], sink: { event: (e) => void events.push(e) }, minTimeMs: 0, now: () => T, log: { ...quiet, warn: (_f: unknown, m: string) => void warnings.push(m) } as never });
    await waitFor(() => warnings.length === 1, 'one warning');
    expect(warnings[0]).toMatch(/^coinalyze unreachable; hourly liquidation totals retried in \d+ s$/);
    expect(events).toEqual([]);
  });

  it('sums a venue’s contracts that fall in two requests (20 symbols each) into one total per hour', async () => {
    // /future-markets lists 19 other assets first, then Bitget's ETH USDT perpetual (20th) and USDC one (21st).
    const h15 = Date.UTC(2026, 0, 31, 15);
    const assets = ['ETH', ...Array.from({ length: 19 }, (_, i) => `X${i}`)];
    const symbols = [...assets.slice(1).map((a) => `${a}USDT_PERP.K2`), 'ETHUSDT_PERP.K2', 'ETHUSDC_PERP.K2'];
    const hist: Record<string, { l: number; s: number }> = { 'ETHUSDT_PERP.K2': { l: 20e6, s: 1e6 }, 'ETHUSDC_PERP.K2': { l: 2e6, s: 0.5e6 } };
    const asked: string[][] = [];
    const server = await serve((path, q) => {
      if (path === '/v1/exchanges') return [{ name: 'Bitget', code: 'K2' }];
      if (path === '/v1/future-markets') return symbols.map((sym) => ({ symbol: sym, exchange: 'K2', base_asset: sym.split(/USD[TC]_/)[0], quote_asset: 'USDT', is_perpetual: true }));
      const list = q.get('symbols')!.split(',');
      asked.push(list);
      return list.filter((sym) => hist[sym]).map((sym) => ({ symbol: sym, history: [{ t: h15 / 1000, ...hist[sym]! }] }));
    });
    try {
      const events: LiquidationTotal[] = [];
      polling = await startVendorPolling({ apiKey: 'k', baseUrl: server.url, assets, sink: { event: (e) => void events.push(e) }, minTimeMs: 0, now: () => T, log: quiet });
      await waitFor(() => events.length >= 2, 'the hourly totals');
      await polling.stop();
      polling = undefined;
      expect(asked.map((a) => a.length)).toEqual([20, 1]);
      expect(events).toEqual([
        { type: 'liquidation_total', ts: h15, period: '1h', asset: 'ETH', side: 'long', usd: 22e6, exchange: 'bitget' },
        { type: 'liquidation_total', ts: h15, period: '1h', asset: 'ETH', side: 'short', usd: 1.5e6, exchange: 'bitget' },
      ]);
    } finally {
      await server.close();
    }
  });

  it("counts a venue's multiplied contract (1000PEPE) as its coin, as the feeds do: PEPE's totals, dollars unchanged", async () => {
    const h15 = Date.UTC(2026, 0, 31, 15);
    const server = await serve((path, q) => {
      if (path === '/v1/exchanges') return [{ name: 'Bitget', code: 'K2' }];
      if (path === '/v1/future-markets') return [{ symbol: '1000PEPEUSDT_PERP.K2', exchange: 'K2', base_asset: '1000PEPE', quote_asset: 'USDT', is_perpetual: true }];
      return q.get('symbols')!.split(',').map((sym) => ({ symbol: sym, history: [{ t: h15 / 1000, l: 3e6, s: 0.2e6 }] }));
    });
    try {
      const events: LiquidationTotal[] = [];
      polling = await startVendorPolling({ apiKey: 'k', baseUrl: server.url, assets: ['PEPE'], sink: { event: (e) => void events.push(e) }, minTimeMs: 0, now: () => T, log: quiet });
      await waitFor(() => events.length >= 2, 'the hourly totals');
      expect(events).toEqual([
        { type: 'liquidation_total', ts: h15, period: '1h', asset: 'PEPE', side: 'long', usd: 3e6, exchange: 'bitget' },
        { type: 'liquidation_total', ts: h15, period: '1h', asset: 'PEPE', side: 'short', usd: 0.2e6, exchange: 'bitget' },
      ]);
    } finally {
      await server.close();
    }
  });

  it('reads the market list again once a day', async () => {
    fake = await FakeCoinalyze.start('k');
    let clock = T;
    const events: LiquidationTotal[] = [];
    polling = await startVendorPolling({ apiKey: 'k', baseUrl: fake.url, assets: ['ETH'], sink: { event: (e) => void events.push(e) }, everyMs: 5, minTimeMs: 0, now: () => clock, log: quiet });
    const marketReads = () => fake!.requests.filter((r) => r.path === '/v1/future-markets').length;
    const historyReads = () => fake!.requests.filter((r) => r.path === '/v1/liquidation-history').length;
    await waitFor(() => historyReads() >= 3, 'three polls');
    expect(marketReads()).toBe(1);
    clock = T + 86_400_000;
    await waitFor(() => marketReads() === 2, 'the market list read again after a day');
    const before = historyReads();
    await waitFor(() => historyReads() >= before + 3, 'three more polls');
    expect(marketReads()).toBe(2);
  });

  it('maps the vendor’s exchange names to our exchange ids', () => {
    expect(['Binance', 'Gate.io', 'Huobi', 'Hyperliquid', 'Bitget', 'OKX'].map(exchangeId)).toEqual(['binanceusdm', 'gate', 'htx', 'hyperliquid', 'bitget', 'okx']);
  });

  it('is off without a key; the key and a base URL come from .env', () => {
    expect(parseEnv({}).coinalyze).toBeUndefined();
    expect(parseEnv({ COINALYZE_API_KEY: ' abcd ', COINALYZE_BASE_URL: 'http://127.0.0.1:9/v1' }).coinalyze).toEqual({ apiKey: 'abcd', baseUrl: 'http://127.0.0.1:9/v1' });
    expect(() => parseEnv({ COINALYZE_BASE_URL: 'ftp://x' })).toThrow(/COINALYZE_BASE_URL/);
  });
});

/** A one-off local JSON server: `answer(path, query)` is the body. */
async function serve(answer: (path: string, q: URLSearchParams) => unknown): Promise<{ url: string; close(): Promise<void> }> {
  const server: Server = createServer((req, res) => {
    const u = new URL(req.url ?? '/', 'http://127.0.0.1');
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(answer(u.pathname, u.searchParams)));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const addr = server.address();
  if (addr === null || typeof addr === 'string') throw new Error('not listening');
  return {
    url: `http://127.0.0.1:${addr.port}/v1`,
    close: () =>
      new Promise((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
