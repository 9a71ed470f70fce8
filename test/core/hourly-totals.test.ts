/**
 * Vendor hourly totals in memory: a window reads the hours whole inside it, a revised hour replaces the old figure,
 * and only the hours a window can still ask for are held however long the bot runs (the longest window, 7d, and the
 * day it starts in: `HOURLY_KEEP_MS`).
 */
import { describe, expect, it } from 'vitest';
import type { LiquidationTotal } from '../../src/core/events.js';
import { ALL_EXCHANGES, HOURLY_KEEP_MS, HourlyTotals, hoursCounted } from '../../src/core/hourly-totals.js';

const H = 3_600_000;
const DAY = 24 * H;
/** 2025-12-01 00:00 UTC. */
const T0 = Date.UTC(2025, 11, 1);

const total = (ts: number, exchange: string | undefined, usd: number, side: 'long' | 'short' = 'long'): LiquidationTotal => ({
  type: 'liquidation_total', ts, period: '1h', asset: 'ETH', side, usd, ...(exchange === undefined ? {} : { exchange }),
});

const VENUES = ['binance', 'bybit', 'okx', 'gate', 'htx', 'bitfinex', 'hyperliquid', 'bitget', 'deribit', 'bitmex', 'kraken', 'coinex'];

describe('HourlyTotals', () => {
  it('keeps the longest window and the day it starts in: eight days', () => {
    expect(HOURLY_KEEP_MS).toBe(8 * DAY);
  });

  it('holds at most eight days of hours per venue over a year of totals from twelve venues', () => {
    const hourly = new HourlyTotals();
    for (let h = 0; h < 365 * 24; h++) for (const ex of VENUES) hourly.add(total(T0 + h * H, ex, 100_000));
    // 8 days and the newest hour, 12 venues: 2,316 (a year would be 105,120).
    expect(hourly.size).toBe((8 * 24 + 1) * 12);
  });

  it('reads a 7d window the same after a year as a store that kept every hour would', () => {
    const hourly = new HourlyTotals();
    const end = T0 + 365 * DAY;
    for (let ts = T0; ts < end; ts += H) {
      hourly.add(total(ts, 'bybit', 1_000, 'long'));
      hourly.add(total(ts, 'bybit', 10, 'short'));
      hourly.add(total(ts, undefined, 5, 'long'));
    }
    // The window a summary reads at the year's end: the day 7d back starts in, to the end (8 days of hours).
    const w = hourly.window('ETH', end - 8 * DAY, end);
    expect(w.get('bybit')).toEqual({ longUsd: 192_000, shortUsd: 1_920, hours: 192 });
    expect(w.get(ALL_EXCHANGES)).toBeUndefined(); // bybit has its own figure for every one of those hours
    // Hours more than 8 days before the newest (end − 1h) are gone.
    expect(hourly.window('ETH', end - 9 * DAY, end - 8 * DAY - H).size).toBe(0);
  });

  it('applies a revision of an hour it keeps, and leaves out one of an hour already out of every window', () => {
    const hourly = new HourlyTotals();
    const now = T0 + 30 * DAY;
    hourly.add(total(now, 'okx', 1));
    hourly.add(total(now - 2 * DAY, 'okx', 2));
    hourly.add(total(now - 2 * DAY, 'okx', 3)); // revised
    hourly.add(total(now - 9 * DAY, 'okx', 4)); // a late figure for an hour no window reaches
    expect(hourly.window('ETH', 0, now + H).get('okx')).toEqual({ longUsd: 4, shortUsd: 0, hours: 2 });
    expect(hourly.size).toBe(2);
  });

  it('drops a venue whose hours have all aged out', () => {
    const hourly = new HourlyTotals();
    hourly.add(total(T0, 'kraken', 1));
    hourly.add(total(T0 + 9 * DAY, 'okx', 1));
    expect(hourly.window('ETH', 0, T0 + 10 * DAY).has('kraken')).toBe(false);
    expect(hourly.size).toBe(1);
  });
});

describe('hoursCounted', () => {
  const h = (hh: number, mm = 0) => Date.UTC(2026, 0, 31, hh, mm);
  it("counts the hours that ended inside the window, an inclusive end on an hour's last millisecond too", () => {
    expect(hoursCounted(h(13), h(14))).toEqual([h(13), h(14)]);
    expect(hoursCounted(h(13, 0) + 30_000, h(14, 0) + 30_000)).toEqual([h(13), h(14)]);
    // The digest's ±1h around an 18:00 close: [17:00, 18:59:59.999] counts 17:00–19:00, both hours.
    expect(hoursCounted(h(17), h(19) - 1)).toEqual([h(17), h(19)]);
  });

  it('counts no hour the window cuts: a 1h window off the hour counts none, a 4h one the three whole inside it', () => {
    // A 1h window to 14:59 holds one minute of 13:00–14:00: its total is not "in the last 1h".
    expect(hoursCounted(h(13, 59), h(14, 59))).toEqual([h(14), h(14)]);
    expect(hoursCounted(h(13, 20), h(14, 20))).toEqual([h(14), h(14)]);
    expect(hoursCounted(h(13, 1), h(14, 1))).toEqual([h(14), h(14)]);
    expect(hoursCounted(h(10, 59), h(14, 59))).toEqual([h(11), h(14)]);
    // The start read to the minute, as the reply shows it: 13:00:59 is 13:00.
    expect(hoursCounted(h(13) + 59_999, h(14) + 59_999)).toEqual([h(13), h(14)]);
  });

  it('a window reads no venue from an hour it cuts', () => {
    const hourly = new HourlyTotals();
    hourly.add(total(h(13), 'hyperliquid', 1_120_000));
    expect(hourly.window('ETH', h(13, 59), h(14, 59)).size).toBe(0);
    expect(hourly.window('ETH', h(13), h(14)).get('hyperliquid')).toEqual({ longUsd: 1_120_000, shortUsd: 0, hours: 1 });
    expect(hourly.window('ETH', h(10, 59), h(14, 59)).get('hyperliquid')).toEqual({ longUsd: 1_120_000, shortUsd: 0, hours: 1 });
  });
});
