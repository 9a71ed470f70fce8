/**
 * `replay --stats` on a day where nothing was called says how close it came: per asset and side without a cascade (and
 * per side without a market-wide flush), the window the detector measured nearest its threshold with every other rule
 * met, and the largest past it that another rule held back. The figures are the detectors' own: the same file with the
 * prints scaled just past that share calls it, and just under it does not.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { buildConfig } from '../../config/load.js';
import { backtest, levelsOf, type NearMiss } from '../../src/core/backtest.js';
import { Market } from '../../src/core/market.js';
import { loadFile, runFile } from '../../src/offline.js';
import { usd } from '../../src/replies/format.js';
import { DAY0, H, cli, writeEvents } from '../helpers.js';

const JUN23 = 'fixtures/binance-2025-06-23-forceorder.real.jsonl';
const MIN = 60_000;

interface Print {
  type: string;
  ts: number;
  exchange: string;
  symbol: string;
  side: 'long' | 'short';
  price: number;
  amount: number;
  usd?: number;
}

const events = (file: string) => readFileSync(file, 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l) as Print);
const usdOf = (e: Print) => e.usd ?? e.price * e.amount;

async function stats(file: string): Promise<{ lines: string[]; misses: NearMiss[] }> {
  const text = await cli('replay', file, '--stats');
  expect(text.code, text.err).toBe(0);
  const json = await cli('replay', file, '--stats', '--json');
  return { lines: text.out.split('\n'), misses: (JSON.parse(json.out) as { nearMisses: NearMiss[] }).nearMisses };
}

/** The file with some prints scaled (amount and usd alike). */
function scaled(file: string, pick: (e: Print) => boolean, f: number): string {
  return writeEvents(events(file).map((e) => (e.type === 'liquidation' && pick(e) ? { ...e, amount: e.amount * f, ...(e.usd !== undefined ? { usd: e.usd * f } : {}) } : e)));
}

const btcShorts = (e: Print) => e.symbol.startsWith('BTC/') && e.side === 'short';
const longs = (e: Print) => e.side === 'long';

