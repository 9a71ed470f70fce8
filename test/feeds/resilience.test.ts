/**
 * How a websocket feed behaves when the exchange misbehaves, through the real ccxt code against local stand-ins:
 * a refused topic drops one symbol (not the socket), an exchange that accepts the socket but answers nothing is
 * never shown live, a live socket that falls silent is found and its silence recorded as a gap, a flapping
 * connection keeps the outage's start as its `since`, gaps never overlap, and every frame that is not the venue's
 * protocol is counted as malformed before ccxt sees it.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { Gap } from '../../src/core/coverage.js';
import { allLiquidation, bybitKline, klineTopic, liquidationTopic, startBybit } from '../fakes/exchanges/bybit.js';
import { lighterTrades, startLighter, tradeChannel } from '../fakes/exchanges/lighter.js';
import { BYBIT_MARKETS, LIGHTER_MARKETS, OKX_MARKETS } from '../fakes/exchanges/markets.js';
import { LIQUIDATIONS_TOPIC, liquidationOrders, startOkx } from '../fakes/exchanges/okx.js';
import { FakeExchangeServer } from '../fakes/exchanges/server.js';
import { startAgainst, waitFor, type Running } from './helpers.js';

const MIN = 60_000;
const T = Date.UTC(2026, 10, 2, 14, 0);

/**
 * waitFor on the monotonic clock: its deadline reads Date, which the silence test holds still. Polls every few ms
 * and fails naming `what` after the deadline; never a fixed sleep.
 */
