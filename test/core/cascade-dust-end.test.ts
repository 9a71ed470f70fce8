/**
 * A cascade's or a market-wide flush's end is its last print at the pace that called it (its start threshold per window,
 * read over the last minute): the trickle of small prints after the flush is held apart from its tally (brought in when a
 * print at pace follows), and neither moves the end nor holds off the quiet period, whose count starts when the window
 * first drops. Its price starts at the last price at or before its start (its first fill where the candles were minutes
 * old) and ends at or before its end, never at a print after it; in a file without candles the fills follow a running
 * cascade's low or high.
 */
import { describe, expect, it } from 'vitest';
import { buildConfig, loadConfig } from '../../config/load.js';
import type { Alert } from '../../src/core/alerts.js';
import { CascadeDetector, type CascadeEvent } from '../../src/core/cascades.js';
import { FlushDetector, type FlushEvent, type FlushRules } from '../../src/core/flush.js';
import { Market } from '../../src/core/market.js';
import { PriceBook } from '../../src/core/prices.js';
import { loadFile, runFile } from '../../src/offline.js';
import { alertReply } from '../../src/replies/alerts.js';
import { replyText } from '../../src/replies/reply.js';
import { HOUR } from '../../src/core/time.js';
import { CASCADE_RULES } from './detector-rules.js';

const T0 = Date.parse('2026-03-02T12:00:00Z');
const S = 1_000;
const at = (iso: string) => Date.parse(iso);
const hms = (ms: number) => new Date(ms).toISOString().slice(11, 19);

interface Detector<E> {
  nextDue(): number;
  advance(now: number): readonly E[];
}

/**
 * Prints fed in time order as the engine feeds them: time moves to each print through every moment something falls due
 * before it (an end, a held edit), and on to `until`; returns each event with the moment it was raised.
 */
function run<E>(d: Detector<E>, prints: [number, (ts: number) => E | undefined][], until: number): [E, number][] {
  const out: [E, number][] = [];
  let clock = -Infinity;
  const moveTo = (to: number) => {
    for (let due = d.nextDue(); (due = due > clock ? due : clock + 1) < to; due = d.nextDue()) {
      clock = due;
      for (const e of d.advance(due)) out.push([e, due]);
    }
    clock = Math.max(clock, to);
    for (const e of d.advance(clock)) out.push([e, clock]);
  };
  for (const [ts, add] of [...prints].sort((a, b) => a[0] - b[0])) {
    moveTo(ts);
    const e = add(ts);
    if (e) out.push([e, ts]);
  }
  moveTo(until);
  return out;
}

/** A $10K print every 5 s from `from` to `to` (seconds after T0). */
function dust(from: number, to: number): number[] {
  const out: number[] = [];
  for (let s = from; s <= to; s += 5) out.push(s);
  return out;
}

type Print = [number, (ts: number) => CascadeEvent | undefined];

/** Three $400K prints in 2 s: the start, $1.2M. */
function started(add: (exchange: string, usd: number) => (ts: number) => CascadeEvent | undefined): Print[] {
  return [
    [T0, add('bybit', 400_000)],
    [T0 + 1 * S, add('okx', 400_000)],
    [T0 + 2 * S, add('bybit', 400_000)],
  ];
}

type FlushPrint = [number, (ts: number) => FlushEvent | undefined];

/** A one-minute window, $1M to start, the end level $300K. */
const FLUSH_RULES: FlushRules = { windowMs: 60_000, minAssets: 3, maxLeaderShare: 0.6, endFraction: 0.3, quietMs: 120_000, leaders: 3, updateGrowth: 0.5, updateMinMs: 60_000 };

/** $400K of BTC, ETH and SOL in 2 s: the start, $1.2M across three assets. */
function flushStarted(add: (asset: string, usd: number) => (ts: number) => FlushEvent | undefined): FlushPrint[] {
  return [
    [T0, add('BTC', 400_000)],
    [T0 + 1 * S, add('ETH', 400_000)],
    [T0 + 2 * S, add('SOL', 400_000)],
  ];
}