describe('replay --stats on Binance prints of Jun 23 2025, where nothing was called', () => {
  it("says how close BTC's short squeeze and the long flush came, in the detectors' figures", async () => {
    const { lines, misses } = await stats(JUN23);
    expect(lines.filter((l) => l.startsWith('closest') || l.startsWith('(closest'))).toEqual([
      "closest to a market-wide flush: short 2025-06-23 21:13–21:18 UTC  $1.39M in 5 min  44 assets  199% of the $700K that starts one, held back by BTC's 79% of it (above the 60% one asset may be: flush.maxLeaderShare) and by its pace ($23.2K in its last minute where a flush keeps $140K)",
      'closest to a cascade: BTC short 2025-06-23 21:13–21:18 UTC  $1.1M in 5 min  89% of the $1.24M that starts one',
      'closest to a market-wide flush: long 2025-06-23 21:24–21:29 UTC  $603K in 5 min  39 assets  86% of the $700K that starts one',
      'closest to a cascade: BR short 2025-06-23 21:31–21:36 UTC  $101K in 5 min  65% of the $156K that starts one',
      '(closest: of an asset and side without a cascade, or a side without a market-wide flush, the window nearest the threshold in force at its last print with every other rule met, from 50% of it, and the largest past it that another rule held back)',
    ]);
    // Before the count, as the rows it sums up are.
    expect(lines[lines.length - 1]).toBe('cascades: 0, market-wide flushes: 0');

    // `--stats --json` carries them, largest share first, with every figure the line is read from.
    expect(misses.map((m) => [m.kind, m.asset, m.side, m.blockedBy, m.alsoBlockedBy])).toEqual([
      ['flush', 'ALL', 'short', 'leader', ['pace']],
      ['cascade', 'BTC', 'short', 'sum', []],
      ['flush', 'ALL', 'long', 'sum', []],
      ['cascade', 'BR', 'short', 'sum', []],
    ]);
    const btc = misses.find((m) => m.kind === 'cascade' && m.asset === 'BTC')!;
    expect(btc.threshold).toBeCloseTo(1_244_444.44, 1);
    expect(btc.share).toBeCloseTo(btc.usd / btc.threshold, 12);
    // The sum is the file's: BTC's short prints in the detector's window at that print (ten-second slices, five minutes back).
    const file = events(JUN23).filter((e) => e.type === 'liquidation');
    const slice = (t: number) => Math.floor(t / 10_000);
    const inCascade = file.filter((e) => btcShorts(e) && slice(e.ts) > slice(btc.at - 5 * MIN) && e.ts <= btc.at);
    expect(btc.usd).toBeCloseTo(inCascade.reduce((s, e) => s + usdOf(e), 0), 4);
    expect(btc.from).toBe(inCascade[0]!.ts);
    const flush = misses.find((m) => m.kind === 'flush' && m.side === 'long')!;
    expect(flush.threshold).toBeCloseTo(700_000, 4);
    const inFlush = file.filter((e) => longs(e) && e.ts > flush.at - 5 * MIN && e.ts <= flush.at);
    expect(flush.usd).toBeCloseTo(inFlush.reduce((s, e) => s + usdOf(e), 0), 4);
    expect(flush.kind === 'flush' && flush.assets).toBe(new Set(inFlush.map((e) => e.symbol.split('/')[0])).size);
    // Every other rule met at that print: the leader under 60% and its last minute at a flush's pace.
    expect(flush.kind === 'flush' && [flush.leader, flush.leaderShare < 0.6, flush.lastMinuteUsd >= flush.paceUsd]).toEqual(['ETH', true, true]);
  }, 60_000);

  it('is the share that calls it: the prints scaled just past it call the cascade and the flush, just under it they do not', async () => {
    const { misses } = await stats(JUN23);
    const btc = misses.find((m) => m.kind === 'cascade' && m.asset === 'BTC')!;
    const flush = misses.find((m) => m.kind === 'flush' && m.side === 'long')!;

    const past = await stats(scaled(JUN23, btcShorts, 1.001 / btc.share));
    expect(past.lines).toContain('cascade BTC short 2025-06-23 21:13–21:18 UTC  $1.25M  0 updates');
    expect(past.misses.some((m) => m.asset === 'BTC')).toBe(false);
    const under = await stats(scaled(JUN23, btcShorts, 0.999 / btc.share));
    expect(under.lines.some((l) => l.startsWith('cascade BTC'))).toBe(false);
    expect(under.lines).toContain('closest to a cascade: BTC short 2025-06-23 21:13–21:18 UTC  $1.24M in 5 min  99.9% of the $1.24M that starts one');

    const called = await stats(scaled(JUN23, longs, 1.001 / flush.share));
    expect(called.lines).toContain('market-wide flush long 2025-06-23 21:24–21:29 UTC  $701K  39 assets  0 updates');
    expect(called.misses.some((m) => m.kind === 'flush' && m.side === 'long')).toBe(false);
    const not = await stats(scaled(JUN23, longs, 0.999 / flush.share));
    expect(not.lines).toContain('cascades: 0, market-wide flushes: 0');
    expect(not.lines).toContain('closest to a market-wide flush: long 2025-06-23 21:24–21:29 UTC  $699K in 5 min  39 assets  99.9% of the $700K that starts one');
  }, 120_000);

  it('the README shows it as printed', async () => {
    const { lines } = await stats(JUN23);
    const readme = readFileSync('README.md', 'utf8');
    const block = lines.filter((l) => !l.startsWith('levels: ')).join('\n');
    expect(readme).toContain('```\n' + block + '\n```');
  });
});

/** A BTC or ETH long print of `usd` on Bybit (a complete stream). */
function print(asset: string, ts: number, usd: number): object {
  return { type: 'liquidation', ts, exchange: 'bybit', symbol: `${asset}/USDT:USDT`, side: 'long', price: 100, amount: usd / 100, usd };
}

