/**
 * Summaries, level status and alerts as neutral Replies: the words a trader reads. Every adapter renders
 * these; none of them composes sentences of its own. Alerts map through an exhaustive record by kind.
 */
import type { Alert, AlertKind, CascadeEnd, CascadeStart, CascadeUpdate, LevelBreak, LevelChop, MarketFlush, Ranking } from './alerts.js';
import type { Coverage, LevelStatus, LiquidationSummary, MarketSummary, CascadeRecord } from './market.js';
import type { LevelView } from './levels.js';
import { b, toned, type Button, type Field, type Line, type Reply } from './reply.js';
import { clock, count, day, duration, levelText, ordinal, pct, price, share, stamp, usd } from './money.js';
import { venueName } from './venues.js';
import { flushLines, leverageFields } from './leverage-view.js';
import { levelClusterLines, type LiqMap } from './liqmap.js';

const sideWord = (side: 'long' | 'short', n = 2) => (side === 'long' ? (n === 1 ? 'long' : 'longs') : n === 1 ? 'short' : 'shorts');
const tone = (side: 'long' | 'short') => (side === 'long' ? 'long' : 'short');

function venue(ex: string, sampled: boolean): string {
  return `${venueName(ex)}${sampled ? '*' : ''}`;
}

/** The footer every market reply carries: which venues fed it (sampled, polled), which feeds are down since when, gaps, synthetic. */
export function coverageLine(c: Coverage, asOf: number): Line {
  const parts: string[] = [];
  const polled = new Map((c.feeds ?? []).filter((f) => f.polledEveryMs).map((f) => [f.exchange, f.polledEveryMs!]));
  const source = (e: string) => `${venue(e, c.sampled.includes(e))}${polled.has(e) ? ` (polled ${duration(polled.get(e)!)})` : ''}`;
  if (c.exchanges.length) parts.push(`Sources: ${c.exchanges.map(source).join(', ')}`);
  if (c.sampled.length) parts.push('*sampled stream: a lower bound');
  if (c.hourly?.length) parts.push(`hourly vendor totals only: ${names(c.hourly)}`);
  const notLive = (c.feeds ?? []).filter((f) => f.state !== 'live');
  if (notLive.length) parts.push(notLive.map((f) => `${venueName(f.exchange)} ${f.state === 'down' ? 'down' : 'connecting'} since ${clock(f.since)}`).join(', '));
  for (const g of c.gaps.slice(0, 3)) parts.push(`${venueName(g.exchange)} no data ${clock(g.from)}–${clock(g.to)}`);
  if (c.gaps.length > 3) parts.push(`${c.gaps.length - 3} more gaps`);
  if (c.synthetic) parts.push('SYNTHETIC demo data');
  // A market that has seen no event and no tick yet has no moment to stamp (a command at the first second).
  if (Number.isFinite(asOf)) parts.push(stamp(asOf));
  return [toned(parts.join(' · '), 'muted')];
}

function names(exchanges: readonly string[]): string {
  return [...new Set(exchanges.map(venueName))].join(', ');
}

/**
 * An empty window, said as what it is: a quiet market only when the feeds were there to see it. Offline (a
 * data file, no feeds) the file is the whole source.
 */
export function emptyWindowText(c: Coverage, what: string, window: string): string {
  const quiet = `No ${what ? `${what} ` : ''}liquidations in the last ${window}.`;
  const feeds = c.feeds;
  if (!feeds?.length) return quiet;
  const live = feeds.filter((f) => f.state === 'live');
  const down = feeds.filter((f) => f.state === 'down');
  const waiting = feeds.filter((f) => f.state === 'connecting');
  const count = new Set(feeds.map((f) => venueName(f.exchange))).size;
  if (live.length === 0) {
    if (down.length === 0) return `No liquidation data yet: ${count === 1 ? 'the exchange is' : `all ${count} exchanges are`} still connecting.`;
    const since = Math.max(...down.map((f) => f.since));
    return `No liquidation data: ${count === 1 ? 'the exchange' : `all ${count} exchanges`} unreachable since ${clock(since)}.`;
  }
  const out = [...down, ...waiting];
  if (out.length === 0) return quiet;
  return `${quiet.slice(0, -1)} on ${names(live.map((f) => f.exchange))}; no data from ${names(out.map((f) => f.exchange))} (${down.length ? `unreachable since ${clock(Math.min(...down.map((f) => f.since)))}` : 'connecting'}).`;
}

