/**
 * Levels the group discusses, as neutral Replies: a proposal's card (with its vote buttons), a level's story (who
 * proposed it, why, the vote, who adopted it), `/level info` with the level's history, and the compact marker
 * `/levels` shows. Whatever a member typed (a name, a reason) is a plain span: each adapter escapes it.
 */
import type { Alert } from '../core/alerts.js';
import { EMOJI_GLUE, INVISIBLE } from '../core/events.js';
import type { LevelHistory } from '../core/level-history.js';
import type { LevelView } from '../core/levels.js';
import { statusAt, tally, type Proposal, type ProposalRules } from '../core/proposals.js';
import { breakWord, clock, day, labelAfter, levelText, pct, price, usd } from './format.js';
import { zoneLabel } from './zone.js';
import { chopCountText } from './chop.js';
import { holdsLink } from './links.js';
import { b, toned, type Button, type Line, type Reply, type Span } from './reply.js';

const graphemes = new Intl.Segmenter();

/**
 * What a name must not carry, whichever platform it came from: what shows nothing (`INVISIBLE`, src/core/events.ts, the
 * one list: a right-to-left override U+202E would reverse the rest of the line, a zero-width space hide text, and a name
 * of braille blanks U+2800 or Hangul fillers U+3164 would read as nobody). Kept, as part of what shows: an emoji's
 * joiners and presentation selector (`EMOJI_GLUE`), and a joiner between letters (Persian's U+200C, U+200D in Indic
 * scripts). Captured first so the replacement keeps it.
 */
const UNSHOWN = new RegExp(`(${EMOJI_GLUE.source}|(?<=[\\p{L}\\p{M}])[\\u200C\\u200D](?=[\\p{L}\\p{M}]))|${INVISIBLE.source}`, 'gu');
/** An @ that starts a word (`@alice`, `(@alice)`): in a bot's Telegram message it mentions, and notifies, that member. */
const MENTION_AT = /(?<![\p{L}\p{N}_])@+(?=[\p{L}\p{N}_])/gu;

/**
 * A name as the bot shows it, from any platform: on one line (a byte-order mark is no space), without what shows
 * nothing (empty: nothing visible), and never a mention: `@alice` (as names from Telegram were kept before) is alice.
 * A name that holds a link (`JOIN t.me/pump_signals`, `ｓｃａｍ．ｉｏ`; the rule labels follow, links.ts) is no name
 * either: the bot would advertise it on every card and list. Left out whole, not its link alone, since the rest of such a
 * name is the advertisement's text ("JOIN"); an adapter falls back to the member's next name (a Telegram username
 * holds no dot), else it shows as "a member".
 */
export function shownName(name: string | null | undefined): string {
  const shown = (name ?? '').replace(/[^\S\uFEFF]+/g, ' ').replace(UNSHOWN, (_, kept: string | undefined) => kept ?? '').replace(MENTION_AT, '').trim();
  return holdsLink(shown) ? '' : shown;
}

/**
 * A member's display name as shown: on one line, without invisible characters, bounded, never empty; cut between
 * characters as they show, never inside an emoji.
 */
export function memberName(who: { id: string; name?: string }): string {
  const n = shownName(who.name) || 'a member';
  const shown = [...graphemes.segment(n)].map((g) => g.segment);
  return shown.length > 32 ? `${shown.slice(0, 31).join('')}…` : n;
}

/** The proposal's short id as typed in a chat (`p3`): buttons and commands name it so. */
export function shortId(p: Proposal): string {
  return p.id.slice(p.id.lastIndexOf(':') + 1);
}

const when = (ms: number, now: number) => `${day(ms, now)} ${clock(ms)} ${zoneLabel(ms)}`;

function voteLine(p: Proposal, rules: ProposalRules, now: number): Line {
  const t = tally(p);
  const need = rules.votesNeeded;
  // Open past the threshold (a chat full of levels): never "adopted at 2" over a vote of 4.
  const rule = need === undefined ? 'an admin adopts or rejects'
    : statusAt(p, now) === 'open' && t.net >= need ? `${need} net 👍 reached: waiting for an admin to adopt it`
    : `adopted at ${need} net 👍 or by an admin`;
  return [b(`👍 ${t.up} · 👎 ${t.down}`), toned(` · ${rule}`, 'muted')];
}

/** Who decided: the group's vote, or the admin by name. */
function decider(p: Proposal): string {
  return p.decidedBy === 'votes' ? 'the group’s vote' : p.deciderName ? memberName({ id: p.decidedBy ?? '', name: p.deciderName }) : 'an admin';
}

