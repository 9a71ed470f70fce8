/**
 * The pieces both charts are made of — header, price panel, level lines and tags, the estimated liquidation
 * map, time axis, footer — drawn into one ECharts option. Positions are computed here in pixels (axes have
 * fixed ranges), so labels can be placed exactly and kept from overlapping.
 */
import type { EChartsOption } from 'echarts';
import { breakWord, clock, day, levelText, pct, price, usd, whenWord } from '../replies/format.js';
import type { Measure } from './engine.js';
import { candleRange, priceAxis, spreadTags, timeTicks, toPx, type PriceAxis, type Scale } from './layout.js';
import { alpha, COLORS, FONT_FAMILY, fonts, roleColor, type FontSizes } from './theme.js';
import type { ChartLevel, PricePoint } from './types.js';
import type { LiqBin } from '../core/liqmap.js';
import { localDay, zoneLabel } from '../replies/zone.js';

export interface Rect {
  left: number;
  top: number;
  width: number;
  height: number;
}

/** A graphic element as ECharts takes it (rect, line, polyline, text, polygon). */
export type Shape = Record<string, unknown> & { type: string };

/** Collects grids, axes, series and free shapes, and hands them to ECharts as one option. */
export class Scene {
  readonly f: FontSizes;
  /** Scale factor against the 1200×675 design size. */
  readonly k: number;
  private grids: Record<string, unknown>[] = [];
  private xAxes: Record<string, unknown>[] = [];
  private yAxes: Record<string, unknown>[] = [];
  private series: Record<string, unknown>[] = [];
  private shapes: Shape[] = [];

  constructor(
    readonly width: number,
    readonly height: number,
    readonly measure: Measure,
  ) {
    this.k = Math.max(0.6, Math.min(width / 1200, height / 675, 2.5));
    this.f = fonts(this.k);
  }

  /** Pixels scaled from the design size. */
  px(designPx: number): number {
    return Math.round(designPx * this.k);
  }

  /** A panel with fixed x (time) and y ranges; returns its index for series. */
  panel(rect: Rect, x: { min: number; max: number }, y: { min: number; max: number; interval: number; label?: (v: number) => string; gridLines?: boolean }): number {
    const i = this.grids.length;
    this.grids.push({ ...rect, outerBoundsMode: 'none', show: true, backgroundColor: COLORS.panel, borderWidth: 0 });
    // `containShape: false`: ECharts 6 otherwise widens a bar or candle axis beyond min/max by half the smallest gap
    // between bars (hours when few buckets have data), and every bar drifts off the time grid, the cascade bands and
    // the level lines drawn here in pixels. The caller pads the range itself (layout.ts timeDomain).
    this.xAxes.push({ type: 'value', gridIndex: i, min: x.min, max: x.max, containShape: false, show: false, splitLine: { show: false } });
    this.yAxes.push({
      type: 'value',
      gridIndex: i,
      min: y.min,
      max: y.max,
      interval: y.interval,
      position: 'left',
      axisLine: { show: false },
      axisTick: { show: false },
      splitLine: { show: y.gridLines ?? true, lineStyle: { color: COLORS.grid, width: 1 } },
      axisLabel: {
        show: y.label !== undefined,
        color: COLORS.label,
        fontFamily: 'Inter',
        fontSize: this.f.axis,
        margin: this.px(8),
        formatter: y.label,
        showMinLabel: true,
        showMaxLabel: true,
        // Edge labels lean inwards, so stacked panels never print two labels on one line.
        verticalAlignMinLabel: 'bottom',
        verticalAlignMaxLabel: 'top',
      },
    });
    return i;
  }

  add(series: Record<string, unknown>): void {
    this.series.push(series);
  }

  draw(...shapes: Shape[]): void {
    this.shapes.push(...shapes);
  }

  text(x: number, y: number, text: string, opts: { size: number; bold?: boolean; color?: string; align?: 'left' | 'center' | 'right'; valign?: 'top' | 'middle' | 'bottom'; z?: number }): void {
    this.draw({
      type: 'text',
      z: opts.z ?? 20,
      silent: true,
      style: {
        x,
        y,
        text,
        fill: opts.color ?? COLORS.text,
        // Separate properties, not the `font` shorthand: resvg reads font-size/-weight/-family only.
        fontFamily: FONT_FAMILY,
        fontSize: opts.size,
        fontWeight: opts.bold ? 600 : 400,
        textAlign: opts.align ?? 'left',
        textVerticalAlign: opts.valign ?? 'middle',
      },
    });
  }

  /** `text` cut with an ellipsis to fit `maxWidth`. */
  fit(text: string, size: number, bold: boolean, maxWidth: number): string {
    if (this.measure(text, size, bold) <= maxWidth) return text;
    let s = text;
    while (s.length > 1 && this.measure(`${s}…`, size, bold) > maxWidth) s = s.slice(0, -1);
    return `${s.trimEnd()}…`;
  }

