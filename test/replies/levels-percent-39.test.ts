/**
 * The /levels reading says how far a cascade's extreme held from price with the figure its row shows, in percent of
 * price, and in words that figure is true of: "the low is 11% below price" beside "$2,357 cascade low · … · −11%", where
 * "price is 11% above it" was said of price $2,644 (from $2,357 that is 12.2% above).
 */
import { describe, expect, it } from 'vitest';
import type { LevelView } from '../../src/core/levels.js';
import type { LevelReading } from '../../src/core/market-view.js';
import { levelsReply, structureReading } from '../../src/replies/levels.js';
import { lineText, replyText } from '../../src/replies/reply.js';

const T = Date.parse('2026-02-01T00:00:00Z');
const H = 3_600_000;

/** A level price is above (support) or below (resistance), with the row's distance in percent of price written out. */
const level = (at: number, role: 'support' | 'resistance', distancePct: number): LevelView => ({
  level: { id: `ETH@${at}`, asset: 'ETH', level: at, source: 'cascade', createdAt: 0, label: role === 'support' ? 'cascade low' : 'cascade high' },
  role,
  distancePct,
  state: 'holding',
  baseState: 'holding',
});

/** The reading of a cascade that ended two hours ago at `extreme`, nothing since past it, price `price`. */
function reading(side: 'long' | 'short', extreme: number, price: number, view: LevelView): LevelReading {
  return {
    asset: 'ETH',
    ts: T,
    price,
    priceTs: T - 60_000,
    levels: [view],
    lastCascade: { id: 'c', asset: 'ETH', side, startedAt: T - 6 * H, endedAt: T - 2 * H, usd: 434e6, extreme },
    sinceCascade: side === 'long' ? { low: extreme + 1, high: price + 10 } : { low: price - 10, high: extreme - 1 },
  };
}

const coverage = { exchanges: ['bybit'], sampled: [], gaps: [], synthetic: false };

describe('the held extreme, in the row\'s figure', () => {
  it('the bundled day: price $2,644 over the $2,357 low reads "the low is 11% below price", the row\'s −11%', () => {
    // (2,357 − 2,644) / 2,644 = −10.85%: the row's distance.
    const st = reading('long', 2357, 2644, level(2357, 'support', -10.8548));
    const text = replyText(levelsReply(st, coverage));
    expect(text).toContain('\n$2,357 cascade low · support · holding · −11% · auto\n');
    expect(text).toContain('\nAfter $434M of longs liquidated, price stabilized above the cascade low $2,357, which held; the low is 11% below price.\n');
    expect(text).not.toContain('price is 11% above it');
  });

  it('under 10% the sentence keeps the row\'s decimal: "5.7%" beside "−5.7%", not "6%"', () => {
    // (2,357 − 2,500) / 2,500 = −5.72%.
    const st = reading('long', 2357, 2500, level(2357, 'support', -5.72));
    const text = replyText(levelsReply(st, coverage));
    expect(text).toContain('· −5.7% · auto');
    expect(text).toContain('which held; the low is 5.7% below price.');
  });

  it('a squeeze\'s high, mirrored: "the high is 4.7% above price" beside "+4.7%"', () => {
    // (3,100 − 2,960) / 2,960 = +4.73%.
    const st = reading('short', 3100, 2960, level(3100, 'resistance', 4.7297));
    const text = replyText(levelsReply(st, coverage));
    expect(text).toContain('· +4.7% · auto');
    expect(text).toContain('After $434M of shorts liquidated, price stabilized below the cascade high $3,100, which held; the high is 4.7% above price.');
  });

  it('every figure said is true of its words: "the low is X% below price" means low = price × (1 − X), to the figure\'s rounding', () => {
    for (const price of [2450, 2500, 2644, 2800, 3000, 3400]) {
      const line = structureReading(reading('long', 2357, price, level(2357, 'support', ((2357 - price) / price) * 100))).map(lineText)[0]!;
      const m = /the low is (\d+(?:\.\d)?)% below price\.$/.exec(line);
      expect(m, line).not.toBeNull();
      const x = Number(m![1]) / 100;
      // Half a unit of the last digit shown, as a fraction of price.
      const half = (m![1]!.includes('.') ? 0.0005 : 0.005) * price;
      expect(Math.abs(price * (1 - x) - 2357), `${price}: ${line}`).toBeLessThanOrEqual(half + 1e-9);
    }
  });
});
