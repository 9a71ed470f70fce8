/** Market lists cached on disk so restarts and offline starts do not need REST. */
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FeedError } from '../../src/feeds/errors.js';
import { loadMarkets, marketsCachePath } from '../../src/feeds/markets.js';
import { BYBIT_MARKETS } from '../fakes/exchanges/markets.js';

const quiet = { info: () => undefined, warn: () => undefined, debug: () => undefined };

describe('loadMarkets', () => {
  let dir: string;
  let clock: number;
  let calls: number;
  const fetchOk = async (): Promise<unknown[]> => {
    calls++;
    return Object.values(BYBIT_MARKETS);
  };
  const fetchDown = async (): Promise<unknown[]> => {
    calls++;
    throw Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' });
  };

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'liqbot-markets-'));
    clock = Date.UTC(2026, 10, 2);
    calls = 0;
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  const load = (fetchMarkets?: () => Promise<unknown[]>) =>
    loadMarkets({ exchange: 'bybit', path: marketsCachePath(dir, 'bybit'), now: () => clock, log: quiet, ...(fetchMarkets ? { fetchMarkets } : {}) });

  it('loads from the exchange once, keeps only swaps, and serves the next start from disk', async () => {
    const first = await load(fetchOk);
    expect(first.from).toBe('exchange');
    expect(Object.keys(first.markets)).not.toContain('BTC/USDT');
    expect(first.markets['BTC/USD:BTC']).toMatchObject({ inverse: true });
    const file = JSON.parse(await readFile(join(dir, 'markets-bybit.json'), 'utf8'));
    expect(file).toMatchObject({ exchange: 'bybit', savedAt: clock });
    clock += 3_600_000;
    const second = await load(fetchOk);
    expect(second.from).toBe('cache');
    expect(calls).toBe(1);
    expect(second.markets).toEqual(first.markets);
  });

  it('refreshes a day-old cache, and keeps using it when the exchange cannot be reached', async () => {
    await load(fetchOk);
    clock += 25 * 3_600_000;
    const stale = await load(fetchDown);
    expect(stale.from).toBe('stale cache');
    expect(calls).toBe(2);
  });

  it('without a cache, an unreachable exchange is a retryable FeedError with a hint', async () => {
    const err = await load(fetchDown).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(FeedError);
    expect(err).toMatchObject({ retryable: true, hint: expect.stringMatching(/network/) });
  });

  it('ignores a corrupt cache file', async () => {
    await writeFile(join(dir, 'markets-bybit.json'), '{"exchange":"bybit","savedAt":');
    expect((await load(fetchOk)).from).toBe('exchange');
  });
});
