/**
 * The offline CLI against shared/spec/events.md: `liqs --json` fields and exact totals (to the cent, against a
 * brute-force sum of the file), `levels --json`, `replay --json`, and bad input that never crashes or passes
 * silently.
 */
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { AssetDay } from '../../scripts/market-day.js';
import { BUNDLED, DAY0, H, cli, writeDay, writeEvents } from '../helpers.js';

interface Liq { ts: number; exchange: string; symbol: string; side: 'long' | 'short'; price: number; amount: number; usd?: number }

function bruteForce(path: string, asset: string, from: number, to: number) {
  const liqs = readFileSync(path, 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l)).filter((e) => e.type === 'liquidation') as Liq[];
  const inWindow = liqs.filter((l) => l.ts >= from && l.ts <= to && (asset === 'ALL' || l.symbol.split('/')[0]!.toUpperCase() === asset));
  const usd = (l: Liq) => l.usd ?? l.price * l.amount;
  const sum = (f: (l: Liq) => boolean) => inWindow.filter(f).reduce((s, l) => s + usd(l), 0);
  const byExchange: Record<string, { longUsd: number; shortUsd: number }> = {};
  for (const l of inWindow) {
    const e = (byExchange[l.exchange] ??= { longUsd: 0, shortUsd: 0 });
    if (l.side === 'long') e.longUsd += usd(l);
    else e.shortUsd += usd(l);
  }
  const orders = { longUsd: sum((l) => l.side === 'long'), shortUsd: sum((l) => l.side === 'short') };
  // A venue without a single order in the window counts with its vendor hourly totals, for the hours whole inside it, its
  // start read to the minute (a total covers [ts, ts + 1h) and cannot be cut).
  const hourly = { longUsd: 0, shortUsd: 0 };
  for (const line of readFileSync(path, 'utf8').split('\n')) {
    if (!line.includes('"liquidation_total"')) continue;
    const t = JSON.parse(line) as { ts: number; period: string; asset: string; side: string; usd: number; exchange?: string };
    if (t.period !== '1h' || !t.exchange || t.ts < Math.floor(from / 60_000) * 60_000 || t.ts + H > to || (asset !== 'ALL' && t.asset !== asset)) continue;
    if (inWindow.some((l) => l.exchange === t.exchange)) continue;
    const e = (byExchange[t.exchange] ??= { longUsd: 0, shortUsd: 0 });
    const side = t.side === 'long' ? 'longUsd' : 'shortUsd';
    e[side] += t.usd;
    hourly[side] += t.usd;
  }
  return { longUsd: orders.longUsd + hourly.longUsd, shortUsd: orders.shortUsd + hourly.shortUsd, orders, byExchange, largest: inWindow.map(usd).sort((a, b) => b - a).slice(0, 5) };
}

async function liqsJson(...args: string[]) {
  const r = await cli('liqs', ...args, '--json');
  expect(r.code, r.err).toBe(0);
  return JSON.parse(r.out) as Record<string, any>;
}

/** The file's stored daily totals (`liquidation_total`, 1d, all exchanges) of `asset` on `days`. */
function storedDays(path: string, asset: string, days: number[]): { longUsd: number; shortUsd: number } {
  const out = { longUsd: 0, shortUsd: 0 };
  for (const line of readFileSync(path, 'utf8').split('\n')) {
    if (!line.includes('"liquidation_total"')) continue;
    const e = JSON.parse(line) as { ts: number; period: string; asset: string; side: string; usd: number; exchange?: string };
    if (e.period !== '1d' || e.asset !== asset || e.exchange || !days.includes(e.ts)) continue;
    if (e.side === 'long') out.longUsd += e.usd;
    else out.shortUsd += e.usd;
  }
  return out;
}

function expectExact(s: Record<string, any>, path: string) {
  const b = bruteForce(path, s.asset, s.from, s.to);
  // Long windows count full days without single orders from the stored daily totals, reported apart in `days`.
  const days = s.days ? storedDays(path, s.asset, s.days.totals) : { longUsd: 0, shortUsd: 0 };
  if (s.days) {
    expect(s.days.longUsd).toBeCloseTo(days.longUsd, 2);
    expect(s.days.shortUsd).toBeCloseTo(days.shortUsd, 2);
  }
  expect(s.longUsd).toBeCloseTo(b.longUsd + days.longUsd, 2);
  expect(s.shortUsd).toBeCloseTo(b.shortUsd + days.shortUsd, 2);
  expect(s.totalUsd).toBeCloseTo(b.longUsd + b.shortUsd + days.longUsd + days.shortUsd, 2);
  expect(Object.keys(s.byExchange).sort()).toEqual(Object.keys(b.byExchange).sort());
  for (const [ex, v] of Object.entries(b.byExchange)) {
    expect(s.byExchange[ex].longUsd).toBeCloseTo(v.longUsd, 2);
    expect(s.byExchange[ex].shortUsd).toBeCloseTo(v.shortUsd, 2);
    // A share of the asset's whole total (the spec's), stored days included (the bundled file's are not split by venue).
    expect(s.byExchange[ex].share).toBeCloseTo((v.longUsd + v.shortUsd) / (b.longUsd + b.shortUsd + days.longUsd + days.shortUsd), 9);
  }
  expect(s.largest.map((l: { usd: number }) => l.usd)).toEqual(b.largest.map((x) => Math.round(x * 100) / 100));
}

