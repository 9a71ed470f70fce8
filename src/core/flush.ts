/**
 * Market-wide flushes: many assets liquidating on one side in the same minutes. One detector per engine, on
 * event time, with the threshold injected by the caller (it depends on which venues the bot sees). A flush is
 * one running message, like a cascade's: its start, updates as its tally grows (edits), and its end, whose window
 * ends at its last strong print (the last at the pace that called it, as a cascade's). The per-asset cascades that run
 * inside it are carried by it for chats that follow every asset. One that starts soon after the last one on its side
 * ended is that flush's next leg.
 */
import { NEAR_MISS_FROM, PACE_MS, PaceMeter, type PreviousLeg } from './cascades.js';
import type { PositionSide } from './events.js';

/** Prints this close together (ms), on any assets, are one instant: one margin call's orders. */
const INSTANT_MS = 10;
/** No single instant above this share of the window starts a flush. */
const MAX_INSTANT_SHARE = 0.5;

export interface FlushRules {
  windowMs: number;
  /** At least this many assets with liquidations on the side in the window (the detector's `minAssets` can lower it: live). */
  minAssets: number;
  /** No single asset above this share of the window (one coin's cascade is that coin's alert). */
  maxLeaderShare: number;
  /** The flush is over once the window's sum stays below `endFraction` of the threshold for `quietMs`. */
  endFraction: number;
  quietMs: number;
  /** How many leaders the message names. */
  leaders: number;
  /** The running message is edited once the tally has grown by this fraction since it was last posted, at most once per
   *  `updateMinMs`: growth reached sooner is posted when that time has passed, whether or not another print comes. */
  updateGrowth: number;
  updateMinMs: number;
  /** A flush that starts less than this long after the last one on its side ended is that one's next leg (its
   *  `previousLeg`); absent or 0, each is told as its own. */
  legMs?: number;
}

/** A flush's figures at a moment: its tally since it started, every asset together, and the leaders in it. */
export interface FlushFigures {
  id: string;
  side: PositionSide;
  startedAt: number;
  usd: number;
  assetCount: number;
  leaders: { asset: string; usd: number; share: number }[];
  exchanges: string[];
  /** `usd` per exchange, largest first (a cascade's `byExchange`, every asset together). */
  byExchange: Record<string, number>;
  /** Set when it started within `legMs` of the end of the last flush on its side. */
  previousLeg?: PreviousLeg;
}
/** A flush as `/liqs all` tells it: running (no end) or over. */
export interface FlushRecord {
  id: string;
  side: PositionSide;
  startedAt: number;
  endedAt?: number;
  usd: number;
  assetCount: number;
}

/** An ended flush as the engine keeps it: its record, and every asset's part of its tally (USD), as its end told them. */
export interface EndedFlush {
  record: FlushRecord;
  byAsset: ReadonlyMap<string, number>;
}

/**
 * At the start, `usd` is the window's (what called it); after, the tally since the start. An end's `heardUsd` is the
 * largest tally its start and updates told (the end's own counts the prints after them too); its `byAsset`, every
 * asset's part of its tally (the leaders are a few of them).
 */
export type FlushEvent =
  | { type: 'start' | 'update'; flush: FlushFigures }
  | { type: 'end'; flush: FlushFigures; endedAt: number; heardUsd: number; byAsset: ReadonlyMap<string, number> };

const NONE: readonly FlushEvent[] = Object.freeze([]);

/**
 * What kept a window from starting a market-wide flush: its sum under the threshold (`sum`), or, past it, too few assets
 * (`assets`), one asset above `maxLeaderShare` of it (`leader`), or its last minute under the pace (`pace`). The order the
 * detector asks them in.
 */
export type FlushBlock = 'sum' | 'assets' | 'leader' | 'pace' | 'instant';

/**
 * A window that started no flush on a side while none ran there (`nearestMisses`), as the detector measured it when it
 * asked whether to start one, at a print, with the threshold it asked with. Two are kept per side: the nearest miss,
 * the window whose sum came nearest the threshold with every other rule met (`blockedBy: 'sum'`: the sum alone held it
 * back, and that much more of it would have called one), and the largest window past the threshold that another rule
 * held back (`blockedBy`, the first it failed in the order the detector asks them; `alsoBlockedBy` the others it failed
 * at that print). Each rule's figures are the window's at that print.
 */
