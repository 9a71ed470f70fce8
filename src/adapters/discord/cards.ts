/**
 * A proposal's card that a slash command posted becomes the proposal's home, as the card a pressed button sits on
 * does (commands/proposals.ts `homed`): alerts on the proposal's level then answer it, in its channel. A button
 * hands the command its message; a slash command has none until its answer is posted, so the card's message id is
 * read back after answering (interactions.ts) and given here to the proposal it shows when that has no home yet,
 * and to its adopted level when that has no thread yet.
 */
import type { Caller } from '../../../commands/index.js';
import type { Args } from '../../../commands/types.js';
import { shortId } from '../../replies/proposals.js';
import type { Reply } from '../../replies/reply.js';
import type { Proposal } from '../../core/proposals.js';

/** The /level parts whose public answer is a proposal's card. */
const CARD_PARTS = new Set(['propose', 'vote', 'adopt', 'reject']);

/** The proposal a card shows: the one named (`/level adopt p3`), else the one its vote buttons name (a new card). */
function shownProposal(caller: Caller, args: Args, reply: Reply): Proposal | undefined {
  const named = args.values.id?.trim().toLowerCase();
  const short = named ?? reply.buttons?.map((b) => /^level vote (p\d{1,6}) /.exec(b.command)?.[1]).find((id) => id !== undefined);
  if (!short || !/^p\d{1,6}$/.test(short)) return undefined;
  const { store } = caller.services;
  return store.getProposal(`${caller.chat.key}:${short}`) ?? store.listProposals(caller.chat.key).find((p) => shortId(p) === short);
}

/** Make `ref` (`<channel>:<message>`, the card a slash command posted) the home of the proposal it shows, where it has none. */
export function homeCard(caller: Caller, command: string, args: Args, reply: Reply, ref: string): void {
  if (command !== 'level' || !CARD_PARTS.has(args.sub ?? '')) return;
  const p = shownProposal(caller, args, reply);
  if (!p) return;
  const { services } = caller;
  let home: Proposal = p;
  if (p.messageRef === undefined) {
    home = { ...p, messageRef: ref };
    if (caller.chat.target !== undefined) home.thread = caller.chat.target;
    services.apply({ kind: 'proposal.put', proposal: home });
  }
  const level = p.levelId !== undefined ? services.market.levels.get(p.levelId) : undefined;
  if (level && level.proposal === p.id && level.thread === undefined && home.messageRef !== undefined) {
    services.apply({ kind: 'level.put', level: { ...level, thread: { ref: home.messageRef, ...(home.thread !== undefined ? { target: home.thread } : {}) } } });
  }
}
