/**
 * Coverage in replies: what a trader reads when feeds are down, connecting or sampled. A quiet market is only
 * said to be quiet when the feeds were there to see it; a venue's share is a conclusion only when every venue
 * compared was counted alike; /healthz's feed state follows the same states.
 */
import { describe, expect, it } from 'vitest';
import { buildConfig } from '../../config/load.js';
import { feedsHealth, type FeedHealth } from '../../src/core/coverage.js';
import { noLeverageText } from '../../src/replies/leverage.js';
import { Market } from '../../src/core/market.js';
import { replyText } from '../../src/replies/reply.js';
import { marketReply, summaryReply } from '../../src/replies/summary.js';
import { cli, writeEvents } from '../helpers.js';
import { summaryJson } from '../../src/io/json.js';

const T = Date.UTC(2026, 10, 2, 12, 0);
const H = 3_600_000;
const down = (exchange: string, since: number): FeedHealth => ({ exchange, stream: 'liquidations', state: 'down', since, sampled: false });
const live = (exchange: string, since: number, extra: Partial<FeedHealth> = {}): FeedHealth => ({ exchange, stream: 'liquidations', state: 'live', since, sampled: false, ...extra });

function market(feeds: FeedHealth[]): Market {
  const m = new Market(buildConfig({ exchanges: ['binanceusdm', 'bybit', 'okx', 'gate'], assets: ['ETH'] }));
  for (const f of feeds) m.feeds.update(f);
  m.catchUp(T);
  return m;
}

function liq(m: Market, exchange: string, ts: number, usd: number, side: 'long' | 'short' = 'long'): void {
  m.ingest({ type: 'liquidation', ts, exchange, symbol: 'ETH/USDT:USDT', side, price: 3_000, amount: usd / 3_000, usd });
}

describe('an empty window', () => {
  it('with every feed down says there is no data, since when, instead of a quiet market', () => {
    const m = market([down('binanceusdm', T - 2 * H), down('bybit', T - 3 * H), down('okx', T - H - 13 * 60_000), down('gate', T - 2 * H)]);
    const t = replyText(summaryReply(m.summary('ETH', '24h', 24 * H, T), ['1h', '24h']));
    expect(t).toContain('No liquidation data: all 4 exchanges unreachable since 10:47.');
    expect(t).not.toContain('No ETH liquidations');
    // Said once, in the body: the footer does not repeat each feed's outage (test/replies/feeds-out.test.ts).
    expect(t).not.toContain('down since');
    expect(replyText(marketReply(m.marketSummary('24h', 24 * H, T), ['24h']))).toContain('No liquidation data: all 4 exchanges unreachable since 10:47.');
  });

  it('with some feeds down names who saw nothing and who could not see', () => {
    const m = market([live('bybit', T - 5 * H), down('okx', T - H)]);
    const t = replyText(summaryReply(m.summary('ETH', '1h', H, T), ['1h']));
    expect(t).toContain('No ETH liquidations in the last 1h on Bybit; no data from OKX (unreachable since 11:00).');
  });

  it('while every feed is still connecting says so', () => {
    const m = market([{ ...live('bybit', T), state: 'connecting' }]);
    expect(replyText(summaryReply(m.summary('ETH', '1h', H, T), ['1h']))).toContain('No liquidation data yet: Bybit is still connecting.');
    const one = market([down('okx', T - H)]);
    expect(replyText(summaryReply(one.summary('ETH', '1h', H, T), ['1h']))).toContain('No liquidation data: OKX unreachable since 11:00.');
  });

  it('offline (a data file, no feeds) keeps the plain sentence: the file is the whole source', () => {
    const m = market([]);
    expect(replyText(summaryReply(m.summary('ETH', '24h', 24 * H, T), ['24h']))).toContain('No ETH liquidations in the last 24h.');
  });
});

