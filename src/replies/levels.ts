/**
 * `/levels` as a neutral Reply: each level's role and state, how the structure reads after a move, and the
 * levels that sit on an estimated liquidation cluster.
 */
import { bounds, type LevelView, type Role } from '../core/levels.js';
import type { LiqMap } from '../core/liqmap.js';
import type { LevelReading, ReadLevel } from '../core/market-view.js';
import type { Coverage } from '../core/summary.js';
import { MINUTE } from '../core/time.js';
import { coverageLine, hasLiquidationData } from './coverage.js';
import { breakWord, levelText, pct, price, sideWord, usd, whenWord } from './format.js';
import { levelClusterLines } from './liqmap.js';
import { b, toned, type Line, type Reply } from './reply.js';
import type { Proposal } from '../core/proposals.js';
import { storyMarker } from './proposals.js';
import { chopCountText } from './chop.js';

/** A price older than this when /levels answers is told with its time. */
const STALE_PRICE_MS = 60 * 60_000;

/**
 * Prints newer than the price by more than this make it a price of before them (the rule of `PriceBook.current`: a feed
 * of ticks or 1m candles is never this far behind a print, a 5m or 15m candle's close often is).
 */
const PRINTS_NEWER_MS = 2 * MINUTE;

/** The time of the last print, where the asset's prints came after the price shown by more than `PRINTS_NEWER_MS`. */
function printsSincePrice(st: LevelReading): number | undefined {
  const p = st.printsAfterPrice;
  return p && st.priceTs !== undefined && p.lastTs - st.priceTs > PRINTS_NEWER_MS ? p.lastTs : undefined;
}

function stateWords(v: LevelView, now: number): string {
  const br = v.lastBreak;
  switch (v.baseState) {
    case 'broken':
      return br ? `${breakWord(br.direction, false)} ${whenWord(br.ts, now)}` : 'broken';
    case 'reclaimed':
    case 'failed_breakout':
      return br ? `${breakWord(br.direction, true)} ${whenWord(br.ts, now)}` : v.baseState === 'reclaimed' ? 'reclaimed' : 'failed breakout';
    case 'holding':
      return 'holding';
  }
}

function levelName(v: LevelView): string {
  return `${levelText(v.level.level)}${v.level.label ? ` ${v.level.label}` : ''}`;
}

/**
 * Levels as the price areas a reading names: a level within a zone of `levels` or within the zone price is in (its
 * edges inside the zone's) is that zone's area, not a hurdle of its own. Else a reading named the zone
 * $119,200–120,988 as the hurdle and $120,000, inside it, as what invalidates the breakdown.
 */
function areas(levels: ReadLevel[], inside: ReadLevel | undefined): ReadLevel[] {
  const zones = [...levels, ...(inside ? [inside] : [])].filter((z) => typeof z.level.level !== 'number');
  const within = (v: LevelView, z: LevelView): boolean => {
    const [lo, hi] = bounds(v.level.level), [zl, zh] = bounds(z.level.level);
    // Two zones of the same edges are one area: the first listed stands for both.
    return z !== v && zl <= lo && hi <= zh && (zh - zl > hi - lo || zones.indexOf(z) < zones.indexOf(v));
  };
  return levels.filter((v) => !zones.some((z) => within(v, z)));
}

/**
 * A level's role on the side the last confirmed close left it on, not the side price is on now: the reading's. A level
 * price is across with no close to confirm it (`crossed`: its row says both, "price back above · lost …, no reclaim
 * yet", as the chart's tag and `--json`'s `confirmedRole` do) stays what it was: BTC's $80,000, lost on Apr 6 2025 at 18:30 and reclaimed on Apr 8 at 02:00, is resistance at 14:20
 * on Apr 7 when one 5m close in a spike ($80,202.5) is above it (the 15m closes $79,529.5 and $78,117.5), not "the
 * floor"; ETH's $2,644, reclaimed at 21:15 on Jan 31 2026 and dipped under by $0.20 at midnight, is the floor tested
 * from below, not resistance. A zone price is inside is the zone price is in.
 */
