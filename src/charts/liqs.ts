/**
 * The `/liqs` chart: price over the window with levels and cascades, open interest when known, and
 * liquidations per interval — shorts above the zero line, longs below — totals in the title.
 */
import type { EChartsOption } from 'echarts';
import { duration, pct, usd } from '../replies/format.js';
import { venueName } from '../replies/format.js';
import type { Measure } from './engine.js';
import { niceStep, timeDomain, toPx, type Scale } from './layout.js';
import {
  columns,
  drawCascades,
  drawLevels,
  levelNote,
  drawLiqMap,
  drawPrice,
  drawTimeAxis,
  emptyNote,
  footer,
  header,
  lastName,
  line,
  noPriceSince,
  priceRange,
  priceTick,
  rect,
  Scene,
  staleSince,
  windowText,
  type Rect,
  type Span,
} from './scene.js';
import { alpha, COLORS } from './theme.js';
import type { LiqsChartInput } from './types.js';
import { DAY, dayStart } from '../core/time.js';

type Bucket = LiqsChartInput['buckets'][number];

/** Sums buckets `factor` at a time (aligned to the window start), so each bar keeps a visible width. */
export function mergeBuckets(buckets: Bucket[], from: number, bucketMs: number, factor: number): Bucket[] {
  if (factor <= 1) return buckets;
  const size = bucketMs * factor;
  const out = new Map<number, Bucket>();
  for (const b of buckets) {
    const ts = from + Math.floor((b.ts - from) / size) * size;
    const m = out.get(ts) ?? { ts, longUsd: 0, shortUsd: 0 };
    m.longUsd += b.longUsd;
    m.shortUsd += b.shortUsd;
    out.set(ts, m);
  }
  return [...out.values()].sort((a, b) => a.ts - b.ts);
}

/** The liquidation bars to draw: buckets merged until each is at least 3 px wide at `pxPerMs`, and their width. */
export function liqBars(input: LiqsChartInput, pxPerMs: number): { buckets: Bucket[]; bucketMs: number } {
  const factor = Math.max(1, Math.ceil(3 / Math.max(1e-9, input.bucketMs * pxPerMs)));
  const size = input.bucketMs * factor;
  // Merged bars on the clock's multiples of their width, as the buckets are on theirs (and the unrecorded spans).
  return { buckets: mergeBuckets(input.buckets, Math.floor(input.from / size) * size, input.bucketMs, factor), bucketMs: size };
}

/**
 * The parts of [from, to] no print covers, in whole bars (on the clock's multiples of `bucketMs`): a bar a recorded
 * stretch touches holds what was recorded in it, one none touches is not $0 but nothing seen. Runs of such bars, clipped.
 */
export function unrecorded(stretches: readonly (readonly [number, number])[], from: number, to: number, bucketMs: number): [number, number][] {
  const out: [number, number][] = [];
  for (let t = Math.floor(from / bucketMs) * bucketMs; t < to; t += bucketMs) {
    if (stretches.some(([a, b]) => a < t + bucketMs && b >= t)) continue;
    const a = Math.max(from, t);
    const b = Math.min(to, t + bucketMs);
    const prev = out[out.length - 1];
    if (prev && prev[1] === a) prev[1] = b;
    else out.push([a, b]);
  }
  return out;
}

/**
 * The stretches of the liquidation panel drawn hatched, in whole bars (on the clock's multiples of `bucketMs`), each
 * with its label: a day counted from its stored daily total where none of its single orders is drawn ("daily total":
 * its figure is in the totals, not in the bars), and, offline, a bar no print touches ("no prints": nothing recorded
 * there, not $0). A day whose total holds single orders drawn in it is marked only where the file has no prints (live,
 * where nothing says where they stop, not at all). Runs of one label are merged and clipped to [from, to].
 */
export function hatchedSpans(input: Pick<LiqsChartInput, 'from' | 'to' | 'recorded' | 'dailyTotals'>, bucketMs: number): { from: number; to: number; label: string }[] {
  const out: { from: number; to: number; label: string }[] = [];
  const stretches = input.recorded?.stretches;
  const days = new Set(input.dailyTotals?.days ?? []);
  const withOrders = new Set(input.dailyTotals?.withOrders ?? []);
  for (let t = Math.floor(input.from / bucketMs) * bucketMs; t < input.to; t += bucketMs) {
    const unseen = stretches !== undefined && !stretches.some(([a, b]) => a < t + bucketMs && b >= t);
    const day = dayStart(t);
    const label = days.has(day) && (!withOrders.has(day) || unseen) ? 'daily total' : unseen ? 'no prints' : undefined;
    if (!label) continue;
    const a = Math.max(input.from, t);
    const b = Math.min(input.to, t + bucketMs);
    const prev = out[out.length - 1];
    if (prev && prev.to === a && prev.label === label) prev.to = b;
    else out.push({ from: a, to: b, label });
  }
  for (const span of out) if (span.label === 'daily total' && span.to - span.from > DAY) span.label = 'daily totals';
  return out;
}

