/** A window's price range: what opens it, and the stretch its prices cover (the "(prices … only)" of /liqs). */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { PriceBook } from '../../src/core/prices.js';

const MIN = 60_000;
const H = 3_600_000;
const at = (iso: string) => Date.parse(iso);

describe('the open of a window', () => {
  it('is not a print from hours before the window: with none at its start, the first price in it opens it and the stretch starts there', () => {
    // WLD in the Jan 27 file: liquidation prices only, one the day before (25 h before the window's end), then 16:52–17:08.
    const book = new PriceBook(15 * MIN, () => {});
    book.liquidationPrice('WLD', at('2025-01-26T17:05:00.590Z'), 2.0854);
    book.liquidationPrice('WLD', at('2025-01-27T16:52:03.588Z'), 1.8715);
    book.liquidationPrice('WLD', at('2025-01-27T16:53:30.000Z'), 1.8704);
    book.liquidationPrice('WLD', at('2025-01-27T17:08:48.450Z'), 1.855);
    const to = at('2025-01-27T18:30:00Z');
    expect(book.range('WLD', to - 24 * H, to)).toEqual({
      open: 1.8715, close: 1.855, high: 1.8715, low: 1.855, from: at('2025-01-27T16:52:00Z'), to: at('2025-01-27T17:08:48.450Z'),
    });
  });

  it('is the price just before the window when one lies within the prices\' spacing (a minute of ticks), and the high counts it', () => {
    const book = new PriceBook(15 * MIN, () => {});
    const from = at('2026-01-31T12:00:00Z');
    book.tick('ETH', 'bybit', from - 30_000, 2700); // 30 s before the window: its opening price
    book.tick('ETH', 'bybit', from + 10 * MIN, 2650);
    book.tick('ETH', 'bybit', from + 50 * MIN, 2600);
    expect(book.range('ETH', from, from + H)).toEqual({ open: 2700, close: 2600, high: 2700, low: 2600, from, to: from + 50 * MIN });
    // Three minutes before it is further than ticks ever lie apart: a gap, not the window's open.
    const gap = new PriceBook(15 * MIN, () => {});
    gap.tick('ETH', 'bybit', from - 3 * MIN, 2700);
    gap.tick('ETH', 'bybit', from + 10 * MIN, 2650);
    gap.tick('ETH', 'bybit', from + 50 * MIN, 2600);
    expect(gap.range('ETH', from, from + H)).toEqual({ open: 2650, close: 2600, high: 2650, low: 2600, from: from + 10 * MIN, to: from + 50 * MIN });
  });

  it('is a 5m candle\'s price minutes before the window: candles lie a candle\'s length apart', () => {
    const book = new PriceBook(15 * MIN, () => {});
    const t0 = at('2026-01-31T12:00:00Z');
    const candle = (ts: number, open: number, high: number, low: number, close: number) =>
      book.candle('BTC', { type: 'candle', ts, exchange: 'binanceusdm', symbol: 'BTC/USDT:USDT', timeframe: '5m', open, high, low, close });
    candle(t0, 100, 104, 99, 103);
    candle(t0 + 5 * MIN, 102, 102, 95, 96);
    candle(t0 + 10 * MIN, 96, 98, 96, 97);
    // From 12:07, the last price before it is the 12:05 candle's open, 2 minutes back: the window's open, and its start covered.
    expect(book.range('BTC', t0 + 7 * MIN, t0 + 15 * MIN)).toEqual({ open: 102, close: 97, high: 102, low: 95, from: t0 + 7 * MIN, to: t0 + 15 * MIN });
  });
});

