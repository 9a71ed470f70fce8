/**
 * Levels a community watches and what price is doing at them. A level is a price or a zone; its role
 * follows price (support below, resistance above, "inside" a zone), so support that breaks becomes
 * resistance by itself. A break is a candle close beyond the level by a buffer, never a wick; after a break
 * the level re-arms only once price closes back past it (a reclaim).
 */
import type { LevelValue } from './alerts.js';
import type { ClosedCandle } from './prices.js';

export type Role = 'support' | 'resistance' | 'inside';
export type BaseState = 'holding' | 'broken' | 'reclaimed';
export type ShownState = BaseState | 'testing';

export interface Level {
  id: string;
  asset: string;
  level: LevelValue;
  label?: string;
  chat?: string;
  source: 'config' | 'event' | 'chat' | 'cascade';
  createdAt: number;
  expiresAt?: number;
}

export interface LevelTrack {
  id: string;
  position?: 'above' | 'below';
  state: BaseState;
  changedAt: number;
  lastBreak?: { ts: number; direction: 'up' | 'down'; price: number };
  /** The side of the last close beyond the base buffer, and when closes crossed sides within the chop window. */
  seen?: 'above' | 'below';
  crossings?: number[];
}

export interface LevelBreakEvent {
  level: Level;
  direction: 'up' | 'down';
  reclaim: boolean;
  price: number;
  ts: number;
}

export interface LevelView {
  level: Level;
  role: Role;
  /** Signed distance from price to the level's nearest edge, in percent of price (negative: below). */
  distancePct: number;
  state: ShownState;
  baseState: BaseState;
  lastBreak?: LevelTrack['lastBreak'];
}

export function bounds(v: LevelValue): [number, number] {
  return typeof v === 'number' ? [v, v] : v;
}

export function levelKey(asset: string, v: LevelValue): string {
  return typeof v === 'number' ? `${asset}@${v}` : `${asset}@${v[0]}-${v[1]}`;
}

export function roleAt(v: LevelValue, price: number): Role {
  const [lo, hi] = bounds(v);
  return price > hi ? 'support' : price < lo ? 'resistance' : 'inside';
}

export function distancePct(v: LevelValue, price: number): number {
  const [lo, hi] = bounds(v);
  const edge = price > hi ? hi : price < lo ? lo : price;
  return ((edge - price) / price) * 100;
}

export interface LevelRules {
  breakBufferPct: number;
  testingPct: number;
  /** After a break, the opposite break waits at least this long (chop around a level is not news twice). */
  cooldownMs: number;
  /** A level price crossed twice within this window is chopping: the next break needs `chopBufferFactor`× the buffer. */
  chopWindowMs: number;
  chopBufferFactor: number;
}

export class LevelBook {
  private readonly levels = new Map<string, Level>();
  private readonly tracks = new Map<string, LevelTrack>();

  /** Levels whose track changed without a break (a crossing): the store keeps them too, so chop survives a restart. */
  readonly touched = new Set<string>();

  constructor(private readonly rules: LevelRules) {}

  all(): Level[] {
    return [...this.levels.values()];
  }

  get(id: string): Level | undefined {
    return this.levels.get(id);
  }

  track(id: string): LevelTrack | undefined {
    return this.tracks.get(id);
  }

  tracksSnapshot(): LevelTrack[] {
    return [...this.tracks.values()].map((t) => ({ ...t }));
  }

  /** Add (or replace) a level; its position starts from the current price when one is known. */
  add(level: Level, price?: number, restored?: LevelTrack): void {
    this.levels.set(level.id, level);
    if (restored) {
      this.tracks.set(level.id, { ...restored, id: level.id });
      return;
    }
    const existing = this.tracks.get(level.id);
    if (existing) return;
    const track: LevelTrack = { id: level.id, state: 'holding', changedAt: level.createdAt };
    if (price !== undefined) {
      const role = roleAt(level.level, price);
      if (role !== 'inside') track.position = role === 'support' ? 'above' : 'below';
    }
    this.tracks.set(level.id, track);
  }

  remove(id: string): boolean {
    this.tracks.delete(id);
    return this.levels.delete(id);
  }

  /** Drop auto levels past their expiry. */
  expire(now: number): Level[] {
    const gone: Level[] = [];
    for (const l of this.levels.values()) {
      if (l.expiresAt !== undefined && l.expiresAt <= now) {
        gone.push(l);
        this.remove(l.id);
      }
    }
    return gone;
  }

  /** Judge a closed candle against every level of its asset; returns the breaks it confirms. */
  onClose(asset: string, c: ClosedCandle): LevelBreakEvent[] {
    const breaks: LevelBreakEvent[] = [];
    for (const level of this.levels.values()) {
      if (level.asset !== asset) continue;
      const track = this.tracks.get(level.id)!;
      const [lo, hi] = bounds(level.level);
      const mid = (lo + hi) / 2;
      const base = mid * (this.rules.breakBufferPct / 100);
      const seen = c.close < lo - base ? 'below' : c.close > hi + base ? 'above' : undefined;
      if (!seen) continue;
      // Crossings: closes beyond the base buffer on the other side from the last one, told or not. A level
      // that price crossed twice within the chop window is chopping: the next break needs a wider close.
      const crossings = track.crossings?.filter((ts) => c.end - ts < this.rules.chopWindowMs) ?? [];
      const chopping = crossings.length >= 2;
      if (seen !== track.seen) {
        if (track.seen !== undefined) track.crossings = [...crossings, c.end];
        track.seen = seen;
        this.touched.add(level.id);
      }
      const buffer = chopping ? base * this.rules.chopBufferFactor : base;
      const pos = c.close < lo - buffer ? 'below' : c.close > hi + buffer ? 'above' : undefined;
      if (!pos || pos === track.position) continue;
      if (!track.position) {
        track.position = pos; // first decisive close: now we know which side price accepted
        continue;
      }
      if (track.lastBreak && c.end - track.lastBreak.ts < this.rules.cooldownMs) continue;
      const direction = pos === 'below' ? 'down' : 'up';
      const reclaim = track.state === 'broken' && track.lastBreak !== undefined && track.lastBreak.direction !== direction;
      track.position = pos;
      track.state = reclaim ? 'reclaimed' : 'broken';
      track.changedAt = c.end;
      track.lastBreak = { ts: c.end, direction, price: c.close };
      breaks.push({ level, direction, reclaim, price: c.close, ts: c.end });
    }
    return breaks;
  }

  /** The levels a chat sees for an asset (global ones and its own), with role, distance and state at `price`. */
  view(asset: string, price: number, chat?: string): LevelView[] {
    const out: LevelView[] = [];
    for (const level of this.levels.values()) {
      if (level.asset !== asset) continue;
      if (level.chat !== undefined && level.chat !== chat) continue;
      const track = this.tracks.get(level.id)!;
      const role = roleAt(level.level, price);
      const dist = distancePct(level.level, price);
      const near = role === 'inside' || Math.abs(dist) <= this.rules.testingPct;
      const view: LevelView = { level, role, distancePct: dist, state: near ? 'testing' : track.state, baseState: track.state };
      if (track.lastBreak) view.lastBreak = track.lastBreak;
      out.push(view);
    }
    return out.sort((a, b) => bounds(b.level.level)[1] - bounds(a.level.level)[1]);
  }
}
