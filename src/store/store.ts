/**
 * Persistence behind one small interface: SQLite now (sqlite.ts), memory for tests and the offline CLI
 * (memory.ts), a server database later. The core never sees it; main.ts wires it.
 * Every method throws a StoreError (errors.ts) when it fails; a failed write stores nothing of itself.
 */
import type { Alert, AlertFamily } from '../core/alerts.js';
import type { Gap } from '../core/coverage.js';
import type { Level, LevelTrack } from '../core/levels.js';
import type { MarketEvent, LiquidationTotal } from '../core/events.js';
import type { Proposal, Vote } from '../core/proposals.js';
import { dayStart } from '../core/time.js';

/**
 * Where a prune at `beforeMs` keeps a vendor's hourly totals from: the UTC day it falls in, so that a day's hours are
 * summed into its daily total all at once, never a part of them (`Store.pruneEvents`).
 */
export function hourlyTotalsKeptFrom(beforeMs: number): number {
  return Number.isFinite(beforeMs) ? dayStart(beforeMs) : beforeMs;
}

/** A chat's key: `${platform}:${id}`, e.g. `telegram:-1001234`, `discord:<guildId>`, `terminal:local`. */
export type ChatKey = string;

export interface Subscription {
  chat: ChatKey;
  /** Where alerts go when it differs from the chat (a Discord channel id, a Telegram topic thread). */
  target?: string;
  enabled: boolean;
  /** Upper-case assets, or empty for all tracked assets. */
  assets: string[];
  families: AlertFamily[];
  /** Cascades smaller than this (USD) are not posted to this chat. */
  minUsd: number;
  updatedAt: number;
  /**
   * How members' level proposals are adopted here: `votesNeeded` net 👍 adopt one (absent: only an admin adopts);
   * `ttlHours` how long one stays open (absent: the default). Set with /alerts votes and /alerts expiry.
   */
  proposals?: { votesNeeded?: number; ttlHours?: number };
  /** The weekly digest of the chat's levels is posted here (/alerts digest on). */
  digest?: boolean;
}

/** Where an alert answers the conversation that set its level: the message (a platform ref) and its topic or channel. */
export interface ReplyTarget {
  ref: string;
  /** The topic thread or channel the message is in (as `Subscription.target`); absent: the chat itself. */
  target?: string;
}

export type OutboxStatus = 'pending' | 'sent' | 'dropped';
export interface OutboxEntry {
  id: number;
  chat: ChatKey;
  target?: string;
  /** The alert's key: (chat, alertKey) is unique, so an alert reaches a chat at most once per enqueue. */
  alertKey: string;
  /** Entries sharing an editKey in a chat edit the first one's message (a running cascade). */
  editKey?: string;
  alert: Alert;
  status: OutboxStatus;
  attempts: number;
  nextAttemptAt: number;
  createdAt: number;
  /** The platform message id once sent. */
  messageRef?: string;
  /** Send this alert as a reply to that message (the proposal a level came from); a deleted message still gets the alert. */
  replyTo?: string;
  /**
   * Sends of this entry that were started (claimed) but whose outcome was never recorded, when there are any: a
   * crash (or a store that refused the outcome) interrupted them, so each may have reached the chat.
   */
  unconfirmed?: number;
  lastError?: string;
}

/** An outbox entry as routing makes it, before the store gives it an id, a status and attempts. */
export type NewEntry = Omit<OutboxEntry, 'id' | 'status' | 'attempts' | 'messageRef' | 'lastError'>;

export interface Store {
  /**
   * Persist market events in one transaction; idempotent: returns how many were new (an identical event, same
   * type and fields, is stored once). A `liquidation_total` replaces the one with the same (period, ts, asset,
   * side, exchange) and counts when it is new or changed. `level` events are ignored (levels go through putLevel).
   * Daily totals grow by the liquidations that were new.
   */
  insertEvents(events: readonly MarketEvent[]): number;
  /**
   * Liquidation/candle/price/OI/funding events with ts >= fromMs, in time order (to rebuild in-memory state),
   * read lazily; each iteration runs afresh. SQLite: no writes or close() until the loop ends or is left.
   */
  eventsSince(fromMs: number): Iterable<MarketEvent>;
  /**
   * Daily liquidation totals per asset/side/exchange from stored single events, for days before `beforeDay`
   * (ms, UTC midnight), ordered by asset, day, side, exchange. They outlive pruned raw events.
   */
  dailyTotals(beforeDayMs: number): Iterable<{ asset: string; day: number; side: 'long' | 'short'; exchange: string; usd: number }>;
  /** Vendor history (`liquidation_total` events). */
  liquidationTotals(): Iterable<LiquidationTotal>;

