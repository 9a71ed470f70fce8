/**
 * A level's label from an event file keeps to a chat label's rule (commands/parse.ts `parseLabel`): no link and no
 * @mention. A shared file's level without `chat` shows in every chat, so `"@everyone https://scam.io join t.me/pump"`
 * would ping and advertise in each. The line is not malformed: its level is kept without the label, and the line is
 * said with its number ("label dropped: links/mentions are not shown"), as the spec asks of any line read with a change.
 */
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { join } from 'node:path';
import { describeSkipped, newReport, readEventFile, type ReadReport } from '../../src/io/event-file.js';
import type { MarketEvent } from '../../src/core/events.js';
import { openSqliteStore } from '../../src/store/sqlite.js';
import { cli, DAY0, tempDir, writeEvents } from '../helpers.js';

const SCAM = '@everyone https://scam.io join t.me/pump';
const DROPPED = 'level kept, label dropped: links/mentions are not shown';
const price = { type: 'price', ts: DAY0, exchange: 'bybit', symbol: 'ETH/USDT:USDT', price: 2600 };
const levelLine = (p: number, label: string) => ({ type: 'level', ts: DAY0, asset: 'ETH', price: p, label });

async function read(path: string, report: ReadReport = newReport()): Promise<MarketEvent[]> {
  const out: MarketEvent[] = [];
  for await (const e of readEventFile(path, report)) out.push(e);
  return out;
}

describe('a file level whose label holds a link or a mention', () => {
  it('is kept without its label, and the line is noted with its number (not skipped)', async () => {
    const report = newReport();
    const events = await read(writeEvents([price, levelLine(2650, SCAM)]), report);
    expect(events).toEqual([price, { type: 'level', ts: DAY0, asset: 'ETH', level: 2650 }]);
    expect(report.invalidCount).toBe(0);
    expect(report.notes).toEqual([{ line: 2, reason: DROPPED }]);
    expect(describeSkipped('levels.jsonl', report)).toEqual([`levels.jsonl:2: ${DROPPED}`, '1 level label was dropped (links/mentions are not shown); the level was read']);
  });

  it.each([
    ['a bare domain', 'buy at scam.io now'],
    ['a Telegram link', 'join t.me/pump'],
    ['a mention', 'ping @whale_signals'],
    ['a Discord mention', '<@123456789012345678> pump'],
    ['a full-width domain', 'ＳＣＡＭ．ＣＯＭ now'],
    ['a link split by a zero-width space', 'scam\u200B.io'],
    ['a link behind a tab (cleaned, then dropped: one note)', 'go\tscam.io'],
  ])('%s is dropped: %s', async (_, label) => {
    const report = newReport();
    const events = await read(writeEvents([levelLine(2650, label)]), report);
    expect(events).toEqual([{ type: 'level', ts: DAY0, asset: 'ETH', level: 2650 }]);
    expect(report.notes).toEqual([{ line: 1, reason: DROPPED }]);
  });

  it('a trader’s words stay, and a cleaned label is said as cleaned, not dropped', async () => {
    const report = newReport();
    const kept = ['prior low (Jan 27)', 'entry @2300', 'v2.0 range', 'ETH/BTC pivot', '2.5k'];
    const events = await read(writeEvents([...kept.map((l, i) => levelLine(2600 + i * 10, l)), levelLine(2700, 'a\tb')]), report);
    expect(events.map((e) => (e.type === 'level' ? e.label : undefined))).toEqual([...kept, 'a b']);
    expect(report.notes?.map((n) => n.line)).toEqual([6]);
    expect(report.labelsDropped ?? 0).toBe(0);
    expect(describeSkipped('f', report).at(-1)).toBe('1 level label was cleaned or shortened; the level was read');
  });
});

describe('through the CLI', () => {
  let dir: string;
  beforeAll(() => {
    dir = tempDir();
    vi.stubEnv('LIQBOT_DB', join(dir, 'import.db'));
  });
  afterAll(() => {
    vi.unstubAllEnvs();
  });

  it('`levels eth` shows the level, unlabelled, and stderr names the line', async () => {
    const file = writeEvents([price, levelLine(2650, SCAM)]);
    const r = await cli('levels', 'eth', '--data', file);
    expect(r.code).toBe(0);
    expect(r.out).toContain('$2,650');
    expect(r.out).not.toMatch(/scam|everyone|t\.me/);
    expect(r.err).toContain(`${file}:2: ${DROPPED}`);
  });

  it('`import` stores the level without the label', async () => {
    const file = writeEvents([price, levelLine(2650, SCAM)]);
    const r = await cli('import', file);
    expect(r.code).toBe(0);
    expect(r.err).toContain(`${file}:2: ${DROPPED}`);
    const store = openSqliteStore(join(dir, 'import.db'));
    try {
      const levels = store.listLevels();
      expect(levels.map((l) => [l.id, l.label])).toEqual([['ETH@2650', undefined]]);
    } finally {
      store.close();
    }
  });
});
