/**
 * `/level propose|vote|adopt|reject|info|why`: levels the group discusses. Any member proposes a price or zone
 * with a reason; members vote 👍/👎 (one vote each, changeable); an admin adopts or rejects, or the chat's vote
 * threshold adopts it; an open proposal expires. The rules are core/proposals.ts; this module reads proposals and
 * votes as the write path has them (what the store refused so far included: readProposals), says what changed through
 * `apply` (the one write path) and answers with neutral replies (replies/proposals.ts).
 */
import { levelHistory } from '../src/core/level-history.js';
import { levelId, levelKey, type Level, type LevelValue } from '../src/core/levels.js';
import { decide, propose, reached, SHORT_ID, statusAt, vote, type Proposal, type ProposalRules, type Transition } from '../src/core/proposals.js';
import { HOUR, DAY } from '../src/core/time.js';
import { levelText } from '../src/replies/format.js';
import { levelInfoReply, proposalReply, shortId, whyReply } from '../src/replies/proposals.js';
import { errorReply, toned, type Reply } from '../src/replies/reply.js';
import type { Subscription } from '../src/store/store.js';
import { proposalHeld, readProposal, readProposals, readSubscription } from '../src/state/writer.js';
import { outOfRange, secondPrice, watchedForEveryone } from './level-range.js';
import { chatDigest, chatDigestReply } from '../src/alerts/digest.js';
import { digestAsset } from '../src/charts/digest.js';
import { parseAsset, parseLevel, parseReason, quote } from './parse.js';
import type { Args, ChatInfo, CommandContext, CommandReply } from './types.js';

/** How long a proposal stays open unless the chat's admins chose otherwise (/alerts expiry). */
export const DEFAULT_PROPOSAL_TTL_HOURS = 48;
/** The longest reason ("why") a member may give. */
export const REASON_MAX_CHARS = 140;
/**
 * Open proposals a member may have at once, and a chat before a member's second or third waits for room: a group is not
 * flooded with cards, and a few accounts filling the chat (seven with three each) do not silence the rest, since a
 * member with none open is always heard. Past the chat's number, each card costs a spammer an account.
 */
export const MAX_OPEN_PER_CHAT = 20;
export const MAX_OPEN_PER_MEMBER = 3;
/** How far back `/level info` reads the level's history (the engine keeps about a week of bars). */
const INFO_SPAN_MS = 7 * DAY;

/** A chat's rules for its proposals, from its settings (/alerts votes, /alerts expiry). */
export function proposalRules(sub: Subscription | undefined): ProposalRules {
  const rules: ProposalRules = { ttlMs: (sub?.proposals?.ttlHours ?? DEFAULT_PROPOSAL_TTL_HOURS) * HOUR };
  if (sub?.proposals?.votesNeeded !== undefined) rules.votesNeeded = sub.proposals.votesNeeded;
  return rules;
}

/**
 * Callers who are not one member: someone posting under a channel's name (Telegram's "send as" a channel other than the
 * group itself). An adapter gives every such caller of a chat the one id `channelSenderId(chat)`, so they share one
 * command budget, and they neither propose nor vote: a person with two channels would otherwise be three members,
 * vote on their own proposal and adopt it by "the group's" vote. (An anonymous admin posts as the group itself and
 * keeps its own id: it is the group's admin.)
 */
const CHANNEL_SENDER = 'as-channel:';
export const channelSenderId = (chat: string): string => `${CHANNEL_SENDER}${chat}`;
const isChannelSender = (ctx: CommandContext): boolean => ctx.user.id.startsWith(CHANNEL_SENDER);
const asYourself = (what: 'Vote' | 'Propose'): Reply =>
  errorReply(`${what} as yourself, not as a channel: a channel is not a member here.`, 'Send it from your own account (the sender beside the message box), or press 👍 / 👎 on the card.');

/**
 * Said on a card while the store refuses the proposal's writes (a full disk, a database locked by another process): what
 * the member did counts already, held by the write path and written when the store takes writes again, but a restart
 * before then loses it, so it is said plainly rather than passed off as saved.
 */
