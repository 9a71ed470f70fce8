/**
 * Two ingest replicas as child processes (`runIngestRole`, test/bus/ingest-child.ts) on the fake Bybit websocket,
 * both publishing to one stream on the local nats-server; one is killed with SIGKILL in the middle of a burst.
 * A follower reading the stream counts every liquidation the fake exchange sent exactly once: its /liqs totals
 * equal the brute-force sum of the frames. Skipped without NATS.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { WINDOW_MS } from '../../config/schema.js';
import { MarketFollower } from '../../src/bus/follower.js';
import { connectBus, type Bus } from '../../src/bus/stream.js';
import { Market } from '../../src/core/market.js';
import { createServices } from '../../src/service.js';
import { createMemoryStore } from '../../src/store/memory.js';
import { allLiquidation, liquidationTopic, startBybit } from '../fakes/exchanges/bybit.js';
import type { FakeExchangeServer } from '../fakes/exchanges/server.js';
import { NATS_URL, natsUnavailable, take } from '../services/nats.js';
import { ask, roomyConfig } from './gateway-fixture.js';

const unavailable = await natsUnavailable();
if (unavailable) console.warn(unavailable);

const CHILD = fileURLToPath(new URL('./ingest-child.ts', import.meta.url));

function replica(ws: string, stream: string): ChildProcess {
  return spawn(process.execPath, ['--import', 'tsx', CHILD, ws, NATS_URL, stream], {
    env: { PATH: process.env.PATH, LOG_LEVEL: 'warn', LIQBOT_DATA_DIR: '/tmp' },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
}

/** Wait (event-driven where possible, 20 s at most) until `check` holds. */
async function until(check: () => boolean, what: string): Promise<void> {
  const deadline = performance.now() + 20_000;
  while (!check()) {
    if (performance.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

describe.skipIf(unavailable !== undefined)('two ingest replicas', () => {
  const cleanups: (() => Promise<void>)[] = [];
  afterEach(async () => {
    for (const c of cleanups.splice(0).reverse()) await c();
  });

  it('one killed with SIGKILL mid-burst: /liqs totals equal the brute-force sum of what the exchange sent', async () => {
    const stream = `LBTREP${process.pid}${Math.random().toString(36).slice(2, 6).toUpperCase()}`;
    const bus: Bus = await connectBus({ url: NATS_URL, stream, prefix: stream.toLowerCase() });
    cleanups.push(async () => {
      await bus.jsm.streams.delete(stream).catch(() => undefined);
      await bus.close();
    });
    const fake: FakeExchangeServer = await startBybit();
    cleanups.push(() => fake.close());
    const children = [replica(fake.url, stream), replica(fake.url, stream)];
    cleanups.push(async () => {
      for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
    });
    const topic = liquidationTopic('ETHUSDT');
    await until(() => fake.open.filter((c) => c.topics.has(topic)).length === 2, 'both replicas subscribed');

    // The burst: 400 frames, 1–3 liquidations each, in event time just behind the wall clock (live ingest refuses
    // prints from the future or over 5 minutes old). Replica A dies after frame 200.
    const t0 = Date.now() - 60_000;
    let longUsd = 0;
    let shortUsd = 0;
    let count = 0;
    for (let i = 0; i < 400; i++) {
      const entries = Array.from({ length: 1 + (i % 3) }, (_, j) => ({ side: (i + j) % 2 ? ('Buy' as const) : ('Sell' as const), size: 1 + ((i * 7 + j) % 13) / 4, price: 2_500 + i * 0.25 + j, time: t0 + i * 20 + j }));
      for (const e of entries) {
        // Bybit's side is the position's: Buy = a long liquidated (as the feed tests read it).
        if (e.side === 'Buy') longUsd += e.size * e.price;
        else shortUsd += e.size * e.price;
        count++;
      }
      expect(fake.publish(topic, allLiquidation('ETHUSDT', entries))).toBeGreaterThanOrEqual(i < 200 ? 2 : 1);
      if (i === 200) {
        children[0]!.kill('SIGKILL');
        await once(children[0]!, 'exit');
      }
      if (i % 50 === 49) await new Promise((resolve) => setImmediate(resolve)); // let the sockets carry the frames
    }
    // The survivor stops cleanly: everything it received is published before it exits.
    await until(() => fake.open.filter((c) => c.topics.has(topic)).length === 1, 'only the surviving replica subscribed');
    const survivor = children[1]!;
    const exited = once(survivor, 'exit');
    survivor.kill('SIGTERM');
    expect((await exited)[0]).toBe(0);

    const lastSeq = (await bus.jsm.streams.info(stream)).state.last_seq;
    const config = roomyConfig();
    const follower = new MarketFollower(new Market({ ...config, exchanges: ['bybit'] }), config);
    for (const batch of await take(bus, lastSeq, 'check')) follower.apply(batch);
    follower.drain();
    const liquidations = follower.market.summary('ETH', '24h', WINDOW_MS['24h']);
    expect(liquidations.count).toBe(count);
    expect(liquidations.longUsd).toBeCloseTo(longUsd, 4);
    expect(liquidations.shortUsd).toBeCloseTo(shortUsd, 4);
    // The killed replica published part of the burst too: those copies were dropped, not counted.
    expect(follower.counters.duplicates).toBeGreaterThan(0);
    const reply = await ask(createServices({ config, market: follower.market, store: createMemoryStore(), now: () => t0 + 10_000 }), '/liqs eth 24h');
    expect(reply).toContain('ETH liquidations · 24h');
  }, 90_000);
});
