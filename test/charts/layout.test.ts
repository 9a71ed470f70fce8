import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { fontFiles, loadMeasure, normalizeSvg } from '../../src/charts/engine.js';
import { parseFontMetrics } from '../../src/charts/fontMetrics.js';
import { niceStep, priceAxis, spreadTags, timeTicks } from '../../src/charts/layout.js';
import { buildLiqsOption, coverageText, mergeBuckets } from '../../src/charts/liqs.js';
import { jan31Liqs, JAN31 } from './fixtures.js';

const HOUR = 3_600_000;

describe('spreadTags', () => {
  const tall = (): number => 40;

  it('leaves tags that do not collide where they point', () => {
    const placed = spreadTags([{ item: 'a', y: 100 }, { item: 'b', y: 300 }], tall, 0, 400, 5);
    expect(placed.map((p) => p.y)).toEqual([100, 300]);
  });

  it('nudges colliding tags apart around where they point, never overlapping', () => {
    const placed = spreadTags([{ item: 'a', y: 200 }, { item: 'b', y: 205 }, { item: 'c', y: 210 }], tall, 0, 400, 5);
    for (let i = 1; i < placed.length; i++) expect(placed[i]!.y - placed[i - 1]!.y).toBeGreaterThanOrEqual(45);
    // The cluster stays centred on its anchors rather than being pushed all one way.
    expect(placed[1]!.y).toBeCloseTo(205, 0);
  });

  it('keeps tags inside the bounds', () => {
    const placed = spreadTags([{ item: 'a', y: -50 }, { item: 'b', y: 395 }], tall, 0, 400, 5);
    expect(placed[0]!.y - 20).toBeGreaterThanOrEqual(0);
    expect(placed[1]!.y + 20).toBeLessThanOrEqual(400);
  });

  it('merges the closest neighbours when there is no room for all', () => {
    const tags = [10, 12, 150, 290].map((y, i) => ({ item: `t${i}`, y }));
    const placed = spreadTags(tags, (items) => 20 + 25 * items.length, 0, 175, 5);
    expect(placed.length).toBeLessThan(4);
    expect(placed[0]!.items).toEqual(['t0', 't1']);
    expect(placed.flatMap((p) => p.items).sort()).toEqual(['t0', 't1', 't2', 't3']);
  });

  it('merges a tag pushed further than maxShift from its anchor', () => {
    const tags = [{ item: 'a', y: 380 }, { item: 'b', y: 390 }];
    expect(spreadTags(tags, () => 100, 0, 400, 10).length).toBe(2);
    expect(spreadTags(tags, () => 100, 0, 400, 10, 60).length).toBe(1);
  });
});

describe('axes', () => {
  it('picks nice steps', () => {
    expect(niceStep(1000, 5)).toBe(200);
    expect(niceStep(47e6, 2)).toBe(25e6);
    expect(niceStep(0, 5)).toBe(1);
  });

  it('includes a nearby level in the price range but not one far away', () => {
    const axis = priceAxis([2400, 3050], [2350, 3000, 4000]);
    expect(axis.min).toBeLessThanOrEqual(2350);
    expect(axis.max).toBeGreaterThanOrEqual(3050);
    expect(axis.max).toBeLessThan(4000);
  });

  it('labels UTC hours, and the day at midnight', () => {
    const ticks = timeTicks(JAN31, JAN31 + 24 * HOUR, 8);
    expect(ticks.map((t) => t.label)).toEqual(['Jan 31', '03:00', '06:00', '09:00', '12:00', '15:00', '18:00', '21:00', 'Feb 1']);
  });
});

describe('liquidation bars', () => {
  const measure = loadMeasure();

  it('draws shorts above the zero line and longs below it', () => {
    const option = buildLiqsOption(jan31Liqs(), 1200, 675, measure) as { series: { type: string; name?: string; data: [number, number][] }[] };
    const bars = option.series.filter((s) => s.type === 'bar');
    const longs = bars.find((s) => s.name === 'Longs liquidated')!;
    const shorts = bars.find((s) => s.name === 'Shorts liquidated')!;
    expect(longs.data.length).toBeGreaterThan(0);
    expect(longs.data.every(([, v]) => v < 0)).toBe(true);
    expect(shorts.data.every(([, v]) => v > 0)).toBe(true);
    expect(-longs.data.reduce((s, [, v]) => s + v, 0)).toBe(470_100_000);
  });

  it('merges buckets too thin to see, keeping the sums', () => {
    const buckets = [0, 1, 2, 3, 4].map((i) => ({ ts: i * 60_000, longUsd: 10, shortUsd: 1 }));
    const merged = mergeBuckets(buckets, 0, 60_000, 2);
    expect(merged).toEqual([
      { ts: 0, longUsd: 20, shortUsd: 2 },
      { ts: 120_000, longUsd: 20, shortUsd: 2 },
      { ts: 240_000, longUsd: 10, shortUsd: 1 },
    ]);
  });

  it('names each venue once in the footer', () => {
    expect(coverageText({ exchanges: ['binanceusdm', 'binance', 'bybit'], sampled: ['binanceusdm'], synthetic: false })).toBe(
      'Sources: Binance*, Bybit · *sampled: lower bounds',
    );
    expect(coverageText({ exchanges: ['bybit'], sampled: [], synthetic: false })).toBe('Sources: Bybit');
  });
});

describe('rendering plumbing', () => {
  it('measures text with the bundled font (digits in Inter are wider than ECharts assumes)', () => {
    const inter = parseFontMetrics(readFileSync(fontFiles().regular));
    expect(inter.width('0', 20)).toBeGreaterThan(11);
    expect(inter.width('00', 20)).toBeCloseTo(2 * inter.width('0', 20));
    for (const ch of '▲▼·–−…') expect(inter.has(ch.codePointAt(0)!), ch).toBe(true);
  });

  it('renumbers the per-instance ids ECharts puts in its SVG', () => {
    const a = '<svg><style>.zr3-cls-7:hover{cursor:pointer}</style><clipPath id="zr3-c0"/><path class="zr3-cls-7" clip-path="url(#zr3-c0)"/></svg>';
    expect(normalizeSvg(a)).toBe('<svg><clipPath id="chart-c0"/><path clip-path="url(#chart-c0)"/></svg>');
  });

  it('loads echarts, resvg and opentype.js only when a chart is drawn (no static imports)', () => {
    const dir = join(import.meta.dirname, '../../src/charts');
    for (const file of readdirSync(dir).filter((f) => f.endsWith('.ts'))) {
      const source = readFileSync(join(dir, file), 'utf8');
      const staticImports = [...source.matchAll(/^import\s+(?!type\b)[^;]*from\s+'(echarts|@resvg\/resvg-js|opentype\.js)[^']*'/gm)];
      expect(staticImports.map((m) => `${file}: ${m[0]}`)).toEqual([]);
    }
  });
});
