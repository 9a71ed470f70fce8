/**
 * A live ingest says so on every message (`Liqbot-Live`, from its first feed report on), so a reader that starts
 * after that report (a gateway, which always reads the stream from its head, or a core on a fresh schema, once the
 * stream's retention has dropped the report; the next comes up to 30 s later) counts the untracked assets an
 * all-market stream brings in the market-wide flush alone from its first batch, as the embedded bot does: no
 * `/liqs all` figures or per-asset cascades for assets the community never configured. Before, such a reader counted
 * them as tracked until the next feed report. A recorded day's messages never say it. Skipped without PostgreSQL
 * and NATS.
 */
import { expect, it } from 'vitest';
import { loadConfig } from '../../config/load.js';
import { CORE_CONSUMER, CoreEngine } from '../../src/bus/core.js';
import { Gateway } from '../../src/bus/gateway.js';
import { BusPublisher } from '../../src/bus/publisher.js';
import type { Bus } from '../../src/bus/stream.js';
import type { Alert, MarketFlush } from '../../src/core/alerts.js';
import type { FeedReport } from '../../src/core/coverage.js';
import type { MarketEvent } from '../../src/core/events.js';
import { Market } from '../../src/core/market.js';
import { createServices } from '../../src/service.js';
import { createMemoryStore } from '../../src/store/memory.js';
import { allMarketFlush, UNTRACKED_ALTS } from '../helpers.js';
import { roleStream, take } from '../services/nats.js';
import { ask, roomyConfig } from './gateway-fixture.js';
import { pgNatsSuite } from './pg-nats-suite.js';

const T0 = Date.parse('2026-03-02T12:00:00Z');
const HOUR = 3_600_000;
const MAJORS = ['BNB', 'BTC', 'DOGE', 'ETH', 'SOL', 'XRP'];
const live = (exchange: string) => ({ exchange, stream: 'liquidations' as const, state: 'live' as const, since: T0 - HOUR, sampled: exchange !== 'bybit' });
const REPORT: FeedReport = { instance: 'ingest-1', at: T0, feeds: [live('binanceusdm'), live('bybit')] };
/** A price six minutes on: the live hold (15 s) releases every liquidation before it. */
const LATER: MarketEvent = { type: 'price', ts: T0 + 6 * 60_000, exchange: 'bybit', symbol: 'BTC/USDT:USDT', price: 1 };

/**
 * A live ingest's stream: its first feed report, then ten rounds of an all-market flush (six majors on Bybit, forty
 * untracked assets on Binance USDⓈ-M) and a later price, published as `runIngestRole` does (15 s hold); then the
 * report is gone from the stream, as its retention drops the oldest messages. Resolves with the last sequence.
 */
async function liveStreamWithoutItsReport(bus: Bus): Promise<number> {
  const ingest = new BusPublisher(bus, { holdMs: 15_000 });
  ingest.feeds(REPORT);
  await ingest.flush();
  for (const e of [...allMarketFlush(T0, 10), LATER]) ingest.add(e);
  await ingest.flush();
  expect(await bus.jsm.streams.deleteMessage(bus.stream, 1)).toBe(true);
  return (await bus.jsm.streams.info(bus.stream)).state.last_seq;
}

