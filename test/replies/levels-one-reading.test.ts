/**
 * `/levels` says one thing of one level: its row never names a role the reading contradicts (the reading counts it on
 * the side of its last confirmed close), so a floor the reading says is tested from below is never "resistance" on its
 * row: price across it on no confirmed close, the row says where price is and what the closes told ("price back below ·
 * reclaimed …, not lost yet"), neither role alone (levels-roles-agree.test.ts); and "a close below it
 * would expose X" names a level beyond the floor's break buffer that price is not already at, never one the close that
 * breaks the floor has broken too ($2,499.6 under $2,500) nor one price sits on ($2,643 under price and the $2,645 floor).
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { LevelValue, LevelView, ToldState } from '../../src/core/levels.js';
import type { LevelStatus } from '../../src/core/summary.js';
import { levelsReply, structureReading } from '../../src/replies/levels.js';
import { lineText, type Line } from '../../src/replies/reply.js';
import { BUNDLED, cli, tempDir, writeEvents } from '../helpers.js';
import { levelView, NOW, type ViewOptions } from './level-view.js';

const coverage = { exchanges: [], sampled: [], gaps: [], synthetic: false };
const status = (price: number, levels: LevelView[]): LevelStatus => ({ asset: 'BTC', ts: NOW, price, priceTs: NOW, levels });
/** A level as the book views it at `price` (test/replies/level-view.ts), with the break buffer the book judges it with. */
const view = (level: LevelValue, price: number, told: ToldState, opts: ViewOptions = {}, buffer?: number): LevelView =>
  Object.assign(levelView(level, price, told, opts), buffer !== undefined ? { buffer } : {});
const reading = (price: number, levels: LevelView[]) => structureReading(status(price, levels)).map(lineText);
/** The row of the level `text` starts with, and the tone of its role. */
function row(price: number, levels: LevelView[], text: string): { text: string; tone: unknown } {
  const rows = levelsReply(status(price, levels), coverage).blocks[1]!;
  const line: Line = rows.find((l) => lineText(l).startsWith(`${text} `))!;
  const role = line.find((s) => typeof s === 'object' && s.tone !== undefined);
  return { text: lineText(line), tone: typeof role === 'object' ? role.tone : undefined };
}

describe('the row says no role the reading contradicts', () => {
  it('a level reclaimed and dipped under on no confirmed close: the floor tested from below in the reading, price back below and not lost yet on its row', () => {
    const price = 99_980;
    const levels = [view(100_000, price, 'reclaimed', { direction: 'up', across: true }), view(95_000, price, 'holding')];
    expect(reading(price, levels)[0]).toBe('Price is testing the floor $100,000 from below; a close below it would expose $95,000.');
    const r = row(price, levels, '$100,000');
    // Where price is and what the closes told: neither "resistance" (the closes) nor "support" alone (the price).
    expect(r.text).toBe('$100,000 · price back below · reclaimed Oct 12 20:30, not lost yet · 0.0%');
    expect(r.tone).toBe('warn');
  });

  it('a support lost and poked above on no confirmed close: resistance to reclaim in the reading, price back above and no reclaim yet on its row', () => {
    const price = 100_300;
    const levels = [view(100_000, price, 'broken', { direction: 'down', across: true }), view(95_000, price, 'holding')];
    expect(reading(price, levels)).toContain('Reclaiming $100,000 would invalidate the breakdown; until then rebounds are reactive.');
    const r = row(price, levels, '$100,000');
    expect(r.text).toBe('$100,000 · price back above · lost Oct 12 20:30, no reclaim yet · −0.3%');
    expect(r.tone).toBe('warn');
  });

  it('a resistance broken up and dipped under on no confirmed close: price back below and not lost yet on its row, the floor in the reading', () => {
    const price = 99_700;
    const levels = [view(100_000, price, 'broken', { direction: 'up', across: true }), view(95_000, price, 'holding')];
    expect(reading(price, levels)).toContain('Resistance turned support at $100,000: losing it would undo the breakout.');
    expect(row(price, levels, '$100,000').text).toBe('$100,000 · price back below · broke up Oct 12 20:30, not lost yet · +0.3%');
  });

  it('the bundled day with one level set at $2,644 (price $2,643.8, the level reclaimed at 21:15): price back below and not lost yet on its row, the floor in the reading', async () => {
    const file = writeEvents(readFileSync(BUNDLED, 'utf8').split('\n').filter((l) => l.trim() !== '' && !l.includes('"type":"level"')), 'nolev.jsonl');
    const config = join(tempDir(), 'lv.yaml');
    writeFileSync(config, 'levels:\n  defaults:\n    - {asset: ETH, price: 2644}\n');
    const r = await cli('levels', 'eth', '--data', file, '--config', config);
    expect(r.code, r.err).toBe(0);
    expect(r.out).toContain('\n$2,644 · price back below · reclaimed Jan 31 21:15, not lost yet · 0.0%\n');
    expect(r.out).toContain('\nPrice is testing the floor $2,644 from below; a close below it would expose $2,357.\n');
    expect(r.out).not.toMatch(/\$2,644 · resistance/);
  });
});

