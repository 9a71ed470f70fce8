/**
 * Levels the group discusses, through the neutral commands: any member proposes, members vote (one vote each,
 * changeable), only an admin adopts (or the chat's threshold), an expired proposal cannot be adopted, and the
 * adopted level carries its story and the message its alerts answer. On the bundled day, with event time.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { runCommandLine } from '../../commands/index.js';
import type { CommandContext } from '../../commands/types.js';
import { loadConfig } from '../../config/load.js';
import { replyText, type Reply } from '../../src/replies/reply.js';
import { runFile } from '../../src/offline.js';
import { createServices, type Services } from '../../src/service.js';
import { createMemoryStore } from '../../src/store/memory.js';
import { BUNDLED } from '../helpers.js';
import type { Market } from '../../src/core/market.js';

const HOUR = 3_600_000;
let market: Market;
let base: number;
beforeAll(async () => {
  const run = await runFile(BUNDLED, loadConfig());
  market = run.market;
  base = run.market.clock;
});

/** A fresh chat each test (the market is shared): its own store, and members who each speak once a minute (inside the budget). */
let chats = 0;
function chat(key = `telegram:-10${chats++}`) {
  const services: Services = createServices({ config: loadConfig(), market, store: createMemoryStore(), now: () => base });
  let tick = 0;
  const as = (user: string, opts: { admin?: boolean; at?: number; message?: CommandContext['message'] } = {}) =>
    (line: string): Promise<Reply> => {
      const ctx: CommandContext = {
        chat: { key, platform: 'telegram', kind: 'group', target: '7' }, user: { id: user, name: user }, isAdmin: opts.admin ?? false,
        now: opts.at ?? base + ++tick * 61_000, services,
      };
      if (opts.message) ctx.message = opts.message;
      return runCommandLine(line, ctx);
    };
  return { services, as, key };
}

describe('/level propose', () => {
  it('any member proposes; the card names them, escapes nothing itself, and carries vote and admin buttons', async () => {
    const { as, services, key } = chat();
    const r = await as('ann', { message: { ref: '-100:41' } })('/level propose eth 2350 "the line <b>&amp;"');
    const t = replyText(r);
    expect(t).toContain('ann proposes ETH $2,350');
    // The card names the proposal as /level vote, adopt and reject (and the errors) do.
    expect(r.title).toEqual(['Level proposal p1 · ETH $2,350']);
    expect(t).toContain('“the line <b>&amp;”'); // raw here: each adapter escapes it (tested there)
    expect(r.buttons?.map((b) => b.command)).toEqual(['level vote p1 up', 'level vote p1 down', 'level adopt p1', 'level reject p1']);
    expect(services.store.getProposal(`${key}:p1`)).toMatchObject({ status: 'open', messageRef: '-100:41', thread: '7', proposer: { id: 'ann' } });
  });

  it('refuses links, over-long reasons and a level far from price; a second proposal of the same level shows the open card', async () => {
    const { as, services, key } = chat();
    expect(replyText(await as('ann')('/level propose eth 2350 "join t.me/scam"'))).toContain('cannot hold links');
    expect(replyText(await as('ann')(`/level propose eth 2350 "${'x'.repeat(141)}"`))).toContain('at most 140');
    expect(replyText(await as('ann')('/level propose eth 23500000'))).toContain('too far');
    await as('ann')('/level propose eth 2350');
    const again = await as('bob')('/level propose eth 2,350 "me too"');
    expect(again.buttons?.[0]?.command).toBe('level vote p1 up');
    expect(services.store.listProposals(key)).toHaveLength(1);
  });
});

