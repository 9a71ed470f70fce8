/**
 * The break that ends a chop says the line the rule drew, not only where the close was: "a close 1.9% above it" said
 * nothing of the 1.8% that made BTC's $97,680 decisive on Feb 7 2025, "2h of closes below it" nothing of the 2h that end
 * a chop (nor, soon after a break, of how far the last close had to be). And a chopping level another level's break took
 * along on its price line says why it is in the message: BTC's $112,615.3, told on Oct 11 2025 that no more alerts
 * would come until a close over $115,955, was reclaimed on Oct 12 at $113,823 with $112,500 and nothing said of its chop.
 */
import { describe, expect, it } from 'vitest';
import type { LevelBreak } from '../../src/core/alerts.js';
import { alertReply } from '../../src/replies/alerts.js';
import { replyText } from '../../src/replies/reply.js';

const H = 3_600_000;
const TS = Date.parse('2026-03-02T12:00:00Z');
const since = Date.parse('2026-03-02T08:15:00Z');
const lines = (a: LevelBreak) => replyText(alertReply(a)).split('\n');
const up: LevelBreak = { kind: 'level_break', ts: TS, asset: 'ETH', key: 'k', levelId: 'ETH@3000', level: 3000, direction: 'up', reclaim: true, price: 3057, timeframe: '15m' };
const down: LevelBreak = { ...up, direction: 'down', reclaim: false, price: 2970 };

describe('a chop ended far beyond the level', () => {
  it('says the margin a close had to pass, in percent of the level as the close is', () => {
    const far: LevelBreak = { ...up, fromChop: { crosses: 3, since, by: 'far', margin: 45 } };
    expect(lines(far)).toContain('Decisive: a close 1.9% above it, beyond the 1.5% that ends a chop at once, after 3 crosses since 08:15.');
    // To a decimal more where the two would print alike.
    expect(lines({ ...far, price: 3046 })).toContain('Decisive: a close 1.53% above it, beyond the 1.50% that ends a chop at once, after 3 crosses since 08:15.');
    // An alert stored before it carried the margin says what it has.
    expect(lines({ ...far, fromChop: { crosses: 3, since, by: 'far' } })).toContain('Decisive: a close 1.9% above it, after 3 crosses since 08:15.');
  });
});

describe('a chop ended by closes held beyond the level', () => {
  const held = (heldMs: number, extra: { decisiveMs?: number; clear?: number } = {}): LevelBreak => ({ ...down, fromChop: { crosses: 2, since, by: 'held', heldMs, ...extra } });

  it('says the hours that end a chop, and when it took more', () => {
    expect(lines(held(2 * H, { decisiveMs: 2 * H }))).toContain('Decisive: 2h of closes below it, the 2h that ends a chop, after 2 crosses since 08:15.');
    expect(lines(held(2.5 * H, { decisiveMs: 2 * H }))).toContain('Decisive: 2h 30 min of closes below it, more than the 2h that ends a chop, after 2 crosses since 08:15.');
    expect(lines(held(2 * H))).toContain('Decisive: 2h of closes below it, after 2 crosses since 08:15.');
  });

  it('soon after a break, says how far the last close had to be too', () => {
    expect(lines(held(2.25 * H, { decisiveMs: 2 * H, clear: 18 }))).toContain(
      'Decisive: 2h 15 min of closes below it, the last 1.0% below it: more than the 2h and 0.6% that end a chop this soon after a break, after 2 crosses since 08:15.',
    );
    // Several levels: the one whose chop ended is named, then "it".
    const two: LevelBreak = { ...held(2 * H, { decisiveMs: 2 * H, clear: 18 }), also: [{ levelId: 'ETH@2980', level: 2980, reclaim: false }] };
    expect(lines(two)).toContain('Decisive: 2h of closes below $3,000, the last 1.0% below it: the 2h and 0.6% that end a chop this soon after a break, after 2 crosses since 08:15.');
  });
});

describe('a chopping level taken along by another level\'s break', () => {
  const joined = (level: number, w: number | [number, number]) => ({ levelId: `ETH@${level}`, level, reclaim: false, fromChop: { crosses: 4, since, by: 'joined' as const, with: w } });

  it('says whose break on the same close ended its chop, beside what made that break decisive', () => {
    const a: LevelBreak = { ...down, level: 3050, levelId: 'ETH@3050', price: 3020, fromChop: { crosses: 2, since, by: 'held', heldMs: 2 * H, decisiveMs: 2 * H }, also: [joined(3060, 3050)] };
    const text = lines(a);
    expect(text).toContain('Decisive: 2h of closes below $3,050, the 2h that ends a chop, after 2 crosses since 08:15.');
    expect(text).toContain("$3,060 ended its chop with $3,050's break on the same close.");
    expect(text.indexOf("$3,060 ended its chop with $3,050's break on the same close.")).toBe(text.indexOf('They now act as resistance.') - 1);
  });

  it('groups the levels one break took along, in the order price met them, and says none for a level that was not chopping', () => {
    const a: LevelBreak = { ...down, level: 3050, levelId: 'ETH@3050', price: 3020, also: [joined(3055, 3050), joined(3060, 3050), { levelId: 'ETH@3058', level: 3058, reclaim: false }] };
    const text = lines(a);
    expect(text).toContain("$3,060 and $3,055 ended their chops with $3,050's break on the same close.");
    expect(text.filter((l) => l.includes('ended'))).toHaveLength(1);
  });

  it('names the first level whose own rules ended its chop when the lead was taken along', () => {
    // The lead is the level nearest the close: here one taken along by $3,050's break, which ended a chop of its own.
    const a: LevelBreak = {
      ...down, level: [3020, 3050], levelId: 'ETH@3020-3050', price: 3010, fromChop: { crosses: 3, since, by: 'joined', with: 3050 },
      also: [{ levelId: 'ETH@3050', level: 3050, reclaim: false, fromChop: { crosses: 2, since, by: 'held', heldMs: 2 * H, decisiveMs: 2 * H } }],
    };
    const text = lines(a);
    expect(text).toContain('Decisive: 2h of closes below $3,050, the 2h that ends a chop, after 2 crosses since 08:15.');
    expect(text).toContain("$3,020–3,050 ended its chop with $3,050's break on the same close.");
  });
});
