/**
 * A core leader dies during a market-wide flush (live, the default six assets: the flush takes 4 of them); the new
 * leader restores from PostgreSQL. It replays the stored events under the rules the leader's market was under (the
 * offset stores whether the feeds were live), so the flush is rebuilt and its end raised when it falls due. Under
 * the offline rule (10 assets) nothing was rebuilt: the end was never raised and the running message never closed.
 * Skipped, saying why, without PostgreSQL.
 */
import { expect, it } from 'vitest';
import { loadConfig } from '../../config/load.js';
import type { BusBatch } from '../../src/bus/consumer.js';
import { CORE_CONSUMER, CoreEngine } from '../../src/bus/core.js';
import type { MarketEvent } from '../../src/core/events.js';
import { majorsFlush } from '../helpers.js';
import { pgSuite } from './pg-suite.js';

const T0 = Date.parse('2026-03-02T12:00:00Z');
/** Six majors liquidating longs on Bybit for 5 minutes, a round every 15 s. */
const prints = majorsFlush(T0);
const feeds = { instance: 'ingest-1', at: T0, feeds: [{ exchange: 'bybit', stream: 'liquidations' as const, state: 'live' as const, since: T0 - 3_600_000, sampled: false }] };
const price = (ts: number): MarketEvent => ({ type: 'price', ts, exchange: 'bybit', symbol: 'BTC/USDT:USDT', price: 1 });
const batch = (seq: number, events: MarketEvent[], live = true): BusBatch =>
  ({ seq, subject: 'mkt.x', events, ...(live ? { feeds } : {}), invalid: 0, synthetic: false, holdMs: 0, ack: () => undefined }) as BusBatch;
const flushKinds = (alerts: readonly { kind: string }[]) => alerts.map((a) => a.kind).filter((k) => k.startsWith('market_flush'));

pgSuite('core takeover during a market-wide flush', (suite) => {
  it('the new leader rebuilds the flush under the live rule and raises its end, once', async () => {
    const store = await suite.openStore();
    const config = loadConfig(undefined);
    const leader = new CoreEngine(store, config, () => T0);
    const steps = [batch(1, prints), batch(2, [price(T0 + 6 * 60_000)])];
    const raised: string[] = [];
    for (const b of steps) {
      const { events, alerts, writes } = await leader.derive(b);
      raised.push(...flushKinds(alerts));
      await store.applyBatch({ consumer: CORE_CONSUMER, seq: b.seq, events, alerts: leader.route(alerts), ...leader.position, state: writes });
    }
    // Its start, and the edits of its running message; no end before the takeover.
    expect(raised.filter((k) => k !== 'market_flush_update')).toEqual(['market_flush']);
    const position = await store.busPosition(CORE_CONSUMER);
    expect(position.live).toBe(true);
    // The leader dies; the next one restores and reads on: 40 minutes later, the flush long over.
    const next = new CoreEngine(store, config, () => T0);
    await next.restore(position);
    const { alerts } = await next.derive(batch(3, [price(T0 + 40 * 60_000)]));
    expect(flushKinds(alerts)).toEqual(['market_flush_end']);
  }, 60_000);

  it('a replayed day (no feed reported) stores no live mark: its standby keeps the offline rule', async () => {
    const store = await suite.openStore();
    const config = loadConfig(undefined);
    const leader = new CoreEngine(store, config, () => T0);
    const { events, alerts, writes } = await leader.derive(batch(1, prints, false));
    expect(flushKinds(alerts)).toEqual([]); // 6 assets, the offline rule's 10 not reached
    await store.applyBatch({ consumer: CORE_CONSUMER, seq: 1, events, alerts: leader.route(alerts), ...leader.position, state: writes });
    const position = await store.busPosition(CORE_CONSUMER);
    expect(position.live).toBe(false);
    const next = new CoreEngine(store, config, () => T0);
    await next.restore(position);
    expect(next.market.isLive()).toBe(false);
  }, 60_000);
});
