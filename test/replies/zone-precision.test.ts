/**
 * A zone prints its two edges to one precision, the finer one, in every reply that names it: the levels on an
 * estimated cluster, a level alert, a proposal, as in `/levels`' rows; a single price as it was set.
 */
import { describe, expect, it } from 'vitest';
import type { LiqMap } from '../../src/core/liqmap.js';
import { levelText } from '../../src/replies/format.js';
import { levelClusterLines } from '../../src/replies/liqmap.js';
import { lineText } from '../../src/replies/reply.js';

describe('a zone as set', () => {
  it('pads the coarser edge to the finer one, rounding neither', () => {
    expect(levelText([4426, 4492.39])).toBe('$4,426.00–4,492.39');
    expect(levelText([1747.5, 1800])).toBe('$1,747.5–1,800.0');
    expect(levelText([2750, 2800])).toBe('$2,750–2,800');
    expect(levelText([0.512, 0.5125])).toBe('$0.5120–0.5125');
    expect(levelText(1747.5)).toBe('$1,747.5');
    expect(levelText(3000)).toBe('$3,000');
  });

  it('on the liquidation-cluster lines of /levels', () => {
    // Shorts estimated at $4,450–4,500 above an ETH price of $4,248 (a map built by hand: what matters is the words); the level, widened by half a bin, holds the whole bin.
    const map: LiqMap = {
      asset: 'ETH', at: 0, from: 0, price: 4248, binWidth: 50, estimate: true, addedUsd: 1e8, assumedEntryUsd: 0, longUsd: 0, shortUsd: 1e8,
      bins: [{ low: 4450, high: 4500, side: 'short', usd: 1e8 }],
    };
    const [line] = levelClusterLines(map, [{ level: [4426, 4492.39], label: 'prior support' }]).map(lineText);
    expect(line).toBe('$4,426.00–4,492.39 prior support sits on ≈ $100M of estimated short liquidations (cluster $4,450–4,500, ≈ $100M)');
  });
});