describe('what a close below the floor would expose', () => {
  it('skips a level within the floor\'s break buffer: $2,499.6 under $2,500 (buffer $7.50) is the same floor', () => {
    const price = 2644;
    const levels = [view(2500, price, 'holding', {}, 7.5), view(2499.6, price, 'holding', {}, 7.5), view(2357, price, 'holding', {}, 7.1)];
    expect(reading(price, levels)[0]).toBe('Holding $2,500 keeps the floor; a close below it would expose $2,357.');
    // One beyond the buffer, however near, is the next floor.
    const beyond = [view(2500, price, 'holding', {}, 7.5), view(2490, price, 'holding', {}, 7.5), view(2357, price, 'holding', {}, 7.1)];
    expect(reading(price, beyond)[0]).toBe('Holding $2,500 keeps the floor; a close below it would expose $2,490.');
  });

  it('skips a level price is already at: $2,643, 0.03% under price, while the $2,645 floor is tested from below', () => {
    const price = 2643.8;
    const levels = [view(2645, price, 'reclaimed', { direction: 'up', across: true }, 7.9), view(2643, price, 'reclaimed', { direction: 'up' }, 7.9), view(2357, price, 'holding', {}, 7.1)];
    expect(reading(price, levels)[0]).toBe('Price is testing the floor $2,645 from below; a close below it would expose $2,357.');
  });

  it('skips a level price is already across on no confirmed close: it is a floor tested too, not one a close would expose', () => {
    const price = 2644;
    const levels = [view(2700, price, 'reclaimed', { direction: 'up', across: true }, 8.1), view(2660, price, 'reclaimed', { direction: 'up', across: true }, 8), view(2357, price, 'holding', {}, 7.1)];
    expect(reading(price, levels)[0]).toBe('Price is testing the floor $2,700 from below; a close below it would expose $2,357.');
  });

  it('names a zone whose top lies within the floor\'s buffer but whose low edge reaches beyond it: the close would take price into it', () => {
    const price = 100_200;
    const levels = [view(99_501, price, 'holding', {}, 400), view([97_680, 99_145], price, 'holding', {}, 400), view(95_000, price, 'holding', {}, 400)];
    expect(reading(price, levels)[0]).toBe('Holding $99,501 keeps the floor; a close below it would expose $97,680–99,145.');
    // A zone wholly within the buffer is the floor's own line.
    const near = [view(99_501, price, 'holding', {}, 400), view([99_150, 99_300], price, 'holding', {}, 400), view(95_000, price, 'holding', {}, 400)];
    expect(reading(price, near)[0]).toBe('Holding $99,501 keeps the floor; a close below it would expose $95,000.');
  });

  it('skips a level within the buffer of a zone\'s low edge, and says deeper downside where nothing lies beyond', () => {
    const price = 2520;
    const levels = [view([2480, 2500], price, 'holding', {}, 7.5), view(2475, price, 'holding', {}, 7.4)];
    expect(reading(price, levels)[0]).toBe('Holding $2,480–2,500 keeps the floor; a close below it would expose deeper downside.');
  });
});
