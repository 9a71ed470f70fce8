/**
 * The running bot without its I/O edges: the market engine fed by normalized events, the store that keeps
 * history and settings across restarts, and the outbox that delivers alerts. main.ts attaches feeds and
 * chat adapters; tests, the soak run and benchmarks drive it directly.
 */
import type { Config } from '../config/schema.js';
import type { Alert } from './core/alerts.js';
import { implausible, type Implausible, type MarketEvent } from './core/events.js';
import { DAY } from './core/time.js';
import { Market } from './core/market.js';
import { countKept, restoreStoredFigures } from './core/restore.js';
import { type Gap } from './core/coverage.js';
import { configLevels } from './core/levels.js';
import { Outbox, type OutboxOptions } from './alerts/outbox.js';
import { levelThreads } from './alerts/router.js';
import type { ChartService, Services } from './service.js';
import type { Store } from './store/store.js';
import type { StateChange } from './state/changes.js';
import { readProposals, StateWriter } from './state/writer.js';
import { StoreFaults, type StoreHealth } from './store/faults.js';
import { eventHash } from './store/hash.js';
import type { EventWriter } from './store/event-writer.js';
import type { Reply } from './replies/reply.js';
import { WINDOW_MS } from '../config/windows.js';
import { logger } from './log.js';
import { DigestTurns, digestPosts, renderAlert } from './alerts/digest.js';
import { RecentPrints } from './recent-prints.js';

const log = logger('bot');

export interface BotOptions {
  config: Config;
  store: Store;
  now?: () => number;
  charts?: ChartService;
  adapters?: OutboxOptions['adapters'];
  /** Events are written to the store in batches of this many (or on `flush`). */
  batchSize?: number;
  /** Market events go to this writer thread (store/event-writer.ts) instead of `store.insertEvents`, off the pipeline's thread. */
  writer?: EventWriter;
  outbox?: Partial<OutboxOptions>;
  /**
   * How far an event's time may be from `now` (ms) in live mode: further ones are dropped and counted (a
   * liquidation stamped years ahead must not move the market clock). `false` for rehearsals, which run on
   * the recording's time. Default 5 minutes.
   */
  clockSkewMs?: number | false;
}

/** Events kept in memory at most while the store refuses them (the oldest are given up first). */
export const MAX_HELD_EVENTS = 100_000;

/** What the bot reports about its store: the fault state plus the events it dropped as implausible. */
export interface BotHealth {
  store: StoreHealth;
  rejected: Record<Implausible, number>;
}

export class LiqBot implements Services {
  readonly config: Config;
  readonly store: Store;
  readonly market: Market;
  readonly outbox: Outbox;
  readonly charts?: ChartService;
  readonly now: () => number;
  /** Counters for metrics. */
  readonly stats = {
    events: 0, duplicates: 0, alerts: 0,
    /** Failed store operations since start (a live count of `faults`). */
    storeErrors: 0,
    /** Well-formed events dropped as implausible, by reason. */
    rejected: { future: 0, stale: 0, absurd_size: 0, absurd_price: 0 } as Record<Implausible, number>,
  };
  /** Store failures by kind, logged once per kind; what /healthz and /metrics read. */
  readonly faults: StoreFaults;
  private batch: MarketEvent[] = [];
  /**
   * The identity hash (`eventHash`) of each liquidation in `batch`, at the same index (NaN for other events): the
   * duplicate check computed it, so the writer thread does not compute it again.
   */
  private batchHashes: number[] = [];
  /** After a failed write, the batch size at which ingest tries again (the flush timer retries meanwhile). */
  private retryAtLength = 0;
  /** Told every command's duration (ms): /metrics' histogram. */
  readonly commandTimings = new Set<(command: string, ms: number) => void>();
  /** The one write path for levels and chat settings (held in memory while the store refuses them). */
  readonly state: StateWriter;
  private readonly skewMs: number | undefined;
  private readonly rejectLogged = new Set<Implausible>();
  private readonly replies = new Map<string, Reply>();
  private readonly batchSize: number;
  private readonly writer: EventWriter | undefined;

  /** When the week turns: the digests are queued once per turn. */
  private readonly digestTurns = new DigestTurns();

