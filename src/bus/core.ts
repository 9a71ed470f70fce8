/**
 * The core role (`liqbot start --role core`): one leader, any number of standbys. The leader holds the
 * PostgreSQL leader lock (store/leader.ts), restores its market from PostgreSQL, reads the market stream from
 * its stored offset, feeds the market in event order (the follower's rules and code, order.ts: copies from a
 * second ingest replica dropped by identity, events put back in time order over the hold the batch states, 15 s
 * live, else 5 minutes), derives alerts exactly as the embedded bot does (Market → route over the subscriptions),
 * and stores each batch's events, its outbox rows, the offset and where its ordering stood (watermark, hold in
 * force, latest event time) in one transaction (`applyBatch`), then NOTIFYs the deliverers. Alerts derived from a
 * recorded day (`--role ingest --replay`) carry the rehearsal mark into the outbox, so the deliverer labels them;
 * the end of the recording releases what the hold still keeps.
 *
 * A standby that takes the lock restores the market as the leader had it at the stored offset: events up to the
 * stored watermark (the event time up to which the leader's market had applied events) go into the market,
 * later stored events back into the reorder hold with the stored hold and latest event time, and the identities
 * of recent events into the deduper; then it reads the stream after the offset. The alerts it re-derives carry
 * the same keys, so the outbox's unique (chat, alert_key) drops any the old leader had already stored. A leader
 * that loses the lock stops deriving at once and exits non-zero (its supervisor restarts it as a standby).
 *
 * State changes (levels, chat settings, proposals and votes) arrive in the stream (`changes` on a batch) and go through StateWriter,
 * the embedded bot's one write path, over a store facade that records the writes; they are written in the
 * batch's transaction, with the level states the market had after the batch, so a takeover at any point restores
 * the states that go with the stored offset.
 *
 * The leader keeps the retention of raw events as the embedded bot does (hourly, and once on taking the lock), on
 * its own clock, the stored watermark; each prune checks the lock in its transaction, and a standby's first read of
 * the store waits for it (`CoreEngine.prune`, `warm`).
 */
import { hostname } from 'node:os';
import type { Config } from '../../config/schema.js';
import type { Alert } from '../core/alerts.js';
import type { MarketEvent } from '../core/events.js';
import { Market } from '../core/market.js';
import { countKept, restoreStoredFigures } from '../core/restore.js';
import { DAY } from '../core/time.js';
import { configLevels, levelOfEvent, type Level, type LevelTrack } from '../core/levels.js';
import type { Env } from '../env.js';
import { logger } from '../log.js';
import { levelThreads, route } from '../alerts/router.js';
import { DigestTurns, digestPosts } from '../alerts/digest.js';
import type { Proposal, Vote } from '../core/proposals.js';
import type { StateChange } from '../state/changes.js';
import { StateWriter } from '../state/writer.js';
import { markRehearsed } from '../ops/rehearsal.js';
import { LeaderLock } from '../store/leader.js';
import { openPostgresStore, type BusPosition, type LeaderFence, type PostgresStore, type StateWrite } from '../store/postgres.js';
import type { ChatKey, Store, Subscription } from '../store/store.js';
import { pause } from '../feeds/backoff.js';
import { readBatches, type BusBatch } from './consumer.js';
import { MAX_HOLD_MS } from './batch.js';
import { StreamOrder, type OrderPosition } from './order.js';
import { connectBus } from './stream.js';

const log = logger('bus:core');

/** The channel deliverers LISTEN on: the core notifies it after storing new outbox rows. */
export const OUTBOX_CHANNEL = 'liqbot_outbox';
/** The offset's consumer name in bus_offsets, and the durable's. */
export const CORE_CONSUMER = 'core';

export interface CoreRoleOptions {
  env: Pick<Env, 'natsUrl' | 'natsStream' | 'databaseUrl'>;
  config: Config;
  signal: AbortSignal;
  /** How often a standby asks for the lock (default 250 ms: one cheap query). */
  pollMs?: number;
  /** How often the leader prunes raw events past `retention.eventDays` (default hourly, and once on taking the lock). */
  pruneEveryMs?: number;
}

