/**
 * What a reader of an event file is told on stderr: the size bound a line must meet (the market's, not the parse's),
 * a count of one said in the singular, and a level stamped 0 (a shared levels file's "always") never called out of
 * order, wherever its line sits, while it is still put in its place.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { describeSkipped, newReport, readEventFile, readRecording, skippedLevel, type ReadReport } from '../../src/io/event-file.js';
import { loadFile } from '../../src/offline.js';

const dir = mkdtempSync(join(tmpdir(), 'liqbot-wording-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const T0 = Date.parse('2026-03-02T12:00:00Z');
const MIN = 60_000;
const liq = (ts: number, extra: object = {}) => JSON.stringify({ type: 'liquidation', ts, exchange: 'bybit', symbol: 'ETH/USDT:USDT', side: 'long', price: 2500, amount: 1, ...extra });
const file = (name: string, lines: string[]): string => {
  const path = join(dir, name);
  writeFileSync(path, lines.join('\n') + '\n');
  return path;
};
async function read(path: string, reader = readEventFile): Promise<ReadReport> {
  const report = newReport();
  for await (const _ of reader(path, report));
  return report;
}

describe('sizes beyond any market', () => {
  it('a given usd past even 10^15 is told the bound a liquidation must meet: 10^9 USD', async () => {
    const path = file('huge-usd.jsonl', [liq(T0, { usd: 2e15 })]);
    expect(describeSkipped('f', await read(path))).toEqual([
      'f:1: skipped: liquidation: `usd` 2000000000000000 is beyond any market (one liquidation is at most 10^9 USD)',
      'skipped 1 malformed of 1 lines; 0 events read',
    ]);
  });

  it('a price × amount past 10^15 is told the same bound', async () => {
    const path = file('huge-product.jsonl', [liq(T0, { price: 1e8, amount: 1e8 })]);
    expect(describeSkipped('f', await read(path))[0]).toBe('f:1: skipped: liquidation: `price` × `amount` is 10000000000000000: it must be a positive USD value of at most 10^9');
  });
});

describe('events out of order', () => {
  it('one late event is said in the singular', async () => {
    const path = file('one-late.jsonl', [liq(T0), liq(T0 + 10 * MIN), liq(T0 + 20 * MIN), liq(T0 + MIN)]);
    expect(describeSkipped('f', await read(path))).toEqual(['1 event was out of order by more than 5 minutes; applied late']);
    expect(describeSkipped('f', (await loadFile(path)).report)).toEqual(['1 event was out of order by more than 5 minutes; read the whole file and applied it at its own time']);
  });

  it('a level stamped 0 after the day is no warning, and a file read whole still puts it first', async () => {
    const always = JSON.stringify({ type: 'level', ts: 0, asset: 'ETH', price: 2400, label: 'ETH shared level' });
    const path = file('always-last.jsonl', [liq(T0), liq(T0 + 10 * MIN), liq(T0 + 20 * MIN), always]);
    for (const report of [await read(path), await read(path, readRecording)]) {
      expect(describeSkipped('f', report)).toEqual([]);
      expect(skippedLevel(report)).toBe('info');
    }
    const loaded = await loadFile(path);
    expect(describeSkipped('f', loaded.report)).toEqual([]);
    expect(loaded.batches.flat()[0]).toMatchObject({ type: 'level', ts: 0 });
  });

  it('a level stamped 0 beside a late event: only the late event is counted', async () => {
    const always = JSON.stringify({ type: 'level', ts: 0, asset: 'ETH', price: 2400 });
    const path = file('always-and-late.jsonl', [liq(T0), liq(T0 + 10 * MIN), always, liq(T0 + 20 * MIN), liq(T0 + MIN), liq(T0 + 2 * MIN)]);
    expect(describeSkipped('f', await read(path))).toEqual(['2 events were out of order by more than 5 minutes; applied late']);
  });
});
