/**
 * A chat's level is the price the bot prints for it: `/level add eth 3600.0000000001` is $3,600, the level $3,600 the
 * chat may already have, what `/level remove eth 3600` removes, and the deployment's $2,500 beside
 * `2500.0000000001`; a cascade's extreme (`$2,357 cascade low · auto`, which expires and is never alerted on) added at
 * its price becomes the chat's own level. On the bundled day (its ETH cascade low $2,357, its everyone-level $2,500).
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { runCommandLine } from '../../commands/index.js';
import { levelPrice, parseLevel } from '../../commands/parse.js';
import { loadConfig } from '../../config/load.js';
import { levelId } from '../../src/core/levels.js';
import type { Market } from '../../src/core/market.js';
import { levelText } from '../../src/replies/format.js';
import { replyText } from '../../src/replies/reply.js';
import { runFile } from '../../src/offline.js';
import { createServices, type Services } from '../../src/service.js';
import { createMemoryStore } from '../../src/store/memory.js';
import { BUNDLED } from '../helpers.js';

let market: Market;
let services: Services;
const bundledDay = async () => {
  ({ market } = await runFile(BUNDLED, loadConfig()));
  services = createServices({ config: loadConfig(), market, store: createMemoryStore(), now: () => market.clock });
};
beforeAll(bundledDay);

let tick = 0;
const text = async (line: string, chat: string, user = 'u1', isAdmin = true) =>
  replyText(await runCommandLine(line, { chat: { key: chat, platform: 'telegram', kind: 'group' }, user: { id: user }, isAdmin, now: services.now() + ++tick * 61_000, services }));
const own = (chat: string) => services.market.levels.all().filter((l) => l.chat === chat);

describe('levelPrice: the price levelText prints', () => {
  it('drops what no reply shows, keeps what one does', () => {
    expect(levelPrice(3600.0000000001)).toBe(3600);
    expect(levelPrice(2500.0000000001)).toBe(2500);
    expect(levelPrice(1747.5)).toBe(1747.5);
    expect(levelPrice(3600.001)).toBe(3600.001);
    expect(levelPrice(0.00001234)).toBe(0.00001234);
    // Eight decimals at most, as every price prints: not "$100.12" for one and "$100.12345679" for another.
    expect(levelPrice(100.123456789)).toBe(100.12345679);
    expect(levelPrice(0.000000014)).toBe(0.00000001);
    // Past what a double holds at eight decimals, what levelText prints ($123,456,789.1235).
    expect(levelPrice(123456789.12345678)).toBe(123456789.1235);
  });

  it('returns what is not a finite price as it is, at once (a stored level read from an old or foreign database)', () => {
    // NaN never equals itself: the loop that rounds until a price prints as itself ran forever on it, and a worker
    // blocked so cannot be timed out.
    expect(levelPrice(Number.NaN)).toBeNaN();
    expect(levelPrice(Number.POSITIVE_INFINITY)).toBe(Number.POSITIVE_INFINITY);
  });

  it('prints as the price typed, and is the number it prints, at every size', () => {
    let seed = 7;
    const rand = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
    const read = (s: string) => Number(s.replace(/[$,]/g, ''));
    for (let i = 0; i < 5000; i++) {
      const typed = Number((rand() * 10 ** Math.floor(rand() * 17 - 8)).toFixed(Math.floor(rand() * 9)));
      if (!(typed >= 1e-8 && typed <= 1e9)) continue;
      // A price of eight decimals or fewer prints as it did: nothing a chat reads changes.
      expect(levelText(levelPrice(typed))).toBe(levelText(typed));
      // Any number at all: what prints is what is kept, and keeping it again changes nothing.
      const any = typed * (1 + (rand() - 0.5) * 1e-9);
      expect(read(levelText(levelPrice(any)))).toBe(levelPrice(any));
      expect(levelPrice(levelPrice(any))).toBe(levelPrice(any));
    }
  });

  it('parseLevel reads each price so; a zone whose edges print alike is that price', () => {
    expect(parseLevel('3600.0000000001')).toEqual({ ok: true, value: 3600 });
    expect(parseLevel('2750.0000000001-2800')).toEqual({ ok: true, value: [2750, 2800] });
    expect(parseLevel('2350-2350.0000000001')).toEqual({ ok: true, value: 2350 });
  });
});

describe('/level add and remove: two prices that print alike are one level', () => {
  it('the audit: the second add is the first, and remove removes it', async () => {
    const chat = 'telegram:-501';
    expect(await text('/level add eth 3600', chat)).toContain('Watching ETH $3,600.');
    expect(await text('/level add eth 3600.0000000001', chat)).toBe('ETH $3,600 is already watched in this chat.');
    expect(own(chat).map((l) => l.id)).toEqual([levelId('ETH', 3600, chat)]);
    expect((await text('/level list eth', chat)).match(/ETH \$3,600/g)).toHaveLength(1);
    expect(await text('/level remove eth 3600.0000000001', chat)).toBe('Removed ETH $3,600.');
    expect(own(chat)).toEqual([]);
    expect(await text('/level list eth', chat)).toContain('No levels set in this chat yet.');
  });

  it('a level stored at a price no reply shows (before prices were rounded) is found at the one it prints', async () => {
    const chat = 'telegram:-502';
    const id = levelId('ETH', 3600.0000000001, chat);
    services.apply({ kind: 'level.put', level: { id, asset: 'ETH', level: 3600.0000000001, source: 'chat', chat, createdAt: services.now(), label: 'old' } });
    expect(await text('/level add eth 3600', chat)).toBe('ETH $3,600 old is already watched in this chat.');
    expect(await text('/level add eth 3600 "new"', chat)).toBe('Relabelled ETH $3,600 new.');
    expect(own(chat).map((l) => [l.id, l.label])).toEqual([[id, 'new']]);
    expect(await text('/level remove eth 3600', chat)).toBe('Removed ETH $3,600.');
    expect(own(chat)).toEqual([]);
  });

  it("the deployment's level and zone, typed a hair off, are the deployment's", async () => {
    const chat = 'telegram:-503';
    expect(await text('/level add eth 2500.0000000001', chat)).toContain('ETH $2,500 Dec range low is already watched here, for every chat');
    expect(await text('/level add eth 2750.0000000001-2800', chat)).toContain('ETH $2,750–2,800 prior support is already watched here, for every chat');
    expect(await text('/level add eth 2350-2350.0000000001', chat)).toContain('Watching ETH $2,350.');
    expect(own(chat).map((l) => l.level)).toEqual([2350]);
  });

  it('a proposal a hair off is the open one at that price', async () => {
    const chat = 'telegram:-504';
    await text('/level propose eth 2600 "the line"', chat, 'ann', false);
    expect(await text('/level propose eth 2600.0000000001 "me too"', chat, 'bob', false)).toContain('Level proposal p1 · ETH $2,600');
    expect((await text('/level list eth', chat)).match(/^p\d+ ETH/gm)).toEqual(['p1 ETH']);
    await text('/level adopt p1', chat);
    expect(await text('/level add eth 2600.0000000001', chat)).toBe('ETH $2,600 is already watched in this chat.');
  });

  it('"2350 2350.0000000001" is the price typed twice', async () => {
    expect(await text('/level add eth 2350 2350.0000000001', 'telegram:-505')).toContain('2350 is typed twice: one level is one price');
  });
});

describe("/level add at a cascade's extreme", () => {
  it("makes it the chat's own: kept past the auto level's expiry, named as the cascade named it", async () => {
    const chat = 'telegram:-506';
    const cascade = services.market.levels.all().find((l) => l.source === 'cascade' && l.asset === 'ETH')!;
    expect(cascade).toMatchObject({ level: 2357, label: 'cascade low' });
    const t = await text('/level add eth 2357', chat);
    expect(t).toContain('Watching ETH $2,357 cascade low. It is support');
    expect(t).toContain("Now this chat's own: it stays after the auto cascade low expires on Feb 7.");
    expect(own(chat)).toEqual([expect.objectContaining({ id: levelId('ETH', 2357, chat), level: 2357, label: 'cascade low', source: 'chat' })]);
    expect(own(chat)[0]!.expiresAt).toBeUndefined();
    // Added again, it is the chat's level, watched already.
    expect(await text('/level add eth 2357.0000000001', chat)).toBe('ETH $2,357 cascade low is already watched in this chat.');
    // The auto level stays for the other chats, as it was.
    expect(services.market.levels.get(cascade.id)).toEqual(cascade);
    // And expires, the chat's level not.
    market.levels.expire(cascade.expiresAt!);
    expect(services.market.levels.get(cascade.id)).toBeUndefined();
    expect(own(chat).map((l) => l.id)).toEqual([levelId('ETH', 2357, chat)]);
  });

  it("keeps the admin's own label", async () => {
    const chat = 'telegram:-507';
    // A fresh day: the cascade level of the test before has expired in the shared market.
    await bundledDay();
    const t = await text('/level add eth 2357 "flush low"', chat);
    expect(t).toContain('Watching ETH $2,357 flush low.');
    expect(t).toContain("Now this chat's own: it stays after the auto cascade low expires on Feb 7.");
    expect(own(chat).map((l) => l.label)).toEqual(['flush low']);
  });
});
