/**
 * What ended a chop carries the line the rule drew where it decided (`ChopEnd`): the margin of a far close, the hours
 * that end a chop and, soon after a break, how far the last close had to be; and a chopping level taken along by
 * another level's break on its price line (`joinCrossed`) carries whose break, so its message can say why it is there.
 */
import { describe, expect, it } from 'vitest';
import { LevelBook, type LevelRules, type LevelTrack } from '../../src/core/levels.js';
import { level, M15, rules, T0 } from './level-rules.js';

const H = 3_600_000;
/** ETH $3,000 lost `ago` before T0 (not far), chopping since 20 h before in $2,950–3,100: out of that range is far off. */
const chopping = (ago: number): LevelTrack => ({
  id: level.id, position: 'below', seen: 'below', state: 'broken', changedAt: T0 - ago, lastBreak: { ts: T0 - ago, direction: 'down', price: 2980 },
  crossings: [T0 - 20 * H, T0 - 10 * H, T0 - ago], chop: { since: T0 - 20 * H, crosses: 3, low: 2950, high: 3100 },
});
const configured = { ...level, source: 'config' as const };

function ends(r: LevelRules, track: LevelTrack, closes: number[]) {
  const book = new LevelBook(r);
  book.add(configured, undefined, track);
  return closes.flatMap((close, i) => {
    const ts = T0 + i * M15;
    return book.onClose('ETH', { ts, end: ts + M15, open: close, high: close + 1, low: close - 1, close }).map((e) => ({ i, fromChop: e.fromChop, buffer: book.buffer('ETH', 3000) }));
  });
}

describe('the line a chop\'s end passed', () => {
  it('far: the margin beyond the level, decisiveFactor buffers as the close was judged', () => {
    // The buffer is the 0.3% floor ($9) on these quiet candles: far is $45 beyond.
    expect(ends(rules, chopping(7 * H), [3050])).toEqual([{ i: 0, buffer: 9, fromChop: { crosses: 4, since: T0 - 20 * H, by: 'far', margin: 45 } }]);
  });

  it('held: the hours that end a chop, and no more once the flip window is over', () => {
    const held = ends({ ...rules, flipBuffers: 2 }, chopping(7 * H), [3015, 3015, 3015, 3015, 3015, 3015, 3015, 3015]);
    expect(held).toEqual([{ i: 7, buffer: 9, fromChop: { crosses: 4, since: T0 - 20 * H, by: 'held', heldMs: 2 * H, decisiveMs: 2 * H } }]);
  });

  it('held soon after a break: the last close had to be flipBuffers buffers beyond the level too', () => {
    // Lost 3 h before: two hours above at $3,015 are not enough, the last must clear $3,018; $3,025 does, 15 minutes on.
    const held = ends({ ...rules, flipBuffers: 2 }, chopping(3 * H), [3015, 3015, 3015, 3015, 3015, 3015, 3015, 3015, 3025]);
    expect(held).toEqual([{ i: 8, buffer: 9, fromChop: { crosses: 4, since: T0 - 20 * H, by: 'held', heldMs: 2.25 * H, decisiveMs: 2 * H, clear: 18 } }]);
  });
});

describe('a chopping level taken along by a break on its price line', () => {
  // Quiet unless the close is far (20 buffers) or has stayed beyond the level 45 minutes: neither close below is.
  const loose: LevelRules = { ...rules, chopCrosses: 10, decisiveFactor: 20 };
  const zone = (id: string, v: [number, number], side: 'above' | 'below'): LevelTrack => ({
    id, position: side, seen: side, state: 'broken', changedAt: T0 - 5 * H,
    lastBreak: { ts: T0 - 5 * H, direction: side === 'above' ? 'up' : 'down', price: v[1] },
    crossings: [T0 - 20 * H, T0 - 10 * H, T0 - 5 * H], chop: { since: T0 - 20 * H, crosses: 3, low: 2970, high: 3030 },
  });
  const close = (book: LevelBook, price: number) => book.onClose('ETH', { ts: T0, end: T0 + M15, open: price, high: price + 2, low: price - 2, close: price });

  it('ends its chop naming the break it was taken along by, the crossing of this close counted', () => {
    const book = new LevelBook(loose);
    book.add({ ...configured, id: 'zone', level: [3000, 3080] }, undefined, zone('zone', [3000, 3080], 'above'));
    book.add(configured, 3050);
    expect(close(book, 2960).map((e) => [e.level.id, e.fromChop])).toEqual([
      ['ETH@3000', undefined],
      ['zone', { crosses: 4, since: T0 - 20 * H, by: 'joined', with: 3000 }],
    ]);
    // The chat has heard of that chop now: the message said it.
    expect(book.track('zone')!.chop).toMatchObject({ resolved: 'below', heard: true });
  });

  it('through a level taken along itself, names the break of the one it is on the line of', () => {
    // A zone [2990, 3060] broken up for the first time, and $3,000 inside it, chopping, last told lost; a zone [2900,
    // 3000] chopping too, whose top is $3,000's line.
    const book = new LevelBook(loose);
    book.add(configured, undefined, { ...zone(level.id, [3000, 3000], 'below') });
    book.add({ ...configured, id: 'zone', level: [2990, 3060] }, 2970);
    book.add({ ...configured, id: 'under', level: [2900, 3000] }, undefined, zone('under', [2900, 3000], 'below'));
    expect(close(book, 3100).map((e) => [e.level.id, e.fromChop?.by === 'joined' ? e.fromChop.with : e.fromChop?.by])).toEqual([
      ['zone', undefined],
      ['ETH@3000', [2990, 3060]],
      ['under', 3000],
    ]);
  });
});
