/** One price per moment: /liqs, /levels and both charts built at the same time show the same last price. */
import { beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../config/load.js';
import { levelsChartInput, liqsChartInput } from '../../src/charts/inputs.js';
import { PriceBook } from '../../src/core/prices.js';
import type { Market } from '../../src/core/market.js';
import { loadFile, runFile } from '../../src/offline.js';
import { BUNDLED, writeEvents } from '../helpers.js';
import { coverageText, hatchedSpans } from '../../src/charts/liqs.js';

const DAY = 86_400_000;
let market: Market;
beforeAll(async () => {
  market = (await runFile(BUNDLED, loadConfig())).market;
});

describe('one price per moment', () => {
  it('the /liqs summary, the /levels status and both charts end on the same price ($2,643.80 on the bundled day)', () => {
    expect(market.summary('ETH', '24h', DAY).price?.close).toBe(2643.8);
    expect(market.levelStatus('ETH').price).toBe(2643.8);
    expect(liqsChartInput(market, market.summary('ETH', '24h', DAY)).prices.at(-1)?.close).toBe(2643.8);
    expect(levelsChartInput(market, market.levelStatus('ETH'), undefined).price).toBe(2643.8);
  });

  it('a point that arrives late for its minute does not make the window end on an older price', () => {
    const MIN = 60_000;
    const t0 = Date.parse('2026-01-31T12:00:00Z');
    const book = new PriceBook(15 * MIN, () => {});
    book.tick('ETH', 'bybit', t0 + 10_000, 2600);
    book.tick('ETH', 'bybit', t0 + 50_000, 2650); // the last price
    book.tick('ETH', 'bybit', t0 + 30_000, 2620); // late: arrives after it, stamped before it
    expect(book.last('ETH')).toEqual({ ts: t0 + 50_000, price: 2650, at: t0 + 50_000 });
    expect(book.range('ETH', t0 - 10 * MIN, t0 + MIN)?.close).toBe(2650);
    expect(book.bars('ETH', t0, t0 + MIN, MIN).at(-1)?.close).toBe(2650);
  });
});

describe('an empty window in the /liqs chart says what the reply says', () => {
  it('a quiet market is "no liquidations"; a window nothing recorded is no data, with no $0 in the header', async () => {
    // The bundled day read as the offline commands read it (its prints span the day), an hour after its end.
    const file = (await runFile(BUNDLED, loadConfig())).market;
    file.recorded = [[Date.parse('2026-01-31T00:59:00Z'), Date.parse('2026-01-31T23:59:00Z')]];
    const late = file.summary('ETH', '1h', 3_600_000, Date.parse('2026-02-01T02:00:00Z'));
    expect(late.totalUsd).toBe(0);
    expect(liqsChartInput(file, late).noData).toBe('No liquidation data for this window');
    // A window inside the prints' day: figures, no note.
    expect(liqsChartInput(file, file.summary('ETH', '24h', DAY)).noData).toBeUndefined();
    // A window the prints cover in part, with none in that part: $0 there, said of the part.
    file.recorded = [[Date.parse('2026-02-01T01:30:00Z'), Date.parse('2026-02-01T01:40:00Z')]];
    const part = liqsChartInput(file, file.summary('ETH', '1h', 3_600_000, Date.parse('2026-02-01T02:00:00Z')));
    expect(part.noData).toBeUndefined();
    expect(part.emptyNote).toBe('No liquidations in the stretches the file covers');
    // Live: feeds all unreachable is no data; one live feed and nothing liquidated is a quiet market.
    const live = (await runFile(BUNDLED, loadConfig())).market;
    live.recorded = undefined;
    const at = Date.parse('2026-02-01T02:00:00Z');
    live.feeds.update({ exchange: 'bybit', stream: 'liquidations', state: 'down', since: at - 60_000, sampled: false });
    expect(liqsChartInput(live, live.summary('ETH', '1h', 3_600_000, at)).noData).toBe('No liquidation data: exchanges unreachable');
    live.feeds.update({ exchange: 'okx', stream: 'liquidations', state: 'live', since: at - 60_000, sampled: true });
    expect(liqsChartInput(live, live.summary('ETH', '1h', 3_600_000, at)).noData).toBeUndefined();
  });
});

describe('price bars no finer than the prices', () => {
  it('a file of 1h candles charts one bar per candle (its OHLC), not a flat tick and a body per hour', () => {
    const MIN = 60_000, HOUR = 3_600_000;
    const t0 = Date.parse('2025-04-06T08:00:00Z');
    const book = new PriceBook(15 * MIN, () => {});
    const candles = [[1800, 1805, 1790, 1796], [1796, 1798, 1770, 1775], [1775, 1780, 1740, 1748]] as const;
    candles.forEach(([open, high, low, close], i) =>
      book.candle('ETH', { type: 'candle', ts: t0 + i * HOUR, exchange: 'binanceusdm', symbol: 'ETH/USDT:USDT', timeframe: '1h', open, high, low, close }),
    );
    expect(book.barStep('ETH', 15 * MIN)).toBe(HOUR);
    expect(book.barStep('ETH', 2 * HOUR)).toBe(2 * HOUR);
    expect(book.bars('ETH', t0, t0 + 3 * HOUR, HOUR)).toEqual(candles.map(([open, high, low, close], i) => ({ ts: t0 + i * HOUR, open, high, low, close })));
    // At 15m the same prices are two minutes an hour: the flat tick and the body the chart no longer draws.
    expect(book.bars('ETH', t0, t0 + 3 * HOUR, 15 * MIN)).toHaveLength(6);
    // Ticks make the prices a minute apart again.
    book.tick('ETH', 'binanceusdm', t0 + 3 * HOUR + 5_000, 1749);
    expect(book.barStep('ETH', 15 * MIN)).toBe(15 * MIN);
  });

  it('the bundled day (1m prices) keeps its charts\' bars', () => {
    const st = market.levelStatus('ETH');
    expect(levelsChartInput(market, st, undefined).priceMs).toBeUndefined();
    expect(liqsChartInput(market, market.summary('ETH', '24h', DAY)).priceMs).toBeUndefined();
  });
});

describe('clock-aligned candles', () => {
  it('the /levels chart asked at 14:07 draws 15m candles on 14:00, 14:15, … (the closes breaks are read on)', () => {
    const at = Date.parse('2026-01-31T14:07:00Z');
    const input = levelsChartInput(market, market.levelStatus('ETH', undefined, at), undefined);
    expect(input.prices.length).toBeGreaterThan(0);
    expect(input.prices.every((p) => p.ts % (15 * 60_000) === 0)).toBe(true);
    expect(input.prices[0]!.ts).toBe(Date.parse('2026-01-30T14:00:00Z'));
  });
});

describe('a file whose prints cover part of the window', () => {
  it('hands the chart the stretches and the reply\'s words for them ("prints 16:50–17:20 only")', async () => {
    const file = (await runFile(BUNDLED, loadConfig())).market;
    const to = Date.parse('2026-01-31T18:00:00Z');
    file.recorded = [[Date.parse('2026-01-31T16:50:00Z'), Date.parse('2026-01-31T17:20:00Z')]];
    const input = liqsChartInput(file, file.summary('ETH', '4h', 4 * 3_600_000, to));
    expect(input.recorded?.note).toBe('prints 16:50–17:20 only');
    expect(input.recorded?.stretches).toEqual([[Date.parse('2026-01-31T16:50:00Z'), Date.parse('2026-01-31T17:20:00Z')]]);
    // Live (no file), nothing to say.
    file.recorded = undefined;
    expect(liqsChartInput(file, file.summary('ETH', '4h', 4 * 3_600_000, to)).recorded).toBeUndefined();
  });
});

describe('a window known only from a vendor\'s totals', () => {
  it('says its figures are hourly or daily totals, not "no liquidations", and names the venue in the sources', async () => {
    const H = 3_600_000;
    const t0 = Date.parse('2026-01-01T00:00:00Z');
    const lines: object[] = [];
    for (let h = 0; h < 24; h++) {
      const ts = t0 + h * H;
      lines.push({ type: 'candle', ts, exchange: 'binance', symbol: 'BTC/USDT:USDT', timeframe: '1h', open: 90_000, high: 90_100, low: 89_900, close: 90_050 });
      lines.push({ type: 'liquidation_total', ts, period: '1h', asset: 'BTC', side: 'long', usd: 1e6, exchange: 'bitget' });
    }
    const m = (await runFile(writeEvents(lines), loadConfig())).market;
    const hours = liqsChartInput(m, m.summary('BTC', '4h', 4 * H, t0 + 12 * H));
    expect(hours.totals.totalUsd).toBe(4e6);
    expect(hours.buckets.every((b) => b.longUsd + b.shortUsd === 0)).toBe(true);
    expect(hours.emptyNote).toBe('No single orders to draw: the figures are hourly totals');
    expect(coverageText(hours.coverage)).toBe('Sources: Bitget† · †hourly');
    const day = liqsChartInput(m, m.summary('BTC', '24h', DAY, t0 + DAY));
    expect(day.totals.totalUsd).toBe(24e6);
    expect(day.emptyNote).toBe('No single orders to draw: the figures are daily totals');
    expect(coverageText(day.coverage)).toBe('Sources: Bitget‡ · ‡daily totals');
    // Single orders beside them: bars drawn, no note.
    expect(liqsChartInput(market, market.summary('ETH', '24h', DAY)).emptyNote).toBeUndefined();
  });
});

describe('a week counted from a vendor\'s daily totals, with minutes of prints', () => {
  const JAN = (d: number, h = 0, m = 0): number => Date.UTC(2025, 0, d, h, m);
  async function week(): Promise<Market> {
    const lines: object[] = [];
    for (let d = 21; d <= 27; d++) {
      lines.push({ type: 'liquidation_total', ts: JAN(d), period: '1d', asset: 'BTC', side: 'long', usd: 10e6, exchange: 'binance' });
      lines.push({ type: 'liquidation_total', ts: JAN(d), period: '1d', asset: 'BTC', side: 'short', usd: 2e6, exchange: 'binance' });
    }
    for (let h = 0; h < 7 * 24; h++) {
      lines.push({ type: 'candle', ts: JAN(21) + h * 3_600_000, exchange: 'binance', symbol: 'BTC/USDT:USDT', timeframe: '1h', open: 100_000, high: 100_100, low: 99_900, close: 100_050 });
    }
    lines.push({ type: 'liquidation', ts: JAN(27, 16, 50), exchange: 'binance', symbol: 'BTC/USDT:USDT', side: 'long', price: 100_000, amount: 4, usd: 400e3 });
    lines.push({ type: 'liquidation', ts: JAN(27, 17, 20), exchange: 'binance', symbol: 'BTC/USDT:USDT', side: 'long', price: 100_000, amount: 1.5, usd: 150e3 });
    lines.sort((a, b) => (a as { ts: number }).ts - (b as { ts: number }).ts);
    // Read as the CLI reads a file: whole, so the engine knows where its prints are.
    return (await runFile(await loadFile(writeEvents(lines)), loadConfig())).market;
  }

  it('marks the days of daily totals as such, not "no prints", and its footer does not say "prints … only"', async () => {
    const m = await week();
    const input = liqsChartInput(m, m.summary('BTC', '7d', 7 * DAY, JAN(28)));
    expect(input.totals.totalUsd).toBe(84e6);
    expect(input.dailyTotals).toEqual({ days: [21, 22, 23, 24, 25, 26, 27].map((d) => JAN(d)), withOrders: [JAN(27)] });
    expect(input.recorded?.note).toBe('prints Jan 27 16:50–17:20');
    expect(coverageText(input.coverage)).toBe('Sources: Binance*, Binance‡ · *sampled ‡daily totals');
    // 2h bars: Jan 21 to the bar before the prints' is daily totals; the bars the prints touch are drawn; after them
    // the rest of Jan 27 is its daily total too. Nothing is "no prints": every day's figure is known.
    expect(hatchedSpans(input, 2 * 3_600_000)).toEqual([
      { from: JAN(21), to: JAN(27, 16), label: 'daily totals' },
      { from: JAN(27, 18), to: JAN(28), label: 'daily total' },
    ]);
  });

  it('still hatches "no prints" where a window\'s stretches have neither prints nor a day\'s total', async () => {
    const m = await week();
    const input = liqsChartInput(m, m.summary('BTC', '24h', DAY, JAN(27, 20)));
    expect(input.dailyTotals).toBeUndefined();
    expect(input.recorded?.note).toBe('prints 16:50–17:20 only');
    expect(hatchedSpans(input, 2 * 3_600_000)).toEqual([
      { from: JAN(26, 20), to: JAN(27, 16), label: 'no prints' },
      { from: JAN(27, 18), to: JAN(27, 20), label: 'no prints' },
    ]);
  });

  it('live (no file), a day of totals without orders is marked whole; a day whose orders its total holds is not hatched', () => {
    const input = { from: JAN(26), to: JAN(28), dailyTotals: { days: [JAN(26), JAN(27)], withOrders: [JAN(27)] } };
    expect(hatchedSpans(input, 2 * 3_600_000)).toEqual([{ from: JAN(26), to: JAN(27), label: 'daily total' }]);
  });

  it('an empty window of a recording names the file\'s venues in its sources (a sampled one starred)', async () => {
    const m = await week();
    const input = liqsChartInput(m, m.summary('BTC', '1h', 3_600_000, JAN(27, 20)));
    expect(input.totals.totalUsd).toBe(0);
    expect(coverageText(input.coverage)).toBe('Sources: Binance* · *sampled: lower bounds');
  });
});
