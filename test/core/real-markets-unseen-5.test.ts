/**
 * Issue 15: "We will replay real market days you have not seen." Two more segments of public recordings of Binance's
 * sampled forceOrder stream, found and converted in session 39 and replayed once with the rules of 3999dad unchanged
 * (each file's meta line names its source and conversion; fixtures/sources/README.md lists them):
 * - 2025-10-26 02:22-03:24 UTC (the Oct 22-25 fixtures' recording, another day), the busiest stretch of the Oct 26
 *   pages read: a modest market-wide long flush at 02:47-02:53 ($515K of longs on 109 assets in those six minutes, XRP
 *   and SOL first, then DOGE $56.1K and BTC $50.6K at 02:52:01-05), while BTC went 111,539 -> 111,369 (-0.15%) and XRP
 *   2.6028 -> 2.5946. Nothing is called: its largest five minutes, $497K on 107 assets to 02:52:39, are 71% of the $700K
 *   a market-wide flush starts at on what a Binance-only file shows, and `replay --stats` says so. A trader would call
 *   it a small dip in the alts, not an alert for a channel (the Jul 18 flush, called, was $0.79M in two minutes);
 * - 2025-12-28 20:16-20:43 UTC (another stored version of the Dec 27 fixture's file, its next day): a quiet Sunday
 *   evening of small alts. Nothing called, nothing near, and a window before the recorder started is said as no data.
 */
import { describe, expect, it } from 'vitest';
import { buildConfig } from '../../config/load.js';
import type { NearMiss } from '../../src/core/backtest.js';
import type { Liquidation } from '../../src/core/events.js';
import { loadFile, runFile } from '../../src/offline.js';
import { cli } from '../helpers.js';
import { checkRecording, prints, RECORDING_CHECK, type Recording } from './real-check.js';

const FILES = {
  dip1026: 'fixtures/binance-2025-10-26-forceorder.real.jsonl',
  quiet1228: 'fixtures/binance-2025-12-28-forceorder.real.jsonl',
};
const H = 3_600_000;
const at = (ts: number) => new Date(ts).toISOString().slice(0, 23).replace('T', ' ');
const c = (usd: number) => Math.round(usd * 100) / 100;
const cents = (xs: readonly Liquidation[]) => c(xs.reduce((s, l) => s + l.usd!, 0));
const assetOf = (l: Liquidation) => l.symbol.split('/')[0]!;
const side = (xs: readonly Liquidation[], s: string) => xs.filter((l) => l.side === s);

/** `replay FILE --stats`: its lines, and with --json its near misses. */
async function stats(file: string): Promise<{ lines: string[]; misses: NearMiss[] }> {
  const text = await cli('replay', file, '--stats');
  expect(text.code, text.err).toBe(0);
  const json = await cli('replay', file, '--stats', '--json');
  return { lines: text.out.split('\n'), misses: (JSON.parse(json.out) as { nearMisses: NearMiss[] }).nearMisses };
}

const NO_LEVELS = 'levels: none in the file or the config (`level` events, `levels.defaults`): no level alerts to count';

describe('the two recordings, as converted', () => {
  // Their USD values are average price times filled quantity; none is there twice.
  it.each<Recording>([
    [FILES.dip1026, 1646, 242, '2025-10-26 02:22:53.127', '2025-10-26 03:24:05.079', 'chiefJurist/Trading-Bot@861e44721f3865bd874c30852deb0c676b4418d1 binance_liquidations.csv'],
    [FILES.quiet1228, 434, 91, '2025-12-28 20:16:18.227', '2025-12-28 20:43:47.206', 'riftfern/data-streams@ce9e4d3805c5db155eb92003b6cc738fbf6bdd6f binance.csv'],
  ])(RECORDING_CHECK, (...recording) => checkRecording(recording, at, true));

  it('keeps the odd names as their own assets: 币安人生, 0G, USDC quoted in USDT, BIO in USDC', async () => {
    const october = new Set((await prints(FILES.dip1026)).map((l) => l.symbol));
    for (const s of ['币安人生/USDT:USDT', '0G/USDT:USDT', 'USDC/USDT:USDT', 'BIO/USDC:USDC', 'BIO/USDT:USDT']) expect(october.has(s), s).toBe(true);
    expect((await prints(FILES.quiet1228)).some((l) => l.symbol === '币安人生/USDT:USDT')).toBe(true);
  });

  it("the Dec 28 segment starts 22 h 20 min after the Dec 27 fixture's last print (the recorder was off between)", async () => {
    const dec27 = await prints('fixtures/binance-2025-12-27-forceorder.real.jsonl');
    const dec28 = await prints(FILES.quiet1228);
    expect(Math.round((dec28[0]!.ts - dec27.at(-1)!.ts) / 60_000)).toBe(22 * 60 + 20);
  });
});

