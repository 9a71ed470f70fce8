/**
 * The deliver role (`liqbot start --role deliver --platform telegram|discord`): the outbox's delivery on the
 * PostgreSQL store, one active sender per bot token and any number of standbys. Only the holder of the lease
 * (a `leases` row: holder, fencing token, expiry on the database's clock) sends, so the platform's rate limit
 * holds across processes as it does in one.
 *
 * Fencing, in two layers:
 *  - before EVERY send the lease is checked and the entry claimed in one statement (`claimLeased`): a holder
 *    whose lease expired or was taken (a new token) claims nothing, stops and exits non-zero. A timer renews the
 *    lease every TTL/4 (renewing per send would serialise every send on the lease row's lock);
 *  - a request already claimed may wait in the pacer for its rate slot. Each Bot API request passes an HTTP
 *    agent that refuses it unless this process's own lease deadline (renewal start + TTL − margin, on the
 *    monotonic clock, which runs on while a process is SIGSTOPped) is still ahead. A standby takes the lease
 *    only after it expired in the database, after that deadline, so a paused-then-resumed old holder sends
 *    nothing once a standby could have taken over (the last check is in the socket's write: a stop in the few
 *    instructions after it can still let one request out, as no platform here takes a fencing token).
 *
 * Delivery itself follows the embedded outbox (alerts/outbox.ts), by the same rules (alerts/lane.ts): per chat
 * strictly in order, chats concurrently, claim before send, retry with backoff or the platform's retry-after, a
 * superseded cascade update dropped (by a later one or by its closing edit), a closing edit only ever an edit (dropped
 * where the chat has no running message, or the edit fails for good), an entry whose sends were interrupted twice
 * dropped, one the platform refused three times dropped (later alerts to the chat go on), one older than its use
 * dropped and one posted late saying so; one sent whose record the store refused is recorded later, never sent
 * again by this holder. A destination gone that is not where the chat's alerts post (a thread
 * answer's topic or channel, a target the chat has left) drops that entry alone. It wakes on NOTIFY from the core and
 * polls as well. What it learns about chats (a group upgraded: `chat.move`; a chat gone: `subscription.remove`, which
 * turns its alerts off with its settings kept) goes on the state stream for the core, never into the store from
 * here. Telegram groups' windows are shared with the gateways and the next holder (chat-windows.ts); Discord runs
 * REST only (adapters/discord/rest.ts). The holder also prunes the outbox past its retention. An alert the core
 * derived from a recorded day carries the rehearsal mark in its row and goes out with the single process's rehearsal
 * label (ops/rehearsal.ts).
 *
 * Before it stands by for the lease it asks the platform who the bot is (`reachPlatform`), as the embedded bot starts
 * its platforms (ops/platforms.ts): an API root that does not answer shows in `/healthz` as component
 * `chat:<platform>`, degraded with the reason, and is tried again; none reached within LIQBOT_GIVE_UP_S: exit 1. A token
 * the platform refuses is refused at once, naming the setting (exit 78).
 */
import http from 'node:http';
import https from 'node:https';
import type { Socket } from 'node:net';
import { TLSSocket } from 'node:tls';
import { hostname } from 'node:os';
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { ConfigError } from '../../config/load.js';
import type { ChatAdapter, DeliveryResult } from '../adapters/contract.js';
import { ChatApiError } from '../adapters/errors.js';
import type { TelegramLimits } from '../adapters/telegram/pacer.js';
import type { Env } from '../env.js';
import type { Services } from '../service.js';
import { Backoff, pause, untilAborted, type BackoffOptions } from '../feeds/backoff.js';
import { logger } from '../log.js';
import { Health } from '../ops/health.js';
import { settingsRefused } from '../ops/platforms.js';
import { renderAlert } from '../alerts/digest.js';
import { adoptedBy } from '../alerts/router.js';
import { entryReply, nothingToClose, outcome, precheck, Refusals, send, Unrecorded, type Drop, type LaneCounters, type Note } from '../alerts/lane.js';
import type { StateChange } from '../state/changes.js';
import { labelRehearsed } from '../ops/rehearsal.js';
import { textHash } from '../store/hash.js';
import { openPostgresStore, type Lease, type PostgresStore } from '../store/postgres.js';
import type { OutboxEntry } from '../store/store.js';
import { deliverLimits, pgChatWindows } from './chat-windows.js';
import { OUTBOX_CHANNEL } from './core.js';
import { StatePublisher } from './state.js';
import { connectBus, type Bus } from './stream.js';

const log = logger('bus:deliver');

