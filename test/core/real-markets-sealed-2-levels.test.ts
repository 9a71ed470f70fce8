/**
 * The second sealed check of issue 15 (docs/level-measurements.md, "A second sealed check"). Two level sets cut by
 * scripts/sealed-2-fixtures.ts from a download no rule was judged on (BTC perpetual 15m candles, Apr 26 - May 20 2023:
 * swing levels set Apr 28 from the two days before, round numbers every $500 added daily, both as the first sealed sets
 * were cut) were replayed once with the default config, in a check written down before: the issue's targets, at most 20%
 * of breaks reversed and at least 95% of the breaks that held told within 2 h. They were missed: 10 of 49 breaks
 * reversed (20.4%), 33 of 38 held breaks told in time (86.8%). The figures stay pinned here so a rule change shows; the
 * sets are seen now.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { Alert } from '../../src/core/alerts.js';
import { byAsset, iso, measure, missed } from './level-measure.js';
import { CANDLE_SLICE_2, SEALED_2_LEVELS, SEALED_2_ROUND, SOURCE_2, sealed2Levels, sealed2RoundNumbers } from '../../scripts/sealed-2-fixtures.js';

type Row = { type: string; ts: number; note?: string; asset?: string; price?: number; close?: number; low?: number };
const rowsOf = (file: string) => readFileSync(file, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as Row);
const M15 = 900_000;

/** Each level message as `time kind level direction price`, the time the close it was said on. */
function messages(alerts: readonly Alert[]): string[] {
  return alerts.flatMap((a) => {
    if (a.kind === 'level_chop') return [`${iso(a.ts)} chop ${a.levelId}`];
    if (a.kind !== 'level_break') return [];
    return [`${iso(a.ts)} ${a.direction} ${a.levelId}${a.also?.length ? `+${a.also.map((x) => x.levelId).join('+')}` : ''} ${a.price}`];
  });
}

/** Every break is said at a candle's close, that close on the side of the level it says price went. */
function saidAtCloses(file: string, alerts: readonly Alert[]): void {
  const closes = new Map(rowsOf(file).filter((r) => r.type === 'candle').map((r) => [r.ts + M15, r.close!]));
  for (const a of alerts) {
    if (a.kind !== 'level_break') continue;
    expect(closes.get(a.ts), iso(a.ts)).toBe(a.price);
    const level = Number(a.levelId.split('@')[1]!.split('-')[0]);
    expect(a.direction === 'down' ? a.price < level : a.price > level, `${iso(a.ts)} ${a.levelId}`).toBe(true);
  }
}

describe('the second sealed sets are what scripts/sealed-2-fixtures.ts cuts from the raw slice', () => {
  it('cuts 25 days of BTC 15m candles from 7,200 contiguous 5m klines, and names the source', () => {
    const klines = JSON.parse(readFileSync(CANDLE_SLICE_2.src, 'utf8')) as number[][];
    expect(klines).toHaveLength(7200);
    expect(klines.every((k, i) => i === 0 || k[0]! - klines[i - 1]![0]! === 300_000)).toBe(true);
    expect(readFileSync(SEALED_2_LEVELS, 'utf8')).toBe(sealed2Levels());
    expect(readFileSync(SEALED_2_ROUND, 'utf8')).toBe(sealed2RoundNumbers());
    const swing = rowsOf(SEALED_2_LEVELS);
    expect(swing.filter((r) => r.type === 'candle')).toHaveLength(2400);
    expect(swing.filter((r) => r.type === 'level').map((r) => r.price ?? `${r.low}-zone`)).toEqual([27235, 29000, 30036, '27235-zone']);
    expect(swing[0]!.note).toContain(`source: ${SOURCE_2} ${CANDLE_SLICE_2.path}`);
    const round = rowsOf(SEALED_2_ROUND);
    expect(round.filter((r) => r.type === 'level').map((r) => r.price)).toEqual([27000, 27500, 28000, 28500, 29000, 29500, 30000, 30500, 26500, 26000, 25500]);
    expect(round[0]!.note).toContain('BTC every 500');
  });
});

