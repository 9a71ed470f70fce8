/**
 * Alerts as neutral Replies: the words a channel reads when a cascade starts, runs and ends, a level breaks
 * or chops, the whole market flushes. An exhaustive record by kind, so a new alert kind does not compile
 * until it has its text.
 */
import type { Alert, AlertKind, CascadeEnd, CascadeStart, CascadeUpdate, LevelBreak, LevelChop, MarketFlush, MarketFlushEnd, MarketFlushUpdate } from '../core/alerts.js';
import { clockDuration, clockRange, duration, levelText, listText, ordinal, pct, price, share, shares, sideTone, sideWord, stamped, usd, venueLabel, venueName, venueNames, whenWord } from './format.js';
import { digestReply } from './digest.js';
import { flushLines } from './leverage.js';
import { b, toned, type Line, type Reply } from './reply.js';
import { rankingText } from './summary.js';
import { bounds, type ChopEnd, type LevelValue } from '../core/levels.js';
import { priceDecimals } from '../core/prices.js';
import type { PreviousLeg } from '../core/cascades.js';
import { chopCountText } from './chop.js';
import { hoursCounted } from '../core/hourly-totals.js';
import type { PositionSide } from '../core/events.js';
import { MINUTE } from '../core/time.js';

/** The least amount that is one: less than half a cent rounds to no cent. */
const HALF_CENT = 0.005;

function venueLine(byExchange: Record<string, number>, total: number, sampled: string[]): Line {
  const venues = Object.entries(byExchange);
  // Rounded together (to 100% where the venues make the whole total), each of the total.
  const named = venues.reduce((a, [, v]) => a + v, 0);
  // What the venues named leave of the total, a slice of its own: under half a cent it is a float's leftover (the
  // 1e-10 of a single venue's $805K), none, and the one venue is all of it, "(100%)", not ">99.9%".
  const rest = total - named;
  const each = shares([...venues.map(([, v]) => v), rest >= HALF_CENT ? rest : 0]);
  return [venues.map(([ex, v], i) => `${venueLabel(ex, sampled.includes(ex))} ${usd(v)} (${each[i]})`).join(' · ')];
}

/** A cascade inside a market-wide flush says so: a chat that follows this asset alone does not hear the flush itself. */
function flushNote(a: CascadeStart | CascadeUpdate | CascadeEnd): Line[] {
  return a.flushId !== undefined ? [[toned(`Part of a market-wide ${sideWord(a.side, 1)} flush.`, 'muted')]] : [];
}

const LEG_WORDS = ['first', 'second', 'third', 'fourth', 'fifth', 'sixth', 'seventh', 'eighth', 'ninth', 'tenth'];
/** A leg as a trader counts it: "second", "third", … "11th". */
export const legWord = (n: number): string => LEG_WORDS[n - 1] ?? ordinal(n);

/**
 * "second leg" in the titles of a cascade or flush that is the next leg of one that just ended, put as `shape` puts it
 * (" · second leg", " (second leg)"); nothing for one of its own. Its start, running message and end all name it, so a
 * chat just told "over" reads it as the same flush going on.
 */
function legTag(a: { previousLeg?: PreviousLeg }, shape: (leg: string) => string = (leg) => ` · ${leg}`): string {
  return a.previousLeg ? shape(`${legWord(a.previousLeg.leg + 1)} leg`) : '';
}

/** The leg before, at a leg's start: "13 min after the first leg ended: $3.41M in 2 min (16:53–16:54)." */
function legLine(prev: PreviousLeg, startedAt: number, now: number): Line {
  // Its window starts at its first print in it, after the last leg's last strong print with the default rules; a
  // window longer than the quiet period could reach back past it.
  // Cut to minutes as the clock ranges are, so the gap reads as the minutes between the last leg's end told here and
  // this one's start told in its running message ("since 17:07").
  const gap = clockDuration(prev.endedAt, Math.max(startedAt, prev.endedAt));
  return [`${gap} after the ${legWord(prev.leg)} leg ended: ${usd(prev.usd)} in ${clockDuration(prev.startedAt, prev.endedAt)} (${clockRange(prev.startedAt, prev.endedAt, now)}).`];
}

