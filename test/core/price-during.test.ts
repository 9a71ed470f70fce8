/**
 * What a cascade's or a market-wide flush's message says price did ("Price since 14:00: ETH −0.2% (low $1,732)", "Price
 * during it: …"): the move starts at the price at (or last before) the event's start, never at one that came after it;
 * its low or high counts every price the bot had between, a print's fill too where candles are minutes old (what the
 * running message read as the price of the moment); an end never tells less of the move than its updates did, and an
 * asset the bot has a price for keeps its line. The real recordings are the ones a trader's audit found wrong; every
 * expected figure below was read off the fixtures by hand (prints, and 15m candles known from their close on).
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { buildConfig, loadConfig } from '../../config/load.js';
import type { Alert } from '../../src/core/alerts.js';
import type { MarketEvent } from '../../src/core/events.js';
import { Market } from '../../src/core/market.js';
import { PriceBook } from '../../src/core/prices.js';
import { loadFile, runFile } from '../../src/offline.js';
import { alertReply } from '../../src/replies/alerts.js';
import { replyText } from '../../src/replies/reply.js';
import { cli, writeEvents } from '../helpers.js';

const MIN = 60_000;
const at = (iso: string) => Date.parse(iso);
const text = (a: Alert | undefined) => replyText(alertReply(a!));
/** The message's price line ("Price since …" or "Price during it …"), or undefined when it has none. */
const priceLine = (a: Alert | undefined) => text(a).split('\n').find((l) => l.startsWith('Price '));
/** A replay as `liqbot replay` runs one: the file read whole, so lines appended out of time order apply at their time. */
const replay = async (path: string) => (await runFile(await loadFile(path), loadConfig())).alerts;

function candle(book: PriceBook, asset: string, timeframe: '1m' | '15m', ts: number, open: number, high: number, low: number, close: number): void {
  book.candle(asset, { type: 'candle', ts, exchange: 'binanceusdm', symbol: `${asset}/USDT:USDT`, timeframe, open, high, low, close });
}

describe('the price a move starts from', () => {
  it('is the last price the bars place before its start, not the close of its start\'s minute, which came after it', () => {
    const book = new PriceBook(15 * MIN, () => {});
    const from = at('2026-03-02T12:01:14Z');
    book.tick('ETH', 'bybit', at('2026-03-02T12:00:50Z'), 100);
    book.tick('ETH', 'bybit', at('2026-03-02T12:01:30Z'), 97);
    book.tick('ETH', 'bybit', at('2026-03-02T12:01:50Z'), 98);
    // 12:01's close ($98, at 12:01:50) is 36 s after the start; the last price before it is 12:00's $100.
    expect(book.range('ETH', from, at('2026-03-02T12:01:55Z'))).toEqual({ open: 100, close: 98, high: 100, low: 97, from, to: at('2026-03-02T12:01:50Z') });
  });

  it('is the first print when none came before (ETH, 2025-04-30: the flush began 1.6 s before ETH\'s first print)', () => {
    const book = new PriceBook(15 * MIN, () => {});
    for (const [iso, price] of [['14:00:15.660', 1735.81], ['14:00:17.470', 1737.79], ['14:00:31.130', 1731.91], ['14:00:33.437', 1732.65]] as const) {
      book.liquidationPrice('ETH', at(`2025-04-30T${iso}Z`), price);
    }
    expect(book.range('ETH', at('2025-04-30T14:00:14.097Z'), at('2025-04-30T14:00:47.593Z'))).toEqual({
      open: 1735.81, close: 1732.65, high: 1737.79, low: 1731.91, from: at('2025-04-30T14:00:14.097Z'), to: at('2025-04-30T14:00:33.437Z'),
    });
  });

  it('is the close of the 1m candle before a window that starts on the minute, not the close of the one it opens', () => {
    const book = new PriceBook(15 * MIN, () => {});
    candle(book, 'ETH', '1m', at('2026-01-31T14:59:00Z'), 2562, 2563, 2559, 2560.5);
    candle(book, 'ETH', '1m', at('2026-01-31T15:00:00Z'), 2560.5, 2561, 2555, 2556);
    const from = at('2026-01-31T15:00:00Z');
    expect(book.range('ETH', from, from + 90_000)).toMatchObject({ open: 2560.5, close: 2556, from });
  });
});