/** Venues' shares compare fairly only when each is counted the same way: all complete or all sampled, none with a gap. */
function coveredAlike(exchanges: readonly string[], c: Coverage): boolean {
  const sampled = exchanges.filter((e) => c.sampled.includes(e));
  const gapped = exchanges.some((e) => c.gaps.some((g) => g.exchange === e));
  const hourly = exchanges.filter((e) => c.hourly?.includes(e));
  return !gapped && (sampled.length === 0 || sampled.length === exchanges.length) && (hourly.length === 0 || hourly.length === exchanges.length);
}

export function rankingText(asset: string, r: Ranking, what: 'day' | 'flush'): string | undefined {
  const kind = `${asset} ${sideWord(r.side, 1)}-liquidation day`;
  const inSpan = r.rank > 1 && r.rank <= 5 ? ` · ${ordinal(r.rank)}-largest in ${r.days} days` : '';
  const subject = what === 'day' ? `Largest ${kind}` : `Bigger than any full ${kind}`;
  // "Largest since Oct 10" is news only when Oct 10 is a while back.
  if (r.since && r.usd > 0 && r.days >= 7) {
    const since = `${subject} since ${day(r.since.day)} (${usd(r.since.usd)})${inSpan}`;
    return r.day - r.since.day >= 14 * 86_400_000 ? since : r.rank <= 5 ? since : undefined;
  }
  if (r.rank === 1) return `${subject} in ${r.days} days of history`;
  return inSpan ? `${ordinal(r.rank)}-largest ${kind} in ${r.days} days` : undefined;
}

function windowButtons(base: string, windows: readonly string[], current: string): Button[] {
  return ['1h', '4h', '24h', '7d']
    .filter((w) => windows.includes(w))
    .map((w) => ({ label: w, command: `${base} ${w}`, active: w === current }));
}

function splitLine(long: number, short: number): Line {
  const total = long + short;
  return [
    toned(`Longs ${usd(long)}`, 'long', true),
    ` (${share(total ? long / total : 0)}) · `,
    toned(`Shorts ${usd(short)}`, 'short', true),
    ` (${share(total ? short / total : 0)})`,
  ];
}

function cascadeLine(c: CascadeRecord): Line {
  const when = c.endedAt ? `${clock(c.startedAt)}–${clock(c.endedAt)}` : `since ${clock(c.startedAt)} (running)`;
  const where = c.extreme !== undefined ? `, ${c.side === 'long' ? 'low' : 'high'} ${price(c.extreme)}` : '';
  return [toned(`${c.side === 'long' ? 'Long' : 'Short'} cascade ${when}: ${usd(c.usd)}${where}`, tone(c.side))];
}

/** Consecutive days as ranges: "Jan 25–30, Feb 2". */
function dayRanges(days: readonly number[]): string {
  const out: string[] = [];
  for (let i = 0; i < days.length; ) {
    let j = i;
    while (j + 1 < days.length && days[j + 1]! - days[j]! === 86_400_000) j++;
    const a = day(days[i]!), z = day(days[j]!);
    out.push(i === j ? a : a.split(' ')[0] === z.split(' ')[0] ? `${a}–${z.split(' ')[1]}` : `${a}–${z}`);
    i = j + 1;
  }
  return out.join(', ');
}

