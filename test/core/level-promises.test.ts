/**
 * What level messages promise, kept: a chop notice's "no more alerts until …" ends with a message either way, a notice
 * is not said while the break it would call decisive is only waiting out a flip window, and a level set where price was
 * already crossing it counts only its own crossings. Synthetic 15m closes on the default rules (level-rules.ts).
 */
import { describe, expect, it } from 'vitest';
import { LevelBook, type Level } from '../../src/core/levels.js';
import type { Alert } from '../../src/core/alerts.js';
import { alertJson } from '../../src/io/json.js';
import { feed as feedCloses, level, M15, rules, T0 } from './level-rules.js';

/** A book with ETH $3,000 set with price at $3,050. */
function book3050(): LevelBook {
  const book = new LevelBook(rules);
  book.add(level, 3050);
  return book;
}

const feed = (book: LevelBook, closes: number[], from: number): string[] =>
  feedCloses(book, closes, from, (o) => `${o.event.direction}${o.event.reclaim ? ' reclaim' : ''}${o.event.fromChop ? `${o.event.fromChop.kept ? ' kept' : ''} by ${o.event.fromChop.by}` : ''}`);

/**
 * ETH $3,000 set with price at $3,050, lost at close 1 ($2,980, not far), back above for 45 minutes from close 4: the
 * second crossing, inside the 6 h after the break, chops it at close 6 (its range $2,979–3,025), the notice due 2 h later.
 */
const START = [3050, 2980, 2980, 2980, 3025, 3025, 3025];
/** Closes either side of the level inside its buffer: no crossing, no acceptance. */
const HOVER = [2990, 3010, 2990, 3010, 2990, 3010, 2990, 3010, 2990, 3010];

describe('a chop notice says how it ends, and it ends that way', () => {
  it('tells a close out of the range on the side the chat last heard of as the end of the chop it said, the level still lost', () => {
    const book = book3050();
    const said = feed(book, [...START, ...HOVER], 0);
    expect(said.filter(Boolean)).toEqual(['down', 'chop']);
    const lost = book.track(level.id)!.lastBreak;
    // Three hours back under the level inside the range ($2,988 against a low of $2,980): the chop the chat was told of,
    // still. /levels reads chopping, not "lost" again with nothing said.
    const under = feed(book, Array(11).fill(2988), said.length);
    expect(under).toEqual(Array(11).fill(''));
    expect(book.track(level.id)!.chop!.resolved).toBe('below');
    expect(book.view('ETH', 2988)[0]!.state).toBe('chopping');
    // A close under the range (its low and a buffer): the chop's end, said. Nothing else changes: still lost, since close 1.
    const out = feed(book, [2950, 2940, 2930], said.length + under.length);
    expect(out).toEqual(['down kept by range', '', '']);
    expect(book.track(level.id)).toMatchObject({ state: 'broken', position: 'below', lastBreak: lost });
    expect(book.view('ETH', 2930)[0]!.state).toBe('broken');
    // A chop that ends that way before its notice was said promised nothing: back under the level from close 7, under
    // the range at close 10, an hour before the notice was due, says nothing.
    const unsaid = book3050();
    expect(feed(unsaid, [...START, 2988, 2988, 2988, 2950, 2940, ...Array(8).fill(2930)], 0).filter(Boolean)).toEqual(['down']);
  });

  it('does not tell a close far beyond a level set into a chop, inside the range it chopped in', () => {
    // The 0.3% floor alone as the buffer ($9): price swung $2,900–3,100 across $3,000 before the level was set.
    const book = new LevelBook({ ...rules, atrMultiple: 0 });
    feedCloses(book, [...Array(4).fill(2990), ...Array(8).fill(3100), ...Array(8).fill(2900), ...Array(4).fill(2990)], 0, () => '');
    book.add({ ...level, createdAt: T0 + 24 * M15 }, 2990);
    // First cross up, not far: it chops. Back down to $2,950, five buffers under it but inside the range ($2,891–3,100):
    // not the range left, so not told (it settles the chop, as two hours there would).
    const said = feed(book, [3030, 3030, 3030, 2950, 2950, 2950], 24);
    expect(said).toEqual(['', '', '', '', '', '']);
    expect(book.track(level.id)!.chop).toMatchObject({ low: 2900, resolved: 'below' });
  });
});

describe('a chop notice is not said while its break only waits out the flip window', () => {
  // From close 7 price holds above the level inside the range, not far: by the notice's due time (close 14) the closes
  // above it have lasted 2 h 45 min, which would be decisive but for the 6 h after the break (to close 25).
  const above = Array(19).fill(3015);

  it('tells the reclaim when the window ends, with no notice before it', () => {
    const book = book3050();
    const said = feed(book, [...START, ...above], 0);
    expect(said.filter(Boolean)).toEqual(['down', 'up reclaim by held']);
    expect(said.indexOf('up reclaim by held')).toBe(25);
  });

  it('says the notice once price turns back instead', () => {
    const book = book3050();
    const said = feed(book, [...START, ...above.slice(0, 13), 2990], 0);
    expect(said.filter(Boolean)).toEqual(['down', 'chop']);
    expect(said.indexOf('chop')).toBe(20);
  });
});