export interface FlushNearMiss {
  side: PositionSide;
  /** The print that brought the window to it, and the window's first print then. */
  at: number;
  from: number;
  usd: number;
  threshold: number;
  blockedBy: FlushBlock;
  alsoBlockedBy: FlushBlock[];
  /** The window's length: the sum is of its prints. */
  windowMs: number;
  /** The assets in the window, and how many it takes (as the detector asked where they held it back; else `minAssets`
   *  as configured, which a replay applies: live, the detector can ask for fewer). */
  assets: number;
  assetsNeeded: number;
  /** The asset with the most of the window, its share, and the most one asset may have. */
  leader: string;
  leaderShare: number;
  maxLeaderShare: number;
  /** The window's last minute, and what a flush's pace asks of it. */
  lastMinuteUsd: number;
  paceUsd: number;
  /** The most of the window in one instant (prints within `INSTANT_MS`), as a share of it, and the most one may hold;
   *  measured only where every other rule let it start. */
  instantShare?: number;
  maxInstantShare?: number;
}

/** However few assets a deployment watches, a flush of fewer than this many is one coin's business, not the market's. */
export const FEWEST_FLUSH_ASSETS = 3;

/**
 * How many assets a market-wide flush needs when the liquidations that can reach the detector are those of
 * `watched` assets (live: the configured assets, and the others an all-market stream brought lately; see
 * `Market.flushAssetsNeeded`): `minAssets`, or `assetShare` of the watched ones when that is fewer, never below
 * `FEWEST_FLUSH_ASSETS`. Offline a file brings every asset it holds, and `minAssets` applies as configured.
 */
export function flushMinAssets(minAssets: number, assetShare: number, watched: number): number {
  return Math.min(minAssets, Math.max(FEWEST_FLUSH_ASSETS, Math.ceil(assetShare * watched - 1e-9)));
}

/**
 * Whether a live deployment watching `assets` can call a market-wide flush at all, and with how many assets when only
 * those reach it. With an all-market stream among its venues (`allMarket`: Binance's, OKX's) every contract listed
 * there reaches the flush, so it can, however few assets it watches.
 */
export function flushReach(
  flush: { minAssets: number; minAssetShare: number },
  assets: readonly string[],
  allMarket: readonly string[] = [],
): { watched: number; minAssets: number; canFire: boolean } {
  const watched = new Set(assets).size;
  const minAssets = flushMinAssets(flush.minAssets, flush.minAssetShare, watched);
  return { watched, minAssets, canFire: watched >= minAssets || allMarket.length > 0 };
}

/** The start-up warning of a live deployment that can never call a market-wide flush (undefined when it can). */
export function flushReachNote(flush: { minAssets: number; minAssetShare: number }, assets: readonly string[], allMarket: readonly string[] = []): string | undefined {
  const reach = flushReach(flush, assets, allMarket);
  if (reach.canFire) return undefined;
  return `no market-wide flush can be called: the feeds watch ${reach.watched === 1 ? '1 asset' : `${reach.watched} assets`} (${[...new Set(assets)].join(', ')}) and a flush takes at least ${reach.minAssets}; add assets to \`assets\` in the config, or an exchange with an all-market stream (binanceusdm, binancecoinm, okx) to \`exchanges\`, to hear one`;
}

/**
 * One side's rolling window: the prints in it (a queue with a moving head, one column per field, so a print
 * is no object that lives for the window's minutes and dies in old space) and the sums per asset. Its size is the
 * window's prints (live, the sampled all-market streams give at most one per contract per second, a few hundred
 * contracts a venue) and one box per asset in it: a flush over hundreds of assets holds no more than that.
 */
