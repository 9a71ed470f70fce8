/**
 * The Store in plain maps, for tests and the offline CLI: the same behaviour as the SQLite store (the
 * contract suite in test/store runs against both), nothing kept after the process ends.
 *
 * @example
 *   const store = createMemoryStore();
 *   store.insertEvents(parsedFile); // → how many were new
 */
import { assetOf, type LiquidationTotal, type MarketEvent, type PositionSide } from '../core/events.js';
import { StoreError, reasonOf } from './errors.js';
import { dayStart } from '../core/time.js';
import { copyEvent, eventHash, isRawEvent, type RawEvent } from './hash.js';
import { hourlyTotalsKeptFrom, type ChatKey, type NewEntry, type OutboxEntry, type Store, type Subscription } from './store.js';
import type { Gap } from '../core/coverage.js';
import type { Level, LevelTrack } from '../core/levels.js';
import type { Proposal, Vote } from '../core/proposals.js';

interface DailyTotal {
  asset: string;
  day: number;
  side: PositionSide;
  exchange: string;
  usd: number;
}

interface StoredEvent {
  event: RawEvent;
  hash: number;
}

const LABEL = 'the memory store';

/** `proposalSuffix`: what the ids of proposals opened over it end with (a gateway's mirror; see Store). */
export function createMemoryStore(opts: { proposalSuffix?: string } = {}): Store {
  return new MemoryStore(opts.proposalSuffix);
}

class MemoryStore implements Store {
  constructor(readonly proposalSuffix?: string) {}

  /** Keyed by `${ts}:${hash}` as SQLite keys them: one entry per distinct event. */
  private readonly events = new Map<string, StoredEvent>();
  /** `events` in (ts, hash) order, the order SQLite reads them in; rebuilt after changes. */
  private ordered: StoredEvent[] | undefined;
  private readonly daily = new Map<string, DailyTotal>();
  private readonly totals = new Map<string, LiquidationTotal>();
  private readonly levels = new Map<string, Level>();
  private readonly states = new Map<string, LevelTrack>();
  private readonly subs = new Map<ChatKey, Subscription>();
  /** Proposals without their votes, in insertion order; votes per proposal id, then voter. */
  private readonly proposals = new Map<string, Proposal>();
  private readonly votes = new Map<string, Map<string, Vote>>();
  private readonly outbox = new Map<number, OutboxEntry>();
  private readonly outboxKeys = new Set<string>();
  private lastOutboxId = 0;
  /** Per outbox id: a send claimed and not yet given an outcome, and earlier such sends. */
  private readonly claims = new Map<number, { claimed: number; interrupted: number }>();
  private readonly gapList = new Map<string, Gap>();
  private closed = false;

  insertEvents(events: readonly MarketEvent[]): number {
    this.assertOpen(`insert ${events.length} events into`);
    // Identify everything first: a batch that cannot be stored must leave nothing behind.
    let identified: { event: MarketEvent; key: string; hash: number }[];
    try {
      identified = events.map((event) => {
        if (!isRawEvent(event)) return { event, key: totalKeyOrEmpty(event), hash: 0 };
        const hash = eventHash(event);
        return { event, key: `${event.ts}:${hash}`, hash };
      });
    } catch (err) {
      throw new StoreError(`could not insert ${events.length} events into ${LABEL}: ${reasonOf(err)}`, 'write', { cause: err });
    }
    let added = 0;
    for (const { event, key, hash } of identified) {
      if (isRawEvent(event)) {
        if (this.events.has(key)) continue;
        this.events.set(key, { event: copyEvent(event), hash });
        this.ordered = undefined;
        added++;
        if (event.type === 'liquidation') this.addToDay(event.symbol, event.ts, event.side, event.exchange, event.usd);
      } else if (event.type === 'liquidation_total') {
        const old = this.totals.get(key);
        if (old !== undefined && old.usd === event.usd) continue;
        this.totals.set(key, totalCopy(event));
        added++;
      }
      // `level` events are not stored: levels are kept with putLevel.
    }
    return added;
  }