export const NOT_SAVED = 'Not saved yet: the bot’s storage refused it just now. It counts already and is saved once storage works again; a restart before then would lose it.';

/** The chat's rules as last changed (`/alerts votes` held while the store refuses writes counts already). */
const rulesFor = (ctx: CommandContext) => proposalRules(readSubscription(ctx.services.store, ctx.chat.key));

/** The proposal's card, naming the proposal it shows (`answerPosted` homes it once posted). */
function card(ctx: CommandContext, p: Proposal): CommandReply {
  const view = ctx.services.market.levelStatus(p.asset, ctx.chat.key).levels.find((v) => levelKey(v.level.asset, v.level.level) === levelKey(p.asset, p.level));
  const reply = proposalReply(p, { now: ctx.now, rules: rulesFor(ctx), ...(view ? { view } : {}) });
  if (proposalHeld(ctx.services.store, p.id)) reply.blocks.push([[toned(NOT_SAVED, 'warn')]]);
  return { ...reply, proposal: p.id };
}

/**
 * The proposal a chat names as `p3` (only its own chat's): those it brought from its old key too (a group migrated to
 * a supergroup keeps their ids, and its new ones count on from them, so a short id names one proposal).
 */
function find(ctx: CommandContext, raw: string | undefined): Proposal | Reply {
  const short = (raw ?? '').trim().toLowerCase();
  if (!SHORT_ID.test(short)) return errorReply(`${quote(raw ?? '')} is not a proposal. Proposals are named like p3, on their card and in /level list.`);
  const { store } = ctx.services;
  const p = readProposal(store, `${ctx.chat.key}:${short}`) ?? readProposals(store, ctx.chat.key).find((x) => shortId(x) === short);
  return p ?? errorReply(`This chat has no proposal ${short}.`, 'Propose one with /level propose eth 2350 "why"');
}

const isReply = <T extends object>(x: T | Reply): x is Reply => 'blocks' in x;

function refused(t: Extract<Transition, { ok: false }>): Reply {
  switch (t.reason) {
    case 'not_admin':
      return errorReply('Only admins of this chat can adopt or reject a proposal.', 'Members vote with 👍 / 👎.');
    case 'expired':
      return errorReply('This proposal has expired: it can no longer be voted on or adopted.', 'Propose it again with /level propose.');
    case 'closed':
      return errorReply(`This proposal was already ${t.status}.`);
    case 'own':
      return errorReply('You proposed this level: the other members’ votes decide it.', 'An admin can adopt it at once with /level adopt.');
  }
}

/** The proposal at home in the message `ref`, in this conversation's channel or topic: alerts on its level answer it there. */
function homedAt(chat: ChatInfo, p: Proposal, ref: string): Proposal {
  if (p.messageRef === ref) return p;
  const next: Proposal = { ...p, messageRef: ref };
  if (chat.target !== undefined) next.thread = chat.target;
  else delete next.thread;
  return next;
}

/** The message a pressed button sits under becomes the proposal's home. */
function homed(ctx: CommandContext, p: Proposal): Proposal {
  return ctx.message?.button ? homedAt(ctx.chat, p, ctx.message.ref) : p;
}

/** The thread an adopted proposal's level answers: its home. */
function threadOf(p: Proposal): Level['thread'] {
  return p.messageRef === undefined ? undefined : { ref: p.messageRef, ...(p.thread !== undefined ? { target: p.thread } : {}) };
}

/**
 * A card posted where the command had no message to know it by (a Discord slash command's answer, whose message id
 * exists once it is posted): the home of the proposal it shows (`id`) when that has none, as a card whose button is
 * pressed is (`homed`), and the thread of its adopted level when that has none.
 */
