/**
 * What a stretch of history would have posted, measured the way a channel lives with it: per asset and level,
 * the level messages, how many were undone by the opposite alert within 12 hours (a whipsaw), and whether the
 * breaks that held were told in time; per asset, the cascades. `liqbot replay FILE --stats` prints it, and the
 * real-market evaluation test asserts on it.
 */
import type { Alert } from './alerts.js';
import { NEAR_MISS_FROM, type CascadeNearMiss } from './cascades.js';
import type { FlushNearMiss } from './flush.js';
import { bounds, levelId, type LevelValue } from './levels.js';
import { HOUR } from './time.js';

/** An alert undone by the opposite one within this long was a whipsaw. */
export const REVERSAL_MS = 12 * HOUR;
/** A crossing close counts as a break that held when every 15m close this long after it stays beyond the level. */
export const HELD_MS = 12 * HOUR;
/** A break that held counts as told when the level's alert said so within this long of the crossing close. */
export const TOLD_WITHIN_MS = 2 * HOUR;

/**
 * Where a cascade or market-wide flush came closest to being called and was not, on an asset and side (a flush's: `ALL`)
 * where none was called: the detector's own records (`CascadeDetector.nearestMisses`, `FlushDetector.nearestMisses`),
 * with `share` its sum over the threshold in force at that print. Under 1, the sum alone held it back (`blockedBy:
 * 'sum'`, from `NEAR_MISS_FROM`); 1 or more, another rule did (`blockedBy`, `alsoBlockedBy`).
 */
export type NearMiss = ({ kind: 'cascade' } & CascadeNearMiss & { share: number }) | ({ kind: 'flush'; asset: 'ALL' } & FlushNearMiss & { share: number });

export interface LevelRow {
  asset: string;
  levelId: string;
  level: LevelValue;
  label?: string;
  /** Level messages posted: breaks, reclaims and chop notices. */
  messages: number;
  /** Breaks and reclaims (messages with a direction). */
  breaks: number;
  /** Breaks followed by the opposite break of the same level within 12 h. */
  reversed: number;
  /**
   * Breaks not reversed that came under 12 h before the asset's last close: the file ends before it could say whether
   * they were reversed, so they are left out of the share reversed (counted in `breaks`). Absent where none.
   */
  unjudged?: number;
  /** Crossing closes that held for 12 h, and how many of them the alerts told within 2 h. */
  held: number;
  heldTold: number;
  /** The crossing closes that held but were not told in time. */
  missed: { end: number; direction: 'up' | 'down' }[];
}

export interface CascadeRow {
  asset: string;
  side: string;
  startedAt: number;
  endedAt?: number;
  usd: number;
  updates: number;
  /** A market-wide flush's (asset `ALL`): how many assets took part. */
  assets?: number;
  /** Its leg (2 for the second), when it started soon after the last one on its side ended (`previousLeg`). */
  leg?: number;
}

export interface BacktestStats {
  levels: LevelRow[];
  cascades: CascadeRow[];
  /** How many market-wide flushes started, and each one as a row (asset `ALL`). */
  flushes: number;
  flushRows: CascadeRow[];
  totals: { messages: number; breaks: number; reversed: number; held: number; heldTold: number };
  /**
   * The breaks the file ends too soon after to judge: of `totals.breaks` (`LevelRow.unjudged` summed), and of
   * `perMessage.breaks` (the last break message of a level it leads with, under 12 h before the last close). `backtest`
   * always sets it.
   */
  unjudged?: { breaks: number; messages: number };
  /**
   * The same whipsaws counted per message: a break message that broke several levels counts once, for the level it
   * leads with (the `level` of `replay --json`), reversed when the next break message leading with that level is
   * the opposite within 12 h.
   */
  perMessage: { breaks: number; reversed: number };
  /**
   * How long the levels were watched, in ms: from the first level's time (the first close, when that is later) to the
   * last close. A file's levels can come days into its candles: a rate a day is over this, not over the whole file.
   * Absent with no level or no close.
   */
  watchedMs?: number;
  /**
   * With the detectors' near misses given (`replay --stats`), those of the asset sides without a cascade and the sides
   * without a market-wide flush, from `NEAR_MISS_FROM` of the threshold, largest share first.
   */
  nearMisses?: NearMiss[];
}

interface Close {
  end: number;
  close: number;
}

interface LevelDef {
  id: string;
  asset: string;
  level: LevelValue;
  label?: string;
  from: number;
}