describe('a cascade after its flush (a one-minute window, $1M to start: its pace $1M a minute, the end level $300K)', () => {
  it('ends at its last print at pace, and is over a quiet period after the window first dropped, however the trickle lifts it', () => {
    const d = new CascadeDetector(CASCADE_RULES, () => 1_000_000);
    const add = (exchange: string, usd: number) => (ts: number) => d.add('ETH', 'long', exchange, ts, usd, 100);
    const prints: Print[] = [
      ...started(add),
      [T0 + 20 * S, add('okx', 600_000)], // $600K in 18 s: at pace, its last strong print
      ...dust(25, 115).map((s): Print => [T0 + s * S, add('gate', 10_000)]),
      // After the window dropped (at 80 s, the $600K print gone), $250K lifts it over the end level: $370K in the last
      // minute, not the $1M a minute that called it.
      [T0 + 100 * S + 500, add('htx', 250_000)],
    ];
    const events = run(d, prints, T0 + 600 * S);
    const end = events.find(([e]) => e.type === 'end');
    // The trickle moved the end to 115 s and the over to 235 s.
    expect(end?.[0]).toMatchObject({ type: 'end', endedAt: T0 + 20 * S });
    // Quiet since the window dropped, at 80 s (the $600K print's 10-second slice gone): over two minutes later, at 200 s
    // (counted from the last print before it, 75 s, it was over at 195 s).
    expect(end?.[1]).toBe(T0 + 200 * S);
    // Its tally is its window: the trickle and the $250K after 20 s (it counted $440K of them) are held apart and left out.
    expect(end?.[0].cascade.usd).toBe(1_200_000 + 600_000);
  });

  it('runs on when liquidations come back at its pace after a pause: a minute at pace, not every print since its last strong one', () => {
    const d = new CascadeDetector(CASCADE_RULES, () => 1_000_000);
    const add = (exchange: string, usd: number) => (ts: number) => d.add('ETH', 'long', exchange, ts, usd, 100);
    const prints: Print[] = [
      ...started(add),
      ...dust(5, 85).map((s): Print => [T0 + s * S, add('gate', 10_000)]),
      // 88 s after the start, the second wave: $1M and the trickle of its last minute, at pace over that minute (not over
      // the 88 s since the start, which would take $1.47M).
      [T0 + 90 * S, add('okx', 1_000_000)],
      ...dust(95, 150).map((s): Print => [T0 + s * S, add('gate', 10_000)]),
    ];
    const end = run(d, prints, T0 + 900 * S).find(([e]) => e.type === 'end');
    expect(end?.[0]).toMatchObject({ type: 'end', endedAt: T0 + 90 * S });
  });
});

describe('a market-wide flush after its main leg (a one-minute window, $1M to start, the end level $300K)', () => {
  it('ends at its last print at pace, and is over a quiet period after the window first dropped', () => {
    const d = new FlushDetector(FLUSH_RULES, () => 1_000_000);
    const add = (asset: string, usd: number) => (ts: number) => d.add(asset, 'long', 'bybit', ts, usd);
    const prints: FlushPrint[] = [
      ...flushStarted(add),
      ...dust(5, 115).map((s): FlushPrint => [T0 + s * S, add('XRP', 10_000)]),
      [T0 + 100 * S + 500, add('DOGE', 250_000)], // lifts the dropped window over the end level, under the pace
    ];
    const end = run(d, prints, T0 + 600 * S).find(([e]) => e.type === 'end');
    // The trickle moved the end to 115 s and the over to 275 s.
    expect(end?.[0]).toMatchObject({ type: 'end', endedAt: T0 + 2 * S });
    // The window dropped at 62 s (the start's prints gone): over two minutes later.
    expect(end?.[1]).toBe(T0 + 182 * S);
  });
});

