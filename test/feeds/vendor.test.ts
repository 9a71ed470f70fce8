/**
 * Vendor hourly totals (Coinalyze) against a local stand-in of its API: perpetuals of the configured assets
 * discovered by exchange name, every contract of a venue summed per hour, only finished hours, the key sent
 * as a header; without a key the bot does not poll at all.
 */
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

  it('maps the vendor’s exchange names to our exchange ids', () => {
    expect(['Binance', 'Gate.io', 'Huobi', 'Hyperliquid', 'Bitget', 'OKX'].map(exchangeId)).toEqual(['binanceusdm', 'gate', 'htx', 'hyperliquid', 'bitget', 'okx']);
  });

  it('is off without a key; the key and a base URL come from .env', () => {
    expect(parseEnv({}).coinalyze).toBeUndefined();
    expect(parseEnv({ COINALYZE_API_KEY: ' abc ', COINALYZE_BASE_URL: 'http://127.0.0.1:9/v1' }).coinalyze).toEqual({ apiKey: 'abc', baseUrl: 'http://127.0.0.1:9/v1' });
    expect(() => parseEnv({ COINALYZE_BASE_URL: 'ftp://x' })).toThrow(/COINALYZE_BASE_URL/);
  });
});
