/**
 * A vendor's hourly total counts in a /liqs window only for an hour whole inside it (read to the minute, as the reply
 * shows its ends): a 1h window to 14:59 holds one minute of 13:00–14:00, and that hour's $1.12M is not "liquidated in
 * 1h" beside $90K of single orders that were. The venue is said as not counted, not left to read as one that saw
 * nothing; a window of whole hours, and a longer one, count the hours they hold and name them.
 */
import { describe, expect, it } from 'vitest';
import { cli, writeEvents } from '../helpers.js';

const at = (hh: number, mm = 0) => Date.UTC(2026, 0, 31, hh, mm);
const iso = (ms: number) => new Date(ms).toISOString();
const print = (ts: number, usd: number) => ({ type: 'liquidation', ts, exchange: 'bybit', symbol: 'ETH/USDT:USDT', side: 'long', price: 3000, amount: usd / 3000, usd });
const hour = (ts: number, usd: number) => ({ type: 'liquidation_total', ts, period: '1h', asset: 'ETH', side: 'long', usd, exchange: 'hyperliquid' });

// Bybit's orders: $10K at 13:05, $50K at 14:10, $40K at 14:40. Hyperliquid's hours: 13:00 $1.12M, 14:00 $500K.
const FILE = () => writeEvents([hour(at(13), 1_120_000), print(at(13, 5), 10_000), hour(at(14), 500_000), print(at(14, 10), 50_000), print(at(14, 40), 40_000)]);

describe('/liqs counts a vendor hour only whole inside its window', () => {
  it('a 1h window to 14:59: the single orders alone, Hyperliquid said as not counted; on the hour, its hour counts', async () => {
    const r = await cli('liqs', 'eth', '--data', FILE(), '--window', '1h', '--at', iso(at(14, 59)));
    expect(r.code, r.err).toBe(0);
    // Before: "$1.21M liquidated in 1h", "Hyperliquid $1.12M · 93% (hourly totals 13:00–14:00)".
    expect(r.out).toContain('$90K liquidated in 1h (2 orders');
    expect(r.out).not.toContain('$1.21M');
    expect(r.out).not.toContain('Hyperliquid $');
    expect(r.out).toContain('Hyperliquid not counted (hourly vendor totals only, no whole hour in this window)');
    // On the hour, the window's own hour is its whole: counted, labelled as such.
    const onTheHour = await cli('liqs', 'eth', '--data', FILE(), '--window', '1h', '--at', iso(at(14)));
    expect(onTheHour.code, onTheHour.err).toBe(0);
    expect(onTheHour.out).toContain('$1.13M liquidated in 1h (1 order');
    expect(onTheHour.out).toContain('Hyperliquid $1.12M · 99% (hourly totals)');
    expect(onTheHour.out).not.toContain('not counted');
  });

  it('--json says the same: no Hyperliquid in the figures, named as not counted', async () => {
    const r = await cli('liqs', 'eth', '--data', FILE(), '--window', '1h', '--at', iso(at(14, 59)), '--json');
    expect(r.code, r.err).toBe(0);
    const o = JSON.parse(r.out) as { totalUsd: number; byExchange: Record<string, unknown>; coverage: { hourly?: string[]; hourlyUncounted?: string[] } };
    expect(o.totalUsd).toBe(90_000);
    expect(Object.keys(o.byExchange)).toEqual(['bybit']);
    expect(o.coverage.hourly).toBeUndefined();
    expect(o.coverage.hourlyUncounted).toEqual(['hyperliquid']);
  });

  it('a 4h window to 14:59 counts the hours whole inside it and names them', async () => {
    const r = await cli('liqs', 'eth', '--data', FILE(), '--window', '4h', '--at', iso(at(14, 59)));
    expect(r.code, r.err).toBe(0);
    // 11:00–14:00 holds Hyperliquid's 13:00 hour; its 14:00 hour runs to 15:00, after the window's end.
    expect(r.out).toContain('$1.22M liquidated in 4h (3 orders');
    expect(r.out).toContain('Hyperliquid $1.12M · 92% (hourly totals 11:00–14:00)');
    expect(r.out).not.toContain('not counted');
  });

  it('an empty window says the venue it could not count, in its body', async () => {
    const r = await cli('liqs', 'eth', '--data', FILE(), '--window', '1h', '--at', iso(at(15, 59)));
    expect(r.code, r.err).toBe(0);
    // The 14:00 hour is cut by a window from 14:59: not "$500K liquidated in 1h".
    expect(r.out).not.toContain('$500K');
    expect(r.out).toContain('none in this window. Hyperliquid not counted (hourly vendor totals only, no whole hour in this window).');
    expect(r.out.trim().split('\n').at(-1)).not.toContain('not counted');
  });

  it('the market-wide view says it too', async () => {
    const r = await cli('liqs', 'all', '--data', FILE(), '--window', '1h', '--at', iso(at(14, 59)));
    expect(r.code, r.err).toBe(0);
    expect(r.out).toContain('$90K liquidated in 1h');
    expect(r.out).toContain('Hyperliquid not counted (hourly vendor totals only, no whole hour in this window)');
  });

  it("a vendor's total for every exchange at once is said as such, not as \"All exchanges not counted\"", async () => {
    const sol = writeEvents([
      { type: 'liquidation_total', ts: at(13), period: '1h', asset: 'SOL', side: 'long', usd: 2_000_000 },
      { ...print(at(14, 30), 5_000), symbol: 'SOL/USDT:USDT', price: 100, amount: 50 },
    ]);
    const r = await cli('liqs', 'sol', '--data', sol, '--window', '1h', '--at', iso(at(14, 59)));
    expect(r.code, r.err).toBe(0);
    expect(r.out).toContain('$5K liquidated in 1h');
    expect(r.out).not.toContain('$2M');
    expect(r.out).toContain('all-exchange totals not counted (hourly vendor totals only, no whole hour in this window)');
  });
});
