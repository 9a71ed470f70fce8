/**
 * Words a trader reads beside amounts and times: minutes never a bare "m" next to $…M, a ranking that names whose days
 * it compares, and every alert saying once which zone its times of day are in.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { CascadeEnd, CascadeUpdate, LevelBreak, MarketFlush } from '../../src/core/alerts.js';
import { alertReply, runningClosedReply } from '../../src/replies/alerts.js';
import { duration, windowWords } from '../../src/replies/format.js';
import { lineText, replyText } from '../../src/replies/reply.js';
import { rankingText } from '../../src/replies/summary.js';
import { setTimeZone } from '../../src/replies/zone.js';

const at = (iso: string) => Date.parse(iso);
const MIN = 60_000;

describe('durations and windows of minutes', () => {
  it.each([
    [45_000, '45s'], [3 * MIN, '3 min'], [9 * MIN, '9 min'], [59 * MIN, '59 min'], [60 * MIN, '1h'],
    [(3 * 60 + 27) * MIN, '3h 27 min'], [47 * 60 * MIN, '47h'], [52 * 60 * MIN, '2d 4h'],
  ])('duration(%d) is %s', (ms, text) => expect(duration(ms)).toBe(text));

  it('a window of minutes reads in min in a sentence; hours and days keep their names', () => {
    expect(['30m', '90m', '4h', '24h', '7d', '3d'].map(windowWords)).toEqual(['30 min', '90 min', '4h', '24h', '7d', '3d']);
  });
});

describe('a ranking names the series it compares', () => {
  const d = (iso: string) => Date.parse(`${iso}T00:00:00Z`);
  const r = { side: 'long' as const, usd: 121.5e6, day: d('2025-02-03'), rank: 1, days: 365, since: { day: d('2024-08-05'), usd: 122e6 } };

  it('one venue, starred when its stream is sampled; Binance’s streams and a vendor’s "binance" are one venue', () => {
    expect(rankingText('ETH', { ...r, venues: ['binance'] }, 'day')).toBe('Largest ETH long-liquidation day on Binance* since Aug 5, 2024, when $122M of longs went');
    expect(rankingText('ETH', { ...r, venues: ['binance', 'binanceusdm'] }, 'day')).toBe('Largest ETH long-liquidation day on Binance* since Aug 5, 2024, when $122M of longs went');
    expect(rankingText('ETH', { ...r, venues: ['bybit'] }, 'cascade')).toBe('Bigger than any full ETH long-liquidation day on Bybit since Aug 5, 2024, when $122M of longs went');
  });

  it('up to three venues by name, more counted, and a vendor figure of every exchange as such', () => {
    expect(rankingText('ETH', { ...r, venues: ['binance', 'bybit', 'okx'] }, 'day')).toBe('Largest ETH long-liquidation day on Binance*, Bybit, OKX* since Aug 5, 2024, when $122M of longs went');
    expect(rankingText('ETH', { ...r, venues: ['binance', 'bybit', 'okx', 'htx'] }, 'day')).toBe('Largest ETH long-liquidation day on 4 exchanges since Aug 5, 2024, when $122M of longs went');
    expect(rankingText('ETH', { ...r, venues: ['bybit'], allExchanges: true }, 'day')).toBe('Largest ETH long-liquidation day across all exchanges since Aug 5, 2024, when $122M of longs went');
    const young = { side: 'short' as const, usd: 86.7e6, day: d('2026-02-03'), rank: 1, days: 31, venues: ['okx'] };
    expect(rankingText('SOL', young, 'day')).toBe('Largest SOL short-liquidation day on OKX* in the last 31 days');
  });
});

describe('an alert says once which zone its times are in', () => {
  afterEach(() => setTimeZone('UTC'));
  const cascade = { asset: 'ETH', key: 'k', cascadeId: 'c', side: 'long' as const, usd: 380e3, byExchange: { binance: 380e3 }, exchanges: ['binance'], sampled: ['binance'], flushId: 'f' };
  const update: CascadeUpdate = { ...cascade, kind: 'cascade_update', ts: at('2025-01-27T16:59:00Z'), startedAt: at('2025-01-27T16:50:00Z') };

  it('in its footer, the alert’s moment with the zone, as every reply ends', () => {
    const r = alertReply(update);
    expect(lineText(r.footer!)).toBe('2025-01-27 16:59 UTC');
    expect(replyText(r)).toContain('(since 16:50, 9 min)');
    setTimeZone('Europe/Berlin');
    expect(lineText(alertReply(update).footer!)).toBe('2025-01-27 17:59 CET');
  });

  it('every kind, the closing edit of a running message too', () => {
    const end: CascadeEnd = { ...cascade, kind: 'cascade_end', ts: at('2025-01-27T17:04:00Z'), startedAt: at('2025-01-27T16:52:00Z'), endedAt: at('2025-01-27T16:54:00Z'), durationMs: 3 * MIN };
    const flush: MarketFlush = { asset: 'ALL', key: 'k', flushId: 'f', side: 'long', usd: 777e3, windowUsd: 777e3, windowMs: 5 * MIN, assetCount: 110, leaders: [], exchanges: ['binance'], sampled: ['binance'], kind: 'market_flush', ts: at('2025-01-27T16:54:00Z'), startedAt: at('2025-01-27T16:50:00Z') } as MarketFlush;
    const lost: LevelBreak = { kind: 'level_break', asset: 'BTC', key: 'l', levelId: 'btc-100000', level: 100_000, direction: 'down', price: 99_500, timeframe: '15m', reclaim: false, ts: at('2025-01-27T16:45:00Z') } as LevelBreak;
    expect([alertReply(end), alertReply(flush), alertReply(lost), runningClosedReply(end)].map((r) => lineText(r.footer!))).toEqual([
      '2025-01-27 17:04 UTC', '2025-01-27 16:54 UTC', '2025-01-27 16:45 UTC', '2025-01-27 17:04 UTC',
    ]);
    expect(replyText(runningClosedReply(end))).toContain('in 2 min (16:52–16:54)');
  });
});