export function cardPosted(ctx: Pick<CommandContext, 'chat' | 'services'>, id: string, ref: string): void {
  const { store, market } = ctx.services;
  const p = readProposal(store, id);
  if (!p) return;
  const home = p.messageRef === undefined ? homedAt(ctx.chat, p, ref) : p;
  if (home !== p) ctx.services.apply({ kind: 'proposal.put', proposal: home });
  const level = p.levelId !== undefined ? market.levels.get(p.levelId) : undefined;
  const thread = threadOf(home);
  if (level && level.proposal === p.id && level.thread === undefined && thread) ctx.services.apply({ kind: 'level.put', level: { ...level, thread } });
}

/** Watch the adopted proposal's level in its chat, carrying the story and the thread its alerts answer. */
function adoptLevel(ctx: CommandContext, p: Proposal): { proposal: Proposal } | Reply {
  const { market, config } = ctx.services;
  const id = levelId(p.asset, p.level, p.chat);
  const existing = market.levels.get(id);
  const count = market.levels.all().filter((l) => l.chat === p.chat).length;
  if (!existing && count >= config.levels.maxPerChat) {
    return errorReply(`This chat already has ${count} levels, the most it can keep. An admin removes one first (/level remove).`);
  }
  const level: Level = { ...(existing ?? {}), id, asset: p.asset, level: p.level, source: 'chat', chat: p.chat, createdAt: existing?.createdAt ?? ctx.now, proposal: p.id };
  const thread = threadOf(p);
  if (thread) level.thread = thread;
  ctx.services.apply({ kind: 'level.put', level });
  return { proposal: { ...p, levelId: id } };
}

/**
 * A new proposal's id: one past the largest number this chat has used (stored or held while the store refuses writes,
 * its old key's too after a move, any gateway's), never the count (a held proposal the store does not list yet would
 * get its id again), and never an id a proposal already has (one that moved away with its group keeps it). With the
 * suffix of the process that opens it (a gateway's, `p4b`): another gateway may be numbering this chat's next one now.
 */
function nextId(ctx: CommandContext, known: readonly Proposal[]): string {
  const { store } = ctx.services;
  let n = 0;
  for (const p of known) {
    const m = SHORT_ID.exec(shortId(p));
    if (m) n = Math.max(n, Number(m[1]));
  }
  for (;;) {
    const id = `${ctx.chat.key}:p${++n}${store.proposalSuffix ?? ''}`;
    if (!readProposal(store, id)) return id;
  }
}

export function runPropose(ctx: CommandContext, args: Args): CommandReply {
  if (isChannelSender(ctx)) return asYourself('Propose');
  const { market, store } = ctx.services;
  const chat = ctx.chat.key;
  const asset = parseAsset(args.values.asset, market.knownAssets());
  if (!asset.ok) return errorReply(asset.message);
  const value = parseLevel(args.values.level);
  if (!value.ok) return errorReply(value.message);
  const second = secondPrice('propose', asset.value, value.value, args.values.why);
  if (second) return second;
  const reason = parseReason(args.values.why, REASON_MAX_CHARS);
  if (!reason.ok) return errorReply(reason.message);
  const far = outOfRange(asset.value, value.value, market.prices.last(asset.value)?.price);
  if (far) return far;
  const everyone = market.levels.get(levelId(asset.value, value.value));
  if (everyone) return watchedForEveryone(everyone);
  if (market.levels.get(levelId(asset.value, value.value, chat))) {
    return errorReply(`${asset.value} ${levelText(value.value)} is already watched in this chat.`, `See its story with /level info ${asset.value.toLowerCase()} ${levelText(value.value).replace(/[$,\s]/g, '')}`);
  }
  const all = readProposals(store, chat);
  const open = all.filter((p) => statusAt(p, ctx.now) === 'open');
  const same = open.find((p) => levelKey(p.asset, p.level) === levelKey(asset.value, value.value));
  if (same) return card(ctx, same); // the open card again: vote there
  const mine = open.filter((p) => p.proposer.id === ctx.user.id).length;
  const waitForYours = 'Vote on the others meanwhile, or ask an admin to decide yours (/level adopt, /level reject); they also close when they expire.';
  if (mine >= MAX_OPEN_PER_MEMBER) return errorReply(`You already have ${mine} open proposals here, the most a member may have.`, waitForYours);
  if (mine > 0 && open.length >= MAX_OPEN_PER_CHAT) {
    return errorReply(`This chat has ${open.length} open proposals, ${mine} of them yours: while it has ${MAX_OPEN_PER_CHAT} or more, a member may have one open at a time.`, waitForYours);
  }
  const input: Parameters<typeof propose>[0] = { id: nextId(ctx, all), chat, asset: asset.value, level: value.value as LevelValue, proposer: { ...ctx.user } };
  if (reason.value !== undefined) input.reason = reason.value;
  const p = propose(input, ctx.now, rulesFor(ctx));
  if (ctx.message) p.messageRef = ctx.message.ref;
  if (ctx.chat.target !== undefined) p.thread = ctx.chat.target;
  ctx.services.apply({ kind: 'proposal.put', proposal: p });
  return card(ctx, p);
}

