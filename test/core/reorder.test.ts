/**
 * The reorder buffer under a hold that changes (a stream reader takes the hold its publisher states): a shorter
 * hold releases at once what it no longer holds, a longer one takes nothing back, the cutoff never moves back
 * (the core stores it as its watermark), and a buffer resumed from (cutoff, latest time, held events) releases
 * exactly what the original releases.
 */
import { describe, expect, it } from 'vitest';
import type { Liquidation, MarketEvent } from '../../src/core/events.js';
import { ReorderBuffer } from '../../src/core/reorder.js';

const T0 = Date.UTC(2026, 0, 31, 12);
const liq = (s: number): Liquidation => ({ type: 'liquidation', exchange: 'bybit', symbol: 'ETH/USDT:USDT', ts: T0 + s * 1000, side: 'long', price: 2_500, amount: 1, usd: 2_500 });
const secs = (out: MarketEvent[]) => out.map((e) => (e.ts - T0) / 1000);

describe('ReorderBuffer with a changing hold', () => {
  it('a shorter hold releases what it no longer holds, in order; a longer one takes nothing back', () => {
    const b = new ReorderBuffer(300_000);
    const out: MarketEvent[] = [];
    for (const s of [30, 0, 60]) b.push(liq(s), out);
    expect(out).toEqual([]);
    b.setHold(15_000, out);
    expect(secs(out)).toEqual([0, 30]); // at or before 60 − 15
    expect(b.cutoff).toBe(T0 + 45_000);
    b.setHold(300_000, out);
    expect(b.cutoff).toBe(T0 + 45_000); // never back
    b.push(liq(40), out); // before the cutoff: released at once (nothing later went out before it: not late)
    expect(secs(out)).toEqual([0, 30, 40]);
    expect(b.late).toBe(0);
    b.push(liq(340), out); // 340 − 300 = 40: the cutoff stays at 45
    expect(secs(out)).toEqual([0, 30, 40]);
    b.push(liq(400), out); // 400 − 300 = 100: 60 goes
    expect(secs(out)).toEqual([0, 30, 40, 60]);
    expect([b.cutoff, b.maxTs, b.holdMs]).toEqual([T0 + 100_000, T0 + 400_000, 300_000]);
  });

  it('a buffer resumed from the cutoff, latest time and held events releases what the original releases', () => {
    const original = new ReorderBuffer(15_000);
    const released: MarketEvent[] = [];
    for (const s of [0, 10, 20, 5, 50, 44]) original.push(liq(s), released);
    original.setHold(60_000, released); // longer: the cutoff (35) runs ahead of latest − hold (−10)
    expect(secs(released)).toEqual([0, 5, 10, 20]);
    const held = [liq(44), liq(50)];
    const resumed = new ReorderBuffer(60_000);
    resumed.resume({ cutoff: original.cutoff, maxTs: original.maxTs }, held);
    const a: MarketEvent[] = [];
    const b: MarketEvent[] = [];
    for (const [s, hold] of [[60, 60_000], [100, 60_000], [101, 15_000], [130, 15_000]] as const) {
      original.setHold(hold, a);
      resumed.setHold(hold, b);
      original.push(liq(s), a);
      resumed.push(liq(s), b);
      expect(secs(b), `after ${s}`).toEqual(secs(a));
      expect(resumed.cutoff).toBe(original.cutoff);
    }
    expect(secs(a)).toEqual([44, 50, 60, 100, 101]);
    expect(() => new ReorderBuffer().resume({ cutoff: T0, maxTs: T0 }, [liq(0)])).toThrow(/not later than the cutoff/);
  });

  it('a long, slightly disordered stream comes out in stable time order across many compactions', () => {
    // Thousands of events through a hold of 60 s: the buffer drops what it released many times over.
    const b = new ReorderBuffer(60_000);
    const out: MarketEvent[] = [];
    const input: Liquidation[] = [];
    for (let i = 0; i < 5_000; i++) input.push({ ...liq(i - (i % 7 === 3 ? 45 : 0)), amount: i });
    for (const e of input) b.push(e, out);
    b.drain(out);
    const sorted = [...input].sort((x, y) => x.ts - y.ts);
    expect(out.map((e) => (e as Liquidation).amount)).toEqual(sorted.map((e) => e.amount));
    expect(b.late).toBe(0);
  });
});
