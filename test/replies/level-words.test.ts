/**
 * The words of a level message: each level's verb follows what the chat was told of it, a chop's end on the side it
 * already heard of is said as that, and a chop's count reads as a count of the level's own crossings.
 */
import { describe, expect, it } from 'vitest';
import type { LevelBreak, LevelChop } from '../../src/core/alerts.js';
import { alertReply, levelBreakHeadline } from '../../src/replies/alerts.js';
import { threadAnswer } from '../../src/replies/proposals.js';
import { replyText } from '../../src/replies/reply.js';

const TS = Date.parse('2026-03-02T12:00:00Z');
const up: LevelBreak = { kind: 'level_break', ts: TS, asset: 'BTC', key: 'k', levelId: 'BTC@90000', level: 90_000, direction: 'up', reclaim: true, price: 92_100, timeframe: '15m' };

describe('a break message of several levels', () => {
  it('gives each level its own verb, grouped in the order price met them', () => {
    const a: LevelBreak = { ...up, also: [{ levelId: 'BTC@91000', level: 91_000, reclaim: false }, { levelId: 'BTC@90500', level: 90_500, reclaim: true }] };
    expect(levelBreakHeadline(a)).toBe('BTC reclaimed $90,000 and $90,500; broke above $91,000');
    // One verb for all: one list, as before.
    expect(levelBreakHeadline({ ...a, also: [{ levelId: 'BTC@90500', level: 90_500, reclaim: true }] })).toBe('BTC reclaimed $90,000 and $90,500');
  });

  it('says a failed breakout among lost levels in brackets, alone after a colon', () => {
    const down: LevelBreak = { ...up, direction: 'down', reclaim: false, level: 59_800, levelId: 'BTC@59800', price: 59_564, also: [{ levelId: 'BTC@59800-60697', level: [59_800, 60_697], reclaim: true }] };
    expect(levelBreakHeadline(down)).toBe('BTC lost $59,800; fell back below $59,800–60,697 (breakout failed)');
    expect(levelBreakHeadline({ ...down, reclaim: true, also: [] })).toBe('BTC fell back below $59,800: breakout failed');
  });

  it('says a chop that ended on the side the chat last heard of as the chop\'s end, the role unchanged', () => {
    const kept: LevelBreak = { ...up, direction: 'down', reclaim: false, level: 97_680, levelId: 'BTC@97680', price: 95_592, fromChop: { crosses: 3, since: Date.parse('2026-03-01T18:00:00Z'), kept: true, by: 'range', range: [96_738, 98_473] } };
    const text = replyText(alertReply(kept)).split('\n');
    expect(text[0]).toBe('⬇️ BTC broke down out of its chop at $97,680');
    expect(text).toContain('Decisive: a close below $96,738, the bottom of the range it chopped in, after 3 crosses since Sunday.');
    expect(text).toContain('It still acts as resistance.');
    // With a level the same close broke: each its verb, and the role is new for one of them.
    const mixed: LevelBreak = { ...kept, also: [{ levelId: 'BTC@96000', level: 96_000, reclaim: false }] };
    expect(replyText(alertReply(mixed)).split('\n')).toEqual(expect.arrayContaining(['⬇️ BTC broke down out of its chop at $97,680; lost $96,000', 'They now act as resistance.']));
    // A level thread's short answer says it the same way, not "lost" a second time.
    expect(replyText(threadAnswer(kept)).split('\n')[0]).toBe('BTC $97,680 out of its chop, below: 15m close $95,592.');
  });
});

describe('a chop\'s count', () => {
  const chop: LevelChop = { kind: 'level_chop', ts: TS, asset: 'ETH', key: 'c', levelId: 'ETH@4100', level: 4100, crosses: 1, since: Date.parse('2026-03-02T00:00:00Z'), setInChop: true, range: [3808, 4197], price: 4101, timeframe: '15m' };

  it('counts from when a level set into a chop was set, in the singular for one cross', () => {
    const text = replyText(alertReply(chop));
    expect(text).toMatch(/^↔️ ETH chopping around \$4,100 between \$3,808 and \$4,197: 1 cross since it was set at 00:00\n/);
    expect(text).toContain('No more alerts on this level until a close out of this range, or a decisive close back across it.');
    expect(replyText(alertReply({ ...chop, crosses: 3, setInChop: undefined, since: Date.parse('2026-02-27T19:00:00Z') }))).toMatch(/: 3 crosses since Friday\n/);
    expect(replyText(threadAnswer(chop)).split('\n')[0]).toBe('ETH $4,100 is chopping between $3,808 and $4,197: 1 cross since it was set at 00:00, now $4,101.');
  });

  it('says no count when none of the crossings are the level\'s', () => {
    expect(replyText(alertReply({ ...chop, crosses: 0 }))).toMatch(/^↔️ ETH chopping around \$4,100 between \$3,808 and \$4,197\n/);
    const end: LevelBreak = { ...up, fromChop: { crosses: 0, since: chop.since, setInChop: true, by: 'held', heldMs: 2 * 3_600_000 } };
    expect(replyText(alertReply(end))).toContain('\nDecisive: 2h of closes above it.\n');
  });
});