/** The footnote for the starred venues, in one order whatever order they liquidated in. */
function sampledNote(sampled: string[]): Line[] {
  if (!sampled.length) return [];
  const names = sampled.map(venueName).sort();
  return [[toned(`*${names.join(', ')}: ${names.length === 1 ? 'a sampled stream, a lower bound' : 'sampled streams, lower bounds'}`, 'muted')]];
}

function cascadeStart(a: CascadeStart): Reply {
  const lines: Line[] = [
    [toned(`${usd(a.windowUsd)} of ${a.asset} ${sideWord(a.side)} liquidated in ${Math.round(a.windowMs / MINUTE)} min`, sideTone(a.side), true)],
    ...(a.previousLeg ? [legLine(a.previousLeg, a.startedAt, a.ts)] : []),
    [
      a.normalUsd && a.windowUsd / a.normalUsd >= 2
        ? `About ${Math.round(a.windowUsd / a.normalUsd)}× a normal ${Math.round(a.windowMs / MINUTE)} minutes for ${a.asset} (alert threshold ${usd(a.thresholdUsd)}).`
        : `Above ${a.asset}'s alert threshold of ${usd(a.thresholdUsd)} for ${Math.round(a.windowMs / MINUTE)} minutes.`,
    ],
  ];
  if (a.priceNow !== undefined) {
    lines.push([`Price ${price(a.priceNow)}`, ...(a.change1hPct !== undefined ? [' ', toned(`(${pct(a.change1hPct / 100)} in 1h)`, a.change1hPct >= 0 ? 'up' : 'down')] : [])]);
  }
  lines.push(venueLine(a.byExchange, a.usd, a.sampled));
  return {
    title: [`${a.side === 'long' ? '🔻' : '🔺'} ${a.asset} ${sideWord(a.side, 1)} liquidation cascade${legTag(a)}`],
    blocks: [[...lines, ...flushNote(a)], sampledNote(a.sampled)].filter((x) => x.length),
    tone: sideTone(a.side),
  };
}

function cascadeUpdate(a: CascadeUpdate): Reply {
  const lines: Line[] = [
    [toned(`${usd(a.usd)} of ${sideWord(a.side)} liquidated so far`, sideTone(a.side), true), ` (since ${whenWord(a.startedAt, a.ts)}, ${clockDuration(a.startedAt, a.ts)})`],
  ];
  if (a.priceNow !== undefined) {
    const move = a.priceStart ? ` (${pct((a.priceNow - a.priceStart) / a.priceStart)})` : '';
    const ext = a.extreme !== undefined ? ` · ${a.side === 'long' ? 'low' : 'high'} ${price(a.extreme)}` : '';
    lines.push([`Price ${price(a.priceNow)}${move}${ext}`]);
  }
  lines.push(venueLine(a.byExchange, a.usd, a.sampled));
  return {
    title: [`${a.side === 'long' ? '🔻' : '🔺'} ${a.asset} ${sideWord(a.side, 1)} cascade${legTag(a)} · running`],
    blocks: [[...lines, ...flushNote(a)], sampledNote(a.sampled)].filter((x) => x.length),
    tone: sideTone(a.side),
  };
}