export interface DeliverRoleOptions {
  /** `giveUpMs` (LIQBOT_GIVE_UP_S, default 300 s): how long the platform may stay unreachable before the role exits 1. */
  env: Pick<Env, 'databaseUrl' | 'natsUrl' | 'natsStream' | 'telegram' | 'discord'> & Partial<Pick<Env, 'giveUpMs'>>;
  platform?: string | undefined;
  signal: AbortSignal;
  /** Where the platform's state is reported, as component `chat:<platform>` (the role's /healthz). */
  health?: Health;
  /** The waits between tries at reaching the platform (default 2 s doubling to 60 s, the embedded bot's; tests shorten them). */
  platformBackoff?: BackoffOptions;
  /** How long a lease lasts without renewal (default 10 s): a standby takes over at most this long after a crash. */
  ttlMs?: number;
  /** How often a standby asks for the lease, and the idle holder polls the outbox (default 1 s). */
  pollMs?: number;
  /** Telegram's limits (tests scale them). */
  limits?: Partial<TelegramLimits>;
  /** Discord alert requests per second (default 40; tests scale it). */
  discordPerSecond?: number;
  /** Sent and dropped outbox rows older than this are deleted by the lease holder (config retention.outboxDays; default 7 days). */
  outboxRetentionMs?: number;
  /** How often the holder prunes the outbox (default hourly, and once on taking the lease). */
  pruneEveryMs?: number;
  /** Chats delivered to at once (default 64). */
  concurrency?: number;
  /** This process's name in the lease row (default host:pid:random). */
  holder?: string;
}

/** A socket whose writes check the fence (set once: a kept-alive socket carries many requests). */
const GUARDED = Symbol('fenced writes');
type Guarded = {
  [GUARDED]?: true;
  _write(chunk: unknown, encoding: BufferEncoding, cb: (err?: Error | null) => void): void;
  _writev?(chunks: { chunk: unknown; encoding: BufferEncoding }[], cb: (err?: Error | null) => void): void;
};

/** The error of a request the fence refused (nothing was written to the socket). */
export const FENCED = 'not sent: the lease was not renewed in time';

/** The lease as this process holds it, and the local deadline its requests are fenced with. */
export class Fence {
  /** Monotonic time (performance.now) until which a request may leave. */
  private deadline = -Infinity;
  constructor(
    private readonly ttlMs: number,
    private readonly marginMs: number,
  ) {}

  /** A renewal issued at `issuedAt` (monotonic) succeeded: the database's expiry is at least issuedAt + TTL. */
  renewed(issuedAt: number): void {
    this.deadline = Math.max(this.deadline, issuedAt + this.ttlMs - this.marginMs);
  }

  lost(): void {
    this.deadline = -Infinity;
  }

  valid(now = performance.now()): boolean {
    return now < this.deadline;
  }
}

/** How many requests a fence's agents refused before they left. */
export interface FenceCount {
  refused: number;
}

/**
 * An agent class (node's http.Agent or https.Agent) whose requests are refused once the fence's deadline passed:
 * the request errors at once with FENCED and nothing is written. Both kinds, since an API root may be either.
 */
function fenced<A extends typeof http.Agent>(Base: A) {
  const base = Base.prototype as unknown as { addRequest(r: http.ClientRequest, o: unknown): void };
  return class extends (Base as typeof http.Agent) implements FenceCount {
    refused = 0;
    constructor(
      private readonly fence: Fence,
      opts?: http.AgentOptions,
    ) {
      super({ keepAlive: true, ...opts });
    }

    addRequest(req: http.ClientRequest, options: unknown): void {
      if (!this.fence.valid()) {
        this.refused++;
        // As node's own agent fails a connection: the request errors (and closes) on the next tick. A bare
        // req.destroy() here would emit nothing until a socket came, and none will: the send would hang.
        (req as unknown as { onSocket(s: null, err: Error): void }).onSocket(null, new Error(FENCED));
        return;
      }
      // Checked again when the request gets its socket, in the same synchronous step that writes it out (and, for
      // a new connection, before the data buffered during the connect leaves): a process stopped between the
      // check above and the write must not send once it resumes.
      req.once('socket', (socket) => {
        this.guard(socket);
        if (!this.refuse(req)) return;
        if (socket.connecting) socket.prependOnceListener(socket instanceof TLSSocket ? 'secureConnect' : 'connect', () => void this.refuse(req));
      });
      base.addRequest.call(this, req, options);
    }

    /**
     * The last check, in the socket's own write, the step before the write system call: a process stopped after the
     * checks above (node runs some code between the 'socket' event and the write) and resumed once a standby holds
     * the lease writes nothing. What is left is the few instructions from here to the kernel: Discord and Telegram
     * take no fencing token, so no sender can close that.
     */
    private guard(socket: Socket): void {
      const s = socket as Socket & Guarded;
      if (s[GUARDED]) return;
      s[GUARDED] = true;
      const check = (cb: (err?: Error | null) => void): boolean => {
        if (this.fence.valid()) return true;
        this.refused++;
        cb(new Error(FENCED));
        return false;
      };
      const write = s._write;
      s._write = function (this: Socket, chunk, encoding, cb) {
        if (check(cb)) write.call(this, chunk, encoding, cb);
      };
      const writev = s._writev;
      if (writev) {
        s._writev = function (this: Socket, chunks, cb) {
          if (check(cb)) writev.call(this, chunks, cb);
        };
      }
    }

    /** Destroy the request when the fence's deadline passed; true when it may go on. */
    private refuse(req: http.ClientRequest): boolean {
      if (this.fence.valid()) return true;
      this.refused++;
      req.destroy(new Error(FENCED));
      return false;
    }
  };
}

