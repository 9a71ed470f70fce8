/** How numbers read: one rule per kind (amounts, prices, percents), the same in every reply and chart. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { clockRange, levelText, pct, price, share, sinceWord, spanWords, usd, whenWord } from '../../src/replies/format.js';
import { rankingText, summaryReply } from '../../src/replies/summary.js';
import { replyText } from '../../src/replies/reply.js';
import type { LiquidationSummary } from '../../src/core/summary.js';

describe('amounts: three significant digits', () => {
  it.each([
    [420, '$420'], [999.4, '$999'], [999.6, '$1K'], [52_480, '$52.5K'], [950_000, '$950K'],
    [999_700, '$1M'], [999_499, '$999K'], [1_000_000, '$1M'], [5_000_000, '$5M'], [5_100_000, '$5.1M'],
    [39_460_000, '$39.5M'], [40_000_000, '$40M'], [302_000_000, '$302M'], [474_800_000, '$475M'],
    [1_452_000_000, '$1.45B'], [999_900_000_000, '$1T'], [-2_700_000_000, '-$2.7B'],
  ])('usd(%d) is %s', (value, text) => expect(usd(value)).toBe(text));

  it('a value that rounds up to the next unit is written in that unit ($1M, never $1000K)', () => {
    expect([999_500, 999_999, 999_500_000, 999_500_000_000].map(usd)).toEqual(['$1M', '$1M', '$1B', '$1T']);
  });

  it('absurd or broken amounts never print "Infinity" or "NaN"', () => {
    expect([Infinity, -Infinity, NaN].map(usd)).toEqual(['n/a', 'n/a', 'n/a']);
    expect(usd(3e18)).toBe('$3,000,000T');
  });

  it('never shows more than three significant digits nor a four-digit number before K, M or B (property)', () => {
    fc.assert(
      fc.property(fc.double({ min: 1000, max: 9.99e14, noNaN: true }), (v) => {
        const m = /^\$(\d+(?:\.\d+)?)([KMBT])$/.exec(usd(v));
        expect(m).not.toBeNull();
        const digits = m![1]!.replace('.', '').replace(/^0+/, '');
        expect(digits.length).toBeLessThanOrEqual(3);
        expect(Number(m![1])).toBeLessThan(1000);
      }),
      { numRuns: 500 },
    );
  });
});

describe('prices: to the cent or four significant digits, whole dollars from $1,000', () => {
  it.each([
    [2350, '$2,350'], [2351.5, '$2,352'], [83_172.4, '$83,172'], [136, '$136'], [137.5, '$137.50'],
    [100.67, '$100.67'], [111.96, '$111.96'], [12.345, '$12.35'], [1.89, '$1.890'], [1.713, '$1.713'],
    [1.1, '$1.100'], [0.1962, '$0.1962'], [0.18827, '$0.1883'], [0.5, '$0.5000'], [0.00001234, '$0.00001234'], [0, '$0'],
  ])('price(%d) is %s', (value, text) => expect(price(value)).toBe(text));

  it('two prices of one asset print with the same decimals ($1.890 → $1.713, not $1.89 → $1.713)', () => {
    expect(`${price(1.89)} → ${price(1.713)}`).toBe('$1.890 → $1.713');
  });

  it('levels and zones', () => {
    expect(levelText(3000)).toBe('$3,000');
    expect(levelText([2750, 2800])).toBe('$2,750–2,800');
    expect(levelText([100.5, 104])).toBe('$100.50–104.00');
  });

  it('a level prints as it was set, never rounded onto another price', () => {
    // price() rounds these; two levels a community set $0.50 apart would read as one.
    expect([price(1747.5), price(1748)]).toEqual(['$1,748', '$1,748']);
    expect([levelText(1747.5), levelText(1748)]).toEqual(['$1,747.5', '$1,748']);
    expect(levelText([4091, 4152.36])).toBe('$4,091.00–4,152.36');
    expect(levelText(2.2471)).toBe('$2.2471');
    expect(levelText(100.675)).toBe('$100.675');
    // No finer than price() when that shows it all, and float noise is not a level's digits.
    expect(levelText(0.95)).toBe('$0.9500');
    expect(levelText(0.1 + 0.2)).toBe('$0.3000');
    expect(levelText(109_136.5)).toBe('$109,136.5');
  });
});

describe('percents', () => {
  it('two significant digits, a real minus sign', () => {
    expect([0.042, -0.2174, 0.004, -0.066, 0.13, 0, -0.0004, 0.0004].map((f) => pct(f))).toEqual(['+4.2%', '−22%', '+0.4%', '−6.6%', '+13%', '0.0%', '0.0%', '0.0%']);
    expect([0.08, 0.42, 0.004, 1].map(share)).toEqual(['8%', '42%', '0.4%', '100%']);
    // A share too small for one decimal is still something: $64K of $166M is not "0.0%".
    expect([64e3 / 166e6, 0.0005, 0.0009, 0].map(share)).toEqual(['<0.1%', '0.1%', '0.1%', '0%']);
  });
});

describe('counts agree with their noun', () => {
  const summary = (count: number): LiquidationSummary => ({
    asset: 'ETH', window: '1h', windowMs: 3_600_000, from: 0, to: 3_600_000, longUsd: 52_000, shortUsd: 0, totalUsd: 52_000, count,
    byExchange: { bybit: { longUsd: 52_000, shortUsd: 0, totalUsd: 52_000, share: 1, sampled: false } },
    coverage: { exchanges: ['bybit'], sampled: [], gaps: [], synthetic: false }, largest: [], cascades: [],
  });
  it('a price that never moved (one print) reads "unchanged", with no move, low or high', () => {
    const s = { ...summary(1), price: { open: 0.3, close: 0.3, high: 0.3, low: 0.3, changePct: 0, from: 1_200_000, to: 1_259_000 } };
    const text = replyText(summaryReply(s, ['1h']));
    expect(text).toContain('Price at 00:20 only (no prices before or after): $0.3000, unchanged\n');
    expect(text).not.toContain('→');
  });

  it('one liquidation is "1 order"; two are "2 orders"', () => {
    expect(replyText(summaryReply(summary(1), ['1h']))).toContain('$52K liquidated in 1h (1 order)\n');
    expect(replyText(summaryReply(summary(2), ['1h']))).toContain('$52K liquidated in 1h (2 orders)\n');
  });
});

describe('moments', () => {
  it('a time of another day carries its date, so a break days ago never reads as a time still to come', () => {
    const now = Date.parse('2025-02-03T02:00:00Z');
    expect(whenWord(Date.parse('2025-02-03T01:15:00Z'), now)).toBe('01:15');
    expect(whenWord(Date.parse('2025-02-02T03:30:00Z'), now)).toBe('Feb 2 03:30');
    expect(whenWord(Date.parse('2024-12-31T23:45:00Z'), now)).toBe('Dec 31, 2024 23:45');
  });

  it('a stretch within one minute is that minute, not "18:56–18:56"', () => {
    const now = Date.parse('2025-10-23T19:30:00Z');
    expect(spanWords(Date.parse('2025-10-23T18:56:00Z'), Date.parse('2025-10-23T18:56:59Z'), now)).toBe('18:56');
    expect(spanWords(Date.parse('2025-10-23T18:56:00Z'), Date.parse('2025-10-23T19:02:00Z'), now)).toBe('18:56–19:02');
    // A cascade's end: a 49-second burst inside 17:08 is "at 17:08", not "17:08–17:08".
    expect(clockRange(Date.parse('2025-01-27T17:08:05Z'), Date.parse('2025-01-27T17:08:54Z'))).toBe('at 17:08');
    expect(clockRange(Date.parse('2025-01-27T16:52:10Z'), Date.parse('2025-01-27T16:54:30Z'))).toBe('16:52–16:54');
  });
});

describe('a day in another year says its year', () => {
  it('"largest since" a day of the year before (the Coinglass BTC history: Aug 5 2024 after Dec 4 2023)', () => {
    const d = (iso: string) => Date.parse(`${iso}T00:00:00Z`);
    const r = { side: 'long' as const, usd: 91.7e6, day: d('2024-08-05'), rank: 6, days: 365, since: { day: d('2023-12-04'), usd: 94.8e6 } };
    expect(rankingText('BTC', r, 'day')).toBe('Largest BTC long-liquidation day since Dec 4, 2023, when $94.8M of longs went');
    expect(rankingText('BTC', { ...r, since: { day: d('2024-03-05'), usd: 94.8e6 } }, 'day')).toBe('Largest BTC long-liquidation day since Mar 5, when $94.8M of longs went');
  });
  it('a window of hours is bigger than the days, not the largest day (a 4h short squeeze, a cascade)', () => {
    const d = (iso: string) => Date.parse(`${iso}T00:00:00Z`);
    const r = { side: 'short' as const, usd: 86.7e6, day: d('2026-02-03'), rank: 1, days: 31 };
    expect(rankingText('SOL', r, 'day')).toBe('Largest SOL short-liquidation day in the last 31 days');
    expect(rankingText('SOL', r, 'cascade')).toBe('Bigger than any full SOL short-liquidation day in the last 30 days');
    expect(rankingText('SOL', r, { window: '4h' })).toBe('Shorts in 4h already exceed any full SOL short-liquidation day in the last 30 days');
  });
  it('a chop begun last December, told in January', () => {
    expect(sinceWord(Date.parse('2025-12-20T10:00:00Z'), Date.parse('2026-01-05T10:00:00Z'))).toBe('Dec 20, 2025');
    expect(sinceWord(Date.parse('2026-01-01T10:00:00Z'), Date.parse('2026-01-05T10:00:00Z'))).toBe('Thursday');
  });
});
