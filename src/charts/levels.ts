/**
 * The `/levels` chart: price over the window with each level or zone, its role (support below price,
 * resistance above, inside a zone) and how far it is from the price now.
 */
import type { EChartsOption } from 'echarts';
import type { Measure } from './engine.js';
import type { Scale } from './layout.js';
import { columns, drawLevels, levelNote, drawLiqMap, drawPrice, drawTimeAxis, emptyNote, footer, header, priceRange, priceTick, Scene, windowText, type Rect } from './scene.js';
import { COLORS } from './theme.js';
import type { ChartLevel, LevelsChartInput } from './types.js';

/** "support · +2.9% · holding", "lost 12:30, now resistance · +13%": the shared note, with the distance. */
export function levelsNote(l: ChartLevel): string {
  return levelNote(l, true);
}

export function buildLevelsOption(input: LevelsChartInput, width: number, height: number, measure: Measure): EChartsOption {
  const scene = new Scene(width, height, measure);
  const { f } = scene;
  const px = (v: number): number => scene.px(v);
  const { prices } = input;
  const first = prices[0];
  // The input says 0 when no price is known yet: then there is no "now" and no change to show.
  const last = input.price > 0 && Number.isFinite(input.price) ? input.price : undefined;
  const bucketMs = input.priceMs ?? (prices.length > 1 ? (prices[prices.length - 1]!.ts - prices[0]!.ts) / (prices.length - 1) : input.to - input.from);
  const counts = { support: 0, resistance: 0, inside: 0 };
  for (const l of input.levels) counts[l.role]++;
  const summary = [
    counts.resistance ? `${counts.resistance} resistance` : '',
    counts.inside ? `${counts.inside} inside` : '',
    counts.support ? `${counts.support} support` : '',
  ]
    .filter(Boolean)
    .join(' · ');

  header(
    scene,
    [{ text: `${input.asset} levels`, color: COLORS.text }],
    [windowText(input.from, input.to), summary || 'no levels set'].join(' · '),
    last === undefined ? undefined : { price: last, change: first ? last / first.open - 1 : undefined },
  );

  const yAxis = priceRange(prices, input.levels, last === undefined ? [] : [last], 6);
  const axisLabelW = Math.max(measure(priceTick(yAxis.min), f.axis), measure(priceTick(yAxis.max), f.axis));
  const { plotLeft, plotRight, lineEnd, tagLeft, tagWidth, mapWidth } = columns(scene, axisLabelW, 300, !!input.liqMap?.length);
  const top = px(104);
  const bottom = height - px(72);
  const priceRect: Rect = { left: plotLeft, top, width: plotRight - plotLeft, height: bottom - top };
  const x = { min: input.from, max: input.to };
  const xScale: Scale = { min: input.from, max: input.to, from: plotLeft, to: plotRight };
  const yScale: Scale = { min: yAxis.min, max: yAxis.max, from: bottom, to: top };

  drawTimeAxis(scene, xScale, top, bottom, input.from, input.to);
  const panel = scene.panel(priceRect, x, { ...yAxis, interval: yAxis.step, label: priceTick });
  if (prices.length) drawPrice(scene, panel, prices, bucketMs, xScale);
  else emptyNote(scene, priceRect, 'No price data in this window');
  if (mapWidth && input.liqMap) drawLiqMap(scene, input.liqMap, { left: plotRight + px(8), top, width: mapWidth, height: bottom - top }, yScale);
  drawLevels(scene, input.levels, { plot: priceRect, tagLeft, tagWidth, yScale, lineEnd, note: levelsNote, last });
  if (!input.levels.length) emptyNote(scene, { ...priceRect, height: priceRect.height * 0.3 }, 'No levels set for this asset');

  footer(scene, 'Roles: resistance above price · support below · inside a zone', input.synthetic);
  return scene.option();
}
