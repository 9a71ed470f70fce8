/**
 * Pure geometry for the charts: nice axis ranges, UTC time ticks, and the label spreader that keeps
 * level tags from overlapping (nudging them apart, merging neighbours when there is no room).
 */
import { clock, day } from '../replies/format.js';
import { fromLocal, zoneOffset } from '../replies/zone.js';
import { DAY, HOUR, MINUTE } from '../core/time.js';

/** A "nice" step (1, 2, 2.5, 5 × 10^n) that splits `span` into about `count` parts. */
export function niceStep(span: number, count: number): number {
  if (!(span > 0) || !Number.isFinite(span)) return 1;
  const raw = span / Math.max(1, count);
  const mag = 10 ** Math.floor(Math.log10(raw));
  const norm = raw / mag;
  const nice = norm <= 1 ? 1 : norm <= 2 ? 2 : norm <= 2.5 ? 2.5 : norm <= 5 ? 5 : 10;
  return nice * mag;
}

/** A linear map from a value range onto a pixel range (y grows downwards on screen). */
export interface Scale {
  min: number;
  max: number;
  /** Pixel of `min` and of `max`. */
  from: number;
  to: number;
}

export function toPx(s: Scale, v: number): number {
  if (s.max === s.min) return (s.from + s.to) / 2;
  return s.from + ((v - s.min) / (s.max - s.min)) * (s.to - s.from);
}

export interface PriceAxis {
  min: number;
  max: number;
  step: number;
}

/**
 * The price range to draw: all prices, the levels near them (so a nearby level shows on the chart), some
 * headroom, rounded out to whole steps. Levels far outside stay off the axis; their tags pin to an edge.
 */
export function priceAxis(prices: number[], levels: number[], ticks = 5): PriceAxis {
  const finite = prices.filter(Number.isFinite);
  let lo = finite.length ? Math.min(...finite) : Math.min(...levels);
  let hi = finite.length ? Math.max(...finite) : Math.max(...levels);
  if (!Number.isFinite(lo) || !Number.isFinite(hi)) {
    lo = 0;
    hi = 1;
  }
  const ref = (lo + hi) / 2;
  // How far beyond the price range a level may pull the axis: half the range, at least 4% of price.
  const reach = Math.max((hi - lo) * 0.5, ref * 0.04);
  for (const l of levels) {
    if (l < lo && lo - l <= reach) lo = l;
    if (l > hi && l - hi <= reach) hi = l;
  }
  if (hi - lo < ref * 0.004) {
    lo -= ref * 0.002;
    hi += ref * 0.002;
  }
  const pad = (hi - lo) * 0.06;
  const step = niceStep(hi - lo + 2 * pad, ticks);
  return { min: Math.floor((lo - pad) / step) * step, max: Math.ceil((hi + pad) / step) * step, step };
}

/**
 * The time range the panels are drawn on: the window, widened to the whole of a bar that starts before it (a bucket
 * floored to the clock) or ends after it (the bucket still filling), so the first and last bars show whole. One range
 * for the axes and for everything drawn in pixels (bands, grid, level lines): a bar sits at its own time on both.
 */
export function timeDomain(from: number, to: number, series: readonly { points: readonly { ts: number }[]; stepMs: number }[]): { min: number; max: number } {
  let min = from;
  let max = to;
  for (const { points, stepMs } of series) {
    if (!points.length) continue;
    min = Math.min(min, points[0]!.ts);
    max = Math.max(max, points[points.length - 1]!.ts + stepMs);
  }
  return { min, max };
}

/** A price bar, as far as its range is concerned. */
interface Bar {
  open: number;
  high: number;
  low: number;
  close: number;
}

/**
 * The prices a price axis must show: every body, and every wick but those far beyond the rest (one −40% print would
 * squash the day into a sliver at the top). The extreme 2% of wicks on each side are set aside (from 20 bars on) and
 * come back when within half the range of the others; what is left out is drawn clipped and labelled (scene.ts drawPrice).
 */
export function candleRange(bars: readonly Bar[]): { lo: number; hi: number } | undefined {
  if (!bars.length) return undefined;
  const lows = bars.map((b) => b.low).filter(Number.isFinite).sort((a, b) => a - b);
  const highs = bars.map((b) => b.high).filter(Number.isFinite).sort((a, b) => b - a);
  const bodies = bars.flatMap((b) => [b.open, b.close]).filter(Number.isFinite);
  if (!bodies.length && !lows.length) return undefined;
  const skip = bars.length >= 20 ? Math.max(1, Math.floor(bars.length * 0.02)) : 0;
  let lo = Math.min(...bodies, lows[Math.min(skip, lows.length - 1)] ?? Infinity);
  let hi = Math.max(...bodies, highs[Math.min(skip, highs.length - 1)] ?? -Infinity);
  const slack = Math.max((hi - lo) * 0.5, ((hi + lo) / 2) * 0.01);
  // The wicks set aside that are not far out after all.
  lo = Math.min(lo, ...lows.filter((l) => l >= lo - slack));
  hi = Math.max(hi, ...highs.filter((h) => h <= hi + slack));
  return { lo, hi };
}

const TIME_STEPS = [MINUTE, 2 * MINUTE, 5 * MINUTE, 10 * MINUTE, 15 * MINUTE, 30 * MINUTE, HOUR, 2 * HOUR, 3 * HOUR, 4 * HOUR, 6 * HOUR, 12 * HOUR, DAY, 2 * DAY, 7 * DAY];

