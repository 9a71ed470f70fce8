/** The level tests' shared stand: the default rules on 15m candles, an ETH $3,000 level, and closes fed to a book. */
import type { LevelBook, Level, LevelRules } from '../../src/core/levels.js';

export const M15 = 900_000;
export const T0 = Date.parse('2026-03-02T00:00:00Z');

/** The default rules on 15m candles (config/default.yaml), written out. */
export const rules: LevelRules = {
  breakBufferPct: 0.3, atrMultiple: 1, atrPeriods: 14, testingPct: 0.75, cooldownMs: 2 * M15,
  chopWindowMs: 72 * 3_600_000, chopCrosses: 2, chopRangeMs: 24 * 3_600_000, decisiveFactor: 5, decisiveMs: 2 * 3_600_000,
  acceptMs: 3_600_000, flipMs: 6 * 3_600_000, flipBuffers: 5, confirmMs: 45 * 60_000,
};

export const level: Level = { id: 'ETH@3000', asset: 'ETH', level: 3000, source: 'event', createdAt: T0 };

type Outcome = ReturnType<LevelBook['judge']>[number];

/** 15m closes from candle `from` on (a dollar of wick each way), each close's outcomes as words, comma-joined. */
export function feed(book: LevelBook, closes: number[], from: number, word: (o: Extract<Outcome, { kind: 'break' }>) => string): string[] {
  return closes.map((close, i) => {
    const ts = T0 + (from + i) * M15;
    return book.judge('ETH', { ts, end: ts + M15, open: close, high: close + 1, low: close - 1, close }).map((o) => (o.kind === 'chop' ? 'chop' : word(o as Extract<Outcome, { kind: 'break' }>))).join(',');
  });
}