  private addToDay(symbol: string, ts: number, side: PositionSide, exchange: string, usd: number): void {
    const asset = assetOf(symbol);
    const day = dayStart(ts);
    const key = `${asset}\u0000${day}\u0000${side}\u0000${exchange}`;
    const total = this.daily.get(key);
    if (total) total.usd += usd;
    else this.daily.set(key, { asset, day, side, exchange, usd });
  }

  eventsSince(fromMs: number): Iterable<MarketEvent> {
    this.assertOpen(`read events since ${fromMs} from`);
    const ordered = (this.ordered ??= [...this.events.values()].sort((a, b) => a.event.ts - b.event.ts || a.hash - b.hash));
    const start = firstAtOrAfter(ordered, fromMs);
    return ordered.slice(start).map((s) => copyEvent(s.event));
  }

  dailyTotals(beforeDayMs: number): Iterable<DailyTotal> {
    this.assertOpen('read daily totals from');
    return [...this.daily.values()]
      .filter((d) => d.day < beforeDayMs)
      .sort((a, b) => cmp(a.asset, b.asset) || a.day - b.day || cmp(a.side, b.side) || cmp(a.exchange, b.exchange))
      .map((d) => ({ ...d }));
  }

  liquidationTotals(): Iterable<LiquidationTotal> {
    this.assertOpen('read liquidation totals from');
    return [...this.totals.values()]
      .sort((a, b) => a.ts - b.ts || cmp(a.period, b.period) || cmp(a.asset, b.asset) || cmp(a.side, b.side) || cmp(a.exchange ?? '', b.exchange ?? ''))
      .map(totalCopy);
  }

  pruneEvents(beforeMs: number, futureAfterMs = Infinity): number {
    this.assertOpen(`prune events before ${beforeMs} from`);
    let removed = 0;
    for (const [key, s] of this.events) {
      if (s.event.ts < beforeMs || s.event.ts > futureAfterMs) {
        this.events.delete(key);
        removed++;
      }
    }
    for (const [key, t] of this.totals) {
      if (t.ts > futureAfterMs) {
        this.totals.delete(key);
        removed++;
      }
    }
    if (removed > 0) this.ordered = undefined;
    for (const [key, g] of this.gapList) {
      if (g.to < beforeMs) {
        this.gapList.delete(key);
        removed++;
      }
    }
    return removed + this.rollUpHourly(hourlyTotalsKeptFrom(beforeMs));
  }

  /** Hourly vendor totals before `beforeDay` become daily ones, as sqlite.ts's `rollUpHourly` and `pruneHourly` do. */
  private rollUpHourly(beforeDay: number): number {
    const days = new Map<string, LiquidationTotal>();
    let removed = 0;
    for (const [key, t] of this.totals) {
      if (t.period !== '1h' || !(t.ts < beforeDay)) continue;
      this.totals.delete(key);
      removed++;
      const day: LiquidationTotal = { ...totalCopy(t), ts: dayStart(t.ts), period: '1d' };
      const dayKey = totalKeyOrEmpty(day);
      const sum = days.get(dayKey);
      if (sum) sum.usd += t.usd;
      else days.set(dayKey, day);
    }
    // A daily total already stored for the day (the vendor's own) is kept.
    for (const [key, day] of days) if (!this.totals.has(key)) this.totals.set(key, day);
    return removed;
  }

  listLevels(): Level[] {
    this.assertOpen('list levels from');
    return [...this.levels.values()].sort((a, b) => a.createdAt - b.createdAt || cmp(a.id, b.id)).map(viaJson);
  }

  putLevel(level: Level): void {
    this.assertOpen(`save level ${level.id} to`);
    this.levels.set(level.id, viaJson(level));
  }

  removeLevel(id: string): boolean {
    this.assertOpen(`remove level ${id} from`);
    this.states.delete(id);
    return this.levels.delete(id);
  }

  loadLevelStates(): LevelTrack[] {
    this.assertOpen('load level states from');
    return [...this.states.values()].sort((a, b) => cmp(a.id, b.id)).map(viaJson);
  }

  saveLevelStates(states: readonly LevelTrack[]): void {
    this.assertOpen(`save ${states.length} level states to`);
    for (const st of states) this.states.set(st.id, viaJson(st));
  }

