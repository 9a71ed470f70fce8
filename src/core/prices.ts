/**
 * Prices per asset: the last price, minute OHLC for charts and "price change over the window", and the
 * closed candles on the levels' timeframe that level breaks are judged on. One reference exchange per asset
 * feeds it, so venues' small price differences never look like moves.
 */
import { TIMEFRAME_MS, type Candle } from './events.js';
import { HOUR, MINUTE } from './time.js';

/**
 * The decimals a price is quoted to: whole dollars from $1,000 (and an exact whole price), the cent from $10,
 * else four significant digits ($12.35, $1.890, $0.5120, $0.00001234). Replies print prices so; a level the bot
 * sets itself (a cascade's low) is rounded so, so that it reads the same in every reply.
 */
export function priceDecimals(value: number): number {
  const v = Math.abs(value);
  if (v >= 1000 || ((v >= 1 || v === 0) && Number.isInteger(v))) return 0;
  if (v >= 10) return 2;
  if (v >= 1) return 3;
  return Math.min(8, Math.max(4, 3 - Math.floor(Math.log10(v))));
}

/** `value` at the decimals it is quoted to. */
export function quotedPrice(value: number): number {
  return Number.isFinite(value) ? Number(value.toFixed(priceDecimals(value))) : value;
}

/**
 * A dated contract: a future with an expiry, or an option, whose ccxt symbol says it after a dash (`BTC/USDT:USDT-250926`,
 * `BTC/USD:BTC-250926-100000-C`). Its asset is its base, and its liquidations count as that asset's, but it trades at its
 * own basis to the perpetual (Binance's Sept 2025 BTC contract at $106,410 on Jun 23 2025, the perpetual at $104,300–
 * 104,500): no price of it is the asset's, and none goes into the book.
 */
export function isDatedContract(symbol: string): boolean {
  const slash = symbol.indexOf('/');
  return slash !== -1 && symbol.includes('-', slash);
}

export interface Ohlc {
  ts: number;
  open: number;
  high: number;
  low: number;
  close: number;
}

/** A closed candle on the levels' timeframe: [ts, end). */
export interface ClosedCandle extends Ohlc {
  end: number;
}

/**
 * One OHLC bar per minute or per hour, columnar: a Float64Array of `len` bars × 4 per chunk (a day of minutes,
 * a month of hours; NaN where no price), so a week of minutes for 20 assets is 140 arrays rather than 200,000
 * objects. `get` builds a bar object on demand.
 */
class Bars {
  private readonly chunks = new Map<number, Float64Array>();

  constructor(private readonly len: number) {}

  /** Widen bar `i` by a price range (its first open and last close stand); returns whether the bar is new. */
  record(i: number, o: number, h: number, l: number, c: number): boolean {
    const k = Math.floor(i / this.len);
    let chunk = this.chunks.get(k);
    if (!chunk) this.chunks.set(k, (chunk = new Float64Array(this.len * 4).fill(NaN)));
    const at = (i - k * this.len) * 4;
    const fresh = Number.isNaN(chunk[at]!);
    if (fresh) {
      chunk[at] = o;
      chunk[at + 1] = h;
      chunk[at + 2] = l;
    } else {
      if (h > chunk[at + 1]!) chunk[at + 1] = h;
      if (l < chunk[at + 2]!) chunk[at + 2] = l;
    }
    chunk[at + 3] = c;
    return fresh;
  }

  /** Field `f` (0 open, 1 high, 2 low, 3 close) of bar `i`, NaN when there is no bar. */
  field(i: number, f: number): number {
    const k = Math.floor(i / this.len);
    const chunk = this.chunks.get(k);
    return chunk ? chunk[(i - k * this.len) * 4 + f]! : NaN;
  }

  get(i: number, ts: number): Ohlc | undefined {
    const open = this.field(i, 0);
    if (Number.isNaN(open)) return undefined;
    return { ts, open, high: this.field(i, 1), low: this.field(i, 2), close: this.field(i, 3) };
  }

  clear(): void {
    this.chunks.clear();
  }

