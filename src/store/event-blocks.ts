/**
 * Raw market events in SQLite as blocks: one `event_blocks` row per written batch, its events sorted by time and
 * identity hash and packed (see `floatsOf`: each event's numbers, then its type and string ids), with the block's own
 * string table. A row per event cost SQLite ~1.3 µs per event to insert (most of it binding eight
 * values); a block costs it a few microseconds per batch, so the store's insert no longer competes with the
 * pipeline for a core (issue 20). What the `events` table promised still holds:
 * - **idempotent**: an event whose time and hash are stored already is left out. Only events no later than the
 *   latest one stored can be, and only blocks whose span holds their time are searched (by binary search over
 *   their times and hashes, those of the last blocks written or read kept), so a live batch costs one indexed look-up;
 * - **in order**: `eventsSince` merges the blocks into one sequence ordered by time, then hash;
 * - **pruned by time**: blocks wholly outside the kept span are deleted, the one or two it cuts are rewritten.
 *
 * A blob is the host's Float64 byte order (liqbot runs on little-endian machines; the file is not a transport).
 */
import type Database from 'better-sqlite3';
import type { MarketEvent } from '../core/events.js';
import { eventAt, STRIDE } from './event-pack.js';

/** `event_blocks` and its indexes, as the migration that brings them creates them. */
export const EVENT_BLOCKS_SQL = `
  -- One row per written batch of raw events (event-blocks.ts): packed in 'rows' (see floatsOf), sorted by (ts, hash);
  -- 'strings' is the JSON array the rows' string ids index. An event is stored once per (ts, hash).
  -- A block's id is never reused and its content never changes (a prune that cuts one writes a new one), so a
  -- writer may keep blocks it has read by id.
  CREATE TABLE event_blocks (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    first_ts INTEGER NOT NULL,
    last_ts INTEGER NOT NULL,
    count INTEGER NOT NULL,
    rows BLOB NOT NULL,
    strings TEXT NOT NULL
  );
  CREATE INDEX event_blocks_first ON event_blocks (first_ts);
  CREATE INDEX event_blocks_last ON event_blocks (last_ts);
`;

/** What the duplicate check reads of a block: each event's time and hash, in (ts, hash) order. */
interface Keys {
  ts: Float64Array;
  hashes: Float64Array;
  count: number;
}

/** A block read whole: its events as event-pack.ts rows (`count` of STRIDE numbers) and the strings their ids index. */
interface Block extends Keys {
  rows: Float64Array;
  strings: string[];
}

interface BlockRow {
  id: number;
  count: number;
  rows: Buffer;
  strings: string;
}

/**
 * How many numbers each raw type keeps from slot 6 on (event-pack.ts rows, by type code: liquidation, candle, price,
 * open interest, funding); the rest of a row is type, time and string ids.
 */
const VALUES = [3, 5, 1, 2, 2];

/**
 * A block's bytes (written by `put` in blockStore): every event's time, then every hash, then the events' numbers one after another (as many
 * as its type keeps), all Float64; then per event its type and three string ids (+1; 0: none) as Uint16. A
 * liquidation takes 48 bytes, half its row in memory: bytes are what SQLite spends its time on.
 */
function floatsOf(r: BlockRow): { floats: Float64Array; heads: Uint16Array } {
  const n = r.count;
  const bytes = r.rows;
  // Float64Array needs its offset aligned to 8; the driver's buffers are, but a copy costs little if one is not.
  const buffer = bytes.byteOffset % 8 === 0 ? bytes.buffer : Uint8Array.from(bytes).buffer;
  const offset = bytes.byteOffset % 8 === 0 ? bytes.byteOffset : 0;
  return { floats: new Float64Array(buffer, offset, bytes.length / 8 - n), heads: new Uint16Array(buffer, offset + bytes.length - 8 * n, 4 * n) };
}

function keysOf(r: BlockRow): Keys {
  const { floats } = floatsOf(r);
  return { ts: floats.subarray(0, r.count), hashes: floats.subarray(r.count, 2 * r.count), count: r.count };
}

function decode(r: BlockRow): Block {
  const n = r.count;
  const { floats, heads } = floatsOf(r);
  const rows = new Float64Array(n * STRIDE);
  let v = 2 * n;
  for (let i = 0; i < n; i++) {
    const o = i * STRIDE, type = heads[4 * i]!;
    rows[o] = type;
    rows[o + 1] = floats[i]!;
    rows[o + 2] = heads[4 * i + 1]! - 1;
    rows[o + 3] = heads[4 * i + 2]! - 1;
    rows[o + 4] = heads[4 * i + 3]! - 1;
    rows[o + 5] = -1;
    for (let k = 0, m = VALUES[type]!; k < m; k++) rows[o + 6 + k] = floats[v++]!;
  }
  return { ts: floats.subarray(0, n), hashes: floats.subarray(n, 2 * n), count: n, rows, strings: JSON.parse(r.strings) as string[] };
}

