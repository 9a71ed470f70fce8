/**
 * Issue 15: "We will replay real market days you have not seen." Fresh real data no rule was judged on, cut by
 * scripts/sealed-fixtures.ts from raw slices in fixtures/sources/ (README, "Sealed sets", names each source):
 *
 * - Two level sets cut SEALED (ETH and LTC 15m klines, Aug 29 - Sep 15 2025), read once to decide `flipBuffers: 2`
 *   (test/core/real-markets-sealed-levels.test.ts has what they read): only their cut is checked here.
 * - Binance's sampled forceOrder prints of 2025-10-22 10:52-11:40 UTC (chiefJurist/Trading-Bot@861e447,
 *   binance_liquidations.csv), replayed once with the rules unchanged. Twelve symbols' longs went in one second at
 *   11:00:01 with prices barely moving; the flush a trader would call began at 11:02:20 (over 100 symbols' longs in
 *   11:02:20-11:02:24, BTC prints 107,522 -> 107,465), its main leg at 11:03:47-11:04:02 (354 symbols and $1.89M in ten
 *   seconds). Then an ETH short squeeze at 11:11:38-11:12:59 ($1.68M of ETH shorts, 79% of all shorts then) and a
 *   broader one at 11:18:40-11:21:05 ($0.68M of shorts across 69 symbols, BTC $285K, ETH $278K).
 * - A quiet half hour, 2024-08-17 11:58-12:28 UTC (BandsThoBaby/Data_Streams_Project@1c6cf6c, binance.csv).
 *
 * The long flush, its edits and its end and the ETH cascade are called as a trader would, and the market-wide short
 * flush with the broad squeeze of 11:18:40 (it used to be called at 11:16:45, on ETH's squeeze ageing out of the
 * window: a flush starts only while the window's last minute keeps a flush's pace).
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { buildConfig } from '../../config/load.js';
import type { Alert } from '../../src/core/alerts.js';
import type { Liquidation } from '../../src/core/events.js';
import { loadFile, runFile } from '../../src/offline.js';
import {
  FLUSH_DAY, FLUSH_SOURCE, QUIET_DAY, QUIET_SOURCE, SEALED_LEVELS, SEALED_ROUND, flushDay, quietDay, sealedLevels, sealedRoundNumbers,
} from '../../scripts/sealed-fixtures.js';

const at = (ts: number) => new Date(ts).toISOString().slice(11, 23);
const t = (hms: string) => Date.parse(`2025-10-22T${hms}Z`);
const rowsOf = (file: string) => readFileSync(file, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { type: string; note?: string; asset?: string });
const replay = async () => (await runFile(FLUSH_DAY, buildConfig({}))).alerts;
const only = <K extends Alert['kind']>(alerts: Alert[], kind: K, side: 'long' | 'short', asset?: string) =>
  alerts.filter((a): a is Extract<Alert, { kind: K }> => a.kind === kind && 'side' in a && a.side === side && (asset === undefined || a.asset === asset));

describe('the sealed and the cascade fixtures are what scripts/sealed-fixtures.ts cuts from the raw slices', () => {
  it('cuts each file as it is in fixtures/, the level sets with their candles and levels (their alerts stay unread)', () => {
    for (const [file, cut] of [[SEALED_LEVELS, sealedLevels], [SEALED_ROUND, sealedRoundNumbers], [FLUSH_DAY, flushDay], [QUIET_DAY, quietDay]] as const) {
      expect(readFileSync(file, 'utf8'), file).toBe(cut());
    }
    const levels = rowsOf(SEALED_LEVELS);
    expect(levels.filter((r) => r.type === 'candle')).toHaveLength(2 * 1681);
    expect(levels.filter((r) => r.type === 'level').map((r) => r.asset)).toEqual(['ETH', 'ETH', 'ETH', 'ETH', 'LTC', 'LTC', 'LTC', 'LTC']);
    expect(levels[0]!.note).toContain('SEALED');
    expect(levels[0]!.note).toContain('source: jilee1212/freqtrade-future@2daf0e2a8d5b2412511d0ee1b95c27c73ca56a18');
    const round = rowsOf(SEALED_ROUND);
    expect(round.filter((r) => r.type === 'level')).toHaveLength(20);
    expect(round[0]!.note).toContain('ETH every 100, LTC every 2');
  });

  it('keeps each 2025-10-22 print once (the recorder wrote them twice), leaves out ETHBTC, and names its source', async () => {
    const raw = readFileSync(FLUSH_SOURCE.slice, 'utf8').split('\n').filter(Boolean).slice(1);
    expect(raw).toHaveLength(6908);
    expect(new Set(raw).size).toBe(3455);
    const liqs = (await loadFile(FLUSH_DAY)).batches.flat().filter((e): e is Liquidation => e.type === 'liquidation');
    expect(liqs).toHaveLength(3455 - 1);
    expect([at(liqs[0]!.ts), at(liqs.at(-1)!.ts)]).toEqual(['10:52:42.385', '11:40:28.120']);
    // BUY is a short liquidated; usd is the average price times the filled quantity, the recorder's usd_value.
    expect(liqs[0]).toMatchObject({ symbol: 'EVAA/USDT:USDT', side: 'short', price: 8.117916, amount: 6.2, usd: 50.33 });
    expect(rowsOf(FLUSH_DAY)[0]!.note).toContain(`source: ${FLUSH_SOURCE.repo} ${FLUSH_SOURCE.path}`);
    const quiet = (await loadFile(QUIET_DAY)).batches.flat();
    expect(quiet).toHaveLength(readFileSync(QUIET_SOURCE.slice, 'utf8').split('\n').filter(Boolean).length);
    expect(rowsOf(QUIET_DAY)[0]!.note).toContain(`source: ${QUIET_SOURCE.repo} ${QUIET_SOURCE.path}`);
  });
});

describe('2025-10-22 10:52-11:40 UTC, a real long flush and two short squeezes, replayed with the default config', () => {
  it('calls the long flush 2 s into its first broad second, edits it twice as the main leg lands, and ends it once', async () => {
    const flush = (await replay()).filter((a) => a.kind.startsWith('market_flush') && 'side' in a && a.side === 'long');
    expect(flush.map((a) => `${a.kind} ${at(a.ts)}`)).toEqual([
      'market_flush 11:02:22.081', 'market_flush_update 11:03:22.081', 'market_flush_update 11:04:22.081', 'market_flush_end 11:19:13.726',
    ]);
    const [start, first, second, end] = flush;
    if (start?.kind !== 'market_flush' || first?.kind !== 'market_flush_update' || second?.kind !== 'market_flush_update' || end?.kind !== 'market_flush_end') throw new Error('unreachable');
    // The first second a trader would call it: 11:02:20, eleven symbols' longs at once ($178K, BTC $170K), 33 more the next.
    expect(start.ts - t('11:02:20')).toBeLessThan(3_000);
    expect(at(start.startedAt)).toBe('10:57:24.376');
    expect([Math.round(start.usd / 1000), start.assetCount]).toEqual([701, 86]);
    expect(start.leaders.map((l) => l.asset)).toEqual(['BTC', 'ETH', 'DASH']);
    // Each edit tells the flush up to its last print at pace: the prints under pace after it are held apart.
    expect([Math.round(first.usd / 1000), first.assetCount]).toEqual([969, 133]);
    // The main leg (11:03:47-11:04:02) is told at most a minute after the last edit: 35 s after it began.
    expect([Math.round(second.usd / 1000), second.assetCount]).toEqual([3417, 378]);
    expect(second.leaders.map((l) => l.asset)).toEqual(['BTC', 'ETH', 'NEAR']);
    // Its window ends at its last print at pace, the main leg's 11:04:22.272: the trickle after it ($1K-19K a minute, one
    // minute of $94K, where $140K a minute called it) is left out, and it is over 10 min after its window first fell under
    // the end level (11:09), not 10 min after the trickle's last lift (11:20).
    expect([Math.round(end.usd / 1000), end.assetCount, at(end.endedAt)]).toEqual([3420, 379, '11:04:22.272']);
  });

  it("calls ETH's short squeeze as ETH's cascade 41 s after its first big print, with one edit and one end", async () => {
    const alerts = await replay();
    const eth = alerts.filter((a) => a.asset === 'ETH');
    // Over ten quiet minutes after its window fell under the end level, 11:17:30, when the 10-second slice of its $797K
    // print of 11:12:36 left it (counted from the last print before that, $95 at 11:15:58.075, it was over at 11:25:58).
    expect(eth.map((a) => `${a.kind} ${at(a.ts)}`)).toEqual(['cascade 11:12:19.569', 'cascade_update 11:13:19.569', 'cascade_end 11:27:30.000']);
    const [start] = only(alerts, 'cascade', 'short', 'ETH');
    expect(start!.ts - t('11:11:38.548')).toBeLessThan(45_000);
    expect(Math.round(start!.usd / 1000)).toBe(805);
    const [over] = only(alerts, 'cascade_end', 'short', 'ETH');
    // Its last print at pace, 11:12:36.156; the $302K of ETH shorts after it (to 11:21:31) came under its pace.
    expect([Math.round(over!.usd / 1000), at(over!.endedAt)]).toEqual([1678, '11:12:36.156']);
  });

  // The short window was ETH's cascade (ETH 68-86% of it from 11:11:38 to 11:16:38), so no flush; at 11:16:38.548
  // ETH's $667K print of 11:11:38 left the window, ETH fell to 58.5% of it, and the next short print (RIVER $8.2K at
  // 11:16:45.053) used to start a flush ($1.70M, 95 assets, led by ETH $992K) while the minute before held $26K of
  // shorts. The broad squeeze came at 11:18:40 (BTC short $140K, then ETH $106K at 11:18:45.552, when a fresh window
  // first qualifies: $721K, 56 assets, EVAA 25%, BTC 21%, ETH 16%).
  it('calls the market-wide short flush with the broad squeeze of 11:18:40, not as ETH\'s squeeze ages out', async () => {
    const alerts = await replay();
    const starts = only(alerts, 'market_flush', 'short');
    expect(starts).toHaveLength(1);
    expect(at(starts[0]!.ts)).toBe('11:18:45.552');
    expect([Math.round(starts[0]!.usd / 1000), starts[0]!.assetCount, starts[0]!.leaders.map((l) => `${l.asset} ${Math.round(l.share * 100)}%`)]).toEqual([721, 56, ['EVAA 25%', 'BTC 21%', 'ETH 16%']]);
    expect(only(alerts, 'market_flush_update', 'short').map((a) => at(a.ts))).toEqual(['11:20:41.256']);
    const ends = only(alerts, 'market_flush_end', 'short');
    expect(ends.map((a) => [at(a.ts), Math.round(a.usd / 1000), a.assetCount])).toEqual([['11:35:57.067', 1138, 97]]);
  });
});

describe('2024-08-17 11:58-12:28 UTC, a quiet half hour, replayed with the default config', () => {
  it('posts nothing ($0.44M of prints across 72 symbols in 30 min)', async () => {
    const { alerts } = await runFile(QUIET_DAY, buildConfig({}));
    expect(alerts).toEqual([]);
  });
});
