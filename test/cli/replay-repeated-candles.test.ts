/**
 * A candle line repeated in an event file (a recording, downloads concatenated) is one candle: `replay`, `levels` and
 * `liqs` answer as on the file with each line once, and stderr says how many lines repeated, as for liquidations
 * (docs/events.md). On the real Aug 2024 week, every candle line doubled moved BTC's "lost $59,800" from 15:00 to 15:15
 * and three SOL alerts: each close was judged twice. A line naming a candle already read with other values (a
 * correction) is skipped and counted apart: the first close stands, as its alerts went out.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { cli, writeEvents } from '../helpers.js';

const AUG = 'fixtures/binance-2024-08-levels-15m.real.jsonl';
const lines = readFileSync(AUG, 'utf8').split('\n').filter(Boolean);
const candleLines = lines.filter((l) => l.includes('"type":"candle"'));
/** Every candle line twice in a row, as a recorder that wrote each row twice. */
const doubled = writeEvents(lines.flatMap((l) => (l.includes('"type":"candle"') ? [l, l] : [l])), 'doubled.jsonl');
/** The whole week twice, one download after the other (its levels too). */
const concatenated = writeEvents([...lines, ...lines], 'concatenated.jsonl');

async function ok(...argv: string[]) {
  const r = await cli(...argv);
  expect(r.code, r.err).toBe(0);
  return r;
}

describe('the real Aug 4-11 2024 week with its candle lines repeated', () => {
  it('replays the same alerts as the file with each line once, and says how many lines repeated', async () => {
    const once = await ok('replay', AUG, '--json');
    expect(once.out).toContain('"text":"⬇️ BTC lost $59,800; fell back below $59,800–60,697 (breakout failed)');
    const alerts = once.out.split('\n');
    expect(alerts.length).toBeGreaterThan(10);
    const twice = await ok('replay', doubled, '--json');
    expect(twice.out.split('\n')).toEqual(alerts);
    expect(twice.err.split('\n')).toContain(`${candleLines.length} repeated candle lines (every field the same as a line before) not read again`);
    expect(once.err).not.toContain('repeated');
    const both = await ok('replay', concatenated, '--json');
    expect(both.out.split('\n')).toEqual(alerts);
    expect(both.err.split('\n')).toContain(`${candleLines.length} repeated candle lines (every field the same as a line before) not read again`);
  });

  it('the plain replay too: BTC lost $59,800 at 15:00, on the 15:00 close', async () => {
    const once = await ok('replay', AUG);
    const twice = await ok('replay', doubled);
    expect(twice.out).toBe(once.out);
    expect(twice.out).toMatch(/^2024-08-04 15:00 UTC {2}⬇️ BTC lost \$59,800; .*15m close \$59,564/m);
    // --stats measures the breaks on the closes the levels were judged on: one per bar.
    expect((await ok('replay', doubled, '--stats')).out).toBe((await ok('replay', AUG, '--stats')).out);
  });

  it('levels and liqs answer as on the file once', async () => {
    for (const at of ['2024-08-04T15:10:00Z', '2024-08-05T02:00:00Z', '2024-08-11T23:00:00Z']) {
      for (const asset of ['btc', 'sol']) {
        const once = await ok('levels', asset, '--data', AUG, '--at', at, '--json');
        expect((await ok('levels', asset, '--data', doubled, '--at', at, '--json')).out).toBe(once.out);
        expect((await ok('levels', asset, '--data', concatenated, '--at', at, '--json')).out).toBe(once.out);
      }
    }
    const liqs = await ok('liqs', 'btc', '--data', AUG, '--window', '24h', '--json');
    expect((await ok('liqs', 'btc', '--data', doubled, '--window', '24h', '--json')).out).toBe(liqs.out);
  });
});

describe('a correction: a candle line naming a candle already read, with other values', () => {
  it('is skipped: the first close stands (BTC lost $59,800 on the 15:00 close of $59,564), and stderr says so', async () => {
    const first = candleLines.find((l) => l.includes('"ts":1722782700000') && l.includes('BTC/USDT:USDT'))!;
    const fix = JSON.stringify({ ...JSON.parse(first), high: 60_150, close: 60_100 });
    const file = writeEvents([...lines, fix], 'corrected.jsonl');
    const once = await ok('replay', AUG, '--json');
    const corrected = await ok('replay', file, '--json');
    expect(corrected.out).toBe(once.out);
    expect(corrected.err.split('\n')).toContain(
      '1 candle line with other values for a candle already read (same exchange, symbol, timeframe and time) skipped: the first line stands, its close was judged on',
    );
    const levels = await ok('levels', 'btc', '--data', file, '--at', '2024-08-04T15:10:00Z', '--json');
    expect(levels.out).toBe((await ok('levels', 'btc', '--data', AUG, '--at', '2024-08-04T15:10:00Z', '--json')).out);
  });
});

describe('price ticks repeated', () => {
  it('are read once and counted: the alerts of bars built from ticks are those of the file once', async () => {
    // BTC's real 15m candles of Aug 4-5 as ticks (open, low, high, close within each bar), and the BTC levels.
    const ticks: object[] = [];
    for (const l of candleLines) {
      const c = JSON.parse(l) as { ts: number; symbol: string; open: number; high: number; low: number; close: number };
      if (!c.symbol.startsWith('BTC/') || c.ts >= Date.parse('2024-08-06T00:00:00Z')) continue;
      [c.open, c.low, c.high, c.close].forEach((price, k) => ticks.push({ type: 'price', ts: c.ts + 1_000 + k * 298_000, exchange: 'binanceusdm', symbol: c.symbol, price }));
    }
    const levels = lines.filter((l) => l.includes('"type":"level"') && l.includes('"BTC"'));
    const once = writeEvents([...levels, ...ticks], 'ticks.jsonl');
    const twice = writeEvents([...levels, ...ticks.flatMap((t) => [t, t])], 'ticks-twice.jsonl');
    const a = await ok('replay', once, '--json');
    expect(a.out).toContain('BTC lost $59,800');
    const b = await ok('replay', twice, '--json');
    expect(b.out).toBe(a.out);
    expect(b.err.split('\n')).toContain(`${ticks.length} repeated price lines (every field the same as a line before) not read again`);
  });
});