/** An HTTP agent that refuses every request once the fence's deadline passed (the request errors, nothing is written). */
export const FencedAgent = fenced(http.Agent);
/** The same for HTTPS (Telegram's and Discord's real API roots). */
export const FencedHttpsAgent = fenced(https.Agent) as unknown as new (fence: Fence, opts?: https.AgentOptions) => https.Agent & FenceCount;

export interface DelivererCounters extends LaneCounters {
  /** Sends the fence refused before they left (the lease went unrenewed too long), tried again. */
  fenced: number;
}

/** Outbox delivery on the async store, every send behind the lease. */
export class Deliverer {
  readonly counters: DelivererCounters = { sent: 0, edited: 0, retried: 0, rateLimited: 0, dropped: 0, superseded: 0, unsubscribed: 0, fenced: 0 };
  private readonly queues = new Map<string, OutboxEntry[]>();
  private readonly lanes = new Map<string, Promise<void>>();
  private readonly inflight = new Set<number>();
  /** Entries sent whose `markSent` the store refused: never sent again by this holder, recorded at every read and before their chat's next send. */
  private readonly unrecorded = new Unrecorded();
  /** Entries the platform refused, and how many times (a new holder counts afresh; forgotten as each leaves its queue). */
  private readonly refusals = new Refusals();
  private stopped = false;
  private refreshing: Promise<void> | undefined;
  private again = false;
  private full = false;
  /** The highest outbox id read so far. */
  private maxId = 0;
  /** When the last whole read began (Date.now): the next poke at least `pollMs` later reads the whole outbox again. */
  private wholeAt = -Infinity;
  private wake: NodeJS.Timeout | undefined;
  private wakeAt = Infinity;
  /** Set once the lease is gone: nothing more is claimed or sent. */
  lostReason: string | undefined;
  private readonly lostWaiters: ((reason: string) => void)[] = [];

  constructor(
    private readonly opts: {
      store: PostgresStore;
      adapter: ChatAdapter;
      /** Where a chat that blocked the bot or was deleted is reported (the state stream: every core applies it). */
      state: { apply(change: StateChange): void };
      lease: Lease;
      fence: Fence;
      ttlMs: number;
      concurrency?: number;
      backoff?: { baseMs: number; maxMs: number };
      /** A poke reads the whole outbox again at least this long after the last whole read (default 1 s), NOTIFYs or not. */
      pollMs?: number;
    },
  ) {}

  /** Resolves with the reason once the lease is lost. */
  whenLost(): Promise<string> {
    if (this.lostReason) return Promise.resolve(this.lostReason);
    return new Promise((resolve) => this.lostWaiters.push(resolve));
  }

  lose(reason: string): void {
    if (this.lostReason) return;
    this.lostReason = reason;
    this.opts.fence.lost();
    this.stopped = true;
    for (const w of this.lostWaiters.splice(0)) w(reason);
  }

  /**
   * Read the outbox (debounced: calls while a read runs ask for one more read after it): the entries queued since the
   * last read (a NOTIFY), so a busy fan-out is not read again and again; the whole outbox, every pending entry this
   * deliverer does not hold, when `full`, at the first read, or when the last whole read is `pollMs` old, however many
   * NOTIFYs come (what a store's refusal let go, anything a read could not have seen).
   */
  poke(full = false): void {
    if (this.stopped) return;
    if (full) this.full = true;
    if (this.refreshing) {
      this.again = true;
      return;
    }
    const now = Date.now();
    const whole = this.full || this.maxId === 0 || now - this.wholeAt >= (this.opts.pollMs ?? 1_000);
    this.full = false;
    if (whole) this.wholeAt = now;
    this.refreshing = this.refresh(whole)
      .catch((err: unknown) => log.warn({ err: (err as Error).message }, 'could not read the outbox; trying again at the next poll'))
      .finally(() => {
        this.refreshing = undefined;
        if (this.again) {
          this.again = false;
          this.poke();
        }
      });
  }

