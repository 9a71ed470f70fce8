/**
 * Cascade detection per asset and side. A cascade starts when liquidations in a rolling window are
 * abnormal: above the asset's own normal (a multiple of its median day, scaled to the window) and above
 * floors, so a quiet asset's small spike is not news. While it runs its message is edited as the tally grows (an
 * edit notifies no one but costs a send), and it ends when the window's sum stays low for a quiet period. Only
 * liquidations at the pace that called it keep it going (`PaceMeter`): a trickle of small prints after the flush
 * neither moves its end, nor joins its tally, nor holds off the quiet period. One that starts soon after the last one on
 * its asset and side ended is told as that flush's next leg, not as news of its own.
 */
import type { PositionSide } from './events.js';
import { isSampled } from './venues.js';

const SLICE_MS = 10_000;

/** A cascade as replies and the map remember it: finished (with `endedAt`) or still running. */
export interface CascadeRecord {
  id: string;
  asset: string;
  side: PositionSide;
  startedAt: number;
  endedAt?: number;
  usd: number;
  priceStart?: number;
  extreme?: number;
}

export interface CascadeRules {
  windowMs: number;
  endFraction: number;
  quietMs: number;
  /** The running message is edited once the tally has grown by this fraction since it was last posted, at most once per
   *  `updateMinMs`: growth reached sooner is posted when that time has passed, whether or not another print comes. */
  updateGrowth: number;
  updateMinMs: number;
  /** A cascade is many positions going at once: at least this many liquidations in the window, a print
   *  of a sampled stream (at most one per symbol and second, the latest) counting as `sampledPrintWeight`... */
  minLiquidations: number;
  sampledPrintWeight: number;
  /** ...and no single print of a complete stream above this share of the window's sum (one whale's print is
   *  not a flush; a sampled print stands for an unknown number of orders, so only a near-total one counts). */
  maxSingleShare: number;
  /** ...and the side holds at least this share of both sides' liquidations in the window (the shorts caught
   *  in a long flush's wicks are not a short cascade). */
  minSideShare: number;
  /** A cascade that starts less than this long after the last one on its asset and side ended is that one's next leg
   *  (its `previousLeg`); absent or 0, each is told as its own. */
  legMs?: number;
}

/**
 * The leg before a cascade (or a market-wide flush): the one on the same asset and side that ended shortly before it
 * started. `leg` is that one's number (1: the first), so the new one is leg `leg + 1`; `endedAt` is its last strong
 * liquidation, where its window ended, and `usd` its total up to it.
 */
export interface PreviousLeg {
  leg: number;
  startedAt: number;
  endedAt: number;
  usd: number;
}

export interface Cascade {
  id: string;
  asset: string;
  side: PositionSide;
  startedAt: number;
  usd: number;
  byExchange: Map<string, number>;
  threshold: number;
  windowUsdAtStart: number;
  /** Its first print: it starts at that print's 10 s slice (`startedAt`), and began at the price of that print's moment. */
  firstPrintAt: number;
  /** The price it began at, once known (`Market` reads it from the price book at its start): its start, updates and end tell this one. */
  priceStart?: number;
  extreme?: number;
  /** The tally the running message shows, and when it was posted (the start or the last update): a tally only grows,
   *  so the largest any message told. */
  lastPostedUsd: number;
  lastPostedAt: number;
  lastLiquidationAt: number;
  /** The last liquidation that came at the pace that called it (`PaceMeter`): where the cascade's window ends. */
  lastStrongAt?: number;
  /** The liquidations after it (held apart, `tail`): whether the next one comes at that pace. */
  pace: PaceMeter;
  quietSince?: number;
  /**
   * USD per exchange of the liquidations after it: held apart from the tally (`usd`, `byExchange`), which is the
   * cascade's own window (its start to its last strong liquidation) whenever it is told, running or over. The next
   * strong liquidation brings them in; the end leaves them out.
   */
  tail?: Map<string, number>;
  /** Set when it started within `legMs` of the end of the last cascade on its asset and side. */
  previousLeg?: PreviousLeg;
}