describe('votes and decisions', () => {
  it('a mistyped id points where ids are shown', async () => {
    const { as } = chat();
    await as('ann')('/level propose eth 2350');
    const r = await as('bob')('/level vote 1 up');
    expect(replyText(r)).toContain('"1" is not a proposal. Proposals are named like p3, on their card and in /level list.');
    expect(replyText(await as('bob')('/level list'))).toMatch(/Open proposals.*\np1 ETH \$2,350 by ann/);
  });

  it('a second vote by the same member replaces the first', async () => {
    const { as, services, key } = chat();
    await as('ann')('/level propose eth 2700-2740 "where it turns"');
    await as('bob')('/level vote p1 up');
    await as('cat')('/level vote p1 up');
    const r = await as('bob')('/level vote p1 down');
    expect(r.buttons?.slice(0, 2).map((b) => b.label)).toEqual(['👍 1', '👎 1']);
    expect(services.store.getProposal(`${key}:p1`)?.votes).toEqual({ bob: 'down', cat: 'up' });
  });

  it('a member cannot adopt; an admin adopts from the card, and the level is watched with its story and thread', async () => {
    const { as, services, key } = chat();
    await as('ann', { message: { ref: '-100:41' } })('/level propose eth 2350 "the line"');
    const card = { message: { ref: '-100:42', button: true } };
    await as('bob', card)('/level vote p1 up');
    await as('cat', card)('/level vote p1 up');
    const refused = await as('dan', card)('/level adopt p1');
    expect(refused.tone).toBe('error');
    expect(replyText(refused)).toContain('Only admins');
    expect(services.market.levels.get(`${key}:ETH@2350`)).toBeUndefined();
    const adopted = await as('boss', { ...card, admin: true })('/level adopt p1');
    expect(replyText(adopted)).toContain('Adopted by boss');
    expect(adopted.buttons).toBeUndefined();
    expect(services.market.levels.get(`${key}:ETH@2350`)).toMatchObject({ proposal: `${key}:p1`, thread: { ref: '-100:42', target: '7' }, chat: key });
    expect(services.store.getProposal(`${key}:p1`)).toMatchObject({ status: 'adopted', decidedBy: 'boss', levelId: `${key}:ETH@2350`, votes: { bob: 'up', cat: 'up' } });
    // Decided: no more votes, no second decision.
    expect(replyText(await as('eve')('/level vote p1 down'))).toContain('already adopted');
  });

  it('an expired proposal cannot be adopted or voted on (event time)', async () => {
    const { as } = chat();
    await as('ann', { at: base })('/level propose eth 2350');
    const later = base + 48 * HOUR;
    expect(replyText(await as('boss', { admin: true, at: later })('/level adopt p1'))).toContain('expired');
    expect(replyText(await as('bob', { at: later + 1 })('/level vote p1 up'))).toContain('expired');
    expect(replyText(await as('bob', { at: later + 61_000 })('/level list eth'))).not.toContain('p1 ETH');
  });

  it("the chat's threshold adopts by votes; the expiry follows /alerts expiry", async () => {
    const { as, services, key } = chat();
    await as('boss', { admin: true })('/alerts votes 2');
    await as('boss', { admin: true })('/alerts expiry 2h');
    await as('ann', { at: base })('/level propose eth 2350');
    expect(services.store.getProposal(`${key}:p1`)?.expiresAt).toBe(base + 2 * HOUR);
    await as('bob')('/level vote p1 up');
    const r = await as('cat')('/level vote p1 up');
    expect(replyText(r)).toContain('Adopted by the group’s vote');
    expect(services.market.levels.get(`${key}:ETH@2350`)?.proposal).toBe(`${key}:p1`);
  });
});

describe('/levels and /level info show the story', () => {
  it('/levels marks an adopted proposal and offers "Why?"; /level info tells the story and the history it has', async () => {
    const { as } = chat();
    await as('ann')('/level propose eth 2350 "the line"');
    await as('bob')('/level vote p1 up');
    await as('boss', { admin: true })('/level adopt p1');
    const levels = await as('bob')('/levels eth');
    expect(replyText(levels)).toContain('proposed by ann · 1👍');
    expect(levels.buttons?.map((b) => b.command)).toContain('level why ETH');
    expect(replyText(await as('bob')('/level why eth'))).toMatch(/Proposed by ann[\s\S]*“the line”[\s\S]*adopted by boss/);
    const info = replyText(await as('bob')('/level info eth 2350'));
    expect(info).toContain('Proposed by ann');
    expect(info).toMatch(/History on hourly closes, \w{3} \d+ \d\d:\d\d – /);
  });

  it("a label that starts with the asset is not said twice; \"Why?\" with no proposal gives the syntax for the asset asked", async () => {
    const { as } = chat();
    await as('boss', { admin: true })('/level add btc 77000 "BTC weekly pivot"');
    expect(replyText(await as('bob')('/level info btc 77000'))).toContain('BTC $77,000 weekly pivot ·');
    const list = replyText(await as('bob')('/level list'));
    expect(list).toContain('BTC $77,000 weekly pivot');
    // The bundled file's levels alert here too: the list says where they are.
    expect(list).toContain('Also watched here for everyone: ETH (/levels eth)');
    expect(replyText(await as('bob')('/level list btc'))).not.toContain('Also watched');
    // The syntax for BTC, not a zone near its price (that reads as the bot's own level) nor ETH's example.
    expect(replyText(await as('bob')('/level why btc'))).toContain('Anyone can propose one: /level propose btc LOW-HIGH "why"');
  });
});

