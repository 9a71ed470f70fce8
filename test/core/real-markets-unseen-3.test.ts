/**
 * Issue 15: "We will replay real market days you have not seen." Three more public recordings of Binance's sampled
 * forceOrder stream, found and converted in session 38 and replayed once with the rules of 1f72a59 unchanged (each
 * file's meta line names its source and conversion; fixtures/sources/README.md lists them):
 * - 2025-07-18 10:17-10:26 UTC, a real market-wide long flush at 10:18-10:20:40 ($0.79M of longs on 203 symbols, XRP
 *   and SOL leading, ETH 3,611 -> 3,603): called once, at 10:20:17, as a trader would call it (within two minutes of
 *   the first burst at 10:18:32), with its figures exact; the file ends 6 min after its last strong print, so no end;
 * - 2025-10-24 06:45-07:12 UTC, a quiet Friday morning with one account liquidated: BTC $1.18M, ETH $929K and SOL
 *   $442K of shorts in the same millisecond (06:58:11.217-.218) while BTC moved 0.07%. No cascade is called (each is one
 *   print, nearly all of its asset's window); a trader calls no market-wide flush either: liqbot posted one when this
 *   was first replayed, and its flush rule now knows one instant (prints within 10 ms) above half a window is one
 *   margin call;
 * - 2024-11-23 00:52-00:53 and 19:30 UTC, a quiet Saturday recorded twice with 18 h 36 min of no data between: nothing
 *   called, and the gap is said as no data, not as a quiet market.
 */
import { describe, expect, it } from 'vitest';
import { buildConfig } from '../../config/load.js';
import type { Alert } from '../../src/core/alerts.js';
import type { Liquidation } from '../../src/core/events.js';
import { loadFile, runFile } from '../../src/offline.js';
import { marketReply } from '../../src/replies/summary.js';
import { replyText } from '../../src/replies/reply.js';
import { checkRecording, prints, RECORDING_CHECK, type Recording } from './real-check.js';

const FILES = {
  flush0718: 'fixtures/binance-2025-07-18-forceorder.real.jsonl',
  whale1024: 'fixtures/binance-2025-10-24-forceorder.real.jsonl',
  quiet1123: 'fixtures/binance-2024-11-23-forceorder.real.jsonl',
};
const at = (ts: number) => new Date(ts).toISOString().slice(0, 23).replace('T', ' ');
const c = (usd: number) => Math.round(usd * 100) / 100;
const cents = (xs: readonly Liquidation[]) => c(xs.reduce((s, l) => s + l.usd!, 0));
const assetOf = (l: Liquidation) => l.symbol.split('/')[0]!;

/** The brute-force sum of one side's prints with `from <= ts <= to`, and per asset. */
function windowSum(liqs: readonly Liquidation[], side: string, from: number, to: number): { usd: number; assets: Map<string, number> } {
  const xs = liqs.filter((l) => l.side === side && l.ts >= from && l.ts <= to);
  const assets = new Map<string, number>();
  for (const l of xs) assets.set(assetOf(l), Math.round(((assets.get(assetOf(l)) ?? 0) + l.usd!) * 100) / 100);
  return { usd: cents(xs), assets };
}

function flushStart(alerts: readonly Alert[]) {
  const f = alerts.find((a) => a.kind === 'market_flush');
  if (f?.kind !== 'market_flush') throw new Error('no market-wide flush');
  return f;
}

