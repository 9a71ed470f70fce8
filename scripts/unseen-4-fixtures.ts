/**
 * Cuts the session-39 unseen level sets (issue 15: "we will replay real market days you have not seen") from a raw slice
 * no set used: freqtrade's download of **Bybit** USDT perpetual 5m klines (a venue no real fixture had) in another public
 * repository, BTC 2024-07-01 22:00 to 07-05 21:15 UTC (the Jul 4 and Jul 5 2024 flushes, days no set had: the kit's 2024
 * file starts Jul 22). fixtures/sources/README.md ("Session 39") names the slice. Cut with scripts/real-fixtures.ts's own
 * functions, so the levels are derived exactly as the held-out and round-number sets derive theirs.
 * `npx tsx scripts/unseen-4-fixtures.ts` writes both fixtures; imported (test/core/real-markets-unseen-4.test.ts), it writes nothing.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { DAY, derivedLevels, niceStep, roundLevels, to15m, type Kline, type Row } from './real-fixtures.js';

export const SOURCE = 'cahangeorge/freq_coolab@c07bf2d04e9c1403b139b812484c7ad49dad9461';
export const PATH = 'user_data/data/bybit/futures/BTC_USDT_USDT-5m-futures.json';
/** Source characters 992,000-1,055,955 (four 16,000-character pages up to the last whole candle), wrapped in `[` `]`. */
export const SLICE = 'fixtures/sources/freqtrade-bybit-BTC_USDT_USDT-5m-futures-2024-07-01_2024-07-05.json';
export const HELD_OUT = 'fixtures/bybit-2024-07-04-levels-15m.real.jsonl';
export const ROUND = 'fixtures/bybit-2024-07-round-levels-15m.real.jsonl';

const iso = (ts: number) => new Date(ts).toISOString().slice(0, 16);
const text = (meta: Row, rows: Row[]) => [meta, ...rows].map((r) => JSON.stringify(r)).join('\n') + '\n';
const sources = `source: ${SOURCE} ${PATH} (slice in ${SLICE})`;

/** The slice's 5m klines as Bybit 15m candles (exact OHLC, whole quarters only). */
export function candles(): Row[] {
  const klines = JSON.parse(readFileSync(SLICE, 'utf8')) as Kline[];
  const rows = klines.map(([ts, open, high, low, close]) => ({ type: 'candle', ts, exchange: 'bybit', symbol: 'BTC/USDT:USDT', open, high, low, close }) as Row);
  return to15m(rows, -Infinity, Infinity).sort((a, b) => a.ts - b.ts);
}

/** As held-out 3-7: the levels a community would have set on Jul 4 00:00 UTC from the two days before, then every candle. */
export function heldOut(): string {
  const set = Date.parse('2024-07-04T00:00:00Z');
  const from = set - 2 * DAY;
  const all = candles().filter((r) => r.ts >= from);
  const rows = [...derivedLevels('BTC', all.filter((r) => r.ts < set), set, 'prior 2-day'), ...all].sort((a, b) => a.ts - b.ts);
  const note = `REAL Bybit USDT perpetual BTC 15m klines (5m ones aggregated, exact OHLC) ${iso(from)} to ${iso(all.at(-1)!.ts)}; UNSEEN 4 (never tuned on; a venue and days no set had: the Jul 4 01:40 and Jul 5 02:50-04:15 2024 flushes, BTC 60,400 -> 53,314); levels derived by scripts/real-fixtures.ts's derivedLevels (via scripts/unseen-4-fixtures.ts) from the real candles of the 2 days before ${iso(set).slice(0, 10)}. ${sources}`;
  return text({ type: 'meta', ts: from, synthetic: false, note }, rows);
}

/** As the round-number sets: at every 00:00 UTC after the first day, the round numbers within 5% of the day before's last close. */
export function roundNumbers(): string {
  const all = candles();
  const { levels, step } = roundLevels('BTC', all, niceStep);
  const rows = [...levels, ...all].sort((a, b) => a.ts - b.ts);
  const note = `REAL Bybit USDT perpetual BTC 15m klines (5m ones aggregated, exact OHLC) ${iso(all[0]!.ts)} to ${iso(all.at(-1)!.ts)}; ROUND NUMBERS, UNSEEN 4 (never tuned on; levels added by scripts/real-fixtures.ts's roundLevels (via scripts/unseen-4-fixtures.ts) at every 00:00 UTC: the round numbers within 5% of the day before's last close, BTC every ${step}, accumulating). ${sources}`;
  return text({ type: 'meta', ts: all[0]!.ts, synthetic: false, note }, rows);
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  for (const [file, cut] of [[HELD_OUT, heldOut], [ROUND, roundNumbers]] as const) {
    const out = cut();
    writeFileSync(file, out);
    const rows = out.trim().split('\n').map((l) => JSON.parse(l) as Row);
    console.log(file, rows.filter((r) => r.type === 'level').length, 'levels', rows.filter((r) => r.type === 'candle').length, 'candles', out.length, 'bytes');
  }
}
