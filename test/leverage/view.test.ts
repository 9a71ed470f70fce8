/**
 * Leverage context as data and words: funding annualized as traders quote it, open interest change over a
 * window per venue and in total, what a flush removed, and lines that say it in one breath.
 */
import { describe, expect, it } from 'vitest';
import { Leverage } from '../../src/core/leverage.js';
import { flushLeverage, fundingState, leverageSnapshot } from '../../src/core/leverage-figures.js';
import { flushLines, fundingLine, leverageFields, oiLine } from '../../src/replies/leverage.js';
import { lineText } from '../../src/replies/reply.js';

const T = Date.UTC(2026, 0, 31);
const H = 3_600_000;

function book(): Leverage {
  const lev = new Leverage();
  for (let h = 0; h <= 24; h++) {
    lev.openInterest('ETH', 'bybit', T + h * H, 6e9 * (1 + 0.002 * h));
    lev.openInterest('ETH', 'okx', T + h * H, 4e9);
  }
  lev.funding('ETH', 'bybit', T, 0.0003, 8);
  lev.funding('ETH', 'okx', T, 0.0002, 4);
  lev.funding('ETH', 'bybit', T + 20 * H, 0.0001, 8);
  lev.funding('ETH', 'okx', T + 20 * H, 0.00001, 4);
  return lev;
}

describe('funding', () => {
  it('is annualized as rate × periods per year: 0.01% per 8 h ≈ +11%, per 4 h ≈ +22%', () => {
    const lev = new Leverage();
    lev.funding('ETH', 'bybit', T, 0.0001, 8);
    lev.funding('ETH', 'okx', T, 0.0001, 4);
    lev.openInterest('ETH', 'bybit', T, 1e9);
    lev.openInterest('ETH', 'okx', T, 1e9);
    const s = leverageSnapshot(lev, 'ETH', T - H, T)!;
    expect(s.venues.find((v) => v.exchange === 'bybit')!.funding!.annualized).toBeCloseTo(0.1095, 6);
    expect(s.venues.find((v) => v.exchange === 'okx')!.funding!.annualized).toBeCloseTo(0.219, 6);
    // Weighted by open interest: equal here.
    expect(s.funding!.annualized).toBeCloseTo((0.1095 + 0.219) / 2, 6);
  });

  it('reads as negative, neutral (the base rate), elevated or hot', () => {
    expect(fundingState(-0.2)).toBe('negative');
    expect(fundingState(0.1095)).toBe('neutral');
    expect(fundingState(0.2)).toBe('elevated');
    expect(fundingState(0.31)).toBe('hot');
  });
});

describe('leverageSnapshot', () => {
  it('gives open interest now, its change over the window per venue and in total, and funding then and now', () => {
    const s = leverageSnapshot(book(), 'ETH', T, T + 24 * H)!;
    expect(s.oi!.usd).toBeCloseTo(6e9 * 1.048 + 4e9, 0);
    expect(s.oi!.change).toMatchObject({ beforeUsd: 10e9, venues: 2 });
    expect(s.oi!.change!.usd).toBeCloseTo(6e9 * 0.048, 0);
    expect(s.venues.map((v) => v.exchange)).toEqual(['bybit', 'okx']);
    expect(s.venues[0]!.oiShare! + s.venues[1]!.oiShare!).toBeCloseTo(1, 9);
    expect(s.venues[1]!.funding).toMatchObject({ rate: 0.00001, intervalHours: 4 });
    expect(s.venues[1]!.funding!.beforeAnnualized).toBeCloseTo(0.0002 * 2190, 9);
    expect(s.funding).toMatchObject({ state: 'neutral', beforeState: 'hot', venues: 2 });
    expect(lineText(oiLine(s, '24h')!)).toBe('Open interest $10.3B across 2 venues · +2.9% (+$288M) in 24h');
    expect(lineText(fundingLine(s)!)).toMatch(/^Funding \+\d\.\d% APR, neutral \(was \+\d\d%, hot\)$/);
    expect(JSON.parse(JSON.stringify(s))).toEqual(s);
  });

  it('as of a past moment, uses the funding known then, not later', () => {
    const s = leverageSnapshot(book(), 'ETH', T, T + 10 * H)!;
    expect(s.venues.find((v) => v.exchange === 'bybit')!.funding!.rate).toBe(0.0003);
  });

  it('counts a venue that appeared during the window in the total now, not in the change', () => {
    const lev = book();
    lev.openInterest('ETH', 'binanceusdm', T + 12 * H, 9e9);
    lev.openInterest('ETH', 'binanceusdm', T + 24 * H, 9e9);
    const s = leverageSnapshot(lev, 'ETH', T, T + 24 * H)!;
    expect(s.oi!.venues).toBe(3);
    expect(s.oi!.change!.venues).toBe(2);
    expect(s.venues[0]).toMatchObject({ exchange: 'binanceusdm', oiUsd: 9e9 });
    expect(s.venues[0]!.oiBeforeUsd).toBeUndefined();
  });

  it('is undefined for an asset with neither open interest nor funding', () => {
    expect(leverageSnapshot(book(), 'BTC', T, T + H)).toBeUndefined();
    expect(leverageFields({ asset: 'BTC', from: T, to: T, venues: [] }, '1h')).toEqual([]);
  });
});

