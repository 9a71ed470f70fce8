/**
 * Level judging on 15m closes: the volatility buffer, the chop state (said once, quiet until a decisive close,
 * kept across a restart), and what /levels may say (testing across an unconfirmed level).
 */
import { describe, expect, it } from 'vitest';
import { LevelBook, type Level, type LevelRules } from '../../src/core/levels.js';

const M15 = 900_000;
const T0 = Date.parse('2026-03-02T00:00:00Z');
const rules: LevelRules = {
  breakBufferPct: 0.3, atrMultiple: 0.5, atrPeriods: 14, testingPct: 0.75, cooldownMs: 2 * M15,
  chopWindowMs: 72 * 3_600_000, chopCrosses: 2, chopRangeMs: 24 * 3_600_000, decisiveFactor: 3, decisiveMs: 4 * 3_600_000, acceptMs: 3_600_000, flipMs: 0, flipBuffers: 3, confirmMs: 0,
};
const level: Level = { id: 'ETH@3000', asset: 'ETH', level: 3000, source: 'event', createdAt: T0 };

/** Feed 15m candles closing at `closes` (range ±2 around the close unless given); returns what each close said. */
function feed(book: LevelBook, closes: (number | [number, number, number])[], from = 0): string[] {
  return closes.map((x, i) => {
    const [close, low, high] = typeof x === 'number' ? [x, x - 2, x + 2] : x;
    const ts = T0 + (from + i) * M15;
    return book.judge('ETH', { ts, end: ts + M15, open: close, high, low, close }).map((o) => (o.kind === 'chop' ? `chop ${o.event.crosses}` : `${o.event.direction}${o.event.reclaim ? ' reclaim' : ''}`)).join(',');
  });
}

