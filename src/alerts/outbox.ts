/**
 * The durable outbox: every alert is stored before it is sent, then delivered per chat in order, retried
 * with backoff (honouring a platform's retry-after), edited in place for a running cascade, and dropped only
 * when the chat is gone (which unsubscribes it) or the alert is stale. Chats are served concurrently; one
 * slow or failing chat never holds up the others. After a restart, whatever was pending is delivered.
 *
 * Routing one alert to tens of thousands of chats is done in bounded slices of subscriptions, yielding to the
 * event loop between them (commands and feeds keep flowing); publishes are sliced in the order they came, so each
 * chat still gets its alerts in order.
 */
import type { ChatAdapter } from '../adapters/contract.js';
import type { Platform } from '../../commands/types.js';
import type { Alert } from '../core/alerts.js';
import type { Reply } from '../replies/reply.js';
import { logger } from '../log.js';
import { StoreFaults } from '../store/faults.js';
import type { OutboxEntry, Store, Subscription } from '../store/store.js';
import { backoffDelay } from '../feeds/backoff.js';
import { StateWriter } from '../state/writer.js';
import { isUpdate, route, wants, THREAD_ANSWER, type ThreadOf } from './router.js';
import { threadAnswer } from '../replies/proposals.js';
import { renderAlert } from './digest.js';

const log = logger('outbox');

export interface OutboxOptions {
  store: Store;
  adapters: Partial<Record<Platform, ChatAdapter>>;
  now?: () => number;
  /** Chats delivered to at the same time (each chat stays strictly in order). */
  concurrency?: number;
  backoff?: { baseMs: number; maxMs: number };
  /** Alerts older than this are dropped instead of being sent late. */
  staleMs?: number;
  /** Turns an alert into the reply a chat sees (default: the core's alert replies). */
  render?: (a: Alert) => Reply;
  /** Where store failures are counted (the bot's); the outbox never throws for them. */
  faults?: StoreFaults;
  /** Subscriptions routed and stored per turn of the event loop (default 1,000). */
  sliceSize?: number;
  /** The write path for unsubscribing a chat that is gone (the bot's; default: one over `store` alone). */
  state?: StateWriter;
  /** The message a level alert answers (its level's proposal), for routing; none by default. */
  threadOf?: ThreadOf;
  /** The short answer in a level's thread when the alert itself posts elsewhere (default: replies/proposals.ts). */
  renderThreadAnswer?: (a: Alert) => Reply;
}

/** A publish being routed: its alerts, the subscriptions as they were, and how far it got. */
interface Routing {
  alerts: readonly Alert[];
  subs: readonly Subscription[];
  next: number;
  now: number;
}

/** Alerts held in memory at most while the store refuses them (the oldest are given up first). */
const MAX_HELD_ALERTS = 10_000;

export interface OutboxCounters {
  queued: number;
  sent: number;
  edited: number;
  retried: number;
  rateLimited: number;
  dropped: number;
  /** Cascade updates skipped because a later one was already queued for the chat. */
  superseded: number;
  unsubscribed: number;
}

export class Outbox {
  readonly counters: OutboxCounters = { queued: 0, sent: 0, edited: 0, retried: 0, rateLimited: 0, dropped: 0, superseded: 0, unsubscribed: 0 };
  private readonly queues = new Map<string, OutboxEntry[]>();
  private readonly lanes = new Map<string, Promise<void>>();
  private readonly inflight = new Set<number>();
  private readonly store: Store;
  private readonly now: () => number;
  private readonly concurrency: number;
  private readonly backoff: { baseMs: number; maxMs: number };
  private readonly staleMs: number;
  private readonly render: (a: Alert) => Reply;
  private wake?: ReturnType<typeof setTimeout>;
  private wakeAt = Infinity;
  private stopped = false;
  private idleWaiters: (() => void)[] = [];
  private readonly faults: StoreFaults;
  private readonly state: StateWriter;
  /** Alerts the store did not take yet (routing or queueing failed): retried by retryHeld(). */
  private held: Alert[] = [];
  /** Delivered entries whose `markSent` failed: never sent again by this process, recorded by retryHeld(). */
  private readonly unrecorded = new Map<number, { chat: string; editKey?: string; messageRef: string }>();
  private lastPending = 0;
  private readonly sliceSize: number;
  /** Publishes not yet fully routed, oldest first; only the first one advances. */
  private readonly routing: Routing[] = [];
  private routingScheduled = false;
  /** The oldest routing's last slice was refused by the store: retryHeld() asks again. */
  private stuck = false;
  /** The last refresh could not read the store: the queues may miss pending entries until one succeeds. */
  private unread = false;

