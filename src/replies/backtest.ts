/** `liqbot replay --stats` in plain lines: what a stretch of history would have posted, per level and cascade. */
import type { BacktestStats, CascadeRow, NearMiss } from '../core/backtest.js';
import { NEAR_MISS_FROM } from '../core/cascades.js';
import { bounds, type LevelValue } from '../core/levels.js';
import { DAY } from '../core/time.js';
import { duration, listText, share, spanWords, stamp, usd, whenWord } from './format.js';
import { legWord } from './alerts.js';
import { stretchesText } from './coverage.js';
import { zoneLabel } from './zone.js';

/** What the replayed file held: a count of 0 says "nothing could have fired", not "nothing happened". */
export interface StatsInput {
  levels: number;
  /** Closes the levels were judged on (from the file's candles, or bars built from its prices). */
  closes: number;
  /** The levels' timeframe (config `levels.timeframe`, 15m by default): the closes a level is judged on. */
  timeframe?: string;
  /** The file's candles and prices, from the first one's time to the last one's close; absent where it has none. */
  market?: { from: number; to: number };
  liquidations: number;
  liquidationTotals: number;
  /**
   * Where the file's liquidation prints leave part of its market data (its candles and prices, `from`–`to`) out
   * (src/core/market-view.ts, `recordedIn`): the stretches they cover, the only ones where a cascade can be found.
   */
  prints?: { stretches: readonly (readonly [number, number])[]; from: number; to: number };
}

/** How many days the levels were watched, once two or more (a rate a day means little on one). */
function watchedDays(watchedMs: number | undefined): number | undefined {
  return watchedMs !== undefined && watchedMs >= 2 * DAY ? watchedMs / DAY : undefined;
}
/** " (1.3 a day)": what a chat would live with. */
function aDay(messages: number, days: number | undefined): string {
  return days === undefined ? '' : ` (${(messages / days).toFixed(1)} a day)`;
}

/**
 * `replay --stats` as plain lines: per asset and level, then the cascades and flushes, then the totals. Given what
 * the file held, a total of none says why when the file could not have shown any: no levels, no prices, no prints.
 */
export function statsLines(st: BacktestStats, input?: StatsInput): string[] {
  // A share as every reply writes one: 1 of 300 is "0.3%", not "0%"; 299 of 300 "99.7%", not "100%".
  const pct = (n: number, d: number) => (d ? share(n / d) : '–');
  // Reversed of the breaks the file runs 12 h past; those it ends before (`unjudged`) are said apart, out of the share.
  const tooLate = (unjudged = 0) => (unjudged ? `, ${unjudged} too late` : '');
  const lv = (v: LevelValue) => (typeof v === 'number' ? String(v) : `${v[0]}-${v[1]}`);
  // A table an admin reads in a terminal: columns aligned, the label (any length) last.
  const rows = [['asset', 'level', 'messages', 'breaks', 'reversed<12h', 'held', 'told<2h', 'label']];
  for (const r of [...st.levels].sort((a, b) => a.asset.localeCompare(b.asset) || bounds(b.level)[0] - bounds(a.level)[0])) {
    rows.push([r.asset, lv(r.level), String(r.messages), String(r.breaks), `${r.reversed} (${pct(r.reversed, r.breaks - (r.unjudged ?? 0))})${tooLate(r.unjudged)}`, String(r.held), String(r.heldTold), r.label ?? '']);
  }
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((row) => [...row[i]!].length)));
  const out = (rows.length > 1 ? rows : []).map((row) => row.map((cell, i) => (i === row.length - 1 ? cell : cell + ' '.repeat(widths[i]! - [...cell].length))).join('  ').trimEnd());
  // The columns in words, for an admin who has not read docs/alerts.md.
  const late = st.levels.some((r) => r.unjudged) ? ' (too late: breaks under 12 h before the file ends, not judged yet and left out of the share)' : '';
  if (rows.length > 1) out.push(`(messages: posts about the level; breaks: its alerts either way; reversed<12h: undone by the opposite alert within 12 h${late}; held: closes across it that stayed beyond it for 12 h; told<2h: of those, how many the chat had been told of within 2 h)`);
  const t = st.totals;
  // Over the days the levels were watched, not the whole file: levels set days into its candles could not post before.
  const days = watchedDays(st.watchedMs);
  if (input && (input.levels === 0 || input.closes === 0)) {
    out.push(input.levels === 0 ? 'levels: none in the file or the config (`level` events, `levels.defaults`): no level alerts to count' : noCloses(input));
  } else out.push(`levels: ${counted(t.messages, 'message')}${days === undefined ? '' : ` over the ${days.toFixed(1)} days the levels were watched`}${aDay(t.messages, days)}, ${counted(t.breaks, 'break')}, ${t.reversed} reversed within 12h (${judgedShare(t.reversed, t.breaks, 'break', st.unjudged?.breaks)}), ${t.heldTold}/${t.held} ${t.held === 1 ? 'break that held' : 'breaks that held'} told within 2h (${pct(t.heldTold, t.held)})`);
  // Where one message broke several levels, the whipsaws per message read differently from per level: both are said.
  const m = st.perMessage;
  if (m.breaks !== t.breaks) out.push(`per message: ${m.reversed} of ${m.breaks} break messages reversed within 12h (${judgedShare(m.reversed, m.breaks, 'break message', st.unjudged?.messages)}), a message that broke several levels counted once, for the level it leads with`);
  // Each asset's share of those messages, when the file has several: which one a chat would hear most from.
  const byAsset = new Map<string, number>();
  for (const r of st.levels) byAsset.set(r.asset, (byAsset.get(r.asset) ?? 0) + r.messages);
  if (byAsset.size > 1 && t.messages > 0) {
    const each = [...byAsset].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0])).map(([asset, n]) => `${asset} ${n}${aDay(n, days)}`);
    out.push(`per asset: ${each.join(', ')}`);
  }
  // "2025-01-27 16:52–16:54 UTC", one minute once ("… 17:08 UTC"), and one the file ends inside says so.
  const when = (c: CascadeRow) => (c.endedAt !== undefined ? `${utcSpan(c.startedAt, c.endedAt)} UTC` : `${utcSpan(c.startedAt, c.startedAt)} UTC (still running when the file ends)`);
  const updates = (n: number) => `${n} update${n === 1 ? '' : 's'}`;
  for (const c of st.cascades) out.push(`cascade ${c.asset} ${c.side} ${when(c)}  ${usd(c.usd)}  ${updates(c.updates)}${legOf(c)}`);
  for (const f of st.flushRows) out.push(`market-wide flush ${f.side} ${when(f)}  ${usd(f.usd)}  ${f.assets} assets  ${updates(f.updates)}${legOf(f)}`);
  // Where nothing was called on a side, how close it came: before the count, as the rows it sums up are.
  if (!input || input.liquidations > 0) out.push(...nearMissLines(st.nearMisses ?? []));
  if (input && input.liquidations === 0) {
    const totals = input.liquidationTotals > 0 ? 'only vendor totals' : 'no liquidation data';
    out.push(`cascades: none can be found, the file has ${totals} (cascades and flushes are read from single liquidation prints)`);
  } else {
    const counted = `cascades: ${st.cascades.length}, market-wide flushes: ${st.flushes}`;
    // Prints of a few hours in weeks of candles: the count is of those hours, said as /liqs says its coverage, so a
    // zero does not read as a quiet stretch ("no cascade on the biggest day in years").
    const p = input?.prints;
    const zone = p && zoneLabel(p.to);
    out.push(p ? `${counted}, counted where the file has liquidation prints: ${stretchesText(p.stretches, p.to)} ${zone} (its candles and prices: ${spanWords(p.from, p.to, p.to)} ${zone}); outside them none can be found` : counted);
  }
  return out;
}

