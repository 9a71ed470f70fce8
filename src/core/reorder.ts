/**
 * Event files may be out of order "by a little": a reorder buffer holds events for a short span of event
 * time and releases them sorted, so nothing is dropped and the core sees time move forward. Files are nearly
 * sorted, so the buffer is a sorted array: an in-order event is an append, a late one a binary insert.
 */
import type { MarketEvent } from './events.js';
import { MINUTE } from './time.js';

export class ReorderBuffer {
  private buf: MarketEvent[] = [];
  private head = 0;
  private maxTs = -Infinity;
  private releasedTs = -Infinity;
  /** Events that arrived after events later than them had already been released. They are applied anyway. */
  late = 0;

  constructor(private readonly holdMs = 5 * MINUTE) {}

  push(e: MarketEvent, out: MarketEvent[]): void {
    if (e.ts < this.releasedTs) this.late++;
    const buf = this.buf;
    if (buf.length === this.head || e.ts >= buf[buf.length - 1]!.ts) buf.push(e);
    else {
      // Insert after every held event with ts <= e.ts, so equal timestamps keep file order.
      let lo = this.head, hi = buf.length;
      while (lo < hi) {
        const mid = (lo + hi) >> 1;
        if (buf[mid]!.ts <= e.ts) lo = mid + 1;
        else hi = mid;
      }
      buf.splice(lo, 0, e);
    }
    if (e.ts > this.maxTs) this.maxTs = e.ts;
    const cutoff = this.maxTs - this.holdMs;
    while (this.head < buf.length && buf[this.head]!.ts <= cutoff) out.push(buf[this.head++]!);
    if (this.head > 4096 && this.head * 2 > buf.length) {
      this.buf = buf.slice(this.head);
      this.head = 0;
    }
    if (out.length) this.releasedTs = Math.max(this.releasedTs, out[out.length - 1]!.ts);
  }

  /** Release everything still held, in order. */
  drain(out: MarketEvent[]): void {
    for (let i = this.head; i < this.buf.length; i++) out.push(this.buf[i]!);
    if (out.length) this.releasedTs = Math.max(this.releasedTs, out[out.length - 1]!.ts);
    this.buf = [];
    this.head = 0;
  }
}
