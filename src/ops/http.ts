/**
 * GET /healthz and GET /metrics (Prometheus, prom-client) on 127.0.0.1: per-exchange connection state and
 * age of the last event, events, gaps, alerts queued/sent/failed, 429s, command latency.
 */
import { createServer } from 'node:http';
import { Gauge, Registry, Summary, collectDefaultMetrics } from 'prom-client';
import { commandTimings } from '../../commands/index.js';
import type { LiqBot } from '../bot.js';
import type { FeedStatus } from '../feeds/contract.js';

export function metricsRegistry(bot: LiqBot, feeds: () => FeedStatus[]): Registry {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  const gauge = (name: string, help: string, labelNames: string[], collect: (g: Gauge) => void) =>
    new Gauge({ name, help, labelNames, registers: [registry], collect() { this.reset(); collect(this); } });
  gauge('liqbot_feed_up', 'Feed stream connected (1) or not (0)', ['exchange', 'stream'], (g) => {
    for (const s of feeds()) g.set({ exchange: s.exchange, stream: s.stream }, s.state === 'live' ? 1 : 0);
  });
  gauge('liqbot_feed_last_event_age_seconds', 'Seconds since the stream last produced an event', ['exchange', 'stream'], (g) => {
    for (const s of feeds()) if (s.lastEventAt) g.set({ exchange: s.exchange, stream: s.stream }, (Date.now() - s.lastEventAt) / 1000);
  });
  gauge('liqbot_events_total', 'Normalized events ingested', [], (g) => g.set(bot.stats.events));
  gauge('liqbot_alerts_raised_total', 'Alerts raised by the detectors', [], (g) => g.set(bot.stats.alerts));
  gauge('liqbot_store_errors_total', 'Failed store writes', [], (g) => g.set(bot.stats.storeErrors));
  gauge('liqbot_store_ok', 'Store operations working and the database file the one opened (1), or not (0)', [], (g) => g.set(bot.health().store.ok ? 1 : 0));
  gauge('liqbot_store_failures_total', 'Failed store operations by kind (operation: SQLite code)', ['kind'], (g) => {
    for (const [kind, n] of bot.faults.counts) g.set({ kind }, n);
  });
  gauge('liqbot_store_held', 'Data held in memory because the store refused it', ['what'], (g) => {
    const h = bot.health().store;
    g.set({ what: 'events' }, h.heldEvents);
    g.set({ what: 'alerts' }, h.heldAlerts);
  });
  gauge('liqbot_events_rejected_total', 'Well-formed events dropped as implausible, by reason', ['reason'], (g) => {
    for (const [reason, n] of Object.entries(bot.stats.rejected)) g.set({ reason }, n);
  });
  gauge('liqbot_outbox_pending', 'Alerts waiting to be delivered', [], (g) => g.set(bot.outbox.pending()));
  gauge('liqbot_outbox_total', 'Outbox deliveries by result', ['result'], (g) => {
    for (const [k, v] of Object.entries(bot.outbox.counters)) g.set({ result: k }, v);
  });
  new Summary({
    name: 'liqbot_command_duration_ms', help: 'Command latency (ms)', percentiles: [0.5, 0.9, 0.99], registers: [registry],
    collect() {
      this.reset();
      for (const t of commandTimings) this.observe(t);
    },
  });
  return registry;
}

export async function startOpsServer(port: number, bot: LiqBot, feeds: () => FeedStatus[]): Promise<{ close(): Promise<void> }> {
  const registry = metricsRegistry(bot, feeds);
  const server = createServer((req, res) => {
    if (req.method === 'GET' && req.url === '/healthz') {
      const statuses = feeds();
      const body = { ok: true, events: bot.stats.events, outboxPending: bot.outbox.pending(), feeds: statuses.map((s) => ({ exchange: s.exchange, stream: s.stream, state: s.state })) };
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(body));
    } else if (req.method === 'GET' && req.url === '/metrics') {
      registry.metrics().then((text) => res.writeHead(200, { 'content-type': registry.contentType }).end(text), () => res.writeHead(500).end());
    } else res.writeHead(404).end();
  });
  await new Promise<void>((resolve, reject) => server.once('error', reject).listen(port, '127.0.0.1', () => resolve()));
  return {
    close: () =>
      new Promise((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
