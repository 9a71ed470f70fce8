/**
 * Leverage in trader's words: open interest and its change, funding annualized as traders quote it, what a
 * flush removed and where leverage is still concentrated, and `/oi` as a neutral Reply.
 *
 *   const lev = leverageSnapshot(market.leverage, 'ETH', to - DAY, to);
 *   if (lev) reply.fields.push(...leverageFields(lev, '24h'));
 */
import type { FeedHealth } from '../core/coverage.js';
import type { FlushLeverage, FundingState, LeverageSnapshot, VenueLeverage } from '../core/leverage-figures.js';
import type { LiqMap } from '../core/liqmap.js';
import { clock, pct, share, stamp, usd, venueName, venuesWord } from './format.js';
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

/** "Open interest $21.9B across 4 venues · −11.0% (−$2.7B) in 24h". */
export function oiLine(s: LeverageSnapshot, window: string): Line | undefined {
  if (!s.oi) return undefined;
  const line: Line = [`Open interest `, b(usd(s.oi.usd)), ` across ${plural(s.oi.venues, 'venue')}`];
  const c = s.oi.change;
  if (c) line.push(' · ', toned(`${pct(c.pct)} (${signedUsd(c.usd)}) in ${window}`, c.usd >= 0 ? 'up' : 'down'));
  return line;
}

/** "Funding +6.2% APR, neutral (was +30.7%, hot)". */
export function fundingLine(s: LeverageSnapshot): Line | undefined {
  const f = s.funding;
  if (!f) return undefined;
  const line: Line = [`Funding `, b(apr(f.annualized)), `, ${STATE_WORDS[f.state]}`];
  if (f.beforeAnnualized !== undefined && f.beforeState !== undefined && Math.abs(f.beforeAnnualized - f.annualized) >= 0.005) {
    line.push(toned(` (was ${pct(f.beforeAnnualized)}, ${f.beforeState})`, 'muted'));
  }
  return line;
}

function venueLine(v: VenueLeverage): Line {
  const line: Line = [b(venueName(v.exchange))];
  if (v.oiUsd !== undefined) {
    line.push(` ${usd(v.oiUsd)} · ${share(v.oiShare ?? 0)}`);
    if (v.oiBeforeUsd !== undefined && v.oiBeforeUsd > 0) {
      const c = (v.oiUsd - v.oiBeforeUsd) / v.oiBeforeUsd;
      line.push(' · ', toned(pct(c), c >= 0 ? 'up' : 'down'));
    }
  }
  if (v.funding) {
    const f = v.funding;
    line.push(toned(`  funding ${pct(f.rate, 4)}/${f.intervalHours}h (${pct(f.annualized)} APR)`, 'muted'));
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
  const f = fundingLine(s);
  if (f) value.push(f);
  return value.length ? [{ name: 'Open interest & funding', value }] : [];
}

/** "OI −$1.2B (−9%) across 4 venues; funding back to neutral", then where leverage is still concentrated. */
export function flushLines(f: FlushLeverage): Line[] {
  const d = f.afterUsd - f.beforeUsd;
  let head = `OI ${signedUsd(d)} (${pct(f.changePct)}) across ${plural(f.venues, 'venue')}`;
  const fu = f.funding;
  if (fu) {
    const move = `${pct(fu.beforeAnnualized)} → ${pct(fu.afterAnnualized)} APR`;
    if (fu.reset) head += `; funding back to ${fu.afterState} (${move})`;
    else if (fu.afterState === 'hot' || fu.afterState === 'elevated') head += `; funding still ${fu.afterState} (${move})`;
    else head += `; funding ${fu.afterState} (${move})`;
  }
  const lines: Line[] = [[head]];
  if (f.concentrated) {
    lines.push([`Leverage still concentrated on `, b(venueName(f.concentrated.exchange)), `: ${share(f.concentrated.share)} of the remaining OI on the ${f.venues} venues with OI data (${usd(f.concentrated.usd)})`]);
  }
  if (f.uneven) {
    const u = f.uneven;
    // The line above is measured open interest, what is left; this one is about what the flush took, so it says
    // "flushed": where the liquidated leverage sat, not where leverage sits now.
    if (u.sampled) {
      // Sampled streams understate their venues' liquidations: the comparison would be an artefact of coverage.
      const which = [...new Set(u.sampled.map(venueName))].join(', ');
      lines.push([toned(`${venueName(u.exchange)} held ${share(u.oiShare)} of the OI and ${share(u.liquidationShare)} of the liquidations seen; ${which} ${u.sampled.length === 1 ? 'is' : 'are'} sampled (lower bounds), so no conclusion on where the flushed leverage sat.`, 'muted')]);
    } else {
      const tail = u.liquidationShare < u.oiShare ? ': the flushed leverage sat elsewhere.' : ': the flushed leverage was stacked there.';
      lines.push([toned(`${venueName(u.exchange)} held ${share(u.oiShare)} of the OI but took ${share(u.liquidationShare)} of the liquidations${tail}`, 'warn')]);
    }
  }
  return lines;
}

/**
 * Why `/oi` has nothing yet, from the feeds' states (the open-interest polls go to the same exchanges): no
 * feeds (a data file) means the file holds none; all down says so and since when; otherwise the first round is due.
 */
export function noLeverageText(asset: string, feeds: readonly FeedHealth[]): string {
  if (feeds.length === 0) return `The data holds no open interest or funding for ${asset}.`;
  const down = feeds.filter((f) => f.state === 'down');
  const who = venuesWord(feeds.map((f) => f.exchange));
  if (down.length === feeds.length) return `${who.word[0]!.toUpperCase()}${who.word.slice(1)} ${who.one ? 'is' : 'are'} unreachable since ${clock(Math.max(...down.map((f) => f.since)))}; open interest and funding resume when they answer again.`;
  return 'Open interest and funding are polled every 5 minutes; the first answers have not come back yet.';
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
  else head.push([`No open interest for ${s.asset}: only its funding is known.`]);
  const f = fundingLine(s);
  if (f) head.push(f);
  const top = s.venues[0];
  if (top?.oiShare !== undefined && s.venues.length > 1) head.push([`Most open interest on ${venueName(top.exchange)} (${share(top.oiShare)})`]);
  const fields: Field[] = [{ name: 'By exchange', value: s.venues.map(venueLine) }];
  const clusters = o.map ? clusterLines(o.map) : [];
  if (clusters.length) fields.push({ name: 'Liquidation map (estimate)', value: clusters });
  const buttons: Button[] = ['1h', '4h', '24h', '7d']
    .filter((w) => (o.windows ?? ['1h', '4h', '24h', '7d']).includes(w))
    .map((w) => ({ label: w, command: `oi ${s.asset} ${w}`, active: w === o.window }));
  const sources = s.venues.map((v) => venueName(v.exchange)).join(', ');
  const footer = [`Open interest and funding: ${sources || 'none yet'}`, ...(o.synthetic ? ['SYNTHETIC demo data'] : []), stamp(s.to)].join(' · ');
  return {
    title: [`${s.asset} open interest · ${o.window}`],
    blocks: [head],
    fields,
    buttons,
    footer: [toned(footer, 'muted')],
    tone: 'info',
  };
}