function confirmedRole(v: ReadLevel): Role {
  const across = crossed(v);
  return across === 'above' ? 'resistance' : across === 'below' ? 'support' : v.role;
}

/** How a reading counts a level: on its confirmed side (`confirmedRole`), or, where price keeps crossing it (`chopping`), as neither a floor nor a ceiling. */
function countedAs(v: ReadLevel): Role | 'chopping' {
  return v.state === 'chopping' && v.role !== 'inside' ? 'chopping' : confirmedRole(v);
}

/**
 * The side price is across a level on, from the side the chat was told: none for a zone set around price and not yet
 * left by a close (no side was ever told; its row's "testing from above" is only where price is), nor for a level no
 * close has put on a side (`unconfirmed`: the side it was set on is a print's or a tick's), which count where price is.
 * The chart's tag and `levels --json` read it too (`confirmedRole` there), so all three say the same two facts.
 */
export function crossed(v: ReadLevel): LevelView['across'] {
  return v.sideUntold || v.unconfirmed ? undefined : v.across;
}

/**
 * Both facts of a level price is across from its confirmed side (`crossed`), in place of one role word that one of them
 * contradicts: where price is ("price back above": "back" where a break was told, a side price has been on), and what
 * the closes told with the break no close has confirmed yet ("lost 15:45, no reclaim yet"; a level never broken, its
 * role: "support, not lost yet"). What confirms it (a close beyond the buffer, closes held, a decisive close soon after
 * a break or in a chop) is the level book's rule, not said here: a close beyond the buffer may not be enough.
 */
function acrossWords(v: ReadLevel, across: 'above' | 'below', now: number): { where: string; told: string } {
  const told = v.baseState === 'holding' ? (across === 'above' ? 'resistance' : 'support') : stateWords(v, now);
  const pending = across === 'below' ? 'not lost yet' : v.baseState === 'broken' && v.lastBreak?.direction === 'down' ? 'no reclaim yet' : 'no breakout yet';
  return { where: `price ${v.lastBreak ? 'back ' : ''}${across}`, told: `${told}, ${pending}` };
}

/** Where price is of a level no close has put on a side, in place of a role: "price below", "price inside". */
function priceSide(v: LevelView): string {
  return v.role === 'support' ? 'price above' : v.role === 'resistance' ? 'price below' : 'price inside';
}

