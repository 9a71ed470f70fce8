/**
 * The identity hash is persisted in SQLite files (the events table's key): these values were computed before the
 * liquidation fast path, and must never change without a migration that rehashes the stored rows.
 */
import { describe, expect, it } from 'vitest';
import { eventHash } from '../../src/store/hash.js';
import { candle, funding, liq, oi, tick } from './fixtures.js';

describe('eventHash', () => {
  it('gives every stored kind of event the identity it has always had', () => {
    expect(eventHash(liq())).toBe(3304781979298663);
    expect(eventHash(liq({ side: 'short', exchange: 'okx', symbol: 'BTC/USDT:USDT', price: -0, amount: 0.1 + 0.2, usd: 1e-300 }))).toBe(6358652904291313);
    expect(eventHash(liq({ exchange: '', symbol: 'ÉTH/😀' }))).toBe(4541310351873576);
    expect(eventHash(candle())).toBe(1919397461151536);
    expect(eventHash(candle({ volume: undefined }))).toBe(7537167153544750);
    expect(eventHash(tick())).toBe(7995356721100619);
    expect(eventHash(oi())).toBe(3377076317311786);
    expect(eventHash(funding())).toBe(4850205699195727);
  });

  it('hashes -0 as 0', () => {
    expect(eventHash(liq({ price: -0 }))).toBe(eventHash(liq({ price: 0 })));
  });
});