  /** Drop the chunks that end before bar `i` (reads below `firstMinute` are clamped anyway). */
  dropBefore(i: number): void {
    for (const k of this.chunks.keys()) if ((k + 1) * this.len <= i) this.chunks.delete(k);
  }
}

/** How many prints `TimedPrints` keeps per asset: over an hour of a busy flush's prints on one asset. */
const PRINTS_KEPT = 4096;

/**
 * The prints the book holds as prices (a file's prints where it has no candles or ticks, fills fresher than the candles),
 * each with its time: a bar keeps none within its minute, and an event over mid-minute is told at the last print at or
 * before its end, not at one after it (ETH's flush end at 14:00:47 on Apr 30 2025: $1,732.65 of 14:00:33, not the
 * squeeze's $1,742.72 of 14:00:59). A ring that grows to `PRINTS_KEPT` and is then reused, so an asset with a few prints
 * costs a few entries and a busy one no more than that.
 */
class TimedPrints {
  private ts = new Float64Array(16);
  private price = new Float64Array(16);
  /** How many were ever added: the newest is at (n − 1) modulo the size. */
  private n = 0;

  add(ts: number, price: number): void {
    const size = this.ts.length;
    if (this.n === size && size < PRINTS_KEPT) {
      const ts2 = new Float64Array(size * 2), price2 = new Float64Array(size * 2);
      ts2.set(this.ts);
      price2.set(this.price);
      this.ts = ts2;
      this.price = price2;
    }
    const i = this.n++ % this.ts.length;
    this.ts[i] = ts;
    this.price[i] = price;
  }

  /**
   * Of the prints in the minute that starts at `minute`, the last at or before `t` and the first after it (NaN: none);
   * undefined when the ring no longer holds the whole minute. Read from the newest back, to a minute before it (a polled
   * venue's print comes seconds late).
   */
  inMinute(minute: number, t: number): { before: number; after: number } | undefined {
    const size = this.ts.length;
    let before = NaN, beforeTs = -Infinity, after = NaN, afterTs = Infinity;
    for (let k = this.n - 1; k >= Math.max(0, this.n - size); k--) {
      const ts = this.ts[k % size]!;
      if (ts < minute - MINUTE) return { before, after };
      if (ts < minute || ts >= minute + MINUTE) continue;
      if (ts > t) {
        if (ts < afterTs) {
          afterTs = ts;
          after = this.price[k % size]!;
        }
      } else if (ts > beforeTs) {
        beforeTs = ts;
        before = this.price[k % size]!;
      }
    }
    return this.n > size ? undefined : { before, after };
  }
}

interface AssetPrices {
  ref?: string;
  refSeenAt: number;
  /**
   * The last price: `ts` places it for lookups (a candle's close in the candle's last minute, a 1m candle's at its open,
   * so it is a price of that minute and never one after it), `at` is when it was, as replies tell it (a candle's close
   * time, its end: the 07:15 5m candle's close is 07:20's price, not 07:19's); a tick's or a fill's are its own time.
   */
  last?: { ts: number; price: number; at: number };
  minutes: Bars;
  /** High and low per hour, so a day's range reads 24 entries instead of 1,440. */
  hours: Bars;
  firstMinute: number;
  /** How far apart the minutes recorded lie: a minute for ticks and 1m candles, a larger candle's length (Infinity: none yet). */
  spacingMs: number;
  /** The candle being built on the levels' timeframe. */
  open?: Ohlc;
  /** The time of the point that gave `open` its close: a point before it (a late or repeated one) widens the bar, never moves its close back. */
  openAt: number;
  /**
   * The end of the last close handed to `onClose` (−Infinity: none): a bar ending at or before it has closed, and its
   * first close stands. A candle of it again (a line repeated in a file, a feed that sends a closed candle again after
   * a restart), a correction of it with other values, or a late point in it is never a second close, and never reopens it.
   */
  closedEnd: number;
  /** Which source builds candles: 0 candles of the timeframe, 1 smaller candles, 2 ticks, 3 larger candles. */
  srcRank: number;
  srcSeenAt: number;
  /** Only liquidation prices seen so far (a file without candles or ticks). */
  liqOnly?: boolean;
  /** The last liquidation's fill: the price of its moment where the feed's is older (a file of 5m candles). */
  fillTs: number;
  fillPrice: number;
  /** It filled where the market traded (not a bankruptcy price): a file without candles follows it as a cascade's low or high. */
  fillTraded: boolean;
  /**
   * The fills `current` read (over two minutes newer than the candles or ticks), per minute and per hour: prices the bot
   * had and told (a running cascade's or flush's low) that no candle holds until it closes, so a window's range counts them.
   */
  fillMinutes: Bars;
  fillHours: Bars;
  /** The prints in the minutes (a file's without candles) and the fills, with their times (none before the first). */
  prints: TimedPrints | undefined;
}