/** How the structure reads after a move, the way the reports do: what holds, what must be reclaimed. */
export function structureReading(st: LevelReading): Line[] {
  if (st.price === undefined || st.levels.length === 0) return [];
  const lines: Line[] = [];
  // Nearest first by the edge price meets, as the rows' distances would order them, whichever side price is on now.
  const supports = st.levels.filter((v) => countedAs(v) === 'support').sort((a, b) => bounds(b.level.level)[1] - bounds(a.level.level)[1]);
  const resistances = st.levels.filter((v) => countedAs(v) === 'resistance').sort((a, b) => bounds(a.level.level)[0] - bounds(b.level.level)[0]);
  const inside = st.levels.find((v) => v.role === 'inside');
  const chopping = areas(st.levels.filter((v) => countedAs(v) === 'chopping'), inside);
  const lostAbove = resistances.filter((v) => v.baseState === 'broken' && v.lastBreak?.direction === 'down');
  const brokeBelow = supports.filter((v) => v.baseState === 'broken' && v.lastBreak?.direction === 'up');
  // A running cascade is the news; else the last one of the day.
  const c = st.runningCascade ?? st.lastCascade;
  if (c && c.extreme !== undefined) {
    const long = c.side === 'long';
    const extreme = c.extreme;
    const what = `the cascade ${long ? 'low' : 'high'} ${price(extreme)}`;
    // How far price now sits from the extreme, in the direction away from the flush, in percent of price as the
    // level rows read (negative: beyond it).
    const away = ((long ? st.price - extreme : extreme - st.price) / st.price) * 100;
    const past = long ? 'below' : 'above';
    const floor = long ? 'floor' : 'top';
    // Through the extreme by any amount the reply can show: a price that prints as the extreme itself is at it. Price
    // $99,507 under the $99,541 low is under it, 0.03% or not.
    const through = (p: number): boolean => (long ? p < extreme : p > extreme) && price(p) !== price(extreme);
    // Whether the extreme held is read on every price since the cascade ended (the fills the book holds among them), not
    // on price now: past a slack of 0.3% in the bar the cascade ended in, whose low can be the cascade's own (a 15m
    // candle's $99,740 under its fills' $99,758 low), by any amount the reply can show in a later one (Jan 27 2025: the
    // 17:20 candle's $99,013, 0.21% under BTC's $99,226 low of 17:08, is a trip under it, not "stabilized near").
    const all = st.sinceCascade && (long ? st.sinceCascade.low : st.sinceCascade.high);
    const later = st.sinceCascade?.later && (long ? st.sinceCascade.later.low : st.sinceCascade.later.high);
    const pastSlack = all !== undefined && (long ? all < extreme * 0.997 : all > extreme * 1.003);
    const broke = pastSlack || (later !== undefined && through(later));
    // The price a trip past it is quoted at: a later bar's where only that counts (the ending bar's can be the cascade's own).
    const since = pastSlack || !broke ? all : later;
    const side = long ? 'above' : 'below';
    const after = `After ${usd(c.usd)} of ${sideWord(c.side)} liquidated, `;
    // "Stabilized", or "too soon to call it a floor", is a claim about now: neither while price or a fill is already past
    // the extreme, "stabilized" neither while forced selling runs market-wide on this asset nor on a price older than
    // the prints (BTC on Jan 27 2025 at 17:10: a flush running, a fill at $99,226 at 17:08, a 17:00 price above the
    // $99,541 low; at 17:12 price $99,507, under it, the fill now older than the price). What is known is said instead.
    const flush = st.runningFlushes?.find((f) => f.side === c.side);
    const farthest = long ? st.printsAfterPrice?.low : st.printsAfterPrice?.high;
    const beyond = farthest && through(farthest.price) ? farthest : undefined;
    const printsTo = printsSincePrice(st);
    const running = flush && `a market-wide ${sideWord(c.side, 1)} flush is still running (since ${whenWord(flush.startedAt, st.ts)})`;
    const filled = beyond && `a liquidation filled at ${price(beyond.price)} at ${whenWord(beyond.ts, st.ts)}, ${past} ${what}`;
    // Price past the extreme now, and how far prices went since where that was farther than price is.
    const farther = since !== undefined && broke && price(since) !== price(st.price) && (long ? since < st.price : since > st.price);
    const gone = through(st.price) && `price has since gone ${past} ${what}${farther ? ` (as ${long ? 'low' : 'high'} as ${price(since)})` : ''}`;
    const back = since !== undefined && broke && `price went ${past} ${what} since (to ${price(since)}) and is back ${away <= 0.3 ? 'at' : side} it`;
    if (!c.endedAt) lines.push([`${after}price is still moving; ${what} so far.`]);
    else if (gone) lines.push([`${after}${running ? `${running}, and ` : ''}${gone}: no ${floor} yet.`]);
    else if (running && filled) lines.push([`${after}${running}, and ${filled}.`]);
    else if (filled) lines.push([`${after}${filled}: no ${floor} yet.`]);
    else if (back) lines.push([`${after}${running ? `${running}; ` : ''}${back}.`]);
    else if (running) lines.push([`${after}${running}: too soon to call ${what} a ${floor}.`]);
    // A price of before the last prints: what held is said to when, and a price of before the cascade's own end (its
    // last strong print) says nothing of whether its extreme held.
    else if (printsTo !== undefined) {
      lines.push([st.priceTs! < c.endedAt
        ? `${after}no price since it ended (${whenWord(c.endedAt, st.ts)}): too soon to say whether ${what} holds.`
        : `${after}${what} has held so far (prices to ${whenWord(st.priceTs!, st.ts)}, liquidation prints to ${whenWord(printsTo, st.ts)}).`]);
    }
    else if (away <= 3) lines.push([`${after}price stabilized near ${what}.`]);
    // The gap as the extreme's row says it, in percent of price: "the low is 11% below price" beside "$2,357 cascade low ·
    // … · −11%", not "price is 11% above it" (from the low, price $2,644 is 12% above $2,357).
    else lines.push([`${after}price stabilized ${side} ${what}, which held; the ${long ? 'low' : 'high'} is ${pct(away / 100).replace(/^[+−]/, '')} ${past} price.`]);
  }
  if (inside) lines.push([`Price is inside ${levelText(inside.level.level)}: a close outside it decides the next leg.`]);
  for (const v of chopping) {
    // As its row counts it; what it is not, until a close decides (the chop notice's promise).
    const count = v.chop && chopCountText(v.chop, st.ts);
    lines.push([b(levelText(v.level.level)), ` is chopping${count ? ` (${count})` : ''}: neither a floor nor a ceiling until a decisive close.`]);
  }
  // The floor is the nearest support's area (a zone, not a level inside it or on its edge), and the next floor is the first
  // support a close below it exposes (`exposes`): not a level inside a zone or on its low edge, nor one the close that
  // breaks the floor is already past, or price is already at.
  const floors = areas(supports, inside);
  const s1 = floors[0];
  if (s1) {
    const next = floors.find((v) => exposes(s1, v, st.price!));
    lines.push([
      // A floor price is under with no close to confirm it is being tested, not held; one no close has put price above
      // is only where price is (`unconfirmed`), not a floor that held.
      crossed(s1) ? `Price is testing the floor ` : s1.unconfirmed ? `Price is above ` : `Holding `, b(levelText(s1.level.level)),
      crossed(s1) ? ` from below; a close below it would expose ` : s1.unconfirmed ? ` with no ${s1.unconfirmed} close beyond it yet; a close below it would expose ` : ` keeps the floor; a close below it would expose `,
      next ? b(levelText(next.level.level)) : 'deeper downside',
      // A claim about forced selling needs the liquidation data behind it: a long cascade seen in the last day. Said as
      // what the close would mean, not as a reading of now (price may have stabilized since).
      lostAbove.length && c?.side === 'long' ? ' and say the forced selling is not over.' : '.',
    ]);
  }
  // The lost areas from the nearest (the hurdle) to the farthest, whose top edge a reclaim must clear (the invalidation);
  // the areas broken up below, from the nearest to the farthest, whose low edge losing undoes the breakout.
  const lost = areas(lostAbove, inside).sort((x, y) => bounds(x.level.level)[0] - bounds(y.level.level)[0]);
  const broke = areas(brokeBelow, inside).sort((x, y) => bounds(y.level.level)[1] - bounds(x.level.level)[1]);
  const invalidation = lost[lost.length - 1];
  if (invalidation) {
    const first = lost[0]!;
    // Price already above the nearest lost level, no close confirming a reclaim: both facts, not "acceptance back above"
    // asked of a price that is there (ETH at 20:10 on Jan 31 2026: $2,576, 15m closes above $2,500 since 18:45, reclaimed
    // at 20:15 on the rules' close).
    if (first !== invalidation) {
      lines.push(crossed(first)
        ? [`Price is back above `, b(levelText(first.level.level)), ` (lost ${whenWord(first.lastBreak!.ts, st.ts)}) with no reclaim yet: a close that reclaims it would improve structure.`]
        : [`Support turned resistance at `, b(levelText(first.level.level)), `: acceptance back above it would improve structure.`]);
    }
    lines.push([`Reclaiming `, b(levelText(invalidation.level.level)), ` would invalidate the breakdown; until then rebounds are reactive.`]);
  }
  const undo = broke[broke.length - 1];
  if (undo) {
    const first = broke[0]!;
    lines.push(first === undo
      ? [`Resistance turned support at `, b(levelText(first.level.level)), `: losing it would undo the breakout.`]
      : [`Resistance turned support at `, b(levelText(first.level.level)), `; losing `, b(levelText(undo.level.level)), ` would undo the breakout.`]);
  }
  // No resistance above price (nor support below it): no level lies that way, or only levels price is across on no
  // confirmed close, or chopping ones (`listEnd`).
  if (!resistances.some((v) => v.role === 'resistance') && !inside && st.dayRange) {
    // Every level below price (a squeeze through them all): the day's high is what the data says lies above.
    lines.push([`No level above ${listEnd(st, 'high')} on this list; ${dayExtremeWords(st, 'high')}.`]);
  }
  if (!brokeBelow.length && !inside) {
    // The next resistance, beyond what the breakdown lost when it lost any: a level that turned a breakout back
    // (a failed breakout) is the hurdle after the reclaim.
    const top = invalidation ? bounds(invalidation.level.level)[1] : -Infinity;
    const next = resistances.find((v) => bounds(v.level.level)[0] > top);
    // A resistance price is above with no close to confirm it is tested, not a distance away.
    if (next) lines.push([invalidation ? `Above it, next resistance ` : `Next resistance `, b(levelText(next.level.level)), ` (${crossed(next) ? `testing from ${crossed(next)}` : pct(next.distancePct / 100)}).`]);
  }
  if (!supports.some((v) => v.role === 'support') && !inside) {
    // Every level above price (a flush through them all): where the floor is, the list cannot say. The command is said
    // as syntax: a zone the bot made up ("2425-2450", $50 under price) reads as a level it found.
    // Where the prices cover the day, its low is the reference the data has (ETH at 02:10 on Feb 3 2025: $2,334, the
    // $2,080 low of 02:05 said nowhere).
    const add = `/level add ${st.asset.toLowerCase()} LOW-HIGH`;
    lines.push(st.dayRange
      ? [`No level below ${listEnd(st, 'low')} on this list; ${dayExtremeWords(st, 'low')}. Admins can add a level with `, b(add), `.`]
      : [`No level below ${listEnd(st, 'low')} on this list: admins can add one with `, b(add), `.`]);
  }
  return lines;
}

