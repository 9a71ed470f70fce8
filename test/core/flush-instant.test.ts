/**
 * One margin call is not a market-wide flush: an account liquidated on several coins at once lands its orders in the
 * same millisecond (Oct 24 2025 06:58:11.217: BTC, ETH and SOL shorts, 94% of a window of 23 assets). A window where
 * one instant (prints within 10 ms, on any assets) is above half starts none; the same dollars spread over the
 * minute do, and an instant of under half (42% on Oct 22 2025's called flush) does not hold one back. One print is an
 * instant too: a single order above half the window starts none (the leader rule allows one asset 60%).
 */
import { expect, it } from 'vitest';
import { FlushDetector } from '../../src/core/flush.js';

const rules = { windowMs: 300_000, minAssets: 5, maxLeaderShare: 0.6, endFraction: 0.2, quietMs: 600_000, leaders: 3, updateGrowth: 0.25, updateMinMs: 60_000 };
const T = Date.parse('2025-10-24T06:57:30Z');
type Print = [ts: number, asset: string, usd: number];

/** Twenty small coins over the minute before: $100K in all. */
const ALTS: Print[] = Array.from({ length: 20 }, (_, i): Print => [T + i * 2_000, `ALT${i}`, 5_000]);

function starts(prints: Print[]): number[] {
  const d = new FlushDetector(rules, () => 700_000);
  const out: number[] = [];
  for (const [ts, asset, usd] of [...prints].sort((a, b) => a[0] - b[0])) if (d.add(asset, 'short', 'binance', ts, usd)?.type === 'start') out.push(ts - T);
  return out;
}

it('starts none on one instant above half the window: three coins of one account in one millisecond', () => {
  const whale: Print[] = [[T + 41_217, 'BTC', 400_000], [T + 41_217, 'ETH', 300_000], [T + 41_218, 'SOL', 150_000]];
  // $950K of 23 assets, the leader 42%, the last minute at pace: every other rule lets it start.
  expect(starts([...ALTS, ...whale])).toEqual([]);
  const d = new FlushDetector(rules, () => 700_000);
  for (const [ts, asset, usd] of [...ALTS, ...whale].sort((a, b) => a[0] - b[0])) d.add(asset, 'short', 'binance', ts, usd);
  const held = d.nearestMisses().find((m) => m.side === 'short' && m.blockedBy === 'instant');
  expect(held).toMatchObject({ usd: 950_000, blockedBy: 'instant', maxInstantShare: 0.5 });
  expect(held!.instantShare).toBeCloseTo(850 / 950, 6);
});

it('starts one when the same dollars come over the minute, and when the largest instant is under half', () => {
  const spread: Print[] = [[T + 30_000, 'BTC', 300_000], [T + 36_000, 'ETH', 300_000], [T + 41_218, 'SOL', 250_000]];
  expect(starts([...ALTS, ...spread])).toEqual([38_000]);
  // BTC and ETH in one millisecond, $400K of $950K (42%, as on Oct 22 2025's called flush): not held back.
  const under: Print[] = [[T + 30_000, 'SOL', 150_000], [T + 36_000, 'XRP', 400_000], [T + 41_217, 'BTC', 250_000], [T + 41_217, 'ETH', 150_000]];
  expect(starts([...ALTS, ...under])).toEqual([41_217]);
});
