/**
 * Binance USDⓈ-M and COIN-M through the real ccxt code against a local stand-in of their market streams: the
 * all-market stream `!forceOrder@arr` (every contract's forceOrder events; order side: SELL = a long was liquidated),
 * linear and inverse sizing, the other assets' prints handed on too, bursts, bad frames and dropped sockets.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { ALL_FORCE_ORDERS, forceOrder, pushForceOrder, startBinance } from '../fakes/exchanges/binance.js';
import { BINANCE_COINM_MARKETS, BINANCE_USDM_MARKETS } from '../fakes/exchanges/markets.js';
import type { FakeExchangeServer } from '../fakes/exchanges/server.js';
import { startAgainst, sum, waitFor, type Running } from './helpers.js';

const T0 = Date.UTC(2026, 10, 2, 14, 0);

describe('binance liquidations', () => {
  let fake: FakeExchangeServer | undefined;
  let run: Running | undefined;

  afterEach(async () => {
    await run?.feeds.stop();
    await fake?.close();
    run = fake = undefined;
  });

  async function usdm(): Promise<{ fake: FakeExchangeServer; run: Running }> {
    fake = await startBinance();
    run = await startAgainst('binanceusdm', { ws: fake.url, markets: BINANCE_USDM_MARKETS });
    return { fake, run };
  }
  async function coinm(): Promise<{ fake: FakeExchangeServer; run: Running }> {
    fake = await startBinance();
    run = await startAgainst('binancecoinm', { ws: fake.url, markets: BINANCE_COINM_MARKETS });
    return { fake, run };
  }

  it('USDⓈ-M: subscribes once to the all-market stream, no per-symbol stream', async () => {
    const { fake } = await usdm();
    const conn = await fake.subscribed(ALL_FORCE_ORDERS);
    expect([...conn.topics]).toEqual([ALL_FORCE_ORDERS]);
    expect(fake.open.filter((c) => c.topics.has(ALL_FORCE_ORDERS))).toHaveLength(1);
    expect(conn.path).toMatch(/^\/market\/ws\//);
  });

  it('USDⓈ-M: SELL = a long was liquidated, BUY = a short; usd = quantity × average price', async () => {
    const { fake, run } = await usdm();
    const conn = await fake.subscribed(ALL_FORCE_ORDERS);
    conn.send(forceOrder({ s: 'BTCUSDT', side: 'SELL', qty: 0.5, price: 60_000, time: T0 }));
    conn.send(forceOrder({ s: 'ETHUSDC', side: 'BUY', qty: 3, price: 3_000, time: T0 + 1 }));
    await waitFor(() => run.sink.liquidations.length === 2, 'two liquidations');
    expect(run.sink.liquidations).toEqual([
      { type: 'liquidation', ts: T0, exchange: 'binanceusdm', symbol: 'BTC/USDT:USDT', side: 'long', price: 60_000, amount: 0.5, usd: 30_000 },
      { type: 'liquidation', ts: T0 + 1, exchange: 'binanceusdm', symbol: 'ETH/USDC:USDC', side: 'short', price: 3_000, amount: 3, usd: 9_000 },
    ]);
    expect(run.status('binanceusdm', 'liquidations')).toMatchObject({ state: 'live', sampled: true });
  });

  it("USDⓈ-M: every perpetual swap's prints are handed on, the configured assets' and the others'; dated futures, inactive and unknown contracts are not", async () => {
    const { fake, run } = await usdm();
    await fake.subscribed(ALL_FORCE_ORDERS);
    // BTC and ETH are configured; SOL and PEPE (listed as 1000PEPE) are not, LUNA is listed inactive, the dated future and XYZ are not followed.
    for (const [i, s] of ['SOLUSDT', 'BTCUSDT_261225', 'LUNAUSDT', 'XYZUSDT', '1000PEPEUSDT', 'BTCUSDT'].entries()) {
      expect(pushForceOrder(fake, { s, side: 'SELL', qty: 1_000, price: s === '1000PEPEUSDT' ? 0.01 : 100, time: T0 + i })).toBe(1);
    }
    await waitFor(() => run.sink.liquidations.some((l) => l.symbol === 'BTC/USDT:USDT'), 'the BTC print after the others');
    expect(run.sink.liquidations).toEqual([
      { type: 'liquidation', ts: T0, exchange: 'binanceusdm', symbol: 'SOL/USDT:USDT', side: 'long', price: 100, amount: 1_000, usd: 100_000 },
      { type: 'liquidation', ts: T0 + 4, exchange: 'binanceusdm', symbol: 'PEPE/USDT:USDT', side: 'long', price: 0.00001, amount: 1_000_000, usd: 10 },
      { type: 'liquidation', ts: T0 + 5, exchange: 'binanceusdm', symbol: 'BTC/USDT:USDT', side: 'long', price: 100, amount: 1_000, usd: 100_000 },
    ]);
    expect(run.status('binanceusdm', 'liquidations')).toMatchObject({ state: 'live', malformed: 0 });
  });

  it('COIN-M: sizes inverse contracts in dollars (BTC 100 USD, ETH 10 USD each)', async () => {
    const { fake, run } = await coinm();
    const conn = await fake.subscribed(ALL_FORCE_ORDERS);
    expect([...conn.topics]).toEqual([ALL_FORCE_ORDERS]);
    conn.send(forceOrder({ s: 'BTCUSD_PERP', side: 'SELL', qty: 7, price: 50_000, time: T0 }));
    conn.send(forceOrder({ s: 'ETHUSD_PERP', side: 'BUY', qty: 30, price: 2_500, time: T0 + 1 }));
    await waitFor(() => run.sink.liquidations.length === 2, 'two inverse liquidations');
    const [btc, eth] = run.sink.liquidations;
    expect(btc).toMatchObject({ exchange: 'binancecoinm', symbol: 'BTC/USD:BTC', side: 'long', usd: 700, price: 50_000 });
    expect(btc!.amount).toBeCloseTo(700 / 50_000, 12);
    expect(eth).toMatchObject({ symbol: 'ETH/USD:ETH', side: 'short', usd: 300 });
    expect(eth!.amount).toBeCloseTo(300 / 2_500, 12);
  });

  it('COIN-M: an unconfigured coin-margined perpetual is handed on too, sized by its own contract (ADA 10 USD)', async () => {
    const { fake, run } = await coinm();
    await fake.subscribed(ALL_FORCE_ORDERS);
    pushForceOrder(fake, { s: 'ADAUSD_PERP', side: 'BUY', qty: 40, price: 0.5, time: T0 });
    pushForceOrder(fake, { s: 'BTCUSD_261225', side: 'SELL', qty: 1, price: 50_000, time: T0 + 1 });
    pushForceOrder(fake, { s: 'BTCUSD_PERP', side: 'SELL', qty: 1, price: 50_000, time: T0 + 2 });
    await waitFor(() => run.sink.liquidations.some((l) => l.symbol === 'BTC/USD:BTC'), 'the BTC print after the others');
    expect(run.sink.liquidations.map((l) => [l.symbol, l.side, l.usd])).toEqual([
      ['ADA/USD:ADA', 'short', 400],
      ['BTC/USD:BTC', 'long', 100],
    ]);
  });

  it('with no configured asset listed on the venue, the all-market stream still runs for the flush', async () => {
    fake = await startBinance();
    run = await startAgainst('binanceusdm', { ws: fake.url, markets: BINANCE_USDM_MARKETS }, { assets: ['HYPE'] });
    await fake.subscribed(ALL_FORCE_ORDERS);
    pushForceOrder(fake, { s: 'SOLUSDT', side: 'BUY', qty: 2, price: 150, time: T0 });
    await waitFor(() => run!.sink.liquidations.length === 1, 'the SOL print');
    expect(run.sink.liquidations[0]).toMatchObject({ symbol: 'SOL/USDT:USDT', side: 'short', usd: 300 });
    expect(run.status('binanceusdm', 'liquidations')).toMatchObject({ state: 'live' });
  });

  it('counts a burst of 500 back-to-back events exactly once', async () => {
    const { fake, run } = await usdm();
    const conn = await fake.subscribed(ALL_FORCE_ORDERS);
    for (let i = 0; i < 500; i++) conn.send(forceOrder({ s: i % 2 ? 'BTCUSDT' : 'ETHUSDT', side: i % 3 ? 'SELL' : 'BUY', qty: 1, price: 100 + i, time: T0 + i }));
    conn.send(forceOrder({ s: 'BTCUSDT', side: 'SELL', qty: 1, price: 1, time: T0 + 999_999 }));
    await waitFor(() => run.sink.liquidations.some((l) => l.ts === T0 + 999_999), 'the sentinel after the burst');
    const burst = run.sink.liquidations.filter((l) => l.ts !== T0 + 999_999);
    expect(burst).toHaveLength(500);
    expect(new Set(burst.map((l) => l.ts)).size).toBe(500);
    expect(sum(burst.map((l) => l.usd))).toBe(sum(Array.from({ length: 500 }, (_, i) => 100 + i)));
  });

  it('skips and counts unreadable frames and entries, and goes on', async () => {
    const { fake, run } = await usdm();
    const conn = await fake.subscribed(ALL_FORCE_ORDERS);
    conn.send('{"e":"forceOrder","E":1,"o":{"s":"BTCUS');
    conn.send({ e: 'forceOrder', E: 1 });
    conn.send({ e: 'forceOrder', E: 1, o: { s: 'BTCUSDT', S: 'SELL', q: '1', p: '0', ap: '0', z: '1', l: '1', T: T0 } });
    conn.send(forceOrder({ s: 'BTCUSDT', side: 'BUY', qty: 2, price: 60_000, time: T0 + 3 }));
    await waitFor(() => run.sink.liquidations.length === 1, 'the good liquidation');
    expect(run.sink.liquidations[0]).toMatchObject({ side: 'short', usd: 120_000 });
    expect(run.status('binanceusdm', 'liquidations')).toMatchObject({ state: 'live', malformed: 3 });
  });

  it('reconnects after a dropped socket and records the gap', async () => {
    const { fake, run } = await coinm();
    await fake.subscribed(ALL_FORCE_ORDERS);
    await waitFor(() => run.status('binancecoinm', 'liquidations').state === 'live', 'live');
    const first = fake.open.find((c) => c.topics.has(ALL_FORCE_ORDERS))!;
    first.ws.terminate();
    await waitFor(() => run.sink.gaps.some((g) => g.reason.startsWith('liquidations')), 'a liquidations gap');
    const again = await fake.subscribed(ALL_FORCE_ORDERS);
    expect(again).not.toBe(first);
    const gap = run.sink.gaps.find((g) => g.reason.startsWith('liquidations'))!;
    expect(gap).toMatchObject({ exchange: 'binancecoinm' });
    expect(gap.to).toBeGreaterThanOrEqual(gap.from);
    again.send(forceOrder({ s: 'BTCUSD_PERP', side: 'BUY', qty: 1, price: 50_000, time: T0 }));
    await waitFor(() => run.sink.liquidations.length === 1, 'a liquidation after the reconnect');
  });
});
