/**
 * Level proposals across processes: a proposal, a vote, a level adopted from a proposal (its story and thread)
 * and a chat's proposal rules travel the state stream whole; a malformed proposal is counted, never applied.
 */
import { describe, expect, it } from 'vitest';
import { decodeStateChanges, encodeStateChanges } from '../../src/bus/state.js';
import type { StateChange } from '../../src/state/changes.js';

const T = Date.parse('2026-01-31T10:00:00Z');
const proposal = {
  id: 'telegram:-100:p1', chat: 'telegram:-100', asset: 'ETH', level: [2750, 2800] as [number, number], reason: 'where it turns <b>',
  proposer: { id: '1001', name: '@alice' }, createdAt: T, expiresAt: T + 48 * 3_600_000, votes: { '1002': 'up' as const },
  status: 'adopted' as const, decidedBy: '1009', deciderName: '@boss', decidedAt: T + 60_000, messageRef: '-100:42', thread: '7', levelId: 'telegram:-100:ETH@2750-2800',
};

describe('proposals on the state stream', () => {
  it('carries proposals, votes, a level with its story and thread, and a chat’s proposal rules unchanged', () => {
    const changes: StateChange[] = [
      { kind: 'proposal.put', proposal },
      { kind: 'proposal.vote', id: proposal.id, voter: '1003', vote: 'down' },
      { kind: 'level.put', level: { id: proposal.levelId, asset: 'ETH', level: [2750, 2800], source: 'chat', chat: 'telegram:-100', createdAt: T, proposal: proposal.id, thread: { ref: '-100:42', target: '7' } } },
      { kind: 'subscription.put', subscription: { chat: 'telegram:-100', enabled: true, assets: [], families: ['level'], minUsd: 0, updatedAt: T, proposals: { votesNeeded: 3, ttlHours: 24 }, digest: true } },
    ];
    const decoded = decodeStateChanges(encodeStateChanges('liq', changes).payload);
    expect(decoded).toEqual({ changes, invalid: 0 });
  });

  it('refuses a proposal whose reason is far longer than a member may type, or a vote that is neither up nor down', () => {
    const bad = [
      JSON.stringify({ kind: 'proposal.put', proposal: { ...proposal, reason: 'x'.repeat(600) } }),
      JSON.stringify({ kind: 'proposal.vote', id: proposal.id, voter: '1003', vote: 'sideways' }),
    ].join('\n');
    expect(decodeStateChanges(bad)).toEqual({ changes: [], invalid: 2 });
  });
});
