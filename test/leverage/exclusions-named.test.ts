/**
 * Every venue left out of a figure is named with why: a current rate with no current open interest to weight it by,
 * a venue stale at a flush's end, and funding that is all stale where there is no open interest; the footer says
 * what each venue gave.
 */
import { describe, expect, it } from 'vitest';
import { Leverage } from '../../src/core/leverage.js';
import { flushLeverage, leverageSnapshot } from '../../src/core/leverage-figures.js';
import { flushLines, oiReply } from '../../src/replies/leverage.js';
import { lineText, replyText } from '../../src/replies/reply.js';

const T0 = Date.UTC(2026, 0, 31);
const H = 3_600_000, M = 60_000;

/** Binance and HTX report OI every 5 minutes, HTX stops at 12:00; all three (OKX funding only) report funding hourly. */
function day(): Leverage {
  const lev = new Leverage();
  for (let t = T0; t <= T0 + 16 * H; t += 5 * M) {
    lev.openInterest('ETH', 'binanceusdm', t, t < T0 + 13 * H ? 9e9 : 8e9, 'ETH/USDT:USDT');
    if (t <= T0 + 12 * H) lev.openInterest('ETH', 'htx', t, 3.4e9, 'ETH-USDT');
  }
  for (let t = T0; t <= T0 + 16 * H; t += H) {
    lev.funding('ETH', 'binanceusdm', t, 0.0001, 8);
    lev.funding('ETH', 'htx', t, 0.00005, 8);
    lev.funding('ETH', 'okx', t, 0.0002, 8);
  }
  return lev;
}

describe('venues left out, named', () => {
  it('/oi says why a venue with current funding is not in the OI-weighted average', () => {
    const to = T0 + 16 * H;
    const s = leverageSnapshot(day(), 'ETH', to - 4 * H, to)!;
    expect(s.funding).toMatchObject({ venues: 1, of: 3, weighting: 'oi' });
    const text = replyText(oiReply(s, { window: '4h' }));
    expect(text).toMatch(/HTX \$3\.4B · stale since 12:00, not in the total {2}funding \+0\.0050%\/8h \(\+5\.5% APR\) not in the average: no current open interest to weight it by/);
    expect(text).toMatch(/OKX {2}funding \+0\.0200%\/8h \(\+22% APR\) not in the average: no open interest to weight it by/);
    expect(text).not.toMatch(/Binance \$8B[^\n]*not in the average/);
    expect(text).toContain('Open interest and funding: Binance, HTX · Funding: OKX');
  });

  it('the cascade-end lines name a venue stale at the end and say the figures are over those current at both ends', () => {
    const f = flushLeverage(day(), 'ETH', T0 + 12 * H + 30 * M, T0 + 15 * H)!;
    expect(f.venues).toBe(1);
    expect(f.stale).toEqual({ at: T0 + 15 * H, venues: [{ exchange: 'htx', since: T0 + 12 * H }] });
    const text = flushLines(f).map(lineText);
    expect(text[0]).toMatch(/^OI −\$1B \(−11%\) across 1 venue current at both ends \(HTX left out: stale since 12:00\)/);
  });

  it('names a venue stale at the flush’s start and current at its end', () => {
    const lev = day();
    for (let t = T0 + 14 * H; t <= T0 + 16 * H; t += 5 * M) lev.openInterest('ETH', 'htx', t, 3.2e9, 'ETH-USDT');
    const f = flushLeverage(lev, 'ETH', T0 + 14 * H, T0 + 15 * H)!;
    expect(f.stale).toEqual({ at: T0 + 15 * H, venues: [{ exchange: 'htx', since: T0 + 12 * H, atStart: true }] });
    expect(lineText(flushLines(f)[0]!)).toContain('across 1 venue current at both ends (HTX left out: stale at the start, since 12:00)');
  });

  it('keeps the cascade-end lines as they were when no venue is left out', () => {
    const f = flushLeverage(day(), 'ETH', T0 + 11 * H, T0 + 12 * H)!;
    expect(f.stale).toBeUndefined();
    expect(f.venues).toBe(2);
    expect(lineText(flushLines(f)[0]!)).toMatch(/^OI [^;]* across 2 venues;/);
    expect(lineText(flushLines(f)[1]!)).toContain('of the remaining OI on the 2 venues with OI data');
  });

  it('says the concentration is over the venues with current OI data when one is left out', () => {
    const lev = day();
    for (let t = T0; t <= T0 + 16 * H; t += 5 * M) lev.openInterest('ETH', 'bybit', t, 5e9, 'ETH/USDT:USDT');
    const f = flushLeverage(lev, 'ETH', T0 + 12 * H + 30 * M, T0 + 15 * H)!;
    const text = flushLines(f).map(lineText);
    expect(text[0]).toContain('across 2 venues current at both ends (HTX left out: stale since 12:00)');
    expect(text[1]).toContain('of the remaining OI on the 2 venues with current OI data');
  });

  it('without open interest and with every rate stale, says the funding is stale since when, and the footer says Funding', () => {
    const lev = new Leverage();
    for (let t = T0; t <= T0 + 16 * H; t += 8 * H) lev.funding('ETH', 'binanceusdm', t, 0.0001, 8);
    const to = T0 + 3 * 24 * H;
    const s = leverageSnapshot(lev, 'ETH', to - 24 * H, to)!;
    expect(s.funding).toBeUndefined();
    const text = replyText(oiReply(s, { window: '24h' }));
    expect(text).toContain('No open interest for ETH, and its funding is stale since Jan 31 16:00.');
    expect(text).not.toContain('only its funding is known');
    expect(text).toContain('Funding: Binance · ');
    expect(text).not.toContain('Open interest and funding: Binance');
  });

  it('without open interest but with a current rate, says only its funding is known', () => {
    const lev = new Leverage();
    for (let t = T0; t <= T0 + 16 * H; t += 8 * H) lev.funding('ETH', 'binanceusdm', t, 0.0001, 8);
    const s = leverageSnapshot(lev, 'ETH', T0 + 12 * H, T0 + 17 * H)!;
    const text = replyText(oiReply(s, { window: '4h' }));
    expect(text).toContain('No open interest for ETH: only its funding is known.');
    expect(text).toContain('Funding: Binance · ');
  });
});
