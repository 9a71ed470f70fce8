/**
 * Claims a trader's audit of the replies on real recordings found the data did not back, each said now as the data
 * has it: no "price stabilized" while a flush runs, after a lower fill or on a price older than the prints; a stored
 * day beside an empty window only when it is mostly that window's time; a 7d headline that says which days and
 * minutes it covers; the way to add a level written as syntax, not as an invented zone; a level alert's hour that
 * says it holds vendor hourly totals, and the README's alert lines as the demo prints them; a figure said once per row.
 */
import { existsSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { buildConfig } from '../../config/load.js';
import type { LevelBreak } from '../../src/core/alerts.js';
import type { LevelReading } from '../../src/core/market-view.js';
import { Market } from '../../src/core/market.js';
import type { LevelView } from '../../src/core/levels.js';
import { alertReply } from '../../src/replies/alerts.js';
import { levelsReply, structureReading } from '../../src/replies/levels.js';
import { lineText, replyText } from '../../src/replies/reply.js';
import { summaryReply } from '../../src/replies/summary.js';
import { cli, writeEvents } from '../helpers.js';

const MIN = 60_000;
const H = 3_600_000;
const D = 86_400_000;
const FORCE_ORDERS = 'fixtures/binance-2025-01-27-forceorder.real.jsonl';
const HELDOUT = 'fixtures/binance-2025-01-heldout-levels-15m.real.jsonl';
const FEB = 'fixtures/binance-2025-02-levels-15m.real.jsonl';
/** The data kit beside the repository (shared/data), where the audit's own files came from: tests on it run where it is. */
const KIT = '../shared/data';
const kit = (name: string) => `${KIT}/${name}`;
const hasKit = existsSync(kit('coinglass_binance_liquidation_totals_1d.jsonl')) && existsSync(kit('binance_2025-01-27_2025-02-03_crashes_5m_with_liqs.jsonl'));

const lines = (path: string) => readFileSync(path, 'utf8').split('\n').filter((l) => l.trim() !== '');
/** The Jan 27 forceorder recording without its 5m candles: its prints (every symbol, 16:50–17:20) and its vendor days. */
const printsOfJan27 = () => lines(FORCE_ORDERS).filter((l) => !l.includes('"type":"candle"'));

/** Coinglass's Binance ETH daily totals, Jan 30 – Feb 4 2025 (shared/data/coinglass_binance_liquidation_totals_1d.jsonl). */
const ETH_DAYS = [
  [Date.UTC(2025, 0, 30), 2342038.6, 6416227.59],
  [Date.UTC(2025, 0, 31), 8953566.68, 14417664.89],
  [Date.UTC(2025, 1, 1), 25559292.44, 1916970.29],
  [Date.UTC(2025, 1, 2), 60953119.63, 6126379.42],
  [Date.UTC(2025, 1, 3), 121451636.93, 29933902.93],
  [Date.UTC(2025, 1, 4), 22030261.91, 16997113.03],
].flatMap(([ts, long, short]) => [
  { type: 'liquidation_total', ts, period: '1d', asset: 'ETH', side: 'long', usd: long, exchange: 'binance' },
  { type: 'liquidation_total', ts, period: '1d', asset: 'ETH', side: 'short', usd: short, exchange: 'binance' },
]);

describe('"price stabilized" only where nothing the bot holds says otherwise', () => {
  const T = Date.parse('2025-10-13T20:30:00Z');
  const done = { id: 'c', asset: 'ETH', side: 'long' as const, startedAt: T - 3 * H, endedAt: T - 2 * H, usd: 24e6, extreme: 2809 };
  const base: LevelReading = { asset: 'ETH', ts: T, price: 2960, priceTs: T - MIN, levels: [level(2000, 2960)], lastCascade: done, sinceCascade: { low: 2850, high: 2990 } };
  const read = (st: LevelReading) => lineText(structureReading(st)[0]!);
  const flush = (side: 'long' | 'short') => ({ id: `flush-${side}`, side, startedAt: T - 20 * MIN, usd: 5e6, assetCount: 40 });
  const prints = (lastTs: number, low: number, lowTs: number, high: number) => ({ lastTs, low: { price: low, ts: lowTs }, high: { price: high, ts: lastTs } });

  it('says a market-wide flush on the cascade\'s side is still running, not that price stabilized', () => {
    expect(read({ ...base, runningFlushes: [flush('long')] })).toBe('After $24M of longs liquidated, a market-wide long flush is still running (since 20:10): too soon to call the cascade low $2,809 a floor.');
    // Still said where no flush runs on its side and no print came after the price.
    expect(read(base)).toBe('After $24M of longs liquidated, price stabilized above the cascade low $2,809, which held; the low is 5.1% below price.');
    expect(read({ ...base, runningFlushes: [flush('short')] })).toContain('price stabilized above');
    // A print in the price's minute, or the one after, is as new as the price (a live tick's price is seconds behind a print).
    expect(read({ ...base, printsAfterPrice: prints(T, 2950, T, 2961) })).toContain('price stabilized above');
  });

  it('says a fill beyond the cascade\'s extreme after the price shown, with its time', () => {
    expect(read({ ...base, printsAfterPrice: prints(T - 30_000, 2790, T - 2 * MIN, 2960) })).toBe('After $24M of longs liquidated, a liquidation filled at $2,790 at 20:28, below the cascade low $2,809: no floor yet.');
    // Both: the flush and the fill, in one sentence.
    expect(read({ ...base, runningFlushes: [flush('long')], printsAfterPrice: prints(T - 30_000, 2790, T - 2 * MIN, 2960) })).toBe(
      'After $24M of longs liquidated, a market-wide long flush is still running (since 20:10), and a liquidation filled at $2,790 at 20:28, below the cascade low $2,809.',
    );
    // A squeeze's high, mirrored.
    const squeeze = { ...done, side: 'short' as const, extreme: 3100 };
    expect(read({ ...base, price: 3000, lastCascade: squeeze, sinceCascade: { low: 2900, high: 3050 }, printsAfterPrice: prints(T - 30_000, 2990, T - 30_000, 3112) })).toBe(
      'After $24M of shorts liquidated, a liquidation filled at $3,112 at 20:29, above the cascade high $3,100: no top yet.',
    );
  });

  it('says what it knows where prints came after a price older than them, none beyond the low', () => {
    const st = { ...base, priceTs: T - 15 * MIN, printsAfterPrice: prints(T - 2 * MIN, 2880, T - 5 * MIN, 2950) };
    expect(read(st)).toBe('After $24M of longs liquidated, the cascade low $2,809 has held so far (prices to 20:15, liquidation prints to 20:28).');
    // The price line says how old the price is next to them.
    expect(replyText(levelsReply(st, { exchanges: [], sampled: [], gaps: [], synthetic: false }))).toContain('\nPrice $2,960 at 20:15, before the last liquidation print (20:28)\n');
  });

  it('gives /levels what it reads: the flushes running on the asset\'s side and the prints after the price', () => {
    const m = new Market(buildConfig({}));
    const T0 = Date.parse('2026-03-02T12:00:00Z');
    m.ingest({ type: 'level', ts: T0, asset: 'BTC', level: 90_000 });
    m.ingest({ type: 'candle', ts: T0, exchange: 'bybit', symbol: 'BTC/USDT:USDT', timeframe: '15m', open: 100_000, high: 100_100, low: 99_900, close: 100_000 });
    m.catchUp(T0 + 15 * MIN);
    // Forty assets liquidating longs together from 12:16 (a market-wide flush), BTC among them at lower fills each round.
    for (let round = 0; round < 20; round++) {
      const t = T0 + 16 * MIN + round * 15_000;
      m.ingest({ type: 'liquidation', ts: t, exchange: 'gate', symbol: 'BTC/USDT:USDT', side: 'long', price: 99_800 - round * 10, amount: 4, usd: 400_000 });
      for (let k = 0; k < 40; k++) m.ingest({ type: 'liquidation', ts: t + 100 + k, exchange: 'binanceusdm', symbol: `ALT${k}/USDT:USDT`, side: 'long', price: 1, amount: 20_000, usd: 20_000 });
    }
    const st = m.levelStatus('BTC', undefined, m.clock);
    expect(st.priceTs).toBe(T0 + 15 * MIN);
    expect(st.runningFlushes?.map((f) => f.side)).toEqual(['long']);
    expect(st.printsAfterPrice).toEqual({ lastTs: T0 + 16 * MIN + 19 * 15_000, low: { price: 99_610, ts: T0 + 16 * MIN + 19 * 15_000 }, high: { price: 99_800, ts: T0 + 16 * MIN } });
    // Once BTC's cascade is over, a later print's fill is the one read, not the cascade's own lower ones.
    const late = T0 + 50 * MIN;
    for (let t = T0 + 21 * MIN; t < late; t += MIN) m.catchUp(t);
    m.ingest({ type: 'liquidation', ts: late, exchange: 'gate', symbol: 'BTC/USDT:USDT', side: 'short', price: 99_700, amount: 1, usd: 99_700 });
    const over = m.levelStatus('BTC', undefined, late);
    expect(over.runningCascade).toBeUndefined();
    expect(over.lastCascade?.endedAt).toBeLessThan(late);
    expect(over.runningFlushes).toBeUndefined();
    expect(over.printsAfterPrice).toEqual({ lastTs: late, low: { price: 99_700, ts: late }, high: { price: 99_700, ts: late } });
  });

  it('says nothing held on a price of before the cascade ended', () => {
    // The cascade's own prints came after that price; none since it ended.
    expect(read({ ...base, priceTs: done.endedAt - 10 * MIN, sinceCascade: undefined, printsAfterPrice: { lastTs: done.endedAt } })).toBe('After $24M of longs liquidated, no price since it ended (18:30): too soon to say whether the cascade low $2,809 holds.');
  });

  it('on the audit\'s recording: BTC at 17:10 on Jan 27 2025, a flush running and the cascade with it to a fill after a 17:00 price', async () => {
    const file = writeEvents([...lines(HELDOUT), ...printsOfJan27()], 'heldout-with-prints.jsonl');
    const r = await cli('levels', 'btc', '--data', file, '--at', '2025-01-27T17:10:00Z');
    const out = r.out.split('\n');
    expect(out).toContain('Price $99,708 at 17:00 (−4.9% 24h), before the last liquidation print (17:09)');
    // BTC's cascade runs on with the flush (over at 17:23:40), and its low with it: the 17:08 minute's lowest fill,
    // $99,225.9 (a $2.6K BTC/USDC print under five larger ones), as the flush's "low $99,226" says it, not the lowest of
    // the largest prints ($99,268.8), nor the $99,541 of 16:54:35 the fill went under (the low of a cascade that used to
    // be over at 17:04).
    expect(out.find((l) => l.startsWith('After '))).toBe('After $635K of longs liquidated, price is still moving; the cascade low $99,226 so far.');
    expect(r.out).not.toContain('stabilized');
    // Its cascade over, the flush not yet (called over at 17:23:48): the market-wide flush is said, as `liqbot levels`
    // feeds every asset's liquidations (test/cli/offline-flush.test.ts), and nothing stabilized.
    const over = await cli('levels', 'btc', '--data', file, '--at', '2025-01-27T17:23:44Z');
    expect(over.out.split('\n').find((l) => l.startsWith('After '))).toBe('After $635K of longs liquidated, a market-wide long flush is still running (since 16:50): too soon to call the cascade low $99,226 a floor.');
    expect(over.out).not.toContain('stabilized');
  });
});

/** A level at `lvl` as the book views it at `price`, holding. */
function level(lvl: number, price: number): LevelView {
  return {
    level: { id: `ETH@${lvl}`, asset: 'ETH', level: lvl, source: 'event', createdAt: 0 },
    role: price > lvl ? 'support' : 'resistance',
    distancePct: ((lvl - price) / price) * 100,
    state: 'holding',
    baseState: 'holding',
  };
}

describe('a stored whole day beside an empty window', () => {
  /** A file's market: prints far from the window (Jan 27), the vendor's ETH days around Feb 2 2025. */
  function fileMarket(): Market {
    const m = new Market(buildConfig({ exchanges: ['binanceusdm'], assets: ['ETH'] }));
    m.recorded = [[Date.UTC(2025, 0, 27, 16, 50), Date.UTC(2025, 0, 27, 17, 20)]];
    for (const e of ETH_DAYS) m.ingest(e as Parameters<Market['ingest']>[0]);
    return m;
  }

  it('is said only where it and the window are mostly the same time: a neighbouring day is not this window\'s data', () => {
    const m = fileMarket();
    const s = m.summary('ETH', '24h', D, Date.UTC(2025, 1, 3, 23, 59));
    expect(s.totalUsd).toBe(0);
    expect(s.dayTotals).toBeUndefined();
    expect(replyText(summaryReply(s, ['24h']))).not.toContain('Stored daily totals');
    expect(m.marketSummary('24h', D, Date.UTC(2025, 1, 3, 23, 59)).dayTotals).toBeUndefined();
    // Nor an hour of it in a day's window.
    expect(m.summary('ETH', '24h', D, Date.UTC(2025, 1, 3, 23)).dayTotals).toBeUndefined();
    // 18 hours of Feb 2 in the 24h to Feb 3 06:00.
    expect(m.summary('ETH', '24h', D, Date.UTC(2025, 1, 3, 6)).dayTotals?.map((d) => d.day)).toEqual([Date.UTC(2025, 1, 2)]);
    // The last hour of Feb 2, asked at midnight: the window is wholly that day.
    expect(m.summary('ETH', '1h', H, Date.UTC(2025, 1, 3)).dayTotals?.map((d) => d.day)).toEqual([Date.UTC(2025, 1, 2)]);
  });

  it('on a recording: ETH 24h at Feb 3 23:59 says no data, and no Feb 2 figure beside it', async () => {
    const file = writeEvents([...lines(FEB), ...printsOfJan27(), ...ETH_DAYS], 'feb-with-days.jsonl');
    const out = (await cli('liqs', 'eth', '--data', file, '--at', '2025-02-03T23:59:00Z')).out.split('\n');
    expect(out[2]).toBe('No liquidation data for the last 24h: the file\'s liquidation prints cover Jan 27 16:50–17:20, none in this window.');
    expect(out[3]).toMatch(/^Price /);
    expect(out.join('\n')).not.toContain('Feb 2');
  });

  it.skipIf(!hasKit)('on the audit\'s own files (the data kit): no "Stored daily totals: Feb 2" under "No liquidation data"', async () => {
    const file = writeEvents([...lines(kit('binance_2025-01-27_2025-02-03_crashes_5m_with_liqs.jsonl')), ...lines(kit('levels_2025-02-03.jsonl')), ...lines(kit('coinglass_binance_liquidation_totals_1d.jsonl'))], 'feb-cg.jsonl');
    const out = (await cli('liqs', 'eth', '--data', file, '--at', '2025-02-03T23:59:00Z')).out.split('\n');
    expect(out[2]).toBe('No liquidation data for the last 24h: the file\'s liquidation prints cover Jan 26 16:27–17:14, Jan 27 16:50–17:20, Feb 6 15:25–15:26, none in this window.');
    expect(out[3]).toMatch(/^Price /);
    expect(out.join('\n')).not.toContain('Stored daily totals');
  });
});

describe('a 7d headline says what it covers', () => {
  it('names the days of stored totals and the minutes of prints, where they leave the week out', async () => {
    const r = await cli('liqs', 'btc', '--data', FORCE_ORDERS, '--at', '2025-01-27T17:30:00Z', '--window', '7d');
    expect(r.out.split('\n')[2]).toBe('$89.1M liquidated in 7d (Jan 21–26 and Jan 27 16:50–17:20 only; 37 prints on Jan 27)');
    const all = await cli('liqs', 'all', '--data', FORCE_ORDERS, '--at', '2025-01-27T17:30:00Z', '--window', '7d');
    expect(all.out.split('\n')[2]).toBe('$198M liquidated in 7d (Jan 21–26 and Jan 27 16:50–17:20 only): BTC $89.1M, ETH $50M, SOL $45.1M, XRP $11.5M, …');
    // Where the stored days and the prints cover the week, nothing more.
    const day0 = Date.UTC(2026, 2, 2);
    const totals = Array.from({ length: 6 }, (_, i) => ['long', 'short'].map((side) => ({ type: 'liquidation_total', ts: day0 + i * D, period: '1d', asset: 'BTC', side, usd: 10e6, exchange: 'binance' }))).flat();
    // Prints every 5 minutes through the seventh day.
    const prints = Array.from({ length: 288 }, (_, i) => ({ type: 'liquidation', ts: day0 + 6 * D + i * 5 * MIN, exchange: 'binanceusdm', symbol: 'BTC/USDT:USDT', side: 'long', price: 100, amount: 100, usd: 10_000 }));
    const covered = await cli('liqs', 'btc', '--data', writeEvents([...totals, ...prints]), '--at', String(prints.at(-1)!.ts), '--window', '7d');
    expect(covered.out.split('\n')[2]).toBe('$123M liquidated in 7d (288 prints on Mar 8)');
  });
});

describe('the way to add a level is syntax, not a zone the data never named', () => {
  it('says LOW-HIGH where no level is left below price', () => {
    const st: LevelReading = { asset: 'ETH', ts: 0, price: 2500, priceTs: 0, levels: [level(3000, 2500), level(2800, 2500)] };
    expect(structureReading(st).map(lineText).at(-1)).toBe('No level below $2,500 on this list: admins can add one with /level add eth LOW-HIGH.');
    // A chat without levels gets the same syntax, whatever the price.
    const none = replyText(levelsReply({ ...st, levels: [] }, { exchanges: [], sampled: [], gaps: [], synthetic: false }));
    expect(none).toContain('Chat admins add one with /level add eth LOW-HIGH "prior support".');
  });

  it('on a recording: ETH at 02:05 on Feb 3 2025, under every level', async () => {
    const r = await cli('levels', 'eth', '--data', FEB, '--at', '2025-02-03T02:05:00Z');
    // With the day's low beside it (the 15m candle of 01:45; test/replies/levels-extremes.test.ts).
    expect(r.out.split('\n')).toContain('No level below $2,496 on this list; the 24h low was $2,388 at 01:45. Admins can add a level with /level add eth LOW-HIGH.');
  });

  it.skipIf(!hasKit)('on the audit\'s own file (the data kit)', async () => {
    const file = writeEvents([...lines(kit('binance_2025-01-27_2025-02-03_crashes_5m_with_liqs.jsonl')), ...lines(kit('levels_2025-02-03.jsonl'))], 'feb.jsonl');
    const r = await cli('levels', 'eth', '--data', file, '--at', '2025-02-03T02:05:00Z');
    expect(r.out.split('\n')).toContain('No level below $2,477 on this list; the 24h low was $2,388 at 01:55. Admins can add a level with /level add eth LOW-HIGH.');
  });
});

describe('a level alert\'s last hour says the vendor hourly totals in it', () => {
  const at = Date.parse('2026-01-31T12:00:30Z');
  const alert = (ts: number, hourly?: string[]): LevelBreak => {
    const liquidations = { side: 'long' as const, usd: 9_606_406, windowMs: H, cascade: false, ...(hourly ? { hourly } : {}) };
    return { kind: 'level_break', ts, asset: 'ETH', key: 'k', levelId: 'ETH@3000', level: 3000, direction: 'down', reclaim: false, price: 2968.7, timeframe: '15m', liquidations };
  };
  const title = (a: LevelBreak) => lineText(alertReply(a).title!);

  it('names the hours the totals are of where they are not the last hour\'s own', () => {
    // At 12:00:30, the hour counted is 11:00–12:00 (a vendor hour counts only whole inside the window, read to the minute).
    expect(title(alert(at, ['bitget', 'hyperliquid']))).toBe('⬇️ ETH lost $3,000; $9.61M longs liquidated in the last hour (with hourly totals 11:00–12:00)');
    // On the hour, the hour counted is the last hour.
    expect(title(alert(Date.parse('2026-01-31T12:00:00Z'), ['bitget']))).toBe('⬇️ ETH lost $3,000; $9.61M longs liquidated in the last hour (with hourly totals)');
    // Single orders alone: as before.
    expect(title(alert(at))).toBe('⬇️ ETH lost $3,000; $9.61M longs liquidated in the last hour');
  });

  it('the README quotes each level alert of the bundled day as `npm run demo` prints it', () => {
    const demo = new Set(readFileSync('test/golden/demo.out', 'utf8').split('\n').map((l) => l.trim()));
    const quoted = readFileSync('README.md', 'utf8').split('\n').filter((l) => /^\d\d:\d\d {2}[⬇⬆]/.test(l)).map((l) => l.slice(7));
    expect(quoted).toHaveLength(4);
    for (const q of quoted) expect(demo, q).toContain(q);
  });
});

describe('a figure said once', () => {
  it('an asset all from daily totals says so in its row, not its figure twice', async () => {
    const file = writeEvents([...lines(FEB), ...ETH_DAYS]);
    const out = (await cli('liqs', 'all', '--data', file, '--at', '2025-02-04T00:00:00Z', '--window', '24h')).out.split('\n');
    expect(out.find((l) => l.startsWith('  ETH '))).toMatch(/^ {2}ETH \$151M · 100% {2}L \$121M \/ S \$29\.9M · all from daily totals( {2}price [+−][\d.]+%)?$/);
  });
});
