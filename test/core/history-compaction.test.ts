/**
 * A vendor's hourly totals of days no window reads any more are summed per venue (`compactVendorHours`, called by the
 * market's hourly housekeeping): a year of them holds a figure per venue and day, not one per hour, and every figure
 * the history gives (a day's total, its venues, rankings, "largest since", whether a vendor's day exceeds the orders)
 * is what it was without the folding.
 */
import { describe, expect, it } from 'vitest';
import { buildConfig } from '../../config/load.js';
import type { LiquidationTotal, PositionSide } from '../../src/core/events.js';
import { LiquidationHistory } from '../../src/core/history.js';
import { Market } from '../../src/core/market.js';

const D = 86_400_000;
const H = 3_600_000;
const START = Date.UTC(2025, 0, 1);
const day = (i: number): number => START + i * D;
const VENUES = ['binance', 'bybit', 'okx'];
const SIDES: PositionSide[] = ['long', 'short'];

function hour(i: number, h: number, side: PositionSide, exchange: string | undefined, usd: number, asset = 'ETH'): LiquidationTotal {
  return { type: 'liquidation_total', ts: day(i) + h * H, period: '1h', asset, side, usd, ...(exchange === undefined ? {} : { exchange }) };
}

/**
 * A year of hourly totals, three venues a side: $1,000 an hour each, long days 100 and 300 larger ($5,000 and $3,000
 * an hour), and uneven cents elsewhere so sums are not round.
 */
function yearOfHours(): LiquidationTotal[] {
  const out: LiquidationTotal[] = [];
  for (let i = 0; i < 365; i++) {
    for (let h = 0; h < 24; h++) {
      for (const side of SIDES) {
        for (const [v, ex] of VENUES.entries()) {
          const base = side === 'long' && i === 100 ? 5_000 : side === 'long' && i === 300 ? 3_000 : 1_000;
          out.push(hour(i, h, side, ex, base + ((i * 7 + h * 3 + v) % 11) * 0.01));
        }
      }
    }
  }
  return out;
}

/** Everything the history answers about ETH's days, for comparing two histories. */
function answers(h: LiquidationHistory, days: number) {
  const out: unknown[] = [];
  for (let i = 0; i < days; i++) {
    out.push(h.vendorDayExceedsOrders('ETH', day(i)));
    for (const side of SIDES) {
      out.push(h.dayTotal('ETH', side, day(i)), [...h.dayByVenue('ETH', side, day(i))], h.dayVenues('ETH', side, day(i)), h.hasVendorTotals('ETH', side, day(i)));
    }
  }
  for (const side of SIDES) {
    out.push(h.daysWithData('ETH', side), h.priorDays('ETH', side, day(days), 100_000));
    out.push(h.normalDaily('ETH', side, day(days), 30, 7), h.normalDailyOn('ETH', side, day(days), 30, 7, new Set(['binance', 'bybit'])));
    for (const usd of [10_000, 72_000, 200_000, 215_999, 400_000]) out.push(h.rank('ETH', side, usd, day(days), 90), h.rank('ETH', side, usd, day(days), 365));
  }
  return out;
}