  constructor(opts: BotOptions) {
    this.writer = opts.writer;
    this.config = opts.config;
    this.store = opts.store;
    this.now = opts.now ?? Date.now;
    if (opts.charts) this.charts = opts.charts;
    this.batchSize = opts.batchSize ?? 5000;
    this.skewMs = opts.clockSkewMs === false ? undefined : (opts.clockSkewMs ?? 5 * 60_000);
    this.market = new Market(opts.config);
    this.faults = opts.outbox?.faults ?? new StoreFaults();
    const writer = opts.writer;
    this.state = new StateWriter({ store: opts.store, market: this.market, faults: this.faults, ...(writer ? { saveLevels: (w) => writer.saveLevels(w) } : {}) });
    // Every failed store operation, the outbox's included (what /metrics and /healthz have read so far).
    Object.defineProperty(this.stats, 'storeErrors', { get: () => this.faults.total(), enumerable: true });
    // Deliveries run on wall time even in rehearsal: retry delays and staleness are about the chat, not the market.
    // A chat's level adopted from a proposal: its alerts answer the proposal's message.
    const threadOf = levelThreads(this.market.levels);
    this.outbox = new Outbox({ store: opts.store, adapters: opts.adapters ?? {}, render: (a) => this.alertReply(a), threadOf, ...opts.outbox, faults: this.faults, state: this.state });
  }

  /** The store's state (failing kinds, file problems, held and lost data) and the implausible events dropped. */
  health(): BotHealth {
    return { store: this.faults.health(), rejected: { ...this.stats.rejected } };
  }

  /** Since when (ms) what is written is not kept (the database file deleted, replaced or moved), if it is not: a change's reply says so. */
  notKeptSince(): number | undefined {
    return this.faults.health().notKeptSince;
  }

  /** Run one store operation; a failure is counted and logged once per kind, and `undefined` comes back. */
  private attempt<T>(op: string, write: () => T): { ok: true; value: T } | { ok: false } {
    try {
      const value = write();
      this.faults.ok(op);
      return { ok: true, value };
    } catch (err) {
      this.faults.failed(op, err);
      return { ok: false };
    }
  }

  /**
   * Rebuild in-memory state from the store: daily history, the last days of events (their alerts were sent
   * before the restart, so they are not raised again), then levels with their saved states. What fell due while the
   * bot was down (a cascade's or flush's end) is raised at its own time and queued (`queueDue`). Call it before
   * `outbox.start()`, which reads what it queued.
   */
  restore(): void {
    const now = this.now();
    // The events the market's windows read (8 days), as far as retention kept them.
    const from = Math.floor((now - 8 * DAY) / DAY) * DAY;
    // Raw events are kept whole from `now - eventDays` on (the hourly prune cut there or before): every day before the
    // first one they cover whole counts with its stored daily total (retention.eventDays under 8 left days without).
    const whole = Math.max(from, Math.ceil((now - this.config.retention.eventDays * DAY) / DAY) * DAY);
    // Rows from the future (a clock glitch, a forged print stored before it was screened) are never restored.
    const until = now + (this.skewMs ?? 0);
    const kept = whole > from ? this.keptOfDays(from, whole) : undefined;
    let future = restoreStoredFigures(this.market, { from, whole, until, totals: this.store.liquidationTotals(), daily: this.store.dailyTotals(whole), ...(kept ? { kept } : {}) });
    let n = 0;
    for (const e of this.store.eventsSince(from)) {
      if (e.ts > until) {
        future++;
        continue;
      }
      this.market.ingest(e);
      n++;
    }
    if (future) log.warn({ rows: future }, 'stored rows stamped in the future were not restored (pruned within the hour)');
    // The clock runs on to now as the live one would have, each end raised at its own time (before the levels: what fell
    // due while the bot was down is not a level's news).
    const due = this.market.catchUp(now);
    const states = new Map(this.store.loadLevelStates().map((s) => [s.id, s]));
    const stored = this.store.listLevels();
    const untracked = [...new Set(stored.filter((l) => l.source !== 'cascade' && !this.config.assets.includes(l.asset)).map((l) => l.asset))];
    if (untracked.length) log.warn({ assets: untracked }, `levels kept for ${untracked.join(', ')}, no longer in the config's assets (${this.config.assets.join(', ')}): they get no price and never change until added back`);
    const ids = new Set(stored.map((l) => l.id));
    for (const l of configLevels(this.config, now)) if (!ids.has(l.id)) this.market.addLevel(l, states.get(l.id));
    for (const l of stored) {
      if (l.expiresAt !== undefined && l.expiresAt <= now) continue;
      this.market.addLevel(l, states.get(l.id));
    }
    this.market.drainChanges();
    if (due.length) this.queueDue(due, now);
    log.info({ events: n, levels: stored.length, due: due.length }, 'state restored from the store');
  }