describe('a member named with a link', () => {
  it('is "a member" on the card, /level list, /levels, /level info and the digest: the bot never advertises the link', async () => {
    const { as } = chat();
    const spammer = as('JOIN t.me/pump_signals scam.io');
    const card = replyText(await spammer('/level propose eth 2350 "the line"'));
    expect(card).toContain('a member proposes ETH $2,350');
    const list = replyText(await as('bob')('/level list eth'));
    expect(list).toContain('p1 ETH $2,350 by a member · 👍 0 · 👎 0');
    await as('boss', { admin: true })('/level adopt p1');
    const shown = [
      card,
      list,
      replyText(await as('bob')('/levels eth')),
      replyText(await as('bob')('/level info eth 2350')),
      replyText(await as('bob')('/level digest')),
    ];
    expect(shown[2]).toContain('proposed by a member · 0👍');
    expect(shown[3]).toContain('Proposed by a member');
    expect(shown[4]).toMatch(/ETH \$2,350 .*· a member’s call/);
    for (const text of shown) expect(text).not.toMatch(/t\.me|scam|pump|JOIN/i);
  });
});

describe('the proposal behind a level, kept and told', () => {
  it('relabelling an adopted level keeps its story and the thread its alerts answer', async () => {
    const { as, services, key } = chat();
    await as('dan', { message: { ref: '-100:41' } })('/level propose eth 2350 "the line from January"');
    await as('boss', { admin: true, message: { ref: '-100:42', button: true } })('/level adopt p1');
    expect(replyText(await as('boss', { admin: true })('/level add eth 2350 "January line"'))).toBe('Relabelled ETH $2,350 January line.');
    expect(services.market.levels.get(`${key}:ETH@2350`)).toMatchObject({ label: 'January line', proposal: `${key}:p1`, thread: { ref: '-100:42', target: '7' } });
    expect(replyText(await as('bob')('/level why eth'))).toContain('Proposed by dan');
  });

  it('/level info says whether the proposal is open (until when), rejected or expired', async () => {
    const { as } = chat();
    await as('ann', { at: base - 50 * HOUR })('/level propose eth 2450 "old"');
    await as('ann')('/level propose eth 2350 "open"');
    await as('ann')('/level propose eth 2400 "no"');
    await as('boss', { admin: true })('/level reject p3');
    expect(replyText(await as('bob')('/level info eth 2350'))).toMatch(/Vote 👍 0 · 👎 0 · open until Feb 3 00:\d\d UTC/);
    expect(replyText(await as('bob')('/level info eth 2400'))).toMatch(/Vote 👍 0 · 👎 0 · rejected by boss, Feb 1 00:\d\d UTC/);
    expect(replyText(await as('bob')('/level info eth 2450'))).toMatch(/Vote 👍 0 · 👎 0 · expired Jan 31 22:00 UTC/);
  });

  it('the digest says an expired proposal expired, not "still open"', async () => {
    const { as } = chat();
    await as('cat', { at: base - 60 * HOUR })('/level propose eth 2450 "Dec range low"');
    await as('boss', { admin: true, at: base - 60 * HOUR + 61_000 })('/alerts expiry 14d');
    await as('eve', { at: base - 60 * HOUR + 122_000 })('/level propose eth 2700 "open"');
    const digest = replyText(await as('bob')('/level digest'));
    expect(digest).toMatch(/ETH \$2,450 .*· cat’s call, expired$/m);
    expect(digest).toMatch(/ETH \$2,700 .*· eve’s call, still open$/m);
  });

  it('the digest keeps the call of an adopted level removed since, and says so', async () => {
    const { as } = chat();
    await as('dan', { at: base - 60 * HOUR })('/level propose eth 2350 "the line"');
    await as('boss', { admin: true, at: base - 60 * HOUR + 61_000 })('/level adopt p1');
    expect(replyText(await as('bob')('/level digest'))).toMatch(/^ETH \$2,350 .*· dan’s call$/m);
    await as('boss', { admin: true })('/level remove eth 2350');
    expect(replyText(await as('bob')('/level digest'))).toMatch(/^ETH \$2,350 .*· dan’s call, adopted, level since removed$/m);
  });
});

