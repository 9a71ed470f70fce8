/**
 * What a trader notices in the offline CLI's answers: what a `replay --stats` count of cascades covers, which replayed
 * alerts a channel following every asset gets, whose days a ranking compares, prints counted as prints, `/levels` in
 * the order of its distances and without a button to an empty answer, and `--window` said as the spec fixes it.
 */
import { describe, expect, it } from 'vitest';
import { DAY0, H, cli, writeEvents } from '../helpers.js';

const FORCE_ORDERS = 'fixtures/binance-2025-01-27-forceorder.real.jsonl';
const MIN = 60_000;
const DAY = 24 * H;

/** `n` 5-minute BTC candles from `from`, flat at `price`. */
function candles(from: number, n: number, price: number, asset = 'BTC'): object[] {
  return Array.from({ length: n }, (_, i) => ({ type: 'candle', ts: from + i * 5 * MIN, exchange: 'binanceusdm', symbol: `${asset}/USDT:USDT`, timeframe: '5m', open: price, high: price * 1.001, low: price * 0.999, close: price }));
}

function print(ts: number, exchange: string, usd = 10_000, asset = 'BTC'): object {
  return { type: 'liquidation', ts, exchange, symbol: `${asset}/USDT:USDT`, side: 'long', price: 100, amount: usd / 100, usd };
}

describe('replay --stats', () => {
  it('says the cascades it counts are those of the stretches the file has prints for, when they leave its candles out', async () => {
    const r = await cli('replay', FORCE_ORDERS, '--stats');
    expect(r.code).toBe(0);
    const lines = r.out.split('\n');
    expect(lines[lines.length - 1]).toBe('cascades: 2, market-wide flushes: 1, counted where the file has liquidation prints: 16:50–17:20 UTC (its candles and prices: 12:00–21:00 UTC); outside them none can be found');
  });

  it('gives the count alone where the prints cover the file', async () => {
    // Candles 00:00–02:00 and a print every five minutes across them.
    const file = writeEvents([...candles(DAY0, 24, 100), ...Array.from({ length: 25 }, (_, i) => print(DAY0 + i * 5 * MIN, 'bybit', 1_000))].sort((a, b) => (a as { ts: number }).ts - (b as { ts: number }).ts));
    const lines = (await cli('replay', file, '--stats')).out.split('\n');
    expect(lines[lines.length - 1]).toBe('cascades: 0, market-wide flushes: 0');
  });
});

describe('replay', () => {
  it('marks the cascades a market-wide flush carries: a channel following every asset gets the flush, not them', async () => {
    const r = await cli('replay', FORCE_ORDERS);
    const lines = r.out.split('\n');
    const mark = '  (carried by the market-wide flush: not posted)';
    expect(lines.map((l) => l.slice(22, 60).split(' | ')[0]!.trim())).toEqual([
      '🔻 Market-wide long flush: $777K of lo',
      '🔻 BTC long liquidation cascade',
      '🔻 ETH long liquidation cascade',
      '🔻 Market-wide long flush · running',
      '🔻 Market-wide long flush · running',
      // BTC's cascade runs on with the flush to 17:08, its largest minute: its edits are carried too.
      '🔻 BTC long cascade · running',
      '🔻 Market-wide long flush · running',
      '🔻 BTC long cascade · running',
      'BTC long cascade over',
      'ETH long cascade over',
      'Market-wide long flush over',
    ]);
    expect(lines.map((l) => l.endsWith(mark))).toEqual([false, true, true, false, false, true, false, true, true, true, false]);
    expect(r.err.split('\n').pop()).toBe('11 alerts from 1980 events; a channel following every asset gets 5 (6 carried by a market-wide flush)');
  });

  it('says the same with --json in a field of its own, the spec fields and the message text as they were', async () => {
    const r = await cli('replay', FORCE_ORDERS, '--json');
    const alerts = r.out.split('\n').map((l) => JSON.parse(l) as { kind: string; posted: boolean; text: string; side?: string; usd?: number; byExchange?: object });
    expect(alerts.map((a) => [a.kind, a.posted])).toEqual([
      ['market_flush', true], ['cascade', false], ['cascade', false], ['market_flush_update', true], ['market_flush_update', true], ['cascade_update', false], ['market_flush_update', true], ['cascade_update', false],
      ['cascade_end', false], ['cascade_end', false], ['market_flush_end', true],
    ]);
    expect(alerts[1]).toMatchObject({ side: 'long', usd: expect.any(Number), byExchange: expect.any(Object) });
    expect(alerts[1]!.text).not.toContain('not posted');
  });
});