  /** `text` shortened at a word boundary to fit `maxWidth` ("March range…", never "March ra…"); a single long word is cut. */
  fitWords(text: string, size: number, bold: boolean, maxWidth: number): string {
    if (this.measure(text, size, bold) <= maxWidth) return text;
    const words = text.split(' ');
    for (let n = words.length - 1; n >= 1; n--) {
      const s = `${words.slice(0, n).join(' ').replace(/[\s·,;:–—-]+$/, '')}…`;
      if (this.measure(s, size, bold) <= maxWidth) return s;
    }
    return this.fit(text, size, bold, maxWidth);
  }

  /** The largest size (down to `least` of `size`, 70% unless told) at which `text` fits `maxWidth`. */
  shrink(text: string, size: number, bold: boolean, maxWidth: number, least = 0.7): number {
    let s = size;
    while (s > size * least && this.measure(text, s, bold) > maxWidth) s -= 1;
    return s;
  }

  option(): EChartsOption {
    return {
      animation: false,
      backgroundColor: COLORS.background,
      textStyle: { fontFamily: 'Inter' },
      grid: this.grids,
      xAxis: this.xAxes,
      yAxis: this.yAxes,
      series: this.series,
      graphic: { elements: this.shapes },
    } as EChartsOption;
  }
}

/** A straight line shape. */
export const line = (x1: number, y1: number, x2: number, y2: number, stroke: string, width: number, dash?: number[], z = 5): Shape => ({
  type: 'line',
  z,
  silent: true,
  shape: { x1, y1, x2, y2 },
  style: { stroke, lineWidth: width, ...(dash ? { lineDash: dash } : {}) },
});

/** A filled rectangle shape, optionally rounded. */
export const rect = (r: Rect, fill: string, z = 1, radius = 0): Shape => ({
  type: 'rect',
  z,
  silent: true,
  shape: { x: r.left, y: r.top, width: r.width, height: r.height, r: radius },
  style: { fill },
});

/** A last price older than this before the chart's end is not "now": the /levels reply's "no price since" threshold. */
const STALE_PRICE_MS = 60 * 60_000;

/**
 * When the last price is too old to call "now" (more than an hour, and two bars, before the chart's end), its time;
 * else undefined. The reply then says "Last price $1,618 at Apr 13 16:19: no price since", and so must the chart.
 */
export function staleSince(priceTs: number | undefined, to: number, stepMs: number): number | undefined {
  return priceTs !== undefined && to - priceTs > Math.max(STALE_PRICE_MS, 2 * stepMs) ? priceTs : undefined;
}

/** The last price's tag: "now", or "last · 16:19" ("last · Apr 13 16:19" on another day) when it is stale. */
export function lastName(stale: number | undefined, span: Span): string {
  return stale === undefined ? 'now' : `last · ${whenOnChart(stale, span)}`;
}

/** The subtitle's words for a stale price: "no price since 16:19" (or "… since Apr 13 16:19"). */
export function noPriceSince(stale: number | undefined, span: Span): string {
  return stale === undefined ? '' : `no price since ${whenOnChart(stale, span)}`;
}

/** The headline: a rich title on the left, the last price and the window's change on the right. */
export function header(scene: Scene, title: { text: string; color: string }[], subtitle: string, last?: { price: number; change?: number }): void {
  const { f } = scene;
  const x = scene.px(24);
  let right = scene.width - scene.px(24);
  if (last) {
    const changeText = last.change === undefined ? '' : pct(last.change);
    const changeW = changeText ? scene.measure(changeText, f.subtitle, true) : 0;
    scene.text(right, scene.px(30), price(last.price), { size: f.headline, bold: true, align: 'right' });
    if (changeText) {
      const color = last.change! < 0 ? COLORS.long : last.change! > 0 ? COLORS.short : COLORS.label;
      scene.text(right, scene.px(62), changeText, { size: f.subtitle, bold: true, color, align: 'right' });
    }
    right -= Math.max(scene.measure(price(last.price), f.headline, true), changeW) + scene.px(28);
  }
  const full = title.map((t) => t.text).join('');
  const size = scene.shrink(full, f.title, true, right - x);
  let cx = x;
  for (const part of title) {
    const t = scene.fit(part.text, size, true, right - cx);
    scene.text(cx, scene.px(30), t, { size, bold: true, color: part.color });
    cx += scene.measure(t, size, true);
    if (cx >= right) break;
  }
  scene.text(x, scene.px(62), scene.fit(subtitle, f.subtitle, false, right - x), { size: f.subtitle, color: COLORS.label });
}

