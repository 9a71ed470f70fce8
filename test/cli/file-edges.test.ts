/**
 * What the offline CLI makes of files the spec allows and recorders write, beyond the usual day: vendor hourly totals
 * for every exchange, levels stamped "always", a gap in the data, flushes per exchange, many malformed lines, a file
 * without events, `usd: null`, long or unclean labels, candles of any ccxt timeframe, long lines, assets in
 * compatibility forms, and a `type` that is not a string.
 */
import { describe, expect, it } from 'vitest';
import { cli, DAY0, H, writeEvents } from '../helpers.js';

const M = 60_000;
const candle = (ts: number, close: number, timeframe = '1m', symbol = 'BTC/USDT:USDT') => ({
  type: 'candle', ts, exchange: 'bybit', symbol, timeframe, open: close, high: close + 5, low: close - 5, close,
});
const liq = (ts: number, usd: number, symbol = 'BTC/USDT:USDT', exchange = 'bybit') => ({ type: 'liquidation', ts, exchange, symbol, side: 'long', price: 80_000, amount: usd / 80_000 });
const lines = (s: string) => s.split('\n').filter(Boolean).map((l) => JSON.parse(l) as Record<string, any>);

describe('vendor hourly totals for every exchange (no `exchange`)', () => {
  it('count in the window totals, in no venue, and the text calls them hourly, not daily', async () => {
    const path = writeEvents([
      ...[0, 1, 2].map((h) => ({ type: 'liquidation_total', ts: DAY0 + h * H, period: '1h', asset: 'BTC', side: 'long', usd: 5_000_000 })),
      ...Array.from({ length: 180 }, (_, i) => candle(DAY0 + i * M, 80_000)),
    ]);
    const json = await cli('liqs', 'btc', '--data', path, '--json');
    expect(json.code, json.err).toBe(0);
    const s = JSON.parse(json.out);
    expect(s).toMatchObject({ longUsd: 15_000_000, shortUsd: 0, totalUsd: 15_000_000, byExchange: {}, allExchangesHourly: { longUsd: 15_000_000, totalUsd: 15_000_000 } });
    expect(s).not.toHaveProperty('dayTotals');
    const text = await cli('liqs', 'btc', '--data', path);
    expect(text.out).toContain('$15M liquidated in 24h');
    expect(text.out).toContain('(hourly totals)');
    expect(text.out).not.toMatch(/daily totals/);
  });

  it('are not counted for an hour a venue has single orders or its own figure for (they would count twice)', async () => {
    const path = writeEvents([
      { type: 'liquidation_total', ts: DAY0, period: '1h', asset: 'BTC', side: 'long', usd: 5_000_000 },
      { type: 'liquidation_total', ts: DAY0 + H, period: '1h', asset: 'BTC', side: 'long', usd: 5_000_000 },
      { type: 'liquidation_total', ts: DAY0 + H, period: '1h', asset: 'BTC', side: 'long', usd: 1_000_000, exchange: 'hyperliquid' },
      { type: 'liquidation_total', ts: DAY0 + 2 * H, period: '1h', asset: 'BTC', side: 'long', usd: 5_000_000 },
      liq(DAY0 + 2 * H + 60_000, 80_000),
      candle(DAY0 + 3 * H, 80_000),
    ]);
    const s = JSON.parse((await cli('liqs', 'btc', '--data', path, '--json')).out);
    expect(s.totalUsd).toBe(5_000_000 + 1_000_000 + 80_000);
    expect(Object.keys(s.byExchange).sort()).toEqual(['bybit', 'hyperliquid']);
  });
});

describe('levels stamped 0', () => {
  it('are in force from the file start (a shared levels file\'s "always"); market events in seconds are still refused', async () => {
    const path = writeEvents([
      { type: 'level', ts: 0, asset: 'BTC', price: 79_000, label: 'always' },
      ...Array.from({ length: 8 }, (_, i) => candle(DAY0 + i * 15 * M, 80_000 - i * 300, '15m')),
      { ...liq(DAY0 + 8 * 15 * M, 1000), ts: (DAY0 + 8 * 15 * M) / 1000 },
    ]);
    const replay = await cli('replay', path, '--json');
    expect(replay.code).toBe(0);
    const breaks = lines(replay.out).filter((a) => a.kind === 'level_break');
    expect(breaks).toMatchObject([{ level: 79_000, direction: 'down', label: 'always' }]);
    expect(replay.err.split('\n')[0]).toMatch(/:10: skipped: liquidation: `ts` \d+ is not epoch milliseconds \(as seconds it would be 2026-03-02\)$/);
    const levels = JSON.parse((await cli('levels', 'btc', '--data', path, '--json')).out);
    expect(levels.levels).toMatchObject([{ level: 79_000, label: 'always', state: 'broken' }]);
  });
});

