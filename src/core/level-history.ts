/**
 * A level's history as the engine's own bars show it: when price tested it, closed through it (a break) and closed
 * back (a reclaim), with the liquidations around each. Read on hourly closes, not the alert rules' buffered closes
 * (levels.ts), and only over the bars the engine has: it never claims more than that span.
 */
import { bounds, type LevelValue } from './levels.js';
import type { Ohlc } from './prices.js';

export type EpisodeKind = 'test' | 'break' | 'reclaim';

export interface LevelEpisode {
  kind: EpisodeKind;
  /** The bar's start. */
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
}

/**
 * Walk the bars once: the side of each close; a close on the other side is a break (away from the side price
 * started on) or a reclaim (back to it); consecutive touching bars on one side are one test.
 */
export function levelHistory(level: LevelValue, inputs: HistoryInputs): LevelHistory {
  const { bars } = inputs;
  if (bars.length === 0) return { episodes: [] };
  const [lo, hi] = bounds(level);
  const near = (hi * inputs.testingPct) / 100;
  const sideOf = (close: number): 'above' | 'below' | undefined => (close > hi ? 'above' : close < lo ? 'below' : undefined);
  const episodes: LevelEpisode[] = [];
  let start: 'above' | 'below' | undefined;
  let side: 'above' | 'below' | undefined;
  let testing = false;
  for (const bar of bars) {
    const now = sideOf(bar.close);
    if (now === undefined) {
      // Closing inside a zone: a test of it from the side price was on.
      if (side !== undefined && !testing) {
        episodes.push(episode(inputs, 'test', bar.ts, side === 'above' ? 'down' : 'up', side === 'above' ? bar.low : bar.high));
        testing = true;
      }
      continue;
    }
    if (side === undefined) {
      side = now;
      start ??= now;
      continue;
    }
    if (now !== side) {
      const direction = now === 'below' ? 'down' : 'up';
      episodes.push(episode(inputs, now === start ? 'reclaim' : 'break', bar.ts, direction, bar.close));
      side = now;
      testing = false;
      continue;
    }
    const touched = side === 'above' ? bar.low <= hi + near : bar.high >= lo - near;
    if (touched && !testing) episodes.push(episode(inputs, 'test', bar.ts, side === 'above' ? 'down' : 'up', side === 'above' ? bar.low : bar.high));
    testing = touched;
  }
  return { from: bars[0]!.ts, to: bars[bars.length - 1]!.ts, episodes };
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