describe('a threshold, a full chat and a migrated group', () => {
  it('a 👎 never adopts; lowering /alerts votes adopts the open proposals already past it, and says so', async () => {
    const { as, services, key } = chat();
    await as('boss', { admin: true })('/alerts votes 5');
    await as('cat')('/level propose eth 2450 "range low"');
    await as('dan')('/level propose eth 2350 "the line"');
    for (const u of ['u1', 'u2', 'u3', 'u4']) await as(u)('/level vote p1 up');
    await as('u1')('/level vote p2 up');
    const lowered = replyText(await as('boss', { admin: true })('/alerts votes 2'));
    expect(lowered).toContain('Alerts are OFF · proposals adopted at 2 net 👍; adopted now: p1 ETH $2,450\n');
    expect(services.market.levels.get(`${key}:ETH@2450`)?.proposal).toBe(`${key}:p1`);
    expect(services.store.getProposal(`${key}:p1`)).toMatchObject({ status: 'adopted', decidedBy: 'votes' });
    // p2 has 1 net 👍: a 👎 takes it further away, never adopts it.
    expect(replyText(await as('hater')('/level vote p2 down'))).toContain('👍 1 · 👎 1 · adopted at 2 net 👍 or by an admin');
    expect(services.store.getProposal(`${key}:p2`)?.status).toBe('open');
  });

  it('the proposer’s own 👍 is refused with a reason, so a threshold of 1 needs another member', async () => {
    const { as, services, key } = chat();
    await as('boss', { admin: true })('/alerts votes 1');
    await as('cat')('/level propose eth 2450 "range low"');
    const own = await as('cat')('/level vote p1 up');
    expect(own.tone).toBe('error');
    expect(replyText(own)).toContain('You proposed this level: the other members’ votes decide it.');
    expect(services.store.getProposal(`${key}:p1`)).toMatchObject({ status: 'open', votes: {} });
    expect(services.market.levels.get(`${key}:ETH@2450`)).toBeUndefined();
    await as('dan')('/level vote p1 up');
    expect(services.store.getProposal(`${key}:p1`)).toMatchObject({ status: 'adopted', decidedBy: 'votes' });
  });

  it('in a full chat a 👍 that reaches the threshold counts, and the card says the adoption waits for an admin and room', async () => {
    const { as, services, key } = chat();
    await as('boss', { admin: true })('/alerts votes 2');
    for (let i = 0; i < 50; i++) services.apply({ kind: 'level.put', level: { id: `${key}:ETH@${2000 + i}`, asset: 'ETH', level: 2000 + i, source: 'chat', chat: key, createdAt: base } });
    await as('cat')('/level propose eth 2700 "full chat"');
    await as('bob')('/level vote p1 up');
    const r = await as('dan', { message: { ref: '-100:50', button: true } })('/level vote p1 up');
    expect(r.tone).toBe('info');
    expect(replyText(r)).toMatch(/👍 2 · 👎 0 · 2 net 👍 reached: waiting for an admin to adopt it\nOpen until .*\n\nThis chat already has 50 levels, the most it can keep\. An admin removes one first \(\/level remove\)\.$/);
    expect(r.buttons?.[0]?.label).toBe('👍 2');
    expect(services.store.getProposal(`${key}:p1`)).toMatchObject({ status: 'open', votes: { bob: 'up', dan: 'up' }, messageRef: '-100:50' });
    await as('boss', { admin: true })('/level remove eth 2000');
    expect(replyText(await as('boss', { admin: true })('/level adopt p1'))).toContain('Adopted by boss');
  });

  it('after the group migrates to a supergroup its proposals answer to their short ids there, and new ones count on', async () => {
    const { as, services, key } = chat();
    await as('ann')('/level propose eth 2450 "range low"');
    await as('dan')('/level propose eth 2350 "the line"');
    const to = `${key}99`;
    services.apply({ kind: 'chat.move', from: key, to, at: base });
    let tick = 0;
    const there = (user: string, admin = false) => (line: string) =>
      runCommandLine(line, { chat: { key: to, platform: 'telegram', kind: 'group' }, user: { id: user, name: user }, isAdmin: admin, now: base + ++tick * 61_000, services });
    expect(replyText(await there('cat')('/level vote p1 up'))).toContain('👍 1 · 👎 0');
    expect(replyText(await there('boss', true)('/level adopt p2'))).toContain('Adopted by boss');
    expect(services.market.levels.get(`${to}:ETH@2350`)?.proposal).toBe(`${key}:p2`);
    const next = await there('eve')('/level propose eth 2600 "new"');
    expect(next.buttons?.[0]?.command).toBe('level vote p3 up');
    expect(replyText(await there('bob')('/level vote p3 up'))).toContain('eve proposes ETH $2,600');
  });
});

describe('/alerts expiry', () => {
  it('takes hours, days and weeks as windows are typed, and says them back in the unit given', async () => {
    const { as, services, key } = chat();
    const admin = as('boss', { admin: true });
    expect(replyText(await admin('/alerts expiry 14d'))).toMatch(/proposals open 14d\n[\s\S]*Level proposals: adopted by an admin, open 14d/);
    expect(replyText(await admin('/alerts expiry 2w'))).toMatch(/proposals open 2w\n[\s\S]*open 14d/);
    expect(replyText(await admin('/alerts expiry 48 hours'))).toMatch(/proposals open 48h\n[\s\S]*open 48h/);
    expect(replyText(await admin('/alerts expiry 3 days'))).toMatch(/proposals open 3d\n[\s\S]*open 72h/);
    expect(replyText(await admin('/alerts expiry 15d'))).toBe('"15d": give a time from 1h to 14d, e.g. 48h.');
    await as('ann', { at: base })('/level propose eth 2350');
    expect(services.store.getProposal(`${key}:p1`)?.expiresAt).toBe(base + 72 * HOUR);
  });
});
