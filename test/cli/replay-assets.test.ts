/**
 * The offline commands with a user's config that names its `assets`: those alone are tracked, as the live bot tracks
 * them (another coin's liquidations feed the market-wide flush alone); with no config, or one that leaves `assets` to
 * the defaults, every asset the file holds is.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cli, tempDir } from '../helpers.js';

/** Real Binance prints of every contract, Oct 22 2025: two flushes, and cascades of ETH, FF and EVAA. */
const OCT22 = 'fixtures/binance-2025-10-22-forceorder.real.jsonl';

function configFile(yaml: string): string {
  const path = join(tempDir(), 'config.yaml');
  writeFileSync(path, yaml);
  return path;
}

interface AlertLine { ts: number; kind: string; asset: string; usd?: number; posted: boolean }

async function replay(...args: string[]): Promise<AlertLine[]> {
  const r = await cli('replay', OCT22, '--json', ...args);
  expect(r.code, r.err).toBe(0);
  return r.out.split('\n').map((l) => JSON.parse(l) as AlertLine);
}

const starts = (alerts: AlertLine[]) => alerts.filter((a) => a.kind === 'cascade' || a.kind === 'market_flush').map((a) => `${a.kind} ${a.asset}`);
const flushes = (alerts: AlertLine[]) => alerts.filter((a) => a.kind.startsWith('market_flush')).map((a) => ({ ts: a.ts, kind: a.kind, usd: a.usd }));

describe('replay --config with assets', () => {
  it('posts cascades of the configured assets alone, and the same market-wide flushes', async () => {
    const all = await replay();
    const btcEth = await replay('--config', configFile('assets: [BTC, ETH]\n'));
    expect(starts(all)).toEqual(['market_flush ALL', 'cascade ETH', 'cascade FF', 'cascade EVAA', 'market_flush ALL']);
    expect(starts(btcEth)).toEqual(['market_flush ALL', 'cascade ETH', 'market_flush ALL']);
    expect(btcEth.every((a) => ['ALL', 'BTC', 'ETH'].includes(a.asset))).toBe(true);
    expect(flushes(btcEth)).toEqual(flushes(all));
  });

  it('tracks every asset of the file when the config leaves assets to the defaults', async () => {
    const alerts = await replay('--config', configFile('summary:\n  largest: 3\n'));
    expect(starts(alerts)).toEqual(['market_flush ALL', 'cascade ETH', 'cascade FF', 'cascade EVAA', 'market_flush ALL']);
  });
});

describe('liqs --config with assets', () => {
  const config = configFile('assets: [BTC, ETH]\n');

  it('adds up the configured assets alone in the market-wide view', async () => {
    const r = await cli('liqs', 'all', '--data', OCT22, '--config', config, '--json');
    expect(r.code, r.err).toBe(0);
    expect(Object.keys((JSON.parse(r.out) as { byAsset: object }).byAsset).sort()).toEqual(['BTC', 'ETH']);
  });

  it('refuses an asset outside them, as the live bot does', async () => {
    const r = await cli('liqs', 'ff', '--data', OCT22, '--config', config);
    expect(r.code).toBe(2);
    expect(r.err).toBe('liqbot: Unknown asset "ff". Tracked: BTC, ETH.');
  });
});
