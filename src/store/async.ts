/**
 * The Store behind promises, for stores that talk to a server (postgres.ts) and for code that must work with
 * either kind: `AsyncStore` has every method of `Store` (store.ts) returning a Promise, and `toAsync` puts the
 * embedded stores (SQLite, memory) behind it. Errors leave as rejected promises carrying a StoreError.
 *
 * @example
 *   const store = toAsync(openSqliteStore('./data/liqbot.db'));   // or await openPostgresStore({ url })
 *   await store.insertEvents(events);
 *   for await (const e of store.eventsSince(from)) market.ingest(e);
 */
import type { LiquidationTotal, MarketEvent } from '../core/events.js';
import type { ChatKey, NewEntry, OutboxEntry, Store, Subscription } from './store.js';
import type { Gap } from '../core/coverage.js';
import type { Level, LevelTrack } from '../core/levels.js';
import type { Proposal, Vote } from '../core/proposals.js';

export type DailyTotal = { asset: string; day: number; side: 'long' | 'short'; exchange: string; usd: number };

/** `Store` with promises; the semantics of each method are the ones documented on `Store`. */
export interface AsyncStore {
  insertEvents(events: readonly MarketEvent[]): Promise<number>;
  /** Read lazily (page by page on a server); each iteration runs afresh; leaving a loop early is harmless. */
  eventsSince(fromMs: number): AsyncIterable<MarketEvent>;
  dailyTotals(beforeDayMs: number): Promise<DailyTotal[]>;
  liquidationTotals(): Promise<LiquidationTotal[]>;

  listLevels(): Promise<Level[]>;
  putLevel(level: Level): Promise<void>;
  removeLevel(id: string): Promise<boolean>;
  loadLevelStates(): Promise<LevelTrack[]>;
  saveLevelStates(states: readonly LevelTrack[]): Promise<void>;

  listProposals(chat?: ChatKey): Promise<Proposal[]>;
  getProposal(id: string): Promise<Proposal | undefined>;
  putProposal(proposal: Proposal): Promise<void>;
  putVote(proposalId: string, voter: string, vote: Vote): Promise<void>;

  getSubscription(chat: ChatKey): Promise<Subscription | undefined>;
  putSubscription(sub: Subscription): Promise<void>;
  deleteSubscription(chat: ChatKey): Promise<void>;
  listSubscriptions(): Promise<Subscription[]>;

  enqueue(entries: readonly NewEntry[]): Promise<number[]>;
  duePending(now: number, limit: number): Promise<OutboxEntry[]>;
  pendingCount(): Promise<number>;
  markSent(id: number, messageRef: string): Promise<void>;
  claim(id: number, untilMs: number): Promise<void>;
  markRetry(id: number, nextAttemptAt: number, error: string): Promise<void>;
  markDropped(id: number, error: string): Promise<void>;
  sentMessageRef(chat: ChatKey, editKey: string): Promise<string | undefined>;
  pruneOutbox(beforeMs: number): Promise<number>;

  recordGap(gap: Gap): Promise<void>;
  gaps(fromMs: number, toMs: number): Promise<Gap[]>;

  pruneEvents(beforeMs: number, futureAfterMs?: number): Promise<number>;
  /** As on `Store`: only stores with a file implement it. */
  fileProblem?(): string | undefined;
  close(): Promise<void>;
}

/**
 * An embedded store behind the async interface. Every call still runs synchronously inside (so a SQLite write
 * is done when its promise settles); a throw becomes a rejection. `eventsSince` reads the store's iterable
 * lazily, one event per step, so a loop left early ends the SQLite statement as the sync loop would.
 */
export function toAsync(store: Store): AsyncStore {
  const wrapped: AsyncStore = {
    insertEvents: async (events) => store.insertEvents(events),
    eventsSince: (fromMs) => ({
      async *[Symbol.asyncIterator]() {
        yield* store.eventsSince(fromMs);
      },
    }),
    dailyTotals: async (beforeDayMs) => [...store.dailyTotals(beforeDayMs)],
    liquidationTotals: async () => [...store.liquidationTotals()],

    listLevels: async () => store.listLevels(),
    putLevel: async (level) => store.putLevel(level),
    removeLevel: async (id) => store.removeLevel(id),
    loadLevelStates: async () => store.loadLevelStates(),
    saveLevelStates: async (states) => store.saveLevelStates(states),

    listProposals: async (chat) => store.listProposals(chat),
    getProposal: async (id) => store.getProposal(id),
    putProposal: async (proposal) => store.putProposal(proposal),
    putVote: async (proposalId, voter, vote) => store.putVote(proposalId, voter, vote),

    getSubscription: async (chat) => store.getSubscription(chat),
    putSubscription: async (sub) => store.putSubscription(sub),
    deleteSubscription: async (chat) => store.deleteSubscription(chat),
    listSubscriptions: async () => store.listSubscriptions(),

    enqueue: async (entries) => store.enqueue(entries),
    duePending: async (now, limit) => store.duePending(now, limit),
    pendingCount: async () => store.pendingCount(),
    markSent: async (id, messageRef) => store.markSent(id, messageRef),
    claim: async (id, untilMs) => store.claim(id, untilMs),
    markRetry: async (id, nextAttemptAt, error) => store.markRetry(id, nextAttemptAt, error),
    markDropped: async (id, error) => store.markDropped(id, error),
    sentMessageRef: async (chat, editKey) => store.sentMessageRef(chat, editKey),
    pruneOutbox: async (beforeMs) => store.pruneOutbox(beforeMs),

    recordGap: async (gap) => store.recordGap(gap),
    gaps: async (fromMs, toMs) => store.gaps(fromMs, toMs),

    pruneEvents: async (beforeMs, futureAfterMs) => store.pruneEvents(beforeMs, futureAfterMs),
    close: async () => store.close(),
  };
  if (store.fileProblem) wrapped.fileProblem = () => store.fileProblem!();
  return wrapped;
}
