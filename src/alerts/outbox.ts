/**
 * The durable outbox: every alert is stored before it is sent, then delivered per chat in order, retried
 * with backoff (honouring a platform's retry-after), edited in place for a running cascade (and, at its end, edited
 * one last time into its closed form: an edit only, dropped where the chat has no running message), and dropped only
 * when the chat is gone (which turns its alerts off, settings kept), its destination is gone (a thread answer to a
 * deleted topic or channel: that entry alone), the platform refused it three times (that entry alone, so later ones
 * flow), or it is older than its use. Those rules are lane.ts's, which the deliver role (bus/deliver.ts) follows too.
 * Chats are served concurrently; one slow or failing chat never holds up the others. After a restart, whatever was
 * pending is delivered.
 *
 * Routing one alert to tens of thousands of chats is done in bounded slices of subscriptions, yielding to the
 * event loop between them (commands and feeds keep flowing); publishes are sliced in the order they came, so each
 * chat still gets its alerts in order. What is published before `start()` (what a restart raised, at restore) is
 * only stored: `start()` reads it with everything else pending, in the order it was queued.
 */
import type { ChatAdapter, DeliveryResult } from '../adapters/contract.js';
import type { Platform } from '../../commands/types.js';
import type { Alert } from '../core/alerts.js';
import type { Reply } from '../replies/reply.js';
import { logger } from '../log.js';
import { StoreFaults } from '../store/faults.js';
import type { OutboxEntry, Store, Subscription } from '../store/store.js';
import { StateWriter } from '../state/writer.js';
import { adoptedBy, countWanted, route, type ThreadOf } from './router.js';
import { renderAlert } from './digest.js';
import { entryReply, nothingToClose, outcome, precheck, Refusals, send, Unrecorded, type AlertsAt, type Drop, type LaneCounters, type Moved, type Note } from './lane.js';

const log = logger('outbox');

/**
 * Why an entry waits for its platform: the chat's platform has no adapter (not started yet, retrying its start, or no
 * token). It waits the longest backoff, and `platformStarted` makes it due at once when the adapter comes.
 */
const PLATFORM_DOWN = 'platform not running';

export interface OutboxOptions {
  store: Store;
  adapters: Partial<Record<Platform, ChatAdapter>>;
  now?: () => number;
  /** Chats delivered to at the same time (each chat stays strictly in order). */
  concurrency?: number;
  backoff?: { baseMs: number; maxMs: number };
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
}

/** How a publish's alerts are routed when they were not raised just now (`LiqBot.queueDue`: what a restart raised). */
export interface PublishOptions {
  /**
   * How long before the publish each alert was raised: its entries are stamped then, on this outbox's clock, so the
   * lane judges it as an alert queued then (posted saying how late it is, or dropped past its kind's use), also when
   * the store refuses it first. Without it an alert is stamped when it is published.
   */
  ageMs?: (a: Alert) => number;
}

/**
 * A publish being routed: its alerts, the subscriptions as they were, how far it got, and when its entries are stamped
 * (each alert's own time where it has one).
 */
interface Routing {
  alerts: readonly Alert[];
  subs: readonly Subscription[];
  next: number;
  at: number | ((a: Alert) => number);
}

/** Alerts held in memory at most while the store refuses them (the oldest are given up first). */
const MAX_HELD_ALERTS = 10_000;

export interface OutboxCounters extends LaneCounters {
  queued: number;
}

/** A binary min-heap of (time, chat): the chats waiting for their first entry's time. */
class WaitHeap {
  private readonly items: { at: number; chat: string }[] = [];

  peek(): { at: number; chat: string } | undefined {
    return this.items[0];
  }

  push(at: number, chat: string): void {
    const a = this.items;
    a.push({ at, chat });
    for (let i = a.length - 1; i > 0; ) {
      const parent = (i - 1) >> 1;
      if (a[parent]!.at <= a[i]!.at) break;
      [a[parent], a[i]] = [a[i]!, a[parent]!];
      i = parent;
    }
  }

