/**
 * The market-wide flush as a live deployment meets it when only the six configured assets' liquidations reach it (no
 * all-market stream among its venues, or none of its prints in the last day): no more than six can be in a flush
 * window, and `flush.minAssets` (10) alone could never be met. The Market is fed here as main.ts feeds it live: the
 * feeds report their states to `market.feeds`, then the tracked assets' events arrive in time order, the clock running
 * through the time between them. Offline (no feed reports) a file brings every asset it holds, and the configured 10
 * apply as before. With the all-market streams' prints of the other assets: flush-all-market.test.ts.
 */
import { describe, expect, it } from 'vitest';
import { buildConfig, type Config } from '../../config/load.js';
import type { Alert } from '../../src/core/alerts.js';
import { assetOf, eventAsset, type Liquidation, type MarketEvent } from '../../src/core/events.js';
import { FEWEST_FLUSH_ASSETS, flushMinAssets, flushReach, flushReachNote } from '../../src/core/flush.js';
import { Market } from '../../src/core/market.js';
import { isSampled } from '../../src/core/venues.js';
import { wants } from '../../src/alerts/router.js';
import { loadFile } from '../../src/offline.js';
import type { Subscription } from '../../src/store/store.js';

const T0 = Date.parse('2026-03-02T12:00:00Z');
const MAJORS = ['BTC', 'ETH', 'SOL', 'XRP', 'DOGE', 'BNB'];
const ALL: Subscription = { chat: 'tg:1', enabled: true, assets: [], families: ['cascade', 'level'], minUsd: 0, updatedAt: 0 };

/** A Market whose live feeds have reported, as main.ts's `startFeeds` status callback does before any event. */
function liveMarket(config: Config): Market {
  const m = new Market(config);
  for (const exchange of config.exchanges) m.feeds.update({ exchange, stream: 'liquidations', state: 'live', since: T0 - 3_600_000, sampled: isSampled(exchange) });
  return m;
}

/** The events in time order, the clock running through the time between them (live: once a second). */
function feed(m: Market, events: readonly MarketEvent[]): Alert[] {
  const out: Alert[] = [];
  for (const e of events) out.push(...m.catchUp(e.ts), ...m.ingest(e));
  out.push(...m.catchUp(events.at(-1)!.ts + 3_600_000));
  return out;
}

function long(ts: number, asset: string, usd: number, exchange = 'bybit'): Liquidation {
  return { type: 'liquidation', ts, exchange, symbol: `${asset}/USDT:USDT`, side: 'long', price: 1, amount: usd, usd };
}

/** Ten rounds 15 s apart, each asset printing a tenth of its share on Bybit: $3.3M of longs in 2m15s. */
function sixMajorFlush(): Liquidation[] {
  const usd: Record<string, number> = { BTC: 1_200_000, ETH: 900_000, SOL: 500_000, XRP: 300_000, DOGE: 250_000, BNB: 150_000 };
  const out: Liquidation[] = [];
  for (let round = 0; round < 10; round++) MAJORS.forEach((a, k) => out.push(long(T0 + round * 15_000 + k * 100, a, usd[a]! / 10)));
  return out;
}

/** ETH's own flush ($4M in 2m15s) with the other majors' everyday trickle ($410K): a one-coin cascade. */
function oneCoinCascade(): Liquidation[] {
  const usd: Record<string, number> = { ETH: 4_000_000, BTC: 200_000, SOL: 100_000, XRP: 50_000, DOGE: 40_000, BNB: 20_000 };
  const out: Liquidation[] = [];
  for (let round = 0; round < 10; round++) MAJORS.forEach((a, k) => out.push(long(T0 + round * 15_000 + k * 100, a, usd[a]! / 10)));
  return out;
}

