/**
 * Where things land on the picture: a bar or candle at its own time on the same scale as the time grid, the cascade
 * bands and the level lines (which are drawn in pixels), and as wide as its step says.
 */
import { describe, expect, it } from 'vitest';
import { engineMeasure, renderOption } from '../../src/charts/engine.js';
import { buildLevelsOption } from '../../src/charts/levels.js';
import { buildLiqsOption } from '../../src/charts/liqs.js';
import type { EChartsOption } from 'echarts';
import { emptyWindow, jan31Levels } from './fixtures.js';

const MIN = 60_000;

interface Built {
  grid: { left: number; width: number; top: number; height: number }[];
  xAxis: { min: number; max: number; containShape?: boolean }[];
  series: { type: string; name?: string; xAxisIndex: number; barWidth?: number }[];
}

/** The x pixel a time is at in panel `i`, by the option's own grid and range (what the overlays are drawn with). */
function xOf(option: Built, i: number, ts: number): number {
  const g = option.grid[i]!;
  const a = option.xAxis[i]!;
  return g.left + ((ts - a.min) / (a.max - a.min)) * g.width;
}

/** The x extents of the shapes ECharts drew for series `index` (bars: rects; candles: body rects), in draw order. */
async function drawnSpans(option: EChartsOption, index: number): Promise<[number, number][]> {
  const { svg } = await renderOption(option, 1200, 675);
  const paths = [...svg.matchAll(/<path d="([^"]*)"[^>]*ecmeta_series_index="(\d+)"/g)].filter((m) => Number(m[2]) === index);
  return paths.map((m) => {
    // The first sub-path is the bar or the candle body: M x y l w 0 … or M x1 y L x2 y ….
    const d = m[1]!.split(/M/)[1]!;
    const nums = d.match(/-?[\d.]+/g)!.map(Number);
    const rel = /^[\d.\s-]+l/.test(d);
    const x1 = nums[0]!;
    const x2 = rel ? x1 + nums[2]! : nums[2]!;
    return [Math.min(x1, x2), Math.max(x1, x2)];
  });
}

describe('bars and candles sit at their own time', () => {
  it('a single liquidation bucket is drawn over its minute, not where ECharts would pad the axis to', async () => {
    const base = emptyWindow();
    const ts = base.from + 30 * MIN;
    const input = { ...base, buckets: [{ ts, longUsd: 1e6, shortUsd: 0 }], totals: { longUsd: 1e6, shortUsd: 0, totalUsd: 1e6 } };
    const option = buildLiqsOption(input, 1200, 675, engineMeasure()) as unknown as Built;
    const index = option.series.findIndex((s) => s.name === 'Longs liquidated');
    const panel = option.series[index]!.xAxisIndex;
    expect(option.xAxis[panel]!.containShape).toBe(false);
    const spans = await drawnSpans(option as unknown as EChartsOption, index);
    expect(spans).toHaveLength(1);
    const [x1, x2] = spans[0]!;
    expect((x1 + x2) / 2).toBeCloseTo(xOf(option, panel, ts + MIN / 2), 0);
  });

  it('a single candle is one step wide at its own time, not most of the panel', async () => {
    const base = jan31Levels();
    const ts = base.from + 6 * 60 * MIN;
    const candle = { ts, open: 2900, high: 2920, low: 2880, close: 2910 };
    for (const stepMs of [15 * MIN, 5 * MIN]) {
      const input = { ...base, prices: [candle], ...(stepMs !== 15 * MIN ? { priceMs: stepMs } : {}) };
      const option = buildLevelsOption(input, 1200, 675, engineMeasure()) as unknown as Built;
      const index = option.series.findIndex((s) => s.type === 'candlestick');
      // One point is no line: a lone price is a candle, however thin.
      expect(index, `${stepMs / MIN}m`).toBeGreaterThanOrEqual(0);
      const spans = await drawnSpans(option as unknown as EChartsOption, index);
      expect(spans).toHaveLength(1);
      const [x1, x2] = spans[0]!;
      expect((x1 + x2) / 2).toBeCloseTo(xOf(option, 0, ts + stepMs / 2), 0);
      const step = xOf(option, 0, ts + stepMs) - xOf(option, 0, ts);
      expect(x2 - x1).toBeLessThanOrEqual(Math.max(2, step) + 1);
    }
  });

  it('candles either side of a 6 h gap keep the 15m width and do not overlap', () => {
    const base = jan31Levels();
    const prices = base.prices.filter((p) => p.ts < base.from + 6 * 60 * MIN || p.ts >= base.from + 12 * 60 * MIN);
    const option = buildLevelsOption({ ...base, prices }, 1200, 675, engineMeasure()) as unknown as Built;
    const candles = option.series.find((s) => s.type === 'candlestick')!;
    const step = xOf(option, 0, base.from + 15 * MIN) - xOf(option, 0, base.from);
    // The 15m step's width (72% of it), not a step guessed from 72 candles spread over 24 h (1.3× too wide).
    expect(candles.barWidth).toBeLessThanOrEqual(Math.floor(step * 0.72));
  });

  it('widens the range to whole bars at the edges: a bucket floored before the window and one still filling after it', () => {
    const base = emptyWindow();
    const from = base.from + 7 * MIN + 20_000;
    const to = from + 60 * MIN;
    const input = { ...base, from, to, prices: [], bucketMs: 5 * MIN, buckets: [{ ts: base.from + 5 * MIN, longUsd: 1, shortUsd: 0 }, { ts: base.from + 65 * MIN, longUsd: 1, shortUsd: 0 }], totals: { longUsd: 2, shortUsd: 0, totalUsd: 2 } };
    const option = buildLiqsOption(input, 1200, 675, engineMeasure()) as unknown as Built;
    for (const a of option.xAxis) {
      expect(a.min).toBe(base.from + 5 * MIN);
      expect(a.max).toBe(base.from + 70 * MIN);
    }
  });
});
