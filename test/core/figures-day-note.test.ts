/**
 * A stored daily total is a whole UTC day's figure: said beside a window only where it is part of the answer (counted,
 * or the file's only figures for an empty window), never beside a short window's own figures.
 */
import { describe, expect, it } from 'vitest';
import { buildConfig } from '../../config/load.js';
import { Market } from '../../src/core/market.js';
import { replyText } from '../../src/replies/reply.js';
import { summaryReply } from '../../src/replies/summary.js';

const H = 3_600_000;
const JAN = (d: number, h = 0, m = 0) => Date.UTC(2026, 0, d, h, m);

function rehearsal(): Market {
  const m = new Market(buildConfig({ exchanges: ['bybit'], assets: ['ETH'] }));
  m.ingest({ type: 'liquidation_total', ts: JAN(30), period: '1d', asset: 'ETH', side: 'long', usd: 39.6e6 });
  m.ingest({ type: 'liquidation_total', ts: JAN(30), period: '1d', asset: 'ETH', side: 'short', usd: 30.9e6 });
  // A recording replayed so far: its first prints, from 00:00 to 00:20 on Jan 31.
  m.recorded = [[JAN(31, 0, 0), JAN(31, 0, 20)]];
  m.recordedSoFar = true;
  for (let i = 0; i <= 20; i++) m.ingest({ type: 'liquidation', ts: JAN(31, 0, i), exchange: 'bybit', symbol: 'ETH/USDT:USDT', side: 'long', price: 3_000, amount: 10, usd: 30_000 });
  return m;
}

describe('a stored daily total beside a short window', () => {
  it.each([['1h', H], ['90m', 1.5 * H], ['4h', 4 * H]] as const)('/liqs eth %s at 00:20 has figures of its own: Jan 30’s whole day is not said', (w, ms) => {
    const s = rehearsal().summary('ETH', w, ms, JAN(31, 0, 20));
    expect(s.totalUsd).toBe(630_000);
    const text = replyText(summaryReply(s, ['1h', '4h']));
    expect(text).toContain('$630K liquidated');
    expect(text).not.toContain('Stored daily totals');
    expect(text).not.toContain('$70.5M');
  });
});
