/**
 * The detectors' near misses (`nearestMisses`, what `replay --stats` tells): per side, the window nearest the threshold
 * with every other rule met, and the largest past it that another rule held back, named with every rule it failed.
 * Measuring them changes no answer `add` gives.
 */
import { describe, expect, it } from 'vitest';
import { CascadeDetector } from '../../src/core/cascades.js';
import { FlushDetector } from '../../src/core/flush.js';
import { CASCADE_RULES } from './detector-rules.js';

const T0 = Date.parse('2026-03-02T00:00:00Z');
const MIN = 60_000;

describe('a cascade near miss', () => {
  it('is the window nearest the threshold with every other rule met: one with too few prints, nearer, is not it', () => {
    const d = new CascadeDetector(CASCADE_RULES, () => 1000); // a minute's window, 3 prints a cascade
    // $900 in two prints (too few) at 00:00, then $600 in four at 00:10.
    expect([d.add('BTC', 'long', 'bybit', T0, 450), d.add('BTC', 'long', 'bybit', T0 + 1000, 450)]).toEqual([undefined, undefined]);
    for (let i = 0; i < 4; i++) expect(d.add('BTC', 'long', 'bybit', T0 + 10 * MIN + i * 1000, 150)).toBeUndefined();
    expect(d.nearestMisses()).toEqual([
      expect.objectContaining({ asset: 'BTC', side: 'long', at: T0 + 10 * MIN + 3000, from: T0 + 10 * MIN, usd: 600, threshold: 1000, blockedBy: 'sum', alsoBlockedBy: [], prints: 4 }),
    ]);
  });

  it('from half its threshold only', () => {
    const d = new CascadeDetector(CASCADE_RULES, () => 1000);
    for (let i = 0; i < 4; i++) d.add('ETH', 'short', 'bybit', T0 + i * 1000, 120);
    expect(d.nearestMisses()).toEqual([]);
    d.add('ETH', 'short', 'bybit', T0 + 5000, 20);
    expect(d.nearestMisses().map((m) => m.usd)).toEqual([500]);
  });

  it('past the threshold, names each rule that held it back, with its figures', () => {
    const d = new CascadeDetector(CASCADE_RULES, () => 1000);
    // One whale print of a complete stream: $2,000 of $2,100, and three prints.
    for (const [i, usd] of [50, 2000, 50].entries()) expect(d.add('SOL', 'long', 'bybit', T0 + i * 1000, usd)).toBeUndefined();
    // Longs of $1,200 while $900 of shorts went in the same minute: 57% of both sides, under 60%.
    for (let i = 0; i < 3; i++) expect(d.add('ETH', 'short', 'bybit', T0 + i * 1000, 300)).toBeUndefined();
    for (let i = 0; i < 4; i++) expect(d.add('ETH', 'long', 'bybit', T0 + 5000 + i * 1000, 300)).toBeUndefined();
    const got = d.nearestMisses();
    expect(got.find((m) => m.asset === 'SOL')).toMatchObject({ usd: 2100, blockedBy: 'single', alsoBlockedBy: [], largestShare: 2000 / 2100, maxShare: 0.5 });
    expect(got.find((m) => m.asset === 'ETH' && m.side === 'long')).toMatchObject({ usd: 1200, blockedBy: 'side', alsoBlockedBy: [], sideShare: 1200 / 2100, minSideShare: 0.6 });
    // The shorts' own: 90%, every other rule met.
    expect(got.find((m) => m.asset === 'ETH' && m.side === 'short')).toMatchObject({ usd: 900, blockedBy: 'sum' });
    // A print more on the whale's side makes it a cascade: what held it back was the one print.
    expect(d.add('SOL', 'long', 'bybit', T0 + 3000, 2000)?.type).toBe('start');
  });
});

describe('a flush near miss', () => {
  const rules = { windowMs: 300_000, minAssets: 3, maxLeaderShare: 0.6, endFraction: 0.3, quietMs: 600_000, leaders: 3, updateGrowth: 0.5, updateMinMs: 60_000 };

  it('is not a stale window: its last minute must keep the pace too', () => {
    const d = new FlushDetector(rules, () => 1000);
    // $700 across three assets in 20 s, then $100 three minutes on: $800 in the window, $100 in its last minute.
    for (const [i, a] of ['AAA', 'BBB', 'CCC', 'AAA'].entries()) d.add(a, 'long', 'x', T0 + i * 5000, 175);
    d.add('BBB', 'long', 'x', T0 + 3 * MIN, 100);
    expect(d.nearestMisses()).toEqual([
      expect.objectContaining({ side: 'long', at: T0 + 15_000, usd: 700, blockedBy: 'sum', alsoBlockedBy: [], assets: 3, leader: 'AAA', leaderShare: 0.5, lastMinuteUsd: 700 }),
    ]);
  });

  it('past the threshold, names the rules that held it back', () => {
    const d = new FlushDetector(rules, () => 1000);
    // Two assets, one of them 80%.
    expect(d.add('AAA', 'short', 'x', T0, 1000)).toBeUndefined();
    expect(d.add('BBB', 'short', 'x', T0 + 1000, 250)).toBeUndefined();
    expect(d.nearestMisses()).toEqual([
      expect.objectContaining({ side: 'short', usd: 1250, blockedBy: 'assets', alsoBlockedBy: ['leader'], assets: 2, assetsNeeded: 3, leader: 'AAA', leaderShare: 0.8, maxLeaderShare: 0.6 }),
    ]);
  });
});