  pop(): { at: number; chat: string } | undefined {
    const a = this.items;
    const top = a[0];
    const last = a.pop();
    if (a.length === 0 || !last) return top;
    a[0] = last;
    for (let i = 0; ; ) {
      const l = 2 * i + 1, r = l + 1;
      let m = i;
      if (l < a.length && a[l]!.at < a[m]!.at) m = l;
      if (r < a.length && a[r]!.at < a[m]!.at) m = r;
      if (m === i) break;
      [a[m], a[i]] = [a[i]!, a[m]!];
      i = m;
    }
    return top;
  }
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
  private readonly render: (a: Alert) => Reply;
  private wake?: ReturnType<typeof setTimeout>;
  private wakeAt = Infinity;
  /** Set by start(): until then what is published is only stored, and start() reads it with what a restart left. */
  private started = false;
  private stopped = false;
  private idleWaiters: (() => void)[] = [];
  private readonly faults: StoreFaults;
  private readonly state: StateWriter;
  /** Alerts the store did not take yet (routing or queueing failed): retried by retryHeld(). */
  private held: Alert[] = [];
  /**
   * When alerts published with an age were raised, on this outbox's clock (set at publish, so time held counts): read
   * when they are routed. Keyed by the alert itself, so nothing outlives it.
   */
  private readonly raisedAt = new WeakMap<Alert, number>();
  /** Delivered entries whose `markSent` failed: never sent again by this process, recorded by retryHeld(). */
  private readonly unrecorded = new Unrecorded();
  private lastPending = 0;
  private readonly sliceSize: number;
  /** Publishes not yet fully routed, oldest first; only the first one advances. */
  private readonly routing: Routing[] = [];
  private routingScheduled = false;
  /** The oldest routing's last slice was refused by the store: retryHeld() asks again. */
  private stuck = false;
  /** The last refresh could not read the store: the queues may miss pending entries until one succeeds. */
  private unread = false;
  /** Chats without a lane whose first entry is due: the ones fill() starts lanes for (insertion order). */
  private readonly ready = new Set<string>();
  /** Chats without a lane waiting for their first entry's time, earliest first (stale entries are checked when due). */
  private readonly waiting = new WaitHeap();
  /** Entries the platform refused, and how many times (forgotten as each leaves its queue). */
  private readonly refusals = new Refusals();

  constructor(private readonly opts: OutboxOptions) {
    this.store = opts.store;
    this.now = opts.now ?? Date.now;
    this.concurrency = opts.concurrency ?? 64;
    this.backoff = opts.backoff ?? { baseMs: 2_000, maxMs: 5 * 60_000 };
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
    this.started = true;
    this.stopped = false;
    this.refresh();
    this.fill();
  }

  /**
   * Route alerts to subscribed chats, store them, and start delivering. Returns how many entries were queued
   * (for a publish longer than one slice, the later slices count what routing found there). The first slice is
   * stored before this returns; the rest follow, one slice per turn of the event loop. `opts`: alerts raised
   * earlier (their age, PublishOptions); they are held and retried as any alert.
   */
  publish(alerts: readonly Alert[], opts: PublishOptions = {}): number {
    if (alerts.length === 0) return 0;
    // Each alert is stamped when it is published (or earlier, by its age): one the store refuses for an hour is routed
    // then as an alert an hour old, posted "late" or dropped past its kind's use, never as fresh.
    const now = this.now();
    for (const a of alerts) this.raisedAt.set(a, now - Math.max(0, opts.ageMs?.(a) ?? 0));
    this.held.push(...alerts);
    const queued = this.retryHeld();
    // Routed, they are the store's (a publish of 20,000 digests is routed in slices, none lost); only what the store
    // refused stays held, and that is capped.
    const over = this.held.length - MAX_HELD_ALERTS;
    if (over > 0) {
      this.held.splice(0, over);
      this.faults.gaveUp('alerts', over);
      this.countHeld();
    }
    return queued;
  }