const venues = { bybit: 50, okx: 30, binanceusdm: 20 };

describe('liqbot liqs --json', () => {
  it('on the bundled day: every spec field, exact totals, Binance under 10% of ETH', async () => {
    const s = await liqsJson('eth', '--data', BUNDLED);
    expect(s).toMatchObject({ asset: 'ETH', window: '24h' });
    expect(s.to - s.from).toBe(24 * H);
    for (const l of s.largest) expect(Object.keys(l)).toEqual(expect.arrayContaining(['ts', 'exchange', 'side', 'usd', 'price']));
    expectExact(s, BUNDLED);
    // About $485M of single long orders, plus Bitget's and Hyperliquid's hourly vendor totals, labelled.
    const orders = bruteForce(BUNDLED, 'ETH', s.from, s.to).orders;
    expect(orders.longUsd).toBeGreaterThan(470e6);
    expect(orders.longUsd).toBeLessThan(500e6);
    expect(s.longUsd).toBeGreaterThan(orders.longUsd);
    expect(s.coverage.hourly).toEqual(['bitget', 'hyperliquid']);
    expect(s.byExchange.hyperliquid).toMatchObject({ hourly: true });
    expect(s.byExchange.binanceusdm.share).toBeLessThan(0.1);
    expect(s.coverage.synthetic).toBe(true);
  });

  it.each(['1h', '4h', '12h', '7d'])('windows are exact to the millisecond (%s, at an arbitrary --at)', async (w) => {
    const at = String(Date.parse('2026-01-31T15:47:13.517Z'));
    const s = await liqsJson('ETH', '--data', BUNDLED, '--window', w, '--at', at);
    expect(s.to).toBe(Number(at));
    expectExact(s, BUNDLED);
    // 7d at 15:47 on Jan 31: Jan 25–30 are whole days without single orders, from the stored daily totals.
    if (w === '7d') expect(s.days.totals).toEqual([25, 26, 27, 28, 29, 30].map((d) => Date.UTC(2026, 0, d)));
  });

  it('a short squeeze: shorts dominate and totals are exact', async () => {
    const sol: AssetDay = { asset: 'SOL', path: [[0, 100], [10, 101], [13, 125], [24, 122]], longUsd: 3e6, shortUsd: 90e6, exchanges: venues, avgOrderUsd: 15_000 };
    const path = writeDay({ day: DAY0, assets: [sol], seed: 2 });
    const s = await liqsJson('sol', '--data', path);
    expect(s.shortUsd).toBeGreaterThan(s.longUsd * 10);
    expectExact(s, path);
  });

  it('several assets in one file: each asset exact, and `all` sums them with byAsset', async () => {
    const mk = (asset: string, p: number, long: number): AssetDay => ({ asset, path: [[0, p], [12, p * 0.9], [24, p * 0.92]], longUsd: long, shortUsd: long / 10, exchanges: venues });
    const path = writeDay({ day: DAY0, assets: [mk('BTC', 90000, 300e6), mk('ETH', 3000, 120e6), mk('AVAX', 30, 9e6)], seed: 4 });
    for (const a of ['BTC', 'ETH', 'AVAX']) expectExact(await liqsJson(a, '--data', path), path);
    const all = await liqsJson('all', '--data', path);
    expect(all.asset).toBe('ALL');
    expect(Object.keys(all.byAsset)).toEqual(['BTC', 'ETH', 'AVAX']);
    expectExact(all, path);
  });

  it('an exchange with no events is absent, not zero-filled; a window with no events is all zeros', async () => {
    const path = writeEvents([
      { type: 'liquidation', ts: DAY0, exchange: 'bybit', symbol: 'ETH/USDT:USDT', side: 'long', price: 3000, amount: 2 },
      { type: 'liquidation', ts: DAY0 + 1000, exchange: 'okx', symbol: 'ETH/USD:ETH', side: 'short', price: 3001.5, amount: 0.5, usd: 1500.75 },
      { type: 'price', ts: DAY0 + 3 * H, exchange: 'bybit', symbol: 'ETH/USDT:USDT', price: 3010 },
    ]);
    const s = await liqsJson('eth', '--data', path);
    expect(s.byExchange).toEqual({
      bybit: expect.objectContaining({ longUsd: 6000, shortUsd: 0, share: 6000 / 7500.75 }),
      okx: expect.objectContaining({ longUsd: 0, shortUsd: 1500.75 }),
    });
    const empty = await liqsJson('eth', '--data', path, '--window', '1h');
    expect(empty).toMatchObject({ longUsd: 0, shortUsd: 0, totalUsd: 0, byExchange: {}, largest: [] });
    // The file's last print is two hours before the window: it has no liquidation data there (not a quiet hour).
    const text = await cli('liqs', 'eth', '--data', path, '--window', '1h');
    expect(text.out).toContain("No liquidation data for the last 1h: the file's liquidation prints cover 00:00, none in this window.");
  });
});