  constructor(private readonly opts: OutboxOptions) {
    this.store = opts.store;
    this.now = opts.now ?? Date.now;
    this.concurrency = opts.concurrency ?? 64;
    this.backoff = opts.backoff ?? { baseMs: 2_000, maxMs: 5 * 60_000 };
    this.staleMs = opts.staleMs ?? 24 * 3_600_000;
    this.render = opts.render ?? renderAlert;
    this.faults = opts.faults ?? new StoreFaults();
    this.state = opts.state ?? new StateWriter({ store: this.store, faults: this.faults });
    this.sliceSize = Math.max(1, opts.sliceSize ?? 1_000);
  }

  /** One store call on the alert path: a failure is counted (once-per-kind logged) and reported as false. */
  private stored(op: string, call: () => void): boolean {
    try {
      call();
      this.faults.ok(`outbox.${op}`);
      return true;
    } catch (err) {
      this.faults.failed(`outbox.${op}`, err);
      return false;
    }
  }

  /** Load what was pending (after a restart) and start delivering. */
  start(): void {
    this.stopped = false;
    this.refresh();
    this.fill();
  }

  /**
   * Route alerts to subscribed chats, store them, and start delivering. Returns how many entries were queued
   * (for a publish longer than one slice, the later slices count what routing found there). The first slice is
   * stored before this returns; the rest follow, one slice per turn of the event loop.
   */
  publish(alerts: readonly Alert[]): number {
    if (alerts.length === 0) return 0;
    this.held.push(...alerts);
    const over = this.held.length - MAX_HELD_ALERTS;
    if (over > 0) {
      this.held.splice(0, over);
      this.faults.gaveUp('alerts', over);
    }
    return this.retryHeld();
  }

  /**
   * Write what the store refused before: outcomes of sends (so they are not sent again after a restart), then
   * alerts not yet queued, and resume a routing the store interrupted. Returns how many entries were queued.
   * Never throws.
   */
  retryHeld(): number {
    for (const [id, u] of this.unrecorded) {
      if (!this.stored('markSent', () => this.store.markSent(id, u.messageRef))) break;
      this.unrecorded.delete(id);
    }
    if (this.unread) {
      this.refresh();
      this.fill();
    }
    // A routing the store refused goes first; until the store takes it, new alerts stay held (and capped).
    if (this.stuck && !this.routingScheduled) {
      const first = this.routing[0]!;
      if (this.routeSlice(first) === undefined) {
        this.countHeld();
        return 0;
      }
      if (first.next >= first.subs.length) this.routing.shift();
    }
    let job: Routing | undefined;
    if (this.held.length) {
      let subs: Subscription[] = [];
      if (!this.stored('listSubscriptions', () => (subs = this.store.listSubscriptions()))) {
        this.countHeld();
        return 0;
      }
      job = { alerts: this.held, subs, next: 0, now: this.now() };
      this.held = [];
      this.routing.push(job);
    }
    let queued = 0;
    // In this turn: the oldest routing's next slice (one the store refused before is asked again), and the new
    // publish's first slice when nothing is ahead of it. Later slices follow on later turns.
    while (!this.routingScheduled && this.routing.length) {
      const first = this.routing[0]!;
      const n = this.routeSlice(first);
      if (n === undefined) {
        this.countHeld();
        return 0;
      }
      if (first === job) queued += n;
      if (first.next < first.subs.length) break;
      this.routing.shift();
      if (first === job) break;
    }
    this.countHeld();
    if (this.routing.length) this.scheduleRouting();
    else this.notifyIdle();
    if (!job) return 0;
    let later = 0;
    for (let i = job.next; i < job.subs.length; i++) for (const a of job.alerts) if (wants(job.subs[i]!, a)) later++;
    return queued + later;
  }

  /**
   * Route and store the next slice of the oldest routing, and hand its entries to the chats' queues. Returns how
   * many were queued, or undefined when the store refused them (the slice is tried again later).
   */
  private routeSlice(job: Routing): number | undefined {
    const subs = job.subs.slice(job.next, job.next + this.sliceSize);
    const entries = route(job.alerts, subs, job.now, this.opts.threadOf);
    let ids: number[] = [];
    this.stuck = entries.length > 0 && !this.stored('enqueue', () => (ids = this.store.enqueue(entries)));
    if (this.stuck) return undefined;
    job.next += subs.length;
    this.faults.ok('hold.alerts');
    if (ids.length === 0) return 0;
    this.counters.queued += ids.length;
    if (ids.length === entries.length) {
      entries.forEach((e, i) => this.add({ ...e, id: ids[i]!, status: 'pending', attempts: 0 }));
    } else this.refresh(); // some were already queued (a repeated alert): read back exactly what is pending
    this.fill();
    return ids.length;
  }

