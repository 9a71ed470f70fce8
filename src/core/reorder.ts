/**
 * Event files may be out of order "by a little": a reorder buffer holds events for a short span of event
 * time and releases them sorted, so nothing is dropped and the core sees time move forward.
 */
import type { MarketEvent } from './events.js';

/** A binary min-heap on (ts, arrival order), so equal timestamps keep file order. */
export class ReorderBuffer {
  private readonly heap: { e: MarketEvent; n: number }[] = [];
  private seq = 0;
  private maxTs = -Infinity;
  /** Events that arrived after events later than them had already been released. */
  late = 0;
  private releasedTs = -Infinity;

  constructor(private readonly holdMs = 5 * 60_000) {}

  private less(a: { e: MarketEvent; n: number }, b: { e: MarketEvent; n: number }): boolean {
    return a.e.ts < b.e.ts || (a.e.ts === b.e.ts && a.n < b.n);
  }

  push(e: MarketEvent, out: MarketEvent[]): void {
    if (e.ts < this.releasedTs) this.late++;
    const h = this.heap;
    h.push({ e, n: this.seq++ });
    let i = h.length - 1;
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (!this.less(h[i]!, h[p]!)) break;
      [h[i], h[p]] = [h[p]!, h[i]!];
      i = p;
    }
    if (e.ts > this.maxTs) this.maxTs = e.ts;
    while (h.length && h[0]!.e.ts <= this.maxTs - this.holdMs) out.push(this.pop());
  }

  private pop(): MarketEvent {
    const h = this.heap;
    const top = h[0]!;
    const last = h.pop()!;
    if (h.length) {
      h[0] = last;
      let i = 0;
      for (;;) {
        const l = 2 * i + 1, r = l + 1;
        let m = i;
        if (l < h.length && this.less(h[l]!, h[m]!)) m = l;
        if (r < h.length && this.less(h[r]!, h[m]!)) m = r;
        if (m === i) break;
        [h[i], h[m]] = [h[m]!, h[i]!];
        i = m;
      }
    }
    if (top.e.ts > this.releasedTs) this.releasedTs = top.e.ts;
    return top.e;
  }

  /** Release everything still held, in order. */
  drain(out: MarketEvent[]): void {
    while (this.heap.length) out.push(this.pop());
  }
}