export class PriceBook {
  private readonly assets = new Map<string, AssetPrices>();
  private nextDeadline = Infinity;

  /**
   * @param tfMs the levels' timeframe
   * @param onClose receives every closed candle on that timeframe, in time order per asset
   * @param graceMs how long after a candle's end a missing last update is waited for
   */
  constructor(
    private readonly tfMs: number,
    private readonly onClose: (asset: string, candle: ClosedCandle) => void,
    private readonly graceMs = 15_000,
    private readonly switchAfterMs = 5 * MINUTE,
  ) {}

  private state(asset: string): AssetPrices {
    let a = this.assets.get(asset);
    if (!a) {
      // Every field from the start: fields added as they come, in an order that varies per asset, would give the
      // assets' states several shapes and every read of one (the last price, per liquidation) a generic lookup.
      a = {
        ref: undefined, refSeenAt: 0, last: undefined, minutes: new Bars(1440), hours: new Bars(720), firstMinute: Infinity, spacingMs: Infinity,
        open: undefined, openAt: -Infinity, closedEnd: -Infinity, srcRank: 9, srcSeenAt: -Infinity, liqOnly: undefined, fillTs: -Infinity, fillPrice: NaN, fillTraded: false,
        fillMinutes: new Bars(1440), fillHours: new Bars(720), prints: undefined,
      };
      this.assets.set(asset, a);
    }
    return a;
  }

  /**
   * With no candles or ticks at all, liquidation prices stand in for display (price now, the window's
   * range); they never judge a level break, and the first real price replaces them.
   */
  liquidationPrice(asset: string, ts: number, price: number, fill = true): void {
    const a = this.state(asset);
    // A bankruptcy price is no trade: beside real prices it is not one (alone, it stands in for display as any print).
    if (!fill && a.ref !== undefined && !a.liqOnly) return;
    if (ts >= a.fillTs) {
      a.fillTs = ts;
      a.fillPrice = price;
      a.fillTraded = fill;
    }
    if (a.ref !== undefined && !a.liqOnly) {
      if (this.isFresh(a, ts)) {
        const m = Math.floor(ts / MINUTE);
        a.fillMinutes.record(m, price, price, price, price);
        a.fillHours.record(Math.floor(m / 60), price, price, price, price);
        (a.prints ??= new TimedPrints()).add(ts, price);
      }
      return;
    }
    a.liqOnly = true;
    a.spacingMs = MINUTE;
    this.recordMinute(a, ts, price, price, price, price);
    (a.prints ??= new TimedPrints()).add(ts, price);
  }

  /** Only the reference exchange's prices count; another takes over when it has been silent for a while. */
  private accept(a: AssetPrices, exchange: string, ts: number): boolean {
    if (a.liqOnly) {
      a.liqOnly = false;
      a.minutes.clear();
      a.hours.clear();
      a.firstMinute = Infinity;
      a.spacingMs = Infinity;
      a.last = undefined;
      a.ref = undefined;
      a.prints = undefined;
    }
    if (a.ref === exchange || a.ref === undefined || ts - a.refSeenAt > this.switchAfterMs) {
      a.ref = exchange;
      a.refSeenAt = Math.max(a.refSeenAt, ts);
      return true;
    }
    return false;
  }