function cascadeEnd(a: CascadeEnd): Reply {
  const lines: Line[] = [[toned(`${usd(a.usd)} of ${a.asset} ${sideWord(a.side)} liquidated`, sideTone(a.side), true), ` in ${clockDuration(a.startedAt, a.endedAt)} (${clockRange(a.startedAt, a.endedAt, a.ts)})`]];
  // The move while it ran, from its start to its end (not to the post, a quiet period later): the drop it was.
  if (a.priceStart !== undefined && a.priceNow !== undefined) {
    lines.push([
      `Price during it ${price(a.priceStart)} → ${price(a.priceNow)} (${pct((a.priceNow - a.priceStart) / a.priceStart)})`,
      ...(a.extreme !== undefined ? [`, ${a.side === 'long' ? 'low' : 'high'} ${price(a.extreme)}`] : []),
    ]);
  }
  lines.push(venueLine(a.byExchange, a.usd, a.sampled));
  const rank = a.ranking && rankingText(a.asset, a.ranking, 'cascade');
  if (rank) lines.push([b(rank)]);
  if (a.leverage) lines.push(...flushLines(a.leverage));
  else if (a.oi) {
    const d = a.oi.afterUsd - a.oi.beforeUsd;
    lines.push([`Open interest ${d <= 0 ? '−' : '+'}${usd(Math.abs(d))} (${pct(d / a.oi.beforeUsd)}) across ${a.oi.venues} venue${a.oi.venues === 1 ? '' : 's'}`]);
  }
  if (a.extreme !== undefined && a.levelOffered) lines.push([toned(`Cascade ${a.side === 'long' ? 'low' : 'high'} ${price(a.extreme)} is now on /levels ${a.asset.toLowerCase()}.`, 'muted')]);
  return {
    title: [`${a.asset} ${sideWord(a.side, 1)} cascade over${legTag(a, (leg) => ` (${leg})`)}`],
    blocks: [[...lines, ...flushNote(a)], sampledNote(a.sampled)].filter((x) => x.length),
    tone: sideTone(a.side),
  };
}

/**
 * The levels of a message in the order price met them: a break down from the highest edge it lost ("lost $81,601,
 * $81,172 and $81,172–82,390"), a break up from the lowest, a chop from low to high. The lead stays the alert's
 * `level`; only the words follow the price.
 */
function inOrder(a: LevelBreak | LevelChop): { level: LevelValue; label?: string; verb?: BreakVerb }[] {
  const levels = a.kind === 'level_break'
    ? [{ level: a.level, label: a.label, verb: breakVerb(a.direction, a.reclaim, a.fromChop?.kept === true) }, ...(a.also ?? []).map((x) => ({ ...x, verb: breakVerb(a.direction, x.reclaim, x.kept === true) }))]
    : [{ level: a.level, label: a.label }, ...(a.also ?? [])];
  const down = a.kind === 'level_break' && a.direction === 'down';
  const edge = (v: LevelValue) => bounds(v)[down ? 0 : 1];
  // A price before the zone whose edge it is: the zone is lost (or won) with its last price.
  const width = (v: LevelValue) => bounds(v)[1] - bounds(v)[0];
  return levels.sort((x, y) => (down ? edge(y.level) - edge(x.level) : edge(x.level) - edge(y.level)) || width(x.level) - width(y.level));
}

/** The levels of a message: "$3,000", or "$2,950 and $3,000". */
function levelsText(a: LevelBreak | LevelChop): string {
  return listText(inOrder(a).map((x) => levelText(x.level)));
}

/** The close a level message was judged on: one level's label beside it; several, labelled: each on its own line. */
function closeLines(a: LevelBreak | LevelChop): Line[] {
  const levels = inOrder(a);
  if (levels.length > 1 && levels.some((l) => l.label !== undefined)) {
    return [[`${a.timeframe} close ${price(a.price)}`], ...levels.map((l): Line => [`${levelText(l.level)}${l.label !== undefined ? ` · ${l.label}` : ''}`])];
  }
  return [[`${a.timeframe} close ${price(a.price)}${a.label !== undefined ? ` · ${a.label}` : ''}`]];
}

/**
 * What the chat is told of one level of a break message, from what it was told of that level before: lost / broke
 * above, or, undoing the last break, reclaimed / fell back below; `kept`, a chop that ended on the side it last heard of.
 */
type BreakVerb = 'lost' | 'broke' | 'reclaimed' | 'failed' | 'kept';

function breakVerb(direction: 'up' | 'down', reclaim: boolean, kept: boolean): BreakVerb {
  if (kept) return 'kept';
  if (direction === 'down') return reclaim ? 'failed' : 'lost';
  return reclaim ? 'reclaimed' : 'broke';
}

