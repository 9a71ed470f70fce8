/**
 * What a chat's delivery lane decides, once for both loops that deliver the outbox: the embedded one
 * (alerts/outbox.ts, on SQLite) and the deliver role (bus/deliver.ts, on PostgreSQL behind a lease). Which first entry
 * is moot before it is sent (`precheck`, `nothingToClose`), what is sent for it (`deliveryTarget`, `entryReply`), where
 * it goes when the chat turns out to have moved (`send`), and what a send's result means (`outcome`). No I/O of its own
 * here: each loop sends through its adapter, makes its own store calls and claims, applies the changes of state, keeps
 * its counters and writes its log, from the decision and the note it carries.
 */
import type { DeliveryResult, DeliveryTarget } from '../adapters/contract.js';
import type { Alert, AlertKind } from '../core/alerts.js';
import { backoffDelay } from '../feeds/backoff.js';
import { runningClosedReply } from '../replies/alerts.js';
import { duration } from '../replies/format.js';
import { threadAnswer } from '../replies/proposals.js';
import { toned, type Reply } from '../replies/reply.js';
import type { StateChange } from '../state/changes.js';
import type { OutboxEntry, Subscription } from '../store/store.js';
import { isClosingEdit, isUpdate, THREAD_ANSWER } from './router.js';

/** No alert is worth posting a day after it was raised (each kind's own limit, FRESH_MS, is shorter). */
const STALE_MS = 24 * 3_600_000;

/**
 * How long after it was raised an alert is still worth posting, by kind: a running cascade's or flush's start and
 * updates say "running now", moot an hour on (its end is a post of its own); a level break, a chop notice or an end
 * says what happened, misleading when it arrives many hours late.
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

/** An alert posted this long after it was raised says so (a line on top), so nobody reads it as news of now. */
const LATE_MS = 15 * 60_000;

/**
 * Sends the platform refused (a 4xx that is neither a rate limit nor the chat gone: a message too long, a closed
 * topic, an invalid form body) before the entry is given up: what it refused three times it would refuse again.
 */
const MAX_REFUSALS = 3;

/**
 * What makes one entry's sends one send to a platform that deduplicates (Discord's nonce): its id, with its creation
 * time, since ids start again at 1 in a new database (a rehearsal's, a restore) while the platform remembers a nonce
 * for minutes. Stored, so the same across retries and restarts.
 */