/** Crossing closes (a 15m close on the other side of the level from the one before) that stayed beyond it for 12 h. */
export function heldCrossings(closes: readonly Close[], level: LevelValue, from: number): { end: number; direction: 'up' | 'down' }[] {
  const [lo, hi] = bounds(level);
  const side = (p: number) => (p < lo ? -1 : p > hi ? 1 : 0);
  const out: { end: number; direction: 'up' | 'down' }[] = [];
  let prev = 0;
  for (let i = 0; i < closes.length; i++) {
    const c = closes[i]!;
    const s = side(c.close);
    if (c.end < from || s === 0) {
      if (s !== 0) prev = s;
      continue;
    }
    if (prev !== 0 && s !== prev) {
      let held = true;
      let j = i + 1;
      for (; j < closes.length && closes[j]!.end <= c.end + HELD_MS; j++) if (side(closes[j]!.close) !== s) held = false;
      const covered = j < closes.length || closes[closes.length - 1]!.end >= c.end + HELD_MS;
      if (held && covered) out.push({ end: c.end, direction: s > 0 ? 'up' : 'down' });
    }
    prev = s;
  }
  return out;
}

/**
 * Measure a replay: its alerts, the closes its levels were judged on (per asset) and the levels it watched (global ones);
 * with the detectors' near misses (`near`), those of the sides where nothing was called.
 */
export function backtest(
  alerts: readonly Alert[],
  closes: ReadonlyMap<string, readonly Close[]>,
  levels: readonly LevelDef[],
  near?: { cascades: readonly CascadeNearMiss[]; flushes: readonly FlushNearMiss[] },
): BacktestStats {
  // The last close an asset's levels were judged on: an opposite alert could come no later.
  const endOf = (asset: string): number => {
    const list = closes.get(asset);
    return list?.length ? list[list.length - 1]!.end : -Infinity;
  };
  const rows = new Map<string, LevelRow>();
  const told = new Map<string, { ts: number; direction?: 'up' | 'down' }[]>();
  for (const l of levels) {
    const row: LevelRow = { asset: l.asset, levelId: l.id, level: l.level, messages: 0, breaks: 0, reversed: 0, held: 0, heldTold: 0, missed: [] };
    if (l.label !== undefined) row.label = l.label;
    rows.set(l.id, row);
    told.set(l.id, []);
  }
  const perMessage = { breaks: 0, reversed: 0 };
  const lastByLead = new Map<string, { ts: number; direction: 'up' | 'down'; asset: string }>();
  const cascades = new Map<string, CascadeRow>();
  const flushRows = new Map<string, CascadeRow>();
  for (const a of alerts) {
    // A chop that ended on the side the chat last heard of ("broke down out of its chop", `fromChop.kept`) is a
    // message, not a break: the level is not broken again, and the side it was told stays the one told before.
    const kept = a.kind === 'level_break' && a.fromChop?.kept === true;
    if (a.kind === 'level_break' && !kept && rows.has(a.levelId)) {
      const before = lastByLead.get(a.levelId);
      if (before && before.direction !== a.direction && a.ts - before.ts <= REVERSAL_MS) perMessage.reversed++;
      perMessage.breaks++;
      lastByLead.set(a.levelId, { ts: a.ts, direction: a.direction, asset: a.asset });
    }
    if (a.kind === 'level_break' || a.kind === 'level_chop') {
      for (const id of [a.levelId, ...(a.also ?? []).map((x) => x.levelId)]) {
        const row = rows.get(id);
        if (!row) continue;
        row.messages += id === a.levelId ? 1 : 0;
        const keptToo = id === a.levelId ? kept : a.kind === 'level_break' && a.also?.find((x) => x.levelId === id)?.kept === true;
        told.get(id)!.push(a.kind === 'level_break' && !keptToo ? { ts: a.ts, direction: a.direction } : { ts: a.ts });
      }
    } else if (a.kind === 'cascade') {
      cascades.set(a.cascadeId, { asset: a.asset, side: a.side, startedAt: a.startedAt, usd: a.usd, updates: 0, ...(a.previousLeg ? { leg: a.previousLeg.leg + 1 } : {}) });
    } else if (a.kind === 'cascade_update') {
      const c = cascades.get(a.cascadeId);
      if (c) {
        c.updates++;
        c.usd = a.usd;
      }
    } else if (a.kind === 'cascade_end') {
      const c = cascades.get(a.cascadeId);
      if (c) {
        c.endedAt = a.endedAt;
        c.usd = a.usd;
      }
    } else if (a.kind === 'market_flush') {
      flushRows.set(a.flushId, { asset: 'ALL', side: a.side, startedAt: a.startedAt, usd: a.usd, updates: 0, assets: a.assetCount, ...(a.previousLeg ? { leg: a.previousLeg.leg + 1 } : {}) });
    } else if (a.kind === 'market_flush_update' || a.kind === 'market_flush_end') {
      const f = flushRows.get(a.flushId);
      if (f) {
        if (a.kind === 'market_flush_update') f.updates++;
        else f.endedAt = a.endedAt;
        f.usd = a.usd;
        f.assets = a.assetCount;
      }
    }
  }
  // A lead's last break message, when the file ends under 12 h after it, cannot be judged either.
  let messagesUnjudged = 0;
  for (const last of lastByLead.values()) if (endOf(last.asset) - last.ts < REVERSAL_MS) messagesUnjudged++;
  for (const l of levels) {
    const row = rows.get(l.id)!;
    const said = told.get(l.id)!;
    const directed = said.filter((s): s is { ts: number; direction: 'up' | 'down' } => s.direction !== undefined);
    row.breaks = directed.length;
    const end = endOf(l.asset);
    let unjudged = 0;
    for (let i = 0; i < directed.length; i++) {
      const next = directed[i + 1];
      if (next && next.direction !== directed[i]!.direction && next.ts - directed[i]!.ts <= REVERSAL_MS) row.reversed++;
      else if (!next && end - directed[i]!.ts < REVERSAL_MS) unjudged++;
    }
    if (unjudged) row.unjudged = unjudged;
    for (const x of heldCrossings(closes.get(l.asset) ?? [], l.level, l.from)) {
      row.held++;
      // Told: what the level's alerts last said by 2 h after the crossing close is this direction.
      const last = directed.filter((s) => s.ts <= x.end + TOLD_WITHIN_MS).pop();
      if (last?.direction === x.direction && last.ts >= l.from) row.heldTold++;
      else row.missed.push(x);
    }
  }
  const levelRows = [...rows.values()];
  const totals = { messages: 0, breaks: 0, reversed: 0, held: 0, heldTold: 0 };
  for (const r of levelRows) {
    totals.messages += r.messages;
    totals.breaks += r.breaks;
    totals.reversed += r.reversed;
    totals.held += r.held;
    totals.heldTold += r.heldTold;
  }
  const unjudged = { breaks: levelRows.reduce((n, r) => n + (r.unjudged ?? 0), 0), messages: messagesUnjudged };
  const out: BacktestStats = { levels: levelRows, cascades: [...cascades.values()], flushes: flushRows.size, flushRows: [...flushRows.values()], totals, unjudged, perMessage };
  let firstClose = Infinity, lastClose = -Infinity;
  for (const list of closes.values()) {
    if (list.length) [firstClose, lastClose] = [Math.min(firstClose, list[0]!.end), Math.max(lastClose, list[list.length - 1]!.end)];
  }
  const watchedFrom = Math.max(firstClose, Math.min(...levels.map((l) => l.from)));
  if (Number.isFinite(watchedFrom) && Number.isFinite(lastClose)) out.watchedMs = Math.max(0, lastClose - watchedFrom);
  if (near) out.nearMisses = nearMisses(out, near);
  return out;
}