/** "Jan 31, 00:00 – Feb 1, 00:00 UTC", or "Jan 31, 03:00–04:00 UTC" within one day (in the display zone). */
export function windowText(from: number, to: number): string {
  const sameDay = localDay(from) === localDay(to);
  return sameDay ? `${day(from)}, ${clock(from)}–${clock(to)} ${zoneLabel(to)}` : `${day(from)}, ${clock(from)} – ${day(to, from)}, ${clock(to)} ${zoneLabel(to)}`;
}

/**
 * The price panel's axis: prices (bodies, and wicks unless one is far out: candleRange) and the levels near them;
 * `fallback` prices (the last price, say) when none are known.
 */
export function priceRange(prices: PricePoint[], levels: ChartLevel[], fallback: number[], ticks: number): PriceAxis {
  const range = candleRange(prices);
  const values = range ? [range.lo, range.hi] : [];
  const levelValues = levels.flatMap((l) => (typeof l.level === 'number' ? [l.level] : [l.level[0], l.level[1]]));
  return priceAxis(values.length ? values : fallback, levelValues, ticks);
}

/** The horizontal layout both charts share: axis labels | plot | (liquidation map) | gutter | tag column. */
export interface Columns {
  plotLeft: number;
  plotRight: number;
  /** Where level lines end, before the gutter to the tags. */
  lineEnd: number;
  tagLeft: number;
  tagWidth: number;
  /** 0 without a liquidation map. */
  mapWidth: number;
}

export function columns(scene: Scene, axisLabelWidth: number, tagWidth: number, withMap: boolean): Columns {
  const px = (v: number): number => scene.px(v);
  const tw = px(tagWidth);
  const tagLeft = scene.width - px(16) - tw;
  const mapWidth = withMap ? px(120) : 0;
  const lineEnd = tagLeft - px(22);
  return { plotLeft: px(24) + axisLabelWidth + px(10), plotRight: lineEnd - (mapWidth ? mapWidth + px(8) : 0), lineEnd, tagLeft, tagWidth: tw, mapWidth };
}

/**
 * The decimals an axis with ticks `step` apart needs, the same for every tick ($2.30 · $2.20 · $2.00, never $2.3 ·
 * $2): the step's own, and cents where it has one decimal (prices are read in cents: $2.30, not $2.3).
 */
export function tickDecimals(step: number): number {
  if (!(step > 0) || !Number.isFinite(step)) return 0;
  let d = 0;
  while (d < 12 && Math.abs(Math.round(step * 10 ** d) - step * 10 ** d) > 1e-6 * 10 ** d * step) d++;
  return d === 1 ? 2 : d;
}

const tickFormats = new Map<number, Intl.NumberFormat>();

/** Axis label for a price tick, with the decimals of the axis step: $2,400 · $212.50 · $0.00000830. */
export function priceTick(v: number, step: number): string {
  const d = tickDecimals(step);
  let fmt = tickFormats.get(d);
  if (!fmt) tickFormats.set(d, (fmt = new Intl.NumberFormat('en-US', { minimumFractionDigits: d, maximumFractionDigits: d })));
  const text = fmt.format(Math.abs(v));
  return `${v < 0 ? '-' : ''}$${text}`;
}

/**
 * Wicks the axis leaves out (candleRange): the farthest on each side, where it goes (a −40% print: "wick → $1,010").
 * Each candle is cut at the axis edge; the label says what was cut.
 */
export function clippedWicks(prices: readonly PricePoint[], y: { min: number; max: number }): { ts: number; price: number; side: 'low' | 'high' }[] {
  const out: { ts: number; price: number; side: 'low' | 'high' }[] = [];
  let low: PricePoint | undefined;
  let high: PricePoint | undefined;
  for (const p of prices) {
    if (p.low < y.min && (!low || p.low < low.low)) low = p;
    if (p.high > y.max && (!high || p.high > high.high)) high = p;
  }
  if (high) out.push({ ts: high.ts, price: high.high, side: 'high' });
  if (low) out.push({ ts: low.ts, price: low.low, side: 'low' });
  return out;
}

/**
 * Candles when each has room (≥ 4 px), else a close line; a lone price or two are candles however thin (one point is
 * no line). With `yScale`, a wick beyond the axis is cut at its edge and labelled with where it went.
 */
