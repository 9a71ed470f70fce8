/**
 * The core leader's prune loop stops when its process is told to (bench failover: a leader that took over did not
 * exit on SIGTERM). The stop that comes while a prune is running must end the wait after it at once, not after
 * the hour to the next prune; the same for any wait on a signal that has already aborted.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { pruneEvery } from '../../src/bus/core.js';
import { pause, untilAborted } from '../../src/feeds/backoff.js';

afterEach(() => {
  vi.useRealTimers();
});

const HOUR = 3_600_000;

/** Whether `p` has settled once timers due now and pending microtasks have run (no time passes). */
async function settled(p: Promise<unknown>): Promise<boolean> {
  let done = false;
  void p.then(() => (done = true));
  await vi.advanceTimersByTimeAsync(0);
  return done;
}

describe('pruneEvery', () => {
  it('a stop that comes while a prune runs ends the loop at once, not an hour later', async () => {
    vi.useFakeTimers();
    const stop = new AbortController();
    let prunes = 0;
    const engine = {
      prune: async () => {
        prunes++;
        stop.abort(); // SIGTERM while the prune's transaction is in flight
        return 0;
      },
    };
    const loop = pruneEvery(engine, { fence: { key: 1, pid: 1 } }, HOUR, 7, stop.signal);
    expect(await settled(loop)).toBe(true);
    expect(prunes).toBe(1);
    expect(vi.getTimerCount()).toBe(0);
  });

  it('prunes again after the interval while not stopped, and stops between prunes', async () => {
    vi.useFakeTimers();
    const stop = new AbortController();
    let prunes = 0;
    const loop = pruneEvery({ prune: async () => (prunes++, 0) }, { fence: undefined }, HOUR, 7, stop.signal);
    await vi.advanceTimersByTimeAsync(0);
    expect(prunes).toBe(1);
    await vi.advanceTimersByTimeAsync(HOUR);
    expect(prunes).toBe(2);
    stop.abort();
    expect(await settled(loop)).toBe(true);
    expect(prunes).toBe(2);
  });
});

describe('waits on an abort signal', () => {
  it('end at once when the signal has already aborted', async () => {
    vi.useFakeTimers();
    const stop = new AbortController();
    stop.abort();
    expect(await settled(pause(HOUR, stop.signal))).toBe(true);
    expect(await settled(untilAborted(stop.signal))).toBe(true);
  });

  it('end when the signal aborts later', async () => {
    vi.useFakeTimers();
    const stop = new AbortController();
    const waiting = untilAborted(stop.signal);
    expect(await settled(waiting)).toBe(false);
    stop.abort();
    expect(await settled(waiting)).toBe(true);
  });
});
