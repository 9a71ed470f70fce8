/**
 * The market-wide flush fed by the all-market streams (Binance `!forceOrder@arr`, OKX `liquidation-orders`): live, the
 * liquidations of assets outside `assets` reach the flush and nothing else, so the flush counts every contract those
 * venues list while every figure of the tracked assets (`/liqs all`, their cascades, history, prices) reads as it does
 * without them. How many assets a live flush takes follows the assets the bot sees: the configured ones and the others
 * seen liquidating in the last day. Offline nothing changes: a file's assets are all tracked.
 */
import { describe, expect, it } from 'vitest';
import { buildConfig, type Config } from '../../config/load.js';
import type { Alert, MarketFlush, MarketFlushEnd } from '../../src/core/alerts.js';
import { assetOf, eventAsset, type Liquidation, type MarketEvent } from '../../src/core/events.js';
import { flushReach, flushReachNote } from '../../src/core/flush.js';
import { Market } from '../../src/core/market.js';
import { isSampled } from '../../src/core/venues.js';
import { loadFile } from '../../src/offline.js';
import { alertReply } from '../../src/replies/alerts.js';
import { allMarketFlush, UNTRACKED_ALTS } from '../helpers.js';
import { replyText } from '../../src/replies/reply.js';

const T0 = Date.parse('2026-03-02T12:00:00Z');
const MINUTE = 60_000;
const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const MAJORS = ['BTC', 'ETH', 'SOL', 'XRP', 'DOGE', 'BNB'];
const ALTS = UNTRACKED_ALTS;

/** A Market whose live feeds have reported (main.ts's status callback does so before any event). */
function liveMarket(config: Config, exchanges: readonly string[] = config.exchanges): Market {
  const m = new Market(config);
  for (const exchange of exchanges) m.feeds.update({ exchange, stream: 'liquidations', state: 'live', since: T0 - DAY - HOUR, sampled: isSampled(exchange) });
  return m;
}

/** The events in time order, the clock running through the time between them and an hour after (live: once a second). */
function feed(m: Market, events: readonly MarketEvent[], after = HOUR): Alert[] {
  const out: Alert[] = [];
  for (const e of events) out.push(...m.catchUp(e.ts), ...m.ingest(e));
  out.push(...m.catchUp(events.at(-1)!.ts + after));
  return out;
}

function long(ts: number, asset: string, usd: number, exchange: string): Liquidation {
  return { type: 'liquidation', ts, exchange, symbol: `${asset}/USDT:USDT`, side: 'long', price: 1, amount: usd, usd };
}

const tracked = (events: readonly MarketEvent[], config: Config) => events.filter((e) => !('symbol' in e) || config.assets.includes(eventAsset(e)));
/** Cascade alerts without the flush they are carried by (a flush the tracked-only bot did not call). */
const cascades = (alerts: readonly Alert[]) =>
  alerts
    .filter((a) => a.kind === 'cascade' || a.kind === 'cascade_update' || a.kind === 'cascade_end')
    .map((a) => {
      const { flushId: _f, ledFlush: _l, ...rest } = a as Alert & { flushId?: string; ledFlush?: true };
      return rest;
    });
/** `/liqs all` as a reply reads it at `to`, less the flushes said under it (the market's clock moved there first). */
function liqsAll(m: Market, window: string, windowMs: number, to: number) {
  m.catchUp(to);
  return { ...m.marketSummary(window, windowMs, to), flushes: [] };
}
/** A moment after every event of these tests and the hour `feed` runs on after them. */
const LATER = T0 + 3 * HOUR;

