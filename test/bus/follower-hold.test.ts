/**
 * The follower's reorder hold: 5 minutes of event time for batches that state none (a replayed file), the hold a
 * publisher states (`Liqbot-Hold-Ms`, a live ingest: 15 s) otherwise, so a live event is counted 15 s after it
 * rather than 5 minutes. The header travels the real stream; two gateways and the core's follower that read a day
 * published with a live hold still answer `/liqs eth 24h` byte for byte alike. Stream tests skipped without NATS.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { loadConfig } from '../../config/load.js';
import { holdOf } from '../../src/bus/batch.js';
import type { BusBatch } from '../../src/bus/consumer.js';
import { MarketFollower } from '../../src/bus/follower.js';
import { BusPublisher } from '../../src/bus/publisher.js';
import type { Bus } from '../../src/bus/stream.js';
import type { Liquidation } from '../../src/core/events.js';
import { Market } from '../../src/core/market.js';
import { createServices } from '../../src/service.js';
import { createMemoryStore } from '../../src/store/memory.js';
import { natsUnavailable, take, testBus } from '../services/nats.js';
import { ask, publishDay, roomyConfig, startGateways } from './gateway-fixture.js';

const T0 = Date.UTC(2026, 0, 31, 12);
const liq = (ts: number): Liquidation => ({ type: 'liquidation', exchange: 'bybit', symbol: 'ETH/USDT:USDT', ts, side: 'long', price: 2_500, amount: 1, usd: 2_500 });
let seq = 0;
const batch = (events: Liquidation[], holdMs?: number): BusBatch => ({
  seq: ++seq, subject: 'mkt.bybit.liquidation', events, invalid: 0, synthetic: false, ack: () => undefined, ...(holdMs !== undefined ? { holdMs } : {}),
});

describe('the follower’s hold', () => {
  it('a live publisher’s 15 s hold: events older than 15 s before the latest are counted; without a stated hold none of them', () => {
    const config = loadConfig(undefined);
    const live = new MarketFollower(new Market(config), config);
    const replayed = new MarketFollower(new Market(config), config);
    const events = [liq(T0), liq(T0 + 10_000), liq(T0 + 20_000), liq(T0 + 40_000)];
    live.apply(batch(events, 15_000));
    replayed.apply(batch(events));
    expect(live.holdMs).toBe(15_000);
    expect(live.counters.events).toBe(3); // T0, +10 s, +20 s: at or before +40 s − 15 s
    expect(replayed.holdMs).toBe(300_000);
    expect(replayed.counters.events).toBe(0);
  });

  it('switching to a shorter hold releases what the old one held, in time order, at that batch', () => {
    const config = loadConfig(undefined);
    const f = new MarketFollower(new Market(config), config);
    f.apply(batch([liq(T0 + 30_000), liq(T0), liq(T0 + 60_000)]));
    expect(f.counters.events).toBe(0);
    f.apply(batch([liq(T0 + 70_000)], 15_000));
    expect(f.counters.events).toBe(2); // T0 and +30 s: at or before +70 s − 15 s; +60 s and +70 s still held
    expect(f.market.clock).toBe(T0 + 30_000);
  });

  it('a header that is not a hold is ignored; a stated hold longer than 5 minutes is cut to 5 minutes', () => {
    expect(holdOf('15000')).toBe(15_000);
    expect(holdOf('0')).toBe(0);
    expect(holdOf('3600000')).toBe(300_000);
    for (const bad of [undefined, '', '-1', '1e5', '15s', ' 15000', '9999999999']) expect(holdOf(bad)).toBeUndefined();
  });
});

const unavailable = await natsUnavailable();
if (unavailable) console.warn(unavailable);

describe.skipIf(unavailable !== undefined)('the hold on the stream', () => {
  const cleanups: (() => Promise<void>)[] = [];
  afterEach(async () => {
    for (const c of cleanups.splice(0).reverse()) await c();
  });
  const bus = async (): Promise<Bus> => {
    const b = await testBus();
    cleanups.push(() => b.drop());
    return b;
  };

  it('a live publisher states its hold on every message; a replaying one states none', async () => {
    const b = await bus();
    const live = new BusPublisher(b, { holdMs: 15_000 });
    live.add(liq(T0));
    await live.flush();
    const replay = new BusPublisher(b);
    replay.add(liq(T0 + 1));
    await replay.flush();
    const [first, second] = await take(b, 2, 'hold-reader');
    expect(first!.holdMs).toBe(15_000);
    expect(second!.holdMs).toBeUndefined();
  });

  it('two gateways and the core at the same stream position give byte-identical /liqs eth 24h on a live hold', async () => {
    const b = await bus();
    const config = roomyConfig();
    const NOW = Date.UTC(2026, 0, 31, 23, 59, 59);
    const { lastSeq } = await publishDay(b, { holdMs: 15_000 });
    const run = startGateways(b, config, ['gw-live-a', 'gw-live-b'], () => NOW);
    cleanups.push(() => run.stop());
    const [a, c] = run.gateways as [NonNullable<(typeof run.gateways)[0]>, NonNullable<(typeof run.gateways)[0]>];
    await Promise.all([a.reached(lastSeq), c.reached(lastSeq)]);
    expect([a.follower.holdMs, c.follower.holdMs]).toEqual([15_000, 15_000]);

    const core = new MarketFollower(new Market(config), config);
    for (const x of await take(b, lastSeq, 'core')) core.apply(x);
    const fromCore = await ask(createServices({ config, market: core.market, store: createMemoryStore(), now: () => NOW }), '/liqs eth 24h');
    expect(fromCore).toContain('ETH liquidations · 24h');
    expect(await ask(a.services, '/liqs eth 24h')).toBe(fromCore);
    expect(await ask(c.services, '/liqs eth 24h')).toBe(fromCore);
    // The live hold counted more of the day's last minutes than the 5-minute one would have.
    const replayed = new MarketFollower(new Market(config), config, { holdMs: 300_000 });
    for (const { holdMs: _stated, ...x } of await take(b, lastSeq, 'replayed')) replayed.apply(x);
    expect(core.counters.events).toBeGreaterThan(replayed.counters.events);
    // Three readers of a whole day's 23,785 batches: 80 s on two busy cores.
  }, 300_000);
});
