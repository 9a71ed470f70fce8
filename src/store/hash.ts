/**
 * What both stores agree on about raw market events: which events are stored one by one, how an event is
 * identified (its time and a 53-bit hash of its type and fields), and the UTC day a liquidation counts
 * towards. The hash is persisted in SQLite files: changing `eventHash` changes every event's identity and
 * needs a migration that rehashes the stored rows.
 */
import type { Candle, LevelEvent, Liquidation, LiquidationTotal, MarketEvent, OpenInterest } from '../core/events.js';

/** Events stored one by one and replayed by `eventsSince`. */
export type RawEvent = Exclude<MarketEvent, LiquidationTotal | LevelEvent>;
export type RawEventType = RawEvent['type'];

const RAW_EVENT_TYPES: ReadonlySet<string> = new Set<RawEventType>(['liquidation', 'candle', 'price', 'open_interest', 'funding']);

export function isRawEvent(e: MarketEvent): e is RawEvent {
  return RAW_EVENT_TYPES.has(e.type);
}

/**
 * The identity hash of an event: 53 bits of its type and every field, in a fixed order (an absent optional
 * field differs from any value). Stores key events by (ts, hash), so two distinct events collide only when
 * they also share the millisecond. Numbers are hashed by their bits (-0 as 0), strings by length and code
 * units: no number-to-text conversion, which would cost more than the insert itself.
 */
export function eventHash(e: RawEvent): number {
  begin();
  switch (e.type) {
    case 'liquidation':
      return liquidationHash(e);
    case 'candle':
      word(2); num(e.ts); str(e.exchange); str(e.symbol); str(e.timeframe); num(e.open); num(e.high); num(e.low); num(e.close); opt(e.volume);
      break;
    case 'price':
      word(3); num(e.ts); str(e.exchange); str(e.symbol); num(e.price);
      break;
    case 'open_interest':
      word(4); num(e.ts); str(e.exchange); str(e.symbol); num(e.usd); opt(e.contracts);
      break;
    case 'funding':
      word(5); num(e.ts); str(e.exchange); str(e.symbol); num(e.rate); num(e.intervalHours);
      break;
    default:
      return unknownType(e);
  }
  return end();
}

/**
 * The identity of any market event as `${ts}:${hash}`: the store's key for raw events (eventHash), and for vendor
 * totals and levels a hash of every field the same way. Two ingest replicas publishing the same event give the same
 * identity, so a bus consumer can count it once. A vendor total with a new value is a new event (it replaces).
 */
export function eventIdentity(e: MarketEvent): string {
  if (isRawEvent(e)) return `${e.ts}:${eventHash(e)}`;
  begin();
  switch (e.type) {
    case 'liquidation_total':
      word(6); num(e.ts); str(e.period); str(e.asset); str(e.side); optStr(e.exchange); num(e.usd);
      break;
    case 'level':
      word(7); num(e.ts); str(e.asset);
      if (typeof e.level === 'number') { word(1); num(e.level); } else { word(2); num(e.level[0]); num(e.level[1]); }
      optStr(e.label); optStr(e.chat);
      break;
    default:
      return unknownType(e);
  }
  return `${e.ts}:${end()}`;
}

/** 53 bits of a text, by the same mixing (a bus batch's message id is the hash of its payload). */
export function textHash(s: string): number {
  begin();
  str(s);
  return end();
}

// Two 32-bit lanes in the manner of MurmurHash3 (different constants per lane), finished as in cyrb53.
let h1 = 0;
let h2 = 0;
const f64 = new Float64Array(1);
const u32 = new Uint32Array(f64.buffer);

function begin(): void {
  h1 = 0x9747b28c;
  h2 = 0x41c6ce57;
}
function word(w: number): void {
  let k = Math.imul(w, 0xcc9e2d51);
  k = Math.imul((k << 15) | (k >>> 17), 0x1b873593);
  h1 ^= k;
  h1 = (Math.imul((h1 << 13) | (h1 >>> 19), 5) + 0xe6546b64) | 0;
  k = Math.imul(w, 0x85ebca6b);
  k = Math.imul((k << 17) | (k >>> 15), 0xc2b2ae35);
  h2 ^= k;
  h2 = (Math.imul((h2 << 11) | (h2 >>> 21), 9) + 0x38b34ae5) | 0;
}
function num(n: number): void {
  f64[0] = n + 0; // -0 + 0 is 0
  word(u32[0]!);
  word(u32[1]!);
}
function opt(n: number | undefined): void {
  if (n === undefined) word(0);
  else {
    word(1);
    num(n);
  }
}
function optStr(s: string | undefined): void {
  if (s === undefined) word(0);
  else {
    word(1);
    str(s);
  }
}
function str(s: string): void {
  word(s.length);
  for (let i = 0; i < s.length; i++) word(s.charCodeAt(i));
}
function end(): number {
  h1 = Math.imul(h1 ^ (h1 >>> 16), 2246822507);
  h1 ^= Math.imul(h2 ^ (h2 >>> 13), 3266489909);
  h2 = Math.imul(h2 ^ (h2 >>> 16), 2246822507);
  h2 ^= Math.imul(h1 ^ (h1 >>> 13), 3266489909);
  return 4294967296 * (2097151 & h2) + (h1 >>> 0);
}