/** How far past the wall clock a stored row's time may be before a live leader's prune deletes it (the ingest's screen). */
const FUTURE_SKEW_MS = 5 * 60_000;

/** A batch as the stream delivers it; `changes` travel in the stream too (src/bus/state.ts). */
type Batch = BusBatch & { changes?: StateChange[] };

/** Batches derived and not yet stored: one transaction, the offset of the last one. */
interface Group {
  seq: number;
  events: MarketEvent[];
  entries: ReturnType<typeof route>;
  writes: StateWrite[];
  acks: (() => void)[];
  order: OrderPosition;
}

/**
 * The part of `Store` StateWriter uses, recording writes for the async store and answering reads from the
 * subscriptions and proposals the core holds in memory (a chat.move reads both).
 */
class RecordingStore {
  readonly writes: StateWrite[] = [];
  constructor(
    readonly subscriptions: Map<ChatKey, Subscription>,
    readonly proposals: Map<string, Proposal>,
  ) {}
  putLevel(level: Level): void {
    this.writes.push({ op: 'putLevel', level });
  }
  removeLevel(id: string): boolean {
    this.writes.push({ op: 'removeLevel', id });
    return true;
  }
  saveLevelStates(states: readonly LevelTrack[]): void {
    this.writes.push({ op: 'saveLevelStates', states: [...states] });
  }
  getSubscription(chat: ChatKey): Subscription | undefined {
    return this.subscriptions.get(chat);
  }
  putSubscription(sub: Subscription): void {
    this.subscriptions.set(sub.chat, sub);
    this.writes.push({ op: 'putSubscription', sub });
  }
  deleteSubscription(chat: ChatKey): void {
    this.subscriptions.delete(chat);
    this.writes.push({ op: 'deleteSubscription', chat });
  }
  /** A chat's proposals as stored (votes are the store's; a move carries them by proposal id). */
  listProposals(chat?: ChatKey): Proposal[] {
    return [...this.proposals.values()].filter((p) => chat === undefined || p.chat === chat);
  }
  putProposal(proposal: Proposal): void {
    this.proposals.set(proposal.id, proposal);
    this.writes.push({ op: 'putProposal', proposal });
  }
  putVote(id: string, voter: string, vote: Vote): void {
    this.writes.push({ op: 'putVote', id, voter, vote });
  }
}

export interface CoreCounters {
  batches: number;
  events: number;
  duplicates: number;
  alerts: number;
  queued: number;
}

/**
 * The leader's engine without its I/O: restore from the store, then one stream batch at a time into what to
 * store. Separate from the process loop so a test can drive it directly.
 */
export class CoreEngine {
  readonly market: Market;
  readonly counters: CoreCounters = { batches: 0, events: 0, duplicates: 0, alerts: 0, queued: 0 };
  /** Replica copies dropped, the batch's stated hold taken (the follower's rules). */
  private readonly order = new StreamOrder();
  private readonly subscriptions = new Map<ChatKey, Subscription>();
  private readonly proposals = new Map<string, Proposal>();
  private readonly recording = new RecordingStore(this.subscriptions, this.proposals);
  private readonly state: StateWriter;
  private levelsAdded = false;
  private readonly ready: MarketEvent[] = [];
  /** The weekly digests are the leader's to queue: once per turn, and again by a leader started within a day after it. */
  private readonly digestTurns = new DigestTurns();
  /** The batches in hand are a recorded day's (`--role ingest --replay`): the alerts derived now are a rehearsal's. */
  private recorded = false;

  constructor(
    private readonly store: PostgresStore,
    private readonly config: Config,
    private readonly now: () => number = Date.now,
  ) {
    this.market = new Market(config);
    this.state = new StateWriter({ store: this.recording as unknown as Store, market: this.market });
  }

  /** The event time up to which the market has applied events (the reorder hold's cutoff). */
  get watermark(): number {
    return this.order.watermark;
  }

  /** The hold in force (the last batch with events stated it, or 5 minutes). */
  get holdMs(): number {
    return this.order.holdMs;
  }