/**
 * A break message's headline: each level with the verb of its own history, grouped in the order price met them ("BTC
 * lost $59,800; fell back below $59,800–60,697 (breakout failed)" on Aug 4 2024, where the zone had broken up at 02:30),
 * so the next message on each level reads as its undoing or not ("reclaimed $59,800", "broke above $59,800–60,697").
 */
export function levelBreakHeadline(a: LevelBreak): string {
  const groups: { verb: BreakVerb; levels: LevelValue[] }[] = [];
  for (const x of inOrder(a)) {
    const verb = x.verb!;
    const g = groups.find((y) => y.verb === verb);
    if (g) g.levels.push(x.level);
    else groups.push({ verb, levels: [x.level] });
  }
  const said = groups.map(({ verb, levels }) => {
    const lv = listText(levels.map(levelText));
    switch (verb) {
      case 'lost': return `lost ${lv}`;
      case 'broke': return `broke above ${lv}`;
      case 'reclaimed': return `reclaimed ${lv}`;
      case 'failed': return groups.length === 1 ? `fell back below ${lv}: breakout failed` : `fell back below ${lv} (breakout failed)`;
      case 'kept': return `broke ${a.direction === 'down' ? 'down' : 'up'} out of its chop at ${lv}`;
    }
  });
  return `${a.asset} ${said.join('; ')}`;
}

/**
 * Stretches of price (a close's distance past a range, the buffer it had to beat) to the decimals of the price they are
 * told beside: "$26" and "$17" beside ETH's $3,051, "$3.40" and "$2.25" beside SOL's $128.48, where `price` would print
 * each as a price of its own ($25.88, $2.253). A decimal more where that would print the two alike ("$16.5 … more
 * than its $16.4 buffer", not "$16 … more than its $16 buffer").
 */
function priceGaps(gap: number, buffer: number, at: number): [string, string] {
  const text = (v: number, d: number) => (d === 0 ? price(Math.round(v)) : `$${v.toFixed(d)}`);
  let d = priceDecimals(at);
  while (d < 8 && text(gap, d) === text(buffer, d)) d++;
  return [text(gap, d), text(buffer, d)];
}

/**
 * Two percentages told side by side (a close's distance past a level, the margin it had to pass) to a decimal more
 * where one would print them alike ("1.52% … beyond the 1.50%", not "1.5% … beyond the 1.5%").
 */
function pctGaps(gap: number, margin: number): [string, string] {
  const text = (v: number, d: number) => pct(v, d).replace(/^[+−]/, '');
  let d = 1;
  while (d < 4 && text(gap, d) === text(margin, d)) d++;
  return [text(gap, d), text(margin, d)];
}

/**
 * What made the close that ended a chop decisive, in what the bot measured (not a promise that the chop is over), with
 * the line the rule drew: far beyond the level ("a close 1.9% above it, beyond the 1.5% that ends a chop at once"),
 * held beyond it ("2h of closes below it, the 2h that ends a chop"; soon after a break, the last close far enough too:
 * "2h 30 min of closes below it, the last 1.3% below it: more than the 2h and 0.8% that end a chop this soon after a
 * break"), or out of a range: by how much, past which edge, the buffer it had to beat and how long closes had been
 * beyond the level (ETH $3,100 on Feb 2 2025: "a close $26 below the range it chopped in ($3,076), more than its $17
 * buffer, after 1h 45 min below $3,100", where "a close below $3,076" had been true since 11:45). The chop told is one
 * whose notice named the range the close left, where the message has one: a level whose chop was never said, broken
 * beside one whose notice was, does not quote its own range (SOL's $135 on Aug 5 2024 quoted $131.39 beside the zone
 * said to chop from $131.87); else the lead's, else the first level's whose own rules ended its chop (the one a level
 * taken along names: `joinedChopTexts`), and none when no rule of a level's own ended one. An alert stored before the
 * lines were carried says what it can without them.
 */