/**
 * Why levels were set and none could be judged: a level's alerts and the breaks that held are read on the closes of its
 * timeframe (the file's candles, or bars built from its price ticks; never its liquidation prints, whose prices /levels
 * quotes but which make no close). A file of prints alone has none, and candles or prices that end inside the first bar
 * complete none.
 */
function noCloses(input: StatsInput): string {
  const tf = input.timeframe ?? '15m';
  const m = input.market;
  if (m) return `levels: no ${tf} close to judge a level on: the file's candles and prices (${spanWords(m.from, m.to, m.to)} ${zoneLabel(m.to)}) end before a ${tf} bar of them closes`;
  if (input.liquidations > 0) return `levels: no ${tf} close to judge a level on: levels are judged on ${tf} closes of candles or of bars built from price ticks, and the file has neither (its liquidation prints give /levels a price, not a close)`;
  return 'levels: no candles or prices in the file: no close to judge a level on';
}

/** "2025-01-27 16:52–16:54", one minute once ("2025-01-27 17:08"), a second day dated: the UTC times of a --stats row. */
function utcSpan(from: number, to: number): string {
  const [start, end] = [from, to].map((t) => new Date(t).toISOString().slice(0, 16).replace('T', ' '));
  return end === start ? start! : `${start}–${end!.slice(end!.slice(0, 10) === start!.slice(0, 10) ? 11 : 0)}`;
}

/** How many cascade near misses the text lists (`--stats --json` has them all). */
const NEAR_MISS_CASCADES = 3;

/**
 * The sides where nothing was called and the detector came closest (`BacktestStats.nearMisses`), largest share of the
 * threshold first, a row each in the cascades' own columns: its window's first print to the print that took it there,
 * its sum, and its share of the threshold in force then; one past the threshold, the rules that held it back, with the
 * config that sets each. At most `NEAR_MISS_CASCADES` cascade rows (the others counted) and two a flush side; one line
 * says what the rows are.
 * "closest to a cascade: BTC short 2025-06-23 21:13–21:18 UTC  $1.1M in 5 min  89% of the $1.24M that starts one".
 */
