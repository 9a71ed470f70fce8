/**
 * The first slice of roles on the real local nats-server: a recorded day replayed into the stream (what
 * `liqbot start --role ingest --replay FILE` does), and a follower market reading the stream, which answers
 * `/liqs eth 24h` with the same text as the embedded replay of the same file — also when a second ingest
 * replica published the whole day again. Skipped, saying why, when NATS is not running.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { ALL_WINDOWS, WINDOW_MS } from '../../config/schema.js';
import { loadConfig } from '../../config/load.js';
import { renderTerminal } from '../../src/adapters/terminal/render.js';
import { MarketFollower } from '../../src/bus/follower.js';
import { BusPublisher } from '../../src/bus/publisher.js';
import { replayToBus } from '../../src/bus/replay.js';
import type { Bus } from '../../src/bus/stream.js';
import { BUNDLED_DAY } from '../../src/cli.js';
import { Market } from '../../src/core/market.js';
import { loadFile, runFile } from '../../src/offline.js';
import { summaryReply } from '../../src/replies/summary.js';
import { natsUnavailable, take, testBus } from '../services/nats.js';

const unavailable = await natsUnavailable();
if (unavailable) console.warn(unavailable);

const liqsEth24h = (market: Market): string => renderTerminal(summaryReply(market.summary('ETH', '24h', WINDOW_MS['24h']), ALL_WINDOWS), false);

describe.skipIf(unavailable !== undefined)('follower market on the stream', () => {
  const buses: (Bus & { drop(): Promise<void> })[] = [];
  afterEach(async () => {
    for (const b of buses.splice(0)) await b.drop();
  });

  it('a day replayed into the bus by two ingest replicas: the follower answers /liqs eth 24h as the embedded replay does', async () => {
    const bus = await testBus();
    buses.push(bus);
    const config = loadConfig(undefined);
    // Long spans keep the message count low on a loaded machine; the follower's hold covers them.
    const replicas = [new BusPublisher(bus, { maxEvents: 2_000, maxSpanMs: 20 * 60_000 }), new BusPublisher(bus, { maxEvents: 1_500, maxSpanMs: 25 * 60_000 })];
    const [read] = await Promise.all(replicas.map((p) => replayToBus(BUNDLED_DAY, p, { speed: Infinity })));
    expect(read!.events).toBeGreaterThan(10_000);
    const published = replicas[0]!.counters.published + replicas[1]!.counters.published;

    const follower = new MarketFollower(new Market(config), config, { holdMs: 30 * 60_000 });
    for (const batch of await take(bus, published, 'gateway-1')) follower.apply(batch);
    follower.drain();
    expect(follower.offset).toBe(published);
    expect(follower.counters.events).toBe(read!.events);
    // Every event came twice, once per replica: the copies the stream did not already drop (batches cut the same
    // way by both replicas have the same message id) are dropped by the follower.
    const stored = replicas[0]!.counters.events + replicas[1]!.counters.events;
    expect(stored).toBeGreaterThan(read!.events);
    expect(follower.counters.duplicates).toBe(stored - read!.events);

    // The embedded replay at the same point: every event of the day read, the clock at the last one (what
    // `liqbot liqs eth --data FILE` answers; a follower never sees "end of file", so nothing is flushed).
    // (`liqs` without --at answers as of the last candle's close, a moment after the last event: here, the event.)
    const loaded = await loadFile(BUNDLED_DAY);
    const last = loaded.batches.flat().reduce((m, e) => Math.max(m, e.ts), -Infinity);
    expect(follower.market.clock).toBe(last);
    expect(loaded.lastTs - last).toBeLessThan(60_000);
    const embedded = await runFile(loaded, config, { until: last });
    const expected = liqsEth24h(embedded.market);
    expect(expected).toContain('SYNTHETIC');
    expect(liqsEth24h(follower.market)).toBe(expected);
  }, 90_000);
});