function chopEndText(a: LevelBreak): string | undefined {
  const levels = [{ level: a.level, fromChop: a.fromChop }, ...(a.also ?? [])];
  const told = (e: ChopEnd | undefined) => e?.by === 'range' && e.told === true;
  const chosen = levels.find((x) => told(x.fromChop)) ?? levels.find((x) => x.fromChop !== undefined && x.fromChop.by !== 'joined');
  const end = chosen?.fromChop;
  if (!chosen || !end || end.by === 'joined') return undefined;
  const level = chosen.level;
  const side = a.direction === 'down' ? 'below' : 'above';
  const [lo, hi] = bounds(level);
  const edge = a.direction === 'down' ? lo : hi;
  // With several levels in the message, the one whose chop ended is named.
  const it = a.also?.length ? levelText(level) : 'it';
  const count = chopCountText(end, a.ts);
  let what: string;
  let after = count;
  if (end.by === 'far') {
    const [gap, margin] = pctGaps(Math.abs(a.price - edge) / edge, (end.margin ?? 0) / edge);
    what = `a close ${gap} ${side} ${it}${end.margin !== undefined ? `, beyond the ${margin} that ends a chop at once` : ''}`;
  } else if (end.by === 'held') {
    what = `${duration(end.heldMs)} of closes ${side} ${it}`;
    if (end.decisiveMs !== undefined) {
      const hours = `${end.heldMs > end.decisiveMs ? 'more than ' : ''}the ${duration(end.decisiveMs)}`;
      if (end.clear === undefined) what += `, ${hours} that ends a chop`;
      else {
        const [gap, clear] = pctGaps(Math.abs(a.price - edge) / edge, end.clear / edge);
        what += `, the last ${gap} ${side} it: ${hours} and ${clear} that end a chop this soon after a break`;
      }
    }
  } else {
    // The edge it left, not the whole range: a crash through the chop's day stretches the far side to where the
    // chat never saw it chop ("the $92,765–$100,434 range" of BTC $99,501 on Feb 3 2025).
    // With several, the range is the named level's own (the zone the chat was told chops may be another of them).
    const left = a.direction === 'down' ? end.range[0] : end.range[1];
    if (end.buffer === undefined || end.heldMs === undefined) what = `a close ${side} ${price(left)}, the ${a.direction === 'down' ? 'bottom' : 'top'} of the range ${it} chopped in`;
    else {
      const [gap, buffer] = priceGaps(Math.abs(a.price - left), end.buffer, a.price);
      what = `a close ${gap} ${side} the range ${it} chopped in (${price(left)}), more than its ${buffer} buffer`;
      const held = `${duration(end.heldMs)} ${side} ${a.also?.length ? 'it' : levelText(level)}`;
      after = count ? `${held} and ${count}` : held;
    }
  }
  return `Decisive: ${what}${after ? `, after ${after}` : ''}.`;
}

/**
 * Chopping levels the close took along with another's break on their price line (`joinCrossed`), not by rules of their
 * own: why a level the chat may have been told chops is in the message, one sentence per break that took levels along,
 * in the message's order. BTC's $112,615.3, said at 01:30 on Oct 11 2025 to chop with $111,501 ("no more alerts on
 * these levels until a close … over $115,955 … after 45 min beyond one of them, a close over $118,516, or 2h of closes
 * above one of them"), was reclaimed at 16:15 on Oct 12 on a close of $113,823 with $112,500, within half a buffer below it:
 * "$112,615.3 ended its chop with $112,500's break on the same close", where the message had said nothing of why.
 */
function joinedChopTexts(a: LevelBreak): string[] {
  const order = inOrder(a).map((x) => x.level);
  const joined = [{ level: a.level, fromChop: a.fromChop }, ...(a.also ?? [])].flatMap(({ level, fromChop: end }) => (end?.by === 'joined' ? [{ level, with: end.with }] : []));
  const groups = new Map<string, { with: LevelValue; levels: LevelValue[] }>();
  for (const x of joined.sort((p, q) => order.indexOf(p.level) - order.indexOf(q.level))) {
    const key = levelText(x.with);
    const g = groups.get(key) ?? { with: x.with, levels: [] };
    g.levels.push(x.level);
    groups.set(key, g);
  }
  return [...groups.values()].map((g) => `${listText(g.levels.map(levelText))} ended ${g.levels.length === 1 ? 'its chop' : 'their chops'} with ${levelText(g.with)}'s break on the same close.`);
}

