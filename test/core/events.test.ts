/** Event validation: exactly the spec's shapes get through, typed; anything else is refused with a reason. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { assetOf, eventLine, notEpochMs, parseEventLine, toEvent, type MarketEvent } from '../../src/core/events.js';

const liq = { type: 'liquidation', ts: 1769864400000, exchange: 'bybit', symbol: 'ETH/USDT:USDT', side: 'long', price: 3000, amount: 2 };

describe('toEvent', () => {
  it('fills usd as price × amount when absent, and keeps a given usd', () => {
    expect(toEvent(liq)).toMatchObject({ ok: true, event: { usd: 6000 } });
    expect(toEvent({ ...liq, usd: 5999.5 })).toMatchObject({ ok: true, event: { usd: 5999.5 } });
  });
  it('ignores unknown fields and lower-cases exchange ids', () => {
    const r = toEvent({ ...liq, exchange: 'Bybit', extra: { deep: 1 } });
    expect(r).toMatchObject({ ok: true, event: { exchange: 'bybit' } });
    if (r.ok) expect('extra' in r.event).toBe(false);
  });
  it.each([
    [{ ...liq, side: 'buy' }, 'side'],
    [{ ...liq, price: -1 }, 'price'],
    [{ ...liq, amount: '2' }, 'amount'],
    [{ ...liq, ts: 'yesterday' }, 'ts'],
    [{ ...liq, symbol: 'ETHUSDT' }, 'symbol'],
    [{ ...liq, usd: Number.NaN }, 'usd'],
    [{ type: 'candle', ts: 1, exchange: 'x', symbol: 'ETH/USDT:USDT', timeframe: '1m', open: 2, high: 1, low: 1, close: 2 }, 'high'],
    [{ type: 'candle', ts: 1, exchange: 'x', symbol: 'ETH/USDT:USDT', timeframe: '7x', open: 1, high: 1, low: 1, close: 1 }, 'timeframe'],
    [{ type: 'candle', ts: 1, exchange: 'x', symbol: 'ETH/USDT:USDT', timeframe: '13M', open: 1, high: 1, low: 1, close: 1 }, 'timeframe'],
    [{ type: 'level', ts: 1, asset: 'ETH', low: 2800, high: 2750 }, 'low'],
    [{ type: 'level', ts: 1, asset: 'ETH', price: 1, low: 1, high: 2 }, 'either'],
    [{ type: 'liquidation_total', ts: 1, period: '1w', asset: 'ETH', side: 'long', usd: 1 }, 'period'],
    [{ type: 'funding', ts: 1, exchange: 'x', symbol: 'ETH/USDT:USDT', rate: 5, intervalHours: 8 }, 'rate'],
  ])('refuses %j naming %s', (value, word) => {
    const r = toEvent(value);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.reason).toContain(word);
  });
  it.each([
    [{ ...liq, price: 0 }, 'liquidation: `price` must be a positive finite number'],
    [{ ...liq, usd: 0 }, 'liquidation: `usd` must be a positive finite number'],
    [{ ...liq, usd: 1e308 }, 'liquidation: `usd` 1e+308 is beyond any market (one liquidation is at most 10^9 USD)'],
    [{ ...liq, price: 1e-300, amount: 1e-300 }, 'liquidation: `price` × `amount` is 0: it must be a positive USD value of at most 10^9'],
    [{ ...liq, price: 1e9, amount: 1e7 }, 'liquidation: `price` × `amount` is 10000000000000000: it must be a positive USD value of at most 10^9'],
    [{ ...liq, ts: -1 }, 'liquidation: `ts` must be epoch milliseconds'],
    [{ ...liq, exchange: '' }, 'liquidation: `exchange` must be an exchange id'],
    [{ type: 'candle', ts: 1, exchange: 'x', symbol: 'ETH/USDT:USDT', timeframe: '1m', open: 'x', high: 1, low: 1, close: 1 }, 'candle: `open` must be a positive finite number (it is the string "x", not a number: write the number in digits, without quotes)'],
    [{ type: 'candle', ts: 1, exchange: 'x', symbol: 'ETH/USDT:USDT', timeframe: '1m', open: 1, high: 1, low: 1, close: 1, volume: -1 }, 'candle: `volume` must be a non-negative finite number'],
    [{ type: 'candle', ts: 1, exchange: 5, symbol: 'ETH/USDT:USDT', timeframe: '1m', open: 1, high: 1, low: 1, close: 1 }, 'candle: `exchange` must be an exchange id'],
    [{ type: 'open_interest', ts: 1, exchange: 'x', symbol: 'ETH', usd: 5 }, 'open_interest: `symbol` must be a ccxt unified symbol such as ETH/USDT:USDT'],
    [{ type: 'liquidation_total', ts: 1, period: '1h', asset: '', side: 'long', usd: 1 }, 'liquidation_total: `asset` must be an asset such as ETH'],
    [{ type: 'funding', ts: 1, exchange: 'x', symbol: 'ETH/USDT:USDT', rate: 0.1, intervalHours: 0 }, 'funding: `intervalHours` must be a positive finite number'],
    // Numbers sent as strings, as exchange APIs send them: named, so the fix is plain (the spec's fields are numbers).
    [{ ...liq, price: '82338.30' }, 'liquidation: `price` must be a positive finite number (it is the string "82338.30": write numbers without quotes)'],
    [{ ...liq, ts: '1737996840000' }, 'liquidation: `ts` must be epoch milliseconds (it is the string "1737996840000": write numbers without quotes)'],
    [{ type: 'funding', ts: 1, exchange: 'x', symbol: 'ETH/USDT:USDT', rate: '0.0001', intervalHours: 8 }, 'funding: `rate` must be a finite number per interval (0.0001 = 0.01%) (it is the string "0.0001": write numbers without quotes)'],
    [{ ...liq, price: ' ' }, 'liquidation: `price` must be a positive finite number'],
  ])('each type checks its own fields, first failure named: %j', (value, reason) => {
    expect(toEvent(value)).toEqual({ ok: false, skip: 'invalid', reason });
  });
  it.each([
    [{ type: 'liquidation', ts: 1769864400000, exchange: 'bybit', symbol: 'ETH/USDT:USDT', side: 'long', amount: 2 }, 'liquidation: `price` is missing'],
    [{ type: 'liquidation', exchange: 'bybit', symbol: 'ETH/USDT:USDT', side: 'long', price: 3000, amount: 2 }, 'liquidation: `ts` is missing'],
    [{ type: 'liquidation', ts: 1769864400000, exchange: 'bybit', symbol: 'ETH/USDT:USDT', price: 3000, amount: 2 }, 'liquidation: `side` is missing'],
    [{ type: 'price', ts: 1769864400000, symbol: 'ETH/USDT:USDT', price: 3000 }, 'price: `exchange` is missing'],
    [{ type: 'candle', ts: 1, exchange: 'x', symbol: 'ETH/USDT:USDT', open: 1, high: 1, low: 1, close: 1 }, 'candle: `timeframe` is missing'],
    [{ type: 'liquidation_total', ts: 1, period: '1h', asset: 'ETH', side: 'long' }, 'liquidation_total: `usd` is missing'],
    [{ type: 'funding', ts: 1, exchange: 'x', symbol: 'ETH/USDT:USDT', intervalHours: 8 }, 'funding: `rate` is missing'],
    [{ type: 'level', ts: 1, asset: 'ETH' }, 'level: a level needs `price` or `low` and `high`'],
    [{ type: 'level', ts: 1, asset: 'ETH', low: 2750 }, 'level: `high` is missing'],
  ])('a field the line does not have is said to be missing: %j', (value, reason) => {
    expect(toEvent(value)).toEqual({ ok: false, skip: 'invalid', reason });
  });
  it.each([
    ['a line break', 'pivot\n2026-01-31 14:00 UTC  ⬇️ BTC lost $1', 'pivot 2026-01-31 14:00 UTC ⬇️ BTC lost $1'],
    ['a carriage return', 'pivot\rx', 'pivot x'],
    ['a tab', 'a\tb', 'a b'],
    ['a line separator (U+2028)', 'pivot\u2028x', 'pivot x'],
    ['a paragraph separator (U+2029)', 'pivot\u2029x', 'pivot x'],
    ['a right-to-left override (U+202E)', 'pivot \u202Etoor', 'pivot toor'],
    ['a left-to-right embedding (U+202A)', '\u202Apivot', 'pivot'],
    ['a first-strong isolate (U+2068)', 'pivot\u2068x\u2069', 'pivot x'],
    ['an escape (terminal control)', 'pivot \u001b[2J', 'pivot [2J'],
    ['a C1 control (U+009B)', 'pivot \u009b2J', 'pivot 2J'],
    ['a zero-width space', 'piv\u200Bot', 'piv ot'],
  ])("a level's label with %s keeps its level, the label one line of text (what a chat's /level add refuses made spaces), and says so", (_, label, cleaned) => {
    expect(toEvent({ type: 'level', ts: 1, asset: 'ETH', price: 3000, label })).toEqual({
      ok: true, event: { type: 'level', ts: 1, asset: 'ETH', level: 3000, label: cleaned },
      note: `level label cleaned (control or invisible characters, such as a tab or a line break, made spaces): ${JSON.stringify(cleaned)}`,
    });
  });
  it("a level's label of nothing visible (a Hangul filler) keeps its level without a label", () => {
    expect(toEvent({ type: 'level', ts: 1, asset: 'ETH', price: 3000, label: '\u3164' })).toEqual({
      ok: true, event: { type: 'level', ts: 1, asset: 'ETH', level: 3000 }, note: 'level kept without its label: it held only control or invisible characters',
    });
  });
  it("keeps a label's emoji joined (❤️, 👨‍👩‍👧) and any script", () => {
    for (const label of ['❤️ support', '👨‍👩‍👧 family level', 'دعم قوي', '支撑位 2750', 'prior support (2025-01-20 08:25 UTC)']) {
      expect(toEvent({ type: 'level', ts: 1, asset: 'ETH', price: 3000, label })).toMatchObject({ ok: true, event: { label } });
    }
  });
  it('a time past what a date holds is refused with the unit it looks like, never kept to break a date later', () => {
    expect(toEvent({ ...liq, ts: 8.64e15 })).toMatchObject({ ok: true, event: { ts: 8.64e15 } });
    expect(toEvent({ ...liq, ts: 8.7e15 })).toEqual({ ok: false, skip: 'invalid', reason: 'liquidation: `ts` 8700000000000000 is not epoch milliseconds (it is after the year 2100)' });
    expect(toEvent({ ...liq, ts: 1737996000000000000 })).toEqual({
      ok: false, skip: 'invalid', reason: 'liquidation: `ts` 1737996000000000000 is not epoch milliseconds (as nanoseconds it would be 2025-01-27, 1737996000000 in milliseconds)',
    });
  });
  it('says what a time that is not epoch milliseconds would be in seconds, microseconds or nanoseconds', () => {
    expect(notEpochMs(1e11)).toBeUndefined();
    expect(notEpochMs(Date.UTC(2100, 0, 1))).toBeUndefined();
    expect(notEpochMs(1737996000)).toBe('`ts` 1737996000 is not epoch milliseconds (as seconds it would be 2025-01-27)');
    expect(notEpochMs(Date.UTC(2100, 0, 1) + 1)).toBe('`ts` 4102444800001 is not epoch milliseconds (it is after the year 2100)');
    expect(notEpochMs(1737996000000000)).toBe('`ts` 1737996000000000 is not epoch milliseconds (as microseconds it would be 2025-01-27, 1737996000000 in milliseconds)');
    expect(notEpochMs(1737996000123456)).toBe('`ts` 1737996000123456 is not epoch milliseconds (as microseconds it would be 2025-01-27, 1737996000123 in milliseconds)');
    expect(notEpochMs(1737996000000000000)).toBe('`ts` 1737996000000000000 is not epoch milliseconds (as nanoseconds it would be 2025-01-27, 1737996000000 in milliseconds)');
    expect(notEpochMs(1e22)).toBe('`ts` 1e+22 is not epoch milliseconds (it is after the year 2100)');
  });
  it('an unknown type is a skip of its own kind, not an error', () => {
    expect(toEvent({ type: 'rumour', ts: 1 })).toMatchObject({ ok: false, skip: 'unknown_type' });
  });
  it('never throws on any JSON value, and what it accepts is well-formed (property)', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (v) => {
        const r = toEvent(v);
        if (r.ok) expect(Number.isFinite(r.event.ts)).toBe(true);
      }),
      { numRuns: 3000 },
    );
    fc.assert(
      fc.property(fc.record({ price: fc.double(), amount: fc.double(), side: fc.constantFrom('long', 'short', 'x') }), (o) => {
        const r = toEvent({ ...liq, ...o });
        if (r.ok && r.event.type === 'liquidation') expect(r.event.usd > 0 && Number.isFinite(r.event.usd)).toBe(true);
      }),
      { numRuns: 3000 },
    );
  });
});

describe('parseEventLine', () => {
  it('refuses broken JSON and huge lines without parsing them', () => {
    expect(parseEventLine('{"type":')).toMatchObject({ ok: false, reason: 'not valid JSON' });
    expect(parseEventLine(`"${'x'.repeat(20_000)}"`)).toMatchObject({ ok: false });
  });
  it('the asset of a symbol is its base currency', () => {
    expect(assetOf('ETH/USDT:USDT')).toBe('ETH');
    expect(assetOf('eth/usd:eth')).toBe('ETH');
    expect(assetOf('1000PEPE/USDT:USDT')).toBe('1000PEPE');
  });
});

describe('eventLine (what `liqbot record` and the bus write)', () => {
  const T = Date.UTC(2026, 0, 31, 12);
  const every: MarketEvent[] = [
    { type: 'liquidation', ts: T, exchange: 'bybit', symbol: 'ETH/USDT:USDT', side: 'long', price: 2500, amount: 2, usd: 5000 },
    { type: 'candle', ts: T, exchange: 'okx', symbol: 'ETH/USDT:USDT', timeframe: '1m', open: 1, high: 2, low: 0.5, close: 1.5, volume: 10 },
    { type: 'price', ts: T, exchange: 'binanceusdm', symbol: 'BTC/USDT:USDT', price: 90_000 },
    { type: 'liquidation_total', ts: T, period: '1h', asset: 'SOL', side: 'short', usd: 1_000_000, exchange: 'bitget' },
    { type: 'level', ts: T, asset: 'ETH', level: 3000, label: 'round number' },
    { type: 'level', ts: T, asset: 'ETH', level: [2750, 2800], label: 'prior support', chat: 'telegram:-100' },
    { type: 'open_interest', ts: T, exchange: 'bybit', symbol: 'ETH/USDT:USDT', usd: 4e9, contracts: 1.6e6 },
    { type: 'funding', ts: T, exchange: 'okx', symbol: 'ETH/USDT:USDT', rate: 0.0001, intervalHours: 8 },
  ];

  it('writes lines that parse back as the same events, every type', () => {
    for (const e of every) expect(parseEventLine(eventLine(e)), e.type).toEqual({ ok: true, event: e });
  });

  it("writes a level in the file's own words: `price`, or `low` and `high` for a zone, never `level`", () => {
    expect(eventLine(every[4]!)).toBe('{"type":"level","ts":1769860800000,"asset":"ETH","label":"round number","price":3000}');
    expect(eventLine(every[5]!)).toBe('{"type":"level","ts":1769860800000,"asset":"ETH","label":"prior support","chat":"telegram:-100","low":2750,"high":2800}');
  });
});