/**
 * Whether a close below the floor `s1` exposes the support `v` (wholly below the floor): some of `v` lies beyond where
 * such a close already is, and beyond where price already is. Not a level the close that breaks the floor has broken
 * too, within the floor's break buffer under its low edge ($2,499.6 under a $2,500 floor with a $7.50 buffer is the same
 * floor), nor one price is across on no confirmed close or within its own buffer of ($2,643, 0.03% under price $2,643.8,
 * while the floor $2,645 is tested from below, is where price is); a zone whose top is that near but whose low edge
 * reaches farther is still where the close would take price ($97,680–99,145 under $99,501). A view without a buffer is
 * judged on the edges alone.
 */
function exposes(s1: ReadLevel, v: ReadLevel, at: number): boolean {
  const floor = bounds(s1.level.level)[0];
  const [lo, hi] = bounds(v.level.level);
  return hi < floor && lo < floor - (s1.buffer ?? 0) && lo < at - (v.buffer ?? 0) && !crossed(v);
}

/**
 * Where the list ends on one side: its last level beyond price that way, or price where none is. "No level below $80,000"
 * where price poked above BTC's lost $80,000 on Apr 7 2025, not "No level below $80,203" with $80,000 listed under it.
 */
function listEnd(st: LevelReading, side: 'low' | 'high'): string {
  const edge = (v: LevelView): number => bounds(v.level.level)[side === 'low' ? 0 : 1];
  const past = (p: number, than: number): boolean => (side === 'low' ? p < than : p > than);
  const last = st.levels.reduce((x, v) => (past(edge(v), edge(x)) ? v : x));
  return past(edge(last), st.price!) ? levelText(last.level.level) : price(st.price!);
}

