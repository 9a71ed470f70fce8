/**
 * The running bot without its I/O edges: the market engine fed by normalized events, the store that keeps
 * history and settings across restarts, and the outbox that delivers alerts. main.ts attaches feeds and
 * chat adapters; tests, the soak run and benchmarks drive it directly.
 */
import type { Config } from '../config/schema.js';
import type { Alert } from './core/alerts.js';
import type { MarketEvent } from './core/events.js';
import { DAY } from './core/history.js';
import { Market, type Gap } from './core/market.js';
import { configLevels } from './offline.js';
import { Outbox, type OutboxOptions } from './alerts/outbox.js';
import type { ChartService, Services } from './service.js';
import type { Store } from './store/store.js';
import { eventHash } from './store/hash.js';
import { alertReply } from './core/replies.js';
import type { Reply } from './core/reply.js';
import { WINDOW_MS } from '../config/schema.js';
import { logger } from './log.js';

const log = logger('bot');

export interface BotOptions {
  config: Config;
  store: Store;
  now?: () => number;
  charts?: ChartService;
  adapters?: OutboxOptions['adapters'];
  /** Events are written to the store in batches of this many (or on `flush`). */
  batchSize?: number;
  outbox?: Partial<OutboxOptions>;
}

export class LiqBot implements Services {
  readonly config: Config;
  readonly store: Store;
  readonly market: Market;
  readonly outbox: Outbox;
  readonly charts?: ChartService;
  readonly now: () => number;
  /** Counters for metrics. */
  readonly stats = { events: 0, duplicates: 0, alerts: 0, storeErrors: 0, lastEventAt: new Map<string, number>() };
  private batch: MarketEvent[] = [];
  private readonly replies = new Map<string, Reply>();
  private readonly batchSize: number;

  constructor(opts: BotOptions) {
    this.config = opts.config;
    this.store = opts.store;
    this.now = opts.now ?? Date.now;
    if (opts.charts) this.charts = opts.charts;
    this.batchSize = opts.batchSize ?? 5000;
    this.market = new Market(opts.config);
    // Deliveries run on wall time even in rehearsal: retry delays and staleness are about the chat, not the market.
    this.outbox = new Outbox({ store: opts.store, adapters: opts.adapters ?? {}, render: (a) => this.alertReply(a), ...opts.outbox });
  }

  /**
   * Rebuild in-memory state from the store: daily history, the last days of events (their alerts were sent
   * before the restart, so they are not raised again), then levels with their saved states.
   */
  restore(): void {
    const now = this.now();
    const from = Math.floor((now - 8 * DAY) / DAY) * DAY;
    for (const t of this.store.liquidationTotals()) {
      this.market.history.addVendor(t);
      this.market.hourly.add(t);
    }
    for (const d of this.store.dailyTotals(from)) this.market.history.addDaily(d.asset, d.side, d.exchange, d.day, d.usd);
    let n = 0;
    for (const e of this.store.eventsSince(from)) {
      this.market.ingest(e);
      n++;
    }
    this.market.advance(now);
    const states = new Map(this.store.loadLevelStates().map((s) => [s.id, s]));
    const stored = this.store.listLevels();
    const ids = new Set(stored.map((l) => l.id));
    for (const l of configLevels(this.config, now)) if (!ids.has(l.id)) this.market.addLevel(l, states.get(l.id));
    for (const l of stored) {
      if (l.expiresAt !== undefined && l.expiresAt <= now) continue;
      this.market.addLevel(l, states.get(l.id));
    }
    this.market.drainChanges();
    log.info({ events: n, levels: stored.length }, 'state restored from the store');
  }

  /**
   * Liquidations seen in the last minutes of event time, by identity: a frame an exchange sends twice (after
   * a reconnect, or two sockets carrying one symbol) is counted once. Event files keep every line (the spec).
   */
  private readonly recent = new Map<number, number>();
  private recentSweep = 0;