describe('liqbot levels and replay --json', () => {
  it('levels: price, and each level with role, distance and state', async () => {
    const r = await cli('levels', 'eth', '--data', BUNDLED, '--json');
    expect(r.code).toBe(0);
    const st = JSON.parse(r.out);
    expect(st.asset).toBe('ETH');
    expect(st.price).toBeGreaterThan(2000);
    const byLevel = new Map(st.levels.map((l: { level: unknown }) => [JSON.stringify(l.level), l]));
    expect(byLevel.get('3000')).toMatchObject({ role: 'resistance', state: 'broken' });
    expect(byLevel.get('[2750,2800]')).toMatchObject({ role: 'resistance' });
    for (const l of st.levels) {
      expect(['support', 'resistance', 'inside']).toContain(l.role);
      expect(typeof l.distancePct).toBe('number');
    }
  });

  it('levels: a level price keeps crossing carries its chop (crossings, since when, the range), as the notice said it', async () => {
    const r = await cli('levels', 'btc', '--data', 'fixtures/binance-2025-02-levels-15m.real.jsonl', '--at', '2025-02-02T23:00:00Z', '--json');
    expect(r.code).toBe(0);
    const st = JSON.parse(r.out);
    const low = st.levels.find((l: { level: unknown }) => l.level === 97680);
    // "↔️ BTC chopping around $97,680 between $96,738 and $98,473: 3 crosses since 18:00" (posted at 22:15).
    expect(low.chop).toEqual({ crosses: 3, since: Date.parse('2025-02-02T18:00:00Z'), range: [96738, 98473.2] });
    // The chops of $99,501 and $100,000 (noticed at 07:45 and 08:30) were settled by decisive closes below: none shown.
    expect(st.levels.filter((l: { chop?: unknown }) => l.chop !== undefined)).toHaveLength(1);
  });

  it('replay: one JSON alert per line, in time order, with the spec fields per kind', async () => {
    const r = await cli('replay', BUNDLED, '--json');
    expect(r.code).toBe(0);
    const alerts = r.out.split('\n').map((l) => JSON.parse(l));
    expect(alerts.length).toBeGreaterThan(5);
    for (let i = 1; i < alerts.length; i++) expect(alerts[i].ts).toBeGreaterThanOrEqual(alerts[i - 1].ts);
    for (const a of alerts) {
      expect(typeof a.text).toBe('string');
      if (a.kind === 'level_break') expect(a).toEqual(expect.objectContaining({ level: expect.anything(), direction: expect.stringMatching(/^(up|down)$/), price: expect.any(Number) }));
      else if (a.kind === 'level_chop') expect(a).toEqual(expect.objectContaining({ level: expect.anything(), crosses: expect.any(Number), price: expect.any(Number) }));
      else expect(a).toEqual(expect.objectContaining({ side: expect.any(String), usd: expect.any(Number), byExchange: expect.any(Object) }));
    }
    expect(alerts.find((a) => a.kind === 'level_break' && a.level === 3000)?.text).toContain('ETH lost $3,000');
  });

  it('replay: a cascade inside a market-wide flush names the flush (flushId), so a tool can tell what a channel following everything heard', async () => {
    const r = await cli('replay', 'fixtures/binance-2025-01-27-forceorder.real.jsonl', '--json');
    expect(r.code).toBe(0);
    const alerts = r.out.split('\n').map((l) => JSON.parse(l));
    const flush = alerts.find((a) => a.kind === 'market_flush');
    const cascades = alerts.filter((a) => a.kind.startsWith('cascade'));
    // BTC's cascade runs on with the flush to 17:08 (its largest minute): its two edits then are carried too.
    expect(cascades.map((a) => `${a.kind} ${a.asset}`)).toEqual(['cascade BTC', 'cascade ETH', 'cascade_update BTC', 'cascade_update BTC', 'cascade_end BTC', 'cascade_end ETH']);
    // BTC and ETH led the flush: every one of their messages is carried by it, for `all` chats and for theirs.
    for (const c of cascades) expect(c).toMatchObject({ flushId: flush.flushId, ledFlush: true });
    expect(cascades[0].text).toContain('Part of a market-wide long flush.');
    // A cascade outside any flush carries neither field.
    const alone = (await cli('replay', BUNDLED, '--json')).out.split('\n').map((l) => JSON.parse(l)).filter((a) => a.kind === 'cascade');
    expect(alone.length).toBeGreaterThan(0);
    for (const c of alone) expect(c).not.toHaveProperty('flushId');
  });
});