  /** Stop starting sends; wait for the ones in flight. */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.wake) clearTimeout(this.wake);
    await this.refreshing;
    await Promise.allSettled([...this.lanes.values()]);
    // One last try at recording what went out (a lease already lost: they are the next holder's, as they stand).
    if (!this.lostReason) await this.record().catch(() => undefined);
  }

  /**
   * Record the sends whose `markSent` the store refused (the chat's, or all), oldest first; throws at the first the
   * store refuses again. `markSent` changes only a pending row, so one another holder recorded meanwhile stays as it is.
   */
  private async record(chat?: string): Promise<void> {
    for (const u of this.unrecorded.due(chat)) {
      await this.opts.store.markSent(u.id, u.messageRef);
      this.unrecorded.recorded(u.id);
    }
  }

  /** Entries waiting in memory or on the wire. */
  get busy(): number {
    let n = this.lanes.size;
    for (const q of this.queues.values()) n += q.length;
    return n;
  }

  private async refresh(whole: boolean): Promise<void> {
    // Sends the store did not record yet go first (a refusal again waits for the next read; the read goes on).
    if (this.unrecorded.size) {
      await this.record().catch((err: unknown) => log.warn({ err: (err as Error).message, unrecorded: this.unrecorded.size }, 'could not record sent alerts; trying again at the next read'));
    }
    // The outbox holds every platform's chats: another platform's are its own deliverer's (this adapter would call the
    // chat unreachable and turn its alerts off); they stay pending for it, however late it starts, and are not read here.
    // Every pending entry, due or not (as the embedded outbox reads them): a chat's queue holds its entries in id order,
    // so one waiting for its retry (a 429, a 5xx; one another holder left) holds the chat's later alerts back.
    const held = whole ? [...this.queues.values()].flatMap((q) => q.map((x) => x.id)).concat(this.unrecorded.ids()) : [];
    const pending = await this.opts.store.duePendingFor(this.opts.adapter.platform, Infinity, 50_000, whole ? 0 : this.maxId, held);
    const fresh = new Map<string, OutboxEntry[]>();
    for (const e of pending) {
      if (e.id > this.maxId) this.maxId = e.id;
      if (this.inflight.has(e.id) || this.unrecorded.has(e.id)) continue;
      let q = fresh.get(e.chat);
      if (!q) fresh.set(e.chat, (q = []));
      q.push(e);
    }
    for (const [chat, list] of fresh) {
      const cur = this.queues.get(chat);
      if (!cur) this.queues.set(chat, list);
      else merge(cur, list, this.lanes.has(chat));
    }
    this.fill();
  }

  private schedule(at: number): void {
    if (this.stopped || at >= this.wakeAt) return;
    if (this.wake) clearTimeout(this.wake);
    this.wakeAt = at;
    this.wake = setTimeout(() => {
      this.wake = undefined;
      this.wakeAt = Infinity;
      this.fill();
    }, Math.max(0, at - Date.now()));
    this.wake.unref();
  }

  private fill(): void {
    if (this.stopped) return;
    const now = Date.now();
    const limit = this.opts.concurrency ?? 64;
    for (const [chat, q] of this.queues) {
      if (this.lanes.size >= limit) break;
      if (this.lanes.has(chat) || q.length === 0) continue;
      if (q[0]!.nextAttemptAt > now) {
        this.schedule(q[0]!.nextAttemptAt);
        continue;
      }
      const lane = this.runLane(chat, q)
        .catch((err: unknown) => {
          // The store refused a write the lane needed: the chat waits 2 s and goes on from its first entry, its queue
          // kept, so an alert queued meanwhile still waits behind it. An entry whose send went out but whose `markSent`
          // was refused has left the queue (it is in `unrecorded`: recorded, never sent again); any other first entry
          // was not sent, or its outcome was not written, and is tried again (a claim never changes the status, so it
          // is claimed again while it is still pending).
          log.warn({ chat, err: (err as Error).message }, 'delivery paused for a chat: the store refused a write');
          const first = q[0];
          if (first) first.nextAttemptAt = Math.max(first.nextAttemptAt, Date.now() + 2_000);
        })
        .finally(() => {
          this.lanes.delete(chat);
          if (q.length === 0 && this.queues.get(chat) === q) this.queues.delete(chat);
          this.fill();
        });
      this.lanes.set(chat, lane);
    }
  }

  /** Deliver the chat's queue in order, every send behind the lease (alerts/lane.ts decides; this does the I/O). */
  private async runLane(chat: string, q: OutboxEntry[]): Promise<void> {
    const { store, adapter, lease, fence } = this.opts;
    const backoff = this.opts.backoff ?? { baseMs: 2_000, maxMs: 5 * 60_000 };
    while (q.length && !this.stopped) {
      // What went out to the chat is recorded before anything else is sent to it (a refusal: the chat waits, below).
      await this.record(chat);
      const e = q[0]!;
      const now = Date.now();
      if (e.nextAttemptAt > now) {
        this.schedule(e.nextAttemptAt);
        return;
      }
      const moot = precheck(q, now);
      if (moot) {
        await this.dropFirst(q, moot);
        continue;
      }
      let editRef = e.editKey ? await store.sentMessageRef(chat, e.editKey) : undefined;
      // A flush's start that took over a cascade posted moments before it edits that message, as the embedded outbox does.
      if (!editRef && adapter.editsInPlace !== false) for (const id of [...adoptedBy(e.alert)].reverse()) editRef ??= await store.sentMessageRef(chat, id);
      const nothing = nothingToClose(e, editRef);
      if (nothing) {
        await this.dropFirst(q, nothing);
        continue;
      }
      // The lease check and the claim, in one statement, before every send.
      const claim = await store.claimLeased(e.id, now, lease);
      if (claim === 'lost') return this.lose('the lease was taken or expired');
      if (!fence.valid()) {
        // The lease is still ours in the database but the renewal timer is late: wait for it rather than send unfenced.
        await store.markRetryLeased(e.id, now, FENCED, lease);
        this.counters.fenced++;
        this.schedule(Date.now() + 100);
        return;
      }
      if (claim === 'gone') {
        this.refusals.settle(q);
        continue;
      }
      this.inflight.add(e.id);
      let result: DeliveryResult;
      try {
        // An alert a core derived from a recorded day (`--role ingest --replay`) says so, as the single process's
        // rehearsal does. The entry's id names every attempt at it (Discord's nonce: a repeat posts once).
        // A group found upgraded to a supergroup: its chat.move goes on the stream, and the alert to the supergroup.
        const reply = entryReply(e, now, renderAlert, labelRehearsed);
        result = await send((to) => adapter.deliver(to, reply, editRef), e, now, (m) => {
          this.note(chat, m.note);
          this.opts.state.apply(m.change);
        });
      } finally {
        this.inflight.delete(e.id);
      }
      if (this.lostReason && !result.ok) return; // refused by the fence: the new holder sends it
      if (this.stopped && !result.ok) {
        // Let go by a stop while it waited for its turn: not an attempt; left for the next holder as it was.
        await store.markRetryLeased(e.id, e.nextAttemptAt, 'not sent: the deliverer stopped', lease);
        return;
      }
      if (!result.ok && result.error.includes(FENCED)) {
        // Refused before it left (the lease went unrenewed too long, e.g. a stalled loop): not an attempt, try again now.
        await store.markRetryLeased(e.id, e.nextAttemptAt, FENCED, lease);
        this.counters.fenced++;
        continue;
      }
      // Where the chat's alerts post, as the core stored it (asked only for a permanent failure; unreadable: none).
      const alertsAt = () => store.getSubscription(chat).catch(() => undefined);
      const o = await outcome(result, e, { refusals: this.refusals.of(e.id), alertsAt, now: Date.now(), backoff });
      if ('sent' in o) {
        this.counters[editRef ? 'edited' : 'sent']++;
        this.refusals.settle(q);
        try {
          await store.markSent(e.id, o.sent);
        } catch (err) {
          // It went out: it is never sent again by this holder, only recorded (by the next read, and before the
          // chat's next send). The chat waits 2 s, as for any write the store refused.
          this.unrecorded.sent(e, o.sent);
          throw err;
        }
      } else if ('drop' in o) {
        await this.dropFirst(q, o);
      } else if ('unsubscribe' in o) {
        this.note(chat, o.note);
        // What was queued for that destination goes; answers queued for other topics or channels are tried on their own.
        for (const x of this.refusals.settleFor(q, e.target)) await store.markDropped(x.id, o.unsubscribe);
        // On the stream: every core turns the chat's alerts off (settings kept), as the embedded StateWriter does.
        this.opts.state.apply({ kind: 'subscription.remove', chat });
        this.counters.unsubscribed++;
      } else {
        this.refusals.retry(e, o);
        this.counters[o.counts]++;
        await store.markRetryLeased(e.id, e.nextAttemptAt, o.error, lease);
        this.schedule(e.nextAttemptAt);
        return;
      }
    }
  }

  /** The chat's first entry leaves unsent: logged, its reason stored, counted. */
  private async dropFirst(q: OutboxEntry[], d: Drop): Promise<void> {
    const e = q[0]!;
    if (d.note) this.note(e.chat, d.note);
    await this.opts.store.markDropped(e.id, d.drop);
    if (d.counts) this.counters[d.counts]++;
    this.refusals.settle(q);
  }

  private note(chat: string, n: Note): void {
    log[n.level]({ chat, ...n.fields }, n.msg);
  }
}

