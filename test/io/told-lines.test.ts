/**
 * Every malformed line of a file is said with its line number, however many (the spec), and a line read with a change
 * (a level's label cleaned) is said beside its number too, as a note, not as a skipped line.
 */
import { describe, expect, it } from 'vitest';
import { describeSkipped, newReport, readEventBatches, type ToldLine } from '../../src/io/event-file.js';
import { DAY0, writeEvents } from '../helpers.js';

const good = { type: 'liquidation', ts: DAY0, exchange: 'bybit', symbol: 'ETH/USDT:USDT', side: 'long', price: 3000, amount: 1 };

async function read(path: string, report = newReport()) {
  for await (const _ of readEventBatches(path, report));
  return report;
}

describe('lines said as they are read', () => {
  it('tells every malformed line, past the thousand a report keeps, and the notes in line order', async () => {
    const path = writeEvents([...Array.from({ length: 1200 }, (_, i) => `bad ${i}`), { type: 'level', ts: DAY0, asset: 'ETH', price: 3000, label: 'a\tb' }, good]);
    const told: ToldLine[] = [];
    const report = await read(path, { ...newReport(), onLine: (l) => told.push(l) });
    expect(told).toHaveLength(1201);
    expect(told.map((l) => l.line)).toEqual(Array.from({ length: 1201 }, (_, i) => i + 1));
    expect(told.at(-1)).toMatchObject({ skipped: false, reason: expect.stringContaining('level label cleaned') });
    expect(report).toMatchObject({ invalidCount: 1200, noteCount: 1, events: 2 });
    // Told as read: the summary after the run holds the counts alone.
    expect(describeSkipped('f', report)).toEqual(['skipped 1200 malformed of 1202 lines; 2 events read', '1 level label was cleaned or shortened; the level was read']);
  });

  it('a report that told nothing lists every line it kept (not the first 50), then says how many it did not keep', async () => {
    const path = writeEvents([...Array.from({ length: 60 }, (_, i) => `bad ${i}`), good]);
    const lines = describeSkipped('f', await read(path));
    expect(lines.slice(0, 60)).toEqual(Array.from({ length: 60 }, (_, i) => `f:${i + 1}: skipped: not valid JSON`));
    expect(lines.slice(60)).toEqual(['skipped 60 malformed of 61 lines; 1 events read']);
    const many = describeSkipped('f', await read(writeEvents(Array.from({ length: 1005 }, (_, i) => `bad ${i}`))));
    expect(many[999]).toBe('f:1000: skipped: not valid JSON');
    expect(many[1000]).toBe('… and 5 more malformed lines');
  });
});