  /** What to store with the offset: the watermark, the hold in force and the latest event time. */
  get position(): OrderPosition & { live: boolean } {
    return { ...this.order.position, live: this.market.isLive() };
  }

  /** Event time up to which the market has been warmed from the store (a standby's follow). */
  private covered: number | undefined;

  /**
   * A standby keeps its market warm: the first call restores history and the events up to the stored
   * watermark (their alerts were derived by the leader then, so they are not raised again), later calls add the
   * events stored since, up to the new watermark. Taking over then costs only the last stretch. Without `position`,
   * the stored one. The first call reads it and the history while no prune of events can commit (`withPruneHeld`):
   * the leader's prune cuts `retention.eventDays` before a watermark it stored, never after the one read here, and
   * the events of a day it cut are counted once, not before and after it went.
   */
  async warm(position?: BusPosition): Promise<number> {
    const stored = async () => position ?? (await this.store.busPosition(CORE_CONSUMER));
    if (this.covered === undefined) return this.store.withPruneHeld(async () => this.warmTo(await stored()));
    return this.warmTo(await stored());
  }

  private async warmTo(position: BusPosition): Promise<number> {
    const w = position.watermark;
    if (w === undefined || (this.covered !== undefined && w <= this.covered)) return 0;
    // Under the rules the leader's market was under: a market-wide flush running at a takeover is rebuilt and ended.
    if (position.live === true) this.market.live = true;
    let events = 0;
    const ingest = (e: MarketEvent) => {
      this.order.remember(e);
      // The leader routed these alerts already.
      this.market.ingest(e);
      events++;
    };
    if (this.covered === undefined) {
      // As the embedded restore (LiqBot.restore) on the core's clock, the watermark: the events the market's windows
      // read (8 days), as far as retention kept them. They are whole from `whole` on (the leader's prune cut there or
      // before); every day before that counts with its stored daily total, its kept events being a part of it.
      const from = Math.floor((w - 8 * DAY) / DAY) * DAY;
      const whole = Math.max(from, Math.ceil((w - this.config.retention.eventDays * DAY) / DAY) * DAY);
      const kept = whole > from ? await this.keptOfDays(from, whole) : undefined;
      const [totals, daily] = [await this.store.liquidationTotals(), await this.store.dailyTotals(whole)];
      restoreStoredFigures(this.market, { from, whole, until: w, totals, daily, ...(kept ? { kept } : {}) });
      for await (const e of this.store.eventsBetween(from, w)) ingest(e);
    } else {
      const after = this.covered;
      for (const t of await this.store.liquidationTotals()) {
        if (t.ts <= after || t.ts > w) continue;
        this.market.history.addVendor(t);
        this.market.hourly.add(t);
      }
      for await (const e of this.store.eventsBetween(Math.floor(after) + 1, w)) ingest(e);
    }
    this.covered = w;
    this.market.drainChanges();
    return events;
  }

  /**
   * The liquidations the store still holds of the days in [from, to), summed by asset, side, exchange and day (the
   * keys of its daily totals): what of those days' totals the events restored already count (LiqBot's keptOfDays).
   */
  private async keptOfDays(from: number, to: number): Promise<Map<string, number>> {
    const sums = new Map<string, number>();
    for await (const e of this.store.eventsBetween(from, to - 1)) countKept(sums, e);
    return sums;
  }