describe('the three recordings, as converted', () => {
  // Their USD values are average price times filled quantity; none is there twice.
  it.each<Recording>([
    [FILES.flush0718, 790, 222, '2025-07-18 10:17:23.548', '2025-07-18 10:26:54.192', 'haruperi/HaruPyQuant@0a5b9c949432f0041dd434102e0be47c35d65440 binance.csv'],
    [FILES.whale1024, 703, 111, '2025-10-24 06:45:18.648', '2025-10-24 07:12:30.506', 'chiefJurist/Trading-Bot@861e44721f3865bd874c30852deb0c676b4418d1 binance_liquidations.csv'],
    [FILES.quiet1123, 86, 57, '2024-11-23 00:52:21.133', '2024-11-23 19:30:22.151', 'renanrnk/botTranding@7b2ee387e7715a3bee0a51e164dd0dd452aeb554 binance.csv'],
  ])(RECORDING_CHECK, (...recording) => checkRecording(recording, at, true));

  it('keeps the odd names as their own assets: NEIROETH is not ETH, ETHUSDC is, 币安人生 and 4 are kept', async () => {
    const july = await prints(FILES.flush0718);
    expect(july.filter((l) => l.symbol.startsWith('NEIROETH/')).map((l) => l.symbol)).toEqual(['NEIROETH/USDT:USDT', 'NEIROETH/USDT:USDT']);
    expect(july.filter((l) => assetOf(l) === 'ETH').map((l) => l.symbol)).toContain('ETH/USDC:USDC');
    const october = await prints(FILES.whale1024);
    expect(october.some((l) => l.symbol === '币安人生/USDT:USDT')).toBe(true);
    expect(october.some((l) => l.symbol === '4/USDT:USDT')).toBe(true);
  });
});

describe('2025-07-18 10:18 UTC, a real market-wide long flush, replayed with the default config', () => {
  it('is one market-wide long flush, called at 10:20:17 (the first burst was 10:18:32), with no edit, no cascade, no end in the file', async () => {
    const { alerts } = await runFile(FILES.flush0718, buildConfig({}));
    expect(alerts.map((a) => `${a.kind} ${at(a.ts)}`)).toEqual(['market_flush 2025-07-18 10:20:17.375']);
    const f = flushStart(alerts);
    expect(f.side).toBe('long');
    // The bar: within 10 minutes of the first minute a trader calls it (10:18).
    expect(f.ts - Date.parse('2025-07-18T10:18:00Z')).toBeLessThan(10 * 60_000);
    // Its start is the window's first long print, the recording's first minute (the recorder started at 10:17:23).
    expect(at(f.startedAt)).toBe('2025-07-18 10:17:23.548');
  });

  it('posts the file own figures: the 5 min window to the cent, its assets and its leaders', async () => {
    const { alerts } = await runFile(FILES.flush0718, buildConfig({}));
    const f = flushStart(alerts);
    const liqs = await prints(FILES.flush0718);
    const w = windowSum(liqs, 'long', f.ts - 300_000, f.ts);
    expect(c(f.usd)).toBe(w.usd);
    expect(w.usd).toBe(700413);
    expect(f.assetCount).toBe(w.assets.size);
    expect(f.assetCount).toBe(182);
    expect(f.leaders.map((l) => [l.asset, c(l.usd)])).toEqual([
      ['SOL', 84314.91],
      ['XRP', 57838.62],
      ['1000SHIB', 38744.54],
    ]);
    for (const l of f.leaders) expect(c(l.usd)).toBe(w.assets.get(l.asset));
    // The moves it tells are the prints': SOL 178.93 (its first, 10:18:32) to 178.09 (10:20:16), XRP's low 3.4134.
    expect(f.leaders.map((l) => l.extreme)).toEqual([178.09, 3.4134, 0.014853]);
  });

  it('/liqs all at the end: the file totals to the cent, the flush to its last strong print (10:20:38.960)', async () => {
    const loaded = await loadFile(FILES.flush0718);
    const liqs = await prints(FILES.flush0718);
    const run = await runFile(loaded, buildConfig({}));
    const m = run.market.marketSummary('1h', 3_600_000, run.lastTs);
    expect([c(m.longUsd), c(m.shortUsd)]).toEqual([840604.64, 191767.94]);
    expect([cents(liqs.filter((l) => l.side === 'long')), cents(liqs.filter((l) => l.side === 'short'))]).toEqual([840604.64, 191767.94]);
    expect(m.flushes).toHaveLength(1);
    const upTo = Date.parse('2025-07-18T10:20:38.960Z');
    const tally = windowSum(liqs, 'long', m.flushes[0]!.startedAt, upTo);
    expect(c(m.flushes[0]!.usd)).toBe(tally.usd);
    expect(tally.usd).toBe(796882.63);
    expect(m.flushes[0]!.assetCount).toBe(tally.assets.size);
    const text = replyText(marketReply(m, ['1h']));
    expect(text).toMatch(/^Market-wide long flush since 10:17 \(running\): \$797K across 191 assets$/m);
    expect(text).toContain('XRP $119K · 12%  L $102K / S $17.8K');
    expect(text).toContain('SOL $89.4K · 9%  L $89.4K / S $0');
  });
});