interface Slice {
  idx: number;
  /** Its first print's time (Infinity: none). */
  first: number;
  usd: number;
  count: number;
  sampledCount: number;
  /** The largest print of a complete stream, and of a sampled one. */
  largest: number;
  largestSampled: number;
  /** USD per exchange, in the order the exchanges were first seen in the slice: two short arrays, not a Map (a
   *  slice sees a handful of exchanges, and a Map per slice cost more to update than the rest of `add`). The
   *  first `exchangeCount` entries are the slice's; a dropped slice only resets the count (setting an array's
   *  length is a call into V8's runtime, and a cold run of the bundled day spent 8 ms in it). */
  exchanges: string[];
  exchangeUsd: number[];
  exchangeCount: number;
}

/**
 * The rolling window for one asset and side, in 10-second slices held in a ring that is allocated once:
 * a cascade detector runs for weeks, and slices that lived five minutes would all end up as old-space garbage.
 */
class RollingWindow {
  private readonly ring: Slice[];
  /** Slice indexes [lo, hi] may hold data. */
  private lo = 0;
  private hi = -1;
  sum = 0;
  count = 0;
  sampledCount = 0;

  constructor(private readonly windowMs: number) {
    const n = Math.ceil(windowMs / SLICE_MS) + 1;
    this.ring = Array.from({ length: n }, () => ({ idx: -1, first: Infinity, usd: 0, count: 0, sampledCount: 0, largest: 0, largestSampled: 0, exchanges: [], exchangeUsd: [], exchangeCount: 0 }));
  }

  private at(idx: number): Slice {
    return this.ring[idx % this.ring.length]!;
  }

  private drop(s: Slice): void {
    this.sum -= s.usd;
    this.count -= s.count;
    this.sampledCount -= s.sampledCount;
    s.idx = -1;
    s.first = Infinity;
    s.usd = s.count = s.sampledCount = s.largest = s.largestSampled = 0;
    s.exchangeCount = 0;
  }

  expire(now: number): void {
    const oldest = Math.floor((now - this.windowMs) / SLICE_MS);
    for (; this.lo <= Math.min(oldest, this.hi); this.lo++) {
      const s = this.at(this.lo);
      if (s.idx === this.lo) this.drop(s);
    }
    if (this.lo > this.hi) this.sum = this.count = this.sampledCount = 0; // no float residue once empty
  }

  add(ts: number, exchange: string, usd: number, sampled: boolean): void {
    let idx = Math.floor(ts / SLICE_MS);
    if (this.hi < this.lo) this.lo = this.hi = idx;
    else if (idx > this.hi) {
      // Slices the ring is about to reuse fall out of the window.
      for (let i = Math.max(this.lo, this.hi + 1 - this.ring.length); i <= idx - this.ring.length; i++) {
        const s = this.at(i);
        if (s.idx === i) this.drop(s);
      }
      this.hi = idx;
      this.lo = Math.max(this.lo, idx - this.ring.length + 1);
    } else if (idx < this.lo) idx = this.lo; // a late event: counted in the oldest slice still held
    const s = this.at(idx);
    if (s.idx !== idx) s.idx = idx;
    if (ts < s.first) s.first = ts;
    s.usd += usd;
    s.count++;
    if (sampled) {
      s.sampledCount++;
      this.sampledCount++;
      if (usd > s.largestSampled) s.largestSampled = usd;
    } else if (usd > s.largest) s.largest = usd;
    const n = s.exchangeCount;
    let i = 0;
    while (i < n && s.exchanges[i] !== exchange) i++;
    if (i === n) {
      s.exchanges[i] = exchange;
      s.exchangeUsd[i] = usd;
      s.exchangeCount = n + 1;
    } else s.exchangeUsd[i]! += usd;
    this.sum += usd;
    this.count++;
  }

  private *held(): Generator<Slice> {
    for (let i = this.lo; i <= this.hi; i++) {
      const s = this.at(i);
      if (s.idx === i) yield s;
    }
  }

  largest(sampled: boolean): number {
    let max = 0;
    for (const s of this.held()) {
      const v = sampled ? s.largestSampled : s.largest;
      if (v > max) max = v;
    }
    return max;
  }

