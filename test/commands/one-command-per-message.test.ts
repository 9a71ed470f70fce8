/**
 * Two commands pasted in one Telegram message (`/level add eth 2400` and `/level add eth 2450` on two lines) read as one:
 * the second line became the first level's label ("Watching ETH $2,400 /level add eth 2450."). A message of several
 * lines is answered in one line and runs nothing.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { runCommandLine } from '../../commands/index.js';
import { loadConfig } from '../../config/load.js';
import type { Market } from '../../src/core/market.js';
import { runFile } from '../../src/offline.js';
import { replyText } from '../../src/replies/reply.js';
import { createServices, type Services } from '../../src/service.js';
import { createMemoryStore } from '../../src/store/memory.js';
import { BUNDLED } from '../helpers.js';

let market: Market;
let services: Services;
beforeAll(async () => {
  ({ market } = await runFile(BUNDLED, loadConfig()));
  services = createServices({ config: loadConfig(), market, store: createMemoryStore(), now: () => market.clock });
});

let tick = 0;
const text = async (line: string) =>
  replyText(await runCommandLine(line, { chat: { key: 'tg:1', platform: 'telegram', kind: 'group' }, user: { id: 'u1' }, isAdmin: true, now: services.now() + ++tick * 61_000, services }));
const own = () => services.market.levels.all().filter((l) => l.chat === 'tg:1');

describe('one command per message', () => {
  it.each([
    ['/level add eth 2400\n/level add eth 2450', 2],
    ['/level add eth 2400 breakout\r\n/level add eth 2450', 2],
    ['/level add eth 2400 x\u2028@everyone', 2],
    ['/liqs eth\n\n/levels eth\n', 3],
  ])('%j is refused in one line, nothing run', async (line, lines) => {
    const answer = await text(line);
    expect(answer).toContain(`One command per message: this one has ${lines} lines, and none of them was run.`);
    expect(own()).toEqual([]);
  });

  it('a command on one line still runs, its label as typed', async () => {
    expect(await text('/level add eth 2400 breakout')).toContain('Watching ETH $2,400 breakout');
    expect(own().map((l) => l.label)).toEqual(['breakout']);
    // Surrounding blank lines are no second command.
    expect(await text('\n/level remove eth 2400\n')).not.toContain('One command per message');
    expect(own()).toEqual([]);
  });
});
