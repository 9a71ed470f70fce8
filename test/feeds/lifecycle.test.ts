/**
 * The feed as a whole: configuration decides what is watched, prices fall back to REST polling where
 * asked, and stop() closes every socket and timer it opened.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { startFeeds } from '../../src/feeds/index.js';
import { RestClient } from '../../src/feeds/rest.js';
import { ALL_FORCE_ORDERS, forceOrder, startBinance } from '../fakes/exchanges/binance.js';
import { BINANCE_USDM_MARKETS, OKX_MARKETS } from '../fakes/exchanges/markets.js';
import { LIQUIDATIONS_TOPIC, startOkx } from '../fakes/exchanges/okx.js';
import { FAST_BACKOFF, MemorySink, startAgainst, testConfig, waitFor } from './helpers.js';

const MIN = 60_000;
const T = Date.UTC(2026, 10, 2, 14, 0);

/** Sockets and timers alive in this process, by kind. */
function handles(): Record<string, number> {
  const out: Record<string, number> = {};
  for (const kind of process.getActiveResourcesInfo()) out[kind] = (out[kind] ?? 0) + 1;
  return out;
}

describe('feeds lifecycle', () => {
  afterEach(() => {
    vi.restoreAllMocks();
  });

  it('stop() leaves no socket or timer open, after traffic and a reconnect', async () => {
    const before = handles();
    const binance = await startBinance();
    const okx = await startOkx();
    const sink = new MemorySink();
    const feeds = await startFeeds({
      config: testConfig(['binanceusdm', 'okx']),
      sink,
      dataDir: '/nonexistent-liqbot-test',
      overrides: {
        binanceusdm: { ws: binance.url, markets: BINANCE_USDM_MARKETS, rest: false, backoff: FAST_BACKOFF },
        okx: { ws: okx.url, markets: OKX_MARKETS, rest: false, backoff: FAST_BACKOFF },
      },
    });
    const conn = await binance.subscribed(ALL_FORCE_ORDERS);
    await okx.subscribed(LIQUIDATIONS_TOPIC);
    conn.send(forceOrder({ s: 'BTCUSDT', side: 'SELL', qty: 1, price: 1, time: T }));
    await waitFor(() => sink.liquidations.length === 1, 'one liquidation');
    okx.dropAll();
    await okx.subscribed(LIQUIDATIONS_TOPIC);
    await waitFor(() => feeds.statuses().every((s) => s.state === 'live'), 'all live');
    await feeds.stop();
    await binance.close();
    await okx.close();
    const leftover = (): string[] =>
      Object.entries(handles())
        .filter(([kind, n]) => ['TCPSocketWrap', 'TCPServerWrap', 'Timeout'].includes(kind) && n > (before[kind] ?? 0))
        .map(([kind, n]) => `${kind} ${n - (before[kind] ?? 0)}`);
    await waitFor(() => leftover().length === 0, `nothing left open (left: ${leftover().join(', ')})`, 3_000);
    // Nothing is delivered after stop.
    conn.send(forceOrder({ s: 'BTCUSDT', side: 'SELL', qty: 1, price: 1, time: T + 1 }));
    expect(sink.liquidations).toHaveLength(1);
  });

  it('skips exchanges it has no module for, and watches only the configured assets', async () => {
    const okx = await startOkx();
    const sink = new MemorySink();
    const feeds = await startFeeds({
      config: testConfig(['okx', 'nosuchexchange'], ['SOL']),
      sink,
      dataDir: '/nonexistent-liqbot-test',
      overrides: { okx: { ws: okx.url, markets: OKX_MARKETS, rest: false, backoff: FAST_BACKOFF } },
    });
    try {
      expect(feeds.statuses().map((s) => s.exchange)).toEqual(['okx', 'okx']);
      const conn = await okx.subscribed('candle1m:SOL-USDT-SWAP');
      expect([...conn.topics]).toEqual(['candle1m:SOL-USDT-SWAP']);
    } finally {
      await feeds.stop();
      await okx.close();
    }
  });

  it('prices by REST polling: each closed candle once, the next poll starting after the last closed candle', async () => {
    const asked: (number | undefined)[] = [];
    let polls = 0;
    vi.spyOn(RestClient.prototype, 'fetchOHLCV').mockImplementation(async (_symbol, _tf, since) => {
      asked.push(since);
      polls++;
      const rows = [
        [T, 1, 2, 1, 2, 5],
        [T + MIN, 2, 3, 2, 3, 6],
        [T + 2 * MIN, 3, 3, 3, 3, 1],
      ];
      return polls < 3 ? rows.slice(0, 2) : rows;
    });
    const fake = await startBinance();
    const run = await startAgainst('binanceusdm', { ws: fake.url, markets: BINANCE_USDM_MARKETS, rest: true, prices: 'poll', pollMs: 10 }, { assets: ['BTC'] });
    try {
      await waitFor(() => run.sink.candles.length === 2, 'two closed candles');
      await waitFor(() => polls >= 5, 'more polls');
      expect(run.sink.candles.map((c) => [c.ts, c.close])).toEqual([
        [T, 2],
        [T + MIN, 3],
      ]);
      expect(asked[0]).toBeUndefined();
      expect(asked.slice(3)).toContain(T + 2 * MIN);
      expect(run.status('binanceusdm', 'prices').state).toBe('live');
      expect(run.sink.prices[0]).toMatchObject({ symbol: 'BTC/USDT:USDT', price: 3 });
    } finally {
      await run.feeds.stop();
      await fake.close();
    }
  });
});