  /** The first slice with a print: its start, and that print's time. */
  first(): { slice: number; print: number } | undefined {
    for (const s of this.held()) if (s.usd > 0) return { slice: s.idx * SLICE_MS, print: s.first };
    return undefined;
  }

  /** The sum `expire(now)` would leave, read without expiring. */
  sumAt(now: number): number {
    const oldest = Math.floor((now - this.windowMs) / SLICE_MS);
    let sum = 0;
    for (let i = Math.max(this.lo, oldest + 1); i <= this.hi; i++) {
      const s = this.at(i);
      if (s.idx === i) sum += s.usd;
    }
    return sum;
  }

  /** When the oldest slice held leaves the window (`expire` drops slice i once now ≥ its start + the window), Infinity when none is. */
  nextDrop(): number {
    // A loop, not `held()`: asked for every event while a cascade runs, and a generator is an object each time.
    for (let i = this.lo; i <= this.hi; i++) if (this.at(i).idx === i) return i * SLICE_MS + this.windowMs;
    return Infinity;
  }

  byExchange(): Map<string, number> {
    const out = new Map<string, number>();
    for (const s of this.held()) for (let i = 0; i < s.exchangeCount; i++) out.set(s.exchanges[i]!, (out.get(s.exchanges[i]!) ?? 0) + s.exchangeUsd[i]!);
    return out;
  }
}

export type CascadeEvent =
  | { type: 'start'; cascade: Cascade; windowUsd: number }
  | { type: 'update'; cascade: Cascade }
  /** `heardUsd`: the largest tally its start and updates told (the end's own counts the prints after them too). */
  | { type: 'end'; cascade: Cascade; endedAt: number; heardUsd: number };

/** What `advance` returns when nothing is due (nearly every call): one shared, frozen empty list. */
const NONE: readonly CascadeEvent[] = Object.freeze([]);

/** A cascade's tally takes in `usd` of an exchange: the total and the exchange's share. */
function count(c: Cascade, exchange: string, usd: number): void {
  c.usd += usd;
  c.byExchange.set(exchange, (c.byExchange.get(exchange) ?? 0) + usd);
}

/** How far back a running cascade's or flush's pace is read (and a flush's start's): the last minute. */
export const PACE_MS = 60_000;

/**
 * The liquidations after a running cascade's (or flush's) last strong print, those of the last minute before the newest:
 * whether they come at the pace that called it, its start threshold per window (a fifth of it a minute with the 5-minute
 * window), over that minute or since the strong print when sooner. Only a print at that pace moves the end and keeps it
 * from going quiet: on Oct 22 2025, $1K-19K a minute (one minute of $94K) ran the all-market long flush's window on from
 * 11:04 to 11:20, where $140K a minute had called it, and its end named 23 minutes, not 7. The last minute, not all the
 * time since the strong print: a flush that paused and comes back at its pace runs on, and the bundled day's DOGE
 * cascade, at two thirds of its pace for five hours, would otherwise end 2 s after it was called. A queue with a moving
 * head, one column per field (as the flush's window), of about a minute's prints.
 */
export class PaceMeter {
  private ts: number[] = [];
  private usd: number[] = [];
  private head = 0;
  private sum = 0;
  /** The newest print counted (measured from it, so prints a polled venue brings seconds late read as in order). */
  newest = -Infinity;

  /** Count a print after the last strong one. */
  add(ts: number, usd: number): void {
    // Dropped prints are cut off once they outnumber the held ones, as the flush's window does.
    if (this.head > 64 && this.head * 2 >= this.ts.length) {
      this.ts = this.ts.slice(this.head);
      this.usd = this.usd.slice(this.head);
      this.head = 0;
    }
    // A print a socket brought late reads as if it had come in time: one already out of the minute read is not counted,
    // and the others are kept in time order (seconds of disorder: it goes near the end), so the minute drops them in
    // order. The pace is then the same whatever order a reconnect delivered the prints in.
    if (ts <= this.newest - PACE_MS) return;
    let i = this.ts.length;
    while (i > this.head && this.ts[i - 1]! > ts) i--;
    this.ts.splice(i, 0, ts);
    this.usd.splice(i, 0, usd);
    this.sum += usd;
    if (ts > this.newest) this.newest = ts;
    while (this.head < this.ts.length && this.ts[this.head]! <= this.newest - PACE_MS) this.sum -= this.usd[this.head++]!;
  }

