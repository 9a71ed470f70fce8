/**
 * Event files may be out of order "by a little": a reorder buffer holds events for a short span of event
 * time and releases them sorted, so nothing is dropped and the core sees time move forward. Files are nearly
 * sorted, so the buffer is a sorted array: an in-order event is an append, a late one a binary insert.
 *
 * The hold may change (`setHold`: a stream reader takes the hold its publisher states). The cutoff never moves
 * back, so at every moment the events released are exactly those at or before `cutoff` (a core stores it as its
 * watermark, and a standby restores the buffer from it with `resume`).
 */
import type { MarketEvent } from './events.js';
import { MINUTE } from './time.js';

/** The index in sorted `times` (from `from` on) after every time at or before `ts`. */
function after(times: number[], from: number, ts: number): number {
  let lo = from, hi = times.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (times[mid]! <= ts) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

export class ReorderBuffer {
  private buf: MarketEvent[] = [];
  /** Each held event's time, alongside: `ts` read off events of every type is a generic (megamorphic) lookup. */
  private times: number[] = [];
  private head = 0;
  /** Times of events counted but not held (`note`), sorted, so the buffer moves exactly as if it held them. */
  private noted: number[] = [];
  private notedHead = 0;
  private latest = -Infinity;
  private released = -Infinity;
  private releasedTs = -Infinity;
  /** Events that arrived after events later than them had already been released. They are applied anyway. */
  late = 0;

  constructor(private hold = 5 * MINUTE) {}

  /** The hold in force (ms of event time). */
  get holdMs(): number {
    return this.hold;
  }

  /** The latest event time pushed. */
  get maxTs(): number {
    return this.latest;
  }

  /** Event time up to which events have been released (never moves back, whatever the hold does). */
  get cutoff(): number {
    return this.released;
  }

  push(e: MarketEvent, out: MarketEvent[]): void {
    const ts = e.ts;
    if (ts < this.releasedTs) this.late++;
    const buf = this.buf, times = this.times;
    if (buf.length === this.head || ts >= times[times.length - 1]!) {
      buf.push(e);
      times.push(ts);
    } else {
      // After every held event with ts <= e.ts, so equal timestamps keep file order.
      const at = after(times, this.head, ts);
      buf.splice(at, 0, e);
      times.splice(at, 0, ts);
    }
    if (ts > this.latest) this.latest = ts;
    this.release(out);
  }

  /**
   * An event this buffer's reader does not keep (it reads one asset's), by its time alone: counted late or not
   * and released exactly as `push` would have, so what is held and the count of late events are the same.
   */
  note(ts: number, out: MarketEvent[]): void {
    if (ts < this.releasedTs) this.late++;
    const noted = this.noted;
    if (noted.length === this.notedHead || ts >= noted[noted.length - 1]!) noted.push(ts);
    else noted.splice(after(noted, this.notedHead, ts), 0, ts);
    if (ts > this.latest) this.latest = ts;
    this.release(out);
  }

  /**
   * Change the hold. A shorter one releases now, in order, what it no longer holds; a longer one holds later
   * events longer but takes back nothing already released (the cutoff stays where it was until time catches up).
   */
  setHold(ms: number, out: MarketEvent[]): void {
    if (ms === this.hold) return;
    this.hold = ms;
    this.release(out);
  }

  /**
   * Take up where another buffer stood (a standby core taking over): its cutoff and latest event time, and the
   * events it still held (every one later than the cutoff). Call on an empty buffer.
   */
  resume(at: { cutoff: number; maxTs: number }, held: readonly MarketEvent[]): void {
    this.released = this.releasedTs = at.cutoff;
    this.latest = at.maxTs;
    for (const e of held) {
      if (e.ts <= at.cutoff) throw new Error(`resume: event at ${e.ts} is not later than the cutoff ${at.cutoff}`);
      this.push(e, []);
    }
  }

  private release(out: MarketEvent[]): void {
    const cutoff = Math.max(this.released, this.latest - this.hold);
    this.released = cutoff;
    const buf = this.buf, times = this.times;
    const start = this.head;
    while (this.head < buf.length && times[this.head]! <= cutoff) out.push(buf[this.head++]!);
    if (this.head > start) this.releasedTs = Math.max(this.releasedTs, times[this.head - 1]!);
    // Released events are cut off once they outnumber the held ones, from a few dozen on: a released event the
    // array still points to lives on (into the old generation, when thousands were kept) after the engine is done with it.
    if (this.head > 64 && this.head * 2 > buf.length) {
      this.buf = buf.slice(this.head);
      this.times = times.slice(this.head);
      this.head = 0;
    }
    const noted = this.noted;
    if (noted.length > this.notedHead && noted[this.notedHead]! <= cutoff) {
      while (this.notedHead < noted.length && noted[this.notedHead]! <= cutoff) this.notedHead++;
      this.releasedTs = Math.max(this.releasedTs, noted[this.notedHead - 1]!);
      if (this.notedHead * 2 > noted.length) {
        this.noted = noted.slice(this.notedHead);
        this.notedHead = 0;
      }
    }
  }

  /** Release everything still held, in order (the cutoff is left where it was: the stream or file has ended). */
  drain(out: MarketEvent[]): void {
    for (let i = this.head; i < this.buf.length; i++) out.push(this.buf[i]!);
    if (this.buf.length > this.head) this.releasedTs = Math.max(this.releasedTs, this.times[this.times.length - 1]!);
    if (this.noted.length > this.notedHead) this.releasedTs = Math.max(this.releasedTs, this.noted[this.noted.length - 1]!);
    this.buf = [];
    this.times = [];
    this.head = 0;
    this.noted = [];
    this.notedHead = 0;
  }
}
