/**
 * What the health endpoints say when venues are down: /healthz gives each venue's error once, /livez stays 200
 * (a container is not unhealthy because an exchange is unreachable) and turns 503 only while the store fails, and the
 * image's and compose's health checks probe /livez. /metrics has a feed's age from start-up, before its first event,
 * and a probe that knows when its state began says so.
 */
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { promisify } from 'node:util';
import { Registry } from 'prom-client';
import { parse as parseYaml } from 'yaml';
import { afterEach, describe, expect, it } from 'vitest';
import { loadConfig } from '../../config/load.js';
import { LiqBot } from '../../src/bot.js';
import type { FeedStatus } from '../../src/feeds/contract.js';
import { Health } from '../../src/ops/health.js';
import { serveOps, startOpsServer, type OpsServer } from '../../src/ops/http.js';
import { createMemoryStore } from '../../src/store/memory.js';

const run = promisify(execFile);
const T = 1_800_000_000_000;
// What ccxt says of a venue without network, URL and all: the text that was repeated four times per venue.
const OKX_DOWN = 'okx GET https://www.okx.com/api/v5/public/instruments?instType=SWAP fetch failed: getaddrinfo ENOTFOUND www.okx.com';

const newBot = () => new LiqBot({ config: loadConfig(), store: createMemoryStore(), now: () => T });
const down = (stream: FeedStatus['stream']): FeedStatus => ({ exchange: 'okx', stream, state: 'down', since: 0, sampled: true, error: OKX_DOWN });

let server: OpsServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

/** A server whose okx is down on both its streams, as main.ts reports them (each stream's component quotes the error). */
async function okxDown(): Promise<{ health: Health; url: string }> {
  const health = new Health(() => 5);
  health.set('store', 'ok');
  health.set('feed:okx:liquidations', 'degraded', OKX_DOWN);
  health.set('feed:okx:prices', 'degraded', OKX_DOWN);
  const feeds = [down('liquidations'), down('prices')];
  server = await startOpsServer({ port: 0, bot: newBot(), feeds: () => feeds, health });
  return { health, url: `http://127.0.0.1:${server.port}` };
}

describe('/healthz', () => {
  it("says each venue's error once, keeping each stream's component and state", async () => {
    const { url } = await okxDown();
    const res = await fetch(`${url}/healthz`);
    expect(res.status).toBe(503);
    const text = await res.text();
    expect(text.split(OKX_DOWN)).toHaveLength(2);
    expect(JSON.parse(text)).toMatchObject({
      status: 'degraded',
      components: {
        'feed:okx:liquidations': { state: 'degraded', reason: 'down: see errors.okx', since: 5 },
        'feed:okx:prices': { state: 'degraded', reason: 'down: see errors.okx', since: 5 },
        store: { state: 'ok' },
      },
      feeds: [{ exchange: 'okx', stream: 'liquidations', state: 'down' }, { exchange: 'okx', stream: 'prices', state: 'down' }],
      errors: { okx: OKX_DOWN },
    });
  });
});

describe('/livez', () => {
  it('is 200 while venues are down, 503 with the reason while the store fails, 200 again once it works', async () => {
    const { health, url } = await okxDown();
    expect((await fetch(`${url}/healthz`)).status).toBe(503);
    const live = await fetch(`${url}/livez`);
    expect([live.status, await live.json()]).toEqual([200, { status: 'ok' }]);
    health.set('store', 'failing', 'disk full: writes kept in memory');
    const failing = await fetch(`${url}/livez`);
    expect([failing.status, await failing.json()]).toEqual([503, { status: 'failing', store: { state: 'failing', reason: 'disk full: writes kept in memory', since: 5 } }]);
    health.set('store', 'ok');
    expect((await fetch(`${url}/livez`)).status).toBe(200);
  });

  it("is 200 in a process that has no store of its own to fail (a role's)", async () => {
    server = await serveOps({ port: 0, registry: new Registry(), health: () => ({ ok: false, body: { status: 'degraded' } }) });
    const live = await fetch(`http://127.0.0.1:${server.port}/livez`);
    expect([live.status, await live.json()]).toEqual([200, { status: 'ok' }]);
  });

  /** The node -e script a health check runs, pointed at `port` instead of the image's 9464. */
  const probes = (): [string, string][] => {
    const compose = parseYaml(readFileSync('compose.yaml', 'utf8')) as { services: { liqbot: { healthcheck: { test: string[] } } } };
    const dockerfile = /^HEALTHCHECK .*\n\s+CMD (\[.*\])$/m.exec(readFileSync('Dockerfile', 'utf8'))?.[1];
    return [
      ['compose.yaml', compose.services.liqbot.healthcheck.test.at(-1)!],
      ['Dockerfile', (JSON.parse(dockerfile ?? '[]') as string[]).at(-1)!],
    ];
  };

  it("the image's and compose's health checks pass while a venue is down and fail while the store fails", async () => {
    const { health } = await okxDown();
    const exitOf = (script: string) =>
      run(process.execPath, ['-e', script.replace('127.0.0.1:9464', `127.0.0.1:${server!.port}`)]).then(() => 0, (err: { code?: number }) => err.code);
    for (const [file, script] of probes()) {
      expect(script, file).toContain('http://127.0.0.1:9464/livez');
      health.set('store', 'ok');
      expect(await exitOf(script), `${file}: a venue down`).toBe(0);
      health.set('store', 'failing', 'disk full');
      expect(await exitOf(script), `${file}: the store failing`).toBe(1);
    }
  });
});

describe('/metrics', () => {
  it('gives a stream that never produced an event its age since the process started', async () => {
    const feeds: FeedStatus[] = [down('liquidations'), { exchange: 'bybit', stream: 'liquidations', state: 'live', since: 0, lastEventAt: Date.now() - 2000, sampled: false }];
    server = await startOpsServer({ port: 0, bot: newBot(), feeds: () => feeds, health: new Health() });
    const lowest = process.uptime() - 1;
    const metrics = await (await fetch(`http://127.0.0.1:${server.port}/metrics`)).text();
    const age = (exchange: string) => Number(new RegExp(`^liqbot_feed_last_event_age_seconds\\{exchange="${exchange}",stream="liquidations"\\} (\\S+)$`, 'm').exec(metrics)?.[1]);
    expect(age('okx')).toBeGreaterThan(lowest);
    expect(age('okx')).toBeLessThan(process.uptime() + 1);
    expect(age('bybit')).toBeGreaterThanOrEqual(2);
    expect(age('bybit')).toBeLessThan(30);
  });
});

describe('a probe that knows when its state began', () => {
  it("gives that time as `since`, not the first read's, and keeps it while the state holds", () => {
    let now = 50_000;
    const h = new Health(() => now);
    let lostAt: number | undefined = 20_000;
    h.probe('nats', () => (lostAt === undefined ? { state: 'ok', since: 45_000 } : { state: 'failing', reason: 'lost the NATS connection', since: lostAt }));
    expect(h.get('nats')).toEqual({ state: 'failing', reason: 'lost the NATS connection', since: 20_000 });
    now = 60_000;
    lostAt = undefined;
    expect(h.get('nats')).toEqual({ state: 'ok', since: 45_000 });
    h.probe('outbox', () => ({ state: 'ok' }));
    expect(h.get('outbox')).toEqual({ state: 'ok', since: 60_000 });
  });
});