  /** The last minute to the newest print (or the time since `strongAt`, the last strong print, when less) came at pace. */
  atPace(strongAt: number, threshold: number, windowMs: number): boolean {
    return this.sum * windowMs >= threshold * Math.min(this.newest - strongAt, PACE_MS);
  }

  /** The newest print is the last strong one: the pace is read from it on. */
  restart(): void {
    this.head = this.ts.length;
    this.sum = 0;
  }
}

/**
 * How near its threshold a window that starts nothing must come to be a near miss (`nearestMisses`): one under it is not
 * asked about (a comparison per print; `replay --stats` tells the near misses from here).
 */
export const NEAR_MISS_FROM = 0.5;

/**
 * What kept a window from starting a cascade: its sum under the threshold (`sum`), or, past it, too few prints
 * (`prints`, `minLiquidations`), one print above its share of the sum (`single`, `maxSingleShare`), or the other side's
 * liquidations in the same window too large a part of both (`side`, `minSideShare`). The order the detector asks them in.
 */
export type CascadeBlock = 'sum' | 'prints' | 'single' | 'side';

/**
 * A window that started no cascade on an asset and side while none ran there (`nearestMisses`), as the detector measured
 * it when it asked whether to start one, at a print, with the threshold it asked with. Two are kept per side: the
 * nearest miss, the window whose sum came nearest the threshold with every other rule met (`blockedBy: 'sum'`: the
 * sum alone held it back, and that much more of it would have called one), and the largest window past the threshold
 * that another rule held back (`blockedBy`, the first it failed in the order the detector asks them; `alsoBlockedBy`
 * the others it failed at that print). Each rule's figures are the window's at that print.
 */
export interface CascadeNearMiss {
  asset: string;
  side: PositionSide;
  /** The print that brought the window to it, and the window's first print then. */
  at: number;
  from: number;
  usd: number;
  threshold: number;
  blockedBy: CascadeBlock;
  alsoBlockedBy: CascadeBlock[];
  /** The window's length: the sum is of its prints. */
  windowMs: number;
  /** The window's prints as `minLiquidations` counts them, how many it takes, and what a sampled print counts for. */
  prints: number;
  printsNeeded: number;
  sampledPrintWeight: number;
  /** Its largest print's share of its sum and the most it may be (where one print held it back, that print's). */
  largestShare: number;
  maxShare: number;
  /** This side's share of both sides' liquidations in the window, and the least it must be. */
  sideShare: number;
  minSideShare: number;
}

/**
 * One asset and side: its key (`${asset}|${side}`), its window, and so far its nearest miss (`near`, the sum alone
 * short) and its largest window past the threshold that another rule held back (`held`).
 */
interface Side {
  key: string;
  side: PositionSide;
  window: RollingWindow;
  near: CascadeNearMiss | undefined;
  held: CascadeNearMiss | undefined;
}

/** A running cascade with its side's window (`advance` reads both for every event while it runs). */
interface Running {
  key: string;
  cascade: Cascade;
  window: RollingWindow;
}

export class CascadeDetector {
  /** Both sides of an asset, made together and looked up by the asset alone: one lookup per liquidation. */
  private readonly sides = new Map<string, { long: Side; short: Side }>();
  private readonly active = new Map<string, Running>();
  /** The last cascade that ended per asset and side, as the next one's `previousLeg` if it starts in time: one entry per
   *  side that ever ended one (no more than `sides` holds), taken out by the next start there. */
  private readonly ended = new Map<string, PreviousLeg>();

  constructor(
    private readonly rules: CascadeRules,
    /** The start threshold (USD in the window) for an asset and side at a time. */
    private readonly threshold: (asset: string, side: PositionSide, now: number) => number,
  ) {}