describe('LevelBook', () => {
  it('breaks on a close beyond the 0.3% floor when the asset is calm, and ignores a wick', () => {
    const book = new LevelBook(rules);
    book.add(level, 3050);
    expect(feed(book, [3040, 3030, [3020, 2950, 3030], 3005, 2970])).toEqual(['', '', '', '', 'down']);
  });

  it('widens the buffer with the asset\'s own volatility: a 0.5% close is noise when candles span 2%', () => {
    const book = new LevelBook(rules);
    book.add(level, 3100);
    const wild: [number, number, number][] = Array.from({ length: 14 }, (_, i) => [3100 + (i % 2) * 10, 3070, 3130]);
    feed(book, wild);
    // ATR ≈ 60, buffer 30 (1%): a close at 2985 (−0.5%) is not a break; 2960 (−1.3%) is.
    expect(book.buffer('ETH', 3000)).toBeGreaterThan(25);
    expect(feed(book, [[2985, 2980, 3000]], 14)).toEqual(['']);
    expect(feed(book, [[2960, 2955, 2990]], 15)).toEqual(['down']);
  });

  it('says a chopping level once it has chopped as long as a decisive close takes, stays quiet, and tells the decisive close', () => {
    const book = new LevelBook(rules);
    book.add(level, 3050);
    const chop = [2970, 2970, 3030, 3030];
    const said = feed(book, [3050, 2970, 2970, 3030, 3030, ...chop, ...chop, ...chop, ...chop, ...chop, 2850]);
    // The first break went 1% beyond a calm level (real): its reclaim is told. The third crossing (close 5) starts
    // the chop; it is said four hours (decisiveMs) later, with the crossings counted by then, once.
    expect(said.filter(Boolean)).toEqual(['down', 'up reclaim', 'chop 11', 'down']);
    expect(said.indexOf('chop 11')).toBe(5 + 16);
    // The decisive close is the last one (−5%), not any of the crossings before it.
    expect(said[said.length - 1]).toBe('down');
  });

  it('holds a chop notice falling due two closes before a decisive one: the break says the chop; if price turns back, the notice follows', () => {
    const twoHours: LevelRules = { ...rules, decisiveMs: 2 * 3_600_000 };
    // Told lost at close 1; crossings at 4, 5 and 6 chop it (from close 4: its notice due at close 12). From close
    // 6 price holds above the level: at close 12 that is 1h45m, one close short of decisive.
    const start = [3050, 2985, 2985, 2985, 3015, 2985, ...Array(7).fill(3015)];
    const held = new LevelBook(twoHours);
    held.add(level, 3050);
    expect(feed(held, [...start, 3015]).filter(Boolean)).toEqual(['down', 'up reclaim']);
    const turned = new LevelBook(twoHours);
    turned.add(level, 3050);
    const said = feed(turned, [...start, 2985]);
    expect(said.filter(Boolean)).toEqual(['down', 'chop 5']);
    expect(said.indexOf('chop 5')).toBe(13);
  });

  it('ends a chop on a close out of the range it chopped in once closes have stayed beyond the level 45 minutes', () => {
    const rangeRules: LevelRules = { ...rules, confirmMs: 45 * 60_000, decisiveFactor: 5, flipMs: 6 * 3_600_000 };
    const book = new LevelBook(rangeRules);
    book.add(level, 3050);
    // Hour-long swings either side: each holds the 45 minutes a break needs after the first, none the four hours.
    const chop = [2970, 2970, 2970, 2970, 3030, 3030, 3030, 3030];
    const said = feed(book, [3050, ...chop, ...chop, ...chop, 2970, 2970, 2970, 2970]);
    expect(said.filter(Boolean)).toEqual(['down', 'chop 6']);
    const chopping = book.track(level.id)!.chop!;
    expect(chopping.resolved).toBeUndefined();
    expect(chopping.low).toBe(2970);
    // /levels reads what the chop notice said, with price at the level as well as away from it (not "testing").
    expect(book.view('ETH', 2970).map((v) => v.state)).toEqual(['chopping']);
    expect(book.view('ETH', 3001).map((v) => v.state)).toEqual(['chopping']);
    // The chat last heard "down". Two closes above the level inside the chop's range, then one above the range (its
    // highest close, 3030, and a buffer) but not far (five buffers), four hours (decisiveMs) from the level being
    // accepted: closes beyond the level for 45 minutes and out of the range, the reclaim.
    const buffer = book.buffer('ETH', 3000);
    expect(3042).toBeGreaterThan(3030 + buffer);
    expect(3042).toBeLessThan(3000 + 5 * buffer);
    expect(feed(book, [3020, 3020, 3042, 3045, 3045], said.length)).toEqual(['', '', 'up reclaim', '', '']);
    // Inside the range, the same closes beyond the level end nothing before the four hours.
    const inside = new LevelBook(rangeRules);
    inside.add(level, 3050);
    feed(inside, [3050, ...chop, ...chop, ...chop, 2970, 2970, 2970, 2970]);
    expect(feed(inside, [3020, 3020, 3025, 3025, 3025], said.length)).toEqual(['', '', '', '', '']);
  });

  it('says the range it chops in: the closes since the chop began, and the level\'s buffer either side', () => {
    const book = new LevelBook(rules);
    book.add(level, 3050);
    const chop = [2970, 2975, 3030, 3025];
    const notices: [number, number][] = [];
    [3050, 2970, 2970, 3030, 3030, ...chop, ...chop, ...chop, ...chop, ...chop].forEach((close, i) => {
      const ts = T0 + i * M15;
      for (const o of book.judge('ETH', { ts, end: ts + M15, open: close, high: close + 2, low: close - 2, close })) if (o.kind === 'chop') notices.push(o.event.range);
    });
    // Closes between 2970 and 3030 around a calm $3,000 (buffer 0.3%, $9): the range is those closes, not the
    // $3,050 before the chop began.
    expect(notices).toEqual([[2970, 3030]]);
  });

  it('keeps a chop\'s range to its last day of closes: a flush through the level a day ago is not where it chops', () => {
    const book = new LevelBook(rules);
    book.add(level, 3050);
    // A flush to 2900 and back starts the chop, then a day and more of closes between 2985 and 3015 (inside the
    // buffer: no more crossings, no decisive close) keeps it going.
    const flush = [3050, 2900, 2900, 3030, 3030, 2970, 2970];
    const day = Array.from({ length: 100 }, (_, i) => (i % 2 ? 3015 : 2985));
    feed(book, [...flush, ...day]);
    const chop = book.track(level.id)!.chop!;
    expect(chop.crosses).toBeGreaterThanOrEqual(2);
    // The range is the last 24 h: 2985–3015 and the level's buffer either side (the buffer of the close it was
    // rolled on), not the flush's 2900.
    const buffer = book.buffer('ETH', 3000);
    expect(chop.low).toBeCloseTo(Math.min(2985, 3000 - buffer), 2);
    expect(chop.high).toBeCloseTo(Math.max(3015, 3000 + buffer), 2);
    // A wider window keeps the flush's low.
    const wide = new LevelBook({ ...rules, chopRangeMs: 72 * 3_600_000 });
    wide.add(level, 3050);
    feed(wide, [...flush, ...day]);
    expect(wide.track(level.id)!.chop!.low).toBe(2900);
    // After a restart the book holds no closes from before: the stored range only grows until a day of closes is in.
    const early = new LevelBook(rules);
    early.add(level, 3050);
    feed(early, [...flush, ...day.slice(0, 20)]);
    const saved = JSON.parse(JSON.stringify(early.track(level.id)));
    expect(saved.chop.low).toBe(2900);
    const after = new LevelBook(rules);
    after.add(level, 2985, saved);
    const more = Array.from({ length: 120 }, (_, i) => (i % 2 ? 2985 : 3015));
    feed(after, more.slice(0, 90), flush.length + 20);
    expect(after.track(level.id)!.chop!.low).toBe(2900);
    feed(after, more.slice(90), flush.length + 110);
    expect(after.track(level.id)!.chop!.low).toBeGreaterThan(2950);
  });

  it('a chop a decisive close ends sooner than its notice is due is told by that break alone', () => {
    const book = new LevelBook(rules);
    book.add(level, 3050);
    const said = feed(book, [3050, 2970, 2970, 3030, 3030, 2970, 2970, 3030, 3030, 2970, 2970, 3030, 2850]);
    expect(said.filter(Boolean)).toEqual(['down', 'up reclaim', 'down']);
    expect(said[12]).toBe('down');
    expect(book.view('ETH', 2850)[0]).toMatchObject({ baseState: 'broken', chop: { resolved: 'below' } });
  });

  it('a level set where price has been crossing it chops from its first cross: no fresh break and reclaim first', () => {
    const book = new LevelBook(rules);
    // Price crossed $3,000 four times (beyond the buffer) before anyone set the level.
    feed(book, [3050, 2970, 2970, 3030, 3030, 2970, 2970, 3030]);
    book.add(level, 3030);
    expect(book.track(level.id)).toMatchObject({ position: 'above', seen: 'above', crossings: [T0 + 2 * M15, T0 + 4 * M15, T0 + 6 * M15, T0 + 8 * M15] });
    expect(feed(book, [2970, 2970, 3030, 3030, 2970], 8)).toEqual(['', '', '', '', '']);
    // A level set where price has not been crossing it tells its first break at once.
    const fresh = new LevelBook(rules);
    feed(fresh, [3050, 3040, 3060, 3050]);
    fresh.add(level, 3050);
    expect(feed(fresh, [2970], 4)).toEqual(['down']);
  });

  it('keeps the chop across a restart: a restored track stays quiet', () => {
    const book = new LevelBook(rules);
    book.add(level, 3050);
    feed(book, [3050, 2970, 2970, 3030, 3030, 2970]);
    const saved = JSON.parse(JSON.stringify(book.track(level.id)));
    expect(saved.chop).toMatchObject({ crosses: 3 });
    const after = new LevelBook(rules);
    after.add(level, 2985, saved);
    // A fresh process has no volatility history yet (the floor buffer, 0.3%): closes 0.5% either side cross it.
    expect(feed(after, [2985, 3015, 3015, 2985], 6).filter(Boolean)).toEqual([]);
  });

  it('calls a breakout undone within a day failed; one that held longer made the level support, and losing it is a break', () => {
    const soon = new LevelBook(rules);
    soon.add(level, 2950);
    expect(feed(soon, [2950, 3040, ...Array(40).fill(3040), 2950]).filter(Boolean)).toEqual(['up', 'down reclaim']);
    expect(soon.track(level.id)).toMatchObject({ state: 'reclaimed' });
    const later = new LevelBook(rules);
    later.add(level, 2950);
    expect(feed(later, [2950, 3040, ...Array(100).fill(3040), 2950]).filter(Boolean)).toEqual(['up', 'down']);
    expect(later.track(level.id)).toMatchObject({ state: 'broken', lastBreak: { direction: 'down' } });
    // A level lost a day ago and won back is reclaimed, however long it was lost.
    expect(feed(later, [...Array(100).fill(2950), 3040], 102).filter(Boolean)).toEqual(['up reclaim']);
  });

  it('with flipBuffers, tells a move back that holds two hours clear of the level inside the flip window', () => {
    const flip: LevelRules = { ...rules, decisiveFactor: 5, decisiveMs: 2 * 3_600_000, flipMs: 6 * 3_600_000, confirmMs: 45 * 60_000 };
    // Lost at the second close; back above an hour later, 20 over the level (about two buffers), and held there.
    const closes = [3050, 2980, 2980, 2980, 2980, ...Array(12).fill(3020)];
    const off = new LevelBook({ ...flip, flipBuffers: 5 });
    off.add(level, 3050);
    const on = new LevelBook({ ...flip, flipBuffers: 1.5 });
    on.add(level, 3050);
    const saidOff = feed(off, closes);
    const saidOn = feed(on, closes);
    expect(20 / on.buffer('ETH', 3000)).toBeGreaterThan(1.5);
    // Off (the default): inside the chop's flip window only a far close or one out of its range is the reclaim.
    expect(saidOff.filter(Boolean)).toEqual(['down']);
    // On: two hours of closes above, the last 1.5 buffers clear of the level, are the reclaim, inside the window.
    expect(saidOn.filter(Boolean)).toEqual(['down', 'up reclaim']);
    expect(saidOn.indexOf('up reclaim')).toBe(5 + 7);
  });

  it('reads testing, not holding, when price is across the level before a close confirms it', () => {
    const book = new LevelBook(rules);
    book.add(level, 3100);
    feed(book, [3100]);
    expect(book.view('ETH', 3100)[0]).toMatchObject({ role: 'support', state: 'holding' });
    // 7.7% below, no close yet: the role follows price, the state waits for the close.
    expect(book.view('ETH', 2769)[0]).toMatchObject({ role: 'resistance', state: 'testing', baseState: 'holding' });
  });
});

