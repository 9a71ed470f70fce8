/**
 * A manual clock for pacing tests: time moves only when the test moves it, so counts and order are asserted
 * in fake time, never against the machine's speed.
 */
import type { Clock } from '../../src/alerts/pacing.js';

export class ManualClock implements Clock {
  private t: number;
  private timers: { at: number; seq: number; fn: () => void }[] = [];
  private seq = 0;

  /**
   * `quiet`: resolves when real work (sockets, the event loop) has settled, awaited before each timer runs; with
   * real I/O in the loop (a local fake server), time must not move while a request is on its way.
   */
  constructor(
    start = 0,
    private readonly quiet: () => Promise<void> = settle,
  ) {
    this.t = start;
  }

  now(): number {
    return this.t;
  }

  after(ms: number, fn: () => void): () => void {
    const timer = { at: this.t + Math.max(0, ms), seq: this.seq++, fn };
    this.timers.push(timer);
    return () => (this.timers = this.timers.filter((x) => x !== timer));
  }

  /** Timers not yet run. */
  get pending(): number {
    return this.timers.length;
  }

  /** When the next timer fires (undefined: none). */
  get nextAt(): number | undefined {
    return this.timers.reduce<number | undefined>((m, x) => (m === undefined || x.at < m ? x.at : m), undefined);
  }

  /** Move time forward by `ms`, running each timer due on the way (in time order), with its callbacks' follow-ups. */
  async advance(ms: number): Promise<void> {
    await this.advanceTo(this.t + ms);
  }

  async advanceTo(to: number): Promise<void> {
    for (;;) {
      await this.quiet();
      const due = this.timers.filter((x) => x.at <= to).sort((a, b) => a.at - b.at || a.seq - b.seq)[0];
      if (!due) break;
      this.timers = this.timers.filter((x) => x !== due);
      this.t = Math.max(this.t, due.at);
      due.fn();
    }
    this.t = Math.max(this.t, to);
    await this.quiet();
  }
}

/** Let promise callbacks and the pacer's next-turn (setImmediate) work run. */
export async function settle(): Promise<void> {
  for (let i = 0; i < 5; i++) await new Promise((resolve) => setImmediate(resolve));
}
