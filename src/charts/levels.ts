/**
 * The `/levels` chart: price over the window with each level or zone, its role (support below price,
 * resistance above, inside a zone) and how far it is from the price now.
 */
import type { EChartsOption } from 'echarts';
import type { Measure } from './engine.js';
import { timeDomain, type Scale } from './layout.js';
import {
  columns,
  drawLevels,
  lastName,
  levelNote,
  drawLiqMap,
  drawPrice,
  drawTimeAxis,
  emptyNote,
  footer,
  header,
  noPriceSince,
  priceRange,
  priceTick,
  Scene,
  staleSince,
  windowText,
  type Rect,
  type Span,
} from './scene.js';
import { COLORS } from './theme.js';
import type { ChartLevel, LevelsChartInput } from './types.js';

/** "support · +2.9% · holding", "lost 12:30, now resistance · +13%": the shared note, with the distance. */
export function levelsNote(l: ChartLevel, span?: Span): string {
  return levelNote(l, true, span);
}

/** The `/levels` chart's candle width, unless the input says its prices are coarser (inputs.ts levelsChartInput). */
export const LEVELS_CANDLE_MS = 15 * 60_000;

export function buildLevelsOption(input: LevelsChartInput, width: number, height: number, measure: Measure): EChartsOption {
  const scene = new Scene(width, height, measure);
  const { f } = scene;
  const px = (v: number): number => scene.px(v);
  const { prices } = input;
  const first = prices[0];
  // The input says 0 when no price is known yet: then there is no "now" and no change to show.
  const last = input.price > 0 && Number.isFinite(input.price) ? input.price : undefined;
  // The candles' own step, never guessed from their spacing: one candle, or a gap in the prices, would make it hours.
  const bucketMs = input.priceMs ?? LEVELS_CANDLE_MS;
  const span: Span = { from: input.from, to: input.to };
  // A price from hours ago is the last one seen, not "now" (the reply says "no price since").
  const stale = last === undefined ? undefined : staleSince(input.priceTs ?? (prices.length ? prices[prices.length - 1]!.ts + bucketMs : undefined), input.to, bucketMs);
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
    [windowText(input.from, input.to), noPriceSince(stale, span), summary || 'no levels set'].filter(Boolean).join(' · '),
    last === undefined ? undefined : { price: last, change: first ? last / first.open - 1 : undefined },
  );

  const yAxis = priceRange(prices, input.levels, last === undefined ? [] : [last], 6);
  const axisLabelW = Math.max(measure(priceTick(yAxis.min, yAxis.step), f.axis), measure(priceTick(yAxis.max, yAxis.step), f.axis));
  const { plotLeft, plotRight, lineEnd, tagLeft, tagWidth, mapWidth } = columns(scene, axisLabelW, 300, !!input.liqMap?.length);
  const top = px(104);
  const bottom = height - px(72);
  const priceRect: Rect = { left: plotLeft, top, width: plotRight - plotLeft, height: bottom - top };
  const x = timeDomain(input.from, input.to, [{ points: prices, stepMs: bucketMs }]);
  const xScale: Scale = { ...x, from: plotLeft, to: plotRight };
  const yScale: Scale = { min: yAxis.min, max: yAxis.max, from: bottom, to: top };

  drawTimeAxis(scene, xScale, top, bottom, input.from, input.to);
  const panel = scene.panel(priceRect, x, { ...yAxis, interval: yAxis.step, label: (v: number) => priceTick(v, yAxis.step) });
  if (prices.length) drawPrice(scene, panel, prices, bucketMs, xScale, yScale);
  else emptyNote(scene, priceRect, 'No price data in this window');
  if (mapWidth && input.liqMap) drawLiqMap(scene, input.liqMap, { left: plotRight + px(8), top, width: mapWidth, height: bottom - top }, yScale);
  drawLevels(scene, input.levels, { plot: priceRect, tagLeft, tagWidth, yScale, lineEnd, note: (l) => levelsNote(l, span), last, lastName: lastName(stale, span), span });
  if (!input.levels.length) emptyNote(scene, { ...priceRect, height: priceRect.height * 0.3 }, 'No levels set for this asset');

  footer(scene, 'Roles: resistance above price · support below · inside a zone', input.synthetic);
  return scene.option();
}