describe('a live flush across 40 untracked assets and the six majors (`allMarketFlush`: Binance USDⓈ-M all-market, Bybit per asset)', () => {
  const config = buildConfig({ exchanges: ['binanceusdm', 'bybit'] });

  it('is called with the total of every asset, the leaders among all of them, and says what it counts', () => {
    const alerts = feed(liveMarket(config), allMarketFlush(T0));
    const starts = alerts.filter((a): a is MarketFlush => a.kind === 'market_flush');
    expect(starts).toHaveLength(1);
    const start = starts[0]!;
    // The floor: $10M × (Bybit 0.25 + Binance 0.35 × 0.2 sampled) = $3.2M. Two rounds are $2.202M; the third round's
    // majors bring $2.802M, ALT01 $2.952M, and the 28th $9K print after it (ALT29's) $3.204M, past it.
    expect(start.ts).toBe(T0 + 2 * 15_000 + 100 + 28);
    expect(start.usd).toBe(3_204_000);
    expect(start.assetCount).toBe(46);
    expect(start.leaders.map((l) => [l.asset, l.usd])).toEqual([['BTC', 1_200_000], ['ALT01', 450_000], ['ETH', 300_000]]);
    expect(start.leaders[0]!.share).toBeCloseTo(1_200_000 / 3_204_000, 9);
    expect(start.exchanges).toEqual(['binanceusdm', 'bybit']);
    expect(start.counted).toEqual({ everyContract: ['binanceusdm'], assets: 6 });
    expect(replyText(alertReply(start))).toContain('Counts every contract on Binance; the 6 watched assets on Bybit.');
    const end = alerts.find((a): a is MarketFlushEnd => a.kind === 'market_flush_end');
    expect(end).toBeDefined();
    // Every round counted: 20 × ($600K + $501K).
    expect(end!.usd).toBe(22_020_000);
    expect(end!.assetCount).toBe(46);
    expect(end!.leaders.map((l) => [l.asset, l.usd])).toEqual([['BTC', 8_000_000], ['ALT01', 3_000_000], ['ETH', 2_000_000]]);
    expect(end!.byExchange).toEqual({ bybit: 12_000_000, binanceusdm: 10_020_000 });
  });

  it("leaves every tracked figure as the majors' prints alone make it: /liqs all, the cascades, the assets known", () => {
    const events = allMarketFlush(T0);
    const all = liveMarket(config);
    const alerts = feed(all, events);
    const alone = liveMarket(config);
    const aloneAlerts = feed(alone, tracked(events, config));
    for (const [w, ms] of [['4h', 4 * HOUR], ['24h', DAY], ['7d', 7 * DAY]] as const) expect(liqsAll(all, w, ms, LATER)).toEqual(liqsAll(alone, w, ms, LATER));
    expect(Object.keys(all.marketSummary('24h', DAY).byAsset).sort()).toEqual([...MAJORS].sort());
    // BTC's cascade ($400K a round passes its $6.25M floor, scaled to Bybit: 0.25 of the configured 0.32) is the same one.
    // Its $6.4M start edited once it has grown 25% ($8M, a minute later), then its end.
    expect(cascades(alerts).map((a) => `${a.kind} ${a.asset}`)).toEqual(['cascade BTC', 'cascade_update BTC', 'cascade_end BTC']);
    expect(cascades(alerts)).toEqual(cascades(aloneAlerts));
    // ALT01 ($3M in five minutes, over any floor) has no cascade, no book, no price, no history.
    expect(alerts.some((a) => a.asset === 'ALT01')).toBe(false);
    expect(all.knownAssets()).toEqual(alone.knownAssets());
    expect(all.summary('ALT01', '1h', HOUR).totalUsd).toBe(0);
    expect(all.prices.current('ALT01')).toBeUndefined();
    expect(all.history.assetNames()).toEqual(alone.history.assetNames());
  });

  it('carries the BTC cascade that starts while it runs, BTC having led it', () => {
    const alerts = feed(liveMarket(config), allMarketFlush(T0));
    const flushId = alerts.find((a) => a.kind === 'market_flush')!.flushId;
    const btc = alerts.find((a) => a.kind === 'cascade');
    expect(btc).toMatchObject({ asset: 'BTC', flushId, ledFlush: true });
  });

  it('offline the same prints are every asset tracked: ALT01 has its cascade and /liqs all lists all 46', () => {
    const m = new Market(config);
    const alerts = feed(m, allMarketFlush(T0));
    // ALT01's floor, scaled to Binance's sampled 0.07 of the configured 0.32: $218,750, passed by its $150K a round.
    expect(alerts.filter((a) => a.kind === 'cascade').map((a) => a.asset).sort()).toEqual(['ALT01', 'BTC']);
    expect(Object.keys(m.marketSummary('4h', 4 * HOUR).byAsset)).toHaveLength(46);
    const start = alerts.find((a): a is MarketFlush => a.kind === 'market_flush');
    expect(start?.counted).toBeUndefined();
  });
});

