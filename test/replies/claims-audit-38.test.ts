/**
 * Claims an audit found the data did not back, each said now as the data has it: a day of vendor hourly totals is
 * labelled as the 24 hours it is, not "at 23:00"; one venue that is a cascade's whole total is "100%", not ">99.9%"
 * beside a float's leftover; a time of another day than the reply's is dated (in the configured zone's days), so none
 * reads as one still to come; and a stretch's length agrees with its clock range.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { buildConfig } from '../../config/load.js';
import type { CascadeEnd, CascadeStart } from '../../src/core/alerts.js';
import { alertReply } from '../../src/replies/alerts.js';
import { clockDuration, clockRange, shares } from '../../src/replies/format.js';
import { replyText } from '../../src/replies/reply.js';
import { setTimeZone } from '../../src/replies/zone.js';
import { BUNDLED, cli } from '../helpers.js';

const at = (iso: string) => Date.parse(iso);
const MIN = 60_000;

afterEach(() => setTimeZone('UTC'));

describe('vendor hourly totals over a day are labelled as that day, not as one hour', () => {
  it('/liqs all to Jan 31 23:30 on the bundled day: Hyperliquid and Bitget hold the hours 00:00–23:00, those whole inside it', async () => {
    const r = await cli('liqs', 'all', '--data', BUNDLED, '--at', '2026-01-31T23:30:00Z');
    expect(r.code, r.err).toBe(0);
    expect(r.out).toContain('Hyperliquid $154M · 9% (hourly totals 00:00–23:00)');
    expect(r.out).toContain('Bitget $96M · 6% (hourly totals 00:00–23:00)');
    expect(r.out).not.toContain('hourly totals at');
  });

  it('/liqs eth at Feb 1 00:59: the hours Jan 31 01:00–Feb 1 00:00, not "at 00:00"', async () => {
    const r = await cli('liqs', 'eth', '--data', BUNDLED, '--at', '2026-02-01T00:59:00Z');
    expect(r.code, r.err).toBe(0);
    // Jan 31 00:00–01:00 is all but a minute before the window: not counted.
    expect(r.out).toContain('Hyperliquid $70.7M · 11% (hourly totals Jan 31 01:00–Feb 1 00:00)');
    expect(r.out).not.toContain('hourly totals at');
  });

  it('a range is the same minute only on the same day; an hour of today keeps its bare times', () => {
    expect(clockRange(at('2026-01-30T23:00:00Z'), at('2026-01-31T23:00:00Z'), at('2026-01-31T23:30:00Z'))).toBe('Jan 30 23:00–Jan 31 23:00');
    expect(clockRange(at('2026-01-31T13:00:00Z'), at('2026-01-31T14:00:00Z'), at('2026-01-31T14:00:30Z'))).toBe('13:00–14:00');
    expect(clockRange(at('2026-01-31T17:08:05Z'), at('2026-01-31T17:08:54Z'))).toBe('at 17:08');
  });
});

describe('one venue that is the whole total is all of it', () => {
  it('Oct 22 2025 (Binance alone): ETH\'s and EVAA\'s cascades say "Binance* … (100%)" as their updates do, never ">99.9%"', async () => {
    const r = await cli('replay', 'fixtures/binance-2025-10-22-forceorder.real.jsonl');
    expect(r.code, r.err).toBe(0);
    expect(r.out).toContain('🔺 ETH short liquidation cascade | $805K of ETH shorts liquidated in 5 min | Above ETH\'s alert threshold of $778K for 5 minutes. | Price $3,818 | Binance* $805K (100%)');
    expect(r.out).toContain('Binance* $164K (100%)');
    expect(r.out).toContain('Binance* $189K (100%)');
    expect(r.out).not.toContain('>99.9%');
  });

  it('a float\'s leftover is no slice; a cent left is one', () => {
    // 805,000.1 + 0.2 + … added in another order than the total: 1e-10 apart.
    expect(shares([805_000, 1e-10])).toEqual(['100%', '0%']);
    expect(shares([0.1 + 0.2 + 0.7 - 1e-16])).toEqual(['100%']);
    // Real slices keep their decimals (wording-audit-4: $88 of shorts beside $221K of longs).
    expect(shares([220_723.91, 88.47])).toEqual(['>99.9%', '<0.1%']);
    const start = (byExchange: Record<string, number>, usd: number): CascadeStart => ({
      kind: 'cascade', key: 'k', ts: at('2025-10-22T11:12:00Z'), asset: 'ETH', side: 'short', usd, windowUsd: usd, windowMs: 5 * MIN,
      thresholdUsd: 778e3, startedAt: at('2025-10-22T11:09:00Z'), byExchange, sampled: ['binance'], exchanges: Object.keys(byExchange),
    } as unknown as CascadeStart);
    const venues = (a: CascadeStart) => replyText(alertReply(a)).split('\n').find((l) => l.startsWith('Binance*'));
    // The venues added up in another order than the total: a float apart.
    const parts = [0.1, 0.2, 804_999.7];
    const total = parts.reduce((a, v) => a + v, 0);
    const named = [...parts].reverse().reduce((a, v) => a + v, 0);
    expect(total - named).not.toBe(0);
    expect(venues(start({ binance: named }, total))).toBe('Binance* $805K (100%)');
    // A cent the venues named do not hold is a slice of its own (the rest, unnamed).
    expect(venues(start({ binance: 804_999.99 }, 805_000))).toBe('Binance* $805K (>99.9%)');
  });
});

describe('a time of another day than the reply\'s is dated', () => {
  it('/liqs eth at Feb 1 00:59: yesterday\'s largest orders and cascade carry their date', async () => {
    const r = await cli('liqs', 'eth', '--data', BUNDLED, '--at', '2026-02-01T00:59:00Z');
    expect(r.code, r.err).toBe(0);
    expect(r.out).toContain('Long cascade Jan 31 12:41–16:05: $434M, low $2,357');
    expect(r.out).toContain('$929K long · Lighter · $2,571 · Jan 31 14:55');
    expect(r.out).toContain('$633K long · Bybit · $2,947 · Jan 31 12:45');
    expect(r.out).not.toMatch(/· \d\d:\d\d$/m);
    // The same reply on the day itself (Jan 31 23:30) keeps its bare times.
    const same = await cli('liqs', 'eth', '--data', BUNDLED, '--at', '2026-01-31T23:30:00Z');
    expect(same.out).toContain('Long cascade 12:41–16:05: $434M, low $2,357');
    expect(same.out).toContain('$929K long · Lighter · $2,571 · 14:55');
  });

  it('in the configured zone\'s days: in Seoul, Jan 31 23:30 UTC is Feb 1 08:30, and 14:55 UTC was Jan 31 23:55', async () => {
    setTimeZone(buildConfig({ timeZone: 'Asia/Seoul' }).timeZone);
    const r = await cli('liqs', 'eth', '--data', BUNDLED, '--at', '2026-01-31T23:30:00Z');
    expect(r.code, r.err).toBe(0);
    expect(r.out).toContain('2026-02-01 08:30 GMT+9');
    // 12:41–16:05 UTC is 21:41 on Jan 31 to 01:05 on Feb 1 in Seoul: both ends dated.
    expect(r.out).toContain('Long cascade Jan 31 21:41–Feb 1 01:05: $434M, low $2,357');
    expect(r.out).toContain('$929K long · Lighter · $2,571 · Jan 31 23:55');
    expect(r.out).toContain('$633K long · Bybit · $2,947 · Jan 31 21:45');
    // The hours counted, those whole inside the day to 23:30 UTC (00:00–23:00 UTC): Jan 31 09:00–Feb 1 08:00 in Seoul.
    expect(r.out).toContain('(hourly totals Jan 31 09:00–Feb 1 08:00)');
    // At Feb 1 00:59 UTC (09:59 there), the last hour's orders, 08:59–09:59 in Seoul, are all of that morning: bare.
    const hour = await cli('liqs', 'eth', '--data', BUNDLED, '--at', '2026-02-01T00:59:00Z', '--window', '1h');
    const largest = hour.out.split('\nLargest\n')[1]?.split('\n\n')[0] ?? '';
    expect(largest).not.toBe('');
    for (const l of largest.split('\n')) expect(l).toMatch(/ · 0[89]:\d\d$/);
  });
});

describe('a stretch\'s length agrees with its clock range', () => {
  /** Each "in 3h 24 min (12:41–16:05)" of a text, as [minutes said, minutes between the ends the range shows]. */
  function spans(text: string): [string, number, number][] {
    const out: [string, number, number][] = [];
    for (const m of text.matchAll(/in (?:(\d+)h)? ?(?:(\d+) min)? \((\d\d):(\d\d)–(\d\d):(\d\d)\)/g)) {
      const said = Number(m[1] ?? 0) * 60 + Number(m[2] ?? 0);
      const shown = (Number(m[5]) * 60 + Number(m[6]) - (Number(m[3]) * 60 + Number(m[4])) + 1440) % 1440;
      out.push([m[0], said, shown]);
    }
    return out;
  }
  /** Each running message's "(since 16:52, 16 min)" beside its stamp, as [minutes said, minutes from the start to the stamp]. */
  function sinces(text: string): [string, number, number][] {
    const out: [string, number, number][] = [];
    for (const m of text.matchAll(/^\S+ (\d\d):(\d\d) UTC .*\(since (\d\d):(\d\d), (?:(\d+)h)? ?(?:(\d+) min)?\)/gm)) {
      const said = Number(m[5] ?? 0) * 60 + Number(m[6] ?? 0);
      const shown = (Number(m[1]) * 60 + Number(m[2]) - (Number(m[3]) * 60 + Number(m[4])) + 1440) % 1440;
      out.push([m[0].slice(0, 80), said, shown]);
    }
    return out;
  }

  it('the demo: ETH\'s cascade, 12:41:10–16:05:40 (3h 24 min 30 s), "in 3h 24 min (12:41–16:05)", not "3h 25 min"', async () => {
    const r = await cli('demo');
    expect(r.code, r.err).toBe(0);
    expect(r.out).toContain('$434M of ETH longs liquidated in 3h 24 min (12:41–16:05)');
    const found = spans(r.out);
    // DOGE's, SOL's, XRP's, ETH's and BTC's ends.
    expect(found.length).toBeGreaterThanOrEqual(5);
    for (const [text, said, shown] of found) expect(said, text).toBe(shown);
  });

  it('real recordings: every end\'s "in N min (A–B)" and every running message\'s "(since A, N min)" agree with the clock', async () => {
    let ends = 0, running = 0;
    for (const file of ['fixtures/binance-2025-01-27-forceorder.real.jsonl', 'fixtures/binance-2025-10-22-forceorder.real.jsonl', 'fixtures/binance-2025-06-23-forceorder.real.jsonl']) {
      const r = await cli('replay', file);
      expect(r.code, r.err).toBe(0);
      for (const [text, said, shown] of spans(r.out)) {
        ends++;
        expect(said, `${file}: ${text}`).toBe(shown);
      }
      for (const [text, said, shown] of sinces(r.out)) {
        running++;
        expect(said, `${file}: ${text}`).toBe(shown);
      }
    }
    expect(ends).toBeGreaterThanOrEqual(8);
    expect(running).toBeGreaterThanOrEqual(5);
  });

  it('BTC on Jan 27 2025, 16:52:00–17:08:48 (16 min 48 s): "16 min (16:52–17:08)", the minutes between the ends shown', () => {
    const end: CascadeEnd = {
      kind: 'cascade_end', key: 'k', ts: at('2025-01-27T17:23:40Z'), asset: 'BTC', side: 'long', usd: 635e3,
      startedAt: at('2025-01-27T16:52:00Z'), endedAt: at('2025-01-27T17:08:48.417Z'), durationMs: 1_008_417,
      byExchange: { binance: 635e3 }, sampled: ['binance'], exchanges: ['binance'], heardUsd: 635e3,
    } as unknown as CascadeEnd;
    expect(replyText(alertReply(end))).toContain('$635K of BTC longs liquidated in 16 min (16:52–17:08)');
    expect(clockDuration(at('2025-01-27T16:52:00Z'), at('2025-01-27T17:08:48.417Z'))).toBe('16 min');
    // Under a minute, its seconds, whatever minutes its ends fall in.
    expect(clockDuration(at('2025-01-27T17:08:30Z'), at('2025-01-27T17:09:15Z'))).toBe('45s');
    expect(clockDuration(at('2026-01-31T12:41:10Z'), at('2026-01-31T16:05:40.41Z'))).toBe('3h 24 min');
  });
});