  /** Ordered by createdAt, then id. */
  listLevels(): Level[];
  /** Insert, or replace the level with the same id. */
  putLevel(level: Level): void;
  /** Remove a level and its state; false when there was none. */
  removeLevel(id: string): boolean;
  loadLevelStates(): LevelTrack[];
  /** Insert or replace each given state by id (states not given are kept). */
  saveLevelStates(states: readonly LevelTrack[]): void;

  /**
   * What the ids of the proposals opened over this store end with (`b` in `p4b`, core/proposals.ts `idSuffix`): a
   * gateway's mirror carries the gateway's, so several gateways never open one id; absent: nothing (a single process).
   */
  readonly proposalSuffix?: string;
  /** A chat's level proposals (every chat's when `chat` is undefined), oldest first, each with its votes. */
  listProposals(chat?: ChatKey): Proposal[];
  getProposal(id: string): Proposal | undefined;
  /** Insert, or replace the proposal with the same id; its `votes` are not written here (putVote keeps them). */
  putProposal(proposal: Proposal): void;
  /** A member's vote on a proposal, replacing their earlier one. */
  putVote(proposalId: string, voter: string, vote: Vote): void;

  getSubscription(chat: ChatKey): Subscription | undefined;
  putSubscription(sub: Subscription): void;
  deleteSubscription(chat: ChatKey): void;
  listSubscriptions(): Subscription[];

  /** Insert entries (ignoring ones whose (chat, alertKey) exists); returns the ids of the new ones. */
  enqueue(entries: readonly NewEntry[]): number[];
  /** Pending entries whose nextAttemptAt <= now, in id order (so oldest first per chat), at most `limit`. */
  duePending(now: number, limit: number): OutboxEntry[];
  pendingCount(): number;
  /**
   * The outcome of one delivery attempt; each counts in `attempts`. They apply to pending entries only:
   * sent and dropped are final, and an unknown id is ignored.
   */
  markSent(id: number, messageRef: string): void;
  /**
   * Hold a pending entry for one delivery attempt: its nextAttemptAt becomes `untilMs` (not an attempt). Written
   * before sending, so a store that cannot record the outcome refuses the send instead of repeating it after
   * every restart. A claim not followed by markSent/markRetry/markDropped counts in `unconfirmed` from then on.
   */
  claim(id: number, untilMs: number): void;
  markRetry(id: number, nextAttemptAt: number, error: string): void;
  markDropped(id: number, error: string): void;
  /** The message the latest sent entry with this editKey lives in (an edit may have had to re-post it). */
  sentMessageRef(chat: ChatKey, editKey: string): string | undefined;
  /** Delete sent/dropped entries created before `beforeMs`; returns how many. Their alertKeys may then be queued again. */
  pruneOutbox(beforeMs: number): number;

  /** Recording the same (exchange, from, to) again replaces its reason. */
  recordGap(gap: Gap): void;
  /** Gaps overlapping [fromMs, toMs], touching included, ordered by start. */
  gaps(fromMs: number, toMs: number): Gap[];

  /**
   * Delete raw events older than `beforeMs` (daily totals survive) and, when `futureAfterMs` is given, raw events and
   * vendor totals stamped after it (a clock glitch or a forged print must not outlive a restart). A vendor's hourly
   * totals are raw data too: those of UTC days wholly before `beforeMs` (`hourlyTotalsKeptFrom`) become one daily
   * total (`period: '1d'`) per asset, side and venue, their sum, unless the vendor gave that day's total itself, which
   * stays: the daily history reads the same, and only hours a window could ask for are kept. Feed gaps that ended
   * before `beforeMs` go too (they qualify the events of their span). Counts what was deleted.
   * Duplicates are recognised only among kept events: an event pruned and imported again is new again, so keep raw
   * events longer than any re-import (an hour imported again after its day was summed is left out of that day).
   */
  pruneEvents(beforeMs: number, futureAfterMs?: number): number;
  /**
   * Undefined while the store's file is the one it opened; otherwise what happened to it (deleted, replaced).
   * Stores without a file do not implement it.
   */
  fileProblem?(): string | undefined;
  /** Release the store (and its lock); later calls throw a StoreError. Closing twice is harmless. */
  close(): void;
}
