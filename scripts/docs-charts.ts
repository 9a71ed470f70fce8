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
import { DAY } from '../src/core/time.js';
import { loadFile, runFile } from '../src/offline.js';
import { february3Squeeze, generateDay, toJsonl } from './market-day.js';

const config = loadConfig();

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
writeFileSync(squeezeFile, toJsonl(generateDay(february3Squeeze())));
await charts(squeezeFile, 'SOL', 'sol-squeeze');
