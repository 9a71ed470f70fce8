/**
 * A day's figure where single orders and a vendor's daily total meet (docs/how-it-decides.md, "Days"): the orders stand
 * for a day only where no vendor's daily total of their venue is larger; otherwise the day counts with its stored total
 * (per venue the larger of the two, never both), its orders said to be a part of it. A day's total is used or shown
 * only once the day is over at the moment asked about.
 */
import { describe, expect, it } from 'vitest';
import { buildConfig } from '../../config/load.js';
import { summaryJson } from '../../src/io/json.js';
import { Market } from '../../src/core/market.js';
import { replyText } from '../../src/replies/reply.js';
import { marketReply, summaryReply } from '../../src/replies/summary.js';

const D = 86_400_000;
const H = 3_600_000;
const M = 60_000;
const JAN = (d: number, h = 0, m = 0): number => Date.UTC(2025, 0, d, h, m);

function market(assets = ['BTC']): Market {
  return new Market(buildConfig({ exchanges: ['binanceusdm', 'bybit'], assets }));
}

function print(m: Market, exchange: string, ts: number, usd: number, side: 'long' | 'short' = 'long', asset = 'BTC'): void {
  m.ingest({ type: 'liquidation', ts, exchange, symbol: `${asset}/USDT:USDT`, side, price: 100_000, amount: usd / 100_000, usd });
}

function dayTotal(m: Market, day: number, longUsd: number, shortUsd: number, exchange?: string, asset = 'BTC'): void {
  for (const [side, usd] of [['long', longUsd], ['short', shortUsd]] as const) {
    m.ingest({ type: 'liquidation_total', ts: day, period: '1d', asset, side, usd, ...(exchange ? { exchange } : {}) });
  }
}

/**
 * The crash-week file in small: Coinglass's Binance days Jan 21–27 and 20 minutes of the recorder's Binance prints on
 * Jan 27 (16:50–17:10: three orders, $550K of longs and $50K of shorts).
 */
function crashWeek(): Market {
  const m = market();
  const days: [number, number, number][] = [[21, 10e6, 5e6], [22, 8e6, 4e6], [23, 6e6, 6e6], [24, 12e6, 3e6], [25, 4e6, 2e6], [26, 9.66e6, 1.19e6], [27, 50.2e6, 11.5e6]];
  for (const [d, long, short] of days) dayTotal(m, JAN(d), long, short, 'binance');
  print(m, 'binance', JAN(27, 16, 50), 400e3);
  print(m, 'binance', JAN(27, 17, 8), 150e3);
  print(m, 'binance', JAN(27, 17, 10), 50e3, 'short');
  m.recorded = [[JAN(27, 16, 50), JAN(27, 17, 10)]];
  return m;
}