  private duplicate(e: MarketEvent): boolean {
    if (e.type !== 'liquidation') return false;
    // The store's identity hash (53 bits of every field): no text built per print.
    const key = eventHash(e);
    if (this.recent.has(key)) return true;
    this.recent.set(key, e.ts);
    // Once a minute of event time, forget prints older than ten minutes; and never hold more than 200,000
    // (the oldest go first: a Map iterates in insertion order).
    if (e.ts - this.recentSweep > 60_000) {
      this.recentSweep = e.ts;
      for (const [k, ts] of this.recent) if (ts < e.ts - 10 * 60_000) this.recent.delete(k);
    }
    if (this.recent.size > 200_000) this.recent.delete(this.recent.keys().next().value!);
    return false;
  }

  /** One normalized event in: alerts out to the outbox, the event into the next store batch. */
  ingest(e: MarketEvent): Alert[] {
    if (this.duplicate(e)) {
      this.stats.duplicates++;
      return [];
    }
    this.stats.events++;
    if ('exchange' in e && e.exchange) this.stats.lastEventAt.set(e.exchange, this.now());
    const alerts = this.market.ingest(e);
    if (e.type !== 'level') this.batch.push(e);
    if (this.batch.length >= this.batchSize) this.flush();
    if (alerts.length) this.publish(alerts);
    return alerts;
  }

  /** Move the clock (live: once a second) so cascades can end and candles close without new events. */
  tick(): Alert[] {
    const alerts = this.market.advance(this.now());
    if (alerts.length) this.publish(alerts);
    return alerts;
  }

  gap(g: Gap): void {
    this.market.gap(g);
    try {
      this.store.recordGap(g);
    } catch (err) {
      this.storeFailed(err);
    }
  }

  private publish(alerts: Alert[]): void {
    this.stats.alerts += alerts.length;
    this.persistChanges();
    this.flush();
    this.outbox.publish(alerts);
  }

  private persistChanges(): void {
    const c = this.market.drainChanges();
    try {
      for (const l of c.added) this.store.putLevel(l);
      for (const id of c.removed) this.store.removeLevel(id);
      if (c.tracks.length) this.store.saveLevelStates(c.tracks);
    } catch (err) {
      this.storeFailed(err);
    }
  }

  /** Write the pending event batch (and level changes) to the store. */
  flush(): void {
    this.persistChanges();
    if (this.batch.length === 0) return;
    const batch = this.batch;
    this.batch = [];
    try {
      this.store.insertEvents(batch);
    } catch (err) {
      this.storeFailed(err);
      // Keep the batch for the next try, bounded so a dead disk cannot eat memory.
      if (this.batch.length < 100_000) this.batch = batch.concat(this.batch);
    }
  }

  private storeFailed(err: unknown): void {
    this.stats.storeErrors++;
    log.error({ err }, 'store write failed; data kept in memory and retried');
  }

  /**
   * The reply every chat gets for an alert, built once per alert; a cascade's end carries the chart of the
   * window that shows the whole cascade.
   */
  alertReply(a: Alert): Reply {
    const cached = this.replies.get(a.key);
    if (cached) return cached;
    const reply = alertReply(a);
    if (a.kind === 'cascade_end' && this.charts) {
      const span = (a.endedAt - a.startedAt) * 1.5 + 3_600_000;
      const window = (['1h', '4h', '12h', '24h'] as const).find((w) => WINDOW_MS[w] >= span) ?? '24h';
      const image = this.charts.liqs(a.asset, window, WINDOW_MS[window]);
      if (image) reply.image = image;
    }
    this.replies.set(a.key, reply);
    if (this.replies.size > 200) this.replies.delete(this.replies.keys().next().value!);
    return reply;
  }

  /** Housekeeping: retention of raw events and delivered alerts. */
  prune(): void {
    const now = this.now();
    try {
      this.store.pruneEvents(now - this.config.retention.eventDays * DAY);
      this.store.pruneOutbox(now - this.config.retention.outboxDays * DAY);
    } catch (err) {
      this.storeFailed(err);
    }
  }
}
