/**
 * Leverage in trader's words: open interest and its change, funding annualized as traders quote it, what a
 * flush removed and which venue holds most of what is left, and `/oi` as a neutral Reply.
 *
 *   const lev = leverageSnapshot(market.leverage, 'ETH', to - DAY, to);
 *   if (lev) reply.fields.push(...leverageFields(lev, '24h'));
 */
import type { FeedHealth, NoFeed } from '../core/coverage.js';
import type { FlushLeverage, FundingState, LeverageSnapshot, NoChange, VenueLeverage } from '../core/leverage-figures.js';
import type { LiqMap } from '../core/liqmap.js';
import { clock, day, pct, share, stamp, usd, venueName, venueNames, venuesWord, whenWord, windowWords } from './format.js';
import { clusterLines } from './liqmap.js';
import { b, toned, type Button, type Field, type Line, type Reply } from './reply.js';

const STATE_WORDS: Record<FundingState, string> = {
  negative: 'negative: shorts pay',
  neutral: 'neutral',
  elevated: 'elevated: longs pay up',
  hot: 'hot: crowded longs',
};

const signedUsd = (v: number): string => `${v < 0 ? '−' : '+'}${usd(Math.abs(v))}`;

const apr = (annualized: number): string => `${pct(annualized)} APR`;

const plural = (n: number, word: string): string => `${n} ${word}${n === 1 ? '' : 's'}`;

/** "no 7d change: open interest history starts Jan 28 00:00". */
function noChangeText(what: 'open interest' | 'funding', n: NoChange, window: string, to: number, of: number): string {
  // The venues reporting now, named when others report too (or reported once): Bybit's history, not the asset's.
  const whose = n.reason === 'history' && n.venues.length < of ? `${venueNames(n.venues)}’s ` : '';
  return n.reason === 'history'
    ? `no ${window} change: ${whose}${what} history starts ${day(n.since, to)} ${clock(n.since)}`
    : `no ${window} change: no venue reporting now had a current figure ${windowWords(window)} ago`;
}

/**
 * "Open interest $21.9B across 4 venues · −11.0% (−$2.7B) in 24h"; the change says its basis when fewer venues were
 * current at both ends ("+2.5% in 4h on 1 of 2 venues"), or why there is none. Every venue stale: when they last reported.
 */
export function oiLine(s: LeverageSnapshot, window: string): Line | undefined {
  if (!s.oi) return undefined;
  if (s.oi.venues === 0) {
    const st = s.oi.stale ?? [];
    const last = Math.max(...st.map((v) => v.since));
    return [toned(`No current open interest for ${s.asset}: no venue has reported since ${whenWord(last, s.to)}.`, 'warn')];
  }
  const line: Line = [`Open interest `, b(usd(s.oi.usd)), ` across ${plural(s.oi.venues, 'venue')}`];
  const c = s.oi.change;
  if (c) {
    const basis = c.venues < s.oi.venues ? ` on ${c.venues} of ${plural(s.oi.venues, 'venue')}` : '';
    line.push(' · ', toned(`${pct(c.pct)} (${signedUsd(c.usd)}) in ${windowWords(window)}${basis}`, c.usd >= 0 ? 'up' : 'down'));
  } else if (s.oi.noChange) line.push(toned(` · ${noChangeText('open interest', s.oi.noChange, window, s.to, s.oi.venues + (s.oi.stale?.length ?? 0))}`, 'muted'));
  return line;
}

/** "Left out: Binance, stale since Jan 28 19:55 ($8B)": venues whose last open interest is too old to count, when some are current. */
export function staleLine(s: LeverageSnapshot): Line | undefined {
  const st = s.oi?.stale ?? [];
  if (!s.oi?.venues || st.length === 0) return undefined;
  return [toned(`Left out: ${st.map((v) => `${venueName(v.exchange)}, stale since ${whenWord(v.since, s.to)} (${usd(v.usd)})`).join('; ')}`, 'muted')];
}