function decisionLine(p: Proposal, now: number): Line {
  const status = statusAt(p, now);
  const by = decider(p);
  switch (status) {
    case 'open':
      return [toned(`Open until ${when(p.expiresAt, now)}`, 'muted')];
    case 'adopted':
      return [toned('✅ Adopted', 'up', true), ` by ${by}, ${when(p.decidedAt ?? now, now)}: alerts on it answer this thread.`];
    case 'rejected':
      return [toned('✖ Rejected', 'down', true), ` by ${by}, ${when(p.decidedAt ?? now, now)}.`];
    case 'expired':
      return [toned(`⌛ Expired ${when(p.expiresAt, now)}`, 'muted'), ' without being adopted.'];
  }
}

/** The card a proposal lives in: what, who, why, the vote, and buttons while it is open. */
export function proposalReply(p: Proposal, opts: { now: number; rules: ProposalRules; view?: LevelView }): Reply {
  const where = opts.view && opts.view.state !== 'unknown'
    ? opts.view.role === 'inside' ? ' · price is inside it' : ` · ${opts.view.role}, ${pct(opts.view.distancePct / 100)} away`
    : '';
  const blocks: Line[][] = [
    [[b(memberName(p.proposer)), ' proposes ', b(`${p.asset} ${levelText(p.level)}`), where]],
  ];
  if (p.reason) blocks.push([['“', p.reason, '”']]);
  blocks.push([voteLine(p, opts.rules, opts.now), decisionLine(p, opts.now)]);
  // The short id in the title: what /level vote, adopt and reject name it by (and /level list shows).
  const reply: Reply = { title: [`Level proposal ${shortId(p)} · ${p.asset} ${levelText(p.level)}`], blocks, tone: 'info' };
  if (statusAt(p, opts.now) === 'open') {
    const t = tally(p);
    const id = shortId(p);
    reply.buttons = [
      { label: `👍 ${t.up}`, command: `level vote ${id} up` },
      { label: `👎 ${t.down}`, command: `level vote ${id} down` },
      { label: 'Adopt (admins)', command: `level adopt ${id}` },
      { label: 'Reject (admins)', command: `level reject ${id}` },
    ];
  }
  return reply;
}

/** Where a proposal stands, after its vote in its story. */
function standing(p: Proposal, now: number): string {
  switch (statusAt(p, now)) {
    case 'open':
      return `open until ${when(p.expiresAt, now)}`;
    case 'adopted':
      return `adopted by ${decider(p)}, ${when(p.decidedAt ?? p.createdAt, now)}`;
    case 'rejected':
      return `rejected by ${decider(p)}, ${when(p.decidedAt ?? p.createdAt, now)}`;
    case 'expired':
      return `expired ${when(p.expiresAt, now)}`;
  }
}

/** The story of a level proposed (adopted or not), in lines (for /level info and the "Why?" answer). */
export function storyLines(p: Proposal, now: number): Line[] {
  const t = tally(p);
  const lines: Line[] = [[`Proposed by `, b(memberName(p.proposer)), `, ${when(p.createdAt, now)}`]];
  if (p.reason) lines.push(['“', p.reason, '”']);
  lines.push([`Vote 👍 ${t.up} · 👎 ${t.down} · ${standing(p, now)}`]);
  return lines;
}

/** `/levels`' compact marker for a level with a story: "proposed by ann · 3👍". */
export function storyMarker(p: Proposal): Span {
  return toned(` · proposed by ${memberName(p.proposer)} · ${tally(p).up}👍`, 'muted');
}

const EPISODE_WORDS = {
  test: (d: 'up' | 'down') => (d === 'down' ? 'tested from above' : 'tested from below'),
  break: (d: 'up' | 'down') => (d === 'down' ? 'closed below (break)' : 'closed above (break)'),
  reclaim: (d: 'up' | 'down') => (d === 'up' ? 'closed back above (reclaim)' : 'closed back below (reclaim)'),
} as const;

/** How many of a level's episodes `/level info` lists (the latest ones). */
export const INFO_EPISODES = 8;