/** `/liqs ASSET WINDOW`. */
export function summaryReply(s: LiquidationSummary, windows: readonly string[]): Reply {
  const title: Line = [`${s.asset} liquidations · ${s.window}`];
  const buttons = windowButtons(`liqs ${s.asset}`, windows, s.window);
  const priceLine: Line[] = [];
  if (s.price) {
    const p = s.price;
    priceLine.push([
      `Price ${price(p.open)} → ${price(p.close)} `,
      toned(`(${pct(p.changePct / 100)})`, p.changePct >= 0 ? 'up' : 'down'),
      ` · low ${price(p.low)} · high ${price(p.high)}`,
    ]);
  }
  if (s.totalUsd === 0) {
    return {
      title,
      blocks: [[[emptyWindowText(s.coverage, s.asset, s.window)], ...priceLine]],
      buttons,
      footer: coverageLine(s.coverage, s.to),
      tone: 'neutral',
    };
  }
  const head: Line[] = [[b(usd(s.totalUsd)), ` liquidated in ${s.window} (${count(s.count)} ${s.count === 1 ? 'order' : 'orders'})`], splitLine(s.longUsd, s.shortUsd)];
  if (s.days) {
    // Say which days are single orders and which are stored totals: they are not counted the same way.
    const fromOrders = s.days.orders.length ? `; ${dayRanges(s.days.orders)} from single orders` : '';
    head.push([toned(`${dayRanges(s.days.totals)} from stored daily totals (${usd(s.days.longUsd + s.days.shortUsd)}, not split by exchange)${fromOrders}`, 'muted')]);
  }
  const rank = s.ranking && rankingText(s.asset, s.ranking, 'day');
  if (rank) head.push([b(rank)]);
  head.push(...priceLine);
  for (const c of s.cascades.slice(-2)) head.push(cascadeLine(c));

  const fields: Field[] = [];
  const venues = Object.entries(s.byExchange);
  const exLines: Line[] = venues.map(([ex, v]) => [
    b(venue(ex, v.sampled)),
    ` ${usd(v.totalUsd)} · ${share(v.share)}${v.hourly ? ' (hourly totals)' : ''}`,
    toned(`  L ${usd(v.longUsd)} / S ${usd(v.shortUsd)}`, 'muted'),
  ]);
  const binance = venues.filter(([ex]) => ex.startsWith('binance')).reduce((a, [, v]) => a + v.share, 0);
  if (venues.length >= 3 && binance > 0 && binance < 0.15 && s.totalUsd >= 10e6) {
    // A share is a conclusion only when every venue compared was counted the same way.
    if (coveredAlike(venues.map(([ex]) => ex), s.coverage)) exLines.push([toned(`Binance only ${share(binance)}: the leverage sat elsewhere.`, 'warn')]);
    else {
      // Short on purpose: the /liqs reply must still fit a chart's caption.
      const why = venues.some(([ex, v]) => ex.startsWith('binance') && v.sampled) ? 'a lower bound (sampled)' : venues.some(([, v]) => v.hourly) ? 'next to hourly totals' : 'with gaps';
      exLines.push([toned(`Binance ${share(binance)}: ${why}, no conclusion.`, 'muted')]);
    }
  }
  fields.push({ name: s.days && s.days.orders.length ? `By exchange (${dayRanges(s.days.orders)}, single orders)` : 'By exchange', value: exLines });
  if (s.leverage) fields.push(...leverageFields(s.leverage, s.window));
  if (s.largest.length) {
    fields.push({
      name: 'Largest',
      // Over a day, a time alone is ambiguous: the date goes with it.
      value: s.largest.map((l) => [
        toned(`${usd(l.usd)} ${sideWord(l.side, 1)}`, tone(l.side), true),
        ` · ${venueName(l.exchange)} · ${price(l.price)} · ${s.windowMs > 86_400_000 ? `${day(l.ts)} ` : ''}${clock(l.ts)}`,
      ]),
    });
  }
  return {
    title,
    blocks: [head],
    fields,
    buttons,
    footer: coverageLine(s.coverage, s.to),
    tone: s.longUsd >= s.shortUsd ? 'long' : 'short',
  };
}