  /** An asset's sides (an empty window acts as none: the other side's share test passes on it as on a missing one). */
  private sidesOf(asset: string): { long: Side; short: Side } {
    let s = this.sides.get(asset);
    if (!s) {
      const windowMs = this.rules.windowMs;
      s = {
        long: { key: `${asset}|long`, side: 'long', window: new RollingWindow(windowMs), near: undefined, held: undefined },
        short: { key: `${asset}|short`, side: 'short', window: new RollingWindow(windowMs), near: undefined, held: undefined },
      };
      this.sides.set(asset, s);
    }
    return s;
  }

  running(): Cascade[] {
    return [...this.active.values()].map((r) => r.cascade);
  }

  get activeCount(): number {
    return this.active.size;
  }

  runningFor(asset: string, side: PositionSide): Cascade | undefined {
    return this.active.get(`${asset}|${side}`)?.cascade;
  }

  /**
   * Per asset and side, the windows that came closest to starting a cascade while none ran there (`CascadeNearMiss`):
   * what `add` measured against the threshold it asked, so a near miss `replay --stats` reports is one this detector
   * would have called at its threshold had the sum been larger (or the rule that held it back been met).
   */
  nearestMisses(): CascadeNearMiss[] {
    const out: CascadeNearMiss[] = [];
    for (const { long, short } of this.sides.values()) {
      for (const s of [long, short]) for (const m of [s.near, s.held]) if (m) out.push({ ...m, alsoBlockedBy: [...m.alsoBlockedBy] });
    }
    return out;
  }

  /**
   * Count one liquidation; returns a start or update when it triggers one. `price`: the price a cascade it starts began at,
   * where the caller has it then (`Market` leaves it out and reads it from the price book at the start, `firstPrintAt`).
   */
  add(asset: string, side: PositionSide, exchange: string, ts: number, usd: number, price?: number): CascadeEvent | undefined {
    const sides = this.sidesOf(asset);
    const long = side === 'long'; // not `sides[side]`: a keyed lookup by two names is a generic one
    const here = long ? sides.long : sides.short;
    const { key, window: w } = here;
    w.expire(ts);
    w.add(ts, exchange, usd, isSampled(exchange));
    let c = this.active.size ? this.active.get(key)?.cascade : undefined;
    if (c) {
      c.lastLiquidationAt = Math.max(c.lastLiquidationAt, ts);
      const strongAt = c.lastStrongAt ?? c.startedAt;
      // A late print (at or before the last strong one) is inside its window: counted, with no end to move.
      if (ts <= strongAt) count(c, exchange, usd);
      else {
        c.pace.add(ts, usd);
        if (w.sum >= c.threshold * this.rules.endFraction && c.pace.atPace(strongAt, c.threshold, this.rules.windowMs)) {
          c.quietSince = undefined;
          c.lastStrongAt = c.pace.newest;
          c.pace.restart();
          // The prints held apart since the last strong one were the cascade's after all.
          if (c.tail) for (const [ex, v] of c.tail) count(c, ex, v);
          c.tail = undefined;
          count(c, exchange, usd);
        } else (c.tail ??= new Map()).set(exchange, (c.tail.get(exchange) ?? 0) + usd);
      }
      return this.grown(c) && ts - c.lastPostedAt >= this.rules.updateMinMs ? this.posted(c, ts) : undefined;
    }
    const threshold = this.threshold(asset, side, ts);
    const other = long ? sides.short.window : sides.long.window;
    if (w.sum < threshold || !this.manyPositions(w)) {
      // A near miss: under the threshold, a comparison per print, and the rules asked only from `NEAR_MISS_FROM` of it,
      // where it beats the nearest so far.
      if (w.sum >= threshold || (w.sum >= threshold * NEAR_MISS_FROM && (here.near === undefined || w.sum / threshold > here.near.usd / here.near.threshold))) this.missed(asset, here, other, ts, threshold);
      return undefined;
    }
    other.expire(ts);
    if (w.sum < (w.sum + other.sum) * this.rules.minSideShare) {
      this.missed(asset, here, other, ts, threshold, other.sum);
      return undefined;
    }
    const first = w.first();
    const startedAt = first?.slice ?? ts;
    const before = this.ended.get(key);
    if (before) this.ended.delete(key);
    c = {
      id: `${asset}-${side}-${startedAt}`,
      asset,
      side,
      startedAt,
      firstPrintAt: first?.print ?? ts,
      usd: w.sum,
      byExchange: w.byExchange(),
      threshold,
      windowUsdAtStart: w.sum,
      lastPostedUsd: w.sum,
      lastPostedAt: ts,
      lastLiquidationAt: ts,
      // Every field from the start, set or not: fields added later, in an order that varies, give cascades many
      // shapes, and every read of one (each liquidation while it runs, each event in `advance`) a generic lookup.
      priceStart: price,
      extreme: undefined,
      lastStrongAt: ts,
      pace: new PaceMeter(),
      quietSince: undefined,
      tail: undefined,
      previousLeg: before && startedAt - before.endedAt < (this.rules.legMs ?? 0) ? before : undefined,
    };
    this.active.set(key, { key, cascade: c, window: w });
    return { type: 'start', cascade: c, windowUsd: w.sum };
  }

