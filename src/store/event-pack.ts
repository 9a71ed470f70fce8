/**
 * Market-event batches packed for the event writer's thread: one Float64Array (moved, not copied) of fixed
 * rows, and only the strings (exchanges, symbols, sides…) the thread has not seen yet. Cloning the events as
 * objects cost the pipeline's thread ~2 µs per event; packing costs a tenth of that.
 * An encoder and its decoder share a string table, so each pair serves one thread for its whole life.
 */
import type { Candle, LiquidationTotal, MarketEvent, OpenInterest, PositionSide, Timeframe } from '../core/events.js';
import { eventHash } from './hash.js';

/** One batch on the wire. */
export interface PackedBatch {
  rows: Float64Array;
  /** Strings first used in this batch, in the order they were numbered. */
  strings: string[];
}

/**
 * Row layout: type, ts, four string ids, five numbers. A missing optional value is NaN (never a valid value).
 * A liquidation's row also carries its identity hash (`eventHash`, slot 9), so the thread inserts it straight from
 * the row: the bot has computed it already for its duplicate check.
 */
export const STRIDE = 11;
const TYPES = ['liquidation', 'candle', 'price', 'open_interest', 'funding', 'liquidation_total'] as const;
/** Each type's code in slot 0: its place in TYPES, the one list packing and unpacking both read. */
const CODE = Object.fromEntries(TYPES.map((t, i) => [t, i])) as Record<(typeof TYPES)[number], number>;
/** A liquidation's row: type, ts, exchange, symbol and side ids, (unused), price, amount, usd, hash. */
export const LIQUIDATION = CODE.liquidation;
export const LIQUIDATION_HASH = 9;
/** A vendor total's row (kept in its own table, not with the raw events). */
export const LIQUIDATION_TOTAL = CODE.liquidation_total;
const NONE = -1;

export class EventPacker {
  private readonly ids = new Map<string, number>();
  private fresh: string[] = [];

  /**
   * Pack the events the store keeps (`level` events are left out, as the store ignores them). `hashes[i]`, when
   * given, is `eventHash(events[i])` for each liquidation (the caller's, computed already; anything for other events).
   */
  pack(events: readonly MarketEvent[], hashes?: readonly number[]): PackedBatch {
    if (hashes && hashes.length !== events.length) throw new RangeError(`${hashes.length} hashes for ${events.length} events`);
    // Every slot a row reads is written below (absent optional values as NaN): no fill.
    const rows = new Float64Array(events.length * STRIDE);
    let r = 0;
    for (let i = 0; i < events.length; i++) {
      const e = events[i]!;
      const o = r * STRIDE;
      rows[o + 1] = e.ts;
      switch (e.type) {
        case 'liquidation':
          rows[o] = LIQUIDATION;
          this.strings(rows, o, e.exchange, e.symbol, e.side);
          rows[o + 6] = e.price; rows[o + 7] = e.amount; rows[o + 8] = e.usd;
          rows[o + LIQUIDATION_HASH] = hashes ? hashes[i]! : eventHash(e);
          break;
        case 'candle':
          rows[o] = CODE.candle;
          this.strings(rows, o, e.exchange, e.symbol, e.timeframe);
          rows[o + 6] = e.open; rows[o + 7] = e.high; rows[o + 8] = e.low; rows[o + 9] = e.close;
          rows[o + 10] = e.volume ?? NaN;
          break;
        case 'price':
          rows[o] = CODE.price;
          this.strings(rows, o, e.exchange, e.symbol);
          rows[o + 6] = e.price;
          break;
        case 'open_interest':
          rows[o] = CODE.open_interest;
          this.strings(rows, o, e.exchange, e.symbol);
          rows[o + 6] = e.usd;
          rows[o + 7] = e.contracts ?? NaN;
          break;
        case 'funding':
          rows[o] = CODE.funding;
          this.strings(rows, o, e.exchange, e.symbol);
          rows[o + 6] = e.rate; rows[o + 7] = e.intervalHours;
          break;
        case 'liquidation_total':
          rows[o] = CODE.liquidation_total;
          this.strings(rows, o, e.exchange, e.asset, e.side, e.period);
          rows[o + 6] = e.usd;
          break;
        case 'level':
          continue;
        default:
          throw new TypeError(`not a market event: type ${JSON.stringify((e as { type?: unknown }).type)}`);
      }
      r++;
    }
    const strings = this.fresh;
    this.fresh = [];
    return { rows: r === events.length ? rows : rows.slice(0, r * STRIDE), strings };
  }

