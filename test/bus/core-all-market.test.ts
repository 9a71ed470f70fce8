/**
 * The scale-out core treats the all-market streams' liquidations as the embedded bot does (the same Market): events
 * pass through the stream unchanged, the core's market counts the untracked assets' in the market-wide flush alone,
 * stores them with the batch, and a standby that takes over during the flush rebuilds it and raises its end once,
 * while its `/liqs all` and history read the tracked assets alone (also from stored daily totals). Skipped, saying
 * why, without PostgreSQL.
 */
import { expect, it } from 'vitest';
import { loadConfig } from '../../config/load.js';
import type { BusBatch } from '../../src/bus/consumer.js';
import { CORE_CONSUMER, CoreEngine } from '../../src/bus/core.js';
import type { Alert, MarketFlush, MarketFlushEnd } from '../../src/core/alerts.js';
import type { MarketEvent } from '../../src/core/events.js';
import { allMarketFlush, UNTRACKED_ALTS } from '../helpers.js';
import { pgSuite } from './pg-suite.js';

const T0 = Date.parse('2026-03-02T12:00:00Z');
const DAY = 86_400_000;
const MAJORS = ['BTC', 'ETH', 'SOL', 'XRP', 'DOGE', 'BNB'];
const live = (exchange: string) => ({ exchange, stream: 'liquidations' as const, state: 'live' as const, since: T0 - 3_600_000, sampled: exchange !== 'bybit' });
const feeds = { instance: 'ingest-1', at: T0, feeds: [live('binanceusdm'), live('bybit')] };
const price = (ts: number): MarketEvent => ({ type: 'price', ts, exchange: 'bybit', symbol: 'BTC/USDT:USDT', price: 1 });
const batch = (seq: number, events: MarketEvent[]): BusBatch => ({ seq, subject: 'mkt.x', events, feeds, invalid: 0, synthetic: false, holdMs: 0, ack: () => undefined }) as BusBatch;
const flushes = (alerts: readonly Alert[]) => alerts.filter((a): a is MarketFlush | MarketFlushEnd => a.kind === 'market_flush' || a.kind === 'market_flush_end');

pgSuite('the core role with an all-market stream', (suite) => {
  it('calls the flush across all 46 assets, keeps them out of /liqs all, stores them, and a new leader ends it once', async () => {
    const store = await suite.openStore();
    const config = loadConfig(undefined);
    const leader = new CoreEngine(store, config, () => T0);
    const steps = [batch(1, allMarketFlush(T0, 10)), batch(2, [price(T0 + 6 * 60_000)])];
    const raised: Alert[] = [];
    for (const b of steps) {
      const { events, alerts, writes } = await leader.derive(b);
      raised.push(...alerts);
      await store.applyBatch({ consumer: CORE_CONSUMER, seq: b.seq, events, alerts: leader.route(alerts), ...leader.position, state: writes });
    }
    const start = flushes(raised);
    expect(start.map((a) => [a.kind, a.usd, a.assetCount])).toEqual([['market_flush', 3_204_000, 46]]);
    expect(start[0]!.counted).toEqual({ everyContract: ['binanceusdm'], assets: 6 });
    expect(Object.keys(leader.market.marketSummary('1h', 3_600_000).byAsset).sort()).toEqual([...MAJORS].sort());
    // Every event of the batch is stored, the untracked assets' with the rest.
    let stored = 0;
    for await (const e of store.eventsBetween(T0, T0 + 10 * 60_000)) if (e.type === 'liquidation') stored++;
    expect(stored).toBe(10 * 46);
    // The leader dies; the next one restores and reads on, 40 minutes later, the flush long over.
    const next = new CoreEngine(store, config, () => T0);
    await next.restore(await store.busPosition(CORE_CONSUMER));
    const { alerts } = await next.derive(batch(3, [price(T0 + 40 * 60_000)]));
    const end = flushes(alerts);
    expect(end.map((a) => [a.kind, a.usd, a.assetCount])).toEqual([['market_flush_end', 11_010_000, 46]]);
    expect(end[0]!.leaders.map((l) => l.asset)).toEqual(['BTC', 'ALT01', 'ETH']);
    expect(Object.keys(next.market.marketSummary('24h', DAY).byAsset).sort()).toEqual([...MAJORS].sort());
    // Ten days on, a standby warms from the stored daily totals of that day: the tracked assets' only.
    const later = new CoreEngine(store, config, () => T0 + 10 * DAY);
    await later.warm({ ...(await store.busPosition(CORE_CONSUMER)), watermark: T0 + 10 * DAY });
    expect(later.market.history.assetNames().filter((a) => UNTRACKED_ALTS.includes(a))).toEqual([]);
    expect([...later.market.history.assetNames()].sort()).toEqual([...MAJORS].sort());
  }, 60_000);
});
