/**
 * The weekly digest as one neutral Reply: the group's levels that held, broke or were reclaimed and how price
 * behaved after, then the proposals that were right. Names and reasons are members' words: plain spans, escaped by
 * each adapter.
 */
import type { Digest, DigestBreak, DigestLevel } from '../core/digest.js';
import type { LevelEpisode } from '../core/level-history.js';
import { HOUR } from '../core/time.js';
import { breakWord, clock, clockAsOf, clockRange, day, labelAfter, levelText, price, share, stamp, usd } from './format.js';
import { memberName } from './proposals.js';
import { b, toned, type Line, type Reply } from './reply.js';
import { zoneLabel } from './zone.js';

/** The digest's week: Monday to Sunday in the community's zone (it turns at its Monday 00:00), or the days of it so far. */
function span(from: number, to: number): string {
  const end = day(Math.max(from, to - 1), to, from);
  return end === day(from, to) ? end : `${day(from, to)} – ${end}`;
}

function who(l: DigestLevel): string {
  if (!l.proposal) return '';
  // Not watched: still open, rejected or expired when the week ended (chatDigest), or adopted and its level removed.
  const status = l.watched ? '' : l.proposal.status === 'open' ? ', still open' : l.proposal.status === 'adopted' ? ', adopted, level since removed' : `, ${l.proposal.status}`;
  return ` · ${memberName(l.proposal.proposer)}’s call${status}`;
}

/** The week's breaks of a level, oldest first (a post queued before they were listed carries its first alone). */
export function weekBreaks(l: DigestLevel): LevelEpisode[] {
  return l.breaks ?? (l.firstBreak ? [l.firstBreak] : []);
}

/** A break in the words of the alerts and /levels: lost, broke up, reclaimed, failed breakout. */
export const breakVerb = (e: LevelEpisode): string => breakWord(e.direction, e.kind === 'reclaim');

/** What a level's last break left it: its verb (a level lost then reclaimed in the week is reclaimed). */
function finalWord(l: DigestLevel): string {
  const last = weekBreaks(l).at(-1);
  return last ? breakVerb(last) : l.verdict;
}

/**
 * The window a break's liquidations are of: "±1h" where it is the hour either side of the close, else its times (cut
 * where the window of the asset's break before or after begins: "13:23–15:00"), so no two of a digest's figures overlap.
 */
function aroundWords(e: DigestBreak, now = e.ts): string {
  const w = e.around;
  if (!w || (w[0] === e.ts - HOUR && w[1] === e.ts + HOUR - 1)) return '±1h';
  return clockRange(w[0], w[1] + 1, now);
}

/** More breaks than this after the first are summed up, with the last one named (what the level is now). */
const LISTED_AFTER_FIRST = 3;

/**
 * The moment whose zone a digest's bare times are read in: its footer's (the end of the prices read, or the week's end
 * without any).
 */
export function digestZoneAt(d: Pick<Digest, 'dataTo' | 'to'>): number {
  return d.dataTo ?? d.to;
}

/** Which way price went off a level that held: up off a support, down off a resistance. */
const BOUNCE_WORD = { up: 'rose', down: 'fell', none: 'moved' } as const;

/**
 * One level's line: what it did and what price did after. Its times are told as of `now` (`digestZoneAt`, the footer's
 * zone): one across a daylight-saving change names its own ("lost Mar 28 09:00 CET" above a footer in CEST).
 */
export function digestLine(l: DigestLevel, now?: number): Line {
  const name = b(`${l.asset} ${levelText(l.level)}`);
  const text = labelAfter(l.asset, l.label);
  const label = text ? ` ${text}` : '';
  const when = (ts: number): string => `${day(ts)} ${now === undefined ? clock(ts) : clockAsOf(ts, now)}`;
  // A level the bot told lost (or won) before the week, and not broken in it, is still that: said with it.
  const t = l.toldBefore;
  const was = t ? ` (${breakWord(t.direction, t.undid)} ${when(t.ts)})` : '';
  switch (l.verdict) {
    case 'held':
      return [name, label, ' ', toned(`held ${l.tests} test${l.tests === 1 ? '' : 's'}`, 'up', true), l.bouncePct !== undefined ? `, price ${BOUNCE_WORD[l.bounceDirection ?? 'none']} ${share(Math.abs(l.bouncePct) / 100)} off it within a day` : '', toned(was, 'muted'), toned(who(l), 'muted')];
    case 'crossed': {
      const n = l.crosses ?? 0;
      return [name, label, ' ', toned(`closed across ${n} time${n === 1 ? '' : 's'} on the hour, no break told`, 'warn'), toned(was, 'muted'), toned(who(l), 'muted')];
    }
    case 'untested':
      return [name, label, toned(` · not tested this week${was}`, 'muted'), toned(who(l), 'muted')];
    case 'broke':
    case 'reclaimed': {
      const breaks = weekBreaks(l);
      const first = breaks[0]!;
      const hurt = first.direction === 'down' ? first.longUsd : first.shortUsd;
      const at = (e: LevelEpisode) => `${breakVerb(e)} ${when(e.ts)} at ${price(e.price)}`;
      const tone = (e: LevelEpisode): 'down' | 'up' => (e.direction === 'down' ? 'down' : 'up');
      const rest = breaks.slice(1);
      const last = rest.at(-1);
      return [
        name, label, ' ',
        toned(`${breakVerb(first)} ${when(first.ts)}`, tone(first), true),
        ` at ${price(first.price)}`,
        l.followPct !== undefined ? `, then ${share(Math.abs(l.followPct) / 100)} further within a day` : '',
        hurt > 0 ? toned(` · ${usd(hurt)} ${first.direction === 'down' ? 'longs' : 'shorts'} liquidated ${aroundWords(first, now)}`, 'muted') : '',
        // Each later break as the alerts told it; many (a level that chopped all week) as a count and the last one.
        ...(rest.length <= LISTED_AFTER_FIRST
          ? rest.map((e) => toned(` · then ${at(e)}`, tone(e)))
          : [toned(` · ${rest.length} more, the last ${at(last!)}`, tone(last!))]),
        toned(who(l), 'muted'),
      ];
    }
  }
}

