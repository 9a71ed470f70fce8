/**
 * What `/liqs` and `/levels` say of a cascade's low and of the fills after the price reads the true extreme fill the
 * bot holds, as the alerts do: a running cascade's low counts a fill from before it was called (its end does), and a
 * fill below the cascade low after the price is the lowest the price book holds, not the lowest of each minute's five
 * largest prints (the flush alert's low counts every one). A bankruptcy price (OKX, HTX, Bybit) is never a fill.
 */
import { describe, expect, it } from 'vitest';
import { buildConfig } from '../../config/load.js';
import type { Liquidation } from '../../src/core/events.js';
import { Market } from '../../src/core/market.js';
import { structureReading } from '../../src/replies/levels.js';
import { lineText } from '../../src/replies/reply.js';
import { cli, writeEvents } from '../helpers.js';
import { readFileSync } from 'node:fs';

const MIN = 60_000;
const T0 = Date.parse('2026-03-02T12:00:00Z');

const print = (ts: number, exchange: string, price: number, usd: number): Liquidation => ({ type: 'liquidation', ts, exchange, symbol: 'BTC/USDT:USDT', side: 'long', price, amount: usd / price, usd });

/**
 * BTC at $100,000 on a 15m candle to 12:15, a level under it; from 12:18 (the candle minutes old: fills are the price),
 * a $50K print filled at $99,400 and a Bybit one at $98,000 (a bankruptcy price), then $2M prints at $99,600 every 5 s
 * that call a long cascade.
 */
function crash(): Market {
  const m = new Market(buildConfig({}));
  m.ingest({ type: 'level', ts: T0, asset: 'BTC', level: 90_000 });
  m.ingest({ type: 'candle', ts: T0, exchange: 'binanceusdm', symbol: 'BTC/USDT:USDT', timeframe: '15m', open: 100_000, high: 100_100, low: 99_900, close: 100_000 });
  m.catchUp(T0 + 15 * MIN);
  m.ingest(print(T0 + 18 * MIN, 'gate', 99_400, 50_000));
  m.ingest(print(T0 + 18 * MIN + 1_000, 'bybit', 98_000, 10_000));
  for (let i = 0; i < 8; i++) m.ingest(print(T0 + 18 * MIN + 5_000 * (i + 1), 'gate', 99_600, 2_000_000));
  return m;
}

describe('a running cascade\'s low', () => {
  it('counts a fill from before the cascade was called, as its end does, and no bankruptcy price', () => {
    const m = crash();
    const running = m.cascadesBetween('BTC', m.clock - 60 * MIN, m.clock);
    expect(running).toHaveLength(1);
    expect(running[0]!.endedAt).toBeUndefined();
    // The detector follows prices from when it called the cascade ($99,600 on): the $99,400 fill 5 s before was its low.
    expect(running[0]!.extreme).toBe(99_400);
    expect(m.summary('BTC', '1h', 60 * MIN).cascades[0]!.extreme).toBe(99_400);
    expect(structureReading(m.levelStatus('BTC')).map(lineText)[0]).toBe('After $16.1M of longs liquidated, price is still moving; the cascade low $99,400 so far.');
    // Its end says the same low.
    for (let t = m.clock + MIN; t <= T0 + 40 * MIN; t += MIN) m.catchUp(t);
    const over = m.cascadesBetween('BTC', T0, m.clock);
    expect(over[0]!.endedAt).toBeDefined();
    expect(over[0]!.extreme).toBe(99_400);
  });
});

