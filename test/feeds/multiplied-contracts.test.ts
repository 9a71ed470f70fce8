/**
 * A contract a venue lists on a multiple of a coin (Binance's and Bybit's `1000PEPE`, `1MBABYDOGE`, `10000LADYS`) is
 * a contract of the coin (`PEPE`, as OKX lists it): the feeds follow it for the configured coin, and its events carry
 * the coin's symbol, the price per coin and the amount in coins, the dollars as they were. Driven through the real ccxt
 * code against the local stand-ins, then read back by `liqbot liqs` as a recorded file.
 */
import { PassThrough } from 'node:stream';
import { join } from 'node:path';
import { writeFileSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { coinSymbol, multipliedCoin, perpetualSymbols, swapsOnly, type MarketLike } from '../../src/feeds/symbols.js';
import { record } from '../../src/feeds/record.js';
import { ALL_FORCE_ORDERS, kline, klineTopic, pushForceOrder, startBinance } from '../fakes/exchanges/binance.js';
import { allLiquidation, liquidationTopic, startBybit } from '../fakes/exchanges/bybit.js';
import { BINANCE_USDM_MARKETS, BYBIT_MARKETS, OKX_MARKETS } from '../fakes/exchanges/markets.js';
import { LIQUIDATIONS_TOPIC, liquidationOrders, startOkx } from '../fakes/exchanges/okx.js';
import type { FakeExchangeServer } from '../fakes/exchanges/server.js';
import { cli, tempDir } from '../helpers.js';
import { FAST_BACKOFF, startAgainst, testConfig, waitFor, type Running } from './helpers.js';

const T0 = Date.UTC(2026, 10, 2, 14, 0);
const MIN = 60_000;

/** A linear USDT perpetual as ccxt lists it, made from the fixture's `1000PEPE` one (Binance and Bybit give contractSize 1, no multiplier field). */
function usdtSwap(id: string, base: string, extra: Partial<MarketLike> = {}): MarketLike {
  const like = BINANCE_USDM_MARKETS['1000PEPE/USDT:USDT']!;
  return { ...like, id, lowercaseId: id.toLowerCase(), symbol: `${base}/USDT:USDT`, base, baseId: base, info: { symbol: id }, ...extra } as MarketLike;
}

describe('which venue bases name a multiple of a coin', () => {
  it('a one and three or more zeros, or 1M, then letters: the coin and how many of it one unit is', () => {
    expect(multipliedCoin('1000PEPE')).toEqual({ coin: 'PEPE', multiplier: 1_000 });
    expect(multipliedCoin('10000LADYS')).toEqual({ coin: 'LADYS', multiplier: 10_000 });
    expect(multipliedCoin('100000X')).toEqual({ coin: 'X', multiplier: 100_000 });
    expect(multipliedCoin('1000000MOG')).toEqual({ coin: 'MOG', multiplier: 1_000_000 });
    expect(multipliedCoin('1MBABYDOGE')).toEqual({ coin: 'BABYDOGE', multiplier: 1_000_000 });
  });

  it('names that only start with a digit are coins of their own', () => {
    for (const base of ['1INCH', '100PEPE', '1000', '1000X2', '2Z', '0G', 'PEPE', 'SHIB1000', '币安人生', '1000pepe']) expect(multipliedCoin(base), base).toBeUndefined();
  });
});

describe('the market list: a multiplied contract is followed for its coin', () => {
  it("PEPE finds Binance's 1000PEPE contract, and 1000PEPE no longer names an asset", () => {
    const binance = swapsOnly(Object.values(BINANCE_USDM_MARKETS));
    expect(perpetualSymbols(binance, 'pepe')).toEqual(['1000PEPE/USDT:USDT']);
    expect(perpetualSymbols(binance, '1000PEPE')).toEqual([]);
    expect(binance['1000PEPE/USDT:USDT']).toMatchObject({ base: '1000PEPE', coin: 'PEPE', multiplier: 1_000 });
    expect(coinSymbol(binance['1000PEPE/USDT:USDT']!)).toBe('PEPE/USDT:USDT');
    // OKX lists the coin itself (10,000,000 PEPE a contract): nothing to fold.
    const okx = swapsOnly(Object.values(OKX_MARKETS));
    expect(perpetualSymbols(okx, 'PEPE')).toEqual(['PEPE/USDT:USDT']);
    expect(coinSymbol(okx['PEPE/USDT:USDT']!)).toBe('PEPE/USDT:USDT');
  });

  it('a venue that lists the coin under two names keeps both as listed; an inactive one does not count; spot is not consulted', () => {
    const both = swapsOnly([usdtSwap('PEPEUSDT', 'PEPE'), usdtSwap('1000PEPEUSDT', '1000PEPE'), usdtSwap('1000BONKUSDT', '1000BONK'), usdtSwap('1000000BONKUSDT', '1000000BONK')]);
    expect(perpetualSymbols(both, 'PEPE')).toEqual(['PEPE/USDT:USDT']);
    expect(perpetualSymbols(both, '1000PEPE')).toEqual(['1000PEPE/USDT:USDT']);
    expect(perpetualSymbols(both, 'BONK')).toEqual([]);
    expect(coinSymbol(both['1000BONK/USDT:USDT']!)).toBe('1000BONK/USDT:USDT');

    const delisted = swapsOnly([usdtSwap('PEPEUSDT', 'PEPE', { active: false }), usdtSwap('1000PEPEUSDT', '1000PEPE')]);
    expect(perpetualSymbols(delisted, 'PEPE')).toEqual(['1000PEPE/USDT:USDT']);

    const spot = { ...usdtSwap('PEPEUSDT', 'PEPE'), symbol: 'PEPE/USDT', type: 'spot', swap: false, settle: undefined } as MarketLike;
    expect(perpetualSymbols(swapsOnly([spot, usdtSwap('1000PEPEUSDT', '1000PEPE')]), 'PEPE')).toEqual(['1000PEPE/USDT:USDT']);
  });

  it("a cached list's folding is decided again from the list it is in", () => {
    const cachedWhenAlone = { ...usdtSwap('1000PEPEUSDT', '1000PEPE'), coin: 'PEPE', multiplier: 1_000 };
    const now = swapsOnly([cachedWhenAlone, usdtSwap('PEPEUSDT', 'PEPE')]);
    expect(now['1000PEPE/USDT:USDT']!.coin).toBeUndefined();
    expect(now['1000PEPE/USDT:USDT']!.multiplier).toBeUndefined();
    expect(coinSymbol(now['1000PEPE/USDT:USDT']!)).toBe('1000PEPE/USDT:USDT');
  });

  it("an inverse contract's settle currency is the coin too", () => {
    const inverse = { ...usdtSwap('1000SHIBUSD_PERP', '1000SHIB'), symbol: '1000SHIB/USD:1000SHIB', quote: 'USD', settle: '1000SHIB', linear: false, inverse: true, contractSize: 10 } as MarketLike;
    const listed = swapsOnly([inverse]);
    expect(perpetualSymbols(listed, 'SHIB')).toEqual(['1000SHIB/USD:1000SHIB']);
    expect(coinSymbol(listed['1000SHIB/USD:1000SHIB']!)).toBe('SHIB/USD:SHIB');
  });
});

describe('multiplied contracts through the live feeds', () => {
  let fakes: FakeExchangeServer[] = [];
  let run: Running | undefined;
  afterEach(async () => {
    await run?.feeds.stop();
    await Promise.all(fakes.map((f) => f.close()));
    run = undefined;
    fakes = [];
  });

  it("Binance: a configured PEPE follows 1000PEPEUSDT; liquidations, candles and prices are told per PEPE, the dollars unchanged; 1INCH stays 1INCH", async () => {
    const binance = await startBinance();
    fakes.push(binance);
    const markets = { ...BINANCE_USDM_MARKETS, '1INCH/USDT:USDT': usdtSwap('1INCHUSDT', '1INCH'), '1MBABYDOGE/USDT:USDT': usdtSwap('1MBABYDOGEUSDT', '1MBABYDOGE') };
    run = await startAgainst('binanceusdm', { ws: binance.url, markets }, { assets: ['PEPE'] });
    await binance.subscribed(ALL_FORCE_ORDERS);
    // A long of 2,000,000 contracts of 1,000 PEPE at $0.0125 a contract: 2,000,000,000 PEPE at $0.0000125, $25,000.
    pushForceOrder(binance, { s: '1000PEPEUSDT', side: 'SELL', qty: 2_000_000, price: 0.0125, time: T0 });
    pushForceOrder(binance, { s: '1MBABYDOGEUSDT', side: 'BUY', qty: 4_000, price: 2.5, time: T0 + 1 });
    pushForceOrder(binance, { s: '1INCHUSDT', side: 'SELL', qty: 100, price: 0.25, time: T0 + 2 });
    await waitFor(() => run!.sink.liquidations.length === 3, 'three liquidations');
    const [pepe, babydoge, inch] = run.sink.liquidations;
    expect(pepe).toMatchObject({ exchange: 'binanceusdm', symbol: 'PEPE/USDT:USDT', side: 'long', ts: T0, usd: 25_000 });
    expect(pepe!.price).toBeCloseTo(0.0000125, 15);
    expect(pepe!.amount).toBeCloseTo(2_000_000_000, 3);
    expect(babydoge).toMatchObject({ symbol: 'BABYDOGE/USDT:USDT', side: 'short', usd: 10_000 });
    expect(babydoge!.price).toBeCloseTo(0.0000025, 15);
    expect(babydoge!.amount).toBeCloseTo(4_000_000_000, 3);
    expect(inch).toEqual({ type: 'liquidation', ts: T0 + 2, exchange: 'binanceusdm', symbol: '1INCH/USDT:USDT', side: 'long', price: 0.25, amount: 100, usd: 25 });

    // Prices: the 1000PEPE contract is PEPE's price contract, its candle and tick per PEPE.
    const prices = await binance.subscribed(klineTopic('1000PEPEUSDT'));
    prices.send(kline({ s: '1000PEPEUSDT', start: T0, open: 0.012, high: 0.013, low: 0.011, close: 0.0125, volume: 3_000, closed: true }));
    prices.send(kline({ s: '1000PEPEUSDT', start: T0 + MIN, open: 0.0125, high: 0.0125, low: 0.0125, close: 0.0125, volume: 1, closed: false }));
    await waitFor(() => run!.sink.candles.length === 1 && run!.sink.prices.length >= 1, 'the closed candle and a price');
    const [candle] = run.sink.candles;
    expect(candle).toMatchObject({ symbol: 'PEPE/USDT:USDT', exchange: 'binanceusdm', ts: T0, timeframe: '1m' });
    expect(candle!.open).toBeCloseTo(0.000012, 15);
    expect(candle!.high).toBeCloseTo(0.000013, 15);
    expect(candle!.low).toBeCloseTo(0.000011, 15);
    expect(candle!.close).toBeCloseTo(0.0000125, 15);
    expect(candle!.volume).toBeCloseTo(3_000_000, 6);
    expect(run.sink.prices.map((p) => p.symbol)).toEqual(run.sink.prices.map(() => 'PEPE/USDT:USDT'));
    expect(run.sink.prices[0]!.price).toBeCloseTo(0.0000125, 15);
  });

  it("Bybit (a topic per contract): a configured LADYS subscribes to 10000LADYSUSDT's liquidations, told per LADYS", async () => {
    const bybit = await startBybit();
    fakes.push(bybit);
    const ladys = { ...usdtSwap('10000LADYSUSDT', '10000LADYS'), lowercaseId: undefined };
    run = await startAgainst('bybit', { ws: bybit.url, markets: { ...BYBIT_MARKETS, [ladys.symbol]: ladys } }, { assets: ['LADYS'] });
    const conn = await bybit.subscribed(liquidationTopic('10000LADYSUSDT'));
    conn.send(allLiquidation('10000LADYSUSDT', [{ side: 'Buy', size: 50_000, price: 0.0008, time: T0 }]));
    await waitFor(() => run!.sink.liquidations.length === 1, 'the LADYS liquidation');
    const [liq] = run.sink.liquidations;
    expect(liq).toMatchObject({ exchange: 'bybit', symbol: 'LADYS/USDT:USDT', side: 'long', usd: 40 });
    expect(liq!.price).toBeCloseTo(0.00000008, 18);
    expect(liq!.amount).toBeCloseTo(500_000_000, 3);
  });

  it("liqbot record writes Binance's 1000PEPE as PEPE, and `liqs pepe` on the file sums Binance and OKX", async () => {
    const [binance, okx] = await Promise.all([startBinance(), startOkx()]);
    fakes.push(binance, okx);
    const out = new PassThrough();
    let text = '';
    out.on('data', (chunk: Buffer) => (text += chunk.toString()));
    const ac = new AbortController();
    const dir = tempDir();
    const done = record({
      config: testConfig(['binanceusdm', 'okx'], ['PEPE']),
      out,
      dataDir: dir,
      signal: ac.signal,
      overrides: {
        binanceusdm: { ws: binance.url, markets: BINANCE_USDM_MARKETS, rest: false, backoff: FAST_BACKOFF },
        okx: { ws: okx.url, markets: OKX_MARKETS, rest: false, backoff: FAST_BACKOFF },
      },
    });
    await binance.subscribed(ALL_FORCE_ORDERS);
    const okxLiqs = await okx.subscribed(LIQUIDATIONS_TOPIC);
    // Binance: 1,000,000 contracts of 1,000 PEPE at $0.01 = $10,000. OKX: 3 contracts of 10,000,000 PEPE at $0.00001 = $300.
    pushForceOrder(binance, { s: '1000PEPEUSDT', side: 'SELL', qty: 1_000_000, price: 0.01, time: T0 });
    okxLiqs.send(liquidationOrders([{ instId: 'PEPE-USDT-SWAP', details: [{ side: 'sell', sz: 3, bkPx: 0.00001, ts: T0 + 1 }] }]));
    const lines = (): { type: string; symbol?: string; exchange?: string; usd?: number }[] => text.trim().split('\n').filter(Boolean).map((l) => JSON.parse(l));
    await waitFor(() => lines().filter((e) => e.type === 'liquidation').length === 2, 'both liquidation lines');
    ac.abort();
    const summary = await done;
    expect(summary.untracked).toBe(0);
    const liqs = lines().filter((e) => e.type === 'liquidation');
    expect(liqs.map((e) => [e.exchange, e.symbol, e.usd])).toEqual([
      ['binanceusdm', 'PEPE/USDT:USDT', 10_000],
      ['okx', 'PEPE/USDT:USDT', 300],
    ]);

    const file = join(dir, 'pepe.jsonl');
    writeFileSync(file, text);
    const r = await cli('liqs', 'pepe', '--data', file, '--json');
    expect(r.code).toBe(0);
    const s = JSON.parse(r.out) as { asset: string; longUsd: number; totalUsd: number; byExchange: Record<string, { longUsd: number }> };
    expect(s).toMatchObject({ asset: 'PEPE', longUsd: 10_300, totalUsd: 10_300 });
    expect(s.byExchange.binanceusdm!.longUsd).toBe(10_000);
    expect(s.byExchange.okx!.longUsd).toBe(300);
  });
});
