/**
 * The reader's report: the meta line marks the file synthetic, is no event, and is counted with the unknown types but
 * said as a meta line; other unknown types are named, malformed lines kept with their line numbers; events come out
 * in time order.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { describeSkipped, newReport, readEventBatches } from '../../src/io/event-file.js';

const dir = mkdtempSync(join(tmpdir(), 'liqbot-read-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const T0 = Date.parse('2026-03-02T12:00:00Z');
const liq = (ts: number) => JSON.stringify({ type: 'liquidation', ts, exchange: 'bybit', symbol: 'ETH/USDT:USDT', side: 'long', price: 100, amount: 1 });

describe('readEventBatches report', () => {
  it('reads the meta line as a mark, counts it with the other unknown types, says it as a meta line and keeps malformed lines', async () => {
    const lines = [
      JSON.stringify({ type: 'meta', synthetic: true }),
      liq(T0 + 1_000),
      JSON.stringify({ type: 'rumour', ts: T0 }),
      JSON.stringify({ type: 'meta', synthetic: false }), // a second meta line changes nothing
      '{"type":"liquidation","ts":"soon"}',
      liq(T0),
      '',
      '[1, 2]',
    ];
    const path = join(dir, 'mixed.jsonl');
    writeFileSync(path, lines.join('\n') + '\n');
    const report = newReport();
    const events = [];
    for await (const batch of readEventBatches(path, report)) events.push(...batch);
    expect(events.map((e) => e.ts)).toEqual([T0, T0 + 1_000]);
    expect(report).toMatchObject({ lines: 8, events: 2, unknownTypes: 3, unknownTypeNames: ['meta', 'rumour'], metaLines: 2, invalidCount: 2, synthetic: true });
    // Counted with the unknown types, as the spec asks, and said as what they are.
    expect(describeSkipped('mixed.jsonl', report).slice(-2)).toEqual(['skipped 2 malformed and 1 of unknown type ("rumour") of 8 lines; 2 events read', '2 meta lines (the file\'s description) not replayed']);
    expect(report.invalid.map((s) => s.line)).toEqual([5, 8]);
  });

  it('skips times that are not epoch milliseconds and prints beyond any market, in the plain form or not, with their line and reason', async () => {
    const plain = (ts: number, price: string, usd: string) => `{"type":"liquidation","ts":${ts},"exchange":"bybit","symbol":"ETH/USDT:USDT","side":"long","price":${price},"amount":1,"usd":${usd}}`;
    const lines = [
      plain(T0, '100', '100'),
      plain(T0 * 1000, '100', '100'), // microseconds: past the plain form's 15 digits
      plain(T0 * 100, '100', '100'), // 15 digits: in the plain form, and in the year 7586
      plain(T0, '100', '10000000001'),
      plain(T0, '1000000001', '100'),
      plain(T0, '0.0000000000001', '100'),
      JSON.stringify({ type: 'candle', ts: T0, exchange: 'bybit', symbol: 'ETH/USDT:USDT', timeframe: '1m', open: 1, high: 2e9, low: 1, close: 1 }),
      JSON.stringify({ type: 'price', ts: T0, exchange: 'bybit', symbol: 'ETH/USDT:USDT', price: 1e-13 }),
      JSON.stringify({ type: 'liquidation_total', ts: T0, period: '1d', asset: 'ETH', side: 'long', usd: 2e12 }),
      plain(T0, '0.000000000001', '1000000000'), // the bounds themselves are plausible
    ];
    const path = join(dir, 'odd.jsonl');
    writeFileSync(path, lines.join('\n') + '\n');
    const report = newReport();
    const events = [];
    for await (const batch of readEventBatches(path, report)) events.push(...batch);
    expect(events).toHaveLength(2);
    expect(report.invalid).toEqual([
      { line: 2, reason: 'liquidation: `ts` 1772452800000000 is not epoch milliseconds (as microseconds it would be 2026-03-02, 1772452800000 in milliseconds)' },
      { line: 3, reason: 'liquidation: `ts` 177245280000000 is not epoch milliseconds (as microseconds it would be 1975-08-14, 177245280000 in milliseconds)' },
      { line: 4, reason: 'liquidation: `usd` 10000000001 is beyond any market (one liquidation is at most 10^9 USD)' },
      { line: 5, reason: 'liquidation: `price` 1000000001 is beyond any market (prices are from 10^-12 to 10^9)' },
      { line: 6, reason: 'liquidation: `price` 1e-13 is beyond any market (prices are from 10^-12 to 10^9)' },
      { line: 7, reason: 'candle: `high` 2000000000 is beyond any market (prices are from 10^-12 to 10^9)' },
      { line: 8, reason: 'price: `price` 1e-13 is beyond any market (prices are from 10^-12 to 10^9)' },
      { line: 9, reason: "liquidation_total: `usd` 2000000000000 is beyond any market (one period's total is at most 10^11 USD)" },
    ]);
  });

  it('counts a line repeated twice over as two repeated lines, not as two liquidations in the file twice', () => {
    const once = { ...newReport(), lines: 3, events: 3, duplicates: 1 };
    expect(describeSkipped('day.jsonl', once)).toEqual(['1 repeated liquidation line (every field the same as a line before) not counted again']);
    expect(describeSkipped('day.jsonl', { ...once, duplicates: 2 })).toEqual(['2 repeated liquidation lines (every field the same as a line before) not counted again']);
  });

  it('a file without the meta line is not synthetic', async () => {
    const path = join(dir, 'plain.jsonl');
    writeFileSync(path, `${liq(T0)}\n${JSON.stringify({ type: 'meta' })}\n`);
    const report = newReport();
    for await (const _ of readEventBatches(path, report)) void _;
    expect(report).toMatchObject({ events: 1, unknownTypes: 1, synthetic: false });
  });

  it('reads lines with surrounding whitespace (CRLF endings, indentation) as the lines themselves', async () => {
    const path = join(dir, 'crlf.jsonl');
    writeFileSync(path, `${liq(T0)}\r\n  ${liq(T0 + 1)}\t\r\n\uFEFF${liq(T0 + 2)}\n`);
    const report = newReport();
    const events = [];
    for await (const batch of readEventBatches(path, report)) events.push(...batch);
    expect(events.map((e) => e.ts)).toEqual([T0, T0 + 1, T0 + 2]);
    expect(report.invalidCount).toBe(0);
  });
});

