/**
 * A level set into a chop (price crossing it when it was added) has no side the chat was told of: the close that
 * ends its chop out of the range it chopped in is told whichever way it goes, and its messages count the crossings
 * since it was set. On the real Feb 2025 week (ETH $3,141.2, lost in the Feb 2-3 crash with nothing said before) and on
 * synthetic closes.
 */
import { describe, expect, it } from 'vitest';
import { LevelBook } from '../../src/core/levels.js';
import { feed as feedCloses, level, M15, rules, T0 } from './level-rules.js';
import { cli } from '../helpers.js';

const FEBRUARY = 'fixtures/binance-2025-02-levels-15m.real.jsonl';

describe('ETH $3,141.2 on the real Feb 2025 week: set at 00:00 on Feb 2 below price, crossed at once', () => {
  it('tells the loss at 03:15, when a close left the range it chopped in, once', async () => {
    const { code, out } = await cli('replay', FEBRUARY);
    expect(code).toBe(0);
    const lines = out.split('\n').filter((l) => l.includes('$3,141.2'));
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^2025-02-02 03:15 UTC {2}⬇️ ETH lost \$3,141\.2 \| 15m close \$3,095 /);
    // Counted since the level was set (00:00), not since price began crossing $3,141.2 on Saturday: the level's own.
    expect(lines[0]).toContain('Decisive: a close $16.5 below the range it chopped in ($3,111), more than its $16.4 buffer, after 1h 15 min below $3,141.2 and 2 crosses since it was set at 00:00.');
  });

  it('counts that held break as told in replay --stats (held 1, told 1)', async () => {
    const { out } = await cli('replay', FEBRUARY, '--stats');
    const row = out.split('\n').find((l) => /^ETH\s+3141\.2\s/.test(l));
    expect(row).toMatch(/^ETH\s+3141\.2\s+1\s+1\s+0 \(0%\)\s+1\s+1\s/);
  });

  it('reads "lost Feb 2 03:15" on Feb 3, with price 26% under it, never "holding"', async () => {
    const { out } = await cli('levels', 'eth', '--data', FEBRUARY, '--at', '2025-02-03T02:10Z');
    const row = out.split('\n').find((l) => l.startsWith('$3,141.2 '))!;
    expect(row).toContain('· resistance (was support) · lost Feb 2 03:15 · +26%');
    expect(row).not.toContain('holding');
  });
});

const feed = (book: LevelBook, closes: number[], from: number): string[] => feedCloses(book, closes, from, (o) => `${o.event.direction}${o.event.fromChop ? ` by ${o.event.fromChop.by}` : ''}`);

/**
 * Price chopped around $3,000 (2h at $2,975, 2h at $3,025, 2h at $2,975: two crossings) before the level is set at
 * $2,975, below it; the buffer is the 0.3% floor ($9), so the range it chops in is $2,966–3,034 and far is $2,955.
 */
function seededBook(): LevelBook {
  const book = new LevelBook(rules);
  feed(book, [...Array(8).fill(2975), ...Array(8).fill(3025), ...Array(8).fill(2975)], 0);
  book.add(level, 2975);
  expect(book.track(level.id)).toMatchObject({ position: 'below', seen: 'below', crossings: [T0 + 9 * M15, T0 + 17 * M15] });
  return book;
}

describe('a level set into a chop (synthetic closes)', () => {
  it('says nothing on its first cross: it chops from there, and /levels does not say so before a message has', () => {
    const book = seededBook();
    expect(feed(book, [3025, 3025, 3025, 3025, 3025], 24)).toEqual(['', '', '', '', '']);
    expect(book.view('ETH', 3025)[0]).toMatchObject({ role: 'support', state: 'testing', across: 'above' });
    expect(book.view('ETH', 3025)[0]!.chop).toBeUndefined();
  });

  it('tells a close back on the side it was set on that leaves the range it chopped in, 45 minutes below the level', () => {
    const book = seededBook();
    const said = feed(book, [3025, 3025, 3025, 3025, 3025, 2985, 2985, 2985, 2960], 24);
    expect(said.filter(Boolean)).toEqual(['down by range']);
    expect(said.at(-1)).toBe('down by range');
    expect(book.view('ETH', 2960)[0]).toMatchObject({ role: 'resistance', state: 'broken' });
  });

  it('tells a close far beyond on the side it was set on, out of the range', () => {
    const book = seededBook();
    expect(feed(book, [3025, 3025, 3025, 3025, 3025, 2950], 24).filter(Boolean)).toEqual(['down by far']);
  });

  it('does not tell two hours of closes back under it inside the range: price still hovers where it chopped', () => {
    const book = seededBook();
    expect(feed(book, [3025, 3025, 3025, 3025, 3025, ...Array(8).fill(2985)], 24).filter((x) => x !== 'chop' && x !== '')).toEqual([]);
  });
});
