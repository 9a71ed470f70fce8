/**
 * A dated contract (`BTC/USDT:USDT-250926`, a future with an expiry) is a contract of its base asset: its liquidations
 * count in the asset's totals. But it trades at its own basis to the perpetual, so none of its prices is the asset's:
 * not the price, nor a window's high or low, nor what a level is read against, nor a cascade's prices. On Jun 23 2025
 * Binance's Sept 2025 BTC contract printed at $106,410 where the perpetual was at $104,300–104,500.
 */
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../config/load.js';
import type { Alert } from '../../src/core/alerts.js';
import { isDatedContract } from '../../src/core/prices.js';
import { runFile } from '../../src/offline.js';
import { cli, writeEvents } from '../helpers.js';

const T = Date.parse('2025-06-23T21:15:00Z');
const liq = (ts: number, symbol: string, side: 'long' | 'short', price: number, amount: number) => ({ type: 'liquidation', ts, exchange: 'binance', symbol, side, price, amount });

/** `liqs`/`levels --json`, parsed. */
async function json(...argv: string[]): Promise<Record<string, unknown>> {
  const r = await cli(...argv, '--json');
  expect(r.code, r.err).toBe(0);
  return JSON.parse(r.out) as Record<string, unknown>;
}

describe('which symbols are dated contracts', () => {
  it('a future with an expiry and an option are; perpetuals, spot and a multiplied base are not', () => {
    for (const s of ['BTC/USDT:USDT-250926', 'ETH/USDT:USDT-250627', 'BTC/USD:BTC-250926', 'BTC/USD:BTC-250926-100000-C']) expect(isDatedContract(s), s).toBe(true);
    for (const s of ['BTC/USDT:USDT', 'BTC/USDC:USDC', 'BTC/USD:BTC', 'ETH/USDT', '1000PEPE/USDT:USDT', 'BTC-X/USDT:USDT']) expect(isDatedContract(s), s).toBe(false);
  });
});

describe("a dated contract's liquidation", () => {
  // The perpetual at $104,300 and $104,500; the Sept contract's print at $106,409.8 between them.
  const prints = [
    liq(T, 'BTC/USDT:USDT', 'short', 104_300, 0.5),
    liq(T + 54_234, 'BTC/USDT:USDT-250926', 'short', 106_409.8, 0.003),
    liq(T + 100_000, 'BTC/USDT:USDT', 'short', 104_500, 0.5),
  ];

  it("counts in the asset's totals, and its price in none of the asset's prices", async () => {
    const s = await json('liqs', 'btc', '--data', writeEvents(prints), '--window', '1h');
    expect(s.totalUsd).toBeCloseTo(52_150 + 319.2294 + 52_250, 2);
    expect(s.count).toBe(3);
    expect(s.price).toMatchObject({ open: 104_300, close: 104_500, high: 104_500, low: 104_300 });
    // Listed among the largest with its own symbol and price: the print as it was.
    expect((s.largest as { symbol: string }[]).map((l) => l.symbol)).toContain('BTC/USDT:USDT-250926');
    expect((await cli('liqs', 'btc', '--data', writeEvents(prints), '--window', '1h')).out).toContain('· low $104,300 · high $104,500\n');
  });

  it("is not the price a level is read against: $105,000 is resistance above $104,300, not support under $106,410", async () => {
    const file = writeEvents([{ type: 'level', ts: T - 300_000, asset: 'BTC', price: 105_000, label: 'resistance' }, ...prints]);
    const st = await json('levels', 'btc', '--data', file, '--at', '2025-06-23T21:15:55Z');
    expect(st.price).toBe(104_300);
    expect(st.levels).toMatchObject([{ level: 105_000, role: 'resistance', state: 'testing' }]);
    expect((await cli('levels', 'btc', '--data', file, '--at', '2025-06-23T21:15:55Z')).out).toMatch(/^BTC levels · \$104,300\n/);
  });

  it("nor a cascade's high or start, while its USD counts in the cascade", async () => {
    // A short squeeze of the perpetual from $100,900 to $101,290, a print a second; a Sept contract's print at $102,700 in it.
    // An ETH print at 21:50 gives it time to end.
    const squeeze = [...Array.from({ length: 40 }, (_, i) => liq(T + 6_000 + i * 1_000, 'BTC/USDT:USDT', 'short', 100_900 + i * 10, 0.35)), liq(T + 35 * 60_000, 'ETH/USDT:USDT', 'long', 2300, 0.01)];
    const run = async (dated: object[]) => (await runFile(writeEvents([...squeeze, ...dated].sort((a, b) => (a as { ts: number }).ts - (b as { ts: number }).ts)), loadConfig())).alerts;
    const ends = (alerts: Alert[]) => alerts.filter((a): a is Extract<Alert, { kind: 'cascade_end' }> => a.kind === 'cascade_end');
    const [plain] = ends(await run([]));
    const [withDated] = ends(await run([liq(T + 5_000, 'BTC/USDT:USDT-250926', 'short', 102_700, 0.35), liq(T + 20_500, 'BTC/USDT:USDT-250926', 'short', 102_700, 0.35)]));
    expect(plain).toMatchObject({ priceStart: 100_900, priceNow: 101_290, extreme: 101_290 });
    expect(withDated).toMatchObject({ priceStart: 100_900, priceNow: 101_290, extreme: 101_290 });
    expect(withDated!.usd).toBeCloseTo(plain!.usd + 2 * 102_700 * 0.35, 2);
  });

  it("nor its candles or ticks: the perpetual's candle is the price", async () => {
    const candle = (symbol: string, close: number) => ({ type: 'candle', ts: T - 300_000, exchange: 'binanceusdm', symbol, timeframe: '5m', open: close, high: close, low: close, close });
    const file = writeEvents([
      candle('BTC/USDT:USDT', 104_300),
      candle('BTC/USDT:USDT-250926', 106_400),
      { type: 'price', ts: T + 1_000, exchange: 'binanceusdm', symbol: 'BTC/USDT:USDT-250926', price: 106_450 },
      liq(T + 2_000, 'BTC/USDT:USDT', 'short', 104_320, 0.01),
    ]);
    const st = await json('levels', 'btc', '--data', file);
    expect(st.price).toBe(104_300);
    const s = await json('liqs', 'btc', '--data', file, '--window', '1h');
    expect((s.price as { high: number }).high).toBeLessThan(105_000);
  });
});

describe('on a real recording (Binance forceOrder, Jun 23 2025 evening, its 11 dated-contract prints kept)', () => {
  const FILE = 'fixtures/binance-2025-06-23-forceorder.real.jsonl';

  it("BTC's high is the perpetuals' $104,686, not the Sept contract's $106,557; ETH's low $2,326, not the Jun contract's $2,315", async () => {
    const btc = await json('liqs', 'btc', '--data', FILE);
    expect(btc.price).toMatchObject({ open: 104_083, close: 103_259.3, high: 104_686.4, low: 103_169.8 });
    // Its 86 prints, the 10 of dated BTC contracts among them, all counted.
    expect([btc.count, btc.totalUsd]).toEqual([86, 1_317_315.36]);
    const eth = await json('liqs', 'eth', '--data', FILE);
    expect(eth.price).toMatchObject({ high: 2371.8, low: 2325.51, close: 2325.51 });
    expect([eth.count, eth.totalUsd]).toEqual([80, 808_446.86]);
    expect((await cli('liqs', 'btc', '--data', FILE)).out).toContain('· low $103,170 · high $104,686\n');
  });
});