/** `/liqs` (or `/liqs all`): the market-wide view a flush day starts with. */
export function marketReply(m: MarketSummary, windows: readonly string[]): Reply {
  const title: Line = [`Market liquidations · ${m.window}`];
  const buttons = windowButtons('liqs all', windows, m.window);
  if (m.totalUsd === 0) {
    return { title, blocks: [[[emptyWindowText(m.coverage, '', m.window)]]], buttons, footer: coverageLine(m.coverage, m.to), tone: 'neutral' };
  }
  const assets = Object.entries(m.byAsset);
  const leaders = assets.slice(0, 4).map(([a, v]) => `${a} ${usd(v.totalUsd)}`).join(', ');
  const head: Line[] = [
    [b(usd(m.totalUsd)), ` liquidated in ${m.window}: ${leaders}${assets.length > 4 ? ', …' : ''}`],
    splitLine(m.longUsd, m.shortUsd),
  ];
  const fields: Field[] = [
    {
      name: 'By asset',
      value: assets.slice(0, 10).map(([a, v]) => [
        b(a),
        ` ${usd(v.totalUsd)} · ${share(v.totalUsd / m.totalUsd)}`,
        toned(`  L ${usd(v.longUsd)} / S ${usd(v.shortUsd)}${v.hourlyUsd ? ` · ${usd(v.hourlyUsd)} from hourly totals` : ''}`, 'muted'),
        // The column is labelled: a bare −6.6% beside amounts reads as anything.
        ...(v.changePct !== undefined ? [toned(`  price ${pct(v.changePct / 100)}`, v.changePct >= 0 ? 'up' : 'down')] : []),
      ]),
    },
    {
      name: 'By exchange',
      value: Object.entries(m.byExchange).map(([ex, v]) => [b(venue(ex, v.sampled)), ` ${usd(v.totalUsd)} · ${share(v.share)}${v.hourly ? ' (hourly totals)' : ''}`]),
    },
  ];
  return { title, blocks: [head], fields, buttons, footer: coverageLine(m.coverage, m.to), tone: m.longUsd >= m.shortUsd ? 'long' : 'short' };
}

function stateWords(v: LevelView): string {
  const br = v.lastBreak;
  switch (v.baseState) {
    case 'broken':
      return br ? `${br.direction === 'down' ? 'lost' : 'broke up'} ${clock(br.ts)}` : 'broken';
    case 'reclaimed':
      return br ? `${br.direction === 'up' ? 'reclaimed' : 'failed breakout'} ${clock(br.ts)}` : 'reclaimed';
    case 'holding':
      return 'holding';
  }
}

function levelName(v: LevelView): string {
  return `${levelText(v.level.level)}${v.level.label ? ` ${v.level.label}` : ''}`;
}

/** How the structure reads after a move, the way the reports do: what holds, what must be reclaimed. */
export function structureReading(st: LevelStatus): Line[] {
  if (st.price === undefined || st.levels.length === 0) return [];
  const lines: Line[] = [];
  const supports = st.levels.filter((v) => v.role === 'support').sort((a, b) => b.distancePct - a.distancePct);
  const resistances = st.levels.filter((v) => v.role === 'resistance').sort((a, b) => a.distancePct - b.distancePct);
  const inside = st.levels.find((v) => v.role === 'inside');
  const lostAbove = resistances.filter((v) => v.baseState === 'broken' && v.lastBreak?.direction === 'down');
  const brokeBelow = supports.filter((v) => v.baseState === 'broken' && v.lastBreak?.direction === 'up');
  const c = st.lastCascade ?? st.runningCascade;
  if (c && c.extreme !== undefined) {
    const what = `the cascade ${c.side === 'long' ? 'low' : 'high'} ${price(c.extreme)}`;
    // How far price now sits from the extreme, in the direction away from the flush (negative: beyond it).
    const away = ((c.side === 'long' ? st.price - c.extreme : c.extreme - st.price) / c.extreme) * 100;
    const after = `After ${usd(c.usd)} of ${sideWord(c.side)} liquidated, `;
    if (!c.endedAt) lines.push([`${after}price is still moving; ${what} so far.`]);
    else if (away < -0.3) lines.push([`${after}price has since gone ${c.side === 'long' ? 'below' : 'above'} ${what}: no ${c.side === 'long' ? 'floor' : 'top'} yet.`]);
    else if (away <= 3) lines.push([`${after}price stabilized near ${what}.`]);
    else lines.push([`${after}price stabilized above ${what}, which held, and has come back ${share(away / 100)} from it.`]);
  }
  if (inside) lines.push([`Price is inside ${levelText(inside.level.level)}: a close outside it decides the next leg.`]);
  const s1 = supports[0];
  if (s1) {
    const next = supports[1];
    lines.push([
      `Holding `, b(levelText(s1.level.level)), ` keeps the floor; a close below it would expose `,
      next ? b(levelText(next.level.level)) : 'deeper downside',
      // A claim about forced selling needs the liquidation data behind it: a cascade seen in the last day.
      lostAbove.length && c ? ' (forced selling not exhausted).' : '.',
    ]);
  }
  if (lostAbove.length) {
    const first = lostAbove[0]!, last = lostAbove[lostAbove.length - 1]!;
    if (first !== last) lines.push([`Support turned resistance at `, b(levelText(first.level.level)), `: acceptance back above it would improve structure.`]);
    lines.push([`Reclaiming `, b(levelText(last.level.level)), ` would invalidate the breakdown; until then rebounds are reactive.`]);
  }
  if (brokeBelow.length) {
    const first = brokeBelow[0]!, last = brokeBelow[brokeBelow.length - 1]!;
    lines.push([`Resistance turned support at `, b(levelText(first.level.level)), `; losing `, b(levelText(last.level.level)), ` would undo the breakout.`]);
  }
  if (!lostAbove.length && !brokeBelow.length && !inside && resistances[0]) {
    lines.push([`Next resistance `, b(levelText(resistances[0].level.level)), ` (${pct(resistances[0].distancePct / 100)}).`]);
  }
  return lines;
}

