/**
 * The estimated liquidation map on generated days where the truth is known: longs opened at chosen prices
 * and leverages, liquidated when price trades through P × (1 − 1/L + mm). The estimate must put positions
 * where the truth has them, drop what price traded through, shrink with open interest, and, before a
 * cascade, sit where the cascade's liquidations then happened.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { clusterText, comparisonLines, levelClusterLines, liqmapComparison } from '../../src/replies/liqmap.js';
import { compareWithCascade, estimateLiqMap, levelsOnClusters, liqClusters, liqMapChart, niceStep, type LiqMap } from '../../src/core/liqmap.js';
import { Market } from '../../src/core/market.js';
import { lineText } from '../../src/replies/reply.js';
import { HOUR, replayTruth, truthConfig, truthDay } from './days.js';

const START = Date.UTC(2026, 2, 2);
const TEN_X = { tiers: [{ leverage: 10, weight: 1 }], spread: false };
const M = 1e6;

const usdIn = (map: LiqMap, side: 'long' | 'short', lo: number, hi: number): number =>
  map.bins.filter((b) => b.side === side && b.low >= lo && b.high <= hi).reduce((a, b) => a + b.usd, 0);

describe('estimateLiqMap', () => {
  it('puts longs opened at $2,000 with 10× where they would be liquidated: ≈ $2,000 × (1 − 1/10 + 0.5%) = $1,810', async () => {
    const day = truthDay({ start: START, hours: 6, path: [[0, 2000], [6, 2000]], openings: [{ fromHour: 1, toHour: 2, usdPerHour: 100 * M, leverage: { 10: 1 } }], baselineUsd: 1e9 });
    const { market } = await replayTruth(day);
    const map = estimateLiqMap(market, 'ETH', market.clock, TEN_X)!;
    expect(map.estimate).toBe(true);
    expect(map.binWidth).toBe(25);
    expect(map.addedUsd).toBeCloseTo(100 * M, -3);
    // Every long of the truth sits in the $1,800–1,825 bin; the model also maps their (unknown) counterparties as 10× shorts.
    expect(usdIn(map, 'long', 1800, 1825)).toBeCloseTo(100 * M, -5);
    expect(map.longUsd).toBeCloseTo(100 * M, -5);
    expect(usdIn(map, 'short', 2175, 2200)).toBeCloseTo(100 * M, -5);
    const [top] = liqClusters(map).filter((c) => c.side === 'long');
    expect(clusterText(top!)).toBe('≈ $100M of long liquidations estimated between $1,800 and $1,825');
    expect(top!.distance).toBeCloseTo(-0.0875, 3);
  });

  it('maps open interest added at different prices at different prices', async () => {
    const day = truthDay({
      start: START,
      hours: 8,
      path: [[0, 2000], [2, 2000], [3, 2200], [8, 2200]],
      openings: [
        { fromHour: 1, toHour: 2, usdPerHour: 60 * M, leverage: { 10: 1 } },
        { fromHour: 4, toHour: 5, usdPerHour: 40 * M, leverage: { 10: 1 } },
      ],
    });
    const { market } = await replayTruth(day);
    const map = estimateLiqMap(market, 'ETH', market.clock, TEN_X)!;
    // 2,000 × 0.905 = 1,810 and 2,200 × 0.905 = 1,991 (bins of $25 at $2,200 → niceStep(33) = 25).
    expect(usdIn(map, 'long', 1800, 1825)).toBeCloseTo(60 * M, -5);
    expect(usdIn(map, 'long', 1975, 2000)).toBeCloseTo(40 * M, -5);
  });

  it('removes positions whose liquidation price was traded through, and keeps those below', async () => {
    const day = truthDay({
      start: START,
      hours: 10,
      path: [[0, 2000], [3, 2000], [4, 1750], [5, 1900], [10, 1900]],
      openings: [{ fromHour: 1, toHour: 2, usdPerHour: 200 * M, leverage: { 5: 1, 10: 1 } }],
      baselineUsd: 1e9,
    });
    const { market } = await replayTruth(day);
    const tiers = { tiers: [{ leverage: 5, weight: 1 }, { leverage: 10, weight: 1 }], spread: false };
    const before = estimateLiqMap(market, 'ETH', START + 3 * HOUR, tiers)!;
    expect(usdIn(before, 'long', 1800, 1825)).toBeCloseTo(100 * M, -5);
    expect(usdIn(before, 'long', 1600, 1625)).toBeCloseTo(100 * M, -5);
    const after = estimateLiqMap(market, 'ETH', market.clock, tiers)!;
    // The truth: 10× longs (liq $1,810) were liquidated in the dip to $1,750; 5× longs (liq $1,610) remain.
    expect(day.positions.filter((p) => p.leverage === 10).every((p) => p.liquidatedAt !== undefined)).toBe(true);
    expect(day.positions.filter((p) => p.leverage === 5).every((p) => p.liquidatedAt === undefined)).toBe(true);
    expect(usdIn(after, 'long', 1700, 3000)).toBe(0);
    expect(usdIn(after, 'long', 1600, 1625)).toBeCloseTo(100 * M, -5);
    // Open interest fell by the liquidated $100M: shorts (not traded through) shrink by 100M / 1.2B.
    expect(after.shortUsd).toBeCloseTo(200 * M * (1 - 100 / 1200), -5);
  });

  it('shrinks in proportion when open interest falls without price trading through anything', async () => {
    const day = truthDay({
      start: START,
      hours: 6,
      path: [[0, 2000], [6, 2000]],
      openings: [{ fromHour: 1, toHour: 2, usdPerHour: 100 * M, leverage: { 10: 1 } }],
      closes: [{ hour: 4, fraction: 0.5 }],
    });
    const { market } = await replayTruth(day);
    const map = estimateLiqMap(market, 'ETH', market.clock, TEN_X)!;
    expect(map.longUsd).toBeCloseTo(50 * M, -5);
    expect(map.shortUsd).toBeCloseTo(50 * M, -5);
  });

  it('with the default tiers, spreads each tier over its band of leverage around the truth', async () => {
    const day = truthDay({ start: START, hours: 6, path: [[0, 2000], [6, 2000]], openings: [{ fromHour: 1, toHour: 2, usdPerHour: 100 * M, leverage: { 10: 1 } }] });
    const { market } = await replayTruth(day);
    const map = estimateLiqMap(market, 'ETH', market.clock)!;
    // The 10× tier stands for 7.1×–15.8× (liquidations $1,728–1,884): 30% of the longs, the truth inside it.
    expect(usdIn(map, 'long', 1725, 1900)).toBeGreaterThan(29 * M);
    expect(map.longUsd).toBeCloseTo(100 * M, -5);
    expect(Math.max(...map.bins.filter((b) => b.side === 'long').map((b) => b.high))).toBeLessThanOrEqual(2000);
  });

  it('is empty-handed without open interest, and places OI from before any price at the first known price (flagged)', async () => {
    const market = new Market(truthConfig());
    expect(estimateLiqMap(market, 'ETH', START)).toBeUndefined();
    market.ingest({ type: 'open_interest', ts: START - 2 * HOUR, exchange: 'bybit', symbol: 'ETH/USDT:USDT', usd: 1e9 });
    market.ingest({ type: 'open_interest', ts: START - HOUR, exchange: 'bybit', symbol: 'ETH/USDT:USDT', usd: 1.1e9 });
    market.ingest({ type: 'candle', ts: START, exchange: 'bybit', symbol: 'ETH/USDT:USDT', timeframe: '1m', open: 3000, high: 3001, low: 2999, close: 3000 });
    market.ingest({ type: 'price', ts: START + 120_000, exchange: 'bybit', symbol: 'ETH/USDT:USDT', price: 3000 });
    const map = estimateLiqMap(market, 'ETH', START + 120_000, TEN_X)!;
    expect(map.assumedEntryUsd).toBeCloseTo(1e8, -3);
    // 3,000 × 0.905 = 2,715, in the $2,700–2,750 bin ($50 bins near $3,000).
    expect(usdIn(map, 'long', 2700, 2750)).toBeCloseTo(1e8, -3);
    expect(estimateLiqMap(market, 'ETH', START + 120_000, { ...TEN_X, fillUnknownEntry: false })!.longUsd).toBe(0);
  });

  it('drops positions opened during a bar whose close already passed their liquidation price', () => {
    // Found by the sized property test below: 100× shorts opened at a bar's midpoint ($2,012.50) liquidate
    // at ≈ $2,022.56 (× 1.005); the bar closed at $2,025, so they are gone, not a short below price.
    const market = new Market(truthConfig());
    const bar = (i: number, open: number, close: number) =>
      market.ingest({ type: 'candle', ts: START + i * 5 * 60_000, exchange: 'bybit', symbol: 'ETH/USDT:USDT', timeframe: '5m', open, high: close, low: open, close });
    const oi = (i: number, usd: number) => market.ingest({ type: 'open_interest', ts: START + (i + 1) * 5 * 60_000 - 1, exchange: 'bybit', symbol: 'ETH/USDT:USDT', usd });
    bar(0, 2000, 2000);
    oi(0, 1e9);
    bar(1, 2000, 2025);
    oi(1, 1.1e9);
    const at = START + 2 * 5 * 60_000;
    market.catchUp(at);
    market.flush();
    const map = estimateLiqMap(market, 'ETH', at, { tiers: [{ leverage: 100, weight: 1 }], spread: false })!;
    expect(map.addedUsd).toBeCloseTo(100 * M, -3);
    expect(map.shortUsd).toBe(0);
    // The longs (≈ $2,002.44) are below the close and stay.
    expect(usdIn(map, 'long', 2000, 2025)).toBeCloseTo(100 * M, -3);
  });

  it('never holds more than the open interest added, nor a long above price or a short below it (any path)', () => {
    fc.assert(
      fc.property(
        fc.array(fc.record({ move: fc.double({ min: -0.03, max: 0.03, noNaN: true }), oi: fc.double({ min: -0.05, max: 0.08, noNaN: true }) }), { minLength: 5, maxLength: 60, size: 'max' }),
        (steps) => {
          const market = new Market(truthConfig());
          let p = 2000, oi = 1e9;
          steps.forEach((s, i) => {
            const ts = START + i * 5 * 60_000;
            const next = p * (1 + s.move);
            market.ingest({ type: 'candle', ts, exchange: 'bybit', symbol: 'ETH/USDT:USDT', timeframe: '5m', open: p, high: Math.max(p, next) * 1.001, low: Math.min(p, next) * 0.999, close: next });
            oi = Math.max(1e6, oi * (1 + s.oi));
            market.ingest({ type: 'open_interest', ts: ts + 5 * 60_000 - 1, exchange: 'bybit', symbol: 'ETH/USDT:USDT', usd: oi });
            p = next;
          });
          const at = START + steps.length * 5 * 60_000;
          market.catchUp(at);
          market.flush();
          const map = estimateLiqMap(market, 'ETH', at);
          if (!map) return;
          const price = market.prices.priceAt('ETH', at)!;
          expect(map.longUsd).toBeLessThanOrEqual(map.addedUsd * (1 + 1e-9) + 1);
          expect(map.shortUsd).toBeLessThanOrEqual(map.addedUsd * (1 + 1e-9) + 1);
          for (const b of map.bins) {
            expect(b.usd).toBeGreaterThan(0);
            // Bins are rounded to a price step, so a bin's edge may touch price.
            if (b.side === 'long') expect(b.low).toBeLessThanOrEqual(price * (1 + 1e-9));
            else expect(b.high).toBeGreaterThanOrEqual(price * (1 - 1e-9));
          }
        },
      ),
      { numRuns: 60 },
    );
  });
});

describe('levels, charts and bins', () => {
  it('rounds bins to trader-sized steps', () => {
    expect(niceStep(2700 * 0.015)).toBe(50);
    expect(niceStep(78_000 * 0.015)).toBe(1000);
    expect(niceStep(104 * 0.015)).toBe(2);
    expect(niceStep(0.19 * 0.015)).toBe(0.0025);
  });

  it('says when a level sits on a large cluster, labelled an estimate', async () => {
    const day = truthDay({ start: START, hours: 6, path: [[0, 2000], [6, 2000]], openings: [{ fromHour: 1, toHour: 2, usdPerHour: 100 * M, leverage: { 10: 1 } }] });
    const { market } = await replayTruth(day);
    const map = estimateLiqMap(market, 'ETH', market.clock, TEN_X)!;
    const levels = [{ level: [1790, 1830] as [number, number], label: 'prior support' }, { level: 1900 }];
    const hits = levelsOnClusters(map, levels);
    expect(hits).toHaveLength(1);
    expect(hits[0]).toMatchObject({ level: [1790, 1830], label: 'prior support', cluster: { side: 'long', low: 1800, high: 1825 } });
    expect(hits[0]!.usdAtLevel).toBeCloseTo(100 * M, -5);
    const text = levelClusterLines(map, levels).map(lineText);
    expect(text[0]).toBe('$1,790–1,830 prior support sits on ≈ $100M of estimated long liquidations (cluster $1,800–1,825, ≈ $100M)');
    expect(text[1]).toMatch(/^Estimate from open interest and common leverage, not exchange data/);
  });

  it('gives the chart the bins near price, not the far tail', async () => {
    const day = truthDay({ start: START, hours: 6, path: [[0, 2000], [6, 2000]], openings: [{ fromHour: 1, toHour: 2, usdPerHour: 100 * M, leverage: { 10: 1 } }] });
    const { market } = await replayTruth(day);
    const map = estimateLiqMap(market, 'ETH', market.clock)!;
    const chart = liqMapChart(map);
    expect(chart.length).toBeGreaterThan(0);
    for (const b of chart) expect(Math.abs((b.low + b.high) / 2 - 2000) / 2000).toBeLessThanOrEqual(0.16);
    expect(chart.every((b) => Object.keys(b).sort().join() === 'high,low,side,usd')).toBe(true);
  });
});

describe('the estimate before a cascade against what the cascade did', () => {
  it('clusters predicted before a generated flush sit where its liquidations happened', async () => {
    // Three days of longs opened while price drifts $2,000 → $2,150 at the default tiers' leverages, then a flush to $1,780.
    const tiers = { 5: 0.3, 10: 0.3, 25: 0.2, 50: 0.12, 100: 0.08 };
    const day = truthDay({
      start: START,
      hours: 84,
      path: [[0, 2000], [24, 2060], [48, 2110], [72, 2150], [74, 2140], [77, 1780], [84, 1820]],
      openings: [{ fromHour: 0, toHour: 72, usdPerHour: 25 * M, leverage: tiers }],
      baselineUsd: 8e9,
      wick: 0.0004,
    });
    const run = await replayTruth(day);
    const cascade = run.market.cascadesBetween('ETH', START, run.market.clock).find((c) => c.side === 'long' && c.usd > 50 * M)!;
    expect(cascade).toBeDefined();
    const cmp = compareWithCascade(run.market, cascade)!;
    console.log(['', 'Liquidation map vs a generated flush (truth known):', ...comparisonLines(cmp)].join('\n'));
    // The truth's liquidations in the flush are the positions whose liquidation price lay in the traded range.
    expect(cmp.actual.usd).toBeGreaterThan(100 * M);
    expect(cmp.predicted.inRangeShare).toBeGreaterThan(0.5);
    expect(cmp.overlap).toBeGreaterThan(0.5);
    expect(Math.abs(cmp.actual.medianPrice! - cmp.predicted.medianPrice!) / cmp.actual.medianPrice!).toBeLessThan(0.03);
    expect(cmp.peakToClusterPct).toBeLessThan(0.03);
    expect(liqmapComparison(run.market, ['ETH'])).toEqual(comparisonLines(cmp));
  });

  it('when traders used another leverage than the tiers assume (all 20×), the estimate is wider but still centred on the flush', async () => {
    const day = truthDay({
      start: START,
      hours: 84,
      path: [[0, 2000], [24, 2060], [48, 2110], [72, 2150], [74, 2140], [77, 1780], [84, 1820]],
      openings: [{ fromHour: 0, toHour: 72, usdPerHour: 25 * M, leverage: { 20: 1 } }],
      baselineUsd: 8e9,
      wick: 0.0004,
    });
    const run = await replayTruth(day);
    const cascade = run.market.cascadesBetween('ETH', START, run.market.clock).find((c) => c.side === 'long')!;
    const cmp = compareWithCascade(run.market, cascade)!;
    console.log(['', 'Liquidation map vs a generated flush where every long used 20×:', ...comparisonLines(cmp)].join('\n'));
    expect(Math.abs(cmp.actual.medianPrice! - cmp.predicted.medianPrice!) / cmp.actual.medianPrice!).toBeLessThan(0.03);
    expect(cmp.peakToClusterPct).toBe(0);
    // It spreads what it cannot know: less than half of it sits in the range the flush traded.
    expect(cmp.predicted.inRangeShare).toBeLessThan(0.6);
  });
});

describe('Leverage.stepChanges', () => {
  it('is `change` at every step, to the bit, with venues that start, pause and stop within the span', async () => {
    const { Leverage } = await import('../../src/core/leverage.js');
    const lev = new Leverage();
    const T = START + 3 * HOUR, STEP = 5 * 60_000;
    const venues = [
      { ex: 'bybit', from: 0, to: 300, every: 1 },
      { ex: 'okx', from: 40, to: 300, every: 3 }, // known only from the 40th minute
      { ex: 'gate', from: 0, to: 120, every: 7 }, // stops: its last value holds
      { ex: 'htx', from: 200, to: 210, every: 2 },
    ];
    for (let m = 0; m <= 300; m++)
      for (const v of venues) if (m >= v.from && m <= v.to && m % v.every === 0) lev.openInterest('ETH', v.ex, T + m * 60_000, 1e9 / 3 + m * 1_234_567.891 * (v.every + 0.1));
    for (const [from, to] of [[T - 30 * 60_000, T + 320 * 60_000], [T + 41 * 60_000 + 7, T + 77 * 60_000], [T, T]]) {
      const steps = lev.stepChanges('ETH', from!, to!, STEP);
      const expected = [];
      for (let t = from!; t < to!; t += STEP) {
        const c = lev.change('ETH', t, Math.min(to!, t + STEP));
        expected.push(c && { beforeUsd: c.beforeUsd, afterUsd: c.afterUsd });
      }
      expect(steps).toEqual(expected);
    }
    expect(lev.stepChanges('BTC', T, T + HOUR, STEP)).toEqual(Array(12).fill(undefined));
  });
});
