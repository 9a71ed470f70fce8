/**
 * What `/levels` says a level is doing matches the price: a level price is across from what the chat was last told,
 * with no break told yet, reads *testing* from the side price is on (never the told "reclaimed" or "lost" alone), its
 * role follows price, and with no price there is no state. On the real Apr 2025 week (SUI $2, BTC $81,601) and on
 * synthetic closes.
 */
import { describe, expect, it } from 'vitest';
import { buildConfig } from '../../config/load.js';
import { LevelBook } from '../../src/core/levels.js';
import { feed as feedCloses, level, M15, rules, T0 } from './level-rules.js';
import { Market } from '../../src/core/market.js';
import { levelsReply } from '../../src/replies/levels.js';
import { replyText } from '../../src/replies/reply.js';
import { cli } from '../helpers.js';

const APRIL = 'fixtures/binance-2025-04-levels-15m.real.jsonl';

async function levelRow(asset: string, at: string, starts: string): Promise<string> {
  const { code, out } = await cli('levels', asset, '--data', APRIL, '--at', at);
  expect(code).toBe(0);
  const row = out.split('\n').find((l) => l.startsWith(starts));
  if (row === undefined) throw new Error(`no ${starts} row in:\n${out}`);
  return row;
}

describe('/levels on the real Apr 2025 week: price across from what the chat was told', () => {
  it('reads SUI $2 "price back below · reclaimed …, not lost yet" while closes sit under it before the 18:30 "lost", not "reclaimed"', async () => {
    // Reclaimed Apr 7 18:00; on Apr 8 closes went below from 16:45 ($1.974), the break was told at 18:30.
    for (const at of ['2025-04-08T16:50Z', '2025-04-08T17:10Z']) {
      const row = await levelRow('sui', at, '$2 ');
      // Price under it, and what the closes told (reclaimed, not lost yet): the reading's floor, tested.
      expect(row).toContain('· price back below · reclaimed Apr 7 18:00, not lost yet ·');
      expect(row).not.toMatch(/(support|resistance) · reclaimed/);
    }
    // Once told, the level reads what the chat heard.
    expect(await levelRow('sui', '2025-04-08T18:45Z', '$2 ')).toContain('· resistance (was support) · lost 18:30 ·');
  });

  it('reads BTC $81,601 "price back below · reclaimed …, not lost yet" on Apr 10 14:00, price 0.9% under a level told reclaimed', async () => {
    const row = await levelRow('btc', '2025-04-10T14:00Z', '$81,601 ');
    expect(row).toContain('· price back below · reclaimed Apr 9 18:30, not lost yet · +0.9%');
  });
});

const feed = (book: LevelBook, closes: number[], from: number): string[] => feedCloses(book, closes, from, (o) => `${o.event.direction}${o.event.reclaim ? ' reclaim' : ''}`);

describe('the view state of a level (synthetic closes)', () => {
  it('reads testing from above, not "lost", while closes beyond the buffer wait for the confirmation a second break needs', () => {
    const book = new LevelBook(rules);
    book.add(level, 3050);
    // Lost at close 1 (3 buffers below: not far); seven hours later closes go 0.5% above, the first beyond the buffer.
    const said = feed(book, [3050, 2970, ...Array(28).fill(2990), 3015, 3015], 0);
    expect(said.filter(Boolean)).toEqual(['down']);
    const [v] = book.view('ETH', 3015);
    expect(v).toMatchObject({ role: 'support', state: 'testing', across: 'above', baseState: 'broken' });
  });

  it('reads the told state once price is back on the told side, whatever the last close said', () => {
    const book = new LevelBook(rules);
    book.add(level, 3050);
    feed(book, [3050, 2970, ...Array(28).fill(2990), 3015], 0);
    const [v] = book.view('ETH', 2900);
    expect(v).toMatchObject({ role: 'resistance', state: 'broken' });
    expect(v!.across).toBeUndefined();
  });

  it('reads a zone set around price "testing" once price leaves it before a close does, from that side', () => {
    const book = new LevelBook(rules);
    book.add({ ...level, id: 'ETH@2990-3010', level: [2990, 3010] }, 3000);
    const [v] = book.view('ETH', 3040);
    expect(v).toMatchObject({ role: 'support', state: 'testing', across: 'above' });
  });

  it('has no state without a price: the row is the level alone', () => {
    const m = new Market(buildConfig({}));
    m.ingest({ type: 'level', ts: T0, asset: 'ETH', level: 3000 });
    m.catchUp(T0 + M15);
    const st = m.levelStatus('ETH');
    expect(st.levels.map((v) => v.state)).toEqual(['unknown']);
    const text = replyText(levelsReply(st, { exchanges: [], sampled: [], gaps: [], synthetic: false }));
    expect(text).toContain('No price yet: states update once prices arrive.');
    expect(text).not.toMatch(/holding|testing|inside/);
  });
});