describe('a day with minutes of single prints and a vendor\'s larger total for it', () => {
  it('counts the vendor\'s total for the day, the prints a part of it, not the prints alone', () => {
    const s = crashWeek().summary('BTC', '24h', D, JAN(28));
    expect(s.longUsd).toBe(50.2e6);
    expect(s.shortUsd).toBe(11.5e6);
    expect(s.totalUsd).toBe(61.7e6);
    // The three orders are inside the day's figure: counted once, in no `count` or per-venue order row.
    expect(s.count).toBe(0);
    expect(s.byExchange).toEqual({});
    expect(s.days).toEqual({
      orders: [],
      totals: [JAN(27)],
      longUsd: 50.2e6,
      shortUsd: 11.5e6,
      venues: ['binance'],
      byVenue: { binance: { longUsd: 50.2e6, shortUsd: 11.5e6 } },
      within: { days: [JAN(27)], count: 3, longUsd: 550e3, shortUsd: 50e3 },
    });
    // The orders are still the window's largest (they are real orders of it).
    expect(s.largest.map((l) => l.usd)).toEqual([400e3, 150e3, 50e3]);
    const t = replyText(summaryReply(s, ['24h']));
    expect(t).toContain('$61.7M liquidated in 24h\n');
    expect(t).toContain('Jan 27 from stored daily totals ($61.7M, Binance* totals, which hold the 3 prints of Jan 27 16:50–17:10)');
    expect(t).not.toContain('$600K liquidated');
    expect(t).not.toMatch(/prints,? 16:50–17:10 only/);
    const json = summaryJson(s);
    expect(json.totalUsd).toBe(61.7e6);
    expect(json.byExchange).toEqual({ binance: { longUsd: 50.2e6, shortUsd: 11.5e6, totalUsd: 61.7e6, share: 1, sampled: true, dailyUsd: 61.7e6 } });
  });

  it('ranks the day by that figure, as the day\'s ranking against earlier days does', () => {
    const m = crashWeek();
    for (let d = 1; d <= 20; d++) dayTotal(m, JAN(d), 5e6, 1e6, 'binance');
    const s = m.summary('BTC', '24h', D, JAN(28));
    expect(s.ranking).toMatchObject({ side: 'long', usd: 50.2e6, rank: 1 });
  });

  it('adds up a week of vendor days, the day with prints included once', () => {
    const s = crashWeek().summary('BTC', '7d', 7 * D, JAN(28));
    // Jan 21–27: 15 + 12 + 12 + 15 + 6 + 10.85 + 61.7 = $132.55M.
    expect(s.totalUsd).toBeCloseTo(132.55e6, 2);
    expect(s.days?.totals).toEqual([21, 22, 23, 24, 25, 26, 27].map((d) => JAN(d)));
    expect(s.days?.orders).toEqual([]);
    const t = replyText(summaryReply(s, ['7d']));
    expect(t).toContain('$133M liquidated in 7d\n');
    expect(t).toContain('Jan 21–27 from stored daily totals ($133M, Binance* totals, which hold the 3 prints of Jan 27 16:50–17:10)');
  });

  it('the market-wide view counts the same day once too, and its orders are in no venue\'s order row', () => {
    const m = crashWeek();
    print(m, 'binance', JAN(27, 17), 2e3, 'long', 'DOGE');
    const all = m.marketSummary('24h', D, JAN(28));
    expect(all.totalUsd).toBe(61.7e6 + 2e3);
    expect(all.byAsset.BTC).toMatchObject({ totalUsd: 61.7e6, dailyUsd: 61.7e6 });
    expect(all.count).toBe(1);
    expect(all.byExchange.binance).toMatchObject({ totalUsd: 2e3 });
    expect(all.days?.within).toEqual({ days: [JAN(27)], count: 3, longUsd: 550e3, shortUsd: 50e3 });
    expect(all.coverage.exchanges).toEqual(['binance']);
    expect(replyText(marketReply(all, ['24h']))).toContain('Jan 27 from stored daily totals for BTC ($61.7M, Binance* totals, which hold the 3 prints of Jan 27 16:50–17:10); the rest from prints');
  });
});