describe('a recording being rehearsed', () => {
  it('says what it has replayed so far, never that the file has no prints it has not reached yet', () => {
    const m = market([]);
    const prints: [number, number][] = [];
    m.recorded = prints;
    m.recordedSoFar = true;
    const ask = () => replyText(summaryReply(m.summary('ETH', '1h', H, T), ['1h']));
    expect(ask()).toContain('No liquidation data yet: no liquidation prints replayed from the recording so far.');
    expect(ask()).not.toContain('the file has no liquidation prints');
    prints.push([T - 3 * H, T - 2 * H]);
    expect(ask()).toContain("No liquidation data for the last 1h: the recording's liquidation prints cover 09:00–10:00, none in this window.");
    // Read to its end, the recording is a whole file again.
    m.recordedSoFar = false;
    expect(ask()).toContain("No liquidation data for the last 1h: the file's liquidation prints cover 09:00–10:00, none in this window.");
  });
});

describe('a data file says what its liquidation prints cover', () => {
  const M = 60_000;
  const candle = (asset: string, ts: number) => ({ type: 'candle', ts, exchange: 'binanceusdm', symbol: `${asset}/USDT:USDT`, timeframe: '1m', open: 100, high: 101, low: 99, close: 100 });
  const print = (asset: string, ts: number, usd = 5_000) => ({ type: 'liquidation', ts, exchange: 'binance', symbol: `${asset}/USDT:USDT`, side: 'long', price: 100, amount: usd / 100, usd });
  // Prints every 10 minutes 12:00–14:00, nothing 14:00–17:00 (the recorder stopped), again 17:00–18:00; ETH has candles, no prints.
  const prints = [...Array.from({ length: 13 }, (_, i) => T + i * 10 * M), ...Array.from({ length: 7 }, (_, i) => T + 5 * H + i * 10 * M)];
  const file = () =>
    writeEvents([...prints.map((ts) => print('BTC', ts)), ...Array.from({ length: 6 * 60 + 1 }, (_, i) => candle('ETH', T + i * M))].sort((a, b) => a.ts - b.ts));
  const at = (h: number) => new Date(T + h * H).toISOString();

  it('a file with no prints at all: no liquidation data, not a quiet market', async () => {
    const r = await cli('liqs', 'eth', '--data', writeEvents(Array.from({ length: 30 }, (_, i) => candle('ETH', T + i * M))));
    expect(r.out).toContain('No liquidation data: the file has no liquidation prints.');
    expect(r.out).not.toContain('No ETH liquidations');
  });

  it('many stretches are said as the first three and the last, counted (a footer has a platform limit)', async () => {
    // A print every two hours for a day: twelve stretches of one print each.
    const bursts = Array.from({ length: 12 }, (_, i) => print('BTC', T - 22 * H + i * 2 * H));
    const r = await cli('liqs', 'btc', '--data', writeEvents(bursts), '--at', new Date(T).toISOString());
    expect(r.out).toContain('(12 prints, Nov 1 14:00, 16:00, 18:00 and 8 more to Nov 2 12:00 only)');
  });

  it('a stretch of one print is said as its moment, not as a span', async () => {
    const r = await cli('liqs', 'btc', '--data', writeEvents([print('BTC', T), ...Array.from({ length: 3 * 60 + 1 }, (_, i) => candle('BTC', T + i * M))]), '--window', '4h');
    expect(r.out).toContain('$5K liquidated in 4h (1 print, 12:00 only)');
    expect(r.out).not.toContain('12:00–12:00');
  });

  it('a window inside a hole of the recording: no liquidation data for it', async () => {
    const path = file();
    const r = await cli('liqs', 'btc', '--data', path, '--at', at(4), '--window', '1h');
    // Where the prints are, so the hole reads as one: 12:00–14:00 and 17:00–18:00.
    expect(r.out).toContain("No liquidation data for the last 1h: the file's liquidation prints cover 12:00–14:00, 17:00–18:00, none in this window.");
    const all = await cli('liqs', 'all', '--data', path, '--at', at(4), '--window', '1h');
    expect(all.out).toContain("No liquidation data for the last 1h: the file's liquidation prints cover 12:00–14:00, 17:00–18:00, none in this window.");
    // Asked a year off, the answer dates them.
    const later = await cli('liqs', 'btc', '--data', path, '--at', new Date(T + 400 * 24 * H).toISOString());
    expect(later.out).toContain("the file's liquidation prints cover Nov 2, 2026 12:00–14:00, 17:00–18:00, none in this window.");
  });

  it('a quiet asset where the file was recording is a quiet market; part of a window recorded is named in the footer', async () => {
    const path = file();
    const quiet = await cli('liqs', 'eth', '--data', path, '--at', at(2), '--window', '1h');
    expect(quiet.out).toContain('No ETH liquidations in the last 1h.');
    const partial = await cli('liqs', 'eth', '--data', path, '--at', at(6), '--window', '12h');
    expect(partial.out).toContain("No ETH liquidations in the last 12h, but the file's liquidation prints cover only 12:00–14:00, 17:00–18:00 of it.");
    const btc = await cli('liqs', 'btc', '--data', path, '--at', at(6), '--window', '12h');
    // The headline says its figure is of those stretches, not the whole window.
    expect(btc.out).toContain('$100K liquidated in 12h (20 prints, 12:00–14:00, 17:00–18:00 only)\n');
    expect((await cli('liqs', 'all', '--data', path, '--at', at(6), '--window', '12h')).out).toContain('$100K liquidated in 12h (prints 12:00–14:00, 17:00–18:00 only): BTC $100K');
    expect(btc.out).toContain('liquidation prints in this window: 12:00–14:00, 17:00–18:00 · 2026-11-02 18:00 UTC');
    // Stretches of another day are dated as every reply dates them.
    const nextDay = await cli('liqs', 'btc', '--data', path, '--at', at(13), '--window', '24h');
    expect(nextDay.out).toContain('(20 prints, Nov 2 12:00–14:00, 17:00–18:00 only)');
    // An empty window too: the stretches are dated from the moment asked about, not from their own last print.
    const quietNextDay = await cli('liqs', 'eth', '--data', path, '--at', at(13), '--window', '24h');
    expect(quietNextDay.out).toContain("No ETH liquidations in the last 24h, but the file's liquidation prints cover only Nov 2 12:00–14:00, 17:00–18:00 of it.");
    const whole = await cli('liqs', 'btc', '--data', path, '--at', at(2), '--window', '1h');
    expect(whole.out).not.toContain('liquidation prints in this window');
    expect(whole.out).not.toContain('only)');
  });
});