  /** `at`: when the close `c` was, where it is not `ts` (a candle's end). */
  private recordMinute(a: AssetPrices, ts: number, o: number, h: number, l: number, c: number, at = ts): void {
    const m = Math.floor(ts / MINUTE);
    if (a.minutes.record(m, o, h, l, c) && m < a.firstMinute) a.firstMinute = m;
    if (!a.last || ts >= a.last.ts) a.last = { ts, price: c, at };
    const hk = Math.floor(m / 60);
    a.hours.record(hk, o, h, l, c);
  }

  private useSource(a: AssetPrices, rank: number, ts: number): boolean {
    if (rank <= a.srcRank || ts - a.srcSeenAt > 2 * this.tfMs) {
      a.srcRank = rank;
      a.srcSeenAt = Math.max(a.srcSeenAt, ts);
      return true;
    }
    return false;
  }

  private emit(asset: string, a: AssetPrices, c: Ohlc, end: number): void {
    a.open = undefined;
    if (end > a.closedEnd) a.closedEnd = end;
    this.onClose(asset, { ...c, end });
  }

  /** Feed a point into the candle being built; close it when the point belongs to a later candle. */
  private build(asset: string, a: AssetPrices, t: number, o: number, h: number, l: number, c: number, closesAt?: number): void {
    const start = Math.floor(t / this.tfMs) * this.tfMs;
    // A point of a bar already closed (a 1m candle repeated after its bar's last minute closed it, a tick after the
    // grace): its close was told; the point does not open it again.
    if (start + this.tfMs <= a.closedEnd) return;
    if (a.open && start > a.open.ts) this.emit(asset, a, a.open, a.open.ts + this.tfMs);
    if (a.open && start < a.open.ts) return; // late point for a candle already closed
    if (!a.open) {
      a.open = { ts: start, open: o, high: h, low: l, close: c };
      a.openAt = t;
    } else {
      a.open.high = Math.max(a.open.high, h);
      a.open.low = Math.min(a.open.low, l);
      if (t >= a.openAt) {
        a.open.close = c;
        a.openAt = t;
      }
    }
    if (closesAt !== undefined && closesAt >= start + this.tfMs) this.emit(asset, a, a.open, start + this.tfMs);
    else this.nextDeadline = Math.min(this.nextDeadline, start + this.tfMs + this.graceMs);
  }

  tick(asset: string, exchange: string, ts: number, price: number): void {
    const a = this.state(asset);
    if (!this.accept(a, exchange, ts)) return;
    a.spacingMs = MINUTE;
    this.recordMinute(a, ts, price, price, price, price);
    if (this.useSource(a, 2, ts)) this.build(asset, a, ts, price, price, price, price);
  }

  /** A candle that has closed (the caller holds candles back until their close time). */
  candle(asset: string, c: Candle): void {
    const a = this.state(asset);
    const tf = TIMEFRAME_MS[c.timeframe];
    const end = c.ts + tf;
    if (!this.accept(a, c.exchange, end - 1)) return;
    a.spacingMs = Math.min(a.spacingMs, Math.max(MINUTE, tf));
    if (tf <= MINUTE) this.recordMinute(a, c.ts, c.open, c.high, c.low, c.close, end);
    else {
      // Spread a larger candle over its first and last minute so charts see its range and its close.
      this.recordMinute(a, c.ts, c.open, c.open, c.open, c.open);
      this.recordMinute(a, end - 1, c.open, c.high, c.low, c.close, end);
    }
    // A candle of the levels' timeframe or larger whose close was told already (the same candle again, a correction of
    // it with other values, a larger one ending within the closes told): the first close stands, as its alerts went out.
    if (tf >= this.tfMs && end <= a.closedEnd) return;
    const rank = tf === this.tfMs ? 0 : tf < this.tfMs ? 1 : 3;
    if (!this.useSource(a, rank, end - 1)) return;
    if (tf >= this.tfMs) {
      if (a.open && a.open.ts < c.ts) this.emit(asset, a, a.open, a.open.ts + this.tfMs);
      a.open = undefined;
      a.closedEnd = end;
      this.onClose(asset, { ts: c.ts, open: c.open, high: c.high, low: c.low, close: c.close, end });
    } else {
      this.build(asset, a, end - 1, c.open, c.high, c.low, c.close, end);
    }
  }

