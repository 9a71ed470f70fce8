/**
 * The range a chop's end names is the level's own, and the one its notice said: a break out of a said chop quotes the
 * edge the chat was told (not the closes' range since, which moves), and a message of several levels says whose range
 * it quotes, so a level's unsaid chop does not read as the zone's the chat was told of (SOL, Aug 5 2024 01:15: "broke
 * down out of its chop at $139.41–141.50 … a close below $131.39, the bottom of the range it chopped in", $131.39
 * being $135's, the zone's notice having said $131.87). Levels whose notices were one message share the range it named: a
 * close out of one's own narrower range, inside the named one, is not the end the notice promised.
 */
import { describe, expect, it } from 'vitest';
import { buildConfig } from '../../config/load.js';
import type { Alert, LevelBreak, LevelChop } from '../../src/core/alerts.js';
import { LevelBook, type ChopEnd } from '../../src/core/levels.js';
import { runFile } from '../../src/offline.js';
import { alertReply } from '../../src/replies/alerts.js';
import { replyText } from '../../src/replies/reply.js';
import { level, M15, rules, T0 } from './level-rules.js';

/** ETH $3,000 set with price at $3,050, lost at close 1, back above from close 4: it chops at close 6, said at close 14. */
const START = [3050, 2980, 2980, 2980, 3025, 3025, 3025];
/** Closes either side of the level inside its buffer (about $20.6): no crossing, no acceptance, the buffer kept. */
const HOVER = [2990, 3010, 2990, 3010, 2990, 3010, 2990, 3010, 2990, 3010];

describe('a break out of a said chop names the range the notice said', () => {
  it('quotes the notice\'s top, not the higher top of the closes since it', () => {
    const book = new LevelBook(rules);
    book.add(level, 3050);
    const notices: [number, number][] = [];
    const ends: ChopEnd[] = [];
    // An hour at $3,035 after the notice (above its $3,025 top, not a decisive close) lifts the closes' range to $3,035;
    // 45 minutes above the level, then $3,060: out of that range by a buffer, the reclaim.
    [...START, ...HOVER, 3035, 3035, 3035, 3035, ...HOVER, ...HOVER, 3010, 3010, 3060].forEach((close, i) => {
      const ts = T0 + i * M15;
      for (const o of book.judge('ETH', { ts, end: ts + M15, open: close, high: close + 1, low: close - 1, close })) {
        if (o.kind === 'chop') notices.push(o.event.range);
        else if (o.event.fromChop) ends.push(o.event.fromChop);
      }
    });
    expect(notices).toHaveLength(1);
    expect(notices[0]![1]).toBe(3025);
    // The crossings since close 1's end: the loss, and the close back above it.
    expect(ends).toEqual([{ crosses: 2, since: T0 + 2 * M15, by: 'range', range: notices[0], told: true, buffer: expect.closeTo(18.0319, 3), heldMs: 3_600_000 }]);
  });
});

/** ETH $3,000 and $3,010 lost 6 h apart, then one chop notice for both (their own ranges $2,991–3,017 and $2,992–3,019). */
const TWO = [3050, 3050, 3050, 3047, 3042, 3038, 3041, 3041, 3048, 3042, 3037, 3031, 3025, 3021, 3019, 3026, 3032, 3035, 3025, 3026, 3031, 3038, 3030, 3022, 3031, 3027, 3033, 3039, 3033, 3026, 3021, 3026, 3017, 3026, 3025, 3021, 3018, 3027, 3026, 3024, 3027, 3024, 3018, 3019, 3017, 3017, 3013, 3012, 3014, 3023, 3032, 3023, 3016, 3013, 3018, 3008, 2999, 2995, 3001, 2996, 3002, 3000, 3002, 2993, 3001, 3011, 3009, 2999, 2997, 3003, 3006, 3001, 2992, 3002, 3011, 3004, 3004, 2994, 2997, 2995, 2996, 2996, 3002, 2992, 2999, 3006, 3014, 3017, 3014, 3011, 3002, 3011, 3008, 3004, 3007, 3005, 2998, 3001, 2994, 2991, 2985, 2992, 2986, 2983, 2987, 2994, 2992, 2995, 2994, 3001, 3006, 3016, 3013, 3003, 3001, 2996, 2992, 2986, 2991, 2982, 2980];