export function runVote(ctx: CommandContext, args: Args): CommandReply {
  if (isChannelSender(ctx)) return asYourself('Vote');
  const found = find(ctx, args.values.id);
  if (isReply(found)) return found;
  const choice = (args.values.vote ?? '').trim().toLowerCase();
  const v = choice === 'up' || choice === '👍' || choice === 'yes' ? 'up' : choice === 'down' || choice === '👎' || choice === 'no' ? 'down' : undefined;
  if (!v) return errorReply('Vote up or down, e.g. /level vote p3 up.');
  const t = vote(found, ctx.user.id, v, ctx.now, rulesFor(ctx));
  if (!t.ok) return refused(t);
  ctx.services.apply({ kind: 'proposal.vote', id: found.id, voter: ctx.user.id, vote: v });
  let p = homed(ctx, t.proposal);
  let full: Reply | undefined;
  if (t.adopted) {
    const done = adoptLevel(ctx, p);
    // A full chat: the vote counts, the proposal stays open for an admin to adopt once one is removed; the card says both.
    if (isReply(done)) {
      full = done;
      p = homed(ctx, { ...found, votes: t.proposal.votes });
    } else p = done.proposal;
  }
  // The proposal itself changes only when adopted or given its card as home; a vote alone is its own row.
  if (p.status !== found.status || p.messageRef !== found.messageRef) ctx.services.apply({ kind: 'proposal.put', proposal: p });
  const reply = card(ctx, p);
  return full ? { ...reply, blocks: [...reply.blocks, ...full.blocks] } : reply;
}

/**
 * Open proposals already past a threshold just lowered (/alerts votes): adopted by the group's vote, as many as the
 * chat has room for (the rest wait for an admin, as after a 👍 in a full chat).
 */
export function adoptReached(ctx: CommandContext, rules: ProposalRules): Proposal[] {
  const adopted: Proposal[] = [];
  for (const p of openProposals(ctx)) {
    const t = reached(p, ctx.now, rules);
    if (!t.ok || !t.adopted) continue;
    const done = adoptLevel(ctx, t.proposal);
    if (isReply(done)) break;
    ctx.services.apply({ kind: 'proposal.put', proposal: done.proposal });
    adopted.push(done.proposal);
  }
  return adopted;
}

export function runDecide(ctx: CommandContext, args: Args, verdict: 'adopt' | 'reject'): CommandReply {
  const found = find(ctx, args.values.id);
  if (isReply(found)) return found;
  const t = decide(homed(ctx, found), { ...ctx.user, isAdmin: ctx.isAdmin }, verdict, ctx.now);
  if (!t.ok) return refused(t);
  let p = t.proposal;
  if (t.adopted) {
    const done = adoptLevel(ctx, p);
    if (isReply(done)) return done;
    p = done.proposal;
  }
  ctx.services.apply({ kind: 'proposal.put', proposal: p });
  return card(ctx, p);
}

