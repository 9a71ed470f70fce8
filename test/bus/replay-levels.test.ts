/**
 * A recording whose levels file was appended after its day (`cat day.jsonl levels.jsonl`, as the data kit's README
 * suggests) replays to the bus with each level at its own time, as the embedded rehearsal sets them.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { replayToBus } from '../../src/bus/replay.js';
import type { MarketEvent } from '../../src/core/events.js';
import { recordingLevels } from '../../src/io/event-file.js';
import { writeEvents } from '../helpers.js';

const rows = readFileSync('fixtures/binance-2025-04-levels-15m.real.jsonl', 'utf8').split('\n').filter(Boolean);
const levels = rows.filter((l) => l.includes('"type":"level"'));
const appended = writeEvents([...rows.filter((l) => !levels.includes(l)), ...levels], 'appended.jsonl');

describe('a levels file appended after its day', () => {
  it('is read first: every level in time order, counted late as the reader would release it', async () => {
    const read = (await recordingLevels(appended))!;
    expect(read.levels).toHaveLength(levels.length);
    expect(read.late).toBe(levels.length);
    expect((await recordingLevels(writeEvents(rows, 'in-order.jsonl')))!.late).toBe(0);
    // What is not a regular file (a pipe, a device) cannot be read twice: not read ahead at all.
    expect(await recordingLevels('/dev/null')).toBeUndefined();
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
