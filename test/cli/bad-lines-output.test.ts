/**
 * The offline CLI says every malformed line on stderr with its number (shared/spec/events.md), in the file's order and
 * in the words it always used, a piece of the file in one write rather than a write per line; and it reads no further
 * while stderr's reader is behind, where the lines once queued in memory (3 million of them: 1.69 GB).
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { main } from '../../src/cli.js';
import { DAY0, writeEvents } from '../helpers.js';

afterEach(() => vi.restoreAllMocks());

/** The text of each write to stderr, in order (one may hold many lines); stdout is dropped. */
function stderrWrites(): string[] {
  const writes: string[] = [];
  vi.spyOn(console, 'error').mockImplementation((s: unknown) => void writes.push(String(s)));
  vi.spyOn(console, 'log').mockImplementation(() => undefined);
  return writes;
}

const turn = () => new Promise((resolve) => setImmediate(resolve));

const liq = (ts: number) => ({ type: 'liquidation', ts, exchange: 'bybit', symbol: 'ETH/USDT:USDT', side: 'long', price: 3000, amount: 1 });

/** A small file with a line of each kind: malformed three ways, blank, a label cleaned, a type unknown. */
function mixedFile(): string {
  return writeEvents([
    liq(DAY0),
    'not json',
    { type: 'price', ts: DAY0 + 1000, exchange: 'bybit', symbol: 'ETH/USDT:USDT' },
    '',
    { type: 'level', ts: DAY0 + 2000, asset: 'ETH', price: 2900, label: 'a\tb' },
    { type: 'whatever', ts: DAY0 + 3000 },
    { ...liq(DAY0 + 4000), ts: (DAY0 + 4000) / 1000 },
    liq(DAY0 + 5000),
  ]);
}

/** What a file of `n` lines that are not JSON says on stderr, line by line, to `replay`. */
function badLinesSaid(path: string, n: number): string[] {
  return [
    ...Array.from({ length: n }, (_, i) => `${path}:${i + 1}: skipped: not valid JSON`),
    `liqbot: ${path} holds no market events (${n} lines, none of them an event): see docs/events.md for the format`,
    `skipped ${n} malformed of ${n} lines; 0 events read`,
    '0 alerts from 0 events',
  ];
}

describe('malformed lines on stderr', () => {
  it('replay says each with its number, in the file order and exact words, in one write, before the counts', async () => {
    const path = mixedFile();
    const writes = stderrWrites();
    expect(await main(['replay', path])).toBe(0);
    const told = [
      `${path}:2: skipped: not valid JSON`,
      `${path}:3: skipped: price: \`price\` is missing`,
      `${path}:5: level label cleaned (control or invisible characters, such as a tab or a line break, made spaces): "a b"`,
      `${path}:7: skipped: liquidation: \`ts\` 1772409604 is not epoch milliseconds (as seconds it would be 2026-03-02)`,
    ];
    expect(writes).toEqual([
      told.join('\n'),
      'skipped 3 malformed and 1 of unknown type ("whatever") of 8 lines; 3 events read',
      '1 level label was cleaned or shortened; the level was read',
      '0 alerts from 3 events',
    ]);
  });

  it('liqs with the asset typed as a name reads the file twice and says each line once, in one write', async () => {
    const path = mixedFile();
    const writes = stderrWrites();
    expect(await main(['liqs', 'ethereum', '--data', path])).toBe(0);
    expect(writes).toEqual([
      [
        `${path}:2: skipped: not valid JSON`,
        `${path}:3: skipped: price: \`price\` is missing`,
        `${path}:5: level label cleaned (control or invisible characters, such as a tab or a line break, made spaces): "a b"`,
        `${path}:7: skipped: liquidation: \`ts\` 1772409604 is not epoch milliseconds (as seconds it would be 2026-03-02)`,
      ].join('\n'),
      'skipped 3 malformed and 1 of unknown type ("whatever") of 8 lines; 3 events read',
      '1 level label was cleaned or shortened; the level was read',
    ]);
  });

  it('50,000 malformed lines are 50,000 lines said in order, then the counts, in at most one write per thousand lines', async () => {
    const path = writeEvents(Array.from({ length: 50_000 }, (_, i) => `bad ${i}`));
    const writes = stderrWrites();
    expect(await main(['replay', path])).toBe(0);
    expect(writes.join('\n').split('\n')).toEqual(badLinesSaid(path, 50_000));
    expect(writes.length).toBeLessThanOrEqual(50 + 3);
  });

  it('reads no further while stderr is behind (a pipe read slower than the file), and goes on as it drains', async () => {
    const path = writeEvents(Array.from({ length: 50_000 }, (_, i) => `bad ${i}`));
    const writes = stderrWrites();
    // Every write leaves stderr behind until its 'drain'.
    vi.spyOn(process.stderr, 'writableNeedDrain', 'get').mockReturnValue(true);
    let done = false;
    const run = main(['replay', path]).finally(() => (done = true));
    while (writes.length === 0) await turn();
    // The whole file is in the reader's first read: had it not waited, these turns would see every line said.
    for (let i = 0; i < 50; i++) await turn();
    expect(writes).toHaveLength(1);
    expect(done).toBe(false);
    let drains = 0;
    while (!done) {
      process.stderr.emit('drain');
      drains++;
      await turn();
    }
    expect(await run).toBe(0);
    expect(drains).toBeGreaterThan(1);
    expect(writes.join('\n').split('\n')).toEqual(badLinesSaid(path, 50_000));
  });
});
