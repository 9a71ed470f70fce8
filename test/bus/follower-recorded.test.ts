/**
 * A recorded day published to the bus (`--role ingest --replay`) marks its batches (`Liqbot-Recorded`), and a
 * follower reading them vouches only for the stretches its prints cover, as the embedded rehearsal and the offline
 * commands do: an hour after the prints end, `/liqs` says it has no liquidation data, not that nothing was
 * liquidated. Batches without the mark (live feeds) answer as before. No stream needed: the batches are built here.
 */
import { describe, expect, it } from 'vitest';
import { ALL_WINDOWS, WINDOW_MS } from '../../config/schema.js';
import { loadConfig } from '../../config/load.js';
import { renderTerminal } from '../../src/adapters/terminal/render.js';
import type { BusBatch } from '../../src/bus/consumer.js';
import { MarketFollower } from '../../src/bus/follower.js';
import type { MarketEvent } from '../../src/core/events.js';
import { Market } from '../../src/core/market.js';
import { summaryReply } from '../../src/replies/summary.js';

const T0 = Date.UTC(2026, 0, 31, 12);
const MIN = 60_000;

function day(): MarketEvent[] {
  const out: MarketEvent[] = [];
  for (let i = 0; i < 10; i++) out.push({ type: 'liquidation', exchange: 'bybit', symbol: 'ETH/USDT:USDT', ts: T0 + i * MIN, side: 'long', price: 2_500, amount: 1, usd: 2_500 });
  // Prices run on for three hours after the last print.
  for (let i = 0; i <= 180; i += 5) out.push({ type: 'price', exchange: 'bybit', symbol: 'ETH/USDT:USDT', ts: T0 + 10 * MIN + i * MIN, price: 2_500 - i });
  return out.sort((a, b) => a.ts - b.ts);
}

function follow(recorded: boolean): string {
  const config = loadConfig(undefined);
  const f = new MarketFollower(new Market(config), config);
  const events = day();
  for (let i = 0; i < events.length; i += 8) {
    f.apply({ seq: i / 8 + 1, subject: 'mkt.bybit.mixed', events: events.slice(i, i + 8), invalid: 0, synthetic: false, ack: () => undefined, ...(recorded ? { recorded } : {}) } satisfies BusBatch);
  }
  f.drain();
  return renderTerminal(summaryReply(f.market.summary('ETH', '1h', WINDOW_MS['1h']), ALL_WINDOWS), false);
}

describe('a recorded day read from the bus', () => {
  it('says a window after its prints end has no liquidation data; live batches say nothing was liquidated', () => {
    const rehearsed = follow(true);
    expect(rehearsed).toContain('No liquidation data for the last 1h');
    expect(rehearsed).not.toMatch(/No ETH liquidations/);
    // Live feeds: no feed status here, so nothing says a feed was down: the window is read as quiet.
    expect(follow(false)).toContain('No ETH liquidations in the last 1h.');
  });
});