export interface TimeTick {
  ts: number;
  label: string;
}

/**
 * Ticks on whole steps of the display zone's clock (every 3h for a day, every 10m for an hour), labelled 14:00 —
 * or Jan 31 at midnight, so a window crossing days says which day it is.
 */
export function timeTicks(from: number, to: number, maxTicks: number): TimeTick[] {
  const span = to - from;
  if (!(span > 0)) return [];
  const step = TIME_STEPS.find((s) => span / s <= maxTicks) ?? Math.ceil(span / maxTicks / DAY) * DAY;
  // Whole steps of the zone's wall clock, each turned back into a moment with the offset in force then: a week
  // across a daylight-saving change keeps its day ticks on local midnight (UTC: offset 0, the steps as they are).
  const out: TimeTick[] = [];
  const end = to + zoneOffset(to);
  for (let wall = Math.ceil((from + zoneOffset(from)) / step) * step; wall <= end; wall += step) {
    const ts = fromLocal(wall, from);
    // A wall time the change skips or repeats gives a moment already ticked: one tick each.
    if (ts < from || ts > to || (out.length > 0 && ts <= out[out.length - 1]!.ts)) continue;
    out.push({ ts, label: (ts + zoneOffset(ts)) % DAY === 0 ? day(ts, from) : clock(ts) });
  }
  return out;
}

/** A tag to place: where it wants to be (its centre) and how tall it is. */
export interface Placed<T> {
  items: T[];
  /** The centre the tag was drawn at, and the centres its items point to. */
  y: number;
  height: number;
}

/**
 * Spreads tags along one axis within [top, bottom] so none overlap, each as close as it can to where it
 * points. When they cannot all fit, or one would end up more than `maxShift` from its anchor, the two
 * closest neighbours merge into one tag (the caller draws a merged tag listing both), until all is well.
 */
export function spreadTags<T>(
  tags: { item: T; y: number }[],
  heightOf: (items: T[]) => number,
  top: number,
  bottom: number,
  gap: number,
  maxShift = Infinity,
): Placed<T>[] {
  const groups: Group<T>[] = [...tags]
    .sort((a, b) => a.y - b.y)
    .map((t) => ({ items: [t.item], want: [t.y], height: heightOf([t.item]) }));
  const merge = (i: number): void => {
    const a = groups[i]!;
    const b = groups[i + 1]!;
    const items = [...a.items, ...b.items];
    groups.splice(i, 2, { items, want: [...a.want, ...b.want], height: heightOf(items) });
  };
  const closestPair = (candidates: number[]): number => {
    let best = candidates[0]!;
    let bestGap = Infinity;
    for (const i of candidates) {
      const d = mean(groups[i + 1]!.want) - mean(groups[i]!.want);
      if (d < bestGap) {
        bestGap = d;
        best = i;
      }
    }
    return best;
  };

  const need = (): number => groups.reduce((s, g) => s + g.height, 0) + gap * Math.max(0, groups.length - 1);
  while (groups.length > 1 && need() > bottom - top) merge(closestPair(groups.slice(1).map((_, i) => i)));

  for (;;) {
    const ys = placeRuns(groups, top, bottom, gap);
    let worst = -1;
    let worstShift = maxShift;
    ys.forEach((y, i) => {
      const shift = Math.abs(y - mean(groups[i]!.want));
      if (shift > worstShift) {
        worstShift = shift;
        worst = i;
      }
    });
    if (worst < 0 || groups.length < 2) return groups.map((g, i) => ({ items: g.items, y: ys[i]!, height: g.height }));
    // Merge the displaced tag with whichever neighbour is closer.
    merge(closestPair([worst - 1, worst].filter((i) => i >= 0 && i < groups.length - 1)));
  }
}

interface Group<T> {
  items: T[];
  want: number[];
  height: number;
}

/**
 * Runs of touching tags: each run sits where its tags want to be on average, within the bounds; runs
 * that collide merge and are placed again, until none overlap. Returns each group's centre.
 */
function placeRuns<T>(groups: Group<T>[], top: number, bottom: number, gap: number): number[] {
  type Run = { first: number; last: number; top: number };
  const offsets: number[] = [];
  const runHeight = (r: Run): number => {
    let h = 0;
    for (let i = r.first; i <= r.last; i++) h += groups[i]!.height + (i > r.first ? gap : 0);
    return h;
  };
  const place = (r: Run): Run => {
    let offset = 0;
    let sum = 0;
    for (let i = r.first; i <= r.last; i++) {
      const h = groups[i]!.height;
      offsets[i] = offset + h / 2;
      sum += mean(groups[i]!.want) - offsets[i]!;
      offset += h + gap;
    }
    r.top = Math.max(top, Math.min(sum / (r.last - r.first + 1), bottom - runHeight(r)));
    return r;
  };
  const runs: Run[] = groups.map((_, i) => place({ first: i, last: i, top: 0 }));
  for (let i = 0; i < runs.length - 1; ) {
    const a = runs[i]!;
    const b = runs[i + 1]!;
    if (a.top + runHeight(a) + gap > b.top) {
      runs.splice(i, 2, place({ first: a.first, last: b.last, top: 0 }));
      i = Math.max(0, i - 1);
    } else i++;
  }
  const ys: number[] = [];
  for (const r of runs) for (let i = r.first; i <= r.last; i++) ys[i] = r.top + offsets[i]!;
  return ys;
}

function mean(xs: number[]): number {
  return xs.reduce((a, b) => a + b, 0) / xs.length;
}