describe('LevelBook: whipsaws a channel would mute', () => {
  const H = 3_600_000;
  // The shipped timing (6 h flip window, 45 min confirmation, decisive after 2 h); crossings never reach a chop here.
  const strict: LevelRules = { ...rules, chopCrosses: 10, flipMs: 6 * H, confirmMs: 45 * 60_000, decisiveMs: 2 * H };

  it('undoing a break that did not go far, within hours, waits for two hours beyond the level', () => {
    const book = new LevelBook(strict);
    book.add(level, 3050);
    // Down by 0.5% (first break: told on its close), then back 0.5% above: eight closes (2 h) before it is told.
    const said = feed(book, [3050, 2985, ...Array<number>(8).fill(3015)]);
    expect(said).toEqual(['', 'down', '', '', '', '', '', '', '', 'up reclaim']);
  });

  it('a close far beyond (three buffers) undoes it at once', () => {
    const book = new LevelBook(strict);
    book.add(level, 3050);
    expect(feed(book, [3050, 2985, 3030])).toEqual(['', 'down', 'up reclaim']);
  });

  it('after the first break, a break needs three closes beyond the level, or one far beyond', () => {
    const book = new LevelBook({ ...strict, flipMs: 0 });
    book.add(level, 3050);
    expect(feed(book, [3050, 2985, 3015, 3015, 3015, 2940])).toEqual(['', 'down', '', '', 'up reclaim', 'down']);
  });

  it('tells a level the close crossed on its way beyond a far break in the same close', () => {
    const book = new LevelBook(strict);
    book.add(level, 3050);
    book.add({ ...level, id: 'ETH@2972', level: 2972 }, 3050);
    feed(book, [3050]);
    // $2,968 is far beyond $3,000 (three buffers: $2,973) and inside $2,972's own buffer ($2,963): both in the one break.
    const events = book.onClose('ETH', { ts: T0 + M15, end: T0 + 2 * M15, open: 2990, high: 2992, low: 2960, close: 2968 });
    expect(events.map((e) => [e.level.id, e.direction])).toEqual([['ETH@3000', 'down'], ['ETH@2972', 'down']]);
  });

  it('does not tell a level a close merely crossed, inside its buffer, when the break that led it did not go far', () => {
    const book = new LevelBook(strict);
    book.add(level, 3050);
    book.add({ ...level, id: 'ETH@2992', level: 2992 }, 3050);
    feed(book, [3050]);
    // $2,985 is beyond $3,000's buffer ($2,991), not far, and inside $2,992's ($2,983): $2,992 is not broken yet.
    const events = book.onClose('ETH', { ts: T0 + M15, end: T0 + 2 * M15, open: 2990, high: 2992, low: 2983, close: 2985 });
    expect(events.map((e) => [e.level.id, e.direction])).toEqual([['ETH@3000', 'down']]);
    expect(book.track('ETH@2992')).toMatchObject({ state: 'holding', position: 'above' });
  });

  it('one price line, one message: a chopping zone that shares the broken level\'s edge, or a chopping level inside a broken zone, is told with it', () => {
    // Quiet unless the close is far (20 buffers) or has stayed beyond the level 45 minutes: neither close below is.
    const loose: LevelRules = { ...strict, decisiveFactor: 20 };
    const chopping = (id: string, side: 'above' | 'below') => ({
      id, position: side, seen: side, state: 'broken' as const, changedAt: T0 - 5 * H,
      lastBreak: { ts: T0 - 5 * H, direction: side === 'above' ? ('up' as const) : ('down' as const), price: 3030 },
      crossings: [T0 - 20 * H, T0 - 10 * H, T0 - 5 * H], chop: { since: T0 - 20 * H, crosses: 3, low: 2970, high: 3030 },
    });
    const close = (book: LevelBook, price: number) => book.onClose('ETH', { ts: T0, end: T0 + M15, open: price, high: price + 2, low: price - 2, close: price });
    // A prior low at $3,000 and the zone above it, [3000, 3080], which chops: the close that loses $3,000 loses the zone's floor.
    const edge = new LevelBook(loose);
    edge.add({ ...level, id: 'zone', level: [3000, 3080] }, 3050, chopping('zone', 'above'));
    edge.add(level, 3050);
    expect(close(edge, 2960).map((e) => [e.level.id, e.direction])).toEqual([['ETH@3000', 'down'], ['zone', 'down']]);
    expect(edge.track('zone')!.chop!.resolved).toBe('below');
    // A zone [2990, 3060] broken up for the first time, and $3,000 inside it, chopping, last told lost.
    const inside = new LevelBook(loose);
    inside.add(level, 2970, chopping('ETH@3000', 'below'));
    inside.add({ ...level, id: 'zone', level: [2990, 3060] }, 2970);
    // And a zone [2900, 3000] below it, chopping too: its top is $3,000's line, so it joins through $3,000.
    inside.add({ ...level, id: 'under', level: [2900, 3000] }, 2970, chopping('under', 'below'));
    expect(close(inside, 3100).map((e) => [e.level.id, e.direction, e.reclaim])).toEqual([['zone', 'up', false], ['ETH@3000', 'up', true], ['under', 'up', true]]);
    // Without the zone the same close leaves both to their chop: not far, not 45 minutes above them yet.
    const alone = new LevelBook(loose);
    alone.add(level, 2970, chopping('ETH@3000', 'below'));
    alone.add({ ...level, id: 'under', level: [2900, 3000] }, 2970, chopping('under', 'below'));
    expect(close(alone, 3100)).toEqual([]);
  });

  it('a zone set with price inside it tells the first close that leaves it', () => {
    const book = new LevelBook(strict);
    book.add({ ...level, id: 'ETH@2990-3010', level: [2990, 3010] }, 3000);
    expect(feed(book, [3000, 2980])).toEqual(['', 'down']);
  });
});