/**
 * A break's liquidations of the last hour: what `/liqs ASSET 1h` says at that moment. `hourly` (the venues the figure
 * counts from vendor hourly totals, as a summary's `coverage.hourly`) says so, with the hours where they are not the
 * window's own ("with hourly totals" at 14:00 or 14:00:30). A vendor's hour counts only whole inside the window
 * (`hoursCounted`): at 12:30, 11:00–12:00 is half before it, and the figure is the single orders' alone.
 */
function lastHourText(liq: { side: PositionSide; usd: number; windowMs: number; hourly?: readonly string[] }, ts: number): string {
  const said = `${usd(liq.usd)} ${sideWord(liq.side)} liquidated in the last hour`;
  const [from, to] = hoursCounted(ts - liq.windowMs, ts);
  if (!liq.hourly?.length || from >= to) return said;
  return `${said} (with hourly totals${from === ts - liq.windowMs && to === ts ? '' : ` ${clockRange(from, to, ts)}`})`;
}

function levelBreak(a: LevelBreak): Reply {
  const head = levelBreakHeadline(a);
  const liq = a.liquidations;
  const lines: Line[] = [];
  if (liq?.cascade) lines.push([toned(`A ${sideWord(liq.side, 1)} liquidation cascade is running.`, sideTone(liq.side), true)]);
  lines.push(...closeLines(a));
  const decisive = chopEndText(a);
  if (decisive) lines.push([decisive]);
  for (const joined of joinedChopTexts(a)) lines.push([joined]);
  // A chop that ended on the side the chat last heard of leaves the level's role as it was.
  const still = inOrder(a).every((x) => x.verb === 'kept');
  lines.push([`${a.also?.length ? 'They' : 'It'} ${still ? 'still' : 'now'} act${a.also?.length ? '' : 's'} as ${a.direction === 'down' ? 'resistance' : 'support'}.`]);
  return {
    title: [`${a.direction === 'down' ? '⬇️' : '⬆️'} ${head}${liq ? `; ${lastHourText(liq, a.ts)}` : ''}`],
    blocks: [lines],
    tone: a.direction === 'down' ? 'long' : 'short',
  };
}

/**
 * What ends a chop's quiet, in figures a trader can watch (`ChopQuiet`): a close out of the range by a buffer once closes
 * have stayed beyond the level for a while, either way (on the side the chat last heard of, told as the chop's end:
 * "broke down out of its chop at $97,680"); back across, a close far beyond the level, or hours of closes beyond it.
 * "Until a close out of this range" alone promised more: ETH's $3,100 (Feb 2 2025) closed under its $3,076 bottom at
 * 11:45, 12:00, 12:30 and 12:45 without a word, the buffer and the 45 minutes not said.
 */
function quietText(a: LevelChop): string {
  const several = a.also?.length;
  const these = several ? 'these levels' : 'this level';
  const them = several ? 'them' : 'it';
  const e = a.ends;
  // An alert stored before it carried its figures.
  if (!e) return `No more alerts on ${these} until a close out of this range, or a decisive close back across ${them}.`;
  const sides = [
    { word: 'under', out: e.out[0], now: e.atOnce?.below, nearer: (x: number) => x >= e.out[0] },
    { word: 'over', out: e.out[1], now: e.atOnce?.above, nearer: (x: number) => x <= e.out[1] },
  ];
  // A side whose line without the wait is as near as the range's (or prints as it) needs no wait: a close past it ends
  // the quiet at once.
  const waits = sides.filter((x) => x.now === undefined || !(x.nearer(x.now) || price(x.now) === price(x.out))).map((x) => `${x.word} ${price(x.out)}`);
  const sooner = sides.flatMap((x) => (x.now === undefined ? [] : [`${x.word} ${price(x.now)}`]));
  const ends = [
    ...(waits.length ? [`a close ${waits.join(' or ')} (the range and a buffer, as price and volatility move them) after ${duration(e.confirmMs)} beyond ${several ? 'one of them' : levelText(a.level)}`] : []),
    ...(sooner.length ? [`a close ${sooner.join(' or ')}`] : []),
  ];
  if (!e.across) return `No more alerts on ${these} until ${ends.join(', ')}, or a decisive close back across ${them}.`;
  const flip = !e.flip ? '' : e.flip.price !== undefined ? ` (before ${whenWord(e.flip.until, a.ts)}, with the last ${e.across === 'above' ? 'over' : 'under'} ${price(e.flip.price)})` : ` (ending ${whenWord(e.flip.until, a.ts)} or later)`;
  return `No more alerts on ${these} until ${ends.join(', ')}, or ${duration(e.decisiveMs)} of closes ${e.across} ${several ? 'one of them' : 'it'}${flip}.`;
}

