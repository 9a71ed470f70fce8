/**
 * Current prices at most about once per second per symbol: the first change goes out at once, later
 * changes within the second are held and the newest one goes out when the second is over.
 */
import type { PriceTick } from '../core/events.js';

interface SymbolState {
  lastAt: number;
  lastPrice: number;
  pending?: number;
}

export class PriceThrottle {
  private readonly bySymbol = new Map<string, SymbolState>();
  private timer: NodeJS.Timeout | undefined;
  private stopped = false;

  constructor(
    private readonly exchange: string,
    private readonly now: () => number,
    private readonly emit: (t: PriceTick) => void,
    private readonly intervalMs = 1_000,
  ) {}

  offer(symbol: string, price: number): void {
    if (this.stopped || !Number.isFinite(price) || price <= 0) return;
    const state = this.bySymbol.get(symbol);
    const now = this.now();
    if (!state) {
      this.bySymbol.set(symbol, { lastAt: now, lastPrice: price });
      this.emit({ type: 'price', ts: now, exchange: this.exchange, symbol, price });
      return;
    }
    if (price === state.lastPrice) {
      delete state.pending;
      return;
    }
    if (now - state.lastAt >= this.intervalMs) this.send(symbol, state, price, now);
    else {
      state.pending = price;
      this.arm(state.lastAt + this.intervalMs - now);
    }
  }

  /** Drop held prices and the timer; later offers are ignored. */
  stop(): void {
    this.stopped = true;
    clearTimeout(this.timer);
    this.timer = undefined;
    for (const s of this.bySymbol.values()) delete s.pending;
  }

  private send(symbol: string, state: SymbolState, price: number, now: number): void {
    state.lastAt = now;
    state.lastPrice = price;
    delete state.pending;
    this.emit({ type: 'price', ts: now, exchange: this.exchange, symbol, price });
  }

  private arm(inMs: number): void {
    if (this.timer) return;
    this.timer = setTimeout(() => this.flush(), Math.max(inMs, 1));
  }

  private flush(): void {
    this.timer = undefined;
    const now = this.now();
    let wait = Infinity;
    for (const [symbol, state] of this.bySymbol) {
      if (state.pending === undefined) continue;
      const due = state.lastAt + this.intervalMs - now;
      if (due <= 0) this.send(symbol, state, state.pending, now);
      else wait = Math.min(wait, due);
    }
    if (wait !== Infinity) this.arm(wait);
  }
}