export function drawPrice(scene: Scene, gridIndex: number, prices: PricePoint[], bucketMs: number, xScale: Scale, yScale?: Scale): void {
  if (!prices.length) return;
  const pxPerBucket = Math.abs(toPx(xScale, xScale.min + bucketMs) - toPx(xScale, xScale.min));
  const mid = bucketMs / 2;
  if (yScale) {
    const lo = Math.min(yScale.min, yScale.max);
    const hi = Math.max(yScale.min, yScale.max);
    for (const w of clippedWicks(prices, { min: lo, max: hi })) {
      const x = toPx(xScale, w.ts + mid);
      const y = toPx(yScale, w.side === 'low' ? lo : hi) + (w.side === 'low' ? -scene.px(14) : scene.px(14));
      const text = `wick → ${price(w.price)}`;
      const width = scene.measure(text, scene.f.tagNote) + scene.px(10);
      // Beside the cut wick, on whichever side has room in the panel.
      const right = x + scene.px(6) + width <= Math.max(xScale.from, xScale.to);
      const left = right ? x + scene.px(6) : x - scene.px(6) - width;
      scene.draw(rect({ left, top: y - scene.f.tagNote * 0.7, width, height: scene.f.tagNote * 1.4 }, alpha(COLORS.background, 0.85), 11, scene.px(4)));
      scene.text(left + scene.px(5), y, text, { size: scene.f.tagNote, color: COLORS.label, z: 12 });
    }
    prices = prices.map((p) => ({ ...p, low: Math.max(lo, p.low), high: Math.min(hi, p.high) }));
  }
  if ((pxPerBucket >= 4 || prices.length <= 2) && prices.length <= 200) {
    scene.add({
      type: 'candlestick',
      xAxisIndex: gridIndex,
      yAxisIndex: gridIndex,
      silent: true,
      z: 3,
      barWidth: Math.max(2, Math.floor(pxPerBucket * 0.72)),
      itemStyle: { color: COLORS.short, color0: COLORS.long, borderColor: COLORS.short, borderColor0: COLORS.long, borderWidth: 1 },
      data: prices.map((p) => [p.ts + mid, p.open, p.close, p.low, p.high]),
      encode: { x: 0, y: [1, 2, 3, 4] },
    });
  } else {
    scene.add({
      type: 'line',
      xAxisIndex: gridIndex,
      yAxisIndex: gridIndex,
      silent: true,
      z: 3,
      symbol: 'none',
      lineStyle: { color: COLORS.price, width: Math.max(1.5, scene.k * 2) },
      data: prices.map((p) => [p.ts + mid, p.close]),
    });
  }
}

/** The window a chart shows, for saying when something happened in it (or before it). */
export interface Span {
  from: number;
  to: number;
}

/**
 * When something happened, as the chart's reader needs it: "13:45" on the chart's last (local) day, "Apr 6 13:45" on
 * another day or before the chart begins, as the replies say it (whenWord) — a bare time could be read off the wrong day.
 * The last day is that of the chart's last moment: a window ending at midnight is all of the day before.
 */
export function whenOnChart(ts: number, span?: Span): string {
  if (!span) return clock(ts);
  return ts < span.from ? `${day(ts, span.to)} ${clock(ts)}` : whenWord(ts, span.to - 1);
}

/**
 * What happened at a level, in the words the replies use: "lost 12:30", "broke up 11:30", "reclaimed 19:00",
 * "failed breakout 15:10" (with the day when it was another day: "lost Apr 6 13:45"), "holding", "chopping";
 * "testing" in front when price is at it.
 */
export function stateWords(l: ChartLevel, span?: Span): string {
  if (l.state === 'chopping') return 'chopping';
  if (l.state === 'unknown') return 'no price yet';
  if (l.unconfirmed) return `${l.state === 'testing' ? 'testing, ' : ''}no ${l.unconfirmed} close yet`;
  const base = l.state === 'testing' ? (l.baseState ?? 'holding') : l.state;
  const words = toldWords(l, base, span);
  // Across from its confirmed side, no close confirming a break: where price is and what the closes told, the /levels
  // row's two facts ("price back above, lost 12:30"; never broken, "price below, support"), not "now support".
  if (l.across) return `price ${l.lastBreak ? 'back ' : ''}${l.across}, ${acrossTold(l, words)}`;
  if (l.state === 'testing') return base === 'holding' ? 'testing' : `testing, ${words}`;
  return words;
}

/** What the chat was told of a level: "lost 12:30", "reclaimed 19:00", "holding". */
function toldWords(l: ChartLevel, base: string, span?: Span): string {
  const br = l.lastBreak;
  if (base === 'broken') return br ? `${breakWord(br.direction, false)} ${whenOnChart(br.ts, span)}` : 'broken';
  if (base === 'reclaimed' || base === 'failed_breakout') return br ? `${breakWord(br.direction, true)} ${whenOnChart(br.ts, span)}` : 'reclaimed';
  return 'holding';
}

/** The closes' side of a level price is across: its last break's words, or, never broken, the role of that side. */
function acrossTold(l: ChartLevel, words: string): string {
  return words === 'holding' ? (l.across === 'above' ? 'resistance' : 'support') : words;
}