/**
 * Entries read from the store into a chat's queue, in id order (the chat's order): one read late (a whole read finds
 * it behind entries queued since) goes before them. A running lane's first entry stays first: it is being sent.
 */
function merge(q: OutboxEntry[], read: readonly OutboxEntry[], running: boolean): void {
  const known = new Set(q.map((x) => x.id));
  const added = read.filter((x) => !known.has(x.id));
  if (added.length === 0) return;
  const keep = running ? Math.min(1, q.length) : 0;
  const rest = q.slice(keep).concat(added).sort((a, b) => a.id - b.id);
  q.splice(keep, q.length - keep, ...rest);
}

/** The lease's name: one per platform and bot token (the token itself never leaves the process). */
export function leaseName(platform: string, token: string): string {
  return `deliver:${platform}:${textHash(token).toString(36)}`;
}

/**
 * Load the platform's chat library and return how to make its adapter ready to send once the lease is held, every
 * request of it through agents fenced by the lease. Neither receives anything: Telegram's is never started (no
 * polling), Discord's runs REST only (no gateway session).
 */
async function adapterMaker(platform: 'telegram' | 'discord', token: string, store: PostgresStore, opts: DeliverRoleOptions): Promise<(fence: Fence) => Promise<ChatAdapter>> {
  if (platform === 'telegram') {
    const { createTelegramAdapter, TELEGRAM_LIMITS } = await import('../adapters/telegram/adapter.js');
    // The gateways' replies keep REPLY_SHARE of the bot's global 30/s; the alerts take the rest.
    const limits = deliverLimits({ ...TELEGRAM_LIMITS, ...opts.limits });
    // Each group's window is shared with the gateways' replies and with the next holder of the lease (a takeover
    // mid-burst never exceeds 20 a minute). A claimed slot counts as in flight for at most a sixth of the group window (10 s).
    const sharedWindows = pgChatWindows(store, limits, { flightMs: limits.group.windowMs / 6, maxWaitMs: limits.group.windowMs / 60 });
    // The services answer commands, and the adapter is never started: no update comes in, so none is read. A group
    // upgraded to a supergroup comes back in the delivery result instead, and the Deliverer publishes its chat.move.
    const services = {} as Services;
    const apiRoot = opts.env.telegram?.apiRoot;
    return async (fence) =>
      createTelegramAdapter({
        token,
        ...(apiRoot ? { apiRoot } : {}),
        services,
        agent: apiRoot?.startsWith('http:') ? new FencedAgent(fence) : new FencedHttpsAgent(fence),
        limits,
        sharedWindows,
      });
  }
  const { createDiscordRestAdapter } = await import('../adapters/discord/rest.js');
  const apiBase = opts.env.discord?.apiBase;
  return async (fence) => {
    const adapter = createDiscordRestAdapter({
      token,
      ...(apiBase ? { apiBase } : {}),
      agents: { http: new FencedAgent(fence), https: new FencedHttpsAgent(fence) },
      ...(opts.discordPerSecond ? { globalPerSecond: opts.discordPerSecond } : {}),
    });
    await adapter.start();
    return adapter;
  };
}

