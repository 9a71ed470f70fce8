/**
 * Alert behaviour on generated days of different shapes: which alerts fire, when, and that no others do.
 * Default settings from config/ throughout (no tuning per day).
 */
import { describe, expect, it } from 'vitest';
import type { Alert, LevelBreak } from '../../src/core/alerts.js';
import { runFile } from '../../src/offline.js';
import { loadConfig } from '../../config/load.js';
import type { AssetDay } from '../../scripts/market-day.js';
import { generateDay } from '../../scripts/market-day.js';
import { structureReading } from '../../src/replies/levels.js';
import { lineText } from '../../src/replies/reply.js';
import { buildConfig } from '../../config/load.js';
import { BUNDLED, DAY0, H, replayDay, writeEvents } from '../helpers.js';

const breaks = (alerts: Alert[]) => alerts.filter((a): a is LevelBreak => a.kind === 'level_break');
const kinds = (alerts: Alert[], asset: string) => alerts.filter((a) => a.asset === asset).map((a) => a.kind).filter((k) => k !== 'cascade_update');
const venues = { bybit: 40, okx: 30, binanceusdm: 30 };
const history = { days: 40, longMedian: 30e6, shortMedian: 25e6 };

describe('the bundled January-31-style day', async () => {
  const run = await runFile(BUNDLED, loadConfig());
  const eth = run.alerts.filter((a) => a.asset === 'ETH');

  it('reports the loss of $3,000 before the flush ran its course, with the last hour of long liquidations', () => {
    const lost = breaks(eth).find((a) => a.level === 3000)!;
    expect(lost).toMatchObject({ direction: 'down', reclaim: false });
    expect(lost.liquidations?.side).toBe('long');
    const end = eth.find((a) => a.kind === 'cascade_end')!;
    expect(lost.ts).toBeLessThan(end.ts);
  });

  it('calls one ETH long cascade of roughly $400M+ that ends near the $2,350 low, ranked since Oct 10', () => {
    const starts = eth.filter((a) => a.kind === 'cascade');
    const ends = eth.filter((a) => a.kind === 'cascade_end');
    expect(starts).toHaveLength(1);
    expect(ends).toHaveLength(1);
    const end = ends[0]!;
    if (end.kind !== 'cascade_end') throw new Error('unreachable');
    expect(end.side).toBe('long');
    expect(end.usd).toBeGreaterThan(400e6);
    expect(end.extreme).toBeGreaterThan(2330);
    expect(end.extreme).toBeLessThan(2370);
    expect(end.ranking?.since?.day).toBe(Date.parse('2025-10-10T00:00:00Z'));
    expect(end.byExchange.binanceusdm! / end.usd).toBeLessThan(0.1);
  });

  it('loses the $2,750–2,800 zone, which then reads as resistance on /levels', () => {
    const zone = breaks(eth).filter((a) => Array.isArray(a.level));
    expect(zone).toHaveLength(1);
    expect(zone[0]).toMatchObject({ level: [2750, 2800], direction: 'down' });
    const st = run.market.levelStatus('ETH');
    const z = st.levels.find((v) => Array.isArray(v.level.level))!;
    expect(z.role).toBe('resistance');
    expect(z.baseState).toBe('broken');
    const low = st.levels.find((v) => v.level.source === 'cascade')!;
    expect(low.level.label).toBe('cascade low');
    expect(low.role).toBe('support');
    // At the price the cascade's end alert quoted ("Cascade low $2,357"), so every reply prints it the same way.
    const end = eth.find((a) => a.kind === 'cascade_end' && a.levelOffered)!;
    expect(end.kind === 'cascade_end' && end.extreme !== undefined && end.extreme !== low.level.level).toBe(true);
    expect(low.level.level).toBe(Math.round((end as { extreme: number }).extreme));
  });

  it('reads where the flush stabilized on /levels: above the cascade low, which held', () => {
    const reading = structureReading(run.market.levelStatus('ETH')).map(lineText).join('\n');
    expect(reading).toMatch(/price stabilized above the cascade low \$2,3[45]\d, which held; the low is \d+(\.\d)?% below price\./);
  });

  it('posts no cascade update more often than the configured spacing', () => {
    const ups = eth.filter((a) => a.kind === 'cascade_update');
    const spacing = loadConfig().cascades.updateMinMinutes * 60_000;
    expect(ups.length).toBeGreaterThan(1);
    for (let i = 1; i < ups.length; i++) expect(ups[i]!.ts - ups[i - 1]!.ts).toBeGreaterThanOrEqual(spacing);
  });

  it('one asset answered as `liqbot levels ASSET` feeds the engine (every liquidation, its own other events) reads the same', async () => {
    const config = loadConfig();
    for (const asset of ['ETH', 'BTC', 'XRP']) {
      const alone = await runFile(BUNDLED, config, { asset });
      expect(alone.market.summary(asset, '24h', 86_400_000, run.lastTs)).toEqual(run.market.summary(asset, '24h', 86_400_000, run.lastTs));
      expect(alone.market.levelStatus(asset, undefined, run.lastTs)).toEqual(run.market.levelStatus(asset, undefined, run.lastTs));
      // The same alerts of the asset; only when they fire can differ by seconds (the clock moves with fewer events).
      expect(alone.alerts.filter((a) => a.asset === asset).map((a) => a.kind)).toEqual(run.alerts.filter((a) => a.asset === asset).map((a) => a.kind));
      // The other assets' candles and levels were not fed: ETH's level breaks only when ETH is asked.
      expect(alone.alerts.some((a) => a.kind === 'level_break')).toBe(asset === 'ETH');
    }
  });
});

