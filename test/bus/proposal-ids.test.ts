/**
 * Proposal ids across gateways: each gateway numbers a chat's next proposal from what it knows, and the stream brings
 * it another gateway's only a moment later, so its ids end with its own suffix (its tag, given once per gateway id by
 * PostgreSQL): two members of one chat proposing at once through two gateways get `p1` and `p1b`, both kept by every
 * gateway and by the core's store, neither overwriting the other. The suffix rules need no server; the rest runs on the
 * real PostgreSQL and NATS (a core in this process) and is skipped, saying why, without them.
 */
import { describe, expect, it } from 'vitest';
import { runCommandLine } from '../../commands/index.js';
import { CORE_CONSUMER, runCoreRole } from '../../src/bus/core.js';
import { Gateway, seedFrom } from '../../src/bus/gateway.js';
import { idSuffix, SHORT_ID } from '../../src/core/proposals.js';
import { replyText } from '../../src/replies/reply.js';
import { NATS_URL } from '../services/nats.js';
import { PG_URL } from '../services/postgres.js';
import { schemaUrl, until } from './children.js';
import { roomyConfig } from './gateway-fixture.js';
import { pgNatsSuite } from './pg-nats-suite.js';

const T = Date.parse('2026-01-31T12:00:00Z');
const GROUP = 'telegram:-100';

describe('proposal id suffixes', () => {
  it('the first gateway has none, the next ones a short one each, never two alike', () => {
    expect([1, 2, 3, 26, 27, 28, 703].map(idSuffix)).toEqual(['', 'b', 'c', 'z', 'ba', 'bb', 'bba']);
    const all = Array.from({ length: 2_000 }, (_, i) => idSuffix(i + 1));
    expect(new Set(all).size).toBe(2_000);
    for (const s of all) expect(SHORT_ID.test(`p12${s}`)).toBe(true);
  });

  it('a short id is p, a number and maybe a suffix; anything else is no proposal', () => {
    expect(['p3', 'p4b', 'p12ba', 'p123456789'].map((s) => SHORT_ID.exec(s)?.slice(1))).toEqual([
      ['3', undefined], ['4', 'b'], ['12', 'ba'], ['123456789', undefined],
    ]);
    for (const s of ['p', 'pb', 'p4a', 'p4B', 'p-4', 'p4 b', 'p1234567890', 'p4bcdef', '4b']) expect(SHORT_ID.test(s), s).toBe(false);
  });
});

pgNatsSuite('proposal ids with several gateways', (suite) => {
  it('a gateway keeps its tag for its id; new gateways, even starting together, get tags of their own', async () => {
    const { store } = await suite.openStore();
    expect(await store.gatewayTag('gw-1')).toBe(1);
    expect(await store.gatewayTag('gw-2')).toBe(2);
    expect(await store.gatewayTag('gw-1')).toBe(1);
    const together = await Promise.all(['gw-3', 'gw-4', 'gw-5', 'gw-6', 'gw-3'].map((id) => store.gatewayTag(id)));
    expect(together[4]).toBe(together[0]);
    expect([...new Set(together)].sort()).toEqual([3, 4, 5, 6]);
    expect(await store.gatewayTag('gw-2')).toBe(2);
  });

  it('two members proposing at once through two gateways get two ids, kept by both gateways and by the store', async () => {
    const stream = `LBTIDS${process.pid}`;
    const { store, schema } = await suite.openStore();
    const url = schemaUrl(PG_URL, schema);
    const bus = await suite.openBus(stream);
    const abort = new AbortController();
    const core = runCoreRole({ env: { natsUrl: NATS_URL, natsStream: stream, databaseUrl: url }, config: roomyConfig(), signal: abort.signal, pollMs: 20 });
    // Started as `liqbot start --role gateway` starts them: seeded from PostgreSQL, which gives each its tag.
    const started = async (id: string) => new Gateway({ bus, config: roomyConfig(), id, now: () => T, seed: (await seedFrom(url, id))! });
    const a = await started('gw-a');
    const b = await started('gw-b');
    const following: Promise<void>[] = [];
    const say = (g: Gateway, user: string, line: string) =>
      runCommandLine(line, { chat: { key: GROUP, platform: 'telegram', kind: 'group' }, user: { id: user, name: user }, isAdmin: false, now: T, services: g.services });
    const synced = async () => {
      await Promise.all([a.publisher.flush(), b.publisher.flush()]);
      const last = (await bus.jsm.streams.info(stream)).state.last_seq;
      await Promise.all([a.reached(last), b.reached(last)]);
      await until(async () => (await store.busOffset(CORE_CONSUMER)) >= last, `the core to store stream position ${last}`, 30_000);
    };
    try {
      // The same moment: neither gateway has read the other's proposal from the stream.
      const fromA = await say(a, 'alice', '/level propose eth 2400 "alice call"');
      const fromB = await say(b, 'bob', '/level propose eth 2300 "bob call"');
      expect(fromA.title).toEqual(['Level proposal p1 · ETH $2,400']);
      expect(fromB.title).toEqual(['Level proposal p1b · ETH $2,300']);

      following.push(...[a, b].map((g) => g.follow(abort.signal)));
      await synced();
      const both = [[`${GROUP}:p1`, 'alice', 2400, 'alice call'], [`${GROUP}:p1b`, 'bob', 2300, 'bob call']];
      const shown = (ps: { id: string; proposer: { id: string }; level: unknown; reason?: string }[]) => ps.map((p) => [p.id, p.proposer.id, p.level, p.reason]);
      expect(shown(a.mirror.listProposals(GROUP))).toEqual(both);
      expect(shown(b.mirror.listProposals(GROUP))).toEqual(both);
      expect(shown(await store.listProposals(GROUP))).toEqual(both);

      // Voted on by its short id through the other gateway; the next one counts on from the largest number either used.
      const vote = await say(a, 'carol', '/level vote p1b up');
      expect(vote.title).toEqual(['Level proposal p1b · ETH $2,300']);
      expect(vote.buttons?.[0]?.label).toBe('👍 1');
      expect((await say(b, 'dave', '/level propose eth 2200')).title).toEqual(['Level proposal p2b · ETH $2,200']);
      expect(replyText(await say(a, 'erin', '/level propose eth 2100'))).toContain('Level proposal p2 · ETH $2,100');
      await synced();
      expect((await store.listProposals(GROUP)).map((p) => [p.id, p.votes])).toEqual([
        [`${GROUP}:p1`, {}], [`${GROUP}:p1b`, { carol: 'up' }], [`${GROUP}:p2`, {}], [`${GROUP}:p2b`, {}],
      ]);
    } finally {
      abort.abort();
      await Promise.all(following);
      await Promise.all([a.publisher.stop(), b.publisher.stop()]);
      await core;
    }
  }, 60_000);
});