/** `/level info ASSET PRICE`: the level now, its story, and its history on the engine's hourly closes. */
export function levelInfoReply(input: { asset: string; view?: LevelView; proposal?: Proposal; history: LevelHistory; now: number; lastBreak?: { ts: number; direction: 'up' | 'down'; price: number } }): Reply {
  const { view, proposal, history, now } = input;
  const name = view ? levelText(view.level.level) : proposal ? levelText(proposal.level) : '';
  const blocks: Line[][] = [];
  if (view) {
    const role = view.role === 'inside' ? 'price inside' : `${view.role}, ${pct(view.distancePct / 100)} away`;
    const label = labelAfter(input.asset, view.level.label);
    const state: Line = [b(`${input.asset} ${name}`), label ? ` ${label}` : '', view.state === 'unknown' ? ' · no price yet' : ` · ${role} · ${view.state}`];
    const lines: Line[] = [state];
    if (input.lastBreak) {
      const br = input.lastBreak;
      lines.push([`Last alert: ${breakWord(br.direction, false)} at ${price(br.price)}, ${when(br.ts, now)}`]);
    }
    blocks.push(lines);
  }
  if (proposal) blocks.push(storyLines(proposal, now));
  else if (view) blocks.push([[toned(view.level.source === 'chat' ? 'Added by an admin.' : view.level.source === 'cascade' ? 'Left by a major liquidation cascade.' : 'A level the bot watches for everyone.', 'muted')]]);
  if (history.from === undefined) {
    blocks.push([[toned('No price history yet to read it against.', 'muted')]]);
  } else {
    const shown = history.episodes.slice(-INFO_EPISODES);
    const head: Line = [b('History'), toned(` on hourly closes, ${day(history.from, now)} ${clock(history.from)} – ${day(history.to!, now, history.from)} ${clock(history.to!)} ${zoneLabel(history.to!)}`, 'muted')];
    const rows: Line[] = shown.map((e, i) => {
      const liq = e.longUsd + e.shortUsd;
      const hurt = e.direction === 'down' ? e.longUsd : e.shortUsd;
      const side = e.direction === 'down' ? 'longs' : 'shorts';
      return [
        `${day(e.ts, now, i > 0 ? shown[i - 1]!.ts : now)} ${clock(e.ts)} `,
        e.kind === 'test' ? EPISODE_WORDS.test(e.direction) : toned(EPISODE_WORDS[e.kind](e.direction), e.direction === 'down' ? 'down' : 'up'),
        ` at ${price(e.price)}`,
        liq > 0 ? toned(` · ${usd(hurt)} ${side} liquidated ±1h`, 'muted') : '',
      ];
    });
    if (rows.length === 0) rows.push(['No tests, breaks or reclaims in that span.']);
    else if (history.episodes.length > shown.length) rows.unshift([toned(`The latest ${shown.length} of ${history.episodes.length}:`, 'muted')]);
    blocks.push([head, ...rows]);
  }
  const buttons: Button[] = [{ label: `${input.asset} levels`, command: `levels ${input.asset}` }];
  return { title: [`${input.asset} ${name} · the level’s story`], blocks, buttons, tone: 'info' };
}

/** The "Why?" answer under `/levels`: each level the group proposed, with its story. */
export function whyReply(asset: string, stories: { name: string; proposal: Proposal }[], now: number): Reply {
  if (stories.length === 0) {
    // The syntax, not a zone made up near the price: an example zone reads as the bot's own level.
    return { blocks: [[[`No ${asset} level here came from a proposal yet.`], [`Anyone can propose one: /level propose ${asset.toLowerCase()} LOW-HIGH "why"`]]], tone: 'info', buttons: [{ label: `${asset} levels`, command: `levels ${asset}` }] };
  }
  return {
    title: [`Why these ${asset} levels`],
    blocks: stories.map((s) => [[b(`${asset} ${s.name}`)], ...storyLines(s.proposal, now)]),
    buttons: [{ label: `${asset} levels`, command: `levels ${asset}` }],
    tone: 'info',
  };
}

/**
 * The short answer in a level's thread when the chat's alerts post elsewhere (another topic or channel): the verdict
 * in one line, pointing to the full alert. Never the alert's own text twice.
 */
export function threadAnswer(a: Alert): Reply {
  if (a.kind !== 'level_break' && a.kind !== 'level_chop') return { blocks: [[['An alert went to this chat’s alerts channel.']]], tone: 'info' };
  const name = `${a.asset} ${levelText(a.level)}`;
  const verdict: Line = a.kind === 'level_chop'
    ? [b(name), ` is chopping between ${price(a.range[0])} and ${price(a.range[1])}${chopCountText(a, a.ts) ? `: ${chopCountText(a, a.ts)}` : ''}, now ${price(a.price)}.`]
    : [b(name), ' ', toned(a.fromChop?.kept ? `out of its chop, ${a.direction === 'down' ? 'below' : 'above'}` : a.reclaim ? (a.direction === 'up' ? 'reclaimed' : 'lost again') : a.direction === 'down' ? 'lost' : 'broken up', a.direction === 'down' ? 'down' : 'up', true), `: ${a.timeframe} close ${price(a.price)}.`];
  return { blocks: [[verdict, [toned('The level this thread proposed. Full alert in the alerts channel.', 'muted')]]], tone: 'info' };
}
