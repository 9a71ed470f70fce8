/**
 * The weekly digest of a chat's levels: for each level the group watched or proposed, what the week did to it and how
 * price behaved after, and which proposals were right (the ones whose level held when price came to it). A watched
 * level's breaks and reclaims are the ones the level engine told, with the alerts' times and closes: the digest
 * never re-reads them from candles, so it cannot contradict the alerts or /levels. Tests, follow-through and bounces
 * are read on hourly closes (level-history.ts), and so are the breaks of a proposal nobody adopted (no alert watched
 * it). Only over the bars the engine has, and each level only from when it was set or proposed (the week before it is
 * not its: no alert watched it, no call had been made): the digest names the span it read, and where the bot's prices
 * begin when they go back further.
 */
import { levelHistory, type LevelEpisode } from './level-history.js';
import { bounds, type LevelValue } from './levels.js';
import type { Ohlc } from './prices.js';
import type { Proposal } from './proposals.js';

/**
 * What the week did to a level, from its last break: `broke` (lost, or broke up) or `reclaimed` (a support won back,
 * or a breakout that failed), as the alerts told it; `crossed`: hourly closes went through a watched level but no
 * break was told (within its buffer, or while it chopped); `held`: tested and never closed through; `untested`.
 */
export type Verdict = 'held' | 'broke' | 'reclaimed' | 'crossed' | 'untested';

/** A break the level engine told (an alert's `level_break`): its close's time and price, and whether it undid the last one. */
export interface ToldBreak {
  ts: number;
  direction: 'up' | 'down';
  reclaim: boolean;
  price: number;
}

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
   * A watched level: the breaks the level engine told within the week, oldest first. The level's breaks are these
   * alone; without them (a proposal no alert watched) breaks are read on hourly closes.
   */
  told?: readonly ToldBreak[];
  /** The level's last break told before the week: what a level the week did not break still is. */
  toldBefore?: { ts: number; direction: 'up' | 'down'; undid: boolean };
}

/**
 * A break or reclaim of the week with the liquidations around it: within an hour either side of its close, clipped
 * where the window of the asset's break before or after it begins (half way between the two closes), so the digest's
 * figures never count one liquidation for two breaks of different moments, and add up to no more than the week's.
 */
export interface DigestBreak extends LevelEpisode {
  /** The window `longUsd` and `shortUsd` cover, both ends included: [ts − 1h, ts + 1h − 1 ms] unless clipped. */
  around?: [number, number];
}

export interface DigestLevel extends Omit<DigestItem, 'told'> {
  verdict: Verdict;
  /** Tests on hourly closes: touches that closed back. */
  tests: number;
  /** `crossed`: the hourly closes through the level that no break was told for. */
  crosses?: number;
  /**
   * The week's breaks and reclaims, oldest first, each with the liquidations around its close (`DigestBreak`): the ones
   * the alerts told (`byAlerts`) or, for a level no alert watched, the hourly closes through it.
   */
  breaks?: DigestBreak[];
  /** Its breaks are the level alerts' (a watched level), not read from closes. */
  byAlerts?: true;
  /** The first of `breaks`. */
  firstBreak?: DigestBreak;
  /** After the first break: the furthest price went on in its direction within a day, in percent of the break close. */
  followPct?: number;
  /** After the first test of a level that held: the furthest price moved away from it within a day, in percent. */
  bouncePct?: number;
  /** The way that move went: `up` off a support price came down to, `down` off a resistance it came up to. */
  bounceDirection?: 'up' | 'down';
}

export interface Digest {
  chat: string;
  from: number;
  to: number;
  /** The week so far (asked for mid-week, `to` is then), not a whole week that ended at `to`. */
  soFar?: true;
  /** The bars actually read, over every asset (undefined without any). */
  dataFrom?: number;
  dataTo?: number;
  /** The first hourly bar the bot has in the week of the digest's levels' assets: where its price data begins. */
  pricesFrom?: number;
  /**
   * Levels read from when they were set (`set`: watched) or proposed (`proposed`), later than the bot's prices of their
   * asset begin in the week: the bars before are not theirs (no alert watched them, no call had been made yet).
   */
  readFromSet?: { set: boolean; proposed: boolean };
  levels: DigestLevel[];
  /** Proposals whose level held a test by at least `rightBouncePct`: the group's good calls. */
  right: DigestLevel[];
}

