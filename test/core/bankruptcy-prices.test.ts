/**
 * OKX, HTX and Bybit give a liquidation's bankruptcy price, not where it filled: beyond any trade. Beside real prices it
 * is never quoted as a fill or a market low, nor read as the price a move ends at; Binance's average fill is a fill.
 */
import { expect, it } from 'vitest';
import { buildConfig } from '../../config/load.js';
import { Market } from '../../src/core/market.js';
import { levelsReply } from '../../src/replies/levels.js';
import { replyText } from '../../src/replies/reply.js';

const MIN = 60_000;
const T0 = Date.parse('2026-03-02T12:00:00Z');

/** A Binance BTC cascade down to $99,758 (15m candles' low $99,740), then one long liquidation at 12:50 at `price` on `exchange`. */
function afterCascade(exchange: string, price: number): string {
  const m = new Market(buildConfig({ exchanges: ['binanceusdm', 'okx', 'bybit', 'htx'], assets: ['BTC'] }));
  m.ingest({ type: 'level', ts: T0, asset: 'BTC', level: 90_000 });
  const candle = (ts: number, o: number, h: number, l: number, c: number) =>
    m.ingest({ type: 'candle', ts, exchange: 'binanceusdm', symbol: 'BTC/USDT:USDT', timeframe: '15m', open: o, high: h, low: l, close: c });
  candle(T0, 100_000, 100_100, 99_900, 100_000);
  m.catchUp(T0 + 15 * MIN);
  for (let i = 0; i < 40; i++) {
    const ts = T0 + 16 * MIN + i * 3_000;
    m.ingest({ type: 'liquidation', ts, exchange: 'binanceusdm', symbol: 'BTC/USDT:USDT', side: 'long', price: 99_760 - (i % 3), amount: 5, usd: 498_800 });
  }
  candle(T0 + 15 * MIN, 100_000, 100_000, 99_740, 99_900);
  for (let t = T0 + 19 * MIN; t <= T0 + 45 * MIN; t += MIN) m.catchUp(t);
  candle(T0 + 30 * MIN, 99_900, 99_950, 99_850, 99_900);
  m.catchUp(T0 + 45 * MIN + 1);
  m.ingest({ type: 'liquidation', ts: T0 + 50 * MIN, exchange, symbol: 'BTC/USDT:USDT', side: 'long', price, amount: 0.5, usd: price / 2 });
  m.catchUp(T0 + 51 * MIN);
  const status = m.levelStatus('BTC', undefined, T0 + 51 * MIN);
  return replyText(levelsReply(status, m.windowCoverage('BTC', 86_400_000, T0 + 51 * MIN)));
}

it.each(['okx', 'bybit', 'htx'])('a %s bankruptcy price under the cascade low is no new low', (exchange) => {
  const text = afterCascade(exchange, 99_450);
  expect(text).not.toContain('99,450');
  expect(text).toContain('the cascade low $99,758 has held so far');
});

it('a Binance fill under the cascade low is one', () => {
  expect(afterCascade('binanceusdm', 99_450)).toContain('a liquidation filled at $99,450 at 12:50, below the cascade low $99,758: no floor yet');
});