/** A try at reaching the platform that gets no answer within this long has failed (the embedded bot's start timeout). */
const REACH_TIMEOUT_MS = 60_000;

/**
 * Ask the platform who the bot is, as its adapter's start does, and nothing more: Telegram's `getMe` (the adapter's
 * start would also register the commands and take the updates, the gateways' work), Discord's `GET /users/@me` through
 * the REST adapter (no gateway session). Throws a sentence naming the setting to check.
 */
async function askWhoAmI(platform: 'telegram' | 'discord', token: string, opts: DeliverRoleOptions): Promise<void> {
  const signal = AbortSignal.any([opts.signal, AbortSignal.timeout(REACH_TIMEOUT_MS)]);
  if (platform === 'telegram') {
    // The URL as telegraf builds it (a self-hosted root may carry a path); telegraf itself lives in adapters/telegram.
    const url = new URL(`./bot${token}/getMe`, opts.env.telegram?.apiRoot ?? 'https://api.telegram.org');
    let res: Response;
    try {
      res = await fetch(url, { signal });
    } catch (err) {
      const e = err as Error & { cause?: Error };
      throw new Error(`Telegram: could not reach the bot (getMe: ${e.cause?.message ?? e.message}); check the network or TELEGRAM_API_ROOT`);
    }
    const body = (await res.json().catch(() => ({}))) as { ok?: boolean; description?: string };
    if (res.ok && body.ok) return;
    const answer = `getMe: ${res.status} ${body.description ?? res.statusText}`;
    // What the adapter says of the same answer: 401 and 404 are what a wrong token gets, refused for good (reachPlatform).
    if (res.status === 401 || res.status === 404) {
      const { tokenRefused } = await import('../adapters/telegram/adapter.js');
      throw new ChatApiError(tokenRefused(answer, opts.env.telegram?.apiRoot), 'telegram', 'unauthorized', { doing: 'getMe', status: res.status });
    }
    throw new Error(`Telegram: could not reach the bot (${answer}); check the network or TELEGRAM_API_ROOT`);
  }
  const { createDiscordRestAdapter } = await import('../adapters/discord/rest.js');
  const apiBase = opts.env.discord?.apiBase;
  // Plain agents: the lease is not held yet, and the question is not a send.
  const probe = createDiscordRestAdapter({ token, ...(apiBase ? { apiBase } : {}), agents: { http: new http.Agent(), https: new https.Agent() } });
  try {
    await Promise.race([probe.start(), new Promise((_, reject) => signal.addEventListener('abort', () => reject(new Error(`Discord: no answer within ${REACH_TIMEOUT_MS / 1000} s`)), { once: true }))]);
  } finally {
    await probe.stop();
  }
}