export interface DigestInputs {
  chat: string;
  /** The week's start: hourly bars are read from whole hours after it (on the clock, not the moment a level was set). */
  from: number;
  to: number;
  items: readonly DigestItem[];
  /** Hourly bars over [from, to), the first starting at `from`. */
  bars: (asset: string, from: number, to: number) => Ohlc[];
  /** Liquidations per hour over [from, to), the first hour starting at `from`. */
  liquidations: (asset: string, from: number, to: number) => { ts: number; longUsd: number; shortUsd: number }[];
  /**
   * What `/liqs` counts over [from, to] (single orders and a vendor's hourly totals of venues without them), for a
   * break's figure; without it, the single orders of `liquidations`.
   */
  windowTotals?: (asset: string, from: number, to: number) => { longUsd: number; shortUsd: number };
  /** Where `asset`'s prices stop (the end of its last price's minute), when known: the last bar may be an hour's part. */
  pricesEnd?: (asset: string) => number | undefined;
  testingPct: number;
  /** A held level counts as a right call when price moved this far away after the test (default 1%). */
  rightBouncePct?: number;
}

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
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
  // Where each asset's prices begin in the week: a level set later is read from then, and the digest says so.
  const firstBars = new Map<string, number | undefined>();
  const pricesFrom = (asset: string): number | undefined => {
    if (!firstBars.has(asset)) firstBars.set(asset, inputs.bars(asset, inputs.from, inputs.to)[0]?.ts);
    return firstBars.get(asset);
  };
  for (const { told, ...item } of inputs.items) {
    const since = Math.max(item.since, inputs.from);
    // Whole hours of the week's clock: a level set at 07:25 is read from 08:00, its bars closing at :00 like every other.
    const start = inputs.from + Math.ceil((since - inputs.from) / HOUR) * HOUR;
    const bars = start < inputs.to ? inputs.bars(item.asset, start, inputs.to) : [];
    const held = pricesFrom(item.asset);
    if (held !== undefined) {
      digest.pricesFrom = Math.min(digest.pricesFrom ?? Infinity, held);
      // Prices the bot has before the level was set (or proposed): not read for it.
      if (held < start) {
        const later = (digest.readFromSet ??= { set: false, proposed: false });
        if (item.watched) later.set = true;
        else later.proposed = true;
      }
    }
    if (bars.length) {
      digest.dataFrom = Math.min(digest.dataFrom ?? Infinity, bars[0]!.ts);
      digest.dataTo = Math.max(digest.dataTo ?? -Infinity, barsEnd(bars[bars.length - 1]!.ts, inputs.to, inputs.pricesEnd?.(item.asset)));
    }
    const liquidations = bars.length ? inputs.liquidations(item.asset, start, inputs.to) : [];
    const history = levelHistory(item.level, { bars, liquidations, testingPct: inputs.testingPct, aroundMs: HOUR, barMs: HOUR });
    const closesThrough = history.episodes.filter((e) => e.kind !== 'test');
    const tests = history.episodes.filter((e) => e.kind === 'test').length;
    const breaks: DigestBreak[] = told ? told.map(toldEpisode) : closesThrough.map((e) => ({ ...e }));
    const last = breaks[breaks.length - 1];
    let verdict: Verdict;
    if (last) verdict = last.kind === 'reclaim' ? 'reclaimed' : 'broke';
    // Closed through on the hour, never told: the alert rules held it (inside its buffer, or chopping), so no break.
    else if (told && closesThrough.length) verdict = 'crossed';
    else verdict = tests > 0 ? 'held' : 'untested';
    const out: DigestLevel = { ...item, since, verdict, tests };
    if (verdict === 'crossed') out.crosses = closesThrough.length;
    if (told) out.byAlerts = true;
    // Without the alerts' word: told by the first bar read (its open), or not at all (a later break the bars show).
    else if (out.toldBefore && out.toldBefore.ts > (bars[0]?.ts ?? since)) delete out.toldBefore;
    const [lo, hi] = bounds(item.level);
    const first = breaks[0];
    if (first) {
      out.breaks = breaks;
      out.firstBreak = first;
      // Within a day of its close (bars from that moment on), inside the week.
      const after = inputs.bars(item.asset, first.ts, Math.min(first.ts + DAY, inputs.to));
      if (after.length) {
        out.followPct = first.direction === 'down'
          ? ((first.price - Math.min(...after.map((b) => b.low))) / first.price) * 100
          : ((Math.max(...after.map((b) => b.high)) - first.price) / first.price) * 100;
      }
    } else if (verdict === 'held') {
      const test = history.episodes.find((e) => e.kind === 'test')!;
      const after = bars.filter((b) => b.ts >= test.ts - HOUR && b.ts < test.ts + DAY);
      out.bounceDirection = test.direction === 'down' ? 'up' : 'down';
      out.bouncePct = test.direction === 'down'
        ? ((Math.max(...after.map((b) => b.high)) - hi) / hi) * 100
        : ((lo - Math.min(...after.map((b) => b.low))) / lo) * 100;
    }
    digest.levels.push(out);
    if (item.proposal && verdict === 'held' && (out.bouncePct ?? 0) >= (inputs.rightBouncePct ?? 1)) digest.right.push(out);
  }
  liquidationsAround(inputs, digest.levels);
  return digest;
}