  listProposals(chat?: ChatKey): Proposal[] {
    this.assertOpen(`list the proposals${chat ? ` of ${chat}` : ''} from`);
    return [...this.proposals.values()]
      .filter((p) => chat === undefined || p.chat === chat)
      .sort((a, b) => a.createdAt - b.createdAt || cmp(a.id, b.id))
      .map((p) => this.withVotes(p));
  }

  getProposal(id: string): Proposal | undefined {
    this.assertOpen(`read proposal ${id} from`);
    const p = this.proposals.get(id);
    return p && this.withVotes(p);
  }

  putProposal(proposal: Proposal): void {
    this.assertOpen(`save proposal ${proposal.id} to`);
    this.proposals.set(proposal.id, viaJson({ ...proposal, votes: {} }));
  }

  putVote(proposalId: string, voter: string, vote: Vote): void {
    this.assertOpen(`save a vote on ${proposalId} to`);
    let m = this.votes.get(proposalId);
    if (!m) this.votes.set(proposalId, (m = new Map()));
    m.set(voter, vote);
  }

  private withVotes(p: Proposal): Proposal {
    const votes: Record<string, Vote> = {};
    for (const [voter, v] of [...(this.votes.get(p.id) ?? [])].sort((a, b) => cmp(a[0], b[0]))) votes[voter] = v;
    return { ...viaJson(p), votes };
  }

  getSubscription(chat: ChatKey): Subscription | undefined {
    this.assertOpen(`read the subscription of ${chat} from`);
    const sub = this.subs.get(chat);
    return sub && viaJson(sub);
  }

  putSubscription(sub: Subscription): void {
    this.assertOpen(`save the subscription of ${sub.chat} to`);
    this.subs.set(sub.chat, viaJson(sub));
  }

  deleteSubscription(chat: ChatKey): void {
    this.assertOpen(`delete the subscription of ${chat} from`);
    this.subs.delete(chat);
  }

  listSubscriptions(): Subscription[] {
    this.assertOpen('list subscriptions from');
    return [...this.subs.values()].sort((a, b) => cmp(a.chat, b.chat)).map(viaJson);
  }

  enqueue(entries: readonly NewEntry[]): number[] {
    this.assertOpen(`queue ${entries.length} alerts in`);
    const ids: number[] = [];
    for (const e of entries) {
      const key = `${e.chat}\u0000${e.alertKey}`;
      if (this.outboxKeys.has(key)) continue;
      this.outboxKeys.add(key);
      const id = ++this.lastOutboxId;
      const entry: OutboxEntry = {
        id, chat: e.chat, alertKey: e.alertKey, alert: viaJson(e.alert), status: 'pending', attempts: 0,
        nextAttemptAt: e.nextAttemptAt, createdAt: e.createdAt,
      };
      if (e.target !== undefined) entry.target = e.target;
      if (e.editKey !== undefined) entry.editKey = e.editKey;
      if (e.replyTo !== undefined) entry.replyTo = e.replyTo;
      this.outbox.set(id, entry);
      ids.push(id);
    }
    return ids;
  }

  duePending(now: number, limit: number): OutboxEntry[] {
    this.assertOpen('read due alerts from');
    const due: OutboxEntry[] = [];
    // Map iteration is insertion order, which is id order.
    for (const e of this.outbox.values()) {
      if (due.length >= limit) break;
      if (e.status === 'pending' && e.nextAttemptAt <= now) {
        const copy = viaJson(e);
        const c = this.claims.get(e.id);
        if (c && c.claimed + c.interrupted > 0) copy.unconfirmed = c.claimed + c.interrupted;
        due.push(copy);
      }
    }
    return due;
  }

  pendingCount(): number {
    this.assertOpen('count pending alerts in');
    let n = 0;
    for (const e of this.outbox.values()) if (e.status === 'pending') n++;
    return n;
  }

  markSent(id: number, messageRef: string): void {
    this.assertOpen(`mark alert ${id} sent in`);
    const e = this.pending(id);
    if (!e) return;
    e.status = 'sent';
    e.attempts++;
    e.messageRef = messageRef;
    this.settled(id);
  }