describe('a fill the bot read as the price of its moment (candles minutes old)', () => {
  // 15m candles: the 16:30 one is known from 16:45; prints come at 16:46:30 (the candle 90 s old: not the price), then
  // 16:52-16:58 (the candle over two minutes old: the fills are).
  const book = new PriceBook(15 * MIN, () => {});
  candle(book, 'BTC', '15m', at('2025-01-27T16:30:00Z'), 101, 101.5, 99.5, 100);
  book.liquidationPrice('BTC', at('2025-01-27T16:46:30Z'), 96);
  book.liquidationPrice('BTC', at('2025-01-27T16:52:10Z'), 98);
  book.liquidationPrice('BTC', at('2025-01-27T16:53:00Z'), 97.5);
  book.liquidationPrice('BTC', at('2025-01-27T16:58:00Z'), 99);

  it('counts in a window\'s range before the candle that holds it has closed: its low, and its close as the last price', () => {
    expect(book.range('BTC', at('2025-01-27T16:45:00Z'), at('2025-01-27T16:59:00Z'))).toEqual({
      open: 100, close: 99, high: 100, low: 97.5, from: at('2025-01-27T16:45:00Z'), to: at('2025-01-27T16:58:00Z'),
    });
  });

  it('is the price before a move that starts after it', () => {
    expect(book.priceAt('BTC', at('2025-01-27T16:54:59.999Z'), 3_600_000)).toBe(97.5);
  });
});

describe('a market-wide flush\'s price lines (offline, Bybit, 15m candles and prints)', () => {
  const config = buildConfig({ flush: { minAssets: 3, floorUsd: 1_000_000 } });
  const T = at('2026-03-02T12:00:00Z');
  const long = (ts: number, asset: string, price: number, usd: number): MarketEvent => ({ type: 'liquidation', ts, exchange: 'gate', symbol: `${asset}/USDT:USDT`, side: 'long', price, amount: usd / price, usd });
  const bar = (ts: number, asset: string, close: number, low = close): MarketEvent => ({ type: 'candle', ts, exchange: 'bybit', symbol: `${asset}/USDT:USDT`, timeframe: '15m', open: close, high: close, low, close });
  function feed(events: MarketEvent[]): Alert[] {
    const m = new Market(config);
    const out: Alert[] = [];
    events.sort((a, b) => a.ts - b.ts);
    for (const e of events) out.push(...m.catchUp(e.ts), ...m.ingest(e));
    out.push(...m.catchUp(events.at(-1)!.ts + 3_600_000));
    return out.filter((a) => a.kind.startsWith('market_flush'));
  }

  it('tell the low of the fills at the update and keep it, with each leader\'s line, at the end', () => {
    const events: MarketEvent[] = [];
    for (const asset of ['BTC', 'ETH', 'SOL']) {
      events.push(bar(T - 15 * MIN, asset, 100));
      // The 12:00 candle (known at 12:15) has its low at 12:10, after the flush: not in its end's window.
      events.push(bar(T, asset, 100, 90));
    }
    // From 12:05 the last candle is five minutes old: the prints' fills are the price, and each leader's first is where
    // it began (BTC's began the flush at 12:05:00; the $100 of 12:00 is not where it began). It is called at 12:05:02.
    events.push(long(T + 5 * MIN, 'BTC', 99, 100_000), long(T + 5 * MIN + 1000, 'ETH', 99.5, 100_000), long(T + 5 * MIN + 2000, 'SOL', 99.8, 100_000));
    // 12:06:30: BTC fills at $97, the tally grows past the update mark; 12:07: its last strong prints (too few for another
    // update), BTC back at $98.5.
    events.push(long(T + 6.5 * MIN, 'BTC', 97, 200_000), long(T + 7 * MIN, 'BTC', 98.5, 100_000), long(T + 7 * MIN + 1000, 'ETH', 99, 20_000));
    const [start, update, end] = feed(events);
    expect([start?.kind, update?.kind, end?.kind]).toEqual(['market_flush', 'market_flush_update', 'market_flush_end']);
    expect(priceLine(start)).toBe('Price since 12:05: BTC 0.0% (low $99) · ETH 0.0% (low $99.50) · SOL 0.0% (low $99.80)');
    expect(priceLine(update)).toBe('Price since 12:05: BTC −2.0% (low $97) · ETH 0.0% (low $99.50) · SOL 0.0% (low $99.80)');
    expect(priceLine(end)).toBe('Price during it: BTC −0.5% (low $97) · ETH −0.5% (low $99) · SOL 0.0% (low $99.80)');
  });

  it('end with no higher low than an update told, when the update was held back past the last strong print', () => {
    const events: MarketEvent[] = [];
    const tick = (ts: number, asset: string, price: number): MarketEvent => ({ type: 'price', ts, exchange: 'bybit', symbol: `${asset}/USDT:USDT`, price });
    for (let ts = T; ts <= T + 8 * MIN; ts += 30_000) for (const asset of ['BTC', 'ETH', 'SOL']) events.push(tick(ts, asset, 100));
    events.push(long(T + 5 * MIN, 'BTC', 100, 100_000), long(T + 5 * MIN + 1000, 'ETH', 100, 100_000), long(T + 5 * MIN + 2000, 'SOL', 100, 100_000));
    // 12:05:50: the tally grows past the update mark, a minute after the start is 12:06:02; BTC trades at $96 at 12:06:01.
    events.push(long(T + 5 * MIN + 50_000, 'BTC', 100, 200_000), tick(T + 6 * MIN + 1000, 'BTC', 96));
    const [, update, end] = feed(events);
    expect(update?.ts).toBe(T + 6 * MIN + 2000);
    expect(priceLine(update)).toContain('BTC −4.0% (low $96)');
    if (end?.kind !== 'market_flush_end') throw new Error('no end');
    expect(end.endedAt).toBe(T + 5 * MIN + 50_000);
    expect(priceLine(end)).toContain('BTC 0.0% (low $96)');
  });
});

