/**
 * The cascade-over alert's leverage lines: where open interest is left (measured) and where the flushed leverage
 * sat (read from the liquidations). The second is said only when the liquidations can carry it (every venue counted
 * alike); otherwise the post says the first alone, so no line unsays another.
 */
import { describe, expect, it } from 'vitest';
import { Leverage } from '../../src/core/leverage.js';
import { flushLeverage, type FlushLeverage } from '../../src/core/leverage-figures.js';
import { flushLines } from '../../src/replies/leverage.js';
import { lineText } from '../../src/replies/reply.js';

const T = Date.UTC(2026, 0, 31);
const H = 3_600_000;

// The bundled day's ETH cascade: Binance keeps 40% of the remaining open interest and took 8% of the liquidations seen.
const flush: FlushLeverage = {
  beforeUsd: 23.84e9, afterUsd: 22.24e9, removedUsd: 1.6e9, changePct: -0.067, venues: 4,
  byExchange: [
    { exchange: 'binanceusdm', beforeUsd: 9.4e9, afterUsd: 8.86e9, share: 0.4, liquidationShare: 0.08 },
    { exchange: 'bybit', beforeUsd: 6e9, afterUsd: 5.5e9, share: 0.25, liquidationShare: 0.34 },
  ],
  concentrated: { exchange: 'binanceusdm', share: 0.4, usd: 8.86e9 },
};

/** A flush on Binance (largest open interest), Bybit and `third`, with `liquidations` by venue. */
function flushOn(third: string, liquidations: Record<string, number>): FlushLeverage {
  const lev = new Leverage();
  const start = T + 10 * H, end = T + 13 * H;
  for (const [ex, before, after] of [['bybit', 7e9, 6e9], [third, 4e9, 3.8e9], ['binanceusdm', 10e9, 9.8e9]] as const) {
    lev.openInterest('ETH', ex, start - H, before);
    lev.openInterest('ETH', ex, end, after);
  }
  return flushLeverage(lev, 'ETH', start, end, liquidations)!;
}

describe('where the leverage is, after a flush', () => {
  it('with sampled streams among the liquidations, says where open interest is left and nothing it cannot back', () => {
    // Binance's and OKX's liquidations are sampled (lower bounds), Bybit's complete: Binance's 5% is no share to compare.
    const f = flushOn('okx', { bybit: 300e6, okx: 80e6, binanceusdm: 20e6 });
    expect(f.uneven).toBeUndefined();
    expect(flushLines(f).map(lineText).slice(1)).toEqual([
      'Binance holds 50% of the remaining OI on the 3 venues with OI data ($9.8B)',
    ]);
  });

  it('an alert stored before that (its uneven share marked sampled) says nothing of it either', () => {
    const stored = { ...flush, uneven: { exchange: 'binanceusdm', oiShare: 0.4, liquidationShare: 0.08, sampled: ['okx', 'binanceusdm'] } };
    expect(flushLines(stored).map(lineText).slice(1)).toEqual([
      'Binance holds 40% of the remaining OI on the 4 venues with OI data ($8.86B)',
    ]);
  });

  it('with complete streams, says where the flushed leverage sat, beside where open interest still is', () => {
    expect(flushLines({ ...flush, uneven: { exchange: 'binanceusdm', oiShare: 0.4, liquidationShare: 0.08 } }).map(lineText).slice(1)).toEqual([
      'Binance holds 40% of the remaining OI on the 4 venues with OI data ($8.86B)',
      'Binance held 40% of the OI but took 8% of the liquidations: the flushed leverage sat elsewhere.',
    ]);
  });
});
