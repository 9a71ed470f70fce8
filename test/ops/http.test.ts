/** GET /healthz and GET /metrics on loopback: feed states, event counts, outbox results, command latency. */
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../config/load.js';
import { LiqBot } from '../../src/bot.js';
import { startOpsServer } from '../../src/ops/http.js';
import { createMemoryStore } from '../../src/store/memory.js';
import type { FeedStatus } from '../../src/feeds/contract.js';

describe('ops endpoint', () => {
  it('reports health and Prometheus metrics, and 404s anything else', async () => {
    const bot = new LiqBot({ config: loadConfig(), store: createMemoryStore(), now: () => 1_800_000_000_000 });
    bot.ingest({ type: 'liquidation', ts: 1_800_000_000_000, exchange: 'bybit', symbol: 'ETH/USDT:USDT', side: 'long', price: 3000, amount: 1, usd: 3000 });
    const feeds: FeedStatus[] = [
      { exchange: 'bybit', stream: 'liquidations', state: 'live', since: 0, lastEventAt: Date.now() - 2000, sampled: false },
      { exchange: 'okx', stream: 'liquidations', state: 'down', since: 0, sampled: true },
    ];
    const port = 30_000 + Math.floor(Math.random() * 20_000);
    const server = await startOpsServer(port, bot, () => feeds);
    try {
      const health = await (await fetch(`http://127.0.0.1:${port}/healthz`)).json();
      expect(health).toMatchObject({ ok: true, events: 1, outboxPending: 0, feeds: [{ exchange: 'bybit', state: 'live' }, { exchange: 'okx', state: 'down' }] });
      const metrics = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
      expect(metrics).toContain('liqbot_feed_up{exchange="bybit",stream="liquidations"} 1');
      expect(metrics).toContain('liqbot_feed_up{exchange="okx",stream="liquidations"} 0');
      expect(metrics).toMatch(/liqbot_feed_last_event_age_seconds\{exchange="bybit",stream="liquidations"\} [1-9]/);
      expect(metrics).toContain('liqbot_events_total 1');
      expect(metrics).toContain('liqbot_outbox_total{result="rateLimited"} 0');
      expect(metrics).toContain('liqbot_command_duration_ms');
      expect((await fetch(`http://127.0.0.1:${port}/nope`)).status).toBe(404);
    } finally {
      await server.close();
    }
  });
});
