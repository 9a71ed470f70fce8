/**
 * What the SQL stores (SQLite, PostgreSQL) read back, turned into the core's events and the outbox's entries the
 * one same way: an events row as its columns in table order, an outbox row as the driver hands it.
 */
import type { Alert } from '../core/alerts.js';
import type { Candle, OpenInterest, PositionSide, Timeframe } from '../core/events.js';
import type { RawEvent } from './hash.js';
import type { OutboxEntry, OutboxStatus } from './store.js';

/** An events row's columns in the table's order, without its identity hash (ts, type, exchange, symbol, … interval_hours). */
export type EventColumns = [
  ts: number,
  type: RawEvent['type'],
  exchange: string,
  symbol: string,
  side: PositionSide | null,
  timeframe: Timeframe | null,
  price: number | null,
  amount: number | null,
  usd: number | null,
  open: number | null,
  high: number | null,
  low: number | null,
  close: number | null,
  volume: number | null,
  contracts: number | null,
  rate: number | null,
  intervalHours: number | null,
];

export interface OutboxRow {
  id: number;
  chat: string;
  target: string | null;
  alert_key: string;
  edit_key: string | null;
  alert: string;
  status: OutboxStatus;
  attempts: number;
  next_attempt_at: number;
  created_at: number;
  message_ref: string | null;
  last_error: string | null;
  claimed: number;
  interrupted: number;
  reply_to: string | null;
}

export function eventOf(r: EventColumns): RawEvent {
  const [ts, type, exchange, symbol, side, timeframe, price, amount, usd, open, high, low, close, volume, contracts, rate, intervalHours] = r;
  switch (type) {
    case 'liquidation':
      return { type, ts, exchange, symbol, side: side!, price: price!, amount: amount!, usd: usd! };
    case 'candle': {
      const c: Candle = { type, ts, exchange, symbol, timeframe: timeframe!, open: open!, high: high!, low: low!, close: close! };
      if (volume !== null) c.volume = volume;
      return c;
    }
    case 'price':
      return { type, ts, exchange, symbol, price: price! };
    case 'open_interest': {
      const o: OpenInterest = { type, ts, exchange, symbol, usd: usd! };
      if (contracts !== null) o.contracts = contracts;
      return o;
    }
    case 'funding':
      return { type, ts, exchange, symbol, rate: rate!, intervalHours: intervalHours! };
    default:
      throw new TypeError(`unknown event type ${JSON.stringify(type)} in the events table`);
  }
}

export function entryOf(r: OutboxRow): OutboxEntry {
  const e: OutboxEntry = {
    id: r.id, chat: r.chat, alertKey: r.alert_key, alert: JSON.parse(r.alert) as Alert, status: r.status,
    attempts: r.attempts, nextAttemptAt: r.next_attempt_at, createdAt: r.created_at,
  };
  if (r.target !== null) e.target = r.target;
  if (r.edit_key !== null) e.editKey = r.edit_key;
  if (r.message_ref !== null) e.messageRef = r.message_ref;
  if (r.reply_to != null) e.replyTo = r.reply_to;
  if (r.last_error !== null) e.lastError = r.last_error;
  if (r.claimed + r.interrupted > 0) e.unconfirmed = r.claimed + r.interrupted;
  return e;
}