/**
 * Each break's liquidations: within an hour either side of its close, but for the asset's breaks of other moments,
 * whose windows meet half way between the two closes (to the minute), and inside the week. Breaks of one close (two
 * levels lost by one candle) share its window: the same liquidations are around both.
 */
function liquidationsAround(inputs: DigestInputs, levels: readonly DigestLevel[]): void {
  const byAsset = new Map<string, DigestBreak[]>();
  for (const l of levels) {
    let list = byAsset.get(l.asset);
    if (!list) byAsset.set(l.asset, (list = []));
    list.push(...(l.breaks ?? []));
  }
  for (const [asset, breaks] of byAsset) {
    const closes = [...new Set(breaks.map((e) => e.ts))].sort((a, b) => a - b);
    const around = new Map<number, { around: [number, number]; longUsd: number; shortUsd: number }>();
    closes.forEach((ts, i) => {
      const before = closes[i - 1], after = closes[i + 1];
      const lo = Math.max(inputs.from, ts - HOUR, before === undefined ? -Infinity : halfWay(before, ts));
      // The window ends before `hi`, where the next one begins: [lo, hi − 1], both ends in, as /liqs reads a window.
      const hi = Math.min(inputs.to, ts + HOUR, after === undefined ? Infinity : halfWay(ts, after));
      around.set(ts, { around: [lo, hi - 1], ...totalsOver(inputs, asset, lo, hi - 1) });
    });
    for (const e of breaks) Object.assign(e, around.get(e.ts));
  }
}

/** The minute half way between two closes, where the window of the earlier ends and the later's begins. */
function halfWay(a: number, b: number): number {
  return a + Math.ceil((b - a) / 2 / MINUTE) * MINUTE;
}

/** What `/liqs` counts over [from, to], or the single orders alone where the caller gives no such figure. */
function totalsOver(inputs: DigestInputs, asset: string, from: number, to: number): { longUsd: number; shortUsd: number } {
  if (to < from) return { longUsd: 0, shortUsd: 0 };
  if (inputs.windowTotals) {
    const t = inputs.windowTotals(asset, from, to);
    return { longUsd: t.longUsd, shortUsd: t.shortUsd };
  }
  let longUsd = 0, shortUsd = 0;
  for (const l of inputs.liquidations(asset, from, to)) {
    longUsd += l.longUsd;
    shortUsd += l.shortUsd;
  }
  return { longUsd, shortUsd };
}

/** A told break as an episode: the alert's close and time (its liquidations are set with the others', `liquidationsAround`). */
function toldEpisode(t: ToldBreak): DigestBreak {
  return { kind: t.reclaim ? 'reclaim' : 'break', ts: t.ts, direction: t.direction, price: t.price, longUsd: 0, shortUsd: 0 };
}