/**
 * "Funding +6.2% APR, neutral (was +30.7%, hot)": the "was" is the same venues with the same weights; a venue that
 * joined is said as its basis, and an average over fewer venues than report funding says so.
 */
export function fundingLine(s: LeverageSnapshot, window?: string): Line | undefined {
  const f = s.funding;
  if (!f) return undefined;
  const line: Line = [`Funding `, b(apr(f.annualized)), `, ${STATE_WORDS[f.state]}`];
  if (f.weighting === 'oi' && f.venues < f.of) line.push(toned(` · OI-weighted over ${f.venues} of ${plural(f.of, 'venue')}`, 'muted'));
  else if (f.weighting === 'equal' && f.venues > 1) line.push(toned(` · average of ${f.venues} venues (none with current open interest to weight by)`, 'muted'));
  if (f.beforeAnnualized !== undefined && f.beforeState !== undefined) {
    if (Math.abs(f.beforeAnnualized - f.annualized) >= 0.005) line.push(toned(` (was ${pct(f.beforeAnnualized)}, ${f.beforeState})`, 'muted'));
  } else if (f.change) {
    const c = f.change;
    if (Math.abs(c.beforeAnnualized - c.afterAnnualized) >= 0.005) {
      line.push(toned(` (on the ${plural(c.venues, 'venue')} known ${window ? `${windowWords(window)} ago` : 'then'}: ${pct(c.beforeAnnualized)} → ${pct(c.afterAnnualized)})`, 'muted'));
    }
  } else if (f.noChange && window) line.push(toned(` (${noChangeText('funding', f.noChange, window, s.to, f.of)})`, 'muted'));
  return line;
}

/**
 * Why a venue's current rate is not in an OI-weighted average: it has no current open interest to weight it by
 * (its figure stale, or none reported); undefined when it is in the average, or the average weighs all alike.
 */
function unweightedWhy(v: VenueLeverage, s: LeverageSnapshot): string | undefined {
  if (s.funding?.weighting !== 'oi' || !v.funding || v.funding.staleSince !== undefined || (v.oiUsd ?? 0) > 0) return undefined;
  return `not in the average: no ${v.oiStale ? 'current ' : ''}open interest to weight it by`;
}

function venueLine(v: VenueLeverage, s: LeverageSnapshot): Line {
  const to = s.to;
  const line: Line = [b(venueName(v.exchange))];
  if (v.oiStale) line.push(' ', toned(`${usd(v.oiStale.usd)} · stale since ${whenWord(v.oiStale.since, to)}, not in the total`, 'warn'));
  else if (v.oiUsd !== undefined) {
    line.push(` ${usd(v.oiUsd)} · ${share(v.oiShare ?? 0)}`);
    if (v.oiBeforeUsd !== undefined && v.oiBeforeUsd > 0) {
      const c = (v.oiUsd - v.oiBeforeUsd) / v.oiBeforeUsd;
      line.push(' · ', toned(pct(c), c >= 0 ? 'up' : 'down'));
    }
  }
  if (v.funding) {
    const f = v.funding;
    line.push(toned(`  funding ${pct(f.rate, 4)}/${f.intervalHours}h (${pct(f.annualized)} APR)`, 'muted'));
    if (f.staleSince !== undefined) line.push(' ', toned(`stale since ${whenWord(f.staleSince, to)}, not in the average`, 'warn'));
    const why = unweightedWhy(v, s);
    if (why) line.push(' ', toned(why, 'muted'));
  }
  return line;
}

/**
 * For `/liqs ASSET WINDOW`: one field with total OI and its change and funding (each venue is on `/oi`, which
 * keeps `/liqs` short enough to travel as a chart's caption).
 */
export function leverageFields(s: LeverageSnapshot, window: string): Field[] {
  const value: Line[] = [];
  const oi = oiLine(s, window);
  if (oi) value.push(oi);
  const stale = staleLine(s);
  if (stale) value.push(stale);
  const f = fundingLine(s, window);
  if (f) value.push(f);
  return value.length ? [{ name: 'Open interest & funding', value }] : [];
}

