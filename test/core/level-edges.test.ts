/** A level's rules at their edges: testing on both sides of price, and the cooldown between opposite breaks. */
import { describe, expect, it } from 'vitest';
import { LevelBook, type Level, type LevelRules } from '../../src/core/levels.js';

const M15 = 900_000;
const T0 = Date.parse('2026-03-02T00:00:00Z');
const rules: LevelRules = {
  breakBufferPct: 0.3, atrMultiple: 0.5, atrPeriods: 14, testingPct: 0.75, cooldownMs: 2 * M15,
  chopWindowMs: 72 * 3_600_000, chopCrosses: 2, chopRangeMs: 24 * 3_600_000, decisiveFactor: 3, decisiveMs: 4 * 3_600_000, acceptMs: 3_600_000, flipMs: 0, flipBuffers: 3, confirmMs: 0,
};
const level = (id: string, v: number | [number, number]): Level => ({ id, asset: 'ETH', level: v, source: 'chat', createdAt: T0 });

describe('testing: within testingPct of price, on either side', () => {
  it('a support 0.3% below price and a resistance 0.3% above are "testing"; 5% away they keep their state', () => {
    const book = new LevelBook(rules);
    for (const [id, v] of [['s-near', 2992], ['r-near', 3009], ['s-far', 2850], ['r-far', 3150]] as const) book.add(level(id, v), 3000);
    const shown = Object.fromEntries(book.view('ETH', 3000).map((v) => [v.level.id, `${v.role} ${v.state}`]));
    expect(shown).toEqual({ 's-near': 'support testing', 'r-near': 'resistance testing', 's-far': 'support holding', 'r-far': 'resistance holding' });
  });
});

describe('break cooldown', () => {
  it('a close back across a level within the cooldown (two 15m closes) is not told', () => {
    const book = new LevelBook(rules);
    book.add(level('l', 3000), 3050);
    // Buffer 0.3% = $9: 2985 is a break (not a far one, which would skip the cooldown); 3015, 15 minutes later, is inside the cooldown.
    const said = [3050, 2985, 3015].map((close, i) => {
      const ts = T0 + i * M15;
      return book.judge('ETH', { ts, end: ts + M15, open: close, high: close + 2, low: close - 2, close }).map((o) => (o.kind === 'break' ? o.event.direction : o.kind)).join(',');
    });
    expect(said).toEqual(['', 'down', '']);
    expect(book.track('l')).toMatchObject({ state: 'broken', lastBreak: { direction: 'down', ts: T0 + 2 * M15 } });
  });
});
