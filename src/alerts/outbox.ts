/**
 * The durable outbox: every alert is stored before it is sent, then delivered per chat in order, retried
 * with backoff (honouring a platform's retry-after), edited in place for a running cascade (and, at its end, edited
 * one last time into its closed form: an edit only, dropped where the chat has no running message), and dropped only
 * when the chat is gone (which turns its alerts off, settings kept), its destination is gone (a thread answer to a
 * deleted topic or channel: that entry alone), the platform refused it three times (that entry alone, so later ones
 * flow), or it is older than its use (see FRESH_MS). Chats are served concurrently; one slow or failing chat never
 * holds up the others. After a restart, whatever was pending is delivered.
 *
 * Routing one alert to tens of thousands of chats is done in bounded slices of subscriptions, yielding to the
 * event loop between them (commands and feeds keep flowing); publishes are sliced in the order they came, so each
 * chat still gets its alerts in order.
 */
import type { ChatAdapter } from '../adapters/contract.js';
import type { Platform } from '../../commands/types.js';
import type { Alert, AlertKind } from '../core/alerts.js';
import { toned, type Reply } from '../replies/reply.js';
import { logger } from '../log.js';
import { StoreFaults } from '../store/faults.js';
import type { OutboxEntry, Store, Subscription } from '../store/store.js';
import { backoffDelay } from '../feeds/backoff.js';
import { StateWriter } from '../state/writer.js';
import { countWanted, isClosingEdit, isUpdate, route, RunningTallies, THREAD_ANSWER, type Reached, type ThreadOf } from './router.js';
import { threadAnswer } from '../replies/proposals.js';
import { runningClosedReply } from '../replies/alerts.js';
import { renderAlert } from './digest.js';

const log = logger('outbox');

export interface OutboxOptions {
  store: Store;
  adapters: Partial<Record<Platform, ChatAdapter>>;
  now?: () => number;
  /** Chats delivered to at the same time (each chat stays strictly in order). */
  concurrency?: number;
  backoff?: { baseMs: number; maxMs: number };
  /** Alerts older than this are dropped instead of being sent late (each kind's own limit, FRESH_MS, applies too). */
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
  /** A running message's closing edit, from its end (default: replies/alerts.ts). */
  renderClosed?: (a: Alert) => Reply;
}

/** A publish being routed: its alerts, the subscriptions as they were, how far it got, and what its cascades had reached. */
interface Routing {
  alerts: readonly Alert[];
  subs: readonly Subscription[];
  next: number;
  now: number;
  reached: Reached;
}

/** Alerts held in memory at most while the store refuses them (the oldest are given up first). */
const MAX_HELD_ALERTS = 10_000;

/**
 * Sends the platform refused (a 4xx that is neither a rate limit nor the chat gone: a message too long, a closed
 * topic, an invalid form body) before the entry is given up: what it refused three times it would refuse again.
 */
const MAX_REFUSALS = 3;

/**
 * How long after it was raised an alert is still worth posting, by kind (at most `staleMs`): a running cascade's or
 * flush's start and updates say "running now", moot an hour on (its end is a post of its own); a level break, a chop
 * notice or an end says what happened, misleading when it arrives many hours late.
 */
const FRESH_MS: Partial<Record<AlertKind, number>> = {
  cascade: 3_600_000,
  cascade_update: 3_600_000,
  market_flush: 3_600_000,
  market_flush_update: 3_600_000,
  cascade_end: 6 * 3_600_000,
  market_flush_end: 6 * 3_600_000,
  level_break: 6 * 3_600_000,
  level_chop: 6 * 3_600_000,
};

/**
 * What makes one entry's sends one send to a platform that deduplicates (Discord's nonce): its id, with its creation
 * time, since ids start again at 1 in a new database (a rehearsal's, a restore) while the platform remembers a nonce
 * for minutes. Stored, so the same across retries and restarts.
 */
export function idempotencyKey(e: Pick<OutboxEntry, 'id' | 'createdAt'>): string {
  return `${e.id}:${e.createdAt}`;
}

/** An alert posted this long after it was raised says so (a line on top), so nobody reads it as news of now. */
const LATE_MS = 15 * 60_000;

