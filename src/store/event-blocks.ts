/**
 * Raw market events in SQLite as blocks: one `event_blocks` row per written batch, its events packed as the writer's
 * thread receives them (event-pack.ts rows, then each event's identity hash, sorted by time and hash), with the
 * block's own string table. A row per event cost SQLite ~1.3 µs per event to insert (most of it binding eight
 * values); a block costs it a few microseconds per batch, so the store's insert no longer competes with the
 * pipeline for a core (issue 20). What the `events` table promised still holds:
 * - **idempotent**: an event whose time and hash are stored already is left out (only blocks that overlap the
 *   batch's time span are read to know, nearly always the last one written, whoever wrote it);
 * - **in order**: `eventsSince` merges the blocks into one sequence ordered by time, then hash;
 * - **pruned by time**: blocks wholly outside the kept span are deleted, the one or two it cuts are rewritten.
 *
 * A blob is the host's Float64 byte order (liqbot runs on little-endian machines; the file is not a transport).
 */
import type Database from 'better-sqlite3';
import type { MarketEvent } from '../core/events.js';
import { eventAt, STRIDE } from './event-pack.js';

/** `event_blocks` and its indexes (the migration that creates them, and a test that builds an older file). */
export const EVENT_BLOCKS_SQL = `
  -- One row per written batch of raw events (event-blocks.ts): rows and hashes packed in 'rows', sorted by (ts, hash);
  -- 'strings' is the JSON array the rows' string ids index. An event is stored once per (ts, hash).
  CREATE TABLE event_blocks (
    id INTEGER PRIMARY KEY,
    first_ts INTEGER NOT NULL,
    last_ts INTEGER NOT NULL,
    count INTEGER NOT NULL,
    rows BLOB NOT NULL,
    strings TEXT NOT NULL
  );
  CREATE INDEX event_blocks_first ON event_blocks (first_ts);
  CREATE INDEX event_blocks_last ON event_blocks (last_ts);
`;

/** A block read back: `count` rows of STRIDE numbers, then `count` hashes, and the strings the rows' ids index. */
interface Block {
  rows: Float64Array;
  hashes: Float64Array;
  count: number;
  strings: string[];
}

interface BlockRow {
  id: number;
  count: number;
  rows: Buffer;
  strings: string;
}

function decode(r: BlockRow): Block {
  const bytes = r.rows;
  // A Float64Array needs its offset aligned to 8; the driver's buffers are, but a copy costs little if one is not.
  const buffer = bytes.byteOffset % 8 === 0 ? bytes.buffer : Uint8Array.from(bytes).buffer;
  const offset = bytes.byteOffset % 8 === 0 ? bytes.byteOffset : 0;
  const values = new Float64Array(buffer, offset, r.count * (STRIDE + 1));
  return { rows: values.subarray(0, r.count * STRIDE), hashes: values.subarray(r.count * STRIDE), count: r.count, strings: JSON.parse(r.strings) as string[] };
}

