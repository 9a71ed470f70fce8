/**
 * Open interest that stopped coming is not current, and a change is measured on the venues known at both ends and
 * says its basis; funding's "was" compares the same venues with the same weights; a window longer than the history
 * says so instead of dropping the change. (The audit's oi_stale day: Binance's OI stops after 20 h, Bybit's starts
 * at hour 27 and rises, OKX reports funding only.)
 */
import { describe, expect, it } from 'vitest';
import { Leverage } from '../../src/core/leverage.js';
import { flushLeverage, leverageSnapshot } from '../../src/core/leverage-figures.js';
import { fundingLine, oiLine, oiReply } from '../../src/replies/leverage.js';
import { lineText, replyText } from '../../src/replies/reply.js';
import { cli, writeEvents } from '../helpers.js';

const T0 = Date.UTC(2026, 0, 28);
const H = 3_600_000, M = 60_000;

/** The audit's day, up to hour 30 (Jan 29 06:00). */
function staleDay(): Leverage {
  const lev = new Leverage();
  for (let t = T0; t < T0 + 20 * H; t += 5 * M) lev.openInterest('ETH', 'binanceusdm', t, 8e9, 'ETH/USDT:USDT');
  for (let i = 0; i < 36; i++) lev.openInterest('ETH', 'bybit', T0 + 27 * H + i * 5 * M, 6e9 + (0.35e9 * i) / 35, 'ETH/USDT:USDT');
  for (let h = 0; h <= 24; h += 8) {
    lev.funding('ETH', 'binanceusdm', T0 + h * H, 0.0001, 8);
    lev.funding('ETH', 'okx', T0 + h * H, -0.0005, 8);
  }
  for (let h = 27; h <= 29; h++) lev.funding('ETH', 'bybit', T0 + h * H, 0.0001, 1);
  return lev;
}

describe('/oi with a venue that stopped reporting', () => {
  it('leaves the stale venue out of the total, says since when, and gives no change it cannot measure', () => {
    const to = T0 + 30 * H;
    const s = leverageSnapshot(staleDay(), 'ETH', to - 4 * H, to)!;
    expect(s.oi).toMatchObject({ usd: 6.35e9, venues: 1, stale: [{ exchange: 'binanceusdm', usd: 8e9, since: T0 + 20 * H - 5 * M }] });
    expect(s.oi!.change).toBeUndefined();
    const text = replyText(oiReply(s, { window: '4h' }));
    expect(text).not.toContain('0.0% (+$0)');
    expect(text).toContain('Open interest $6.35B across 1 venue · no 4h change: Bybit’s open interest history starts Jan 29 03:00');
    expect(text).toContain('Left out: Binance, stale since Jan 28 19:55 ($8B)');
    expect(text).toMatch(/Binance \$8B · stale since Jan 28 19:55, not in the total/);
    expect(text).not.toContain('Most open interest on');
  });

  it('measures the change on the venues known at both ends and says so when they are fewer than the total', () => {
    const lev = staleDay();
    // Binance comes back at hour 26 and reports on.
    for (let t = T0 + 26 * H; t <= T0 + 30 * H; t += 5 * M) lev.openInterest('ETH', 'binanceusdm', t, 8.2e9, 'ETH/USDT:USDT');
    const to = T0 + 30 * H;
    const s = leverageSnapshot(lev, 'ETH', to - 3.5 * H, to)!;
    expect(s.oi).toMatchObject({ venues: 2, change: { venues: 1, beforeUsd: 8.2e9, afterUsd: 8.2e9 } });
    expect(lineText(oiLine(s, '3.5h')!)).toBe('Open interest $14.6B across 2 venues · 0.0% (+$0) in 3.5h on 1 of 2 venues');
    const one = leverageSnapshot(lev, 'ETH', to - H, to)!;
    expect(lineText(oiLine(one, '1h')!)).toMatch(/^Open interest \$14\.6B across 2 venues · \+\d\.\d% \(\+\$\d+M\) in 1h$/);
  });

  it('at the end of a rehearsal (an hour past the last event) has no current open interest, and no "0.0% in 1h"', () => {
    const to = T0 + 30 * H + H;
    const s = leverageSnapshot(staleDay(), 'ETH', to - H, to)!;
    expect(s.oi).toMatchObject({ usd: 0, venues: 0 });
    expect(s.oi!.change).toBeUndefined();
    const text = replyText(oiReply(s, { window: '1h' }));
    expect(text).toContain('No current open interest for ETH: no venue has reported since 05:55.');
    expect(text).not.toMatch(/0\.0% \(\+\$0\) in 1h/);
  });

  it('keeps an hourly file current for three of its hours, a 5-minute feed for three polls', () => {
    const lev = new Leverage();
    for (let h = 0; h <= 10; h++) lev.openInterest('ETH', 'okx', T0 + h * H, 4e9);
    for (let m = 0; m <= 60; m += 5) lev.openInterest('ETH', 'bybit', T0 + 10 * H + m * M - H, 6e9);
    expect(lev.change('ETH', T0 + 12 * H, T0 + 12 * H, { current: true })).toMatchObject({ venues: 1, byExchange: { okx: {} }, stale: [{ exchange: 'bybit' }] });
    expect(lev.change('ETH', T0 + 10 * H + 14 * M, T0 + 10 * H + 14 * M, { current: true })).toMatchObject({ venues: 2, stale: [] });
    expect(lev.change('ETH', T0 + 13 * H + M, T0 + 13 * H + M, { current: true })).toMatchObject({ venues: 0 });
    // Without `current` (the liquidation map, the cascade alerts), the last value holds as before.
    expect(lev.change('ETH', T0 + 13 * H + M, T0 + 13 * H + M)).toMatchObject({ venues: 2 });
  });
});