describe('shares', () => {
  it('do not conclude where the leverage sat from a sampled Binance stream next to complete ones', () => {
    const m = market([live('binanceusdm', T - 5 * H, { sampled: true }), live('bybit', T - 5 * H), live('gate', T - 5 * H, { polledEveryMs: 10_000 })]);
    liq(m, 'binanceusdm', T - 30 * 60_000, 1e6);
    liq(m, 'bybit', T - 20 * 60_000, 14e6);
    liq(m, 'gate', T - 10 * 60_000, 5e6);
    const t = replyText(summaryReply(m.summary('ETH', '1h', H, T), ['1h']));
    expect(t).not.toContain('the leverage sat elsewhere.');
    expect(t).toContain('Binance 5%: a lower bound (sampled), no conclusion.');
    expect(t).toContain('Sources: Binance*, Bybit, Gate (polled 10s)');
  });

  it('conclude when every venue compared is complete and without gaps', () => {
    const m = new Market(buildConfig({ exchanges: ['binanceusdm', 'bybit', 'gate'], assets: ['ETH'] }));
    // A venue id that reads as Binance but is not sampled stands in for a complete Binance feed.
    liq(m, 'binance-complete', T - 30 * 60_000, 1e6);
    liq(m, 'bybit', T - 20 * 60_000, 14e6);
    liq(m, 'gate', T - 10 * 60_000, 5e6);
    expect(replyText(summaryReply(m.summary('ETH', '1h', H, T), ['1h']))).toContain('Binance only 5%: the leverage sat elsewhere.');
  });
});

