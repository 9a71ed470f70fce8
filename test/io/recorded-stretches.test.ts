/**
 * The stretches a file has liquidation prints for: built as the reader goes (times nearly in order), the same as
 * sorting every time and joining those less than a recording gap apart, whatever the order they come in.
 */
import { describe, expect, it } from 'vitest';
import { RECORDING_GAP_MS, Stretches } from '../../src/core/coverage.js';

function reference(times: number[]): [number, number][] {
  const out: [number, number][] = [];
  for (const t of [...times].sort((a, b) => a - b)) {
    const last = out[out.length - 1];
    if (last && t - last[1] < RECORDING_GAP_MS) last[1] = t;
    else out.push([t, t]);
  }
  return out;
}

/** A small deterministic generator (mulberry32), so a failure repeats. */
function rng(seed: number): () => number {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

describe('recorded stretches', () => {
  it('join prints less than a recording gap apart and split at longer silences', () => {
    const s = new Stretches();
    const H = RECORDING_GAP_MS;
    for (const t of [0, 0.5 * H, 1.4 * H, 3 * H, 3.1 * H]) s.add(t);
    expect(s.list()).toEqual([[0, 1.4 * H], [3 * H, 3.1 * H]]);
  });

  it('agree with sorting every time, for times in order, a little out of order, and shuffled', () => {
    for (let seed = 1; seed <= 300; seed++) {
      const r = rng(seed);
      const n = 1 + Math.floor(r() * 60);
      // Steps mostly under the gap, some over it: several stretches per case.
      let t = 0;
      const times = Array.from({ length: n }, () => (t += r() < 0.15 ? RECORDING_GAP_MS * (1 + 3 * r()) : RECORDING_GAP_MS * r() * 0.8));
      const shaken = seed % 3 === 0 ? [...times].sort(() => r() - 0.5) : seed % 3 === 1 ? times.map((x) => x + (r() - 0.5) * RECORDING_GAP_MS * 1.5) : times;
      const s = new Stretches();
      for (const x of shaken) s.add(x);
      expect(s.list(), `seed ${seed}`).toEqual(reference(shaken));
    }
  });
});
