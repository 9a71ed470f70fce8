/**
 * Each exchange's market list, loaded once and kept on disk (`markets-<exchange>.json` under the data dir),
 * so a restart does not hammer REST and a bot without network still knows its symbols. A cache younger
 * than a day is used as is; an older one is refreshed, and used anyway if the refresh fails. Once every venue has its
 * list, a configured asset none of them lists is said (`Listings`).
 */
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { distance } from 'fastest-levenshtein';
import type { Logger } from '../log.js';
import { describe, FeedError, hintFor, isNetworkError } from './errors.js';
import { coinOf, isFollowedPerpetual, swapsOnly, type MarketLike, type Markets } from './symbols.js';

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

/**
 * The coins the venues of one start list as perpetual swaps, gathered as each venue's market list loads. Once every
 * venue has its list (or has given up on it), a configured asset that none of them lists is said once, at warn, with
 * the nearest coins they do list, and handed on (`found`) so `/status` says it too: a typo in `assets` (`ETJ`) would
 * otherwise run on with no data, its last price "none yet", where a typo in `exchanges` stops the start. A start
 * stopped before every list loaded says nothing.
 */
export class Listings {
  private readonly pending = new Set<string>();
  /** Each venue's coins (upper case), by the venue's id. */
  private readonly coins = new Map<string, Set<string>>();
  private told = false;

  constructor(
    private readonly assets: readonly string[],
    private readonly log: Pick<Logger, 'warn'>,
    /** Says the line where the operator watches too (the terminal prompt shows no warn lines). */
    private readonly say: (line: string) => void = () => undefined,
    /** Hands the unlisted assets on, for the venues' statuses to carry to `/status`. */
    private readonly found: (unlisted: readonly string[]) => void = () => undefined,
  ) {}

  /** A venue whose list is coming. */
  expect(venue: string): void {
    if (!this.told) this.pending.add(venue);
  }

  /** A venue's list, as `swapsOnly` gives it; `undefined` when the venue gave up without one (no cache, REST off). */
  listed(venue: string, markets: Markets | undefined): void {
    if (!this.pending.delete(venue)) return;
    if (markets) this.coins.set(venue, new Set(Object.values(markets).filter(isFollowedPerpetual).map((m) => coinOf(m).toUpperCase())));
    if (this.pending.size || this.told || !this.coins.size) return;
    this.told = true;
    const unlisted = this.assets.filter((a) => ![...this.coins.values()].some((c) => c.has(a.toUpperCase())));
    if (!unlisted.length) return;
    const exchanges = [...this.coins.keys()].sort();
    const named = unlisted.map((a) => {
      const near = nearestCoins(a, this.coins);
      return near.length ? `${a} (did you mean ${near.join(' or ')}?)` : a;
    });
    const one = unlisted.length === 1;
    const line = `${named.join(', ')} ${one ? 'is' : 'are'} listed as a perpetual swap on none of the watched exchanges (${exchanges.join(', ')}): ${one ? 'it gets' : 'they get'} no liquidations or prices; check assets in the config`;
    this.log.warn({ assets: unlisted, exchanges }, line);
    this.say(line);
    this.found(unlisted);
  }
}

/**
 * The coins the venues list nearest to `asset`, a typo away (as many edits as a third of its letters, at least one):
 * the nearest, the most listed first, two at most (`ETJ`: ETH or ETC).
 */
function nearestCoins(asset: string, coins: ReadonlyMap<string, ReadonlySet<string>>): string[] {
  const typed = asset.toUpperCase();
  const most = Math.max(1, Math.floor(typed.length / 3));
  const venues = new Map<string, number>();
  for (const list of coins.values()) for (const c of list) venues.set(c, (venues.get(c) ?? 0) + 1);
  const near = [...venues].map(([coin, n]) => ({ coin, n, d: distance(typed, coin) })).filter((x) => x.d <= most);
  const best = Math.min(...near.map((x) => x.d));
  return near
    .filter((x) => x.d === best)
    .sort((a, b) => b.n - a.n || a.coin.localeCompare(b.coin))
    .slice(0, 2)
    .map((x) => x.coin);
}