describe('the tally an end tells: its window, its start to its last print at pace', () => {
  /** A cascade's event as it was told (the cascade is one object, changed in place as it runs). */
  const told = (e: CascadeEvent) =>
    e.type === 'end'
      ? { type: e.type, usd: e.cascade.usd, endedAt: e.endedAt, heardUsd: e.heardUsd, byExchange: Object.fromEntries(e.cascade.byExchange) }
      : { type: e.type, usd: e.cascade.usd };

  it("a cascade's holds the prints under its pace after its last strong one apart, running and over, until one at pace brings them in", () => {
    const d = new CascadeDetector(CASCADE_RULES, () => 1_000_000);
    const detector = { nextDue: () => d.nextDue(), advance: (now: number) => d.advance(now).map(told) };
    const add = (exchange: string, usd: number) => (ts: number) => {
      const e = d.add('ETH', 'long', exchange, ts, usd, 100);
      return e && told(e);
    };
    type Print = [number, (ts: number) => ReturnType<typeof told> | undefined];
    const prints: Print[] = [
      [T0, add('bybit', 400_000)],
      [T0 + 1 * S, add('okx', 400_000)],
      [T0 + 2 * S, add('bybit', 400_000)], // the start: $1.2M
      [T0 + 20 * S, add('okx', 600_000)], // at pace ($300K in 18 s would do): $1.8M, edited at 32 s
      // $70K in the window, which holds the end level: under the pace, held apart from the edit at 32 s.
      ...dust(25, 55).map((s): Print => [T0 + s * S, add('gate', 10_000)]),
      // $770K in the 40 s since 20 s, at pace: the $70K was the cascade's after all.
      [T0 + 60 * S, add('okx', 700_000)],
      // $110K after it while the window holds the end level, under the pace: left out of the end.
      ...dust(65, 115).map((s): Print => [T0 + s * S, add('gate', 10_000)]),
    ];
    expect(run(detector, prints, T0 + 600 * S).map(([e]) => e)).toEqual([
      { type: 'start', usd: 1_200_000 },
      { type: 'update', usd: 1_800_000 },
      { type: 'update', usd: 2_570_000 },
      // Heard by the $2.57M the last edit told, which is what it says.
      { type: 'end', usd: 2_570_000, endedAt: T0 + 60 * S, heardUsd: 2_570_000, byExchange: { bybit: 800_000, okx: 1_700_000, gate: 70_000 } },
    ]);
  });

  it("a flush's the same, per asset: an asset only the prints held apart brought is not one of its", () => {
    const d = new FlushDetector(FLUSH_RULES, () => 1_000_000);
    const add = (asset: string, usd: number) => (ts: number) => d.add(asset, 'long', 'bybit', ts, usd);
    const prints: FlushPrint[] = [
      ...flushStarted(add),
      [T0 + 20 * S, add('DOGE', 600_000)], // at pace
      ...dust(25, 55).map((s): FlushPrint => [T0 + s * S, add('XRP', 10_000)]), // held apart
      [T0 + 60 * S, add('AVAX', 700_000)], // at pace: brings XRP's $70K in
      ...dust(65, 115).map((s): FlushPrint => [T0 + s * S, add('PEPE', 10_000)]), // left out
    ];
    const events = run(d, prints, T0 + 600 * S).map(([e]) => [e.type, e.flush.usd, e.flush.assetCount, e.type === 'end' ? [e.endedAt, e.heardUsd] : []]);
    expect(events).toEqual([
      ['start', 1_200_000, 3, []],
      ['update', 2_570_000, 6, []],
      ['end', 2_570_000, 6, [T0 + 60 * S, 2_570_000]],
    ]);
  });
});