describe('where the orders are the larger figure, or another venue\'s', () => {
  it('a day whose single orders exceed the vendor\'s total of their venue counts with the orders alone, once', () => {
    const m = market();
    dayTotal(m, JAN(27), 100e3, 0, 'binance');
    print(m, 'binance', JAN(27, 10), 400e3);
    print(m, 'binance', JAN(27, 11), 200e3);
    const s = m.summary('BTC', '24h', D, JAN(28));
    expect(s.totalUsd).toBe(600e3);
    expect(s.count).toBe(2);
    expect(s.days).toBeUndefined();
    expect(replyText(summaryReply(s, ['24h']))).toContain('$600K liquidated in 24h (2 prints)');
  });

  it('a vendor\'s total of one venue and another venue\'s prints the same day are two sources: added, each once', () => {
    const m = market();
    dayTotal(m, JAN(27), 10e6, 2e6, 'binance');
    print(m, 'bybit', JAN(27, 10), 400e3);
    print(m, 'bybit', JAN(27, 11), 200e3, 'short');
    const s = m.summary('BTC', '24h', D, JAN(28));
    expect(s.longUsd).toBe(10.4e6);
    expect(s.shortUsd).toBe(2.2e6);
    expect(s.days?.byVenue).toEqual({ binance: { longUsd: 10e6, shortUsd: 2e6 }, bybit: { longUsd: 400e3, shortUsd: 200e3 } });
    expect(s.days?.within?.count).toBe(2);
    const byExchange = summaryJson(s).byExchange as Record<string, { totalUsd: number; share: number }>;
    expect(byExchange.binance!.totalUsd).toBe(12e6);
    expect(byExchange.binance!.share).toBeCloseTo(12 / 12.6, 12);
    expect(byExchange.bybit!.totalUsd).toBe(600e3);
    expect(byExchange.bybit!.share).toBeCloseTo(0.6 / 12.6, 12);
  });

  it('a vendor\'s "binance" and the USD-M stream\'s prints are one venue: the larger, never the sum', () => {
    const m = market();
    dayTotal(m, JAN(27), 10e6, 0, 'binance');
    print(m, 'binanceusdm', JAN(27, 10), 400e3);
    expect(m.history.dayTotal('BTC', 'long', JAN(27))).toBe(10e6);
    expect(m.history.dayByVenue('BTC', 'long', JAN(27))).toEqual(new Map([['binance', 10e6]]));
    expect(m.summary('BTC', '24h', D, JAN(28)).totalUsd).toBe(10e6);
    // Without a vendor's figure each stream keeps its own row.
    const own = market();
    print(own, 'binanceusdm', JAN(27, 10), 400e3);
    print(own, 'binancecoinm', JAN(27, 11), 100e3);
    expect(own.history.dayByVenue('BTC', 'long', JAN(27))).toEqual(new Map([['binanceusdm', 400e3], ['binancecoinm', 100e3]]));
  });

  it('a vendor\'s total for every exchange larger than the day\'s prints is the day\'s figure, not split by exchange', () => {
    const m = market();
    dayTotal(m, JAN(27), 30e6, 5e6);
    print(m, 'bybit', JAN(27, 10), 400e3);
    const s = m.summary('BTC', '24h', D, JAN(28));
    expect(s.totalUsd).toBe(35e6);
    expect(s.days?.venues).toBeUndefined();
    // Live, nothing says when the orders were: the day is named.
    expect(replyText(summaryReply(s, ['24h']))).toContain('Jan 27 from stored daily totals ($35M, not split by exchange, which hold the single order of Jan 27)');
  });
});

describe('a day cut by the window, or not over yet', () => {
  it('a window that cuts the day counts its prints alone, said as such, and no uncounted whole day beside its figures', () => {
    const s = crashWeek().summary('BTC', '24h', D, JAN(27, 18));
    expect(s.totalUsd).toBe(600e3);
    expect(s.count).toBe(3);
    expect(s.days).toBeUndefined();
    // Jan 26 is over but only 6 h of the window: a neighbouring day, not said; Jan 27 runs till midnight: no total yet.
    expect(s.dayTotals).toBeUndefined();
    const t = replyText(summaryReply(s, ['24h']));
    expect(t).toContain('$600K liquidated in 24h (3 prints, 16:50–17:10 only)');
    // A whole day's figure beside the window's own is not part of its answer: not said (an empty window says it).
    expect(t).not.toContain('Stored daily totals');
    expect(t).not.toContain('$10.8M');
    expect(t).not.toContain('$61.7M');
  });

  it('an empty window lists the vendor\'s days over by then, never the day still running (no look-ahead)', () => {
    const m = crashWeek();
    const morning = m.summary('BTC', '24h', D, JAN(27, 6));
    expect(morning.totalUsd).toBe(0);
    expect(morning.dayTotals).toEqual([{ day: JAN(26), longUsd: 9.66e6, shortUsd: 1.19e6 }]);
    expect(replyText(summaryReply(morning, ['24h']))).not.toContain('Jan 27');
    expect(m.marketSummary('24h', D, JAN(27, 6)).dayTotals?.map((d) => d.day)).toEqual([JAN(26)]);
    // At midnight the day is over: its total is said.
    const late = m.summary('BTC', '1h', H, JAN(28));
    expect(late.dayTotals).toEqual([{ day: JAN(27), longUsd: 50.2e6, shortUsd: 11.5e6 }]);
    // A minute before, it is not.
    expect(m.summary('BTC', '1h', H, JAN(28) - M).dayTotals).toBeUndefined();
  });
});