/** The near misses of the sides where nothing was called, from `NEAR_MISS_FROM` of the threshold, largest share first. */
function nearMisses(st: BacktestStats, near: { cascades: readonly CascadeNearMiss[]; flushes: readonly FlushNearMiss[] }): NearMiss[] {
  const called = new Set(st.cascades.map((c) => `${c.asset}|${c.side}`));
  const flushed = new Set(st.flushRows.map((f) => f.side));
  const out: NearMiss[] = [];
  for (const m of near.cascades) if (!called.has(`${m.asset}|${m.side}`)) out.push({ kind: 'cascade', ...m, share: m.usd / m.threshold });
  for (const m of near.flushes) if (!flushed.has(m.side)) out.push({ kind: 'flush', asset: 'ALL', ...m, share: m.usd / m.threshold });
  return out.filter((m) => m.share >= NEAR_MISS_FROM).sort((a, b) => b.share - a.share || a.at - b.at || a.asset.localeCompare(b.asset) || a.side.localeCompare(b.side));
}

/**
 * The global levels a file declares (events without a chat), each watched from the time it was first set; a level set
 * again (a correction) has the later line's label, as the engine holds it.
 */
export function levelsOf(events: Iterable<{ type: string }>): LevelDef[] {
  const out = new Map<string, LevelDef>();
  for (const e of events) {
    if (e.type !== 'level') continue;
    const l = e as unknown as { ts: number; asset: string; level: LevelValue; label?: string; chat?: string };
    if (l.chat !== undefined) continue;
    const id = levelId(l.asset, l.level);
    const from = out.get(id)?.from ?? l.ts;
    out.set(id, { id, asset: l.asset, level: l.level, from, ...(l.label !== undefined ? { label: l.label } : {}) });
  }
  return [...out.values()];
}