export function nearMissLines(misses: readonly NearMiss[]): string[] {
  if (!misses.length) return [];
  const cascades = misses.filter((m) => m.kind === 'cascade');
  const shown = misses.filter((m) => m.kind === 'flush' || cascades.indexOf(m) < NEAR_MISS_CASCADES);
  const out = shown.map((m) => {
    const sum = `${usd(m.usd)} in ${duration(m.windowMs)}`;
    const rules = [m.blockedBy, ...m.alsoBlockedBy].filter((b) => b !== 'sum').map((b) => heldBy(m, b));
    const held = rules.length ? `, held back by ${rules.join(' and by ')}` : '';
    const of = `${share(m.share)} of the ${usd(m.threshold)} that starts one${held}`;
    return m.kind === 'cascade'
      ? `closest to a cascade: ${m.asset} ${m.side} ${utcSpan(m.from, m.at)} UTC  ${sum}  ${of}`
      : `closest to a market-wide flush: ${m.side} ${utcSpan(m.from, m.at)} UTC  ${sum}  ${m.assets} assets  ${of}`;
  });
  const more = cascades.length - NEAR_MISS_CASCADES;
  if (more > 0) out.push(`closest to a cascade: ${more} more from ${share(NEAR_MISS_FROM)} of the threshold (\`--stats --json\` lists every one)`);
  out.push(`(closest: of an asset and side without a cascade, or a side without a market-wide flush, the window nearest the threshold in force at its last print with every other rule met, from ${share(NEAR_MISS_FROM)} of it, and the largest past it that another rule held back)`);
  return out;
}

/** A rule that held a window past its threshold back, with its figures and the config that sets it. */
function heldBy(m: NearMiss, rule: NearMiss['blockedBy']): string {
  if (m.kind === 'cascade') {
    if (rule === 'prints') return `its prints (${count(m.prints)} where a cascade takes ${m.printsNeeded}, a sampled print counting ${m.sampledPrintWeight}: cascades.minLiquidations)`;
    if (rule === 'single') return `one print of ${share(m.largestShare)} of it (above the ${share(m.maxShare)} one may be: cascades.maxSingleShare)`;
    return `the other side (this one ${share(m.sideShare)} of both sides' liquidations, under ${share(m.minSideShare)}: cascades.minSideShare)`;
  }
  if (rule === 'assets') return `its assets (${m.assets} where a flush takes ${m.assetsNeeded}: flush.minAssets)`;
  if (rule === 'leader') return `${m.leader}'s ${share(m.leaderShare)} of it (above the ${share(m.maxLeaderShare)} one asset may be: flush.maxLeaderShare)`;
  if (rule === 'instant') return `one instant's ${share(m.instantShare ?? 0)} of it (prints within 10 ms, one account's margin call: above the ${share(m.maxInstantShare ?? 0.5)} an instant may be)`;
  return `its pace (${usd(m.lastMinuteUsd)} in its last minute where a flush keeps ${usd(m.paceUsd)})`;
}

/** A count a sampled print's weight may make fractional (1.5 a print): whole where it is. */
function count(n: number): string {
  return Number.isInteger(n) ? String(n) : n.toFixed(1);
}

/**
 * The share of `breaks` reversed, over those the file runs 12 h past: "25%"; with some it ends before, "50% of the 2
 * judged; 2 breaks too late in the file to judge", or "none judged: 1 break too late in the file to judge".
 */
function judgedShare(reversed: number, breaks: number, word: string, unjudged = 0): string {
  const judged = breaks - unjudged;
  if (!unjudged) return judged ? share(reversed / judged) : '–';
  const late = `${counted(unjudged, word)} too late in the file to judge`;
  return judged ? `${share(reversed / judged)} of the ${judged} judged; ${late}` : `none judged: ${late}`;
}

/** "1 message", "3 messages". */
function counted(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

/** A cascade or flush that was the next leg of one just ended: "  (second leg)". */
function legOf(c: CascadeRow): string {
  return c.leg === undefined ? '' : `  (${legWord(c.leg)} leg)`;
}

/**
 * Plain `replay`'s last line where the file ends inside a cascade or flush (the rows `--stats` says are "still running
 * when the file ends"): its start was printed and no end will be, so the last alerts do not read as the whole of it.
 * "Still running when the file ends (its last event: 2025-01-27 16:56 UTC): the market-wide long flush since 16:50 and
 * the BTC long cascade since 16:52; no end is printed for them". Nothing where all ended.
 */
export function stillRunningLine(st: Pick<BacktestStats, 'cascades' | 'flushRows'>, lastTs: number): string | undefined {
  const since = (c: CascadeRow) => whenWord(c.startedAt, lastTs);
  const flushes = st.flushRows.filter((f) => f.endedAt === undefined).map((f) => `the market-wide ${f.side} flush since ${since(f)}`);
  const cascades = st.cascades.filter((c) => c.endedAt === undefined).sort((a, b) => a.startedAt - b.startedAt).map((c) => `the ${c.asset} ${c.side} cascade since ${since(c)}`);
  const running = [...flushes, ...cascades];
  if (!running.length) return undefined;
  return `Still running when the file ends (its last event: ${stamp(lastTs)}): ${listText(running)}; no end is printed for ${running.length === 1 ? 'it' : 'them'}`;
}
