/** GET /healthz and GET /metrics: real states (200 ok, 503 degraded or failing, with what is wrong), Prometheus metrics. */
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../config/load.js';
import { runCommandLine } from '../../commands/index.js';
import { LiqBot } from '../../src/bot.js';
import { registerSecrets } from '../../src/log.js';
import { Health } from '../../src/ops/health.js';
import { startOpsServer } from '../../src/ops/http.js';
import { createMemoryStore } from '../../src/store/memory.js';
import type { FeedStatus } from '../../src/feeds/contract.js';

const T = 1_800_000_000_000;

function newBot() {
  const bot = new LiqBot({ config: loadConfig(), store: createMemoryStore(), now: () => T });
  bot.ingest({ type: 'liquidation', ts: T, exchange: 'bybit', symbol: 'ETH/USDT:USDT', side: 'long', price: 3000, amount: 1, usd: 3000 });
  return bot;
}

describe('health registry', () => {
  it('reports the worst component, with each reason, and keeps `since` while the state holds', () => {
    let now = 1000;
    const h = new Health(() => now);
    expect(h.report()).toEqual({ status: 'ok', components: {} });
    h.set('store', 'ok');
    h.set('chat:telegram', 'degraded', 'could not start: ECONNREFUSED; retrying in 2 s');
    now = 2000;
    h.set('chat:telegram', 'degraded', 'could not start: ECONNREFUSED; retrying in 4 s');
    expect(h.report()).toEqual({
      status: 'degraded',
      components: {
        'chat:telegram': { state: 'degraded', reason: 'could not start: ECONNREFUSED; retrying in 4 s', since: 1000 },
        store: { state: 'ok', since: 1000 },
      },
    });
    h.set('store', 'failing', 'disk full');
    expect(h.report().status).toBe('failing');
    h.set('store', 'ok', 'ignored when ok');
    h.set('chat:telegram', 'ok');
    expect(h.report()).toEqual({ status: 'ok', components: { 'chat:telegram': { state: 'ok', since: 2000 }, store: { state: 'ok', since: 2000 } } });
  });

  it('evaluates probes when read, and a probe that throws reads as failing', () => {
    const h = new Health(() => 0);
    let backlog = 0;
    h.probe('outbox', () => (backlog > 100 ? { state: 'degraded', reason: `${backlog} alerts waiting` } : { state: 'ok' }));
    h.probe('broken', () => {
      throw new Error('boom');
    });
    expect(h.get('outbox')).toEqual({ state: 'ok', since: 0 });
    backlog = 500;
    expect(h.get('outbox')).toEqual({ state: 'degraded', reason: '500 alerts waiting', since: 0 });
    expect(h.get('broken')).toEqual({ state: 'failing', reason: 'health check threw: boom', since: 0 });
    h.remove('broken');
    expect(h.report().status).toBe('degraded');
  });
});

