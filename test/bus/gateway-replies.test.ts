/**
 * The gateway role's answers (src/bus/gateway.ts) on the local nats-server: two gateways and a core's follower
 * at the same stream position give byte-identical `/liqs eth 24h`; a level added through one gateway is published
 * on the stream and shown by the other gateway's `/levels`; a chat's alert settings changed on one gateway are read
 * back at once on it and reach the other through the stream; a gateway derives no alerts. Skipped without NATS.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { MarketFollower } from '../../src/bus/follower.js';
import { BusPublisher } from '../../src/bus/publisher.js';
import type { Bus } from '../../src/bus/stream.js';
import { Market } from '../../src/core/market.js';
import { createServices } from '../../src/service.js';
import { createMemoryStore } from '../../src/store/memory.js';
import { natsUnavailable, take, testBus } from '../services/nats.js';
import { ask, GROUP, publishDay, roomyConfig, startGateways } from './gateway-fixture.js';

const unavailable = await natsUnavailable();
if (unavailable) console.warn(unavailable);

/** The bundled day's last event, 2026-01-31 23:59 UTC: the commands' clock. */
const NOW = Date.UTC(2026, 0, 31, 23, 59, 59);

describe.skipIf(unavailable !== undefined)('gateways on the market stream', () => {
  const cleanups: (() => Promise<void>)[] = [];
  afterEach(async () => {
    for (const c of cleanups.splice(0).reverse()) await c();
  });
  const bus = async (): Promise<Bus> => {
    const b = await testBus();
    cleanups.push(() => b.drop());
    return b;
  };

  it('two gateways and the core at the same stream position give byte-identical /liqs eth 24h; the gateways derive no alerts', async () => {
    const b = await bus();
    const config = roomyConfig();
    const { lastSeq, events } = await publishDay(b);
    expect(events).toBeGreaterThan(10_000);
    const run = startGateways(b, config, ['gw-a', 'gw-b'], () => NOW);
    cleanups.push(() => run.stop());
    const [a, c] = run.gateways as [NonNullable<(typeof run.gateways)[0]>, NonNullable<(typeof run.gateways)[0]>];
    await Promise.all([a.reached(lastSeq), c.reached(lastSeq)]);
    expect([a.follower.offset, c.follower.offset]).toEqual([lastSeq, lastSeq]);
    expect(a.durable).toBe('gateway-gw-a');

    // The core's market: a follower that read the same batches (what --role core builds on).
    const core = new MarketFollower(new Market(config), config);
    for (const batch of await take(b, lastSeq, 'core')) core.apply(batch);
    const coreServices = createServices({ config, market: core.market, store: createMemoryStore(), now: () => NOW });

    const fromCore = await ask(coreServices, '/liqs eth 24h');
    expect(fromCore).toContain('ETH liquidations · 24h');
    expect(fromCore).toContain('SYNTHETIC');
    expect(await ask(a.services, '/liqs eth 24h')).toBe(fromCore);
    expect(await ask(c.services, '/liqs eth 24h')).toBe(fromCore);
    // Nothing was published by answering, and no alert left a gateway (they have no outbox to leave by).
    expect([a.publisher.published, c.publisher.published]).toEqual([0, 0]);
    expect((await b.jsm.streams.info(b.stream)).state.last_seq).toBe(lastSeq);
  }, 120_000);

  it('a level added through one gateway reaches the other through the stream; /levels answers the same on both', async () => {
    const b = await bus();
    const config = roomyConfig();
    const { lastSeq } = await publishDay(b);
    const run = startGateways(b, config, ['gw-1', 'gw-2'], () => NOW);
    cleanups.push(() => run.stop());
    const [a, c] = run.gateways as [NonNullable<(typeof run.gateways)[0]>, NonNullable<(typeof run.gateways)[0]>];
    await Promise.all([a.reached(lastSeq), c.reached(lastSeq)]);

    expect(await ask(a.services, '/level add eth 2900 gw pivot', { admin: true })).toContain('Watching ETH $2,900 gw pivot');
    // Not applied by the gateway that took the command: it is applied, like everywhere, when the stream has it.
    await a.publisher.flush();
    expect(a.publisher.published).toBe(1);
    await Promise.all([a.reached(lastSeq + 1), c.reached(lastSeq + 1)]);
    const levelsA = await ask(a.services, '/levels eth');
    expect(levelsA).toContain('$2,900 gw pivot');
    expect(await ask(c.services, '/levels eth')).toBe(levelsA);
    expect(await ask(c.services, '/level list')).toContain('ETH $2,900 gw pivot');

    // A chat's settings: read back at once where they were changed, and on the other gateway once streamed.
    expect(await ask(a.services, '/alerts on', { admin: true })).toContain('Alerts are ON');
    expect(a.mirror.getSubscription(GROUP.key)).toMatchObject({ enabled: true });
    await a.publisher.flush();
    await c.reached(lastSeq + 2);
    expect(c.mirror.getSubscription(GROUP.key)).toMatchObject({ enabled: true });
    expect(await ask(c.services, '/alerts')).toContain('Alerts are ON');

    // Removed through the other gateway: gone on both.
    expect(await ask(c.services, '/level remove eth 2900', { admin: true })).toContain('2,900');
    await c.publisher.flush();
    await Promise.all([a.reached(lastSeq + 3), c.reached(lastSeq + 3)]);
    expect(await ask(a.services, '/levels eth')).not.toContain('gw pivot');
    expect(a.follower.counters.changes).toBe(3);
  }, 120_000);
  it("the ingest processes' feed states reach a gateway: an outage is said as one, and a replica stopping is heard at once", async () => {
    const b = await bus();
    const config = roomyConfig();
    const { lastSeq } = await publishDay(b);
    // An ingest replica's report, as runIngestRole sends it on every change and every 30 s (wall-clock `at`).
    const ingest = new BusPublisher(b);
    const since = NOW - 2 * 3_600_000;
    ingest.feeds({ instance: 'ingest-a', at: Date.now(), feeds: [
      { exchange: 'bybit', stream: 'liquidations', state: 'live', since, sampled: false },
      { exchange: 'okx', stream: 'liquidations', state: 'down', since: NOW - 30 * 60_000, sampled: true },
      { exchange: 'okx', stream: 'prices', state: 'live', since, sampled: false },
    ] });
    await ingest.flush();
    const run = startGateways(b, config, ['gw-f'], () => NOW);
    cleanups.push(() => run.stop());
    const gw = run.gateways[0]!;
    await gw.reached(lastSeq + 1);
    const status = await ask(gw.services, '/status');
    // (The gateway's clock is the last event its reorder hold has released, a few minutes before the day's end.)
    expect(status).toMatch(/Bybit: live since 21:59 · every liquidation · last print 23:5\d\n/);
    expect(status).toMatch(/OKX\*: unreachable since 23:29 · sampled · last print 23:5\d\n/);
    expect(status).not.toContain('No feed has reported');
    // The footers of the market replies say it as the embedded bot's do.
    expect(await ask(gw.services, '/liqs eth 1h')).toContain('OKX down since 23:29');
    // The replica stops on purpose: every venue down from its last word, at once.
    ingest.feeds({ instance: 'ingest-a', at: Date.now(), feeds: [
      { exchange: 'bybit', stream: 'liquidations', state: 'down', since: NOW, sampled: false },
      { exchange: 'okx', stream: 'liquidations', state: 'down', since: NOW - 30 * 60_000, sampled: true },
    ] });
    await ingest.flush();
    await gw.reached(lastSeq + 2);
    expect(await ask(gw.services, '/status')).toContain('No venue is live: replies answer from stored data and say so.');
    expect(gw.follower.counters.invalid).toBe(0);
  }, 120_000);
});