  /**
   * The liquidations the store still holds of the days in [from, to), summed by asset, side, exchange and day (the
   * keys of its daily totals): what of those days' totals the events restored already count.
   */
  private keptOfDays(from: number, to: number): Map<string, number> {
    const sums = new Map<string, number>();
    for (const e of this.store.eventsSince(from)) {
      if (e.ts >= to) break;
      countKept(sums, e);
    }
    return sums;
  }

  /**
   * Queue what fell due while the bot was down, raised at restore (a cascade's end, with its running message's
   * closing edit), through the outbox as any alert: each stamped with its own time (its age on the bot's clock, taken
   * from the outbox's), so the outbox's rules judge it as an alert queued then (posted with "Posted 2h late", or dropped
   * past its kind's use, FRESH_MS in alerts/lane.ts). One queued before the bot stopped is not queued again (the outbox's UNIQUE(chat,
   * alert_key)); one the store refuses is held and retried as any alert, keeping its time.
   */
  private queueDue(alerts: Alert[], now: number): void {
    this.stats.alerts += alerts.length;
    this.outbox.publish(alerts, { ageMs: (a) => now - a.ts });
  }

  /** Liquidations seen in the last minutes, by identity (event files keep every line, the spec). */
  private readonly recent = new RecentPrints();

  /** One normalized event in: alerts out to the outbox, the event into the next store batch. */
  ingest(e: MarketEvent): Alert[] {
    const odd = implausible(e, this.skewMs === undefined ? undefined : this.now(), this.skewMs ?? 0);
    if (odd) {
      this.rejected(odd, e);
      return [];
    }
    // Liquidations by identity: no text built per print.
    const hash = e.type === 'liquidation' ? eventHash(e) : NaN;
    if (e.type === 'liquidation' && this.recent.seen(hash, e.ts)) {
      this.stats.duplicates++;
      return [];
    }
    this.stats.events++;
    const alerts = this.market.ingest(e);
    if (e.type !== 'level') {
      this.batch.push(e);
      this.batchHashes.push(hash);
    }
    if (this.batch.length >= Math.max(this.batchSize, this.retryAtLength)) this.flush();
    if (alerts.length) this.publish(alerts);
    return alerts;
  }

  private rejected(reason: Implausible, e: MarketEvent): void {
    this.stats.rejected[reason]++;
    if (this.rejectLogged.has(reason)) return;
    this.rejectLogged.add(reason);
    const at = Number.isFinite(e.ts) ? new Date(e.ts).toISOString() : String(e.ts);
    log.warn({ reason, type: e.type, exchange: 'exchange' in e ? e.exchange : undefined, at }, `dropped an implausible ${e.type} (${reason}); more are counted on /metrics, not logged`);
  }

  /** Move the clock (live: once a second) so cascades can end and candles close without new events. */
  tick(): Alert[] {
    // What fell due since the last tick is raised at its own time: a rehearsal's second is minutes of its day.
    const alerts = this.market.catchUp(this.now());
    if (alerts.length) this.publish(alerts);
    return alerts;
  }

  gap(g: Gap): void {
    this.market.gap(g);
    this.attempt('recordGap', () => this.store.recordGap(g));
  }

  /** Alerts go to the outbox, which holds them in memory when the store refuses them: this never throws. */
  private publish(alerts: Alert[]): void {
    this.stats.alerts += alerts.length;
    this.flush();
    this.outbox.publish(alerts);
  }

  /** A change of a level or of a chat's settings (a command's, a chat platform's): see StateWriter. */
  apply(change: StateChange): void {
    this.state.apply(change);
  }

  /**
   * Write the pending event batch and changes of state to the store, retry alerts the store refused, and check the
   * database file is still the one opened. The live bot calls it every 2 s; it never throws.
   */
  flush(): void {
    const file = this.attempt('checkFile', () => this.store.fileProblem?.());
    if (file.ok) this.faults.setFileProblem(file.value);
    this.state.flush();
    this.outbox.retryHeld();
    if (this.batch.length === 0) return;
    if (this.writer) return this.postBatch(this.writer);
    const batch = this.batch;
    const hashes = this.batchHashes;
    this.batch = [];
    this.batchHashes = [];
    if (this.attempt('insertEvents', () => this.store.insertEvents(batch)).ok) this.written();
    else this.hold(batch, hashes);
  }

