/**
 * GET /healthz, GET /livez and GET /metrics (Prometheus, prom-client); HEAD of each answers as GET does without the
 * body, another method 405 (Allow: GET, HEAD). /healthz answers 200 when every component in the health registry is ok
 * and 503 when one is degraded or failing, with a JSON body saying which and why; /livez answers 200 while the process
 * answers and its store works, 503 when the store is failing (what a container's health check probes: a venue down is
 * no reason to restart); /metrics has per-exchange connection state and age of the last event, events, alerts, outbox
 * results, store errors and command latency. Binds to 127.0.0.1 unless LIQBOT_HTTP_HOST says otherwise.
 */
import { createServer, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import { ConfigError } from '../../config/load.js';
import type { LiqBot } from '../bot.js';
import type { FeedStatus } from '../feeds/contract.js';
import { scrub } from '../log.js';
import type { Health, HealthReport } from './health.js';

/** Each registry's command-latency observer and the bot it listens to, removed when its server closes. */
const observers = new WeakMap<Registry, { bot: LiqBot; observe: (command: string, ms: number) => void }>();

export function metricsRegistry(bot: LiqBot, feeds: () => FeedStatus[]): Registry {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  const gauge = (name: string, help: string, labelNames: string[], collect: (g: Gauge) => void) =>
    new Gauge({ name, help, labelNames, registers: [registry], collect() { this.reset(); collect(this); } });
  // Counts the bot keeps itself, exposed as counters: reset then set to the running total at each scrape.
  const counter = (name: string, help: string, labelNames: string[], values: () => [Record<string, string>, number][]) =>
    new Counter({
      name, help, labelNames, registers: [registry],
      collect() {
        this.reset();
        for (const [labels, v] of values()) this.inc(labels, v);
      },
    });
  gauge('liqbot_feed_up', 'Feed stream connected (1) or not (0)', ['exchange', 'stream'], (g) => {
    for (const s of feeds()) g.set({ exchange: s.exchange, stream: s.stream }, s.state === 'live' ? 1 : 0);
  });
  // A stream that has produced nothing yet is as old as the process: an alert on a stale feed fires for a venue that
  // never connected, as for one that stopped.
  gauge('liqbot_feed_last_event_age_seconds', 'Seconds since the stream last produced an event (since the process started, before its first)', ['exchange', 'stream'], (g) => {
    for (const s of feeds()) g.set({ exchange: s.exchange, stream: s.stream }, (Date.now() - (s.lastEventAt ?? performance.timeOrigin)) / 1000);
  });
  counter('liqbot_events_total', 'Normalized events ingested', [], () => [[{}, bot.stats.events]]);
  counter('liqbot_alerts_raised_total', 'Alerts raised by the detectors', [], () => [[{}, bot.stats.alerts]]);
  counter('liqbot_store_errors_total', 'Failed store writes', [], () => [[{}, bot.stats.storeErrors]]);
  gauge('liqbot_store_ok', 'Store operations working and the database file the one opened (1), or not (0)', [], (g) => g.set(bot.health().store.ok ? 1 : 0));
  counter('liqbot_store_failures_total', 'Failed store operations by kind (operation: SQLite code)', ['kind'], () => [...bot.faults.counts].map(([kind, n]) => [{ kind }, n]));
  gauge('liqbot_store_held', 'Data held in memory because the store refused it', ['what'], (g) => {
    const h = bot.health().store;
    g.set({ what: 'events' }, h.heldEvents);
    g.set({ what: 'alerts' }, h.heldAlerts);
  });
  counter('liqbot_events_rejected_total', 'Well-formed events dropped as implausible, by reason', ['reason'], () => Object.entries(bot.stats.rejected).map(([reason, n]) => [{ reason }, n]));
  gauge('liqbot_outbox_pending', 'Alerts waiting to be delivered', [], (g) => g.set(bot.outbox.pending()));
  counter('liqbot_outbox_total', 'Outbox deliveries by result', ['result'], () => Object.entries(bot.outbox.counters).map(([k, v]) => [{ result: k }, v]));
  const latency = new Histogram({
    name: 'liqbot_command_duration_seconds',
    help: 'Time to answer a chat command (s)',
    labelNames: ['command'],
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
    registers: [registry],
  });
  const observe = (command: string, ms: number) => latency.observe({ command }, ms / 1000);
  bot.commandTimings.add(observe);
  observers.set(registry, { bot, observe });
  return registry;
}

function releaseMetrics(registry: Registry): void {
  const o = observers.get(registry);
  if (o) o.bot.commandTimings.delete(o.observe);
}

export interface OpsServerOptions {
  port: number;
  /** Address to bind (default 127.0.0.1; `0.0.0.0` in a container so probes and Prometheus can reach it). */
  host?: string;
  bot: LiqBot;
  feeds: () => FeedStatus[];
  health: Health;
}

export interface OpsServer {
  /** The port actually bound (useful with port 0). */
  port: number;
  close(): Promise<void>;
}

export async function startOpsServer(o: OpsServerOptions): Promise<OpsServer> {
  const registry = metricsRegistry(o.bot, o.feeds);
  return serveOps({
    port: o.port,
    ...(o.host !== undefined ? { host: o.host } : {}),
    registry,
    health: () => {
      const report = o.health.report();
      const { components, feeds, errors } = venueErrorsOnce(report, o.feeds());
      return {
        ok: report.status === 'ok',
        body: { status: report.status, ok: report.status === 'ok', components, events: o.bot.stats.events, outboxPending: o.bot.outbox.pending(), feeds, ...(errors ? { errors } : {}) },
      };
    },
    // The store is what the process cannot do without; a venue or a chat platform down is for /healthz to tell.
    live: () => {
      const store = o.health.get('store');
      return store?.state === 'failing' ? { ok: false, body: { status: 'failing', store } } : { ok: true, body: { status: 'ok' } };
    },
    onClose: () => releaseMetrics(registry),
  });
}

/**
 * The components and feeds of a /healthz body with each venue's error said once, under `errors`: an exchange that
 * cannot be reached fails its liquidation and price streams alike, and its error (a few hundred characters, URLs
 * included) was repeated in each stream's component and `feeds` entry. A component whose reason is its venue's
 * error keeps its state and since, and points there; a stream whose error differs from its venue's keeps its own.
 */
function venueErrorsOnce(report: HealthReport, feeds: readonly FeedStatus[]): { components: HealthReport['components']; feeds: object[]; errors?: Record<string, string> } {
  const errors: Record<string, string> = {};
  for (const s of feeds) if (s.error) errors[s.exchange] ??= s.error;
  const components: HealthReport['components'] = {};
  for (const [name, c] of Object.entries(report.components)) {
    const venue = name.startsWith('feed:') ? name.split(':')[1]! : '';
    components[name] = c.reason !== undefined && c.reason === errors[venue] ? { ...c, reason: `down: see errors.${venue}` } : c;
  }
  return {
    components,
    feeds: feeds.map((s) => ({ exchange: s.exchange, stream: s.stream, state: s.state, ...(s.error && s.error !== errors[s.exchange] ? { error: s.error } : {}) })),
    ...(Object.keys(errors).length ? { errors } : {}),
  };
}

type Answer = () => { ok: boolean; body: object };

/**
 * The HTTP server behind every process's `/healthz` (the body `health` builds: 200 when ok, 503 otherwise; scrubbed,
 * since reasons quote errors and an error can quote a URL with a token in it), `/livez` (`live`, the same way; without
 * it, 200 while the process answers) and `/metrics` (`registry`). `onClose` runs when it closes or cannot listen.
 * Shared by the embedded bot and the `--role` processes.
 */
export async function serveOps(o: { port: number; host?: string; registry: Registry; health: Answer; live?: Answer; onClose?: () => void }): Promise<OpsServer> {
  const answers = new Map<string, Answer>([['/healthz', o.health], ['/livez', o.live ?? (() => ({ ok: true, body: { status: 'ok' } }))]]);
  // HEAD is answered as GET without the body (curl -I, many health checkers): its status and headers are GET's.
  const send = (res: ServerResponse, status: number, type: string, text: string) =>
    res.writeHead(status, { 'content-type': type, 'content-length': Buffer.byteLength(text) }).end(res.req.method === 'HEAD' ? undefined : text);
  const server = createServer((req, res) => {
    const path = (req.url ?? '').split('?')[0]!;
    const answer = answers.get(path);
    if (!answer && path !== '/metrics') res.writeHead(404).end();
    else if (req.method !== 'GET' && req.method !== 'HEAD') res.writeHead(405, { allow: 'GET, HEAD' }).end();
    else if (answer) {
      const { ok, body } = answer();
      send(res, ok ? 200 : 503, 'application/json', scrub(JSON.stringify(body)));
    } else o.registry.metrics().then((text) => send(res, 200, o.registry.contentType, text), () => res.writeHead(500).end());
  });
  const host = o.host ?? '127.0.0.1';
  await new Promise<void>((resolve, reject) => server.once('error', reject).listen(o.port, host, () => resolve())).catch((err: NodeJS.ErrnoException) => {
    o.onClose?.();
    const why = err.code === 'EADDRINUSE' ? 'the port is in use (another liqbot?)' : err.code === 'EADDRNOTAVAIL' ? 'no such address on this machine' : err.message;
    throw new ConfigError(`/healthz and /metrics cannot listen on ${host}:${o.port}: ${why}; set LIQBOT_HTTP_PORT / LIQBOT_HTTP_HOST`, { cause: err });
  });
  return {
    port: (server.address() as AddressInfo).port,
    close: () =>
      new Promise((resolve) => {
        o.onClose?.();
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
