/**
 * A chat's settings changed while the store refuses writes (a full disk) are held by the write path (StateWriter) and
 * count at once everywhere they are read, not only in `/alerts`: `/status` says whether alerts are on as last
 * changed, a proposal follows the chat's vote rule as last changed, and the weekly digest goes to a chat that switched
 * it on, though the store has none of it yet; the digest reads the chat's proposals and votes as the commands do
 * (readProposals), so ones the store refused are in the digest posted when the week turns, as `/level list` shows them.
 * The bundled day in one bot over a store that fails on demand.
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

/** A bot that has seen the bundled day, the chat's alerts on (stored), and then a full disk for the writes named. */
async function fullDisk(writes: ('putSubscription' | 'putProposal' | 'putVote')[] = ['putSubscription']) {
  const inner = createMemoryStore();
  const { store, fail } = faultyStore(inner);
  let now = SATURDAY;
  const bot = new LiqBot({ config: loadConfig(), store, now: () => now });
  for (const e of day) bot.ingest(e);
  bot.flush();
  const as = (user: string, admin = false) => async (line: string) =>
    replyText(await runCommandLine(line, { chat: { key: CHAT, platform: 'telegram', kind: 'group' }, user: { id: user, name: user }, isAdmin: admin, now: (now += 61_000), services: bot }));
  const say = as('ann', true);
  expect(await say('/alerts on')).toContain('Alerts are ON');
  for (const w of writes) fail[w] = 'SQLITE_FULL';
  return { bot, inner, say, as, at: (t: number) => (now = t) };
}

it('/status says alerts are off once /alerts off was said, though the store has them on still', async () => {
  const { inner, say } = await fullDisk();
  expect(await say('/status')).toContain('Alerts here: on');
  expect(await say('/alerts off')).toContain('Alerts are OFF');
  expect(inner.getSubscription(CHAT)?.enabled).toBe(true); // not stored yet
  expect(await say('/status')).toContain('Alerts here: off');
});

it('a proposal follows the vote rule as last changed (/alerts votes 3 held)', async () => {
  const { inner, say } = await fullDisk();
  expect(await say('/alerts votes 3')).toContain('proposals adopted at 3 net 👍');
  expect(inner.getSubscription(CHAT)?.proposals?.votesNeeded).toBeUndefined();
  const card = await say('/level propose eth 2750 "prior support"');
  expect(card).toContain('adopted at 3 net 👍 or by an admin');
});

it('the weekly digest goes to a chat whose /alerts digest on is held', async () => {
  const { bot, inner, say, at } = await fullDisk();
  expect(await say('/alerts digest on')).toContain('Weekly digest: on');
  expect(inner.getSubscription(CHAT)?.digest).toBeFalsy();
  at(MONDAY);
  expect(bot.postDigests()).toBe(1);
  expect(inner.duePending(Number.MAX_SAFE_INTEGER, 10).map((e) => e.alertKey)).toEqual([expect.stringMatching(/^digest:/)]);
});

it('a proposal and a vote made while the store refuses them are in the weekly digest post', async () => {
  const { bot, inner, say, as, at } = await fullDisk(['putProposal', 'putVote']);
  expect(await say('/alerts digest on')).toContain('Weekly digest: on');
  expect(inner.getSubscription(CHAT)?.digest).toBe(true); // stored: only proposals and votes fail
  expect(await as('alice')('/level propose eth 2400 "alice call"')).toContain('Not saved yet');
  expect(await as('bob')('/level vote p1 up')).toContain('👍 1');
  expect(await as('bob')('/level list')).toContain('p1 ETH $2,400 by alice · 👍 1');
  expect(inner.listProposals(CHAT)).toEqual([]); // the store has neither yet

  at(MONDAY);
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
