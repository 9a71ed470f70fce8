/**
 * Each exchange's market list, loaded once and kept on disk (`markets-<exchange>.json` under the data dir),
 * so a restart does not hammer REST and a bot without network still knows its symbols. A cache younger
 * than a day is used as is; an older one is refreshed, and used anyway if the refresh fails.
 */
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type { Logger } from '../log.js';
import { describe, FeedError, hintFor, isNetworkError } from './errors.js';
import { swapsOnly, type MarketLike } from './symbols.js';

export const MARKETS_MAX_AGE_MS = 24 * 3_600_000;

export function marketsCachePath(dataDir: string, exchange: string): string {
  return join(dataDir, `markets-${exchange}.json`);
}

interface CacheFile {
  exchange: string;
  savedAt: number;
  markets: MarketLike[];
}

export interface LoadedMarkets {
  markets: Record<string, MarketLike>;
  from: 'cache' | 'exchange' | 'stale cache';
}

export interface LoadMarketsOptions {
  exchange: string;
  path: string;
  /** The exchange's REST API; undefined = never ask it. */
  fetchMarkets?: () => Promise<unknown[]>;
  now: () => number;
  log: Pick<Logger, 'info' | 'warn' | 'debug'>;
  maxAgeMs?: number;
}

async function readCache(path: string, exchange: string): Promise<CacheFile | undefined> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch {
    return undefined;
  }
  try {
    const file = JSON.parse(text) as CacheFile;
    if (file.exchange !== exchange || !Number.isFinite(file.savedAt) || !Array.isArray(file.markets)) return undefined;
    return file;
  } catch {
    return undefined;
  }
}

async function writeCache(path: string, file: CacheFile): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  const tmp = `${path}.${process.pid}.tmp`;
  await writeFile(tmp, JSON.stringify(file));
  await rename(tmp, path);
}

function isMarket(v: unknown): v is MarketLike {
  const m = v as MarketLike;
  return typeof m === 'object' && m !== null && typeof m.id === 'string' && typeof m.symbol === 'string' && typeof m.base === 'string';
}

/** Markets from the cache, or from the exchange (then cached). Throws a FeedError when neither has them. */
export async function loadMarkets(o: LoadMarketsOptions): Promise<LoadedMarkets> {
  const cached = await readCache(o.path, o.exchange);
  const age = cached ? o.now() - cached.savedAt : Infinity;
  if (cached && age < (o.maxAgeMs ?? MARKETS_MAX_AGE_MS)) return { markets: swapsOnly(cached.markets), from: 'cache' };
  if (!o.fetchMarkets) {
    if (cached) return { markets: swapsOnly(cached.markets), from: 'stale cache' };
    throw new FeedError(`${o.exchange}: no market list cached at ${o.path} and REST is off`, false, 'let liqbot reach the exchange once, or preset the markets');
  }
  try {
    const fetched = (await o.fetchMarkets()).filter(isMarket);
    const markets = swapsOnly(fetched);
    if (Object.keys(markets).length === 0) throw new FeedError(`${o.exchange} listed no perpetual swaps`, true, 'the exchange answered oddly; retrying later');
    try {
      await writeCache(o.path, { exchange: o.exchange, savedAt: o.now(), markets: Object.values(markets) });
    } catch (err) {
      o.log.warn({ exchange: o.exchange, path: o.path, error: describe(err) }, 'could not cache the market list; it will be loaded again at the next start');
    }
    return { markets, from: 'exchange' };
  } catch (err) {
    if (cached) {
      o.log.warn({ exchange: o.exchange, error: describe(err), ageH: Math.round(age / 3_600_000) }, `${o.exchange}: using the cached market list; refreshing it failed`);
      return { markets: swapsOnly(cached.markets), from: 'stale cache' };
    }
    if (err instanceof FeedError) throw err;
    throw new FeedError(`${o.exchange}: cannot load markets: ${describe(err)}`, isNetworkError(err), hintFor(err, o.exchange), { cause: err });
  }
}