describe('a ranking', () => {
  // 40 days of a vendor's ETH long totals, $10M a day, $200M twenty days back, $150M on the last day.
  const D = DAY0;
  const totals = (exchange?: string) => Array.from({ length: 40 }, (_, i) => {
    const day = D - (39 - i) * DAY;
    const usd = i === 39 ? 150e6 : i === 19 ? 200e6 : 10e6;
    return { type: 'liquidation_total', ts: day, period: '1d', asset: 'ETH', side: 'long', usd, ...(exchange ? { exchange } : {}) };
  });

  it('names whose days it compares in its own sentence: one venue, starred when sampled', async () => {
    const r = await cli('liqs', 'eth', '--data', writeEvents(totals('binance')), '--window', '24h', '--at', String(D + DAY));
    expect(r.out).toContain('Largest ETH long-liquidation day on Binance* since Feb 10, when $200M of longs went');
  });

  it('names a vendor figure of every exchange at once as such', async () => {
    const r = await cli('liqs', 'eth', '--data', writeEvents(totals()), '--window', '24h', '--at', String(D + DAY));
    expect(r.out).toContain('Largest ETH long-liquidation day across all exchanges since Feb 10, when $200M of longs went');
  });
});

describe('/liqs counts', () => {
  const liqs = async (...exchanges: string[]) => {
    const file = writeEvents(exchanges.map((ex, i) => print(DAY0 + i * MIN, ex)));
    return (await cli('liqs', 'btc', '--data', file, '--window', '1h')).out.split('\n')[2];
  };

  it('prints on a sampled stream, orders on a complete one, both words where both fed the window', async () => {
    // The file's prints are minutes of the hour: said once, beside the count of prints.
    expect(await liqs('binanceusdm', 'okx', 'binanceusdm')).toBe('$30K liquidated in 1h (3 prints, 00:00–00:02 only)');
    expect(await liqs('binanceusdm')).toBe('$10K liquidated in 1h (1 print, 00:00 only)');
    expect(await liqs('bybit', 'bybit')).toBe('$20K liquidated in 1h (2 orders; prints 00:00–00:01 only)');
    expect(await liqs('bybit', 'okx')).toBe('$20K liquidated in 1h (2 orders and prints, 00:00–00:01 only)');
  });
});

describe('levels', () => {
  // BTC flat at $110,000 for a day; a level at $120,000 and a zone whose top is above it and bottom below it.
  const levels = [
    { type: 'level', ts: DAY0, asset: 'BTC', low: 119_200, high: 120_988, label: 'zone' },
    { type: 'level', ts: DAY0, asset: 'BTC', price: 120_000, label: 'round' },
    { type: 'level', ts: DAY0, asset: 'BTC', price: 100_000, label: 'floor' },
  ];
  const day = candles(DAY0, 288, 110_000);

  it('lists the levels by the distance each row shows, not by their top edge', async () => {
    const file = writeEvents([...levels, ...day]);
    const json = JSON.parse((await cli('levels', 'btc', '--data', file, '--json')).out) as { levels: { level: number | number[]; distancePct: number }[] };
    expect(json.levels.map((l) => l.level)).toEqual([120_000, [119_200, 120_988], 100_000]);
    const rows = (await cli('levels', 'btc', '--data', file)).out.split('\n').filter((l) => l.startsWith('$'));
    expect(rows.map((l) => l.split(' · ').pop())).toEqual(['+9.1%', '+8.4%', '−9.1%']);
  });

  it('offers no "Liquidations 24h" button where the file has no liquidation data for the day, and one where it has', async () => {
    const without = (await cli('levels', 'btc', '--data', writeEvents([...levels, ...day]))).out;
    expect(without).toContain('BTC levels · $110,000');
    expect(without).not.toContain('Liquidations 24h');
    const withPrints = (await cli('levels', 'btc', '--data', writeEvents([...levels, ...day.slice(0, -1), print(DAY0 + 23 * H, 'bybit'), day[day.length - 1]!]))).out;
    expect(withPrints).toContain('[Liquidations 24h]');
  });
});

describe('--window', () => {
  it('takes the spec’s windows also as a chat types them', async () => {
    const r = await cli('liqs', 'btc', '--data', writeEvents([print(DAY0, 'bybit')]), '--window', '1d', '--json');
    expect(r.code).toBe(0);
    expect(JSON.parse(r.out)).toMatchObject({ window: '24h', from: DAY0 - DAY, to: DAY0 });
  });

  it('refuses a chat’s other windows in one line that says which it takes and why', async () => {
    const file = writeEvents([print(DAY0, 'bybit')]);
    expect(await cli('liqs', 'btc', '--data', file, '--window', '30m')).toMatchObject({
      code: 2,
      err: 'liqbot: --window "30m": the offline commands take 1h, 4h, 12h, 24h or 7d, the windows of the shared spec (docs/events.md); a chat takes any from 5m to 7d, 30m too',
    });
    expect(await cli('oi', 'btc', '--data', file, '--window', '')).toMatchObject({ code: 2, err: 'liqbot: --window needs a value: 1h, 4h, 12h, 24h or 7d' });
  });
});