describe('a live deployment with the default six assets', () => {
  const config = buildConfig({});

  it('watches six assets and calls a flush from four of them (0.6 × 6), the configured 10 being out of its reach', () => {
    expect(config.assets).toEqual(MAJORS);
    expect(config.flush).toMatchObject({ minAssets: 10, minAssetShare: 0.6 });
    expect(flushReach(config.flush, config.assets)).toEqual({ watched: 6, minAssets: 4, canFire: true });
    expect(flushReachNote(config.flush, config.assets)).toBeUndefined();
  });

  it('calls one market-wide flush when the six majors liquidate together, the flush a chat following every asset hears', () => {
    const alerts = feed(liveMarket(config), sixMajorFlush());
    const starts = alerts.filter((a) => a.kind === 'market_flush');
    expect(starts).toHaveLength(1);
    const start = starts[0]!;
    if (start.kind !== 'market_flush') throw new Error('unreachable');
    // Bybit alone seen: the $10M floor × Bybit's 0.25 of the market = $2.5M, passed by the eighth round's ETH print (seven
    // rounds of $330K are $2.31M, then BTC $120K and ETH $90K: $2.52M), all six in the window.
    expect(start.ts).toBe(T0 + 7 * 15_000 + 100);
    expect(start.usd).toBeCloseTo(2_520_000, 0);
    expect(start.assetCount).toBe(6);
    expect(start.leaders.map((l) => l.asset)).toEqual(['BTC', 'ETH', 'SOL']);
    expect(start.leaders[0]!.share).toBeCloseTo(960_000 / 2_520_000, 6);
    const end = alerts.find((a) => a.kind === 'market_flush_end');
    if (end?.kind !== 'market_flush_end') throw new Error('no end');
    expect(end.usd).toBeCloseTo(3_300_000, 0);
    expect(end.assetCount).toBe(6);
    // The tally grew from $2.52M to $3.3M (31%) within 31 s of the start, the last print 30 s in: the message is edited
    // once, a minute after its start (`updateMinMinutes`), though no print comes then.
    const heard = alerts.filter((a) => wants(ALL, a)).filter((a) => a.kind.startsWith('market_flush'));
    expect(heard.map((a) => a.kind)).toEqual(['market_flush', 'market_flush_update', 'market_flush_end']);
    expect(heard[1]!.ts).toBe(start.ts + 60_000);
    expect(heard[1]!.kind === 'market_flush_update' && heard[1]!.usd).toBeCloseTo(3_300_000, 0);
  });

  it("calls none on one coin's cascade, the other majors trickling: the cascade is that coin's alert", () => {
    const alerts = feed(liveMarket(config), oneCoinCascade());
    expect(alerts.filter((a) => a.kind.startsWith('market_flush'))).toEqual([]);
    expect(alerts.filter((a) => a.kind === 'cascade').map((a) => a.asset)).toEqual(['ETH']);
  });

  it('offline, the same six-asset prints are no market-wide flush: a file brings every asset it holds, and 10 apply', () => {
    const m = new Market(config);
    expect(feed(m, sixMajorFlush()).filter((a) => a.kind.startsWith('market_flush'))).toEqual([]);
  });
});

describe('the deployments that cannot call one say so at start', () => {
  it('a bot watching fewer than three assets can never call a flush; three can', () => {
    const flush = buildConfig({}).flush;
    expect(FEWEST_FLUSH_ASSETS).toBe(3);
    expect(flushReach(flush, ['BTC', 'ETH'])).toEqual({ watched: 2, minAssets: 3, canFire: false });
    expect(flushReachNote(flush, ['BTC', 'ETH'])).toBe(
      'no market-wide flush can be called: the feeds watch 2 assets (BTC, ETH) and a flush takes at least 3; add assets to `assets` in the config, or an exchange with an all-market stream (binanceusdm, binancecoinm, okx) to `exchanges`, to hear one',
    );
    expect(flushReachNote(flush, ['ETH'])).toMatch(/^no market-wide flush can be called: the feeds watch 1 asset \(ETH\) and a flush takes at least 3;/);
    expect(flushReach(flush, ['BTC', 'ETH', 'SOL'])).toEqual({ watched: 3, minAssets: 3, canFire: true });
  });

  it('the share applies only below minAssets: sixteen watched or more need the configured 10', () => {
    expect([1, 2, 3, 4, 5, 6, 7, 10, 15, 16, 17, 40, 200].map((n) => flushMinAssets(10, 0.6, n))).toEqual([3, 3, 3, 3, 3, 4, 5, 6, 9, 10, 10, 10, 10]);
    // A configured minimum below the floor of three is the operator's to set.
    expect(flushMinAssets(2, 0.6, 6)).toBe(2);
  });
});