describe('ops endpoint', () => {
  it('answers 200 when everything is ok, then 503 naming what is wrong', async () => {
    const bot = newBot();
    const health = new Health(() => 5);
    health.set('store', 'ok');
    health.set('chat:discord', 'ok');
    const feeds: FeedStatus[] = [{ exchange: 'bybit', stream: 'liquidations', state: 'live', since: 0, sampled: false }];
    const server = await startOpsServer({ port: 0, bot, feeds: () => feeds, health });
    try {
      const ok = await fetch(`http://127.0.0.1:${server.port}/healthz`);
      expect(ok.status).toBe(200);
      expect(await ok.json()).toEqual({
        status: 'ok',
        ok: true,
        components: { 'chat:discord': { state: 'ok', since: 5 }, store: { state: 'ok', since: 5 } },
        events: 1,
        outboxPending: 0,
        feeds: [{ exchange: 'bybit', stream: 'liquidations', state: 'live' }],
      });
      health.set('feed:okx:liquidations', 'degraded', 'cannot resolve www.okx.com: no network or DNS');
      feeds.push({ exchange: 'okx', stream: 'liquidations', state: 'down', since: 0, sampled: true, error: 'getaddrinfo ENOTFOUND www.okx.com' });
      const degraded = await fetch(`http://127.0.0.1:${server.port}/healthz`);
      expect(degraded.status).toBe(503);
      expect(await degraded.json()).toMatchObject({
        status: 'degraded',
        ok: false,
        components: { 'feed:okx:liquidations': { state: 'degraded', reason: 'cannot resolve www.okx.com: no network or DNS' } },
        feeds: [{ exchange: 'bybit', state: 'live' }, { exchange: 'okx', state: 'down' }],
        errors: { okx: 'getaddrinfo ENOTFOUND www.okx.com' },
      });
      health.set('store', 'failing', 'database is locked');
      const failing = await fetch(`http://127.0.0.1:${server.port}/healthz`);
      expect(failing.status).toBe(503);
      expect(await failing.json()).toMatchObject({ status: 'failing', components: { store: { state: 'failing', reason: 'database is locked' } } });
      expect((await fetch(`http://127.0.0.1:${server.port}/nope`)).status).toBe(404);
    } finally {
      await server.close();
    }
  });

  it('never shows a token: a reason that carries one reads [redacted], as in the logs', async () => {
    registerSecrets('123456:ABCdefFAKE');
    const health = new Health(() => 5);
    health.set('chat:telegram', 'degraded', 'could not start: request to http://127.0.0.1:9/bot123456:ABCdefFAKE/getMe failed; retrying in 2 s');
    const server = await startOpsServer({ port: 0, bot: newBot(), feeds: () => [], health });
    try {
      const text = await (await fetch(`http://127.0.0.1:${server.port}/healthz`)).text();
      expect(text).not.toContain('ABCdefFAKE');
      expect(JSON.parse(text)).toMatchObject({
        components: { 'chat:telegram': { state: 'degraded', reason: 'could not start: request to http://127.0.0.1:9/bot[redacted]/getMe failed; retrying in 2 s' } },
      });
    } finally {
      await server.close();
    }
  });

  it('serves Prometheus metrics: counters for counts, a histogram of command latency by command', async () => {
    const bot = newBot();
    const feeds: FeedStatus[] = [
      { exchange: 'bybit', stream: 'liquidations', state: 'live', since: 0, lastEventAt: Date.now() - 2000, sampled: false },
      { exchange: 'okx', stream: 'liquidations', state: 'down', since: 0, sampled: true },
    ];
    const server = await startOpsServer({ port: 0, host: '127.0.0.1', bot, feeds: () => feeds, health: new Health() });
    try {
      await runCommandLine('/levels eth', { chat: { key: 'terminal:local', platform: 'terminal', kind: 'terminal' }, user: { id: 'local' }, isAdmin: true, now: T, services: bot });
      const metrics = await (await fetch(`http://127.0.0.1:${server.port}/metrics`)).text();
      expect(metrics).toContain('liqbot_feed_up{exchange="bybit",stream="liquidations"} 1');
      expect(metrics).toContain('liqbot_feed_up{exchange="okx",stream="liquidations"} 0');
      expect(metrics).toMatch(/liqbot_feed_last_event_age_seconds\{exchange="bybit",stream="liquidations"\} [1-9]/);
      expect(metrics).toContain('# TYPE liqbot_events_total counter');
      expect(metrics).toContain('liqbot_events_total 1');
      expect(metrics).toContain('# TYPE liqbot_outbox_total counter');
      expect(metrics).toContain('liqbot_outbox_total{result="rateLimited"} 0');
      expect(metrics).toContain('# TYPE liqbot_command_duration_seconds histogram');
      expect(metrics).toContain('liqbot_command_duration_seconds_count{command="levels"} 1');
      expect(metrics).toContain('liqbot_command_duration_seconds_bucket{le="+Inf",command="levels"} 1');
      expect(metrics).not.toMatch(/# TYPE liqbot_\w+_total gauge/);
    } finally {
      await server.close();
    }
  });
});

describe('ops endpoint methods', () => {
  it('HEAD is answered as GET without the body (curl -I, health checkers); another method on a known path is 405 with Allow', async () => {
    const health = new Health(() => 5);
    health.set('store', 'ok');
    const server = await startOpsServer({ port: 0, bot: newBot(), feeds: () => [], health });
    const url = (path: string) => `http://127.0.0.1:${server.port}${path}`;
    try {
      for (const path of ['/livez', '/healthz', '/metrics']) {
        const get = await fetch(url(path));
        const head = await fetch(url(path), { method: 'HEAD' });
        expect([head.status, head.headers.get('content-type'), await head.text()], path).toEqual([200, get.headers.get('content-type'), '']);
        // Its length is the body GET sends (the metrics' own change from one scrape to the next: only said).
        expect(Number(head.headers.get('content-length')), path).toBeGreaterThan(0);
        if (path !== '/metrics') expect(head.headers.get('content-length'), path).toBe(String(Buffer.byteLength(await get.text())));
      }
      health.set('store', 'failing', 'disk full');
      expect((await fetch(url('/healthz'), { method: 'HEAD' })).status).toBe(503);
      expect((await fetch(url('/livez'), { method: 'HEAD' })).status).toBe(503);
      for (const [method, path] of [['POST', '/healthz'], ['PUT', '/livez'], ['DELETE', '/metrics'], ['POST', '/livez?x=1']] as const) {
        const r = await fetch(url(path), { method });
        expect([r.status, r.headers.get('allow'), await r.text()], `${method} ${path}`).toEqual([405, 'GET, HEAD', '']);
      }
      // A path it does not serve is 404 whatever the method.
      for (const method of ['GET', 'HEAD', 'POST']) expect((await fetch(url('/nope'), { method })).status, method).toBe(404);
    } finally {
      await server.close();
    }
  });
});

describe('ops endpoint address', () => {
  it('a port already in use is refused with one sentence naming the settings', async () => {
    const bot = newBot();
    const first = await startOpsServer({ port: 0, bot, feeds: () => [], health: new Health() });
    try {
      await expect(startOpsServer({ port: first.port, bot, feeds: () => [], health: new Health() })).rejects.toThrow(
        `/healthz and /metrics cannot listen on 127.0.0.1:${first.port}: the port is in use (another liqbot?); set LIQBOT_HTTP_PORT / LIQBOT_HTTP_HOST`,
      );
    } finally {
      await first.close();
    }
  });
});
