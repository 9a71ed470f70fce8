/**
 * The cascade-over alert's leverage lines: where open interest is left (measured) and where the flushed leverage
 * sat (read from the liquidations) are two claims, and the second never unsays the first.
 */
import { describe, expect, it } from 'vitest';
import type { FlushLeverage } from '../../src/core/leverage-figures.js';
import { flushLines } from '../../src/replies/leverage.js';
import { lineText } from '../../src/replies/reply.js';

// The bundled day's ETH cascade: Binance keeps 40% of the remaining open interest and took 8% of the liquidations seen.
const flush = (sampled?: string[]): FlushLeverage => ({
  beforeUsd: 23.84e9, afterUsd: 22.24e9, removedUsd: 1.6e9, changePct: -0.067, venues: 4,
  byExchange: [
    { exchange: 'binanceusdm', beforeUsd: 9.4e9, afterUsd: 8.86e9, share: 0.4, liquidationShare: 0.08 },
    { exchange: 'bybit', beforeUsd: 6e9, afterUsd: 5.5e9, share: 0.25, liquidationShare: 0.34 },
  ],
  concentrated: { exchange: 'binanceusdm', share: 0.4, usd: 8.86e9 },
  uneven: { exchange: 'binanceusdm', oiShare: 0.4, liquidationShare: 0.08, ...(sampled ? { sampled } : {}) },
});

describe('where the leverage is, after a flush', () => {
  it('keeps the remaining-OI concentration and leaves open only the liquidation-share comparison the sampled streams spoil', () => {
    const text = flushLines(flush(['okx', 'binanceusdm'])).map(lineText);
    expect(text.slice(1)).toEqual([
      'Leverage still concentrated on Binance: 40% of the remaining OI on the 4 venues with OI data ($8.86B)',
      'Binance held 40% of the OI and 8% of the liquidations seen; OKX, Binance are sampled (lower bounds), so no conclusion on where the flushed leverage sat.',
    ]);
  });

  it('with complete streams, says where the flushed leverage sat, beside where open interest still is', () => {
    const text = flushLines(flush()).map(lineText);
    expect(text.slice(1)).toEqual([
      'Leverage still concentrated on Binance: 40% of the remaining OI on the 4 venues with OI data ($8.86B)',
      'Binance held 40% of the OI but took 8% of the liquidations: the flushed leverage sat elsewhere.',
    ]);
  });
});