describe('a gap in the data', () => {
  it("a cascade's end is stamped when it fell due (its quiet period after its window's sum fell), not at the next event hours later", async () => {
    const burst = Array.from({ length: 30 }, (_, i) => liq(DAY0 + 50 * M + i * 2000, 800_000));
    const path = writeEvents([
      ...Array.from({ length: 60 }, (_, i) => candle(DAY0 + i * M, 80_000)),
      ...burst,
      ...Array.from({ length: 10 }, (_, i) => candle(DAY0 + 6 * H + i * M, 78_000)),
    ].sort((a, b) => a.ts - b.ts));
    const alerts = lines((await cli('replay', path, '--json')).out);
    // The running message edited once, a minute after the start (its tally had grown a quarter by then).
    expect(alerts.map((a) => a.kind)).toEqual(['cascade', 'cascade_update', 'cascade_end']);
    // Ten quiet minutes (cascades.quietMinutes) after the window's sum fell under the end level (a fifth of the $4.44M
    // threshold): when the 10-second slice of the last prints (00:50:50–00:51:00, $4M) left the 5-minute window, at
    // 00:55:50; as a bot with a clock would post it.
    expect(alerts[2]!.ts).toBe(DAY0 + 55 * M + 50_000 + 10 * M);
    expect(alerts[2]!.text).toContain('Price during it $80,000 → $80,000');
  });

  it("a market-wide flush's end too, and each flush message gives its USD per exchange (byExchange)", async () => {
    const assets = ['BTC', 'ETH', 'SOL', 'XRP', 'DOGE', 'ADA', 'AVAX', 'LINK', 'LTC', 'DOT', 'TRX', 'BNB'];
    const prints = assets.flatMap((a, i) => [0, 1, 2].flatMap((k) => [
      liq(DAY0 + 30 * M + (i * 3 + k) * 5000, 200_000, `${a}/USDT:USDT`, 'bybit'),
      liq(DAY0 + 30 * M + (i * 3 + k) * 5000 + 1000, 100_000, `${a}/USDT:USDT`, 'okx'),
    ]));
    const path = writeEvents([...prints, candle(DAY0, 80_000), candle(DAY0 + 6 * H, 80_000)].sort((a, b) => a.ts - b.ts));
    const flush = lines((await cli('replay', path, '--json')).out).filter((a) => String(a.kind).startsWith('market_flush'));
    expect(flush.map((a) => a.kind)).toEqual(['market_flush', 'market_flush_update', 'market_flush_end']);
    // Over ten quiet minutes after its window fell quiet, within the hour: not at 06:00.
    expect(flush[2]!.ts).toBeLessThan(DAY0 + H);
    for (const a of flush) {
      expect(Object.keys(a.byExchange)).toEqual(['bybit', 'okx']);
      expect(a.byExchange.bybit + a.byExchange.okx).toBeCloseTo(a.usd, 2);
    }
    expect(flush[2]!.byExchange).toEqual({ bybit: 7_200_000, okx: 3_600_000 });
  });
});

describe('malformed lines, empty files', () => {
  it('every malformed line is said with its line number (60 of them, not the first 50), then the count', async () => {
    const path = writeEvents([...Array.from({ length: 60 }, (_, i) => `not json ${i}`), liq(DAY0, 1000)]);
    const r = await cli('liqs', 'btc', '--data', path, '--json');
    expect(r.code).toBe(0);
    const err = r.err.split('\n');
    expect(err.slice(0, 60)).toEqual(Array.from({ length: 60 }, (_, i) => `${path}:${i + 1}: skipped: not valid JSON`));
    expect(err.slice(60)).toEqual(['skipped 60 malformed of 61 lines; 1 events read']);
  });

  it('replay of an empty or meta-only file prints no alert and exits 0, saying so on stderr; liqs and levels refuse it in one line', async () => {
    for (const path of [writeEvents([], 'empty.jsonl'), writeEvents([{ type: 'meta', ts: 0, synthetic: true }], 'meta.jsonl')]) {
      for (const args of [['--json'], [], ['--stats']]) {
        const r = await cli('replay', path, ...args);
        expect(r.code).toBe(0);
        expect(r.err).toContain(`liqbot: ${path} holds no market events`);
        if (args[0] !== '--stats') expect(r.out).toBe('');
      }
      for (const cmd of ['liqs', 'levels']) {
        const r = await cli(cmd, 'btc', '--data', path);
        expect(r.code).toBe(1);
        expect(r.err.split('\n').at(-1)).toMatch(/^liqbot: .* holds no market events/);
      }
    }
    expect((await cli('replay', '/nonexistent/x.jsonl')).code).toBe(1);
  });
});

