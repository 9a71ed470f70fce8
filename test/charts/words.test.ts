/**
 * What the charts say, checked on the scene (the option's text shapes): the same words, days and times as the replies.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { EChartsOption } from 'echarts';
import { loadMeasure } from '../../src/charts/engine.js';
import { buildLevelsOption } from '../../src/charts/levels.js';
import { buildLiqsOption, unrecorded } from '../../src/charts/liqs.js';
import { buildDigestOption } from '../../src/charts/digest.js';
import { candleRange } from '../../src/charts/layout.js';
import { COLORS } from '../../src/charts/theme.js';
import { hiddenClusters, priceTick } from '../../src/charts/scene.js';
import { setTimeZone } from '../../src/replies/zone.js';
import type { ChartLevel } from '../../src/charts/types.js';
import { jan31Levels, jan31Liqs } from './fixtures.js';

const MIN = 60_000;
const HOUR = 60 * MIN;
const measure = loadMeasure();

/** Every text the scene draws (its free shapes). */
function texts(option: EChartsOption): string[] {
  const elements = (option.graphic as { elements: { type: string; style?: { text?: string } }[] }).elements;
  return elements.filter((e) => e.type === 'text').map((e) => e.style!.text!);
}

const lost = (ts: number): ChartLevel => ({ level: 1750, role: 'resistance', state: 'broken', distancePct: 13, lastBreak: { ts, direction: 'down' } });

describe('a break on another day says its day', () => {
  afterEach(() => setTimeZone('UTC'));
  // The auditor's window: Apr 6 14:00 → Apr 7 14:00 UTC.
  const to = Date.parse('2025-04-07T14:00:00Z');
  const window = (levels: ChartLevel[]) => jan31Levels({ from: to - 24 * HOUR, to, prices: [], price: 1550, levels });

  it('before the chart starts: "lost Apr 6 13:45", as the reply says it', () => {
    const t = texts(buildLevelsOption(window([lost(Date.parse('2025-04-06T13:45:00Z'))]), 1200, 675, measure));
    expect(t).toContain('lost Apr 6 13:45, now resistance · +13%');
  });

  it('within the chart but on the day before its end: dated too; on its last day: the time alone', () => {
    const t = texts(buildLevelsOption(window([lost(Date.parse('2025-04-06T17:00:00Z'))]), 1200, 675, measure));
    expect(t).toContain('lost Apr 6 17:00, now resistance · +13%');
    const today = texts(buildLevelsOption(window([lost(Date.parse('2025-04-07T09:15:00Z'))]), 1200, 675, measure));
    expect(today).toContain('lost 09:15, now resistance · +13%');
  });

  it('days are the display zone\'s: 23:30 UTC the night before is 08:30 the same day in Seoul', () => {
    const level = lost(Date.parse('2025-04-06T23:30:00Z'));
    expect(texts(buildLevelsOption(window([level]), 1200, 675, measure))).toContain('lost Apr 6 23:30, now resistance · +13%');
    setTimeZone('Asia/Seoul');
    expect(texts(buildLevelsOption(window([level]), 1200, 675, measure))).toContain('lost 08:30, now resistance · +13%');
  });

  it('the /liqs tags too', () => {
    const input = jan31Liqs();
    const t = texts(buildLiqsOption({ ...input, levels: [lost(input.from - 2 * HOUR)] }, 1200, 675, measure));
    expect(t).toContain('lost Jan 30 22:00, now resistance');
  });
});

describe('an old price is the last one, not "now"', () => {
  it('/levels: a price 10 h before the end is tagged "last · 16:19" and the subtitle says no price since', () => {
    const base = jan31Levels();
    const cut = base.from + 14 * HOUR;
    const prices = base.prices.filter((p) => p.ts < cut);
    const priceTs = cut - 15 * MIN + 4 * MIN;
    const t = texts(buildLevelsOption({ ...base, prices, price: prices.at(-1)!.close, priceTs }, 1200, 675, measure));
    expect(t).toContain('last · 13:49');
    expect(t).not.toContain('now');
    expect(t.some((s) => s.includes('no price since 13:49'))).toBe(true);
  });

  it('/levels: a price from the day before the end says its day', () => {
    const base = jan31Levels({ from: jan31Levels().from + 12 * HOUR, to: jan31Levels().to + 12 * HOUR });
    const priceTs = base.from + 4 * HOUR;
    const t = texts(buildLevelsOption({ ...base, prices: base.prices.filter((p) => p.ts < priceTs), priceTs }, 1200, 675, measure));
    expect(t).toContain('last · Jan 31 16:00');
  });

  it('/levels: a fresh price is still "now"', () => {
    const base = jan31Levels();
    const t = texts(buildLevelsOption({ ...base, priceTs: base.to - 2 * MIN }, 1200, 675, measure));
    expect(t).toContain('now');
    expect(t.some((s) => s.includes('no price since'))).toBe(false);
  });

  it('/liqs: candles stopping hours before the end are "last", not "now"', () => {
    const input = jan31Liqs();
    const prices = input.prices.filter((p) => p.ts < input.from + 14 * HOUR);
    const t = texts(buildLiqsOption({ ...input, prices, priceTs: input.from + 14 * HOUR - MIN }, 1200, 675, measure));
    expect(t).toContain('last · 13:59');
    expect(t.some((s) => s.includes('no price since 13:59'))).toBe(true);
    expect(texts(buildLiqsOption(input, 1200, 675, measure))).toContain('now');
  });
});

