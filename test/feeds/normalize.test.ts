/**
 * Each venue's reading of its liquidation messages (which side means a long, what the size is) and the
 * shared sizing in dollars, without sockets.
 */
import { describe, expect, it } from 'vitest';
import { toCandle, toLiquidation, type RawLiquidation } from '../../src/feeds/normalize.js';
import { binanceLiquidations } from '../../src/feeds/venues/binance.js';
import { bybitLiquidations } from '../../src/feeds/venues/bybit.js';
import { okxLiquidations } from '../../src/feeds/venues/okx.js';
import { forceOrder } from '../fakes/exchanges/binance.js';
import { allLiquidation } from '../fakes/exchanges/bybit.js';
import { BINANCE_COINM_MARKETS, BYBIT_MARKETS, OKX_MARKETS } from '../fakes/exchanges/markets.js';
import { liquidationOrders } from '../fakes/exchanges/okx.js';

const T0 = Date.UTC(2026, 10, 2, 14, 0);

describe('venue readings', () => {
  it('binance: SELL order = long position, BUY = short; size is the filled quantity', () => {
    expect(binanceLiquidations(forceOrder({ s: 'BTCUSDT', side: 'SELL', qty: 0.3, price: 60_000, time: T0 }))).toEqual([
      { marketId: 'BTCUSDT', ts: T0, price: 60_000, contracts: 0.3, side: 'long' },
    ]);
    expect(binanceLiquidations(forceOrder({ s: 'BTCUSDT', side: 'BUY', qty: 1, price: 1, time: T0 }))[0]!.side).toBe('short');
    expect(() => binanceLiquidations({ e: 'forceOrder' })).toThrow(/without an order/);
  });

  it('bybit: Buy = long position (the position side), every entry of the batch', () => {
    const raws = bybitLiquidations(
      allLiquidation('BTCUSD', [
        { side: 'Buy', size: 1_000, price: 50_000, time: T0 },
        { side: 'Sell', size: 500, price: 50_100, time: T0 + 1 },
      ]),
    );
    expect(raws.map((r) => [r.side, r.contracts, r.contractSize])).toEqual([
      ['long', 1_000, 1],
      ['short', 500, 1],
    ]);
  });

  it('okx: sell order = long position; every detail of every instrument', () => {
    const raws = okxLiquidations(
      liquidationOrders([
        { instId: 'BTC-USDT-SWAP', details: [{ side: 'sell', sz: 3, bkPx: 60_000, ts: T0 }, { side: 'buy', sz: 4, bkPx: 60_000, ts: T0 }] },
        { instId: 'ETH-USD-SWAP', details: [{ side: 'buy', sz: 5, bkPx: 3_000, ts: T0 }] },
      ]),
    );
    expect(raws.map((r) => `${r.marketId} ${r.side} ${r.contracts}`)).toEqual(['BTC-USDT-SWAP long 3', 'BTC-USDT-SWAP short 4', 'ETH-USD-SWAP short 5']);
  });
});

describe('toLiquidation', () => {
  const raw = (r: Partial<RawLiquidation>): RawLiquidation => ({ marketId: 'x', ts: T0, price: 50_000, contracts: 2, side: 'long', ...r });

  it('linear: amount = contracts × contract size, usd = amount × price', () => {
    const r = toLiquidation('okx', OKX_MARKETS['BTC/USDT:USDT']!, raw({ contracts: 150 }));
    expect(r).toEqual({ ok: true, event: { type: 'liquidation', ts: T0, exchange: 'okx', symbol: 'BTC/USDT:USDT', side: 'long', price: 50_000, amount: 1.5, usd: 75_000 } });
  });

  it('inverse: usd = contracts × contract size (USD), amount = usd / price', () => {
    const r = toLiquidation('binancecoinm', BINANCE_COINM_MARKETS['BTC/USD:BTC']!, raw({ contracts: 3, side: 'short' }));
    expect(r).toMatchObject({ ok: true, event: { symbol: 'BTC/USD:BTC', side: 'short', usd: 300, amount: 0.006 } });
  });

  it("a venue's own contract size wins over ccxt's (Bybit inverse: 1 USD per contract)", () => {
    const market = { ...BYBIT_MARKETS['BTC/USD:BTC']!, contractSize: 100 };
    expect(toLiquidation('bybit', market, raw({ contracts: 2_500, contractSize: 1 }))).toMatchObject({ ok: true, event: { usd: 2_500, amount: 0.05 } });
  });

  it('refuses entries without side, price, size, time or a sized market', () => {
    const m = OKX_MARKETS['BTC/USDT:USDT']!;
    expect(toLiquidation('okx', m, raw({ side: undefined }))).toEqual({ ok: false, reason: 'no position side' });
    expect(toLiquidation('okx', m, raw({ price: Number.NaN })).ok).toBe(false);
    expect(toLiquidation('okx', m, raw({ contracts: 0 })).ok).toBe(false);
    expect(toLiquidation('okx', m, raw({ ts: Number.NaN })).ok).toBe(false);
    expect(toLiquidation('okx', { ...m, contractSize: undefined }, raw({}))).toMatchObject({ ok: false, reason: expect.stringMatching(/no contract size/) });
  });
});

describe('toCandle', () => {
  it('keeps volume for linear contracts only and refuses impossible candles', () => {
    const linear = OKX_MARKETS['BTC/USDT:USDT']!;
    expect(toCandle('okx', linear, '1m', [T0, 1, 3, 0.5, 2, 10])).toMatchObject({ ok: true, event: { volume: 10 } });
    expect(toCandle('okx', OKX_MARKETS['BTC/USD:BTC']!, '1m', [T0, 1, 3, 0.5, 2, 10])).toMatchObject({ ok: true, event: { close: 2 } });
    expect((toCandle('okx', OKX_MARKETS['BTC/USD:BTC']!, '1m', [T0, 1, 3, 0.5, 2, 10]) as { event: object }).event).not.toHaveProperty('volume');
    expect(toCandle('okx', linear, '1m', [T0, 1, 0.9, 0.5, 2, 10]).ok).toBe(false);
    expect(toCandle('okx', linear, '1m', [T0, 1, 3, 0, 2, 10]).ok).toBe(false);
  });
});