/** `/level info ASSET PRICE`: the level now, its story, and its history with the liquidations around each episode. */
export function runInfo(ctx: CommandContext, args: Args): Reply {
  const { market, store, config } = ctx.services;
  const asset = parseAsset(args.values.asset, market.knownAssets());
  if (!asset.ok) return errorReply(asset.message);
  const value = parseLevel(args.values.level);
  if (!value.ok) return errorReply(value.message);
  const key = levelKey(asset.value, value.value);
  const view = market.levelStatus(asset.value, ctx.chat.key).levels.find((v) => levelKey(v.level.asset, v.level.level) === key);
  const proposals = readProposals(store, ctx.chat.key).filter((p) => levelKey(p.asset, p.level) === key);
  const proposal = (view?.level.proposal !== undefined ? proposals.find((p) => p.id === view.level.proposal) : undefined) ?? proposals[proposals.length - 1];
  if (!view && !proposal) return errorReply(`No ${asset.value} level or proposal at ${levelText(value.value)} here.`, `See them with /levels ${asset.value.toLowerCase()}.`);
  const to = marketTime(ctx);
  const from = Math.floor((to - INFO_SPAN_MS) / HOUR) * HOUR; // whole hours: closes read at :00
  const history = levelHistory(value.value, {
    bars: market.prices.bars(asset.value, from, to, HOUR),
    liquidations: market.buckets.series(asset.value, from, to, HOUR),
    testingPct: config.levels.testingPct,
    aroundMs: HOUR,
    barMs: HOUR,
  });
  const track = view ? market.levels.track(view.level.id) : undefined;
  return levelInfoReply({
    asset: asset.value, history, now: ctx.now,
    ...(view ? { view } : {}), ...(proposal ? { proposal } : {}), ...(track?.lastBreak ? { lastBreak: track.lastBreak } : {}),
  });
}

/** The market's time (event time, offline too); the caller's clock before the market has seen any event. */
function marketTime(ctx: CommandContext): number {
  const clock = ctx.services.market.clock;
  return Number.isFinite(clock) ? clock : ctx.now;
}

/** `/level why ASSET` (the "Why?" button under /levels): the story of each of the asset's levels the group proposed. */
export function runWhy(ctx: CommandContext, args: Args): Reply {
  const { market, store } = ctx.services;
  const asset = parseAsset(args.values.asset, market.knownAssets());
  if (!asset.ok) return errorReply(asset.message);
  const stories = market.levels
    .all()
    .filter((l) => l.chat === ctx.chat.key && l.asset === asset.value && l.proposal !== undefined)
    .flatMap((l) => {
      const p = readProposal(store, l.proposal!);
      return p ? [{ name: levelText(l.level), proposal: p }] : [];
    });
  return whyReply(asset.value, stories, ctx.now);
}

/**
 * `/level digest [ASSET]`: the week so far (from Monday 00:00 in the community's zone, the week the weekly post will
 * tell), as the weekly digest tells it: what held, what broke as the alerts told it, who was right. Its chart goes
 * through the chart service (its budget and cache), like /liqs and /levels.
 */
export function runDigest(ctx: CommandContext, args: Args): Reply {
  const { market, store, config, charts } = ctx.services;
  const asset = args.values.asset ? parseAsset(args.values.asset, market.knownAssets()) : undefined;
  if (asset && !asset.ok) return errorReply(asset.message);
  // The week's proposals as the write path has them: one made while the disk is full is the chat's already.
  const digest = chatDigest(market, { listProposals: (chat) => readProposals(store, chat) }, ctx.chat.key, marketTime(ctx), config.levels.testingPct, asset?.value);
  return chatDigestReply(digest, {
    synthetic: market.synthetic,
    chart: (d) => {
      const shown = asset?.value ?? digestAsset(d);
      return shown ? charts?.digest?.(d, shown, ctx.chat.key) : undefined;
    },
  });
}

/** Open proposals of a chat as `/level list` shows them: `p3 ETH 2,350 by ann · 👍 2`. */
export function openProposals(ctx: CommandContext, asset?: string): Proposal[] {
  return readProposals(ctx.services.store, ctx.chat.key).filter((p) => statusAt(p, ctx.now) === 'open' && (!asset || p.asset === asset));
}
