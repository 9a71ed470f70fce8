/**
 * `plainLiquidation` checks a liquidation line with one regular expression where a one-asset reader does not keep
 * the event: every line it accepts must be one `toEvent(JSON.parse(line))` accepts, with the same time and asset,
 * and a reader that notes such lines in its reorder buffer instead of holding them must release the same events
 * and count the same late ones as one that holds everything.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { assetOf, plainLiquidation, toEvent, type Liquidation, type MarketEvent } from '../../src/core/events.js';
import { ReorderBuffer } from '../../src/core/reorder.js';

/** Numbers as files write them, the edges of the accepted form included (zeros, 14 and 15 digits, long decimals). */
const numberText = fc.oneof(
  fc.double({ min: 1e-20, max: 1e16, noNaN: true }).map(String),
  fc.constantFrom('0', '0.0', '0.5', '00.5', '1.', '.5', '-1', '1e3', '99999999999999.99999999999999999', '999999999999999.9', '1000000000000000', '0.00000000000000001', '0.000000000000000001', '5', '2500.25'),
  fc.tuple(fc.integer({ min: 0, max: 10 ** 9 }), fc.integer({ min: 0, max: 20 }), fc.integer({ min: 1, max: 99 })).map(([i, z, d]) => `${i}.${'0'.repeat(z)}${d}`),
  fc.stringMatching(/^[0-9]{1,16}(\.[0-9]{1,19})?$/),
);
const symbolText = fc.oneof(
  fc.constantFrom('ETH/USDT:USDT', 'BTC/USD:BTC', '1000PEPE/USDT:USDT', 'eth/USDT:USDT', 'ETH/USDT', '币安人生/USDT:USDT', 'ETH-USDT', 'ETH/USDT:USDT-250328', '/USDT', 'ETH/'),
  fc.stringMatching(/^[A-Z0-9]{0,22}\/[A-Z0-9]{0,22}(:[A-Z0-9]{0,22})?$/),
);
const line = fc
  .record({
    ts: fc.oneof(fc.integer({ min: 0, max: 2e12 }).map(String), fc.constantFrom('0', '01', '1e12', '1769823595215.5', '999999999999999', '1000000000000000', '-5')),
    exchange: fc.oneof(fc.constantFrom('bybit', 'binanceusdm', 'OKX', 'gate io', ''), fc.stringMatching(/^[a-z0-9]{0,32}$/)),
    symbol: symbolText,
    side: fc.constantFrom('long', 'short', 'Long', 'buy'),
    price: numberText,
    amount: numberText,
    usd: numberText,
  })
  .map((f) => `{"type":"liquidation","ts":${f.ts},"exchange":"${f.exchange}","symbol":"${f.symbol}","side":"${f.side}","price":${f.price},"amount":${f.amount},"usd":${f.usd}}`);

function full(text: string): MarketEvent | undefined {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return undefined;
  }
  const r = toEvent(value);
  return r.ok ? r.event : undefined;
}

describe('plainLiquidation', () => {
  it('accepts only lines the full parser accepts, with the same time and asset', () => {
    let accepted = 0;
    fc.assert(
      fc.property(line, (text) => {
        const plain = plainLiquidation(text);
        if (!plain) return;
        accepted++;
        const e = full(text);
        expect(e?.type).toBe('liquidation');
        expect(plain.ts).toBe(e!.ts);
        expect(plain.asset).toBe(assetOf((e as Liquidation).symbol));
      }),
      { numRuns: 20_000 },
    );
    expect(accepted).toBeGreaterThan(100); // the property was exercised, not vacuous
  });

  it('takes the lines recorders write and leaves anything else to the full parser', () => {
    const plain = '{"type":"liquidation","ts":1769823595215,"exchange":"binanceusdm","symbol":"XRP/USDT:USDT","side":"short","price":1.9148,"amount":304.644523,"usd":583.33}';
    expect(plainLiquidation(plain)).toEqual({ ts: 1769823595215, asset: 'XRP' });
    for (const other of [
      plain.replace(',"usd":583.33', ''), // usd left to price × amount
      plain.replace('"ts"', ' "ts"'), // spaces
      plain.replace('}', ',"note":"x"}'), // more fields
      plain.replace('XRP/', '币安人生/'), // a Unicode base: valid, but for the full parser
      plain.replace('1.9148', '1.9148e0'),
      plain.replace('"usd":583.33', '"usd":100000000000000'), // 1e14: past the plain form's 14 digits
    ]) {
      expect(plainLiquidation(other)).toBeUndefined();
      expect(full(other)).toBeDefined();
    }
  });
});

describe('ReorderBuffer.note', () => {
  it('moves the buffer exactly as pushing the event would: the same held events released, the same late count', () => {
    const T0 = Date.UTC(2026, 0, 31, 12);
    const ev = (s: number, asset: string): Liquidation => ({ type: 'liquidation', ts: T0 + s * 1000, exchange: 'bybit', symbol: `${asset}/USDT:USDT`, side: 'long', price: 1, amount: 1, usd: 1 });
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.integer({ min: 0, max: 3_000 }), fc.boolean()), { maxLength: 400 }),
        fc.integer({ min: 0, max: 600 }),
        (steps, holdS) => {
          const all = new ReorderBuffer(holdS * 1000), some = new ReorderBuffer(holdS * 1000);
          const outAll: MarketEvent[] = [], outSome: MarketEvent[] = [];
          let t = 0;
          for (const [jump, kept] of steps) {
            t += jump - 600; // mostly forward, sometimes back by up to ten minutes
            const e = ev(Math.max(0, t), kept ? 'ETH' : 'BTC');
            all.push(e, outAll);
            if (kept) some.push(e, outSome);
            else some.note(e.ts, outSome);
            expect(outSome).toEqual(outAll.filter((x) => (x as Liquidation).symbol.startsWith('ETH')));
            expect(some.late).toBe(all.late);
            expect(some.cutoff).toBe(all.cutoff);
          }
          all.drain(outAll);
          some.drain(outSome);
          expect(outSome).toEqual(outAll.filter((x) => (x as Liquidation).symbol.startsWith('ETH')));
          expect(some.maxTs).toBe(all.maxTs);
        },
      ),
      { numRuns: 300 },
    );
  });
});
