/**
 * Open interest and funding are data of their own: a /liqs window with no liquidation prints still shows them (an
 * audit of Aug 5 2024's file, candles and 8h funding without prints, found the block left out whenever the window
 * had no liquidations, though the same query with vendor totals showed it).
 */
import { describe, expect, it } from 'vitest';
import { cli, writeEvents } from '../helpers.js';

const H = 3_600_000;
const T = Date.parse('2024-08-05T12:00:00Z');

describe('/liqs with no liquidation in the window', () => {
  it('still shows funding the file holds', async () => {
    const events: object[] = [];
    for (let t = T - 30 * H; t < T; t += H) {
      events.push({ type: 'candle', ts: t, exchange: 'binanceusdm', symbol: 'BTC/USDT:USDT', timeframe: '1h', open: 60_000, high: 60_100, low: 59_900, close: 60_000, volume: 1 });
    }
    for (let t = T - 32 * H; t < T; t += 8 * H) events.push({ type: 'funding', ts: t, exchange: 'binanceusdm', symbol: 'BTC/USDT:USDT', rate: 0.0001, intervalHours: 8 });
    events.sort((a, b) => (a as { ts: number }).ts - (b as { ts: number }).ts);
    const r = await cli('liqs', 'btc', '--data', writeEvents(events, 'funding-only.jsonl'), '--at', new Date(T).toISOString());
    expect(r.code, r.err).toBe(0);
    expect(r.out).toContain('No liquidation data: the file has no liquidation prints.');
    expect(r.out).toContain('Open interest & funding');
    expect(r.out).toMatch(/Funding \+11% APR/);
  });
});
