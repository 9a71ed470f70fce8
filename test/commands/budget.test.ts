/**
 * Budgets that protect a group: checked before any answer (unknown, malformed and over-long commands included),
 * one refusal per window then silence, each member limited to a share of the chat's budget, a floor every member
 * keeps however many accounts spam, and no limit for the local terminal's operator. Driven by event time.
 */
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { dispatchLine, meterOnWallClock, type Caller } from '../../commands/index.js';
import { CommandBudget } from '../../commands/limits.js';
import type { Platform } from '../../commands/types.js';
import { loadConfig } from '../../config/load.js';
import { replyText } from '../../src/replies/reply.js';
import { runFile } from '../../src/offline.js';
import { createServices, type Services } from '../../src/service.js';
import { createMemoryStore } from '../../src/store/memory.js';
import type { OfflineRun } from '../../src/offline.js';
import { BUNDLED } from '../helpers.js';

let run: OfflineRun;
beforeAll(async () => {
  run = await runFile(BUNDLED, loadConfig());
});

const T = 1_000_000;
/** Fresh services (a fresh budget) per test: the default limits, 12 per user and 40 per chat a minute. */
const fresh = (): Services => createServices({ config: loadConfig(), market: run.market, store: createMemoryStore(), now: () => T });
const caller = (services: Services, user: string, chat = 'telegram:-900', now = T, platform: Platform = 'telegram'): Caller => ({
  chat: { key: chat, platform, kind: platform === 'terminal' ? 'terminal' : 'group' },
  user: { id: user },
  now,
  services,
});
const say = async (c: Caller, line = '/help') => {
  const r = await dispatchLine(line, c, { isAdmin: () => false });
  return r === undefined ? 'SILENT' : replyText(r);
};

describe('the command budget in a chat', () => {
  it('answers a member 10 commands a minute (a quarter of the chat budget of 40), refuses once, then stays silent', async () => {
    const svc = fresh();
    const out: string[] = [];
    for (let i = 0; i < 14; i++) out.push(await say(caller(svc, 'spammer')));
    expect(out.slice(0, 10).every((t) => t.startsWith('Commands'))).toBe(true);
    expect(out[10]).toBe('Easy there: too many commands in the last minute. Try again in 60 s.\nUntil then, I will not answer your commands in this chat.');
    expect(out.slice(11)).toEqual(['SILENT', 'SILENT', 'SILENT']);
    // Another member is answered meanwhile; a minute later the spammer is welcome again.
    expect(await say(caller(svc, 'other'))).toMatch(/^Commands/);
    expect(await say(caller(svc, 'spammer', 'telegram:-900', T + 60_000))).toMatch(/^Commands/);
  });

  it('counts unknown, malformed and over-long commands before answering them, and silences them alike', async () => {
    const svc = fresh();
    const lines = ['/nope', '/alerts bogus', '/liqs!!', `/liqs ${'x'.repeat(600)}`];
    const out: string[] = [];
    for (let i = 0; i < 12; i++) out.push(await say(caller(svc, 'prober'), lines[i % lines.length]));
    expect(out[0]).toContain('Unknown command');
    expect(out[1]).toContain('Unknown option');
    expect(out[2]).toContain('Commands look like');
    expect(out[3]).toContain('too long');
    expect(out[10]).toMatch(/^Easy there/);
    expect(out[11]).toBe('SILENT');
  });

  it('four accounts spending the whole chat budget do not lock out a fifth member (each keeps two a minute)', async () => {
    const svc = fresh();
    for (const user of ['a', 'b', 'c', 'd']) for (let i = 0; i < 10; i++) expect(await say(caller(svc, user))).toMatch(/^Commands/);
    expect(await say(caller(svc, 'admin'))).toMatch(/^Commands/);
    expect(await say(caller(svc, 'admin'))).toMatch(/^Commands/);
    expect(await say(caller(svc, 'admin'))).toMatch(/^Easy there/);
    // The spammers themselves get nothing more.
    expect(await say(caller(svc, 'a'))).toMatch(/^Easy there/);
    expect(await say(caller(svc, 'a'))).toBe('SILENT');
  });

  it("limits one user across chats to 12 a minute, refusing once in each chat they go on in", async () => {
    const svc = fresh();
    for (let i = 0; i < 10; i++) await say(caller(svc, 'roamer', 'telegram:-1'));
    expect(await say(caller(svc, 'roamer', 'telegram:-2'))).toMatch(/^Commands/);
    expect(await say(caller(svc, 'roamer', 'telegram:-2'))).toMatch(/^Commands/);
    expect(await say(caller(svc, 'roamer', 'telegram:-2'))).toMatch(/^Easy there/);
    expect(await say(caller(svc, 'roamer', 'telegram:-2'))).toBe('SILENT');
    expect(await say(caller(svc, 'roamer', 'telegram:-3'))).toMatch(/^Easy there/);
  });

  it('never meters the local terminal operator', async () => {
    const svc = fresh();
    for (let i = 0; i < 100; i++) expect(await say(caller(svc, 'local', 'terminal:local', T, 'terminal'))).toMatch(/^Commands/);
  });

  it('asks whether the caller is an admin only for commands that change settings, after the budget', async () => {
    const svc = fresh();
    let asked = 0;
    const isAdmin = async () => (asked++, true);
    await dispatchLine('/liqs eth', caller(svc, 'u'), { isAdmin });
    expect(asked).toBe(0);
    const r = await dispatchLine('/alerts on', caller(svc, 'u'), { isAdmin });
    expect(asked).toBe(1);
    expect(replyText(r!)).toContain('Alerts are ON');
    for (let i = 0; i < 20; i++) await dispatchLine('/alerts on', caller(svc, 'u'), { isAdmin });
    expect(asked).toBe(9); // 10 admitted in all; the refused ones cost no lookup
  });
});

