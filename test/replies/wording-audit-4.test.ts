/**
 * Four wordings an audit found false on real Binance forceOrder recordings: a level count blamed on "no candles or
 * prices" in a file whose prints gave /levels its price; a share of 99.8% printed as 100% beside the 0.2% left; dates of
 * two years with the second year left out ("Jun 20, 2024 …, Jun 23 …"); and a plain replay that ended inside a cascade
 * without a word. The CLI's side of each, on the real recordings, is in test/cli/replay-real-wording.test.ts.
 */
import { describe, expect, it } from 'vitest';
import type { BacktestStats, CascadeRow } from '../../src/core/backtest.js';
import { statsLines, stillRunningLine } from '../../src/replies/backtest.js';
import { stretchesText } from '../../src/replies/coverage.js';
import { day, share, shares, spanWords, utcDay, whenWord } from '../../src/replies/format.js';

const at = (iso: string) => Date.parse(iso);

const stats = (over: Partial<BacktestStats> = {}): BacktestStats => ({
  levels: [], cascades: [], flushes: 0, flushRows: [], perMessage: { breaks: 0, reversed: 0 },
  totals: { messages: 0, breaks: 0, reversed: 0, held: 0, heldTold: 0 },
  ...over,
});

describe('a share short of the whole never reads as all of it, nor something as nothing', () => {
  it('keeps a decimal where rounding would make 100%', () => {
    // ETH in the hour to 11:01 on Oct 22 2025 (longs $154,654.79, shorts $390.31); Oct 23 19:05 (shorts $88.47 of $220,812).
    expect(shares([154_654.79, 390.31])).toEqual(['99.7%', '0.3%']);
    expect(shares([220_723.91, 88.47])).toEqual(['>99.9%', '<0.1%']);
    // BTC to 21:18 on Jun 23 2025, as the audit read it: "Longs $2.17K (0.2%) · Shorts $1.07M (100%)".
    expect(shares([2_170, 1_070_000])).toEqual(['0.2%', '99.8%']);
    expect([0.997, 0.9996, 0.995, 0.99999].map((f) => share(f))).toEqual(['99.7%', '>99.9%', '99.5%', '>99.9%']);
    // The rounding it had elsewhere is kept, and the whole is still 100%.
    expect([0.994, 0.42, 1, 0].map((f) => share(f))).toEqual(['99%', '42%', '100%', '0%']);
    expect(shares([1, 0])).toEqual(['100%', '0%']);
    expect(shares([49.58, 32.67, 9.13, 8.62])).toEqual(['49%', '33%', '9%', '9%']);
    // Small shares under a whole percent already left room for the large one: 99%, as before.
    expect(shares([99.2, 0.4, 0.4])).toEqual(['99%', '0.4%', '0.4%']);
  });

  it('applies to the reversals of --stats too: 1 break of 300 reversed is not "0%", 299 not "100%"', () => {
    const st = (reversed: number) => stats({ totals: { messages: 300, breaks: 300, reversed, held: 300, heldTold: 299 }, perMessage: { breaks: 300, reversed } });
    const input = { levels: 3, closes: 5_000, liquidations: 0, liquidationTotals: 0 };
    expect(statsLines(st(1), input)[0]).toBe('levels: 300 messages, 300 breaks, 1 reversed within 12h (0.3%), 299/300 breaks that held told within 2h (99.7%)');
    expect(statsLines(st(150), input)[0]).toContain('150 reversed within 12h (50%)');
  });
});

describe('a list of dates names the year wherever it changes', () => {
  it('in the stretches a file of three recordings covers (Jun 20 2024, Jun 23 2025, Oct 25 2025)', () => {
    const stretches: [number, number][] = [
      [at('2024-06-20T16:32:00Z'), at('2024-06-20T16:54:00Z')],
      [at('2025-06-23T20:59:00Z'), at('2025-06-23T21:56:00Z')],
      [at('2025-10-25T17:25:00Z'), at('2025-10-25T17:52:00Z')],
    ];
    expect(stretchesText(stretches, at('2025-10-25T17:52:00Z'))).toBe('Jun 20, 2024 16:32–16:54, Jun 23, 2025 20:59–21:56, Oct 25 17:25–17:52');
    // As of a moment of 2024: the first date is of that year (no year), the change to 2025 is named.
    expect(stretchesText(stretches, at('2024-12-31T00:00:00Z'))).toBe('Jun 20 16:32–16:54, Jun 23, 2025 20:59–21:56, Oct 25, 2025 17:25–17:52');
    // One year throughout: no year, as before.
    expect(stretchesText(stretches.slice(1), at('2025-10-25T17:52:00Z'))).toBe('Jun 23 20:59–21:56, Oct 25 17:25–17:52');
  });

  it('in a stretch across New Year, and in a day told after one of another year', () => {
    expect(spanWords(at('2025-12-31T22:00:00Z'), at('2026-01-01T02:00:00Z'), at('2026-01-01T03:00:00Z'))).toBe('Dec 31, 2025 22:00–Jan 1, 2026 02:00');
    expect(spanWords(at('2025-12-30T22:00:00Z'), at('2025-12-31T02:00:00Z'), at('2026-01-01T03:00:00Z'))).toBe('Dec 30, 2025 22:00–Dec 31, 2025 02:00');
    expect(spanWords(at('2025-12-30T22:00:00Z'), at('2025-12-31T02:00:00Z'), at('2025-12-31T03:00:00Z'))).toBe('Dec 30 22:00–Dec 31 02:00');
    expect(day(at('2026-01-01T02:00:00Z'), at('2026-01-02T00:00:00Z'), at('2025-12-31T00:00:00Z'))).toBe('Jan 1, 2026');
    expect(utcDay(at('2026-01-01T02:00:00Z'), at('2026-01-02T00:00:00Z'), at('2025-12-31T00:00:00Z'))).toBe('Jan 1, 2026');
    expect(whenWord(at('2026-01-01T02:00:00Z'), at('2026-01-02T00:00:00Z'), at('2025-12-31T00:00:00Z'))).toBe('Jan 1, 2026 02:00');
    // Without a date before it, the rule is the one it was: the year where it is not the reference's.
    expect(day(at('2026-01-01T02:00:00Z'), at('2026-01-02T00:00:00Z'))).toBe('Jan 1');
    expect(day(at('2025-12-31T02:00:00Z'), at('2026-01-02T00:00:00Z'))).toBe('Dec 31, 2025');
  });
});