/** `/levels ASSET`. */
export function levelsReply(st: LevelStatus, coverage: Coverage, map?: LiqMap): Reply {
  const title: Line = [`${st.asset} levels${st.price !== undefined ? ` · ${price(st.price)}` : ''}`];
  if (st.levels.length === 0) {
    return {
      title,
      blocks: [[[`No ${st.asset} levels yet.`], [`Chat admins add one with /level add ${st.asset.toLowerCase()} 2750-2800 "prior support".`]]],
      footer: coverageLine(coverage, st.ts),
      tone: 'info',
    };
  }
  const head: Line[] = [];
  if (st.price !== undefined) {
    head.push([
      `Price ${price(st.price)}`,
      ...(st.change24hPct !== undefined ? [' ', toned(`(${pct(st.change24hPct / 100)} 24h)`, st.change24hPct >= 0 ? 'up' : 'down')] : []),
    ]);
  } else head.push(['No price yet: states update once prices arrive.']);
  const rows: Line[] = st.levels.map((v) => {
    const role = v.role === 'inside' ? 'price inside' : v.role;
    const flipped = v.baseState === 'broken' ? (v.lastBreak?.direction === 'down' ? ' (was support)' : ' (was resistance)') : '';
    const dist = v.role === 'inside' ? '' : ` · ${pct(v.distancePct / 100)}`;
    const state = v.state === 'testing' ? `testing${v.baseState !== 'holding' ? `, ${stateWords(v)}` : ''}`
      : v.state === 'chopping' && v.chop ? `chopping (${v.chop.crosses} crosses since ${sinceWord(v.chop.since, st.ts)})`
      : stateWords(v);
    // No price, no state: only the level itself.
    if (v.state === 'unknown') return [b(levelName(v))];
    return [
      b(levelName(v)),
      ` · `,
      toned(`${role}${flipped}`, v.role === 'support' ? 'up' : v.role === 'resistance' ? 'down' : 'warn'),
      ` · ${state}${dist}`,
      ...(v.level.source === 'cascade' ? [toned(' · auto', 'muted')] : []),
    ];
  });
  const reading = structureReading(st);
  const onMap = map ? levelClusterLines(map, st.levels.map((v) => v.level)) : [];
  return {
    title,
    blocks: [head, rows, ...(reading.length ? [reading] : []), ...(onMap.length ? [onMap] : [])],
    buttons: [{ label: 'Liquidations 24h', command: `liqs ${st.asset} 24h` }],
    footer: coverageLine(coverage, st.ts),
    tone: 'info',
  };
}

// ---- alerts ----

function shares(byExchange: Record<string, number>, total: number, sampled: string[]): Line {
  const parts = Object.entries(byExchange).map(([ex, v]) => `${venue(ex, sampled.includes(ex))} ${usd(v)} (${share(total ? v / total : 0)})`);
  return [parts.join(' · ')];
}

function sampledNote(sampled: string[]): Line[] {
  return sampled.length ? [[toned(`*${sampled.map(venueName).join(', ')}: sampled streams, lower bounds`, 'muted')]] : [];
}