describe('funding across venues', () => {
  it('never reads a venue joining the average, or one without open interest, as funding changing', () => {
    const to = T0 + 30 * H;
    const lev = staleDay();
    // Binance reports again through the window, unchanged funding and open interest.
    for (let t = T0 + 20 * H; t <= to; t += 5 * M) lev.openInterest('ETH', 'binanceusdm', t, 8e9, 'ETH/USDT:USDT');
    const s = leverageSnapshot(lev, 'ETH', to - 4 * H, to)!;
    expect(s.funding).toMatchObject({ venues: 2, of: 3, weighting: 'oi' });
    // No venue's funding moved: no "was", no trend word.
    expect(s.funding!.beforeState).toBeUndefined();
    const line = lineText(fundingLine(s, '4h')!);
    expect(line).toMatch(/^Funding \+\d+% APR, hot: crowded longs · OI-weighted over 2 of 3 venues$/);
    expect(line).not.toContain('was');
  });

  it('compares the same venues with the same weights, and says the basis when only some were known then', () => {
    const to = T0 + 30 * H;
    const lev = staleDay();
    for (let t = T0 + 20 * H; t <= to; t += 5 * M) lev.openInterest('ETH', 'binanceusdm', t, 8e9, 'ETH/USDT:USDT');
    lev.funding('ETH', 'binanceusdm', to - 10 * M, 0.0003, 8);
    const s = leverageSnapshot(lev, 'ETH', to - 4 * H, to)!;
    expect(s.funding!.change).toMatchObject({ venues: 1 });
    expect(s.funding!.change!.beforeAnnualized).toBeCloseTo(0.1095, 6);
    expect(s.funding!.change!.afterAnnualized).toBeCloseTo(0.3285, 6);
    expect(lineText(fundingLine(s, '4h')!)).toMatch(/OI-weighted over 2 of 3 venues \(on the 1 venue known 4h ago: \+11% → \+33%\)$/);
  });

  it('a flush compares funding over the venues known before and after', () => {
    const lev = new Leverage();
    const start = T0 + 10 * H, end = T0 + 11 * H;
    lev.openInterest('ETH', 'binanceusdm', start - H, 8e9);
    lev.openInterest('ETH', 'binanceusdm', end, 7.5e9);
    lev.openInterest('ETH', 'bybit', start - H, 6e9);
    lev.openInterest('ETH', 'bybit', end, 5.5e9);
    lev.funding('ETH', 'binanceusdm', start - H, 0.0001, 8);
    lev.funding('ETH', 'bybit', start, 0.0005, 8); // joins during the flush
    const f = flushLeverage(lev, 'ETH', start, end)!;
    expect(f.funding).toMatchObject({ beforeState: 'neutral', afterState: 'neutral', reset: false });
  });
});

