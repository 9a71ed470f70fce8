/**
 * Proposals and votes while the store refuses writes (a full disk, another process holding the lock): the write path
 * (StateWriter) holds them and retries, and the commands read back what it holds. So two proposals made meanwhile get
 * two ids, a vote finds a proposal not stored yet, held votes count toward the chat's threshold, the card says plainly
 * that what the member did is not saved yet, and once the store takes writes again it has every one of them. On the
 * bundled day, through the neutral commands, over a store that fails on demand (test/store/faulty.ts).
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { runCommandLine } from '../../commands/index.js';
import type { CommandContext } from '../../commands/types.js';
import { loadConfig } from '../../config/load.js';
import type { Market } from '../../src/core/market.js';
import { runFile } from '../../src/offline.js';
import { replyText, type Reply } from '../../src/replies/reply.js';
import { createServices } from '../../src/service.js';
import { createMemoryStore } from '../../src/store/memory.js';
import { BUNDLED } from '../helpers.js';
import { faultyStore } from '../store/faulty.js';

let market: Market;
let base: number;
beforeAll(async () => {
  const run = await runFile(BUNDLED, loadConfig());
  market = run.market;
  base = run.market.clock;
});

const NOT_SAVED = 'Not saved yet: the bot’s storage refused it just now.';

/** A fresh chat over its own failing store; each member speaks once a minute (inside the budget). */
let chats = 0;
function chat() {
  const key = `telegram:-20${chats++}`;
  const inner = createMemoryStore();
  const { store, fail } = faultyStore(inner);
  const services = createServices({ config: loadConfig(), market, store, now: () => base });
  let tick = 0;
  const as = (user: string, admin = false) => (line: string): Promise<Reply> => {
    const ctx: CommandContext = { chat: { key, platform: 'telegram', kind: 'group' }, user: { id: user, name: user }, isAdmin: admin, now: base + ++tick * 61_000, services };
    return runCommandLine(line, ctx);
  };
  return { key, inner, fail, services, as };
}

describe('proposals while the store refuses writes', () => {
  it('two proposals made on a full disk get their own ids, a vote finds the one not stored yet, and the store gets all of them once it heals', async () => {
    const { key, inner, fail, as } = chat();
    fail.putProposal = 'SQLITE_FULL';
    fail.putVote = 'SQLITE_FULL';
    const alice = await as('alice')('/level propose eth 2400 "alice call"');
    expect(alice.title).toEqual(['Level proposal p1 · ETH $2,400']);
    expect(replyText(alice)).toContain(NOT_SAVED);
    const bob = await as('bob')('/level propose eth 2300 "bob call"');
    expect(bob.title).toEqual(['Level proposal p2 · ETH $2,300']);
    const vote = await as('carol')('/level vote p1 up');
    expect(vote.tone).not.toBe('error');
    expect(vote.title).toEqual(['Level proposal p1 · ETH $2,400']);
    expect(vote.buttons?.slice(0, 2).map((b) => b.label)).toEqual(['👍 1', '👎 0']);
    expect(replyText(vote)).toContain(NOT_SAVED);
    expect(replyText(await as('carol')('/level list'))).toMatch(/p1 ETH \$2,400 by alice · 👍 1 · 👎 0\np2 ETH \$2,300 by bob · 👍 0 · 👎 0/);
    expect(inner.listProposals(key)).toEqual([]);

    delete fail.putProposal;
    delete fail.putVote;
    const dave = await as('dave')('/level propose eth 2200 "dave call"');
    expect(dave.title).toEqual(['Level proposal p3 · ETH $2,200']);
    expect(replyText(dave)).not.toContain('Not saved yet');
    expect(inner.listProposals(key).map((p) => [p.id, p.proposer.id, p.level, p.reason, p.votes])).toEqual([
      [`${key}:p1`, 'alice', 2400, 'alice call', { carol: 'up' }],
      [`${key}:p2`, 'bob', 2300, 'bob call', {}],
      [`${key}:p3`, 'dave', 2200, 'dave call', {}],
    ]);
  });

  it('votes the store refuses (locked by another process) count: the second 👍 adopts at /alerts votes 2', async () => {
    const { key, inner, fail, services, as } = chat();
    expect(replyText(await as('boss', true)('/alerts votes 2'))).toContain('proposals adopted at 2 net 👍');
    await as('alice')('/level propose eth 2400 "alice call"');
    fail.putVote = 'SQLITE_BUSY';
    const first = await as('bob')('/level vote p1 up');
    expect(first.buttons?.[0]?.label).toBe('👍 1');
    expect(replyText(first)).toContain(NOT_SAVED);
    const second = await as('carol')('/level vote p1 up');
    expect(replyText(second)).toContain('Adopted by the group’s vote');
    expect(replyText(second)).toContain(NOT_SAVED);
    expect(services.market.levels.get(`${key}:ETH@2400`)?.proposal).toBe(`${key}:p1`);
    expect(replyText(await as('dan')('/level vote p1 up'))).toContain('already adopted');
    expect(inner.getProposal(`${key}:p1`)?.votes).toEqual({}); // not stored yet

    delete fail.putVote;
    await as('erin')('/level propose eth 2200');
    expect(inner.getProposal(`${key}:p1`)).toMatchObject({ status: 'adopted', decidedBy: 'votes', votes: { bob: 'up', carol: 'up' } });
  });

  it("an admin's adoption the store refuses is shown as made and said to be unsaved; /level info and list read it back", async () => {
    const { key, inner, fail, as } = chat();
    await as('alice')('/level propose eth 2400 "alice call"');
    fail.putProposal = 'SQLITE_FULL';
    const adopted = await as('boss', true)('/level adopt p1');
    expect(replyText(adopted)).toContain('Adopted by boss');
    expect(replyText(adopted)).toContain(NOT_SAVED);
    expect(inner.getProposal(`${key}:p1`)?.status).toBe('open');
    expect(replyText(await as('bob')('/level info eth 2400'))).toContain('adopted by boss');
    expect(replyText(await as('bob')('/level list'))).not.toContain('p1 ETH');
    expect(replyText(await as('bob')('/level vote p1 up'))).toContain('already adopted');
  });

  it('a stored proposal shows no warning, and an id a proposal that moved away still holds is not given again', async () => {
    const { key, inner, as } = chat();
    // p1 of this key went with its group to a new key (a Telegram group became a supergroup): the id stays taken.
    inner.putProposal({ id: `${key}:p1`, chat: 'telegram:-1009', asset: 'ETH', level: 2500, proposer: { id: 'zed' }, createdAt: base, expiresAt: base + 3_600_000, votes: {}, status: 'open' });
    const r = await as('alice')('/level propose eth 2400');
    expect(r.title).toEqual(['Level proposal p2 · ETH $2,400']);
    expect(replyText(r)).not.toContain('Not saved yet');
    expect(inner.getProposal(`${key}:p1`)?.proposer.id).toBe('zed');
  });
});
