/**
 * Cuts the SEALED real-market fixtures of issue 15 ("we will replay real market days you have not seen") from raw
 * slices in fixtures/sources/ that no rule has been judged on (fixtures/sources/README.md, "Sealed sets", names each
 * one's repository, commit and path). `npx tsx scripts/sealed-fixtures.ts` writes all four; importing this file
 * (test/core/real-markets-sealed.test.ts) writes nothing.
 *
 * - Two level sets, kept sealed until a level rule is settled: ETH and LTC 15m klines of Aug 29 - Sep 15 2025 from the
 *   freqtrade download that held-out 7 came from (`SOURCE` of scripts/unseen-levels.ts, the same repository and
 *   commit), cut with scripts/real-fixtures.ts's own functions exactly as held-out 7 and round numbers 2 are. LTC is an
 *   asset no set had; ETH's earlier sets begin on Sep 27. Read once, to decide `flipBuffers: 2` (docs/level-measurements.md,
 *   "A sealed check"): seen since, as every other set.
 * - Two forceOrder days, not sealed (cascade rules are checked on them now): 2025-10-22 10:52-11:40 UTC, a market-wide
 *   long flush and the short squeezes after it, and 2024-08-17 11:58-12:28 UTC, a quiet half hour.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { DAY, derivedLevels, klines15m, niceStep, roundLevels, type Row } from './real-fixtures.js';
import { SOURCE } from './unseen-levels.js';

/**
 * The candle slices: freqtrade's `[open time ms, open, high, low, close, base volume]` as stored (source characters
 * 0 to the end of the Sep 15 12:00 candle, closed with `]`). Both stop at that candle, the last whole one of the pages
 * copied; the stored files go on to Sep 28.
 */
export const CANDLE_SLICES = [
  { asset: 'ETH', src: 'fixtures/sources/freqtrade-ETH_USDT_USDT-15m-futures-2025-08-29_2025-09-15.json', path: 'user_data/data/binance/futures/ETH_USDT_USDT-15m-futures.json' },
  { asset: 'LTC', src: 'fixtures/sources/freqtrade-LTC_USDT_USDT-15m-futures-2025-08-29_2025-09-15.json', path: 'user_data/data/binance/futures/LTC_USDT_USDT-15m-futures.json' },
] as const;

export const SEALED_LEVELS = 'fixtures/binance-2025-08-eth-ltc-sealed-levels-15m.real.jsonl';
export const SEALED_ROUND = 'fixtures/binance-2025-08-sealed-round-levels-15m.real.jsonl';
export const FLUSH_DAY = 'fixtures/binance-2025-10-22-forceorder.real.jsonl';
export const QUIET_DAY = 'fixtures/binance-2024-08-17-forceorder.real.jsonl';

/** The forceOrder recordings: repository@commit, path, and the raw slice kept in fixtures/sources/. */
export const FLUSH_SOURCE = {
  repo: 'chiefJurist/Trading-Bot@861e44721f3865bd874c30852deb0c676b4418d1',
  path: 'binance_liquidations.csv',
  slice: 'fixtures/sources/forceorder-chiefJurist-Trading-Bot-2025-10-22-1052-1140.csv',
} as const;
export const QUIET_SOURCE = {
  repo: 'BandsThoBaby/Data_Streams_Project@1c6cf6c07a8f8556be2502e15fdfbd3f7a34016c',
  path: 'binance.csv',
  slice: 'fixtures/sources/forceorder-BandsThoBaby-Data_Streams_Project-2024-08-17-1158-1228.csv',
} as const;

const SEALED = 'SEALED (cut for a rule to be checked once, after it is settled: not replayed by level-eval, backtest or replay --stats, its level alerts unread until then)';
const iso = (ts: number) => new Date(ts).toISOString().slice(0, 16);
/** A fixture's text: its meta line, then its rows, one JSON object a line. */
const text = (meta: Row, rows: Row[]) => [meta, ...rows].map((r) => JSON.stringify(r)).join('\n') + '\n';
const candlesOf = (s: (typeof CANDLE_SLICES)[number]) => klines15m(s.src, `${s.asset}/USDT:USDT`);
const candleSources = `source: ${SOURCE} ${CANDLE_SLICES.map((s) => `${s.path} (slice in ${s.src})`).join('; ')}`;

/**
 * As held-out 7: the levels a community would have set on Aug 31 00:00 UTC from each asset's two days before (their
 * low and high, the round number below the last close, the demand zone 1.5% above the low), then every candle from
 * Aug 29 to the end of each slice (Sep 15 12:00). Returns the fixture's text.
 */