/**
 * A level's note line, the same on both charts: a break says what happened and what the level is now
 * ("broke up 11:30, now support"), anything else its role first ("support · holding"); `distance` adds
 * how far it is from price.
 */
export function levelNote(l: ChartLevel, distance = false, span?: Span): string {
  const words = stateWords(l, span);
  const dist = distance && l.role !== 'inside' ? ` · ${pct(l.distancePct / 100)}` : '';
  const base = l.state === 'testing' ? (l.baseState ?? 'holding') : l.state;
  // Price across it from its confirmed side: both facts, not "now support" where no close confirmed a reclaim.
  if (l.across) return `${words}${dist}`;
  if (base === 'broken' && l.lastBreak) return `${words}, now ${l.role}${dist}`;
  // A level no close has put on a side: where price is, never a role (the /levels row's "price below").
  if (l.unconfirmed) return `${l.role === 'inside' ? 'price inside' : l.role === 'support' ? 'price above' : 'price below'} · ${words}${dist}`;
  return `${l.role === 'inside' ? 'price inside' : l.role} · ${words}${dist}`;
}

interface LevelTag {
  head: string;
  name?: string;
  note?: string;
  /** The state alone, for a tag with room for one row only. */
  state?: string;
  color: string;
  /** Where the tag points (px), and whether the level lies beyond the axis. */
  y: number;
  off?: 'above' | 'below';
  current?: boolean;
  /** The "+N more" row: points at nothing. */
  summary?: boolean;
}

export interface LevelOptions {
  /** The price panel and the x where the tag column starts. */
  plot: Rect;
  tagLeft: number;
  tagWidth: number;
  yScale: Scale;
  /** Note under a level's price: e.g. "resistance · broken". */
  note: (l: ChartLevel) => string;
  /** The last price, shown as a "now" tag in the same column. */
  last?: number;
  /** What the last price's tag says instead of "now" (a stale price: "last · 16:19"). */
  lastName?: string;
  /** The chart's window: a break on another day is told with its day. */
  span?: Span;
  /** A level's state alone, for a tag with room for one row (default: stateWords). */
  state?: (l: ChartLevel) => string;
  /** Lines run on through the liquidation map to the tags. */
  lineEnd: number;
  /** The time scale, for a level set inside the chart (`since`): its line starts there. */
  xScale?: Scale;
}

/** Where a level's line starts: the panel's left edge, or the moment it was set when that is inside the chart. */
export function lineStart(l: ChartLevel, plotLeft: number, lineEnd: number, xScale?: Scale): number {
  if (l.since === undefined || !xScale) return plotLeft;
  return Math.min(lineEnd, Math.max(plotLeft, toPx(xScale, l.since)));
}