describe('where nothing was recorded, no $0', () => {
  const at = (iso: string): number => Date.parse(`2026-01-31T${iso}:00Z`);

  it('unrecorded: whole bars no stretch touches, clipped to the window', () => {
    expect(unrecorded([[at('16:50'), at('17:20')]], at('14:07'), at('18:07'), 15 * MIN)).toEqual([
      [at('14:07'), at('16:45')],
      [at('17:30'), at('18:07')],
    ]);
    expect(unrecorded([[at('14:00'), at('18:00')]], at('14:00'), at('18:00'), 15 * MIN)).toEqual([]);
  });

  it('the /liqs chart hatches what the prints leave out and says "prints … only" in its footer', () => {
    const input = jan31Liqs();
    const recorded = { stretches: [[at('16:50'), at('17:20')]] as [number, number][], note: 'prints 16:50–17:20 only' };
    const t = texts(buildLiqsOption({ ...input, recorded }, 1200, 675, measure));
    expect(t.filter((s) => s === 'no prints')).toHaveLength(2);
    expect(t.some((s) => s.endsWith('· prints 16:50–17:20 only'))).toBe(true);
    expect(texts(buildLiqsOption(input, 1200, 675, measure))).not.toContain('no prints');
  });
});

describe('one wick does not squash the chart', () => {
  const wicked = () => {
    const base = jan31Levels();
    const prices = base.prices.map((p, i) => (i === 60 ? { ...p, low: 1010 } : p));
    return { ...base, prices };
  };

  it('the axis is the day\'s, the wick is cut at its edge and says where it went', () => {
    const option = buildLevelsOption(wicked(), 1200, 675, measure) as unknown as { yAxis: { min: number; max: number }[]; series: { type: string; data: number[][] }[] };
    expect(option.yAxis[0]!.min).toBeGreaterThan(2000);
    expect(texts(option as unknown as EChartsOption)).toContain('wick → $1,010');
    const candles = option.series.find((s) => s.type === 'candlestick')!;
    expect(Math.min(...candles.data.map((d) => d[3]!))).toBeGreaterThanOrEqual(option.yAxis[0]!.min);
  });

  it('candleRange: bodies and ordinary wicks stay, one far-out wick goes, a level near price still pulls the axis', () => {
    const bars = Array.from({ length: 50 }, (_, i) => ({ open: 100 + (i % 5), close: 101 + (i % 5), high: 106 + (i % 3), low: 99 - (i % 3) }));
    expect(candleRange(bars)).toEqual({ lo: 97, hi: 108 });
    expect(candleRange([...bars, { open: 102, close: 103, high: 104, low: 60 }])).toEqual({ lo: 97, hi: 108 });
    // A crash's run of long wicks is the chart, not an outlier.
    const crash = bars.map((b, i) => (i >= 40 ? { ...b, low: 90 - i / 10 } : b));
    expect(candleRange(crash)!.lo).toBeLessThan(86);
    const input = wicked();
    const axis = (buildLevelsOption({ ...input, levels: [...input.levels, { level: 2250, role: 'support', state: 'holding', distancePct: -6 }] }, 1200, 675, measure) as unknown as { yAxis: { min: number }[] }).yAxis[0]!;
    expect(axis.min).toBeLessThanOrEqual(2250);
  });
});

