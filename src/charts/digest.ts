/**
 * The weekly digest's chart: the week's price with each of the group's levels, tagged with what it did (held,
 * lost, reclaimed, not tested) instead of its distance from price. Built from the digest itself (core/digest.ts),
 * on the same scene as the `/levels` chart.
 */
import type { EChartsOption } from 'echarts';
import type { Digest, DigestLevel } from '../core/digest.js';
import type { ReplyImage } from '../replies/reply.js';
import { roleAt } from '../core/levels.js';
import type { LevelEpisode } from '../core/level-history.js';
import { breakVerb, digestZoneAt, verdictCounts, weekBreaks } from '../replies/digest.js';
import { clockAsOf, day, share } from '../replies/format.js';
import { engineMeasure, renderOption, type Measure } from './engine.js';
import { timeDomain, type Scale } from './layout.js';
import type { RenderedChart } from './render.js';
import { DEFAULT_SIZE } from './render.js';
import { RecentRenders } from './recent.js';
import { columns, drawLevels, drawPrice, drawTimeAxis, emptyNote, footer, header, priceRange, priceTick, Scene, type Rect } from './scene.js';
import { COLORS } from './theme.js';
import type { ChartLevel, PricePoint } from './types.js';

export interface DigestChartInput {
  asset: string;
  digest: Digest;
  prices: PricePoint[];
  synthetic: boolean;
}

/**
 * The tag under a level: what it did this week (its first break and, when it broke again, the last, as the alerts told
 * them), its times as the digest's message tells them (`now`: "lost Mar 28 09:00 CET" in a week that ended in CEST).
 */
function verdictNote(l: DigestLevel, now: number): string {
  switch (l.verdict) {
    case 'held':
      return `held ${l.tests} test${l.tests === 1 ? '' : 's'}${l.bouncePct !== undefined ? ` · ${share(Math.abs(l.bouncePct) / 100)} bounce` : ''}`;
    case 'crossed':
      return 'crossed, no break told';
    case 'untested':
      return 'not tested';
    case 'broke':
    case 'reclaimed': {
      const breaks = weekBreaks(l);
      const when = (e: LevelEpisode) => `${breakVerb(e)} ${day(e.ts)} ${clockAsOf(e.ts, now)}`;
      const first = breaks[0]!;
      const last = breaks[breaks.length - 1]!;
      if (breaks.length === 1) return `${when(first)}${l.followPct !== undefined ? ` · ${share(Math.abs(l.followPct) / 100)} after` : ''}`;
      return `${when(first)} · ${breaks.length > 2 ? `${breaks.length - 2} more · ` : ''}${when(last)}`;
    }
  }
}

/** The digest chart's bars: the week's hourly closes, what its verdicts are read on. */
const DIGEST_BAR_MS = 3_600_000;

/** A verdict in a word or two, for a tag with room for one row: held · lost · broke up · reclaimed · failed breakout · crossed · not tested. */
function verdictWord(l: DigestLevel): string {
  if (l.verdict === 'held') return 'held';
  if (l.verdict === 'untested') return 'not tested';
  if (l.verdict === 'crossed') return 'crossed';
  const last = weekBreaks(l).at(-1);
  return last ? breakVerb(last) : l.verdict;
}