describe('a level set where price was already crossing it', () => {
  it('counts the crossings since it was set, and says so, not those of the price before it', () => {
    const book = new LevelBook(rules);
    // Two crossings of $3,000 before the level is set at close 24.
    feedCloses(book, [...Array(8).fill(2975), ...Array(8).fill(3025), ...Array(8).fill(2975)], 0, () => '');
    const set: Level = { ...level, createdAt: T0 + 24 * M15 };
    book.add(set, 2975);
    const ends: unknown[] = [];
    [...Array(5).fill(3025), 2985, 2985, 2985, 2960].forEach((close, i) => {
      const ts = T0 + (24 + i) * M15;
      for (const o of book.judge('ETH', { ts, end: ts + M15, open: close, high: close + 1, low: close - 1, close })) if (o.kind === 'break') ends.push(o.event.fromChop);
    });
    // Two crossings since it was set (the first cross up, and back under the buffer at $2,985), counted from then: not
    // four since the first crossing of the price.
    expect(ends).toEqual([{ crosses: 2, since: set.createdAt, setInChop: true, by: 'range', range: expect.any(Array), buffer: 9, heldMs: 3_600_000 }]);
    expect(book.view('ETH', 2960)[0]!.chop).toMatchObject({ crosses: 2, since: set.createdAt, setInChop: true });
  });
});

describe('a chop notice is kept on a slow grind', () => {
  it('tells the end of a said chop when price grinds out of the range the notice named, a little under a buffer a close', () => {
    const book = book3050();
    const said = feed(book, [...START, ...HOVER], 0);
    expect(said.filter(Boolean)).toEqual(['down', 'chop']);
    const told = book.track(level.id)!.chop!.told!;
    // $5 a close, under the buffer ($20.7): each close is the rolling range's new low, never a buffer out of it.
    const grind = Array.from({ length: 60 }, (_, i) => 2985 - 5 * i);
    const out = feed(book, grind, said.length);
    const at = out.findIndex(Boolean);
    // Told once, on the first close a buffer (about $21, as the grind moves it) under the range the chat was told: not
    // at the range's low, nor 10% under it.
    expect(out.filter(Boolean)).toEqual(['down kept by range']);
    expect(told[0] - grind[at]!).toBeGreaterThan(15);
    expect(told[0] - grind[at]!).toBeLessThan(30);
    // /levels says the level is lost, not chopping 10% under it.
    expect(book.view('ETH', grind.at(-1)!)[0]!.state).toBe('broken');
  });

  it('names the range the chat was told in the end it tells', () => {
    const book = book3050();
    const said = feed(book, [...START, ...HOVER], 0);
    const told = book.track(level.id)!.chop!.told!;
    const ends: unknown[] = [];
    Array.from({ length: 40 }, (_, i) => 2985 - 5 * i).forEach((close, i) => {
      const ts = T0 + (said.length + i) * M15;
      for (const o of book.judge('ETH', { ts, end: ts + M15, open: close, high: close + 1, low: close - 1, close })) if (o.kind === 'break') ends.push(o.event.fromChop);
    });
    expect(ends).toEqual([expect.objectContaining({ kept: true, by: 'range', range: told })]);
  });
});

describe('a configured level restored after a restart or takeover', () => {
  const config = (at: number): Level => ({ ...level, source: 'config', createdAt: at });
  const closes = [...START, ...HOVER];

  it('keeps the chop count it had: the restart is not when it was set', () => {
    const book = new LevelBook(rules);
    book.add(config(T0), 3050);
    expect(feed(book, closes, 0).filter(Boolean)).toEqual(['down', 'chop']);
    const before = book.view('ETH', 3010)[0]!.chop!;
    // Restarted an hour later: rebuilt from the config with the restart's time, its track restored.
    const restarted = new LevelBook(rules);
    restarted.add(config(T0 + 21 * M15), undefined, JSON.parse(JSON.stringify(book.track(level.id))));
    const after = restarted.view('ETH', 3010)[0]!.chop!;
    expect(after.setInChop).toBeUndefined();
    expect({ crosses: after.crosses, since: after.since }).toEqual({ crosses: before.crosses, since: before.since });
  });

  it('says the chops and ends a book that never restarted says', () => {
    const a = new LevelBook(rules);
    a.add(config(T0), 3050);
    feed(a, [3050, 2980, 2980, 2980], 0);
    const saved = JSON.stringify(a.track(level.id));
    const restarted = new LevelBook(rules);
    restarted.add(config(T0 + 4 * M15), undefined, JSON.parse(saved));
    const never = new LevelBook(rules);
    never.add(config(T0), undefined, JSON.parse(saved));
    const rest = [3025, 3025, 3025, ...HOVER, 2950, 2940, 2930];
    const events = (book: LevelBook) =>
      rest.flatMap((close, i) => {
        const ts = T0 + (4 + i) * M15;
        return book.judge('ETH', { ts, end: ts + M15, open: close, high: close + 1, low: close - 1, close }).map((o) => (o.kind === 'chop' ? { ...o.event, level: undefined } : { ...o.event.fromChop }));
      });
    const told = events(restarted);
    expect(told).toHaveLength(2);
    expect(told).toEqual(events(never));
    expect(told.some((e) => 'setInChop' in e)).toBe(false);
    expect(restarted.view('ETH', 2930)[0]!.chop).toEqual(never.view('ETH', 2930)[0]!.chop);
  });
});

it("gives JSON readers a chop notice's setInChop: its since is when the level was set", () => {
  const base: Extract<Alert, { kind: 'level_chop' }> = { kind: 'level_chop', ts: T0, asset: 'ETH', key: 'k', levelId: level.id, level: 3000, crosses: 2, since: T0 - M15, range: [2979, 3025], price: 3010, timeframe: '15m' };
  expect(alertJson({ ...base, setInChop: true })).toMatchObject({ since: T0 - M15, setInChop: true });
  expect(alertJson(base)).not.toHaveProperty('setInChop');
});
