/**
 * The feeds a reply vouches for when they live in other processes (scaled out): ingest reports merged over
 * replicas, a silent process's venues down since its last word, and a report off the bus checked field by field.
 */
import { describe, expect, it } from 'vitest';
import { decodeFeeds, encodeFeeds, feedsSubject, isFeedsSubject } from '../../src/bus/batch.js';
import { FEED_REPORT_TTL_MS, FeedBoard, type FeedHealth } from '../../src/core/coverage.js';

const T = Date.parse('2026-12-02T10:00:00Z');
const feed = (exchange: string, state: FeedHealth['state'], since: number, extra: Partial<FeedHealth> = {}): FeedHealth => ({ exchange, stream: 'liquidations', state, since, sampled: exchange === 'okx', ...extra });

describe('FeedBoard, scaled out', () => {
  it('a venue is live when one replica has it live; prices are not a reply’s coverage', () => {
    let now = T;
    const board = new FeedBoard(() => now);
    expect(board.list()).toEqual([]);
    board.report({ instance: 'a', at: T, feeds: [feed('bybit', 'down', T - 60_000), feed('okx', 'live', T - 600_000), { ...feed('bybit', 'live', T), stream: 'prices' }] });
    board.report({ instance: 'b', at: T + 1_000, feeds: [feed('bybit', 'live', T - 300_000), feed('okx', 'connecting', T - 5_000)] });
    now = T + 2_000;
    expect(board.list()).toEqual([feed('bybit', 'live', T - 300_000), feed('okx', 'live', T - 600_000)]);
    // An older report of a process never replaces its newer one (the bus may deliver a retry late).
    board.report({ instance: 'b', at: T - 30_000, feeds: [feed('bybit', 'down', T - 30_000)] });
    expect(board.list()[0]).toMatchObject({ exchange: 'bybit', state: 'live' });
  });

  it('a process silent for three repeats is gone: its venues are down since its last word, unless another reports them', () => {
    let now = T;
    const board = new FeedBoard(() => now);
    board.report({ instance: 'a', at: T, feeds: [feed('bybit', 'live', T - 60_000), feed('okx', 'down', T - 120_000)] });
    now = T + FEED_REPORT_TTL_MS;
    expect(board.list().map((f) => f.state)).toEqual(['live', 'down']);
    now = T + FEED_REPORT_TTL_MS + 1;
    // Down since the last report; a venue already down keeps its own moment.
    expect(board.list()).toEqual([feed('bybit', 'down', T), feed('okx', 'down', T - 120_000)]);
    // A new process (a restart) reports: what it watches is the deployment's, the gone one's other venues forgotten.
    board.report({ instance: 'a2', at: now, feeds: [feed('bybit', 'connecting', now)] });
    expect(board.list()).toEqual([feed('bybit', 'connecting', now)]);
  });

  it("this process's own feeds (embedded) are the truth whatever a report says", () => {
    const board = new FeedBoard(() => T);
    board.update(feed('gate', 'live', T, { polledEveryMs: 10_000 }));
    board.report({ instance: 'a', at: T, feeds: [feed('bybit', 'down', T)] });
    expect(board.list()).toEqual([feed('gate', 'live', T, { polledEveryMs: 10_000 })]);
  });
});

describe('a feed report on the bus', () => {
  it('round-trips, with its own subject', () => {
    // The assets no venue lists ride on a feed's status, for a reader's /status to name.
    const report = { instance: 'host:12:ab', at: T, feeds: [feed('gate', 'live', T, { polledEveryMs: 10_000 }), feed('okx', 'down', T, { unlisted: ['ETJ'] })] };
    const enc = encodeFeeds(feedsSubject('mkt'), report);
    expect(enc.subject).toBe('mkt._feeds.status');
    expect(isFeedsSubject(enc.subject)).toBe(true);
    expect(isFeedsSubject('mkt.bybit.liquidation')).toBe(false);
    expect(decodeFeeds(enc.payload)).toEqual(report);
    // The id is the report's own: the same report sent twice is stored once, the next one is not a duplicate.
    expect(encodeFeeds('mkt._feeds.status', { ...report, at: T + 30_000 }).msgId).not.toBe(enc.msgId);
  });

  it.each([
    ['not JSON', '{"instance":'],
    ['null', 'null'],
    ['no instance', JSON.stringify({ at: T, feeds: [] })],
    ['a time that is not one', JSON.stringify({ instance: 'a', at: 'soon', feeds: [] })],
    ['an unknown state', JSON.stringify({ instance: 'a', at: T, feeds: [{ ...feed('okx', 'live', T), state: 'great' }] })],
    ['a venue name a reply would echo', JSON.stringify({ instance: 'a', at: T, feeds: [feed('<b>okx</b>', 'live', T)] })],
    ['a negative poll', JSON.stringify({ instance: 'a', at: T, feeds: [feed('gate', 'live', T, { polledEveryMs: -1 })] })],
    ['an unlisted asset a reply would echo', JSON.stringify({ instance: 'a', at: T, feeds: [feed('okx', 'live', T, { unlisted: ['<b>ETJ</b>'] })] })],
    ['too many feeds', JSON.stringify({ instance: 'a', at: T, feeds: Array.from({ length: 101 }, (_, i) => feed(`x${i}`, 'live', T)) })],
  ])('a report with %s is refused whole', (_what, payload) => {
    expect(decodeFeeds(payload)).toBeUndefined();
  });
});
