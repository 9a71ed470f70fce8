/**
 * The weekly digest of a chat's levels: for each level the group watched or proposed, whether it held, broke or
 * was reclaimed over the week (on hourly closes, as level-history.ts reads them), how price behaved after (the
 * follow-through of a break, the bounce off a level that held), and which proposals were right: the ones whose
 * level held when price came to it. Only over the bars the engine has: the digest names that span.
 */
import { levelHistory, type LevelEpisode } from './level-history.js';
import { bounds, type LevelValue } from './levels.js';
import type { Ohlc } from './prices.js';
import type { Proposal } from './proposals.js';

export type Verdict = 'held' | 'broke' | 'reclaimed' | 'untested';

export interface DigestItem {
  asset: string;
  level: LevelValue;
  label?: string;
  /** Read from this time on (when the level was set or proposed, or the week's start). */
  since: number;
  /** The proposal it came from (or that proposed it without adoption). */
  proposal?: Proposal;
  /** Watched by the chat (adopted or added by an admin), or only proposed. */
  watched: boolean;
  /**
   * The level's last break told before the week is read from (a level lost the day the week began, before its first
   * bar): what a level not tested since still is.
   */
  toldBefore?: { ts: number; direction: 'up' | 'down'; undid: boolean };
}

export interface DigestLevel extends DigestItem {
  verdict: Verdict;
  tests: number;
  /** The first break of the week and the liquidations around it. */
  firstBreak?: LevelEpisode;
  /** After the first break: the furthest price went on in its direction within a day, in percent of the break close. */
  followPct?: number;
  /** After the first test of a level that held: the furthest price moved away from it within a day, in percent. */
  bouncePct?: number;
}

export interface Digest {
  chat: string;
  from: number;
  to: number;
  /** The bars actually read, over every asset (undefined without any). */
  dataFrom?: number;
  dataTo?: number;
  levels: DigestLevel[];
  /** Proposals whose level held a test by at least `rightBouncePct`: the group's good calls. */
  right: DigestLevel[];
}

export interface DigestInputs {
  chat: string;
  from: number;
  to: number;
  items: readonly DigestItem[];
  bars: (asset: string, from: number, to: number) => Ohlc[];
  liquidations: (asset: string, from: number, to: number) => { ts: number; longUsd: number; shortUsd: number }[];
  /** Where `asset`'s prices stop (the end of its last price's minute), when known: the last bar may be an hour's part. */
  pricesEnd?: (asset: string) => number | undefined;
  testingPct: number;
  /** A held level counts as a right call when price moved this far away after the test (default 1%). */
  rightBouncePct?: number;
}

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

/**
 * Where the bars read end: the last one's hour, but no later than the week (a bar that began at a level's 10:17 would
 * run past it) nor the prices (a week whose data stops at 16:20 is not read to 17:00).
 */
function barsEnd(lastBar: number, to: number, pricesEnd: number | undefined): number {
  return Math.min(lastBar + HOUR, to, pricesEnd ?? Infinity);
}

export function weeklyDigest(inputs: DigestInputs): Digest {
  const digest: Digest = { chat: inputs.chat, from: inputs.from, to: inputs.to, levels: [], right: [] };
  for (const item of inputs.items) {
    const since = Math.max(item.since, inputs.from);
    const bars = inputs.bars(item.asset, since, inputs.to);
    if (bars.length) {
      digest.dataFrom = Math.min(digest.dataFrom ?? Infinity, bars[0]!.ts);
      digest.dataTo = Math.max(digest.dataTo ?? -Infinity, barsEnd(bars[bars.length - 1]!.ts, inputs.to, inputs.pricesEnd?.(item.asset)));
    }
    const history = levelHistory(item.level, { bars, liquidations: inputs.liquidations(item.asset, since, inputs.to), testingPct: inputs.testingPct, aroundMs: HOUR, barMs: HOUR });
    const moves = history.episodes.filter((e) => e.kind !== 'test');
    const tests = history.episodes.filter((e) => e.kind === 'test').length;
    const last = moves[moves.length - 1];
    const verdict: Verdict = last ? (last.kind === 'reclaim' ? 'reclaimed' : 'broke') : tests > 0 ? 'held' : 'untested';
    const out: DigestLevel = { ...item, since, verdict, tests };
    // Told by the first bar read (its open), or not at all: a break after it is one the bars show, the week's own.
    if (out.toldBefore && out.toldBefore.ts > (bars[0]?.ts ?? since)) delete out.toldBefore;
    const first = moves[0];
    const [lo, hi] = bounds(item.level);
    if (first) {
      out.firstBreak = first;
      const after = bars.filter((b) => b.ts >= first.ts && b.ts < first.ts + DAY);
      if (after.length) {
        out.followPct = first.direction === 'down'
          ? ((first.price - Math.min(...after.map((b) => b.low))) / first.price) * 100
          : ((Math.max(...after.map((b) => b.high)) - first.price) / first.price) * 100;
      }
    } else if (tests > 0) {
      const test = history.episodes.find((e) => e.kind === 'test')!;
      const after = bars.filter((b) => b.ts >= test.ts - HOUR && b.ts < test.ts + DAY);
      out.bouncePct = test.direction === 'down'
        ? ((Math.max(...after.map((b) => b.high)) - hi) / hi) * 100
        : ((lo - Math.min(...after.map((b) => b.low))) / lo) * 100;
    }
    digest.levels.push(out);
    if (item.proposal && verdict === 'held' && (out.bouncePct ?? 0) >= (inputs.rightBouncePct ?? 1)) digest.right.push(out);
  }
  return digest;
}