function cascadeStart(a: CascadeStart): Reply {
  const lines: Line[] = [
    [toned(`${usd(a.windowUsd)} of ${a.asset} ${sideWord(a.side)} liquidated in ${Math.round(a.windowMs / 60_000)} min`, tone(a.side), true)],
    [
      a.normalUsd && a.windowUsd / a.normalUsd >= 2
        ? `About ${Math.round(a.windowUsd / a.normalUsd)}× a normal ${Math.round(a.windowMs / 60_000)} minutes for ${a.asset} (alert threshold ${usd(a.thresholdUsd)}).`
        : `Above ${a.asset}'s alert threshold of ${usd(a.thresholdUsd)} for ${Math.round(a.windowMs / 60_000)} minutes.`,
    ],
  ];
  if (a.priceNow !== undefined) {
    lines.push([`Price ${price(a.priceNow)}`, ...(a.change1hPct !== undefined ? [' ', toned(`(${pct(a.change1hPct / 100)} in 1h)`, a.change1hPct >= 0 ? 'up' : 'down')] : [])]);
  }
  lines.push(shares(a.byExchange, a.usd, a.sampled));
  return {
    title: [`${a.side === 'long' ? '🔻' : '🔺'} ${a.asset} ${sideWord(a.side, 1)} liquidation cascade`],
    blocks: [lines, sampledNote(a.sampled)].filter((x) => x.length),
    tone: tone(a.side),
  };
}

function cascadeUpdate(a: CascadeUpdate): Reply {
  const lines: Line[] = [
    [toned(`${usd(a.usd)} of ${sideWord(a.side)} liquidated so far`, tone(a.side), true), ` (since ${clock(a.startedAt)}, ${duration(a.ts - a.startedAt)})`],
  ];
  if (a.priceNow !== undefined) {
    const move = a.priceStart ? ` (${pct((a.priceNow - a.priceStart) / a.priceStart)})` : '';
    const ext = a.extreme !== undefined ? ` · ${a.side === 'long' ? 'low' : 'high'} ${price(a.extreme)}` : '';
    lines.push([`Price ${price(a.priceNow)}${move}${ext}`]);
  }
  lines.push(shares(a.byExchange, a.usd, a.sampled));
  return {
    title: [`${a.side === 'long' ? '🔻' : '🔺'} ${a.asset} ${sideWord(a.side, 1)} cascade · running`],
    blocks: [lines, sampledNote(a.sampled)].filter((x) => x.length),
    tone: tone(a.side),
  };
}

function cascadeEnd(a: CascadeEnd): Reply {
  const lines: Line[] = [[toned(`${usd(a.usd)} of ${a.asset} ${sideWord(a.side)} liquidated`, tone(a.side), true), ` in ${duration(a.durationMs)} (${clock(a.startedAt)}–${clock(a.endedAt)})`]];
  if (a.priceStart !== undefined && a.priceNow !== undefined) {
    lines.push([`Price ${price(a.priceStart)} → ${price(a.priceNow)} (${pct((a.priceNow - a.priceStart) / a.priceStart)})`, ...(a.extreme !== undefined ? [`; stopped at ${a.side === 'long' ? 'a low of' : 'a high of'} ${price(a.extreme)}`] : [])]);
  }
  lines.push(shares(a.byExchange, a.usd, a.sampled));
  const rank = a.ranking && rankingText(a.asset, a.ranking, 'flush');
  if (rank) lines.push([b(rank)]);
  if (a.leverage) lines.push(...flushLines(a.leverage));
  else if (a.oi) {
    const d = a.oi.afterUsd - a.oi.beforeUsd;
    lines.push([`Open interest ${d <= 0 ? '−' : '+'}${usd(Math.abs(d))} (${pct(d / a.oi.beforeUsd)}) across ${a.oi.venues} venue${a.oi.venues === 1 ? '' : 's'}`]);
  }
  if (a.extreme !== undefined && a.levelOffered) lines.push([toned(`Cascade ${a.side === 'long' ? 'low' : 'high'} ${price(a.extreme)} is now on /levels ${a.asset.toLowerCase()}.`, 'muted')]);
  return {
    title: [`${a.asset} ${sideWord(a.side, 1)} cascade over`],
    blocks: [lines, sampledNote(a.sampled)].filter((x) => x.length),
    tone: tone(a.side),
  };
}