describe('CommandBudget', () => {
  it('says how long until the member may ask again, from the start of their window', () => {
    const b = new CommandBudget({ perUser: 2, perChat: 100, memberShare: 1 });
    expect(b.check('u', 'c', 0)).toEqual({ run: true });
    expect(b.check('u', 'c', 10_000)).toEqual({ run: true });
    expect(b.check('u', 'c', 15_000)).toEqual({ run: false, tell: true, waitMs: 45_000, limit: 'user' });
    expect(b.check('u', 'c', 20_000)).toEqual({ run: false, tell: false, waitMs: 40_000, limit: 'user' });
    expect(b.check('u', 'c', 60_000)).toEqual({ run: true });
  });
});

describe('the wait a refusal names', () => {
  it('is the window actually exceeded: a user over their own budget waits for it, not for their window in this chat', async () => {
    const svc = fresh();
    for (let i = 0; i < 10; i++) await say(caller(svc, 'roamer', 'telegram:-1', T));
    expect(await say(caller(svc, 'roamer', 'telegram:-2', T + 50_000))).toMatch(/^Commands/);
    expect(await say(caller(svc, 'roamer', 'telegram:-2', T + 50_000))).toMatch(/^Commands/);
    expect(await say(caller(svc, 'roamer', 'telegram:-2', T + 50_000))).toBe(
      'Easy there: too many commands in the last minute. Try again in 10 s.\nYou reached your 12 commands a minute across chats: until then, I will not answer your commands in any chat.',
    );
    // Answered when the wait said, in the chat it was said in.
    expect(await say(caller(svc, 'roamer', 'telegram:-2', T + 60_000))).toMatch(/^Commands/);
  });

  it('a member over their share of the chat waits for their window in it', () => {
    const b = new CommandBudget({ perUser: 100, perChat: 8, memberShare: 0.25 });
    expect(b.check('u', 'c', 0)).toEqual({ run: true });
    expect(b.check('u', 'c', 5_000)).toEqual({ run: true });
    expect(b.check('u', 'c', 30_000)).toEqual({ run: false, tell: true, waitMs: 30_000, limit: 'member' });
  });

  it('a full chat holds a member back until its window or theirs starts over', () => {
    const b = new CommandBudget({ perUser: 100, perChat: 4, memberShare: 1, floor: 1 });
    b.check('a', 'c', 0);
    for (let i = 0; i < 3; i++) b.check('b', 'c', 20_000);
    // The chat's window (from 0) ends before b's own (from 20 s): then b is let in again.
    expect(b.check('b', 'c', 30_000)).toEqual({ run: false, tell: true, waitMs: 30_000, limit: 'chat' });
    expect(b.check('b', 'c', 60_000)).toEqual({ run: true });
  });
});

describe('budgets in a rehearsal', () => {
  afterEach(() => void vi.useRealTimers());

  it('run on wall-clock time: a refused member is answered a minute later though the recording’s clock stopped', async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(Date.UTC(2026, 3, 7, 12));
    const svc = fresh();
    meterOnWallClock(svc);
    const out: string[] = [];
    for (let i = 0; i < 12; i++) out.push(await say(caller(svc, 'u1')));
    expect(out[10]).toMatch(/^Easy there: too many commands in the last minute\. Try again in 60 s\./);
    expect(out[11]).toBe('SILENT');
    vi.setSystemTime(Date.UTC(2026, 3, 7, 12, 0, 30));
    expect(await say(caller(svc, 'u1'))).toBe('SILENT');
    vi.setSystemTime(Date.UTC(2026, 3, 7, 12, 1, 1));
    // The caller's (recording's) clock has not moved: T all along.
    expect(await say(caller(svc, 'u1'))).toMatch(/^Commands/);
  });

  it('without it, the budget runs on the caller’s clock (tests and the offline CLI drive it with event time)', async () => {
    const svc = fresh();
    for (let i = 0; i < 11; i++) await say(caller(svc, 'u1'));
    expect(await say(caller(svc, 'u1'))).toBe('SILENT');
    expect(await say(caller(svc, 'u1', 'telegram:-900', T + 60_000))).toMatch(/^Commands/);
  });
});
