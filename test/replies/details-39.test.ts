/**
 * Small reply details a trader notices: an outage range of another day than the reply's moment is dated (in the
 * configured zone), as "since" times are; `liqs --json` names a vendor's total for every exchange at once apart from
 * venues in `coverage.hourlyUncounted`, as it does in `coverage.hourly`.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { weeklyDigest } from '../../src/core/digest.js';
import type { Ohlc } from '../../src/core/prices.js';
import type { Coverage } from '../../src/core/summary.js';
import { digestLine } from '../../src/replies/digest.js';
import { coverageLine } from '../../src/replies/coverage.js';
import { lineText } from '../../src/replies/reply.js';
import { setTimeZone } from '../../src/replies/zone.js';
import { cli, writeEvents } from '../helpers.js';

const at = (iso: string) => Date.parse(iso);

afterEach(() => setTimeZone('UTC'));

describe('outage ranges in a footer', () => {
  const coverage = (from: string, to: string): Coverage => ({
    exchanges: ['bybit'], sampled: [], synthetic: false, gaps: [{ exchange: 'bybit', from: at(from), to: at(to), reason: 'disconnected' }],
  });
  const footer = (c: Coverage, asOf: number) => lineText(coverageLine(c, asOf));

  it('dates a range across midnight, read after it', () => {
    const text = footer(coverage('2025-12-06T23:50:00Z', '2025-12-07T00:10:00Z'), at('2025-12-07T00:30:00Z'));
    // Before: "Bybit no data 23:50–00:10", which reads as a stretch still to come tonight.
    expect(text).toContain('Bybit no data Dec 6 23:50–Dec 7 00:10');
  });

  it('dates a range wholly of the day before, and keeps the bare times of the reply\'s own day', () => {
    expect(footer(coverage('2025-12-06T22:00:00Z', '2025-12-06T22:20:00Z'), at('2025-12-07T00:30:00Z'))).toContain('Bybit no data Dec 6 22:00–22:20');
    expect(footer(coverage('2025-12-07T00:01:00Z', '2025-12-07T00:10:00Z'), at('2025-12-07T00:30:00Z'))).toContain('Bybit no data 00:01–00:10');
  });

  it('in the configured zone: Seoul\'s day turns at 15:00 UTC', () => {
    setTimeZone('Asia/Seoul');
    const c = coverage('2025-12-06T14:50:00Z', '2025-12-06T15:10:00Z');
    expect(footer(c, at('2025-12-06T15:30:00Z'))).toContain('Bybit no data Dec 6 23:50–Dec 7 00:10');
    setTimeZone('UTC');
    expect(footer(c, at('2025-12-06T15:30:00Z'))).toContain('Bybit no data 14:50–15:10');
  });
});

describe('a level that held, in the weekly digest', () => {
  const H = 3_600_000;
  const T0 = Date.parse('2026-01-29T00:00:00Z');
  const bars = (closes: number[]): Ohlc[] => closes.map((close, i) => {
    const open = i === 0 ? close : closes[i - 1]!;
    return { ts: T0 + i * H, open, close, low: Math.min(open, close), high: Math.max(open, close) };
  });
  const held = (level: number, closes: number[]) => {
    const d = weeklyDigest({ chat: 'telegram:-1', from: T0, to: T0 + closes.length * H, testingPct: 0.5, items: [{ asset: 'ETH', level, since: T0, watched: true }], bars: () => bars(closes), liquidations: () => [] });
    return lineText(digestLine(d.levels[0]!));
  };

  it('says which way price went off it: up off a support, down off a resistance', () => {
    // Before: "price moved 4% away within a day" for both.
    expect(held(2350, [2400, 2360, 2352, 2380, 2420, 2440])).toContain('held 1 test, price rose 4% off it within a day');
    expect(held(2450, [2400, 2440, 2448, 2420, 2380, 2360])).toContain('held 1 test, price fell 4% off it within a day');
  });
});

describe('liqs --json, a total for every exchange at once that the window cuts', () => {
  it('is no venue in coverage.hourlyUncounted, and is named apart', async () => {
    const at = (hh: number, mm = 0) => Date.UTC(2026, 0, 31, hh, mm);
    const file = writeEvents([
      { type: 'liquidation_total', ts: at(13), period: '1h', asset: 'SOL', side: 'long', usd: 2_000_000 },
      { type: 'liquidation', ts: at(14, 30), exchange: 'bybit', symbol: 'SOL/USDT:USDT', side: 'long', price: 100, amount: 50, usd: 5_000 },
    ]);
    const r = await cli('liqs', 'sol', '--data', file, '--window', '1h', '--at', new Date(at(14, 59)).toISOString(), '--json');
    expect(r.code, r.err).toBe(0);
    const o = JSON.parse(r.out) as { totalUsd: number; coverage: { hourlyUncounted?: string[]; allExchangesHourlyUncounted?: true } };
    expect(o.totalUsd).toBe(5_000);
    // Before: ["All exchanges"], where `coverage.hourly` never lists it.
    expect(o.coverage.hourlyUncounted).toBeUndefined();
    expect(o.coverage.allExchangesHourlyUncounted).toBe(true);
  });
});