class SideWindow {
  private ts: number[] = [];
  private usd: number[] = [];
  private asset: string[] = [];
  private exchange: string[] = [];
  private head = 0;
  /** USD per asset in the window, in a box changed in place (setting a Map's number allocates one per print). */
  readonly byAsset = new Map<string, { usd: number }>();
  sum = 0;
  firstTs = Infinity;

  add(ts: number, asset: string, exchange: string, usd: number, windowMs: number): void {
    this.ts.push(ts);
    this.usd.push(usd);
    this.asset.push(asset);
    this.exchange.push(exchange);
    const box = this.byAsset.get(asset);
    if (box === undefined) this.byAsset.set(asset, { usd });
    else box.usd += usd;
    this.sum += usd;
    this.expire(ts, windowMs);
  }

  expire(now: number, windowMs: number): void {
    const n = this.ts.length;
    while (this.head < n && this.ts[this.head]! <= now - windowMs) {
      const i = this.head++;
      const asset = this.asset[i]!, usd = this.usd[i]!;
      const box = this.byAsset.get(asset);
      const left = (box?.usd ?? 0) - usd;
      if (left <= 1e-9) this.byAsset.delete(asset);
      else box!.usd = left;
      this.sum -= usd;
    }
    // Dropped prints are cut off once they outnumber the live ones (a copy per window's worth of prints), and
    // from the first few dozen on: a branch first taken after a thousand prints would find this code optimized
    // without it, and have it thrown away and compiled again.
    if (this.head > 64 && this.head * 2 >= this.ts.length) {
      this.ts = this.ts.slice(this.head);
      this.usd = this.usd.slice(this.head);
      this.asset = this.asset.slice(this.head);
      this.exchange = this.exchange.slice(this.head);
      this.head = 0;
    }
    if (this.head >= this.ts.length) this.sum = 0;
    this.firstTs = this.head < this.ts.length ? this.ts[this.head]! : Infinity;
  }

  exchanges(): string[] {
    const out = new Set<string>();
    for (let i = this.head; i < this.exchange.length; i++) out.add(this.exchange[i]!);
    return [...out].sort();
  }

  /** USD per exchange of the prints in the window. */
  byExchange(): Map<string, number> {
    const out = new Map<string, number>();
    for (let i = this.head; i < this.exchange.length; i++) out.set(this.exchange[i]!, (out.get(this.exchange[i]!) ?? 0) + this.usd[i]!);
    return out;
  }

  /**
   * USD of the prints in the last `ms` before the newest print held (asked only when a flush could start): measured
   * from the newest, not from the print just counted, and over every print held, so prints that arrive out of time
   * order (a polled venue's, seconds late) read the same as in order.
   */
  sumLast(ms: number): number {
    let newest = -Infinity;
    for (let i = this.head; i < this.ts.length; i++) if (this.ts[i]! > newest) newest = this.ts[i]!;
    let sum = 0;
    for (let i = this.head; i < this.ts.length; i++) if (this.ts[i]! > newest - ms) sum += this.usd[i]!;
    return sum;
  }

  /**
   * The most USD that prints within `ms` of one another hold (an instant: one account's positions on several assets
   * closed by one margin call land in the same millisecond). Asked only when a flush could otherwise start.
   */
  largestInstant(ms: number): number {
    const idx: number[] = [];
    for (let i = this.head; i < this.ts.length; i++) idx.push(i);
    idx.sort((x, y) => this.ts[x]! - this.ts[y]!);
    let best = 0, run = 0, j = 0;
    for (let k = 0; k < idx.length; k++) {
      run += this.usd[idx[k]!]!;
      while (this.ts[idx[k]!]! - this.ts[idx[j]!]! > ms) run -= this.usd[idx[j++]!]!;
      if (run > best) best = run;
    }
    return best;
  }

  /** When the oldest print leaves the window (`expire` drops it once now ≥ its time + the window), Infinity when none is held. */
  nextDrop(windowMs: number): number {
    return this.head < this.ts.length ? this.ts[this.head]! + windowMs : Infinity;
  }
}

/** A flush's tally takes in `usd` of an asset: its box and the total. */
function countAsset(a: ActiveFlush, asset: string, usd: number): void {
  a.usd += usd;
  const box = a.byAsset.get(asset);
  if (box === undefined) a.byAsset.set(asset, { usd });
  else box.usd += usd;
}