function levelChop(a: LevelChop): Reply {
  const lines = [...closeLines(a), [quietText(a)]];
  const count = chopCountText(a, a.ts);
  return {
    title: [`↔️ ${a.asset} chopping around ${levelsText(a)} between ${price(a.range[0])} and ${price(a.range[1])}${count ? `: ${count}` : ''}`],
    blocks: [lines],
    tone: 'neutral',
    quiet: true,
  };
}

function flushLeaders(a: MarketFlush | MarketFlushUpdate | MarketFlushEnd): Line[] {
  const leaders = a.leaders.map((l) => `${l.asset} ${usd(l.usd)} (${share(l.share)})`).join(' · ');
  const others = a.assetCount - a.leaders.length;
  const lines: Line[] = [[`Led by ${leaders}${others > 0 ? `, and ${others} more` : ''}`]];
  // Each leader's move since the flush began, and its low (or high) since: to its end once it is over.
  const moves = a.leaders.filter((l) => l.changePct !== undefined);
  if (moves.length) {
    const extreme = a.side === 'long' ? 'low' : 'high';
    lines.push([
      a.kind === 'market_flush_end' ? 'Price during it: ' : `Price since ${whenWord(a.startedAt, a.ts)}: `,
      ...moves.flatMap((l, i) => [
        ...(i ? [' · '] : []),
        `${l.asset} `,
        toned(pct(l.changePct! / 100), l.changePct! >= 0 ? 'up' : 'down'),
        ...(l.extreme !== undefined ? [` (${extreme} ${price(l.extreme)})`] : []),
      ]),
    ]);
  }
  return lines;
}

/**
 * Live, what the tally counts, said as the bot knows it: every contract on the venues whose all-market stream fed it,
 * the watched assets on the others ("Counts every contract on Binance, OKX; the 6 watched assets on Bybit, Gate.").
 * Nothing offline: a file counts every asset it holds.
 */
function flushCounted(a: MarketFlush | MarketFlushUpdate | MarketFlushEnd): Line[] {
  if (!a.counted) return [];
  const every = a.counted.everyContract;
  const rest = a.exchanges.filter((ex) => !every.includes(ex));
  const watched = `the ${a.counted.assets === 1 ? 'watched asset' : `${a.counted.assets} watched assets`}`;
  if (!every.length) return [[toned(`Counts ${watched} only.`, 'muted')]];
  return [[toned(`Counts every contract on ${venueNames(every)}${rest.length ? `; ${watched} on ${venueNames(rest)}` : ''}.`, 'muted')]];
}

