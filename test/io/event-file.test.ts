/**
 * The reader's report: the meta line marks the file synthetic and is neither an event nor of an unknown type;
 * other unknown types are counted, malformed lines kept with their line numbers; events come out in time order.
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
  it('reads the meta line as a mark, counts it with the other unknown types and keeps malformed lines', async () => {
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
    expect(report).toMatchObject({ lines: 8, events: 2, unknownTypes: 3, unknownTypeNames: ['meta', 'rumour'], invalidCount: 2, synthetic: true });
    expect(describeSkipped('mixed.jsonl', report).at(-1)).toBe('skipped 2 malformed and 3 of unknown type ("meta", "rumour") of 8 lines; 2 events read');
    expect(report.invalid.map((s) => s.line)).toEqual([5, 8]);
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