describe('2025-10-24 06:58 UTC, one account liquidated in one millisecond, replayed with the default config', () => {
  it('calls no cascade: each of BTC, ETH and SOL is one print that is nearly all of its window', async () => {
    const { alerts } = await runFile(FILES.whale1024, buildConfig({}));
    expect(alerts.filter((a) => a.kind.startsWith('cascade'))).toEqual([]);
    const liqs = await prints(FILES.whale1024);
    const whale = liqs.filter((l) => l.ts >= Date.parse('2025-10-24T06:58:11.217Z') && l.ts <= Date.parse('2025-10-24T06:58:11.218Z') && l.usd! > 100_000);
    expect(whale.map((l) => [assetOf(l), l.side, l.usd])).toEqual([
      ['BTC', 'short', 1175034.43],
      ['ETH', 'short', 928845.62],
      ['SOL', 'short', 442204.29],
    ]);
  });

  it('calls no market-wide flush: one instant (prints within 10 ms) is 94% of the window, one margin call, not the market', async () => {
    const { alerts } = await runFile(FILES.whale1024, buildConfig({}));
    expect(alerts).toEqual([]);
    const liqs = await prints(FILES.whale1024);
    // The window the flush was called on before (06:58:11.217): 23 assets, $2.24M, two prints of one millisecond 94%.
    const w = windowSum(liqs, 'short', Date.parse('2025-10-24T06:58:11.217Z') - 300_000, Date.parse('2025-10-24T06:58:11.217Z'));
    expect(w.usd).toBe(2240427.16);
    expect(Math.round(((1175034.43 + 928845.62) / w.usd) * 100)).toBe(94);
    // The file's totals are unchanged, and /liqs all lists no flush.
    const loaded = await loadFile(FILES.whale1024);
    const run = await runFile(loaded, buildConfig({}));
    const m = run.market.marketSummary('1h', 3_600_000, run.lastTs);
    expect([c(m.longUsd), c(m.shortUsd)]).toEqual([313071.17, 3181437.73]);
    expect(m.flushes).toEqual([]);
  });
});

describe('2024-11-23, a quiet Saturday recorded twice, replayed with the default config', () => {
  it('calls nothing', async () => {
    const { alerts } = await runFile(FILES.quiet1123, buildConfig({}));
    expect(alerts).toEqual([]);
  });

  it('sums the day to the cent and says the 18 h between its two recordings hold no data', async () => {
    const loaded = await loadFile(FILES.quiet1123);
    const liqs = await prints(FILES.quiet1123);
    const run = await runFile(loaded, buildConfig({}));
    const day = run.market.marketSummary('24h', 86_400_000, run.lastTs);
    expect([c(day.longUsd), c(day.shortUsd)]).toEqual([cents(liqs.filter((l) => l.side === 'long')), cents(liqs.filter((l) => l.side === 'short'))]);
    expect([c(day.longUsd), c(day.shortUsd)]).toEqual([23365.68, 78557.86]);
    expect(replyText(marketReply(day, ['24h']))).toContain('$102K liquidated in 24h (prints 00:52–00:53, 19:30 only)');
    const noon = Date.parse('2024-11-23T12:00:00Z');
    const gap = await runFile(loaded, buildConfig({}), { until: noon, bucketFrom: noon - 4 * 3_600_000 });
    const text = replyText(marketReply(gap.market.marketSummary('4h', 4 * 3_600_000, noon), ['4h']));
    expect(text).toContain('No liquidation data for the last 4h');
    expect(text).not.toMatch(/\$\d/);
  });
});
