/**
 * Persistence behind one small interface: SQLite now (sqlite.ts), memory for tests and the offline CLI
 * (memory.ts), a server database later. The core never sees it; main.ts wires it.
 */
import type { Alert, AlertFamily, LevelValue } from '../core/alerts.js';
import type { MarketEvent, LiquidationTotal } from '../core/events.js';

/** A chat's key: `${platform}:${id}`, e.g. `telegram:-1001234`, `discord:<guildId>`, `terminal:local`. */
export type ChatKey = string;

export interface LevelDef {
  id: string;
  asset: string;
  level: LevelValue;
  label?: string;
  /** Undefined: applies to every chat. */
  chat?: ChatKey;
  source: 'config' | 'event' | 'chat' | 'cascade';
  createdAt: number;
  /** Auto levels (cascade extremes) expire. */
  expiresAt?: number;
}

export type LevelStateName = 'holding' | 'broken' | 'reclaimed';
export interface LevelState {
  id: string;
  /** Which side of the level price was last accepted on (a close beyond the buffer). */
  position?: 'above' | 'below';
  state: LevelStateName;
  changedAt: number;
  lastBreak?: { ts: number; direction: 'up' | 'down'; price: number };
}

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
  lastError?: string;
}

export interface Gap {
  exchange: string;
  from: number;
  to: number;
  reason: string;
}

export interface Store {
  /** Persist market events; idempotent: returns how many were new (an identical event is stored once). */
  insertEvents(events: readonly MarketEvent[]): number;
  /** Liquidation/candle/price/OI/funding events with ts >= fromMs, in time order (to rebuild in-memory state). */
  eventsSince(fromMs: number): Iterable<MarketEvent>;
  /** Daily liquidation totals per asset/side/exchange from stored single events, for days before `beforeDay` (ms, UTC midnight). */
  dailyTotals(beforeDayMs: number): Iterable<{ asset: string; day: number; side: 'long' | 'short'; exchange: string; usd: number }>;
  /** Vendor history (`liquidation_total` events). */
  liquidationTotals(): Iterable<LiquidationTotal>;

  listLevels(): LevelDef[];
  putLevel(level: LevelDef): void;
  removeLevel(id: string): boolean;
  loadLevelStates(): LevelState[];
  saveLevelStates(states: readonly LevelState[]): void;

  getSubscription(chat: ChatKey): Subscription | undefined;
  putSubscription(sub: Subscription): void;
  deleteSubscription(chat: ChatKey): void;
  listSubscriptions(): Subscription[];

  /** Insert entries (ignoring ones whose (chat, alertKey) exists); returns the ids of the new ones. */
  enqueue(entries: readonly Omit<OutboxEntry, 'id' | 'status' | 'attempts' | 'messageRef' | 'lastError'>[]): number[];
  /** Pending entries whose nextAttemptAt <= now, oldest first per chat. */
  duePending(now: number, limit: number): OutboxEntry[];
  pendingCount(): number;
  markSent(id: number, messageRef: string): void;
  markRetry(id: number, nextAttemptAt: number, error: string): void;
  markDropped(id: number, error: string): void;
  /** The message a chat got for the first entry with this editKey, if sent. */
  sentMessageRef(chat: ChatKey, editKey: string): string | undefined;
  /** Delete sent/dropped entries older than `beforeMs`; returns how many. */
  pruneOutbox(beforeMs: number): number;

  recordGap(gap: Gap): void;
  gaps(fromMs: number, toMs: number): Gap[];

  /** Delete raw events older than `beforeMs` (daily totals survive). */
  pruneEvents(beforeMs: number): number;
  close(): void;
}
