/**
 * The duplicate check's table against the two `Set`s it replaced (the model below, the bot's code before): the
 * same answer for every print, across generations turned by time and by count, hashes that share slots included.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { RecentPrints } from '../src/recent-prints.js';

class Model {
  private recent = new Set<number>();
  private older = new Set<number>();
  private recentFrom = -Infinity;
  seen(key: number, ts: number): boolean {
    if (ts - this.recentFrom >= 10 * 60_000 || this.recent.size >= 100_000) {
      if (this.recent.has(key) || this.older.has(key)) return true;
      this.older = this.recent;
      this.recent = new Set();
      this.recentFrom = ts;
      this.recent.add(key);
      return false;
    }
    const size = this.recent.size;
    this.recent.add(key);
    if (this.recent.size === size) return true;
    if (this.older.has(key)) {
      this.recent.delete(key);
      return true;
    }
    return false;
  }
}

const MAX_HASH = 2 ** 53 - 1;

describe('RecentPrints', () => {
  it('answers as the two sets did, print by print', () => {
    // Hashes from a small pool (repeats), some sharing their low 18 bits (one slot), some at the edges.
    const hash = fc.oneof(
      fc.integer({ min: 0, max: 40 }).map((i) => i * 2 ** 18 + 7),
      fc.integer({ min: 0, max: 40 }),
      fc.constantFrom(0, MAX_HASH, MAX_HASH - 1, 2 ** 32, 2 ** 32 - 1),
      fc.integer({ min: 0, max: MAX_HASH }),
    );
    fc.assert(
      fc.property(fc.array(fc.tuple(hash, fc.integer({ min: -60_000, max: 400_000 })), { maxLength: 300 }), (steps) => {
        const table = new RecentPrints(), model = new Model();
        let ts = 1_769_800_000_000;
        for (const [h, dt] of steps) {
          ts += dt;
          expect(table.seen(h, ts)).toBe(model.seen(h, ts));
        }
      }),
      { numRuns: 500 },
    );
  });

  it('keeps a print 10 to 20 minutes, and turns a generation after 100,000 prints', () => {
    const t = new RecentPrints(), T0 = 1_769_800_000_000;
    expect(t.seen(42, T0)).toBe(false);
    expect(t.seen(42, T0 + 9 * 60_000)).toBe(true);
    expect(t.seen(7, T0 + 19 * 60_000)).toBe(false); // a new generation begins; 42 is in the one before
    expect(t.seen(42, T0 + 25 * 60_000)).toBe(true);
    expect(t.seen(8, T0 + 31 * 60_000)).toBe(false); // another: 42's generation is dropped
    expect(t.seen(42, T0 + 32 * 60_000)).toBe(false);
    const u = new RecentPrints(), m = new Model();
    for (let i = 0; i < 250_000; i++) {
      const h = (i * 2_654_435_761) % 2 ** 40;
      expect(u.seen(h, T0)).toBe(m.seen(h, T0));
    }
    // The first prints are two generations back by count now: forgotten by both.
    expect(u.seen(0, T0)).toBe(m.seen(0, T0));
    expect(u.seen(2_654_435_761 * 150_001 % 2 ** 40, T0)).toBe(true);
  });
});
