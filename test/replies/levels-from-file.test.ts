/**
 * `/levels` with no level yet: a chat is told how its admins add one; a data file's answer (`liqbot levels --at`)
 * says the file sets none as of then, and when it sets its first, never chat advice the command line cannot follow.
 */
import { describe, expect, it } from 'vitest';
import type { LevelStatus } from '../../src/core/summary.js';
import { levelsReply } from '../../src/replies/levels.js';
import { replyText } from '../../src/replies/reply.js';

// The bundled day asked about at Jan 30 12:00: ETH $3,087, its three levels set at Jan 31 00:00.
const AT = Date.parse('2026-01-30T12:00:00Z');
const st: LevelStatus = { asset: 'ETH', ts: AT, price: 3087, priceTs: AT, levels: [] };
const coverage = { exchanges: [], sampled: [], gaps: [], synthetic: true };

describe('no level yet', () => {
  it('a file says it sets none as of the moment asked, and when its first comes', () => {
    const text = replyText(levelsReply(st, coverage, undefined, undefined, { firstLevelAt: Date.parse('2026-01-31T00:00:00Z') }));
    expect(text).toContain('No ETH level as of 12:00: the file sets its first at Jan 31 00:00.');
    expect(text).not.toMatch(/admins|\/level add/);
  });

  it('a file with none of the asset says so', () => {
    const text = replyText(levelsReply(st, coverage, undefined, undefined, {}));
    expect(text).toContain('No ETH level as of 12:00: the file sets none.');
    expect(text).not.toMatch(/admins|\/level add/);
  });

  it('a chat keeps its advice', () => {
    const text = replyText(levelsReply(st, coverage));
    expect(text).toContain('No ETH levels yet.\nChat admins add one with /level add eth LOW-HIGH "prior support".');
  });
});
