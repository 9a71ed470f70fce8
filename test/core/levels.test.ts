/** A level's rules at their edges: testing on both sides of price, and the cooldown between opposite breaks. */
import { describe, expect, it } from 'vitest';
import { LevelBook, type Level } from '../../src/core/levels.js';
import type { ClosedCandle } from '../../src/core/prices.js';

const MIN = 60_000;
const T0 = Date.parse('2026-01-31T00:00:00Z');
const rules = { breakBufferPct: 0.1, testingPct: 0.5, cooldownMs: 30 * MIN, chopWindowMs: 6 * 3_600_000, chopBufferFactor: 3 };
const level = (id: string, v: number | [number, number]): Level => ({ id, asset: 'ETH', level: v, source: 'chat', createdAt: T0 });
const close = (end: number, price: number): ClosedCandle => ({ ts: end - 15 * MIN, end, open: price, high: price, low: price, close: price });

describe('testing: within testingPct of price, on either side', () => {
  it('a support 0.3% below price and a resistance 0.3% above are "testing"; 5% away they keep their state', () => {
    const book = new LevelBook(rules);
    for (const [id, v] of [['s-near', 2992], ['r-near', 3009], ['s-far', 2850], ['r-far', 3150]] as const) book.add(level(id, v), 3000);
    const shown = Object.fromEntries(book.view('ETH', 3000).map((v) => [v.level.id, `${v.role} ${v.state}`]));
    expect(shown).toEqual({ 's-near': 'support testing', 'r-near': 'resistance testing', 's-far': 'support holding', 'r-far': 'resistance holding' });
  });
});

describe('break cooldown', () => {
  it('a close back across a level within the cooldown is not a second break; after the cooldown it is a reclaim', () => {
    const book = new LevelBook(rules);
    book.add(level('l', 3000), 3100);
    expect(book.onClose('ETH', close(T0 + 15 * MIN, 2950)).map((b) => b.direction)).toEqual(['down']);
    // 15 minutes later (cooldown 30): back above, but no break yet.
    expect(book.onClose('ETH', close(T0 + 30 * MIN, 3050))).toEqual([]);
    expect(book.track('l')).toMatchObject({ state: 'broken', lastBreak: { direction: 'down', ts: T0 + 15 * MIN } });
    // At the cooldown's end, the close above is the reclaim.
    const reclaim = book.onClose('ETH', close(T0 + 45 * MIN, 3050));
    expect(reclaim.map((b) => [b.direction, b.reclaim])).toEqual([['up', true]]);
  });
});
