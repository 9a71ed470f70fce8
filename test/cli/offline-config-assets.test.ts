/**
 * A user's config offline: its `assets` change which assets are tracked and nothing else (the replay is still a file's,
 * not the live bot's: a flush takes `minAssets` as configured and says nothing of what live feeds count), and an asset
 * the file holds no event of, configured or not, gets no answer: the file is the whole source, so it is not a quiet market.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { BUNDLED, cli, tempDir } from '../helpers.js';

/** Real Binance prints of every contract, Jan 27 2025: the DeepSeek long flush, 16:50–17:08 and its legs. */
const JAN27 = 'fixtures/binance-2025-01-27-forceorder.real.jsonl';

function configFile(yaml: string): string {
  const path = join(tempDir(), 'config.yaml');
  writeFileSync(path, yaml);
  return path;
}

interface AlertLine { ts: number; kind: string; asset: string; usd?: number; text: string }

async function replay(file: string, ...args: string[]): Promise<AlertLine[]> {
  const r = await cli('replay', file, '--json', ...args);
  expect(r.code, r.err).toBe(0);
  return r.out.split('\n').map((l) => JSON.parse(l) as AlertLine);
}

describe('replay --config with assets is a replay still, not a live run', () => {
  it('calls no market-wide flush across the five assets of the bundled day (minAssets 10), and posts the same alerts of the tracked ones', async () => {
    const all = await replay(BUNDLED);
    for (const assets of [['ETH'], ['BTC', 'ETH']]) {
      const tracked = await replay(BUNDLED, '--config', configFile(`assets: [${assets.join(', ')}]\n`));
      expect(tracked.filter((a) => a.kind.startsWith('market_flush'))).toEqual([]);
      // The old run made the market live: a flush "across 5 assets" (minAssets scaled to the assets a live bot sees)
      // carried ETH's cascade, 48 alerts in all for [ETH].
      expect(tracked).toEqual(all.filter((a) => assets.includes(a.asset)));
    }
    expect((await replay(BUNDLED, '--config', configFile('assets: [ETH]\n'))).length).toBe(24);
  });

  it("says nothing of what the live feeds count in a flush's messages, and calls the same flushes", async () => {
    const all = await replay(JAN27);
    const eth = await replay(JAN27, '--config', configFile('assets: [ETH]\n'));
    const flushes = (alerts: AlertLine[]) => alerts.filter((a) => a.kind.startsWith('market_flush'));
    expect(flushes(eth).map((a) => [a.ts, a.kind, a.usd])).toEqual(flushes(all).map((a) => [a.ts, a.kind, a.usd]));
    expect(flushes(eth).length).toBe(5);
    for (const a of flushes(eth)) expect(a.text).not.toContain('Counts ');
  });
});

describe('an asset the file holds nothing of', () => {
  const noBnb = `liqbot: No BNB data in ${BUNDLED}: it holds BTC, ETH, SOL, XRP, DOGE.`;

  it('is no answer from liqs, levels or oi, not a quiet market or a list without levels, though the default config lists it', async () => {
    for (const args of [['liqs', 'bnb'], ['liqs', 'bnb', '--json'], ['levels', 'bnb'], ['levels', 'bnb', '--json'], ['oi', 'bnb']]) {
      const r = await cli(...args, '--data', BUNDLED);
      expect(r.code, args.join(' ')).toBe(1);
      expect(r.out, args.join(' ')).toBe('');
      expect(r.err.split('\n').pop(), args.join(' ')).toBe(noBnb);
    }
  });

  it('names the configured assets the file holds where the config names its own', async () => {
    const r = await cli('liqs', 'bnb', '--data', BUNDLED, '--config', configFile('assets: [ETH, BNB]\n'));
    expect(r.code).toBe(1);
    expect(r.err.split('\n').pop()).toBe(`liqbot: No BNB data in ${BUNDLED}: of the configured assets it holds ETH.`);
    const none = await cli('levels', 'bnb', '--data', BUNDLED, '--config', configFile('assets: [BNB]\n'));
    expect(none.code).toBe(1);
    expect(none.err.split('\n').pop()).toBe(`liqbot: No BNB data in ${BUNDLED}: it holds none of the configured assets.`);
  });

  it('is left out of the assets an unknown one is told to choose from', async () => {
    const r = await cli('liqs', '2,35k', '--data', BUNDLED);
    expect(r.code).toBe(2);
    expect(r.err.split('\n').pop()).toBe('liqbot: Unknown asset "2,35k". Tracked: BTC, ETH, SOL, XRP, DOGE.');
  });
});