/** ...and of a venue (the total counts it once, with the asset). */
function countVenue(a: ActiveFlush, exchange: string, usd: number): void {
  a.exchanges.add(exchange);
  a.byExchange.set(exchange, (a.byExchange.get(exchange) ?? 0) + usd);
}

interface ActiveFlush {
  id: string;
  threshold: number;
  startedAt: number;
  quietSince: number | undefined;
  /** From the start up to the last strong print: USD per asset (boxes changed in place), the total, the venues and USD per venue. */
  byAsset: Map<string, { usd: number }>;
  usd: number;
  exchanges: Set<string>;
  byExchange: Map<string, number>;
  /** The tally the running message shows, and when it was posted (the start or the last update): a tally only grows,
   *  so the largest any message told. */
  lastPostedUsd: number;
  lastPostedAt: number;
  /** The last print at the pace that called it (`PaceMeter`): where the flush's window ends. */
  lastStrongAt: number;
  /** The prints after it (held apart, `tail`): whether the next one comes at that pace. */
  pace: PaceMeter;
  /** The newest print on its side: its window falls below the end level a window after it at the latest. */
  lastPrintAt: number;
  /**
   * The prints after it, per asset and per exchange: held apart from the tally, which is the flush's own window (its
   * start to its last strong print) whenever it is told, running or over. The next strong print brings them in; the
   * end leaves them out.
   */
  tail: Map<string, number> | undefined;
  exchangeTail: Map<string, number> | undefined;
  previousLeg: PreviousLeg | undefined;
}

export class FlushDetector {
  // Per side, picked with `side === 'long' ? … : …` on the per-liquidation path: an object indexed by the side
  // (`windows[side]`) is a generic keyed lookup once it has seen both names. A flush's end sets undefined rather
  // than deleting, which would turn the object into a dictionary.
  private readonly windows = { long: new SideWindow(), short: new SideWindow() };
  private readonly active: Record<PositionSide, ActiveFlush | undefined> = { long: undefined, short: undefined };
  /** The last flush that ended on each side, as the next one's `previousLeg` if it starts in time. */
  private readonly ended: Record<PositionSide, PreviousLeg | undefined> = { long: undefined, short: undefined };
  /** Each side's nearest miss so far (the sum alone short), and its largest window held back past the threshold (`nearestMisses`). */
  private readonly near: Record<PositionSide, FlushNearMiss | undefined> = { long: undefined, short: undefined };
  private readonly held: Record<PositionSide, FlushNearMiss | undefined> = { long: undefined, short: undefined };

  constructor(
    private readonly rules: FlushRules,
    /** The start threshold (USD, every asset together in the window) at a time. */
    private readonly threshold: (now: number) => number,
    /** How many assets it takes at a time (asked only once the window's sum is above the threshold); `rules.minAssets` by default. */
    private readonly minAssets: (now: number) => number = () => rules.minAssets,
  ) {}

  /** The running flush on a side, if any. */
  running(side: PositionSide): string | undefined {
    return this.active[side]?.id;
  }

  /** The flushes running now, with their tally since they started. */
  runningRecords(): FlushRecord[] {
    const out: FlushRecord[] = [];
    for (const a of [this.active.long, this.active.short]) {
      if (a) out.push({ id: a.id, side: a === this.active.long ? 'long' : 'short', startedAt: a.startedAt, usd: a.usd, assetCount: a.byAsset.size });
    }
    return out;
  }

  /**
   * Per side, the windows that came closest to starting a flush while none ran there (`FlushNearMiss`): what `add`
   * measured against the threshold it asked, so a near miss `replay --stats` reports is one this detector would have
   * called at its threshold had the sum been larger (or the rule that held it back been met).
   */
  nearestMisses(): FlushNearMiss[] {
    const all = [this.near.long, this.held.long, this.near.short, this.held.short];
    return all.filter((n): n is FlushNearMiss => n !== undefined).map((n) => ({ ...n, alsoBlockedBy: [...n.alsoBlockedBy] }));
  }

