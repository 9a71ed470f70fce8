/**
 * The real-market evaluation behind docs/alerts.md and docs/level-measurements.md: replays the real tuning weeks,
 * the held-out sets, the daily-levels stress set, the round numbers and the sealed set (or the files given) with the default config
 * (plus an optional JSON override) and prints what the level and cascade alerts would have done, with a total per set.
 * `npx tsx scripts/level-eval.ts [--config '{"levels":{…}}'] [FILE…]`.
 */
import { buildConfig } from '../config/load.js';
import { backtest, levelsOf } from '../src/core/backtest.js';
import { loadFile, runFile } from '../src/offline.js';

export const REAL_LEVEL_FIXTURES = [
  'fixtures/binance-2025-04-levels-15m.real.jsonl',
  'fixtures/binance-2024-08-levels-15m.real.jsonl',
  'fixtures/binance-2025-02-levels-15m.real.jsonl',
];
/** The week before each tuning week, levels derived the same way (scripts/real-fixtures.ts); never tuned on. */
export const HELD_OUT_LEVEL_FIXTURES = [
  'fixtures/binance-2025-03-heldout-levels-15m.real.jsonl',
  'fixtures/binance-2024-07-heldout-levels-15m.real.jsonl',
  'fixtures/binance-2025-01-heldout-levels-15m.real.jsonl',
];
/**
 * A second held-out set, looked at once after the rules of issue 15's second pass were settled: the first days of
 * each kit file, levels derived the same way from the three days before.
 */
export const HELD_OUT_2_LEVEL_FIXTURES = [
  'fixtures/binance-2025-03-early-levels-15m.real.jsonl',
  'fixtures/binance-2024-07-early-levels-15m.real.jsonl',
  'fixtures/binance-2025-01-early-levels-15m.real.jsonl',
];
/** A third held-out set from another source and season (a freqtrade download, fixtures/sources/), never tuned on. */
export const HELD_OUT_3_LEVEL_FIXTURES = ['fixtures/binance-2025-10-levels-15m.real.jsonl'];
/** A fourth, from the same source, cut after issue 15's fifth pass was settled: BTC and ETH Oct 5-13 2025, the Oct 10 crash. */
export const HELD_OUT_4_LEVEL_FIXTURES = ['fixtures/binance-2025-10-crash-levels-15m.real.jsonl'];
/** A fifth, cut after that: BTC Sep 21 - Oct 2 2025 (the Sep 22 and 25 slides, the rally into October). */
export const HELD_OUT_5_LEVEL_FIXTURES = ['fixtures/binance-2025-09-levels-15m.real.jsonl'];
/** A sixth, cut in the eleventh session and looked at once: ETH over the third's and the fifth's windows. */
export const HELD_OUT_6_LEVEL_FIXTURES = ['fixtures/binance-2025-09-eth-levels-15m.real.jsonl', 'fixtures/binance-2025-10-eth-levels-15m.real.jsonl'];
/** Unseen: candles of another download (XRP, and BTC before the other sets), cut and replayed once with the rules unchanged. */
export const HELD_OUT_7_LEVEL_FIXTURES = ['fixtures/binance-2025-08-xrp-btc-levels-15m.real.jsonl'];
export const UNSEEN_ROUND_LEVEL_FIXTURES = ['fixtures/binance-2025-08-round-levels-15m.real.jsonl'];
/** A stress set: BTC and ETH Oct 4-22 2025 with levels re-derived every day from the week before, accumulating. */
export const DAILY_LEVEL_FIXTURES = ['fixtures/binance-2025-10-daily-levels-15m.real.jsonl'];
/**
 * Round numbers added every day (BTC every $2,000, ETH every $100, within 5% of the day before's close), Sep 19 - Oct 24
 * 2025: the kind of levels and weeks the issue measured (the fixed buffer reads 49% reversed here, the issue's 48%).
 */
export const ROUND_LEVEL_FIXTURES = ['fixtures/binance-2025-10-round-levels-15m.real.jsonl'];
/** The same daily round-number rule on the kit's three weeks, held out from the round numbers above. */
export const KIT_ROUND_LEVEL_FIXTURES = ['fixtures/binance-2025-04-round-levels-15m.real.jsonl', 'fixtures/binance-2024-08-round-levels-15m.real.jsonl', 'fixtures/binance-2025-02-round-levels-15m.real.jsonl'];
/**
 * Sealed: ETH and LTC Aug 29 - Sep 15 2025, swing levels as held-out 7 sets them and round numbers as round numbers 2
 * adds them (cut by scripts/sealed-fixtures.ts). Cut before any rule was judged on them and read once, in a check decided
 * beforehand (adopt `flipBuffers: 2` only if it told more held breaks at no more reversals than `flipBuffers: 5`), to
 * settle that change (docs/level-measurements.md, "A sealed check"). Read since: no longer unseen.
 */
