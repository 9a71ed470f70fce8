/** A replay's measurement: how long its levels were watched, which a rate a day is over (not the whole file). */
import { describe, expect, it } from 'vitest';
import type { Alert } from '../../src/core/alerts.js';
import { backtest } from '../../src/core/backtest.js';
import { levelId } from '../../src/core/levels.js';

const MIN = 60_000;
const DAY = 86_400_000;
const T0 = Date.UTC(2025, 3, 1); // Apr 1

/** 15m closes from Apr 1 00:00 for `days` days (the first ends at 00:15). */
function closes(days: number): Map<string, { end: number; close: number }[]> {
  return new Map([['BTC', Array.from({ length: days * 96 }, (_, i) => ({ end: T0 + (i + 1) * 15 * MIN, close: 80_000 }))]]);
}

const level = (from: number) => ({ id: levelId('BTC', 80_000), asset: 'BTC', level: 80_000, from });

describe('how long the levels were watched', () => {
  it('runs from the first level\'s time to the last close when the levels come days into the file (Apr 6 of Apr 1–11)', () => {
    expect(backtest([], closes(10), [level(T0 + 5 * DAY)]).watchedMs).toBe(5 * DAY);
  });

  it('runs from the first close when the levels were set before it, and from the earliest of several levels', () => {
    expect(backtest([], closes(10), [level(T0 - DAY)]).watchedMs).toBe(10 * DAY - 15 * MIN);
    const later = { id: levelId('BTC', 90_000), asset: 'BTC', level: 90_000, from: T0 + 8 * DAY };
    expect(backtest([], closes(10), [later, level(T0 + 2 * DAY)]).watchedMs).toBe(8 * DAY);
  });

  it('is none for levels set after the last close, and absent with no level or no close', () => {
    expect(backtest([], closes(10), [level(T0 + 12 * DAY)]).watchedMs).toBe(0);
    expect(backtest([], closes(10), []).watchedMs).toBeUndefined();
    expect(backtest([], new Map(), [level(T0)]).watchedMs).toBeUndefined();
  });

  it('leaves the counts as they were: a break after the level was set is one message', () => {
    const id = levelId('BTC', 80_000);
    const brk: Alert = { kind: 'level_break', ts: T0 + 6 * DAY, asset: 'BTC', key: 'k', levelId: id, level: 80_000, direction: 'down', reclaim: false, price: 79_000, timeframe: '15m' };
    expect(backtest([brk], closes(10), [level(T0 + 5 * DAY)]).totals).toEqual({ messages: 1, breaks: 1, reversed: 0, held: 0, heldTold: 0 });
  });

  it('counts a chop that ended on the side last told as a message, not a break', () => {
    const id = levelId('BTC', 80_000);
    const brk: Alert = { kind: 'level_break', ts: T0 + 6 * DAY, asset: 'BTC', key: 'k', levelId: id, level: 80_000, direction: 'down', reclaim: false, price: 79_000, timeframe: '15m' };
    const kept: Alert = { ...brk, key: 'k2', ts: T0 + 7 * DAY, price: 78_000, fromChop: { crosses: 3, since: T0 + 6 * DAY, kept: true, by: 'range', range: [79_500, 80_500] } };
    expect(backtest([brk, kept], closes(10), [level(T0 + 5 * DAY)]).totals).toEqual({ messages: 2, breaks: 1, reversed: 0, held: 0, heldTold: 0 });
    expect(backtest([brk, kept], closes(10), [level(T0 + 5 * DAY)]).perMessage.breaks).toBe(1);
  });
});

describe('breaks the file ends too soon after to judge', () => {
  const id = levelId('BTC', 80_000);
  const brk = (ts: number, direction: 'up' | 'down', key = `k${ts}`): Alert => ({ kind: 'level_break', ts, asset: 'BTC', key, levelId: id, level: 80_000, direction, reclaim: direction === 'up', price: 80_000, timeframe: '15m' });
  // The last close of closes(10): Apr 11 00:00.
  const END = T0 + 10 * DAY;

  it('are the last break of a level under 12 h before the last close: counted as breaks, apart from the judged ones', () => {
    const st = backtest([brk(END - 12 * 60 * MIN + 15 * MIN, 'down')], closes(10), [level(T0)]);
    expect(st.totals).toEqual({ messages: 1, breaks: 1, reversed: 0, held: 0, heldTold: 0 });
    expect(st.unjudged).toEqual({ breaks: 1, messages: 1 });
    expect(st.levels[0]!.unjudged).toBe(1);
    expect(st.perMessage).toEqual({ breaks: 1, reversed: 0 });
  });

  it('are none for a break 12 h or more before the last close, or one the opposite break reversed', () => {
    const judged = backtest([brk(END - 12 * 60 * MIN, 'down')], closes(10), [level(T0)]);
    expect(judged.unjudged).toEqual({ breaks: 0, messages: 0 });
    expect(judged.levels[0]!.unjudged).toBeUndefined();
    // Lost at 20:00, reclaimed at 22:00: the loss was reversed (judged); the reclaim, the last, cannot be yet.
    const reversed = backtest([brk(END - 4 * 60 * MIN, 'down'), brk(END - 2 * 60 * MIN, 'up')], closes(10), [level(T0)]);
    expect(reversed.totals).toMatchObject({ breaks: 2, reversed: 1 });
    expect(reversed.unjudged).toEqual({ breaks: 1, messages: 1 });
    expect(reversed.perMessage).toEqual({ breaks: 2, reversed: 1 });
  });

  it('are judged on the last close of their own asset, not another asset’s later one', () => {
    const both = new Map([...closes(10), ['ETH', [{ end: END + 2 * DAY, close: 3000 }]]]);
    expect(backtest([brk(END - 60 * MIN, 'down')], both, [level(T0)]).unjudged).toEqual({ breaks: 1, messages: 1 });
  });
});