describe('flushLeverage', () => {
  it('says how much open interest the flush removed, whether funding reset, and where leverage still sits', () => {
    const lev = new Leverage();
    const start = T + 10 * H, end = T + 13 * H;
    for (const [ex, before, after] of [['bybit', 7e9, 6e9], ['okx', 4e9, 3.8e9], ['binanceusdm', 10e9, 9.8e9]] as const) {
      lev.openInterest('ETH', ex, start - H, before);
      lev.openInterest('ETH', ex, end, after);
      lev.funding('ETH', ex, start - H, 0.0003, 8);
      lev.funding('ETH', ex, end, 0.00005, 8);
    }
    const f = flushLeverage(lev, 'ETH', start, end, { bybit: 300e6, okx: 80e6, binanceusdm: 20e6 })!;
    expect(f).toMatchObject({ beforeUsd: 21e9, afterUsd: 19.6e9, venues: 3, concentrated: { exchange: 'binanceusdm' } });
    expect(f.removedUsd).toBeCloseTo(1.4e9, 0);
    expect(f.funding).toMatchObject({ beforeState: 'hot', afterState: 'neutral', reset: true });
    // Binance's and OKX's liquidations come from sampled streams, Bybit's from a complete one: their shares are lower
    // bounds, so nothing is said of where the flushed leverage sat; the measured open interest is.
    expect(f.uneven).toBeUndefined();
    expect(flushLines(f).map(lineText)).toEqual([
      'OI −$1.4B (−6.7%) across 3 venues; funding back to neutral (+33% → +5.5% APR)',
      'Binance holds 50% of the remaining OI on the 3 venues with OI data ($9.8B)',
    ]);
  });

  it('draws the uneven-leverage conclusion only when every venue compared is counted alike (complete streams)', () => {
    const lev = new Leverage();
    const start = T + 10 * H, end = T + 13 * H;
    for (const [ex, before, after] of [['bybit', 7e9, 6e9], ['htx', 4e9, 3.8e9], ['gate', 10e9, 9.8e9]] as const) {
      lev.openInterest('ETH', ex, start - H, before);
      lev.openInterest('ETH', ex, end, after);
    }
    const f = flushLeverage(lev, 'ETH', start, end, { bybit: 300e6, htx: 80e6, gate: 20e6 })!;
    expect(f.uneven).toEqual({ exchange: 'gate', oiShare: 0.5, liquidationShare: 0.05 });
    expect(flushLines(f).map(lineText)[2]).toBe('Gate held 50% of the OI but took 5% of the liquidations: the flushed leverage sat elsewhere.');
  });

  it('says when funding is still hot, and leaves out what it does not know', () => {
    const lev = new Leverage();
    lev.openInterest('ETH', 'bybit', T, 5e9);
    lev.openInterest('ETH', 'bybit', T + 2 * H, 4.5e9);
    lev.funding('ETH', 'bybit', T, 0.0004, 8);
    const f = flushLeverage(lev, 'ETH', T + H, T + 2 * H)!;
    expect(f.concentrated).toBeUndefined();
    expect(f.uneven).toBeUndefined();
    expect(flushLines(f).map(lineText)).toEqual(['OI −$500M (−10%) across 1 venue; funding still hot (+44% → +44% APR)']);
    expect(flushLeverage(new Leverage(), 'ETH', T, T + H)).toBeUndefined();
  });
});