describe('levels said chopping in one notice', () => {
  it('end together, out of the range the notice named, not one of them a close early on its own narrower range', () => {
    const book = new LevelBook(rules);
    book.add(level, 3060);
    book.add({ ...level, id: 'ETH@3010', level: 3010 }, 3060);
    const said: string[] = [];
    TWO.forEach((close, i) => {
      const ts = T0 + i * M15;
      for (const o of book.judge('ETH', { ts, end: ts + M15, open: close, high: close + 1, low: close - 1, close })) {
        said.push(`${i} ${o.kind} ${o.event.level.id} ${JSON.stringify(o.kind === 'chop' ? o.event.range : o.event.fromChop?.by === 'range' ? o.event.fromChop.range : undefined)}`);
      }
    });
    expect(said).toEqual([
      '56 break ETH@3010 undefined',
      '80 break ETH@3000 undefined',
      '96 chop ETH@3000 [2991,3017]',
      '96 chop ETH@3010 [2992,3019.03]',
      // The message said "between $2,991 and $3,019": $2,982 (close 119) is within a buffer of $2,991; before, it ended
      // $3,010's chop alone on "a close below $2,992", a bottom the chat was never told, and $3,000's a close later.
      '120 break ETH@3000 [2991,3019.03]',
      '120 break ETH@3010 [2991,3019.03]',
    ]);
  });
});

/** A break of $135 and $139.41 that ends the chop said of the zone above $139.41 on the side it was told, as on Aug 5 2024. */
const combined: LevelBreak = {
  kind: 'level_break', ts: Date.parse('2024-08-05T01:15:00Z'), asset: 'SOL', key: 'k', levelId: 'SOL@135', level: 135, direction: 'down',
  reclaim: false, price: 128.475, timeframe: '15m', fromChop: { crosses: 3, since: Date.parse('2024-08-04T17:00:00Z'), by: 'range', range: [131.386, 143.384] },
  also: [{ levelId: 'SOL@139.41', level: 139.41, reclaim: false }, { levelId: 'SOL@139.41-141.5', level: [139.41, 141.5], reclaim: false, kept: true }],
};

describe('a message of several levels says whose chop range it quotes', () => {
  it('names the level whose range a close left', () => {
    const text = replyText(alertReply(combined));
    expect(text).toContain('\nDecisive: a close below $131.39, the bottom of the range $135 chopped in, after 3 crosses since Sunday.\n');
    // One level: "it", as before.
    expect(replyText(alertReply({ ...combined, also: [] }))).toContain('\nDecisive: a close below $131.39, the bottom of the range it chopped in, after 3 crosses since Sunday.\n');
  });
});

describe('on real markets', () => {
  const config = buildConfig({});
  const run = async (file: string): Promise<Alert[]> => (await runFile(file, config)).alerts;

  it('SOL on Aug 5 2024: $135\'s range is said as $135\'s, beside the zone whose chop the notice said', async () => {
    const alerts = await run('fixtures/binance-2024-08-levels-15m.real.jsonl');
    const notice = alerts.find((a): a is LevelChop => a.kind === 'level_chop' && a.asset === 'SOL' && a.ts === Date.parse('2024-08-04T22:15:00Z'))!;
    expect(notice).toMatchObject({ levelId: 'SOL@139.41-141.5', range: [131.872, 143.384] });
    expect(notice.also).toBeUndefined();
    const end = alerts.find((a): a is LevelBreak => a.kind === 'level_break' && a.asset === 'SOL' && a.ts === Date.parse('2024-08-05T01:15:00Z'))!;
    expect(end).toMatchObject({ level: 135, fromChop: { by: 'range', range: [131.386, 143.384] } });
    const text = replyText(alertReply(end)).split('\n');
    expect(text[0]).toBe('⬇️ SOL lost $139.41 and $135; broke down out of its chop at $139.41–141.50');
    expect(text).toContain('Decisive: a close $3.40 below the range $139.41–141.50 chopped in ($131.87), more than its $2.25 buffer, after 1h 45 min below it and 3 crosses since Sunday.');
  });

  it('BTC $69,381.7 on Jul 29 2024: the failed breakout names the bottom its chop notice said', async () => {
    const alerts = await run('fixtures/binance-2024-07-heldout-levels-15m.real.jsonl');
    const notice = alerts.find((a): a is LevelChop => a.kind === 'level_chop' && a.levelId === 'BTC@69381.7')!;
    expect(replyText(alertReply(notice)).split('\n')[0]).toBe('↔️ BTC chopping around $69,381.7 between $69,174 and $69,777: 3 crosses since 03:30');
    const end = alerts.find((a): a is LevelBreak => a.kind === 'level_break' && a.levelId === 'BTC@69381.7' && a.ts > notice.ts)!;
    expect(end.ts).toBe(Date.parse('2024-07-29T14:15:00Z'));
    expect(end.fromChop).toMatchObject({ by: 'range', range: notice.range });
    // Before: "a close below $69,143", the closes' range since the notice, a bottom the chat was never told.
    expect(replyText(alertReply(end))).toContain('\nDecisive: a close $474 below the range it chopped in ($69,174), more than its $255 buffer, after 45 min below $69,381.7 and 4 crosses since 03:30.\n');
  });
});