describe('folding a vendor\'s hours into days', () => {
  it('keeps a year of hourly totals to a figure per venue and day, with every answer as it was', () => {
    const plain = new LiquidationHistory();
    const folded = new LiquidationHistory();
    const totals = yearOfHours();
    for (const t of totals) {
      plain.addVendor(t);
      folded.addVendor(t);
      // As the market does, hourly: the days before the 8 its hourly totals keep.
      if (t.ts % D === 23 * H && t.side === 'short' && t.exchange === 'okx') folded.compactVendorHours(day(Math.floor((t.ts - START) / D) - 7));
    }
    expect(plain.vendorFigures()).toBe(365 * 24 * 6);
    // 357 days folded (a figure per venue and side), the last 8 days' hours kept: 2,142 + 1,152.
    expect(folded.vendorFigures()).toBe(357 * 6 + 8 * 24 * 6);
    expect(answers(folded, 365)).toEqual(answers(plain, 365));

    // Written out: day 300's longs were $216,003.50, day 100's $360K.
    const r = folded.rank('ETH', 'long', 215_999, day(365), 365)!;
    expect(r.rank).toBe(3);
    expect(r.days).toBe(366);
    expect(r.since?.day).toBe(day(300));
    expect(r.since?.usd).toBeCloseTo(216_003.5, 6);
    expect(folded.rank('ETH', 'long', 300_000, day(365), 365)!.since?.day).toBe(day(100));
    expect(folded.rank('ETH', 'long', 400_000, day(365), 365)!.since).toBeUndefined();
  });

  it('folds nothing twice, and leaves the days from `beforeDay` on as hours', () => {
    const h = new LiquidationHistory();
    for (let i = 0; i < 3; i++) for (let k = 0; k < 24; k++) h.addVendor(hour(i, k, 'long', 'bybit', 100));
    expect(h.compactVendorHours(day(2))).toBe(2);
    expect(h.compactVendorHours(day(2))).toBe(0);
    expect(h.vendorFigures()).toBe(2 + 24);
    expect(h.dayTotal('ETH', 'long', day(0))).toBe(2_400);
    expect(h.dayTotal('ETH', 'long', day(2))).toBe(2_400);
  });

  it('counts the folded sum as the hours were: never as the vendor\'s own daily total, which still replaces it', () => {
    const h = new LiquidationHistory();
    for (let k = 0; k < 24; k++) h.addVendor(hour(0, k, 'long', 'binance', 1_000));
    h.addLiquidation('ETH', 'long', 'binanceusdm', day(0) + 5 * H, 10_000);
    h.compactVendorHours(day(1));
    // The hours' $24K, more than the orders' $10K: the day's figure, but not a vendor's day the orders are part of.
    expect(h.dayTotal('ETH', 'long', day(0))).toBe(24_000);
    expect([...h.dayByVenue('ETH', 'long', day(0))]).toEqual([['binance', 24_000]]);
    expect(h.vendorDayExceedsOrders('ETH', day(0))).toBe(false);
    // The vendor's own total of the day replaces its hours, folded or not, and is read as its day.
    h.addVendor({ type: 'liquidation_total', ts: day(0), period: '1d', asset: 'ETH', side: 'long', usd: 30_000, exchange: 'binance' });
    expect(h.dayTotal('ETH', 'long', day(0))).toBe(30_000);
    expect(h.vendorDayExceedsOrders('ETH', day(0))).toBe(true);
    // And an hour after it is left out, as before.
    h.addVendor(hour(0, 3, 'long', 'binance', 1_000));
    expect(h.dayTotal('ETH', 'long', day(0))).toBe(30_000);
  });

  it('adds a late hour of a folded day once, and a folded hour sent again not at all', () => {
    const h = new LiquidationHistory();
    for (let k = 0; k < 20; k++) h.addVendor(hour(0, k, 'short', undefined, 500));
    h.compactVendorHours(day(1));
    expect(h.dayTotal('ETH', 'short', day(0))).toBe(10_000);
    h.addVendor(hour(0, 21, 'short', undefined, 700));
    h.addVendor(hour(0, 21, 'short', undefined, 700));
    h.addVendor(hour(0, 3, 'short', undefined, 500));
    // A period off the hour cannot be told from one sent before: never added to a folded day (each resend would add).
    h.addVendor({ ...hour(0, 22, 'short', undefined, 300), ts: day(0) + 22 * H + 90_000 });
    h.addVendor({ ...hour(0, 22, 'short', undefined, 300), ts: day(0) + 22 * H + 90_000 });
    expect(h.dayTotal('ETH', 'short', day(0))).toBe(10_700);
    // Every exchange's figure still names no venue.
    expect(h.dayVenues('ETH', 'short', day(0))).toEqual([]);
  });

  it('keeps a day whose periods start off the hour as it is (a late one could not be told from one held)', () => {
    const h = new LiquidationHistory();
    h.addVendor({ ...hour(0, 1, 'long', 'okx', 100), ts: day(0) + H + 90_000 });
    h.addVendor(hour(0, 2, 'long', 'okx', 100));
    expect(h.compactVendorHours(day(1))).toBe(0);
    h.addVendor({ ...hour(0, 1, 'long', 'okx', 100), ts: day(0) + H + 90_000 });
    expect(h.dayTotal('ETH', 'long', day(0))).toBe(200);
  });

  it('is what the market\'s hourly housekeeping does: a year fed live holds the last 8 days of hours', () => {
    const m = new Market(buildConfig({ exchanges: ['binanceusdm', 'bybit'], assets: ['ETH'] }));
    const plain = new LiquidationHistory();
    for (const t of yearOfHours()) {
      m.ingest(t);
      plain.addVendor(t);
    }
    // The clock at day 364 23:00: the 8 days before its day, and its day, are hours; 356 days folded.
    expect(m.history.vendorFigures()).toBe(356 * 6 + 9 * 24 * 6);
    expect(answers(m.history, 365)).toEqual(answers(plain, 365));
  });
});
