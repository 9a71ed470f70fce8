/**
 * Lighter through the real ccxt code against a local stand-in of its public websocket: the trade channel's
 * `liquidation_trades`, every one of them (not a sample), taker-side semantics, and a dropped socket.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startLighter, lighterTrades, tradeChannel, type LighterLiquidation } from '../fakes/exchanges/lighter.js';
import { LIGHTER_MARKETS } from '../fakes/exchanges/markets.js';
import type { FakeExchangeServer } from '../fakes/exchanges/server.js';
import { startAgainst, waitFor, type Running } from './helpers.js';

const T0 = Date.UTC(2026, 10, 2, 14, 0);

describe('lighter liquidations', () => {
  let fake: FakeExchangeServer;
  let run: Running;

  beforeEach(async () => {
    fake = await startLighter();
    run = await startAgainst('lighter', { ws: fake.url, markets: LIGHTER_MARKETS });
  });
  afterEach(async () => {
    await run.feeds.stop();
    await fake.close();
  });

  it('subscribes to the trade channel of every watched market on /stream', async () => {
    const eth = await fake.subscribed(tradeChannel('0'));
    await fake.subscribed(tradeChannel('1'));
    expect(eth.path).toBe('/stream');
    expect(fake.open.some((c) => c.topics.has(tradeChannel('2')))).toBe(false);
  });

  it('emits every liquidation trade of a message, not its ordinary trades; a taker sell = a long liquidated', async () => {
    await fake.subscribed(tradeChannel('0'));
    fake.publish(
      tradeChannel('0'),
      lighterTrades(
        '0',
        [
          { tradeId: 1, size: 2, price: 3_000, makerAsk: false, time: T0 },
          { tradeId: 2, size: 0.5, price: 3_010, makerAsk: true, time: T0 + 1 },
          { tradeId: 3, size: 1, price: 2_990, makerAsk: false, time: T0 + 2 },
        ],
        2,
      ),
    );
    await waitFor(() => run.sink.liquidations.length === 3, 'three liquidations');
    expect(run.sink.liquidations).toEqual([
      { type: 'liquidation', ts: T0, exchange: 'lighter', symbol: 'ETH/USDC:USDC', side: 'long', price: 3_000, amount: 2, usd: 6_000 },
      { type: 'liquidation', ts: T0 + 1, exchange: 'lighter', symbol: 'ETH/USDC:USDC', side: 'short', price: 3_010, amount: 0.5, usd: 1_505 },
      { type: 'liquidation', ts: T0 + 2, exchange: 'lighter', symbol: 'ETH/USDC:USDC', side: 'long', price: 2_990, amount: 1, usd: 2_990 },
    ]);
    expect(run.status('lighter', 'liquidations')).toMatchObject({ state: 'live', sampled: false, malformed: 0 });
  });

  it('skips an unreadable liquidation trade, counts it, and keeps the rest', async () => {
    const conn = await fake.subscribed(tradeChannel('1'));
    conn.send({ type: 'update/trade', channel: 'trade:1', trades: [], liquidation_trades: [{ market_id: 1, size: 'x', price: '60000', is_maker_ask: true, timestamp: T0 }] });
    conn.send(lighterTrades('1', [{ tradeId: 9, size: 0.1, price: 60_000, makerAsk: true, time: T0 + 5 }]));
    await waitFor(() => run.sink.liquidations.length === 1, 'the readable liquidation');
    expect(run.sink.liquidations[0]).toMatchObject({ symbol: 'BTC/USDC:USDC', side: 'short', usd: 6_000 });
    expect(run.status('lighter', 'liquidations').malformed).toBe(1);
  });

  it('reconnects after a dropped socket, records the gap, and counts again', async () => {
    await fake.subscribed(tradeChannel('0'));
    await waitFor(() => run.status('lighter', 'liquidations').state === 'live', 'live');
    fake.dropAll();
    await waitFor(() => run.sink.gaps.some((g) => g.exchange === 'lighter' && g.reason.startsWith('liquidations')), 'a liquidation gap');
    const conn = await fake.subscribed(tradeChannel('0'));
    conn.send(lighterTrades('0', [{ tradeId: 4, size: 1, price: 3_000, makerAsk: false, time: T0 + 10 }]));
    await waitFor(() => run.sink.liquidations.length === 1, 'a liquidation after the reconnect');
    expect(run.sink.liquidations[0]).toMatchObject({ ts: T0 + 10, side: 'long' });
  });
});

describe('lighter snapshots on subscribing', () => {
  let fake: FakeExchangeServer | undefined;
  let run: Running | undefined;
  afterEach(async () => {
    await run?.feeds.stop();
    await fake?.close();
    run = undefined;
    fake = undefined;
  });

  it('does not count again what a (re)subscription snapshot replays, nor what happened before the connection', async () => {
    const history: LighterLiquidation[] = [];
    fake = await startLighter({ snapshot: (marketId) => (marketId === '0' ? history : []) });
    // The previous run counted this one; a restart must not count it again.
    history.push({ tradeId: 1, size: 1, price: 3_000, makerAsk: false, time: Date.now() - 60_000 });
    run = await startAgainst('lighter', { ws: fake.url, markets: LIGHTER_MARKETS });
    await fake.subscribed(tradeChannel('0'));
    await waitFor(() => run!.status('lighter', 'liquidations').state === 'live', 'live');
    const live: LighterLiquidation = { tradeId: 2, size: 2, price: 3_010, makerAsk: true, time: Date.now() };
    history.push(live);
    fake.publish(tradeChannel('0'), lighterTrades('0', [live]));
    await waitFor(() => run!.sink.liquidations.length === 1, 'the live liquidation');
    // A reconnection: the snapshot replays trades 1 and 2.
    fake.dropAll();
    await waitFor(() => fake!.connections.length >= 2 && fake!.open.some((c) => c.topics.has(tradeChannel('0'))), 'resubscribed');
    await waitFor(() => run!.status('lighter', 'liquidations').state === 'live', 'live again');
    const next: LighterLiquidation = { tradeId: 3, size: 1, price: 3_020, makerAsk: false, time: Date.now() };
    fake.publish(tradeChannel('0'), lighterTrades('0', [next]));
    // The replaying snapshot came before this frame on the same socket: once trade 3 is in, every replay has been seen.
    await waitFor(() => run!.sink.liquidations.some((l) => l.price === 3_020), 'the next liquidation');
    expect(run.sink.liquidations.map((l) => [l.side, l.price])).toEqual([
      ['short', 3_010],
      ['long', 3_020],
    ]);
    expect(run.status('lighter', 'liquidations').malformed).toBe(0);
  });
});
