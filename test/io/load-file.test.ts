/**
 * `loadFile` with an asset to keep (what `liqbot liqs|levels|oi ASSET` read): it holds only that asset's events,
 * in the same order as the whole file's, while the file is still checked whole and its last time and assets are
 * the whole file's.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { describeSkipped } from '../../src/io/event-file.js';
import { loadFile } from '../../src/offline.js';

const dir = mkdtempSync(join(tmpdir(), 'liqbot-load-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const T0 = Date.parse('2026-03-02T12:00:00Z');
const liq = (ts: number, symbol: string) => JSON.stringify({ type: 'liquidation', ts, exchange: 'bybit', symbol, side: 'long', price: 100, amount: 1 });

describe('loadFile keeping one asset', () => {
  const lines = [
    liq(T0 + 2_000, 'ETH/USDT:USDT'),
    liq(T0 + 1_000, 'BTC/USDT:USDT'),
    '{"type":"liquidation","ts":"soon"}',
    liq(T0, 'ETH/USDT:USDT'), // out of order: the reorder buffer sorts it first
    liq(T0 + 9_000, 'SOL/USDT:USDT'), // the file's last time, not ETH's
    JSON.stringify({ type: 'level', ts: T0, asset: 'ETH', price: 2500 }),
  ];
  const path = join(dir, 'day.jsonl');
  writeFileSync(path, lines.join('\n') + '\n');

  it('holds that asset alone, sorted as the whole file would be', async () => {
    const whole = await loadFile(path);
    const eth = await loadFile(path, 'ETH');
    expect(eth.batches.flat()).toEqual(whole.batches.flat().filter((e) => ('asset' in e ? e.asset : e.symbol.split('/')[0]) === 'ETH'));
    expect(eth.batches.flat().map((e) => e.ts)).toEqual([T0, T0, T0 + 2_000]);
  });

  it("checks the whole file and knows its last time and assets", async () => {
    const eth = await loadFile(path, 'ETH');
    expect(eth.lastTs).toBe(T0 + 9_000);
    expect([...eth.assets].sort()).toEqual(['BTC', 'ETH', 'SOL']);
    expect(eth.report.events).toBe(5);
    expect(eth.report.invalid.map((s) => s.line)).toEqual([3]);
  });

  it('holds nothing for an asset the file does not have', async () => {
    const doge = await loadFile(path, 'DOGE');
    expect(doge.batches.flat()).toEqual([]);
    expect(doge.lastTs).toBe(T0 + 9_000);
  });
});

describe('loadFile keeping one asset, on files of plain and other lines out of order', () => {
  it('holds what the whole file holds of that asset and reports the same counts, late events included', async () => {
    const fc = (await import('fast-check')).default;
    let run = 0, withLate = 0;
    await fc.assert(
      fc.asyncProperty(
        fc.array(
          fc.record({
            // Mostly forward; one line in ten from 5 to 15 minutes back, past the reorder buffer's hold.
            jump: fc.oneof({ arbitrary: fc.integer({ min: 0, max: 200 }), weight: 9 }, { arbitrary: fc.integer({ min: -900, max: -310 }), weight: 1 }),
            asset: fc.constantFrom('ETH', 'BTC', 'SOL'),
            form: fc.constantFrom('plain', 'no-usd', 'spaced', 'bad', 'candle', 'absurd-usd', 'absurd-price', 'microseconds'),
          }),
          { minLength: 60, maxLength: 300 },
        ),
        async (rows) => {
          let t = T0;
          const text = rows.map(({ jump, asset, form }) => {
            t = Math.max(T0, t + jump * 1000);
            const sym = `${asset}/USDT:USDT`;
            if (form === 'bad') return `{"type":"liquidation","ts":${t},"exchange":"bybit","symbol":"${sym}","side":"long","price":-1,"amount":1,"usd":1}`;
            // In the plain form, but beyond any market or not in milliseconds: skipped alike whichever asset is held.
            if (form === 'absurd-usd') return `{"type":"liquidation","ts":${t},"exchange":"bybit","symbol":"${sym}","side":"long","price":2.5,"amount":4,"usd":99999999999}`;
            if (form === 'absurd-price') return `{"type":"liquidation","ts":${t},"exchange":"bybit","symbol":"${sym}","side":"long","price":0.0000000000001,"amount":4,"usd":10}`;
            if (form === 'microseconds') return `{"type":"liquidation","ts":${t * 1000},"exchange":"bybit","symbol":"${sym}","side":"long","price":2.5,"amount":4,"usd":10}`;
            if (form === 'candle') return JSON.stringify({ type: 'candle', ts: t, exchange: 'bybit', symbol: sym, timeframe: '1m', open: 10, high: 11, low: 9, close: 10 });
            const base = { type: 'liquidation', ts: t, exchange: 'bybit', symbol: sym, side: 'long', price: 2.5, amount: 4 };
            if (form === 'no-usd') return JSON.stringify(base);
            if (form === 'spaced') return JSON.stringify({ ...base, usd: 10 }, null, 1).replace(/\n/g, '');
            return JSON.stringify({ ...base, usd: 10 });
          });
          const path = join(dir, `mixed-${run++}.jsonl`);
          writeFileSync(path, text.join('\n'));
          const whole = await loadFile(path);
          const eth = await loadFile(path, 'ETH');
          expect(eth.batches.flat()).toEqual(whole.batches.flat().filter((e) => 'symbol' in e && e.symbol.startsWith('ETH/')));
          expect(eth.report).toEqual(whole.report);
          expect(eth.lastTs).toBe(whole.lastTs);
          expect([...eth.assets].sort()).toEqual([...whole.assets].sort());
          if (whole.report.late > 0) withLate++;
          if (rows.some((r) => r.form.startsWith('absurd'))) expect(whole.report.invalid.some((l) => l.reason.includes('is beyond any market'))).toBe(true);
        },
      ),
      { numRuns: 60 },
    );
    expect(withLate).toBeGreaterThan(10); // files with events out of order by more than the hold were among them
  });
});

describe('a recording compressed with gzip', () => {
  // Enough lines for several 64 KiB pieces once decompressed, so the decoder's pieces are exercised too.
  const lines = Array.from({ length: 3_000 }, (_, i) => liq(T0 + i * 1_000, i % 3 ? 'ETH/USDT:USDT' : 'BTC/USDT:USDT'));
  const text = lines.join('\n') + '\n';

  it('reads the same events as the plain file', async () => {
    const plain = join(dir, 'rec.jsonl');
    const packed = join(dir, 'rec.jsonl.gz');
    writeFileSync(plain, text);
    writeFileSync(packed, gzipSync(text));
    const a = await loadFile(plain);
    const b = await loadFile(packed);
    expect(b.report).toEqual(a.report);
    expect(b.batches.flat()).toEqual(a.batches.flat());
    expect(b.report.events).toBe(3_000);
  });

  it('cut short (a recorder stopped mid-write): the lines before the cut are read, and the report says where it ended', async () => {
    const whole = gzipSync(text);
    const cut = join(dir, 'cut.jsonl.gz');
    writeFileSync(cut, whole.subarray(0, Math.floor(whole.length / 2)));
    const r = await loadFile(cut);
    expect(r.report.damaged).toMatch(/unexpected end of file/);
    expect(r.report.events).toBeGreaterThan(100);
    expect(r.report.events).toBeLessThan(3_000);
    expect(r.report.invalidCount).toBeLessThanOrEqual(1); // at most the line the cut went through
    expect(describeSkipped(cut, r.report).at(-1)).toMatch(/the compressed file ends early or is damaged \(unexpected end of file\); read the \d+ lines before that point$/);
  });
});
