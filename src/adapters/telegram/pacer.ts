/**
 * Pacing within Telegram's published limits: about 30 messages per second overall, one per second per chat,
 * 20 per minute per group. Every message takes a token from the global budget, its chat's and (negative chat
 * ids: groups, supergroups, channels) its group's; each token comes back one window (plus a small margin)
 * after Telegram *answered*, so no window of Telegram's ever holds more than the limit, however slow the
 * machine or the network (src/alerts/pacing.ts).
 *
 * Who goes first. Within a chat, one message at a time, in this order: the rest of a reply already begun
 * (`continuation`), then alerts, then members' replies taken round-robin, one per member in turn, so a member
 * who sends many commands never queues ahead of an alert or of another member's command. Across chats, chats
 * with a member waiting for an answer and alert fan-out take the global budget in turn, one message each, each
 * class first come, first served; a class with nothing ready leaves its turn to the other. Neither starves: during
 * a crash, when everyone types /liqs, replies no longer hold back the alerts (strict precedence sent 30 of 600 in a
 * minute with 90 busy groups), and an answer still gets at least half the budget however large the fan-out.
 *
 * @example
 *   const pacer = new Pacer(scaleLimits(10)); // 10× Telegram's rates, for tests
 *   await pacer.run(-1001234, 'alert', () => telegram.sendMessage(-1001234, html));
 *   await pacer.run(-1001234, 'reply', () => telegram.sendMessage(-1001234, answer), 'user:42');
 */
import { PacerStoppedError, systemClock, WindowBudget, type Clock, type RateWindow } from '../../alerts/pacing.js';

export type { RateWindow } from '../../alerts/pacing.js';

export interface TelegramLimits {
  /** All chats together (Telegram: ~30 per second). */
  global: RateWindow;
  /** One chat (Telegram: ~1 per second). */
  chat: RateWindow;
  /** One group, supergroup or channel (Telegram: 20 per minute). */
  group: RateWindow;
  /**
   * Added to every window before a token returns. Counting from the answer already makes the request's whole
   * trip slack (Telegram saw it no later than it answered), so the margin only covers Node's timers: they count in
   * whole milliseconds of the loop's clock and drop a delay's fraction, so one can fire up to 2 ms before
   * `performance.now()` says it is due. Each millisecond of margin costs 0.1% of the rate at Telegram's 1 s
   * window (the 20 ms before cost 2%, issue 20). Not scaled: the timers' rounding is not.
   */
  marginMs: number;
}

export const TELEGRAM_LIMITS: Readonly<TelegramLimits> = Object.freeze({
  global: { messages: 30, windowMs: 1_000 },
  chat: { messages: 1, windowMs: 1_000 },
  group: { messages: 20, windowMs: 60_000 },
  marginMs: 5,
});

/** Telegram's limits `factor` times faster (windows divided by `factor`), the same shape: for tests and benchmarks. */
export function scaleLimits(factor: number, base: TelegramLimits = TELEGRAM_LIMITS): TelegramLimits {
  const scale = (w: RateWindow): RateWindow => ({ messages: w.messages, windowMs: w.windowMs / factor });
  return { global: scale(base.global), chat: scale(base.chat), group: scale(base.group), marginMs: base.marginMs };
}

/** The rest of a reply already begun, an alert, or a member's reply (see the module's first lines). */
export type SendPriority = 'continuation' | 'alert' | 'reply';

/** The longest a 429's retry_after holds a chat's lane here; the outbox is told the full wait anyway. */
const MAX_HOLD_MS = 10 * 60_000;

/** Negative ids are groups, supergroups and channels; positive ones private chats. */
export function isGroupChat(chatId: number | string): boolean {
  return typeof chatId === 'number' ? chatId < 0 : chatId.startsWith('-') || chatId.startsWith('@');
}

interface Job {
  priority: SendPriority;
  send: () => Promise<unknown>;
  resolve: (v: unknown) => void;
  reject: (e: unknown) => void;
}

/** One chat: its budgets, whether a message is on the wire, and what waits, by kind. */
class Lane {
  busy = false;
  heldUntil = 0;
  /** Which class queue holds this lane now (it is never in both). */
  queued: 'interactive' | 'bulk' | undefined;
  readonly continuations: Job[] = [];
  readonly alerts: Job[] = [];
  /** Member → their waiting replies; Map order is the round-robin turn. */
  readonly members = new Map<string, Job[]>();
  constructor(
    readonly key: string,
    readonly chat: WindowBudget,
    readonly group: WindowBudget | undefined,
  ) {}