  /** Next turn of the event loop: the next slice. A slice the store refuses stops here until retryHeld(). */
  private scheduleRouting(): void {
    if (this.routingScheduled || this.routing.length === 0) return;
    this.routingScheduled = true;
    setImmediate(() => {
      this.routingScheduled = false;
      const job = this.routing[0];
      if (!job) return;
      if (this.routeSlice(job) === undefined) {
        this.countHeld();
        this.notifyIdle();
        return;
      }
      if (job.next >= job.subs.length) this.finishRouting();
      else this.scheduleRouting();
    });
  }

  private finishRouting(): void {
    this.routing.shift();
    this.countHeld();
    if (this.routing.length) this.scheduleRouting();
    else this.notifyIdle();
  }

  /** Alerts the store has not fully taken yet: held ones, and those of routings not finished. */
  private countHeld(): void {
    this.faults.held.alerts = this.held.length + this.routing.reduce((n, j) => n + j.alerts.length, 0);
  }

  /** A new entry joins its chat's queue (behind what the chat already has). */
  private add(e: OutboxEntry): void {
    const q = this.queues.get(e.chat);
    if (q) q.push(e);
    else this.queues.set(e.chat, [e]);
  }

  /** Alerts waiting to be delivered (the last count read when the store cannot be read). */
  pending(): number {
    this.stored('pendingCount', () => (this.lastPending = this.store.pendingCount()));
    return this.lastPending + this.held.length + this.routing.reduce((n, j) => n + j.alerts.length, 0);
  }

