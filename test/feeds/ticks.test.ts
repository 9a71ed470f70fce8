/** The price throttle on its own, with fake timers: at most one tick per second per symbol, the newest wins. */
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { PriceTick } from '../../src/core/events.js';
import { PriceThrottle } from '../../src/feeds/ticks.js';

afterEach(() => vi.useRealTimers());

describe('PriceThrottle', () => {
  it('sends the first change at once, holds later ones, and sends the newest when the second is over', () => {
    vi.useFakeTimers({ now: 1_000_000 });
    const out: PriceTick[] = [];
    const t = new PriceThrottle('bybit', () => Date.now(), (p) => out.push(p));
    t.offer('ETH/USDT:USDT', 3000);
    for (let i = 1; i <= 30; i++) {
      vi.advanceTimersByTime(20);
      t.offer('ETH/USDT:USDT', 3000 + i);
    }
    t.offer('BTC/USDT:USDT', 90_000);
    expect(out.map((p) => p.price)).toEqual([3000, 90_000]);
    vi.advanceTimersByTime(1000);
    expect(out.map((p) => p.price)).toEqual([3000, 90_000, 3030]);
    expect(out[2]!.ts - out[0]!.ts).toBeGreaterThanOrEqual(1000);
    t.stop();
    t.offer('ETH/USDT:USDT', 1);
    vi.advanceTimersByTime(5000);
    expect(out).toHaveLength(3);
  });
});