  get waiting(): number {
    let n = this.continuations.length + this.alerts.length;
    for (const q of this.members.values()) n += q.length;
    return n;
  }

  /** Chats where someone waits for an answer take turns with alert fan-out (see `Pacer.pick`). */
  get klass(): 'interactive' | 'bulk' {
    return this.continuations.length || this.members.size ? 'interactive' : 'bulk';
  }

  next(): Job | undefined {
    if (this.continuations.length) return this.continuations.shift();
    if (this.alerts.length) return this.alerts.shift();
    for (const [member, q] of this.members) {
      const job = q.shift()!;
      this.members.delete(member);
      if (q.length) this.members.set(member, q); // back of the line
      return job;
    }
    return undefined;
  }
}

/** A FIFO of lanes that tolerates removal by flag (a lane popped when it is not ready is simply dropped). */
class LaneQueue {
  private items: Lane[] = [];
  private head = 0;
  push(l: Lane): void {
    this.items.push(l);
  }
  shift(): Lane | undefined {
    if (this.head >= this.items.length) return undefined;
    const l = this.items[this.head++];
    if (this.head > 1024 && this.head * 2 > this.items.length) {
      this.items = this.items.slice(this.head);
      this.head = 0;
    }
    return l;
  }
  get length(): number {
    return this.items.length - this.head;
  }
}

export class Pacer {
  private readonly global: WindowBudget;
  private readonly lanes = new Map<string, Lane>();
  private readonly interactive = new LaneQueue();
  private readonly bulk = new LaneQueue();
  private readonly holds = new Set<() => void>();
  /** The class whose turn the next global slot is: a tie goes to the member waiting, then the classes alternate. */
  private turn: 'interactive' | 'bulk' = 'interactive';
  private onWire = 0;
  private stopped = false;

  constructor(
    readonly limits: TelegramLimits,
    private readonly clock: Clock = systemClock,
  ) {
    this.global = new WindowBudget(limits.global, limits.marginMs, clock, () => this.pump());
    // Checked here so a bad limit fails at start-up, not on the first group message.
    new WindowBudget(limits.chat, 0, clock, () => undefined);
    new WindowBudget(limits.group, 0, clock, () => undefined);
  }

  /**
   * Send one message to a chat when every limit allows and its turn comes; resolves or rejects with what `send`
   * does. `member` (who asked) puts a reply in that member's turn; alerts and continuations need none.
   */
  run<T>(chatId: number | string, priority: SendPriority, send: () => Promise<T>, member = ''): Promise<T> {
    if (this.stopped) return Promise.reject(new PacerStoppedError('The Telegram pacer has been stopped.'));
    const lane = this.lane(String(chatId), isGroupChat(chatId));
    return new Promise<T>((resolve, reject) => {
      const job: Job = { priority, send, resolve: resolve as (v: unknown) => void, reject };
      if (priority === 'continuation') lane.continuations.push(job);
      else if (priority === 'alert') lane.alerts.push(job);
      else {
        const q = lane.members.get(member);
        if (q) q.push(job);
        else lane.members.set(member, [job]);
      }
      this.enqueue(lane);
      this.pump();
    });
  }

  /** Send nothing more to this chat for `ms`: Telegram answered 429, or a reply's next message waits to be tried again. */
  holdChat(chatId: number | string, ms: number): void {
    if (this.stopped || !(ms > 0)) return;
    const lane = this.lane(String(chatId), isGroupChat(chatId));
    const until = this.clock.now() + Math.min(ms, MAX_HOLD_MS);
    if (until <= lane.heldUntil) return;
    lane.heldUntil = until;
    const cancel = this.clock.after(until - this.clock.now(), () => {
      this.holds.delete(cancel);
      // The hold is over when its timer fires, even if the wall clock reads a millisecond short of `until` (timers
      // and Date.now() round differently): left as it was, the lane would never be ready again and its chat would
      // wait forever. A later, longer hold has its own timer.
      if (lane.heldUntil === until) lane.heldUntil = 0;
      this.enqueue(lane);
      this.forget(lane);
      this.pump();
    });
    this.holds.add(cancel);
  }

  /** Messages waiting for their turn. */
  queued(): number {
    let n = 0;
    for (const l of this.lanes.values()) n += l.waiting;
    return n;
  }