/** The first event of a block at or after `ts`. */
function firstAtOrAfter(b: Keys, ts: number): number {
  let lo = 0, hi = b.count;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (b.ts[mid]! < ts) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/**
 * The (ts, hash) pairs of one batch, to find an event it holds twice: open addressing in two Float64Arrays, at most
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
   * identity hash of the event at `offsets[j]`, as one block (or more, past MAX_BLOCK) of those not stored yet. `isNew(o)` is called for each
   * event that was new. Returns how many were. Runs inside the caller's transaction.
   */
  insert(rows: Float64Array, t: readonly string[], offsets: readonly number[], hashes: readonly number[], isNew: (o: number) => void): number;
  /** The stored events with ts >= fromMs, ordered by time, then hash; it reads the blocks lazily, one statement open until the last. */
  since(fromMs: number): Generator<MarketEvent, void, undefined>;
  /** Delete the events with ts < beforeMs or ts > afterMs; returns how many. Runs inside the caller's transaction. */
  prune(beforeMs: number, afterMs: number): number;
}

/** A block's place: what the look-up for a batch's older events reads before any blob. */
interface BlockSpan {
  id: number;
  first_ts: number;
  last_ts: number;
}

/** Events per block at most: a block's strings (three per event at most) then fit its 16-bit ids. */
const MAX_BLOCK = 20_000;

/** Blocks whose keys the writer keeps besides the latest it wrote: those searched last (ids are never reused). */
const KEPT_BLOCKS = 4;

