/**
 * Issue 15: "We will replay real market days you have not seen." Two level sets cut from candles no rule was tuned on
 * and no earlier set used, replayed once with the rules unchanged: freqtrade's download of Binance USD-M 15m klines in
 * another public repository (jilee1212/freqtrade-future@2daf0e2; raw slices in fixtures/sources/, cut by
 * scripts/unseen-levels.ts with scripts/real-fixtures.ts's own functions). XRP Aug 29 - Sep 26 2025 (an asset no set
 * had) and BTC Aug 29 - Sep 18 2025 (the day before the earlier sets' BTC candles begin).
 *  - "Held-out 7": levels derived as held-out 3-6 derive theirs, set Aug 31 00:00 from the two days before.
 *  - "Round numbers 2": round numbers added daily as the round-number sets add theirs (XRP every $0.05, BTC every
 *    $2,000: the 1, 2 or 5 times a power of ten nearest 2% of the first close).
 * Issue 15's targets: at most 20% of breaks reversed within 12 h, at least 95% of held breaks told within 2 h, 40% fewer
 * level messages than the fixed buffer. None is met on either set. The fixed buffer of before issue 15 (the engine of
 * 1b80013~1 replayed on these files and measured by today's backtest, as docs/level-measurements.md does) reads:
 * held-out 7, 44 messages, 26 of 44 breaks reversed (59%), 17 of 19 held breaks told; round numbers 2, 123 messages,
 * 70 of 123 reversed (57%), 49 of 52 told. The figures below were what the rules read the one time they were replayed,
 * so that a rule change that moves them is seen; one has since: `flipBuffers` 5 → 2, settled on the sealed sets
 * (docs/level-measurements.md, "A sealed check"), tells 16 of held-out 7's 19 held breaks where it told 15, and 47 of
 * round numbers 2's 52 where it told 42.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { loadFile } from '../../src/offline.js';
import { byAsset, iso, measure, missed } from './level-measure.js';
import { HELD_OUT_7, ROUND_2, SLICES, SOURCE, heldOut7, roundNumbers2 } from '../../scripts/unseen-levels.js';

type Kline = [number, number, number, number, number];
const M15 = 900_000;


describe('the raw slices are whole 15m candles, copied from the source as stored', () => {
  const read = (src: string) => JSON.parse(readFileSync(src, 'utf8')) as Kline[];

  it('XRP: 2,730 candles Aug 29 00:00 - Sep 26 10:15, BTC: 2,016 candles Aug 29 00:00 - Sep 18 23:45, none missing or twice', () => {
    const spans = SLICES.map((s) => {
      const k = read(s.src);
      for (let i = 1; i < k.length; i++) expect(k[i]![0] - k[i - 1]![0]).toBe(M15);
      return [s.asset, k.length, iso(k[0]![0]), iso(k.at(-1)![0])];
    });
    expect(spans).toEqual([
      ['XRP', 2730, '2025-08-29T00:00', '2025-09-26T10:15'],
      ['BTC', 2016, '2025-08-29T00:00', '2025-09-18T23:45'],
    ]);
  });

  it('every high and low bounds its open and close, and no open is more than 0.2% from the close before it', () => {
    for (const s of SLICES) {
      const k = read(s.src);
      for (const [, o, h, l, c] of k) expect(h >= Math.max(o, c) && l <= Math.min(o, c)).toBe(true);
      const jumps = k.slice(1).filter(([, o], i) => Math.abs(o - k[i]![4]) / k[i]![4] > 0.002);
      expect(jumps).toEqual([]);
    }
  });

  it('holds the values the source stores (candles re-read against it), the volume dropped', () => {
    const [xrp, btc] = SLICES.map((s) => read(s.src));
    const at = (k: Kline[], ts: number) => k.find((c) => c[0] === ts);
    expect(xrp![0]).toEqual([1756425600000, 2.9647, 2.9708, 2.961, 2.9632]);
    expect(at(xrp!, 1757421900000)).toEqual([1757421900000, 3, 3.0092, 2.9996, 3.0065]);
    expect(at(xrp!, 1758520800000)).toEqual([1758520800000, 2.8449, 2.8491, 2.6704, 2.7849]);
    expect(btc![0]).toEqual([1756425600000, 112507.3, 112507.4, 112301.5, 112366.3]);
    expect(at(btc!, 1757081700000)).toEqual([1757081700000, 112194.4, 112231.6, 110866.2, 110958.9]);
    expect(btc!.at(-1)).toEqual([1758239100000, 116927.5, 117125.0, 116914.4, 117017.1]);
  });
});

describe('the fixtures are what scripts/unseen-levels.ts cuts from the slices, and name their source', () => {
  it('byte for byte', () => {
    expect(readFileSync(HELD_OUT_7, 'utf8')).toBe(heldOut7());
    expect(readFileSync(ROUND_2, 'utf8')).toBe(roundNumbers2());
  });

  it('with the repository, commit and path of each slice in the meta line', () => {
    for (const f of [HELD_OUT_7, ROUND_2]) {
      const meta = JSON.parse(readFileSync(f, 'utf8').split('\n')[0]!) as { type: string; synthetic: boolean; note: string };
      expect(meta).toMatchObject({ type: 'meta', synthetic: false });
      expect(meta.note).toContain(`source: ${SOURCE} user_data/data/binance/futures/XRP_USDT_USDT-15m-futures.json`);
      expect(meta.note).toContain('user_data/data/binance/futures/BTC_USDT_USDT-15m-futures.json');
    }
  });

  it('held-out 7 sets four levels per asset on Aug 31 from the two days before; round numbers 2 adds 13 for XRP ($2.65-3.25) and 10 for BTC ($104,000-122,000)', async () => {
    const levels = (await loadFile(HELD_OUT_7)).batches.flat().filter((e) => e.type === 'level');
    expect(levels.map((e) => (e.type === 'level' ? `${e.asset} ${JSON.stringify(e.level)} ${iso(e.ts)}` : ''))).toEqual([
      'XRP 2.7596 2025-08-31T00:00',
      'XRP 2.8 2025-08-31T00:00',
      'XRP 2.9755 2025-08-31T00:00',
      'XRP [2.7596,2.80099] 2025-08-31T00:00',
      'BTC 107281 2025-08-31T00:00',
      'BTC 107500 2025-08-31T00:00',
      'BTC 112585.7 2025-08-31T00:00',
      'BTC [107281,108890] 2025-08-31T00:00',
    ]);
    const round = (await loadFile(ROUND_2)).batches.flat().flatMap((e) => (e.type === 'level' ? [e] : []));
    const prices = (asset: string) => round.filter((e) => e.asset === asset).map((e) => e.level as number).sort((a, b) => a - b);
    expect(prices('XRP')).toEqual([2.65, 2.7, 2.75, 2.8, 2.85, 2.9, 2.95, 3, 3.05, 3.1, 3.15, 3.2, 3.25]);
    expect(prices('BTC')).toEqual([104000, 106000, 108000, 110000, 112000, 114000, 116000, 118000, 120000, 122000]);
  });
});

describe('held-out 7 (XRP Aug 31 - Sep 26, BTC Aug 31 - Sep 18 2025; levels from the two days before), replayed once', async () => {
  const { stats, alerts } = await measure(HELD_OUT_7);

  it('posts 37 level messages (the fixed buffer: 44, -16%; the target -40%) with 17 of 37 breaks reversed within 12 h (46%; the fixed buffer 59%) and 16 of 19 held breaks told (84%; the fixed buffer 17)', () => {
    expect(stats.totals).toEqual({ messages: 37, breaks: 37, reversed: 17, held: 19, heldTold: 16 });
    expect(stats.perMessage).toEqual({ breaks: 32, reversed: 15 });
    expect(alerts.filter((a) => a.kind === 'level_chop')).toHaveLength(5);
  });

  it('is XRP chopping through $2.80 and its two-day high $2.9755 for most of it; BTC moves less', () => {
    expect(byAsset(stats)).toEqual({
      XRP: { messages: 28, breaks: 29, reversed: 14, held: 13, heldTold: 11 },
      BTC: { messages: 9, breaks: 8, reversed: 3, held: 6, heldTold: 5 },
    });
    const busiest = stats.levels.filter((r) => r.messages >= 6).map((r) => `${r.levelId} ${r.messages} ${r.reversed}/${r.breaks}`);
    expect(busiest).toEqual(['XRP@2.7596 6 3/5', 'XRP@2.8 10 4/9', 'XRP@2.9755 12 5/10', 'BTC@112585.7 6 2/5']);
  });

  it('misses three held breaks: two XRP breaks told 2.75-3.75 h after their crossing close, and BTC one close under its low inside the buffer, back the next close', () => {
    // With `flipBuffers: 5` four: XRP $2.80's loss of Sep 1 (crossing close 10:45) was told at 16:30, 5.75 h after; two
    // hours of closes under it, the last two buffers beyond, now tell it at 12:45, inside its flip window and in time.
    // The other two XRP breaks are told 1.25 and 1.5 h sooner than they were (5 and 4.25 h after).
    expect(missed(stats, alerts)).toEqual([
      'XRP@2.8 up 2025-09-06T21:30 told 3.75 h after',
      'XRP@2.9755 up 2025-09-15T10:45 told 2.75 h after',
      'BTC@107281 up 2025-09-01T05:00 never told',
    ]);
  });
});

describe('round numbers 2 (XRP every $0.05, BTC every $2,000, added daily from Aug 30 2025), replayed once', async () => {
  const { stats, alerts } = await measure(ROUND_2);

  it('posts 103 level messages (the fixed buffer: 123, -16%) with 42 of 90 breaks reversed within 12 h (47%; the fixed buffer 57%) and 47 of 52 held breaks told (90%; the fixed buffer 49)', () => {
    // 102 messages and 42 told with `flipBuffers: 5` (per message 40 of 87 reversed): with 2, ten breaks come 15 min to
    // 3 h 45 min sooner, five of them in time, and XRP's $2.95 and $3, broken up together at 07:15 on Sep 9, are two
    // messages (06:15 and 07:30).
    expect(stats.totals).toEqual({ messages: 103, breaks: 90, reversed: 42, held: 52, heldTold: 47 });
    expect(stats.perMessage).toEqual({ breaks: 88, reversed: 41 });
    expect(alerts.filter((a) => a.kind === 'level_chop')).toHaveLength(10);
  });

  it('XRP posts most of it', () => {
    expect(byAsset(stats)).toEqual({
      XRP: { messages: 73, breaks: 66, reversed: 30, held: 37, heldTold: 34 },
      BTC: { messages: 30, breaks: 24, reversed: 12, held: 15, heldTold: 13 },
    });
  });

  it('tells every one of its five missed held breaks, 2.25-19.75 h after the crossing close (ten, 2.5-19.75 h, with flipBuffers 5)', () => {
    const late = missed(stats, alerts);
    expect(late).toHaveLength(5);
    const hours = late.map((m) => Number(/told ([\d.]+) h after$/.exec(m)?.[1]));
    expect(Math.min(...hours)).toBe(2.25);
    expect(Math.max(...hours)).toBe(19.75);
  });
});
