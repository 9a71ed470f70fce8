/**
 * The folded status of one exchange stream: an outage that a short-lived recovery interrupted keeps its start, and
 * one that begins after a stable recovery is a new outage with its own start (not the last one's, hours old).
 */
import { describe, expect, it } from 'vitest';
import type { FeedStatus } from '../../src/feeds/contract.js';
import { StatusBoard } from '../../src/feeds/status.js';

function board() {
  let t = 0;
  const seen: FeedStatus[] = [];
  const b = new StatusBoard('bybit', 'liquidations', false, { status: (s: FeedStatus) => seen.push(s) } as never, () => t, undefined, 30_000);
  return { b, seen, at: (ms: number) => (t = ms), last: () => seen[seen.length - 1]! };
}

describe('StatusBoard', () => {
  it('a new outage after a stable recovery starts when it began, not when the last one did', () => {
    const { b, at, last } = board();
    b.set('linear', 'down', 'dropped', 0);
    b.set('inverse', 'down', 'dropped', 0);
    expect(last()).toMatchObject({ state: 'down', since: 0 });
    at(100_000);
    b.set('linear', 'live');
    at(110_000);
    b.set('inverse', 'live');
    expect(last()).toMatchObject({ state: 'live', since: 110_000 });
    // Linear's last frame was at 105 s; the silence check calls it down at 200 s.
    at(200_000);
    b.set('linear', 'down', 'no frame for 95 s', 105_000);
    expect(last()).toMatchObject({ state: 'down', since: 105_000 });
  });

  it('a flap within the same outage reports the outage’s start again', () => {
    const { b, at, last } = board();
    b.set('linear', 'down', 'dropped', 0);
    b.set('inverse', 'down', 'dropped', 5_000);
    at(100_000);
    b.set('linear', 'live');
    b.set('inverse', 'live');
    at(110_000);
    b.set('inverse', 'down', 'dropped', 5_000);
    expect(last()).toMatchObject({ state: 'down', since: 0 });
  });
});