  /** Close candles whose time is over (no later update arrived within the grace period). */
  advance(now: number): void {
    if (now < this.nextDeadline) return;
    this.nextDeadline = Infinity;
    for (const [asset, a] of this.assets) {
      if (!a.open) continue;
      const end = a.open.ts + this.tfMs;
      if (now >= end + this.graceMs) this.emit(asset, a, a.open, end);
      else this.nextDeadline = Math.min(this.nextDeadline, end + this.graceMs);
    }
  }

  /** The last price: `ts` for lookups, `at` when it was, to tell (a candle's close time). */
  last(asset: string): { ts: number; price: number; at: number } | undefined {
    return this.assets.get(asset)?.last;
  }

  /** The assets with a price (a candle, a tick or a liquidation's fill). */
  assetNames(): string[] {
    return [...this.assets.keys()];
  }

  /**
   * The price of the moment for what liquidations say (a cascade's or a flush's price): the last price, or the last
   * liquidation's fill when that is over two minutes newer (5m candles are up to five minutes old when a print comes;
   * a feed of ticks or 1m candles never is). Levels are judged on candles alone, never on this.
   */
  current(asset: string): number | undefined {
    const a = this.assets.get(asset);
    if (!a) return undefined;
    return this.fillIsNewer(a) ? a.fillPrice : a.last?.price;
  }

  /**
   * The last fill a running cascade's low or high follows: when `current` reads it, and in a file without candles or
   * ticks, where the prints are the prices, when it filled where the market traded (a bankruptcy price stands in for
   * display only).
   */
  freshFill(asset: string): number | undefined {
    const a = this.assets.get(asset);
    return a && (this.fillIsNewer(a) || (a.liqOnly && a.fillTraded)) ? a.fillPrice : undefined;
  }

  private fillIsNewer(a: AssetPrices): boolean {
    return this.isFresh(a, a.fillTs);
  }

  /** Whether a fill at `ts` is the price of its moment: over two minutes newer than the last candle or tick. */
  private isFresh(a: AssetPrices, ts: number): boolean {
    return ts - (a.last?.ts ?? -Infinity) > 2 * MINUTE;
  }

  /**
   * The last price of the minute of `t` or one before it (looking back at most `maxLookbackMs`): a candle's or tick's,
   * else a fill `current` read. The minute of `t` may hold prices after `t`: a caller wanting none passes its minute's
   * start − 1.
   */
  priceAt(asset: string, t: number, maxLookbackMs = 6 * HOUR): number | undefined {
    const a = this.assets.get(asset);
    if (!a) return undefined;
    const lo = Math.max(a.firstMinute, Math.floor((t - maxLookbackMs) / MINUTE));
    for (let m = Math.floor(t / MINUTE); m >= lo; m--) {
      const close = a.minutes.field(m, 3);
      if (!Number.isNaN(close)) return close;
      const fill = a.fillMinutes.field(m, 3);
      if (!Number.isNaN(fill)) return fill;
    }
    return undefined;
  }

  /**
   * The price an event that began at `from` began at (a cascade's first print, a flush's): the last price at or before it,
   * a print's where the book keeps its time (in `from`'s own minute), else the close of the minute before (`priceAt`).
   * Where the candles were minutes old then, so the book took the fills of `from`'s minute as the price of their moment,
   * and none came at or before it, the first after it: a flush starts at its first print on any asset, and a candle over
   * two minutes older than this asset's first fill after it is not where it began (Jan 27 2025, BTC at 16:52:00: $99,768
   * of its fill at 16:52:08, not the $100,033 of 16:50). In a file of prints alone, where they are the prices, the last
   * print before `from` is the price at it.
   */
  startPrice(asset: string, from: number, maxLookbackMs = 6 * HOUR): number | undefined {
    const a = this.assets.get(asset);
    if (!a) return undefined;
    const minute = Math.floor(from / MINUTE) * MINUTE;
    const prints = a.prints?.inMinute(minute, from);
    if (prints && !Number.isNaN(prints.before)) return prints.before;
    if (prints && !a.liqOnly && !Number.isNaN(prints.after)) return prints.after;
    return this.priceAt(asset, minute - 1, maxLookbackMs);
  }

