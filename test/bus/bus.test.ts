/**
 * The market stream on the real local nats-server: a retried publish is stored once, two ingest replicas
 * publishing the same events are counted once by the consumer, batches come back in stream order with their
 * sequence, and a consumer restarted from a stored offset resumes exactly after it.
 * Each test runs on a stream of its own, deleted after. Skipped, saying why, when NATS is not running.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { encodeEvents } from '../../src/bus/batch.js';
import { Deduper } from '../../src/bus/dedup.js';
import { BusPublisher } from '../../src/bus/publisher.js';
import { subjectOf, type Bus } from '../../src/bus/stream.js';
import type { Liquidation, MarketEvent } from '../../src/core/events.js';
import { natsUnavailable, take, testBus } from '../services/nats.js';

const unavailable = await natsUnavailable();
if (unavailable) console.warn(unavailable);

const T0 = Date.UTC(2026, 0, 31);
const liq = (i: number, over: Partial<Liquidation> = {}): Liquidation => ({
  type: 'liquidation', ts: T0 + i * 1_000, exchange: i % 2 ? 'bybit' : 'binance', symbol: 'ETH/USDT:USDT', side: i % 3 ? 'long' : 'short',
  price: 2_500 + i, amount: 1 + (i % 5), usd: (2_500 + i) * (1 + (i % 5)), ...over,
});

describe.skipIf(unavailable !== undefined)('market stream on JetStream', () => {
  const buses: (Bus & { drop(): Promise<void> })[] = [];
  const bus = async () => {
    const b = await testBus();
    buses.push(b);
    return b;
  };
  afterEach(async () => {
    for (const b of buses.splice(0)) await b.drop();
  });

  it('stores a batch published twice with the same message id once (a retry after a lost ack)', async () => {
    const b = await bus();
    const pub = new BusPublisher(b);
    const batch = encodeEvents(subjectOf(b.prefix, 'binance', 'liquidation'), [liq(1), liq(2)]);
    await pub.publish(batch);
    await pub.publish(encodeEvents(batch.subject, [liq(1), liq(2)])); // rebuilt from the same events: the same id
    expect(pub.counters).toMatchObject({ published: 1, duplicates: 1, events: 2 });
    expect((await b.jsm.streams.info(b.stream)).state.messages).toBe(1);
  });

  it('retries a publish that failed with the same id, so the stream ends up with one copy', async () => {
    const b = await bus();
    let failures = 1;
    const flaky = {
      prefix: b.prefix,
      js: {
        publish: async (...args: Parameters<Bus['js']['publish']>) => {
          const ack = await b.js.publish(...args);
          if (failures-- > 0) throw new Error('timeout waiting for the acknowledgement'); // stored, but the ack was lost
          return ack;
        },
      } as Bus['js'],
    };
    const waits: number[] = [];
    const pub = new BusPublisher(flaky, { sleep: async (ms) => void waits.push(ms) });
    await pub.publish(encodeEvents(subjectOf(b.prefix, 'okx', 'liquidation'), [liq(3)]));
    expect(waits).toEqual([250]);
    expect(pub.counters).toMatchObject({ retries: 1, duplicates: 1, published: 0 });
    expect((await b.jsm.streams.info(b.stream)).state.messages).toBe(1);
  });

  it('yields batches in stream order with their sequence, a subject per venue and kind', async () => {
    const b = await bus();
    const pub = new BusPublisher(b, { maxEvents: 3 });
    const events: MarketEvent[] = [];
    for (let i = 0; i < 10; i++) events.push(liq(i));
    events.push({ type: 'price', ts: T0 + 10_500, exchange: 'binance', symbol: 'ETH/USDT:USDT', price: 2_510 });
    for (const e of events) pub.add(e);
    await pub.flush();
    const batches = await take(b, pub.counters.published, 'order');
    expect(batches.map((x) => x.seq)).toEqual(batches.map((_, i) => i + 1));
    expect(batches.flatMap((x) => x.events)).toHaveLength(11);
    expect(new Set(batches.map((x) => x.subject))).toEqual(
      new Set([`${b.prefix}.binance.liquidation`, `${b.prefix}.bybit.liquidation`, `${b.prefix}.binance.price`]),
    );
    // Within a subject, events keep the order they were added in.
    const binance = batches.filter((x) => x.subject.endsWith('binance.liquidation')).flatMap((x) => x.events.map((e) => e.ts));
    expect(binance).toEqual([0, 2, 4, 6, 8].map((i) => T0 + i * 1_000));
    expect(batches.flatMap((x) => x.events)).toEqual(expect.arrayContaining(events));
  });

  it('two replicas publishing the same events in different batches: the consumer counts each event once', async () => {
    const b = await bus();
    const events = Array.from({ length: 500 }, (_, i) => liq(i));
    const a = new BusPublisher(b, { maxEvents: 64 });
    const c = new BusPublisher(b, { maxEvents: 100 });
    // Replica c missed the first 50 (it started late) and saw one event replica a never got.
    const onlyC = liq(9_999, { usd: 123.25 });
    for (let i = 0; i < events.length; i++) {
      a.add(events[i]!);
      if (i >= 50) c.add(events[i]!);
    }
    c.add(onlyC);
    await Promise.all([a.flush(), c.flush()]);
    const batches = await take(b, a.counters.published + c.counters.published, 'replicas');
    const dedup = new Deduper();
    const counted = batches.flatMap((x) => x.events).filter((e) => dedup.fresh(e)) as Liquidation[];
    expect(counted).toHaveLength(501);
    expect(dedup.duplicates).toBe(450);
    const total = (list: Liquidation[]) => list.reduce((s, e) => s + e.usd, 0);
    expect(total(counted)).toBe(total(events) + 123.25);
  });

  it('a consumer restarted from a stored offset resumes exactly after it, nothing skipped or repeated', async () => {
    const b = await bus();
    const pub = new BusPublisher(b, { maxEvents: 10 });
    for (let i = 0; i < 100; i++) pub.add(liq(i, { exchange: 'binance' }));
    await pub.flush();
    expect(pub.counters.published).toBe(10);
    const first = await take(b, 4, 'core');
    const offset = first.at(-1)!.seq;
    expect(offset).toBe(4);
    // More arrives while the core is down.
    for (let i = 100; i < 120; i++) pub.add(liq(i, { exchange: 'binance' }));
    await pub.flush();
    const rest = await take(b, 8, 'core', offset);
    expect(rest.map((x) => x.seq)).toEqual([5, 6, 7, 8, 9, 10, 11, 12]);
    expect([...first, ...rest].flatMap((x) => x.events.map((e) => e.ts))).toEqual(Array.from({ length: 120 }, (_, i) => T0 + i * 1_000));
  });

  it('carries a feed gap on its own subject, after the events before it', async () => {
    const b = await bus();
    const pub = new BusPublisher(b);
    pub.add(liq(1));
    pub.gap({ exchange: 'bybit', from: T0, to: T0 + 60_000, reason: 'websocket closed' });
    await pub.flush();
    const [events, gap] = await take(b, 2, 'gaps');
    expect(events!.events).toEqual([liq(1)]);
    expect(gap).toMatchObject({ subject: `${b.prefix}.bybit.gap`, events: [], gap: { exchange: 'bybit', from: T0, to: T0 + 60_000, reason: 'websocket closed' } });
  });
});