/**
 * "3 held · 2 lost · 1 broke up · 1 reclaimed · 1 failed breakout · 4 not tested", in the words of the alerts and
 * /levels, from what each level's last break left it (a support lost and won back in the week is reclaimed).
 */
export function verdictCounts(levels: readonly DigestLevel[], untested: boolean): string {
  const word = (l: DigestLevel): string =>
    l.verdict === 'broke' || l.verdict === 'reclaimed' ? finalWord(l) : l.verdict === 'crossed' ? 'crossed, no break' : l.verdict === 'untested' ? 'not tested' : l.verdict;
  const order = ['held', 'lost', 'broke up', 'reclaimed', 'failed breakout', 'crossed, no break', ...(untested ? ['not tested'] : [])];
  return order.map((w) => [w, levels.filter((l) => word(l) === w).length] as const).filter(([, n]) => n > 0).map(([w, n]) => `${n} ${w}`).join(' · ');
}

/**
 * The stretch of hourly closes the digest read, as it read them: ", Jan 28 00:00 – Feb 1 00:00 UTC (the price data the
 * bot has)" when that is all the bot has of the week; when levels were set (or proposed) after the bot's prices begin,
 * each was read from then on, and the footer says so and where the prices go back to: ", each level from when it was
 * set, Jan 31 00:00 – Feb 1 00:00 UTC (the bot’s prices go back to Jan 28 00:00)".
 */
function readSpan(d: Digest): string {
  const from = d.dataFrom!, to = d.dataTo!;
  const span = `${day(from, d.to)} ${clockAsOf(from, to)} – ${day(to, d.to, from)} ${clock(to)} ${zoneLabel(to)}`;
  const later = d.readFromSet;
  if (!later || d.pricesFrom === undefined) return `, ${span} (the price data the bot has)`;
  const when = later.set && later.proposed ? 'set or proposed' : later.set ? 'set' : 'proposed';
  const back = d.pricesFrom < from ? ` (the bot’s prices go back to ${day(d.pricesFrom, d.to, from)} ${clockAsOf(d.pricesFrom, to)})` : '';
  return `, each level from when it was ${when}, ${span}${back}`;
}

export function digestReply(d: Digest, opts: { synthetic?: boolean } = {}): Reply {
  const title: Line = [`Weekly levels digest · ${span(d.from, d.to)}${d.soFar ? ', the week so far' : ''}`];
  if (d.levels.length === 0) {
    return { title, blocks: [[['No levels were watched or proposed here this week.'], ['Anyone can propose one: /level propose ASSET LOW-HIGH "why"']]], tone: 'info' };
  }
  const order = { broke: 0, reclaimed: 1, crossed: 2, held: 3, untested: 4 } as const;
  const watched = d.levels.filter((l) => l.watched).sort((a, b) => order[a.verdict] - order[b.verdict]);
  const proposedOnly = d.levels.filter((l) => !l.watched);
  const blocks: Line[][] = [];
  blocks.push([[verdictCounts(watched, true) || 'No watched levels.']]);
  const now = digestZoneAt(d);
  if (watched.length) blocks.push([[b('The group’s levels')], ...watched.map((l) => digestLine(l, now))]);
  if (proposedOnly.length) blocks.push([[b('Proposed, not adopted')], ...proposedOnly.map((l) => digestLine(l, now))]);
  blocks.push(
    d.right.length
      ? [[b('Proposals that were right')], ...d.right.map((l) => [`${memberName(l.proposal!.proposer)}: `, b(`${l.asset} ${levelText(l.level)}`), l.proposal!.reason ? ` “${l.proposal!.reason}”` : '', ` held, ${share(Math.abs(l.bouncePct ?? 0) / 100)} bounce`])]
      : [[toned(d.levels.some((l) => l.proposal) ? 'No proposal held a test this week.' : `No level was proposed this week: anyone can, with /level propose ${d.levels[0]!.asset.toLowerCase()} LOW-HIGH "why".`, 'muted')]],
  );
  // Watched levels' breaks are the alerts' own (their times and closes); the rest is read on the hour.
  const told = d.levels.some((l) => l.byAlerts && weekBreaks(l).length > 0) ? 'Breaks as the level alerts told them · ' : '';
  const data = d.dataFrom !== undefined ? `${told}${told ? 'read' : 'Read'} on hourly closes${readSpan(d)}` : `${told}No price data this week · ${stamp(d.to)}`;
  return { title, blocks, footer: [`${data}${opts.synthetic ? ' · SYNTHETIC demo data' : ''}`], tone: 'info' };
}