describe('replay --stats where levels are set and none could be judged', () => {
  const levels = stats({ levels: [{ asset: 'BTC', levelId: 'x', level: 104_000, messages: 0, breaks: 0, reversed: 0, held: 0, heldTold: 0, missed: [] }] });
  const line = (input: Parameters<typeof statsLines>[1]) => statsLines(levels, input).find((l) => l.startsWith('levels: '));

  it('says a file of prints has no close, not no prices (its prints are the price /levels quotes)', () => {
    expect(line({ levels: 1, closes: 0, liquidations: 1_135, liquidationTotals: 0, timeframe: '15m' })).toBe(
      'levels: no 15m close to judge a level on: levels are judged on 15m closes of candles or of bars built from price ticks, and the file has neither (its liquidation prints give /levels a price, not a close)',
    );
    expect(line({ levels: 1, closes: 0, liquidations: 3, liquidationTotals: 0, timeframe: '1h' })).toMatch(/^levels: no 1h close to judge a level on: levels are judged on 1h closes/);
    // A file of levels alone keeps its words: it has no candles or prices.
    expect(line({ levels: 1, closes: 0, liquidations: 0, liquidationTotals: 0, timeframe: '15m' })).toBe('levels: no candles or prices in the file: no close to judge a level on');
  });

  it('says candles or prices that end inside the first bar complete no close', () => {
    const market = { from: at('2025-06-23T21:00:00Z'), to: at('2025-06-23T21:09:00Z') };
    expect(line({ levels: 1, closes: 0, liquidations: 0, liquidationTotals: 0, timeframe: '15m', market })).toBe(
      "levels: no 15m close to judge a level on: the file's candles and prices (21:00–21:09 UTC) end before a 15m bar of them closes",
    );
  });
});

describe("plain replay's line on what the file ends inside", () => {
  const row = (asset: string, side: string, startedAt: string, endedAt?: string): CascadeRow => ({ asset, side, startedAt: at(startedAt), usd: 1, updates: 0, ...(endedAt ? { endedAt: at(endedAt) } : {}) });

  it('names each cascade and flush still running at the last event, the flush first and the cascades as they began', () => {
    const st = {
      cascades: [row('BTC', 'long', '2025-01-27T16:52:10Z'), row('ETH', 'long', '2025-01-27T16:51:30Z'), row('SOL', 'long', '2025-01-27T16:20:00Z', '2025-01-27T16:40:00Z')],
      flushRows: [{ ...row('ALL', 'long', '2025-01-27T16:50:20Z'), assets: 134 }],
    };
    expect(stillRunningLine(st, at('2025-01-27T16:56:29Z'))).toBe(
      'Still running when the file ends (its last event: 2025-01-27 16:56 UTC): the market-wide long flush since 16:50, the ETH long cascade since 16:51 and the BTC long cascade since 16:52; no end is printed for them',
    );
  });

  it('dates a start of another day, and says nothing where everything ended', () => {
    expect(stillRunningLine({ cascades: [row('BTC', 'short', '2025-06-23T23:58:00Z')], flushRows: [] }, at('2025-06-24T00:03:00Z'))).toBe(
      'Still running when the file ends (its last event: 2025-06-24 00:03 UTC): the BTC short cascade since Jun 23 23:58; no end is printed for it',
    );
    expect(stillRunningLine({ cascades: [row('BTC', 'short', '2025-06-23T21:15:00Z', '2025-06-23T21:30:00Z')], flushRows: [] }, at('2025-06-23T21:56:00Z'))).toBeUndefined();
  });
});
