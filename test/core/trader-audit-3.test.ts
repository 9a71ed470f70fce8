/**
 * A trader's audit of the read side on real days: one asset's `/liqs` says the market-wide flush it takes part in (BTC
 * led Jan 27 2025's, its own cascade running inside it, then over a few seconds before it), and a price from a candle's
 * close is told at the close time, the candle's end (07:20 for the 07:15 5m candle), while every lookup still places it
 * in the candle's last minute.
 */
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../config/load.js';
import { PriceBook } from '../../src/core/prices.js';
import { loadFile, runFile } from '../../src/offline.js';
import { levelsReply } from '../../src/replies/levels.js';
import { replyText } from '../../src/replies/reply.js';
import { summaryReply } from '../../src/replies/summary.js';
import { writeEvents } from '../helpers.js';

const MIN = 60_000;
const HOUR = 60 * MIN;
const at = (iso: string) => Date.parse(iso);
const JAN27 = 'fixtures/binance-2025-01-27-forceorder.real.jsonl';

/** `/liqs ASSET 1h` as of `iso`, the engine fed the whole file (every asset's prints reach the flush) up to then. */
async function liqs(asset: string, iso: string) {
  const to = at(iso);
  const run = await runFile(await loadFile(JAN27), loadConfig(), { until: to, bucketFrom: to - HOUR });
  const s = run.market.summary(asset, '1h', HOUR, to);
  return { s, text: replyText(summaryReply(s, ['1h'])) };
}

describe("one asset's /liqs in a market-wide flush", () => {
  it('says the running flush and the asset\'s part of it beside its own cascade, running or over; not to an asset outside it', async () => {
    const { s, text } = await liqs('BTC', '2025-01-27T17:06:00Z');
    expect(text).toContain('Long cascade since 16:52 (running): $380K, low $99,541');
    expect(text).toContain('Market-wide long flush since 16:50 (running): BTC $380K of $1.63M (23%)');
    expect(s.flushes).toHaveLength(1);
    expect(s.flushes![0]!.endedAt).toBeUndefined();
    // BTC's cascade ran on with the flush to 17:08 and was over at 17:23:40, eight seconds before the flush was.
    const over = await liqs('BTC', '2025-01-27T17:23:44Z');
    expect(over.text).toContain('Long cascade 16:52–17:08: $635K, low $99,226');
    expect(over.text).toContain('Market-wide long flush since 16:50 (running): BTC $635K of $2.62M (24%)');
    expect(over.s.flushes![0]!.endedAt).toBeUndefined();
    // JUP liquidated shorts alone in the hour: a long flush is none of its business.
    const jup = await liqs('JUP', '2025-01-27T17:06:00Z');
    expect(jup.s.shortUsd).toBeGreaterThan(0);
    expect(jup.s.longUsd).toBe(0);
    expect(jup.s.flushes).toBeUndefined();
    expect(jup.text).not.toContain('Market-wide');
  });

  it('says a flush that is over with its span, the asset\'s part the flush\'s own tally of it ($634,954 of BTC)', async () => {
    const { s, text } = await liqs('BTC', '2025-01-27T17:30:00Z');
    expect(text).toContain('Market-wide long flush 16:50–17:08: BTC $635K of $2.62M (24%)');
    expect(s.flushes![0]!.assetUsd).toBeCloseTo(634_954, -1);
  });
});

describe('a price from a candle close', () => {
  it('is told at the candle\'s end, and looked up in its last minute as before', () => {
    const book = new PriceBook(15 * MIN, () => {});
    const t0 = at('2025-04-07T07:15:00Z');
    book.candle('SUI', { type: 'candle', ts: t0, exchange: 'binanceusdm', symbol: 'SUI/USDT:USDT', timeframe: '5m', open: 2.35, high: 2.36, low: 2.33, close: 2.336 });
    expect(book.last('SUI')).toEqual({ ts: t0 + 5 * MIN - 1, price: 2.336, at: t0 + 5 * MIN });
    // A window that reaches it ends its stretch at the close; the close is still no price of 07:20's minute.
    expect(book.range('SUI', t0 - HOUR, t0 + 10 * MIN)?.to).toBe(t0 + 5 * MIN);
    expect(book.priceAt('SUI', t0 + 5 * MIN - 1)).toBe(2.336);
    expect(book.range('SUI', t0 + 5 * MIN, t0 + 10 * MIN)).toBeUndefined();
  });

  it('is a 1m candle\'s close at its end, not at its open', () => {
    const book = new PriceBook(15 * MIN, () => {});
    const t0 = at('2025-04-07T07:19:00Z');
    book.candle('SUI', { type: 'candle', ts: t0, exchange: 'binanceusdm', symbol: 'SUI/USDT:USDT', timeframe: '1m', open: 2.34, high: 2.34, low: 2.33, close: 2.336 });
    expect(book.last('SUI')).toEqual({ ts: t0, price: 2.336, at: t0 + MIN });
  });

  it('is what /levels says of a stale price: "at 07:20" for the 07:15 5m candle', async () => {
    const t0 = at('2025-04-07T07:15:00Z');
    const candle = (ts: number, close: number) => ({ type: 'candle', ts, exchange: 'binanceusdm', symbol: 'SUI/USDT:USDT', timeframe: '5m', open: close, high: close, low: close, close });
    const file = writeEvents([
      { type: 'level', ts: t0 - 10 * MIN, asset: 'SUI', price: 2 },
      candle(t0 - 5 * MIN, 2.34),
      candle(t0, 2.336),
    ]);
    const now = t0 + 3 * HOUR;
    const run = await runFile(await loadFile(file), loadConfig(), { until: now });
    const st = run.market.levelStatus('SUI', undefined, now);
    expect(st.priceTs).toBe(t0 + 5 * MIN);
    expect(replyText(levelsReply(st, run.market.windowCoverage('SUI', 24 * HOUR, now)))).toContain('Last price $2.336 at 07:20: no price since');
  });
});
