/**
 * The bundled January-31-style day tells the leverage story the market reports told: open interest built
 * up for days before, leverage sat unevenly across venues, the flush removed open interest, funding reset
 * from hot to neutral, and the liquidation map estimated before the flush sat where its liquidations happened.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../config/load.js';
import type { CascadeEnd } from '../../src/core/alerts.js';
import { flushLeverage, leverageSnapshot } from '../../src/core/leverage-figures.js';
import { flushLines, leverageFields, oiReply } from '../../src/replies/leverage.js';
import { compareWithCascade, estimateLiqMap, liqClusters, liqMapChart } from '../../src/core/liqmap.js';
import { levelClusterLines, liqmapComparison } from '../../src/replies/liqmap.js';
import { lineText, replyText } from '../../src/replies/reply.js';
import { runFile, type OfflineRun } from '../../src/offline.js';
import { BUNDLED } from '../helpers.js';

const DAY = Date.parse('2026-01-31T00:00:00Z');
const D = 86_400_000;

let run: OfflineRun;
let end: CascadeEnd;
beforeAll(async () => {
  run = await runFile(BUNDLED, loadConfig());
  end = run.alerts.find((a): a is CascadeEnd => a.kind === 'cascade_end' && a.asset === 'ETH')!;
});

describe('the bundled day: leverage before, during and after the flush', () => {
  it('open interest built up over the three days before: +8% across 4 venues, funding hot', () => {
    const before = leverageSnapshot(run.market.leverage, 'ETH', DAY - 3 * D, DAY)!;
    expect(before.oi!.change!.venues).toBe(4);
    expect(before.oi!.change!.pct).toBeGreaterThan(0.07);
    expect(before.oi!.usd).toBeGreaterThan(24e9);
    expect(before.funding).toMatchObject({ state: 'hot' });
    // ≈ 0.028% per 8 h, quoted as 3 × 365 × 0.028% ≈ 30.6% a year.
    expect(before.venues[0]!.funding!.annualized).toBeCloseTo(before.venues[0]!.funding!.rate * 1095, 9);
    expect(before.funding!.annualized).toBeGreaterThan(0.3);
  });

  it('the flush removed open interest, funding went back to neutral, and the leverage left sits mostly on Binance', () => {
    const flush = flushLeverage(run.market.leverage, 'ETH', end.startedAt, end.endedAt, end.byExchange)!;
    expect(flush.venues).toBe(4);
    expect(flush.removedUsd).toBeGreaterThan(1e9);
    expect(flush.changePct).toBeLessThan(-0.05);
    expect(flush.funding).toMatchObject({ reset: true, afterState: 'neutral' });
    expect(flush.concentrated).toMatchObject({ exchange: 'binanceusdm' });
    expect(flush.concentrated!.share).toBeCloseTo(0.4, 2);
    // Binance held 40% of open interest and under a tenth of the liquidations seen, but its stream (and OKX's) is
    // sampled while Bybit's is complete: the shares are not counted alike, so nothing is said of it.
    expect(flush.uneven).toBeUndefined();
    const text = flushLines(flush).map(lineText);
    console.log(['', 'Cascade end, leverage lines (bundled day):', ...text].join('\n'));
    expect(text[0]).toMatch(/^OI −\$1\.\dB \(−\d\.\d%\) across 4 venues; funding back to neutral \(\+\d\d% → \+6\.2% APR\)$/);
    expect(text[1]).toBe('Binance holds 40% of the remaining OI on the 4 venues with OI data ($8.86B)');
    expect(text).toHaveLength(2);
    // The same figures the engine already puts on the alert.
    expect(end.oi).toMatchObject({ beforeUsd: flush.beforeUsd, afterUsd: flush.afterUsd, venues: 4 });
    expect(JSON.parse(JSON.stringify(flush))).toEqual(flush);
  });

  it('/liqs over the day shows open interest −11% and funding reset (each venue is on /oi)', () => {
    const to = run.market.clock;
    const snap = leverageSnapshot(run.market.leverage, 'ETH', to - D, to)!;
    const [field] = leverageFields(snap, '24h');
    const text = field!.value.map(lineText);
    console.log(['', `${field!.name} (bundled day, 24h):`, ...text].join('\n'));
    expect(text[0]).toBe('Open interest $21.9B across 4 venues · −11% (−$2.7B) in 24h');
    expect(text[1]).toBe('Funding +6.2% APR, neutral (was +31%, hot)');
    expect(text).toHaveLength(2);
    const oi = replyText(oiReply(snap, { window: '24h' }));
    expect(oi).toContain('Binance $8.72B · 40% · −11%  funding +0.0057%/8h (+6.2% APR)');
  });

  it('the liquidation map estimated at the flush start sat where the flush liquidated', () => {
    const cascade = run.market.cascadesBetween('ETH', DAY, DAY + D).find((c) => c.side === 'long')!;
    const cmp = compareWithCascade(run.market, cascade)!;
    const lines = liqmapComparison(run.market, ['ETH']);
    console.log(['', 'Liquidation map vs the bundled flush:', ...lines].join('\n'));
    expect(cmp.cascade.priceStart).toBeGreaterThan(2900);
    expect(cmp.cascade.extreme).toBeLessThan(2400);
    expect(cmp.actual.usd).toBeGreaterThan(400e6);
    expect(cmp.predicted.inRangeShare).toBeGreaterThan(0.6);
    expect(cmp.overlap).toBeGreaterThan(0.6);
    expect(cmp.peakToClusterPct).toBeLessThan(0.03);
    expect(Math.abs(cmp.actual.medianPrice! - cmp.predicted.medianPrice!) / cmp.actual.medianPrice!).toBeLessThan(0.05);
    expect(lines[0]).toMatch(/^ETH long cascade 12:41–16:05: \$434M liquidated, \$2,957 → \$2,357$/);
  });

  it('after the flush the map shows what is left, for the chart and for /levels, always as an estimate', () => {
    const map = estimateLiqMap(run.market, 'ETH', run.market.clock)!;
    const clusters = liqClusters(map);
    expect(clusters.some((c) => c.side === 'long' && c.high <= map.price!)).toBe(true);
    expect(clusters.some((c) => c.side === 'short' && c.low >= map.price!)).toBe(true);
    const chart = liqMapChart(map);
    expect(chart.length).toBeGreaterThan(3);
    const lines = levelClusterLines(map, run.market.levels.all().filter((l) => l.asset === 'ETH')).map(lineText);
    console.log(['', 'Levels on estimated clusters at the end of the bundled day:', ...lines].join('\n'));
    expect(lines.at(-1)).toMatch(/^Estimate from open interest and common leverage, not exchange data/);
  });
});
