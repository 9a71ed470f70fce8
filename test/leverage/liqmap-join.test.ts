/** /oi's cluster lines: one long heavy run, cut into pieces at four bins, is one line, never two meeting at a price. */
import { describe, expect, it } from 'vitest';
import { liqClusters, type LiqBin, type LiqMap } from '../../src/core/liqmap.js';
import { clusterLines } from '../../src/replies/liqmap.js';
import { lineText } from '../../src/replies/reply.js';

const bins = (side: 'long' | 'short', from: number, usd: number[]): LiqBin[] => usd.map((u, i) => ({ side, low: from + i * 50, high: from + (i + 1) * 50, usd: u }));

function map(): LiqMap {
  return {
    asset: 'ETH', at: 0, from: 0, price: 3000, binWidth: 50,
    // Shorts: one heavy run of five bins ($3,100–3,350; the sixth is under half the heaviest), cut at four; longs: two runs apart.
    bins: [...bins('long', 2600, [90e6, 100e6, 10e6, 10e6, 80e6]), ...bins('short', 3100, [100e6, 120e6, 140e6, 130e6, 90e6, 60e6])],
    longUsd: 290e6, shortUsd: 640e6, addedUsd: 1e9, assumedEntryUsd: 0, estimate: true,
  };
}

describe('cluster lines', () => {
  it('join the touching pieces of one run; runs apart stay apart', () => {
    // The core's clusters are the pieces (four bins at most)…
    expect(liqClusters(map(), { max: 2 }).filter((c) => c.side === 'short').map((c) => [c.low, c.high])).toEqual([[3100, 3300], [3300, 3350]]);
    // …the reply says the run once.
    expect(clusterLines(map()).map(lineText)).toEqual([
      '≈ $580M of short liquidations estimated between $3,100 and $3,350',
      '≈ $190M of long liquidations estimated between $2,600 and $2,700',
      '≈ $80M of long liquidations estimated between $2,800 and $2,850',
      'Estimate from open interest and common leverage, not exchange data.',
    ]);
  });
});