export function blockStore(db: Database.Database): BlockStore {
  const s = {
    put: db.prepare('INSERT INTO event_blocks (first_ts, last_ts, count, rows, strings) VALUES (?, ?, ?, ?, ?)'),
    latest: db.prepare('SELECT max(last_ts) FROM event_blocks').pluck(),
    spans: db.prepare('SELECT id, first_ts, last_ts FROM event_blocks WHERE last_ts >= ? AND first_ts <= ?'),
    block: db.prepare('SELECT id, count, rows, strings FROM event_blocks WHERE id = ?'),
    since: db.prepare('SELECT id, first_ts, count, rows, strings FROM event_blocks WHERE last_ts >= ? ORDER BY first_ts, id'),
    outsideCount: db.prepare('SELECT coalesce(sum(count), 0) FROM event_blocks WHERE last_ts < ? OR first_ts > ?').pluck(),
    deleteOutside: db.prepare('DELETE FROM event_blocks WHERE last_ts < ? OR first_ts > ?'),
    straddling: db.prepare('SELECT id, count, rows, strings FROM event_blocks WHERE first_ts < ? OR last_ts > ?'),
    remove: db.prepare('DELETE FROM event_blocks WHERE id = ?'),
  };
  const batchKeys = new KeyTable();
  const kept: number[] = [];
  /** Keys of blocks read back, by id, least recently used first. */
  const keysById = new Map<number, Keys>();
  const keep = (id: number, k: Keys) => {
    keysById.delete(id);
    keysById.set(id, k);
    if (keysById.size > KEPT_BLOCKS) keysById.delete(keysById.keys().next().value!);
  };
  /** Whether an event with this time and hash is in one of `spans`' blocks. */
  const stored = (spans: readonly BlockSpan[], ts: number, hash: number): boolean => {
    for (const span of spans) {
      if (ts < span.first_ts || ts > span.last_ts) continue;
      let k = span.id === latestId ? latestKeys : keysById.get(span.id);
      if (k === undefined) k = keysOf(s.block.get(span.id) as BlockRow);
      if (k !== latestKeys) keep(span.id, k);
      for (let i = firstAtOrAfter(k, ts); i < k.count && k.ts[i] === ts; i++) if (k.hashes[i] === hash) return true;
    }
    return false;
  };
  /** The block's own number for each string id of the rows being written (-1: not used yet). */
  let local = new Int32Array(64);
  let scratch = new Float64Array(1024);
  let latestKeys: Keys = { ts: new Float64Array(0), hashes: new Float64Array(0), count: 0 };
  let latestId = -1;

  /**
   * Store events as one block: the rows at `at[0…n)` of `rows` (event-pack.ts; `t` indexes their string ids) with
   * hashes `hashOf[0…n)`, already in (ts, hash) order.
   */
  const put = (rows: Float64Array, t: readonly string[], at: readonly number[], hashOf: readonly number[], from: number, to: number): void => {
    const n = to - from;
    let values = 0;
    for (let k = from; k < to; k++) values += VALUES[rows[at[k]!]!]!;
    const size = 3 * n + values; // 4 Uint16 per event: the size of one Float64
    // One buffer for every block this connection writes (SQLite copies the bytes): no array left to the collector.
    if (scratch.length < size) scratch = new Float64Array(Math.max(size, 2 * scratch.length));
    const floats = scratch;
    const heads = new Uint16Array(floats.buffer, (2 * n + values) * 8, 4 * n);
    heads.fill(0);
    if (local.length < t.length) local = new Int32Array(Math.max(t.length, 2 * local.length));
    local.fill(-1, 0, t.length);
    const strings: string[] = [];
    let v = 2 * n;
    for (let i = 0; i < n; i++) {
      const o = at[from + i]!, type = rows[o]!;
      floats[i] = rows[o + 1]!;
      floats[n + i] = hashOf[from + i]!;
      for (let k = 0, m = VALUES[type]!; k < m; k++) floats[v++] = rows[o + 6 + k]!;
      heads[4 * i] = type;
      for (let f = 2; f < 5; f++) {
        const id = rows[o + f]!;
        if (id < 0) continue; // 0: none
        let l = local[id]!;
        if (l < 0) {
          l = local[id] = strings.length;
          strings.push(t[id]!);
        }
        heads[4 * i + f - 1] = l + 1;
      }
    }
    const id = s.put.run(floats[0]!, floats[n - 1]!, n, Buffer.from(floats.buffer, 0, size * 8), JSON.stringify(strings)).lastInsertRowid;
    // The keys of the block just written, for the next batch's look-ups, in buffers of their own kept for the next block.
    if (latestKeys.ts.length < n) latestKeys = { ts: new Float64Array(2 * n), hashes: new Float64Array(2 * n), count: 0 };
    latestKeys.ts.set(floats.subarray(0, n));
    latestKeys.hashes.set(floats.subarray(n, 2 * n));
    latestKeys.count = n;
    latestId = Number(id);
  };
  const at: number[] = [];
  const hashOf: number[] = [];

  return {
    insert(rows, t, offsets, hashes, isNew) {
      const n = offsets.length;
      if (n === 0) return 0;
      // Only an event no later than the latest stored can be stored already: their span, and the blocks it meets.
      const latest = s.latest.get() as number | null;
      let lo = Infinity, hi = -Infinity;
      if (latest !== null) {
        for (const o of offsets) {
          const ts = rows[o + 1]!;
          if (ts <= latest) {
            if (ts < lo) lo = ts;
            if (ts > hi) hi = ts;
          }
        }
      }
      const spans = lo <= hi ? (s.spans.all(lo, hi) as BlockSpan[]) : [];
      batchKeys.clear(n);
      kept.length = 0;
      for (let j = 0; j < n; j++) {
        const ts = rows[offsets[j]! + 1]!, hash = hashes[j]!;
        if (batchKeys.add(ts, hash)) continue; // twice in this batch
        if (ts <= hi && stored(spans, ts, hash)) continue;
        kept.push(j);
      }
      if (kept.length === 0) return 0;
      // A batch comes in time order but for a late event now and then; the events of one millisecond in any order of hash.
      let inTime = true;
      for (let k = 1; k < kept.length && inTime; k++) inTime = rows[offsets[kept[k - 1]!]! + 1]! <= rows[offsets[kept[k]!]! + 1]!;
      if (!inTime) kept.sort((a, b) => rows[offsets[a]! + 1]! - rows[offsets[b]! + 1]! || hashes[a]! - hashes[b]!);
      else {
        // Each run of one time ordered by hash, by insertion (runs are short).
        for (let k = 1; k < kept.length; k++) {
          const j = kept[k]!, ts = rows[offsets[j]! + 1]!, hash = hashes[j]!;
          let m = k;
          for (; m > 0 && rows[offsets[kept[m - 1]!]! + 1] === ts && hashes[kept[m - 1]!]! > hash; m--) kept[m] = kept[m - 1]!;
          kept[m] = j;
        }
      }
      at.length = 0;
      hashOf.length = 0;
      for (const j of kept) {
        at.push(offsets[j]!);
        hashOf.push(hashes[j]!);
      }
      for (let from = 0; from < at.length; from += MAX_BLOCK) put(rows, t, at, hashOf, from, Math.min(at.length, from + MAX_BLOCK));
      for (const o of at) isNew(o);
      return at.length;
    },

    *since(fromMs) {
      // A min-heap of the blocks being read, by their next event's (ts, hash); blocks join it in order of their
      // first event, before any event at or after that one is handed on.
      const heap: { b: Block; i: number }[] = [];
      const before = (x: { b: Block; i: number }, y: { b: Block; i: number }) => {
        const tx = x.b.ts[x.i]!, ty = y.b.ts[y.i]!;
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
          while (!next.done && (heap.length === 0 || next.value.first_ts <= heap[0]!.b.ts[heap[0]!.i]!)) {
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
        const rest: number[] = [];
        const restHashes: number[] = [];
        for (let i = 0; i < b.count; i++) {
          if (b.ts[i]! >= beforeMs && b.ts[i]! <= afterMs) {
            rest.push(i * STRIDE);
            restHashes.push(b.hashes[i]!);
          }
        }
        removed += b.count - rest.length;
        s.remove.run(id);
        if (rest.length) put(b.rows, b.strings, rest, restHashes, 0, rest.length);
      }
      return removed;
    },
  };
}