describe('bad input', () => {
  const good = { type: 'liquidation', ts: DAY0, exchange: 'bybit', symbol: 'ETH/USDT:USDT', side: 'long', price: 3000, amount: 1 };
  it('skips every kind of malformed line with its line number, counts the rest exactly', async () => {
    const path = writeEvents([
      good,
      '{"type":"liquidation","ts":',
      { ...good, price: '3000' },
      { ...good, amount: -1 },
      '{"type":"liquidation","ts":1772409600000,"exchange":"bybit","symbol":"ETH/USDT:USDT","side":"long","price":1e999,"amount":1}',
      { ...good, side: 'buy' },
      { type: 'rumour', ts: DAY0 },
      `{"type":"liquidation","pad":"${'x'.repeat(20_000)}"}`,
      '',
      { ...good, ts: DAY0 + 5, amount: 2 },
      '[1,2,3]',
    ]);
    const r = await cli('liqs', 'eth', '--data', path, '--json');
    expect(r.code).toBe(0);
    expect(JSON.parse(r.out).longUsd).toBe(9000);
    for (const n of [2, 3, 4, 5, 6, 8, 11]) expect(r.err).toMatch(new RegExp(`:${n}: skipped`));
    expect(r.err).not.toMatch(/:7: skipped/);
    expect(r.err).toContain('skipped 7 malformed and 1 of unknown type ("rumour") of 11 lines; 2 events read');
  });

  it('a file with liquidations only still shows a price (from the liquidations), never a level break', async () => {
    const lines = [
      { type: 'level', ts: DAY0, asset: 'ETH', price: 2900 },
      ...[0, 1, 2, 3].map((i) => ({ ...good, ts: DAY0 + i * 20 * 60_000, price: 3000 - i * 50 })),
    ];
    const path = writeEvents(lines);
    const st = JSON.parse((await cli('levels', 'eth', '--data', path, '--json')).out);
    expect(st.price).toBe(2850);
    expect((await cli('replay', path, '--json')).out).toBe('');
  });

  it('a time in epoch seconds is a malformed line that says so, not an event in 1970', async () => {
    const r = await cli('liqs', 'eth', '--data', writeEvents([{ ...good, ts: DAY0 }, { ...good, ts: Math.floor(DAY0 / 1000), amount: 100 }]), '--json');
    expect(JSON.parse(r.out).count).toBe(1);
    expect(r.err).toContain(`:2: skipped: liquidation: \`ts\` ${Math.floor(DAY0 / 1000)} is not epoch milliseconds (as seconds it would be 2026-03-02)`);
  });

  it('a time in microseconds or nanoseconds is a malformed line that says what it would be in milliseconds, not an event in the year 57000', async () => {
    const path = writeEvents([
      { ...good, ts: DAY0 },
      { ...good, ts: DAY0 * 1000, amount: 100 },
      { ...good, ts: DAY0 * 1e6, amount: 100 },
      { ...good, ts: Date.UTC(2100, 0, 1) + 1, amount: 100 },
    ]);
    const r = await cli('liqs', 'eth', '--data', path, '--json');
    expect(r.code).toBe(0);
    expect(JSON.parse(r.out)).toMatchObject({ count: 1, longUsd: 3000, to: DAY0 });
    expect(r.err.split('\n').slice(0, 3)).toEqual([
      `${path}:2: skipped: liquidation: \`ts\` 1772409600000000 is not epoch milliseconds (as microseconds it would be 2026-03-02, 1772409600000 in milliseconds)`,
      `${path}:3: skipped: liquidation: \`ts\` 1772409600000000000 is not epoch milliseconds (as nanoseconds it would be 2026-03-02, 1772409600000 in milliseconds)`,
      `${path}:4: skipped: liquidation: \`ts\` 4102444800001 is not epoch milliseconds (it is after the year 2100)`,
    ]);
  });

  it('a time past what a date holds is a malformed line: liqs, levels and replay answer, never "Invalid time value"', async () => {
    const path = writeEvents([{ ...good, ts: DAY0 }, { ...good, ts: 8.7e15 }]);
    for (const args of [['liqs', 'eth', '--data', path], ['levels', 'eth', '--data', path], ['replay', path]]) {
      const r = await cli(...args);
      expect(r.code, r.err).toBe(0);
      expect(r.err).toContain(`${path}:2: skipped: liquidation: \`ts\` 8700000000000000 is not epoch milliseconds (it is after the year 2100)`);
    }
  });

  it('a print beyond any market (usd, price × amount, price) is skipped with its line and reason, as the live bot drops it, and is in no total', async () => {
    const btc = { ...good, symbol: 'BTC/USDT:USDT' };
    const path = writeEvents([
      good,
      { ...good, usd: 999_999_999_999_999 },
      { ...good, price: 3e6, amount: 1e4 },
      { ...good, price: 1e-13, amount: 1e6 },
      // Of another asset, in the plain form a recorder writes: reported the same when only ETH is read.
      '{"type":"liquidation","ts":1772409600000,"exchange":"bybit","symbol":"BTC/USDT:USDT","side":"long","price":90000,"amount":1,"usd":99999999999999}',
      { ...btc, price: 90_000, amount: 1, usd: 90_000 },
      { type: 'open_interest', ts: DAY0, exchange: 'bybit', symbol: 'ETH/USDT:USDT', usd: 5e12 },
      { type: 'level', ts: DAY0, asset: 'ETH', low: 1e-13, high: 1 },
    ]);
    const reasons = [
      `${path}:2: skipped: liquidation: \`usd\` 999999999999999 is beyond any market (one liquidation is at most 10^9 USD)`,
      `${path}:3: skipped: liquidation: \`price\` × \`amount\` = 30000000000 is beyond any market (one liquidation is at most 10^9 USD)`,
      `${path}:4: skipped: liquidation: \`price\` 1e-13 is beyond any market (prices are from 10^-12 to 10^9)`,
      `${path}:5: skipped: liquidation: \`usd\` 99999999999999 is beyond any market (one liquidation is at most 10^9 USD)`,
      `${path}:7: skipped: open_interest: \`usd\` 5000000000000 is beyond any market (at most 10^12 USD)`,
      `${path}:8: skipped: level: \`low\` 1e-13 is beyond any market (prices are from 10^-12 to 10^9)`,
      'skipped 6 malformed of 8 lines; 2 events read',
    ];
    const eth = await cli('liqs', 'eth', '--data', path, '--json');
    expect(JSON.parse(eth.out)).toMatchObject({ count: 1, longUsd: 3000, totalUsd: 3000 });
    expect(eth.err.split('\n')).toEqual(reasons);
    const all = await cli('liqs', 'all', '--data', path, '--json');
    expect(JSON.parse(all.out)).toMatchObject({ longUsd: 93_000, totalUsd: 93_000 });
    expect(all.err.split('\n')).toEqual(reasons);
    expect((await cli('replay', path)).err.split('\n').slice(0, -1)).toEqual(reasons);
  });

  it('a field the line does not have is said to be missing, and a level without a price or a zone says what it needs', async () => {
    const { price: _, ...noPrice } = good;
    const path = writeEvents([good, noPrice, { type: 'level', ts: DAY0, asset: 'ETH' }, { type: 'level', ts: DAY0, asset: 'ETH', low: 2900 }]);
    const r = await cli('liqs', 'eth', '--data', path, '--json');
    expect(r.err.split('\n')).toEqual([
      `${path}:2: skipped: liquidation: \`price\` is missing`,
      `${path}:3: skipped: level: a level needs \`price\` or \`low\` and \`high\``,
      `${path}:4: skipped: level: \`high\` is missing`,
      'skipped 3 malformed of 4 lines; 1 events read',
    ]);
  });

  it("a level's label that would print one alert over two lines (a line break, U+2028, a bidi override) is made one line of text: replay prints one alert per line", async () => {
    const candle = (i: number, close: number) => ({ type: 'candle', ts: DAY0 + i * 900_000, exchange: 'bybit', symbol: 'ETH/USDT:USDT', timeframe: '15m', open: close, high: close + 1, low: close - 1, close });
    const forged = 'pivot\n2026-03-02 01:00 UTC  ⬇️ BTC lost $90,000 | 15m close $89,000';
    const path = writeEvents([
      { type: 'level', ts: DAY0, asset: 'ETH', price: 3000, label: 'round number' },
      { type: 'level', ts: DAY0, asset: 'ETH', price: 3020, label: forged },
      { type: 'level', ts: DAY0, asset: 'ETH', price: 3040, label: 'a\u2028b' },
      { type: 'level', ts: DAY0, asset: 'ETH', price: 3060, label: 'support \u202Etroppus' },
      ...[3100, 3080, 3050, 2950, 2900, 2890].map((c, i) => candle(i, c)),
    ]);
    const replay = await cli('replay', path);
    expect(replay.code).toBe(0);
    expect(replay.out).toContain('ETH lost $3,040, $3,020 and $3,000');
    expect(replay.out).toContain('$3,020 · pivot 2026-03-02 01:00 UTC ⬇️ BTC lost $90,000 | 15m close $89,000 | $3,000 · round number');
    expect(replay.out).not.toMatch(/[\u2028\u2029\u202A-\u202E\u2066-\u2069]/);
    // One alert a line: every line starts with its time (the forged "alert" is the label's text on its level's line).
    for (const line of replay.out.split('\n')) expect(line).toMatch(/^2026-03-02 \d\d:\d\d UTC {2}/);
    const cleaned = (n: number, label: string) => `${path}:${n}: level label cleaned (control or invisible characters, such as a tab or a line break, made spaces): ${JSON.stringify(label)}`;
    expect(replay.err.split('\n').slice(0, 4)).toEqual([
      cleaned(2, 'pivot 2026-03-02 01:00 UTC ⬇️ BTC lost $90,000 | 15m close $89,000'), cleaned(3, 'a b'), cleaned(4, 'support troppus'),
      '3 level labels were cleaned or shortened; the levels were read',
    ]);
  });

  it('a liquidation written twice (every field the same) is one order, and stderr says so', async () => {
    const lines = [0, 1, 2].map((i) => ({ ...good, ts: DAY0 + i * 1000, amount: i + 1 }));
    const once = await liqsJson('eth', '--data', writeEvents(lines));
    const twice = await cli('liqs', 'eth', '--data', writeEvents([...lines, ...lines]), '--json');
    expect(JSON.parse(twice.out)).toMatchObject({ longUsd: once.longUsd, count: 3 });
    expect(twice.err).toContain('3 repeated liquidation lines (every field the same as a line before) not counted again');
    // One line three times is one order and two repeated lines, said as such.
    const thrice = await cli('liqs', 'eth', '--data', writeEvents([lines[0]!, lines[0]!, lines[0]!]), '--json');
    expect(JSON.parse(thrice.out)).toMatchObject({ longUsd: 3000, count: 1 });
    expect(thrice.err).toBe('2 repeated liquidation lines (every field the same as a line before) not counted again');
    const one = await cli('liqs', 'eth', '--data', writeEvents([lines[0]!, lines[0]!]), '--json');
    expect(one.err).toBe('1 repeated liquidation line (every field the same as a line before) not counted again');
    // Two orders alike but for their amount are two.
    const alike = await liqsJson('eth', '--data', writeEvents([lines[0]!, { ...lines[0]!, amount: 9 }]));
    expect(alike.count).toBe(2);
  });

  it('a slightly out-of-order file gives the same answer as the sorted one', async () => {
    const lines = [0, 3, 1, 2, 5, 4].map((i) => ({ ...good, ts: DAY0 + i * 1000, amount: i + 1 }));
    const s = await liqsJson('eth', '--data', writeEvents(lines));
    expect(s.longUsd).toBe(3000 * 21);
    expect(s.to).toBe(DAY0 + 5000);
  });

  it('a levels file appended after the day it is about (`cat day.jsonl levels.jsonl`) answers as if they came first', async () => {
    const rows = readFileSync('fixtures/binance-2025-04-levels-15m.real.jsonl', 'utf8').split('\n').filter(Boolean);
    const levels = rows.filter((l) => l.includes('"type":"level"'));
    expect(levels.length).toBeGreaterThan(10);
    const inOrder = writeEvents(rows, 'in-order.jsonl');
    const appended = writeEvents([...rows.filter((l) => !levels.includes(l)), ...levels], 'appended.jsonl');
    const before = await cli('replay', inOrder, '--json');
    const after = await cli('replay', appended, '--json');
    const breaks = before.out.split('\n').filter((l) => l.includes('"level_break"')).map((l) => JSON.parse(l) as { level: unknown; levels: unknown[]; also?: { level: unknown }[] });
    expect(breaks.length).toBeGreaterThan(20);
    // One message per close: `level` leads, `levels` names every level it broke (lead first).
    for (const b of breaks) expect(b.levels).toEqual([b.level, ...(b.also ?? []).map((x) => x.level)]);
    expect(breaks.some((b) => b.levels.length > 1)).toBe(true);
    expect(after.out).toBe(before.out);
    expect(after.err).toContain(`${levels.length} events were out of order by more than 5 minutes; read the whole file and applied them at their own time`);
    expect((await cli('replay', appended, '--stats', '--json')).out).toBe((await cli('replay', inOrder, '--stats', '--json')).out);
    expect((await cli('levels', 'btc', '--data', appended, '--json')).out).toBe((await cli('levels', 'btc', '--data', inOrder, '--json')).out);
    // The same piped on standard input (`cat day.jsonl levels.jsonl | liqbot replay -`): copied aside, read again.
    const piped = spawnSync(process.execPath, ['bin/liqbot.js', 'replay', '-', '--json'], { input: readFileSync(appended), encoding: 'utf8', timeout: 120_000, maxBuffer: 64 * 1024 * 1024 });
    expect(piped.status).toBe(0);
    expect(piped.stdout.trimEnd()).toBe(before.out);
    expect(piped.stderr).toContain('read the whole file and applied them at their own time');
  });

  it('alerts of one moment come out in one order, whatever order its candles and levels were written in', async () => {
    // The Apr 2025 week (BTC, ETH and SUI candles of each 5 minutes together), each moment's lines reversed: the
    // zone above each prior low now set before it, and SUI's candles before BTC's.
    const rows = readFileSync('fixtures/binance-2025-04-levels-15m.real.jsonl', 'utf8').split('\n').filter(Boolean);
    const ts = (l: string) => (JSON.parse(l) as { ts: number }).ts;
    const reversed = rows.map((l, i) => ({ l, i })).sort((a, b) => ts(a.l) - ts(b.l) || b.i - a.i).map((x) => x.l);
    const before = await cli('replay', writeEvents(rows, 'ordered.jsonl'));
    const after = await cli('replay', writeEvents(reversed, 'reversed.jsonl'));
    // Two levels broken by one close: BTC's and SUI's at 18:30 on Apr 6, in the same order both times.
    expect(before.out).toMatch(/2025-04-06 18:30 UTC {2}⬇️ BTC lost \$80,000[^\n]*\n2025-04-06 18:30 UTC {2}⬇️ SUI lost \$2 /);
    expect(after.out).toBe(before.out);
  });

  it('a missing file is one line and a non-zero exit', async () => {
    const r = await cli('liqs', 'eth', '--data', '/nonexistent/day.jsonl');
    expect(r.code).not.toBe(0);
    expect(r.err).toBe('liqbot: no such file: /nonexistent/day.jsonl');
  });

  it('an unknown asset is one line with close matches and a non-zero exit', async () => {
    const r = await cli('liqs', 'etj', '--data', BUNDLED);
    expect(r.code).not.toBe(0);
    expect(r.err.split('\n')).toHaveLength(1);
    expect(r.err).toContain('Unknown asset "etj"');
    expect(r.err).toContain('ETH');
    expect((await cli('levels', '<script>', '--data', BUNDLED)).code).not.toBe(0);
  });

  it('an asset typed by name or pair id answers as its ticker', async () => {
    const named = await cli('liqs', 'bitcoin', '--data', BUNDLED);
    expect(named.code).toBe(0);
    expect(named.out).toBe((await cli('liqs', 'btc', '--data', BUNDLED)).out);
    expect((await cli('levels', 'ETHUSDT', '--data', BUNDLED, '--json')).out).toBe((await cli('levels', 'eth', '--data', BUNDLED, '--json')).out);
  });

  it('a wrong window or time is one clear line', async () => {
    expect((await cli('liqs', 'eth', '--data', BUNDLED, '--window', 'bogus')).err).toBe('liqbot: --window "bogus": the offline commands take 1h, 4h, 12h, 24h or 7d');
    expect((await cli('liqs', 'eth', '--data', BUNDLED, '--at', 'yesterday')).err).toContain('--at: "yesterday" is not');
    expect((await cli('liqs', 'eth', '--data', BUNDLED, '--bogus')).code).toBe(2);
    // A time past what a date holds, or in seconds, is said as such.
    expect(await cli('liqs', 'eth', '--data', BUNDLED, '--at', '9999999999999999')).toMatchObject({ code: 2, err: 'liqbot: --at: "9999999999999999" is not between 1973-03-03T09:46:40Z and 2100-01-01T00:00:00Z (the times an event file holds)' });
    expect((await cli('levels', 'eth', '--data', BUNDLED, '--at', '1769860800')).err).toContain('looks like epoch seconds; give milliseconds (1769860800000)');
  });

  it('--at is epoch milliseconds or ISO-8601, in UTC when it names no zone, whatever the machine\'s zone', async () => {
    const to = async (at: string) => (await liqsJson('eth', '--data', BUNDLED, '--at', at)).to as number;
    const zone = process.env.TZ;
    process.env.TZ = 'America/New_York';
    try {
      const t = Date.UTC(2026, 0, 31, 14);
      expect(await to('2026-01-31T14:00:00')).toBe(t);
      expect(await to('2026-01-31T14:00')).toBe(t);
      expect(await to('2026-01-31T14:00:00Z')).toBe(t);
      expect(await to('2026-01-31T15:00:00+01:00')).toBe(t);
      expect(await to('2026-01-31T08:30:00.250-05:30')).toBe(t + 250);
      // ISO-8601's other spellings of an offset and a fraction: hours only, no colon, a decimal comma.
      expect(await to('2026-01-31T15:00:00+01')).toBe(t);
      expect(await to('2026-01-31T15:00:00+0100')).toBe(t);
      expect(await to('2026-01-31T08:30-0530')).toBe(t);
      expect(await to('2026-01-31T14:00:00,5Z')).toBe(t + 500);
      expect(await to('2026-01-31')).toBe(Date.UTC(2026, 0, 31));
      expect(await to(String(t))).toBe(t);
    } finally {
      if (zone === undefined) delete process.env.TZ;
      else process.env.TZ = zone;
    }
  });

  it('--at refuses what is not on the calendar, or not a time, in one line naming the forms it takes', async () => {
    const forms = 'give epoch milliseconds or ISO-8601 (2026-01-31, 2026-01-31T14:00, 2026-01-31T14:00:00Z, 2026-01-31T14:00:00+01:00; no zone is UTC)';
    for (const [at, err] of [
      ['2025-02-30T00:00:00Z', 'liqbot: --at: "2025-02-30T00:00:00Z" is not a real date and time (2025-02 has 28 days)'],
      ['2026-02-29', 'liqbot: --at: "2026-02-29" is not a real date and time (2026-02 has 28 days)'],
      ['2026-04-31', 'liqbot: --at: "2026-04-31" is not a real date and time (2026-04 has 30 days)'],
      ['2026-13-01', 'liqbot: --at: "2026-13-01" is not a real date and time (months are 01 to 12)'],
      ['2026-01-31T24:00', 'liqbot: --at: "2026-01-31T24:00" is not a real date and time (hours are 00 to 23, minutes and seconds 00 to 59)'],
      ['2026-01-31T14:00+24:00', 'liqbot: --at: "2026-01-31T14:00+24:00" is not a real date and time (an offset is ±hh:mm, hours 00 to 23)'],
      ['0', 'liqbot: --at: "0" is not between 1973-03-03T09:46:40Z and 2100-01-01T00:00:00Z (the times an event file holds)'],
      ['12', 'liqbot: --at: "12" is not between 1973-03-03T09:46:40Z and 2100-01-01T00:00:00Z (the times an event file holds)'],
      ['1 2 3', `liqbot: --at: "1 2 3" is not a time: ${forms}`],
      ['Jan 31 2026', `liqbot: --at: "Jan 31 2026" is not a time: ${forms}`],
      ['2026-01-31 14:00', `liqbot: --at: "2026-01-31 14:00" is not a time: ${forms}`],
      ['2026-01-31T14:00+1', `liqbot: --at: "2026-01-31T14:00+1" is not a time: ${forms}`],
      ['2026-01-31T14:00+01:0', `liqbot: --at: "2026-01-31T14:00+01:0" is not a time: ${forms}`],
      ['2026-01-31T14:00+2400', 'liqbot: --at: "2026-01-31T14:00+2400" is not a real date and time (an offset is ±hh:mm, hours 00 to 23)'],
    ]) {
      expect(await cli('liqs', 'eth', '--data', BUNDLED, '--at', at!), at).toMatchObject({ code: 2, out: '', err });
    }
  });

  it("as of a file's end is as of its last candle's close: that close is the price", async () => {
    const candle = (ts: number, close: number) => ({ type: 'candle', ts, exchange: 'binanceusdm', symbol: 'ETH/USDT:USDT', timeframe: '5m', open: 3000, high: 3010, low: 2990, close });
    const path = writeEvents([candle(DAY0, 3001), candle(DAY0 + 300_000, 2995)]);
    const st = JSON.parse((await cli('levels', 'eth', '--data', path, '--json')).out);
    expect(st).toMatchObject({ price: 2995, ts: DAY0 + 600_000 });
  });

  it('a second asset or file is refused, not ignored', async () => {
    expect(await cli('liqs', 'eth', 'extra', '--data', BUNDLED)).toMatchObject({ code: 2, err: 'liqbot: liqs takes one asset; "extra" is one too many (options start with --)' });
    expect((await cli('replay', BUNDLED, BUNDLED)).code).toBe(2);
  });

  it("a level's label with control characters is cleaned, and a type's name from the file reaches the terminal without them (replay, --stats, stderr)", async () => {
    const candle = (i: number, close: number) => ({ type: 'candle', ts: DAY0 + i * 900_000, exchange: 'bybit', symbol: 'ETH/USDT:USDT', timeframe: '15m', open: close, high: close + 1, low: close - 1, close });
    const path = writeEvents([
      { type: 'level', ts: DAY0, asset: 'ETH', price: 3000, label: 'pivot \u001b[2J\u001b]0;owned\u0007 ok' },
      { type: 'level', ts: DAY0, asset: 'ETH', price: 3010, label: 'pivot ok' },
      ...[3100, 3080, 3050, 2950, 2900, 2890].map((c, i) => candle(i, c)),
      { type: 'evil\u009b2J\u001b[2J', ts: DAY0 + 6 * 900_000 },
    ]);
    const replay = await cli('replay', path);
    expect(replay.out).toContain('ETH lost $3,010 and $3,000');
    expect(replay.out).toContain('pivot ok');
    // The escapes' characters are spaces: what is left is text, not a terminal's command.
    expect(replay.out).toContain('pivot [2J ]0;owned ok');
    expect(replay.err).toContain(':1: level label cleaned (control or invisible characters, such as a tab or a line break, made spaces): "pivot [2J ]0;owned ok"');
    const stats = await cli('replay', path, '--stats');
    expect(stats.out).toMatch(/^ETH +3010 .* pivot ok$/m);
    // C1 characters are dropped; the rest JSON shows escaped, as text.
    expect(replay.err).toContain(String.raw`1 of unknown type ("evil2J\u001b[2J")`);
    // eslint-disable-next-line no-control-regex -- finding control characters is the point
    for (const out of [replay.out, stats.out, replay.err, stats.err]) expect(out).not.toMatch(/[\u0000-\u0009\u000b-\u001f\u007f-\u009f]/);
  });

  it('replay of a file without one market event prints no alert and exits 0 (zero alerts is an answer), saying so on stderr', async () => {
    const path = writeEvents(['not json', '{"type":"meta","ts":1}']);
    for (const args of [[], ['--json']]) {
      const r = await cli('replay', path, ...args);
      expect(r.code).toBe(0);
      expect(r.err).toContain(`liqbot: ${path} holds no market events (2 lines, none of them an event)`);
      expect(r.out).toBe('');
    }
  });
});
