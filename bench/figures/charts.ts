/**
 * Figure 4, charts: milliseconds per `/liqs` chart (chart input from the engine, ECharts SVG, resvg PNG) on
 * 8 days of 20 assets, against the toolchain's floor: the same engine drawing a bare chart of the same size
 * and the same number of bars with default styling. Then the PNG step alone, text drawn as glyph outlines of
 * fonts parsed once (ours) against resvg loading the two font files itself, as it did before (at every render).
 */
import { createRequire } from 'node:module';
import type { EChartsOption } from 'echarts';
import { fontFiles, outlinedSvg, rasterOptions, renderOption } from '../../src/charts/engine.js';
import { liqsChartInput } from '../../src/charts/inputs.js';
import { renderLiqsChart, DEFAULT_SIZE } from '../../src/charts/render.js';
import { buildLiqsWorld } from './liqs.js';
import { figure, median, settle, type BenchOptions, type Figure } from '../util.js';

const DAY = 86_400_000;

/** A plain stacked bar chart with a price line: what any bot pays to draw N bars with this toolchain. */
function bareOption(bars: number): EChartsOption {
  const x = Array.from({ length: bars }, (_, i) => String(i));
  const y = (k: number) => Array.from({ length: bars }, (_, i) => Math.abs(Math.sin(i * k)) * 1e6);
  return {
    xAxis: { type: 'category', data: x },
    yAxis: [{ type: 'value' }, { type: 'value' }],
    series: [
      { type: 'bar', stack: 'liqs', data: y(0.3) },
      { type: 'bar', stack: 'liqs', data: y(0.7) },
      { type: 'line', yAxisIndex: 1, data: y(0.05), showSymbol: false },
    ],
  };
}

export async function chartFigures(opts: BenchOptions): Promise<Figure[]> {
  opts.progress('charts: building 8 days × 20 assets of engine state…');
  const world = buildLiqsWorld(opts, undefined, 8);
  const market = world.market;
  const assets = ['ETH', 'BTC', 'SOL', 'XRP'];
  const ours = async (asset: string) => {
    const t = performance.now();
    const chart = await renderLiqsChart(liqsChartInput(market, market.summary(asset, '24h', DAY)));
    if (chart.png.length < 1000) throw new Error('chart came out empty');
    return { ms: performance.now() - t };
  };
  const bars = liqsChartInput(market, market.summary('ETH', '24h', DAY)).buckets.length;
  const bare = async () => {
    const t = performance.now();
    await renderOption(bareOption(bars), DEFAULT_SIZE.width, DEFAULT_SIZE.height);
    return performance.now() - t;
  };
  // The first chart loads echarts, resvg and the fonts: warm up, then interleave.
  const first = await ours('ETH');
  await bare();
  await ours('BTC');
  const runs = opts.quick ? 4 : 20;
  const a: number[] = [], b: number[] = [];
  for (let i = 0; i < runs; i++) {
    await settle(10);
    a.push((await ours(assets[i % assets.length]!)).ms);
    b.push(await bare());
  }
  opts.progress(`charts: /liqs chart median ${median(a).toFixed(1)} ms, bare chart ${median(b).toFixed(1)} ms (first chart, loading the engine: ${first.ms.toFixed(0)} ms)`);

  // The PNG step of one chart, both ways, interleaved, on the SVG as ECharts wrote it (with <text>). resvg's
  // constructor parses the SVG, loads fonts and lays text out ("tree"); render() rasterizes, the same work both ways.
  const { svg } = await renderLiqsChart(liqsChartInput(market, market.summary('ETH', '24h', DAY)));
  const { Resvg } = createRequire(import.meta.url)('@resvg/resvg-js') as typeof import('@resvg/resvg-js');
  const files = fontFiles();
  const options = rasterOptions(DEFAULT_SIZE.width);
  const fontsEachRender = { ...options, font: { loadSystemFonts: false, fontFiles: [files.regular, files.bold], defaultFontFamily: 'Inter', sansSerifFamily: 'Inter' } };
  const png = (makeTree: () => InstanceType<typeof Resvg>) => {
    const t0 = performance.now();
    const tree = makeTree();
    const t1 = performance.now();
    tree.render().asPng();
    return { tree: t1 - t0, total: performance.now() - t0 };
  };
  const before = () => png(() => new Resvg(svg, fontsEachRender));
  const after = () => png(() => new Resvg(outlinedSvg(svg), options));
  before();
  after();
  const oldPng: number[] = [], newPng: number[] = [], oldTree: number[] = [], newTree: number[] = [];
  for (let i = 0; i < runs; i++) {
    await settle(10);
    const o = before();
    const n = after();
    oldPng.push(o.total);
    oldTree.push(o.tree);
    newPng.push(n.total);
    newTree.push(n.tree);
  }
  opts.progress(`charts: PNG step ${median(newPng).toFixed(1)} ms with outlines (tree ${median(newTree).toFixed(1)} ms), ${median(oldPng).toFixed(1)} ms with resvg loading the fonts (tree ${median(oldTree).toFixed(1)} ms)`);
  world.close();
  return [
    figure({
      figure: 'charts.liqs', label: '/liqs chart (24h, 1200×675 PNG), median', value: median(a), unit: 'ms', better: 'lower',
      baseline: median(b), baselineLabel: `bare ECharts+resvg chart, ${bars} bars`, aim: [{ on: 'value', op: '<=', target: 150 }], aimText: '< 150 ms',
      note: `median of ${runs} (ETH, BTC, SOL, XRP in turn) after warm-up; the first chart of a process also loads the engine (${first.ms.toFixed(0)} ms this run)`,
    }),
    figure({
      figure: 'charts.png', label: '/liqs chart PNG step (text as glyph outlines, fonts parsed once), median', value: median(newPng), unit: 'ms', better: 'lower',
      baseline: median(oldPng), baselineLabel: 'resvg drawing the <text> itself, reading the two font files at every render',
      aim: [{ on: 'ratio', op: '<=', target: 1 }], aimText: 'faster than resvg loading the fonts',
      note: `median of ${runs}, interleaved, on the same ETH 24h SVG; includes the outline step (SVG text → <use> of cached glyph paths)`,
    }),
    figure({
      figure: 'charts.png-tree', label: 'of which SVG → resvg tree (where fonts are loaded and text laid out), median', value: median(newTree), unit: 'ms', better: 'lower',
      baseline: median(oldTree), baselineLabel: 'resvg reading the two font files and laying out <text>',
      aim: [{ on: 'ratio', op: '<=', target: 0.5 }], aimText: 'under half',
      note: 'the rest of the PNG step (rasterizing and encoding) is the same work both ways',
    }),
  ];
}
