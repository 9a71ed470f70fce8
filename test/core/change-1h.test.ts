/**
 * A cascade's start says price's move over the hour before it ("Price $99 (−1.0% in 1h)"): from the price an hour
 * before, the close at or last before now − 1h (the close of the minute before its minute, as a move during an event
 * opens), never the close of the minute holding now − 1h, a price up to a minute after it.
 */
import { describe, expect, it } from 'vitest';
import { buildConfig } from '../../config/load.js';
import type { Alert } from '../../src/core/alerts.js';
import type { MarketEvent } from '../../src/core/events.js';
import { Market } from '../../src/core/market.js';
import { alertReply } from '../../src/replies/alerts.js';
import { replyText } from '../../src/replies/reply.js';

const at = (iso: string) => Date.parse(iso);
const SYMBOL = 'ETH/USDT:USDT';
const tick = (iso: string, price: number): MarketEvent => ({ type: 'price', ts: at(iso), exchange: 'bybit', symbol: SYMBOL, price });
const candle = (iso: string, open: number, close: number): MarketEvent => ({
  type: 'candle', ts: at(iso), exchange: 'bybit', symbol: SYMBOL, timeframe: '1m', open, high: Math.max(open, close), low: Math.min(open, close), close,
});
/** Five $1M ETH long prints on Bybit, a second apart from `first`: the fifth starts a cascade (ETH's $5M floor). */
const prints = (first: number): MarketEvent[] =>
  [0, 1, 2, 3, 4].map((i) => ({ type: 'liquidation', ts: first + i * 1_000, exchange: 'bybit', symbol: SYMBOL, side: 'long', price: 99, amount: 10_101, usd: 1_000_000 }));

function start(events: MarketEvent[]): Extract<Alert, { kind: 'cascade' }> {
  const m = new Market(buildConfig({ exchanges: ['bybit'], assets: ['ETH'] }));
  const alerts = events.flatMap((e) => m.ingest(e));
  const s = alerts.find((a) => a.kind === 'cascade');
  if (s?.kind !== 'cascade') throw new Error('no cascade started');
  return s;
}

describe('a cascade start\'s move in the hour before it', () => {
  it('starts at the last price at or before an hour ago, not at its minute\'s close 16 s after it', () => {
    // Started at 12:00:34: an hour before is 11:00:34. The last price by then is $100 (10:59:30); 11:00's close, $110,
    // came at 11:00:50. Price now $99: −1%, not −10%.
    const s = start([tick('2026-03-02T10:59:30Z', 100), tick('2026-03-02T11:00:50Z', 110), tick('2026-03-02T12:00:00Z', 99), ...prints(at('2026-03-02T12:00:30Z'))]);
    expect(s.ts).toBe(at('2026-03-02T12:00:34Z'));
    expect(s.change1hPct).toBeCloseTo(-1, 9);
    expect(replyText(alertReply(s))).toContain('Price $99 (−1.0% in 1h)');
  });

  it('an hour ago on the minute: the close of the 1m candle before it (its price at that moment), not of the one it opens', () => {
    // Started at 12:00:00 (the fifth print): an hour before is 11:00:00, where the 10:59 candle closed at $100; the
    // 11:00 candle closed at $110 a minute later.
    const s = start([candle('2026-03-02T10:59:00Z', 101, 100), candle('2026-03-02T11:00:00Z', 100, 110), tick('2026-03-02T11:59:50Z', 99), ...prints(at('2026-03-02T11:59:56Z'))]);
    expect(s.ts).toBe(at('2026-03-02T12:00:00Z'));
    expect(s.change1hPct).toBeCloseTo(-1, 9);
  });
});
