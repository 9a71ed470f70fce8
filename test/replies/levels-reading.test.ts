/**
 * How `/levels` reads a structure: a level inside a zone is that zone's price area (never the hurdle and the
 * invalidation named as one area twice), on the lost side and on the broken-up side alike; the resistance beyond a
 * breakdown is named; a failed breakout is said as one; a zone's edges print to one precision.
 */
import { describe, expect, it } from 'vitest';
import type { LevelValue, LevelView, ToldState } from '../../src/core/levels.js';
import type { LevelStatus } from '../../src/core/summary.js';
import { levelsReply, structureReading } from '../../src/replies/levels.js';
import { lineText, replyText } from '../../src/replies/reply.js';
import { levelView, NOW } from './level-view.js';


/** A level as the book views it at `price` (test/replies/level-view.ts): lost from above (`down`) or broken up (`up`) at `breakTs`, or holding. */
const view = (level: LevelValue, price: number, told: ToldState, direction?: 'up' | 'down', breakTs = NOW - 3 * 86_400_000): LevelView =>
  levelView(level, price, told, direction ? { direction, breakTs } : {});

const status = (price: number, levels: LevelView[]): LevelStatus => ({ asset: 'BTC', ts: NOW, price, priceTs: NOW, levels });
const reading = (st: LevelStatus) => structureReading(st).map(lineText);

describe('the structure read after a breakdown', () => {
  // BTC on Oct 13 2025 (fixtures/binance-2025-10-crash-levels-15m.real.jsonl): the zone $119,200–120,988 lost with the
  // prior low on its low edge and the round $120,000 inside it; $123,900 turned the Oct 7 breakout back.
  const price = 115_426;
  const lost = (level: LevelValue) => view(level, price, 'broken', 'down');
  const levels = [view(123_900, price, 'failed_breakout', 'down'), lost(120_000), lost([119_200, 120_988]), lost(119_200)];

  it('names the zone a lost level sits in as what a reclaim must clear, not the level inside it', () => {
    const lines = reading(status(price, levels));
    expect(lines).toContain('Reclaiming $119,200–120,988 would invalidate the breakdown; until then rebounds are reactive.');
    expect(lines.join('\n')).not.toContain('Reclaiming $120,000');
    // One area lost: no hurdle named apart from it.
    expect(lines.join('\n')).not.toContain('Support turned resistance');
  });

  it('names the hurdle and the invalidation as the nearest and the farthest areas lost: a zone reaching past a level inside it is the farther', () => {
    // The zone's near edge is closer than $122,000 inside it, which used to be named the invalidation for it.
    const more = [lost(122_000), lost([119_200, 122_500]), lost(121_000), lost(118_000)];
    for (const list of [more, [...more].reverse()]) {
      const lines = reading(status(price, list));
      expect(lines).toContain('Support turned resistance at $118,000: acceptance back above it would improve structure.');
      expect(lines).toContain('Reclaiming $119,200–122,500 would invalidate the breakdown; until then rebounds are reactive.');
    }
  });

  it('names the resistance beyond what was lost: the level that turned the last breakout back', () => {
    expect(reading(status(price, levels))).toContain('Above it, next resistance $123,900 (+7.3%).');
  });

  it('folds a lost level into the zone price is inside: the close out of the zone decides, not a level within it', () => {
    const inside = 120_500;
    const lines = reading(status(inside, [view(123_900, inside, 'failed_breakout', 'down'), view(120_800, inside, 'broken', 'down'), view([119_200, 120_988], inside, 'broken', 'down')]));
    expect(lines).toContain('Price is inside $119,200–120,988: a close outside it decides the next leg.');
    expect(lines.join('\n')).not.toContain('$120,800');
  });
});

describe('the structure read after a breakout', () => {
  // The mirror: a zone broken up, with a level on its top edge and one inside it, listed before the zone.
  const price = 207;
  const broke = (level: LevelValue) => view(level, price, 'broken', 'up');
  const levels = [broke(189), broke([186, 189]), broke(187), view(175, price, 'holding')];

  it('names the zone as the floor and what losing undoes the breakout, not a level on its edge or inside it', () => {
    const lines = reading(status(price, levels));
    expect(lines).toContain('Holding $186–189 keeps the floor; a close below it would expose $175.');
    expect(lines).toContain('Resistance turned support at $186–189: losing it would undo the breakout.');
    expect(lines.join('\n')).not.toMatch(/\$18[79][^–]/);
  });

  it('names the nearest and the farthest areas broken up when there are two', () => {
    const lines = reading(status(price, [broke(200), ...levels]));
    expect(lines).toContain('Resistance turned support at $200; losing $186–189 would undo the breakout.');
  });
});

describe('a level row', () => {
  const coverage = { exchanges: [], sampled: [], gaps: [], synthetic: false };

  it('says a break up that fell back as a failed breakout, with its time', () => {
    const text = replyText(levelsReply(status(115_426, [view(123_900, 115_426, 'failed_breakout', 'down', Date.parse('2025-10-07T08:15:00Z'))]), coverage));
    expect(text).toContain('$123,900 · resistance · failed breakout Oct 7 08:15 · +7.3%');
  });

  it("prints a zone's two edges to one precision, neither rounded", () => {
    const price = 4248;
    const zone = view([4426, 4492.39], price, 'broken', 'down');
    const text = replyText(levelsReply({ ...status(price, [zone]), asset: 'ETH' }, coverage));
    expect(text).toContain('$4,426.00–4,492.39 · resistance (was support)');
    expect(text).toContain('Reclaiming $4,426.00–4,492.39 would invalidate the breakdown');
    expect(text).not.toContain('$4,426–4,492.39');
  });
});
