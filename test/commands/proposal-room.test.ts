/**
 * Room for proposals: a member may have 3 open at once, and a chat 20 before a member's second or third waits; a
 * member with none open is always heard, so a few accounts filling the chat cannot stop the others from proposing.
 * Every refusal says what the member can do.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { runCommandLine } from '../../commands/index.js';
import type { CommandContext } from '../../commands/types.js';
import { loadConfig } from '../../config/load.js';
import type { Market } from '../../src/core/market.js';
import { runFile } from '../../src/offline.js';
import { replyText } from '../../src/replies/reply.js';
import { createServices } from '../../src/service.js';
import { createMemoryStore } from '../../src/store/memory.js';
import { BUNDLED } from '../helpers.js';

let market: Market;
let base: number;
beforeAll(async () => {
  const run = await runFile(BUNDLED, loadConfig());
  market = run.market;
  base = run.market.clock;
});

/** One group, its members speaking one at a time a minute apart (inside every command budget). */
function group() {
  const key = 'telegram:-1001';
  const services = createServices({ config: loadConfig(), market, store: createMemoryStore(), now: () => base });
  let tick = 0;
  const say = async (user: string, line: string) => {
    const ctx: CommandContext = { chat: { key, platform: 'telegram', kind: 'group' }, user: { id: user, name: user }, isAdmin: false, now: base + ++tick * 61_000, services };
    return replyText(await runCommandLine(line, ctx));
  };
  const open = () => services.store.listProposals(key).filter((p) => p.status === 'open').length;
  return { say, open };
}

describe('a chat filled with proposals by a few accounts', () => {
  it('still takes a new member’s proposal; the accounts that filled it wait for room, told what they can do', async () => {
    const { say, open } = group();
    // Seven accounts propose three ETH levels each, $2,000 to $2,200: the chat is full at the 20th.
    const refused: string[] = [];
    for (let i = 0; i < 21; i++) {
      const text = await say(`spam${Math.floor(i / 3) + 1}`, `/level propose eth ${2000 + i * 10}`);
      if (!text.includes('proposes ETH')) refused.push(text);
    }
    expect(open()).toBe(20);
    // A member with none open is heard: the card of p21.
    expect(await say('ann', '/level propose eth 2350 "the line"')).toContain('ann proposes ETH $2,350');
    // The seventh account's third had waited for room.
    expect(refused).toEqual([
      'This chat has 20 open proposals, 2 of them yours: while it has 20 or more, a member may have one open at a time.\n' +
        'Vote on the others meanwhile, or ask an admin to decide yours (/level adopt, /level reject); they also close when they expire.',
    ]);
    // Her second waits for room, as does a spam account's fourth; another member's first is taken too.
    expect(await say('ann', '/level propose eth 2400')).toContain('This chat has 21 open proposals, 1 of them yours: while it has 20 or more, a member may have one open at a time.');
    expect(await say('spam1', '/level propose eth 2410')).toBe(
      'You already have 3 open proposals here, the most a member may have.\n' +
        'Vote on the others meanwhile, or ask an admin to decide yours (/level adopt, /level reject); they also close when they expire.',
    );
    expect(await say('bob', '/level propose eth 2420')).toContain('bob proposes ETH $2,420');
    expect(open()).toBe(22);
  });

  it('below 20 open, a member has up to three, and a fourth is refused saying what they can do', async () => {
    const { say, open } = group();
    for (const level of [2300, 2310, 2320]) expect(await say('ann', `/level propose eth ${level}`)).toContain(`ann proposes ETH $${level.toLocaleString('en-US')}`);
    expect(await say('ann', '/level propose eth 2330')).toBe(
      'You already have 3 open proposals here, the most a member may have.\n' +
        'Vote on the others meanwhile, or ask an admin to decide yours (/level adopt, /level reject); they also close when they expire.',
    );
    expect(open()).toBe(3);
  });
});
