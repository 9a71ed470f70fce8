/**
 * `liqbot levels|liqs ASSET --data FILE` give the answer of the engine fed the whole file (what the live bot's /levels
 * and /liqs read): a market-wide flush spans assets, so one asset's answer must see the others' liquidations.
 */
import fc from 'fast-check';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../config/load.js';
import { ALL_WINDOWS } from '../../config/windows.js';
import { renderTerminal } from '../../src/adapters/terminal/render.js';
import { eventAsset } from '../../src/core/events.js';
import { estimateLiqMap } from '../../src/core/liqmap.js';
import { DAY } from '../../src/core/time.js';
import { loadFile, runFile, type LoadedFile } from '../../src/offline.js';
import { levelsReply } from '../../src/replies/levels.js';
import { summaryReply } from '../../src/replies/summary.js';
import { cli, writeEvents } from '../helpers.js';

const config = loadConfig();

/**
 * The /levels and /liqs (24h) texts of the engine fed every event of the file up to `at`, its liquidations bucketed from
 * a day before, as `liqs` runs it (`levels` buckets them all: the same on the files here, each under a day long).
 */
async function fullAnswers(loaded: LoadedFile, at: number) {
  const { market } = await runFile(loaded, config, { until: at, bucketFrom: at - DAY });
  return (asset: string) => ({
    levels: renderTerminal(levelsReply(market.levelStatus(asset, undefined, at), market.windowCoverage(asset, DAY, at), estimateLiqMap(market, asset, at), undefined, {}), false),
    liqs: renderTerminal(summaryReply(market.summary(asset, '24h', DAY, at), ALL_WINDOWS), false),
    market,
  });
}

async function answer(command: 'levels' | 'liqs', asset: string, file: string, at: number): Promise<string> {
  const r = await cli(command, asset.toLowerCase(), '--data', file, '--at', String(at));
  expect(r.code, r.err).toBe(0);
  return r.out;
}

describe('levels ASSET in the middle of a market-wide flush', () => {
  // The real Jan 27 2025 Binance prints (a long flush across 186 assets from 16:50) and a BTC level.
  const day = readFileSync('fixtures/binance-2025-01-27-forceorder.real.jsonl', 'utf8').trimEnd().split('\n');
  const file = writeEvents([...day, { type: 'level', ts: Date.parse('2025-01-27T12:00:00Z'), asset: 'BTC', price: 100_300 }]);

  it('says the flush is still running, not that price stabilized at the cascade low', async () => {
    // BTC's own cascade runs on with the flush to 17:08: at 17:05 it is the cascade that is said to be running.
    const during = await cli('levels', 'btc', '--data', file, '--at', '2025-01-27T17:05:00Z');
    expect(during.code, during.err).toBe(0);
    expect(during.out).toContain('After $380K of longs liquidated, price is still moving; the cascade low $99,541 so far.');
    expect(during.out).not.toContain('stabilized');
    // Its cascade over (at 17:23:40, ten quiet minutes after its window fell at 17:13:40) and the flush not yet (called
    // over at 17:23:48): the flush, seen from the other assets' prints, is said.
    const r = await cli('levels', 'btc', '--data', file, '--at', '2025-01-27T17:23:44Z');
    expect(r.code, r.err).toBe(0);
    expect(r.out).toContain('After $635K of longs liquidated, a market-wide long flush is still running (since 16:50): too soon to call the cascade low $99,226 a floor.');
    expect(r.out).not.toContain('stabilized');
  });

  it('is the answer of the engine fed the whole file', async () => {
    const at = Date.parse('2025-01-27T17:05:00Z');
    expect(await answer('levels', 'BTC', file, at)).toBe((await fullAnswers(await loadFile(file), at))('BTC').levels);
  });
});

describe('one asset’s answer against the engine fed the whole file, on the real recordings', () => {
  // Prints of every Binance contract (an all-market stream): the four days with flushes across hundreds of assets.
  const FILES = ['2025-01-27', '2025-04-30', '2025-10-22', '2025-10-23'].map((d) => `fixtures/binance-${d}-forceorder.real.jsonl`);

  it('levels and liqs, and the level status and summary they show, agree five minutes into the day’s flushes and at moments drawn from it', async () => {
    let flushMoments = 0;
    for (const file of FILES) {
      const loaded = await loadFile(file);
      const events = loaded.batches.flat();
      const counts = new Map<string, number>();
      for (const e of events) if (e.type === 'liquidation') counts.set(eventAsset(e), (counts.get(eventAsset(e)) ?? 0) + 1);
      const assets = [...counts].sort((a, b) => b[1] - a[1]).slice(0, 2).map(([a]) => a);
      const firstOf = (asset: string) => Math.min(...events.filter((e) => eventAsset(e) === asset).map((e) => e.ts));
      // Five minutes into each of the day's first flushes (as the whole file's replay raises them), while they run.
      const { alerts } = await runFile(loaded, config);
      const flushes = alerts.filter((a) => a.kind === 'market_flush').map((a) => a.ts + 5 * 60_000);
      const check = async (at: number, among = assets) => {
        const full = await fullAnswers(loaded, at);
        for (const asset of among.filter((a) => at >= firstOf(a))) {
          const what = `${file} ${asset} at ${new Date(at).toISOString()}`;
          expect(await answer('levels', asset, file, at), `levels ${what}`).toBe(full(asset).levels);
          expect(await answer('liqs', asset, file, at), `liqs ${what}`).toBe(full(asset).liqs);
          // What the texts are made of, a running flush the level status reads among it (a text says it only after a
          // cascade of the asset on the flush's side).
          const { market } = await runFile(loaded, config, { until: at, bucketFrom: at - DAY, asset });
          expect(market.levelStatus(asset, undefined, at), `level status ${what}`).toEqual(full(asset).market.levelStatus(asset, undefined, at));
          expect(market.summary(asset, '24h', DAY, at), `summary ${what}`).toEqual(full(asset).market.summary(asset, '24h', DAY, at));
        }
      };
      for (const at of flushes.slice(0, 2)) await check(at);
      flushMoments += Math.min(2, flushes.length);
      await fc.assert(
        fc.asyncProperty(fc.constantFrom(...assets), fc.double({ min: 0, max: 1, noNaN: true }), async (asset, f) => {
          const from = firstOf(asset);
          await check(Math.round(from + f * (loaded.lastTs - from)), [asset]);
        }),
        { numRuns: 2 },
      );
    }
    expect(flushMoments).toBe(5); // five minutes into each of the five flushes of the four days (two on Oct 22)
  }, 120_000);
});
