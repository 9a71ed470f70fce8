/**
 * Levels the group discusses: a member proposes a price or zone, members vote, and it is adopted by an admin or
 * by the chat's vote threshold, or rejected, or it expires. Pure transitions on plain data with explicit time, so
 * the same rules hold in a test, in one process and in several: a proposal is a record, a vote replaces the
 * member's previous vote, and every transition says why it was refused.
 */
import type { LevelValue } from './levels.js';

export type Vote = 'up' | 'down';
export type ProposalStatus = 'open' | 'adopted' | 'rejected' | 'expired';

export interface Proposal {
  /**
   * Stable across processes: `${chat}:p${seq}${suffix}`, the part after the chat its short id (`p3`, typed to vote),
   * the suffix that of the gateway that opened it (`idSuffix`), so two gateways never open one id.
   */
  id: string;
  chat: string;
  asset: string;
  level: LevelValue;
  /** What the proposer wrote as the reason (stored raw; escaped where shown). */
  reason?: string;
  proposer: { id: string; name?: string };
  createdAt: number;
  expiresAt: number;
  /** One vote per member (user id → vote); a new vote replaces the old one. */
  votes: Record<string, Vote>;
  status: ProposalStatus;
  /** Who decided and when: an admin's id, or `votes` when the threshold adopted it. */
  decidedBy?: string;
  /** The deciding admin's display name, when they had one. */
  deciderName?: string;
  decidedAt?: number;
  /** Where the proposal was posted (a platform message id), so alerts on the adopted level can reply to it. */
  messageRef?: string;
  /** The topic thread or channel that message is in (as a subscription's target); absent: the chat itself. */
  thread?: string;
  /** The adopted level's id, once adopted. */
  levelId?: string;
}

/** A chat's rule for adopting proposals: admins only, or this many net 👍 votes as well. */
export interface ProposalRules {
  /** Net votes (👍 minus 👎) that adopt a proposal; undefined: only an admin adopts. */
  votesNeeded?: number;
  /** How long a proposal stays open. */
  ttlMs: number;
}

export type Refusal =
  | { reason: 'closed'; status: Exclude<ProposalStatus, 'open'> }
  | { reason: 'expired' }
  | { reason: 'not_admin' }
  | { reason: 'own' };

export type Transition = { ok: true; proposal: Proposal; adopted: boolean } | ({ ok: false } & Refusal);

/** A proposal's short id as typed (`p3`, `p4b`): its number, then the suffix of the gateway that opened it, if any. */
export const SHORT_ID = /^p(\d{1,9})([b-z][a-z]{0,3})?$/;

/**
 * What the ids of the proposals a process opens end with, from its tag (a gateway's number, given once per gateway by
 * the shared store): nothing for the first (and for the single process that is the whole bot), then `b` … `z`, `ba`.
 * Gateways number a chat's proposals from what they know, and the stream brings them another's only after a moment:
 * two opening one at once give `p4` and `p4b`, never one id twice. Short, so a member still types it.
 */
export function idSuffix(tag: number): string {
  let out = '';
  for (let n = Math.max(0, Math.floor(tag) - 1); n > 0; n = Math.floor(n / 26)) out = String.fromCharCode(97 + (n % 26)) + out;
  return out;
}

export function tally(p: Proposal): { up: number; down: number; net: number } {
  let up = 0;
  let down = 0;
  for (const v of Object.values(p.votes)) {
    if (v === 'up') up++;
    else down++;
  }
  return { up, down, net: up - down };
}

/** An open proposal past its time is expired (a stored one may not have been swept yet). */
export function statusAt(p: Proposal, now: number): ProposalStatus {
  return p.status === 'open' && now >= p.expiresAt ? 'expired' : p.status;
}

function open(p: Proposal, now: number): Refusal | undefined {
  const status = statusAt(p, now);
  if (status === 'expired') return { reason: 'expired' };
  if (status !== 'open') return { reason: 'closed', status };
  return undefined;
}

export function propose(
  input: Pick<Proposal, 'id' | 'chat' | 'asset' | 'level' | 'reason' | 'proposer'>,
  now: number,
  rules: ProposalRules,
): Proposal {
  const p: Proposal = { ...input, createdAt: now, expiresAt: now + rules.ttlMs, votes: {}, status: 'open' };
  if (p.reason === undefined) delete p.reason;
  return p;
}

/**
 * A member's vote (replacing their earlier one). Only a vote that raises the net adopts, when it reaches the chat's
 * threshold: a 👎 never does, on a proposal past a threshold lowered since either. The proposer does not vote on
 * their own proposal: the threshold counts the others, so a threshold of 1 is one member agreeing, not the proposer alone.
 */
export function vote(p: Proposal, voter: string, choice: Vote, now: number, rules: ProposalRules): Transition {
  const refused = open(p, now);
  if (refused) return { ok: false, ...refused };
  if (voter === p.proposer.id) return { ok: false, reason: 'own' };
  const next: Proposal = { ...p, votes: { ...p.votes, [voter]: choice } };
  return tally(next).net > tally(p).net ? reached(next, now, rules) : { ok: true, proposal: next, adopted: false };
}

/** An open proposal adopted by the group's vote when its net 👍 reach the chat's threshold (after a 👍, or the threshold lowered). */
export function reached(p: Proposal, now: number, rules: ProposalRules): Transition {
  const refused = open(p, now);
  if (refused) return { ok: false, ...refused };
  if (rules.votesNeeded === undefined || tally(p).net < rules.votesNeeded) return { ok: true, proposal: p, adopted: false };
  return { ok: true, proposal: { ...p, status: 'adopted', decidedBy: 'votes', decidedAt: now }, adopted: true };
}

/** An admin adopts or rejects an open proposal. */
export function decide(p: Proposal, admin: { id: string; name?: string; isAdmin: boolean }, verdict: 'adopt' | 'reject', now: number): Transition {
  if (!admin.isAdmin) return { ok: false, reason: 'not_admin' };
  const refused = open(p, now);
  if (refused) return { ok: false, ...refused };
  const status = verdict === 'adopt' ? 'adopted' : 'rejected';
  const next: Proposal = { ...p, status, decidedBy: admin.id, decidedAt: now };
  if (admin.name !== undefined) next.deciderName = admin.name;
  return { ok: true, proposal: next, adopted: verdict === 'adopt' };
}