export const SEALED_LEVEL_FIXTURES = ['fixtures/binance-2025-08-eth-ltc-sealed-levels-15m.real.jsonl', 'fixtures/binance-2025-08-sealed-round-levels-15m.real.jsonl'];
/**
 * Sealed 2: BTC Apr 26 - May 20 2023 (another download, year and season), swing levels set Apr 28 and round numbers every
 * $500, cut as the first sealed sets (scripts/sealed-2-fixtures.ts). Replayed once with the rules unchanged, in a check
 * written down before (docs/level-measurements.md, "A second sealed check"): it missed issue 15's targets. Read since.
 */
export const SEALED_2_LEVEL_FIXTURES = ['fixtures/binance-2023-05-btc-sealed-2-levels-15m.real.jsonl', 'fixtures/binance-2023-05-btc-sealed-2-round-levels-15m.real.jsonl'];

const args = process.argv.slice(2);
const ci = args.indexOf('--config');
const override: unknown = ci >= 0 ? JSON.parse(args.splice(ci, 2)[1]!) : {};
const sets: [string, string[]][] = args.length ? [['files', args]] : [['tuning', REAL_LEVEL_FIXTURES], ['held-out', HELD_OUT_LEVEL_FIXTURES], ['held-out 2', HELD_OUT_2_LEVEL_FIXTURES], ['held-out 3', HELD_OUT_3_LEVEL_FIXTURES], ['held-out 4', HELD_OUT_4_LEVEL_FIXTURES], ['held-out 5', HELD_OUT_5_LEVEL_FIXTURES], ['held-out 6', HELD_OUT_6_LEVEL_FIXTURES], ['held-out 7', HELD_OUT_7_LEVEL_FIXTURES], ['daily levels', DAILY_LEVEL_FIXTURES], ['round numbers', ROUND_LEVEL_FIXTURES], ['kit round numbers', KIT_ROUND_LEVEL_FIXTURES], ['round numbers 2', UNSEEN_ROUND_LEVEL_FIXTURES], ['sealed', SEALED_LEVEL_FIXTURES], ['sealed 2', SEALED_2_LEVEL_FIXTURES]];
const config = buildConfig(override);
for (const [name, files] of sets) {
  const sum = { messages: 0, breaks: 0, reversed: 0, held: 0, heldTold: 0 };
  const perMessage = { breaks: 0, reversed: 0 };
  for (const f of files) {
    const loaded = await loadFile(f);
    const events = loaded.batches.flat();
    const run = await runFile(loaded, config, { closes: true });
    const st = backtest(run.alerts, run.closes, levelsOf(events));
    for (const k of Object.keys(sum) as (keyof typeof sum)[]) sum[k] += st.totals[k];
    perMessage.breaks += st.perMessage.breaks;
    perMessage.reversed += st.perMessage.reversed;
    console.log(f, JSON.stringify(st.totals), 'cascades', st.cascades.length);
    if (process.env.VERBOSE) for (const r of st.levels) for (const m of r.missed) console.log('  MISSED', r.asset, r.level, m.direction, new Date(m.end).toISOString().slice(0, 16));
    if (process.env.VERBOSE) for (const a of run.alerts) if (a.kind === 'level_break' || a.kind === 'level_chop') console.log('  ', new Date(a.ts).toISOString().slice(0, 16), a.asset, a.kind, 'level' in a ? a.level : '', a.kind === 'level_break' ? `${a.direction}${a.reclaim ? ' reclaim' : ''}${a.also ? ` +${a.also.map((x) => JSON.stringify(x.level)).join('+')}` : ''}${a.fromChop ? ' fromChop' : ''}` : '', a.price);
  }
  console.log(`TOTAL ${name}`, JSON.stringify(sum), `reversed ${((100 * sum.reversed) / Math.max(1, sum.breaks)).toFixed(1)}%`, `held told ${((100 * sum.heldTold) / Math.max(1, sum.held)).toFixed(1)}%`, `per message ${perMessage.reversed}/${perMessage.breaks} reversed ${((100 * perMessage.reversed) / Math.max(1, perMessage.breaks)).toFixed(1)}%`);
}
