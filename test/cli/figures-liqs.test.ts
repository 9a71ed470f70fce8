/**
 * The figures of `liqs` on the bundled day that an audit checked by hand: a vendor's hourly totals count only for
 * hours over by the window's end (a total covers [ts, ts + 1h) and is stamped by its hour's start), named where they
 * are not the window's own hours; every sampled venue's share is said to be a lower bound, not Binance's alone.
 */
import { describe, expect, it } from 'vitest';
import { BUNDLED, cli } from '../helpers.js';

async function liqs(...args: string[]) {
  const r = await cli('liqs', 'eth', '--data', BUNDLED, ...args);
  expect(r.code, r.err).toBe(0);
  return r.out;
}

describe('vendor hourly totals in a window that does not end on the hour', () => {
  it('1h to 14:00:30 counts the 13:00 hour of Hyperliquid and Bitget (over by then), not the 14:00 hour (59 minutes ahead)', async () => {
    const s = JSON.parse(await liqs('--at', '2026-01-31T14:00:30Z', '--window', '1h', '--json'));
    // The file's 13:00 totals (ts 1769864400000); the 14:00 ones are $19.0M and $10.9M long.
    expect(s.byExchange.hyperliquid.longUsd).toBeCloseTo(14_442_850.95, 2);
    expect(s.byExchange.hyperliquid.shortUsd).toBeCloseTo(7_350, 2);
    expect(s.byExchange.bitget.longUsd).toBeCloseTo(8_253_057.69, 2);
    expect(s.byExchange.bitget.shortUsd).toBeCloseTo(4_200, 2);
    // --json says which hours it counted, as the text reply does: 13:00–14:00.
    expect(s.byExchange.hyperliquid.hours).toEqual([Date.parse('2026-01-31T13:00:00Z'), Date.parse('2026-01-31T14:00:00Z')]);
    expect(s.byExchange.bybit.hours).toBeUndefined();
  });

  it('says which hours it counted where they are not the window’s own', async () => {
    const text = await liqs('--at', '2026-01-31T14:00:30Z', '--window', '1h');
    expect(text).toContain('Hyperliquid $14.5M · 11% (hourly totals 13:00–14:00)');
    expect(text).toContain('Bitget $8.26M · 7% (hourly totals 13:00–14:00)');
    expect(text).not.toContain('$19M');
    // A window of whole hours (the file's end, midnight) counts its own 24 hours: the label needs no times.
    const day = await liqs();
    expect(day).toContain('Hyperliquid $70.8M · 11% (hourly totals)  L $67.9M / S $2.94M');
    expect(day).toContain('$617M liquidated in 24h');
  });
});

describe('sampled venues', () => {
  it('each sampled venue shown gets the lower-bound note, OKX as Binance', async () => {
    const text = await liqs();
    expect(text).toContain('OKX 17%, Binance 6%: lower bounds (sampled), no conclusion.');
    expect(text).not.toContain('Binance 6%: a lower bound');
  });
});
