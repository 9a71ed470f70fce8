/**
 * A bar on the levels' timeframe closes once (`PriceBook`): a candle delivered again (a line repeated in a file, a feed
 * that sends a closed candle again after a restart), a correction of it with other values, or a late point of a bar
 * already closed is never a second close and never opens the bar again. The first close stands: its alerts went out.
 */
import { describe, expect, it } from 'vitest';
import { buildConfig } from '../../config/load.js';
import type { Alert } from '../../src/core/alerts.js';
import { Market } from '../../src/core/market.js';
import { PriceBook, type ClosedCandle } from '../../src/core/prices.js';
import type { Candle, Timeframe } from '../../src/core/events.js';

const MIN = 60_000;
const T0 = Date.parse('2024-08-04T14:45:00Z');

function book() {
  const closes: ClosedCandle[] = [];
  const b = new PriceBook(15 * MIN, (asset, c) => {
    expect(asset).toBe('BTC');
    closes.push(c);
  });
  const candle = (timeframe: Timeframe, ts: number, open: number, high: number, low: number, close: number): void =>
    b.candle('BTC', { type: 'candle', ts, exchange: 'binanceusdm', symbol: 'BTC/USDT:USDT', timeframe, open, high, low, close } satisfies Candle);
  return { b, closes, candle };
}

describe('a 15m candle delivered twice', () => {
  it('is one close', () => {
    const { closes, candle } = book();
    candle('15m', T0, 60_100, 60_200, 59_500, 59_564);
    candle('15m', T0, 60_100, 60_200, 59_500, 59_564);
    candle('15m', T0 + 15 * MIN, 59_564, 59_700, 59_300, 59_360);
    candle('15m', T0 + 15 * MIN, 59_564, 59_700, 59_300, 59_360);
    expect(closes.map((c) => [c.ts, c.close])).toEqual([[T0, 59_564], [T0 + 15 * MIN, 59_360]]);
  });

  it('again after later bars closed (downloads concatenated, a restart) is no close either', () => {
    const { closes, candle } = book();
    candle('15m', T0, 60_100, 60_200, 59_500, 59_564);
    candle('15m', T0 + 15 * MIN, 59_564, 59_700, 59_300, 59_360);
    candle('15m', T0, 60_100, 60_200, 59_500, 59_564);
    expect(closes.map((c) => c.ts)).toEqual([T0, T0 + 15 * MIN]);
  });

  it('a larger candle ending within the closes told is no close; one ending after them is', () => {
    const { closes, candle } = book();
    const hour = Date.parse('2024-08-04T14:00:00Z');
    for (let k = 0; k < 4; k++) candle('15m', hour + k * 15 * MIN, 60_000, 60_100, 59_900, 60_000 + k);
    candle('1h', hour, 60_000, 60_100, 59_900, 60_003); // its source is fresh 15m candles anyway, and its close was told
    expect(closes).toHaveLength(4);
    // Hours later, the 15m source silent, a 1h candle is the close of its hour, once.
    const later = hour + 4 * 3_600_000;
    candle('1h', later, 61_000, 61_100, 60_900, 61_050);
    candle('1h', later, 61_000, 61_100, 60_900, 61_050);
    expect(closes.map((c) => [c.ts, c.end])).toEqual([...closes.slice(0, 4).map((c) => [c.ts, c.end]), [later, later + 3_600_000]]);
  });
});

describe('a 1m candle repeated after its bar closed', () => {
  it('does not open the bar again: the 14:45 bar closes once, with its fifteen minutes', () => {
    const { b, closes, candle } = book();
    for (let m = 0; m < 15; m++) candle('1m', T0 + m * MIN, 60_000 - m * 10, 60_010 - m * 10, 59_990 - m * 10, 59_995 - m * 10);
    expect(closes).toEqual([{ ts: T0, open: 60_000, high: 60_010, low: 59_850, close: 59_855, end: T0 + 15 * MIN }]);
    // Its last minute again (it closed the bar), then one in its middle: nothing new closes, now or by time.
    candle('1m', T0 + 14 * MIN, 59_860, 59_870, 59_850, 59_855);
    candle('1m', T0 + 7 * MIN, 59_930, 59_940, 59_920, 59_925);
    b.advance(T0 + 40 * MIN);
    expect(closes).toHaveLength(1);
    // The next bar is built from its own minutes alone.
    candle('1m', T0 + 15 * MIN, 59_855, 59_900, 59_800, 59_820);
    candle('1m', T0 + 14 * MIN, 59_860, 59_870, 59_850, 59_855); // again, the next bar open
    b.advance(T0 + 31 * MIN);
    expect(closes.slice(1)).toEqual([{ ts: T0 + 15 * MIN, open: 59_855, high: 59_900, low: 59_800, close: 59_820, end: T0 + 30 * MIN }]);
  });

  it('a tick after the grace of a bar closed by time does not open it again', () => {
    const { b, closes } = book();
    b.tick('BTC', 'binanceusdm', T0 + 5 * MIN, 60_000);
    b.tick('BTC', 'binanceusdm', T0 + 14 * MIN, 59_800);
    b.advance(T0 + 15 * MIN + 20_000);
    expect(closes.map((c) => c.close)).toEqual([59_800]);
    b.tick('BTC', 'binanceusdm', T0 + 14 * MIN + 59_000, 59_500); // late, for the bar already closed
    b.advance(T0 + 40 * MIN);
    expect(closes.map((c) => c.close)).toEqual([59_800]);
  });
});