  /**
   * Open, close, high and low over [from, to], and the stretch the prices cover (`from`, `to`). The open is the last
   * price before `from`'s minute when one lies within the asset's spacing before it (a minute for ticks, a candle's
   * length for candles: no further apart than its prices come), and the stretch starts at `from`; else it is the first
   * price in the window, and the stretch starts at that price's minute (at `from` in `from`'s own). A bar keeps no time
   * within its minute, so the close of `from`'s minute may be a price after `from`: the close of the minute before is
   * the last price the bars place at or before it. The stretch ends at the last price's minute (at the last price's
   * time, a candle's close, when the window reaches it). High and low include the open. Fills `current` read count as
   * candles' and ticks' prices do; in a minute with both, its open and close are the candle's or tick's (a candle's
   * close is its end, after any fill of its last minute). Where the close of `to`'s own minute is a print's (a file
   * without candles, a fill), it is the last print at or before `to`: an event over mid-minute ends at its own prices,
   * not at a print after it.
   */
  range(asset: string, from: number, to: number): { open: number; close: number; high: number; low: number; from: number; to: number } | undefined {
    const a = this.assets.get(asset);
    if (!a) return undefined;
    let high = -Infinity, low = Infinity;
    let firstOpen = NaN, lastClose = NaN, closeBefore = NaN;
    // The first and last bars read (their first minutes), whether each is an hour's, and whether the last is fills' alone.
    let first = NaN, last = NaN, firstWhole = false, lastWhole = false, lastFills = false;
    const lastMinute = Math.floor(to / MINUTE);
    // Ragged minutes at both ends, whole hours in between (as the liquidation buckets do).
    for (let m = Math.max(a.firstMinute, Math.floor(from / MINUTE)); m <= lastMinute; ) {
      const whole = m % 60 === 0 && m + 59 <= lastMinute;
      const own = whole ? a.hours : a.minutes;
      const fills = whole ? a.fillHours : a.fillMinutes;
      const i = whole ? m / 60 : m;
      const barMinute = m;
      m += whole ? 60 : 1;
      const ownHigh = own.field(i, 1), fillHigh = fills.field(i, 1);
      if (Number.isNaN(ownHigh) && Number.isNaN(fillHigh)) continue;
      if (Number.isNaN(first)) {
        first = barMinute;
        firstWhole = whole;
      }
      last = barMinute;
      lastWhole = whole;
      if (ownHigh > high) high = ownHigh;
      if (fillHigh > high) high = fillHigh;
      const ownLow = own.field(i, 2), fillLow = fills.field(i, 2);
      if (ownLow < low) low = ownLow;
      if (fillLow < low) low = fillLow;
      lastFills = Number.isNaN(ownHigh);
      const bars = lastFills ? fills : own;
      if (Number.isNaN(firstOpen)) firstOpen = bars.field(i, 0);
      closeBefore = lastClose;
      lastClose = bars.field(i, 3);
    }
    if (Number.isNaN(firstOpen)) return undefined;
    // One price per moment: a window that reaches the last price ends on it, as /levels and the charts do (unless a
    // fill came in a minute after it).
    const reaches = !lastFills && a.last !== undefined && a.last.ts >= from && a.last.ts <= to;
    let close = reaches ? a.last!.price : lastClose;
    const before = this.priceAt(asset, Math.floor(from / MINUTE) * MINUTE - 1, a.spacingMs - MINUTE);
    if (!reaches && last === lastMinute && (lastFills || a.liqOnly)) {
      // `to`'s own minute, its close a print's: the last print at or before `to`, else the last price before the minute.
      const prints = a.prints?.inMinute(lastMinute * MINUTE, to);
      if (prints && !Number.isNaN(prints.after)) close = !Number.isNaN(prints.before) ? prints.before : !Number.isNaN(closeBefore) ? closeBefore : (before ?? close);
    }
    const open = before ?? firstOpen;
    // An hour's bar keeps no minute: where one bounds the stretch, its first or last minute with a price is looked up
    // (at most 60 reads at each end, only then).
    const start = before !== undefined ? from : Math.max(from, (firstWhole ? this.edgeMinute(a, first, 1) : first) * MINUTE);
    // The last price ends the stretch at its time as told (a candle's close), within the window.
    const end = reaches ? Math.min(a.last!.at, to) : (lastWhole ? this.edgeMinute(a, last, -1) : last) * MINUTE;
    return { open, close, high: Math.max(high, open, close), low: Math.min(low, open, close), from: start, to: end };
  }

