/**
 * Regenerates the chart images in docs/: the bundled day's /liqs and /levels charts for ETH, and a generated
 * SOL short squeeze (a zone, a level broken upward, a long label). Usage: npx tsx scripts/docs-charts.ts
 */
import { writeFileSync } from 'node:fs';
import { loadConfig } from '../config/load.js';
import { levelsChartInput, liqsChartInput } from '../src/charts/inputs.js';
import { renderLevelsChart, renderLiqsChart } from '../src/charts/render.js';
import { estimateLiqMap } from '../src/core/liqmap.js';
import { BUNDLED_DAY } from '../src/cli.js';
import { loadFile, runFile } from '../src/offline.js';
import { generateDay, toJsonl } from './market-day.js';

const config = loadConfig();
const DAY = 86_400_000;

async function charts(file: string, asset: string, name: string): Promise<void> {
  const loaded = await loadFile(file);
  const to = loaded.lastTs;
  const run = await runFile(loaded, config, { until: to, bucketFrom: to - DAY });
  const m = run.market;
  writeFileSync(`docs/chart-liqs-${name}.png`, (await renderLiqsChart(liqsChartInput(m, m.summary(asset, '24h', DAY, to)))).png);
  writeFileSync(`docs/chart-levels-${name}.png`, (await renderLevelsChart(levelsChartInput(m, m.levelStatus(asset, undefined, to), estimateLiqMap(m, asset, to)))).png);
  console.log(`docs/chart-liqs-${name}.png, docs/chart-levels-${name}.png`);
}

await charts(BUNDLED_DAY, 'ETH', 'eth');

const squeezeFile = '/tmp/liqbot-sol-squeeze.jsonl';
const day = Date.parse('2026-02-03T00:00:00Z');
const events = generateDay({
  day,
  seed: 7,
  synthetic: true,
  assets: [
    {
      asset: 'SOL',
      path: [[0, 181], [6, 183], [9.5, 186], [10, 190], [11, 199], [11.5, 206], [12.5, 214], [14, 209], [18, 205], [24, 207]],
      noisePct: 0.08,
      longUsd: 9_000_000,
      shortUsd: 96_000_000,
      exchanges: { bybit: 34, okx: 22, binanceusdm: 20, bitget: 14, hyperliquid: 10 },
      avgOrderUsd: 20_000,
      background: 0.1,
      levels: [
        { price: 200, label: 'round number and the February range high everyone watched' },
        { low: 186, high: 189, label: 'breakout zone' },
        { price: 220, label: 'January high' },
        { price: 175, label: 'weekly open' },
      ],
      history: { days: 30, longMedian: 12_000_000, shortMedian: 6_000_000 },
      leverage: { oiUsd: { bybit: 1.2e9, okx: 0.8e9, binanceusdm: 1.5e9, bitget: 0.5e9 }, buildPctPerDay: 2, flushDropPct: 9, fundingBefore: -0.0002, fundingAfter: 0.0001 },
    },
  ],
});
writeFileSync(squeezeFile, toJsonl(events));
await charts(squeezeFile, 'SOL', 'sol-squeeze');