/**
 * Reach the platform, trying again with backoff, as ops/platforms.ts starts the embedded bot's: component
 * `chat:<platform>` degraded with the reason until it answers, then ok. True once reached; false when the signal
 * aborted or nothing answered within `giveUpMs` (the component failing: the caller exits 1, so a supervisor restarts
 * the process, as the embedded bot gives up). A token the platform refuses is not tried again: the component fails
 * and the refusal is thrown, a ConfigError naming the setting (exit 78), as the embedded bot refuses it.
 */
export async function reachPlatform(
  platform: 'telegram' | 'discord',
  ask: () => Promise<void>,
  o: { health: Health; giveUpMs: number; signal: AbortSignal; backoff?: BackoffOptions },
): Promise<boolean> {
  const component = `chat:${platform}`;
  const backoff = new Backoff({ baseMs: 2_000, maxMs: 60_000, ...o.backoff });
  const giveUpAt = performance.now() + o.giveUpMs;
  o.health.set(component, 'degraded', 'starting');
  while (!o.signal.aborted) {
    try {
      await ask();
    } catch (err) {
      if (o.signal.aborted) break;
      const reason = (err as Error).message;
      const refusal = settingsRefused(platform, err);
      if (refusal) {
        o.health.set(component, 'failing', `refused: ${reason}`);
        throw refusal;
      }
      const left = giveUpAt - performance.now();
      if (left <= 0) {
        const why = `could not be reached within ${Math.round(o.giveUpMs / 1000)} s (${reason})`;
        o.health.set(component, 'failing', why);
        log.error({ platform }, `${platform} ${why}; exiting so the supervisor restarts this deliverer`);
        return false;
      }
      const delay = Math.min(backoff.next(), left);
      o.health.set(component, 'degraded', `could not start: ${reason}; retrying in ${Math.round(delay / 1000)} s`);
      if (backoff.failures === 1) log.warn({ platform, err: reason, retryInMs: delay }, `${platform} could not be reached; standing by for the lease only once it answers`);
      else log.debug({ platform, err: reason, retryInMs: delay }, `${platform} still cannot be reached`);
      await pause(delay, o.signal);
      continue;
    }
    o.health.set(component, 'ok');
    log.info({ platform, attempts: backoff.failures + 1 }, `${platform} answered`);
    return true;
  }
  return false;
}

/**
 * Run the deliver role until the signal aborts (0), the lease is lost (1) or the platform could not be reached (1).
 * Throws a ConfigError (exit 78) when the platform refuses the token.
 */
