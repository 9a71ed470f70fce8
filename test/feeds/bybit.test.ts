/**
 * Bybit through the real ccxt code against a local stand-in of its public streams: allLiquidation batches,
 * position-side semantics, linear and inverse sizing, bursts, bad frames and dropped sockets.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { allLiquidation, liquidationTopic, startBybit } from '../fakes/exchanges/bybit.js';
import { BYBIT_MARKETS } from '../fakes/exchanges/markets.js';
import type { FakeExchangeServer } from '../fakes/exchanges/server.js';
import { startAgainst, sum, waitFor, type Running } from './helpers.js';

const T0 = Date.UTC(2026, 10, 2, 14, 0);

describe('bybit liquidations', () => {
  let fake: FakeExchangeServer;
  let run: Running;

  beforeEach(async () => {
    fake = await startBybit();
    run = await startAgainst('bybit', { ws: fake.url, markets: BYBIT_MARKETS, prices: 'watch' });
  });
  afterEach(async () => {
    await run.feeds.stop();
    await fake.close();
  });

  it('subscribes to allLiquidation for every BTC and ETH perpetual: USDT, USDC and inverse', async () => {
    for (const id of ['BTCUSDT', 'BTCPERP', 'ETHUSDT', 'ETHPERP', 'BTCUSD', 'ETHUSD']) await fake.subscribed(liquidationTopic(id));
    const linear = fake.open.find((c) => c.topics.has(liquidationTopic('BTCUSDT')))!;
    const inverse = fake.open.find((c) => c.topics.has(liquidationTopic('BTCUSD')))!;
    expect(linear.path).toBe('/v5/public/linear');
    expect(inverse.path).toBe('/v5/public/inverse');
  });

  it('emits every entry of a batched message: Buy = a long was liquidated, Sell = a short', async () => {
    await fake.subscribed(liquidationTopic('BTCUSDT'));
    fake.publish(
      liquidationTopic('BTCUSDT'),
      allLiquidation('BTCUSDT', [
        { side: 'Buy', size: 0.5, price: 60_000, time: T0 },
        { side: 'Buy', size: 0.25, price: 59_990, time: T0 + 1 },
        { side: 'Sell', size: 2, price: 60_010, time: T0 + 2 },
      ]),
    );
    await waitFor(() => run.sink.liquidations.length === 3, 'three liquidations');
    expect(run.sink.liquidations).toEqual([
      { type: 'liquidation', ts: T0, exchange: 'bybit', symbol: 'BTC/USDT:USDT', side: 'long', price: 60_000, amount: 0.5, usd: 30_000 },
      { type: 'liquidation', ts: T0 + 1, exchange: 'bybit', symbol: 'BTC/USDT:USDT', side: 'long', price: 59_990, amount: 0.25, usd: 14_997.5 },
      { type: 'liquidation', ts: T0 + 2, exchange: 'bybit', symbol: 'BTC/USDT:USDT', side: 'short', price: 60_010, amount: 2, usd: 120_020 },
    ]);
    // Live once both sockets (linear and inverse) have acknowledged their subscriptions.
    await waitFor(() => run.status('bybit', 'liquidations').state === 'live', 'live');
    expect(run.status('bybit', 'liquidations')).toMatchObject({ state: 'live', sampled: false, malformed: 0 });
  });

  it('sizes inverse contracts in dollars: v is USD, amount is v / price', async () => {
    await fake.subscribed(liquidationTopic('BTCUSD'));
    fake.publish(liquidationTopic('BTCUSD'), allLiquidation('BTCUSD', [{ side: 'Sell', size: 25_000, price: 50_000, time: T0 }]));
    await waitFor(() => run.sink.liquidations.length === 1, 'the inverse liquidation');
    expect(run.sink.liquidations[0]).toMatchObject({ symbol: 'BTC/USD:BTC', side: 'short', usd: 25_000, amount: 0.5, price: 50_000 });
  });

  it('counts a burst of 400 back-to-back messages of 3 entries each exactly once', async () => {
    const conn = await fake.subscribed(liquidationTopic('ETHUSDT'));
    for (let i = 0; i < 400; i++) {
      conn.send(
        allLiquidation('ETHUSDT', [
          { side: 'Buy', size: 1, price: 3_000, time: T0 + i },
          { side: 'Sell', size: 2, price: 3_000, time: T0 + i },
          { side: 'Buy', size: 3, price: 3_000, time: T0 + i },
        ]),
      );
    }
    // A sentinel after the burst: once it arrives, everything before it has been handled (one ordered socket).
    conn.send(allLiquidation('ETHUSDT', [{ side: 'Sell', size: 10, price: 1, time: T0 + 999_999 }]));
    await waitFor(() => run.sink.liquidations.some((l) => l.ts === T0 + 999_999), 'the sentinel after the burst');
    const burst = run.sink.liquidations.filter((l) => l.ts !== T0 + 999_999);
    expect(burst).toHaveLength(1_200);
    expect(burst.filter((l) => l.side === 'long')).toHaveLength(800);
    expect(sum(burst.map((l) => l.usd))).toBeCloseTo(400 * 6 * 3_000, 6);
  });

  it('skips and counts unreadable frames and entries, and goes on', async () => {
    const conn = await fake.subscribed(liquidationTopic('BTCUSDT'));
    conn.send('{"topic":"allLiquidation.BTCUSDT","data":[{"T":1');
    conn.send({ topic: 'allLiquidation.BTCUSDT', type: 'snapshot', ts: 1, data: [{ T: T0, s: 'BTCUSDT', S: 'Buy', v: 'lots', p: '60000' }] });
    conn.send({ topic: 'allLiquidation.BTCUSDT', type: 'snapshot', ts: 1, data: [{ T: T0, s: 'BTCUSDT', S: 'Both', v: '1', p: '60000' }] });
    conn.send(allLiquidation('BTCUSDT', [{ side: 'Buy', size: 1, price: 60_000, time: T0 + 5 }]));
    await waitFor(() => run.sink.liquidations.length === 1, 'the good liquidation after the bad ones');
    expect(run.sink.liquidations[0]).toMatchObject({ ts: T0 + 5, usd: 60_000 });
    await waitFor(() => run.status('bybit', 'liquidations').state === 'live', 'live');
    expect(run.status('bybit', 'liquidations')).toMatchObject({ state: 'live', malformed: 3 });
    expect(run.sink.gaps).toEqual([]);
  });

  it('reconnects after a dropped socket, records the gap and keeps counting', async () => {
    await fake.subscribed(liquidationTopic('BTCUSDT'));
    await waitFor(() => run.status('bybit', 'liquidations').state === 'live', 'live');
    const before = fake.connections.length;
    const droppedAt = Date.now();
    expect(fake.dropAll()).toBeGreaterThan(0);
    const gapsOf = (): string[] => run.sink.gaps.map((g) => g.reason.split(':')[0]!);
    await waitFor(() => gapsOf().includes('liquidations (linear)') && gapsOf().includes('liquidations (inverse)'), 'a gap per dropped liquidation socket (linear, inverse)');
    const conn = await fake.subscribed(liquidationTopic('BTCUSDT'));
    expect(fake.connections.length).toBeGreaterThan(before);
    for (const g of run.sink.gaps) {
      expect(g.exchange).toBe('bybit');
      expect(g.from).toBeGreaterThanOrEqual(droppedAt - 5);
      expect(g.to).toBeGreaterThanOrEqual(g.from);
      expect(g.reason).toMatch(/closing code 1006/);
    }
    conn.send(allLiquidation('BTCUSDT', [{ side: 'Sell', size: 1, price: 61_000, time: T0 + 10 }]));
    await waitFor(() => run.sink.liquidations.length === 1, 'a liquidation after the reconnect');
    await waitFor(() => run.status('bybit', 'liquidations').state === 'live', 'live again');
    expect(run.sink.statuses.filter((s) => s.stream === 'liquidations').map((s) => s.state)).toEqual(expect.arrayContaining(['live', 'down']));
  });
});
