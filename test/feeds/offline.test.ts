/**
 * A bot with no network: startFeeds neither throws nor crashes, each exchange is reported down (once, not
 * once per retry), retries continue with backoff, the disk cache stands in for REST, the time without data
 * is recorded as a gap, and stop() leaves nothing open. Every socket here is refused or blocked.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { startFeeds } from '../../src/feeds/index.js';
import { RestClient } from '../../src/feeds/rest.js';
import { BYBIT_MARKETS, OKX_MARKETS } from '../fakes/exchanges/markets.js';
import { FAST_BACKOFF, MemorySink, testConfig, waitFor } from './helpers.js';

/** A loopback port nobody listens on: connections are refused at once, like an unreachable host. */
async function closedPort(): Promise<number> {
  const srv = createServer();
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
  const port = (srv.address() as { port: number }).port;
  await new Promise<void>((r) => srv.close(() => r()));
  return port;
}

describe('offline', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'liqbot-offline-'));
  });
  afterEach(async () => {
    vi.restoreAllMocks();
    await rm(dir, { recursive: true, force: true });
  });

  it('reports every venue connecting at once, before the exchange library has loaded', async () => {
    const sink = new MemorySink();
    const starting = startFeeds({ config: testConfig(['bybit', 'okx']), sink, dataDir: dir, overrides: { bybit: { backoff: FAST_BACKOFF }, okx: { backoff: FAST_BACKOFF } } });
    // Before startFeeds's first await: a command answered now reads "connecting", not a quiet market.
    expect(sink.statuses.map((s) => [s.exchange, s.stream, s.state, s.sampled])).toEqual([
      ['bybit', 'liquidations', 'connecting', false],
      ['okx', 'liquidations', 'connecting', true],
    ]);
    await (await starting).stop();
  });

  it('keeps retrying markets over REST without throwing, and reports each stream down once', async () => {
    const fetchMarkets = vi.spyOn(RestClient.prototype, 'fetchMarkets');
    const sink = new MemorySink();
    const feeds = await startFeeds({
      config: testConfig(['bybit', 'okx']),
      sink,
      dataDir: dir,
      overrides: { bybit: { backoff: FAST_BACKOFF }, okx: { backoff: FAST_BACKOFF } },
    });
    await waitFor(() => fetchMarkets.mock.calls.length >= 6, 'several market loading attempts');
    const statuses = feeds.statuses();
    expect(statuses).toHaveLength(4);
    for (const s of statuses) {
      expect(s.state).toBe('down');
      expect(s.error).toBeTruthy();
    }
    for (const ex of ['bybit', 'okx']) {
      for (const stream of ['liquidations', 'prices']) {
        const downs = sink.statuses.filter((s) => s.exchange === ex && s.stream === stream && s.state === 'down');
        expect(downs, `${ex} ${stream}`).toHaveLength(1);
      }
    }
    await feeds.stop();
    expect(sink.events).toEqual([]);
    // What was never covered is on record.
    expect(sink.gaps.map((g) => g.exchange).sort()).toEqual(['bybit', 'okx']);
    expect(sink.gaps[0]!.reason).toMatch(/markets could not be loaded.*still down at shutdown/);
  });

  it('uses the market cache when REST is unreachable, retries refused sockets, and records the gap', async () => {
    const savedAt = Date.now();
    await writeFile(join(dir, 'markets-okx.json'), JSON.stringify({ exchange: 'okx', savedAt, markets: Object.values(OKX_MARKETS) }));
    await writeFile(join(dir, 'markets-bybit.json'), JSON.stringify({ exchange: 'bybit', savedAt, markets: Object.values(BYBIT_MARKETS) }));
    const ws = `ws://127.0.0.1:${await closedPort()}`;
    const sink = new MemorySink();
    const feeds = await startFeeds({
      config: testConfig(['okx', 'bybit']),
      sink,
      dataDir: dir,
      overrides: { okx: { ws, backoff: FAST_BACKOFF }, bybit: { ws, backoff: FAST_BACKOFF } },
    });
    await waitFor(() => feeds.statuses().every((s) => s.state === 'down'), 'every stream down');
    const okx = feeds.statuses().find((s) => s.exchange === 'okx' && s.stream === 'liquidations')!;
    expect(okx.error).toMatch(/ECONNREFUSED|NetworkError/);
    await feeds.stop();
    const okxGaps = sink.gaps.filter((g) => g.exchange === 'okx');
    expect(okxGaps.map((g) => g.reason.split(':')[0]).sort()).toEqual(['liquidations', 'prices']);
    for (const g of sink.gaps) expect(g.to).toBeGreaterThanOrEqual(g.from);
  });
});
