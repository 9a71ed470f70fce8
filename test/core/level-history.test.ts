/**
 * A level's history and the weekly digest on hand-made hourly bars: a close through the level is a break (away from
 * where price started) or a reclaim (back), a touch that closes back is one test, liquidations are summed around
 * each; the digest judges each level from when it was set, and a proposal was right when its level held.
 */
import { describe, expect, it } from 'vitest';
import { weeklyDigest } from '../../src/core/digest.js';
import { levelHistory } from '../../src/core/level-history.js';
import type { Ohlc } from '../../src/core/prices.js';
import type { Proposal } from '../../src/core/proposals.js';
import { digestLine, verdictCounts } from '../../src/replies/digest.js';
import { lineText } from '../../src/replies/reply.js';

const H = 3_600_000;
const T0 = Date.parse('2026-01-29T00:00:00Z');
/** Hourly bars from closes: each bar opens at the previous close; lows and highs as given or the two ends. */
function bars(closes: number[], wicks: Record<number, { low?: number; high?: number }> = {}): Ohlc[] {
  return closes.map((close, i) => {
    const open = i === 0 ? close : closes[i - 1]!;
    return { ts: T0 + i * H, open, close, low: wicks[i]?.low ?? Math.min(open, close), high: wicks[i]?.high ?? Math.max(open, close) };
  });
}
const quiet = (n: number) => Array.from({ length: n }, (_, i) => ({ ts: T0 + i * H, longUsd: i === 3 ? 5e6 : 0, shortUsd: 0 }));

describe('level history', () => {
  it('reads a test, a break and a reclaim, dated at the bar’s close, with the liquidations around each', () => {
    // Above 2350; a wick to 2352 closes back (test); a close below (break); a close back above (reclaim).
    const b = bars([2400, 2380, 2370, 2340, 2330, 2360, 2390], { 2: { low: 2352 } });
    const h = levelHistory(2350, { bars: b, liquidations: quiet(7), testingPct: 0.5, aroundMs: H, barMs: H });
    expect(h.episodes.map((e) => [e.kind, e.direction, e.ts, e.price])).toEqual([
      ['test', 'down', T0 + 3 * H, 2352],
      ['break', 'down', T0 + 4 * H, 2340],
      ['reclaim', 'up', T0 + 6 * H, 2360],
    ]);
    expect(h.episodes[1]!.longUsd).toBe(5e6);
    expect(h.episodes[2]!.longUsd).toBe(0);
    expect([h.from, h.to]).toEqual([T0, T0 + 7 * H]);
  });

  it('names breaks as the alerts do: a level told lost before the bars and closed back above in them is reclaimed, not broken up', () => {
    // Below 2350 from the first bar (lost the day before, as the alert told it), then back above.
    const b = bars([2300, 2320, 2330, 2370, 2390]);
    const read = (toldBefore?: { ts: number; direction: 'up' | 'down'; reclaim: boolean }) =>
      levelHistory(2350, { bars: b, liquidations: [], testingPct: 0.5, aroundMs: H, barMs: H, ...(toldBefore ? { toldBefore } : {}) }).episodes.filter((e) => e.kind !== 'test').map((e) => [e.kind, e.direction]);
    expect(read({ ts: T0 - 20 * H, direction: 'down', reclaim: false })).toEqual([['reclaim', 'up']]);
    // Without what was told, the first close across is all the bars show: a break.
    expect(read()).toEqual([['break', 'up']]);
  });

  it('a breakout that falls back after a day is a loss of the support it became, as the alerts say', () => {
    const closes = [2400, 2470, ...Array.from({ length: 30 }, () => 2480), 2420];
    const h = levelHistory(2450, { bars: bars(closes), liquidations: [], testingPct: 0.5, aroundMs: H, barMs: H });
    expect(h.episodes.filter((e) => e.kind !== 'test').map((e) => [e.kind, e.direction])).toEqual([['break', 'up'], ['break', 'down']]);
  });

  it('counts touching bars in a row as one test, and claims nothing without bars', () => {
    const b = bars([2400, 2360, 2355, 2400, 2420, 2356]);
    expect(levelHistory(2350, { bars: b, liquidations: [], testingPct: 0.5, aroundMs: H, barMs: H }).episodes.map((e) => e.kind)).toEqual(['test', 'test']);
    expect(levelHistory(2350, { bars: [], liquidations: [], testingPct: 0.5, aroundMs: H, barMs: H })).toEqual({ episodes: [] });
  });
});