  private strings(rows: Float64Array, o: number, a?: string, b?: string, c?: string, d?: string): void {
    rows[o + 2] = this.id(a);
    rows[o + 3] = this.id(b);
    rows[o + 4] = this.id(c);
    rows[o + 5] = this.id(d);
  }

  private id(s: string | undefined): number {
    if (s === undefined) return NONE;
    let id = this.ids.get(s);
    if (id === undefined) {
      id = this.ids.size;
      this.ids.set(s, id);
      this.fresh.push(s);
    }
    return id;
  }
}

export class EventUnpacker {
  private readonly table: string[] = [];

  /** The string table once a batch's new strings have joined it: what its rows' string ids index. */
  strings(batch: PackedBatch): readonly string[] {
    for (const s of batch.strings) this.table.push(s);
    return this.table;
  }

  /** The events of a batch, as objects equal to those packed (`level` events excepted). */
  unpack(batch: PackedBatch): MarketEvent[] {
    const t = this.strings(batch);
    const { rows } = batch;
    const out: MarketEvent[] = [];
    for (let o = 0; o < rows.length; o += STRIDE) out.push(eventAt(rows, o, t));
    return out;
  }
}

/** The event packed in the row at offset `o`, its strings from `t` (the unpacker's table). */
export function eventAt(rows: Float64Array, o: number, t: readonly string[]): MarketEvent {
  const type = TYPES[rows[o]!]!;
  const ts = rows[o + 1]!;
  const s1 = rows[o + 2]!, s2 = rows[o + 3]!, s3 = rows[o + 4]!;
  switch (type) {
    case 'liquidation':
      return { type, ts, exchange: t[s1]!, symbol: t[s2]!, side: t[s3] as PositionSide, price: rows[o + 6]!, amount: rows[o + 7]!, usd: rows[o + 8]! };
    case 'candle': {
      const c: Candle = {
        type, ts, exchange: t[s1]!, symbol: t[s2]!, timeframe: t[s3] as Timeframe, open: rows[o + 6]!, high: rows[o + 7]!, low: rows[o + 8]!, close: rows[o + 9]!,
      };
      if (!Number.isNaN(rows[o + 10])) c.volume = rows[o + 10]!;
      return c;
    }
    case 'price':
      return { type, ts, exchange: t[s1]!, symbol: t[s2]!, price: rows[o + 6]! };
    case 'open_interest': {
      const oi: OpenInterest = { type, ts, exchange: t[s1]!, symbol: t[s2]!, usd: rows[o + 6]! };
      if (!Number.isNaN(rows[o + 7])) oi.contracts = rows[o + 7]!;
      return oi;
    }
    case 'funding':
      return { type, ts, exchange: t[s1]!, symbol: t[s2]!, rate: rows[o + 6]!, intervalHours: rows[o + 7]! };
    case 'liquidation_total': {
      // The keys in the order the file reader makes them (toEvent): one shape for the same event either way.
      const lt: LiquidationTotal = { type, ts, period: t[rows[o + 5]!] as LiquidationTotal['period'], asset: t[s2]!, side: t[s3] as PositionSide, usd: rows[o + 6]! };
      if (s1 !== NONE) lt.exchange = t[s1]!;
      return lt;
    }
  }
}
