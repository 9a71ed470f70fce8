/**
 * Chart images for replies: `/liqs` (price, levels, cascades, liquidations) and `/levels` (price and levels),
 * as SVG and PNG, rendered in-process and deterministically (same input, same bytes).
 *
 * @example
 * // Rendered only when an adapter shows the image (echarts and resvg load on the first chart):
 * reply.image = { render: async () => (await renderLiqsChart(input)).png, width: 1200, height: 675, alt, filename };
 */
import { engineMeasure, renderOption } from './engine.js';
import { buildLevelsOption } from './levels.js';
import { buildLiqsOption } from './liqs.js';
import type { LevelsChartInput, LiqsChartInput } from './types.js';

export { preloadCharts } from './engine.js';

export interface RenderedChart {
  svg: string;
  png: Uint8Array;
  width: number;
  height: number;
}

export interface ChartSize {
  width?: number;
  height?: number;
}

/** The size chat apps show best: 16:9, large enough to stay legible when a phone shrinks it. */
export const DEFAULT_SIZE = { width: 1200, height: 675 } as const;

function size(opts: ChartSize | undefined): { width: number; height: number } {
  const width = Math.round(opts?.width ?? DEFAULT_SIZE.width);
  const height = Math.round(opts?.height ?? DEFAULT_SIZE.height);
  if (!(width >= 320 && width <= 4096 && height >= 180 && height <= 4096)) {
    throw new RangeError(`chart size ${width}×${height} is out of range (320–4096 × 180–4096 px)`);
  }
  return { width, height };
}

/** The `/liqs` chart. */
export async function renderLiqsChart(input: LiqsChartInput, opts?: ChartSize): Promise<RenderedChart> {
  const { width, height } = size(opts);
  const option = buildLiqsOption(input, width, height, engineMeasure());
  return { ...(await renderOption(option, width, height)), width, height };
}

/** The `/levels` chart. */
export async function renderLevelsChart(input: LevelsChartInput, opts?: ChartSize): Promise<RenderedChart> {
  const { width, height } = size(opts);
  const option = buildLevelsOption(input, width, height, engineMeasure());
  return { ...(await renderOption(option, width, height)), width, height };
}