/** Ten prints of a tenth of `usd` each, 10 s apart from `t0`: many positions, none above a share of them. */
const burst = (asset: string, t0: number, usd: number) => Array.from({ length: 10 }, (_, i) => print(asset, t0 + i * 10_000, usd / 10));

describe('a side where a cascade was called', () => {
  it('has no near miss of its own, though its detector measured one before the cascade', async () => {
    // The thresholds a Bybit-only file starts with (no history): asked of the engine, not copied from the config.
    const m = new Market(buildConfig({}));
    m.ingest(print('BTC', DAY0, 1) as never);
    m.ingest(print('ETH', DAY0, 1) as never);
    const btcT = m.threshold('BTC', 'long', DAY0), ethT = m.threshold('ETH', 'long', DAY0);
    // BTC longs at 70% of theirs at 01:00, then a cascade at 03:00; ETH's longs at 70% at 02:00 and no more.
    const file = writeEvents([print('BTC', DAY0, 1), print('ETH', DAY0, 1), ...burst('BTC', DAY0 + H, 0.7 * btcT), ...burst('ETH', DAY0 + 2 * H, 0.7 * ethT), ...burst('BTC', DAY0 + 3 * H, 1.5 * btcT)]);

    const { lines, misses } = await stats(file);
    expect(lines.some((l) => l.startsWith('cascade BTC long 2026-03-02 03:00'))).toBe(true);
    const cascades = misses.filter((x) => x.kind === 'cascade');
    expect(cascades.map((x) => [x.asset, x.side])).toEqual([['ETH', 'long']]);
    expect(cascades[0]!.share).toBeCloseTo(0.7, 6);
    expect(lines).toContain(`closest to a cascade: ETH long 2026-03-02 02:00–02:01 UTC  ${usd(0.7 * ethT)} in 5 min  70% of the ${usd(ethT)} that starts one`);
    expect(lines.some((l) => l.startsWith('closest to a cascade: BTC'))).toBe(false);

    // The detector did measure BTC's longs nearest at 90%, the cascade's own first six prints (at 01:00, 70%): the
    // cascade on that side is what leaves them out.
    const run = await runFile(await loadFile(file), buildConfig({}));
    const measured = run.market.cascades.nearestMisses();
    expect(measured.map((x) => [x.asset, x.side, Number((x.usd / x.threshold).toFixed(6)), x.at]).sort()).toEqual([
      ['BTC', 'long', 0.9, DAY0 + 3 * H + 50_000],
      ['ETH', 'long', 0.7, DAY0 + 2 * H + 90_000],
    ]);
    expect(backtest(run.alerts, new Map(), levelsOf([]), { cascades: measured, flushes: [] }).nearMisses!.map((x) => x.asset)).toEqual(['ETH']);
  });
});

describe('a quiet real day', () => {
  // Each day's nearest window, found with its prints scaled until one shows: YB's shorts on Oct 25 2025 at 46% of their
  // threshold (92% doubled), WLD's on Jun 20 2024 at 11% (63% six times over).
  it.each([
    ['fixtures/binance-2025-10-25-forceorder.real.jsonl', 2, 'YB', 0.92],
    ['fixtures/binance-2024-06-20-forceorder.real.jsonl', 6, 'WLD', 0.631],
  ] as const)('has no window from half its threshold, and says none (%s)', async (file, times, asset, share) => {
    const { lines, misses } = await stats(file);
    expect(lines.filter((l) => l.includes('closest'))).toEqual([]);
    expect(lines[lines.length - 1]).toBe('cascades: 0, market-wide flushes: 0');
    expect(misses).toEqual([]);
    // Under the fraction, not unmeasured: its prints scaled up bring its nearest window past 50%.
    const louder = await stats(scaled(file, () => true, times));
    expect(louder.misses[0]).toMatchObject({ kind: 'cascade', asset, side: 'short', blockedBy: 'sum' });
    expect(louder.misses[0]!.share).toBeCloseTo(share, 3);
    expect(louder.lines.filter((l) => l.startsWith(`closest to a cascade: ${asset} short `))).toHaveLength(1);
  }, 60_000);
});
