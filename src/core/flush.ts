/**
 * Market-wide flushes: many assets liquidating on one side in the same minutes. One detector per engine, on
 * event time, with the threshold injected by the caller (it depends on which venues the bot sees). A flush is
 * one message; the per-asset cascades that start while it runs are carried by it for chats that follow every
 * asset.
 */
import type { PositionSide } from './events.js';

export interface FlushRules {
  windowMs: number;
  /** At least this many assets with liquidations on the side in the window. */
  minAssets: number;
  /** No single asset above this share of the window (one coin's cascade is that coin's alert). */
  maxLeaderShare: number;
  /** The flush is over once the window's sum stays below `endFraction` of the threshold for `quietMs`. */
  endFraction: number;
  quietMs: number;
  /** How many leaders the message names. */
  leaders: number;
}

export interface FlushStart {
  id: string;
  side: PositionSide;
  startedAt: number;
  usd: number;
  assetCount: number;
  leaders: { asset: string; usd: number; share: number }[];
  exchanges: string[];
}

/**
 * One side's rolling window: the prints in it (a queue with a moving head, one column per field, so a print
 * is no object that lives for the window's minutes and dies in old space) and the sums per asset.
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
}

interface ActiveFlush {
  id: string;
  threshold: number;
  quietSince: number | undefined;
}

export class FlushDetector {
  // Per side, picked with `side === 'long' ? … : …` on the per-liquidation path: an object indexed by the side
  // (`windows[side]`) is a generic keyed lookup once it has seen both names. A flush's end sets undefined rather
  // than deleting, which would turn the object into a dictionary.
  private readonly windows = { long: new SideWindow(), short: new SideWindow() };
  private readonly active: Record<PositionSide, ActiveFlush | undefined> = { long: undefined, short: undefined };

  constructor(
    private readonly rules: FlushRules,
    /** The start threshold (USD, every asset together in the window) at a time. */
    private readonly threshold: (now: number) => number,
  ) {}

  /** The running flush on a side, if any. */
  running(side: PositionSide): string | undefined {
    return this.active[side]?.id;
  }

  /** Count one liquidation; returns a flush when this one starts it. */
  add(asset: string, side: PositionSide, exchange: string, ts: number, usd: number): FlushStart | undefined {
    const long = side === 'long';
    const w = long ? this.windows.long : this.windows.short;
    w.add(ts, asset, exchange, usd, this.rules.windowMs);
    const a = long ? this.active.long : this.active.short;
    if (a) {
      if (w.sum >= a.threshold * this.rules.endFraction) a.quietSince = undefined;
      return undefined;
    }
    const threshold = this.threshold(ts);
    if (w.sum < threshold || w.byAsset.size < this.rules.minAssets) return undefined;
    // One asset's share checked before anything is built: while one leads, this fails for every liquidation.
    let leader = 0;
    for (const { usd: v } of w.byAsset.values()) if (v > leader) leader = v;
    if (leader > w.sum * this.rules.maxLeaderShare) return undefined;
    const ranked = [...w.byAsset].map(([asset, box]): [string, number] => [asset, box.usd]).sort((x, y) => y[1] - x[1]);
    const startedAt = w.firstTs;
    const id = `flush-${side}-${startedAt}`;
    this.active[side] = { id, threshold, quietSince: undefined };
    return {
      id,
      side,
      startedAt,
      usd: w.sum,
      assetCount: w.byAsset.size,
      leaders: ranked.slice(0, this.rules.leaders).map(([asset, v]) => ({ asset, usd: v, share: v / w.sum })),
      exchanges: w.exchanges(),
    };
  }

  /** Advance time: a flush whose window stayed quiet long enough is over (it posts nothing more). */
  advance(now: number): void {
    // Called on every event: two plain calls rather than a loop over a fresh ['long', 'short'].
    if (this.active.long) this.advanceSide('long', now);
    if (this.active.short) this.advanceSide('short', now);
  }

  private advanceSide(side: PositionSide, now: number): void {
    const a = this.active[side]!;
    const w = this.windows[side];
    w.expire(now, this.rules.windowMs);
    if (w.sum >= a.threshold * this.rules.endFraction) {
      a.quietSince = undefined;
      return;
    }
    a.quietSince ??= now;
    if (now - a.quietSince >= this.rules.quietMs) this.active[side] = undefined;
  }
}
