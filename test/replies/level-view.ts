/**
 * A BTC level as the level book views it at `price`, for tests of the replies that read views: its role and distance
 * from where price is, its told state, and as options a last break (`direction` at `breakTs`), price across it from
 * the side told with no close confirming it (`across`: state testing), or a chop heard of (`chop` crosses: chopping).
 */
import type { LevelValue, LevelView, ToldState } from '../../src/core/levels.js';

export const NOW = Date.parse('2025-10-13T20:30:00Z');

export interface ViewOptions {
  direction?: 'up' | 'down';
  breakTs?: number;
  across?: boolean;
  chop?: number;
}

export function levelView(level: LevelValue, price: number, told: ToldState, opts: ViewOptions = {}): LevelView {
  const [lo, hi] = typeof level === 'number' ? [level, level] : level;
  const role = price > hi ? 'support' : price < lo ? 'resistance' : 'inside';
  const edge = role === 'support' ? hi : role === 'resistance' ? lo : price;
  const v: LevelView = {
    level: { id: `BTC@${String(level)}`, asset: 'BTC', level, source: 'event', createdAt: 0 },
    role,
    distancePct: ((edge - price) / price) * 100,
    state: opts.chop !== undefined ? 'chopping' : opts.across ? 'testing' : told,
    baseState: told,
  };
  if (opts.across) v.across = role === 'support' ? 'above' : 'below';
  if (opts.direction) v.lastBreak = { ts: opts.breakTs ?? NOW - 86_400_000, direction: opts.direction, price: edge };
  if (opts.chop !== undefined) v.chop = { since: NOW - 3 * 3_600_000, crosses: opts.chop, low: lo * 0.98, high: hi * 1.02 };
  return v;
}