  /** Messages sent and not yet answered. */
  get inflight(): number {
    return this.onWire;
  }

  /** Drop what waits (those sends reject with PacerStoppedError), let what is on the wire finish, release every timer. */
  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    const error = new PacerStoppedError('Telegram adapter stopped before this message was sent.');
    for (const lane of this.lanes.values()) {
      for (let job = lane.next(); job; job = lane.next()) job.reject(error);
      lane.chat.clear();
      lane.group?.clear();
    }
    this.lanes.clear();
    this.global.clear();
    for (const cancel of this.holds) cancel();
    this.holds.clear();
  }

  private lane(key: string, group: boolean): Lane {
    let lane = this.lanes.get(key);
    if (!lane) {
      const ready = () => {
        this.enqueue(lane!);
        this.forget(lane!);
        this.pump();
      };
      const { chat, group: g, marginMs } = this.limits;
      lane = new Lane(key, new WindowBudget(chat, marginMs, this.clock, ready), group ? new WindowBudget(g, marginMs, this.clock, ready) : undefined);
      this.lanes.set(key, lane);
    }
    return lane;
  }

  /** Whether the lane may start its next message now (the global budget is checked by the pump). */
  private ready(lane: Lane): boolean {
    return !lane.busy && lane.waiting > 0 && lane.chat.free > 0 && (lane.group?.free ?? 1) > 0 && lane.heldUntil <= this.clock.now();
  }

  private enqueue(lane: Lane): void {
    if (this.stopped || !this.ready(lane)) return;
    const klass = lane.klass;
    if (lane.queued === klass) return;
    // A lane that moves class (a reply arrived behind its alerts) is found in the new queue; the stale entry is skipped.
    lane.queued = klass;
    (klass === 'interactive' ? this.interactive : this.bulk).push(lane);
  }

  /** Start messages while the global budget has tokens, the two classes in turn (see `pick`). */
  private pump(): void {
    while (!this.stopped && this.global.free > 0) {
      const lane = this.pick();
      if (!lane) return;
      this.start(lane, lane.next()!);
    }
  }

  /**
   * The next lane to send, from the class whose turn it is, else from the other; the turn then passes to the class
   * not served. So while both wait, every other global slot is an alert: half of the ~28 a second the budget gives
   * (tokens come back a window after the answer) sends 600 chats' alerts in about 40 s however many groups are
   * busy, where a third, on paper just enough for a minute, sent 590. The other half bounds a new command's wait by
   * the chats with answers ahead of it, about one second per 14 (90 busy groups: 6.4 s, 3.2 once the fan-out is
   * done). A class with nothing ready leaves its slot to the other, so a quiet moment wastes no budget.
   */
  private pick(): Lane | undefined {
    const first = this.turn;
    for (const klass of [first, first === 'interactive' ? 'bulk' : 'interactive'] as const) {
      const queue = klass === 'interactive' ? this.interactive : this.bulk;
      for (let lane = queue.shift(); lane; lane = queue.shift()) {
        if (lane.queued !== klass) continue; // stale entry: the lane moved class
        lane.queued = undefined;
        if (!this.ready(lane) || this.lanes.get(lane.key) !== lane) continue;
        this.turn = klass === 'interactive' ? 'bulk' : 'interactive';
        return lane;
      }
    }
    return undefined;
  }

  private start(lane: Lane, job: Job): void {
    lane.busy = true;
    this.onWire++;
    const answered = [this.global.take(), lane.chat.take(), ...(lane.group ? [lane.group.take()] : [])];
    let p: Promise<unknown>;
    try {
      p = job.send();
    } catch (err) {
      p = Promise.reject(err);
    }
    p.then(job.resolve, job.reject).finally(() => {
      this.onWire--;
      for (const done of answered) done();
      // The lane frees on the next turn of the event loop, so the next part of a reply (sent as soon as this one
      // is answered) is queued before the lane picks again, and the parts of one reply stay together.
      setImmediate(() => {
        lane.busy = false;
        this.enqueue(lane);
        this.forget(lane);
        this.pump();
      });
    });
  }

  /** Drop a lane with nothing waiting, nothing on the wire and every token back. */
  private forget(lane: Lane): void {
    if (!lane.busy && lane.waiting === 0 && lane.chat.idle && (lane.group?.idle ?? true) && lane.heldUntil <= this.clock.now()) {
      if (this.lanes.get(lane.key) === lane) this.lanes.delete(lane.key);
    }
  }
}