describe('how many assets a live flush takes follows the assets the bot sees', () => {
  const config = buildConfig({ exchanges: ['binanceusdm', 'bybit'] });
  /** The six majors' flush on Bybit: ten rounds 15 s apart, $330K a round (BTC $120K … BNB $15K). */
  function majors(t0: number): Liquidation[] {
    const usd: Record<string, number> = { BTC: 120_000, ETH: 90_000, SOL: 50_000, XRP: 30_000, DOGE: 25_000, BNB: 15_000 };
    const out: Liquidation[] = [];
    for (let round = 0; round < 10; round++) MAJORS.forEach((a, k) => out.push(long(t0 + round * 15_000 + k * 100, a, usd[a]!, 'bybit')));
    return out;
  }
  /** Fourteen other assets, $100 each on Binance, at `ts`: the all-market stream's everyday trickle. */
  const trickle = (ts: number) => ALTS.slice(0, 14).map((a, k) => long(ts + k, a, 100, 'binanceusdm'));
  const flushStarts = (alerts: readonly Alert[]) => alerts.filter((a): a is MarketFlush => a.kind === 'market_flush');

  it('fourteen others seen in the last day (20 assets): 10 are needed, and six majors are no market-wide flush', () => {
    const alerts = feed(liveMarket(config), [...trickle(T0 - 2 * HOUR), ...majors(T0)]);
    expect(flushStarts(alerts)).toEqual([]);
  });

  it('the same others last seen over a day before: the six watched, 4 needed, and the majors flush is called', () => {
    const alerts = feed(liveMarket(config), [...trickle(T0 - DAY - MINUTE), ...majors(T0)]);
    const starts = flushStarts(alerts);
    expect(starts).toHaveLength(1);
    // The floor counts Binance, whose stream was seen: $3.2M, passed in the tenth round by SOL's print ($3.23M).
    expect(starts[0]!.ts).toBe(T0 + 9 * 15_000 + 200);
    expect(starts[0]!.assetCount).toBe(6);
    // Binance brought nothing in the flush, nor anything in the last day: it counts the six watched assets.
    expect(starts[0]!.counted).toEqual({ everyContract: [], assets: 6 });
  });

  it('a deployment without an all-market venue keeps the share rule: 4 of its 6 (no other asset ever reaches it)', () => {
    const bybitOnly = buildConfig({ exchanges: ['bybit'] });
    const alerts = feed(liveMarket(bybitOnly), majors(T0));
    const starts = flushStarts(alerts);
    expect(starts).toHaveLength(1);
    expect(starts[0]!.counted).toEqual({ everyContract: [], assets: 6 });
    expect(replyText(alertReply(starts[0]!))).toContain('Counts the 6 watched assets only.');
  });
});

describe("the start-up note stays true: an all-market stream brings the flush every contract's prints", () => {
  it('two assets watched with Binance or OKX can call a flush; without, they cannot, and the note says how to', () => {
    const flush = buildConfig({}).flush;
    expect(flushReach(flush, ['BTC', 'ETH'], ['binanceusdm'])).toEqual({ watched: 2, minAssets: 3, canFire: true });
    expect(flushReachNote(flush, ['BTC', 'ETH'], ['okx'])).toBeUndefined();
    expect(flushReachNote(flush, ['BTC', 'ETH'], [])).toBe(
      'no market-wide flush can be called: the feeds watch 2 assets (BTC, ETH) and a flush takes at least 3; add assets to `assets` in the config, or an exchange with an all-market stream (binanceusdm, binancecoinm, okx) to `exchanges`, to hear one',
    );
  });
});

describe('real Binance prints, live with the all-market stream (every asset) against the six majors alone', () => {
  const FILE = 'fixtures/binance-2025-10-23-forceorder.real.jsonl';

  it('the Oct 23 2025 flush, out of a six-major view, is called live from all 135 assets as the replay calls it', async () => {
    const config = buildConfig({});
    const events = (await loadFile(FILE)).batches.flat();
    const liqs = events.filter((e): e is Liquidation => e.type === 'liquidation');
    expect(new Set(liqs.map((l) => assetOf(l.symbol))).size).toBe(135);
    const live = liveMarket(config);
    const liveAlerts = feed(live, events);
    const offline = new Market(config);
    const offlineAlerts = feed(offline, events);
    const majorsOnly = liveMarket(config);
    feed(majorsOnly, tracked(events, config));
    const later = liqs.at(-1)!.ts + 3 * HOUR;
    const starts = (alerts: Alert[]) => alerts.filter((a): a is MarketFlush => a.kind === 'market_flush');
    expect(starts(liveAlerts)).toHaveLength(1);
    expect(starts(offlineAlerts)).toHaveLength(1);
    const [l, o] = [starts(liveAlerts)[0]!, starts(offlineAlerts)[0]!];
    // The same flush: its id (side and first print), time, tally, asset count and leaders; live says what it counts.
    expect({ id: l.flushId, ts: l.ts, usd: l.usd, assets: l.assetCount, side: l.side }).toEqual({ id: o.flushId, ts: o.ts, usd: o.usd, assets: o.assetCount, side: o.side });
    expect(l.assetCount).toBeGreaterThanOrEqual(10);
    expect(l.leaders.map((x) => [x.asset, x.usd, x.share])).toEqual(o.leaders.map((x) => [x.asset, x.usd, x.share]));
    expect(l.counted).toEqual({ everyContract: ['binance'], assets: 6 });
    const end = (alerts: Alert[]) => alerts.find((a): a is MarketFlushEnd => a.kind === 'market_flush_end');
    expect(end(liveAlerts)?.usd).toBe(end(offlineAlerts)?.usd);
    // …while /liqs all reads as the majors' prints alone make it.
    for (const [w, ms] of [['4h', 4 * HOUR], ['24h', DAY]] as const) expect(liqsAll(live, w, ms, later)).toEqual(liqsAll(majorsOnly, w, ms, later));
  });
});