  /**
   * Rebuild the market as the leader had it when it stored `position`: warmed up to the watermark, later stored
   * events back into the hold, levels with their saved states, the subscriptions.
   */
  async restore(position: BusPosition): Promise<{ events: number; held: number }> {
    for (const s of await this.store.listSubscriptions()) this.subscriptions.set(s.chat, s);
    for (const p of await this.store.listProposals()) this.proposals.set(p.id, p);
    const events = await this.warm(position);
    const w = position.watermark;
    let held = 0;
    if (w !== undefined) {
      const later: MarketEvent[] = [];
      for await (const e of this.store.eventsBetween(Math.floor(w) + 1, Infinity)) later.push(e);
      held = later.length;
      // The leader's buffer as it stood: its cutoff, its hold and latest event time (a row stored before they
      // were: the fixed 5-minute hold, so the latest time was the watermark + 5 minutes). It releases nothing now.
      const holdMs = position.holdMs ?? MAX_HOLD_MS;
      this.order.resume({ watermark: w, holdMs, maxTs: position.maxTs ?? w + holdMs }, later);
      const states = new Map((await this.store.loadLevelStates()).map((s) => [s.id, s]));
      const stored = await this.store.listLevels();
      const ids = new Set(stored.map((l) => l.id));
      for (const l of configLevels(this.config, w)) if (!ids.has(l.id)) this.market.addLevel(l, states.get(l.id));
      for (const l of stored) if (l.expiresAt === undefined || l.expiresAt > w) this.market.addLevel(l, states.get(l.id));
      this.market.drainChanges();
      this.levelsAdded = true;
    }
    return { events, held };
  }

  /**
   * One batch: state changes applied, fresh events into the hold, the released ones into the market; returns
   * what to store with the offset (the fresh events, the outbox rows) and the store writes of state changes.
   */
  async derive(batch: Batch): Promise<{ events: MarketEvent[]; alerts: Alert[]; writes: StateWrite[] }> {
    this.counters.batches++;
    if (batch.synthetic) this.market.synthetic = true;
    // Set by each batch of market data (events, or the end of a recording): a stream carries one or the other,
    // as `--role ingest --replay` refuses a stream with live data.
    if (batch.events.length || batch.end) this.recorded = batch.recorded === true;
    // A live ingest's batch: the untracked assets' prints (all-market streams) feed the flush alone from its events on,
    // as in the embedded bot, without waiting for a feed report; the mark is stored with the offset (`position`).
    if (batch.live) this.market.live = true;
    for (const c of batch.changes ?? []) this.state.apply(c);
    if (batch.gap) this.market.gap(batch.gap);
    if (batch.feeds) this.market.feeds.report(batch.feeds);
    const fresh = this.order.take(batch, this.ready);
    this.counters.duplicates += batch.events.length - fresh.length;
    const alerts: Alert[] = [];
    for (const e of this.ready) {
      // Configured levels apply from the first event on, as in the embedded bot and the follower.
      if (!this.levelsAdded) {
        this.levelsAdded = true;
        for (const l of configLevels(this.config, e.ts)) this.market.addLevel(l);
      }
      alerts.push(...this.market.ingest(e));
      // A level from the stream is watched from now on: stored, so a standby restores it with its state.
      if (e.type === 'level') this.recording.putLevel(levelOfEvent(e));
      this.counters.events++;
    }
    this.ready.length = 0;
    // When the week turns on the market's clock, each opted-in chat's digest is stored with the batch, like its alerts.
    const week = this.digestTurns.due(this.market.clock);
    if (week !== undefined) alerts.push(...digestPosts(this.market, this.recording, [...this.subscriptions.values()], week, this.config.levels.testingPct));
    this.state.flush();
    this.counters.alerts += alerts.length;
    // A recorded day's alerts carry the rehearsal mark into the outbox row: the deliverer labels them as the single
    // process labels a rehearsal's, with the recording's time (the market clock now, as the single process's clock
    // reads when it posts them).
    const marked = this.recorded && alerts.length ? this.markRehearsal(alerts) : alerts;
    return { events: fresh, alerts: marked, writes: this.recording.writes.splice(0) };
  }

  private markRehearsal(alerts: readonly Alert[]): Alert[] {
    const clock = this.market.clock;
    return alerts.map((a) => markRehearsed(a, { at: Number.isFinite(clock) && clock > 0 ? clock : a.ts, synthetic: this.market.synthetic }));
  }

