/**
 * Times in the community's zone (config `timeZone`, src/replies/zone.ts): moments move with it, UTC calendar days
 * (a vendor's daily totals, the day a ranking ranks) do not, and a chart's ticks fall on the zone's whole hours.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { buildConfig } from '../../config/load.js';
import { clock, day, sinceWord, spanWords, stamp, utcDay, whenWord } from '../../src/replies/format.js';
import { rankingText } from '../../src/replies/summary.js';
import { timeTicks } from '../../src/charts/layout.js';
import { windowText } from '../../src/charts/scene.js';
import { setTimeZone } from '../../src/replies/zone.js';
import { postedDigest, weekStart } from '../../src/alerts/digest.js';
import { Market } from '../../src/core/market.js';
import type { Store } from '../../src/store/store.js';
import { digestReply } from '../../src/replies/digest.js';
import { replyText } from '../../src/replies/reply.js';
import { HOUR } from '../../src/core/time.js';

const at = (iso: string) => Date.parse(iso);

describe('the display time zone', () => {
  afterEach(() => setTimeZone('UTC'));

  it('is UTC by default: the config says so and the words are as they always were', () => {
    expect(buildConfig({}).timeZone).toBe('UTC');
    expect(stamp(at('2025-02-03T02:05:00Z'))).toBe('2025-02-03 02:05 UTC');
    expect(whenWord(at('2025-02-02T03:30:00Z'), at('2025-02-03T02:05:00Z'))).toBe('Feb 2 03:30');
  });

  it('tells moments in the zone, footers naming it', () => {
    setTimeZone('Asia/Seoul');
    const crash = at('2025-02-03T02:05:00Z');
    expect(clock(crash)).toBe('11:05');
    expect(stamp(crash)).toBe('2025-02-03 11:05 GMT+9');
    // 03:30 UTC on Feb 2 is 12:30 in Seoul; 20:00 UTC on Feb 2 is already Feb 3 there, the same day as the crash.
    expect(whenWord(at('2025-02-02T03:30:00Z'), crash)).toBe('Feb 2 12:30');
    expect(whenWord(at('2025-02-02T20:00:00Z'), crash)).toBe('05:00');
    expect(sinceWord(at('2025-02-02T14:00:00Z'), crash)).toBe('Sunday');
    expect(spanWords(at('2025-02-02T16:50:00Z'), at('2025-02-02T17:13:00Z'), crash)).toBe('01:50–02:13'); // Feb 3 in Seoul, as is the crash
    expect(day(at('2025-12-31T20:00:00Z'), at('2025-12-31T12:00:00Z'))).toBe('Jan 1, 2026');
  });

  it('follows daylight saving (New York: EST in winter, EDT in summer; Adelaide, on the half hour)', () => {
    setTimeZone('America/New_York');
    expect(stamp(at('2025-01-15T12:00:00Z'))).toBe('2025-01-15 07:00 EST');
    expect(stamp(at('2025-07-15T12:00:00Z'))).toBe('2025-07-15 08:00 EDT');
    // The spring-forward night: 06:59 UTC is 01:59 EST, 07:00 UTC is 03:00 EDT.
    expect([clock(at('2025-03-09T06:59:00Z')), clock(at('2025-03-09T07:00:00Z'))]).toEqual(['01:59', '03:00']);
    // A half-hour zone changes on a UTC half hour: Adelaide leaves +10:30 for +9:30 at 16:30 UTC on Apr 5 2025.
    setTimeZone('Australia/Adelaide');
    expect([clock(at('2025-04-05T16:29:00Z')), clock(at('2025-04-05T16:30:00Z'))]).toEqual(['02:59', '02:00']);
  });

  it('leaves UTC calendar days alone: "largest since Oct 10" is the vendor’s Oct 10 wherever the chat is', () => {
    setTimeZone('America/New_York');
    const oct10 = at('2025-10-10T00:00:00Z');
    expect(day(oct10)).toBe('Oct 9'); // the moment, in New York
    expect(utcDay(oct10)).toBe('Oct 10');
    const text = rankingText('ETH', { side: 'long', day: at('2026-01-31T00:00:00Z'), usd: 5e8, rank: 1, days: 120, since: { day: oct10, usd: 1.26e9 } } as never, 'day');
    expect(text).toBe('Largest ETH long-liquidation day since Oct 10, 2025, when $1.26B of longs went');
  });

  it('puts a chart’s ticks on the zone’s whole hours, and its window in the zone', () => {
    setTimeZone('Asia/Kolkata'); // UTC+5:30
    const from = at('2025-02-03T00:00:00Z');
    const ticks = timeTicks(from, from + 24 * HOUR, 8);
    expect(ticks.length).toBeGreaterThan(0);
    for (const t of ticks) expect(t.label).toMatch(/^(\d\d:00|[A-Z][a-z]{2} \d+)$/);
    expect(ticks[0]!.label).toBe('06:00');
    expect(windowText(from, from + HOUR)).toBe('Feb 3, 05:30–06:30 IST');
  });

  it('keeps a week’s day ticks on local midnight across a daylight-saving change, and an hour’s ticks single', () => {
    setTimeZone('Europe/Berlin'); // CET (+1) until 01:00 UTC on Mar 29 2026, CEST (+2) after
    const from = at('2026-03-26T12:00:00Z');
    const ticks = timeTicks(from, from + 7 * 24 * HOUR, 8);
    expect(ticks.map((t) => t.label)).toEqual(['Mar 27', 'Mar 28', 'Mar 29', 'Mar 30', 'Mar 31', 'Apr 1', 'Apr 2']);
    expect(ticks.map((t) => new Date(t.ts).toISOString().slice(11, 16))).toEqual(['23:00', '23:00', '23:00', '22:00', '22:00', '22:00', '22:00']);
    // The fall-back night in New York repeats 01:00–02:00: each wall hour is ticked once, in order.
    setTimeZone('America/New_York');
    const night = timeTicks(at('2026-11-01T03:30:00Z'), at('2026-11-01T09:30:00Z'), 8);
    expect(night.map((t) => t.label)).toEqual(['Nov 1', '01:00', '02:00', '03:00', '04:00']);
    expect(night.every((t, i) => i === 0 || t.ts > night[i - 1]!.ts)).toBe(true);
  });

  it('turns the weekly digest at Monday 00:00 in the zone, a week of local days', () => {
    expect(weekStart(at('2026-03-04T10:00:00Z'))).toBe(at('2026-03-02T00:00:00Z')); // UTC by default
    setTimeZone('Asia/Seoul');
    // Monday Mar 2 01:00 in Seoul is still Sunday in UTC: the week turned an hour before, at 15:00 UTC.
    expect(weekStart(at('2026-03-01T16:00:00Z'))).toBe(at('2026-03-01T15:00:00Z'));
    setTimeZone('Europe/Berlin');
    // The week of the spring-forward night is 167 hours: Monday 00:00 CET to Monday 00:00 CEST.
    const to = weekStart(at('2026-03-30T10:00:00Z'));
    const from = weekStart(to - 1);
    expect([to, from]).toEqual([at('2026-03-29T22:00:00Z'), at('2026-03-22T23:00:00Z')]);
    // The post at that turn reads that week, not the 168 hours before it (which began on Sunday 23:00 CET).
    const posted = postedDigest(new Market(buildConfig({})), { listProposals: () => [] } as unknown as Store, 'telegram:1', to, 0.5);
    expect([posted.from, posted.to]).toEqual([from, to]);
    expect(replyText(digestReply({ chat: 'telegram:1', from, to, levels: [], right: [] }, { synthetic: false }))).toContain('Weekly levels digest · Mar 23 – Mar 29');
  });
});