/** Zones as bands, levels as lines, and a column of tags that never overlap (nudged apart or merged). */
export function drawLevels(scene: Scene, levels: ChartLevel[], o: LevelOptions): void {
  const { f } = scene;
  const top = o.plot.top;
  const bottom = o.plot.top + o.plot.height;
  const clampY = (y: number): number => Math.min(bottom, Math.max(top, y));
  const tags: LevelTag[] = [];

  for (const l of levels) {
    const color = roleColor(l.role);
    const broken = l.state === 'broken';
    const dash = broken ? [scene.px(8), scene.px(6)] : undefined;
    const lw = Math.max(1, scene.k * (l.state === 'testing' ? 2.5 : 1.75));
    const x0 = lineStart(l, o.plot.left, o.lineEnd, o.xScale);
    let anchor: number;
    let off: LevelTag['off'];
    if (typeof l.level === 'number') {
      const y = toPx(o.yScale, l.level);
      anchor = y;
      if (y < top) off = 'above';
      else if (y > bottom) off = 'below';
      else {
        scene.draw(line(x0, y, o.lineEnd, y, color, lw, dash, 6));
        // A level set inside the chart: a short upright mark where it begins.
        if (x0 > o.plot.left) scene.draw(line(x0, y - scene.px(6), x0, y + scene.px(6), color, lw, undefined, 6));
      }
    } else {
      const [lo, hi] = l.level[0] <= l.level[1] ? l.level : [l.level[1], l.level[0]];
      const yHi = toPx(o.yScale, hi);
      const yLo = toPx(o.yScale, lo);
      anchor = (yHi + yLo) / 2;
      if (yLo < top) off = 'above';
      else if (yHi > bottom) off = 'below';
      else {
        // A zone is a shaded band between its two edges on every chart, thick enough to read as a band.
        const minH = scene.px(6);
        const mid = (clampY(yHi) + clampY(yLo)) / 2;
        const y1 = Math.min(clampY(yHi), mid - minH / 2);
        const y2 = Math.max(clampY(yLo), mid + minH / 2);
        scene.draw(rect({ left: x0, top: y1, width: o.lineEnd - x0, height: Math.max(1, y2 - y1) }, alpha(color, 0.24), 1));
        scene.draw(line(x0, y1, o.lineEnd, y1, alpha(color, 0.9), Math.max(1, scene.k * 1.25), dash, 6));
        scene.draw(line(x0, y2, o.lineEnd, y2, alpha(color, 0.9), Math.max(1, scene.k * 1.25), dash, 6));
        if (x0 > o.plot.left) scene.draw(line(x0, y1, x0, y2, alpha(color, 0.9), Math.max(1, scene.k * 1.25), undefined, 6));
      }
    }
    const head = `${off === 'above' ? '▲ ' : off === 'below' ? '▼ ' : ''}${levelText(l.level)}`;
    tags.push({ head, name: l.label, note: o.note(l), state: o.state ? o.state(l) : stateWords(l, o.span), color, y: clampY(anchor), off });
  }
  if (o.last !== undefined) {
    const y = toPx(o.yScale, o.last);
    scene.draw(line(o.plot.left, y, o.lineEnd, y, alpha(COLORS.text, 0.35), 1, [2, 4], 4));
    tags.push({ head: price(o.last), name: o.lastName ?? 'now', color: COLORS.text, y: clampY(y), current: true });
  }

  // Short of room, tags first tighten their spacing; every tag keeps its state line.
  const loose = { pad: scene.px(6), lh1: Math.round(f.tag * 1.25), lh2: Math.round(f.tagNote * 1.3) };
  const tight = { pad: scene.px(3), lh1: Math.round(f.tag * 1.15), lh2: Math.round(f.tagNote * 1.15) };
  const gapOf = (sp: typeof loose): number => (sp === loose ? scene.px(5) : scene.px(3));
  const total = (sp: typeof loose): number =>
    tags.reduce((sum, t) => sum + sp.pad * 2 + sp.lh1 + (t.note ? sp.lh2 : 0) + gapOf(sp), -gapOf(sp));
  const spacing = total(loose) <= bottom - top + scene.px(8) ? loose : tight;
  const { pad, lh1, lh2 } = spacing;
  const heightOf = (items: LevelTag[]): number =>
    items.length === 1 ? pad * 2 + lh1 + (items[0]!.note ? lh2 : 0) : pad * 2 + lh1 * items.length;
  // More levels than rows even when all are merged: keep those nearest the price, say how many are left out.
  const room = bottom - top + scene.px(8);
  const rows = Math.floor((room - pad * 2) / lh1);
  const nowY = o.last !== undefined ? clampY(toPx(o.yScale, o.last)) : (top + bottom) / 2;
  if (tags.length > rows) {
    // Levels beyond the axis go first (their lines are not on the chart), then the farthest from the price.
    const byNearness = [...tags].sort((a, b) => Number(!!a.off) - Number(!!b.off) || Math.abs(a.y - nowY) - Math.abs(b.y - nowY) || a.y - b.y);
    const kept = byNearness.slice(0, Math.max(0, rows - 1));
    const left = byNearness.slice(kept.length);
    const above = left.filter((t) => t.y < nowY).length;
    tags.splice(0, tags.length, ...kept, {
      head: `+${left.length} more`,
      name: 'levels',
      color: COLORS.muted,
      y: above > left.length - above ? top : bottom,
      summary: true,
    });
  }
  // Still short of room (many levels), a tag's state moves up into its first row in place of its label
  // (farthest from the price first), before any merge: the state is what a tag is for.
  const gap = gapOf(spacing);
  const need = (): number => tags.reduce((sum, t) => sum + heightOf([t]) + gap, -gap);
  const byDistance = [...tags].sort((a, b) => Math.abs(b.y - nowY) - Math.abs(a.y - nowY));
  for (const t of byDistance) {
    if (need() <= room) break;
    if (!t.note) continue;
    t.name = t.state;
    delete t.note;
  }
  const placed = spreadTags(
    tags.map((t) => ({ item: t, y: t.y })),
    heightOf,
    top - scene.px(4),
    bottom + scene.px(4),
    gap,
  );

  const x = o.tagLeft;
  const w = o.tagWidth;
  for (const p of placed) {
    const tTop = p.y - p.height / 2;
    const current = p.items.length === 1 && p.items[0]!.current;
    scene.draw(rect({ left: x, top: tTop, width: w, height: p.height }, current ? '#2a3040' : '#1b202b', 8, scene.px(5)));
    p.items.forEach((t, i) => {
      const rowY = tTop + pad + lh1 * i + lh1 / 2;
      // Leader from where the level is to its row in the tag.
      if (!t.summary) scene.draw(line(o.lineEnd, t.y, x, rowY, t.current ? alpha(COLORS.text, 0.5) : t.color, Math.max(1, scene.k * 1.25), undefined, 7));
      scene.draw(rect({ left: x, top: p.items.length === 1 ? tTop : rowY - lh1 / 2, width: scene.px(4), height: p.items.length === 1 ? p.height : lh1 }, t.color, 9));
      const tx = x + scene.px(12);
      const headText = scene.fit(t.head, f.tag, true, w - scene.px(18));
      scene.text(tx, rowY, headText, { size: f.tag, bold: true, color: t.color, z: 10 });
      const used = scene.measure(`${headText} `, f.tag, true);
      if (t.name) {
        const space = w - scene.px(18) - used;
        if (space > scene.px(30)) scene.text(tx + used, rowY, scene.fitWords(t.name, f.tag, false, space), { size: f.tag, color: COLORS.text, z: 10 });
      }
      if (p.items.length === 1 && t.note) {
        // A dated break ("lost Apr 6 13:45, now resistance · +13%") runs a little long: a size smaller before any word is cut.
        const size = scene.shrink(t.note, f.tagNote, false, w - scene.px(18), 0.85);
        scene.text(tx, rowY + lh1 / 2 + lh2 / 2, scene.fitWords(t.note, size, false, w - scene.px(18)), { size, color: COLORS.label, z: 10 });
      }
    });
  }
}