describe('a window longer than the history', () => {
  it('says where open interest and funding history start instead of dropping the change', async () => {
    const lines: object[] = [];
    for (let t = T0; t <= T0 + 48 * H; t += H) {
      for (const [ex, usd] of [['binanceusdm', 8e9], ['bybit', 6e9]] as const) lines.push({ type: 'open_interest', ts: t, exchange: ex, symbol: 'ETH/USDT:USDT', usd });
      if ((t - T0) % (8 * H) === 0) lines.push({ type: 'funding', ts: t, exchange: 'bybit', symbol: 'ETH/USDT:USDT', rate: 0.0001, intervalHours: 8 });
    }
    const r = await cli('oi', 'eth', '--data', writeEvents(lines), '--window', '7d');
    expect(r.out).toContain('Open interest $14B across 2 venues · no 7d change: open interest history starts Jan 28 00:00');
    expect(r.out).toContain('(no 7d change: funding history starts Jan 28 00:00)');
    const json = JSON.parse((await cli('oi', 'eth', '--data', writeEvents(lines), '--window', '7d', '--json')).out);
    expect(json.oi.noChange).toEqual({ reason: 'history', since: T0, venues: ['binanceusdm', 'bybit'] });
    // The contract's fields stay.
    expect(Object.keys(json)).toEqual(expect.arrayContaining(['window', 'asset', 'from', 'to', 'venues', 'oi', 'funding']));
  });
});

describe('a flush measured on current open interest only', () => {
  it('leaves a venue stale at either end out of the open interest a flush removed', () => {
    const lev = staleDay();
    // Bybit's open interest falls in a flush at hour 29 while Binance's last figure is nine hours old.
    for (let i = 0; i < 12; i++) lev.openInterest('ETH', 'bybit', T0 + 30 * H + i * 5 * M, 5e9, 'ETH/USDT:USDT');
    const flush = flushLeverage(lev, 'ETH', T0 + 29 * H, T0 + 31 * H - 5 * M)!;
    expect(flush.venues).toBe(1);
    expect(flush.byExchange.map((v) => v.exchange)).toEqual(['bybit']);
    expect(flush.afterUsd).toBe(5e9);
    // Nothing current at the start: no figure rather than one read off a stale venue.
    expect(flushLeverage(staleDay(), 'ETH', T0 + 24 * H, T0 + 25 * H)).toBeUndefined();
  });
});

describe('funding that stopped coming', () => {
  it('is shown on its venue as stale and left out of the headline average', () => {
    const lev = new Leverage();
    for (let t = T0; t <= T0 + 30 * H; t += 5 * M) {
      lev.openInterest('ETH', 'binanceusdm', t, 8e9, 'ETH/USDT:USDT');
      lev.openInterest('ETH', 'bybit', t, 6e9, 'ETH/USDT:USDT');
    }
    // Binance's funding every 8 h throughout; Bybit's hourly, but it stopped at hour 10.
    for (let h = 0; h <= 24; h += 8) lev.funding('ETH', 'binanceusdm', T0 + h * H, 0.0001, 8);
    for (let h = 0; h <= 10; h++) lev.funding('ETH', 'bybit', T0 + h * H, 0.0005, 1);
    const to = T0 + 30 * H;
    const s = leverageSnapshot(lev, 'ETH', to - 4 * H, to)!;
    expect(s.venues.find((v) => v.exchange === 'bybit')!.funding).toMatchObject({ staleSince: T0 + 10 * H });
    // Only Binance's +11% APR is current: Bybit's +438% from 20 hours ago does not make the market "hot".
    expect(s.funding).toMatchObject({ venues: 1, of: 2, state: 'neutral' });
    expect(s.funding!.annualized).toBeCloseTo(0.0001 * 1095, 6);
    const text = replyText(oiReply(s, { window: '4h' }));
    expect(text).toMatch(/Bybit \$6B .*funding \+0\.0500%\/1h \(\+438% APR\) stale since Jan 28 10:00, not in the average/);
    expect(text).toContain('Funding +11% APR, neutral · OI-weighted over 1 of 2 venues');
  });
});
