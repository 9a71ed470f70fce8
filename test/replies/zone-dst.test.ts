/**
 * Times around a daylight-saving change, and UTC days in a reply told in another zone (src/replies/format.ts,
 * alerts.ts, summary.ts): a time whose offset is not the one the reply is stamped in names its zone, so a range never
 * runs backwards ("01:50–01:13" on the night New York falls back); a UTC day says "UTC" beside local times. In UTC,
 * and on an ordinary day, every word is as it always was.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { clockAsOf, clockRange, sinceWord, spanWords, stamp, whenWord } from '../../src/replies/format.js';
import { alertReply } from '../../src/replies/alerts.js';
import { summaryReply } from '../../src/replies/summary.js';
import { replyText } from '../../src/replies/reply.js';
import { setTimeZone } from '../../src/replies/zone.js';
import type { CascadeEnd, CascadeUpdate, MarketFlush, MarketFlushEnd, MarketFlushUpdate } from '../../src/core/alerts.js';
import type { LiquidationSummary } from '../../src/core/summary.js';

const at = (iso: string) => Date.parse(iso);
// New York falls back at 06:00 UTC on Nov 2 2025: 01:59 EDT is followed by 01:00 EST.
const EDT_0150 = at('2025-11-02T05:50:00Z');
const EST_0113 = at('2025-11-02T06:13:00Z');
const EST_0325 = at('2025-11-02T08:25:00Z');

describe('a daylight-saving change inside a range, or between a time and the reply’s stamp', () => {
  afterEach(() => setTimeZone('UTC'));

  it('New York’s fall-back night: each end named, so the range runs forward', () => {
    setTimeZone('America/New_York');
    expect(clockRange(EDT_0150, EST_0113)).toBe('01:50 EDT–01:13 EST');
    // 01:30 EDT to 01:30 EST is an hour, not "at 01:30".
    expect(clockRange(at('2025-11-02T05:30:00Z'), at('2025-11-02T06:30:00Z'))).toBe('01:30 EDT–01:30 EST');
    expect(spanWords(EDT_0150, at('2025-11-02T06:10:00Z'), EST_0325)).toBe('01:50 EDT–01:10 EST');
    expect(spanWords(at('2025-11-01T05:50:00Z'), at('2025-11-02T06:10:00Z'), EST_0325)).toBe('Nov 1 01:50 EDT–Nov 2 01:10 EST');
  });

  it('a time or a range before the change, told after it: named, as the footer names its own', () => {
    setTimeZone('America/New_York');
    const now = at('2025-11-02T06:45:00Z');
    expect(stamp(now)).toBe('2025-11-02 01:45 EST');
    expect(whenWord(at('2025-11-02T05:30:00Z'), now)).toBe('01:30 EDT');
    expect(sinceWord(at('2025-11-02T05:30:00Z'), now)).toBe('01:30 EDT');
    expect(clockAsOf(at('2025-11-02T05:30:00Z'), now)).toBe('01:30 EDT');
    expect(clockRange(at('2025-11-02T05:30:00Z'), at('2025-11-02T05:40:00Z'), now)).toBe('01:30–01:40 EDT');
    expect(spanWords(at('2025-11-02T04:50:00Z'), at('2025-11-02T05:10:00Z'), EST_0325)).toBe('00:50–01:10 EDT');
    // After the change, in the footer's own offset: bare, as always.
    expect(whenWord(at('2025-11-02T06:10:00Z'), now)).toBe('01:10');
  });

  it('London’s spring-forward night: 20 minutes read as 20 minutes', () => {
    setTimeZone('Europe/London'); // GMT until 01:00 UTC on Mar 30 2025, then BST (en-GB's name; en-US says GMT+1)
    expect(spanWords(at('2025-03-30T00:50:00Z'), at('2025-03-30T01:10:00Z'), at('2025-03-30T03:00:00Z'))).toBe('00:50 GMT–02:10 BST');
    expect(clockRange(at('2025-03-30T00:30:00Z'), at('2025-03-30T01:30:00Z'))).toBe('00:30 GMT–02:30 BST');
    expect(whenWord(at('2025-03-30T00:50:00Z'), at('2025-03-30T01:30:00Z'))).toBe('00:50 GMT');
  });

  it('an ordinary day, and UTC always, read as before', () => {
    setTimeZone('America/New_York');
    const now = at('2025-11-05T18:00:00Z');
    expect(clockRange(at('2025-11-05T16:52:10Z'), at('2025-11-05T16:54:30Z'))).toBe('11:52–11:54');
    expect(spanWords(at('2025-11-05T16:50:00Z'), at('2025-11-05T17:08:00Z'), now)).toBe('11:50–12:08');
    expect(whenWord(at('2025-11-04T16:50:00Z'), now)).toBe('Nov 4 11:50');
    setTimeZone('UTC');
    expect(clockRange(EDT_0150, EST_0113)).toBe('05:50–06:13');
    expect(spanWords(EDT_0150, EST_0113, EST_0325)).toBe('05:50–06:13');
    expect(whenWord(EDT_0150, EST_0325)).toBe('05:50');
    expect(clockRange(at('2025-11-02T05:50:10Z'), at('2025-11-02T05:50:50Z'))).toBe('at 05:50');
  });
});

describe('alerts across the change', () => {
  afterEach(() => setTimeZone('UTC'));
  const cascade = { asset: 'ETH', key: 'k', cascadeId: 'c', side: 'long' as const, usd: 2.66e6, byExchange: { binance: 2.66e6 }, exchanges: ['binance'], sampled: [] };
  const flush = { asset: 'ALL' as const, key: 'k', flushId: 'f', side: 'long' as const, usd: 2.66e6, assetCount: 186, leaders: [{ asset: 'ETH', usd: 1e6, share: 0.4, changePct: -3 }], exchanges: ['binance'], sampled: [] };

  it('a cascade or flush that began in EDT and is told in EST names both', () => {
    setTimeZone('America/New_York');
    const update: CascadeUpdate = { ...cascade, kind: 'cascade_update', ts: at('2025-11-02T06:00:00Z'), startedAt: EDT_0150 };
    expect(replyText(alertReply(update))).toContain('(since 01:50 EDT, 10 min)');
    const end: CascadeEnd = { ...cascade, kind: 'cascade_end', ts: EST_0113 + 60_000, startedAt: EDT_0150, endedAt: EST_0113, durationMs: EST_0113 - EDT_0150 };
    expect(replyText(alertReply(end))).toContain('in 23 min (01:50 EDT–01:13 EST)');
    const flushEnd: MarketFlushEnd = { ...flush, kind: 'market_flush_end', ts: EST_0113 + 60_000, startedAt: EDT_0150, endedAt: EST_0113, durationMs: EST_0113 - EDT_0150 };
    const text = replyText(alertReply(flushEnd));
    expect(text).toContain('across 186 assets in 23 min (01:50 EDT–01:13 EST)');
    expect(text).toContain('Price during it: ETH −3.0%');
    const running: MarketFlushUpdate = { ...flush, kind: 'market_flush_update', ts: at('2025-11-02T06:05:00Z'), startedAt: EDT_0150 };
    expect(replyText(alertReply(running))).toContain('(since 01:50 EDT, 15 min)');
    const start: MarketFlush = { ...flush, kind: 'market_flush', ts: at('2025-11-02T06:01:00Z'), startedAt: EDT_0150, windowMs: 600_000 };
    expect(replyText(alertReply(start))).toContain('Price since 01:50 EDT: ');
  });

  it('the same alerts in UTC, or within one offset, are unchanged', () => {
    const end: CascadeEnd = { ...cascade, kind: 'cascade_end', ts: EST_0113 + 60_000, startedAt: EDT_0150, endedAt: EST_0113, durationMs: EST_0113 - EDT_0150 };
    expect(replyText(alertReply(end))).toContain('in 23 min (05:50–06:13)');
    setTimeZone('America/New_York');
    const later = 3 * 3_600_000;
    const update: CascadeUpdate = { ...cascade, kind: 'cascade_update', ts: at('2025-11-02T06:00:00Z') + later, startedAt: EDT_0150 + later };
    expect(replyText(alertReply(update))).toContain('(since 03:50, 10 min)');
  });
});

describe('/liqs around the change, and its UTC days in another zone', () => {
  afterEach(() => setTimeZone('UTC'));
  const base: LiquidationSummary = {
    asset: 'BTC', window: '24h', windowMs: 86_400_000, from: EST_0325 - 86_400_000, to: EST_0325, longUsd: 250_000, shortUsd: 0, totalUsd: 250_000, count: 2,
    byExchange: { binance: { longUsd: 250_000, shortUsd: 0, totalUsd: 250_000, share: 1, sampled: false } },
    coverage: { exchanges: ['binance'], sampled: [], gaps: [], synthetic: false },
    largest: [
      { ts: at('2025-11-02T06:08:00Z'), exchange: 'binance', symbol: 'BTC/USDT:USDT', side: 'long', usd: 150_000, price: 99_350 },
      { ts: at('2025-11-02T05:54:00Z'), exchange: 'binance', symbol: 'BTC/USDT:USDT', side: 'long', usd: 100_000, price: 99_500 },
    ],
    cascades: [{ side: 'long', startedAt: EDT_0150, endedAt: EST_0113, usd: 2e5 } as never],
  };

  it('the largest orders and a cascade before the change name EDT beside a footer in EST', () => {
    setTimeZone('America/New_York');
    const text = replyText(summaryReply(base, ['24h']));
    expect(text).toContain('· $99,350 · 01:08\n');
    expect(text).toContain('· $99,500 · 01:54 EDT');
    expect(text).toContain('Long cascade 01:50 EDT–01:13 EST');
    expect(text).toContain('2025-11-02 03:25 EST');
  });

  it('UTC days say "UTC" where the chat’s zone is another, and not in UTC', () => {
    const jan27 = at('2025-01-27T00:00:00Z');
    const week: LiquidationSummary = {
      ...base, window: '7d', windowMs: 7 * 86_400_000, to: at('2025-01-27T23:59:00Z'), from: at('2025-01-20T23:59:00Z'), count: 37, largest: [{ ...base.largest[0]!, ts: at('2025-01-27T17:08:00Z') }], cascades: [],
      days: { orders: [jan27], totals: [1, 2, 3, 4, 5, 6].map((i) => jan27 - (7 - i) * 86_400_000), longUsd: 8e7, shortUsd: 9e6 },
    };
    setTimeZone('Asia/Seoul');
    const seoul = replyText(summaryReply(week, ['7d']));
    expect(seoul).toContain('(37 orders on Jan 27 UTC)');
    expect(seoul).toContain('Jan 21–26 UTC from stored daily totals');
    expect(seoul).toContain('; Jan 27 UTC from single orders');
    expect(seoul).toContain('By exchange (Jan 27 UTC, single orders)');
    expect(seoul).toContain('· $99,350 · Jan 28 02:08'); // a moment, in Seoul
    setTimeZone('UTC');
    const utc = replyText(summaryReply(week, ['7d']));
    expect(utc).toContain('(37 orders on Jan 27)');
    expect(utc).toContain('Jan 21–26 from stored daily totals');
    expect(utc).toContain('By exchange (Jan 27, single orders)');
    expect(utc).not.toContain(' UTC ');
  });
});

describe('the stretches a file’s prints cover, across the fall-back night', () => {
  afterEach(() => setTimeZone('UTC'));

  it('names the zone of a print time whose offset is not the footer’s, so the stretch runs forward', async () => {
    const { printsOnly } = await import('../../src/replies/coverage.js');
    setTimeZone('America/New_York');
    const coverage = { exchanges: ['binance'], sampled: ['binance'], gaps: [], recorded: { any: true, full: false, stretches: [[EDT_0150, at('2025-11-02T06:20:00Z')]] as [number, number][] } };
    expect(printsOnly(coverage as never, EST_0325)).toEqual(['prints 01:50 EDT–01:20 only']);
    setTimeZone('UTC');
    expect(printsOnly(coverage as never, EST_0325)).toEqual(['prints 05:50–06:20 only']);
  });
});