describe('/oi without data', () => {
  it('says the exchanges are unreachable and since when, never "once the bot is live"', () => {
    const t = noLeverageText('ETH', [down('bybit', T - H), down('okx', T - 2 * H)]);
    expect(t).toBe('Both exchanges are unreachable since 11:00; open interest and funding resume when they answer again.');
    expect(noLeverageText('ETH', [down('bybit', T - H), down('okx', T - H), down('gate', T - H)])).toMatch(/^All 3 exchanges are unreachable since 11:00;/);
    // One venue is named.
    expect(noLeverageText('ETH', [down('bybit', T - H)])).toMatch(/^Bybit is unreachable since 11:00;/);
    expect(noLeverageText('ETH', [])).toBe('The data holds no open interest or funding for ETH.');
    expect(noLeverageText('ETH', [live('bybit', T)])).toBe('Open interest and funding are polled every 5 minutes; the first answers have not come back yet.');
  });
});

describe('feedsHealth (for /healthz)', () => {
  it('is ok with every venue live, degraded with some down, failing with none live', () => {
    expect(feedsHealth([live('bybit', T), live('okx', T)]).state).toBe('ok');
    expect(feedsHealth([live('bybit', T), down('okx', T - H)])).toEqual({ state: 'degraded', live: ['bybit'], down: [{ exchange: 'okx', since: T - H }], connecting: [] });
    expect(feedsHealth([down('bybit', T), down('okx', T - H)]).state).toBe('failing');
    expect(feedsHealth([]).state).toBe('failing');
    // Price streams do not decide it.
    expect(feedsHealth([live('bybit', T), { ...down('bybit', T), stream: 'prices' }]).state).toBe('ok');
  });
});

describe('vendor hourly totals in a window', () => {
  it('count a venue without single orders, labelled, and keep the share conclusion out', () => {
    const m = market([live('bybit', T - 5 * H), live('gate', T - 5 * H)]);
    liq(m, 'bybit', T - 30 * 60_000, 14e6);
    liq(m, 'gate', T - 20 * 60_000, 5e6);
    liq(m, 'binance-complete', T - 10 * 60_000, 1e6);
    m.ingest({ type: 'liquidation_total', ts: T - 2 * H, period: '1h', asset: 'ETH', side: 'long', usd: 6e6, exchange: 'bitget' });
    m.ingest({ type: 'liquidation_total', ts: T - 2 * H, period: '1h', asset: 'ETH', side: 'short', usd: 1e6, exchange: 'bitget' });
    // An hour outside the window, and a venue with single orders: neither is added.
    m.ingest({ type: 'liquidation_total', ts: T - 30 * H, period: '1h', asset: 'ETH', side: 'long', usd: 50e6, exchange: 'bitget' });
    m.ingest({ type: 'liquidation_total', ts: T - 2 * H, period: '1h', asset: 'ETH', side: 'long', usd: 99e6, exchange: 'bybit' });
    const s = m.summary('ETH', '4h', 4 * H, T);
    expect(s.totalUsd).toBe(27e6);
    expect(s.byExchange.bitget).toEqual({ longUsd: 6e6, shortUsd: 1e6, totalUsd: 7e6, share: 7e6 / 27e6, sampled: false, hourly: true });
    expect(Object.keys(s.byExchange)).toEqual(['bybit', 'bitget', 'gate', 'binance-complete']);
    expect(s.coverage.hourly).toEqual(['bitget']);
    const t = replyText(summaryReply(s, ['4h']));
    expect(t).toContain('Bitget $7M · 26% (hourly totals)');
    expect(t).toContain('hourly vendor totals only: Bitget');
    expect(t).not.toContain('the leverage sat elsewhere');
    expect(t).toContain('Binance 4%: next to hourly totals, no conclusion.');
  });
});