/** "Sources: Binance*, Bybit, OKX* · *sampled: lower bounds"; with vendor-only venues "…, OKX*, Bitget† · *sampled †hourly". */
export function coverageText(coverage: LiqsChartInput['coverage']): string {
  const sampled = new Set(coverage.sampled);
  const names = new Map<string, boolean>();
  for (const ex of coverage.exchanges) {
    const name = venueName(ex);
    names.set(name, (names.get(name) ?? false) || sampled.has(ex));
  }
  // Venues only a vendor's hourly totals (†) or stored daily totals (‡) cover are in the totals, not the bars: marked.
  const hourly = (coverage.hourly ?? []).map((ex) => `${venueName(ex)}†`);
  const daily = (coverage.daily ?? []).map((ex) => `${venueName(ex)}‡`);
  if (!names.size && !hourly.length && !daily.length) return 'Sources: none reporting';
  const list = [...names].map(([name, s]) => (s ? `${name}*` : name));
  const anySampled = [...names.values()].some(Boolean);
  // Short enough to stay whole at the footer's phone-legible size.
  if (!hourly.length && !daily.length) return `Sources: ${list.join(', ')}${anySampled ? ' · *sampled: lower bounds' : ''}`;
  const notes = [...(anySampled ? ['*sampled'] : []), ...(hourly.length ? ['†hourly'] : []), ...(daily.length ? ['‡daily totals'] : [])].join(' ');
  return `Sources: ${[...list, ...hourly, ...daily].join(', ')} · ${notes}`;
}

export function buildLiqsOption(input: LiqsChartInput, width: number, height: number, measure: Measure): EChartsOption {
  const scene = new Scene(width, height, measure);
  const { f } = scene;
  const px = (v: number): number => scene.px(v);
  const { totals, prices } = input;
  const first = prices[0];
  const lastPoint = prices[prices.length - 1];
  const priceMs = input.priceMs ?? input.bucketMs;
  const span: Span = { from: input.from, to: input.to };
  // A price from hours ago is the last one seen, not "now": the candles stop there and the chart says so.
  const stale = lastPoint ? staleSince(input.priceTs ?? lastPoint.ts + priceMs, input.to, priceMs) : undefined;

  header(
    scene,
    [
      // No $0 where nothing was there to count.
      ...(input.noData
        ? [{ text: `${input.asset} liquidations · ${input.window} · no data`, color: COLORS.text }]
        : [
            { text: `${input.asset} liquidations · ${input.window} · ${usd(totals.totalUsd)} `, color: COLORS.text },
            { text: '(', color: COLORS.label },
            { text: `longs ${usd(totals.longUsd)}`, color: COLORS.long },
            { text: ' / ', color: COLORS.label },
            { text: `shorts ${usd(totals.shortUsd)}`, color: COLORS.short },
            { text: ')', color: COLORS.label },
          ]),
    ],
    [
      windowText(input.from, input.to),
      // No liquidation bars to size where nothing was recorded.
      input.noData ? '' : `${duration(input.bucketMs)} bars`,
      input.cascades.length ? `${input.cascades.length} cascade${input.cascades.length > 1 ? 's' : ''}` : '',
      noPriceSince(stale, span),
    ]
      .filter(Boolean)
      .join(' · '),
    lastPoint && first ? { price: lastPoint.close, change: lastPoint.close / first.open - 1 } : undefined,
  );

  // Horizontal layout: axis labels | panels | (liquidation map) | gutter | tag column.
  const yAxis = priceRange(prices, input.levels, input.liqMap?.map((c) => (c.low + c.high) / 2) ?? [], 5);
  const axisLabelW = Math.max(
    measure(priceTick(yAxis.min, yAxis.step), f.axis),
    measure(priceTick(yAxis.max, yAxis.step), f.axis),
    measure('$888.8M', f.axis),
  );
  const { plotLeft, plotRight, lineEnd, tagLeft, tagWidth, mapWidth } = columns(scene, axisLabelW, 272, !!input.liqMap?.length);
  const plotWidth = plotRight - plotLeft;

  // Vertical layout: header | cascade labels | price | (open interest) | liquidations | time labels | footer.
  const top = px(118);
  const bottom = height - px(72);
  const gap = px(18);
  const hasOi = (input.oi?.length ?? 0) > 1;
  const avail = bottom - top - gap * (hasOi ? 2 : 1);
  const priceH = Math.round(avail * (hasOi ? 0.56 : 0.6));
  const oiH = hasOi ? Math.round(avail * 0.13) : 0;
  const liqH = avail - priceH - oiH;
  const priceRect: Rect = { left: plotLeft, top, width: plotWidth, height: priceH };
  const oiRect: Rect = { left: plotLeft, top: top + priceH + gap, width: plotWidth, height: oiH };
  const liqRect: Rect = { left: plotLeft, top: bottom - liqH, width: plotWidth, height: liqH };

  const liq = liqBars(input, plotWidth / (input.to - input.from));
  const x = timeDomain(input.from, input.to, [
    { points: prices, stepMs: priceMs },
    { points: liq.buckets, stepMs: liq.bucketMs },
  ]);
  const xScale: Scale = { ...x, from: plotLeft, to: plotRight };
  const yScale: Scale = { min: yAxis.min, max: yAxis.max, from: top + priceH, to: top };

  drawCascades(scene, input.cascades, xScale, top, bottom, top - px(16), usd);
  drawTimeAxis(scene, xScale, top, bottom, input.from, input.to);

  // With no prices, no levels and no map there is nothing to put a price scale on.
  const priceKnown = prices.length > 0 || input.levels.length > 0 || (input.liqMap?.length ?? 0) > 0;
  const pricePanel = scene.panel(priceRect, x, { ...yAxis, interval: yAxis.step, label: priceKnown ? (v: number) => priceTick(v, yAxis.step) : undefined, gridLines: priceKnown });
  if (prices.length) drawPrice(scene, pricePanel, prices, priceMs, xScale, yScale);
  else emptyNote(scene, priceRect, 'No price data in this window');

  if (mapWidth && input.liqMap) {
    drawLiqMap(scene, input.liqMap, { left: plotRight + px(8), top, width: mapWidth, height: priceH }, yScale);
  }
  drawLevels(scene, input.levels, {
    plot: priceRect,
    tagLeft,
    tagWidth,
    yScale,
    lineEnd,
    note: (l) => levelNote(l, false, span),
    last: lastPoint?.close,
    lastName: lastName(stale, span),
    span,
  });

  if (hasOi && input.oi) drawOpenInterest(scene, input.oi, oiRect, x, tagLeft, tagWidth);
  drawLiquidations(scene, input, liq, liqRect, x, xScale, tagLeft, tagWidth);

  footer(scene, [coverageText(input.coverage), input.recorded?.note ?? ''].filter(Boolean).join(' · '), input.coverage.synthetic);
  return scene.option();
}

