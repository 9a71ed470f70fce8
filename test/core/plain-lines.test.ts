/**
 * The reader reads liquidation and candle lines in the plain form without `JSON.parse` (`plainLineAt` and what reads
 * the line where it lies): every line it accepts must be one `toEvent(JSON.parse(line))` accepts, with the same
 * event, field for field (numbers bit for bit), and its time and asset alone the same as the event's; a reader
 * that notes such lines in its reorder buffer instead of holding them must release the same events and count the
 * same late ones as one that holds everything; and a whole file reads the same events either way.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { assetOf, implausible, plainAsset, plainLine, plainLineAt, plainLineSeen, plainTs, toEvent, type Candle, type Liquidation, type MarketEvent } from '../../src/core/events.js';
import { FUTURE_SKEW_MS, newReport, readEventBatches } from '../../src/io/event-file.js';
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

const candleLine = fc
  .record({
    ts: fc.oneof({ arbitrary: fc.integer({ min: 0, max: 2e12 }).map(String), weight: 6 }, { arbitrary: fc.constantFrom('01', '1e12', '-5'), weight: 1 }),
    exchange: fc.oneof({ arbitrary: fc.constantFrom('bybit', 'binanceusdm', 'okx'), weight: 6 }, { arbitrary: fc.constantFrom('OKX', ''), weight: 1 }, { arbitrary: fc.stringMatching(/^[a-z0-9]{0,32}$/), weight: 1 }),
    symbol: fc.oneof({ arbitrary: fc.constantFrom('ETH/USDT:USDT', 'BTC/USD:BTC', '1000PEPE/USDT:USDT', 'ETH/USDT'), weight: 6 }, { arbitrary: symbolText, weight: 1 }),
    timeframe: fc.oneof({ arbitrary: fc.constantFrom('1m', '3m', '5m', '15m', '30m', '1h', '2h', '4h', '1d'), weight: 6 }, { arbitrary: fc.constantFrom('2m', '1M', '6h', '12h', '3d', '1w', '13M', '99w', '01m', '100m', '15', ''), weight: 1 }),
    // Four prices, most often arranged as a candle holds them (low ≤ open, close ≤ high), else in any order.
    prices: fc.array(fc.oneof(fc.integer({ min: 1, max: 2000 }).map((n) => n / 100), fc.double({ min: 1e-9, max: 1e13, noNaN: true })), { minLength: 4, maxLength: 4 }),
    arranged: fc.boolean(),
    text: fc.array(fc.constantFrom('plain', 'exponent', 'long'), { minLength: 4, maxLength: 4 }),
    volume: fc.option(fc.oneof(numberText, fc.constantFrom('0', '0.0', '0.000', '-0', '0e0')), { nil: undefined }),
  })
  .map((f) => {
    const sorted = [...f.prices].sort((a, b) => a - b);
    const [open, high, low, close] = (f.arranged ? [sorted[1]!, sorted[3]!, sorted[0]!, sorted[2]!] : f.prices).map((n, i) =>
      f.text[i] === 'exponent' ? n.toExponential() : f.text[i] === 'long' ? n.toFixed(12) : String(n),
    );
    const volume = f.volume === undefined ? '' : `,"volume":${f.volume}`;
    return `{"type":"candle","ts":${f.ts},"exchange":"${f.exchange}","symbol":"${f.symbol}","timeframe":"${f.timeframe}","open":${open},"high":${high},"low":${low},"close":${close}${volume}}`;
  });

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

describe('plain-form lines', () => {
  it('accepts only lines the full parser accepts, with the same event, time and asset', () => {
    let accepted = 0;
    fc.assert(
      fc.property(line, fc.string({ maxLength: 30 }), (text, before) => {
        const plain = plainLine(text);
        // Found where it lies, after other text, as the reader finds it.
        const inText = `${before}\n${text}\n{"type":"meta"}\n`, at = before.length + 1;
        const end = plainLineAt(inText, at);
        expect(end === at + text.length + 1).toBe(plain !== undefined);
        expect(plainLineSeen(inText, at)).toBe(end);
        if (!plain) return;
        accepted++;
        const e = full(text);
        expect(e?.type).toBe('liquidation');
        expect(plain).toStrictEqual(e);
        for (const k of ['ts', 'price', 'amount', 'usd'] as const) expect(Object.is((plain as Liquidation)[k], (e as Liquidation)[k])).toBe(true);
        expect(plainTs()).toBe(e!.ts);
        expect(plainAsset()).toBe(assetOf((e as Liquidation).symbol));
      }),
      { numRuns: 20_000 },
    );
    expect(accepted).toBeGreaterThan(100); // the property was exercised, not vacuous
  });

  it('accepts only candle lines the full parser accepts, with the same event, time and asset', () => {
    let accepted = 0, refused = 0;
    fc.assert(
      fc.property(candleLine, (text) => {
        const plain = plainLine(text);
        const inText = `${text}\n`;
        const end = plainLineSeen(inText, 0);
        if (!plain) {
          // Matched by the expression but refused (prices that do not hold): the full parser refuses it too.
          if (end !== -1) {
            refused++;
            expect(full(text)).toBeUndefined();
          }
          return;
        }
        accepted++;
        const e = full(text);
        expect(plain).toStrictEqual(e);
        expect(Object.keys(plain)).toEqual(Object.keys(e!)); // the same shape: the same fields in the same order
        for (const k of ['ts', 'open', 'high', 'low', 'close', 'volume'] as const) expect(Object.is((plain as Candle)[k], (e as Candle)[k])).toBe(true);
        expect(plainTs()).toBe(e!.ts);
        expect(plainAsset()).toBe(assetOf((e as Candle).symbol));
      }),
      { numRuns: 20_000 },
    );
    expect(accepted).toBeGreaterThan(100);
    expect(refused).toBeGreaterThan(100);
  });

  it('reads numbers past the fast path (over 15 digits, over 22 decimals) as JSON.parse does', () => {
    for (const [price, amount, usd] of [
      ['99999999999999.99999999999999999', '0.000000000000000010000000000000001', '12345678901234.5'],
      ['0.00000000000000001', '1.7976931348623157', '0.30000000000000004'],
      ['0.00000000000000001234567', '123456789.123456789', '1'],
    ]) {
      const text = `{"type":"liquidation","ts":1769823595215,"exchange":"bybit","symbol":"ETH/USDT:USDT","side":"long","price":${price},"amount":${amount},"usd":${usd}}`;
      const plain = plainLine(text);
      expect(plain).toBeDefined();
      expect(plain).toStrictEqual(full(text));
    }
  });

  it('takes the lines recorders write and leaves anything else to the full parser', () => {
    const plain = '{"type":"liquidation","ts":1769823595215,"exchange":"binanceusdm","symbol":"XRP/USDT:USDT","side":"short","price":1.9148,"amount":304.644523,"usd":583.33}';
    expect(plainLine(plain)).toStrictEqual({
      type: 'liquidation', ts: 1769823595215, exchange: 'binanceusdm', symbol: 'XRP/USDT:USDT', side: 'short', price: 1.9148, amount: 304.644523, usd: 583.33,
    });
    expect(plainLineSeen(`${plain}\n`, 0)).toBe(plain.length + 1);
    expect([plainTs(), plainAsset()]).toEqual([1769823595215, 'XRP']);
    for (const other of [
      plain.replace(',"usd":583.33', ''), // usd left to price × amount
      plain.replace('"ts"', ' "ts"'), // spaces
      plain.replace('}', ',"note":"x"}'), // more fields
      plain.replace('XRP/', '币安人生/'), // a Unicode base: valid, but for the full parser
      plain.replace('1.9148', '1.9148e0'),
      plain.replace('"usd":583.33', '"usd":100000000000000'), // 1e14: past the plain form's 14 digits
    ]) {
      expect(plainLine(other)).toBeUndefined();
      expect(full(other.trim())).toBeDefined();
    }
    // A CRLF file's line, or one with trailing blanks, is still one the recorders write.
    for (const end of ['\r', '  ', '\t\r']) expect(plainLine(`${plain}${end}`)).toStrictEqual(plainLine(plain));
  });

  it('reads a file to the same events and report as the full parser, lines in the plain form or not', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'liqbot-plain-'));
    try {
      const lines = fc.sample(fc.oneof(line, candleLine), { numRuns: 4_000, seed: 7 });
      // Other lines between them (a candle, a malformed one, a CRLF one), and a file that ends without a newline.
      lines.splice(10, 0, '{"type":"candle","ts":1769823540000,"exchange":"bybit","symbol":"ETH/USDT:USDT","timeframe":"1m","open":1,"high":2,"low":0.5,"close":1.5}', '{"type":"liquidation",', '');
      const body = lines.map((l, i) => (i % 97 === 5 ? `${l}\r` : l)).join('\n');
      const path = join(dir, 'day.jsonl');
      writeFileSync(path, body);
      const report = newReport();
      const read: MarketEvent[] = [];
      for await (const batch of readEventBatches(path, report)) read.push(...batch);
      // The full path, line by line, then the same stable time order the reorder buffer gives a file this disordered.
      const expected: MarketEvent[] = [];
      let invalid = 0;
      let newest = -Infinity;
      const afterClock = Math.min(Date.UTC(2100, 0, 1), Date.now() + FUTURE_SKEW_MS);
      for (const l of body.split('\n')) {
        if (l.trim() === '') continue;
        const e = full(l.trim());
        // A file's times are epoch milliseconds from 1973 to 2100 (below: seconds; above: micro- or nanoseconds), and
        // none more than a day past both the clock and the newest event before it (a recording); a value beyond any
        // market (the live check's) is a malformed line too.
        const future = e !== undefined && (e.ts > Date.UTC(2100, 0, 1) || (e.ts > afterClock && newest > -Infinity && e.ts > newest + FUTURE_SKEW_MS));
        if (e === undefined || e.ts < 1e11 || future || implausible(e, undefined, 0) !== undefined) invalid++;
        else {
          expected.push(e);
          if (e.ts > newest) newest = e.ts;
        }
      }
      expect(report.events).toBe(expected.length);
      expect(report.invalidCount + report.unknownTypes).toBe(invalid);
      expect(report.lines).toBe(body.split('\n').length);
      const key = (e: MarketEvent) => JSON.stringify(e);
      expect(read.map(key).sort()).toEqual(expected.map(key).sort());
      expect(read.filter((e) => e.type === 'liquidation').length).toBeGreaterThan(100);
      expect(read.filter((e) => e.type === 'candle').length).toBeGreaterThan(100);
    } finally {
      rmSync(dir, { recursive: true, force: true });
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