  /**
   * The leader's retention of raw events, the embedded bot's hourly prune (`LiqBot.prune`) on the core's clock, the
   * stored watermark: events older than `retention.eventDays` before it go, with the feed gaps that ended before it, and
   * a vendor's hours of the days wholly before it become one daily total each (`Store.pruneEvents`); a standby
   * restoring a later offset finds the days it counts from events whole (`warm`). Live (the feeds report), rows stamped
   * more than 5 minutes past the wall clock go too, as the live bot's; a rehearsal runs on the recording's clock and
   * keeps them. Only while `leader` holds the lock, checked in the prune's transaction: `lost` otherwise, nothing pruned.
   */
  async prune(leader: LeaderFence | undefined, wallNow = Date.now()): Promise<number | 'lost'> {
    if (!leader) return 'lost';
    const { watermark } = await this.store.busPosition(CORE_CONSUMER);
    const before = watermark === undefined ? -Infinity : watermark - this.config.retention.eventDays * DAY;
    return this.store.pruneEventsLed(before, this.market.isLive() ? wallNow + FUTURE_SKEW_MS : undefined, leader);
  }

  /** The outbox rows of these alerts: one per subscribed chat (the embedded bot's routing). */
  route(alerts: readonly Alert[]): ReturnType<typeof route> {
    if (alerts.length === 0) return [];
    // A level's alerts answer its thread (where it was proposed or adopted), as in the embedded bot.
    return route(alerts, [...this.subscriptions.values()].sort((a, b) => (a.chat < b.chat ? -1 : a.chat > b.chat ? 1 : 0)), this.now(), levelThreads(this.market.levels));
  }
}

/**
 * The leader's prune (`CoreEngine.prune`) now, then every `everyMs` until the signal aborts; never throws. A stop that
 * comes while a prune runs ends the wait after it at once (not an hour later: a leader that took over would not exit).
 */
export async function pruneEvery(engine: Pick<CoreEngine, 'prune'>, lock: Pick<LeaderLock, 'fence'>, everyMs: number, eventDays: number, signal: AbortSignal): Promise<void> {
  while (!signal.aborted) {
    const pruned = await engine.prune(lock.fence).catch((err: unknown) => {
      log.warn({ err: (err as Error).message }, 'could not prune the events; trying again at the next round');
      return 0;
    });
    if (pruned === 'lost') log.warn('events not pruned: this process no longer holds the core leader lock');
    else if (pruned > 0) log.info({ pruned, retentionDays: eventDays }, 'events pruned: raw events past retention (vendor hours summed into days, feed gaps of that span)');
    await pause(everyMs, signal);
  }
}

/** `first`, then the rest of an iteration (left early: the iteration is ended too). */
async function* prepend<T>(first: T, rest: AsyncIterable<T>): AsyncGenerator<T> {
  yield first;
  yield* rest;
}

