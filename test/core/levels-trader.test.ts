/**
 * A trader's audit of real days, mended: `/levels` says a level chops only once the chat has heard so (its chop
 * notice, or a break that counted the chop). On synthetic 15m closes (the default rules, level-rules.ts) and on the
 * real Apr 2025 week (ETH $1,800 and $1,796.1 on Apr 6).
 */
import { describe, expect, it } from 'vitest';
import { LevelBook } from '../../src/core/levels.js';
import { feed as feedCloses, level, M15, rules, T0 } from './level-rules.js';
import { cli } from '../helpers.js';

const APRIL = 'fixtures/binance-2025-04-levels-15m.real.jsonl';

/** Each close's outcomes: `chop` for a notice, else the level's id and the break's direction. */
const feed = (book: LevelBook, closes: number[], from: number): string[] =>
  feedCloses(book, closes, from, (o) => `${o.event.level.id} ${o.event.direction}${o.event.reclaim ? ' reclaim' : ''}`);

/** The closes that said something, as `index:words`. */
const said = (words: string[], from = 0): string[] => words.flatMap((w, i) => (w ? [`${i + from}:${w}`] : []));

describe('/levels says chopping only once the chat was told so', () => {
  /**
   * ETH $3,000 set with price at $3,050, lost at close 1 ($2,980, not far), back above for 45 minutes from close 4:
   * the second crossing, inside the 6 h after the break, makes a chop at close 6 whose notice is due two hours later.
   */
  const START = [3050, 2980, 2980, 2980, 3025, 3025, 3025];
  /** Closes either side of the level inside its buffer: no crossing, no acceptance. */
  const HOVER = [2990, 3010, 2990, 3010, 2990, 3010, 2990, 3010, 2990, 3010];

  it('reads the told "lost" (testing from above while price is back over it) until the chop notice is said, then chopping', () => {
    const book = new LevelBook(rules);
    book.add(level, 3050);
    expect(said(feed(book, START, 0))).toEqual(['1:ETH@3000 down']);
    // The chop is counted, its notice not said yet: the chat last heard "ETH lost $3,000".
    expect(book.track(level.id)!.chop).toMatchObject({ crosses: 2 });
    expect(book.track(level.id)!.chop!.noticeDue).toBeGreaterThan(T0 + 7 * M15);
    expect(book.view('ETH', 3025)[0]).toMatchObject({ role: 'support', state: 'testing', across: 'above', baseState: 'broken' });
    expect(book.view('ETH', 3001)[0]).toMatchObject({ state: 'testing', baseState: 'broken' });
    expect(book.view('ETH', 2950)[0]).toMatchObject({ role: 'resistance', state: 'broken', baseState: 'broken' });
    // Nor does the view carry the unsaid chop (`levels --json` would print its count and range).
    expect(book.view('ETH', 2950)[0]!.chop).toBeUndefined();
    // The notice, said two hours after the chop began: from then on the level reads chopping, near it or not.
    const hover = feed(book, HOVER, START.length);
    expect(said(hover, START.length)).toEqual(['14:chop']);
    expect(book.view('ETH', 3025)[0]).toMatchObject({ state: 'chopping', baseState: 'broken', chop: { crosses: 2 } });
    expect(book.view('ETH', 2950)[0]!.state).toBe('chopping');
  });

  it('reads chopping again when a chop a break counted ("after 2 crosses") is crossed again, not before that break', () => {
    const book = new LevelBook(rules);
    book.add(level, 3050);
    // The chop of close 6, unsaid: a close far above it at close 7 reclaims the level and counts the chop.
    feed(book, START, 0);
    expect(book.view('ETH', 3200)[0]).toMatchObject({ state: 'testing', across: 'above', baseState: 'broken' });
    expect(said(feed(book, [3200], START.length), START.length)).toEqual(['7:ETH@3000 up reclaim']);
    // Back under the level, not far: the chop the reclaim named goes on, and /levels says so.
    feed(book, [2950, 2950], 8);
    expect(book.view('ETH', 2950)[0]).toMatchObject({ state: 'chopping', baseState: 'reclaimed', chop: { crosses: 3 } });
  });
});

describe('ETH on Apr 6 2025 (the real Apr 2025 week)', () => {
  async function row(at: string, starts: string): Promise<string> {
    const { code, out } = await cli('levels', 'eth', '--data', APRIL, '--at', at);
    expect(code).toBe(0);
    const found = out.split('\n').find((l) => l.startsWith(starts));
    if (found === undefined) throw new Error(`no ${starts} row in:\n${out}`);
    return found;
  }

  it('reads $1,800 "price below · support" at 08:20, before any chop notice, and $1,796.1 the same at 09:20, after "lost $1,800"', async () => {
    // Support on the side of the last confirmed close, price under it: both facts (the floor the reading says is tested
    // from below), neither role alone.
    expect(await row('2025-04-06T08:20Z', '$1,800 ')).toContain('· price below · support, not lost yet · +0.5%');
    expect(await row('2025-04-06T09:20Z', '$1,796.1 ')).toContain('· price below · support, not lost yet · +0.2%');
    expect(await row('2025-04-06T10:20Z', '$1,796.1 ')).toMatch(/· resistance \(was support\) · testing, lost 10:00 · /);
  });
});