function marketFlush(a: MarketFlush): Reply {
  // The start is said once: in the leaders' "Price since 16:50:" where they have moves, else on a line of its own.
  const since: Line[] = a.leaders.some((l) => l.changePct !== undefined) ? [] : [[toned(`Since ${whenWord(a.startedAt, a.ts)}`, 'muted')]];
  return {
    title: [`${a.side === 'long' ? '🔻' : '🔺'} Market-wide ${sideWord(a.side, 1)} flush${legTag(a, (leg) => `, ${leg}`)}: ${usd(a.usd)} of ${sideWord(a.side)} liquidated in ${Math.round(a.windowMs / MINUTE)} min across ${a.assetCount} assets`],
    blocks: [[...(a.previousLeg ? [legLine(a.previousLeg, a.startedAt, a.ts)] : []), ...flushLeaders(a), ...flushCounted(a), ...since], sampledNote(a.sampled)].filter((x) => x.length),
    tone: sideTone(a.side),
  };
}

function marketFlushUpdate(a: MarketFlushUpdate): Reply {
  return {
    title: [`${a.side === 'long' ? '🔻' : '🔺'} Market-wide ${sideWord(a.side, 1)} flush${legTag(a)} · running`],
    blocks: [
      [
        [toned(`${usd(a.usd)} of ${sideWord(a.side)} liquidated so far across ${a.assetCount} assets`, sideTone(a.side), true), ` (since ${whenWord(a.startedAt, a.ts)}, ${clockDuration(a.startedAt, a.ts)})`],
        ...flushLeaders(a),
        ...flushCounted(a),
      ],
      sampledNote(a.sampled),
    ].filter((x) => x.length),
    tone: sideTone(a.side),
  };
}

function marketFlushEnd(a: MarketFlushEnd): Reply {
  return {
    title: [`Market-wide ${sideWord(a.side, 1)} flush over${legTag(a, (leg) => ` (${leg})`)}`],
    blocks: [
      [
        [toned(`${usd(a.usd)} of ${sideWord(a.side)} liquidated across ${a.assetCount} assets`, sideTone(a.side), true), ` in ${clockDuration(a.startedAt, a.endedAt)} (${clockRange(a.startedAt, a.endedAt, a.ts)})`],
        ...flushLeaders(a),
        ...flushCounted(a),
      ],
      sampledNote(a.sampled),
    ].filter((x) => x.length),
    tone: sideTone(a.side),
  };
}

/**
 * A running message closed by its end: the chat's "· running" message, edited one last time, says it is over with the
 * end's total and time, so one scrolled back to is not read as live. The end itself is the post below it.
 */
export function runningClosedReply(a: Alert): Reply {
  if (a.kind !== 'cascade_end' && a.kind !== 'market_flush_end') return alertReply(a);
  const what = `${a.kind === 'cascade_end' ? `${a.asset} ${sideWord(a.side, 1)} cascade` : `Market-wide ${sideWord(a.side, 1)} flush`}${legTag(a)}`;
  const across = a.kind === 'market_flush_end' ? ` across ${a.assetCount} assets` : '';
  return stamped({
    title: [`${a.side === 'long' ? '🔻' : '🔺'} ${what} · over`],
    blocks: [
      [
        [toned(`${usd(a.usd)} of ${sideWord(a.side)} liquidated${across}`, sideTone(a.side), true), ` in ${clockDuration(a.startedAt, a.endedAt)} (${clockRange(a.startedAt, a.endedAt, a.ts)})`],
        [toned('See the summary below.', 'muted')],
      ],
    ],
    tone: sideTone(a.side),
  }, a.ts);
}

const ALERT_REPLIES: { [K in AlertKind]: (a: Extract<Alert, { kind: K }>) => Reply } = {
  cascade: cascadeStart,
  cascade_update: cascadeUpdate,
  cascade_end: cascadeEnd,
  level_break: levelBreak,
  level_chop: levelChop,
  market_flush: marketFlush,
  market_flush_update: marketFlushUpdate,
  market_flush_end: marketFlushEnd,
  digest: (a) => digestReply(a.digest, { synthetic: a.synthetic === true }),
};

/**
 * An alert as a chat reads it. Its times of day are told in the display zone, which a platform does not show (Telegram
 * stamps a message in the reader's own zone): like every reply, it ends with its moment and that zone (`stamped`).
 */
export function alertReply(a: Alert): Reply {
  return stamped((ALERT_REPLIES[a.kind] as (x: Alert) => Reply)(a), a.ts);
}