  /** The tally has grown enough since the message was last posted to be edited (once the interval allows). */
  private grown(c: Cascade): boolean {
    return c.usd >= c.lastPostedUsd * (1 + this.rules.updateGrowth);
  }

  private posted(c: Cascade, now: number): CascadeEvent {
    c.lastPostedUsd = c.usd;
    c.lastPostedAt = now;
    return { type: 'update', cascade: c };
  }

  /** Many positions at once, as far as the streams can show it (sampled prints stand for several orders). */
  private manyPositions(w: RollingWindow): boolean {
    const r = this.rules;
    if (this.weighted(w) < r.minLiquidations) return false;
    if (w.largest(false) > w.sum * r.maxSingleShare) return false;
    return w.largest(true) <= w.sum * Math.max(r.maxSingleShare, 0.9);
  }

  /** The window's prints as `minLiquidations` counts them. */
  private weighted(w: RollingWindow): number {
    return w.count - w.sampledCount + w.sampledCount * this.rules.sampledPrintWeight;
  }

  /**
   * A window that did not start a cascade, with every rule it failed at this print, asked as `add` asks them: kept as its
   * side's nearest miss where the sum alone held it back and it is the nearest yet, or as the largest held back past
   * the threshold. Reads only: the other side's window is summed as its expiry would leave it (`otherWindowSum`, where
   * `add` has expired it), not expired (`add` expires it only where it asks that rule: a late print there would land in
   * another slice). Under the threshold it is asked from `NEAR_MISS_FROM` of it, at each print that comes nearer than
   * the nearest miss so far (on a rising window, each until it peaks), and a record is made only where nothing else was
   * in its way.
   */
  private missed(asset: string, here: Side, other: RollingWindow, ts: number, threshold: number, otherWindowSum?: number): void {
    if (!(threshold > 0)) return;
    const w = here.window;
    const under = w.sum < threshold;
    const best = under ? here.near : here.held;
    if (best !== undefined && w.sum / threshold <= best.usd / best.threshold) return;
    const r = this.rules;
    const failed: CascadeBlock[] = [];
    // Under the threshold, the first other rule it fails ends it: the cheapest asked first, as `add` asks them.
    if (under) failed.push('sum');
    if (this.weighted(w) < r.minLiquidations) failed.push('prints');
    if (under && failed.length > 1) return;
    // One print, as `manyPositions` asks (a complete stream's first), even where the print count failed before it: the
    // print that fails it; else the largest print of any stream.
    const complete = w.largest(false), sampled = w.largest(true);
    const byComplete = complete > w.sum * r.maxSingleShare;
    const bySampled = sampled > w.sum * Math.max(r.maxSingleShare, 0.9);
    if (byComplete || bySampled) failed.push('single');
    const largest = byComplete ? complete : bySampled ? sampled : Math.max(complete, sampled);
    if (under && failed.length > 1) return;
    const otherSum = otherWindowSum ?? other.sumAt(ts);
    if (w.sum < (w.sum + otherSum) * r.minSideShare) failed.push('side');
    if (under ? failed.length > 1 : !failed.length) return;
    const miss: CascadeNearMiss = {
      asset,
      side: here.side,
      at: ts,
      from: w.first()?.print ?? ts,
      usd: w.sum,
      threshold,
      blockedBy: failed[0]!,
      alsoBlockedBy: failed.slice(1),
      windowMs: r.windowMs,
      prints: this.weighted(w),
      printsNeeded: r.minLiquidations,
      sampledPrintWeight: r.sampledPrintWeight,
      largestShare: w.sum > 0 ? largest / w.sum : 0,
      maxShare: byComplete || !bySampled ? r.maxSingleShare : Math.max(r.maxSingleShare, 0.9),
      sideShare: w.sum + otherSum > 0 ? w.sum / (w.sum + otherSum) : 1,
      minSideShare: r.minSideShare,
    };
    if (under) here.near = miss;
    else here.held = miss;
  }