export function buildDigestOption(input: DigestChartInput, width: number, height: number, measure: Measure): EChartsOption {
  const scene = new Scene(width, height, measure);
  const px = (v: number): number => scene.px(v);
  const { prices, digest } = input;
  const last = prices.length ? prices[prices.length - 1]!.close : undefined;
  const mine = digest.levels.filter((l) => l.asset === input.asset && l.watched);
  const notes = new Map<ChartLevel, string>();
  const verdicts = new Map<ChartLevel, string>();
  const levels: ChartLevel[] = mine.map((l) => {
    const c: ChartLevel = { level: l.level, role: last === undefined ? 'inside' : roleAt(l.level, last), state: l.verdict, distancePct: 0 };
    if (l.label) c.label = l.label;
    // Drawn from when it was set (read from: `since`), not across a week it did not exist for.
    if (l.since > (prices[0]?.ts ?? digest.from)) c.since = l.since;
    notes.set(c, verdictNote(l, digestZoneAt(digest)));
    verdicts.set(c, verdictWord(l));
    return c;
  });
  const summary = verdictCounts(mine, false);
  const from = prices[0]?.ts ?? digest.from;
  const to = prices.length ? prices[prices.length - 1]!.ts : digest.to;
  header(
    scene,
    [{ text: `${input.asset} · the group’s levels this week`, color: COLORS.text }],
    [`${day(from, to)} – ${day(to, to)}`, summary || 'no levels'].join(' · '),
    last === undefined ? undefined : { price: last, change: prices[0] ? last / prices[0].open - 1 : undefined },
  );
  const yAxis = priceRange(prices, levels, last === undefined ? [] : [last], 6);
  const axisLabelW = Math.max(measure(priceTick(yAxis.min, yAxis.step), scene.f.axis), measure(priceTick(yAxis.max, yAxis.step), scene.f.axis));
  const { plotLeft, plotRight, lineEnd, tagLeft, tagWidth } = columns(scene, axisLabelW, 300, false);
  const top = px(104);
  const bottom = height - px(72);
  const rect: Rect = { left: plotLeft, top, width: plotRight - plotLeft, height: bottom - top };
  // The digest's bars are hourly (digestImage): their width is that, never guessed from their spacing (a gap widens it).
  const x = timeDomain(from, to, [{ points: prices, stepMs: DIGEST_BAR_MS }]);
  const xScale: Scale = { ...x, from: plotLeft, to: plotRight };
  const yScale: Scale = { min: yAxis.min, max: yAxis.max, from: bottom, to: top };
  drawTimeAxis(scene, xScale, top, bottom, from, to);
  const panel = scene.panel(rect, x, { ...yAxis, interval: yAxis.step, label: (v: number) => priceTick(v, yAxis.step) });
  if (prices.length) drawPrice(scene, panel, prices, DIGEST_BAR_MS, xScale, yScale);
  else emptyNote(scene, rect, 'No price data this week');
  drawLevels(scene, levels, {
    plot: rect,
    tagLeft,
    tagWidth,
    yScale,
    xScale,
    lineEnd,
    note: (l) => notes.get(l) ?? l.state,
    // The verdict alone, for a tag with room for one row ("holding" would misname a level that broke).
    state: (l) => verdicts.get(l) ?? l.state,
    ...(last !== undefined ? { last } : {}),
  });
  if (!levels.length) emptyNote(scene, { ...rect, height: rect.height * 0.3 }, 'No levels watched this week');
  footer(scene, 'Breaks as the level alerts told them · tests on hourly closes · held: tested and closed back on its side', input.synthetic);
  return scene.option();
}

/**
 * Digest charts rendered lately, by what they draw: at the week's turn every opted-in chat gets its digest, and
 * chats watching the same levels (the deployment's) get the same picture, rendered once (~80 ms each otherwise).
 */
const rendered = new RecentRenders<RenderedChart>(16);

/** The digest chart as SVG and PNG (1200×675, what chat apps show best). */
export function renderDigestChart(input: DigestChartInput): Promise<RenderedChart> {
  const { width, height } = DEFAULT_SIZE;
  const option = buildDigestOption(input, width, height, engineMeasure());
  return rendered.get(JSON.stringify(option), async () => ({ ...(await renderOption(option, width, height)), width, height }));
}

/** The digest's chart for one asset as a lazy reply image: the week's hourly bars under the group's levels. */
export function digestImage(digest: Digest, asset: string, prices: PricePoint[], synthetic: boolean): ReplyImage {
  return {
    render: async () => (await renderDigestChart({ asset, digest, prices, synthetic })).png,
    ...DEFAULT_SIZE,
    alt: `${asset} price over the week with the group's levels and what each did`,
    filename: `digest-${asset.toLowerCase()}.png`,
  };
}

/** The asset the chart shows: the one with most of the chat's watched levels. */
export function digestAsset(digest: Digest): string | undefined {
  const n = new Map<string, number>();
  for (const l of digest.levels) if (l.watched) n.set(l.asset, (n.get(l.asset) ?? 0) + 1);
  return [...n].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))[0]?.[0];
}
