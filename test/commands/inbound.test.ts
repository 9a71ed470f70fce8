/**
 * The inbound contract every adapter uses: the dispatcher decides which commands need an admin and asks the
 * platform "is this user an admin here" only for those; a platform that cannot answer changes nothing and says so;
 * a command that fails gets the one internal-error reply; each bot times its own commands.
 */
import { beforeAll, describe, expect, it, vi } from 'vitest';
import { adminParts, ALL_COMMANDS, dispatchLine, findCommand, internalErrorReply, type Caller } from '../../commands/index.js';
import { loadConfig } from '../../config/load.js';
import { replyText } from '../../src/replies/reply.js';
import type { Market } from '../../src/core/market.js';
import { runFile } from '../../src/offline.js';
import { createServices, type Services } from '../../src/service.js';
import { createMemoryStore } from '../../src/store/memory.js';
import { BUNDLED } from '../helpers.js';

let market: Market;
beforeAll(async () => {
  market = (await runFile(BUNDLED, loadConfig())).market;
});

const services = (timings?: Services['commandTimings']): Services =>
  createServices({ config: loadConfig(), market, store: createMemoryStore(), now: () => market.clock, ...(timings ? { commandTimings: timings } : {}) });
const caller = (svc: Services, user = 'u1'): Caller => ({ chat: { key: 'telegram:-77', platform: 'telegram', kind: 'group' }, user: { id: user }, now: market.clock, services: svc });

describe('the inbound contract', () => {
  it('asks the platform whether the caller is an admin only for commands that change settings', async () => {
    const svc = services();
    const isAdmin = vi.fn(() => true);
    await dispatchLine('/liqs eth', caller(svc), { isAdmin });
    await dispatchLine('/level list', caller(svc), { isAdmin });
    expect(isAdmin).not.toHaveBeenCalled();
    expect(replyText((await dispatchLine('/alerts on', caller(svc), { isAdmin }))!)).toContain('Alerts are ON');
    expect(isAdmin).toHaveBeenCalledTimes(1);
  });

  it('a platform that cannot say who the admins are changes nothing and says so (an admin is not told they are a member)', async () => {
    const svc = services();
    const r = await dispatchLine('/alerts on', caller(svc), { isAdmin: () => Promise.reject(new Error('getChatAdministrators: 502')) });
    expect(replyText(r!)).toBe('Could not check who the admins of this chat are just now: nothing changed.\nTry again in a minute.');
    expect(await svc.store.getSubscription('telegram:-77')).toBeUndefined();
  });

  it('a command that fails gets the one internal-error reply, never the error itself', async () => {
    const spy = vi.spyOn(market, 'summary').mockImplementation(() => {
      throw new Error('SECRET internals');
    });
    try {
      const r = await dispatchLine('/liqs eth', caller(services()), { isAdmin: () => false });
      expect(r).toEqual(internalErrorReply());
      expect(replyText(r!)).toBe('Something went wrong answering that. It has been logged; please try again in a moment.');
    } finally {
      spy.mockRestore();
    }
  });

  it('each bot times its own commands: no observer of one hears another', async () => {
    const heard: [string, string][] = [];
    const a = services(new Set([(command: string) => void heard.push(['a', command])]));
    const b = services(new Set([(command: string) => void heard.push(['b', command])]));
    await dispatchLine('/help', caller(a), { isAdmin: () => false });
    await dispatchLine('/levels eth', caller(b), { isAdmin: () => false });
    expect(heard).toEqual([['a', 'help'], ['b', 'levels']]);
  });

  it('says which parts of each command need an admin', () => {
    expect(Object.fromEntries(ALL_COMMANDS.map((c) => [c.name, adminParts(c)]))).toMatchObject({ liqs: 'none', levels: 'none', oi: 'none', level: 'some', alerts: 'some', status: 'none', help: 'none' });
    expect(adminParts({ ...findCommand('level')!, subcommands: [{ name: 'reset', description: 'Reset', admin: true, options: [] }] })).toBe('all');
  });
});

describe("one chat's commands in the order they came", () => {
  const other = (svc: Services): Caller => ({ ...caller(svc), chat: { key: 'telegram:-88', platform: 'telegram', kind: 'group' } });

  it('/levels sent right after /level add answers with the level the add set', async () => {
    const svc = services();
    const [added, listed] = await Promise.all([
      dispatchLine('/level add eth 2350 "sent first"', caller(svc), { isAdmin: () => true }),
      dispatchLine('/levels eth', caller(svc), { isAdmin: () => true }),
    ]);
    expect(replyText(added!)).toContain('2,350');
    expect(replyText(listed!)).toContain('sent first');
  });

  it('a command stuck on its platform (an admin check that never answers) holds its chat 10 s at most, other chats not at all', async () => {
    vi.useFakeTimers();
    try {
      const svc = services();
      let stuckDone = false;
      void dispatchLine('/alerts on', caller(svc), { isAdmin: () => new Promise<boolean>(() => {}) }).then(() => (stuckDone = true));
      const elsewhere = await dispatchLine('/levels eth', other(svc), { isAdmin: () => false });
      expect(replyText(elsewhere!)).toContain('ETH levels');
      let next: string | undefined;
      void dispatchLine('/levels eth', caller(svc), { isAdmin: () => false }).then((r) => (next = replyText(r!)));
      await vi.advanceTimersByTimeAsync(9_000);
      expect(next).toBeUndefined();
      await vi.advanceTimersByTimeAsync(1_000);
      expect(next).toContain('ETH levels');
      expect(stuckDone).toBe(false);
    } finally {
      vi.useRealTimers();
    }
  });
});
