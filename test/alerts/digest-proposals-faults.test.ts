/**
 * The weekly digest reads a chat's proposals as the commands do, through the write path (readProposals): a proposal
 * and a vote the store refused so far (a full disk; StateWriter holds them) are in the digest posted when the week
 * turns, as `/level list` shows them, not only once the store takes them. The bundled day in one bot over a store
 * that fails on demand (test/store/faulty.ts).
 */
import { beforeAll, expect, it } from 'vitest';
import { runCommandLine } from '../../commands/index.js';
import { loadConfig } from '../../config/load.js';
import { LiqBot } from '../../src/bot.js';
import type { DigestPost } from '../../src/core/alerts.js';
import type { MarketEvent } from '../../src/core/events.js';
import { readEventFile } from '../../src/io/event-file.js';
import { replyText } from '../../src/replies/reply.js';
import { renderAlert } from '../../src/alerts/digest.js';
import { createMemoryStore } from '../../src/store/memory.js';
import { BUNDLED } from '../helpers.js';
import { faultyStore } from '../store/faulty.js';

const CHAT = 'telegram:-100';
const SATURDAY = Date.parse('2026-01-31T23:00:00Z');
const MONDAY = Date.parse('2026-02-02T00:00:30Z');
const day: MarketEvent[] = [];

beforeAll(async () => {
  for await (const e of readEventFile(BUNDLED)) day.push(e);
});

it('a proposal and a vote made while the store refuses them are in the weekly digest post', async () => {
  const inner = createMemoryStore();
  const { store, fail } = faultyStore(inner);
  let now = SATURDAY;
  const bot = new LiqBot({ config: loadConfig(), store, now: () => now });
  for (const e of day) bot.ingest(e);
  bot.flush();
  const as = (user: string, admin = false) => async (line: string) =>
    replyText(await runCommandLine(line, { chat: { key: CHAT, platform: 'telegram', kind: 'group' }, user: { id: user, name: user }, isAdmin: admin, now: (now += 61_000), services: bot }));
  expect(await as('boss', true)('/alerts on')).toContain('Alerts are ON');
  expect(await as('boss', true)('/alerts digest on')).toContain('Weekly digest: on');
  expect(inner.getSubscription(CHAT)?.digest).toBe(true); // stored: only proposals and votes fail below

  fail.putProposal = 'SQLITE_FULL';
  fail.putVote = 'SQLITE_FULL';
  expect(await as('alice')('/level propose eth 2400 "alice call"')).toContain('Not saved yet');
  expect(await as('bob')('/level vote p1 up')).toContain('👍 1');
  expect(await as('bob')('/level list')).toContain('p1 ETH $2,400 by alice · 👍 1');
  expect(inner.listProposals(CHAT)).toEqual([]); // the store has neither yet

  now = MONDAY;
  expect(bot.postDigests()).toBe(1);
  const [entry] = inner.duePending(Number.MAX_SAFE_INTEGER, 10);
  expect(entry?.alertKey).toMatch(/^digest:/);
  const post = entry!.alert as DigestPost;
  const called = post.digest.levels.filter((l) => l.proposal !== undefined);
  expect(called.map((l) => [l.asset, l.level, l.watched, l.proposal!.id, l.proposal!.proposer.id, l.proposal!.reason, l.proposal!.votes, l.proposal!.status])).toEqual([
    ['ETH', 2400, false, `${CHAT}:p1`, 'alice', 'alice call', { bob: 'up' }, 'open'],
  ]);
  expect(replyText(renderAlert(post))).toContain('alice’s call, still open');
});