export function idempotencyKey(e: Pick<OutboxEntry, 'id' | 'createdAt'>): string {
  return `${e.id}:${e.createdAt}`;
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

/** What each loop counts of its lanes' decisions (each adds its own: the outbox what it queued, the deliverer its fenced sends). */
export interface LaneCounters {
  sent: number;
  edited: number;
  retried: number;
  rateLimited: number;
  dropped: number;
  /** Cascade updates skipped because a later one (or the closing edit) was already queued for the chat. */
  superseded: number;
  unsubscribed: number;
}

/** What a loop writes to its log about a decision (its own logger, with the chat). */
export interface Note {
  level: 'debug' | 'info' | 'warn';
  msg: string;
  fields: Record<string, unknown>;
}

/** The chat's first entry leaves its queue unsent: the reason stored with it, the counter it counts in, what is logged. */
export interface Drop {
  drop: string;
  counts?: keyof Pick<LaneCounters, 'dropped' | 'superseded'>;
  note?: Note;
}

/**
 * What a send's result means: sent (the message's ref); the entry alone dropped; the chat gone where its alerts post
 * (its entries for that destination dropped with this reason, its alerts turned off, settings kept); or tried again.
 */
export type Outcome = { sent: string } | Drop | { unsubscribe: string; note: Note } | Retry;

/** Tried again at `retry`, counted as rate limited or retried; `refusals`: the platform refused it that many times now. */
export interface Retry {
  retry: number;
  error: string;
  counts: keyof Pick<LaneCounters, 'rateLimited' | 'retried'>;
  refusals?: number;
}

/**
 * Why the chat's first entry is not sent (undefined: it is): a later update of the same running message, or its
 * closing edit, is queued behind it; two sends of it were interrupted before their outcome was recorded and both may
 * have reached the chat (a third could only be a duplicate too many); or it is older than its use (FRESH_MS; a closing
 * edit, late, still corrects a message reading "running").
 */
export function precheck(q: readonly OutboxEntry[], now: number): Drop | undefined {
  const e = q[0]!;
  const superseded = supersededBy(q);
  if (superseded) return { drop: superseded, counts: 'superseded' };
  if ((e.unconfirmed ?? 0) >= 2) {
    return { drop: 'interrupted twice', counts: 'dropped', note: warn('alert dropped: two sends of it were interrupted (a crash, or a store refusing the outcome) and may both have arrived', { alert: e.alertKey }) };
  }
  const age = now - e.createdAt;
  if (age > (isClosingEdit(e) ? STALE_MS : (FRESH_MS[e.alert.kind] ?? STALE_MS))) {
    return { drop: 'stale', counts: 'dropped', note: warn('alert dropped: undeliverable until it was too old to post', { alert: e.alertKey, kind: e.alert.kind, ageMin: Math.round(age / 60_000) }) };
  }
  return undefined;
}

/** Why the first entry's update of a running message is moot (undefined: it is not). */
function supersededBy(q: readonly OutboxEntry[]): string | undefined {
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
 * A closing edit whose chat has no running message (it subscribed after the start, or the start was dropped): an
 * edit only, never a new post, so it is dropped (`editRef`: the running message as the store knows it).
 */
export function nothingToClose(e: OutboxEntry, editRef: string | undefined): Drop | undefined {
  if (!isClosingEdit(e) || editRef) return undefined;
  return { drop: 'no running message to close', note: { level: 'debug', msg: 'closing edit skipped: the chat has no running message', fields: { alert: e.alertKey } } };
}

/** Where and how the entry is sent: its destination, its id as the idempotency key, and an edit only for a closing edit. */
export function deliveryTarget(e: OutboxEntry): DeliveryTarget {
  return {
    chat: e.chat,
    idempotencyKey: idempotencyKey(e),
    ...(e.target !== undefined ? { target: e.target } : {}),
    ...(e.replyTo !== undefined ? { replyTo: e.replyTo } : {}),
    ...(isClosingEdit(e) ? { editOnly: true } : {}),
  };
}

/** A chat found under a new key: the change its loop applies (its settings and levels follow it), and what it logs. */
export interface Moved {
  change: Extract<StateChange, { kind: 'chat.move' }>;
  note: Note;
}

/**
 * Send the chat's first entry through `deliver` (the adapter's, the reply and the message to edit bound). Where the
 * result says the chat lives under a new key (`movedTo`: a Telegram group that became a supergroup), the loop is told
 * (`moved`: it applies the `chat.move`, at `now`) and the entry is sent once more, to the new key; each later entry
 * queued for the old key finds the same and follows. A send that throws is a failure worth retrying. Returns the
 * result of the last send, which `outcome` judges.
 */
export async function send(deliver: (to: DeliveryTarget) => Promise<DeliveryResult>, e: OutboxEntry, now: number, moved: (m: Moved) => void): Promise<DeliveryResult> {
  const to = deliveryTarget(e);
  const first = await sendOnce(deliver, to);
  if (first.ok || first.movedTo === undefined) return first;
  const change = { kind: 'chat.move', from: e.chat, to: first.movedTo, at: now } as const;
  moved({ change, note: { level: 'info', msg: 'chat moved to a new key (a group upgraded to a supergroup): its alerts and levels follow it, and the alert goes there', fields: { from: e.chat, to: first.movedTo } } });
  return sendOnce(deliver, { ...to, chat: first.movedTo });
}

async function sendOnce(deliver: (to: DeliveryTarget) => Promise<DeliveryResult>, to: DeliveryTarget): Promise<DeliveryResult> {
  try {
    return await deliver(to);
  } catch (err) {
    return { ok: false, permanent: false, error: (err as Error).message };
  }
}

/**
 * What the chat gets for the entry at `now`: the running message's closed form for a closing edit (late, it just
 * edits: no "posted late" line on a message that was on time), the short answer in a level's thread, or the alert as
 * `render` words it; `label` marks the reply (the deliver role's rehearsal label); past LATE_MS, a first line says how
 * late it is.
 */
export function entryReply(e: OutboxEntry, now: number, render: (a: Alert) => Reply, label: (r: Reply, a: Alert) => Reply = (r) => r): Reply {
  if (isClosingEdit(e)) return label(runningClosedReply(e.alert), e.alert);
  const reply = label(e.alertKey.endsWith(THREAD_ANSWER) ? threadAnswer(e.alert) : render(e.alert), e.alert);
  return postedLate(reply, now - e.createdAt);
}

/** The reply as posted `lateMs` after its alert was raised: past LATE_MS, a first line says how late it is. */
function postedLate(reply: Reply, lateMs: number): Reply {
  if (lateMs <= LATE_MS) return reply;
  // Said as the message's own durations are ("2h 30 min"), so one message never mixes "30m" and "30 min".
  return { ...reply, blocks: [[[toned(`⏱ Posted ${duration(lateMs)} late: it could not be delivered until now`, 'muted')]], ...reply.blocks] };
}

/**
 * Whether an entry went where the chat's alerts post now: not a thread answer (those go to a proposal's topic or
 * channel), and for the chat's current target (an alert queued before the target moved went elsewhere). `alertsAt`
 * reads the chat's settings from the loop's store, asked only when it matters; undefined (none, or they cannot be
 * read) takes the entry at its word.
 */
async function isAlertTarget(e: OutboxEntry, alertsAt: () => AlertsAt | Promise<AlertsAt>): Promise<boolean> {
  if (e.alertKey.endsWith(THREAD_ANSWER)) return false;
  const sub = await alertsAt();
  return sub === undefined || sub.target === e.target;
}

/** Where a chat's alerts post, as a loop's store has it (undefined: no settings, or they cannot be read). */
export type AlertsAt = Pick<Subscription, 'target'> | undefined;

/**
 * What the result of sending the chat's first entry means. A closing edit that failed is dropped at once when sending
 * it again cannot help (the message is gone, the platform refused the edit, the chat is gone: its next alert finds
 * that out); a permanent failure drops the entry alone where it did not go where the chat's alerts post, else the chat
 * is gone; a request the platform refused MAX_REFUSALS times is dropped (later alerts to the chat go on); anything
 * else is tried again after the platform's retry-after or a backoff. `refusals`: how many times the platform refused
 * this entry before.
 */
export async function outcome(
  result: DeliveryResult,
  e: OutboxEntry,
  ctx: { refusals: number; alertsAt: () => AlertsAt | Promise<AlertsAt>; now: number; backoff: { baseMs: number; maxMs: number } },
): Promise<Outcome> {
  if (result.ok) return { sent: result.messageRef };
  const { error } = result;
  if (isClosingEdit(e) && (result.permanent || result.kind === 'edit_target_gone' || refusedRequest(result))) {
    return { drop: `not closed: ${error}`, counts: 'dropped', note: { level: 'info', msg: "running message not closed (deleted, or the edit refused): left as it was; the chat's alerts go on", fields: { alert: e.alertKey, error } } };
  }
  if (result.permanent) {
    if (!(await isAlertTarget(e, ctx.alertsAt))) {
      // A thread answer in a deleted topic or channel, or an alert queued for a target the chat has left since: that
      // destination is gone, not the chat.
      return { drop: error, counts: 'dropped', note: warn("alert dropped: its destination is gone (a deleted topic or channel, or no right to post there); the chat's alerts go on", { target: e.target, alert: e.alertKey, error }) };
    }
    return { unsubscribe: error, note: warn('chat unreachable (bot removed or blocked, or its alerts channel gone): its alerts are turned off, its settings kept for /alerts on', { target: e.target, error }) };
  }
  let refusals: number | undefined;
  if (refusedRequest(result)) {
    refusals = ctx.refusals + 1;
    if (refusals >= MAX_REFUSALS) {
      return { drop: `refused ${refusals} times: ${error}`, counts: 'dropped', note: warn('alert dropped: the platform refused it every time; later alerts to the chat go on', { alert: e.alertKey, error, refusals }) };
    }
  }
  // The wait grows with the entry's attempts before this one (Refusals.retry counts it).
  const at = ctx.now + (result.retryAfterMs ?? backoffDelay(e.attempts, ctx.backoff));
  return { retry: at, error, counts: result.retryAfterMs !== undefined ? 'rateLimited' : 'retried', ...(refusals !== undefined ? { refusals } : {}) };
}

/**
 * How many times the platform refused each queued entry (the process's own count: a restart or a new lease holder
 * tries up to MAX_REFUSALS times more). An entry leaves its chat's queue only through `settle`, which forgets its
 * count with it, so no count outlives its entry, however the entry went (sent, dropped, gone from the store).
 */
export class Refusals {
  private readonly counts = new Map<number, number>();

  /** Entries with a count (none once every refused entry left its queue). */
  get size(): number {
    return this.counts.size;
  }

  of(id: number): number {
    return this.counts.get(id) ?? 0;
  }

  /** The chat's first entry stays queued for its retry: one attempt more, its time, the platform's refusals of it. */
  retry(e: OutboxEntry, o: Retry): void {
    if (o.refusals !== undefined) this.counts.set(e.id, o.refusals);
    e.attempts++;
    e.nextAttemptAt = o.retry;
  }

  /** The chat's first entry leaves its queue. */
  settle(q: OutboxEntry[]): void {
    const e = q.shift();
    if (e) this.counts.delete(e.id);
  }

  /** Every entry queued for `target` (the chat's destination gone) leaves the queue: returns them. */
  settleFor(q: OutboxEntry[], target: string | undefined): OutboxEntry[] {
    const gone = q.filter((x) => x.target === target);
    q.splice(0, q.length, ...q.filter((x) => x.target !== target));
    for (const x of gone) this.counts.delete(x.id);
    return gone;
  }
}

/**
 * Sends that went out but whose `markSent` the store refused: the entry has left its chat's queue and is never sent
 * again by this process (a read of the store, where it is still pending, skips it: `has`), only its record is retried
 * (`due`, then `recorded`), each loop by its own store's rules (the embedded outbox at its next flush, stopping at the
 * first refusal; the deliver role at every read and before the chat's next send). Kept in memory only: a process that
 * stops (or loses its lease) first leaves them pending, and its successor sends them again (Discord's nonce posts
 * that once; Telegram cannot tell).
 */
export class Unrecorded {
  private readonly sends = new Map<number, { chat: string; editKey?: string; messageRef: string }>();

  get size(): number {
    return this.sends.size;
  }

  /** The entry went out as `messageRef` and the store refused to record it. */
  sent(e: Pick<OutboxEntry, 'id' | 'chat' | 'editKey'>, messageRef: string): void {
    this.sends.set(e.id, { chat: e.chat, ...(e.editKey !== undefined ? { editKey: e.editKey } : {}), messageRef });
  }

  has(id: number): boolean {
    return this.sends.has(id);
  }

  ids(): number[] {
    return [...this.sends.keys()];
  }

  /** The running message `editKey` names in the chat, where its send is among these (the store does not know it yet). */
  messageRef(chat: string, editKey: string): string | undefined {
    let ref: string | undefined;
    for (const u of this.sends.values()) if (u.chat === chat && u.editKey === editKey) ref = u.messageRef;
    return ref;
  }

  /** What is still to record (the chat's, or all), oldest first: each is `recorded` once the store took it. */
  *due(chat?: string): Generator<{ id: number; messageRef: string }> {
    for (const [id, u] of this.sends) if (chat === undefined || u.chat === chat) yield { id, messageRef: u.messageRef };
  }

  recorded(id: number): void {
    this.sends.delete(id);
  }
}

function warn(msg: string, fields: Record<string, unknown>): Note {
  return { level: 'warn', msg, fields };
}
