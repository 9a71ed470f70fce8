/**
 * Prices through the real ccxt code against local stand-ins: 1-minute candles emitted once closed (Binance
 * klines, Bybit kline, OKX candle1m), price ticks at most about once per second per symbol, and candles that
 * closed while the socket was down left out rather than emitted with stale values.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { kline, klineTopic, startBinance } from '../fakes/exchanges/binance.js';
import { bybitKline, klineTopic as bybitKlineTopic, startBybit } from '../fakes/exchanges/bybit.js';
import { BINANCE_COINM_MARKETS, BINANCE_USDM_MARKETS, BYBIT_MARKETS, OKX_MARKETS } from '../fakes/exchanges/markets.js';
import { candleTopic, okxCandle, startOkx } from '../fakes/exchanges/okx.js';
import type { FakeExchangeServer } from '../fakes/exchanges/server.js';
import { startAgainst, waitFor, type Running } from './helpers.js';

const MIN = 60_000;
const T = Date.UTC(2026, 10, 2, 14, 0);

describe('prices', () => {
  let fake: FakeExchangeServer | undefined;
  let run: Running | undefined;

  afterEach(async () => {
    await run?.feeds.stop();
    await fake?.close();
    run = fake = undefined;
  });

  it('binance: emits a candle once it has closed, with its last values, exactly once', async () => {
    fake = await startBinance();
    run = await startAgainst('binanceusdm', { ws: fake.url, markets: BINANCE_USDM_MARKETS });
    const conn = await fake.subscribed(klineTopic('BTCUSDT'));
    expect(conn.topics).toContain(klineTopic('ETHUSDT'));
    expect(conn.topics).not.toContain(klineTopic('BTCUSDC'));
    conn.send(kline({ s: 'BTCUSDT', start: T, open: 100, high: 101, low: 99, close: 100.5, volume: 1, closed: false }));
    conn.send(kline({ s: 'BTCUSDT', start: T, open: 100, high: 103, low: 98, close: 102, volume: 5, closed: false }));
    conn.send(kline({ s: 'BTCUSDT', start: T, open: 100, high: 103, low: 97, close: 101, volume: 7, closed: true }));
    await waitFor(() => run!.sink.prices.length >= 1, 'a price tick');
    expect(run.sink.candles).toEqual([]);
    conn.send(kline({ s: 'BTCUSDT', start: T + MIN, open: 101, high: 101, low: 101, close: 101, volume: 0.1, closed: false }));
    conn.send(kline({ s: 'BTCUSDT', start: T + MIN, open: 101, high: 104, low: 101, close: 104, volume: 0.2, closed: false }));
    conn.send(kline({ s: 'ETHUSDT', start: T + MIN, open: 3_000, high: 3_000, low: 3_000, close: 3_000, volume: 1, closed: false }));
    await waitFor(() => run!.sink.candles.length === 1, 'the closed candle');
    await waitFor(() => run!.sink.prices.some((p) => p.symbol === 'ETH/USDT:USDT'), 'the ETH price');
    expect(run.sink.candles).toEqual([
      { type: 'candle', ts: T, exchange: 'binanceusdm', symbol: 'BTC/USDT:USDT', timeframe: '1m', open: 100, high: 103, low: 97, close: 101, volume: 7 },
    ]);
    expect(run.status('binanceusdm', 'prices')).toMatchObject({ state: 'live', sampled: false });
  });

  it('binance COIN-M: candles of inverse contracts carry no volume (it is counted in contracts)', async () => {
    fake = await startBinance();
    run = await startAgainst('binancecoinm', { ws: fake.url, markets: BINANCE_COINM_MARKETS });
    const conn = await fake.subscribed(klineTopic('BTCUSD_PERP'));
    conn.send(kline({ s: 'BTCUSD_PERP', start: T, open: 50_000, high: 50_100, low: 49_900, close: 50_050, volume: 1_234, closed: true }));
    conn.send(kline({ s: 'BTCUSD_PERP', start: T + MIN, open: 50_050, high: 50_050, low: 50_050, close: 50_050, volume: 1, closed: false }));
    await waitFor(() => run!.sink.candles.length === 1, 'the closed candle');
    expect(run.sink.candles[0]).toEqual({ type: 'candle', ts: T, exchange: 'binancecoinm', symbol: 'BTC/USD:BTC', timeframe: '1m', open: 50_000, high: 50_100, low: 49_900, close: 50_050 });
  });

  it('ticks the price at most about once per second per symbol, ending on the newest price', async () => {
    fake = await startBinance();
    run = await startAgainst('binanceusdm', { ws: fake.url, markets: BINANCE_USDM_MARKETS });
    const conn = await fake.subscribed(klineTopic('BTCUSDT'));
    const started = Date.now();
    for (let i = 1; i <= 40; i++) conn.send(kline({ s: 'BTCUSDT', start: T, open: 100, high: 200, low: 50, close: 100 + i, volume: i, closed: false }));
    await waitFor(() => run!.sink.prices.some((p) => p.price === 140), 'the newest price', 5_000);
    const seconds = (Date.now() - started) / 1000;
    const ticks = run.sink.prices.filter((p) => p.symbol === 'BTC/USDT:USDT');
    // 40 frames, but one tick per second they took to arrive (plus the first): the exact rule is unit-tested in ticks.test.ts.
    expect(ticks.length).toBeGreaterThanOrEqual(2);
    expect(ticks.length).toBeLessThanOrEqual(2 + Math.ceil(seconds));
    for (let i = 1; i < ticks.length; i++) expect(ticks[i]!.ts - ticks[i - 1]!.ts).toBeGreaterThanOrEqual(990);
    expect(ticks[ticks.length - 1]).toMatchObject({ type: 'price', exchange: 'binanceusdm', price: 140 });
  });

  it('leaves out a candle that closed while the socket was down, and records the gap', async () => {
    let clock = T + 50_000;
    fake = await startBinance();
    run = await startAgainst('binanceusdm', { ws: fake.url, markets: BINANCE_USDM_MARKETS, backoff: { baseMs: 400, maxMs: 400 } }, { now: () => clock });
    const first = await fake.subscribed(klineTopic('BTCUSDT'));
    first.send(kline({ s: 'BTCUSDT', start: T, open: 100, high: 101, low: 99, close: 100, volume: 1, closed: false }));
    await waitFor(() => run!.sink.prices.length === 1, 'the first tick');
    first.ws.terminate();
    await waitFor(() => run!.status('binanceusdm', 'prices').state === 'down', 'prices down');
    clock = T + 70_000; // the candle of T closed (at T + 60 s) while we were away
    const again = await fake.subscribed(klineTopic('BTCUSDT'));
    again.send(kline({ s: 'BTCUSDT', start: T + MIN, open: 90, high: 91, low: 89, close: 90, volume: 1, closed: false }));
    again.send(kline({ s: 'BTCUSDT', start: T + 2 * MIN, open: 90, high: 92, low: 90, close: 91, volume: 1, closed: false }));
    await waitFor(() => run!.sink.candles.length === 1, 'the candle seen in full after the reconnect');
    expect(run.sink.candles.map((c) => c.ts)).toEqual([T + MIN]);
    const gap = run.sink.gaps.find((g) => g.reason.startsWith('prices'));
    expect(gap).toMatchObject({ exchange: 'binanceusdm', from: T + 50_000, to: T + 70_000 });
  });

  it('bybit: candles from kline.1 topics of the USDT perpetual', async () => {
    fake = await startBybit();
    run = await startAgainst('bybit', { ws: fake.url, markets: BYBIT_MARKETS });
    const conn = await fake.subscribed(bybitKlineTopic('BTCUSDT'));
    expect(conn.path).toBe('/v5/public/linear');
    conn.send(bybitKline('BTCUSDT', { start: T, open: 60_000, high: 60_100, low: 59_900, close: 60_050, volume: 12, confirm: true }));
    conn.send(bybitKline('BTCUSDT', { start: T + MIN, open: 60_050, high: 60_050, low: 60_050, close: 60_050, volume: 0, confirm: false }));
    await waitFor(() => run!.sink.candles.length === 1, 'the closed candle');
    expect(run.sink.candles[0]).toEqual({ type: 'candle', ts: T, exchange: 'bybit', symbol: 'BTC/USDT:USDT', timeframe: '1m', open: 60_000, high: 60_100, low: 59_900, close: 60_050, volume: 12 });
    expect(run.sink.prices[0]).toMatchObject({ exchange: 'bybit', symbol: 'BTC/USDT:USDT', price: 60_050 });
  });

  it('okx: candles from candle1m on /ws/v5/business', async () => {
    fake = await startOkx();
    run = await startAgainst('okx', { ws: fake.url, markets: OKX_MARKETS });
    const conn = await fake.subscribed(candleTopic('ETH-USDT-SWAP'));
    expect(conn.path).toBe('/ws/v5/business');
    expect(conn.topics).toContain(candleTopic('BTC-USDT-SWAP'));
    conn.send(okxCandle('ETH-USDT-SWAP', { start: T, open: 3_000, high: 3_010, low: 2_990, close: 3_005, volume: 40, confirm: true }));
    conn.send(okxCandle('ETH-USDT-SWAP', { start: T + MIN, open: 3_005, high: 3_005, low: 3_005, close: 3_005, volume: 0, confirm: false }));
    await waitFor(() => run!.sink.candles.length === 1, 'the closed candle');
    expect(run.sink.candles[0]).toMatchObject({ ts: T, exchange: 'okx', symbol: 'ETH/USDT:USDT', open: 3_000, high: 3_010, low: 2_990, close: 3_005 });
  });
});
