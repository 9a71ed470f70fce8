/**
 * The first second of a live bot: a command can arrive before the market has seen any event or tick. Every
 * reply still answers (no timestamp to print yet), never "Invalid time value".
 */
import { describe, expect, it } from 'vitest';
import { WINDOW_MS } from '../../config/schema.js';
import { loadConfig } from '../../config/load.js';
import { Market } from '../../src/core/market.js';
import { levelsReply } from '../../src/replies/levels.js';
import { marketReply, summaryReply } from '../../src/replies/summary.js';
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
    // Windows of a day or more read stored days too: none at the first second, and no endless window.
    for (const w of ['24h', '7d'] as const) {
      expect(replyText(summaryReply(market.summary('ETH', w, WINDOW_MS[w]), config.windows))).not.toMatch(/UTC|Invalid|NaN/);
      expect(replyText(marketReply(market.marketSummary(w, WINDOW_MS[w]), config.windows))).toContain('Market liquidations');
    }
  });
});
