/**
 * The rules that make alerts honest about what the bot can see: sampled prints, thresholds scaled to the
 * venues seen, the market-wide flush, no state without a price, no structural claim without liquidation data,
 * Unicode base assets, and `replay --stats`.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { buildConfig } from '../../config/load.js';
import { Market } from '../../src/core/market.js';
import { toEvent } from '../../src/core/events.js';
import { alertReply } from '../../src/replies/alerts.js';
import { levelsReply, structureReading } from '../../src/replies/levels.js';
import { levelsJson } from '../../src/io/json.js';
import { whyReply } from '../../src/replies/proposals.js';
import { lineText, replyText } from '../../src/replies/reply.js';
import { BUNDLED, cli, writeEvents } from '../helpers.js';
import { route, wants } from '../../src/alerts/router.js';
import type { Alert } from '../../src/core/alerts.js';
import type { Subscription } from '../../src/store/store.js';

const T0 = Date.parse('2026-03-02T12:00:00Z');
const HOUR_MS = 3_600_000;
const liq = (ts: number, exchange: string, symbol: string, usd: number, side = 'long') => {
  const r = toEvent({ type: 'liquidation', ts, exchange, symbol, side, price: 100, amount: usd / 100 });
  if (!r.ok) throw new Error(r.reason);
  return r.event;
};

describe('cascades on sampled streams', () => {
  it('calls a Binance run of 8 prints whose largest is 50.6% of it (a sampled print stands for several orders)', () => {
    const m = new Market(buildConfig({ cascades: { floorsUsd: { default: 100_000 }, absoluteFloorUsd: 100_000 } }));
    const usds = [63_000, 12_000, 11_000, 10_000, 9_000, 8_000, 6_000, 5_500];
    const alerts = usds.flatMap((usd, i) => m.ingest(liq(T0 + i * 1500, 'binanceusdm', 'AVAX/USDT:USDT', usd)));
    expect(alerts.map((a) => a.kind)).toEqual(['cascade']);
  });

  it('still refuses one whale on a complete stream (Bybit prints every order)', () => {
    const m = new Market(buildConfig({ exchanges: ['bybit'], cascades: { floorsUsd: { default: 100_000 }, absoluteFloorUsd: 100_000 } }));
    const usds = [90_000, 5_000, 4_000, 3_000, 2_000, 1_000];
    expect(usds.flatMap((usd, i) => m.ingest(liq(T0 + i * 1500, 'bybit', 'ETH/USDT:USDT', usd)))).toEqual([]);
  });

  it('footnotes the sampled venues in one order, singular for one: "*Binance: a sampled stream, a lower bound"', () => {
    const run = (order: string[]) => {
      const m = new Market(buildConfig({ cascades: { floorsUsd: { default: 100_000 }, absoluteFloorUsd: 100_000 } }));
      const alerts = [0, 1, 2, 3, 4, 5].flatMap((i) => m.ingest(liq(T0 + i * 1500, order[i % order.length]!, 'AVAX/USDT:USDT', 30_000)));
      return replyText(alertReply(alerts.find((a) => a.kind === 'cascade')!));
    };
    expect(run(['binanceusdm'])).toContain('*Binance: a sampled stream, a lower bound');
    expect(run(['okx', 'binanceusdm'])).toContain('*Binance, OKX: sampled streams, lower bounds');
    expect(run(['binanceusdm', 'okx'])).toContain('*Binance, OKX: sampled streams, lower bounds');
  });

  it('scales the floors to the venues seen: Binance alone (sampled) sees about a sixth of what the default venues see', () => {
    const m = new Market(buildConfig({}));
    m.ingest(liq(T0, 'binanceusdm', 'BTC/USDT:USDT', 1000));
    // default venues: Binance (sampled) 0.35 × 0.2 + Bybit 0.25 + OKX (sampled) 0.15 × 0.2 + Gate 0.04 + HTX and
    // Lighter 0.03 each (the default share) = 0.45; Binance alone 0.07.
    expect(m.threshold('BTC', 'long', T0)).toBeCloseTo(8_000_000 * (0.07 / 0.45), 0);
  });
});

describe('a market-wide flush', () => {
  it('is one message with the total, the leaders and their shares, once many assets liquidate together', () => {
    const m = new Market(buildConfig({ flush: { floorUsd: 1_000_000, minAssets: 3 } }));
    const assets = ['BTC', 'ETH', 'SOL', 'XRP'];
    const alerts = [60_000, 30_000, 20_000, 10_000].flatMap((usd, i) => [0, 1, 2, 3].flatMap((k) => m.ingest(liq(T0 + i * 1000 + k * 100, 'bybit', `${assets[k]}/USDT:USDT`, usd))));
    const flush = alerts.filter((a) => a.kind === 'market_flush');
    expect(flush).toHaveLength(1);
    const text = replyText(alertReply(flush[0]!));
    expect(text).toContain('Market-wide long flush');
    expect(text).toContain('across 4 assets');
    expect(text).toMatch(/Led by BTC \$[\d.]+K \(\d+%\) · ETH \$[\d.]+K \(\d+%\) · SOL/);
  });
});

describe('cascades and a market-wide flush, for a chat that follows every asset', () => {
  it('a cascade posted seconds before the flush is taken over by it; one that starts inside the flush is carried by it', () => {
    const m = new Market(buildConfig({ flush: { floorUsd: 2_000_000, minAssets: 3 }, cascades: { floorsUsd: { default: 100_000 }, absoluteFloorUsd: 100_000, quietMinutes: 2 } }));
    const alerts: Alert[] = [];
    // ARB cascades alone first (one asset: no flush).
    for (let i = 0; i < 8; i++) alerts.push(...m.ingest(liq(T0 + i * 1000, 'bybit', 'ARB/USDT:USDT', 40_000)));
    // Then the market: LINK and AVAX join, ARB keeps going; the flush starts, LINK's and AVAX's cascades inside it.
    for (let i = 0; i < 30; i++) {
      const ts = T0 + 10_000 + i * 1000;
      for (const [sym, usd] of [['LINK/USDT:USDT', 60_000], ['ARB/USDT:USDT', 50_000], ['AVAX/USDT:USDT', 30_000]] as const) alerts.push(...m.ingest(liq(ts, 'bybit', sym, usd)));
    }
    // The clock moved on with no event between, as a second of the live bot's or of a rehearsal's does: the edits held
    // back are posted at their time, then every cascade and the flush end (the flush's quiet counted from a window past
    // its last strong print, not from the jump).
    alerts.push(...m.catchUp(T0 + 30 * 60_000));
    const all: Subscription = { chat: 'tg:1', enabled: true, assets: [], families: ['cascade', 'level'], minUsd: 0, updatedAt: 0 };
    const heard = alerts.filter((a) => wants(all, a)).map((a) => `${a.kind}:${a.asset}`);
    // ARB, announced seconds before the flush, is taken over by it (its message becomes the flush's where the chat has it:
    // test/alerts/flush-adopts.test.ts), so its updates and end are not told apart; nor are LINK's and AVAX's, which
    // started inside it. One announced before the flush's window is told to its end (ETH on Oct 22 2025, there).
    expect(heard).toEqual(['cascade:ARB', 'market_flush:ALL', 'market_flush_update:ALL', 'market_flush_end:ALL']);
    expect(alerts.find((a) => a.kind === 'market_flush')).toMatchObject({ adopts: [alerts.find((a) => a.kind === 'cascade' && a.asset === 'ARB')!.key.split(':')[1]] });
    expect(alerts.filter((a) => a.kind === 'cascade').map((a) => a.asset)).toEqual(['ARB', 'LINK', 'AVAX']);
  });

  it('a cascade whose tally is above the flush\'s is not taken over: a chat with a minimum between the two heard it and hears it to its end', () => {
    const m = new Market(buildConfig({ flush: { floorUsd: 200_000, minAssets: 3 }, cascades: { floorsUsd: { default: 100_000 }, absoluteFloorUsd: 100_000 } }));
    const alerts: Alert[] = [];
    // ARB's $300K in 20 s: its cascade is posted at the fifth print.
    for (let i = 0; i < 5; i++) alerts.push(...m.ingest(liq(T0 + i * 5000, 'bybit', 'ARB/USDT:USDT', 60_000)));
    // Five minutes on, three more assets: a flush of about $210K (ARB's last print and theirs in its window), under ARB's $300K.
    for (let i = 0; i < 4; i++) {
      const ts = T0 + 5 * 60_000 + i * 5000;
      for (const sym of ['LINK/USDT:USDT', 'AVAX/USDT:USDT', 'SOL/USDT:USDT']) alerts.push(...m.ingest(liq(ts, 'bybit', sym, 13_000)));
    }
    alerts.push(...m.catchUp(T0 + 40 * 60_000));
    const flush = alerts.find((a) => a.kind === 'market_flush');
    const arb = alerts.find((a) => a.kind === 'cascade' && a.asset === 'ARB');
    expect(arb).toBeDefined();
    expect(flush && flush.usd).toBeLessThan(300_000);
    expect(flush).not.toHaveProperty('adopts');
    // A chat that follows everything with a $250K minimum: ARB's start reached it, the flush did not; ARB's end still does.
    const min: Subscription = { chat: 'tg:2', enabled: true, assets: [], families: ['cascade', 'level'], minUsd: 250_000, updatedAt: 0 };
    expect(alerts.filter((a) => a.asset === 'ARB' && wants(min, a)).map((a) => a.kind)).toEqual(['cascade', 'cascade_end']);
  });

  it('a chat that follows an asset that led the flush hears the flush instead of that asset cascade; one that did not lead is told apart', () => {
    // Two leaders named: LINK and ARB lead, AVAX does not.
    const m = new Market(buildConfig({ flush: { floorUsd: 2_000_000, minAssets: 3, leaders: 2 }, cascades: { floorsUsd: { default: 100_000 }, absoluteFloorUsd: 100_000, quietMinutes: 2 } }));
    const alerts: Alert[] = [];
    for (let i = 0; i < 30; i++) {
      const ts = T0 + i * 1000;
      for (const [sym, usd] of [['LINK/USDT:USDT', 60_000], ['ARB/USDT:USDT', 50_000], ['AVAX/USDT:USDT', 30_000]] as const) alerts.push(...m.ingest(liq(ts, 'bybit', sym, usd)));
    }
    alerts.push(...m.catchUp(T0 + 30 * 60_000));
    const start = alerts.find((a) => a.kind === 'market_flush');
    expect(start && 'leadAssets' in start ? start.leadAssets : undefined).toEqual(['LINK', 'ARB']);
    const heard = (assets: string[]) => {
      const sub: Subscription = { chat: 'tg:2', enabled: true, assets, families: ['cascade'], minUsd: 0, updatedAt: 0 };
      return alerts.filter((a) => wants(sub, a)).map((a) => `${a.kind}:${a.asset}`);
    };
    // Each cascade that started inside it: LINK's and ARB's are carried by the flush their chats hear.
    const cascades = alerts.filter((a) => a.kind === 'cascade').map((a) => a.asset);
    expect(cascades).toEqual(expect.arrayContaining(['LINK', 'ARB', 'AVAX']));
    expect(heard(['LINK'])).toEqual(['market_flush:ALL', 'market_flush_update:ALL', 'market_flush_end:ALL']);
    expect(heard(['AVAX'])).toEqual(['cascade:AVAX', 'cascade_update:AVAX', 'cascade_end:AVAX']);
    const both = ['market_flush:ALL', 'cascade:AVAX', 'market_flush_update:ALL', 'cascade_update:AVAX', 'market_flush_end:ALL', 'cascade_end:AVAX'];
    expect(heard(['ARB', 'AVAX'])).toEqual(expect.arrayContaining(both));
    expect(heard(['ARB', 'AVAX'])).toHaveLength(both.length);
  });
});

describe('saying what is known', () => {
  it("a cascade on a file of 5m candles takes its price from the prints' fills, not a candle minutes old; 1m candles stay the price", () => {
    const run = (timeframe: '5m' | '1m') => {
      const m = new Market(buildConfig({}));
      const tf = timeframe === '5m' ? 300_000 : 60_000;
      // Candles up to the burst's minute at 100; the burst's prints fill at 97 (a print's fill is a trade of its moment).
      for (let ts = T0 - 3_600_000; ts + tf <= T0 + 3 * 60_000; ts += tf) m.ingest({ type: 'candle', ts, exchange: 'bybit', symbol: 'LINK/USDT:USDT', timeframe, open: 100, high: 100.5, low: 99.5, close: 100 });
      const alerts: Alert[] = [];
      for (let i = 0; i < 40; i++) {
        const r = toEvent({ type: 'liquidation', ts: T0 + 3 * 60_000 + i * 1000, exchange: 'gate', symbol: 'LINK/USDT:USDT', side: 'long', price: 97, amount: 600 });
        if (!r.ok) throw new Error(r.reason);
        alerts.push(...m.ingest(r.event));
      }
      const start = alerts.find((a) => a.kind === 'cascade') as (Alert & { priceNow?: number }) | undefined;
      return { priceNow: start?.priceNow, low: m.cascadesBetween('LINK', T0, T0 + HOUR_MS)[0]?.extreme };
    };
    // Its low follows the fills too: never a price under the low it reads.
    expect(run('5m')).toEqual({ priceNow: 97, low: 97 });
    expect(run('1m')).toEqual({ priceNow: 100, low: undefined }); // fresh candles: the fills move nothing
  });

  it("a day's stored totals answer a 24h window that is that day, named by their venue, with no order count or empty venue list", async () => {
    const day = Date.parse('2025-02-03T00:00:00Z');
    const totals = [3, 2, 1].flatMap((back) => (['long', 'short'] as const).map((side) => ({ type: 'liquidation_total', ts: day - (back - 1) * 86_400_000, period: '1d', exchange: 'binance', asset: 'ETH', side, usd: side === 'long' ? back * 1e6 : 5e5 })));
    const path = writeEvents(totals);
    const r = await cli('liqs', 'eth', '--data', path, '--at', '2025-02-04T00:00:00Z');
    expect(r.out).toContain('$1.5M liquidated in 24h\n');
    expect(r.out).toContain('Feb 3 from stored daily totals ($1.5M, Binance* totals)');
    expect(r.out).not.toContain('By exchange');
    // The market-wide view adds them up too, next to another asset's prints, and says which is which.
    const btc = { type: 'liquidation', ts: day + 12 * 3_600_000, exchange: 'binance', symbol: 'BTC/USDT:USDT', side: 'short', price: 100_000, amount: 0.1 };
    const mixed = writeEvents([...totals, btc]);
    const market = (await cli('liqs', 'all', '--data', mixed, '--at', '2025-02-04T00:00:00Z')).out;
    expect(market).toContain('$1.51M liquidated in 24h: ETH $1.5M, BTC $10K\n');
    expect(market).toContain('Feb 3 from stored daily totals for ETH ($1.5M, Binance* totals); the rest from prints');
    expect(market).toMatch(/^ {2}ETH \$1\.5M · 99% {2}L \$1M \/ S \$500K · all from daily totals$/m);
    // The venues' shares are of the single orders, which the field says.
    expect(market).toMatch(/^By exchange \(prints\)\n {2}Binance\* \$10K · 100%$/m);
    const json = JSON.parse((await cli('liqs', 'all', '--data', mixed, '--at', '2025-02-04T00:00:00Z', '--json')).out);
    expect(json.totalUsd).toBe(1_510_000);
    expect(json.byAsset.ETH).toEqual({ longUsd: 1e6, shortUsd: 5e5, totalUsd: 1.5e6, dailyUsd: 1.5e6 });
    expect(json.days).toEqual({ orders: [day], totals: [day], longUsd: 1e6, shortUsd: 5e5, venues: ['binance'] });
    // An hour's window has no whole day in it: the stored totals stay out.
    expect(JSON.parse((await cli('liqs', 'all', '--data', mixed, '--at', '2025-02-04T00:00:00Z', '--window', '1h', '--json')).out).totalUsd).toBe(0);
    // A 24h window that cuts days in two cannot use them.
    expect((await cli('liqs', 'eth', '--data', path, '--at', '2025-02-03T12:00:00Z')).out).toContain('No liquidation data');
  });

  it("a vendor's hourly totals of whole days are counted once: in the days' stored totals, not again as hours", async () => {
    // A Hyperliquid-only asset: two days of hourly totals, no single order.
    const day = Date.parse('2025-02-02T00:00:00Z');
    const path = writeEvents(Array.from({ length: 48 }, (_, h) => ({ type: 'liquidation_total', ts: day + h * 3_600_000, period: '1h', exchange: 'hyperliquid', asset: 'HYPE', side: 'long', usd: 10_000 })));
    const week = JSON.parse((await cli('liqs', 'hype', '--data', path, '--at', '2025-02-04T00:00:00Z', '--window', '7d', '--json')).out);
    expect(week.totalUsd).toBe(480_000);
    expect(week.days).toMatchObject({ totals: [day, day + 86_400_000], longUsd: 480_000 });
    expect(JSON.parse((await cli('liqs', 'all', '--data', path, '--at', '2025-02-04T00:00:00Z', '--window', '7d', '--json')).out).totalUsd).toBe(480_000);
    // A window that cuts the days counts the hours in it, with no order count beside them.
    const half = await cli('liqs', 'hype', '--data', path, '--at', '2025-02-03T12:00:00Z', '--window', '24h');
    expect(half.out).toContain('$240K liquidated in 24h\n');
    expect(half.out).toContain('Hyperliquid $240K · 100% (hourly totals)');
  });

  it("a price hours old is told with its time, and a window's move only over the stretch its prices cover", async () => {
    const lv = await cli('levels', 'eth', '--data', BUNDLED, '--at', '2026-02-02T12:00:00Z');
    expect(lv.out).toMatch(/^Last price \$2,64\d at Feb 1 00:00: no price since, so the states below are as of then\.$/m);
    expect(lv.out).not.toMatch(/^Price /m);
    expect((await cli('levels', 'eth', '--data', BUNDLED)).out).toMatch(/^Price \$2,644/m);
    const week = await cli('liqs', 'eth', '--data', BUNDLED, '--window', '7d');
    expect(week.out).toContain('Price since Jan 28 00:00 (no earlier prices): ');
    expect((await cli('liqs', 'eth', '--data', BUNDLED, '--window', '24h')).out).not.toContain('only)');
    // Per asset, a move that covers a fraction of the window is not shown as the window's.
    expect((await cli('liqs', 'all', '--data', BUNDLED, '--window', '7d')).out).not.toMatch(/ETH .* price [−+]/);
    expect((await cli('liqs', 'all', '--data', BUNDLED, '--window', '24h')).out).toMatch(/ETH .* price −/);
  });

  it('shows no state for levels without a price', () => {
    const m = new Market(buildConfig({}));
    m.ingest({ type: 'level', ts: T0, asset: 'ETH', level: 3000 });
    const st = m.levelStatus('ETH');
    expect(st.levels[0]!.state).toBe('unknown');
    const text = replyText(levelsReply(st, { exchanges: [], sampled: [], gaps: [], synthetic: false }));
    expect(text).not.toMatch(/holding|inside/);
    expect(text).toContain('No price yet');
    // Nor a side of price in the JSON: no role, no distance.
    expect(levelsJson(st).levels).toEqual([expect.objectContaining({ level: 3000, role: null, distancePct: null, state: 'unknown' })]);
  });

  it("gives no 24h change on less than a day of prices (a bot started an hour ago)", () => {
    const m = new Market(buildConfig({}));
    m.ingest({ type: 'level', ts: T0, asset: 'ETH', level: 3000 });
    const candle = (ts: number, close: number) => ({ type: 'candle' as const, ts, exchange: 'bybit', symbol: 'ETH/USDT:USDT', timeframe: '15m' as const, open: close, high: close + 1, low: close - 1, close });
    m.ingest(candle(T0, 3100));
    m.ingest(candle(T0 + HOUR_MS, 3200));
    m.catchUp(T0 + HOUR_MS + 900_000);
    expect(m.levelStatus('ETH').change24hPct).toBeUndefined();
    for (let h = 2; h <= 24; h++) m.ingest(candle(T0 + h * HOUR_MS, 3200));
    m.catchUp(T0 + 24 * HOUR_MS + 900_000);
    expect(m.levelStatus('ETH').change24hPct).toBeCloseTo(((3200 - 3100) / 3100) * 100, 1);
  });

  it('makes no claim about forced selling without a cascade behind it', () => {
    const m = new Market(buildConfig({}));
    m.ingest({ type: 'level', ts: T0, asset: 'ETH', level: 3000 });
    m.ingest({ type: 'level', ts: T0, asset: 'ETH', level: 2800 });
    const candle = (i: number, close: number) => ({ type: 'candle' as const, ts: T0 + i * 900_000, exchange: 'bybit', symbol: 'ETH/USDT:USDT', timeframe: '15m' as const, open: close, high: close + 1, low: close - 1, close });
    [3100, 3050, 2950, 2900, 2900].forEach((c, i) => m.ingest(candle(i, c)));
    m.catchUp(T0 + 6 * 900_000);
    const reading = structureReading(m.levelStatus('ETH')).map(lineText).join('\n');
    expect(reading).toContain('Holding $2,800 keeps the floor');
    expect(reading).not.toContain('forced selling');
    // With a long cascade behind it, the close below is said to mean forced selling not over; a short squeeze says nothing of selling.
    const st = m.levelStatus('ETH');
    const cascade = { id: 'c', asset: 'ETH', startedAt: T0, endedAt: T0 + 900_000, usd: 5e6, extreme: 2880 };
    const withLong = structureReading({ ...st, lastCascade: { ...cascade, side: 'long' } }).map(lineText).join('\n');
    expect(withLong).toContain('Holding $2,800 keeps the floor; a close below it would expose deeper downside and say the forced selling is not over.');
    const withShort = structureReading({ ...st, lastCascade: { ...cascade, side: 'short', extreme: 3120 } }).map(lineText).join('\n');
    expect(withShort).not.toContain('forced selling');
  });

  it('says a cascade extreme held only when no price since went through it, and a running cascade before a finished one', () => {
    const m = new Market(buildConfig({}));
    m.ingest({ type: 'level', ts: T0, asset: 'ETH', level: 2000 });
    m.ingest({ type: 'candle', ts: T0, exchange: 'bybit', symbol: 'ETH/USDT:USDT', timeframe: '15m', open: 2960, high: 2961, low: 2959, close: 2960 });
    m.catchUp(T0 + 900_000);
    const base = { ...m.levelStatus('ETH'), ts: T0 + 6 * HOUR_MS, price: 2960 };
    const done = { id: 'c', asset: 'ETH', side: 'long' as const, startedAt: T0, endedAt: T0 + HOUR_MS, usd: 24e6, extreme: 2809 };
    // The cascade's line only (the level's own lines follow it).
    const read = (st: Parameters<typeof structureReading>[0]) => lineText(structureReading(st)[0]!);
    // Every price since stayed above the low: it held; the distance is in percent of price, as the level rows read.
    expect(read({ ...base, lastCascade: done, sinceCascade: { low: 2850, high: 2990 } })).toBe('After $24M of longs liquidated, price stabilized above the cascade low $2,809, which held; the low is 5.1% below price.');
    // Price went to $2,600 after the cascade ended and came back: the low did not hold, whatever price is now.
    expect(read({ ...base, lastCascade: done, sinceCascade: { low: 2600, high: 2990 } })).toBe('After $24M of longs liquidated, price went below the cascade low $2,809 since (to $2,600) and is back above it.');
    // A short squeeze's high is held from below.
    const squeeze = { ...done, side: 'short' as const, extreme: 3100 };
    expect(read({ ...base, lastCascade: squeeze, sinceCascade: { low: 2900, high: 3050 } })).toBe('After $24M of shorts liquidated, price stabilized below the cascade high $3,100, which held; the high is 4.7% above price.');
    // A cascade running now is what the reading is about, not the one that ended before it.
    const running = { id: 'r', asset: 'ETH', side: 'long' as const, startedAt: T0 + 5 * HOUR_MS, usd: 9e6, extreme: 2950 };
    expect(read({ ...base, lastCascade: done, runningCascade: running })).toBe('After $9M of longs liquidated, price is still moving; the cascade low $2,950 so far.');
  });

  it('reads the low since a cascade ended from the prices after it, and knows an asset it only has levels and prices for', () => {
    const m = new Market(buildConfig({ cascades: { floorsUsd: { default: 100_000 }, absoluteFloorUsd: 100_000 } }));
    m.ingest({ type: 'level', ts: T0, asset: 'AVAX', level: 80 });
    const alerts = [63_000, 12_000, 11_000, 10_000, 9_000, 8_000, 6_000, 5_500].flatMap((usd, i) => m.ingest(liq(T0 + i * 1500, 'binanceusdm', 'AVAX/USDT:USDT', usd)));
    expect(alerts.map((a) => a.kind)).toEqual(['cascade']);
    const tick = (ts: number, price: number) => m.ingest({ type: 'price', ts, exchange: 'bybit', symbol: 'AVAX/USDT:USDT', price });
    tick(T0 + 12_000, 100);
    const later: string[] = [];
    for (let t = T0 + 60_000; t <= T0 + HOUR_MS; t += 60_000) later.push(...m.catchUp(t).map((a) => a.kind));
    expect(later).toContain('cascade_end');
    tick(T0 + 2 * HOUR_MS, 95);
    tick(T0 + 3 * HOUR_MS, 104);
    m.catchUp(T0 + 3 * HOUR_MS);
    const st = m.levelStatus('AVAX');
    expect(st.sinceCascade?.low).toBe(95);
    expect(lineText(structureReading(st)[0]!)).toMatch(/^After \$125K of longs liquidated, price went below the cascade low \$100 since \(to \$95\) and is back above it\.$/);
    // SUI has a level only, TIA a price only (no liquidation print): each can be asked about, as a level break on it is posted.
    m.ingest({ type: 'level', ts: T0, asset: 'SUI', level: 2 });
    m.ingest({ type: 'price', ts: T0 + 3 * HOUR_MS, exchange: 'bybit', symbol: 'TIA/USDT:USDT', price: 5 });
    expect(m.knownAssets()).toEqual(expect.arrayContaining(['AVAX', 'SUI', 'TIA']));
  });

  it('leads a message with the same level whatever order the levels were set in (a prior low before the zone above it)', () => {
    const lead = (levels: (number | [number, number])[]) => {
      const m = new Market(buildConfig({}));
      for (const level of levels) m.ingest({ type: 'level', ts: T0, asset: 'ETH', level });
      const candle = (i: number, close: number) => ({ type: 'candle' as const, ts: T0 + i * 900_000, exchange: 'bybit', symbol: 'ETH/USDT:USDT', timeframe: '15m' as const, open: close, high: close + 1, low: close - 1, close });
      [3100, 3080, 2900].forEach((c, i) => m.ingest(candle(i, c)));
      const breaks = m.catchUp(T0 + 4 * 900_000).filter((a) => a.kind === 'level_break');
      expect(breaks).toHaveLength(1);
      const b = breaks[0]!;
      return b.kind === 'level_break' ? [b.level, ...(b.also ?? []).map((x) => x.level)] : [];
    };
    expect(lead([3000, [3000, 3050]])).toEqual([3000, [3000, 3050]]);
    expect(lead([[3000, 3050], 3000])).toEqual([3000, [3000, 3050]]);
  });

  it('says when no level is left below price, with a zone an admin can add there', () => {
    const m = new Market(buildConfig({}));
    m.ingest({ type: 'level', ts: T0, asset: 'ETH', level: 3000 });
    m.ingest({ type: 'level', ts: T0, asset: 'ETH', level: 2800 });
    const candle = (i: number, close: number) => ({ type: 'candle' as const, ts: T0 + i * 900_000, exchange: 'bybit', symbol: 'ETH/USDT:USDT', timeframe: '15m' as const, open: close, high: close + 1, low: close - 1, close });
    [3100, 2900].forEach((c, i) => m.ingest(candle(i, c)));
    m.catchUp(T0 + 2 * 900_000);
    expect(structureReading(m.levelStatus('ETH')).map(lineText).join('\n')).not.toContain('No level below');
    // A flush through both: nothing on the list says where the floor is.
    [2600, 2500].forEach((c, i) => m.ingest(candle(2 + i, c)));
    m.catchUp(T0 + 4 * 900_000);
    const reading = structureReading(m.levelStatus('ETH')).map(lineText);
    expect(reading.at(-1)).toBe('No level below $2,500 on this list: admins can add one with /level add eth LOW-HIGH.');
  });

  it("says a broken level's old role beside the role its last confirmed close gives it, price back across or not", () => {
    const m = new Market(buildConfig({}));
    m.ingest({ type: 'level', ts: T0, asset: 'ETH', level: 3000 });
    const candle = (i: number, close: number) => ({ type: 'candle' as const, ts: T0 + i * 900_000, exchange: 'bybit', symbol: 'ETH/USDT:USDT', timeframe: '15m' as const, open: close, high: close + 1, low: close - 1, close });
    [3100, 3050, 2950].forEach((c, i) => m.ingest(candle(i, c)));
    m.catchUp(T0 + 3 * 900_000);
    const coverage = { exchanges: [], sampled: [], gaps: [], synthetic: false };
    expect(replyText(levelsReply(m.levelStatus('ETH'), coverage))).toContain('$3,000 · resistance (was support) · lost');
    // One close back above, inside the buffer: not reclaimed, still the level the reading says to reclaim; the row says
    // both facts (price back above, lost, no reclaim yet), neither role alone.
    m.ingest(candle(3, 3001));
    m.catchUp(T0 + 4 * 900_000);
    const text = replyText(levelsReply(m.levelStatus('ETH'), coverage));
    expect(text).toMatch(/\$3,000 · price back above · lost \d\d:\d\d, no reclaim yet/);
    expect(text).toContain('Reclaiming $3,000 would invalidate the breakdown');
    expect(text).not.toContain('$3,000 · support');
  });

  it('names as the next floor a support wholly below a zone, not a level inside it or its own low edge', () => {
    const m = new Market(buildConfig({}));
    m.ingest({ type: 'level', ts: T0, asset: 'BTC', level: [81_172, 82_390] });
    m.ingest({ type: 'level', ts: T0, asset: 'BTC', level: 81_601 });
    m.ingest({ type: 'level', ts: T0, asset: 'BTC', level: 81_172 });
    m.ingest({ type: 'level', ts: T0, asset: 'BTC', level: 80_000 });
    m.ingest({ type: 'candle', ts: T0, exchange: 'bybit', symbol: 'BTC/USDT:USDT', timeframe: '15m', open: 84_700, high: 84_800, low: 84_600, close: 84_700 });
    m.catchUp(T0 + 900_000);
    const reading = structureReading(m.levelStatus('BTC')).map(lineText).join('\n');
    expect(reading).toContain('Holding $81,172–82,390 keeps the floor; a close below it would expose $80,000.');
  });
});

describe('an asset without levels', () => {
  it('advises the syntax (LOW-HIGH), no made-up zone, in /levels and in /level why', () => {
    const m = new Market(buildConfig({}));
    m.ingest({ type: 'candle', ts: T0, exchange: 'bybit', symbol: 'BTC/USDT:USDT', timeframe: '1m', open: 101_405, high: 101_405, low: 101_405, close: 101_405 });
    m.catchUp(T0 + 60_000);
    expect(replyText(levelsReply(m.levelStatus('BTC'), { exchanges: [], sampled: [], gaps: [], synthetic: false }))).toContain('/level add btc LOW-HIGH "prior support"');
    expect(replyText(whyReply('BTC', [], T0 + 60_000))).toContain('/level propose btc LOW-HIGH "why"');
  });
});

describe('symbols', () => {
  it('takes a base asset with non-ASCII letters, as Binance lists them', () => {
    const r = toEvent({ type: 'liquidation', ts: T0, exchange: 'binanceusdm', symbol: '币安人生/USDT:USDT', side: 'long', price: 0.2, amount: 1000 });
    expect(r).toMatchObject({ ok: true, event: { symbol: '币安人生/USDT:USDT' } });
  });
});

describe('liqbot replay --stats', () => {
  it('prints per asset and level the messages, whipsaws and breaks that held, then the cascades', async () => {
    const r = await cli('replay', 'fixtures/binance-2024-08-levels-15m.real.jsonl', '--stats');
    expect(r.code).toBe(0);
    // Aligned columns under the header, the label last.
    const lines = r.out.split('\n');
    expect(lines[0]).toMatch(/^asset {2}level +messages {2}breaks {2}reversed<12h +held {2}told<2h {2}label$/);
    const row = lines.find((l) => l.startsWith('BTC    57500 '))!;
    expect(row).toMatch(/^BTC {4}57500 +\d+ +\d+ +\d+ \(\d+%\) +\d+ +\d+ +BTC round-number support$/);
    expect(row.indexOf('BTC round-number support')).toBe(lines[0]!.indexOf('label'));
    // The week and a half of closes says what a chat would live with: messages a day.
    expect(r.out).toMatch(/^levels: 16 messages over the 8\.0 days the levels were watched \(2\.0 a day\), \d+ breaks, \d+ reversed within 12h \(\d+%(?: of the \d+ judged; \d+ breaks? too late in the file to judge)?\), \d+\/11 breaks that held told within 2h/m);
    // Candles and levels only: no cascade could have been found, and the count says so rather than "0".
    expect(r.out).toContain('cascades: none can be found, the file has no liquidation data (cascades and flushes are read from single liquidation prints)');
    expect(r.out).not.toContain('cascades: 0');
  });

  it('says when a file has nothing a level alert could come from, instead of a table of zeros', async () => {
    const r = await cli('replay', 'fixtures/binance-2025-01-27-forceorder.real.jsonl', '--stats');
    expect(r.out).toContain('levels: none in the file or the config (`level` events, `levels.defaults`): no level alerts to count\n');
    expect(r.out).not.toContain('asset  level');
    expect(r.out).toContain('cascades: 2, market-wide flushes: 1');
    const totals = await cli('replay', writeEvents([{ type: 'liquidation_total', ts: Date.UTC(2025, 0, 1), period: '1d', asset: 'BTC', side: 'long', usd: 5e8 }]), '--stats');
    expect(totals.out).toContain('cascades: none can be found, the file has only vendor totals');
  });

  it('says the whipsaws per message too where one message broke several levels, and only there', async () => {
    const apr = await cli('replay', 'fixtures/binance-2025-04-levels-15m.real.jsonl', '--stats');
    expect(apr.out).toMatch(/^levels: 27 messages over the [\d.]+ days the levels were watched \([\d.]+ a day\), 37 breaks, 4 reversed within 12h \(11%\), 26\/26 breaks that held told within 2h \(100%\)\nper message: \d+ of 2\d break messages reversed within 12h \(\d+%\), a message that broke several levels counted once, for the level it leads with$/m);
    // Each asset's messages, most first, adding up to the total: which one a chat would hear most from.
    expect(apr.out).toContain('\nper asset: BTC 13 (1.8 a day), SUI 11 (1.5 a day), ETH 3 (0.4 a day)\n');
    const bundled = await cli('replay', 'fixtures/eth-2026-01-31.synthetic.jsonl', '--stats');
    expect(bundled.out).not.toContain('per message');
    expect(bundled.out).not.toContain('per asset'); // one asset with level messages
    // Under two days of closes give no rate a day: the 2024-08 week's first day alone.
    const week = readFileSync('fixtures/binance-2024-08-levels-15m.real.jsonl', 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l) as { type: string; ts: number });
    const start = week.find((e) => e.type === 'candle')!.ts;
    const oneDay = await cli('replay', writeEvents(week.filter((e) => e.type !== 'candle' || e.ts < start + 36 * 3_600_000)), '--stats');
    expect(oneDay.out).toMatch(/^levels: \d+ messages, \d+ breaks/m);
  });

  it('measures a file of 1h candles on its 1h closes, as the level book judges it (not "0/0 held")', async () => {
    // The 2024-08 real week's 15m candles merged into hours: the breaks that held are counted on 1h closes.
    const lines = readFileSync('fixtures/binance-2024-08-levels-15m.real.jsonl', 'utf8').split('\n').filter(Boolean);
    const hours = new Map<string, Record<string, unknown> & { high: number; low: number; close: number }>();
    const out: object[] = [];
    for (const line of lines) {
      const e = JSON.parse(line) as Record<string, unknown> & { type: string; ts: number; symbol: string; high: number; low: number; close: number };
      if (e.type !== 'candle') {
        out.push(e);
        continue;
      }
      const ts = Math.floor(e.ts / 3_600_000) * 3_600_000;
      const h = hours.get(`${e.symbol}@${ts}`);
      if (!h) {
        const c: Record<string, unknown> & { high: number; low: number; close: number } = { ...e, ts, timeframe: '1h' };
        delete c.volume;
        hours.set(`${e.symbol}@${ts}`, c);
        out.push(c);
      } else {
        h.high = Math.max(h.high, e.high);
        h.low = Math.min(h.low, e.low);
        h.close = e.close;
      }
    }
    const r = await cli('replay', writeEvents(out), '--stats');
    expect(r.code).toBe(0);
    const m = /^levels: \d+ messages over the [\d.]+ days the levels were watched \([\d.]+ a day\), \d+ breaks, \d+ reversed within 12h \(\d+%(?: of the \d+ judged; \d+ breaks? too late in the file to judge)?\), (\d+)\/(\d+) breaks that held told within 2h/m.exec(r.out);
    expect(m, r.out).not.toBeNull();
    expect(Number(m![2])).toBeGreaterThan(0);
    expect(Number(m![1])).toBeGreaterThan(0);
  });

  it('measures a file of prices alone on the closes the bot built from them, as it judged its levels there', async () => {
    // The same week as price ticks (each 15m candle's open, low, high and close, inside its quarter hour).
    const lines = readFileSync('fixtures/binance-2024-08-levels-15m.real.jsonl', 'utf8').split('\n').filter(Boolean);
    const ticks: object[] = [];
    for (const line of lines) {
      const e = JSON.parse(line) as { type: string; ts: number; exchange: string; symbol: string; open: number; high: number; low: number; close: number };
      if (e.type !== 'candle') ticks.push(e);
      else [e.open, e.low, e.high, e.close].forEach((price, i) => ticks.push({ type: 'price', ts: e.ts + i * 200_000 + 1, exchange: e.exchange, symbol: e.symbol, price }));
    }
    const levelsLine = (out: string) => out.split('\n').find((l) => l.startsWith('levels: '));
    const fromCandles = await cli('replay', 'fixtures/binance-2024-08-levels-15m.real.jsonl', '--stats');
    const fromPrices = await cli('replay', writeEvents(ticks), '--stats');
    expect(fromPrices.code).toBe(0);
    expect(levelsLine(fromPrices.out)).toMatch(/\/11 breaks that held/);
    expect(levelsLine(fromPrices.out)).toBe(levelsLine(fromCandles.out));
    // Levels and nothing to judge them on: said, not a table of zeros.
    const bare = await cli('replay', writeEvents(ticks.filter((e) => (e as { type: string }).type === 'level')), '--stats');
    expect(bare.out).toContain('levels: no candles or prices in the file: no close to judge a level on');
  });

  it('lists each market-wide flush with its times, tally, assets and updates', async () => {
    const r = await cli('replay', 'fixtures/binance-2025-01-27-forceorder.real.jsonl', '--stats');
    expect(r.code).toBe(0);
    expect(r.out).toContain('market-wide flush long 2025-01-27 16:50–17:08 UTC  $2.62M  185 assets  3 updates\n');
    // BTC's cascade runs on with the flush to its largest minute (17:08), edited twice.
    expect(r.out).toContain('cascade BTC long 2025-01-27 16:52–17:08 UTC  $635K  2 updates\n');
  });

  it('says which cascade and flush the file ends inside, and a one-minute cascade by its minute', async () => {
    // The same prints cut at 16:56:30, while the flush and BTC's cascade run.
    const all = readFileSync('fixtures/binance-2025-01-27-forceorder.real.jsonl', 'utf8').split('\n').filter((l) => l && !l.includes('"meta"'));
    const lines = all.filter((l) => l.includes('"liquidation"'));
    // Its candles and the daily totals before it too (BTC's normal), nothing after the cut.
    const cut = all.filter((l) => (JSON.parse(l) as { ts: number }).ts < Date.parse('2025-01-27T16:56:30Z'));
    const r = await cli('replay', writeEvents(cut), '--stats');
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/^market-wide flush long 2025-01-27 16:50 UTC \(still running when the file ends\) {2}\$[\d.]+[KM] {2}\d+ assets {2}1 update$/m);
    expect(r.out).toMatch(/^cascade BTC long 2025-01-27 16:52 UTC \(still running when the file ends\) {2}/m);
    // Every print a hundred times over (a flush a hundred times this one's size), with the file's candles (to 21:00: time
    // runs on past the last print, so the cascades running at it end): LTC's longs began and ended inside 17:08.
    const big = lines.map((l) => JSON.parse(l) as { ts: number; amount: number; usd?: number }).map((e) => ({ ...e, amount: e.amount * 100, ...(e.usd !== undefined ? { usd: e.usd * 100 } : {}) }));
    const candles = all.filter((l) => l.includes('"type":"candle"')).map((l) => JSON.parse(l) as { ts: number });
    const one = await cli('replay', writeEvents([...big, ...candles].sort((a, b) => a.ts - b.ts)), '--stats');
    expect(one.out).toContain('cascade LTC long 2025-01-27 17:08 UTC  $2.95M  0 updates\n');
    // XRP's 17:08 wave is its 16:53 cascade running on (its quiet counted from 16:59:50, when its window fell), no leg.
    expect(one.out).toContain('cascade XRP long 2025-01-27 16:53–17:08 UTC  $8.43M  3 updates\n');
    // Moved a quarter of an hour on, the wave from 17:05 is the next leg of XRP's 16:53–16:54 cascade, 28 minutes after
    // it ended, still running when the file ends.
    const later = big.map((e) => (e.ts >= Date.parse('2025-01-27T17:05:00Z') ? { ...e, ts: e.ts + 15 * 60_000 } : e)).sort((a, b) => a.ts - b.ts);
    const two = await cli('replay', writeEvents(later), '--stats');
    expect(two.out).toContain('cascade XRP long 2025-01-27 17:23 UTC (still running when the file ends)  $5.03M  1 update  (second leg)\n');
    const json = (await cli('replay', writeEvents(later), '--json')).out.split('\n').filter(Boolean).map((l) => JSON.parse(l) as { kind: string; asset: string; side: string; ts: number; previousLeg?: object });
    const xrp = json.filter((a) => a.kind === 'cascade' && a.asset === 'XRP' && a.side === 'long');
    expect(xrp[0]!.previousLeg).toBeUndefined();
    expect(xrp[1]!.previousLeg).toMatchObject({ leg: 1, usd: expect.closeTo(3_407_226, 0) });
  });

  it("writes a cascade's tally the way every reply writes money (three significant digits)", async () => {
    const r = await cli('replay', 'fixtures/eth-2026-01-31.synthetic.jsonl', '--stats');
    expect(r.code).toBe(0);
    expect(r.out).toContain('cascade XRP long 2026-01-31 10:59–15:59 UTC  $57.7M  17 updates');
    expect(r.out).toContain('cascade BTC long 2026-01-31 11:58–16:11 UTC  $574M  18 updates');
  });
});

describe("a chat's own levels and the global ones one close broke", () => {
  it('are one message in that chat (its thread answered), the global message alone elsewhere', () => {
    const m = new Market(buildConfig({}));
    const M15 = 900_000;
    const candle = (i: number, close: number) => {
      const r = toEvent({ type: 'candle', ts: T0 + i * M15, exchange: 'binanceusdm', symbol: 'ETH/USDT:USDT', timeframe: '15m', open: close, high: close + 2, low: close - 2, close });
      if (!r.ok) throw new Error(r.reason);
      return r.event;
    };
    const alerts: Alert[] = [];
    for (let i = 0; i < 20; i++) alerts.push(...m.ingest(candle(i, 3100)));
    m.addLevel({ id: 'ETH@3000', asset: 'ETH', level: 3000, source: 'config', createdAt: T0 });
    const own = 'telegram:-1:ETH@2950';
    m.addLevel({ id: own, asset: 'ETH', level: 2950, label: 'our line', chat: 'telegram:-1', source: 'chat', createdAt: T0, thread: { ref: '-1:7' } });
    for (let i = 20; i < 23; i++) alerts.push(...m.ingest(candle(i, i === 20 ? 3100 : 2800)));
    const breaks = alerts.filter((a) => a.kind === 'level_break');
    expect(breaks.map((a) => [a.chat, a.levelId, ...(a.also ?? []).map((x) => x.levelId)])).toEqual([
      [undefined, 'ETH@3000'],
      ['telegram:-1', own, 'ETH@3000'],
    ]);
    expect(new Set(breaks.map((a) => a.key)).size).toBe(2);
    const subs = (chat: string): Subscription => ({ chat, enabled: true, assets: [], families: ['level'], minUsd: 0, updatedAt: 0 });
    const threadOf = (a: Alert) => (a.kind === 'level_break' && a.chat ? { ref: '-1:7' } : undefined);
    const entries = route(breaks, [subs('telegram:-1'), subs('telegram:-2')], T0, threadOf);
    expect(entries.map((e) => [e.chat, e.alert.key === breaks[1]!.key, e.replyTo])).toEqual([
      ['telegram:-2', false, undefined],
      ['telegram:-1', true, '-1:7'],
    ]);
    const text = replyText(alertReply(breaks[1]!));
    expect(text).toContain('$2,950');
    expect(text).toContain('our line');
    expect(text).toContain('$3,000');
  });
});