/** How long an alert of this kind is worth posting after it was raised (FRESH_MS, at most `staleMs`). */
export function freshFor(kind: AlertKind, staleMs: number): number {
  return Math.min(staleMs, FRESH_MS[kind] ?? Infinity);
}

/**
 * How long an entry is worth delivering after it was raised: its kind's use (freshFor), except a running message's
 * closing edit, worth it as long as any entry (`staleMs`): late, it corrects a message still reading "running".
 */
export function freshForEntry(e: Pick<OutboxEntry, 'alert' | 'alertKey'>, staleMs: number): number {
  return isClosingEdit(e) ? staleMs : freshFor(e.alert.kind, staleMs);
}

/**
 * Why the chat's first entry, a running message's update, is moot (undefined: it is not): a later update of the same
 * message is queued behind it, or the message's closing edit (its end came).
 */
export function supersededBy(q: readonly OutboxEntry[]): string | undefined {
  const e = q[0];
  if (!e?.editKey || !isUpdate(e.alert)) return undefined;
  for (let i = 1; i < q.length; i++) {
    const x = q[i]!;
    if (x.editKey !== e.editKey) continue;
    if (isUpdate(x.alert)) return 'superseded by a later update';
    if (isClosingEdit(x)) return 'superseded by its closing edit';
  }
  return undefined;
}

/**
 * A closing edit that failed is dropped at once (the chat's alerts go on, nothing is unsubscribed) when sending it
 * again cannot help: the message is gone (a moderator deleted it), the platform refused the edit, or the chat is gone
 * (its next alert finds that out). A rate limit or an outage is waited out like any entry's.
 */
export function closingGivenUp(result: { permanent: boolean; retryAfterMs?: number; error: string; kind?: string }): boolean {
  return result.permanent || result.kind === 'edit_target_gone' || refusedRequest(result);
}

/** The drop reason of a closing edit with nothing to edit: the chat never had the running message (or it was not sent). */
export const NOTHING_TO_CLOSE = 'no running message to close';

/** The reply as posted `lateMs` after its alert was raised: past LATE_MS, a first line says how late it is. */
export function postedLate(reply: Reply, lateMs: number): Reply {
  if (lateMs <= LATE_MS) return reply;
  const m = Math.round(lateMs / 60_000);
  const late = m < 60 ? `${m}m` : `${Math.floor(m / 60)}h${m % 60 ? ` ${m % 60}m` : ''}`;
  return { ...reply, blocks: [[[toned(`⏱ Posted ${late} late: it could not be delivered until now`, 'muted')]], ...reply.blocks] };
}

/**
 * The platform refused this request itself (a 4xx that is not a rate limit, a refused token or the chat gone): sent
 * again unchanged it is refused again. The adapters' ChatApiError kind (`rejected`, `bad_markup`) when the result
 * carries it; otherwise the HTTP status their messages start with (`Telegram deliver: 400 Bad Request: …`,
 * `Discord deliver: 400 Invalid Form Body (code 50035)`). 5xx, network errors and stops are not refusals.
 */