/** Estimated liquidation clusters as horizontal bars beside the price panel, clearly marked as an estimate. */
export function drawLiqMap(scene: Scene, map: readonly LiqBin[], area: Rect, yScale: Scale): void {
  const { f } = scene;
  scene.draw(rect(area, COLORS.panel, 0));
  // Two short lines above the panel, so the word "estimate" is never cut off.
  const cx = area.left + area.width / 2;
  scene.text(cx, area.top - scene.px(30), scene.fit('Liq map', f.tagNote, true, area.width), { size: f.tagNote, bold: true, color: COLORS.label, align: 'center' });
  scene.text(cx, area.top - scene.px(12), scene.fit('estimate', f.tagNote, false, area.width), { size: f.tagNote, color: COLORS.muted, align: 'center' });
  const max = Math.max(...map.map((c) => c.usd), 0);
  if (!(max > 0)) return;
  const top = area.top;
  const bottom = area.top + area.height;
  // A dollar scale under the bars: the full bar width is the largest cluster's estimate.
  const barMax = area.width - scene.px(6);
  const scaleY = bottom + scene.px(5);
  scene.draw(line(area.left, scaleY, area.left + barMax, scaleY, COLORS.label, 1, undefined, 2));
  scene.draw(line(area.left + 0.5, scaleY - scene.px(3), area.left + 0.5, scaleY + scene.px(3), COLORS.label, 1, undefined, 2));
  scene.draw(line(area.left + barMax - 0.5, scaleY - scene.px(3), area.left + barMax - 0.5, scaleY + scene.px(3), COLORS.label, 1, undefined, 2));
  scene.text(area.left, scaleY + scene.px(12), '$0', { size: f.tagNote, color: COLORS.label });
  scene.text(area.left + barMax, scaleY + scene.px(12), usd(max), { size: f.tagNote, color: COLORS.label, align: 'right' });
  for (const c of map) {
    const y1 = Math.max(top, toPx(yScale, Math.max(c.low, c.high)));
    const y2 = Math.min(bottom, toPx(yScale, Math.min(c.low, c.high)));
    if (y2 <= y1) continue;
    const w = (c.usd / max) * barMax;
    const color = c.side === 'long' ? COLORS.long : COLORS.short;
    scene.draw(rect({ left: area.left, top: y1 + 0.5, width: w, height: Math.max(1, y2 - y1 - 1) }, alpha(color, 0.55), 2));
  }
  // Clusters beyond the price axis are not dropped without a word: how much lies above and below it.
  const hidden = hiddenClusters(map, yScale);
  // In a narrow column the arrow says the side: "▲ $4.49M" rather than "▲ $4.49M a…".
  const note = (y: number, text: string): void => {
    const room = area.width - scene.px(6);
    const t = scene.fit(scene.measure(text, f.tagNote) <= room ? text : text.replace(/ (above|below)$/, ''), f.tagNote, false, room);
    scene.draw(rect({ left: area.left, top: y - f.tagNote * 0.7, width: scene.measure(t, f.tagNote) + scene.px(8), height: f.tagNote * 1.4 }, alpha(COLORS.panel, 0.9), 3, scene.px(3)));
    scene.text(area.left + scene.px(4), y, t, { size: f.tagNote, color: COLORS.label, z: 4 });
  };
  if (hidden.above > 0) note(top + f.tagNote * 0.8, `▲ ${usd(hidden.above)} above`);
  if (hidden.below > 0) note(bottom - f.tagNote * 0.8, `▼ ${usd(hidden.below)} below`);
}

