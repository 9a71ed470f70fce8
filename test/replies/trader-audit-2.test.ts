/**
 * A trader's second audit of the replies on real market days, each finding said as the data has it: /levels never calls
 * a cascade low a floor to come once price or a fill is below it; a window's price move covering part of it says the
 * stretch before the figure; shares listed together add up to 100%, the assets past the tenth in a row of their own;
 * a flush's start said once, a venue named once in the footer, and the zone names traders write (BST, CET).
 */
import { readFileSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import type { MarketFlush } from '../../src/core/alerts.js';
import type { LevelReading } from '../../src/core/market-view.js';
import type { LevelView } from '../../src/core/levels.js';
import type { Coverage, LiquidationSummary } from '../../src/core/summary.js';
import { alertReply } from '../../src/replies/alerts.js';
import { coverageLine } from '../../src/replies/coverage.js';
import { shares, spanWords, stamp } from '../../src/replies/format.js';
import { structureReading } from '../../src/replies/levels.js';
import { lineText, replyText } from '../../src/replies/reply.js';
import { summaryReply } from '../../src/replies/summary.js';
import { setTimeZone } from '../../src/replies/zone.js';
import { cli, writeEvents } from '../helpers.js';

const MIN = 60_000;
const H = 3_600_000;
const D = 86_400_000;
const FORCE_ORDERS = 'fixtures/binance-2025-01-27-forceorder.real.jsonl';
const lines = (path: string) => readFileSync(path, 'utf8').split('\n').filter((l) => l.trim() !== '');
/** The Jan 27 2025 recording (every Binance contract's prints 16:50–17:20, 5m candles, vendor days) and a round BTC level. */
const jan27 = () => writeEvents([...lines(FORCE_ORDERS), { type: 'level', ts: Date.parse('2025-01-27T12:00:00Z'), asset: 'BTC', price: 100_000, label: 'round' }], 'j27.jsonl');
const after = (out: string) => out.split('\n').find((l) => l.startsWith('After '));
/** The percents of a row's "· 21%" (or a share in brackets), summed. */
const sumOf = (texts: string[]) => texts.reduce((a, t) => a + Number(/(\d+)%/.exec(t)![1]), 0);

describe('/levels: a cascade low is never a floor to come once price or a fill is below it', () => {
  it('BTC at 17:12 on Jan 27 2025: price $99,507 under the $99,541 of 16:54, the cascade running on with the flush to the $99,226 fill: its low so far, no floor', async () => {
    const r = await cli('levels', 'btc', '--data', jan27(), '--at', '2025-01-27T17:12:00Z');
    expect(r.code, r.err).toBe(0);
    expect(r.out.split('\n')[0]).toBe('BTC levels · $99,507');
    // BTC's cascade is over at 17:23:40 (ten quiet minutes after its window fell at 17:13:40): until then its low is the
    // lowest fill so far, not the $99,541 price went under (the low of a cascade that used to be over at 17:04).
    expect(after(r.out)).toBe('After $635K of longs liquidated, price is still moving; the cascade low $99,226 so far.');
    expect(r.out).not.toContain('too soon to call');
  });

  it('BTC at 17:27, the cascade and the flush over: price $99,208, $18 under the $99,226 low, is under it, the 17:20 candle lower: no floor yet', async () => {
    // (A trip under the low and back beside a running flush, which this recording had when the cascade was over at
    // 17:04, is no longer in it: the cascade ran on to the fill that was the trip; the reading is tested below.)
    const r = await cli('levels', 'btc', '--data', jan27(), '--at', '2025-01-27T17:27:00Z');
    expect(r.out.split('\n')[0]).toBe('BTC levels · $99,208');
    expect(after(r.out)).toBe('After $635K of longs liquidated, price has since gone below the cascade low $99,226 (as low as $99,013): no floor yet.');
  });

  it('every three minutes from 17:09 to 17:33, the low is the lowest fill ($99,226): so far while the cascade runs, no floor while price is under it, never held', async () => {
    const file = jan27();
    const readings: string[] = [];
    for (let t = Date.parse('2025-01-27T17:09:00Z'); t <= Date.parse('2025-01-27T17:33:00Z'); t += 3 * MIN) {
      readings.push(after((await cli('levels', 'btc', '--data', file, '--at', new Date(t).toISOString())).out)!.replace('After $635K of longs liquidated, ', ''));
    }
    const running = 'price is still moving; the cascade low $99,226 so far.';
    const near = 'price stabilized near the cascade low $99,226.';
    // Running to 17:23:40; then the low is its lowest fill, which nothing went under by 17:24 (the 17:05 candle's low is
    // $99,233). The 17:20 candle's close, $99,208 (low $99,013.4, 0.21% under), is under it at 17:27; at 17:30 and 17:33
    // price is back 0.31% above it. The 0.3% slack is for the bar the cascade ended in (17:05–17:10), whose low can be
    // the cascade's own: the 17:20 candle's trip under is said, not "stabilized near".
    const back = 'price went below the cascade low $99,226 since (to $99,013) and is back above it.';
    expect(readings).toEqual([running, running, running, running, running, near, 'price has since gone below the cascade low $99,226 (as low as $99,013): no floor yet.', back, back]);
    for (const line of readings) expect(line).not.toMatch(/\$99,541|too soon to call|held|holds/);
  });

  const T = Date.parse('2025-10-13T20:30:00Z');
  const done = { id: 'c', asset: 'ETH', side: 'long' as const, startedAt: T - 3 * H, endedAt: T - 2 * H, usd: 24e6, extreme: 2809 };
  const level: LevelView = { level: { id: 'ETH@2000', asset: 'ETH', level: 2000, source: 'event', createdAt: 0 }, role: 'support', distancePct: -30, state: 'holding', baseState: 'holding' };
  const flush = { id: 'f', side: 'long' as const, startedAt: T - 20 * MIN, usd: 5e6, assetCount: 40 };
  const read = (st: Partial<LevelReading>) => lineText(structureReading({ asset: 'ETH', ts: T, price: 2960, priceTs: T - MIN, levels: [level], lastCascade: done, ...st })[0]!);

  it('a trip under the low by less than 0.3% is one in a bar after the one the cascade ended in, not in that bar', () => {
    // The bar the cascade ended in can hold its own low: 0.2% under is within the slack. A later bar's is a trip.
    expect(read({ price: 2960, sinceCascade: { low: 2803.4, high: 2990 } })).toBe('After $24M of longs liquidated, price stabilized above the cascade low $2,809, which held; the low is 5.1% below price.');
    expect(read({ price: 2960, sinceCascade: { low: 2803.4, high: 2990, later: { low: 2803.4, high: 2990 } } })).toBe(
      'After $24M of longs liquidated, price went below the cascade low $2,809 since (to $2,803) and is back above it.',
    );
    // Only the later bar's trip counts: it is the one quoted, not the ending bar's lower low within the slack.
    expect(read({ price: 2960, sinceCascade: { low: 2803.4, high: 2990, later: { low: 2806, high: 2990 } } })).toBe(
      'After $24M of longs liquidated, price went below the cascade low $2,809 since (to $2,806) and is back above it.',
    );
    // A later bar that prints as the low itself is at it.
    expect(read({ price: 2960, sinceCascade: { low: 2808.8, high: 2990, later: { low: 2808.8, high: 2990 } } })).toBe(
      'After $24M of longs liquidated, price stabilized above the cascade low $2,809, which held; the low is 5.1% below price.',
    );
    // A squeeze's high, mirrored.
    const squeeze = { ...done, side: 'short' as const, extreme: 3100 };
    expect(read({ price: 2960, lastCascade: squeeze, sinceCascade: { low: 2900, high: 3105, later: { low: 2900, high: 3105 } } })).toBe(
      'After $24M of shorts liquidated, price went above the cascade high $3,100 since (to $3,105) and is back below it.',
    );
  });

  it('price under the low by less than 0.3% is under it: no "stabilized near"', () => {
    // $2,808 is 0.04% under $2,809.
    expect(read({ price: 2808, sinceCascade: { low: 2808, high: 2990 } })).toBe('After $24M of longs liquidated, price has since gone below the cascade low $2,809: no floor yet.');
    expect(read({ price: 2808, sinceCascade: { low: 2808, high: 2990 }, runningFlushes: [flush] })).toBe(
      'After $24M of longs liquidated, a market-wide long flush is still running (since 20:10), and price has since gone below the cascade low $2,809: no floor yet.',
    );
    // A price that prints as the low itself is at it.
    expect(read({ price: 2809.2, sinceCascade: { low: 2809.2, high: 2990 } })).toBe('After $24M of longs liquidated, price stabilized near the cascade low $2,809.');
  });

  it('a trip under the low since it ended is said beside a running flush, not "too soon to call it a floor"', () => {
    expect(read({ sinceCascade: { low: 2790, high: 2990 }, runningFlushes: [flush] })).toBe(
      'After $24M of longs liquidated, a market-wide long flush is still running (since 20:10); price went below the cascade low $2,809 since (to $2,790) and is back above it.',
    );
    // A squeeze's high, mirrored, price 0.03% above it now.
    const squeeze = { ...done, side: 'short' as const, extreme: 3100 };
    expect(read({ price: 3101, lastCascade: squeeze, sinceCascade: { low: 2900, high: 3120 } })).toBe('After $24M of shorts liquidated, price has since gone above the cascade high $3,100 (as high as $3,120): no top yet.');
  });

  it('no price, dip or fill past the extreme leaves a reading that calls it a floor or a top to come', () => {
    for (const side of ['long', 'short'] as const) {
      const x = side === 'long' ? 2809 : 3100;
      const beyond = (pct: number) => (side === 'long' ? x * (1 - pct / 100) : x * (1 + pct / 100));
      const c = { ...done, side, extreme: x };
      for (const now of [-5, -1, -0.03, 0, 0.1, 1, 5]) {
        // A dip since the end counts past 0.3% (the bar the cascade ended in can hold its own low).
        for (const dip of [undefined, 0.5, 1]) {
          for (const fill of [undefined, 0.1]) {
            for (const running of [false, true]) {
              const p = beyond(now);
              // Every price since the end, price now among them: the farthest of it and the dip.
              const since = (side === 'long' ? Math.min : Math.max)(p, dip === undefined ? x : beyond(dip));
              const st: Partial<LevelReading> = {
                price: p,
                lastCascade: c,
                sinceCascade: side === 'long' ? { low: since, high: x * 1.1 } : { low: x * 0.9, high: since },
                ...(running ? { runningFlushes: [{ ...flush, side }] } : {}),
                ...(fill !== undefined ? { priceTs: T - 10 * MIN, printsAfterPrice: { lastTs: T - MIN, low: { price: beyond(fill), ts: T - 2 * MIN }, high: { price: beyond(fill), ts: T - 2 * MIN } } } : {}),
              };
              const text = read(st);
              const through = now > 0 || dip !== undefined || fill !== undefined;
              if (through) expect(text, JSON.stringify({ side, now, dip, fill, running })).not.toMatch(/too soon to call|stabilized|held|holds/);
              if (now > 0) expect(text).toMatch(side === 'long' ? /price has since gone below/ : /price has since gone above/);
            }
          }
        }
      }
    }
  });
});

describe('/liqs: a price move over part of the window says its stretch before the figure', () => {
  const T = Date.parse('2025-01-27T16:56:00Z');
  const coverage: Coverage = { exchanges: ['binance'], sampled: ['binance'], gaps: [], synthetic: false };
  const summary = (price: LiquidationSummary['price'], windowMs = D): LiquidationSummary => ({
    asset: 'BTC', window: windowMs === D ? '24h' : '1h', windowMs, from: T - windowMs, to: T, longUsd: 380e3, shortUsd: 0, totalUsd: 380e3, count: 16,
    byExchange: { binance: { longUsd: 380e3, shortUsd: 0, totalUsd: 380e3, share: 1, sampled: true } }, coverage, largest: [], cascades: [], ...(price ? { price } : {}),
  });
  const move = { open: 98_700, close: 99_599, high: 102_268, low: 98_666, changePct: 0.9108 };
  const priceLine = (s: LiquidationSummary) => replyText(summaryReply(s, ['1h', '24h'])).split('\n').find((l) => l.startsWith('Price'));

  it('prices from 12:00 only in a 24h window: "Price since 12:00 (no earlier prices):" before the move', () => {
    expect(priceLine(summary({ ...move, from: Date.parse('2025-01-27T12:00:00Z'), to: Date.parse('2025-01-27T16:54:00Z') }))).toBe(
      'Price since 12:00 (no earlier prices): $98,700 → $99,599 (+0.9%) · low $98,666 · high $102,268',
    );
  });

  it('prices that end early, or cover a stretch inside the window, say so alike', () => {
    expect(priceLine(summary({ ...move, from: T - D, to: Date.parse('2025-01-27T14:00:00Z') }))).toBe('Price to 14:00 (no later prices): $98,700 → $99,599 (+0.9%) · low $98,666 · high $102,268');
    expect(priceLine(summary({ ...move, from: Date.parse('2025-01-27T08:00:00Z'), to: Date.parse('2025-01-27T14:00:00Z') }))).toBe(
      'Price 08:00–14:00 only (no prices before or after): $98,700 → $99,599 (+0.9%) · low $98,666 · high $102,268',
    );
    // One print, in a window of an hour.
    expect(priceLine(summary({ open: 0.3, close: 0.3, high: 0.3, low: 0.3, changePct: 0, from: T - 40 * MIN, to: T - 40 * MIN + 59_000 }, H))).toBe('Price at 16:16 only (no prices before or after): $0.3000, unchanged');
  });

  it('a window its prices cover reads as it always did', () => {
    expect(priceLine(summary(move))).toBe('Price $98,700 → $99,599 (+0.9%) · low $98,666 · high $102,268');
  });

  it('on the Jan 27 2025 recording at 16:56', async () => {
    const r = await cli('liqs', 'btc', '--data', FORCE_ORDERS, '--at', '2025-01-27T16:56:00Z');
    expect(r.out.split('\n')).toContain('Price since 12:00 (no earlier prices): $98,700 → $99,599 (+0.9%) · low $98,666 · high $102,268');
    expect(r.out).not.toContain('(prices 12:00–16:54 only)');
  });
});

describe('shares listed together add up to 100%', () => {
  it('largest remainder: the four Binance days of Feb 3 2025 read 49/33/9/9, not 50/33/9/9', () => {
    // ETH, BTC, XRP, SOL: 49.58%, 32.67%, 9.13%, 8.62% (Coinglass's Binance totals).
    expect(shares([151_385_539.86, 99_762_699.25, 27_863_788.63, 26_312_613.41])).toEqual(['49%', '33%', '9%', '9%']);
    // 50.5% and 49.5% rounded alone read 51% and 50%.
    expect(shares([505, 495])).toEqual(['51%', '49%']);
    // A share under 1% keeps its decimal; the whole percents make up the rest.
    expect(shares([990, 6, 4])).toEqual(['99%', '0.6%', '0.4%']);
    expect(shares([0, 0])).toEqual(['0%', '0%']);
  });

  it('/liqs all on Feb 3 2025\'s daily totals: the assets and the sides sum to 100%', async () => {
    const day = Date.UTC(2025, 1, 3);
    const rows = ([['BTC', 69909531.93, 29853167.32], ['ETH', 121451636.93, 29933902.93], ['SOL', 16274983.53, 10037629.88], ['XRP', 20649785.28, 7214003.35]] as const).flatMap(([asset, long, short]) => [
      { type: 'liquidation_total', ts: day, period: '1d', asset, side: 'long', usd: long, exchange: 'binance' },
      { type: 'liquidation_total', ts: day, period: '1d', asset, side: 'short', usd: short, exchange: 'binance' },
    ]);
    const r = await cli('liqs', 'all', '--data', writeEvents(rows, 'feb3-totals.jsonl'), '--at', '2025-02-04T00:00:00Z');
    const out = r.out.split('\n');
    const assets = ['ETH', 'BTC', 'XRP', 'SOL'].map((a) => out.find((l) => l.startsWith(`  ${a} `))!);
    expect(assets.map((l) => /· (\d+%)/.exec(l)![1])).toEqual(['49%', '33%', '9%', '9%']);
    expect(out).toContain('Longs $228M (75%) · Shorts $77M (25%)');
  });

  it('/liqs all 1h on Jan 27 2025 at 17:30: the ten rows, then the 188 other assets, 100% together', async () => {
    const r = await cli('liqs', 'all', '--data', jan27(), '--window', '1h', '--at', '2025-01-27T17:30:00Z');
    const out = r.out.split('\n');
    const from = out.indexOf('By asset');
    const rows = out.slice(from + 1, from + 12);
    expect(rows[0]).toMatch(/^ {2}BTC \$657K · 21%/);
    expect(rows[10]).toBe('  and 188 more: $964K, 31%');
    expect(sumOf(rows.map((l) => /· \d+%|, \d+%$/.exec(l)![0]))).toBe(100);
  });
});

describe('wording: said once, named as traders name it', () => {
  afterEach(() => setTimeZone('UTC'));
  const at = (iso: string) => Date.parse(iso);
  const flush = (leaders: MarketFlush['leaders']): MarketFlush => ({
    kind: 'market_flush', asset: 'ALL', key: 'k', flushId: 'f', side: 'long', usd: 777e3, windowMs: 5 * MIN, assetCount: 110, leaders,
    exchanges: ['binance'], sampled: ['binance'], ts: at('2025-01-27T16:54:00Z'), startedAt: at('2025-01-27T16:50:00Z'),
  });

  it('a flush\'s start alert says its start once: in "Price since 16:50:", else on its own line', () => {
    const moved = replyText(alertReply(flush([{ asset: 'BTC', usd: 314e3, share: 0.4, changePct: -0.5, extreme: 99_541 }, { asset: 'FIL', usd: 49.1e3, share: 0.06 }])));
    expect(moved).toContain('Price since 16:50: BTC −0.5% (low $99,541)');
    expect(moved.split('\n')).not.toContain('Since 16:50');
    const still = replyText(alertReply(flush([{ asset: 'FIL', usd: 49.1e3, share: 0.06 }])));
    expect(still.split('\n')).toContain('Since 16:50');
  });

  it('a venue with prints and daily totals is one source in the footer', async () => {
    const c: Coverage = { exchanges: ['binanceusdm'], sampled: ['binanceusdm'], gaps: [], synthetic: false, daily: ['binance'] };
    expect(lineText(coverageLine(c, at('2025-01-27T21:00:00Z')))).toBe('Sources: Binance* (prints and daily totals) · *sampled stream: a lower bound · 2025-01-27 21:00 UTC');
    // Another venue's totals are still said apart.
    expect(lineText(coverageLine({ ...c, daily: ['bybit'] }, at('2025-01-27T21:00:00Z')))).toBe('Sources: Binance*, Bybit daily totals · *sampled stream: a lower bound · 2025-01-27 21:00 UTC');
    const r = await cli('liqs', 'eth', '--data', FORCE_ORDERS, '--window', '7d');
    expect(r.out).toContain('Sources: Binance* (prints and daily totals) · ');
    expect(r.out).not.toContain('Binance*, Binance*');
  });

  it('zones by the names traders write: BST and GMT in London, CET and CEST in Berlin, GMT+9 where no locale names one', () => {
    setTimeZone('Europe/London');
    expect(stamp(at('2025-04-07T14:00:00Z'))).toBe('2025-04-07 15:00 BST');
    expect(stamp(at('2025-01-27T16:59:00Z'))).toBe('2025-01-27 16:59 GMT');
    expect(spanWords(at('2025-03-30T00:50:00Z'), at('2025-03-30T01:10:00Z'), at('2025-03-30T03:00:00Z'))).toBe('00:50 GMT–02:10 BST');
    setTimeZone('Europe/Berlin');
    expect([stamp(at('2025-01-27T16:59:00Z')), stamp(at('2025-07-01T12:00:00Z'))]).toEqual(['2025-01-27 17:59 CET', '2025-07-01 14:00 CEST']);
    setTimeZone('America/New_York');
    expect(stamp(at('2025-07-01T12:00:00Z'))).toBe('2025-07-01 08:00 EDT');
    setTimeZone('Asia/Seoul');
    expect(stamp(at('2025-02-03T02:05:00Z'))).toBe('2025-02-03 11:05 GMT+9');
  });
});
