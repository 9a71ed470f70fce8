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
import { alertReply } from '../core/replies.js';
import type { Reply } from '../core/reply.js';
import { logger } from '../log.js';
import type { OutboxEntry, Store, Subscription } from '../store/store.js';
import { backoffDelay } from '../feeds/backoff.js';
import { route, wants } from './router.js';

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
  /** Subscriptions routed and stored per turn of the event loop (default 1,000). */
  sliceSize?: number;
}

/** A publish still being routed: its alerts, the subscriptions as they were, and how far it got. */
interface Routing {
  alerts: readonly Alert[];
  subs: readonly Subscription[];
  next: number;
  now: number;
}

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
  private readonly sliceSize: number;
  private readonly routing: Routing[] = [];
  private routingScheduled = false;

  constructor(private readonly opts: OutboxOptions) {
    this.store = opts.store;
    this.now = opts.now ?? Date.now;
    this.concurrency = opts.concurrency ?? 64;
    this.backoff = opts.backoff ?? { baseMs: 2_000, maxMs: 5 * 60_000 };
    this.staleMs = opts.staleMs ?? 24 * 3_600_000;
    this.render = opts.render ?? alertReply;
    this.sliceSize = Math.max(1, opts.sliceSize ?? 1_000);
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
    const job: Routing = { alerts, subs: this.store.listSubscriptions(), next: 0, now: this.now() };
    const backlog = this.routing.length > 0;
    this.routing.push(job);
    let queued = 0;
    if (!backlog) queued += this.routeSlice(job);
    let later = 0;
    for (let i = job.next; i < job.subs.length; i++) for (const a of alerts) if (wants(job.subs[i]!, a)) later++;
    if (job.next >= job.subs.length) this.routing.shift();
    else this.scheduleRouting();
    return queued + later;
  }

  /** Route and store the job's next slice of subscriptions, and hand its entries to the chats' queues. */
  private routeSlice(job: Routing): number {
    const subs = job.subs.slice(job.next, job.next + this.sliceSize);
    job.next += subs.length;
    const entries = route(job.alerts, subs, job.now);
    if (entries.length === 0) return 0;
    const ids = this.store.enqueue(entries);
    this.counters.queued += ids.length;
    if (ids.length === entries.length) {
      entries.forEach((e, i) => this.add({ ...e, id: ids[i]!, status: 'pending', attempts: 0 }));
    } else this.refresh(); // some were already queued (a repeated alert): read back exactly what is pending
    this.fill();
    return ids.length;
  }

  private scheduleRouting(): void {
    if (this.routingScheduled) return;
    this.routingScheduled = true;
    setImmediate(() => {
      this.routingScheduled = false;
      const job = this.routing[0];
      if (!job) return;
      try {
        this.routeSlice(job);
      } catch (err) {
        log.error({ err, alerts: job.alerts.map((a) => a.key) }, 'could not queue alerts for some chats; they are skipped');
        job.next = job.subs.length;
      }
      if (job.next >= job.subs.length) this.routing.shift();
      if (this.routing.length) this.scheduleRouting();
      else this.notifyIdle();
    });
  }

  /** A new entry joins its chat's queue (behind what the chat already has). */
  private add(e: OutboxEntry): void {
    const q = this.queues.get(e.chat);
    if (q) q.push(e);
    else this.queues.set(e.chat, [e]);
  }

  pending(): number {
    return this.store.pendingCount();
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
    if (this.lanes.size || this.routing.length) return false;
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
    for (const e of this.store.duePending(Number.MAX_SAFE_INTEGER, 1_000_000)) {
      if (this.inflight.has(e.id)) continue;
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
      if (e.editKey && e.alert.kind === 'cascade_update' && q.some((x, i) => i > 0 && x.editKey === e.editKey && x.alert.kind === 'cascade_update')) {
        this.store.markDropped(e.id, 'superseded by a later update');
        this.counters.superseded++;
        q.shift();
        continue;
      }
      if (now - e.createdAt > this.staleMs) {
        log.warn({ chat, alert: e.alertKey }, 'alert dropped: undeliverable for too long');
        this.store.markDropped(e.id, 'stale');
        this.counters.dropped++;
        q.shift();
        continue;
      }
      const adapter = this.adapterFor(chat);
      if (!adapter) {
        // The platform is not running (no token): keep the entry for when it is.
        this.store.markRetry(e.id, now + this.backoff.maxMs, 'platform not running');
        e.nextAttemptAt = now + this.backoff.maxMs;
        this.schedule(e.nextAttemptAt);
        return;
      }
      const editRef = e.editKey ? this.store.sentMessageRef(chat, e.editKey) : undefined;
      this.inflight.add(e.id);
      let result;
      try {
        result = await adapter.deliver({ chat, ...(e.target !== undefined ? { target: e.target } : {}) }, this.render(e.alert), editRef);
      } catch (err) {
        result = { ok: false as const, permanent: false, error: (err as Error).message };
      } finally {
        this.inflight.delete(e.id);
      }
      if (result.ok) {
        this.store.markSent(e.id, result.messageRef);
        if (editRef) this.counters.edited++;
        else this.counters.sent++;
        q.shift();
        continue;
      }
      if (result.permanent) {
        log.warn({ chat, error: result.error }, 'chat unreachable (bot removed, blocked or channel gone): unsubscribing');
        for (const x of q.splice(0)) this.store.markDropped(x.id, result.error);
        this.store.deleteSubscription(chat);
        this.counters.unsubscribed++;
        return;
      }
      e.attempts++;
      if (result.retryAfterMs !== undefined) this.counters.rateLimited++;
      else this.counters.retried++;
      const delay = result.retryAfterMs ?? backoffDelay(e.attempts - 1, this.backoff);
      e.nextAttemptAt = this.now() + delay;
      this.store.markRetry(e.id, e.nextAttemptAt, result.error);
      this.schedule(e.nextAttemptAt);
      return;
    }
  }
}
