/**
 * The market-wide flush window's sums per asset: prints leave the window as time moves on, an asset whose prints
 * have all left no longer counts towards the assets in it, and one that comes back counts again with its new prints.
 */
import { describe, expect, it } from 'vitest';
import { FlushDetector, type FlushRules } from '../../src/core/flush.js';

const rules: FlushRules = { windowMs: 60_000, minAssets: 3, maxLeaderShare: 0.6, endFraction: 0.3, quietMs: 120_000, leaders: 3 };
const T0 = Date.parse('2026-03-02T12:00:00Z');

describe('flush window sums per asset', () => {
  it('counts the assets still in the window and ranks them by what they have in it', () => {
    const d = new FlushDetector(rules, () => 1_000_000);
    // SOL leaves the window before the others arrive; then BTC, ETH, and SOL again.
    expect(d.add('SOL', 'long', 'bybit', T0, 900_000)).toBeUndefined();
    expect(d.add('BTC', 'long', 'okx', T0 + 61_000, 300_000)).toBeUndefined();
    expect(d.add('ETH', 'long', 'bybit', T0 + 62_000, 250_000)).toBeUndefined();
    expect(d.add('BTC', 'long', 'bybit', T0 + 63_000, 200_000)).toBeUndefined(); // 750,000 from two assets: not yet
    const f = d.add('SOL', 'long', 'gate', T0 + 64_000, 260_000);
    expect(f).toMatchObject({ side: 'long', startedAt: T0 + 61_000, usd: 1_010_000, assetCount: 3, exchanges: ['bybit', 'gate', 'okx'] });
    expect(f!.leaders.map((l) => [l.asset, l.usd])).toEqual([['BTC', 500_000], ['SOL', 260_000], ['ETH', 250_000]]);
    expect(d.running('long')).toBe(`flush-long-${T0 + 61_000}`);
  });
});
