/**
 * A cascade's extreme a chat has added as its own level (`/level add eth 2357` at `$2,357 cascade low · auto`) is listed
 * once in that chat, as its own: one row in /levels, one note on the liquidation map. Other chats keep the auto level.
 * On the bundled day (its ETH cascade low $2,357).
 */
import { expect, it } from 'vitest';
import { runCommandLine } from '../../commands/index.js';
import { loadConfig } from '../../config/load.js';
import { replyText } from '../../src/replies/reply.js';
import { runFile } from '../../src/offline.js';
import { createServices } from '../../src/service.js';
import { createMemoryStore } from '../../src/store/memory.js';
import { BUNDLED } from '../helpers.js';

it("/levels lists the cascade's extreme once where a chat made it its own", async () => {
  const run = await runFile(BUNDLED, loadConfig());
  const services = createServices({ config: loadConfig(), market: run.market, store: createMemoryStore(), now: () => run.market.clock });
  const text = async (line: string, chat: string) =>
    replyText(await runCommandLine(line, { chat: { key: chat, platform: 'telegram', kind: 'group' }, user: { id: 'u1' }, isAdmin: true, now: services.now(), services }));
  await text('/level add eth 2357', 'telegram:-601');
  const mine = await text('/levels eth', 'telegram:-601');
  expect(mine.match(/^\$2,357 .* · support .*$/gm)).toEqual(['$2,357 cascade low · support · holding · −11%']);
  expect(mine.match(/sits on ≈/g)).toHaveLength(1);
  expect(await text('/levels eth', 'telegram:-602')).toMatch(/^\$2,357 cascade low · support · holding · −11% · auto$/m);
});