describe('the real recordings the audit read', () => {
  it('2025-04-30: the flush start measures from ETH\'s first print, as /liqs does, and its end from the same start', async () => {
    const alerts = await replay('fixtures/binance-2025-04-30-forceorder.real.jsonl');
    // ETH $1,735.81 (14:00:15) → $1,732.65 (14:00:33), low $1,731.91; AVAX $20.484 → $20.339; W $0.0827155 → $0.0827599.
    expect(priceLine(alerts.find((a) => a.kind === 'market_flush'))).toBe('Price since 14:00: ETH −0.2% (low $1,732) · AVAX −0.7% (low $20.34) · W +0.1% (low $0.08272)');
    // To its end at 14:00:47.594, its last print at pace: ETH $1,732.65 (14:00:33), AVAX $20.356 (14:00:47), W $0.0827599
    // (14:00:45).
    expect(priceLine(alerts.find((a) => a.kind === 'market_flush_end'))).toBe('Price during it: ETH −0.2% (low $1,732) · AVAX −0.6% (low $20.34) · W +0.1% (low $0.08272)');
    const liqs = await cli('liqs', 'eth', '--data', 'fixtures/binance-2025-04-30-forceorder.real.jsonl', '--at', '2025-04-30T14:00:40Z', '--window', '1h');
    expect(liqs.out).toContain('Price since 14:00 (no earlier prices): $1,736 → $1,733 (−0.2%)');
  });

  it('2025-01-27 with 15m candles: the 17:09 update\'s low is its end\'s, and the cascades inside it keep their line', async () => {
    const lines = [
      ...readFileSync('fixtures/binance-2025-01-heldout-levels-15m.real.jsonl', 'utf8').split('\n'),
      ...readFileSync('fixtures/binance-2025-01-27-forceorder.real.jsonl', 'utf8').split('\n').filter((l) => !l.includes('"candle"')),
    ].filter(Boolean);
    const alerts = await replay(writeEvents(lines));
    // From the 16:30 candles' closes (BTC $99,942.9, ETH $3,089.68); BTC's fills reached $99,225.9 at 17:08:48, and at its
    // end, 17:08:58.454, BTC's last is $99,292.6 (17:08:48.854) and ETH's $3,075.90 (17:08:48.524).
    const updates = alerts.filter((a) => a.kind === 'market_flush_update');
    expect(priceLine(updates.at(-1))).toBe('Price since 16:50: BTC −0.6% (low $99,226) · ETH −0.4% (low $3,074)');
    expect(priceLine(alerts.find((a) => a.kind === 'market_flush_end'))).toBe('Price during it: BTC −0.7% (low $99,226) · ETH −0.4% (low $3,074)');
    // The cascades from their first prints' fills (the 16:30 candles over six minutes old), running on with the flush to
    // their last strong prints of 17:08:48: BTC $99,767.53 (16:52:08) to $99,225.9 (17:08:48.417), also its low; ETH
    // $3,092.66 (16:51:24) to $3,075.90 (17:08:48.524), its low the $3,074.48 fill of 16:54:50.
    const over = (asset: string) => priceLine(alerts.find((a) => a.kind === 'cascade_end' && a.asset === asset));
    expect(over('BTC')).toBe('Price during it $99,768 → $99,226 (−0.5%), low $99,226');
    expect(over('ETH')).toBe('Price during it $3,093 → $3,076 (−0.5%), low $3,074');
  });

  it('2025-10-23 with ETH 15m candles: the leader keeps its line, the same as on the prints alone', async () => {
    const lines = [
      ...readFileSync('fixtures/binance-2025-10-round-levels-15m.real.jsonl', 'utf8').split('\n'),
      ...readFileSync('fixtures/binance-2025-10-23-forceorder.real.jsonl', 'utf8').split('\n'),
    ].filter(Boolean);
    const alerts = await replay(writeEvents(lines));
    // ETH from its fill of $3,857.02 at 19:02:32 (the 18:45 candle's close is older), low $3,843.39, $3,843.46 at the end
    // (19:08:03).
    expect(priceLine(alerts.find((a) => a.kind === 'market_flush'))).toBe('Price since 19:03: ETH −0.4% (low $3,843) · BTC −0.5% (low $110,042) · SOL −0.2% (low $190.60)');
    expect(priceLine(alerts.find((a) => a.kind === 'market_flush_end'))).toBe('Price during it: ETH −0.4% (low $3,843) · BTC −0.5% (low $110,042) · SOL −0.2% (low $190.60)');
  });
});