  claim(id: number, untilMs: number): void {
    this.assertOpen(`claim alert ${id} in`);
    const e = this.pending(id);
    if (!e) return;
    e.nextAttemptAt = untilMs;
    const c = this.claims.get(id) ?? { claimed: 0, interrupted: 0 };
    this.claims.set(id, { claimed: 1, interrupted: c.interrupted + c.claimed });
  }

  markRetry(id: number, nextAttemptAt: number, error: string): void {
    this.assertOpen(`reschedule alert ${id} in`);
    const e = this.pending(id);
    if (!e) return;
    e.attempts++;
    e.nextAttemptAt = nextAttemptAt;
    e.lastError = error;
    this.settled(id);
  }

  markDropped(id: number, error: string): void {
    this.assertOpen(`mark alert ${id} dropped in`);
    const e = this.pending(id);
    if (!e) return;
    e.status = 'dropped';
    e.attempts++;
    e.lastError = error;
    this.settled(id);
  }

  private pending(id: number): OutboxEntry | undefined {
    const e = this.outbox.get(id);
    return e?.status === 'pending' ? e : undefined;
  }

  /** An outcome was recorded: the claimed send is accounted for. */
  private settled(id: number): void {
    const c = this.claims.get(id);
    if (c) c.claimed = 0;
  }

  sentMessageRef(chat: ChatKey, editKey: string): string | undefined {
    this.assertOpen(`read a sent message of ${chat} from`);
    // The latest: an edit whose message was gone re-posted it, and later edits belong on the new one.
    let ref: string | undefined;
    for (const e of this.outbox.values()) {
      if (e.chat === chat && e.editKey === editKey && e.status === 'sent') ref = e.messageRef;
    }
    return ref;
  }

  pruneOutbox(beforeMs: number): number {
    this.assertOpen(`prune the outbox before ${beforeMs} in`);
    let removed = 0;
    for (const [id, e] of this.outbox) {
      if (e.status !== 'pending' && e.createdAt < beforeMs) {
        this.outbox.delete(id);
        this.outboxKeys.delete(`${e.chat}\u0000${e.alertKey}`);
        removed++;
      }
    }
    return removed;
  }

  recordGap(gap: Gap): void {
    this.assertOpen(`record a ${gap.exchange} gap in`);
    this.gapList.set(`${gap.exchange}\u0000${gap.from}\u0000${gap.to}`, { exchange: gap.exchange, from: gap.from, to: gap.to, reason: gap.reason });
  }

  gaps(fromMs: number, toMs: number): Gap[] {
    this.assertOpen('read gaps from');
    return [...this.gapList.values()]
      .filter((g) => g.from <= toMs && g.to >= fromMs)
      .sort((a, b) => a.from - b.from || cmp(a.exchange, b.exchange) || a.to - b.to)
      .map((g) => ({ ...g }));
  }

  close(): void {
    this.closed = true;
  }

  private assertOpen(action: string): void {
    if (this.closed) throw new StoreError(`cannot ${action} ${LABEL}: the store is closed`, 'closed');
  }
}

/** The unique key of a vendor total, or '' for events that are not stored (levels). Throws on unknown types. */
function totalKeyOrEmpty(e: Exclude<MarketEvent, RawEvent>): string {
  switch (e.type) {
    case 'liquidation_total':
      return `${e.ts}\u0000${e.period}\u0000${e.asset}\u0000${e.side}\u0000${e.exchange ?? ''}`;
    case 'level':
      return '';
    default:
      throw new TypeError(`not a market event: type ${JSON.stringify((e as { type?: unknown }).type)}`);
  }
}

function totalCopy(t: LiquidationTotal): LiquidationTotal {
  const c: LiquidationTotal = { type: 'liquidation_total', ts: t.ts, period: t.period, asset: t.asset, side: t.side, usd: t.usd };
  if (t.exchange !== undefined && t.exchange !== '') c.exchange = t.exchange;
  return c;
}

/** Copies the way the SQLite store's JSON columns do, so both stores hand back the same shapes. */
function viaJson<T>(value: T): T {
  return JSON.parse(JSON.stringify(value)) as T;
}

function firstAtOrAfter(ordered: readonly StoredEvent[], ts: number): number {
  let lo = 0;
  let hi = ordered.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (ordered[mid]!.event.ts < ts) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