export function sealedLevels(): string {
  const set = Date.parse('2025-08-31T00:00:00Z');
  const lookbackDays = 2;
  const from = set - lookbackDays * DAY;
  const rows: Row[] = [];
  const ends: string[] = [];
  for (const s of CANDLE_SLICES) {
    const candles = candlesOf(s).filter((r) => r.ts >= from);
    rows.push(...derivedLevels(s.asset, candles.filter((r) => r.ts < set), set, `prior ${lookbackDays}-day`), ...candles);
    ends.push(`${s.asset} to ${iso(candles.at(-1)!.ts)}`);
  }
  rows.sort((a, b) => a.ts - b.ts);
  const note = `REAL Binance USD-M ${CANDLE_SLICES.map((s) => s.asset).join('/')} 15m klines from ${iso(from)} (${ends.join(', ')}); ${SEALED}; levels derived by scripts/real-fixtures.ts's derivedLevels (via scripts/sealed-fixtures.ts, as held-out 7) from the real candles of the ${lookbackDays} days before ${iso(set).slice(0, 10)}. ${candleSources}`;
  return text({ type: 'meta', ts: from, synthetic: false, note }, rows);
}

/**
 * As round numbers 2: at every 00:00 UTC after each slice's first day, the round numbers within 5% of the day before's
 * last close, each added once; each asset's step the 1, 2 or 5 times a power of ten nearest 2% of its first close.
 * Returns the fixture's text.
 */
export function sealedRoundNumbers(): string {
  const rows: Row[] = [];
  const steps: string[] = [];
  for (const s of CANDLE_SLICES) {
    const candles = candlesOf(s);
    const { levels, step } = roundLevels(s.asset, candles, niceStep);
    steps.push(`${s.asset} every ${step}`);
    rows.push(...levels, ...candles);
  }
  rows.sort((a, b) => a.ts - b.ts);
  const note = `REAL Binance USD-M ${CANDLE_SLICES.map((s) => s.asset).join('/')} 15m klines ${iso(rows[0]!.ts)} to ${iso(rows.at(-1)!.ts)}; ${SEALED}; levels added by scripts/real-fixtures.ts's roundLevels (via scripts/sealed-fixtures.ts, as round numbers 2) at every 00:00 UTC: the round numbers within 5% of the day before's last close, ${steps.join(', ')}, accumulating. ${candleSources}`;
  return text({ type: 'meta', ts: rows[0]!.ts, synthetic: false, note }, rows);
}

/** One forceOrder print as recorded: the symbol (with or without its USDT), the order side, `ap`, `z`, the trade time. */
export interface Print {
  symbol: string;
  side: string;
  ap: string;
  z: string;
  ts: number;
}

/**
 * Prints into liquidation events with the conversion of the other forceOrder fixtures: SELL => long, BUY => short,
 * price = ap, amount = z, usd = ap x z to cents, exchange binance; XYZUSDC => XYZ/USDC:USDC, any other name (with its
 * USDT or with it already removed by the recorder) => XYZ/USDT:USDT. Identical prints are kept once; dated delivery
 * contracts (`_`) and the coin-quoted ETHBTC are no USD perpetual and are left out. Sorted by time.
 */
export function liquidations(prints: readonly Print[]): { rows: Row[]; dropped: string[]; duplicates: number } {
  const rows: Row[] = [];
  const dropped: string[] = [];
  const seen = new Set<string>();
  let duplicates = 0;
  for (const p of prints) {
    const key = `${p.ts},${p.symbol},${p.side},${p.ap},${p.z}`;
    if (seen.has(key)) {
      duplicates++;
      continue;
    }
    seen.add(key);
    if (p.symbol.includes('_') || p.symbol === 'ETHBTC') {
      dropped.push(p.symbol);
      continue;
    }
    const symbol = p.symbol.endsWith('USDC') ? `${p.symbol.slice(0, -4)}/USDC:USDC` : `${p.symbol.replace(/USDT$/, '')}/USDT:USDT`;
    const price = Number(p.ap);
    const amount = Number(p.z);
    rows.push({ type: 'liquidation', ts: p.ts, exchange: 'binance', symbol, side: p.side === 'SELL' ? 'long' : 'short', price, amount, usd: Math.round(price * amount * 100) / 100 });
  }
  rows.sort((a, b) => a.ts - b.ts);
  return { rows, dropped, duplicates };
}

const lines = (file: string) => readFileSync(file, 'utf8').split('\n').filter(Boolean);
const tally = (rows: Row[]) => {
  const usd = (side: string) => rows.filter((r) => r.side === side).reduce((s, r) => s + (r.usd as number), 0);
  return `${rows.length} prints, ${new Set(rows.map((r) => r.symbol)).size} symbols, $${(usd('long') / 1e6).toFixed(2)} M longs / $${(usd('short') / 1e6).toFixed(2)} M shorts`;
};
const at = (ts: number) => new Date(ts).toISOString().slice(11, 23);