  /** An asset's part of the running flush's tally on a side (USD; 0 where none runs or the asset is not in it). */
  runningAssetUsd(side: PositionSide, asset: string): number {
    return (side === 'long' ? this.active.long : this.active.short)?.byAsset.get(asset)?.usd ?? 0;
  }

  /** Count one liquidation; returns a flush when this one starts it, or an update of the running one. */
  add(asset: string, side: PositionSide, exchange: string, ts: number, usd: number): FlushEvent | undefined {
    const long = side === 'long';
    const w = long ? this.windows.long : this.windows.short;
    w.add(ts, asset, exchange, usd, this.rules.windowMs);
    const a = long ? this.active.long : this.active.short;
    if (a) {
      if (ts > a.lastPrintAt) a.lastPrintAt = ts;
      if (ts <= a.lastStrongAt) {
        // A late print (at or before the last strong one) is inside its window: counted, with no end to move.
        countAsset(a, asset, usd);
        countVenue(a, exchange, usd);
      } else {
        a.pace.add(ts, usd);
        if (w.sum >= a.threshold * this.rules.endFraction && a.pace.atPace(a.lastStrongAt, a.threshold, this.rules.windowMs)) {
          a.quietSince = undefined;
          a.lastStrongAt = a.pace.newest;
          a.pace.restart();
          // The prints held apart since the last strong one were the flush's after all.
          if (a.tail) for (const [x, v] of a.tail) countAsset(a, x, v);
          if (a.exchangeTail) for (const [ex, v] of a.exchangeTail) countVenue(a, ex, v);
          a.tail = a.exchangeTail = undefined;
          countAsset(a, asset, usd);
          countVenue(a, exchange, usd);
        } else {
          (a.tail ??= new Map()).set(asset, (a.tail.get(asset) ?? 0) + usd);
          (a.exchangeTail ??= new Map()).set(exchange, (a.exchangeTail.get(exchange) ?? 0) + usd);
        }
      }
      return this.grown(a) && ts - a.lastPostedAt >= this.rules.updateMinMs ? this.posted(side, a, ts) : undefined;
    }
    const threshold = this.threshold(ts);
    if (w.sum < threshold) {
      // A near miss: a comparison per print, and the rules asked only from `NEAR_MISS_FROM` of the threshold, where it
      // beats the nearest so far.
      const n = long ? this.near.long : this.near.short;
      if (w.sum >= threshold * NEAR_MISS_FROM && (n === undefined || w.sum / threshold > n.usd / n.threshold)) this.missed(side, w, ts, threshold);
      return undefined;
    }
    if (w.byAsset.size < this.rules.minAssets && w.byAsset.size < this.minAssets(ts)) {
      // Asked again in the same minute: the answer it just gave (`minAssets` is asked only past the sum, as before).
      this.missed(side, w, ts, threshold, Math.min(this.rules.minAssets, this.minAssets(ts)));
      return undefined;
    }
    // One asset's share checked before anything is built: while one leads, this fails for every liquidation.
    let leader = 0;
    for (const { usd: v } of w.byAsset.values()) if (v > leader) leader = v;
    if (leader > w.sum * this.rules.maxLeaderShare || w.sumLast(PACE_MS) < (threshold * PACE_MS) / this.rules.windowMs) {
      // Happening now (the second test): the window's last minute at a flush's pace (its share of the threshold), not a
      // window that reaches it on prints minutes old (a coin's own squeeze ageing out until it no longer leads it alone).
      this.missed(side, w, ts, threshold);
      return undefined;
    }
    // Many assets, but one instant: a single account liquidated across several coins in one millisecond (Oct 24 2025
    // 06:58:11.217: BTC $1.18M, ETH $929K, SOL $442K of shorts, 94% of a window of 23 assets, price still) is one
    // margin call, not the market flushing. The flushes called on real days had at most 42% in one instant.
    const instant = w.largestInstant(INSTANT_MS);
    if (instant > w.sum * MAX_INSTANT_SHARE) {
      this.missed(side, w, ts, threshold, this.rules.minAssets, instant);
      return undefined;
    }
    const startedAt = w.firstTs;
    const id = `flush-${side}-${startedAt}`;
    const byAsset = new Map([...w.byAsset].map(([k, box]) => [k, { usd: box.usd }]));
    const before = this.ended[side];
    this.ended[side] = undefined;
    const started: ActiveFlush = {
      id, threshold, startedAt, quietSince: undefined, byAsset, usd: w.sum, exchanges: new Set(w.exchanges()), byExchange: w.byExchange(), lastPostedUsd: w.sum, lastPostedAt: ts,
      lastStrongAt: ts, pace: new PaceMeter(), lastPrintAt: ts, tail: undefined, exchangeTail: undefined,
      previousLeg: before && startedAt - before.endedAt < (this.rules.legMs ?? 0) ? before : undefined,
    };
    this.active[side] = started;
    return { type: 'start', flush: this.figures(side, started) };
  }