/** Estimated liquidations in clusters wholly beyond the price axis: above its top and below its bottom (USD). */
export function hiddenClusters(map: readonly LiqBin[], yScale: Scale): { above: number; below: number } {
  const lo = Math.min(yScale.min, yScale.max);
  const hi = Math.max(yScale.min, yScale.max);
  let above = 0;
  let below = 0;
  for (const c of map) {
    if (Math.min(c.low, c.high) >= hi) above += c.usd;
    else if (Math.max(c.low, c.high) <= lo) below += c.usd;
  }
  return { above, below };
}

/** Vertical time grid across the panels and time labels (the display zone's) under the lowest one. */
export function drawTimeAxis(scene: Scene, xScale: Scale, top: number, bottom: number, from: number, to: number): void {
  const width = Math.abs(xScale.to - xScale.from);
  const ticks = timeTicks(from, to, Math.max(2, Math.floor(width / scene.px(110))));
  for (const t of ticks) {
    const x = Math.round(toPx(xScale, t.ts)) + 0.5;
    scene.draw(line(x, top, x, bottom, COLORS.grid, 1, undefined, 0.5));
    const label = t.label;
    const w = scene.measure(label, scene.f.axis);
    const align = x - w / 2 < xScale.from - scene.px(4) ? 'left' : x + w / 2 > xScale.to + scene.px(4) ? 'right' : 'center';
    scene.text(x, bottom + scene.px(16), label, { size: scene.f.axis, color: COLORS.label, align });
  }
}

/** Bands over the panels for each cascade, with labels above the price panel that never overlap. */
export function drawCascades(
  scene: Scene,
  cascades: { from: number; to: number; side: 'long' | 'short'; usd: number }[],
  xScale: Scale,
  top: number,
  bottom: number,
  labelY: number,
  usdText: (usd: number) => string,
): void {
  const lo = Math.min(xScale.min, xScale.max);
  const hi = Math.max(xScale.min, xScale.max);
  const visible = cascades.filter((c) => c.to > lo && c.from < hi);
  for (const c of visible) {
    const x1 = toPx(xScale, Math.max(lo, c.from));
    const x2 = toPx(xScale, Math.min(hi, c.to));
    scene.draw(rect({ left: x1, top, width: Math.max(2, x2 - x1), height: bottom - top }, c.side === 'long' ? COLORS.longBand : COLORS.shortBand, 0.8));
    scene.draw(rect({ left: x1, top: top - scene.px(3), width: Math.max(2, x2 - x1), height: scene.px(3) }, c.side === 'long' ? COLORS.long : COLORS.short, 2));
  }
  const size = scene.f.tagNote;
  const label = (cs: typeof visible): string =>
    cs.length === 1 ? `Cascade ${usdText(cs[0]!.usd)}` : `${cs.length} cascades ${usdText(cs.reduce((s, c) => s + c.usd, 0))}`;
  const placed = spreadTags(
    visible.map((c) => ({ item: c, y: toPx(xScale, (Math.max(lo, c.from) + Math.min(hi, c.to)) / 2) })),
    (cs) => scene.measure(label(cs), size, true),
    xScale.from,
    xScale.to,
    scene.px(14),
    scene.px(60),
  );
  for (const p of placed) {
    const side = p.items[0]!.side;
    scene.text(p.y, labelY, label(p.items), { size, bold: true, color: side === 'long' ? COLORS.long : COLORS.short, align: 'center' });
  }
}

/** The footer: where the data comes from, and a warning when it is synthetic. */
export function footer(scene: Scene, left: string, synthetic: boolean): void {
  const y = scene.height - scene.px(20);
  const x = scene.px(24);
  let right = scene.width - scene.px(24);
  if (synthetic) {
    const warn = 'SYNTHETIC data, not real';
    scene.text(right, y, warn, { size: scene.f.footer, bold: true, color: COLORS.warn, align: 'right' });
    right -= scene.measure(warn, scene.f.footer, true) + scene.px(24);
  }
  scene.text(x, y, scene.fit(left, scene.f.footer, false, right - x), { size: scene.f.footer, color: COLORS.muted });
}

/** A message centred in an empty panel, on a plate so lines and bands behind it never cross the words. */
export function emptyNote(scene: Scene, area: Rect, text: string): void {
  const size = scene.f.empty;
  const w = scene.measure(text, size) + scene.px(36);
  const h = size * 2;
  const cx = area.left + area.width / 2;
  const cy = area.top + area.height / 2;
  scene.draw(rect({ left: cx - w / 2, top: cy - h / 2, width: w, height: h }, COLORS.background, 14, scene.px(8)));
  scene.text(cx, cy, text, { size, color: COLORS.label, align: 'center', z: 15 });
}
