/**
 * Closed candles from a stream of candle updates. Exchanges push the open candle over and over; a candle
 * is closed once a newer one exists, and is then emitted once, with its last values. A candle that closed
 * while the socket was down was not seen to its end, so it is dropped (the gap says why) rather than
 * emitted with wrong values.
 */
import { TIMEFRAME_MS, type Candle, type Timeframe } from '../core/events.js';
import { num, toCandle } from './normalize.js';
import type { Markets } from './symbols.js';

/** How close to a disconnect a candle's close may be and still count as seen to its end. */
const CLOSE_SLACK_MS = 2_000;

export class CandleTracker {
  private readonly lastClosed = new Map<string, number>();
  private readonly blind: Array<[number, number]> = [];
  private readonly frameMs: number;

  constructor(
    private readonly exchange: string,
    private readonly markets: Markets,
    private readonly timeframe: Timeframe,
    private readonly emit: (c: Candle) => void,
    /** A row that is not a valid candle (counted as malformed). */
    private readonly invalid: (reason: string) => void,
    /** A candle left out on purpose (closed while disconnected). */
    private readonly dropped: (reason: string) => void,
  ) {
    this.frameMs = TIMEFRAME_MS[timeframe];
  }

  /** `rows` are one symbol's OHLCV rows in time order, the newest possibly still open. */
  update(symbol: string, rows: readonly (readonly unknown[])[] | undefined): void {
    if (!rows || rows.length < 2) return;
    const market = this.markets[symbol];
    if (!market) return;
    const newest = num(rows[rows.length - 1]![0]);
    const last = this.lastClosed.get(symbol) ?? -Infinity;
    let i = rows.length - 2;
    while (i >= 0 && num(rows[i]![0]) > last) i--;
    for (let j = i + 1; j <= rows.length - 2; j++) {
      const row = rows[j]!;
      const ts = num(row[0]);
      if (!(ts < newest)) continue;
      this.lastClosed.set(symbol, ts);
      if (this.unseenClose(ts)) {
        this.dropped(`${symbol} ${this.timeframe} candle at ${new Date(ts).toISOString()} closed while disconnected`);
        continue;
      }
      const c = toCandle(this.exchange, market, this.timeframe, row);
      if (c.ok) this.emit(c.event);
      else this.invalid(`${symbol} candle: ${c.reason}`);
    }
  }

  /** Where a REST poll should start so no closed candle is missed. */
  nextSince(symbol: string): number | undefined {
    const last = this.lastClosed.get(symbol);
    return last === undefined ? undefined : last + this.frameMs;
  }

  /** No updates were received between `from` and `to`: candles closing then were not seen to their end. */
  blindBetween(from: number, to: number): void {
    this.blind.push([from - CLOSE_SLACK_MS, to]);
    if (this.blind.length > 20) this.blind.shift();
  }

  private unseenClose(ts: number): boolean {
    const close = ts + this.frameMs;
    return this.blind.some(([from, to]) => close > from && close <= to);
  }
}