describe('weekly digest', () => {
  const proposal = (level: number, status: Proposal['status']): Proposal => ({
    id: `telegram:-1:p${level}`, chat: 'telegram:-1', asset: 'ETH', level, proposer: { id: 'u1', name: 'ann' }, createdAt: T0, expiresAt: T0 + 48 * H, votes: {}, status,
  });
  const b = bars([2400, 2360, 2352, 2380, 2420, 2440, 2300, 2250]);
  const run = () =>
    weeklyDigest({
      chat: 'telegram:-1', from: T0 - 6 * 24 * H, to: T0 + 8 * H, testingPct: 0.5,
      items: [
        { asset: 'ETH', level: 2350, since: T0, watched: true, proposal: proposal(2350, 'adopted') },
        { asset: 'ETH', level: 2330, since: T0, watched: false, proposal: proposal(2330, 'rejected') },
        { asset: 'ETH', level: 3000, since: T0, watched: true },
      ],
      bars: (_a, from, to) => b.filter((x) => x.ts >= from && x.ts < to),
      liquidations: () => [],
    });

  it('judges each level: broke with its follow-through, held with its bounce, or not tested', () => {
    const d = run();
    const [a, c, e] = d.levels;
    expect(a).toMatchObject({ verdict: 'broke', firstBreak: { ts: T0 + 7 * H, price: 2300 } });
    expect(a!.followPct).toBeCloseTo(((2300 - 2250) / 2300) * 100, 6);
    expect(c).toMatchObject({ verdict: 'broke', watched: false });
    expect(e).toMatchObject({ verdict: 'untested', tests: 0 });
    expect([d.dataFrom, d.dataTo]).toEqual([T0, T0 + 8 * H]);
  });

  it('names a proposal right only when its level held a test with a real bounce', () => {
    const held = weeklyDigest({
      chat: 'telegram:-1', from: T0, to: T0 + 8 * H, testingPct: 0.5,
      items: [{ asset: 'ETH', level: 2350, since: T0, watched: true, proposal: proposal(2350, 'adopted') }],
      bars: () => bars([2400, 2360, 2352, 2380, 2420, 2440]),
      liquidations: () => [],
    });
    expect(held.levels[0]).toMatchObject({ verdict: 'held', tests: 1 });
    expect(held.levels[0]!.bouncePct).toBeCloseTo(((2440 - 2350) / 2350) * 100, 6);
    expect(held.right.map((l) => l.proposal?.id)).toEqual(['telegram:-1:p2350']);
    expect(run().right).toEqual([]);
  });
  it('says which way a level came back, in the alerts’ words: a support won back is reclaimed, a breakout that fell back failed', () => {
    const week = (closes: number[], level: number) =>
      weeklyDigest({
        chat: 'telegram:-1', from: T0, to: T0 + closes.length * H, testingPct: 0.5,
        items: [{ asset: 'ETH', level, since: T0, watched: true }],
        bars: () => bars(closes),
        liquidations: () => [],
      }).levels[0]!;
    const failed = week([2400, 2420, 2470, 2480, 2430, 2410], 2450);
    expect(failed).toMatchObject({ verdict: 'reclaimed', firstBreak: { direction: 'up' } });
    expect(lineText(digestLine(failed))).toMatch(/broke up Jan 29 03:00 at \$2,470.* · then failed breakout Jan 29 05:00 at \$2,430$/);
    const won = week([2400, 2380, 2330, 2320, 2370, 2390], 2350);
    expect(won).toMatchObject({ verdict: 'reclaimed', firstBreak: { direction: 'down' } });
    expect(lineText(digestLine(won))).toMatch(/lost Jan 29 03:00 at \$2,330.* · then reclaimed Jan 29 05:00 at \$2,370$/);
    // The tally says the same: a failed breakout is not a reclaim.
    expect(verdictCounts([failed, won, won], false)).toBe('2 reclaimed · 1 failed breakout');
    const broke = week([2400, 2420, 2470, 2480, 2490, 2500], 2450);
    expect(verdictCounts([broke, won], true)).toBe('1 broke up · 1 reclaimed');
    const far = week([2400, 2405, 2410, 2400, 2395, 2400], 2600);
    expect(verdictCounts([far, broke], true)).toBe('1 broke up · 1 not tested');
    expect(verdictCounts([far], false)).toBe('');
  });

  it('says what a level not tested in the week was told before its first bar (lost the day the week began), and only that', () => {
    const week = (ts: number) =>
      weeklyDigest({
        chat: 'telegram:-1', from: T0, to: T0 + 6 * H, testingPct: 0.5,
        items: [{ asset: 'ETH', level: 2600, since: T0 - 24 * H, watched: true, toldBefore: { ts, direction: 'down', undid: false } }],
        bars: () => bars([2400, 2405, 2410, 2400, 2395, 2400]),
        liquidations: () => [],
      }).levels[0]!;
    const before = week(T0 - 7 * H);
    expect(before.verdict).toBe('untested');
    expect(lineText(digestLine(before))).toBe('ETH $2,600 · not tested this week (lost Jan 28 17:00)');
    // Told after the first bar: a break the bars would show, not this line's.
    expect(week(T0 + 2 * H).toldBefore).toBeUndefined();
    const failed = lineText(digestLine({ ...before, toldBefore: { ts: T0 - 7 * H, direction: 'down', undid: true } }));
    expect(failed).toBe('ETH $2,600 · not tested this week (failed breakout Jan 28 17:00)');
  });

  it('names the asset once when the label starts with it', () => {
    const line = (label: string) => lineText(digestLine({ asset: 'BTC', level: 81172, label, since: T0, watched: true, verdict: 'untested', tests: 0 }));
    expect(line('BTC prior-week low')).toBe('BTC $81,172 prior-week low · not tested this week');
    expect(line('btc prior-week low')).toBe('BTC $81,172 prior-week low · not tested this week');
    expect(line('BTCDOM pivot')).toBe('BTC $81,172 BTCDOM pivot · not tested this week');
  });
});
