/**
 * A rehearsal's clock runs an hour past its recording's last event (a running cascade is called over); /oi, /liqs and
 * /status read a finished recording as of its end, so the figures it last reported are not called stale.
 */
import { describe, expect, it } from 'vitest';
import { runCommandLine } from '../../commands/index.js';
import type { CommandContext } from '../../commands/types.js';
import { loadConfig } from '../../config/load.js';
import { replyText } from '../../src/replies/reply.js';
import { runFile } from '../../src/offline.js';
import { createServices } from '../../src/service.js';
import { createMemoryStore } from '../../src/store/memory.js';
import { BUNDLED } from '../helpers.js';

/** The bundled day as a rehearsal holds it: `say` answers a group's command; `finish` is the recording ending, the clock an hour on. */
async function rehearsal() {
  const market = (await runFile(BUNDLED, loadConfig())).market;
  const end = market.clock;
  const services = createServices({ config: loadConfig(), market, store: createMemoryStore(), now: () => market.clock });
  const say = async (line: string) => {
    const ctx: CommandContext = { chat: { key: 'telegram:-79', platform: 'telegram', kind: 'group' }, user: { id: 'u1' }, isAdmin: false, now: market.clock, services };
    return replyText(await runCommandLine(line, ctx));
  };
  // What a rehearsal does when its recording is over.
  const finish = () => Object.assign(market, { clock: end + 3_600_000, recordingEnd: end });
  return { say, finish };
}

describe('a finished recording', () => {
  it('is read as of its end by /oi and /status, an hour of clock later', async () => {
    const { say, finish } = await rehearsal();
    const asOfEnd = await say('/oi eth 4h');
    finish();
    const after = await say('/oi eth 4h');
    expect(after).not.toContain('No current open interest');
    expect(after).toContain('Open interest $21.9B across 4 venues');
    expect(after).toBe(asOfEnd);
    expect(await say('/status')).not.toContain('stale since');
  });

  it('is read as of its end by /liqs too, which says the open interest /oi says', async () => {
    const { say, finish } = await rehearsal();
    const asOfEnd = { one: await say('/liqs eth 4h'), all: await say('/liqs all 4h') };
    finish();
    const liqs = await say('/liqs eth 4h');
    // Before: "No current open interest for ETH: no venue has reported since 00:00." beside /oi's $21.9B.
    expect(liqs).not.toContain('No current open interest');
    expect(liqs).toContain('Open interest $21.9B across 4 venues');
    expect(await say('/oi eth 4h')).toContain('Open interest $21.9B across 4 venues');
    // The same window as at the recording's end, stamped with that moment (not "no data" for the hour after it).
    expect(liqs).toBe(asOfEnd.one);
    expect(liqs).toContain('2026-02-01 00:00 UTC');
    expect(await say('/liqs all 4h')).toBe(asOfEnd.all);
  });

  it('is read as of its end by /levels too, stamped with the moment /liqs and /oi are', async () => {
    const { say, finish } = await rehearsal();
    const asOfEnd = await say('/levels eth');
    finish();
    const levels = await say('/levels eth');
    // Before: stamped an hour on (01:00) beside /liqs's 00:00, its coverage reading the hour after the recording.
    expect(levels).toBe(asOfEnd);
    expect(levels).toContain('2026-02-01 00:00 UTC');
    expect(await say('/liqs eth 4h')).toContain('2026-02-01 00:00 UTC');
  });
});