/** Run the core role until the signal aborts (0) or the lock is lost (1). */
export async function runCoreRole(opts: CoreRoleOptions): Promise<number> {
  if (!opts.env.databaseUrl) throw new Error('--role core needs LIQBOT_DATABASE_URL (postgres://…); run `liqbot migrate` first');
  const streamName = opts.env.natsStream ?? 'MKT';
  const url = opts.env.databaseUrl;
  const store = await openPostgresStore({ url, poolSize: 4 });
  const lock = new LeaderLock({ url, name: `core:${streamName}`, pollMs: opts.pollMs ?? 250 });
  const stop = new AbortController();
  const onAbort = () => stop.abort();
  opts.signal.addEventListener('abort', onAbort, { once: true });
  let lost: string | undefined;
  lock.onLost((reason) => {
    lost = reason;
    log.error({ reason }, 'lost the core leader lock: stopping at once (the supervisor restarts this process as a standby)');
    stop.abort();
    // Whatever is still open must not keep a deposed leader alive.
    setTimeout(() => process.exit(1), 2_000).unref();
  });
  const id = `${hostname()}:${process.pid}`;
  // Connected while standing by, so taking over costs only the restore.
  const bus = await connectBus({ url: opts.env.natsUrl!, stream: streamName, prefix: streamName.toLowerCase(), name: `liqbot core ${id}` });
  try {
    log.info({ id }, 'core standing by for the leader lock');
    const engine = new CoreEngine(store, opts.config);
    // A warm standby: between tries of the lock it follows what the leader stores.
    for (;;) {
      if (stop.signal.aborted) return lost ? 1 : 0;
      if (await lock.tryAcquire().catch(() => false)) break;
      try {
        await engine.warm();
      } catch (err) {
        log.warn({ err: (err as Error).message }, 'standby could not read the store; trying again');
      }
      await new Promise((r) => setTimeout(r, opts.pollMs ?? 250));
    }
    const leadingAt = Date.now();
    log.info({ id }, 'core took the leader lock: restoring');
    const position = await store.busPosition(CORE_CONSUMER);
    // The stream's consumer is set up (and the first batch fetched) while the market is restored.
    const batches = readBatches(bus, { durable: CORE_CONSUMER, after: position.seq, signal: stop.signal });
    const firstBatch = batches.next();
    firstBatch.catch(() => undefined);
    const restored = await engine.restore(position);
    log.info({ id, offset: position.seq, watermark: position.watermark, holdMs: engine.holdMs, restored: restored.events, held: restored.held, ms: Date.now() - leadingAt }, 'core leading: restored from PostgreSQL, reading the stream after the stored offset');
    // Retention of raw events is the leader's: once now and then hourly, beside the batches, fenced by the lock.
    const pruneStop = new AbortController();
    const pruning = pruneEvery(engine, lock, opts.pruneEveryMs ?? 3_600_000, opts.config.retention.eventDays, AbortSignal.any([stop.signal, pruneStop.signal]));
    // Group commit: batches are derived as they come (the market is in memory, in stream order); their writes
    // go to PostgreSQL in one transaction per group, the next group filling while the previous one commits.
    let group: Group | undefined;
    let writing: Promise<void> | undefined;
    let failed: unknown;
    let first = true;
    const commit = async (): Promise<void> => {
      while (group && !lost && failed === undefined) {
        const g = group;
        group = undefined;
        try {
          const { ids } = await store.applyBatch({ consumer: CORE_CONSUMER, seq: g.seq, events: g.events, alerts: g.entries, ...g.order, state: g.writes });
          engine.counters.queued += ids.length;
          if (ids.length) await store.notify(OUTBOX_CHANNEL);
        } catch (err) {
          failed = err;
          stop.abort();
          return;
        }
        for (const ack of g.acks) ack();
        if (first) {
          first = false;
          log.info({ seq: g.seq, ms: Date.now() - leadingAt }, 'core applied its first batch');
        }
      }
    };
    try {
      const rest = { [Symbol.asyncIterator]: () => batches };
      const head = await firstBatch;
      for await (const batch of head.done ? [] : prepend(head.value, rest)) {
        if (lost || !lock.leading || failed !== undefined) break;
        const { events, alerts, writes } = await engine.derive(batch as Batch);
        const entries = engine.route(alerts);
        if (alerts.length) log.debug({ seq: batch.seq, alerts: alerts.map((a) => a.key) }, 'alerts derived');
        group ??= { seq: 0, events: [], entries: [], writes: [], acks: [], order: engine.position };
        group.seq = batch.seq;
        group.order = engine.position;
        for (const e of events) group.events.push(e);
        for (const e of entries) group.entries.push(e);
        // A gap is stored with the batch's other writes, after its state changes (as derive applied them).
        group.writes.push(...writes);
        if (batch.gap) group.writes.push({ op: 'recordGap', gap: batch.gap });
        group.acks.push(() => batch.ack());
        writing ??= commit().finally(() => (writing = undefined));
        // Backpressure: a group never grows past what one transaction should carry.
        if (group && group.events.length + group.entries.length > 20_000) await writing;
      }
      await writing;
      if (group && !lost && failed === undefined) await commit();
      if (failed !== undefined) throw failed;
    } finally {
      pruneStop.abort();
      await pruning;
      log.info({ ...engine.counters }, 'core stopped reading');
    }
    return lost ? 1 : 0;
  } finally {
    opts.signal.removeEventListener('abort', onAbort);
    await bus.close().catch(() => undefined);
    await lock.release();
    await store.close().catch(() => undefined);
  }
}
