/**
 * A quoted label or reason ends at its closing quote: words typed after it are not folded into it. They are answered
 * as any command's extra words are (README: "words a command does not take are answered, not dropped … a change typed
 * with them changes nothing"): `/level add` with them changes nothing, a proposal is made with its reason and says
 * which words it ignored. An unquoted label still takes the rest of the line.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { runCommandLine } from '../../commands/index.js';
import type { CommandContext } from '../../commands/types.js';
import { loadConfig } from '../../config/load.js';
import { runFile } from '../../src/offline.js';
import { replyText } from '../../src/replies/reply.js';
import { createServices, type Services } from '../../src/service.js';
import { createMemoryStore } from '../../src/store/memory.js';
import { BUNDLED } from '../helpers.js';

const CHAT = 'telegram:-4343';
let services: Services;
beforeAll(async () => {
  const run = await runFile(BUNDLED, loadConfig());
  services = createServices({ config: loadConfig(), market: run.market, store: createMemoryStore(), now: () => run.market.clock });
});

let tick = 0;
async function text(line: string, user = 'u1'): Promise<string> {
  // Each command a minute apart, so the fair-use budget stays out of the way.
  const ctx: CommandContext = { chat: { key: CHAT, platform: 'telegram', kind: 'group' }, user: { id: user, name: user }, isAdmin: true, now: services.now() + ++tick * 61_000, services };
  return replyText(await runCommandLine(line, ctx));
}
const labelOf = (id: string) => services.market.levels.get(id)?.label;

describe('words after a quoted label', () => {
  it('/level add with them changes nothing, and says which words and the usage', async () => {
    const answer = await text('/level add eth 2490 "x" extra words here');
    expect(answer).toBe('"extra words here" is more than /level add takes: nothing changed.\nUsage: /level add eth 2350 · /level add eth 2750-2800 "prior support".');
    expect(services.market.levels.get(`${CHAT}:ETH@2490`)).toBeUndefined();
    expect(await text('/level list eth')).not.toContain('extra words here');
  });

  it('/level add with the quoted label alone watches it labelled as quoted', async () => {
    expect(await text('/level add eth 2495 "x"')).toContain('Watching ETH $2,495 x.');
    expect(labelOf(`${CHAT}:ETH@2495`)).toBe('x');
  });

  it('a relabel with words after the quotes keeps the old label', async () => {
    expect(await text('/level add eth 2495 “the floor” and more')).toContain('"and more" is more than /level add takes: nothing changed.');
    expect(labelOf(`${CHAT}:ETH@2495`)).toBe('x');
  });

  it('an unquoted label is still the rest of the line', async () => {
    expect(await text('/level add eth 2480 prior support zone')).toContain('Watching ETH $2,480 prior support zone.');
    expect(labelOf(`${CHAT}:ETH@2480`)).toBe('prior support zone');
  });

  it('a link among the extra words is never repeated', async () => {
    const answer = await text('/level add eth 2470 "ok" scam.io');
    expect(answer).toContain('(a link, not repeated) is more than /level add takes: nothing changed.');
    expect(answer).not.toContain('scam');
  });

  it('/level propose makes the card with the quoted reason and says which words it ignored', async () => {
    const answer = await text('/level propose eth 2460 "why" pumping to 10k buy now', 'u2');
    expect(answer).toContain('“why”');
    expect(answer).not.toContain('“why” pumping');
    expect(answer).toContain('Ignored "pumping to 10k buy now" (usage: /level propose eth 2350 "the line").');
    const proposal = services.store.listProposals(CHAT).find((p) => p.level === 2460);
    expect(proposal?.reason).toBe('why');
  });

  it('/level propose with an unquoted reason keeps the whole line', async () => {
    const answer = await text('/level propose eth 2440 the line from january', 'u3');
    expect(answer).toContain('“the line from january”');
    expect(answer).not.toContain('Ignored');
  });
});