  /** Track the extreme price of running cascades (lows for long cascades, highs for short ones). */
  price(asset: string, low: number, high: number): void {
    // Every price tick and candle asks: nothing to look up while no cascade runs (nearly always).
    if (this.active.size === 0) return;
    const sides = this.sides.get(asset);
    if (sides === undefined) return;
    const long = this.active.get(sides.long.key)?.cascade;
    if (long) long.extreme = long.extreme === undefined ? low : Math.min(long.extreme, low);
    const short = this.active.get(sides.short.key)?.cascade;
    if (short) short.extreme = short.extreme === undefined ? high : Math.max(short.extreme, high);
  }

  /**
   * The earliest time `advance` could end a running cascade or edit its message if no liquidation comes before it
   * (Infinity while none runs): an edit held back by `updateMinMs`, when that has passed; a quiet one's end of its quiet
   * period; else when its window next loses a slice, the moment its sum can fall below the end level; or at once
   * (-Infinity) where a print left the sum below it and no time has passed since.
   */
  nextDue(): number {
    let due = Infinity;
    for (const r of this.active.values()) {
      const c = r.cascade, w = r.window;
      let at = c.quietSince !== undefined ? c.quietSince + this.rules.quietMs : w.sum < c.threshold * this.rules.endFraction ? -Infinity : w.nextDrop();
      if (this.grown(c) && c.lastPostedAt + this.rules.updateMinMs < at) at = c.lastPostedAt + this.rules.updateMinMs;
      if (at < due) due = at;
    }
    return due;
  }

  /**
   * Advance time: cascades whose window stayed quiet long enough end, and those whose edit was held back by
   * `updateMinMs` are edited once it has passed (the shared empty list when nothing was due).
   */
  advance(now: number): readonly CascadeEvent[] {
    let due: CascadeEvent[] | undefined;
    for (const r of this.active.values()) {
      const c = r.cascade, w = r.window;
      w.expire(now);
      // Quiet since the moment the window's sum dropped (now, or at the latest when its last liquidation left the window),
      // as a flush's: counted from the last print instead, the BTC cascade that led Jan 27 2025's flush was over at 17:04
      // before BTC's largest minute (17:08). Only a print at pace ends the quiet (`add`): small prints that lift the sum
      // back over the end level do not.
      if (c.quietSince === undefined && w.sum < c.threshold * this.rules.endFraction) c.quietSince = Math.min(now, c.lastLiquidationAt + this.rules.windowMs);
      if (c.quietSince !== undefined && now - c.quietSince >= this.rules.quietMs) {
        this.active.delete(r.key);
        // The cascade's window ends at its last strong liquidation, not when the rolling sum fell: the liquidations
        // after it (`tail`) are not in its total, as they were not in its running tally.
        c.tail = undefined;
        const endedAt = c.lastStrongAt ?? c.lastLiquidationAt;
        if (this.rules.legMs) this.ended.set(r.key, { leg: (c.previousLeg?.leg ?? 0) + 1, startedAt: c.startedAt, endedAt, usd: c.usd });
        (due ??= []).push({ type: 'end', cascade: c, endedAt, heardUsd: c.lastPostedUsd });
        continue;
      }
      // A message left behind by a burst inside the interval catches up when the interval has passed, not at the next
      // print: a burst's last prints may be the ones that grew it, and the next may be minutes away.
      if (this.grown(c) && now - c.lastPostedAt >= this.rules.updateMinMs) (due ??= []).push(this.posted(c, now));
    }
    return due ?? NONE;
  }
}