pgNatsSuite('the live mark on the stream', (suite) => {
  it('a publisher says it is live on every message once it has reported its feeds; before that, and a recorded day, never', async () => {
    const bus = await suite.openBus(roleStream());
    const ingest = new BusPublisher(bus, { holdMs: 15_000 });
    ingest.add(LATER); // before any report (no live ingest publishes one: its first report comes before its feeds start)
    await ingest.flush();
    ingest.feeds(REPORT);
    ingest.add({ ...LATER, ts: LATER.ts + 1 });
    await ingest.flush();
    ingest.gap({ exchange: 'bybit', from: T0, to: T0 + 1_000, reason: 'reconnect' });
    await ingest.flush();
    const replay = new BusPublisher(bus);
    replay.recorded = true;
    replay.add({ ...LATER, ts: LATER.ts + 2 });
    await replay.flush();
    replay.feeds({ ...REPORT, instance: 'replay-1' }); // a replay reports no feeds; were one to, its day would still be offline
    replay.add({ ...LATER, ts: LATER.ts + 3 });
    await replay.flush();
    const read = await take(bus, 7, 'live-reader');
    expect(read.map((b) => [b.subject.split('.').slice(1).join('.'), b.live ?? false])).toEqual([
      ['bybit.price', false],
      ['_feeds.status', true],
      ['bybit.price', true],
      ['bybit.gap', true],
      ['bybit.price', false],
      ['_feeds.status', false],
      ['bybit.price', false],
    ]);
  }, 60_000);

  it('a gateway that never saw a feed report keeps the untracked assets out of /liqs all from the first live batch, as the embedded bot', async () => {
    const bus = await suite.openBus(roleStream());
    const lastSeq = await liveStreamWithoutItsReport(bus);
    const config = roomyConfig();
    const now = () => LATER.ts;
    const gateway = new Gateway({ bus, config, id: 'gw-live', now });
    const stop = new AbortController();
    const following = gateway.follow(stop.signal);
    try {
      await gateway.reached(lastSeq);
    } finally {
      stop.abort();
      await following;
    }
    expect(gateway.market.feeds.list()).toEqual([]); // no report reached it
    const all = gateway.market.marketSummary('1h', HOUR);
    expect(Object.keys(all.byAsset).sort()).toEqual(MAJORS);
    expect(all.totalUsd).toBe(6_000_000); // ten rounds of the majors' $600K; the $5.01M of the forty others not in it
    // The embedded bot (live from its start) answers the same events alike.
    const embedded = new Market(config);
    embedded.live = true;
    for (const e of allMarketFlush(T0, 10)) embedded.ingest(e);
    const reply = await ask(gateway.services, '/liqs all 1h');
    expect(reply).not.toMatch(/ALT\d\d/);
    expect(reply).toBe(await ask(createServices({ config, market: embedded, store: createMemoryStore(), now }), '/liqs all 1h'));
  }, 60_000);

  it('a core on a fresh schema that never saw a feed report derives and stores under the live rule from the first live batch', async () => {
    const bus = await suite.openBus(roleStream());
    const lastSeq = await liveStreamWithoutItsReport(bus);
    const { store } = await suite.openStore();
    const core = new CoreEngine(store, loadConfig(undefined), () => LATER.ts);
    await core.restore(await store.busPosition(CORE_CONSUMER));
    const raised: Alert[] = [];
    for (const b of await take(bus, lastSeq - 1, 'core')) {
      const { events, alerts, writes } = await core.derive(b);
      raised.push(...alerts);
      await store.applyBatch({ consumer: CORE_CONSUMER, seq: b.seq, events, alerts: core.route(alerts), ...core.position, state: writes });
    }
    expect(core.market.feeds.list()).toEqual([]);
    // The flush is the embedded bot's live one (it says what it counts, live only); no untracked asset's own cascade.
    const flush = raised.filter((a): a is MarketFlush => a.kind === 'market_flush');
    expect(flush.map((a) => [a.usd, a.assetCount, a.counted])).toEqual([[3_204_000, 46, { everyContract: ['binanceusdm'], assets: 6 }]]);
    expect(raised.filter((a) => 'asset' in a && UNTRACKED_ALTS.includes(a.asset as string))).toEqual([]);
    expect(Object.keys(core.market.marketSummary('1h', HOUR).byAsset).sort()).toEqual(MAJORS);
    // Every event stored, the untracked assets' with the rest, and the live mark with the offset (a standby takes it).
    let stored = 0;
    for await (const e of store.eventsBetween(T0, T0 + 10 * 60_000)) if (e.type === 'liquidation') stored++;
    expect(stored).toBe(10 * 46);
    expect(await store.busPosition(CORE_CONSUMER)).toMatchObject({ seq: lastSeq, live: true });
  }, 60_000);
});
