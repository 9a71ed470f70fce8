/**
 * nats-server restarted mid-flow: a private server (its own 127.0.0.1 port and temp store dir, so the machine's
 * shared server is never touched) is stopped (SIGTERM, as a restart does) while an ingest publisher is sending, and
 * started again on the same store. Not SIGKILL: nats-server 2.9 acknowledges a publish before its file store has
 * written it (it flushes in the background; `sync_interval: always` only exists from 2.10), so a -9 can lose a batch
 * the publisher was told is stored — 25 of 2,500 events once, under load; the publisher cannot see that loss. Publishes that failed or lost their acknowledgement are retried with the same message id, so the
 * stream keeps one copy; a follower then counts every event exactly once, and nothing is lost (no gap to record).
 * Skipped when the nats-server binary or the local server is missing.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { WINDOW_MS } from '../../config/schema.js';
import { MarketFollower } from '../../src/bus/follower.js';
import { BusPublisher } from '../../src/bus/publisher.js';
import { connectBus, type Bus } from '../../src/bus/stream.js';
import type { Liquidation } from '../../src/core/events.js';
import { Market } from '../../src/core/market.js';
import { natsUnavailable, take } from '../services/nats.js';
import { roomyConfig } from './gateway-fixture.js';
import { freePort } from '../helpers.js';

const NATS_BIN = '/usr/sbin/nats-server';
const unavailable = existsSync(NATS_BIN) ? await natsUnavailable() : `no ${NATS_BIN}`;
if (unavailable) console.warn(unavailable);

/** A private nats-server with JetStream; resolves once it accepts connections. */
async function startServer(port: number, dir: string): Promise<ChildProcess> {
  const child = spawn(NATS_BIN, ['-a', '127.0.0.1', '-p', String(port), '-js', '-sd', dir], { stdio: 'ignore' });
  const deadline = performance.now() + 10_000;
  for (;;) {
    const ok = await new Promise<boolean>((resolve) => {
      const s = net.connect(port, '127.0.0.1', () => {
        s.destroy();
        resolve(true);
      });
      s.on('error', () => resolve(false));
    });
    if (ok) return child;
    if (performance.now() > deadline) throw new Error(`nats-server did not listen on ${port}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

const T0 = Date.UTC(2026, 0, 31, 12);
const liq = (i: number): Liquidation => ({
  type: 'liquidation', ts: T0 + i * 250, exchange: i % 3 ? 'bybit' : 'okx', symbol: 'ETH/USDT:USDT', side: i % 2 ? 'long' : 'short', price: 2_500 + (i % 400) * 0.5, amount: 1 + (i % 9), usd: (2_500 + (i % 400) * 0.5) * (1 + (i % 9)),
});

describe.skipIf(unavailable !== undefined)('nats-server restarted mid-flow', () => {
  const cleanups: (() => Promise<void> | void)[] = [];
  afterEach(async () => {
    for (const c of cleanups.splice(0).reverse()) await c();
  });

  it('nothing is counted twice and nothing is lost', async () => {
    const port = await freePort();
    const dir = mkdtempSync(join(tmpdir(), 'liqbot-nats-'));
    cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
    let server = await startServer(port, dir);
    cleanups.push(() => void (server.exitCode === null && server.signalCode === null && server.kill('SIGKILL')));
    const bus: Bus = await connectBus({ url: `nats://127.0.0.1:${port}`, stream: 'MKTRESTART', prefix: 'mktrestart' });
    cleanups.push(() => bus.nc.close());

    const publisher = new BusPublisher(bus, { maxEvents: 25, retryMs: 50 });
    const sent: Liquidation[] = [];
    const add = (n: number) => {
      for (let k = 0; k < n; k++) {
        const e = liq(sent.length);
        sent.push(e);
        publisher.add(e);
      }
    };
    add(1_000);
    await publisher.flush();
    // Mid-flow: batches in flight when the server dies, more added while it is down, then it comes back.
    add(500);
    const inFlight = publisher.flush();
    server.kill('SIGTERM');
    await once(server, 'exit');
    add(500);
    const whileDown = publisher.flush();
    server = await startServer(port, dir);
    await Promise.all([inFlight, whileDown]);
    add(500);
    await publisher.flush();
    expect(publisher.counters.retries).toBeGreaterThan(0);
    // Every batch of 25 stored: acknowledged, or found stored already by its retry (the stop cut the first ack).
    expect(publisher.counters.published + publisher.counters.duplicates).toBeGreaterThanOrEqual(sent.length / 25);

    const lastSeq = (await bus.jsm.streams.info(bus.stream)).state.last_seq;
    const config = roomyConfig();
    const follower = new MarketFollower(new Market({ ...config, exchanges: ['bybit', 'okx'] }), config);
    for (const batch of await take(bus, lastSeq, 'after-restart')) follower.apply(batch);
    follower.drain();
    expect(follower.counters.events).toBe(sent.length);
    expect(follower.counters.gaps).toBe(0);
    const summary = follower.market.summary('ETH', '24h', WINDOW_MS['24h']);
    expect(summary.count).toBe(sent.length);
    const sum = (side: 'long' | 'short') => sent.filter((e) => e.side === side).reduce((s, e) => s + e.usd, 0);
    expect(summary.longUsd).toBeCloseTo(sum('long'), 4);
    expect(summary.shortUsd).toBeCloseTo(sum('short'), 4);
  }, 90_000);
});