describe('a correction: a candle of a bar already closed, with other values', () => {
  it('of a 15m candle: the first close stands', () => {
    const { closes, candle } = book();
    candle('15m', T0, 60_100, 60_200, 59_500, 59_564);
    candle('15m', T0, 60_100, 60_300, 59_400, 59_900);
    expect(closes.map((c) => c.close)).toEqual([59_564]);
  });

  it('of the 1m candle that closed the bar: the first close stands', () => {
    const { b, closes, candle } = book();
    for (let m = 0; m < 15; m++) candle('1m', T0 + m * MIN, 60_000, 60_010, 59_990, 60_000 - m);
    candle('1m', T0 + 14 * MIN, 60_000, 60_010, 59_000, 59_100);
    b.advance(T0 + 40 * MIN);
    expect(closes.map((c) => [c.close, c.low])).toEqual([[59_986, 59_990]]);
  });

  it('of an earlier minute of the bar still open: widens the bar, never moves its close back', () => {
    const { b, closes, candle } = book();
    candle('1m', T0, 60_000, 60_010, 59_990, 60_005);
    candle('1m', T0 + MIN, 60_005, 60_020, 60_000, 60_015);
    candle('1m', T0, 60_000, 60_010, 59_950, 59_960); // a correction of 14:45 after 14:46 came
    b.advance(T0 + 40 * MIN);
    expect(closes).toEqual([{ ts: T0, open: 60_000, high: 60_020, low: 59_950, close: 60_015, end: T0 + 15 * MIN }]);
  });
});

describe('live: a polled venue after a restart sends its last 100 closed 1m candles again', () => {
  // The store restored them (bot.restore), and a new CandleTracker has no `nextSince`: fetchOHLCV(symbol, '1m',
  // undefined, 100) brings them back. The last restored minute (14:59) closed the 14:45 bar, so no bar was open.
  it('no bar closes again and no level is judged again', () => {
    const m = new Market(buildConfig({ exchanges: ['gate'], assets: ['BTC'] }));
    const closes: [number, number][] = [];
    m.onLevelClose = (_asset, c) => void closes.push([c.ts, c.close]);
    const start = Date.parse('2024-08-04T13:20:00Z');
    const alerts: Alert[] = [...m.ingest({ type: 'level', ts: start, asset: 'BTC', level: 60_000 })];
    // Above $60,000 until 14:00, then below it: $60,000 is lost on a close.
    const minutes = Array.from({ length: 100 }, (_, k) => {
      const ts = start + k * MIN;
      const p = ts < Date.parse('2024-08-04T14:00:00Z') ? 61_000 + k : 59_000 - k;
      return { type: 'candle' as const, ts, exchange: 'gate', symbol: 'BTC/USDT:USDT', timeframe: '1m' as const, open: p, high: p + 20, low: p - 20, close: p + 5 };
    });
    const feed = (list: typeof minutes) => {
      for (const c of list) {
        alerts.push(...m.ingest(c));
        alerts.push(...m.catchUp(c.ts + MIN));
      }
    };
    feed(minutes);
    expect(minutes.at(-1)!.ts).toBe(Date.parse('2024-08-04T14:59:00Z'));
    const before = { closes: [...closes], alerts: alerts.map((a) => `${a.kind} ${a.ts}`) };
    expect(before.closes.at(-1)).toEqual([T0, minutes.at(-1)!.close]);
    expect(before.alerts.some((a) => a.startsWith('level_break'))).toBe(true);
    // The restart: the same 100 candles again, at 15:00, as the first poll brings them.
    for (const c of minutes) alerts.push(...m.ingest({ ...c }));
    alerts.push(...m.catchUp(T0 + 20 * MIN));
    expect(closes).toEqual(before.closes);
    expect(alerts.map((a) => `${a.kind} ${a.ts}`)).toEqual(before.alerts);
  });
});