/**
 * A stretch nothing recorded: hatched over the zero line, so no $0 is read where there was nothing to count, and
 * named when there is room.
 */
function hatch(scene: Scene, area: Rect, label: string): void {
  if (!(area.width > 0.5)) return;
  scene.draw(rect(area, alpha(COLORS.panel, 0.9), 4.5));
  // 45° strokes, each clipped to the rectangle by hand (a shape has no clip of its own here).
  const gap = scene.px(9);
  const { left, top, width, height } = area;
  const stroke = alpha(COLORS.muted, 0.28);
  for (let d = gap / 2; d < width + height; d += gap) {
    // The stroke x + y = left + top + d … within the rectangle, from its lower-left end to its upper-right end.
    const x1 = left + Math.max(0, d - height);
    const x2 = left + Math.min(width, d);
    scene.draw(line(x1, top + d - (x1 - left), x2, top + d - (x2 - left), stroke, 1, undefined, 4.6));
  }
  const size = scene.f.tagNote;
  if (width > scene.measure(label, size) + scene.px(16)) {
    const w = scene.measure(label, size) + scene.px(12);
    scene.draw(rect({ left: left + width / 2 - w / 2, top: top + height / 2 - size * 0.75, width: w, height: size * 1.5 }, COLORS.panel, 4.7, scene.px(4)));
    scene.text(left + width / 2, top + height / 2, label, { size, color: COLORS.muted, align: 'center', z: 4.8 });
  }
}

function drawOpenInterest(scene: Scene, oi: { ts: number; usd: number }[], area: Rect, x: { min: number; max: number }, tagLeft: number, tagWidth: number): void {
  const values = oi.map((p) => p.usd);
  const lo = Math.min(...values);
  const hi = Math.max(...values);
  const step = niceStep(Math.max(hi - lo, hi * 0.01), 2);
  const min = Math.floor(lo / step) * step;
  const max = Math.ceil(hi / step) * step + (Math.ceil(hi / step) * step === hi ? step : 0);
  // No axis labels: a third stack of numbers on the left would crowd the price and liquidation scales;
  // the column beside the panel gives the level and the change instead.
  const i = scene.panel(area, x, { min, max: Math.max(max, min + step), interval: step });
  scene.add({
    type: 'line',
    xAxisIndex: i,
    yAxisIndex: i,
    silent: true,
    symbol: 'none',
    z: 3,
    lineStyle: { color: COLORS.oi, width: Math.max(1.5, scene.k * 2) },
    areaStyle: { color: alpha(COLORS.oi, 0.08), origin: 'start' },
    data: oi.map((p) => [p.ts, p.usd]),
  });
  const first = oi[0]!.usd;
  const last = oi[oi.length - 1]!.usd;
  const change = first > 0 ? last / first - 1 : 0;
  const cy = area.top + area.height / 2;
  const { f } = scene;
  scene.text(tagLeft, cy - f.tagNote * 0.7, 'Open interest', { size: f.tagNote, color: COLORS.label });
  const head = `${usd(last)} `;
  scene.text(tagLeft, cy + f.tag * 0.6, head, { size: f.tag, bold: true, color: COLORS.oi });
  const changeText = pct(change);
  const hw = scene.measure(head, f.tag, true);
  scene.text(tagLeft + hw, cy + f.tag * 0.6, scene.fit(changeText, f.tagNote, false, tagWidth - hw), { size: f.tagNote, color: COLORS.label });
}

