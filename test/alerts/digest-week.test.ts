/**
 * The weekly digest reads its week, [Monday 00:00, next Monday 00:00) in the chat's zone, and says the stretch of
 * prices it read as far as they go: a break at the next Monday 00:00 is the next week's, and a week whose prices stop
 * at 16:20 is not said to be read to 17:00.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { buildConfig } from '../../config/load.js';
import { postedDigest } from '../../src/alerts/digest.js';
import { Market } from '../../src/core/market.js';
import { digestReply } from '../../src/replies/digest.js';
import { replyText } from '../../src/replies/reply.js';
import { setTimeZone } from '../../src/replies/zone.js';
import type { Store } from '../../src/store/store.js';

const MIN = 60_000;
const H = 60 * MIN;
const store = { listProposals: () => [] } as unknown as Store;

/** A market watching ETH $2,300 from `from`, priced at `price` every five minutes from `from` until `until` (excluded). */
function market(from: number, until: number, price: (ts: number) => number): Market {
  const m = new Market(buildConfig({}));
  m.addLevel({ id: 'l1', asset: 'ETH', level: 2300, source: 'config', createdAt: from });
  for (let ts = from; ts < until; ts += 5 * MIN) m.ingest({ type: 'price', ts, exchange: 'binance', symbol: 'ETH/USDT:USDT', price: price(ts) });
  return m;
}

describe('the weekly digest’s week', () => {
  afterEach(() => setTimeZone('UTC'));

  it('ends before the next Monday 00:00: a break then is the next week’s', () => {
    setTimeZone('America/New_York');
    const from = Date.parse('2025-03-31T04:00:00Z'); // Monday Mar 31 00:00 EDT
    const to = Date.parse('2025-04-07T04:00:00Z'); // Monday Apr 7 00:00 EDT
    const m = market(to - 30 * H, to + 10 * MIN, (ts) => (ts >= to ? 2200 : 2400));
    const d = postedDigest(m, store, 'telegram:1', to, 0.5);
    expect([d.from, d.to]).toEqual([from, to]);
    expect(d.levels[0]!.verdict).toBe('untested');
    expect(d.dataTo).toBe(to);
    expect(replyText(digestReply(d, { synthetic: false }))).toContain('Read on hourly closes, Apr 5 18:00 – Apr 7 00:00 EDT');
  });

  it('is read as far as its prices go, not to the end of their last hour', () => {
    setTimeZone('Asia/Seoul');
    const to = Date.parse('2025-04-13T15:00:00Z'); // Monday Apr 14 00:00 in Seoul
    const last = Date.parse('2025-04-13T07:15:00Z'); // Sunday 16:15 in Seoul: its minute ends 16:16
    const m = market(to - 7 * 24 * H, last + MIN, () => 2400);
    const d = postedDigest(m, store, 'telegram:1', to, 0.5);
    expect(d.dataTo).toBe(last + MIN);
    expect(replyText(digestReply(d, { synthetic: false }))).toContain('Read on hourly closes, Apr 7 00:00 – Apr 13 16:16 GMT+9');
  });

  it('invites a proposal on the chat’s own asset, in the syntax, not on an ETH number', () => {
    const to = Date.parse('2025-04-07T00:00:00Z');
    const m = new Market(buildConfig({}));
    m.addLevel({ id: 'l1', asset: 'BTC', level: 80_000, source: 'config', createdAt: to - 30 * H });
    for (let ts = to - 30 * H; ts < to; ts += 5 * MIN) m.ingest({ type: 'price', ts, exchange: 'binance', symbol: 'BTC/USDT:USDT', price: 82_000 });
    const text = replyText(digestReply(postedDigest(m, store, 'telegram:1', to, 0.5), { synthetic: false }));
    expect(text).toContain('No level was proposed this week: anyone can, with /level propose btc LOW-HIGH "why".');
  });
});