/** "14:30" the same day, "Monday" within the last week, "Oct 10" before: how a chat says when a chop began. */
function sinceWord(ts: number, now: number): string {
  if (Math.floor(ts / 86_400_000) === Math.floor(now / 86_400_000)) return clock(ts);
  return now - ts < 6 * 86_400_000 ? new Date(ts).toLocaleDateString('en-US', { weekday: 'long', timeZone: 'UTC' }) : day(ts);
}

function listText(items: string[]): string {
  return items.length <= 1 ? (items[0] ?? '') : `${items.slice(0, -1).join(', ')} and ${items[items.length - 1]}`;
}

export function levelBreakHeadline(a: LevelBreak): string {
  const lv = listText([levelText(a.level), ...(a.also ?? []).map((x) => levelText(x.level))]);
  if (a.direction === 'down') return a.reclaim ? `${a.asset} fell back below ${lv}: breakout failed` : `${a.asset} lost ${lv}`;
  return a.reclaim ? `${a.asset} reclaimed ${lv}` : `${a.asset} broke above ${lv}`;
}

function levelBreak(a: LevelBreak): Reply {
  const head = levelBreakHeadline(a);
  const liq = a.liquidations;
  const lines: Line[] = [];
  if (liq?.cascade) lines.push([toned(`A ${sideWord(liq.side, 1)} liquidation cascade is running.`, tone(liq.side), true)]);
  const labels = [a.label, ...(a.also ?? []).map((x) => x.label)].filter((x): x is string => x !== undefined);
  lines.push([`${a.timeframe} close ${price(a.price)}${labels.length ? ` · ${labels.join(' · ')}` : ''}`]);
  if (a.fromChop) lines.push([`A decisive close after ${a.fromChop.crosses} crosses since ${sinceWord(a.fromChop.since, a.ts)}: the chop is over.`]);
  lines.push([`${a.also?.length ? 'They now act' : 'It now acts'} as ${a.direction === 'down' ? 'resistance' : 'support'}.`]);
  return {
    title: [`${a.direction === 'down' ? '⬇️' : '⬆️'} ${head}${liq ? `; ${usd(liq.usd)} ${sideWord(liq.side)} liquidated in the last hour` : ''}`],
    blocks: [lines],
    tone: a.direction === 'down' ? 'long' : 'short',
  };
}

function levelChop(a: LevelChop): Reply {
  return {
    title: [`↔️ ${a.asset} chopping around ${levelText(a.level)}: ${a.crosses} crosses since ${sinceWord(a.since, a.ts)}`],
    blocks: [[
      [`${a.timeframe} close ${price(a.price)}${a.label ? ` · ${a.label}` : ''}`],
      [`No more alerts on this level until a decisive close beyond it.`],
    ]],
    tone: 'neutral',
  };
}

function marketFlush(a: MarketFlush): Reply {
  const leaders = a.leaders.map((l) => `${l.asset} ${usd(l.usd)} (${share(l.share)})`).join(' · ');
  const others = a.assetCount - a.leaders.length;
  return {
    title: [`${a.side === 'long' ? '🔻' : '🔺'} Market-wide ${sideWord(a.side, 1)} flush: ${usd(a.usd)} of ${sideWord(a.side)} liquidated in ${Math.round(a.windowMs / 60_000)} min across ${a.assetCount} assets`],
    blocks: [
      [[`Led by ${leaders}${others > 0 ? `, and ${others} more` : ''}`], [toned(`Since ${clock(a.startedAt)}`, 'muted')]],
      sampledNote(a.sampled),
    ].filter((x) => x.length),
    tone: tone(a.side),
  };
}

const ALERT_REPLIES: { [K in AlertKind]: (a: Extract<Alert, { kind: K }>) => Reply } = {
  cascade: cascadeStart,
  cascade_update: cascadeUpdate,
  cascade_end: cascadeEnd,
  level_break: levelBreak,
  level_chop: levelChop,
  market_flush: marketFlush,
};

export function alertReply(a: Alert): Reply {
  return (ALERT_REPLIES[a.kind] as (x: Alert) => Reply)(a);
}