/**
 * "OI −$1.2B (−9%) across 4 venues; funding back to neutral", then the venue holding the largest share of what remains,
 * as measured: a share of a few venues' open interest, no verdict of concentration (nothing here knows its usual share).
 */
export function flushLines(f: FlushLeverage): Line[] {
  const d = f.afterUsd - f.beforeUsd;
  // Venues with data left out are named: the figures are over those current at both ends.
  const st = f.stale;
  const left = st ? ` current at both ends (${st.venues.map((v) => `${venueName(v.exchange)} left out: stale ${v.atStart ? 'at the start, ' : ''}since ${whenWord(v.since, st.at)}`).join('; ')})` : '';
  let head = `OI ${signedUsd(d)} (${pct(f.changePct)}) across ${plural(f.venues, 'venue')}${left}`;
  const fu = f.funding;
  if (fu) {
    const move = `${pct(fu.beforeAnnualized)} → ${pct(fu.afterAnnualized)} APR`;
    if (fu.reset) head += `; funding back to ${fu.afterState} (${move})`;
    else if (fu.afterState === 'hot' || fu.afterState === 'elevated') head += `; funding still ${fu.afterState} (${move})`;
    else head += `; funding ${fu.afterState} (${move})`;
  }
  const lines: Line[] = [[head]];
  if (f.concentrated) {
    lines.push([b(venueName(f.concentrated.exchange)), ` holds ${share(f.concentrated.share)} of the remaining OI on the ${f.venues} venues with ${st ? 'current ' : ''}OI data (${usd(f.concentrated.usd)})`]);
  }
  // An alert stored before sampled shares were kept out of this (`uneven.sampled`) says nothing of it either.
  if (f.uneven && !('sampled' in f.uneven)) {
    // The line above is measured open interest, what is left; this one is about what the flush took, so it says
    // "flushed": where the liquidated leverage sat, not where leverage sits now. The core finds none when some streams
    // are sampled: their shares are lower bounds, and the alert's footnote already says which.
    const u = f.uneven;
    const tail = u.liquidationShare < u.oiShare ? ': the flushed leverage sat elsewhere.' : ': the flushed leverage was stacked there.';
    lines.push([toned(`${venueName(u.exchange)} held ${share(u.oiShare)} of the OI but took ${share(u.liquidationShare)} of the liquidations${tail}`, 'warn')]);
  }
  return lines;
}

/** A live process without a feed: why `/oi` has nothing, as /liqs says it of liquidations (replies/coverage.ts). */
const NO_FEED: Readonly<Record<NoFeed, string>> = {
  unconfigured: 'No open interest or funding: no exchange is configured (config `exchanges` is empty).',
  unreported: 'No open interest or funding yet: no ingest process has reported.',
  unwatched: 'No open interest or funding: no ingest process watches an exchange.',
};

/**
 * Why `/oi` has nothing yet, from the feeds' states (the open-interest polls go to the same exchanges): no
 * feeds (a data file) means the file holds none; all down says so and since when (dated where not of `now`'s day);
 * otherwise the first round is due.
 */
export function noLeverageText(asset: string, feeds: readonly FeedHealth[], noFeed?: NoFeed, now?: number): string {
  if (noFeed) return NO_FEED[noFeed];
  if (feeds.length === 0) return `The data holds no open interest or funding for ${asset}.`;
  const down = feeds.filter((f) => f.state === 'down');
  const who = venuesWord(feeds.map((f) => f.exchange));
  if (down.length === feeds.length) return `${who.word[0]!.toUpperCase()}${who.word.slice(1)} ${who.one ? 'is' : 'are'} unreachable since ${whenWord(Math.max(...down.map((f) => f.since)), now ?? Number.NaN)}; open interest and funding resume when they answer again.`;
  return 'Open interest and funding are polled every 5 minutes; the first answers have not come back yet.';
}

const BUTTON_WINDOWS = ['1h', '4h', '24h', '7d'];
const UNIT_MS: Record<string, number> = { m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000 };
const windowMs = (w: string): number => {
  const m = /^(\d+)([mhdw])$/.exec(w);
  return m ? Number(m[1]) * UNIT_MS[m[2]!]! : Infinity;
};

