/**
 * The weekly digest as one neutral Reply: the group's levels that held, broke or were reclaimed and how price
 * behaved after, then the proposals that were right. Names and reasons are members' words: plain spans, escaped by
 * each adapter.
 */
import type { Digest, DigestLevel } from '../core/digest.js';
import { breakWord, clock, clockAsOf, day, labelAfter, levelText, price, share, usd } from './format.js';
import { memberName } from './proposals.js';
import { b, toned, type Line, type Reply } from './reply.js';
import { zoneLabel } from './zone.js';

/** The digest's week: Monday to Sunday in the community's zone (it turns at its Monday 00:00). */
const span = (from: number, to: number) => `${day(from, to)} – ${day(to - 1, to)}`;

function who(l: DigestLevel): string {
  if (!l.proposal) return '';
  // Not watched: still open, rejected or expired when the week ended (chatDigest), or adopted and its level removed.
  const status = l.watched ? '' : l.proposal.status === 'open' ? ', still open' : l.proposal.status === 'adopted' ? ', adopted, level since removed' : `, ${l.proposal.status}`;
  return ` · ${memberName(l.proposal.proposer)}’s call${status}`;
}

/** One level's line: what it did and what price did after. */
export function digestLine(l: DigestLevel): Line {
  const name = b(`${l.asset} ${levelText(l.level)}`);
  const text = labelAfter(l.asset, l.label);
  const label = text ? ` ${text}` : '';
  switch (l.verdict) {
    case 'held':
      return [name, label, ' ', toned(`held ${l.tests} test${l.tests === 1 ? '' : 's'}`, 'up', true), l.bouncePct !== undefined ? `, price moved ${share(Math.abs(l.bouncePct) / 100)} away within a day` : '', toned(who(l), 'muted')];
    case 'untested': {
      // A level the bot told lost (or won) before the week's first bar is still that: said with it.
      const t = l.toldBefore;
      const was = t ? ` (${breakWord(t.direction, t.undid)} ${day(t.ts)} ${clock(t.ts)})` : '';
      return [name, label, toned(` · not tested this week${was}`, 'muted'), toned(who(l), 'muted')];
    }
    case 'broke':
    case 'reclaimed': {
      const br = l.firstBreak!;
      const verb = breakWord(br.direction, false);
      const hurt = br.direction === 'down' ? br.longUsd : br.shortUsd;
      return [
        name, label, ' ',
        toned(`${verb} ${day(br.ts)} ${clock(br.ts)}`, br.direction === 'down' ? 'down' : 'up', true),
        ` at ${price(br.price)}`,
        l.followPct !== undefined ? `, then ${share(Math.abs(l.followPct) / 100)} further within a day` : '',
        hurt > 0 ? toned(` · ${usd(hurt)} ${br.direction === 'down' ? 'longs' : 'shorts'} liquidated ±1h`, 'muted') : '',
        // Back on the side it started: a support lost and won back, or a breakout that fell back.
        l.verdict === 'reclaimed' ? toned(br.direction === 'down' ? ' · reclaimed since' : ' · back below since', 'warn') : '',
        toned(who(l), 'muted'),
      ];
    }
  }
}

/**
 * "3 held · 2 lost · 1 broke up · 1 reclaimed · 1 back below · 4 not tested", in the words of each level's line: a break
 * is *lost* (down) or *broke up*; a level that came back after it is *reclaimed* (a support won back) or *back below*
 * (a breakout that failed).
 */
export function verdictCounts(levels: readonly DigestLevel[], untested: boolean): string {
  const up = (l: DigestLevel) => l.firstBreak?.direction === 'up';
  const word = (l: DigestLevel): string =>
    l.verdict === 'broke' ? (up(l) ? 'broke up' : 'lost') : l.verdict === 'reclaimed' && up(l) ? 'back below' : l.verdict === 'untested' ? 'not tested' : l.verdict;
  const order = ['held', 'lost', 'broke up', 'reclaimed', 'back below', ...(untested ? ['not tested'] : [])];
  return order.map((w) => [w, levels.filter((l) => word(l) === w).length] as const).filter(([, n]) => n > 0).map(([w, n]) => `${n} ${w}`).join(' · ');
}

export function digestReply(d: Digest, opts: { synthetic?: boolean } = {}): Reply {
  const title: Line = [`Weekly levels digest · ${span(d.from, d.to)}`];
  if (d.levels.length === 0) {
    return { title, blocks: [[['No levels were watched or proposed here this week.'], ['Anyone can propose one: /level propose eth 2350 "why"']]], tone: 'info' };
  }
  const order = { broke: 0, reclaimed: 1, held: 2, untested: 3 } as const;
  const watched = d.levels.filter((l) => l.watched).sort((a, b) => order[a.verdict] - order[b.verdict]);
  const proposedOnly = d.levels.filter((l) => !l.watched);
  const blocks: Line[][] = [];
  blocks.push([[verdictCounts(watched, true) || 'No watched levels.']]);
  if (watched.length) blocks.push([[b('The group’s levels')], ...watched.map(digestLine)]);
  if (proposedOnly.length) blocks.push([[b('Proposed, not adopted')], ...proposedOnly.map(digestLine)]);
  blocks.push(
    d.right.length
      ? [[b('Proposals that were right')], ...d.right.map((l) => [`${memberName(l.proposal!.proposer)}: `, b(`${l.asset} ${levelText(l.level)}`), l.proposal!.reason ? ` “${l.proposal!.reason}”` : '', ` held, ${share(Math.abs(l.bouncePct ?? 0) / 100)} bounce`])]
      : [[toned(d.levels.some((l) => l.proposal) ? 'No proposal held a test this week.' : 'No level was proposed this week: anyone can, with /level propose eth 2350 "why".', 'muted')]],
  );
  const data = d.dataFrom !== undefined ? `Read on hourly closes, ${day(d.dataFrom, d.to)} ${clockAsOf(d.dataFrom, d.dataTo!)} – ${day(d.dataTo!, d.to)} ${clock(d.dataTo!)} ${zoneLabel(d.dataTo!)} (the price data the bot has)` : 'No price data this week';
  return { title, blocks, footer: [`${data}${opts.synthetic ? ' · SYNTHETIC demo data' : ''}`], tone: 'info' };
}