  /** The first (`dir` 1) or last (−1) minute with a price (a fill `current` read too) in the hour whose first minute is `hour`. */
  private edgeMinute(a: AssetPrices, hour: number, dir: 1 | -1): number {
    let m = dir === 1 ? hour : hour + 59;
    while (Number.isNaN(a.minutes.field(m, 1)) && Number.isNaN(a.fillMinutes.field(m, 1)) && m !== (dir === 1 ? hour + 59 : hour)) m += dir;
    return m;
  }

  /**
   * The bar width a chart asking for `stepMs` bars gets for this asset: no finer than its prices are. A file of 1h
   * candles has a price at each hour's first and last minute only, so 15m bars would be a flat tick and a body.
   */
  barStep(asset: string, stepMs: number): number {
    const spacing = this.assets.get(asset)?.spacingMs ?? Infinity;
    return Number.isFinite(spacing) && spacing > stepMs ? spacing : stepMs;
  }

  /**
   * OHLC bars of `stepMs` over [from, to] (steps with no data are left out): as of the moment `to`, its minute and a
   * price at `to` itself included (a chart of now, a cascade whose last print is `to`). `end: 'before'` reads the
   * period [from, to) instead: a week up to the next one's Monday 00:00, whose minute is the next week's.
   */
  bars(asset: string, from: number, to: number, stepMs: number, end: 'at' | 'before' = 'at'): Ohlc[] {
    const a = this.assets.get(asset);
    if (!a) return [];
    const out: Ohlc[] = [];
    let cur: Ohlc | undefined;
    const first = Math.max(a.firstMinute, Math.floor(from / MINUTE));
    const lastMinute = end === 'before' ? Math.ceil(to / MINUTE) - 1 : Math.floor(to / MINUTE);
    for (let m = first; m <= lastMinute; m++) {
      const bar = a.minutes.get(m, m * MINUTE);
      if (!bar) continue;
      const start = from + Math.floor((bar.ts - from) / stepMs) * stepMs;
      if (!cur || cur.ts !== start) {
        cur = { ts: start, open: bar.open, high: bar.high, low: bar.low, close: bar.close };
        out.push(cur);
      } else {
        cur.high = Math.max(cur.high, bar.high);
        cur.low = Math.min(cur.low, bar.low);
        cur.close = bar.close;
      }
    }
    // The last bar ends on the last price (a late point can leave a minute's close behind it).
    if (cur && a.last && a.last.ts >= cur.ts && (end === 'before' ? a.last.ts < to : a.last.ts <= to)) {
      cur.close = a.last.price;
      cur.high = Math.max(cur.high, cur.close);
      cur.low = Math.min(cur.low, cur.close);
    }
    return out;
  }

  prune(beforeMs: number): void {
    const min = Math.floor(beforeMs / MINUTE);
    for (const a of this.assets.values()) {
      a.minutes.dropBefore(min);
      a.hours.dropBefore(Math.floor(min / 60));
      a.fillMinutes.dropBefore(min);
      a.fillHours.dropBefore(Math.floor(min / 60));
      a.firstMinute = Math.max(a.firstMinute, min);
    }
  }
}