  /**
   * Write what the store refused before: outcomes of sends (so they are not sent again after a restart), then
   * alerts not yet queued, and resume a routing the store interrupted. Returns how many entries were queued.
   * Never throws.
   */
  retryHeld(): number {
    for (const u of this.unrecorded.due()) {
      if (!this.stored('markSent', () => this.store.markSent(u.id, u.messageRef))) break;
      this.unrecorded.recorded(u.id);
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
      // The settings as last changed: one the store has not taken yet (held by the write path) counts already.
      if (!this.stored('listSubscriptions', () => (subs = this.state.listSubscriptions()))) {
        this.countHeld();
        return 0;
      }
      const now = this.now();
      const at = (a: Alert) => this.raisedAt.get(a) ?? now;
      job = { alerts: this.held, subs, next: 0, at };
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
    return queued + (job.next < job.subs.length ? countWanted(job.alerts, job.subs.slice(job.next)) : 0);
  }

  /**
   * Route and store the next slice of the oldest routing, and hand its entries to the chats' queues. Returns how
   * many were queued, or undefined when the store refused them (the slice is tried again later).
   */
  private routeSlice(job: Routing): number | undefined {
    const subs = job.subs.slice(job.next, job.next + this.sliceSize);
    const entries = route(job.alerts, subs, job.at, this.opts.threadOf);
    let ids: number[] = [];
    this.stuck = entries.length > 0 && !this.stored('enqueue', () => (ids = this.store.enqueue(entries)));
    if (this.stuck) return undefined;
    job.next += subs.length;
    this.faults.ok('hold.alerts');
    if (ids.length === 0) return 0;
    this.counters.queued += ids.length;
    // Before start() the store alone has them: start() reads them behind what was pending before them (a lane started
    // now would send them ahead of an update a restart left, which their closing edit makes moot).
    if (!this.started) return ids.length;
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
    else {
      this.queues.set(e.chat, [e]);
      this.park(e.chat);
    }
  }

  /**
   * A chat without a lane whose queue changed: ready when its first entry is due, else waiting for that time (a chat
   * whose queue is not empty and has no lane is always ready or waiting, so fill() looks at those only). A chat
   * another process delivers to is neither; an empty queue goes.
   */
  private park(chat: string): void {
    const q = this.queues.get(chat);
    if (!q || this.lanes.has(chat)) return;
    if (q.length === 0) {
      this.queues.delete(chat);
      return;
    }
    if (!this.owned(chat, q[0]!)) return;
    if (q[0]!.nextAttemptAt <= this.now()) this.ready.add(chat);
    else this.waitUntil(q[0]!.nextAttemptAt, chat);
  }

  private owned(chat: string, e: OutboxEntry): boolean {
    return this.adapterFor(chat)?.owns?.({ chat, ...(e.target !== undefined ? { target: e.target } : {}) }) !== false;
  }

  /** A chat waits for its first entry's time: a timer wakes the outbox at the earliest such time. */
  private waitUntil(at: number, chat: string): void {
    this.waiting.push(at, chat);
    this.schedule(at);
  }

  /** Chats whose wait is over are ready. */
  private wakeDue(): void {
    const now = this.now();
    for (let top = this.waiting.peek(); top && top.at <= now; top = this.waiting.peek()) this.ready.add(this.waiting.pop()!.chat);
  }

  /**
   * The platform's adapter is in `adapters` now (it started, or started after failed attempts): what its chats waited for
   * because it was not running (pending at a restart, or queued while it started) is due at once, in memory and in the
   * store (a retry due now, which counts as an attempt there as every retry does), and delivery resumes. Other waits
   * (a backoff, a retry-after) are kept. Never throws.
   */
  platformStarted(platform: Platform): void {
    if (!this.opts.adapters[platform]) return;
    const now = this.now();
    for (const [chat, q] of this.queues) {
      if (chat.slice(0, chat.indexOf(':')) !== platform) continue;
      const first = q[0];
      for (const e of q) {
        if (e.lastError !== PLATFORM_DOWN || e.nextAttemptAt <= now || this.inflight.has(e.id)) continue;
        e.nextAttemptAt = now;
        this.stored('markRetry', () => this.store.markRetry(e.id, now, PLATFORM_DOWN));
      }
      // Its first entry due now: ready (a chat whose lane is running is parked by the lane's end; the wait it had stays in
      // the heap, checked when due as any stale one).
      if (first && first.nextAttemptAt === now) this.park(chat);
    }
    this.fill();
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
    this.wakeAt = Infinity;
    await Promise.allSettled([...this.lanes.values()]);
  }

  private isIdle(): boolean {
    if (this.lanes.size || this.routingScheduled) return false;
    this.wakeDue();
    const now = this.now();
    for (const chat of this.ready) {
      const q = this.queues.get(chat);
      if (q?.length && q[0]!.nextAttemptAt <= now && this.owned(chat, q[0]!)) return false;
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
      } else {
        this.queues.set(chat, list);
        this.park(chat);
      }
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
      const next = this.waiting.peek();
      if (next) this.schedule(next.at);
    }, Math.max(0, at - this.now()));
    this.wake.unref?.();
  }

  /**
   * Start lanes for chats with due work, up to the concurrency limit. Only ready chats are looked at (and those whose
   * wait is over): the cost follows the chats that can be served, not every chat with something queued.
   */
  private fill(): void {
    if (this.stopped) return;
    this.wakeDue();
    const now = this.now();
    for (const chat of this.ready) {
      if (this.lanes.size >= this.concurrency) break;
      this.ready.delete(chat);
      const q = this.queues.get(chat);
      if (!q || this.lanes.has(chat)) continue;
      if (q.length === 0) {
        this.queues.delete(chat);
        continue;
      }
      if (!this.owned(chat, q[0]!)) continue;
      if (q[0]!.nextAttemptAt > now) {
        this.waitUntil(q[0]!.nextAttemptAt, chat);
        continue;
      }
      const lane = this.runLane(chat, q).finally(() => {
        this.lanes.delete(chat);
        if (this.queues.get(chat) === q) this.park(chat);
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

  /** Deliver the chat's queue in order until it is empty, waits, or the store stalls it (lane.ts decides; this does the I/O). */
  private async runLane(chat: string, q: OutboxEntry[]): Promise<void> {
    while (q.length && !this.stopped) {
      const e = q[0]!;
      const now = this.now();
      if (e.nextAttemptAt > now) return; // the chat waits (park) for its time
      const moot = precheck(q, now);
      if (moot) {
        if (!this.dropFirst(q, moot)) return this.storeStall(e);
        continue;
      }
      const adapter = this.adapterFor(chat);
      if (!adapter) {
        // The platform is not running (starting, retrying its start, or no token): keep the entry for when it is. The
        // long wait keeps a platform that stays down from being asked in a loop; platformStarted() ends it early.
        this.stored('markRetry', () => this.store.markRetry(e.id, now + this.backoff.maxMs, PLATFORM_DOWN));
        e.nextAttemptAt = now + this.backoff.maxMs;
        e.lastError = PLATFORM_DOWN;
        return;
      }
      let editRef: string | undefined;
      if (e.editKey) {
        const editKey = e.editKey;
        editRef = this.unrecorded.messageRef(chat, editKey);
        if (!editRef && !this.stored('sentMessageRef', () => (editRef = this.store.sentMessageRef(chat, editKey)))) return this.storeStall(e);
      }
      // A flush's start that takes over cascades posted moments before it edits the latest one's message the chat has
      // (recorded under the flush's key, which its updates and closing edit then find), rather than posting again; where
      // the platform cannot edit in place, or the chat has none of them, it posts.
      const adopted = !editRef && adapter.editsInPlace !== false ? adoptedBy(e.alert) : [];
      for (let i = adopted.length - 1; i >= 0 && !editRef; i--) {
        const cascadeId = adopted[i]!;
        editRef = this.unrecorded.messageRef(chat, cascadeId);
        if (!editRef && !this.stored('sentMessageRef', () => (editRef = this.store.sentMessageRef(chat, cascadeId)))) return this.storeStall(e);
      }
      const nothing = nothingToClose(e, editRef);
      if (nothing) {
        if (!this.dropFirst(q, nothing)) return this.storeStall(e);
        continue;
      }
      // Nothing is sent that the store could not then record: a full disk holds alerts back instead of
      // re-sending them after every restart.
      if (!this.stored('claim', () => this.store.claim(e.id, now))) {
        this.storeStall(e);
        return;
      }
      this.inflight.add(e.id);
      let result: DeliveryResult;
      try {
        const reply = entryReply(e, now, this.render);
        result = await send((to) => adapter.deliver(to, reply, editRef), e, now, (m) => this.moved(m));
      } finally {
        this.inflight.delete(e.id);
      }
      const o = await outcome(result, e, { refusals: this.refusals.of(e.id), alertsAt: () => this.alertsAt(chat), now: this.now(), backoff: this.backoff });
      if ('sent' in o) {
        const messageRef = o.sent;
        if (!this.stored('markSent', () => this.store.markSent(e.id, messageRef))) this.unrecorded.sent(e, messageRef);
        this.counters[editRef ? 'edited' : 'sent']++;
        this.refusals.settle(q);
      } else if ('drop' in o) {
        if (!this.dropFirst(q, o)) return this.storeStall(e);
      } else if ('unsubscribe' in o) {
        this.note(chat, o.note);
        // What was queued for that destination goes; answers queued for other topics or channels are tried on their own.
        for (const x of this.refusals.settleFor(q, e.target)) this.stored('markDropped', () => this.store.markDropped(x.id, o.unsubscribe));
        this.state.apply({ kind: 'subscription.remove', chat });
        this.counters.unsubscribed++;
      } else {
        this.refusals.retry(e, o);
        e.lastError = o.error;
        this.counters[o.counts]++;
        this.stored('markRetry', () => this.store.markRetry(e.id, e.nextAttemptAt, o.error));
        return;
      }
    }
  }

  /** The chat's first entry leaves unsent (logged, its reason stored, counted); false when the store refused the drop. */
  private dropFirst(q: OutboxEntry[], d: Drop): boolean {
    const e = q[0]!;
    if (d.note) this.note(e.chat, d.note);
    if (!this.stored('markDropped', () => this.store.markDropped(e.id, d.drop))) return false;
    if (d.counts) this.counters[d.counts]++;
    this.refusals.settle(q);
    return true;
  }

  private note(chat: string, n: Note): void {
    log[n.level]({ chat, ...n.fields }, n.msg);
  }

  /** A chat found under a new key: its settings and levels follow it (one state change; the store refusing it is counted). */
  private moved(m: Moved): void {
    this.note(m.change.from, m.note);
    this.stored('chat.move', () => this.state.apply(m.change));
  }

  /** Where the chat's alerts post, as last changed (one the store has not taken yet counts); undefined when unreadable. */
  private alertsAt(chat: string): AlertsAt {
    let sub: AlertsAt;
    this.stored('getSubscription', () => (sub = this.state.subscription(chat)));
    return sub;
  }

  /** The store refused a write the lane needs before going on: the chat waits (in memory) and tries again. */
  private storeStall(e: OutboxEntry): void {
    e.nextAttemptAt = this.now() + this.backoff.baseMs;
  }
}
