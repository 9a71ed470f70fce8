/**
 * A level's history as the engine's own bars show it: when price tested it, closed through it (a break) and closed
 * back (a reclaim), with the liquidations around each. Read on hourly closes, not the alert rules' buffered closes
 * (levels.ts), and only over the bars the engine has: it never claims more than that span. A break and a reclaim are
 * named as the alerts name them (a close back across undoes the last break: a support won back, or a breakout that
 * fell back within a day), from the last break told before the bars when the caller knows it, not from the side the
 * first bar happened to close on: a level lost the day before and won back in the span is reclaimed, not "broke up".
 */
import { bounds, type LevelValue } from './levels.js';
import type { Ohlc } from './prices.js';

export type EpisodeKind = 'test' | 'break' | 'reclaim';

export interface LevelEpisode {
  kind: EpisodeKind;
  /** The close that showed it: the end of its bar. */
  ts: number;
  /** `down`: from above to below (a support lost); `up`: from below to above. A test: the side it came from. */
  direction: 'up' | 'down';
  /** The close (a break or reclaim) or the extreme that touched (a test). */
  price: number;
  /** Liquidations within `aroundMs` either side of the bar, by side. */
  longUsd: number;
  shortUsd: number;
}

export interface LevelHistory {
  /** The span of bars read (undefined without bars). */
  from?: number;
  to?: number;
  episodes: LevelEpisode[];
}

export interface HistoryInputs {
  bars: readonly Ohlc[];
  /** Liquidations per step (the same step as the bars or finer), by side. */
  liquidations: readonly { ts: number; longUsd: number; shortUsd: number }[];
  /** A bar reaching within this percent of the level without closing through it is a test. */
  testingPct: number;
  /** How far either side of an episode its liquidations are summed. */
  aroundMs: number;
  /** The bars' length: an episode is dated at its bar's close. */
  barMs: number;
  /** The level's last break told before the bars (levels.ts `lastBreak`; `reclaim`: it undid the one before). */
  toldBefore?: { ts: number; direction: 'up' | 'down'; reclaim: boolean };
}

/** A breakout undone within this long failed; after it the level was support, and losing it is a break (levels.ts). */
const BREAKOUT_FAILS_MS = 24 * 3_600_000;

/**
 * Walk the bars once: the side of each close; a close on the other side is a break or, when it undoes the last one
 * (told before the bars, or read in them), a reclaim; consecutive touching bars on one side are one test.
 */
export function levelHistory(level: LevelValue, inputs: HistoryInputs): LevelHistory {
  const { bars } = inputs;
  if (bars.length === 0) return { episodes: [] };
  const [lo, hi] = bounds(level);
  const near = (hi * inputs.testingPct) / 100;
  const sideOf = (close: number): 'above' | 'below' | undefined => (close > hi ? 'above' : close < lo ? 'below' : undefined);
  const episodes: LevelEpisode[] = [];
  // The last break and whether it stands (a reclaim leaves nothing to undo), as levels.ts keeps them.
  let last = inputs.toldBefore;
  let broken = last !== undefined && !last.reclaim;
  let side: 'above' | 'below' | undefined;
  let testing = false;
  for (const bar of bars) {
    const now = sideOf(bar.close);
    if (now === undefined) {
      // Closing inside a zone: a test of it from the side price was on.
      if (side !== undefined && !testing) {
        episodes.push(episode(inputs, 'test', bar.ts + inputs.barMs, side === 'above' ? 'down' : 'up', side === 'above' ? bar.low : bar.high));
        testing = true;
      }
      continue;
    }
    if (side === undefined) {
      side = now;
      continue;
    }
    if (now !== side) {
      const direction = now === 'below' ? 'down' : 'up';
      const ts = bar.ts + inputs.barMs;
      const undoes = broken && last !== undefined && last.direction !== direction && (direction === 'up' || ts - last.ts <= BREAKOUT_FAILS_MS);
      episodes.push(episode(inputs, undoes ? 'reclaim' : 'break', ts, direction, bar.close));
      last = { ts, direction, reclaim: undoes };
      broken = !undoes;
      side = now;
      // The bars just after a crossing still sit at the level: they are its run, not a new test.
      testing = true;
      continue;
    }
    const touched = side === 'above' ? bar.low <= hi + near : bar.high >= lo - near;
    if (touched && !testing) episodes.push(episode(inputs, 'test', bar.ts + inputs.barMs, side === 'above' ? 'down' : 'up', side === 'above' ? bar.low : bar.high));
    testing = touched;
  }
  return { from: bars[0]!.ts, to: bars[bars.length - 1]!.ts + inputs.barMs, episodes };
}

function episode(inputs: HistoryInputs, kind: EpisodeKind, ts: number, direction: 'up' | 'down', price: number): LevelEpisode {
  let longUsd = 0;
  let shortUsd = 0;
  for (const l of inputs.liquidations) {
    if (l.ts < ts - inputs.aroundMs || l.ts > ts + inputs.aroundMs) continue;
    longUsd += l.longUsd;
    shortUsd += l.shortUsd;
  }
  return { kind, ts, direction, price, longUsd, shortUsd };
}
