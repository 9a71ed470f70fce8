/**
 * Every /liqs reply says what its figures come from, and that a sampled venue's are lower bounds, also where no single
 * order fed the window: an empty window of a recording, figures from a vendor's daily totals.
 */
import { describe, expect, it } from 'vitest';
import { buildConfig } from '../../config/load.js';
import { Market } from '../../src/core/market.js';
import { replyText } from '../../src/replies/reply.js';
import { marketReply, summaryReply } from '../../src/replies/summary.js';

const D = 86_400_000;
const H = 3_600_000;
const T = Date.UTC(2025, 11, 27, 15, 30);

function market(): Market {
  return new Market(buildConfig({ exchanges: ['binanceusdm', 'bybit'], assets: ['ETH', 'XRP'] }));
}

function print(m: Market, exchange: string, ts: number, usd: number, asset = 'ETH'): void {
  m.ingest({ type: 'liquidation', ts, exchange, symbol: `${asset}/USDT:USDT`, side: 'long', price: 3_000, amount: usd / 3_000, usd });
}

function footer(text: string): string {
  return text.trim().split('\n').at(-1)!;
}

describe('a recording\'s empty window', () => {
  it('names the file\'s sampled venue as its source and says it is a lower bound', () => {
    // One sampled Binance stream, recording 14:31–15:55; no XRP print in it.
    const m = market();
    print(m, 'binance', Date.UTC(2025, 11, 27, 14, 31), 1e3);
    print(m, 'binance', Date.UTC(2025, 11, 27, 15, 55), 1e3);
    m.recorded = [[Date.UTC(2025, 11, 27, 14, 31), Date.UTC(2025, 11, 27, 15, 55)]];
    const s = m.summary('XRP', '1h', H, T);
    expect(s.totalUsd).toBe(0);
    expect(s.coverage.recordedVenues).toEqual(['binance']);
    const t = replyText(summaryReply(s, ['1h']));
    expect(t).toContain('No XRP liquidations in the last 1h.');
    expect(footer(t)).toBe('Sources: Binance* · *sampled stream: a lower bound · 2025-12-27 15:30 UTC');
  });

  it('takes the file\'s venues from whoever read it whole, when the engine was given one asset\'s events only', () => {
    const m = market();
    m.recorded = [[T - 2 * H, T + H]];
    m.recordedVenues = ['binance', 'bybit'];
    m.catchUp(T);
    expect(footer(replyText(summaryReply(m.summary('XRP', '1h', H, T), ['1h'])))).toBe('Sources: Binance*, Bybit · *sampled stream: a lower bound · 2025-12-27 15:30 UTC');
    // A complete venue alone carries no lower-bound note.
    m.recordedVenues = ['bybit'];
    expect(footer(replyText(summaryReply(m.summary('XRP', '1h', H, T), ['1h'])))).toBe('Sources: Bybit · 2025-12-27 15:30 UTC');
  });

  it('live, an empty window keeps its footer as it was (the feeds say what watched it)', () => {
    const m = market();
    m.catchUp(T);
    expect(footer(replyText(summaryReply(m.summary('XRP', '1h', H, T), ['1h'])))).toBe('2025-12-27 15:30 UTC');
  });
});

describe('figures from a vendor\'s daily totals', () => {
  const FEB3 = Date.UTC(2025, 1, 3);
  function vendorDay(exchange: string): Market {
    const m = market();
    m.recorded = [];
    m.ingest({ type: 'liquidation_total', ts: FEB3, period: '1d', asset: 'ETH', side: 'long', usd: 121.45e6, exchange });
    m.ingest({ type: 'liquidation_total', ts: FEB3, period: '1d', asset: 'ETH', side: 'short', usd: 29.93e6, exchange });
    return m;
  }

  it('of a sampled venue: named in the sources, starred, and said to be a lower bound', () => {
    const s = vendorDay('binance').summary('ETH', '24h', D, FEB3 + D);
    expect(s.totalUsd).toBeCloseTo(151.38e6, 2);
    expect(s.coverage.daily).toEqual(['binance']);
    const t = replyText(summaryReply(s, ['24h']));
    expect(t).toContain('Feb 3 from stored daily totals ($151M, Binance* totals)');
    expect(footer(t)).toBe('Sources: Binance* daily totals · *sampled stream: a lower bound · 2025-02-04 00:00 UTC');
    const all = vendorDay('binance').marketSummary('24h', D, FEB3 + D);
    expect(footer(replyText(marketReply(all, ['24h'])))).toBe('Sources: Binance* daily totals · *sampled stream: a lower bound · 2025-02-04 00:00 UTC');
  });

  it('of a complete venue: named, with no lower-bound note', () => {
    const t = replyText(summaryReply(vendorDay('bybit').summary('ETH', '24h', D, FEB3 + D), ['24h']));
    expect(t).toContain('Feb 3 from stored daily totals ($151M, Bybit totals)');
    expect(footer(t)).toBe('Sources: Bybit daily totals · 2025-02-04 00:00 UTC');
  });
});
