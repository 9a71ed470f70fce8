/**
 * Cuts the second SEALED real-market level sets of issue 15 ("we will replay real market days you have not seen") from a
 * raw slice in fixtures/sources/ that no rule was judged on: BTC perpetual 5m klines of Apr 26 - May 20 2023 (a year and
 * a season no other set has; fixtures/sources/README.md, "Sealed sets", names its repository, commit and path), cut with
 * scripts/real-fixtures.ts's own functions exactly as the first sealed sets (scripts/sealed-fixtures.ts) are. Replayed
 * once, in a check written down before (docs/level-measurements.md, "A second sealed check"): seen since, as every other
 * set. `npx tsx scripts/sealed-2-fixtures.ts` writes both; importing this file (the tests) writes nothing.
 */
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { DAY, derivedLevels, klines15m, niceStep, roundLevels, type Row } from './real-fixtures.js';

/** The freqtrade download, repository@commit and path. */
export const SOURCE_2 = 'justinbomber/freq_stgy@2cfd5b4e2c566b8d1f1f8936e41c2872d81397d9';

/**
 * The candle slice: freqtrade's `[open time ms, open, high, low, close, base volume]` 5m klines as stored (source
 * characters 0 to the end of the May 20 23:55 candle, closed with `]`); the stored file, by its length, goes on to about May 26.
 */
export const CANDLE_SLICE_2 = {
  asset: 'BTC',
  src: 'fixtures/sources/freqtrade-BTC_USDT_USDT-5m-futures-2023-04-26_2023-05-20.json',
  path: 'user_data/data/binance/futures/BTC_USDT_USDT-5m-futures.json',
} as const;

export const SEALED_2_LEVELS = 'fixtures/binance-2023-05-btc-sealed-2-levels-15m.real.jsonl';
export const SEALED_2_ROUND = 'fixtures/binance-2023-05-btc-sealed-2-round-levels-15m.real.jsonl';

const SEALED = 'SEALED 2 (cut for issue 15\'s second sealed check: replayed once with the rules unchanged, in a check written down before; docs/level-measurements.md, "A second sealed check")';
const iso = (ts: number) => new Date(ts).toISOString().slice(0, 16);
/** A fixture's text: its meta line, then its rows, one JSON object a line. */
const text = (meta: Row, rows: Row[]) => [meta, ...rows].map((r) => JSON.stringify(r)).join('\n') + '\n';
const { asset, src, path } = CANDLE_SLICE_2;
/** The 5m klines as 15m candles (exact OHLC, whole quarters only). */
const candles = () => klines15m(src, `${asset}/USDT:USDT`);
const candleSource = `source: ${SOURCE_2} ${path} (slice in ${src})`;

/**
 * As the first sealed swing levels: the levels a community would have set on Apr 28 00:00 UTC from the two days before
 * (their low and high, the round number below the last close, the demand zone 1.5% above the low), then every candle
 * from Apr 26 to the end of the slice (May 20 23:45). Returns the fixture's text.
 */
export function sealed2Levels(): string {
  const set = Date.parse('2023-04-28T00:00:00Z');
  const lookbackDays = 2;
  const from = set - lookbackDays * DAY;
  const all = candles().filter((r) => r.ts >= from);
  const rows = [...derivedLevels(asset, all.filter((r) => r.ts < set), set, `prior ${lookbackDays}-day`), ...all].sort((a, b) => a.ts - b.ts);
  const note = `REAL Binance USD-M ${asset} 15m klines (5m ones aggregated, exact OHLC) ${iso(from)} to ${iso(all.at(-1)!.ts)}; ${SEALED}; levels derived by scripts/real-fixtures.ts's derivedLevels (via scripts/sealed-2-fixtures.ts, as the first sealed set) from the real candles of the ${lookbackDays} days before ${iso(set).slice(0, 10)}. ${candleSource}`;
  return text({ type: 'meta', ts: from, synthetic: false, note }, rows);
}

/**
 * As the first sealed round numbers: at every 00:00 UTC after the slice's first day, the round numbers within 5% of the
 * day before's last close, each added once; the step the 1, 2 or 5 times a power of ten nearest 2% of the first close.
 * Returns the fixture's text.
 */
export function sealed2RoundNumbers(): string {
  const all = candles();
  const { levels, step } = roundLevels(asset, all, niceStep);
  const rows = [...levels, ...all].sort((a, b) => a.ts - b.ts);
  const note = `REAL Binance USD-M ${asset} 15m klines (5m ones aggregated, exact OHLC) ${iso(rows[0]!.ts)} to ${iso(rows.at(-1)!.ts)}; ${SEALED}; levels added by scripts/real-fixtures.ts's roundLevels (via scripts/sealed-2-fixtures.ts, as the first sealed set) at every 00:00 UTC: the round numbers within 5% of the day before's last close, ${asset} every ${step}, accumulating. ${candleSource}`;
  return text({ type: 'meta', ts: rows[0]!.ts, synthetic: false, note }, rows);
}

// Writes the two fixtures when run; importing this file writes nothing.
if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  for (const [file, cut] of [[SEALED_2_LEVELS, sealed2Levels], [SEALED_2_ROUND, sealed2RoundNumbers]] as const) {
    const out = cut();
    writeFileSync(file, out);
    const rows = out.trim().split('\n').map((l) => JSON.parse(l) as Row);
    const count = (type: string) => rows.filter((r) => r.type === type).length;
    console.log(file, count('level'), 'levels', count('candle'), 'candles');
  }
}
