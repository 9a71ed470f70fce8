/**
 * Drops events already seen, by the identity the store uses (eventIdentity in store/hash.ts): two ingest
 * replicas publish the same liquidations in different batches, and each must count once. Remembers the
 * identities of the last `capacity` events in arrival order (replicas run side by side, so their copies
 * arrive close together in the stream); a copy arriving later than that is not recognised.
 */
import type { MarketEvent } from '../core/events.js';
import { eventIdentity } from '../store/hash.js';

export class Deduper {
  private readonly seen = new Set<string>();
  /** The remembered identities in arrival order, a ring of `capacity` slots allocated once. */
  private readonly ring: (string | undefined)[];
  private next = 0;
  duplicates = 0;

  constructor(readonly capacity = 262_144) {
    this.ring = new Array<string | undefined>(capacity);
  }

  /** True the first time an event is seen (and remembers it); false for a copy. */
  fresh(e: MarketEvent): boolean {
    const id = eventIdentity(e);
    if (this.seen.has(id)) {
      this.duplicates++;
      return false;
    }
    const evicted = this.ring[this.next];
    if (evicted !== undefined) this.seen.delete(evicted);
    this.ring[this.next] = id;
    this.next = (this.next + 1) % this.capacity;
    this.seen.add(id);
    return true;
  }
}