describe('2025-10-26 02:47 UTC, a modest market-wide long flush, replayed with the default config', () => {
  it('calls nothing: no cascade, no market-wide flush', async () => {
    const { alerts } = await runFile(FILES.dip1026, buildConfig({}));
    expect(alerts).toEqual([]);
  });

  it('--stats says how close it came: $497K on 107 assets to 02:52:39, 71% of the $700K that starts one', async () => {
    const { lines, misses } = await stats(FILES.dip1026);
    expect(lines).toEqual([
      NO_LEVELS,
      'closest to a market-wide flush: long 2025-10-26 02:47–02:52 UTC  $497K in 5 min  107 assets  71% of the $700K that starts one',
      '(closest: of an asset and side without a cascade, or a side without a market-wide flush, the window nearest the threshold in force at its last print with every other rule met, from 50% of it, and the largest past it that another rule held back)',
      'cascades: 0, market-wide flushes: 0',
    ]);
    expect(misses.map((m) => [m.kind, m.side, m.blockedBy, at(m.at)])).toEqual([['flush', 'long', 'sum', '2025-10-26 02:52:39.335']]);
    // The file's own: its long prints in the five minutes to that print, to the cent, and their assets.
    const flush = misses[0]!;
    const longs = side(await prints(FILES.dip1026), 'long').filter((l) => l.ts > flush.at - 5 * 60_000 && l.ts <= flush.at);
    expect(cents(longs)).toBe(496976.53);
    expect(c(flush.usd)).toBe(cents(longs));
    expect(flush.kind === 'flush' && flush.assets).toBe(new Set(longs.map(assetOf)).size);
    expect(flush.threshold).toBeCloseTo(700_000, 4);
  });

  it('/liqs all sums the file to the cent and lists no flush', async () => {
    const loaded = await loadFile(FILES.dip1026);
    const liqs = await prints(FILES.dip1026);
    const run = await runFile(loaded, buildConfig({}));
    const m = run.market.marketSummary('4h', 4 * H, run.lastTs);
    expect([c(m.longUsd), c(m.shortUsd)]).toEqual([cents(side(liqs, 'long')), cents(side(liqs, 'short'))]);
    expect([c(m.longUsd), c(m.shortUsd)]).toEqual([1223297, 444071.27]);
    expect(m.flushes).toEqual([]);
  });

  it('/liqs btc at 02:53: the window to the cent, the prints said to start at 02:22, the $50.6K long at 02:52', async () => {
    const to = Date.parse('2025-10-26T02:53:00Z');
    const run = await runFile(await loadFile(FILES.dip1026), buildConfig({}), { until: to, bucketFrom: to - H });
    const btc = (await prints(FILES.dip1026)).filter((l) => assetOf(l) === 'BTC' && l.ts <= to);
    const s = run.market.summary('BTC', '1h', H, to);
    expect([c(s.longUsd), c(s.shortUsd)]).toEqual([cents(side(btc, 'long')), cents(side(btc, 'short'))]);
    expect([c(s.longUsd), c(s.shortUsd)]).toEqual([56580.87, 21862.13]);
    const text = (await cli('liqs', 'btc', '--data', FILES.dip1026, '--window', '1h', '--at', '2025-10-26T02:53:00Z')).out;
    expect(text).toContain('$78.4K liquidated in 1h (9 prints, 02:22–02:53 only)');
    expect(text).toContain('Price since 02:28 (no earlier prices): $111,563 → $111,369 (−0.2%) · low $111,369 · high $111,654');
    expect(text).toContain('$50.6K long · Binance · $111,369 · 02:52');
  });
});

describe('2025-12-28 20:16 UTC, a quiet Sunday evening, replayed with the default config', () => {
  it('calls nothing, and --stats finds nothing near', async () => {
    const { alerts } = await runFile(FILES.quiet1228, buildConfig({}));
    expect(alerts).toEqual([]);
    const { lines, misses } = await stats(FILES.quiet1228);
    expect(lines).toEqual([NO_LEVELS, 'cascades: 0, market-wide flushes: 0']);
    expect(misses).toEqual([]);
  });

  it('sums the evening to the cent; a window before the recorder started is told as no data', async () => {
    const loaded = await loadFile(FILES.quiet1228);
    const liqs = await prints(FILES.quiet1228);
    const run = await runFile(loaded, buildConfig({}));
    const m = run.market.marketSummary('1h', H, run.lastTs);
    expect([c(m.longUsd), c(m.shortUsd)]).toEqual([cents(side(liqs, 'long')), cents(side(liqs, 'short'))]);
    expect([c(m.longUsd), c(m.shortUsd)]).toEqual([199849.55, 98936.54]);
    expect(m.flushes).toEqual([]);
    const before = (await cli('liqs', 'all', '--data', FILES.quiet1228, '--window', '1h', '--at', '2025-12-28T20:10:00Z')).out;
    expect(before).toContain("No liquidation data for the last 1h: the file's liquidation prints cover 20:16–20:43, none in this window.");
    expect(before).not.toMatch(/\$\d/);
  });
});