  /**
   * A window that did not start a flush, with every rule it failed at this print, asked as `add` asks them: kept as its
   * side's nearest miss where the sum alone held it back and it is the nearest yet, or as the largest held back past
   * the threshold. Reads only, and `minAssets` is not asked where `add` did not ask it (live it is worked out once a
   * minute, from the assets seen by then): the assets are held against `assetsNeeded` where it did (they held it back),
   * else against `rules.minAssets`, what a replay asks. Under the threshold it is asked from `NEAR_MISS_FROM` of it, at
   * each print that comes nearer than the nearest miss so far (on a rising window, each until it peaks), and a record is
   * made only where nothing else was in its way.
   */
  private missed(side: PositionSide, w: SideWindow, ts: number, threshold: number, assetsNeeded = this.rules.minAssets, instant?: number): void {
    if (!(threshold > 0)) return;
    const under = w.sum < threshold;
    const best = under ? this.near[side] : this.held[side];
    if (best !== undefined && w.sum / threshold <= best.usd / best.threshold) return;
    const r = this.rules;
    const failed: FlushBlock[] = [];
    // Under the threshold, the first other rule it fails ends it: the cheapest asked first, as `add` asks them.
    if (under) failed.push('sum');
    if (w.byAsset.size < assetsNeeded) failed.push('assets');
    if (under && failed.length > 1) return;
    let leader = '', most = 0;
    for (const [asset, { usd: v }] of w.byAsset) if (v > most) [leader, most] = [asset, v];
    if (most > w.sum * r.maxLeaderShare) failed.push('leader');
    if (under && failed.length > 1) return;
    const lastMinuteUsd = w.sumLast(PACE_MS), paceUsd = (threshold * PACE_MS) / r.windowMs;
    if (lastMinuteUsd < paceUsd) failed.push('pace');
    // Asked only where every rule above let it start (`add` measures it last, and only then).
    if (instant !== undefined && !failed.length) failed.push('instant');
    if (under ? failed.length > 1 : !failed.length) return;
    const miss: FlushNearMiss = {
      side,
      at: ts,
      from: w.firstTs,
      usd: w.sum,
      threshold,
      blockedBy: failed[0]!,
      alsoBlockedBy: failed.slice(1),
      windowMs: r.windowMs,
      assets: w.byAsset.size,
      assetsNeeded,
      leader,
      leaderShare: w.sum > 0 ? most / w.sum : 0,
      maxLeaderShare: r.maxLeaderShare,
      lastMinuteUsd,
      paceUsd,
      ...(instant !== undefined ? { instantShare: w.sum > 0 ? instant / w.sum : 0, maxInstantShare: MAX_INSTANT_SHARE } : {}),
    };
    if (under) this.near[side] = miss;
    else this.held[side] = miss;
  }

  /** The tally has grown enough since the message was last posted to be edited (once the interval allows). */
  private grown(a: ActiveFlush): boolean {
    return a.usd >= a.lastPostedUsd * (1 + this.rules.updateGrowth);
  }

  private posted(side: PositionSide, a: ActiveFlush, now: number): FlushEvent {
    a.lastPostedUsd = a.usd;
    a.lastPostedAt = now;
    return { type: 'update', flush: this.figures(side, a) };
  }

