/**
 * A file that sets one level twice (same asset, price or zone, and chat; another label): the later line is a
 * correction, and it stands alike in `levels`, `replay --stats` and `import` (which kept the first line without a word),
 * and stderr counts the lines that set a level again, as it counts repeated candles.
 */
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { openSqliteStore } from '../../src/store/sqlite.js';
import { DAY0, H, cli, tempDir, writeEvents } from '../helpers.js';

const MIN = 60_000;
const REPEAT = '1 level line set a level the file set before (same asset, price or zone, and chat): the later line stands, as a correction';

const level = (ts: number, label: string, more: object = {}) => ({ type: 'level', ts, asset: 'ETH', price: 3000, label, ...more });
/** ETH's 15m candles from `DAY0`, flat at 3100. */
const candles = (n: number) => Array.from({ length: n }, (_, i) => ({ type: 'candle', ts: DAY0 + i * 15 * MIN, exchange: 'binanceusdm', symbol: 'ETH/USDT:USDT', timeframe: '15m', open: 3100, high: 3101, low: 3099, close: 3100 }));

/** The two lines in order, a chat's level at the same price (another level: not counted), and a day of candles. */
const inOrder = writeEvents([level(DAY0 - 2 * H, 'prior support'), level(DAY0 - H, 'prior support (weekly)'), level(DAY0 - H, 'our level', { chat: 'telegram:-100' }), ...candles(96)], 'in-order.jsonl');
/** The correction written first, the line it corrects appended after the day: the later in time stands, not the later read. */
const appended = writeEvents([level(DAY0 - H, 'prior support (weekly)'), ...candles(96), level(DAY0 - 2 * H, 'prior support')], 'appended.jsonl');

describe('a level set twice in a file', () => {
  const db = join(tempDir(), 'levels.db');
  beforeAll(() => void (process.env.LIQBOT_DB = db));
  const storedLabel = (): string | undefined => {
    const store = openSqliteStore(db);
    try {
      return store.listLevels().find((l) => l.id === 'ETH@3000')?.label;
    } finally {
      store.close();
    }
  };

  it('is the later line in levels, its --json and replay --stats, and stderr counts the line', async () => {
    for (const file of [inOrder, appended]) {
      const text = await cli('levels', 'eth', '--data', file);
      expect(text.code, text.err).toBe(0);
      expect(text.out).toContain('prior support (weekly)');
      expect(text.err.split('\n')).toContain(REPEAT);
      const json = JSON.parse((await cli('levels', 'eth', '--data', file, '--json')).out) as { levels: { label?: string }[] };
      expect(json.levels.map((l) => l.label)).toEqual(['prior support (weekly)']);
      const stats = await cli('replay', file, '--stats');
      expect(stats.out).toMatch(/^ETH +3000 .* prior support \(weekly\)$/m);
      expect(stats.err.split('\n')).toContain(REPEAT);
    }
  });

  it('is the later line in the store after an import, counted neither new nor already set, and the same on a second import', async () => {
    const first = await cli('import', inOrder);
    expect(first).toMatchObject({ code: 0, out: `imported 96 new events of 96 (0 already stored) and 2 new levels (0 already set) into ${db}` });
    expect(first.err.split('\n')).toContain(REPEAT);
    expect(storedLabel()).toBe('prior support (weekly)');
    const again = await cli('import', inOrder);
    expect(again.out).toBe(`imported 0 new events of 96 (96 already stored) and 0 new levels (2 already set) into ${db}`);
    expect(storedLabel()).toBe('prior support (weekly)');
  });

  it('is the later in time when the line it corrects is read after it, as levels reads the file', async () => {
    // The database read once per process, emptied of the level first.
    const store = openSqliteStore(db);
    try {
      store.removeLevel('ETH@3000');
    } finally {
      store.close();
    }
    const r = await cli('import', appended);
    expect(r.code, r.err).toBe(0);
    expect(r.out).toMatch(/and 1 new level \(0 already set\)/);
    expect(r.err.split('\n')).toContain(REPEAT);
    expect(storedLabel()).toBe('prior support (weekly)');
  });
});