async function until(predicate: () => boolean, what: string, timeoutMs = 5_000): Promise<void> {
  const deadline = performance.now() + timeoutMs;
  while (!predicate()) {
    if (performance.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for: ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

/** No two gaps of one exchange and stream group overlap. */
function expectDisjoint(gaps: Gap[]): void {
  const byReason = new Map<string, Gap[]>();
  for (const g of gaps) {
    const key = g.reason.split(':')[0]!;
    byReason.set(key, [...(byReason.get(key) ?? []), g]);
  }
  for (const list of byReason.values()) {
    const sorted = [...list].sort((a, b) => a.from - b.from);
    for (let i = 1; i < sorted.length; i++) expect(sorted[i]!.from).toBeGreaterThanOrEqual(sorted[i - 1]!.to);
  }
}

describe('feed resilience', () => {
  let fake: FakeExchangeServer | undefined;
  let run: Running | undefined;
  afterEach(async () => {
    await run?.feeds.stop();
    await fake?.close();
    run = undefined;
    fake = undefined;
    vi.useRealTimers();
  });

  it('Bybit: a refused topic (a delisted contract) drops that symbol only; the rest of the socket keeps delivering', async () => {
    fake = await startBybit({ refuse: [liquidationTopic('ETHPERP')] });
    run = await startAgainst('bybit', { ws: fake.url, markets: BYBIT_MARKETS, prices: 'watch' });
    await fake.subscribed(liquidationTopic('BTCUSDT'));
    await waitFor(() => run!.status('bybit', 'liquidations').state === 'live', 'live');
    // The ETHPERP subscription was asked for on the linear socket, and the fake answered it with a refusal at once.
    await waitFor(() => fake!.received.some((f) => f.includes(liquidationTopic('ETHPERP'))), 'the ETHPERP subscription (refused)');
    // Sent after the refusal on the same socket: once they are in, the refusal has been handled.
    let delivered = 0;
    for (let i = 0; i < 10; i++) delivered += fake.publish(liquidationTopic('BTCUSDT'), allLiquidation('BTCUSDT', [{ side: 'Buy', size: 1, price: 60_000 + i, time: Date.now() }]));
    await waitFor(() => run!.sink.liquidations.length === 10, 'ten BTC liquidations');
    expect(delivered).toBe(10);
    // Linear, inverse and the candle socket: no reconnect loop.
    expect(fake.connections.length).toBe(3);
    expect(run.status('bybit', 'liquidations')).toMatchObject({ state: 'live', malformed: 0 });
    expect(run.sink.statuses.filter((s) => s.stream === 'liquidations').map((s) => s.state)).not.toContain('down');
    expect(run.sink.gaps).toEqual([]);
    // After a drop the refused topic is not asked for again; the others are.
    const before = fake.received.length;
    fake.dropAll();
    await waitFor(() => fake!.open.some((c) => c.topics.has(liquidationTopic('BTCUSDT'))), 'resubscribed');
    await fake.subscribed(liquidationTopic('ETHUSDT'));
    expect(fake.received.slice(before).some((f) => f.includes(liquidationTopic('ETHPERP')))).toBe(false);
  });

  it('Bybit: a refused candle topic drops that symbol from the price socket; the other prices keep arriving', async () => {
    fake = await startBybit({ refuse: [klineTopic('ETHUSDT')] });
    run = await startAgainst('bybit', { ws: fake.url, markets: BYBIT_MARKETS, prices: 'watch' });
    await fake.subscribed(klineTopic('BTCUSDT'));
    await waitFor(() => run!.status('bybit', 'prices').state === 'live', 'prices live');
    // ETH's candles were asked for (and refused), not left out.
    expect(fake.received.some((f) => f.includes(klineTopic('ETHUSDT')))).toBe(true);
    // The refusal went out on the candle socket before these candles: once they are in, it has been handled.
    const closes = [60_050, 60_150, 60_250];
    for (let i = 0; i < closes.length; i++) {
      const close = closes[i]!;
      expect(fake.publish(klineTopic('BTCUSDT'), bybitKline('BTCUSDT', { start: T + i * MIN, open: close, high: close, low: close, close, volume: 1, confirm: i < 2 }))).toBe(1);
    }
    await waitFor(() => run!.sink.candles.length === 2, 'two closed BTC candles');
    await waitFor(() => run!.sink.prices.some((p) => p.price === 60_250), 'the newest BTC price');
    expect(run.sink.candles.map((c) => [c.symbol, c.ts])).toEqual([
      ['BTC/USDT:USDT', T],
      ['BTC/USDT:USDT', T + MIN],
    ]);
    // Linear and inverse liquidations and the candle socket: no reconnect loop.
    expect(fake.connections.length).toBe(3);
    expect(run.status('bybit', 'prices')).toMatchObject({ state: 'live', malformed: 0 });
    expect(run.sink.statuses.filter((s) => s.stream === 'prices').map((s) => s.state)).not.toContain('down');
    expect(run.status('bybit', 'liquidations').state).toBe('live');
    expect(run.sink.gaps).toEqual([]);
    // After a drop the refused topic is not asked for again; BTC's is.
    const before = fake.received.length;
    fake.dropAll();
    await waitFor(() => fake!.open.some((c) => c.topics.has(klineTopic('BTCUSDT'))), 'resubscribed');
    await fake.subscribed(liquidationTopic('ETHUSDT'));
    expect(fake.received.slice(before).some((f) => f.includes(klineTopic('ETHUSDT')))).toBe(false);
  });

  it('Bybit: when every candle topic is refused the price socket fails and is retried later; liquidations go on', async () => {
    fake = await startBybit({ refuse: [klineTopic('BTCUSDT'), klineTopic('ETHUSDT')] });
    run = await startAgainst('bybit', { ws: fake.url, markets: BYBIT_MARKETS, prices: 'watch' });
    await fake.subscribed(liquidationTopic('BTCUSDT'));
    await waitFor(() => run!.status('bybit', 'liquidations').state === 'live', 'liquidations live');
    // The price group fails and comes back with every symbol asked for again.
    await waitFor(() => fake!.received.filter((f) => f.includes(klineTopic('BTCUSDT'))).length >= 2, 'the price group retried', 3_000);
    await waitFor(() => run!.status('bybit', 'prices').state === 'down', 'prices down');
    expect(run.status('bybit', 'prices').error).toMatch(/refused every symbol/);
    expect(run.sink.statuses.filter((s) => s.stream === 'prices').map((s) => s.state)).not.toContain('live');
    expect(run.status('bybit', 'liquidations').state).toBe('live');
  });

  it('Lighter: an error frame naming a channel drops that market only', async () => {
    fake = await startLighter({ refuse: ['trade/1'] });
    run = await startAgainst('lighter', { ws: fake.url, markets: LIGHTER_MARKETS });
    await fake.subscribed(tradeChannel('0'));
    await waitFor(() => run!.status('lighter', 'liquidations').state === 'live', 'live');
    await waitFor(() => fake!.received.some((f) => f.includes('trade/1')), 'the BTC channel asked for (and refused)');
    // Sent after the error frame on the same socket: once it is in, the error frame has been handled.
    expect(fake.publish(tradeChannel('0'), lighterTrades('0', [{ tradeId: 1, size: 2, price: 3_000, makerAsk: false, time: Date.now() }]))).toBe(1);
    await waitFor(() => run!.sink.liquidations.length === 1, 'the ETH liquidation');
    expect(fake.connections.length).toBe(1);
    expect(run.status('lighter', 'liquidations').state).toBe('live');
    expect(run.sink.statuses.filter((s) => s.stream === 'liquidations').map((s) => s.state)).not.toContain('down');
  });

  it('an exchange that accepts the socket but answers nothing is never shown live; it is down once the wait is over', async () => {
    fake = await startBybit({ silent: () => true });
    run = await startAgainst('bybit', { ws: fake.url, markets: BYBIT_MARKETS, prices: 'watch', timeouts: { connectMs: 300 } });
    await waitFor(() => fake!.received.some((f) => f.includes(liquidationTopic('BTCUSDT'))), 'a subscription sent');
    await waitFor(() => run!.status('bybit', 'liquidations').state === 'down', 'down', 3_000);
    expect(run.sink.statuses.filter((s) => s.stream === 'liquidations').map((s) => s.state)).not.toContain('live');
    expect(run.status('bybit', 'liquidations').error).toMatch(/no subscription acknowledged/);
  });

  it('a live socket that falls silent is closed and shown down; the gap starts at its last frame and gaps do not overlap', async () => {
    // Both clocks are the test's. The feed's clock (`now`) stamps what it records; the silence is measured on the
    // wall clock and checked on an interval, both faked here, so a socket falls silent only when the test moves that
    // clock on (a loaded machine that is slow between two steps cannot make one silent early). The rest (the sockets,
    // the waits for an acknowledgement, the backoff) runs on real timers.
    vi.useFakeTimers({ toFake: ['Date', 'setInterval', 'clearInterval'] });
    let t = T;
    let silent = false;
    fake = await startBybit({ silent: () => silent });
    run = await startAgainst('bybit', { ws: fake.url, markets: BYBIT_MARKETS, prices: 'watch', timeouts: { connectMs: 300, silentMs: 300 } }, { now: () => t });
    await fake.subscribed(liquidationTopic('BTCUSDT'));
    await until(() => run!.status('bybit', 'liquidations').state === 'live', 'live');
    // The socket that is live: a first one not acknowledged within `connectMs` (a slow start) was closed and dialled again.
    const conn = fake.open.filter((c) => c.topics.has(liquidationTopic('BTCUSDT'))).at(-1)!;
    const lastFrame = (t = T + 1_000);
    conn.send(allLiquidation('BTCUSDT', [{ side: 'Buy', size: 1, price: 60_000, time: lastFrame }]));
    await until(() => run!.sink.liquidations.length === 1, 'a liquidation');
    silent = true;
    t = T + 10_000; // found silent long after its last frame
    vi.advanceTimersByTime(300);
    await until(() => run!.status('bybit', 'liquidations').state === 'down', 'down after the silence');
    expect(run.status('bybit', 'liquidations').error).toMatch(/no frame for/);
    // Down since the last frame of its sockets (the inverse one's is its acknowledgement, at T, or at T + 1 s when a
    // loaded machine handles it after the clock moved on), not since it was found silent (T + 10 s).
    expect([T, lastFrame]).toContain(run.status('bybit', 'liquidations').since);
    // Several silent reconnects (each waits for an acknowledgement that never comes), then the exchange answers again.
    const linear = () => fake!.connections.filter((c) => c.path === '/v5/public/linear').length;
    const before = linear();
    await until(() => linear() >= before + 2, 'two silent reconnects');
    t = T + 20_000;
    silent = false;
    await until(() => run!.status('bybit', 'liquidations').state === 'live', 'live again');
    await until(() => run!.sink.gaps.some((g) => g.reason.startsWith('liquidations (linear)')), 'a gap');
    const gaps = run.sink.gaps.filter((g) => g.reason.startsWith('liquidations (linear)'));
    expect(gaps).toHaveLength(1);
    expect(gaps[0]).toMatchObject({ from: lastFrame, to: T + 20_000 });
    expectDisjoint(run.sink.gaps);
  });

  it('a connection that keeps dropping right after it comes back stays down since the outage began', async () => {
    let t = T;
    fake = await startBybit();
    run = await startAgainst('bybit', { ws: fake.url, markets: BYBIT_MARKETS, prices: 'watch' }, { assets: ['BTC'], now: () => t });
    await fake.subscribed(liquidationTopic('BTCUSDT'));
    await waitFor(() => run!.status('bybit', 'liquidations').state === 'live', 'live');
    const downs = () => run!.sink.statuses.filter((s) => s.stream === 'liquidations' && s.state === 'down');
    const began = T + 1_000;
    // Drop every socket as soon as the stream is back, three times, a second apart on the feed's clock (well within
    // the 30 s a connection must last to end an outage).
    for (let i = 0; i < 3; i++) {
      t = began + i * 1_000;
      const seen = run.sink.statuses.length;
      expect(fake.dropAll()).toBeGreaterThan(0);
      await waitFor(() => downs().length > i, `down after drop ${i + 1}`);
      await waitFor(() => run!.sink.statuses.slice(seen).some((s) => s.stream === 'liquidations' && s.state === 'live'), `back after drop ${i + 1}`);
    }
    expect(downs().length).toBeGreaterThanOrEqual(3);
    expect(downs().map((s) => s.since)).toEqual(downs().map(() => began));
    expectDisjoint(run.sink.gaps);
  });

  it('counts every frame that is not the venue’s protocol, and nothing crashes', async () => {
    fake = await startBybit();
    run = await startAgainst('bybit', { ws: fake.url, markets: BYBIT_MARKETS, prices: 'watch' });
    const conn = await fake.subscribed(liquidationTopic('BTCUSDT'));
    await waitFor(() => run!.status('bybit', 'liquidations').state === 'live', 'live');
    const frames = ['garbage', 'null', '42', '"str"', '[]', '{}', '{"topic":123}', '\u0000\u0001binary?', '[1,2', '{"a":'];
    let n = 0;
    for (const f of frames) {
      const before = run.status('bybit', 'liquidations').malformed!;
      conn.send(f);
      conn.send(allLiquidation('BTCUSDT', [{ side: 'Buy', size: 1, price: 60_000, time: Date.now() + ++n }]));
      await waitFor(() => run!.sink.liquidations.length === n, `the liquidation after ${JSON.stringify(f)}`);
      expect([f, run.status('bybit', 'liquidations').malformed! - before]).toEqual([f, 1]);
    }
    // Keepalive answers and acknowledgements are not malformed.
    const before = run.status('bybit', 'liquidations').malformed!;
    conn.send({ success: true, ret_msg: 'pong', conn_id: 'x', op: 'ping' });
    conn.send({ op: 'pong', args: ['1'], conn_id: 'x' });
    conn.send({ success: true, ret_msg: '', conn_id: 'x', req_id: '99', op: 'subscribe' });
    conn.send(allLiquidation('BTCUSDT', [{ side: 'Buy', size: 1, price: 60_000, time: Date.now() + ++n }]));
    await waitFor(() => run!.sink.liquidations.length === n, 'the last liquidation');
    expect(run.status('bybit', 'liquidations')).toMatchObject({ state: 'live', malformed: before });
    expect(fake.connections.length).toBe(3);
  });

  it('OKX: its text pong is protocol, other text is malformed', async () => {
    fake = await startOkx();
    run = await startAgainst('okx', { ws: fake.url, markets: OKX_MARKETS, prices: 'watch' });
    const conn = await fake.subscribed(LIQUIDATIONS_TOPIC);
    await waitFor(() => run!.status('okx', 'liquidations').state === 'live', 'live');
    conn.send('pong');
    conn.send('ping?');
    conn.send({ nonsense: 1 });
    conn.send(liquidationOrders([{ instId: 'BTC-USDT-SWAP', details: [{ side: 'sell', sz: 1, bkPx: 60_000, ts: Date.now() }] }]));
    await waitFor(() => run!.sink.liquidations.length === 1, 'the liquidation');
    expect(run.status('okx', 'liquidations')).toMatchObject({ state: 'live', malformed: 2 });
  });
});