describe('the price an event began at', () => {
  it('is its first fill where the candles were minutes old, not a candle that closed minutes before it (BTC, Jan 27 2025)', () => {
    const book = new PriceBook(15 * 60_000, () => {});
    // The 5m candle of 16:45, known from its close at 16:50: $100,032.9. The fills of 16:52 come over two minutes after it.
    book.candle('BTC', { type: 'candle', ts: at('2025-01-27T16:45:00Z'), exchange: 'binanceusdm', symbol: 'BTC/USDT:USDT', timeframe: '5m', open: 99_942.9, high: 100_235.2, low: 99_681.9, close: 100_032.9 });
    book.liquidationPrice('BTC', at('2025-01-27T16:52:08.214Z'), 99_767.53);
    book.liquidationPrice('BTC', at('2025-01-27T16:52:40Z'), 99_700);
    // A cascade starts at the 10 s slice of its first print.
    expect(book.startPrice('BTC', at('2025-01-27T16:52:00Z'), HOUR)).toBe(99_767.53);
    // A fill at or before the start, in its own minute too, is the last price before it.
    expect(book.startPrice('BTC', at('2025-01-27T16:52:30Z'), HOUR)).toBe(99_767.53);
    // With no fill in its minute, the candle's close.
    expect(book.startPrice('BTC', at('2025-01-27T16:51:00Z'), HOUR)).toBe(100_032.9);
  });

  it('beside ticks is the close of the minute before, and in a file of prints alone the last print at or before it', () => {
    const ticks = new PriceBook(15 * 60_000, () => {});
    ticks.tick('BTC', 'bybit', at('2025-01-27T16:51:30Z'), 99_900);
    ticks.liquidationPrice('BTC', at('2025-01-27T16:52:08.214Z'), 99_767.53);
    expect(ticks.startPrice('BTC', at('2025-01-27T16:52:00Z'), HOUR)).toBe(99_900);
    const prints = new PriceBook(15 * 60_000, () => {});
    for (const [iso, price] of [['14:00:10', 1736], ['14:00:15.660', 1735.81], ['14:00:33.437', 1732.65]] as const) {
      prints.liquidationPrice('ETH', at(`2025-04-30T${iso}Z`), price);
    }
    expect(prints.startPrice('ETH', at('2025-04-30T14:00:14.097Z'), HOUR)).toBe(1736);
    expect(prints.startPrice('ETH', at('2025-04-30T14:00:15.660Z'), HOUR)).toBe(1735.81);
  });
});

describe('on real recordings', () => {
  const replay = async (path: string) => (await runFile(await loadFile(path), loadConfig())).alerts;
  const text = (a: Alert | undefined) => replyText(alertReply(a!));

  it('2025-10-22: the all-market long flush ends at 11:04 after 7 min, not 11:20 after 23, and BTC fell during it', async () => {
    const alerts = await replay('fixtures/binance-2025-10-22-forceorder.real.jsonl');
    const end = alerts.find((a) => a.kind === 'market_flush_end' && a.side === 'long');
    if (end?.kind !== 'market_flush_end') throw new Error('no end');
    expect([hms(end.startedAt), hms(end.endedAt)]).toEqual(['10:57:24', '11:04:22']);
    // The window first dropped at 11:09; the trickle after it held the over back to 11:30.
    expect(hms(end.ts)).toBe('11:19:13');
    expect(text(end)).toContain('in 7 min (10:57–11:04)');
    expect(text(end)).toContain('Price during it: BTC −0.6% (low $106,725) · ETH −1.1% (low $3,771)');
    // EVAA's short squeeze ends at 11:18:25 on its $24.9K print at $8.914263, not at $8.377 five minutes later. It began at
    // its first print, $8.778729 at 11:13:39 (not the $8.630042 of 11:12:55, before its 10 s slice).
    expect(text(alerts.find((a) => a.kind === 'cascade_end' && a.asset === 'EVAA'))).toContain('(11:13–11:18)\nPrice during it $8.779 → $8.914 (+1.5%), high $8.949');
  });

  it('2025-04-30: the flush is the 33 s that called it, and ETH ends on its last print before 14:00:47, not a later one of that minute', async () => {
    const alerts = await replay('fixtures/binance-2025-04-30-forceorder.real.jsonl');
    const end = alerts.find((a) => a.kind === 'market_flush_end');
    if (end?.kind !== 'market_flush_end') throw new Error('no end');
    // Called at 14:00:47.593; the prints of the next millisecond are its last at pace.
    expect([end.startedAt, end.endedAt]).toEqual([at('2025-04-30T14:00:14.097Z'), at('2025-04-30T14:00:47.594Z')]);
    // Its tally is those 33 s: the file's long prints from 14:00:14.097 to 14:00:47.594 sum to $723,912.60 across 146
    // assets (with the prints under its pace after them, $745K across 157). Heard by its start's $700,670.78.
    expect([end.usd, end.assetCount, end.heardUsd]).toEqual([expect.closeTo(723_912.6, 2), 146, expect.closeTo(700_670.78, 2)]);
    // ETH $1,735.81 (14:00:15) → $1,732.65 (14:00:33); its prints of 14:00:57 and 14:00:59 ($1,742.72) are after the end.
    expect(text(end)).toContain('Price during it: ETH −0.2% (low $1,732) · AVAX −0.6% (low $20.34) · W +0.1% (low $0.08272)');
  });
});

