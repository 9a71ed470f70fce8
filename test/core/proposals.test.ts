import { describe, expect, it } from 'vitest';
import { decide, propose, reached, statusAt, tally, vote, type Proposal, type ProposalRules } from '../../src/core/proposals.js';
import { memberName } from '../../src/replies/proposals.js';

const HOUR = 3_600_000;
const T0 = Date.UTC(2026, 0, 31, 12);
const adminOnly: ProposalRules = { ttlMs: 24 * HOUR };
const byVotes: ProposalRules = { ttlMs: 24 * HOUR, votesNeeded: 2 };
const base = { id: 'telegram:-100:p1', chat: 'telegram:-100', asset: 'ETH', level: 2350, reason: 'the line', proposer: { id: 'u1', name: 'ann' } };

describe('group level proposals', () => {
  it('opens a proposal that expires after the chat’s time', () => {
    const p = propose(base, T0, adminOnly);
    expect(p).toMatchObject({ status: 'open', createdAt: T0, expiresAt: T0 + 24 * HOUR, votes: {} });
    expect(statusAt(p, T0 + 24 * HOUR - 1)).toBe('open');
    expect(statusAt(p, T0 + 24 * HOUR)).toBe('expired');
  });

  it('keeps one vote per member: a second vote replaces the first', () => {
    let p = propose(base, T0, adminOnly);
    for (const [who, v] of [['u2', 'up'], ['u3', 'up'], ['u2', 'down']] as const) {
      const t = vote(p, who, v, T0 + HOUR, adminOnly);
      if (!t.ok) throw new Error(t.reason);
      p = t.proposal;
    }
    expect(tally(p)).toEqual({ up: 1, down: 1, net: 0 });
    expect(p.status).toBe('open');
  });

  it('adopts on the threshold of net votes when the chat set one, never in an admin-only chat', () => {
    let p = propose(base, T0, byVotes);
    const first = vote(p, 'u2', 'up', T0 + 1, byVotes);
    expect(first.ok && first.adopted).toBe(false);
    p = first.ok ? first.proposal : p;
    const second = vote(p, 'u3', 'up', T0 + 2, byVotes);
    expect(second).toMatchObject({ ok: true, adopted: true, proposal: { status: 'adopted', decidedBy: 'votes', decidedAt: T0 + 2 } });

    let q = propose(base, T0, adminOnly);
    for (const who of ['u2', 'u3', 'u4', 'u5']) {
      const t = vote(q, who, 'up', T0 + 1, adminOnly);
      expect(t.ok && t.adopted).toBe(false);
      q = t.ok ? t.proposal : q;
    }
    expect(q.status).toBe('open');
  });

  it('only a vote that raises the net adopts: a 👎 (or the same 👍 again) on a proposal past a threshold lowered since does not', () => {
    // 4 👍 under a threshold of 5, then the chat lowered it to 2.
    const p: Proposal = { ...propose(base, T0, byVotes), votes: { u1: 'up', u2: 'up', u3: 'up', u4: 'up' } };
    const down = vote(p, 'hater', 'down', T0 + 1, byVotes);
    expect(down).toMatchObject({ ok: true, adopted: false, proposal: { status: 'open', votes: { hater: 'down' } } });
    expect(vote(p, 'u2', 'up', T0 + 1, byVotes)).toMatchObject({ ok: true, adopted: false, proposal: { status: 'open' } });
    const up = vote(down.ok ? down.proposal : p, 'hater', 'up', T0 + 2, byVotes);
    expect(up).toMatchObject({ ok: true, adopted: true, proposal: { status: 'adopted', decidedBy: 'votes', decidedAt: T0 + 2 } });
    // Where the threshold is lowered: adopted by the group's vote, unless it is not open.
    expect(reached(p, T0 + 3, byVotes)).toMatchObject({ ok: true, adopted: true, proposal: { status: 'adopted', decidedBy: 'votes' } });
    expect(reached(p, T0 + 3, adminOnly)).toMatchObject({ ok: true, adopted: false, proposal: { status: 'open' } });
    expect(reached(p, T0 + 24 * HOUR, byVotes)).toEqual({ ok: false, reason: 'expired' });
  });

  it('the proposer does not vote on their own proposal: a threshold of 1 is another member agreeing', () => {
    const one = { ...byVotes, votesNeeded: 1 };
    const p = propose(base, T0, one);
    expect(vote(p, 'u1', 'up', T0 + 1, one)).toEqual({ ok: false, reason: 'own' });
    expect(vote(p, 'u2', 'up', T0 + 1, one)).toMatchObject({ ok: true, adopted: true, proposal: { status: 'adopted', votes: { u2: 'up' } } });
  });

  it('lets only an admin adopt or reject, and nothing once decided or expired', () => {
    const p = propose(base, T0, adminOnly);
    expect(decide(p, { id: 'u2', isAdmin: false }, 'adopt', T0 + 1)).toEqual({ ok: false, reason: 'not_admin' });
    const adopted = decide(p, { id: 'boss', isAdmin: true }, 'adopt', T0 + 1);
    expect(adopted).toMatchObject({ ok: true, adopted: true, proposal: { status: 'adopted', decidedBy: 'boss' } });
    if (!adopted.ok) return;
    expect(decide(adopted.proposal, { id: 'boss', isAdmin: true }, 'reject', T0 + 2)).toEqual({ ok: false, reason: 'closed', status: 'adopted' });
    expect(vote(adopted.proposal, 'u9', 'up', T0 + 2, adminOnly)).toEqual({ ok: false, reason: 'closed', status: 'adopted' });
    expect(decide(p, { id: 'boss', isAdmin: true }, 'adopt', T0 + 24 * HOUR)).toEqual({ ok: false, reason: 'expired' });
    expect(vote(p, 'u2', 'up', T0 + 25 * HOUR, byVotes)).toEqual({ ok: false, reason: 'expired' });
  });

  it('a long member name is cut between characters as they show, never inside an emoji', () => {
    expect(memberName({ id: '1', name: 'Bitcoin Maximalist Since 2013 🚀🚀' })).toBe('Bitcoin Maximalist Since 2013 🚀🚀'); // 32 characters
    expect(memberName({ id: '1', name: 'Bitcoin Maximalist Since 2013 🚀🚀🚀' })).toBe('Bitcoin Maximalist Since 2013 🚀…');
    expect(memberName({ id: '1', name: `${'x'.repeat(30)}👨‍👩‍👧🇺🇦` })).toBe(`${'x'.repeat(30)}👨‍👩‍👧🇺🇦`);
    expect(memberName({ id: '1', name: `${'x'.repeat(30)}👨‍👩‍👧🇺🇦!` })).toBe(`${'x'.repeat(30)}👨‍👩‍👧…`);
    expect(memberName({ id: '1', name: '  ' })).toBe('a member');
  });

  it('reads a stored proposal past its time as expired, leaving decided ones alone', () => {
    const open = propose(base, T0, adminOnly);
    const later = propose({ ...base, id: 'telegram:-100:p2' }, T0 + 2 * HOUR, adminOnly);
    const done = { ...propose({ ...base, id: 'telegram:-100:p3' }, T0, adminOnly), status: 'rejected' as const };
    expect([open, later, done].map((p) => statusAt(p, T0 + 25 * HOUR))).toEqual(['expired', 'open', 'rejected']);
  });
});