  private figures(side: PositionSide, a: ActiveFlush): FlushFigures {
    const ranked = [...a.byAsset].map(([asset, box]): [string, number] => [asset, box.usd]).sort((x, y) => y[1] - x[1]);
    return {
      id: a.id,
      side,
      startedAt: a.startedAt,
      usd: a.usd,
      assetCount: a.byAsset.size,
      leaders: ranked.slice(0, this.rules.leaders).map(([asset, v]) => ({ asset, usd: v, share: v / a.usd })),
      exchanges: [...a.exchanges].sort(),
      byExchange: Object.fromEntries([...a.byExchange].sort((x, y) => y[1] - x[1])),
      ...(a.previousLeg ? { previousLeg: a.previousLeg } : {}),
    };
  }

  /**
   * The earliest time `advance` could end a running flush or edit its message if no liquidation comes before it
   * (Infinity while none runs): an edit held back by `updateMinMs`, when that has passed; a quiet one's end of its quiet
   * period; else when its window next loses a print, the moment its sum can fall below the end level; or at once
   * (-Infinity) where a print left the sum below it and no time has passed since.
   */
  nextDue(): number {
    const long = this.active.long, short = this.active.short;
    return Math.min(long ? this.dueOf(long, this.windows.long) : Infinity, short ? this.dueOf(short, this.windows.short) : Infinity);
  }

  private dueOf(a: ActiveFlush, w: SideWindow): number {
    const edit = this.grown(a) ? a.lastPostedAt + this.rules.updateMinMs : Infinity;
    if (a.quietSince !== undefined) return Math.min(edit, a.quietSince + this.rules.quietMs);
    return w.sum < a.threshold * this.rules.endFraction ? -Infinity : Math.min(edit, w.nextDrop(this.rules.windowMs));
  }

  /**
   * Advance time: a flush whose window stayed quiet long enough is over, and one whose edit was held back by
   * `updateMinMs` is edited once it has passed; returns its end or its update.
   */
  advance(now: number): readonly FlushEvent[] {
    // Called on every event: two plain calls rather than a loop over a fresh ['long', 'short'].
    const long = this.active.long ? this.advanceSide('long', now) : undefined;
    const short = this.active.short ? this.advanceSide('short', now) : undefined;
    if (long === undefined && short === undefined) return NONE;
    return long && short ? [long, short] : [(long ?? short)!];
  }

  private advanceSide(side: PositionSide, now: number): FlushEvent | undefined {
    const a = this.active[side]!;
    const w = this.windows[side];
    w.expire(now, this.rules.windowMs);
    // Quiet since the window fell below the end level: no later than now, nor than a window past the newest print (a
    // clock that jumped, with no event between, does not restart the count). Only a print at pace ends the quiet
    // (`add`): small prints that lift the sum back over the end level do not.
    if (a.quietSince === undefined && w.sum < a.threshold * this.rules.endFraction) a.quietSince = Math.min(now, a.lastPrintAt + this.rules.windowMs);
    if (a.quietSince === undefined || now - a.quietSince < this.rules.quietMs) {
      // A message left behind by a burst inside the interval catches up when the interval has passed, not at the next
      // print: a burst's last prints may be the ones that grew it, and the next may be minutes away.
      return this.grown(a) && now - a.lastPostedAt >= this.rules.updateMinMs ? this.posted(side, a, now) : undefined;
    }
    this.active[side] = undefined;
    // Told up to its last strong print: the prints after it (`tail`) are not in its total, nor assets only they brought.
    if (this.rules.legMs) this.ended[side] = { leg: (a.previousLeg?.leg ?? 0) + 1, startedAt: a.startedAt, endedAt: a.lastStrongAt, usd: a.usd };
    const byAsset = new Map([...a.byAsset].map(([asset, box]) => [asset, box.usd]));
    return { type: 'end', flush: this.figures(side, a), endedAt: a.lastStrongAt, heardUsd: a.lastPostedUsd, byAsset };
  }
}