describe('the price a cascade began at, on real recordings', () => {
  it("2025-01-27: BTC's cascade from its first fill, $99,768 at 16:52:08, not the 5m candles' $100,033 of 16:50", async () => {
    const alerts = await runFile(await loadFile('fixtures/binance-2025-01-27-forceorder.real.jsonl'), loadConfig());
    const end = alerts.alerts.find((a) => a.kind === 'cascade_end' && a.asset === 'BTC');
    if (end?.kind !== 'cascade_end') throw new Error('no end');
    expect(hms(end.startedAt)).toBe('16:52:00');
    expect(end.priceStart).toBe(99_767.53);
    // To $99,226, its last strong print (the $99,225.9 fill at 17:08:48.417, the flush's low), −0.54%.
    expect(hms(end.endedAt)).toBe('17:08:48');
    expect(replyText(alertReply(end))).toContain('\nPrice during it $99,768 → $99,226 (−0.5%), low $99,226\n');
  });
});

describe('the price a window ends at, in a minute of prints', () => {
  it('is the last print at or before its end, else the last price before that minute', () => {
    const book = new PriceBook(15 * 60_000, () => {});
    for (const [iso, price] of [['14:00:15.660', 1735.81], ['14:00:33.437', 1732.65], ['14:00:57.720', 1741.81], ['14:00:59.262', 1742.72], ['14:01:30', 1745]] as const) {
      book.liquidationPrice('ETH', at(`2025-04-30T${iso}Z`), price);
    }
    expect(book.range('ETH', at('2025-04-30T14:00:14.097Z'), at('2025-04-30T14:00:47.593Z'))).toMatchObject({ open: 1735.81, close: 1732.65 });
    // 14:01's only print is after 14:01:10: the window ends at 14:00's close.
    expect(book.range('ETH', at('2025-04-30T14:00:14.097Z'), at('2025-04-30T14:01:10Z'))).toMatchObject({ close: 1742.72 });
  });
});

describe('a running cascade in a file of prints alone', () => {
  /** A Binance BTC cascade on its prints alone, then a print at $99,500 on `exchange`: the cascade's running low after it. */
  function lowAfter(exchange: string): number | undefined {
    const m = new Market(buildConfig({ exchanges: ['binanceusdm', 'bybit'], assets: ['BTC'] }));
    for (let i = 0; i < 40; i++) {
      m.ingest({ type: 'liquidation', ts: T0 + i * 3 * S, exchange: 'binanceusdm', symbol: 'BTC/USDT:USDT', side: 'long', price: 99_760 - (i % 3), amount: 5, usd: 498_800 });
    }
    expect(m.cascades.runningFor('BTC', 'long')).toBeDefined();
    m.ingest({ type: 'liquidation', ts: T0 + 121 * S, exchange, symbol: 'BTC/USDT:USDT', side: 'long', price: 99_500, amount: 0.5, usd: 49_750 });
    return m.cascades.runningFor('BTC', 'long')?.extreme;
  }

  it('follows the fills for its low, and no bankruptcy price', () => {
    expect(lowAfter('binanceusdm')).toBe(99_500);
    expect(lowAfter('bybit')).toBe(99_758);
  });
});