describe('real Binance prints as a default live deployment would have received them (the six majors only)', () => {
  /** The file's events a live deployment with the default config gets: the tracked assets' prints, candles and prices. */
  async function asLive(file: string): Promise<Alert[]> {
    const config = buildConfig({});
    const events = (await loadFile(file)).batches.flat().filter((e) => !('symbol' in e) || config.assets.includes(eventAsset(e)));
    return feed(liveMarket(config), events);
  }

  it('the DeepSeek selloff (2025-01-27) is one market-wide long flush across the six majors', async () => {
    const alerts = await asLive('fixtures/binance-2025-01-27-forceorder.real.jsonl');
    const starts = alerts.filter((a) => a.kind === 'market_flush');
    expect(starts).toHaveLength(1);
    const start = starts[0]!;
    if (start.kind !== 'market_flush') throw new Error('unreachable');
    expect(start.side).toBe('long');
    expect(start.assetCount).toBe(6);
    expect(start.leaders.map((l) => l.asset)).toEqual(['DOGE', 'BTC', 'ETH']);
    expect(new Date(start.startedAt).toISOString().slice(11, 16)).toBe('16:51');
    expect(alerts.filter((a) => a.kind === 'market_flush_end')).toHaveLength(1);
    // The BTC and ETH cascades start inside it: a chat following every asset hears the flush, not them again.
    expect(alerts.filter((a) => a.kind === 'cascade').map((a) => [a.asset, a.kind === 'cascade' && a.flushId === start.flushId])).toEqual([['BTC', true], ['ETH', true]]);
    // Edited at 25% growth: $905K at the start; the 17:08 burst's first prints come while the window is below the end
    // level (held apart from the tally) and count once a strong print at 17:08:41 brings them in: $1.26M. The rest of
    // that burst (+23%) is under the edit's growth, and the end tells it, up to its last print at pace: $1.55M.
    const heard = alerts.filter((a) => wants(ALL, a));
    expect(heard.map((a) => a.kind)).toEqual(['market_flush', 'market_flush_update', 'market_flush_end']);
    expect(heard.map((a) => new Date(a.ts).toISOString().slice(11, 19))).toEqual(['16:54:48', '17:08:41', '17:23:42']);
    expect(heard.map((a) => ('usd' in a ? Math.round(a.usd / 1000) : 0))).toEqual([905, 1259, 1545]);
  });

  it('the quiet day (2025-12-27) calls none', async () => {
    const alerts = await asLive('fixtures/binance-2025-12-27-forceorder.real.jsonl');
    expect(alerts.filter((a) => a.kind.startsWith('market_flush'))).toEqual([]);
  });

  it("the Oct 23 2025 flush is out of a six-major view: ETH is 61% of the majors' window, under the floor (every asset's prints call it: flush-all-market.test.ts)", async () => {
    const alerts = await asLive('fixtures/binance-2025-10-23-forceorder.real.jsonl');
    expect(alerts.filter((a) => a.kind.startsWith('market_flush'))).toEqual([]);
    // The replay of the whole file calls it from the prints of 135 assets, which a bot watching the six majors never gets.
    const liqs = (await loadFile('fixtures/binance-2025-10-23-forceorder.real.jsonl')).batches.flat().filter((e): e is Liquidation => e.type === 'liquidation');
    expect(new Set(liqs.map((l) => assetOf(l.symbol))).size).toBe(135);
  });
});