/**
 * The four usual windows (those configured), and the one asked when it is another (`12h`, `90m`), in order, each
 * running `base WINDOW`: the asked one is marked (/liqs and /oi alike).
 */
export function windowButtons(base: string, windows: readonly string[], current: string): Button[] {
  const shown = BUTTON_WINDOWS.filter((w) => windows.includes(w));
  if (!shown.includes(current)) shown.push(current);
  return shown.sort((a, z) => windowMs(a) - windowMs(z)).map((w) => ({ label: w, command: `${base} ${w}`, active: w === current }));
}

/** Without open interest: only funding is known, or (every rate stale) since when the latest was. */
function noOiText(s: LeverageSnapshot): string {
  if (s.funding) return `No open interest for ${s.asset}: only its funding is known.`;
  const since = s.venues.flatMap((v) => (v.funding?.staleSince !== undefined ? [v.funding.staleSince] : []));
  if (since.length === 0) return `No open interest or funding for ${s.asset}.`;
  return `No open interest for ${s.asset}, and its funding is stale since ${whenWord(Math.max(...since), s.to)}.`;
}

/**
 * "Open interest and funding: Binance, Bybit": where the figures come from. Venues that gave only funding (or only
 * open interest) are named apart when some gave another part: "Open interest and funding: Bybit · Funding: OKX".
 */
function sourcesText(s: LeverageSnapshot): string {
  const hasOi = (v: VenueLeverage): boolean => v.oiUsd !== undefined || v.oiStale !== undefined;
  if (!s.venues.some(hasOi)) return s.venues.length ? `Funding: ${venueNames(s.venues.map((v) => v.exchange))}` : 'Open interest and funding: none yet';
  const groups: [string, VenueLeverage[]][] = [
    ['Open interest and funding', s.venues.filter((v) => hasOi(v) && v.funding)],
    ['Open interest', s.venues.filter((v) => hasOi(v) && !v.funding)],
    ['Funding', s.venues.filter((v) => !hasOi(v) && v.funding)],
  ];
  return groups.filter(([, vs]) => vs.length).map(([what, vs]) => `${what}: ${vs.map((v) => venueName(v.exchange)).join(', ')}`).join(' · ');
}

export interface OiReplyOptions {
  window: string;
  /** Windows to offer as buttons. */
  windows?: readonly string[];
  synthetic?: boolean;
  /** The estimated liquidation map, shown as clusters (labelled an estimate). */
  map?: LiqMap;
}

/** `/oi ASSET [WINDOW]`: open interest, funding, each venue, and the estimated liquidation clusters. */
export function oiReply(s: LeverageSnapshot, o: OiReplyOptions): Reply {
  const head: Line[] = [];
  const oi = oiLine(s, o.window);
  if (oi) head.push(oi);
  else head.push([noOiText(s)]);
  const stale = staleLine(s);
  if (stale) head.push(stale);
  const f = fundingLine(s, o.window);
  if (f) head.push(f);
  const top = s.venues[0];
  if (top?.oiShare !== undefined && s.venues.filter((v) => v.oiShare !== undefined).length > 1) head.push([`Most open interest on ${venueName(top.exchange)} (${share(top.oiShare)})`]);
  const fields: Field[] = [{ name: 'By exchange', value: s.venues.map((v) => venueLine(v, s)) }];
  const clusters = o.map ? clusterLines(o.map) : [];
  if (clusters.length) fields.push({ name: 'Liquidation map (estimate)', value: clusters });
  const buttons: Button[] = windowButtons(`oi ${s.asset}`, o.windows ?? BUTTON_WINDOWS, o.window);
  const footer = [sourcesText(s), ...(o.synthetic ? ['SYNTHETIC demo data'] : []), stamp(s.to)].join(' · ');
  return {
    title: [`${s.asset} open interest · ${o.window}`],
    blocks: [head],
    fields,
    buttons,
    footer: [toned(footer, 'muted')],
    tone: 'info',
  };
}
