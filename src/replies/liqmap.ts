/**
 * The estimated liquidation map in words, always labelled an estimate: clusters, the levels that sit on one,
 * and (for `liqbot demo`) the estimate checked against the cascades that happened.
 */
import type { CascadeRecord } from '../core/cascades.js';
import type { LevelValue } from '../core/levels.js';
import { compareWithCascade, levelsOnClusters, liqClusters, type ClusterOptions, type ComparisonSource, type LiqCluster, type LiqMap, type LiqMapComparison, type LiqMapOptions } from '../core/liqmap.js';
import { DAY } from '../core/time.js';
import { clock, clockRange, levelText, price as priceText, rangeText, share, usd } from './format.js';
import { toned, type Line } from './reply.js';

/** "≈ $310M of long liquidations estimated between $2,300 and $2,350". */
export function clusterText(c: LiqCluster): string {
  return `≈ ${usd(c.usd)} of ${c.side} liquidations estimated between ${priceText(c.low)} and ${priceText(c.high)}`;
}

/**
 * Cluster lines for a reply, labelled as an estimate: up to two a side, largest first; two pieces of one long heavy run
 * that touch are one line.
 */
export function clusterLines(map: LiqMap, opts: ClusterOptions = {}): Line[] {
  const clusters = liqClusters(map, { max: 2, join: true, ...opts });
  if (clusters.length === 0) return [];
  const lines: Line[] = clusters.map((c) => [toned(clusterText(c), c.side)]);
  lines.push([toned(estimateNote(map), 'muted')]);
  return lines;
}

function estimateNote(map: LiqMap): string {
  const assumed = map.addedUsd > 0 && map.assumedEntryUsd / map.addedUsd >= 0.25 ? `; entry prices partly assumed (${share(map.assumedEntryUsd / map.addedUsd)})` : '';
  return `Estimate from open interest and common leverage, not exchange data${assumed}.`;
}

/** For /levels: "$2,750–2,800 prior support sits on ≈ $420M of estimated long liquidations ($2,700–2,850)". */
export function levelClusterLines(map: LiqMap, levels: readonly { level: LevelValue; label?: string }[]): Line[] {
  const hits = levelsOnClusters(map, levels);
  if (hits.length === 0) return [];
  const lines: Line[] = hits.map((h) => [
    `${levelText(h.level)}${h.label ? ` ${h.label}` : ''} sits on `,
    toned(`≈ ${usd(h.usdAtLevel)} of estimated ${h.cluster.side} liquidations`, h.cluster.side, true),
    ` (cluster ${rangeText(h.cluster.low, h.cluster.high)}, ≈ ${usd(h.cluster.usd)})`,
  ]);
  lines.push([toned(estimateNote(map), 'muted')]);
  return lines;
}

/** Plain lines describing a comparison, for `npm run demo` and test output. */
export function comparisonLines(c: LiqMapComparison): string[] {
  const range = `${priceText(Math.min(c.cascade.priceStart, c.cascade.extreme))}–${priceText(Math.max(c.cascade.priceStart, c.cascade.extreme)).slice(1)}`;
  const lines = [
    `${c.asset} ${c.side} cascade ${clockRange(c.cascade.startedAt, c.cascade.endedAt)}: ${usd(c.cascade.usd)} liquidated, ${priceText(c.cascade.priceStart)} → ${priceText(c.cascade.extreme)}`,
    `  estimated at ${clock(c.cascade.startedAt)} (liquidation map, an estimate): ${usd(c.predicted.inRangeUsd)} of ${c.side} liquidations inside ${range}, ${share(c.predicted.inRangeShare)} of the ${usd(c.predicted.nearUsd)} estimated within 25% of price`,
  ];
  for (const cl of c.predicted.clusters) lines.push(`    ${clusterText(cl)}`);
  const med = c.predicted.medianPrice !== undefined && c.actual.medianPrice !== undefined
    ? `; median price ${priceText(c.actual.medianPrice)} happened vs ${priceText(c.predicted.medianPrice)} estimated (${share(Math.abs(c.actual.medianPrice - c.predicted.medianPrice) / c.actual.medianPrice)} apart)`
    : '';
  const peak = c.actual.peak ? `heaviest ${rangeText(c.actual.peak.low, c.actual.peak.high)} (${usd(c.actual.peak.usd)})` : 'none recorded';
  const dist = c.peakToClusterPct === undefined ? '' : c.peakToClusterPct === 0 ? ', inside an estimated cluster' : `, ${share(c.peakToClusterPct)} from the nearest estimated cluster`;
  lines.push(`  happened: ${usd(c.actual.usd)} of ${c.side} liquidations, ${peak}${dist}${med}`);
  lines.push(`  overlap of estimate and outcome by price: ${share(c.overlap)}`);
  return lines;
}

/**
 * For `npm run demo`: every finished cascade of `assets` (default: all the engine knows) since `from`,
 * compared with the map estimated at its start.
 */
export function liqmapComparison(
  market: ComparisonSource & { cascadesBetween(asset: string, from: number, to: number): CascadeRecord[]; knownAssets(): string[]; clock: number },
  assets: readonly string[] = market.knownAssets(),
  opts: LiqMapOptions & { from?: number; minUsd?: number } = {},
): string[] {
  const lines: string[] = [];
  const from = opts.from ?? market.clock - 7 * DAY;
  for (const asset of assets) {
    for (const c of market.cascadesBetween(asset, from, market.clock)) {
      if (c.endedAt === undefined || c.usd < (opts.minUsd ?? 0)) continue;
      const cmp = compareWithCascade(market, c, opts);
      if (cmp) lines.push(...comparisonLines(cmp));
    }
  }
  return lines.length ? lines : ['Liquidation map: no finished cascade with open interest to compare against.'];
}