describe('the stretch a window\'s prices cover', () => {
  // DOGE in the Jan 27 file: liquidation prices 16:53:28–17:08:47 only, read over windows of whole hours.
  const book = new PriceBook(15 * MIN, () => {});
  book.liquidationPrice('DOGE', at('2025-01-27T16:53:28.165Z'), 0.32175);
  book.liquidationPrice('DOGE', at('2025-01-27T17:04:00.000Z'), 0.3237);
  book.liquidationPrice('DOGE', at('2025-01-27T17:08:47.820Z'), 0.319836);

  it('runs from the first price\'s minute to the last price, not from the start of its hour to the window\'s end', () => {
    expect(book.range('DOGE', at('2025-01-27T14:00:00Z'), at('2025-01-27T18:00:00Z'))).toMatchObject({
      open: 0.32175, close: 0.319836, from: at('2025-01-27T16:53:00Z'), to: at('2025-01-27T17:08:47.820Z'),
    });
  });

  it('ends at the last price\'s minute in the window when a later price is outside it', () => {
    const later = new PriceBook(15 * MIN, () => {});
    for (const [iso, p] of [['2025-01-27T16:53:28Z', 0.32175], ['2025-01-27T17:08:47Z', 0.319836], ['2025-01-27T19:10:00Z', 0.31]] as const) later.liquidationPrice('DOGE', at(iso), p);
    expect(later.range('DOGE', at('2025-01-27T14:00:00Z'), at('2025-01-27T18:00:00Z'))).toMatchObject({
      close: 0.319836, from: at('2025-01-27T16:53:00Z'), to: at('2025-01-27T17:08:00Z'),
    });
  });
});

describe('a window read as whole hours and ragged minutes', () => {
  it('gives what a brute-force read of the ticks gives: open, close, high, low and the stretch', () => {
    const t0 = at('2026-01-31T00:00:00Z');
    // Ticks over 10 hours, clustered or sparse, and windows that start and end anywhere in (or around) them.
    const tick = fc.record({ ts: fc.integer({ min: t0, max: t0 + 10 * H }), price: fc.integer({ min: 1, max: 1000 }) });
    const edge = fc.integer({ min: t0 - H, max: t0 + 11 * H });
    fc.assert(
      fc.property(fc.array(tick, { minLength: 1, maxLength: 400, size: 'max' }), edge, edge, (raw, a, b) => {
        const [from, to] = a <= b ? [a, b] : [b, a];
        const ticks = [...raw].sort((x, y) => x.ts - y.ts);
        const book = new PriceBook(15 * MIN, () => {});
        for (const t of ticks) book.tick('ETH', 'bybit', t.ts, t.price);
        // Minute bars: a window reads every minute it touches; the open is the close of the minute before its start (a
        // bar keeps no time inside its minute: its close may come after `from`), else the first price in it.
        const minute = (ts: number) => Math.floor(ts / MIN);
        const inside = ticks.filter((t) => minute(t.ts) >= minute(from) && minute(t.ts) <= minute(to));
        if (inside.length === 0) {
          expect(book.range('ETH', from, to)).toBeUndefined();
          return;
        }
        const before = ticks.filter((t) => minute(t.ts) === minute(from) - 1).at(-1);
        const last = ticks.at(-1)!;
        const reaches = last.ts >= from && last.ts <= to;
        const open = before?.price ?? inside[0]!.price;
        const close = reaches ? last.price : inside.at(-1)!.price;
        const prices = [...inside.map((t) => t.price), open, close];
        expect(book.range('ETH', from, to)).toEqual({
          open, close, high: Math.max(...prices), low: Math.min(...prices),
          from: before ? from : Math.max(from, minute(inside[0]!.ts) * MIN), to: reaches ? last.ts : minute(inside.at(-1)!.ts) * MIN,
        });
      }),
      { numRuns: 300 },
    );
  });
});

describe('bars as of a moment, or over a period', () => {
  const book = new PriceBook(15 * MIN, () => {});
  const monday = at('2026-03-09T00:00:00Z');
  book.tick('ETH', 'bybit', monday - 30 * MIN, 2400);
  book.tick('ETH', 'bybit', monday, 2200); // the next week's first price
  it('as of `to`: a price at `to` is the moment’s, read (a chart of now, a cascade ending on that print)', () => {
    const bars = book.bars('ETH', monday - H, monday, H);
    expect(bars.map((b) => [b.ts, b.low])).toEqual([[monday - H, 2400], [monday, 2200]]);
  });
  it('over [from, to): the next week’s first minute is not this week’s', () => {
    const bars = book.bars('ETH', monday - H, monday, H, 'before');
    expect(bars).toEqual([{ ts: monday - H, open: 2400, high: 2400, low: 2400, close: 2400 }]);
  });
});