describe('7d', () => {
  it('counts full days without single orders from stored daily totals and says which days come from which', () => {
    const D = 86_400_000;
    const end = Date.UTC(2026, 0, 31, 23, 59);
    const m = new Market(buildConfig({ exchanges: ['bybit'], assets: ['ETH'] }));
    for (let d = 24; d <= 30; d++) {
      m.ingest({ type: 'liquidation_total', ts: Date.UTC(2026, 0, d), period: '1d', asset: 'ETH', side: 'long', usd: 10e6 });
      m.ingest({ type: 'liquidation_total', ts: Date.UTC(2026, 0, d), period: '1d', asset: 'ETH', side: 'short', usd: 5e6 });
    }
    liq(m, 'bybit', Date.UTC(2026, 0, 31, 14), 40e6);
    const s = m.summary('ETH', '7d', 7 * D, end);
    // Jan 24 is cut by the window's start (23:59): left out rather than counted whole. Jan 25–30: 6 × $15M.
    expect(s.days).toEqual({ orders: [Date.UTC(2026, 0, 31)], totals: [25, 26, 27, 28, 29, 30].map((d) => Date.UTC(2026, 0, d)), longUsd: 60e6, shortUsd: 30e6 });
    expect(s.totalUsd).toBe(130e6);
    const t = replyText(summaryReply(s, ['7d']));
    expect(t).toContain('$130M liquidated in 7d (1 order on Jan 31)');
    expect(t).toContain('Jan 25–30 from stored daily totals ($90M, not split by exchange); Jan 31 from single orders');
    expect(t).toContain('By exchange (Jan 31, single orders)');
    // A day window is unchanged.
    expect(m.summary('ETH', '24h', D, end).days).toBeUndefined();
    // The JSON's byExchange shares are of the whole total: the days not split by exchange are nobody's.
    expect(summaryJson(s).byExchange).toEqual({ bybit: expect.objectContaining({ totalUsd: 40e6, share: 40 / 130 }) });
  });

  it('splits stored daily totals by the venue each names, in the JSON (the spec: each venue\'s share of the total)', () => {
    const D = 86_400_000;
    const end = Date.UTC(2026, 0, 31, 23, 59);
    const m = new Market(buildConfig({ exchanges: ['bybit'], assets: ['ETH'] }));
    for (let d = 25; d <= 30; d++) {
      m.ingest({ type: 'liquidation_total', ts: Date.UTC(2026, 0, d), period: '1d', asset: 'ETH', side: 'long', usd: 10e6, exchange: 'okx' });
      m.ingest({ type: 'liquidation_total', ts: Date.UTC(2026, 0, d), period: '1d', asset: 'ETH', side: 'short', usd: 5e6, exchange: 'binance' });
    }
    liq(m, 'bybit', Date.UTC(2026, 0, 31, 14), 40e6);
    liq(m, 'okx', Date.UTC(2026, 0, 31, 15), 10e6);
    for (const s of [m.summary('ETH', '7d', 7 * D, end), m.marketSummary('7d', 7 * D, end)]) {
      expect(s.totalUsd).toBe(140e6);
      const byExchange = summaryJson(s).byExchange as Record<string, { totalUsd: number; share: number; dailyUsd?: number }>;
      expect(Object.keys(byExchange)).toEqual(['okx', 'bybit', 'binance']);
      expect(byExchange.okx).toMatchObject({ totalUsd: 70e6, share: 0.5, dailyUsd: 60e6 });
      expect(byExchange.bybit).toMatchObject({ totalUsd: 40e6, share: 40 / 140 });
      expect(byExchange.bybit!.dailyUsd).toBeUndefined();
      expect(byExchange.binance).toMatchObject({ totalUsd: 30e6, share: 30 / 140, dailyUsd: 30e6 });
      expect(Object.values(byExchange).reduce((a, v) => a + v.share, 0)).toBeCloseTo(1, 12);
    }
  });

  it('offline, an empty window beside a vendor\'s daily totals says those days, uncut, instead of hiding them', () => {
    const D = 86_400_000;
    const m = new Market(buildConfig({ exchanges: ['bybit'], assets: ['BTC'] }));
    // A file of vendor history alone (the Coinglass export): no liquidation prints.
    m.recorded = [];
    for (const [d, long, short] of [[4, 24.1e6, 5.98e6], [5, 91.7e6, 46.3e6]] as const) {
      m.ingest({ type: 'liquidation_total', ts: Date.UTC(2024, 7, d), period: '1d', asset: 'BTC', side: 'long', usd: long });
      m.ingest({ type: 'liquidation_total', ts: Date.UTC(2024, 7, d), period: '1d', asset: 'BTC', side: 'short', usd: short });
    }
    // 24h to 23:00 on Aug 5: neither day lies whole inside it, so nothing is counted. Aug 5 is not over at 23:00: its
    // total is not said (live it could not exist yet; in a back-test it would tell the next hour); Aug 4 is one hour of
    // the window: a neighbouring day, not this window's, not said either.
    const s = m.summary('BTC', '24h', D, Date.UTC(2024, 7, 5, 23));
    expect(s.totalUsd).toBe(0);
    expect(s.dayTotals).toBeUndefined();
    const text = replyText(summaryReply(s, ['24h']));
    expect(text).not.toContain('Stored daily totals');
    expect(text).not.toContain('$138M');
    // The market view says them too, summed over the assets.
    const all = m.marketSummary('24h', D, Date.UTC(2024, 7, 5, 23));
    expect(all.dayTotals).toBeUndefined();
    expect(replyText(marketReply(all, ['24h']))).not.toContain('Stored daily totals');
    // Asked at 12:00 on Aug 5, half the window is Aug 4: its stored whole day is said beside the empty window.
    const half = m.summary('BTC', '24h', D, Date.UTC(2024, 7, 5, 12));
    expect(half.dayTotals).toEqual([{ day: Date.UTC(2024, 7, 4), longUsd: 24.1e6, shortUsd: 5.98e6 }]);
    expect(replyText(summaryReply(half, ['24h']))).toContain('Stored daily totals, whole UTC days not cut to this window: Aug 4 $30.1M (L $24.1M / S $5.98M)\n');
    // At midnight Aug 5 is whole and counted as before; a window with figures carries no such line.
    const whole = m.summary('BTC', '24h', D, Date.UTC(2024, 7, 6));
    expect(whole.totalUsd).toBe(138e6);
    expect(whole.dayTotals).toBeUndefined();
    // Live (no file), an empty window is a quiet market or feeds down, and the day's own sums are no vendor's totals.
    const live = new Market(buildConfig({ exchanges: ['bybit'], assets: ['BTC'] }));
    live.ingest({ type: 'liquidation_total', ts: Date.UTC(2024, 7, 5), period: '1d', asset: 'BTC', side: 'long', usd: 91.7e6 });
    liq(live, 'bybit', Date.UTC(2024, 7, 5, 12), 1e6);
    expect(live.summary('BTC', '1h', 3_600_000, Date.UTC(2024, 7, 5, 23)).dayTotals).toBeUndefined();
    const file = new Market(buildConfig({ exchanges: ['bybit'], assets: ['BTC'] }));
    file.recorded = [[Date.UTC(2024, 7, 5, 12), Date.UTC(2024, 7, 5, 12)]];
    liq(file, 'bybit', Date.UTC(2024, 7, 5, 12), 1e6);
    // A day of the file's own prints without a vendor's total is no stored total either.
    expect(file.summary('BTC', '1h', 3_600_000, Date.UTC(2024, 7, 5, 23)).dayTotals).toBeUndefined();
  });
});

describe('a cascade in the summary', () => {
  it('is dated where it was not on the day of the reply, in a 7d window and in 24h alike (as the largest orders), and a time of day on that day', async () => {
    // The bundled day's ETH cascade ran Jan 31 12:41–16:05 (its last print at pace, 16:05:40); the file ends at Feb 1 00:00.
    const week = await cli('liqs', 'eth', '--data', 'fixtures/eth-2026-01-31.synthetic.jsonl', '--window', '7d');
    expect(week.out).toContain('Long cascade Jan 31 12:41–16:05: $434M, low $2,357');
    // The 24h window to Feb 1 00:00 is all of Jan 31: "12:41–16:05" beside a footer of Feb 1 read as today's, to come.
    const day = await cli('liqs', 'eth', '--data', 'fixtures/eth-2026-01-31.synthetic.jsonl');
    expect(day.out).toContain('Long cascade Jan 31 12:41–16:05: $434M, low $2,357');
    const sameDay = await cli('liqs', 'eth', '--data', 'fixtures/eth-2026-01-31.synthetic.jsonl', '--at', '2026-01-31T23:30:00Z');
    expect(sameDay.out).toContain('Long cascade 12:41–16:05: $434M, low $2,357');
  });
});