function drawLiquidations(
  scene: Scene,
  input: LiqsChartInput,
  { buckets, bucketMs }: { buckets: Bucket[]; bucketMs: number },
  area: Rect,
  x: { min: number; max: number },
  xScale: Scale,
  tagLeft: number,
  tagWidth: number,
): void {
  const { f } = scene;
  const pxPerMs = (xScale.to - xScale.from) / (xScale.max - xScale.min);
  const maxLong = Math.max(0, ...buckets.map((b) => b.longUsd));
  const maxShort = Math.max(0, ...buckets.map((b) => b.shortUsd));
  const big = Math.max(maxLong, maxShort);
  const empty = !(big > 0);

  // One scale for both sides; each side keeps at least a third of the biggest bar's room for its label.
  const step = empty ? 1 : niceStep(big, 2);
  const down = Math.max(maxLong, big * 0.3) * 1.04;
  const up = Math.max(maxShort, big * 0.3) * 1.04;
  const min = empty ? -1 : -Math.ceil(down / step) * step;
  const max = empty ? 1 : Math.ceil(up / step) * step;
  const i = scene.panel(area, x, { min, max, interval: step, label: empty ? undefined : (v) => usd(Math.abs(v)), gridLines: !empty });

  const barWidth = Math.max(1, Math.floor(bucketMs * pxPerMs * 0.78));
  const mid = bucketMs / 2;
  const bars = (name: string, color: string, data: [number, number][]): void =>
    scene.add({ type: 'bar', name, xAxisIndex: i, yAxisIndex: i, silent: true, stack: 'liq', z: 3, barWidth, itemStyle: { color }, data });
  bars('Shorts liquidated', COLORS.short, buckets.filter((b) => b.shortUsd > 0).map((b) => [b.ts + mid, b.shortUsd]));
  bars('Longs liquidated', COLORS.long, buckets.filter((b) => b.longUsd > 0).map((b) => [b.ts + mid, -b.longUsd]));

  if (empty) {
    emptyNote(scene, area, input.noData ?? input.emptyNote ?? 'No liquidations in this window');
    return;
  }
  // The zero line the two sides grow from.
  const zeroY = area.top + (max / (max - min)) * area.height;
  scene.draw(line(area.left, zeroY, area.left + area.width, zeroY, COLORS.axis, Math.max(1, scene.k * 1.5), undefined, 4));
  for (const { from, to, label } of hatchedSpans(input, bucketMs)) hatch(scene, { ...area, left: toPx(xScale, from), width: toPx(xScale, to) - toPx(xScale, from) }, label);

  // The legend sits in the tag column beside the panel: side, direction and total, so colour is never needed.
  const shortsY = Math.min(zeroY - f.tag * 1.4, area.top + f.tag);
  const longsY = Math.max(zeroY + f.tag * 0.9, area.top + area.height - f.tag * 1.6);
  const legend = (y: number, arrow: string, name: string, total: number, color: string): void => {
    scene.draw(rect({ left: tagLeft, top: y - f.tag * 0.45, width: f.tag * 0.9, height: f.tag * 0.9 }, color, 9, 2));
    const head = `${arrow} ${name} `;
    scene.text(tagLeft + f.tag * 1.3, y, head, { size: f.tag, bold: true, color });
    const hw = scene.measure(head, f.tag, true);
    scene.text(tagLeft + f.tag * 1.3 + hw, y, scene.fit(usd(total), f.tag, false, tagWidth - f.tag * 1.3 - hw), { size: f.tag, color: COLORS.text });
  };
  legend(Math.max(area.top + f.tag * 0.6, shortsY), '▲', 'Shorts', input.totals.shortUsd, COLORS.short);
  legend(Math.min(area.top + area.height - f.tag * 0.6, longsY), '▼', 'Longs', input.totals.longUsd, COLORS.long);
}
