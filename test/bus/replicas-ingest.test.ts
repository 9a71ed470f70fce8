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
import type { BusBatch } from '../../src/bus/consumer.js';
import { MarketFollower } from '../../src/bus/follower.js';
import { connectBus, type Bus } from '../../src/bus/stream.js';
import { Market } from '../../src/core/market.js';
import { createServices } from '../../src/service.js';
import { createMemoryStore } from '../../src/store/memory.js';
import { allLiquidation, liquidationTopic, startBybit } from '../fakes/exchanges/bybit.js';
import type { FakeExchangeServer } from '../fakes/exchanges/server.js';
import { NATS_URL, natsUnavailable, take } from '../services/nats.js';
import { ask, roomyConfig } from './gateway-fixture.js';
import { guardedEnv } from '../setup/child-guard.js';

const unavailable = await natsUnavailable();
if (unavailable) console.warn(unavailable);

const CHILD = fileURLToPath(new URL('./ingest-child.ts', import.meta.url));

function replica(ws: string, stream: string): ChildProcess {
  return spawn(process.execPath, ['--import', 'tsx', CHILD, ws, NATS_URL, stream], {
    env: guardedEnv({ PATH: process.env.PATH, LOG_LEVEL: 'warn', LIQBOT_DATA_DIR: '/tmp' }),
    stdio: ['ignore', 'ignore', 'pipe'],
  });
}

/** Wait (60 s at most: two children compile the sources through tsx on a busy machine) until `check` holds. */
async function until(check: () => boolean, what: string): Promise<void> {
  const deadline = performance.now() + 60_000;
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
        // Both replicas are publishing (the stream holds some of the burst) when A dies.
        for (let stored = 0; stored === 0; ) {
          stored = (await bus.jsm.streams.info(stream)).state.messages;
          if (stored === 0) await new Promise((resolve) => setTimeout(resolve, 25));
        }
        children[0]!.kill('SIGKILL');
        await once(children[0]!, 'exit');
      }
      if (i % 50 === 49) await new Promise((resolve) => setImmediate(resolve)); // let the sockets carry the frames
    }
    // Read the stream until every print the exchange sent is in it (the survivor has published what it received),
    // then stop the survivor cleanly; what it publishes on the way out is read too.
    const batches: BusBatch[] = [];
    const seen = new Set<string>();
    const readTo = async (last: number) => {
      const from = batches.at(-1)?.seq ?? 0;
      if (last <= from) return;
      for (const b of await take(bus, last - from, 'check', from)) {
        batches.push(b);
        for (const e of b.events) if (e.type === 'liquidation') seen.add(`${e.ts}:${e.price}`);
      }
    };
    const deadline = performance.now() + 60_000;
    while (seen.size < count && performance.now() < deadline) {
      const before = seen.size;
      await readTo((await bus.jsm.streams.info(stream)).state.last_seq);
      if (seen.size === before) await new Promise((resolve) => setTimeout(resolve, 25));
    }
    const survivor = children[1]!;
    const exited = once(survivor, 'exit');
    survivor.kill('SIGTERM');
    expect((await exited)[0]).toBe(0);
    await readTo((await bus.jsm.streams.info(stream)).state.last_seq);

    // Each replica reports its feeds on the stream (on every change; the survivor's last word, on its clean stop, is
    // that Bybit is down from then on); the killed one's last report stands until it is three repeats old.
    const reports = batches.flatMap((b) => (b.feeds ? [b.feeds] : []));
    expect(new Set(reports.map((r) => r.instance)).size).toBe(2);
    expect(reports.some((r) => r.feeds.some((f) => f.exchange === 'bybit' && f.stream === 'liquidations' && f.state === 'live'))).toBe(true);
    expect(reports.at(-1)!.feeds.filter((f) => f.stream === 'liquidations')).toEqual([expect.objectContaining({ exchange: 'bybit', state: 'down', sampled: false })]);

    const config = roomyConfig();
    const follower = new MarketFollower(new Market({ ...config, exchanges: ['bybit'] }), config);
    for (const batch of batches) follower.apply(batch);
    follower.drain();
    const liquidations = follower.market.summary('ETH', '24h', WINDOW_MS['24h']);
    expect(liquidations.count).toBe(count);
    expect(liquidations.longUsd).toBeCloseTo(longUsd, 4);
    expect(liquidations.shortUsd).toBeCloseTo(shortUsd, 4);
    // Whatever the killed replica published before it died (identical batches the stream dropped by id, the
    // rest the follower by event identity) counted once: the totals above.
    expect(follower.counters.invalid).toBe(0);
    const reply = await ask(createServices({ config, market: follower.market, store: createMemoryStore(), now: () => t0 + 10_000 }), '/liqs eth 24h');
    expect(reply).toContain('ETH liquidations · 24h');
    expect(follower.market.feeds.list()).toEqual([expect.objectContaining({ exchange: 'bybit', state: 'live' })]);
  }, 150_000);
});
