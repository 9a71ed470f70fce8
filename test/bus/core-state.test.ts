/**
 * State changes through the core role into PostgreSQL: a gateway publishes a proposal, votes on it, a level and a
 * chat's settings; the core applies the stream's batches and stores them; a gateway started afterwards from the
 * store sees them; a chat.move (Telegram group → supergroup) moves the chat's proposals with their votes. The core
 * runs in this process on the real PostgreSQL and NATS; skipped, saying why, without them.
 */
import { expect, it } from 'vitest';
import { CORE_CONSUMER, runCoreRole } from '../../src/bus/core.js';
import { Gateway, seedFrom } from '../../src/bus/gateway.js';
import type { Level } from '../../src/core/levels.js';
import type { Proposal } from '../../src/core/proposals.js';
import type { Subscription } from '../../src/store/store.js';
import { NATS_URL } from '../services/nats.js';
import { PG_URL } from '../services/postgres.js';
import { schemaUrl, until } from './children.js';
import { roomyConfig } from './gateway-fixture.js';
import { pgNatsSuite } from './pg-nats-suite.js';

const T = Date.parse('2026-01-31T12:00:00Z');
const GROUP = 'telegram:-100';
const SUPER = 'telegram:-1001234';
const proposal: Proposal = {
  id: `${GROUP}:p1`, chat: GROUP, asset: 'ETH', level: [2_750, 2_800], reason: 'weekly open', proposer: { id: '42', name: 'ann' },
  createdAt: T, expiresAt: T + 48 * 3_600_000, votes: {}, status: 'open', messageRef: '-100:77',
};
const adopted: Proposal = {
  id: `${GROUP}:p2`, chat: GROUP, asset: 'BTC', level: 70_000, proposer: { id: '43' }, createdAt: T + 1, expiresAt: T + 48 * 3_600_000,
  votes: {}, status: 'adopted', decidedBy: '9', decidedAt: T + 2, levelId: `${GROUP}:BTC@70000`,
};
const level: Level = { id: `${GROUP}:BTC@70000`, asset: 'BTC', level: 70_000, chat: GROUP, source: 'chat', createdAt: T + 2, proposal: adopted.id };
const sub: Subscription = { chat: GROUP, enabled: true, assets: ['ETH'], families: ['level'], minUsd: 0, updatedAt: T, proposals: { votesNeeded: 3 } };

pgNatsSuite('the core stores state changes from the stream', (suite) => {
  it('proposals and votes a gateway publishes reach PostgreSQL through the core, a restarted gateway sees them, and a chat.move moves them', async () => {
    const stream = `LBTSTATE${process.pid}`;
    const { store, schema } = await suite.openStore();
    const url = schemaUrl(PG_URL, schema);
    const bus = await suite.openBus(stream);
    const abort = new AbortController();
    const core = runCoreRole({ env: { natsUrl: NATS_URL, natsStream: stream, databaseUrl: url }, config: roomyConfig(), signal: abort.signal, pollMs: 20 });
    const gateway = new Gateway({ bus, config: roomyConfig(), id: 'gw-state', now: () => T });
    const applied = async () => {
      await gateway.publisher.flush();
      const last = (await bus.jsm.streams.info(stream)).state.last_seq;
      await until(async () => (await store.busOffset(CORE_CONSUMER)) >= last, `the core to store stream position ${last}`, 30_000);
    };
    try {
      gateway.apply({ kind: 'subscription.put', subscription: sub });
      gateway.apply({ kind: 'proposal.put', proposal });
      gateway.apply({ kind: 'proposal.vote', id: proposal.id, voter: '42', vote: 'up' });
      gateway.apply({ kind: 'proposal.vote', id: proposal.id, voter: '43', vote: 'up' });
      gateway.apply({ kind: 'proposal.vote', id: proposal.id, voter: '44', vote: 'down' });
      gateway.apply({ kind: 'proposal.vote', id: proposal.id, voter: '44', vote: 'up' }); // a member changes their vote
      gateway.apply({ kind: 'proposal.put', proposal: adopted });
      gateway.apply({ kind: 'level.put', level });
      await applied();

      expect(await store.listProposals()).toEqual([
        { ...proposal, votes: { '42': 'up', '43': 'up', '44': 'up' } },
        adopted,
      ]);

      // A gateway started now (its stream reading aside) begins from what the core stored.
      const seed = await seedFrom(url);
      const restarted = new Gateway({ bus, config: roomyConfig(), id: 'gw-restarted', now: () => T, ...(seed ? { seed } : {}) });
      expect(restarted.mirror.getProposal(proposal.id)).toEqual({ ...proposal, votes: { '42': 'up', '43': 'up', '44': 'up' } });
      expect(restarted.mirror.listProposals(GROUP).map((p) => p.id)).toEqual([proposal.id, adopted.id]);
      expect(restarted.mirror.getSubscription(GROUP)).toEqual(sub);

      // The group became a supergroup: its settings, its level and its proposals (with their votes) follow it.
      gateway.apply({ kind: 'chat.move', from: GROUP, to: SUPER, at: T + 10 });
      await applied();
      expect(await store.listProposals(GROUP)).toEqual([]);
      expect(await store.listProposals(SUPER)).toEqual([
        { ...proposal, chat: SUPER, votes: { '42': 'up', '43': 'up', '44': 'up' } },
        { ...adopted, chat: SUPER, levelId: `${SUPER}:BTC@70000` },
      ]);
      expect(await store.getSubscription(SUPER)).toEqual({ ...sub, chat: SUPER, updatedAt: T + 10 });
      expect(await store.getSubscription(GROUP)).toBeUndefined();
      expect((await store.listLevels()).map((l) => l.id)).toEqual([`${SUPER}:BTC@70000`]);
    } finally {
      abort.abort();
      expect(await core).toBe(0);
      await gateway.publisher.stop();
    }
  }, 60_000);
});