/**
 * `eventHash` of a liquidation (nearly every event, hashed by the bot's duplicate check): the same words in the same
 * order as `word(1); num(ts); str(exchange); str(symbol); str(side); num(price); num(amount); num(usd)`, the two
 * lanes in local variables rather than the module's, which V8 keeps in registers (about half the time).
 */
function liquidationHash(e: Liquidation): number {
  let h1 = 0x9747b28c | 0;
  let h2 = 0x41c6ce57;
  h1 = lane1(h1, 1); h2 = lane2(h2, 1);
  f64[0] = e.ts + 0;
  h1 = lane1(h1, u32[0]!); h2 = lane2(h2, u32[0]!); h1 = lane1(h1, u32[1]!); h2 = lane2(h2, u32[1]!);
  for (let f = 0; f < 3; f++) {
    const s = f === 0 ? e.exchange : f === 1 ? e.symbol : e.side;
    h1 = lane1(h1, s.length); h2 = lane2(h2, s.length);
    for (let i = 0; i < s.length; i++) {
      const c = s.charCodeAt(i);
      h1 = lane1(h1, c); h2 = lane2(h2, c);
    }
  }
  for (let f = 0; f < 3; f++) {
    f64[0] = (f === 0 ? e.price : f === 1 ? e.amount : e.usd) + 0;
    h1 = lane1(h1, u32[0]!); h2 = lane2(h2, u32[0]!); h1 = lane1(h1, u32[1]!); h2 = lane2(h2, u32[1]!);
  }
  h1 = Math.imul(h1 ^ (h1 >>> 16), 2246822507);
  h1 ^= Math.imul(h2 ^ (h2 >>> 13), 3266489909);
  h2 = Math.imul(h2 ^ (h2 >>> 16), 2246822507);
  h2 ^= Math.imul(h1 ^ (h1 >>> 13), 3266489909);
  return 4294967296 * (2097151 & h2) + (h1 >>> 0);
}
/** `word`'s first lane: the lane's new value after mixing in `w`. */
function lane1(h: number, w: number): number {
  let k = Math.imul(w, 0xcc9e2d51);
  k = Math.imul((k << 15) | (k >>> 17), 0x1b873593);
  h ^= k;
  return (Math.imul((h << 13) | (h >>> 19), 5) + 0xe6546b64) | 0;
}
/** `word`'s second lane. */
function lane2(h: number, w: number): number {
  let k = Math.imul(w, 0x85ebca6b);
  k = Math.imul((k << 17) | (k >>> 15), 0xc2b2ae35);
  h ^= k;
  return (Math.imul((h << 11) | (h >>> 21), 9) + 0x38b34ae5) | 0;
}

/** A fresh copy holding exactly the event's own fields, in the order `toEvent` builds them. */
export function copyEvent(e: RawEvent): RawEvent {
  switch (e.type) {
    case 'liquidation':
      return { type: 'liquidation', ts: e.ts, exchange: e.exchange, symbol: e.symbol, side: e.side, price: e.price, amount: e.amount, usd: e.usd };
    case 'candle': {
      const c: Candle = {
        type: 'candle', ts: e.ts, exchange: e.exchange, symbol: e.symbol, timeframe: e.timeframe,
        open: e.open, high: e.high, low: e.low, close: e.close,
      };
      if (e.volume !== undefined) c.volume = e.volume;
      return c;
    }
    case 'price':
      return { type: 'price', ts: e.ts, exchange: e.exchange, symbol: e.symbol, price: e.price };
    case 'open_interest': {
      const o: OpenInterest = { type: 'open_interest', ts: e.ts, exchange: e.exchange, symbol: e.symbol, usd: e.usd };
      if (e.contracts !== undefined) o.contracts = e.contracts;
      return o;
    }
    case 'funding':
      return { type: 'funding', ts: e.ts, exchange: e.exchange, symbol: e.symbol, rate: e.rate, intervalHours: e.intervalHours };
    default:
      return unknownType(e);
  }
}

function unknownType(e: never): never {
  throw new TypeError(`not a raw market event: type ${JSON.stringify((e as { type?: unknown }).type)}`);
}