describe('the sealed swing levels (BTC, set Apr 28 2023 from the two days before: $27,235 low, $29,000, $30,036 high, the zone above the low)', async () => {
  const { stats, alerts } = await measure(SEALED_2_LEVELS);

  it('reverses none of 11 breaks and tells 9 of 11 held breaks in time, in 10 messages', () => {
    expect(stats.totals).toEqual({ messages: 10, breaks: 11, reversed: 0, held: 11, heldTold: 9 });
    expect(stats.perMessage).toEqual({ breaks: 10, reversed: 0 });
    expect(byAsset(stats)).toEqual({ BTC: { messages: 10, breaks: 11, reversed: 0, held: 11, heldTold: 9 } });
  });

  it('says each break at the close that made it; the two held breaks not told in time are closes back above a level no message had told lost', () => {
    expect(messages(alerts)).toEqual([
      '2023-05-01T01:45 down BTC@29000 28677.1',
      '2023-05-03T23:00 up BTC@29000 29107.13',
      '2023-05-04T15:15 down BTC@29000 28918.21',
      '2023-05-05T03:30 up BTC@29000 29248.09',
      '2023-05-06T14:15 down BTC@29000 28693.95',
      '2023-05-11T15:15 down BTC@27235+BTC@27235-27643.5 27056.77',
      '2023-05-15T05:45 up BTC@27235 27331.15',
      '2023-05-16T02:30 down BTC@27235 27001.37',
      '2023-05-17T21:00 up BTC@27235 27340.59',
      '2023-05-18T17:00 down BTC@27235 27069.56',
    ]);
    saidAtCloses(SEALED_2_LEVELS, alerts);
    // One close under $29,000 on Apr 28 (28,950.09 at 13:45) and one under $27,235 on May 10 (27,157.13 at 17:30, after
    // a wick to 26,777): neither told, so the closes back above at 14:00 and 17:45 count as held breaks not told.
    expect(missed(stats, alerts)).toEqual(['BTC@27235 up 2023-05-10T17:45 told 108 h after', 'BTC@29000 up 2023-04-28T14:00 told 129 h after']);
  });
});

describe('the sealed round numbers (BTC every $500, added daily from Apr 27 2023)', async () => {
  const { stats, alerts } = await measure(SEALED_2_ROUND);

  it('reverses 10 of 38 breaks and tells 24 of 27 held breaks in time, in 42 messages (4 of them chop notices)', () => {
    expect(stats.totals).toEqual({ messages: 42, breaks: 38, reversed: 10, held: 27, heldTold: 24 });
    expect(stats.perMessage).toEqual({ breaks: 38, reversed: 10 });
    expect(byAsset(stats)).toEqual({ BTC: { messages: 42, breaks: 38, reversed: 10, held: 27, heldTold: 24 } });
    expect(messages(alerts).filter((m) => m.includes(' chop '))).toEqual([
      '2023-04-27T02:30 chop BTC@29000', '2023-05-02T01:30 chop BTC@28000', '2023-05-03T12:45 chop BTC@28500', '2023-05-05T20:45 chop BTC@29500',
    ]);
    saidAtCloses(SEALED_2_ROUND, alerts);
  });

  it('ignores the wicks of the May 10 and May 12 flushes: $27,000 first told lost on a close on May 11, $26,000 never', () => {
    const candle = (at: string) => rowsOf(SEALED_2_ROUND).find((r) => r.type === 'candle' && r.ts === Date.parse(`${at}Z`))!;
    // May 10 17:15: down to 26,777, closed at 27,157.13. May 12 19:15: down to 25,811.46, closed at 25,946.09, back above at 19:45.
    expect([candle('2023-05-10T17:15').low, candle('2023-05-10T17:15').close]).toEqual([26777, 27157.13]);
    expect([candle('2023-05-12T19:15').low, candle('2023-05-12T19:15').close]).toEqual([25811.46, 25946.09]);
    const first = (id: string) => messages(alerts).find((m) => m.split(' ')[2]!.startsWith(id));
    expect(first('BTC@27000')).toBe('2023-05-11T17:45 down BTC@27000 26789.01');
    expect(first('BTC@26000')).toBeUndefined();
    expect(missed(stats, alerts)).toEqual([
      'BTC@27500 down 2023-05-15T18:30 told 2.75 h after',
      'BTC@29500 down 2023-04-30T19:15 told 3.75 h after',
      'BTC@26000 up 2023-05-12T19:45 never told',
    ]);
  });

  it('together: 20.4% of breaks reversed and 86.8% of held breaks told, against issue 15\'s 20% and 95%', async () => {
    const swing = (await measure(SEALED_2_LEVELS)).stats.totals;
    const t = { breaks: swing.breaks + stats.totals.breaks, reversed: swing.reversed + stats.totals.reversed, held: swing.held + stats.totals.held, heldTold: swing.heldTold + stats.totals.heldTold };
    expect(((100 * t.reversed) / t.breaks).toFixed(1)).toBe('20.4');
    expect(((100 * t.heldTold) / t.held).toFixed(1)).toBe('86.8');
  });
});
