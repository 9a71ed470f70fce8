/**
 * The CLI's wording on real Binance forceOrder recordings (fixtures/binance-*-forceorder.real.jsonl), where an audit
 * found four claims false: `replay --stats` said a file of prints had "no candles or prices" while /levels quoted a
 * price from them; `liqs` printed a share of 99.7% as 100%; dates of three recordings left the second one's year out;
 * and a plain replay that ended inside a cascade said nothing of it (only `--stats` did). The wording rules themselves
 * are in test/replies/wording-audit-4.test.ts.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { cli, writeEvents } from '../helpers.js';

const lines = (file: string) => readFileSync(file, 'utf8').split('\n').filter(Boolean);
const APR30 = 'fixtures/binance-2025-04-30-forceorder.real.jsonl';

describe('replay --stats on a file of prints with a level', () => {
  it('says the level needs 15m closes, which prints do not make, while /levels quotes a price from the prints', async () => {
    const file = writeEvents([...lines(APR30), { type: 'level', ts: 0, asset: 'BTC', price: 95_000, label: 'round number' }]);
    const stats = await cli('replay', file, '--stats');
    expect(stats.code, stats.err).toBe(0);
    expect(stats.out.split('\n')).toContain(
      'levels: no 15m close to judge a level on: levels are judged on 15m closes of candles or of bars built from price ticks, and the file has neither (its liquidation prints give /levels a price, not a close)',
    );
    expect(stats.out).not.toContain('no candles or prices');
    // The price the stats line says the prints give: /levels on the same file has one.
    const levels = await cli('levels', 'btc', '--data', file);
    expect(levels.out).toMatch(/^BTC levels · \$9\d,\d{3}$/m);
  });
});

describe('shares of a real hour that are not all of it', () => {
  it('ETH to 11:01 on Oct 22 2025: longs 99.7%, not 100%, beside $390 of shorts', async () => {
    const r = await cli('liqs', 'eth', '--data', 'fixtures/binance-2025-10-22-forceorder.real.jsonl', '--window', '1h', '--at', '2025-10-22T11:01:00Z');
    expect(r.code, r.err).toBe(0);
    expect(r.out).toContain('\nLongs $155K (99.7%) · Shorts $390 (0.3%)\n');
    // In the market-wide view, ETH's row and the single venue's (all of it: 100%).
    const all = await cli('liqs', 'all', '--data', 'fixtures/binance-2025-10-22-forceorder.real.jsonl', '--window', '1h', '--at', '2025-10-22T11:01:00Z');
    expect(all.out).toContain('\n  Binance* $788K · 100%');
  });

  it('ETH to 19:05 on Oct 23 2025: $88 of shorts beside $221K of longs is ">99.9%" and "<0.1%"', async () => {
    const r = await cli('liqs', 'eth', '--data', 'fixtures/binance-2025-10-23-forceorder.real.jsonl', '--window', '1h', '--at', '2025-10-23T19:05:00Z');
    expect(r.out).toContain('\nLongs $221K (>99.9%) · Shorts $88 (<0.1%)\n');
  });
});

describe('dates of recordings of several years, concatenated', () => {
  // Aug 17 2024, Apr 30 2025 and Oct 22 2025: the second and third are of 2025.
  const file = () => writeEvents(['fixtures/binance-2024-08-17-forceorder.real.jsonl', APR30, 'fixtures/binance-2025-10-22-forceorder.real.jsonl'].flatMap(lines));

  it('name the year where it changes, in replay --stats and in an empty window of liqs', async () => {
    const f = file();
    const stats = await cli('replay', f, '--stats');
    expect(stats.out.split('\n')).toContain(
      'counted where the file has liquidation prints: Aug 17, 2024 11:58–12:28, Apr 30, 2025 14:00–14:23, Oct 22 10:52–11:40 UTC; between them it has none, so none can be found there',
    );
    const empty = await cli('liqs', 'btc', '--data', f, '--at', '2025-01-01T00:00:00Z');
    expect(empty.out).toContain("the file's liquidation prints cover Aug 17, 2024 11:58–12:28, Apr 30, 2025 14:00–14:23, Oct 22 10:52–11:40, none in this window.");
  });
});

describe('plain replay where the file ends inside a cascade', () => {
  // Jan 27 2025 cut at 16:56:30, while the market-wide flush and BTC's and ETH's cascades run (as --stats says of it).
  const cut = () => writeEvents(lines('fixtures/binance-2025-01-27-forceorder.real.jsonl').filter((l) => !l.includes('"meta"') && (JSON.parse(l) as { ts: number }).ts < Date.parse('2025-01-27T16:56:30Z')));

  it('ends its output with what was still running at the last event, as --stats says it', async () => {
    const f = cut();
    const r = await cli('replay', f);
    expect(r.code, r.err).toBe(0);
    expect(r.out.split('\n').pop()).toBe(
      'Still running when the file ends (its last event: 2025-01-27 16:56 UTC): the market-wide long flush since 16:50, the ETH long cascade since 16:51 and the BTC long cascade since 16:52; no end is printed for them',
    );
    const stats = await cli('replay', f, '--stats');
    expect(stats.out.match(/\(still running when the file ends\)/g)).toHaveLength(3);
    // Not with --json, whose every line is an alert; nor where every cascade ended.
    const json = await cli('replay', f, '--json');
    const out = json.out.split('\n');
    expect(out.length).toBeGreaterThan(0);
    for (const line of out) expect(JSON.parse(line)).toMatchObject({ kind: expect.stringMatching(/cascade|flush|level/), text: expect.any(String) });
    const whole = await cli('replay', 'fixtures/binance-2025-01-27-forceorder.real.jsonl');
    expect(whole.out).not.toContain('Still running');
    expect(whole.out.split('\n').pop()).toMatch(/^2025-01-27 \d\d:\d\d UTC {2}/);
  });
});
