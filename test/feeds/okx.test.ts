/**
 * OKX through the real ccxt code against a local stand-in of its public websocket: liquidation-orders pushes
 * carrying several instruments with several details each, order-side semantics, contract sizing (linear
 * ctVal in coins, inverse in USD), bursts, bad frames and dropped sockets.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { OKX_MARKETS } from '../fakes/exchanges/markets.js';
import { LIQUIDATIONS_TOPIC, liquidationOrders, startOkx } from '../fakes/exchanges/okx.js';
import type { FakeExchangeServer } from '../fakes/exchanges/server.js';
import { startAgainst, sum, waitFor, type Running } from './helpers.js';

const T0 = Date.UTC(2026, 10, 2, 14, 0);

describe('okx liquidations', () => {
  let fake: FakeExchangeServer;
  let run: Running;

  beforeEach(async () => {
    fake = await startOkx();
    run = await startAgainst('okx', { ws: fake.url, markets: OKX_MARKETS });
  });
  afterEach(async () => {
    await run.feeds.stop();
    await fake.close();
  });

  it('subscribes once to all swap liquidations on /ws/v5/public', async () => {
    const conn = await fake.subscribed(LIQUIDATIONS_TOPIC);
    expect(conn.path).toBe('/ws/v5/public');
    expect(fake.open.filter((c) => c.topics.has(LIQUIDATIONS_TOPIC))).toHaveLength(1);
  });

  it('emits every detail of every instrument in one push; sell = a long was liquidated', async () => {
    const conn = await fake.subscribed(LIQUIDATIONS_TOPIC);
    conn.send(
      liquidationOrders([
        {
          instId: 'BTC-USDT-SWAP',
          details: [
            { side: 'sell', sz: 50, bkPx: 60_000, ts: T0 },
            { side: 'buy', sz: 10, bkPx: 60_500, ts: T0 + 1 },
          ],
        },
        { instId: 'SOL-USDT-SWAP', details: [{ side: 'sell', sz: 100, bkPx: 150, ts: T0 + 2 }] },
        {
          instId: 'ETH-USD-SWAP',
          details: [
            { side: 'buy', sz: 4, bkPx: 2_000, ts: T0 + 3 },
            { side: 'sell', sz: 6, bkPx: 1_990, ts: T0 + 4 },
          ],
        },
      ]),
    );
    await waitFor(() => run.sink.liquidations.length === 5, 'five liquidations');
    const [a, b, sol, c, d] = run.sink.liquidations;
    // SOL is not among the configured assets: handed on all the same (live, the engine counts it in the flush alone).
    expect(sol).toMatchObject({ symbol: 'SOL/USDT:USDT', side: 'long', usd: 15_000 });
    // Linear: 50 contracts × 0.01 BTC = 0.5 BTC × 60,000 = 30,000 USD.
    expect(a).toMatchObject({ exchange: 'okx', symbol: 'BTC/USDT:USDT', side: 'long', ts: T0, price: 60_000, usd: 30_000 });
    expect(a!.amount).toBeCloseTo(0.5, 12);
    expect(b).toMatchObject({ side: 'short', usd: 6_050 });
    // Inverse: 4 contracts × 10 USD = 40 USD; amount in ETH = 40 / 2,000.
    expect(c).toMatchObject({ symbol: 'ETH/USD:ETH', side: 'short', usd: 40 });
    expect(c!.amount).toBeCloseTo(0.02, 12);
    expect(d).toMatchObject({ symbol: 'ETH/USD:ETH', side: 'long', usd: 60 });
    expect(run.status('okx', 'liquidations')).toMatchObject({ state: 'live', sampled: true, malformed: 0 });
  });

  it("hands on every swap's liquidations, the unconfigured ones sized by their own contract; inactive and dated ones are not", async () => {
    const conn = await fake.subscribed(LIQUIDATIONS_TOPIC);
    conn.send(
      liquidationOrders([
        // 3 contracts × 10,000,000 PEPE × $0.00001 = $300; AVAX inverse: 7 × 10 USD = $70.
        { instId: 'PEPE-USDT-SWAP', details: [{ side: 'buy', sz: 3, bkPx: 0.00001, ts: T0 }] },
        { instId: 'AVAX-USD-SWAP', details: [{ side: 'sell', sz: 7, bkPx: 20, ts: T0 + 1 }] },
        { instId: 'LUNA-USDT-SWAP', details: [{ side: 'sell', sz: 5, bkPx: 1, ts: T0 + 2 }] },
        { instId: 'BTC-USD-261225', details: [{ side: 'sell', sz: 5, bkPx: 60_000, ts: T0 + 3 }] },
        { instId: 'DOGE-USDT-SWAP', details: [{ side: 'sell', sz: 5, bkPx: 0.1, ts: T0 + 4 }] },
        { instId: 'ETH-USDT-SWAP', details: [{ side: 'sell', sz: 10, bkPx: 3_000, ts: T0 + 5 }] },
      ]),
    );
    await waitFor(() => run.sink.liquidations.some((l) => l.symbol === 'ETH/USDT:USDT'), 'the ETH detail after the others');
    expect(run.sink.liquidations.map((l) => [l.symbol, l.side, l.usd])).toEqual([
      ['PEPE/USDT:USDT', 'short', expect.closeTo(300, 6)],
      ['AVAX/USD:AVAX', 'long', 70],
      ['ETH/USDT:USDT', 'long', 3_000],
    ]);
    expect(run.status('okx', 'liquidations')).toMatchObject({ state: 'live', malformed: 0 });
  });

  it('with no configured asset listed on OKX, the one subscription still runs for the flush', async () => {
    await run.feeds.stop();
    run = await startAgainst('okx', { ws: fake.url, markets: OKX_MARKETS }, { assets: ['HYPE'] });
    const conn = await fake.subscribed(LIQUIDATIONS_TOPIC);
    conn.send(liquidationOrders([{ instId: 'SOL-USDT-SWAP', details: [{ side: 'buy', sz: 4, bkPx: 150, ts: T0 }] }]));
    await waitFor(() => run.sink.liquidations.length === 1, 'the SOL detail');
    expect(run.sink.liquidations[0]).toMatchObject({ symbol: 'SOL/USDT:USDT', side: 'short', usd: 600 });
  });

  it('counts a burst of 300 pushes of 2 instruments × 2 details exactly once', async () => {
    const conn = await fake.subscribed(LIQUIDATIONS_TOPIC);
    for (let i = 0; i < 300; i++) {
      conn.send(
        liquidationOrders([
          { instId: 'BTC-USD-SWAP', details: [{ side: 'sell', sz: 1, bkPx: 50_000, ts: T0 + i }, { side: 'buy', sz: 2, bkPx: 50_000, ts: T0 + i }] },
          { instId: 'ETH-USDT-SWAP', details: [{ side: 'sell', sz: 10, bkPx: 3_000, ts: T0 + i }, { side: 'sell', sz: 20, bkPx: 3_000, ts: T0 + i }] },
        ]),
      );
    }
    conn.send(liquidationOrders([{ instId: 'BTC-USDT-SWAP', details: [{ side: 'sell', sz: 1, bkPx: 1, ts: T0 + 999_999 }] }]));
    await waitFor(() => run.sink.liquidations.some((l) => l.ts === T0 + 999_999), 'the sentinel after the burst');
    const burst = run.sink.liquidations.filter((l) => l.ts !== T0 + 999_999);
    expect(burst).toHaveLength(1_200);
    // Per push: BTC inverse 100 + 200 USD, ETH linear (1 + 2 ETH) × 3,000 = 9,000 USD.
    expect(sum(burst.map((l) => l.usd))).toBeCloseTo(300 * (300 + 9_000), 6);
    expect(burst.filter((l) => l.side === 'long')).toHaveLength(900);
  });

  it('skips and counts unreadable frames and details, and goes on', async () => {
    const conn = await fake.subscribed(LIQUIDATIONS_TOPIC);
    conn.send('{"arg":{"channel":"liquidation-orders"},"data":[{"instId":"BTC-');
    conn.send({ arg: { channel: 'liquidation-orders', instType: 'SWAP' }, data: 'oops' });
    conn.send(
      liquidationOrders([
        { instId: 'BTC-USDT-SWAP', details: [{ side: 'sell', sz: Number.NaN, bkPx: 60_000, ts: T0 }, { side: 'sell', sz: 1, bkPx: 60_000, ts: T0 + 1 }] },
      ]),
    );
    await waitFor(() => run.sink.liquidations.length === 1, 'the good detail');
    expect(run.sink.liquidations[0]).toMatchObject({ ts: T0 + 1, usd: 600 });
    expect(run.status('okx', 'liquidations')).toMatchObject({ state: 'live', malformed: 3 });
  });

  it('reconnects after a dropped socket and records the gap', async () => {
    const first = await fake.subscribed(LIQUIDATIONS_TOPIC);
    await waitFor(() => run.status('okx', 'liquidations').state === 'live', 'live');
    first.ws.terminate();
    await waitFor(() => run.status('okx', 'liquidations').state === 'down' || run.sink.gaps.length > 0, 'the drop noticed');
    const again = await fake.subscribed(LIQUIDATIONS_TOPIC);
    expect(again).not.toBe(first);
    await waitFor(() => run.sink.gaps.length === 1, 'one gap');
    expect(run.sink.gaps[0]).toMatchObject({ exchange: 'okx' });
    expect(run.sink.gaps[0]!.reason).toMatch(/^liquidations: NetworkError: .*1006/);
    again.send(liquidationOrders([{ instId: 'BTC-USDT-SWAP', details: [{ side: 'buy', sz: 1, bkPx: 60_000, ts: T0 }] }]));
    await waitFor(() => run.sink.liquidations.length === 1, 'a liquidation after the reconnect');
  });
});
