/**
 * Issue 15: "We will replay real market days you have not seen." Session 39 looked for more public liquidation-print
 * recordings and found none that no earlier session had used (fixtures/sources/README.md, "Session 39", lists where it
 * looked), so it replayed what it did find once, with the rules of 94d2b98 unchanged: freqtrade's download of **Bybit**
 * USDT perpetual 5m klines (a venue no real fixture had) for BTC 2024-07-01 22:00 - 07-05 21:15 UTC, days no set had
 * (the kit's 2024 file starts Jul 22): the Jul 4 flush (01:35-02:05, 60,400 -> 57,770) and the Jul 5 one (02:50-04:15,
 * 56,700 -> 53,314). Cut by scripts/unseen-4-fixtures.ts with scripts/real-fixtures.ts's own functions:
 * - "unseen 4": the levels a community would have set on Jul 4 00:00 from the two days before (low, round number
 *   below price, high, the zone 1.5% above the low, which held price when it was set). Two messages: the zone left
 *   upward by 0.25% after an hour of closes above it (01:00), then the flush's first close under all three (02:00);
 * - "round numbers, unseen 4": BTC every $1,000 added daily. 18 messages in 3.9 days, 8 of 18 breaks reversed within
 *   12 h (44%; the issue's target is 20%), all 8 held breaks told within 2 h.
 * The files have no liquidation prints: no cascade or flush can be called, and the replies say so.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { buildConfig } from '../../config/load.js';
import { loadFile, runFile } from '../../src/offline.js';
import { levelsReply } from '../../src/replies/levels.js';
import { replyText } from '../../src/replies/reply.js';
import { summaryReply } from '../../src/replies/summary.js';
import { HELD_OUT, PATH, ROUND, SLICE, SOURCE, heldOut, roundNumbers } from '../../scripts/unseen-4-fixtures.js';
import { iso, measure } from './level-measure.js';

type Kline = [number, number, number, number, number, number];
const HOUR = 3_600_000;

describe('the raw slice is whole 5m candles, copied from the source as stored', () => {
  const k = JSON.parse(readFileSync(SLICE, 'utf8')) as Kline[];

  it('1,144 candles 2024-07-01 22:00 - 07-05 21:15 UTC, none missing or twice, each open the close before it', () => {
    expect([k.length, iso(k[0]![0]), iso(k.at(-1)![0])]).toEqual([1144, '2024-07-01T22:00', '2024-07-05T21:15']);
    for (let i = 1; i < k.length; i++) {
      expect(k[i]![0] - k[i - 1]![0]).toBe(300_000);
      expect(k[i]![1]).toBe(k[i - 1]![4]);
    }
    for (const [, o, h, l, c] of k) expect(h >= Math.max(o, c) && l <= Math.min(o, c)).toBe(true);
  });

  it('holds the values the source stores (candles re-read against it), volume kept', () => {
    const at = (ts: number) => k.find((c) => c[0] === ts);
    expect(k[0]).toEqual([1719871200000, 63085.0, 63107.6, 63047.4, 63107.6, 182.636]);
    expect(at(1720058400000)).toEqual([1720058400000, 58545.8, 58555.6, 57770.2, 58356.6, 6987.427]);
    expect(at(1720152900000)).toEqual([1720152900000, 55021.3, 55099.7, 53314.3, 53750.5, 13793.927]);
    expect(k.at(-1)).toEqual([1720214100000, 56462.0, 56495.0, 56330.0, 56363.7, 142.24]);
  });
});

describe('the fixtures are what scripts/unseen-4-fixtures.ts cuts from the slice, and name their source', () => {
  it('byte for byte, with the repository, commit and path in the meta line', () => {
    expect(readFileSync(HELD_OUT, 'utf8')).toBe(heldOut());
    expect(readFileSync(ROUND, 'utf8')).toBe(roundNumbers());
    for (const f of [HELD_OUT, ROUND]) {
      const meta = JSON.parse(readFileSync(f, 'utf8').split('\n')[0]!) as { type: string; synthetic: boolean; note: string };
      expect(meta).toMatchObject({ type: 'meta', synthetic: false });
      expect(meta.note).toContain(`source: ${SOURCE} ${PATH} (slice in ${SLICE})`);
    }
  });

  it('Bybit 15m candles; four levels set Jul 4 00:00 from the two days before; round numbers $55,000-66,000', async () => {
    const events = (await loadFile(HELD_OUT)).batches.flat();
    const candles = events.filter((e) => e.type === 'candle');
    expect(new Set(candles.map((e) => (e.type === 'candle' ? `${e.exchange} ${e.symbol} ${e.timeframe}` : '')))).toEqual(new Set(['bybit BTC/USDT:USDT 15m']));
    expect(candles).toHaveLength(373);
    const levels = events.flatMap((e) => (e.type === 'level' ? [`${JSON.stringify(e.level)} ${iso(e.ts)}`] : []));
    expect(levels).toEqual(['59350.2 2024-07-04T00:00', '60000 2024-07-04T00:00', '63259 2024-07-04T00:00', '[59350.2,60240.5] 2024-07-04T00:00']);
    const round = (await loadFile(ROUND)).batches.flat().flatMap((e) => (e.type === 'level' ? [e.level as number] : []));
    expect(round.sort((a, b) => a - b)).toEqual([55000, 56000, 57000, 58000, 59000, 60000, 61000, 62000, 63000, 64000, 65000, 66000]);
  });
});

describe('unseen 4: BTC on Bybit, levels set Jul 4 2024 00:00, replayed once with the default config', async () => {
  const { stats, alerts } = await measure(HELD_OUT);

  it('posts two messages: the zone price sat in, left upward after an hour of closes above it; then the flush', () => {
    expect(alerts.map((a) => `${a.kind} ${iso(a.ts)} ${a.kind === 'level_break' ? `${a.direction} ${JSON.stringify(a.level)} ${a.price}` : ''}`)).toEqual([
      'level_break 2024-07-04T01:00 up [59350.2,60240.5] 60392.5',
      'level_break 2024-07-04T02:00 down 59350.2 58545.8',
    ]);
    // The first: closes above the zone's top from the first quarter after it was set (00:00-00:15, $60,259.9), the last
    // $152 (0.25%) above it: an hour beyond the level itself (`acceptHours`), not a close beyond the buffer.
    const up = alerts[0]!;
    expect(up.kind === 'level_break' && (up.price - 60240.5) / 60240.5).toBeLessThan(0.003);
  });

  it('calls the flush on its first close under the levels, one message for the three on one price line', () => {
    const down = alerts[1]!;
    if (down.kind !== 'level_break') throw new Error('not a break');
    expect((down.also ?? []).map((x) => `${JSON.stringify(x.level)}${x.reclaim ? ' undoing the breakout' : ''}`)).toEqual(['[59350.2,60240.5] undoing the breakout', '60000']);
    // The 01:30-01:45 quarter closed at $59,579.7, inside the zone and above its low: the first close under $59,350.2 is
    // the one the message is posted on, 25 minutes after the first 5m leg down began (01:35).
    expect(down.ts - Date.parse('2024-07-04T01:35:00Z')).toBeLessThanOrEqual(25 * 60_000);
  });

  it('tells every break that held in time: 4 breaks, 1 reversed (the zone, 1 h later), 3 of 3 held told within 2 h', () => {
    expect(stats.totals).toEqual({ messages: 2, breaks: 4, reversed: 1, held: 3, heldTold: 3 });
    // Counted per message the zone's reversal is not seen: the message that undid it leads with the prior low.
    expect(stats.perMessage).toMatchObject({ breaks: 2, reversed: 0 });
  });

  it('says there is no liquidation data, never "no liquidations", with the candles\' price for the day of the Jul 5 low', async () => {
    const loaded = await loadFile(HELD_OUT);
    const to = Date.parse('2024-07-05T05:00:00Z');
    const run = await runFile(loaded, buildConfig({}), { until: to, bucketFrom: to - 24 * HOUR, asset: 'BTC' });
    const text = replyText(summaryReply(run.market.summary('BTC', '24h', 24 * HOUR, to), ['24h']));
    expect(text).toContain('No liquidation data: the file has no liquidation prints.');
    expect(text).toContain('Price $58,942 → $53,917 (−8.5%) · low $53,314 · high $59,068');
    const st = run.market.levelStatus('BTC', undefined, to);
    const levels = replyText(levelsReply(st, run.market.windowCoverage('BTC', 24 * HOUR, to)));
    expect(levels).toContain('No level below $53,917 on this list; the 24h low was $53,314 at 04:15.');
    expect(levels).toContain('$59,350.2 BTC prior 2-day low (2024-07-03 21:00 UTC) · resistance (was support) · lost Jul 4 02:00 · +10%');
  });
});

describe('round numbers, unseen 4 (BTC on Bybit every $1,000, added daily from Jul 2 2024), replayed once', async () => {
  const { stats, alerts } = await measure(ROUND);

  it('posts 18 messages in 3.9 days, 8 of 18 breaks reversed within 12 h (44%), all 8 held breaks told within 2 h', () => {
    expect(stats.totals).toEqual({ messages: 18, breaks: 18, reversed: 8, held: 8, heldTold: 8 });
    expect(stats.perMessage).toMatchObject({ breaks: 17, reversed: 7 });
    expect(alerts.filter((a) => a.kind === 'level_chop').map((a) => iso(a.ts))).toEqual(['2024-07-02T20:15']);
  });

  it('tells both flushes as they happen: $59,000 and $60,000 together at 02:00 on Jul 4, then $57,000, $56,000 and $55,000 on Jul 5', () => {
    const breaks = alerts.flatMap((a) => (a.kind === 'level_break' ? [`${iso(a.ts)} ${a.direction} ${[a.level, ...(a.also ?? []).map((x) => x.level)].join('+')}`] : []));
    expect(breaks).toEqual([
      '2024-07-02T04:00 up 63000',
      '2024-07-02T07:45 down 63000',
      '2024-07-02T16:15 down 62000',
      '2024-07-03T00:45 up 62000',
      '2024-07-03T02:45 down 62000',
      '2024-07-03T03:15 down 61000',
      '2024-07-03T20:00 down 60000',
      '2024-07-04T00:45 up 60000',
      '2024-07-04T02:00 down 59000+60000',
      '2024-07-04T08:45 down 58000',
      '2024-07-04T18:30 up 58000',
      '2024-07-05T01:15 down 58000',
      // The 02:45-03:00 quarter closed at $55,721.9, $278 under $56,000 but inside its $390 buffer (the 15m ATR), and
      // $1,278 under $57,000, 3.3 of its buffers, not the 5 of a break that went far: $56,000 joins no message and is
      // told on the next close ($55,338.8), 15 minutes later.
      '2024-07-05T03:00 down 57000',
      '2024-07-05T03:15 down 56000',
      '2024-07-05T04:30 down 55000',
      '2024-07-05T13:00 up 55000',
      '2024-07-05T15:30 up 56000',
    ]);
  });
});