describe('fields', () => {
  it('`"usd": null` is no value given: price × amount', async () => {
    const path = writeEvents([{ ...liq(DAY0, 0), amount: 2, usd: null }, candle(DAY0, 80_000)]);
    const r = await cli('liqs', 'btc', '--data', path, '--json');
    expect(r.err).toBe('');
    expect(JSON.parse(r.out).longUsd).toBe(160_000);
  });

  it('a label too long or with a tab or control character keeps its level, cleaned, and stderr says so (not as a skipped line)', async () => {
    const family = '👨‍👩‍👧';
    const path = writeEvents([
      { type: 'level', ts: DAY0, asset: 'BTC', price: 79_000, label: 'weekly\topen\r\nlow' },
      // Cut between what shows: the family emoji (8 UTF-16 units) would straddle the limit, so it goes whole.
      { type: 'level', ts: DAY0, asset: 'BTC', price: 78_000, label: `${'x'.repeat(95)}${family} tail` },
      { type: 'level', ts: DAY0, asset: 'BTC', price: 77_000, label: `${'x'.repeat(80)}${family}${'y'.repeat(30)}` },
      candle(DAY0, 80_000),
    ]);
    const r = await cli('levels', 'btc', '--data', path, '--json');
    expect(r.code).toBe(0);
    const label = (price: number) => JSON.parse(r.out).levels.find((l: { level: number }) => l.level === price).label as string;
    expect(label(79_000)).toBe('weekly open low');
    expect(label(78_000)).toBe(`${'x'.repeat(95)}…`);
    expect(label(77_000)).toBe(`${'x'.repeat(80)}${family}${'y'.repeat(11)}…`);
    expect(label(77_000)).toHaveLength(100);
    expect(r.err.split('\n')).toEqual([
      `${path}:1: level label cleaned (control or invisible characters, such as a tab or a line break, made spaces): "weekly open low"`,
      `${path}:2: level label shortened to 100 characters: "${'x'.repeat(95)}…"`,
      `${path}:3: level label shortened to 100 characters: "${label(77_000)}"`,
      '3 level labels were cleaned or shortened; the levels were read',
    ]);
  });

  it('a candle of any ccxt timeframe is read (6h, 12h, 3d, 1w, 1M), one of 1d judged on its close; past a year is refused', async () => {
    const path = writeEvents([
      { type: 'level', ts: DAY0, asset: 'BTC', price: 79_000 },
      candle(DAY0 - 4 * 6 * H, 80_000, '6h'),
      candle(DAY0 - 2 * 12 * H, 80_100, '12h'),
      candle(DAY0 - 3 * 24 * H, 80_200, '3d'),
      candle(DAY0 - 7 * 24 * H, 80_300, '1w'),
      candle(DAY0 - 30 * 24 * H, 80_400, '1M'),
      candle(DAY0, 80_000, '1d'),
      { ...candle(DAY0 + 24 * H, 78_000, '1d'), low: 77_000 },
      candle(DAY0 + 48 * H, 78_000, '13M'),
    ].sort((a, b) => a.ts - b.ts));
    const r = await cli('replay', path, '--json');
    expect(r.err.split('\n')[0]).toMatch(/:9: skipped: candle: `timeframe` must be a ccxt timeframe of at most a year/);
    const breaks = lines(r.out).filter((a) => a.kind === 'level_break');
    expect(breaks).toMatchObject([{ level: 79_000, direction: 'down', price: 78_000, timeframe: '1d', ts: DAY0 + 48 * H }]);
    const levels = await cli('levels', 'btc', '--data', path, '--chart', `${path}.png`);
    expect(levels.code, levels.err).toBe(0);
  });

  it('a valid line up to 1 MiB is read (long fields of its own are ignored); longer is refused', async () => {
    const path = writeEvents([{ ...liq(DAY0, 80_000), note: 'x'.repeat(100_000) }, { ...liq(DAY0 + 1, 80_000), note: 'x'.repeat(1_100_000) }]);
    const r = await cli('liqs', 'btc', '--data', path, '--json');
    expect(JSON.parse(r.out).longUsd).toBe(80_000);
    expect(r.err.split('\n')[0]).toBe(`${path}:2: skipped: line longer than 1048576 characters`);
  });

  it('an asset in compatibility forms (half-width ﾃｽﾄ) is asked for as the command line folds it', async () => {
    const path = writeEvents([liq(DAY0, 80_000, 'ﾃｽﾄ/USDT:USDT'), { type: 'level', ts: DAY0, asset: 'ｔｅｓｔ２', price: 1 }, candle(DAY0, 80_000, '1m', 'ﾃｽﾄ/USDT:USDT')]);
    const r = await cli('liqs', 'ﾃｽﾄ', '--data', path, '--json');
    expect(r.code, r.err).toBe(0);
    expect(JSON.parse(r.out)).toMatchObject({ asset: 'テスト', longUsd: 80_000 });
    expect(JSON.parse((await cli('levels', 'test2', '--data', path, '--json')).out)).toMatchObject({ asset: 'TEST2', levels: [{ level: 1 }] });
  });

  it('a `type` that is not a string is said to be one, not to be missing', async () => {
    const r = await cli('liqs', 'btc', '--data', writeEvents(['{"type":123}', '{"ts":1}', liq(DAY0, 1000)]));
    expect(r.err.split('\n').slice(0, 2).map((l) => l.replace(/^.*?:(\d+): /, '$1 '))).toEqual(['1 skipped: `type` must be a string', '2 skipped: `type` is missing']);
  });
});
