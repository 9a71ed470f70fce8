/**
 * A feed that flaps for minutes (compressed: the fake exchange cuts every socket, over and over, with the
 * reconnect backoff shortened): every cycle reconnects and records a gap, liquidations between flaps are
 * counted exactly once, and afterwards no socket, timer or listener is left and the heap is flat.
 */
import { describe, expect, it } from 'vitest';
import { startFeeds } from '../../src/feeds/index.js';
import { OKX_MARKETS } from '../fakes/exchanges/markets.js';
import { LIQUIDATIONS_TOPIC, liquidationOrders, startOkx } from '../fakes/exchanges/okx.js';
import { FAST_BACKOFF, MemorySink, testConfig, waitFor } from '../feeds/helpers.js';

function handles(): Record<string, number> {
  const out: Record<string, number> = {};
  for (const kind of process.getActiveResourcesInfo()) out[kind] = (out[kind] ?? 0) + 1;
  return out;
}

describe('a flapping exchange', () => {
  it('120 drops: 120 reconnects with gaps, every liquidation once, nothing leaked, heap flat', async () => {
    const before = handles();
    const okx = await startOkx();
    const sink = new MemorySink();
    const feeds = await startFeeds({
      config: testConfig(['okx'], ['BTC']),
      sink,
      dataDir: '/nonexistent-liqbot-test',
      overrides: { okx: { ws: okx.url, markets: OKX_MARKETS, rest: false, backoff: FAST_BACKOFF } },
    });
    const FLAPS = 120;
    let heapAfterWarmup = 0;
    let sockets = 0;
    for (let i = 0; i < FLAPS; i++) {
      await okx.subscribed(LIQUIDATIONS_TOPIC);
      okx.publish(LIQUIDATIONS_TOPIC, liquidationOrders([{ instId: 'BTC-USDT-SWAP', details: [{ side: 'sell', sz: 1, bkPx: 90_000 + i, ts: 1_800_000_000_000 + i }] }]));
      await waitFor(() => sink.liquidations.length === i + 1, `liquidation ${i + 1}`);
      if (i === 20) heapAfterWarmup = process.memoryUsage().heapUsed;
      sockets = Math.max(sockets, handles().TCPSocketWrap ?? 0);
      okx.dropAll();
    }
    await okx.subscribed(LIQUIDATIONS_TOPIC);
    const liqGaps = () => sink.gaps.filter((g) => g.exchange === 'okx' && /liquidation/i.test(g.reason)).length;
    await waitFor(() => liqGaps() >= FLAPS, `${FLAPS} liquidation gaps (have ${liqGaps()})`);
    expect(sink.liquidations).toHaveLength(FLAPS);
    expect(new Set(sink.liquidations.map((l) => l.price)).size).toBe(FLAPS);
    // Sockets never pile up while it flaps: a handful at most (the feed's and the fake server's ends).
    expect(sockets).toBeLessThan((before.TCPSocketWrap ?? 0) + 8);
    const growthMb = (process.memoryUsage().heapUsed - heapAfterWarmup) / 1e6;
    expect(growthMb).toBeLessThan(30);
    await feeds.stop();
    await okx.close();
    const leftover = () =>
      Object.entries(handles())
        .filter(([kind, n]) => ['TCPSocketWrap', 'TCPServerWrap', 'Timeout'].includes(kind) && n > (before[kind] ?? 0))
        .map(([kind, n]) => `${kind} ${n - (before[kind] ?? 0)}`);
    await waitFor(() => leftover().length === 0, `nothing left open (left: ${leftover().join(', ')})`, 3_000);
  }, 60_000);
});