export async function runDeliverRole(opts: DeliverRoleOptions): Promise<number> {
  const platform = opts.platform;
  if (platform !== 'telegram' && platform !== 'discord') throw new ConfigError('--role deliver needs --platform telegram or --platform discord');
  if (!opts.env.databaseUrl) throw new ConfigError('--role deliver needs LIQBOT_DATABASE_URL');
  if (!opts.env.natsUrl) {
    throw new ConfigError('--role deliver needs LIQBOT_NATS_URL: a chat that moved (a group upgraded) or blocked the bot is published on the state stream for the core to apply');
  }
  const token = platform === 'telegram' ? opts.env.telegram?.token : opts.env.discord?.token;
  if (!token) throw new ConfigError(`--role deliver --platform ${platform} needs ${platform === 'telegram' ? 'TELEGRAM_BOT_TOKEN' : 'DISCORD_TOKEN'}`);
  // Before the services: a deliverer that cannot reach its platform must not take the lease from one that can.
  const health = opts.health ?? new Health();
  const reached = await reachPlatform(platform, () => askWhoAmI(platform, token, opts), {
    health,
    giveUpMs: opts.env.giveUpMs ?? 300_000,
    signal: opts.signal,
    ...(opts.platformBackoff ? { backoff: opts.platformBackoff } : {}),
  });
  if (!reached) return opts.signal.aborted ? 0 : 1;
  const ttlMs = opts.ttlMs ?? 10_000;
  const pollMs = opts.pollMs ?? 1_000;
  const holder = opts.holder ?? `${hostname()}:${process.pid}:${randomBytes(3).toString('hex')}`;
  const name = leaseName(platform, token);
  const store = await openPostgresStore({ url: opts.env.databaseUrl, poolSize: 6 });
  const sleep = (ms: number) => pause(ms, opts.signal);
  let listener: pg.Client | undefined;
  let adapter: ChatAdapter | undefined;
  let deliverer: Deliverer | undefined;
  let bus: Bus | undefined;
  let state: StatePublisher | undefined;
  try {
    const stream = opts.env.natsStream ?? 'MKT';
    bus = await connectBus({ url: opts.env.natsUrl, stream, prefix: stream.toLowerCase(), name: `liqbot deliver ${platform}` });
    // Chat moves and chats gone are changes of state: published in order, applied by every core, never written here.
    state = new StatePublisher(bus, { source: `deliver-${platform}-${holder}` });
    // The chat library is loaded before the lease is taken: loading it must not eat into the lease's window.
    const makeAdapter = await adapterMaker(platform, token, store, opts);
    log.info({ holder, lease: name }, `deliver (${platform}) standing by for the lease`);
    let tokenNo: number | undefined;
    let issuedAt = 0;
    while (!opts.signal.aborted) {
      issuedAt = performance.now();
      tokenNo = await store.takeLease(name, holder, ttlMs).catch(() => undefined);
      if (tokenNo !== undefined) break;
      await sleep(pollMs);
    }
    if (tokenNo === undefined) return 0;
    const lease: Lease = { name, holder, token: tokenNo };
    // The margin covers the trip of the renewal and a slow timer; the standby takes over only after the expiry.
    const fence = new Fence(ttlMs, Math.min(ttlMs / 4, 1_000));
    fence.renewed(issuedAt);
    // The fencing token is no secret, but the logger redacts every key named `token`.
    log.info({ holder, fence: tokenNo }, `deliver (${platform}) holds the lease: sending`);
    adapter = await makeAdapter(fence);
    deliverer = new Deliverer({ store, adapter, state, lease, fence, ttlMs, pollMs, ...(opts.concurrency ? { concurrency: opts.concurrency } : {}) });
    listener = new pg.Client({ connectionString: opts.env.databaseUrl });
    listener.on('error', () => undefined);
    listener.on('notification', () => deliverer!.poke());
    await listener.connect();
    await listener.query(`LISTEN ${OUTBOX_CHANNEL}`);
    deliverer.poke();
    // The idle holder renews the lease and polls the outbox; a renewal refused means a standby took over.
    const retentionMs = opts.outboxRetentionMs ?? 7 * 86_400_000;
    const prune = async () => {
      const pruned = await store.pruneOutboxLeased(Date.now() - retentionMs, lease).catch((err: unknown) => {
        log.warn({ err: (err as Error).message }, 'could not prune the outbox; trying again at the next round');
        return 0;
      });
      if (pruned === 'lost') deliverer!.lose('the lease was taken or expired');
      else if (pruned > 0) log.info({ pruned, retentionDays: Math.round(retentionMs / 86_400_000) }, 'outbox pruned: sent and dropped alerts past retention');
    };
    await prune();
    const heartbeat = async () => {
      let polled = performance.now();
      let pruned = performance.now();
      while (!opts.signal.aborted && !deliverer!.lostReason) {
        await sleep(Math.min(pollMs, ttlMs / 4));
        if (opts.signal.aborted || deliverer!.lostReason) break;
        const at = performance.now();
        const ok = await store.renewLease(lease, ttlMs).catch(() => undefined);
        if (ok === false) deliverer!.lose('the lease was taken or expired');
        else if (ok) fence.renewed(at);
        // New rows come with a NOTIFY; the poll catches a NOTIFY missed (a reconnect), and reads the whole outbox again.
        if (performance.now() - polled >= pollMs) {
          polled = performance.now();
          deliverer!.poke();
        }
        if (performance.now() - pruned >= (opts.pruneEveryMs ?? 3_600_000)) {
          pruned = performance.now();
          await prune();
        }
      }
    };
    const beating = heartbeat();
    const reason = await Promise.race([deliverer.whenLost(), untilAborted(opts.signal).then(() => undefined)]);
    if (reason) {
      log.error({ holder, reason, ...deliverer.counters }, 'deliver lost its lease: sending nothing more (the supervisor restarts this process as a standby)');
      setTimeout(() => process.exit(1), 2_000).unref();
    }
    // Sends waiting in the pacer for a rate slot (a group's minute) are let go first: stopping the adapter rejects
    // them, and the rows stay pending for the next holder, so a stop never waits on a platform that is away.
    const stopping = deliverer.stop();
    await adapter.stop().catch(() => undefined);
    await stopping;
    await beating;
    return reason ? 1 : 0;
  } finally {
    if (deliverer) log.info({ ...deliverer.counters }, 'deliver stopped');
    await adapter?.stop().catch(() => undefined);
    // Changes not yet stored are retried a few seconds more (a stream that is down would hold the stop forever).
    if (state) await Promise.race([state.stop(), new Promise((resolve) => setTimeout(resolve, 5_000).unref())]);
    await bus?.close().catch(() => undefined);
    await listener?.end().catch(() => undefined);
    await store.close().catch(() => undefined);
  }
}