describe('a fill below the cascade low, after the price', () => {
  it('is the minute\'s lowest fill the price book holds, whatever its size, and never a bankruptcy price', () => {
    const m = crash();
    for (let t = m.clock + MIN; t <= T0 + 40 * MIN; t += MIN) m.catchUp(t);
    expect(m.cascadesBetween('BTC', T0, m.clock)[0]!.endedAt).toBeDefined();
    // 12:40: five $100K prints at $99,500, a $1K one at $99,100 (not among the five largest the minute keeps), and a
    // Bybit one at $98,500 (a bankruptcy price).
    const at = T0 + 40 * MIN;
    for (let i = 0; i < 5; i++) m.ingest(print(at + 1_000 * i, 'gate', 99_500, 100_000));
    m.ingest(print(at + 30_000, 'gate', 99_100, 1_000));
    m.ingest(print(at + 40_000, 'bybit', 98_500, 500));
    m.catchUp(at + MIN);
    const st = m.levelStatus('BTC');
    // The book keeps no second: the fill is timed to its minute.
    expect(st.printsAfterPrice?.low).toEqual({ price: 99_100, ts: at });
    expect(structureReading(st).map(lineText)[0]).toBe('After $16.1M of longs liquidated, a liquidation filled at $99,100 at 12:40, below the cascade low $99,400: no floor yet.');
  });

  it('keeps a kept print\'s second where the lowest fill is one', () => {
    const m = crash();
    for (let t = m.clock + MIN; t <= T0 + 40 * MIN; t += MIN) m.catchUp(t);
    const at = T0 + 40 * MIN;
    m.ingest(print(at + 12_000, 'gate', 99_200, 100_000));
    m.catchUp(at + MIN);
    expect(m.levelStatus('BTC').printsAfterPrice?.low).toEqual({ price: 99_200, ts: at + 12_000 });
  });
});

describe('on the audit\'s recording (BTC, Jan 27 2025)', () => {
  const lines = (path: string) => readFileSync(path, 'utf8').split('\n').filter((l) => l.trim() !== '');
  /** The held-out 15m candles and levels, and the forceorder recording's prints (16:50–17:20), without its 5m candles. */
  const file = () => writeEvents([...lines('fixtures/binance-2025-01-heldout-levels-15m.real.jsonl'), ...lines('fixtures/binance-2025-01-27-forceorder.real.jsonl').filter((l) => !l.includes('"type":"candle"'))], 'jan27.jsonl');

  it('says the running cascade\'s low as its end will: the $99,541.3 fill of 16:54:35, 20 s before it was called, then the $99,225.9 of 17:08:48', async () => {
    const f = file();
    const levels = await cli('levels', 'btc', '--data', f, '--at', '2025-01-27T16:56:00Z');
    expect(levels.out.split('\n')).toContain('After $380K of longs liquidated, price is still moving; the cascade low $99,541 so far.');
    const liqs = await cli('liqs', 'btc', '--data', 'fixtures/binance-2025-01-27-forceorder.real.jsonl', '--at', '2025-01-27T16:56:00Z', '--window', '1h');
    expect(liqs.out.split('\n')).toContain('Long cascade since 16:52 (running): $380K, low $99,541');
    // It runs on with the flush to its 17:08 minute (over at 17:23:40), and its low with it: the end's.
    const during = await cli('liqs', 'btc', '--data', 'fixtures/binance-2025-01-27-forceorder.real.jsonl', '--at', '2025-01-27T17:09:00Z', '--window', '1h');
    expect(during.out.split('\n')).toContain('Long cascade since 16:52 (running): $635K, low $99,226');
    const after = await cli('liqs', 'btc', '--data', 'fixtures/binance-2025-01-27-forceorder.real.jsonl', '--at', '2025-01-27T17:30:00Z', '--window', '1h');
    expect(after.out.split('\n')).toContain('Long cascade 16:52–17:08: $635K, low $99,226');
  });

  it('says the fill of 17:08 as the flush alert\'s low: $99,226 (a $2.6K print), not $99,269', async () => {
    const r = await cli('levels', 'btc', '--data', file(), '--at', '2025-01-27T17:09:00Z');
    // The fill is the running cascade's own low now (it was one below the low of a cascade over at 17:04).
    expect(r.out.split('\n').find((l) => l.startsWith('After '))).toBe('After $635K of longs liquidated, price is still moving; the cascade low $99,226 so far.');
    expect(r.out).not.toContain('$99,269');
  });
});