/** The day's low or high as a reference beside price: "the 24h low was $2,080 at 02:05", or price is at it. */
function dayExtremeWords(st: LevelReading, side: 'low' | 'high'): string {
  const x = st.dayRange![side];
  // Quoted alike, price is there: a time of it would only say the bar price is in.
  return price(x.price) === price(st.price!) ? `price is at its 24h ${side}` : `the 24h ${side} was ${price(x.price)} at ${whenWord(x.ts, st.ts)}`;
}

/**
 * `/levels ASSET`. `stories` holds the proposals the chat's levels were adopted from (by level id): each such row
 * says who proposed it and its 👍, and a "Why?" button answers with the stories. `file`: the answer is a data file's
 * (`liqbot levels`), where no chat admin adds levels: with none yet, it says when the file sets its first
 * (`firstLevelAt`, after `st.ts`), if it does.
 */
export function levelsReply(st: LevelReading, coverage: Coverage, map?: LiqMap, stories?: ReadonlyMap<string, Proposal>, file?: { firstLevelAt?: number }): Reply {
  const title: Line = [`${st.asset} levels${st.price !== undefined ? ` · ${price(st.price)}` : ''}`];
  if (st.levels.length === 0) {
    // Syntax, not a zone near price: one the bot made up, labelled "prior support", reads as a level it found.
    const none: Line[] = file
      ? [[`No ${st.asset} level as of ${whenWord(st.ts, st.ts)}: the file sets ${file.firstLevelAt !== undefined ? `its first at ${whenWord(file.firstLevelAt, st.ts)}` : 'none'}.`]]
      : [[`No ${st.asset} levels yet.`], [`Chat admins add one with /level add ${st.asset.toLowerCase()} LOW-HIGH "prior support".`]];
    return { title, blocks: [none], footer: coverageLine(coverage, st.ts, 'the last 24h'), tone: 'info' };
  }
  const head: Line[] = [];
  if (st.price !== undefined && st.priceTs !== undefined && st.ts - st.priceTs > STALE_PRICE_MS) {
    // States read against a price hours old say so: nothing has traded here since, as far as the bot saw.
    head.push([`Last price ${price(st.price)} at ${whenWord(st.priceTs, st.ts)}: no price since, so the states below are as of then.`]);
  } else if (st.price !== undefined) {
    // A price of before the asset's last prints (a 15m close, prints since) says its time beside them.
    const printsTo = printsSincePrice(st);
    head.push([
      `Price ${price(st.price)}${printsTo !== undefined ? ` at ${whenWord(st.priceTs!, st.ts)}` : ''}`,
      ...(st.change24hPct !== undefined ? [' ', toned(`(${pct(st.change24hPct / 100)} 24h)`, st.change24hPct >= 0 ? 'up' : 'down')] : []),
      ...(printsTo !== undefined ? [`, before the last liquidation print (${whenWord(printsTo, st.ts)})`] : []),
    ]);
  } else head.push(['No price yet: states update once prices arrive.']);
  const rows: Line[] = st.levels.map((v) => {
    const story = stories?.get(v.level.id);
    // No price, no state: only the level itself.
    if (v.state === 'unknown') return [b(levelName(v)), ...(story ? [storyMarker(story)] : [])];
    // No close has put price on a side of it: where price is now, and that no close says more ("price below · no 15m
    // close beyond it yet"; "testing" at it, inside a zone, or across the side it was set on), never "holding" nor a role.
    if (v.unconfirmed) {
      return [
        b(levelName(v)),
        ` · `,
        toned(priceSide(v), 'warn'),
        ` · ${v.state === 'testing' ? 'testing, ' : ''}no ${v.unconfirmed} close beyond it yet${v.role === 'inside' ? '' : ` · ${pct(v.distancePct / 100)}`}`,
        ...(v.level.source === 'cascade' ? [toned(' · auto', 'muted')] : []),
        ...(story ? [storyMarker(story)] : []),
      ];
    }
    // Price across the level from its confirmed side, no close confirming a break (`crossed`): both facts, neither role
    // alone. "Resistance" beside a price 3% above it and 15m closes above it for 1h25m (ETH's $2,500 at 20:10 on Jan 31
    // 2026, reclaimed on the rules' 20:15 close) contradicts the price; "support" (the chart's and --json's role by price)
    // contradicts the closes: "price back above · lost 15:45, no reclaim yet". The reading counts it on its confirmed
    // side all the same (`confirmedRole`: the hurdle, not the floor).
    const across = crossed(v);
    if (across) {
      const { where, told } = acrossWords(v, across, st.ts);
      return [
        b(levelName(v)),
        ` · `,
        toned(where, 'warn'),
        ` · ${told} · ${pct(v.distancePct / 100)}`,
        ...(v.level.source === 'cascade' ? [toned(' · auto', 'muted')] : []),
        ...(story ? [storyMarker(story)] : []),
      ];
    }
    // The role the reading counts it in (`confirmedRole`), which on a level price is not across is where price is.
    const confirmed = confirmedRole(v);
    const role = confirmed === 'inside' ? 'price inside' : confirmed;
    // A broken level's old role, where its role now is another ("resistance (was support) · testing, lost …").
    const was = v.baseState === 'broken' ? (v.lastBreak?.direction === 'down' ? 'support' : 'resistance') : undefined;
    const flipped = was !== undefined && was !== confirmed ? ` (was ${was})` : '';
    const dist = v.role === 'inside' ? '' : ` · ${pct(v.distancePct / 100)}`;
    // A zone set around price and left on no close yet (`sideUntold`): testing, from the side price is on.
    const testing = v.across ? `testing from ${v.across}` : 'testing';
    const chopped = v.chop && chopCountText(v.chop, st.ts);
    const state = v.state === 'testing' ? `${testing}${v.baseState !== 'holding' ? `, ${stateWords(v, st.ts)}` : ''}`
      : v.state === 'chopping' && v.chop ? `chopping${chopped ? ` (${chopped})` : ''}`
      : stateWords(v, st.ts);
    return [
      b(levelName(v)),
      ` · `,
      toned(`${role}${flipped}`, confirmed === 'support' ? 'up' : confirmed === 'resistance' ? 'down' : 'warn'),
      ` · ${state}${dist}`,
      ...(v.level.source === 'cascade' ? [toned(' · auto', 'muted')] : []),
      ...(story ? [storyMarker(story)] : []),
    ];
  });
  const told = st.levels.some((v) => stories?.has(v.level.id));
  const reading = structureReading(st);
  const onMap = map ? levelClusterLines(map, st.levels.map((v) => v.level)) : [];
  return {
    title,
    blocks: [head, rows, ...(reading.length ? [reading] : []), ...(onMap.length ? [onMap] : [])],
    // No button to an answer of "No liquidation data" (a file without prints in the day): `coverage` is that day's.
    buttons: [...(hasLiquidationData(coverage) ? [{ label: 'Liquidations 24h', command: `liqs ${st.asset} 24h` }] : []), ...(told ? [{ label: 'Why?', command: `level why ${st.asset}` }] : [])],
    footer: coverageLine(coverage, st.ts, 'the last 24h'),
    tone: 'info',
  };
}
