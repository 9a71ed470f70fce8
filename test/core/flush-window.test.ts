/**
 * The market-wide flush window's sums per asset: prints leave the window as time moves on, an asset whose prints
 * have all left no longer counts towards the assets in it, and one that comes back counts again with its new prints.
 */
import { describe, expect, it } from 'vitest';
import { FlushDetector, type FlushRules } from '../../src/core/flush.js';

const rules: FlushRules = { windowMs: 60_000, minAssets: 3, maxLeaderShare: 0.6, endFraction: 0.3, quietMs: 120_000, leaders: 3, updateGrowth: 0.5, updateMinMs: 60_000 };
const T0 = Date.parse('2026-03-02T12:00:00Z');

describe('flush window sums per asset', () => {
  it('counts the assets still in the window and ranks them by what they have in it', () => {
    const d = new FlushDetector(rules, () => 1_000_000);
    // SOL leaves the window before the others arrive; then BTC, ETH, and SOL again.
    expect(d.add('SOL', 'long', 'bybit', T0, 900_000)).toBeUndefined();
    expect(d.add('BTC', 'long', 'okx', T0 + 61_000, 300_000)).toBeUndefined();
    expect(d.add('ETH', 'long', 'bybit', T0 + 62_000, 250_000)).toBeUndefined();
    expect(d.add('BTC', 'long', 'bybit', T0 + 63_000, 200_000)).toBeUndefined(); // 750,000 from two assets: not yet
    const f = d.add('SOL', 'long', 'gate', T0 + 64_000, 260_000)?.flush;
    expect(f).toMatchObject({ side: 'long', startedAt: T0 + 61_000, usd: 1_010_000, assetCount: 3, exchanges: ['bybit', 'gate', 'okx'] });
    expect(f!.leaders.map((l) => [l.asset, l.usd])).toEqual([['BTC', 500_000], ['SOL', 260_000], ['ETH', 250_000]]);
    expect(d.running('long')).toBe(`flush-long-${T0 + 61_000}`);
  });

  it('runs like a cascade: updates as its tally grows, then ends at its last strong print once the window stays quiet', () => {
    const d = new FlushDetector(rules, () => 1_000_000);
    ['BTC', 'ETH', 'SOL'].forEach((asset, i) => d.add(asset, 'long', 'bybit', T0 + i * 1000, 400_000));
    expect(d.running('long')).toBeDefined();
    // +50% of the tally and a minute after the last post: an update with the tally since the start.
    expect(d.add('BTC', 'long', 'okx', T0 + 30_000, 700_000)).toBeUndefined(); // grown enough, but too soon; at pace
    // DOGE's $100K in the 32 s since then is under the pace that called it ($1M a minute): held apart, not in the update.
    const up = d.add('DOGE', 'long', 'okx', T0 + 62_000, 100_000);
    expect(up).toMatchObject({ type: 'update', flush: { usd: 1_900_000, assetCount: 3, exchanges: ['bybit', 'okx'] } });
    if (up?.type !== 'update') throw new Error('unreachable');
    expect(up.flush.leaders.map((l) => [l.asset, l.usd])).toEqual([['BTC', 1_100_000], ['ETH', 400_000], ['SOL', 400_000]]);
    // Nor is a small print after the window has emptied: the end is the last print at pace, and the prints after it
    // are not in the end's tally (nor their assets).
    expect(d.advance(T0 + 100_000)).toEqual([]);
    d.add('XRP', 'long', 'gate', T0 + 140_000, 1_000);
    expect(d.advance(T0 + 200_000)).toEqual([]); // quiet for less than quietMs
    const [end, ...more] = d.advance(T0 + 300_000);
    expect(more).toEqual([]);
    expect(end).toMatchObject({ type: 'end', endedAt: T0 + 30_000, flush: { usd: 1_900_000, assetCount: 3, startedAt: T0 } });
    expect(d.running('long')).toBeUndefined();
  });
});
