/**
 * A notice of several chopping levels says the lines that end the quiet of each: the nearest of the levels' own, each by
 * its own buffer, out of the range its own closes made back across (the rule's `outOfChop`) and out of the range the
 * notice names on the side the chat last heard of. It used to say the range of all of them and the lead's buffer: ETH's
 * $3,000 and $3,010, lost and said chopping in one notice "between $2,991 and $3,019", told "until a close … over
 * $3,028", where a close over $3,026 after 45 minutes above $3,000 (out of its own range, $2,991–3,017) reclaims it.
 */
import { describe, expect, it } from 'vitest';
import { buildConfig } from '../../config/load.js';
import type { Alert, LevelChop } from '../../src/core/alerts.js';
import { Market } from '../../src/core/market.js';
import { alertReply } from '../../src/replies/alerts.js';
import { replyText } from '../../src/replies/reply.js';
import { M15, T0 } from './level-rules.js';

/** test/core/chop-range-combined.test.ts's closes: $3,010 lost at close 56, $3,000 at 80, one notice for both at 96. */
const TWO = [3050, 3050, 3050, 3047, 3042, 3038, 3041, 3041, 3048, 3042, 3037, 3031, 3025, 3021, 3019, 3026, 3032, 3035, 3025, 3026, 3031, 3038, 3030, 3022, 3031, 3027, 3033, 3039, 3033, 3026, 3021, 3026, 3017, 3026, 3025, 3021, 3018, 3027, 3026, 3024, 3027, 3024, 3018, 3019, 3017, 3017, 3013, 3012, 3014, 3023, 3032, 3023, 3016, 3013, 3018, 3008, 2999, 2995, 3001, 2996, 3002, 3000, 3002, 2993, 3001, 3011, 3009, 2999, 2997, 3003, 3006, 3001, 2992, 3002, 3011, 3004, 3004, 2994, 2997, 2995, 2996, 2996, 3002, 2992, 2999, 3006, 3014, 3017, 3014, 3011, 3002, 3011, 3008, 3004, 3007, 3005, 2998];

describe('a notice of several chopping levels', () => {
  it('says the nearest of their own lines out of the chop', () => {
    // The level rules of chop-range-combined's book (test/core/level-rules.ts): `flipBuffers` 5.
    const m = new Market(buildConfig({ levels: { flipBuffers: 5 } }));
    const alerts: Alert[] = [];
    for (const level of [3000, 3010]) alerts.push(...m.ingest({ type: 'level', ts: T0, asset: 'ETH', level }));
    TWO.forEach((close, i) => {
      const ts = T0 + i * M15;
      alerts.push(...m.ingest({ type: 'candle', ts, exchange: 'binanceusdm', symbol: 'ETH/USDT:USDT', timeframe: '15m', open: close, high: close + 1, low: close - 1, close }));
    });
    // Then 45 minutes above $3,000, the last close at $3,027: out of $3,000's own range by its buffer, inside the others'.
    [3000, 3005, 3005, 3027, 3027].forEach((close, i) => {
      const ts = T0 + (TWO.length + i) * M15;
      alerts.push(...m.ingest({ type: 'candle', ts, exchange: 'binanceusdm', symbol: 'ETH/USDT:USDT', timeframe: '15m', open: close, high: close + 1, low: close - 1, close }));
    });
    const chops = alerts.filter((a): a is LevelChop => a.kind === 'level_chop');
    expect(chops.map((c) => [c.level, c.also?.map((x) => x.level), c.range])).toEqual([[expect.any(Number), [expect.any(Number)], [2991, 3019.03]]]);
    const ends = chops[0]!.ends!;
    // $3,000 back above out of its own range's top ($3,017) by its own buffer; below, both out of the range named.
    const own = m.levels.buffer('ETH', 3000);
    expect(ends.out[1]).toBeCloseTo(3017 + own, 6);
    expect(ends.out[0]).toBeCloseTo(2991 - own, 6);
    // The close that reclaims $3,000 is one the notice named.
    const reclaim = alerts.find((a) => a.kind === 'level_break' && a.ts > chops[0]!.ts)!;
    expect(reclaim).toMatchObject({ levelId: 'ETH@3000', direction: 'up', price: 3027, fromChop: { by: 'range' } });
    expect(reclaim.kind === 'level_break' && reclaim.price > ends.out[1]).toBe(true);
    expect(replyText(alertReply(chops[0]!))).toContain(`until a close under $2,982 or over $3,026 (the range and a buffer, as price and volatility move them) after 45 min beyond one of them`);
  });
});