  /**
   * The batch to the writer thread; its answer comes later, with the same bookkeeping as a write in place. While
   * the thread is a few batches behind, events wait here (counted as held) rather than queue in its mailbox.
   */
  private postBatch(writer: EventWriter): void {
    if (writer.pendingEvents >= 4 * this.batchSize) {
      this.retryAtLength = this.batch.length + this.batchSize;
      return;
    }
    const batch = this.batch;
    const hashes = this.batchHashes;
    this.batch = [];
    this.batchHashes = [];
    this.retryAtLength = 0;
    writer.write(batch, hashes).then(
      () => {
        this.faults.ok('insertEvents');
        if (this.batch.length >= this.batchSize) this.flush();
        else if (this.faults.held.events) this.written();
      },
      (err: unknown) => {
        this.faults.failed('insertEvents', err);
        this.hold(batch, hashes);
      },
    );
  }

  private written(): void {
    this.retryAtLength = 0;
    this.faults.held.events = this.batch.length;
    this.faults.ok('hold.events');
  }

  /**
   * Keep a refused batch (before any events that came since) for the next try, bounded so a dead disk cannot
   * eat memory; ingest tries again only once another full batch has arrived (the flush timer meanwhile), so a
   * failing store does not cost per event.
   */
  private hold(batch: MarketEvent[], hashes: number[]): void {
    const all = this.batch.length ? batch.concat(this.batch) : batch;
    const allHashes = this.batch.length ? hashes.concat(this.batchHashes) : hashes;
    const over = all.length - MAX_HELD_EVENTS;
    this.batch = over > 0 ? all.slice(over) : all;
    this.batchHashes = over > 0 ? allHashes.slice(over) : allHashes;
    if (over > 0) this.faults.gaveUp('events', over);
    this.faults.held.events = this.batch.length;
    this.retryAtLength = this.batch.length + this.batchSize;
  }

  /** Flush, and wait until the writer thread (if any) has answered every batch: before closing the store. */
  async drain(): Promise<void> {
    this.flush();
    if (!this.writer) return;
    await this.writer.drain();
    // Events held while the thread was behind, or refused by it, get one more try.
    if (this.batch.length) {
      this.flush();
      await this.writer.drain();
    }
  }

  /**
   * The reply every chat gets for an alert, built once per alert; a cascade's end carries the chart of the
   * window that shows the whole cascade.
   */
  alertReply(a: Alert): Reply {
    // A digest is one chat's, built for it alone: not kept for the next chat.
    if (a.kind === 'digest') return renderAlert(a);
    const cached = this.replies.get(a.key);
    if (cached) return cached;
    const reply = renderAlert(a);
    if (a.kind === 'cascade_end' && this.charts) {
      const span = (a.endedAt - a.startedAt) * 1.5 + 3_600_000;
      const window = (['1h', '4h', '12h', '24h'] as const).find((w) => WINDOW_MS[w] >= span) ?? '24h';
      const image = this.charts.liqs(this.market.summary(a.asset, window, WINDOW_MS[window]));
      if (image) reply.image = image;
    }
    this.replies.set(a.key, reply);
    if (this.replies.size > 200) this.replies.delete(this.replies.keys().next().value!);
    return reply;
  }

  /**
   * When the week turns (Monday 00:00 in the community's zone, bot time), queue each opted-in chat's digest of the
   * week that ended (`/alerts digest on`) in the outbox, with its chart: sent like an alert, retried, and still sent
   * after a restart. A bot started within a day after the turn queues them too (one already queued is not queued
   * again); a chat with nothing to tell is skipped. Returns how many were queued; never throws.
   */
  postDigests(): number {
    const week = this.digestTurns.due(this.now());
    if (week === undefined) return 0;
    // The settings as last changed: `/alerts digest on` held while the store refuses writes counts already.
    const subs = this.attempt('listSubscriptions', () => this.state.listSubscriptions());
    if (!subs.ok) return 0;
    try {
      // The week's proposals as the write path has them, as /level digest reads them: one made or voted on while the
      // store refuses writes is in the post already.
      const proposals = { listProposals: (chat?: string) => readProposals(this.store, chat) };
      return this.outbox.publish(digestPosts(this.market, proposals, subs.value, week, this.config.levels.testingPct));
    } catch (err) {
      log.error({ err }, 'weekly digests failed');
      return 0;
    }
  }

  /** Housekeeping: retention of raw events and delivered alerts; rows stamped in the future go too. Never throws. */
  prune(): void {
    const now = this.now();
    this.attempt('pruneEvents', () => this.store.pruneEvents(now - this.config.retention.eventDays * DAY, this.skewMs === undefined ? undefined : now + this.skewMs));
    this.attempt('pruneOutbox', () => this.store.pruneOutbox(now - this.config.retention.outboxDays * DAY));
  }
}