  /** Resolves when nothing is in flight and nothing pending is due (tests, shutdown). */
  idle(): Promise<void> {
    if (this.isIdle()) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  /** Stop starting deliveries; wait for the ones in flight (they finish or are recorded as retries). */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.wake) clearTimeout(this.wake);
    this.wake = undefined;
    await Promise.allSettled([...this.lanes.values()]);
  }

  private isIdle(): boolean {
    if (this.lanes.size || this.routingScheduled) return false;
    const now = this.now();
    for (const [chat, q] of this.queues) {
      if (q.length && q[0]!.nextAttemptAt <= now && this.adapterFor(chat)?.owns?.({ chat, ...(q[0]!.target !== undefined ? { target: q[0]!.target } : {}) }) !== false) return false;
    }
    return true;
  }

  private notifyIdle(): void {
    if (this.idleWaiters.length === 0 || !this.isIdle()) return;
    for (const w of this.idleWaiters.splice(0)) w();
  }

  /**
   * Sync the per-chat queues with the store's pending entries. A chat whose lane is running keeps its queue
   * (the lane holds it) and only gains entries it does not have yet.
   */
  private refresh(): void {
    const fresh = new Map<string, OutboxEntry[]>();
    let due: OutboxEntry[] = [];
    // A store that cannot be read (a corrupted page) leaves the queues as they are until it can.
    this.unread = !this.stored('duePending', () => (due = this.store.duePending(Number.MAX_SAFE_INTEGER, 1_000_000)));
    if (this.unread) return;
    for (const e of due) {
      if (this.inflight.has(e.id) || this.unrecorded.has(e.id)) continue;
      let q = fresh.get(e.chat);
      if (!q) fresh.set(e.chat, (q = []));
      q.push(e);
    }
    for (const chat of [...this.queues.keys()]) if (!this.lanes.has(chat) && !fresh.has(chat)) this.queues.delete(chat);
    for (const [chat, list] of fresh) {
      const cur = this.queues.get(chat);
      if (cur && this.lanes.has(chat)) {
        const known = new Set(cur.map((x) => x.id));
        for (const x of list) if (!known.has(x.id)) cur.push(x);
      } else this.queues.set(chat, list);
    }
  }

  private schedule(at: number): void {
    if (this.stopped || at >= this.wakeAt) return;
    if (this.wake) clearTimeout(this.wake);
    this.wakeAt = at;
    this.wake = setTimeout(() => {
      this.wake = undefined;
      this.wakeAt = Infinity;
      this.fill();
    }, Math.max(0, at - this.now()));
    this.wake.unref?.();
  }

  /** Start lanes for chats with due work, up to the concurrency limit. */
  private fill(): void {
    if (this.stopped) return;
    const now = this.now();
    for (const [chat, q] of this.queues) {
      if (this.lanes.size >= this.concurrency) break;
      if (this.lanes.has(chat) || q.length === 0) continue;
      const first = q[0]!;
      if (this.adapterFor(chat)?.owns?.({ chat, ...(first.target !== undefined ? { target: first.target } : {}) }) === false) continue;
      if (q[0]!.nextAttemptAt > now) {
        this.schedule(q[0]!.nextAttemptAt);
        continue;
      }
      const lane = this.runLane(chat, q).finally(() => {
        this.lanes.delete(chat);
        if (q.length === 0 && this.queues.get(chat) === q) this.queues.delete(chat);
        this.fill();
        this.notifyIdle();
      });
      this.lanes.set(chat, lane);
    }
    this.notifyIdle();
  }

  private adapterFor(chat: string): ChatAdapter | undefined {
    return this.opts.adapters[chat.slice(0, chat.indexOf(':')) as Platform];
  }

  private async runLane(chat: string, q: OutboxEntry[]): Promise<void> {
    while (q.length && !this.stopped) {
      const e = q[0]!;
      const now = this.now();
      if (e.nextAttemptAt > now) {
        this.schedule(e.nextAttemptAt);
        return;
      }
      // A later update of the same running cascade makes this one moot.
      if (e.editKey && isUpdate(e.alert) && q.some((x, i) => i > 0 && x.editKey === e.editKey && isUpdate(x.alert))) {
        if (!this.stored('markDropped', () => this.store.markDropped(e.id, 'superseded by a later update'))) return this.storeStall(e);
        this.counters.superseded++;
        q.shift();
        continue;
      }
      // Two sends already may have reached the chat (each interrupted before its outcome was recorded): a
      // third could only be a duplicate too many.
      if ((e.unconfirmed ?? 0) >= 2) {
        log.warn({ chat, alert: e.alertKey }, 'alert dropped: two sends of it were interrupted (a crash, or a store refusing the outcome) and may both have arrived');
        if (!this.stored('markDropped', () => this.store.markDropped(e.id, 'interrupted twice'))) return this.storeStall(e);
        this.counters.dropped++;
        q.shift();
        continue;
      }
      if (now - e.createdAt > this.staleMs) {
        log.warn({ chat, alert: e.alertKey }, 'alert dropped: undeliverable for too long');
        if (!this.stored('markDropped', () => this.store.markDropped(e.id, 'stale'))) return this.storeStall(e);
        this.counters.dropped++;
        q.shift();
        continue;
      }
      const adapter = this.adapterFor(chat);
      if (!adapter) {
        // The platform is not running (no token): keep the entry for when it is.
        this.stored('markRetry', () => this.store.markRetry(e.id, now + this.backoff.maxMs, 'platform not running'));
        e.nextAttemptAt = now + this.backoff.maxMs;
        this.schedule(e.nextAttemptAt);
        return;
      }
      let editRef: string | undefined;
      if (e.editKey) {
        const editKey = e.editKey;
        for (const u of this.unrecorded.values()) if (u.chat === chat && u.editKey === editKey) editRef = u.messageRef;
        if (!editRef && !this.stored('sentMessageRef', () => (editRef = this.store.sentMessageRef(chat, editKey)))) return this.storeStall(e);
      }
      // Nothing is sent that the store could not then record: a full disk holds alerts back instead of
      // re-sending them after every restart.
      if (!this.stored('claim', () => this.store.claim(e.id, now))) {
        this.storeStall(e);
        return;
      }
      this.inflight.add(e.id);
      let result;
      try {
        const to = { chat, ...(e.target !== undefined ? { target: e.target } : {}), ...(e.replyTo !== undefined ? { replyTo: e.replyTo } : {}) };
        const reply = e.alertKey.endsWith(THREAD_ANSWER) ? (this.opts.renderThreadAnswer ?? threadAnswer)(e.alert) : this.render(e.alert);
        result = await adapter.deliver(to, reply, editRef);
      } catch (err) {
        result = { ok: false as const, permanent: false, error: (err as Error).message };
      } finally {
        this.inflight.delete(e.id);
      }
      if (result.ok) {
        if (!this.stored('markSent', () => this.store.markSent(e.id, result.messageRef))) {
          this.unrecorded.set(e.id, { chat, ...(e.editKey !== undefined ? { editKey: e.editKey } : {}), messageRef: result.messageRef });
        }
        if (editRef) this.counters.edited++;
        else this.counters.sent++;
        q.shift();
        continue;
      }
      if (result.permanent) {
        log.warn({ chat, error: result.error }, 'chat unreachable (bot removed, blocked or channel gone): unsubscribing');
        for (const x of q.splice(0)) this.stored('markDropped', () => this.store.markDropped(x.id, result.error));
        this.state.apply({ kind: 'subscription.remove', chat });
        this.counters.unsubscribed++;
        return;
      }
      e.attempts++;
      if (result.retryAfterMs !== undefined) this.counters.rateLimited++;
      else this.counters.retried++;
      const delay = result.retryAfterMs ?? backoffDelay(e.attempts - 1, this.backoff);
      e.nextAttemptAt = this.now() + delay;
      this.stored('markRetry', () => this.store.markRetry(e.id, e.nextAttemptAt, result.error));
      this.schedule(e.nextAttemptAt);
      return;
    }
  }

  /** The store refused a write the lane needs before going on: the chat waits (in memory) and tries again. */
  private storeStall(e: OutboxEntry): void {
    e.nextAttemptAt = this.now() + this.backoff.baseMs;
    this.schedule(e.nextAttemptAt);
  }
}
