/**
 * The first second of a live bot: a command can arrive before the market has seen any event or tick. Every
 * reply still answers (no timestamp to print yet), never "Invalid time value".
 */
import { describe, expect, it } from 'vitest';
import { WINDOW_MS } from '../../config/schema.js';
import { loadConfig } from '../../config/load.js';
import { Market } from '../../src/core/market.js';
import { levelsReply } from '../../src/replies/levels.js';
import { summaryReply } from '../../src/replies/summary.js';
import { replyText } from '../../src/replies/reply.js';

describe('a market with no moment yet', () => {
  it('answers /levels and /liqs without a timestamp instead of throwing', () => {
    const config = loadConfig();
    const market = new Market(config);
    expect(market.clock).toBe(-Infinity);
    const levels = replyText(levelsReply(market.levelStatus('ETH'), market.summary('ETH', '24h', WINDOW_MS['24h']).coverage));
    expect(levels).toContain('No ETH levels yet.');
    expect(levels).not.toMatch(/UTC|Invalid/);
    const liqs = replyText(summaryReply(market.summary('ETH', '24h', WINDOW_MS['24h']), config.windows));
    expect(liqs).toContain('ETH liquidations');
    expect(liqs).not.toMatch(/UTC|Invalid|NaN/);
  });
});
