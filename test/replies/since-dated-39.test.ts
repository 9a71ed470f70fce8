/**
 * A "since" time of another day than the message's moment (in the configured zone) is dated: a running cascade or
 * flush posted past midnight reads "(since Dec 6 23:55, 8 min)", never "(since 23:55, 8 min)", which reads as a time
 * still to come; feeds out since yesterday say the day too. A "since" of the message's own day keeps its bare time.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { CascadeUpdate, MarketFlush, MarketFlushUpdate } from '../../src/core/alerts.js';
import type { FeedHealth } from '../../src/core/coverage.js';
import type { Coverage } from '../../src/core/summary.js';
import { alertReply } from '../../src/replies/alerts.js';
import { coverageLine, emptyWindow } from '../../src/replies/coverage.js';
import { noLeverageText } from '../../src/replies/leverage.js';
import { replyText } from '../../src/replies/reply.js';
import { setTimeZone } from '../../src/replies/zone.js';

const at = (iso: string) => Date.parse(iso);
const BEFORE_MIDNIGHT = at('2025-12-06T23:55:00Z');
const AFTER_MIDNIGHT = at('2025-12-07T00:03:00Z');

afterEach(() => setTimeZone('UTC'));

const cascade: CascadeUpdate = {
  kind: 'cascade_update', ts: AFTER_MIDNIGHT, asset: 'ETH', key: 'k', cascadeId: 'c', side: 'long', usd: 2.66e6, startedAt: BEFORE_MIDNIGHT,
  byExchange: { bybit: 2.66e6 }, exchanges: ['bybit'], sampled: [],
};
const flush = {
  asset: 'ALL' as const, key: 'k', flushId: 'f', side: 'long' as const, usd: 9.1e6, assetCount: 40, startedAt: BEFORE_MIDNIGHT,
  exchanges: ['bybit'], sampled: [],
};

describe('running alerts across midnight', () => {
  it('a running cascade dates its start when it is of the day before', () => {
    expect(replyText(alertReply(cascade))).toContain('$2.66M of longs liquidated so far (since Dec 6 23:55, 8 min)');
    // A start of the same day keeps its bare time.
    expect(replyText(alertReply({ ...cascade, startedAt: at('2025-12-07T00:01:00Z') }))).toContain('(since 00:01, 2 min)');
  });

  it('a running flush does too, in its total, its leaders\' prices and a start said alone', () => {
    const running: MarketFlushUpdate = { ...flush, kind: 'market_flush_update', ts: AFTER_MIDNIGHT, leaders: [{ asset: 'ETH', usd: 4e6, share: 0.44, changePct: -3 }] };
    const text = replyText(alertReply(running));
    expect(text).toContain('liquidated so far across 40 assets (since Dec 6 23:55, 8 min)');
    expect(text).toContain('Price since Dec 6 23:55: ETH −3.0%');
    const start: MarketFlush = { ...flush, kind: 'market_flush', ts: AFTER_MIDNIGHT, windowMs: 600_000, leaders: [{ asset: 'ETH', usd: 4e6, share: 0.44 }] };
    expect(replyText(alertReply(start))).toContain('Since Dec 6 23:55');
  });

  it('in the configured zone: Seoul\'s day turns at 15:00 UTC, so 14:55 UTC is the day before 15:03', () => {
    setTimeZone('Asia/Seoul');
    const update = { ...cascade, startedAt: at('2025-12-06T14:55:00Z'), ts: at('2025-12-06T15:03:00Z') };
    expect(replyText(alertReply(update))).toContain('(since Dec 6 23:55, 8 min)');
    // The same minutes in UTC are one day: bare.
    setTimeZone('UTC');
    expect(replyText(alertReply(update))).toContain('(since 14:55, 8 min)');
  });
});

describe('feeds out since the day before', () => {
  const feed = (exchange: string, state: FeedHealth['state'], since: number): FeedHealth => ({ exchange, stream: 'liquidations', state, since, sampled: false });
  const coverage = (feeds: FeedHealth[]): Coverage => ({ exchanges: ['bybit'], sampled: [], gaps: [], synthetic: false, feeds });

  it('the footer dates a feed down since yesterday', () => {
    const line = replyText({ title: ['x'], blocks: [], footer: coverageLine(coverage([feed('bybit', 'live', BEFORE_MIDNIGHT), feed('gate', 'down', BEFORE_MIDNIGHT)]), AFTER_MIDNIGHT) });
    expect(line).toContain('Gate down since Dec 6 23:55');
  });

  it('an empty window says since when, dated', () => {
    const all = emptyWindow({ ...coverage([feed('gate', 'down', BEFORE_MIDNIGHT)]), exchanges: [] }, 'ETH', '1h', AFTER_MIDNIGHT);
    expect(all.text).toBe('No liquidation data: Gate unreachable since Dec 6 23:55.');
    const some = emptyWindow({ ...coverage([feed('bybit', 'live', BEFORE_MIDNIGHT), feed('gate', 'down', BEFORE_MIDNIGHT)]), exchanges: [] }, 'ETH', '1h', AFTER_MIDNIGHT);
    expect(some.text).toBe('No ETH liquidations in the last 1h on Bybit; no data from Gate (unreachable since Dec 6 23:55).');
  });

  it('/oi without figures, every feed down since yesterday', () => {
    expect(noLeverageText('ETH', [feed('gate', 'down', BEFORE_MIDNIGHT)], undefined, AFTER_MIDNIGHT)).toBe(
      'Gate is unreachable since Dec 6 23:55; open interest and funding resume when they answer again.',
    );
  });
});