describe('price-axis labels', () => {
  it('every tick with the same decimals, from the step: $2.30 · $2.00, $2,400, $0.00000830', () => {
    expect([2.3, 2.2, 2.1, 2, 1.9].map((v) => priceTick(v, 0.1))).toEqual(['$2.30', '$2.20', '$2.10', '$2.00', '$1.90']);
    expect([2400, 2350].map((v) => priceTick(v, 50))).toEqual(['$2,400', '$2,350']);
    expect([212.5, 210].map((v) => priceTick(v, 2.5))).toEqual(['$212.50', '$210.00']);
    expect([0.0000083, 0.000008].map((v) => priceTick(v, 0.0000001))).toEqual(['$0.0000083', '$0.0000080']);
    expect(priceTick(2.3000000000000003, 0.1)).toBe('$2.30');
  });
});

describe('the liquidation map beyond the price axis', () => {
  it('sums what lies above and below instead of dropping it, and says so', () => {
    const yScale = { min: 2300, max: 3100, from: 500, to: 100 };
    const map = [
      { low: 3200, high: 3225, side: 'short' as const, usd: 3e6 },
      { low: 3400, high: 3425, side: 'short' as const, usd: 1.5e6 },
      { low: 2500, high: 2525, side: 'long' as const, usd: 9e6 },
      { low: 2000, high: 2025, side: 'long' as const, usd: 2e6 },
    ];
    expect(hiddenClusters(map, yScale)).toEqual({ above: 4.5e6, below: 2e6 });
    const t = texts(buildLiqsOption(jan31Liqs({ liqMap: [...map, { low: 4000, high: 4025, side: 'short', usd: 4.5e6 }] }), 1200, 675, measure));
    expect(t).toContain('▲ $9M above');
    expect(t).toContain('▼ $2M below');
  });
});

describe('the digest draws a level from when it was set', () => {
  it('a level set on Apr 6 starts there, not at the week\'s start', () => {
    const HOURS = 7 * 24;
    const from = Date.parse('2025-03-31T14:00:00Z');
    const prices = Array.from({ length: HOURS }, (_, i) => ({ ts: from + i * HOUR, open: 83000, high: 83500, low: 82500, close: 83000 }));
    const since = Date.parse('2025-04-06T00:00:00Z');
    const level = { asset: 'BTC', level: 85000, since, watched: true, verdict: 'untested' as const, tests: 0 };
    const digest = { chat: 'c', from, to: from + HOURS * HOUR, levels: [level, { ...level, level: 81000, since: from }], right: [] };
    const option = buildDigestOption({ asset: 'BTC', digest, prices, synthetic: false }, 1200, 675, measure) as unknown as {
      grid: { left: number; width: number }[];
      xAxis: { min: number; max: number }[];
      graphic: { elements: { type: string; shape?: { x1: number; y1: number; x2: number; y2: number }; style?: { stroke?: string } }[] };
    };
    const g = option.grid[0]!;
    const a = option.xAxis[0]!;
    const sinceX = g.left + ((since - a.min) / (a.max - a.min)) * g.width;
    const horizontal = option.graphic.elements.filter((e) => e.type === 'line' && e.shape!.y1 === e.shape!.y2 && e.style!.stroke === COLORS.resistance);
    const starts = horizontal.map((e) => e.shape!.x1);
    expect(starts.some((x) => Math.abs(x - sinceX) < 0.5)).toBe(true);
    // The level set before the week: from the panel's left edge.
    expect(starts.some((x) => Math.abs(x - g.left) < 0.5)).toBe(false);
    const support = option.graphic.elements.filter((e) => e.type === 'line' && e.shape!.y1 === e.shape!.y2 && e.style!.stroke === COLORS.support);
    expect(support.some((e) => Math.abs(e.shape!.x1 - g.left) < 0.5)).toBe(true);
  });

  it('hourly candles keep an hour\'s width across a gap in the week (never guessed from their spacing)', () => {
    const from = Date.parse('2025-03-31T14:00:00Z');
    const prices = Array.from({ length: 7 * 24 }, (_, i) => ({ ts: from + i * HOUR, open: 83000, high: 83500, low: 82500, close: 83100 })).filter((_, i) => i < 40 || i >= 112);
    const digest = { chat: 'c', from, to: from + 7 * 24 * HOUR, levels: [], right: [] };
    const option = buildDigestOption({ asset: 'BTC', digest, prices, synthetic: false }, 1200, 675, measure) as unknown as {
      grid: { width: number }[];
      xAxis: { min: number; max: number }[];
      series: { type: string; barWidth?: number }[];
    };
    const hourPx = (HOUR / (option.xAxis[0]!.max - option.xAxis[0]!.min)) * option.grid[0]!.width;
    const candles = option.series.find((s) => s.type === 'candlestick')!;
    expect(candles.barWidth).toBeLessThanOrEqual(Math.max(2, Math.floor(hourPx * 0.72)));
  });
});