/** The first row of a block at or after `ts` (rows are sorted by time). */
function firstAtOrAfter(b: Block, ts: number): number {
  let lo = 0, hi = b.count;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (b.rows[mid * STRIDE + 1]! < ts) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/**
 * The (ts, hash) pairs of one batch and the stored events it overlaps: open addressing in two Float64Arrays, at most
 * half full (a Map of 53-bit numbers would box every key).
 */
class KeyTable {
  private hashes = new Float64Array(1 << 12);
  private times = new Float64Array(1 << 12);
  private used = new Uint8Array(1 << 12);
  private count = 0;

  clear(expected: number): void {
    let size = this.used.length;
    while (size < 2 * expected) size *= 2;
    if (size !== this.used.length) {
      this.hashes = new Float64Array(size);
      this.times = new Float64Array(size);
      this.used = new Uint8Array(size);
    } else this.used.fill(0);
    this.count = 0;
  }

  /** Add the pair unless it is here: whether it was. */
  add(ts: number, hash: number): boolean {
    if (2 * (this.count + 1) > this.used.length) this.grow();
    const mask = this.used.length - 1;
    for (let slot = ((hash >>> 0) ^ (ts >>> 0)) & mask; ; slot = (slot + 1) & mask) {
      if (this.used[slot] === 0) {
        this.used[slot] = 1;
        this.hashes[slot] = hash;
        this.times[slot] = ts;
        this.count++;
        return false;
      }
      if (this.hashes[slot] === hash && this.times[slot] === ts) return true;
    }
  }

  private grow(): void {
    const { hashes, times, used } = this;
    this.hashes = new Float64Array(used.length * 2);
    this.times = new Float64Array(used.length * 2);
    this.used = new Uint8Array(used.length * 2);
    this.count = 0;
    for (let i = 0; i < used.length; i++) if (used[i]) this.add(times[i]!, hashes[i]!);
  }
}

export interface BlockStore {
  /**
   * Store the raw events at `offsets` of `rows` (event-pack.ts rows; `t` indexes their string ids), `hashes[j]` the
   * identity hash of the event at `offsets[j]`, as one block of those not stored yet. `isNew(o)` is called for each
   * event that was new. Returns how many were. Runs inside the caller's transaction.
   */
  insert(rows: Float64Array, t: readonly string[], offsets: readonly number[], hashes: readonly number[], isNew: (o: number) => void): number;
  /** The stored events with ts >= fromMs, ordered by time, then hash. The connection is busy while it runs. */
  since(fromMs: number): Generator<MarketEvent, void, undefined>;
  /** Delete the events with ts < beforeMs or ts > afterMs; returns how many. Runs inside the caller's transaction. */
  prune(beforeMs: number, afterMs: number): number;
}

export function blockStore(db: Database.Database): BlockStore {
  const s = {
    put: db.prepare('INSERT INTO event_blocks (first_ts, last_ts, count, rows, strings) VALUES (?, ?, ?, ?, ?)'),
    overlapping: db.prepare('SELECT id, count, rows, strings FROM event_blocks WHERE last_ts >= ? AND first_ts <= ?'),
    since: db.prepare('SELECT id, first_ts, count, rows, strings FROM event_blocks WHERE last_ts >= ? ORDER BY first_ts, id'),
    outsideCount: db.prepare('SELECT coalesce(sum(count), 0) FROM event_blocks WHERE last_ts < ? OR first_ts > ?').pluck(),
    deleteOutside: db.prepare('DELETE FROM event_blocks WHERE last_ts < ? OR first_ts > ?'),
    straddling: db.prepare('SELECT id, count, rows, strings FROM event_blocks WHERE first_ts < ? OR last_ts > ?'),
    rewrite: db.prepare('UPDATE event_blocks SET first_ts = ?, last_ts = ?, count = ?, rows = ? WHERE id = ?'),
    remove: db.prepare('DELETE FROM event_blocks WHERE id = ?'),
  };
  const keys = new KeyTable();
  /** Per written block: the batch's string ids as the block's own (-1: not used yet), and the block's strings. */
  let local = new Int32Array(64);
  const kept: number[] = [];

  /** Write `order` (indices into offsets/hashes) as one block, sorted by (ts, hash). */
  const write = (rows: Float64Array, t: readonly string[], offsets: readonly number[], hashes: readonly number[], order: number[]) => {
    const tsOf = (j: number) => rows[offsets[j]! + 1]!;
    let sorted = true;
    for (let k = 1; k < order.length && sorted; k++) {
      const a = order[k - 1]!, b = order[k]!;
      sorted = tsOf(a) < tsOf(b) || (tsOf(a) === tsOf(b) && hashes[a]! <= hashes[b]!);
    }
    if (!sorted) order.sort((a, b) => tsOf(a) - tsOf(b) || hashes[a]! - hashes[b]!);
    const n = order.length;
    const out = new Float64Array(n * (STRIDE + 1));
    if (local.length < t.length) local = new Int32Array(Math.max(t.length, 2 * local.length));
    local.fill(-1, 0, t.length);
    const strings: string[] = [];
    const localId = (id: number): number => {
      if (id < 0) return id;
      let l = local[id]!;
      if (l < 0) {
        l = local[id] = strings.length;
        strings.push(t[id]!);
      }
      return l;
    };
    for (let k = 0; k < n; k++) {
      const j = order[k]!, o = offsets[j]!, q = k * STRIDE;
      for (let f = 0; f < STRIDE; f++) out[q + f] = rows[o + f]!;
      for (let f = 2; f < 6; f++) out[q + f] = localId(rows[o + f]!);
      out[n * STRIDE + k] = hashes[j]!;
    }
    s.put.run(out[1]!, out[(n - 1) * STRIDE + 1]!, n, Buffer.from(out.buffer, out.byteOffset, out.byteLength), JSON.stringify(strings));
  };

  return {
    insert(rows, t, offsets, hashes, isNew) {
      const n = offsets.length;
      if (n === 0) return 0;
      let first = Infinity, last = -Infinity;
      for (const o of offsets) {
        const ts = rows[o + 1]!;
        if (ts < first) first = ts;
        if (ts > last) last = ts;
      }
      keys.clear(n);
      // What is stored already in the batch's span: live, the tail of the block written last.
      for (const r of s.overlapping.iterate(first, last) as IterableIterator<BlockRow>) {
        const b = decode(r);
        for (let i = firstAtOrAfter(b, first); i < b.count && b.rows[i * STRIDE + 1]! <= last; i++) keys.add(b.rows[i * STRIDE + 1]!, b.hashes[i]!);
      }
      kept.length = 0;
      for (let j = 0; j < n; j++) if (!keys.add(rows[offsets[j]! + 1]!, hashes[j]!)) kept.push(j);
      if (kept.length === 0) return 0;
      write(rows, t, offsets, hashes, kept);
      for (const j of kept) isNew(offsets[j]!);
      return kept.length;
    },

    *since(fromMs) {
      // A min-heap of the blocks being read, by their next event's (ts, hash); blocks join it in order of their
      // first event, before any event at or after that one is handed on.
      const heap: { b: Block; i: number }[] = [];
      const before = (x: { b: Block; i: number }, y: { b: Block; i: number }) => {
        const tx = x.b.rows[x.i * STRIDE + 1]!, ty = y.b.rows[y.i * STRIDE + 1]!;
        return tx < ty || (tx === ty && x.b.hashes[x.i]! < y.b.hashes[y.i]!);
      };
      const down = (k: number) => {
        for (;;) {
          const l = 2 * k + 1, r = l + 1;
          let m = k;
          if (l < heap.length && before(heap[l]!, heap[m]!)) m = l;
          if (r < heap.length && before(heap[r]!, heap[m]!)) m = r;
          if (m === k) return;
          [heap[k], heap[m]] = [heap[m]!, heap[k]!];
          k = m;
        }
      };
      const push = (c: { b: Block; i: number }) => {
        heap.push(c);
        for (let k = heap.length - 1; k > 0; ) {
          const p = (k - 1) >> 1;
          if (!before(heap[k]!, heap[p]!)) break;
          [heap[k], heap[p]] = [heap[p]!, heap[k]!];
          k = p;
        }
      };
      const blocks = s.since.iterate(fromMs) as IterableIterator<BlockRow & { first_ts: number }>;
      try {
        let next = blocks.next();
        for (;;) {
          while (!next.done && (heap.length === 0 || next.value.first_ts <= heap[0]!.b.rows[heap[0]!.i * STRIDE + 1]!)) {
            const b = decode(next.value);
            const i = firstAtOrAfter(b, fromMs);
            if (i < b.count) push({ b, i });
            next = blocks.next();
          }
          if (heap.length === 0) return;
          const c = heap[0]!;
          yield eventAt(c.b.rows, c.i * STRIDE, c.b.strings);
          if (++c.i === c.b.count) {
            const tail = heap.pop()!;
            if (heap.length) heap[0] = tail;
          }
          if (heap.length) down(0);
        }
      } finally {
        blocks.return?.();
      }
    },

    prune(beforeMs, afterMs) {
      let removed = s.outsideCount.get(beforeMs, afterMs) as number;
      s.deleteOutside.run(beforeMs, afterMs);
      const cut = (s.straddling.all(beforeMs, afterMs) as BlockRow[]).map((r) => ({ id: r.id, b: decode(r) }));
      for (const { id, b } of cut) {
        const keep: number[] = [];
        for (let i = 0; i < b.count; i++) {
          const ts = b.rows[i * STRIDE + 1]!;
          if (ts >= beforeMs && ts <= afterMs) keep.push(i);
        }
        removed += b.count - keep.length;
        if (keep.length === 0) {
          s.remove.run(id);
          continue;
        }
        const out = new Float64Array(keep.length * (STRIDE + 1));
        keep.forEach((i, k) => {
          out.set(b.rows.subarray(i * STRIDE, (i + 1) * STRIDE), k * STRIDE);
          out[keep.length * STRIDE + k] = b.hashes[i]!;
        });
        s.rewrite.run(out[1]!, out[(keep.length - 1) * STRIDE + 1]!, keep.length, Buffer.from(out.buffer), id);
      }
      return removed;
    },
  };
}
