/**
 * Cuts two level sets from real candles no rule was tuned on and no earlier set used: freqtrade's download of Binance
 * USD-M 15m klines in another public repository (`jilee1212/freqtrade-future`, commit below; the raw slices are in
 * fixtures/sources/, named in fixtures/sources/README.md). XRP is an asset no set had; BTC Aug 29 - Sep 18 2025 ends
 * the day before the BTC candles of the earlier freqtrade sets begin (Sep 19). Both are cut with scripts/real-fixtures.ts's
 * own functions, so the levels are derived exactly as the held-out 3-6 and the round-number sets derive theirs.
 * `npx tsx scripts/unseen-levels.ts` writes both fixtures. Replayed once with the rules unchanged: `npx tsx scripts/level-eval.ts FILE…`.
 */
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { DAY, derivedLevels, klines15m, niceStep, roundLevels, type Row } from './real-fixtures.js';

export const SOURCE = 'jilee1212/freqtrade-future@2daf0e2a8d5b2412511d0ee1b95c27c73ca56a18';
/**
 * The raw slices: freqtrade's `[open time ms, open, high, low, close]` (the base volume dropped in copying), as stored
 * otherwise. XRP's stored file goes on to Sep 28, but from the 10:30 candle of Sep 26 its volumes are a hundredth to
 * a thousandth of the hours before and one candle's low is $2.4642 (10% under its open): not the exchange's own
 * candles, so the slice ends at 10:15.
 */
export const SLICES = [
  { asset: 'XRP', src: 'fixtures/sources/freqtrade-XRP_USDT_USDT-15m-futures-2025-08-29_2025-09-26.json', path: 'user_data/data/binance/futures/XRP_USDT_USDT-15m-futures.json' },
  { asset: 'BTC', src: 'fixtures/sources/freqtrade-BTC_USDT_USDT-15m-futures-2025-08-29_2025-09-18.json', path: 'user_data/data/binance/futures/BTC_USDT_USDT-15m-futures.json' },
] as const;

export const HELD_OUT_7 = 'fixtures/binance-2025-08-xrp-btc-levels-15m.real.jsonl';
export const ROUND_2 = 'fixtures/binance-2025-08-round-levels-15m.real.jsonl';

const iso = (ts: number) => new Date(ts).toISOString().slice(0, 16);
/** A fixture's text: its meta line, then its rows, one JSON object a line. */
const text = (meta: Row, rows: Row[]) => [meta, ...rows].map((r) => JSON.stringify(r)).join('\n') + '\n';
const candlesOf = (s: (typeof SLICES)[number]) => klines15m(s.src, `${s.asset}/USDT:USDT`);
const sources = `source: ${SOURCE} ${SLICES.map((s) => `${s.path} (slice in ${s.src})`).join('; ')}`;

/**
 * "Held-out 7": as held-out 3-6, the levels a community would have set on Aug 31 00:00 UTC from each asset's two days
 * before (their low and high, the round number below the last close, the demand zone 1.5% above the low), then every
 * candle to the end of each slice (XRP to Sep 26 10:15, BTC to Sep 18 23:45). Returns the fixture's text.
 */
export function heldOut7(): string {
  const set = Date.parse('2025-08-31T00:00:00Z');
  const lookbackDays = 2;
  const from = set - lookbackDays * DAY;
  const rows: Row[] = [];
  const ends: string[] = [];
  for (const s of SLICES) {
    const candles = candlesOf(s).filter((r) => r.ts >= from);
    rows.push(...derivedLevels(s.asset, candles.filter((r) => r.ts < set), set, `prior ${lookbackDays}-day`), ...candles);
    ends.push(`${s.asset} to ${iso(candles.at(-1)!.ts)}`);
  }
  rows.sort((a, b) => a.ts - b.ts);
  const note = `REAL Binance USD-M ${SLICES.map((s) => s.asset).join('/')} 15m klines from ${iso(from)} (${ends.join(', ')}); HELD OUT 7 (never tuned on; another source, a new asset and weeks no set had); levels derived by scripts/real-fixtures.ts's derivedLevels (via scripts/unseen-levels.ts) from the real candles of the ${lookbackDays} days before ${iso(set).slice(0, 10)}. ${sources}`;
  return text({ type: 'meta', ts: from, synthetic: false, note }, rows);
}

/**
 * "Round numbers 2": as the round-number sets, at every 00:00 UTC after each slice's first day the round numbers within
 * 5% of the day before's last close, each added once; each asset's step the 1, 2 or 5 times a power of ten nearest 2% of
 * its first close (the kit round numbers' rule: XRP $0.05, BTC $2,000). Returns the fixture's text.
 */
export function roundNumbers2(): string {
  const rows: Row[] = [];
  const steps: string[] = [];
  for (const s of SLICES) {
    const candles = candlesOf(s);
    const { levels, step } = roundLevels(s.asset, candles, niceStep);
    steps.push(`${s.asset} every ${step}`);
    rows.push(...levels, ...candles);
  }
  rows.sort((a, b) => a.ts - b.ts);
  const note = `REAL Binance USD-M ${SLICES.map((s) => s.asset).join('/')} 15m klines ${iso(rows[0]!.ts)} to ${iso(rows.at(-1)!.ts)} (BTC to 2025-09-18T23:45); ROUND NUMBERS 2 (never tuned on; levels added by scripts/real-fixtures.ts's roundLevels (via scripts/unseen-levels.ts) at every 00:00 UTC: the round numbers within 5% of the day before's last close, ${steps.join(', ')}, accumulating). ${sources}`;
  return text({ type: 'meta', ts: rows[0]!.ts, synthetic: false, note }, rows);
}

// Writes the two fixtures when run; importing this file (test/core/real-markets-unseen-levels.test.ts) writes nothing.
if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  for (const [file, cut] of [[HELD_OUT_7, heldOut7], [ROUND_2, roundNumbers2]] as const) {
    const out = cut();
    writeFileSync(file, out);
    const rows = out.trim().split('\n').map((l) => JSON.parse(l) as Row);
    console.log(file, rows.filter((r) => r.type === 'level').length, 'levels', rows.filter((r) => r.type === 'candle').length, 'candles');
  }
}