describe('generated days', () => {
  it('a short squeeze up through resistance: one short cascade and the breaks up, nothing on the long side', async () => {
    const sol: AssetDay = {
      asset: 'SOL',
      path: [[0, 100], [9, 101], [10, 104], [12, 118], [13, 124], [24, 121]],
      longUsd: 4e6, shortUsd: 160e6, exchanges: venues, avgOrderUsd: 20_000, background: 0.05,
      levels: [{ price: 110, label: 'range high' }, { low: 115, high: 117, label: 'supply' }],
      history: { days: 40, longMedian: 15e6, shortMedian: 12e6 },
    };
    const run = await replayDay({ day: DAY0, assets: [sol], seed: 7 });
    expect(kinds(run.alerts, 'SOL')).toEqual(['cascade', 'level_break', 'level_break', 'cascade_end']);
    expect(run.alerts.filter((a) => a.kind === 'cascade').every((a) => a.kind === 'cascade' && a.side === 'short')).toBe(true);
    expect(breaks(run.alerts).map((b) => [b.level, b.direction])).toEqual([[110, 'up'], [[115, 117], 'up']]);
    const st = run.market.levelStatus('SOL');
    expect(st.levels.filter((v) => v.level.source === 'event').map((v) => v.role)).toEqual(['support', 'support']);
    expect(st.levels.find((v) => v.level.source === 'cascade')?.level.label).toBe('cascade high');
  });

  it('a quiet, choppy day with wicks through levels: no cascade, no break', async () => {
    const eth: AssetDay = {
      asset: 'ETH',
      path: [[0, 3040], [3, 3060], [6, 3025], [9, 3055], [12, 3030], [15, 3062], [18, 3028], [21, 3050], [24, 3035]],
      noisePct: 0.05,
      wicks: [[4.2, 2990], [11.1, 2994], [17.7, 2992], [20.5, 3101]],
      longUsd: 30e6, shortUsd: 25e6, exchanges: venues, history,
      levels: [{ price: 3000, label: 'pivot' }, { price: 3100 }],
    };
    const run = await replayDay({ day: DAY0, assets: [eth], seed: 11 });
    expect(run.alerts).toEqual([]);
    const st = run.market.levelStatus('ETH');
    expect(st.levels.every((v) => v.baseState === 'holding')).toBe(true);
  });

  const pausing = (pauseHours: number): AssetDay => ({
    asset: 'ETH',
    path: [[0, 3000], [10, 3000], [10.5, 2850], [10.5 + pauseHours, 2850], [11 + pauseHours, 2700], [24, 2720]],
    noisePct: 0.04, longUsd: 160e6, shortUsd: 8e6, exchanges: venues, history, background: 0.04,
  });

  it('a cascade that pauses for a few minutes and resumes stays one cascade', async () => {
    const run = await replayDay({ day: DAY0, assets: [pausing(0.1)], seed: 3 });
    expect(kinds(run.alerts, 'ETH')).toEqual(['cascade', 'cascade_end']);
  });

  it('a pause longer than the quiet period ends the first cascade; the resumption is a new one', async () => {
    const run = await replayDay({ day: DAY0, assets: [pausing(1.5)], seed: 3 });
    expect(kinds(run.alerts, 'ETH')).toEqual(['cascade', 'cascade_end', 'cascade', 'cascade_end']);
    // The second wave lost the first wave's low, which the first cascade offered as a level: /levels shows it
    // broken; the second cascade's own alert told the chat, so the offered level posts nothing.
    const first = run.market.levelStatus('ETH').levels.find((v) => v.level.source === 'cascade' && (v.level.level as number) > 2800)!;
    expect(first).toMatchObject({ role: 'resistance', baseState: 'broken' });
  });

  it('after a flush, price drifting below the cascade low reads as no floor yet on /levels, without a new alert', async () => {
    const eth: AssetDay = {
      asset: 'ETH', path: [[0, 3000], [10, 3000], [10.5, 2850], [11, 2860], [24, 2790]],
      noisePct: 0.03, longUsd: 160e6, shortUsd: 8e6, exchanges: venues, history, background: 0.04,
    };
    const run = await replayDay({ day: DAY0, assets: [eth], seed: 3 });
    expect(kinds(run.alerts, 'ETH')).toEqual(['cascade', 'cascade_end']);
    const reading = structureReading(run.market.levelStatus('ETH')).map(lineText).join('\n');
    expect(reading).toMatch(/price has since gone below the cascade low \$2,8\d\d \(as low as \$2,\d{3}\): no floor yet/);
  });

  it('a level broken, re-tested from below and reclaimed: exactly one break and one reclaim, in order', async () => {
    const eth: AssetDay = {
      asset: 'ETH',
      path: [[0, 3080], [6, 3060], [7, 2950], [9, 2955], [10, 2996], [10.5, 2997], [12, 2955], [16, 2960], [18, 3090], [24, 3100]],
      noisePct: 0.03, longUsd: 20e6, shortUsd: 15e6, exchanges: venues, history,
      levels: [{ price: 3000 }],
    };
    const run = await replayDay({ day: DAY0, assets: [eth], seed: 5 });
    const b = breaks(run.alerts);
    expect(b.map((x) => [x.direction, x.reclaim])).toEqual([['down', false], ['up', true]]);
    expect(b[0]!.ts).toBeGreaterThan(DAY0 + 6 * H);
    expect(b[0]!.ts).toBeLessThan(DAY0 + 7.5 * H);
    expect(b[1]!.ts).toBeGreaterThan(DAY0 + 16 * H);
    expect(run.market.levelStatus('ETH').levels[0]!.baseState).toBe('reclaimed');
    expect(run.alerts.filter((a) => a.kind !== 'level_break')).toEqual([]);
  });

  it('a quiet asset with a small spike stays quiet (the absolute floor)', async () => {
    const doge: AssetDay = {
      asset: 'DOGE', path: [[0, 0.2], [12, 0.2], [12.2, 0.19], [24, 0.195]],
      longUsd: 1.2e6, shortUsd: 0.3e6, exchanges: venues, avgOrderUsd: 3000, background: 0.2,
      history: { days: 40, longMedian: 0.3e6, shortMedian: 0.3e6 },
    };
    const run = await replayDay({ day: DAY0, assets: [doge], seed: 9 });
    expect(run.alerts).toEqual([]);
  });

  const quietEth = (): AssetDay => ({
    asset: 'ETH',
    path: [[0, 3040], [6, 3055], [12, 3030], [18, 3050], [24, 3035]],
    noisePct: 0.04, longUsd: 30e6, shortUsd: 25e6, exchanges: venues, history,
  });
  const withPrints = (usds: number[], at: number, shorts: number[] = []) => {
    const events: object[] = generateDay({ day: DAY0, assets: [quietEth()], seed: 13 });
    const print = (side: string) => (usd: number, i: number) =>
      events.push({ type: 'liquidation', ts: at + i * 2000, exchange: 'bybit', symbol: 'ETH/USDT:USDT', side, price: 3030, amount: usd / 3030 });
    usds.forEach(print('long'));
    shorts.forEach(print('short'));
    events.sort((a, b) => (a as { ts: number }).ts - (b as { ts: number }).ts);
    return runFile(writeEvents(events), buildConfig({}));
  };

  it("one whale's $12M print is not a cascade; the same $12M in 30 prints within a minute is one", async () => {
    const whale = await withPrints([12e6], DAY0 + 12 * H);
    expect(whale.alerts).toEqual([]);
    const flush = await withPrints(Array.from({ length: 30 }, () => 0.4e6), DAY0 + 12 * H);
    expect(kinds(flush.alerts, 'ETH')).toEqual(['cascade', 'cascade_end']);
  });

  it('the shorts caught in a long flush are not a short cascade, even above their floor', async () => {
    // $24M of longs and $6M of shorts (over ETH's $5M floor, 20% of the window) within two minutes.
    const run = await withPrints(Array.from({ length: 60 }, () => 0.4e6), DAY0 + 12 * H, Array.from({ length: 40 }, () => 0.15e6));
    expect(run.alerts.filter((a) => a.kind === 'cascade').map((a) => a.kind === 'cascade' && a.side)).toEqual(['long']);
  });

  it('a level price keeps crossing: the break is told, the chop is said once, then only the decisive close', async () => {
    // 15m closes about 0.45% either side of $3,000 every 90 minutes, then a real breakdown to $2,900.
    const path: [number, number][] = [[0, 3060], [3, 3040]];
    for (let h = 4.5, below = true; h < 15; h += 1.5, below = !below) path.push([h, below ? 2986.5 : 3013.5], [h + 1.25, below ? 2986.5 : 3013.5]);
    path.push([17, 2900], [24, 2905]);
    const eth: AssetDay = { asset: 'ETH', path, noisePct: 0.01, longUsd: 20e6, shortUsd: 15e6, exchanges: venues, history, levels: [{ price: 3000 }] };
    const run = await replayDay({ day: DAY0, assets: [eth], seed: 5 });
    const said = run.alerts.filter((a) => a.kind === 'level_break' || a.kind === 'level_chop');
    // The first crossing back (a 0.45% reclaim of a 0.45% break) is the second crossing: chop, said once, when it
    // has gone on for as long as a decisive close takes (`decisiveHours`, 2 h) without one.
    const words = (a: (typeof said)[number]) => (a.kind === 'level_chop' ? 'chop' : `${a.direction}${a.fromChop?.kept ? ' out of the chop' : a.fromChop ? ' decisive' : ''}`);
    expect(said.map(words)).toEqual(['down', 'chop', 'down out of the chop']);
    expect(said[1]!.ts).toBeGreaterThanOrEqual(DAY0 + 7.5 * H);
    expect(said[1]!.ts).toBeLessThan(DAY0 + 9.5 * H);
    // The breakdown to $2,900 lands on the side the chat last heard of ("ETH lost $3,000"), out of the range the notice
    // named: the chop's end is said (not a second "lost"), and /levels reads broken again, not chopping.
    expect(said[2]).toMatchObject({ direction: 'down', reclaim: false, fromChop: { kept: true, by: 'range' } });
    // On the way down (the chop's closes end at 15:00, $2,900 is reached at 17:00).
    expect(said[2]!.ts).toBeGreaterThanOrEqual(DAY0 + 15 * H);
    expect(said[2]!.ts).toBeLessThan(DAY0 + 17 * H);
    const view = run.market.levelStatus('ETH', undefined, DAY0 + 24 * H).levels[0]!;
    expect(view).toMatchObject({ state: 'broken', chop: { resolved: 'below' } });
  });
});