/**
 * 2025-10-22 10:52:42-11:40:28 UTC from a `<symbol>@forceOrder` recording of every USD-M perpetual (CSV
 * `timestamp,symbol,side,avg_price,filled_qty,usd_value`, `timestamp` = utcfromtimestamp(T) in ISO form, `usd_value` =
 * ap x z; on this day every row written twice). Returns the fixture's text.
 */
export function flushDay(): string {
  const raw = lines(FLUSH_SOURCE.slice).slice(1);
  const prints = raw.map((l): Print => {
    const [t, symbol, side, ap, z] = l.split(',') as [string, string, string, string, string];
    return { symbol, side, ap, z, ts: Date.parse(`${t.slice(0, 23)}Z`) };
  });
  const { rows, dropped, duplicates } = liquidations(prints);
  const note = `REAL Binance USD-M forceOrder prints (sampled by Binance: at most one per symbol per second), NOT SEALED (a cascade check, replayed with the rules unchanged): 2025-10-22 ${at(rows[0]!.ts)}-${at(rows.at(-1)!.ts)} UTC, ${tally(rows)}. Twelve symbols' longs in one second at 11:00:01 ($373K, BTC $108K, prices barely moved), then a market-wide long flush: a first leg at 11:02:20-11:02:24 (over 100 symbols, BTC prints 107,522 -> 107,465, ETH 3,818 -> 3,797) and the main one at 11:03:47-11:04:02 (354 symbols and $1.89M in 11:03:50-11:04:00, BTC 107,456 -> 106,725, ETH 3,805 -> 3,771), a rebound by 11:04:13; then an ETH short squeeze at 11:11:38-11:12:59 ($1.68M of ETH shorts, ETH 3,790 -> 3,828) and a broader second one at 11:18:40-11:21:05 (BTC 107,963 -> 108,155, ETH 3,820 -> 3,837), then a trickle to 11:40. Conversion: side SELL => long, BUY => short; price = avg_price (ap), amount = filled_qty (z), usd = price x amount; XYZUSDT => XYZ/USDT:USDT, XYZUSDC => XYZ/USDC:USDC; ${duplicates} rows written twice kept once; left out: ${dropped.length} ETHBTC (BTC-quoted). source: ${FLUSH_SOURCE.repo} ${FLUSH_SOURCE.path} (source characters 372,036-835,987: every row from 10:52:42.385 to 11:40:28.120, ${raw.length} rows, in ${FLUSH_SOURCE.slice} as recorded under the file's header)`;
  return text({ type: 'meta', ts: rows[0]!.ts, synthetic: false, note }, rows);
}

/**
 * 2024-08-17 11:58:23-12:28:18 UTC, a Saturday, from a headerless `!forceOrder@arr` recording with columns
 * `s,S,o,f,q,p,ap,X,l,z,T,usd` (the recorder removed "USDT" from `s`; its `usd` = p x z is not used): the whole file.
 * Returns the fixture's text.
 */
export function quietDay(): string {
  const raw = lines(QUIET_SOURCE.slice);
  const prints = raw.map((l): Print => {
    const c = l.split(',');
    return { symbol: c[0]!, side: c[1]!, ap: c[6]!, z: c[9]!, ts: Number(c[10]) };
  });
  const { rows, dropped, duplicates } = liquidations(prints);
  const note = `REAL Binance USD-M forceOrder prints (sampled by Binance: at most one per symbol per second), NOT SEALED (a cascade check, replayed with the rules unchanged): 2024-08-17 ${at(rows[0]!.ts)}-${at(rows.at(-1)!.ts)} UTC, a quiet Saturday half hour, ${tally(rows)}. Conversion: side SELL => long, BUY => short; price = ap, amount = z, usd = price x amount; the recorder removed "USDT" from the symbols (ETH => ETH/USDT:USDT), names still ending in USDC => XYZ/USDC:USDC; ${duplicates} duplicates, ${dropped.length} left out. source: ${QUIET_SOURCE.repo} ${QUIET_SOURCE.path} (the whole file, ${raw.length} rows, in ${QUIET_SOURCE.slice} as recorded)`;
  return text({ type: 'meta', ts: rows[0]!.ts, synthetic: false, note }, rows);
}

// Writes the four fixtures when run; importing this file writes nothing.
if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  for (const [file, cut] of [[SEALED_LEVELS, sealedLevels], [SEALED_ROUND, sealedRoundNumbers], [FLUSH_DAY, flushDay], [QUIET_DAY, quietDay]] as const) {
    const out = cut();
    writeFileSync(file, out);
    const rows = out.trim().split('\n').map((l) => JSON.parse(l) as Row);
    const count = (type: string) => rows.filter((r) => r.type === type).length;
    console.log(file, count('level'), 'levels', count('candle'), 'candles', count('liquidation'), 'liquidations');
  }
}
