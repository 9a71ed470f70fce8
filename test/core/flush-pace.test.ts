/**
 * A market-wide flush starts only while the window's last minute keeps a flush's pace (a fifth of the floor in a 5-minute
 * window), measured from the newest print held: prints that arrive out of time order (a polled venue's, seconds late, in
 * the embedded live bot, which does not reorder them) give the answer they give in time order (a file, scale-out).
 */
import { expect, it } from 'vitest';
import { FlushDetector } from '../../src/core/flush.js';

const rules = { windowMs: 300_000, minAssets: 3, maxLeaderShare: 0.6, endFraction: 0.3, quietMs: 600_000, leaders: 3, updateGrowth: 0.5, updateMinMs: 60_000 };
const T = Date.parse('2025-10-22T11:10:00Z');
type Print = [ts: number, asset: string, usd: number];

/** $9M over the window's first three minutes, then $2.1M in its last, 50 s late for one polled print. */
const OLD: Print[] = Array.from({ length: 9 }, (_, i): Print => [T + i * 20_000, ['AAA', 'BBB', 'CCC'][i % 3]!, 1_000_000]);
const RECENT: Print[] = [[T + 230_000, 'AAA', 300_000], [T + 280_000, 'BBB', 700_000], [T + 290_000, 'CCC', 1_000_000]];
const POLLED: Print = [T + 250_000, 'DDD', 100_000];

function firstStart(prints: Print[], floor: number): string | undefined {
  const d = new FlushDetector(rules, () => floor);
  for (const [ts, asset, usd] of prints) {
    const ev = d.add(asset, 'long', 'x', ts, usd);
    if (ev?.type === 'start') return `${new Date(ts).toISOString().slice(11, 19)} $${(ev.flush.usd / 1e6).toFixed(1)}M`;
  }
  return undefined;
}

it('reads the same whatever order the prints arrive in: no flush on a window whose last minute is under the pace', () => {
  const inOrder = [...OLD, ...RECENT, POLLED].sort((a, b) => a[0] - b[0]);
  const arrived = [...OLD, ...RECENT, POLLED]; // the 11:14:10 print comes after the 11:14:50 one
  // The last minute before 11:14:50 holds $1.8M, under the $2M pace of a $10M floor.
  expect(firstStart(inOrder, 10e6)).toBeUndefined();
  expect(firstStart(arrived, 10e6)).toBeUndefined();
});
