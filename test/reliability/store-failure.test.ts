/**
 * The store failing writes (a full disk, a locked file): the bot keeps answering and alerting from memory,
 * counts the failures, keeps the unwritten events, and writes them all once the store recovers.
 */
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../config/load.js';
import { LiqBot } from '../../src/bot.js';
import type { MarketEvent } from '../../src/core/events.js';
import { createMemoryStore } from '../../src/store/memory.js';
import { StoreError } from '../../src/store/errors.js';

describe('a failing store', () => {
  it('loses nothing: events are retried until the store takes them', () => {
    const inner = createMemoryStore();
    let failing = true;
    const store = Object.create(inner) as typeof inner;
    store.insertEvents = (events) => {
      if (failing) throw new StoreError('cannot write events to data/liqbot.db: disk full', 'write');
      return inner.insertEvents(events);
    };
    const T = Date.parse('2026-01-31T12:00:00Z');
    let now = T;
    const bot = new LiqBot({ config: loadConfig(), store, now: () => now, batchSize: 10 });
    const liq = (i: number): MarketEvent => ({ type: 'liquidation', ts: T + i * 1000, exchange: 'bybit', symbol: 'ETH/USDT:USDT', side: 'long', price: 3000, amount: 1, usd: 3000 });
    for (let i = 0; i < 95; i++) {
      now = T + i * 1000;
      bot.ingest(liq(i));
    }
    expect(bot.stats.storeErrors).toBeGreaterThan(0);
    expect(bot.market.summary('ETH', '1h', 3_600_000).longUsd).toBe(95 * 3000);
    failing = false;
    bot.flush();
    expect([...inner.eventsSince(0)]).toHaveLength(95);
  });
});
