/**
 * Feed input within reason: a print stamped years ahead, or sized or priced beyond any market, is dropped and
 * counted by reason (one log line per reason); it never moves the market clock or the totals, and a future row
 * already in the store is neither restored nor kept.
 */
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../config/load.js';
import { LiqBot } from '../../src/bot.js';
import { implausible, type Liquidation } from '../../src/core/events.js';
import { toLiquidation } from '../../src/feeds/normalize.js';
import { createMemoryStore } from '../../src/store/memory.js';

const T = Date.parse('2026-01-31T12:00:00Z');
const YEAR = 365 * 86_400_000;
const liq = (over: Partial<Liquidation> = {}): Liquidation => ({
  type: 'liquidation', ts: T, exchange: 'bybit', symbol: 'ETH/USDT:USDT', side: 'long', price: 3000, amount: 1, usd: 3000, ...over,
});
const ETH = { id: 'ETHUSDT', symbol: 'ETH/USDT:USDT', base: 'ETH', quote: 'USDT', contractSize: 1, linear: true, inverse: false };

describe('implausible events, live', () => {
  it('drops a liquidation stamped ten years ahead: the market clock and the totals stay where they were', () => {
    let now = T;
    const bot = new LiqBot({ config: loadConfig(), store: createMemoryStore(), now: () => now });
    bot.ingest(liq());
    bot.ingest(liq({ ts: T + 10 * YEAR, usd: 3, amount: 0.001 }));
    expect(bot.market.clock).toBe(T);
    expect(bot.stats.rejected).toEqual({ future: 1, stale: 0, absurd_size: 0, absurd_price: 0 });
    now = T + 60_000;
    bot.tick();
    expect(bot.market.summary('ETH', '24h', 86_400_000)).toMatchObject({ longUsd: 3000, shortUsd: 0 });
    bot.flush();
    expect([...bot.store.eventsSince(0)].map((e) => e.ts)).toEqual([T]);
  });

  it('allows five minutes of skew either way for a print, and drops older prints as stale', () => {
    const bot = new LiqBot({ config: loadConfig(), store: createMemoryStore(), now: () => T });
    bot.ingest(liq({ ts: T + 5 * 60_000 }));
    bot.ingest(liq({ ts: T - 5 * 60_000, side: 'short' }));
    bot.ingest(liq({ ts: T + 5 * 60_000 + 1, price: 3001 }));
    bot.ingest(liq({ ts: T - 5 * 60_000 - 1, price: 3002 }));
    expect(bot.stats.rejected).toEqual({ future: 1, stale: 1, absurd_size: 0, absurd_price: 0 });
    expect(bot.stats.events).toBe(2);
  });

  it('drops 1e15 coins (a $3e18 print) and 1e200 at 1e200 as absurd; /liqs never sees them', () => {
    const bot = new LiqBot({ config: loadConfig(), store: createMemoryStore(), now: () => T });
    const huge = toLiquidation('bybit', ETH, { marketId: 'ETHUSDT', ts: T, price: 3000, contracts: 1e15, side: 'long' });
    expect(huge).toMatchObject({ ok: true, event: { usd: 3e18 } });
    if (huge.ok) bot.ingest(huge.event);
    bot.ingest(liq({ price: 1e200, amount: 1e200, usd: Infinity }));
    bot.ingest(liq({ price: 3000, amount: 1e-3, usd: 3 }));
    expect(bot.stats.rejected).toEqual({ future: 0, stale: 0, absurd_size: 1, absurd_price: 1 });
    const s = bot.market.summary('ETH', '24h', 86_400_000);
    expect(s.longUsd).toBe(3);
    expect(Number.isFinite(s.totalUsd)).toBe(true);
  });

  it('rehearsals (clockSkewMs: false) keep the recording\'s time but still drop absurd sizes', () => {
    const bot = new LiqBot({ config: loadConfig(), store: createMemoryStore(), now: () => 0, clockSkewMs: false });
    bot.ingest(liq({ ts: T + 10 * YEAR }));
    bot.ingest(liq({ amount: 1e15, usd: 3e18 }));
    expect(bot.stats.rejected).toEqual({ future: 0, stale: 0, absurd_size: 1, absurd_price: 0 });
    expect(bot.stats.events).toBe(1);
  });
});

describe('implausible()', () => {
  it('names the reason, checking the clock only when given one', () => {
    expect(implausible(liq(), T, 300_000)).toBeUndefined();
    expect(implausible(liq({ ts: T + 300_001 }), T, 300_000)).toBe('future');
    expect(implausible(liq({ ts: T + 300_001 }), undefined, 0)).toBeUndefined();
    expect(implausible(liq({ usd: 1e9 }), T, 0)).toBeUndefined();
    expect(implausible(liq({ usd: 1.0000001e9 }), T, 0)).toBe('absurd_size');
    expect(implausible(liq({ price: 1e-13 }), T, 0)).toBe('absurd_price');
    expect(implausible(liq({ usd: NaN }), T, 0)).toBe('absurd_size');
    expect(implausible({ type: 'candle', ts: T - 3_600_000, exchange: 'bybit', symbol: 'ETH/USDT:USDT', timeframe: '1h', open: 1, high: 2e9, low: 1, close: 1 }, T, 0)).toBe('absurd_price');
    expect(implausible({ type: 'candle', ts: T - 86_400_000, exchange: 'bybit', symbol: 'ETH/USDT:USDT', timeframe: '1d', open: 1, high: 2, low: 1, close: 1 }, T, 0)).toBeUndefined();
  });
});

describe('normalizing a venue print', () => {
  it('refuses sizes whose dollars overflow', () => {
    expect(toLiquidation('bybit', ETH, { marketId: 'ETHUSDT', ts: T, price: 1e200, contracts: 1e200, side: 'long' })).toEqual({ ok: false, reason: "size out of any market's range" });
  });
});

describe('future rows in the store', () => {
  it('are not restored, and pruning removes them', () => {
    const store = createMemoryStore();
    store.insertEvents([liq(), liq({ ts: T + 10 * YEAR, usd: 3, amount: 0.001 })]);
    store.insertEvents([{ type: 'liquidation_total', ts: T + 10 * YEAR, period: '1d', asset: 'ETH', side: 'long', usd: 1e9 }]);
    const bot = new LiqBot({ config: loadConfig(), store, now: () => T + 60_000 });
    bot.restore();
    expect(bot.market.clock).toBe(T + 60_000);
    expect(bot.market.summary('ETH', '24h', 86_400_000)).toMatchObject({ longUsd: 3000 });
    bot.prune();
    expect([...store.eventsSince(0)].map((e) => e.ts)).toEqual([T]);
    expect([...store.liquidationTotals()]).toEqual([]);
  });
});
