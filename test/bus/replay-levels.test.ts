/**
 * A recording whose levels file was appended after its day (`cat day.jsonl levels.jsonl`, as the data kit's README
 * suggests) replays to the bus with each level at its own time, as the embedded rehearsal sets them.
 */
import { execFileSync } from 'node:child_process';
import { createWriteStream, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { replayToBus } from '../../src/bus/replay.js';
import type { MarketEvent } from '../../src/core/events.js';
import { newReport, readEventFile, readRecording } from '../../src/io/event-file.js';
import { writeEvents } from '../helpers.js';

const rows = readFileSync('fixtures/binance-2025-04-levels-15m.real.jsonl', 'utf8').split('\n').filter(Boolean);
const levels = rows.filter((l) => l.includes('"type":"level"'));
const appended = writeEvents([...rows.filter((l) => !levels.includes(l)), ...levels], 'appended.jsonl');

describe('a levels file appended after its day', () => {
  it('is read first: every level at its own time, and nothing counted late', async () => {
    const read = async (file: string) => {
      const report = newReport();
      const out: MarketEvent[] = [];
      for await (const e of readRecording(file, report)) out.push(e);
      return { out, report };
    };
    const { out, report } = await read(appended);
    expect(out.filter((e) => e.type === 'level')).toHaveLength(levels.length);
    const times = out.map((e) => e.ts);
    expect(times).toEqual([...times].sort((a, b) => a - b));
    expect(report.late).toBe(0);
    // A recording in order reads as the plain reader reads it.
    const inOrder = writeEvents(rows, 'in-order.jsonl');
    const plain: MarketEvent[] = [];
    for await (const e of readEventFile(inOrder)) plain.push(e);
    expect((await read(inOrder)).out).toEqual(plain);
    // A pipe cannot be read twice: read once, its levels as they come (here, late).
    const fifo = join(dirname(appended), 'pipe.jsonl');
    execFileSync('mkfifo', [fifo], { timeout: 60_000 });
    const writer = createWriteStream(fifo);
    writer.end(readFileSync(appended));
    const piped = await read(fifo);
    expect(piped.out.filter((e) => e.type === 'level')).toHaveLength(levels.length);
    expect(piped.report.late).toBe(levels.length);
  });

  it('is published at its own time, and nothing is reported out of order', async () => {
    const published: MarketEvent[] = [];
    const publisher = { synthetic: false, add: (e: MarketEvent) => void published.push(e), flush: async () => {} };
    const { events, skipped } = await replayToBus(appended, publisher, { speed: Infinity });
    expect(published).toHaveLength(events);
    expect(published.filter((e) => e.type === 'level')).toHaveLength(levels.length);
    const times = published.map((e) => e.ts);
    expect(times).toEqual([...times].sort((a, b) => a - b));
    expect(skipped.join('\n')).not.toMatch(/out of order/);
  });
});