export function refusedRequest(result: { retryAfterMs?: number; error: string; kind?: string }): boolean {
  if (result.retryAfterMs !== undefined) return false;
  if (result.kind !== undefined) return result.kind === 'rejected' || result.kind === 'bad_markup';
  const status = /^(?:Telegram|Discord) [^:]*: (4\d\d)\b/.exec(result.error)?.[1];
  // 401 and 404 are what a wrong token or API root answers to everything (not this request); a 403 that is the chat
  // gone is permanent, and Discord's refused token comes with a wait, so a 403 here is this channel refusing it.
  return status !== undefined && !['401', '404', '429'].includes(status);
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
  /** Chats without a lane whose first entry is due: the ones fill() starts lanes for (insertion order). */
  private readonly ready = new Set<string>();
  /** Chats without a lane waiting for their first entry's time, earliest first (stale entries are checked when due). */
  private readonly waiting = new WaitHeap();
  /** The largest tally each running cascade or flush reached in what was published, until its end. */
  private readonly running = new RunningTallies();
  /** Entries the platform refused, and how many times (given up at MAX_REFUSALS). */
  private readonly refusals = new Map<number, number>();

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
      // The settings as last changed: one the store has not taken yet (held by the write path) counts already.
      if (!this.stored('listSubscriptions', () => (subs = this.state.listSubscriptions()))) {
        this.countHeld();
        return 0;
      }
      job = { alerts: this.held, subs, next: 0, now: this.now(), reached: this.running.reach(this.held) };
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
    return queued + (job.next < job.subs.length ? countWanted(job.alerts, job.subs.slice(job.next), job.reached) : 0);
  }

  /**
   * Route and store the next slice of the oldest routing, and hand its entries to the chats' queues. Returns how
   * many were queued, or undefined when the store refused them (the slice is tried again later).
   */
  private routeSlice(job: Routing): number | undefined {
    const subs = job.subs.slice(job.next, job.next + this.sliceSize);
    const entries = route(job.alerts, subs, job.now, this.opts.threadOf, job.reached);
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
      // A cascade still pending after a restart: its end is held against what it reached.
      if (e.alert.kind === 'cascade' || isUpdate(e.alert) || e.alert.kind === 'market_flush') this.running.note(e.alert);
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

  private async runLane(chat: string, q: OutboxEntry[]): Promise<void> {
    while (q.length && !this.stopped) {
      const e = q[0]!;
      const now = this.now();
      if (e.nextAttemptAt > now) return; // the chat waits (park) for its time
      // A later update of the same running cascade, or its closing edit, makes this one moot.
      const superseded = supersededBy(q);
      if (superseded) {
        if (!this.stored('markDropped', () => this.store.markDropped(e.id, superseded))) return this.storeStall(e);
        this.counters.superseded++;
        this.refusals.delete(e.id);
        q.shift();
        continue;
      }
      // Two sends already may have reached the chat (each interrupted before its outcome was recorded): a
      // third could only be a duplicate too many.
      if ((e.unconfirmed ?? 0) >= 2) {
        log.warn({ chat, alert: e.alertKey }, 'alert dropped: two sends of it were interrupted (a crash, or a store refusing the outcome) and may both have arrived');
        if (!this.stored('markDropped', () => this.store.markDropped(e.id, 'interrupted twice'))) return this.storeStall(e);
        this.counters.dropped++;
        this.refusals.delete(e.id);
        q.shift();
        continue;
      }
      if (now - e.createdAt > freshForEntry(e, this.staleMs)) {
        log.warn({ chat, alert: e.alertKey, kind: e.alert.kind, ageMin: Math.round((now - e.createdAt) / 60_000) }, 'alert dropped: undeliverable until it was too old to post');
        if (!this.stored('markDropped', () => this.store.markDropped(e.id, 'stale'))) return this.storeStall(e);
        this.counters.dropped++;
        this.refusals.delete(e.id);
        q.shift();
        continue;
      }
      const adapter = this.adapterFor(chat);
      if (!adapter) {
        // The platform is not running (no token): keep the entry for when it is.
        this.stored('markRetry', () => this.store.markRetry(e.id, now + this.backoff.maxMs, 'platform not running'));
        e.nextAttemptAt = now + this.backoff.maxMs;
        return;
      }
      let editRef: string | undefined;
      if (e.editKey) {
        const editKey = e.editKey;
        for (const u of this.unrecorded.values()) if (u.chat === chat && u.editKey === editKey) editRef = u.messageRef;
        if (!editRef && !this.stored('sentMessageRef', () => (editRef = this.store.sentMessageRef(chat, editKey)))) return this.storeStall(e);
      }
      const closing = isClosingEdit(e);
      if (closing && !editRef) {
        // The chat never had the running message (it subscribed after the start, or the start was dropped): an edit
        // only, never a new post.
        log.debug({ chat, alert: e.alertKey }, 'closing edit skipped: the chat has no running message');
        if (!this.stored('markDropped', () => this.store.markDropped(e.id, NOTHING_TO_CLOSE))) return this.storeStall(e);
        this.refusals.delete(e.id);
        q.shift();
        continue;
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
        const to = { chat, idempotencyKey: idempotencyKey(e), ...(e.target !== undefined ? { target: e.target } : {}), ...(e.replyTo !== undefined ? { replyTo: e.replyTo } : {}), ...(closing ? { editOnly: true } : {}) };
        // A closing edit delivered late just edits: no "posted late" line on a message that was on time.
        if (closing) result = await adapter.deliver(to, (this.opts.renderClosed ?? runningClosedReply)(e.alert), editRef);
        else {
          const reply = e.alertKey.endsWith(THREAD_ANSWER) ? (this.opts.renderThreadAnswer ?? threadAnswer)(e.alert) : this.render(e.alert);
          result = await adapter.deliver(to, postedLate(reply, now - e.createdAt), editRef);
        }
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
        this.refusals.delete(e.id);
        q.shift();
        continue;
      }
      if (closing && closingGivenUp(result)) {
        log.info({ chat, alert: e.alertKey, error: result.error }, "running message not closed (deleted, or the edit refused): left as it was; the chat's alerts go on");
        if (!this.stored('markDropped', () => this.store.markDropped(e.id, `not closed: ${result.error}`))) return this.storeStall(e);
        this.refusals.delete(e.id);
        this.counters.dropped++;
        q.shift();
        continue;
      }
      if (result.permanent) {
        this.refusals.delete(e.id);
        if (!this.isAlertTarget(chat, e)) {
          // A thread answer in a deleted topic or channel, or an alert queued for a target the chat has left since:
          // that destination is gone, not the chat.
          log.warn({ chat, target: e.target, alert: e.alertKey, error: result.error }, "alert dropped: its destination is gone (a deleted topic or channel, or no right to post there); the chat's alerts go on");
          if (!this.stored('markDropped', () => this.store.markDropped(e.id, result.error))) return this.storeStall(e);
          this.counters.dropped++;
          q.shift();
          continue;
        }
        log.warn({ chat, target: e.target, error: result.error }, 'chat unreachable (bot removed or blocked, or its alerts channel gone): its alerts are turned off, its settings kept for /alerts on');
        // What was queued for that destination goes; answers queued for other topics or channels are tried on their own.
        const rest = q.filter((x) => x.target !== e.target);
        for (const x of q) {
          if (x.target !== e.target) continue;
          this.stored('markDropped', () => this.store.markDropped(x.id, result.error));
          this.refusals.delete(x.id);
        }
        q.splice(0, q.length, ...rest);
        this.state.apply({ kind: 'subscription.remove', chat });
        this.counters.unsubscribed++;
        continue;
      }
      if (refusedRequest(result)) {
        const n = (this.refusals.get(e.id) ?? 0) + 1;
        if (n >= MAX_REFUSALS) {
          log.warn({ chat, alert: e.alertKey, error: result.error, refusals: n }, 'alert dropped: the platform refused it every time; later alerts to the chat go on');
          if (!this.stored('markDropped', () => this.store.markDropped(e.id, `refused ${n} times: ${result.error}`))) return this.storeStall(e);
          this.refusals.delete(e.id);
          this.counters.dropped++;
          q.shift();
          continue;
        }
        this.refusals.set(e.id, n);
      }
      e.attempts++;
      if (result.retryAfterMs !== undefined) this.counters.rateLimited++;
      else this.counters.retried++;
      const delay = result.retryAfterMs ?? backoffDelay(e.attempts - 1, this.backoff);
      e.nextAttemptAt = this.now() + delay;
      this.stored('markRetry', () => this.store.markRetry(e.id, e.nextAttemptAt, result.error));
      return;
    }
  }

  /**
   * Whether an entry went where the chat's alerts post now: not a thread answer (those go to a proposal's topic or
   * channel), and for the chat's current target (an alert queued before the target moved went elsewhere). A chat
   * whose settings cannot be read is taken at its entry's word.
   */
  private isAlertTarget(chat: string, e: OutboxEntry): boolean {
    if (e.alertKey.endsWith(THREAD_ANSWER)) return false;
    let sub: Subscription | undefined;
    if (!this.stored('getSubscription', () => (sub = this.state.subscription(chat)))) return true;
    return sub === undefined || sub.target === e.target;
  }

  /** The store refused a write the lane needs before going on: the chat waits (in memory) and tries again. */
  private storeStall(e: OutboxEntry): void {
    e.nextAttemptAt = this.now() + this.backoff.baseMs;
  }
}
