/**
 * Liquidations seen in the last minutes of event time, by identity hash (the store's `eventHash`: 53 bits of every
 * field): a frame an exchange sends twice (after a reconnect, or two sockets carrying one symbol) is counted once.
 * Two generations: every ten minutes of event time (or 100,000 prints) a new one begins and the one before the last
 * is dropped whole, so nothing is swept print by print; a print is recent while its generation or the next is
 * current (10 to 20 minutes).
 *
 * Each generation is an open-addressing table of the hashes in a `Float64Array`, at most half full, doubled as it
 * fills and kept for the next generation: a `Set<number>` of 53-bit numbers boxed every hash it kept (a heap object
 * per print, alive for up to 20 minutes, copied by collections until it reached the old generation). The table is
 * no larger than the generations need, so a look-up stays in the processor's cache.
 */
const GENERATION_MS = 10 * 60_000;
const GENERATION_PRINTS = 100_000;
const FIRST_SLOTS = 1 << 12;

class Generation {
  /** Hash + 1 (0: empty). */
  keys = new Float64Array(FIRST_SLOTS);
  count = 0;

  has(key: number): boolean {
    const keys = this.keys, mask = keys.length - 1;
    for (let slot = (key >>> 0) & mask; ; slot = (slot + 1) & mask) {
      const k = keys[slot]!;
      if (k === key) return true;
      if (k === 0) return false;
    }
  }

  /** Add `key` unless it is here: whether it was. */
  add(key: number): boolean {
    if (2 * (this.count + 1) > this.keys.length) this.grow();
    const keys = this.keys, mask = keys.length - 1;
    for (let slot = (key >>> 0) & mask; ; slot = (slot + 1) & mask) {
      const k = keys[slot]!;
      if (k === key) return true;
      if (k === 0) {
        keys[slot] = key;
        this.count++;
        return false;
      }
    }
  }

  clear(): void {
    this.keys.fill(0);
    this.count = 0;
  }

  private grow(): void {
    const old = this.keys;
    this.keys = new Float64Array(old.length * 2);
    this.count = 0;
    for (const k of old) if (k !== 0) this.add(k);
  }
}

export class RecentPrints {
  private recent = new Generation();
  private older = new Generation();
  private recentFrom = -Infinity;

  /** Whether the print with this hash at `ts` was seen recently; if not, it is now. */
  seen(hash: number, ts: number): boolean {
    const key = hash + 1;
    if (ts - this.recentFrom >= GENERATION_MS || this.recent.count >= GENERATION_PRINTS) {
      if (this.recent.has(key) || this.older.has(key)) return true;
      const cleared = this.older;
      cleared.clear();
      this.older = this.recent;
      this.recent = cleared;
      this.recentFrom = ts;
    } else if (this.older.has(key)) {
      return true; // a print seen in the older generation stays there only
    }
    // Added where the look-up ends: one probe sequence for a new print (nearly every one).
    return this.recent.add(key);
  }
}
