/**
 * The digest tells a watched level's week as its alerts did: the breaks the level engine told, with their words
 * (lost, reclaimed, broke up, failed breakout), their times and closes, never re-read from hourly candles; what a
 * level is at the end of the week is what its last alert said (and /levels says). `/level digest` reads the same
 * calendar week as the weekly post (Monday 00:00 in the community's zone, so far), on bars of the clock.
 * Hand-made weeks of the Feb 3–9 2025 story (BTC $97,680 lost on Feb 2, reclaimed Feb 3 17:15 at $98,463), then the
 * real week itself, whose alerts the digest must repeat.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { buildConfig, loadConfig } from '../../config/load.js';
import { chatDigest, postedDigest } from '../../src/alerts/digest.js';
import type { Alert, LevelBreak } from '../../src/core/alerts.js';
import type { ToldBreak } from '../../src/core/digest.js';
import { Market } from '../../src/core/market.js';
import { levelKey, type LevelTrack } from '../../src/core/levels.js';
import { runFile } from '../../src/offline.js';
import { digestReply } from '../../src/replies/digest.js';
import { replyText } from '../../src/replies/reply.js';
import { setTimeZone } from '../../src/replies/zone.js';
import type { Store } from '../../src/store/store.js';

const MIN = 60_000;
const H = 60 * MIN;
const at = (iso: string) => Date.parse(iso);
const store = { listProposals: () => [] } as unknown as Store;
const MON = at('2025-02-03T00:00:00Z');
const NEXT_MON = at('2025-02-10T00:00:00Z');

/**
 * BTC $97,680, set on Feb 2, priced every five minutes by `price`: lost Feb 2 16:45 (told before the week), then the
 * breaks `told` in the week, as the level engine keeps them with the level's state (restored after the prices, so
 * the engine judges no candle of them itself: the breaks are these alone).
 */
function week(price: (ts: number) => number, told: ToldBreak[], until = NEXT_MON): Market {
  const m = new Market(buildConfig({}));
  const lost: ToldBreak = { ts: at('2025-02-02T16:45:00Z'), direction: 'down', reclaim: false, price: 97_203 };
  const all = [lost, ...told];
  const last = all[all.length - 1]!;
  const track = {
    id: 'BTC@97680', state: last.reclaim ? 'reclaimed' : 'broken', changedAt: last.ts, position: last.direction === 'down' ? 'below' : 'above',
    lastBreak: { ts: last.ts, direction: last.direction, price: last.price }, told: all,
  } as LevelTrack;
  for (let ts = at('2025-02-02T00:00:00Z'); ts < until; ts += 5 * MIN) m.ingest({ type: 'price', ts, exchange: 'binance', symbol: 'BTC/USDT:USDT', price: price(ts) });
  m.addLevel({ id: 'BTC@97680', asset: 'BTC', level: 97_680, label: 'prior-week low', source: 'config', createdAt: at('2025-02-02T00:00:00Z') }, track);
  return m;
}

/** Below the level until Feb 3 17:00, above it after; hourly closes cross it at 15:55-ish moments the alerts never told. */
const reclaimedTuesday = (ts: number) => (ts < at('2025-02-03T17:00:00Z') ? 96_000 : 99_500);
const reclaim: ToldBreak = { ts: at('2025-02-03T17:15:00Z'), direction: 'up', reclaim: true, price: 98_463 };

describe('a watched level’s week is its alerts’', () => {
  afterEach(() => setTimeZone('UTC'));

  it('a support lost before the week and won back in it is reclaimed, at the alert’s time and close, not "broke up"', () => {
    const d = postedDigest(week(reclaimedTuesday, [reclaim]), store, 'telegram:1', NEXT_MON, 0.5);
    const text = replyText(digestReply(d, { synthetic: false }));
    expect(text).toContain('1 reclaimed');
    expect(text).toMatch(/^BTC \$97,680 prior-week low reclaimed Feb 3 17:15 at \$98,463, then 1% further within a day$/m);
    expect(text).not.toMatch(/broke up|back below/);
    expect(text).toContain('Breaks as the level alerts told them');
  });

  it('tells every break of the week in order, and ends where the last alert (and /levels) left the level', () => {
    const lostAgain: ToldBreak = { ts: at('2025-02-04T09:30:00Z'), direction: 'down', reclaim: false, price: 96_900 };
    const back: ToldBreak = { ts: at('2025-02-06T08:30:00Z'), direction: 'up', reclaim: true, price: 98_100 };
    const m = week((ts) => (ts < at('2025-02-03T17:00:00Z') || (ts >= at('2025-02-04T09:15:00Z') && ts < at('2025-02-06T08:15:00Z')) ? 96_000 : 99_500), [reclaim, lostAgain, back]);
    const d = postedDigest(m, store, 'telegram:1', NEXT_MON, 0.5);
    expect(d.levels[0]!.breaks!.map((e) => [e.kind, e.direction, e.ts, e.price])).toEqual([
      ['reclaim', 'up', reclaim.ts, 98_463], ['break', 'down', lostAgain.ts, 96_900], ['reclaim', 'up', back.ts, 98_100],
    ]);
    const text = replyText(digestReply(d, { synthetic: false }));
    expect(text).toMatch(/reclaimed Feb 3 17:15 at \$98,463.* · then lost Feb 4 09:30 at \$96,900 · then reclaimed Feb 6 08:30 at \$98,100$/m);
    expect(text).toContain('\n1 reclaimed\n');
    expect(m.levelStatus('BTC').levels[0]!.baseState).toBe('reclaimed');
  });

  it('a level the hourly closes crossed but no alert told is not called broken', () => {
    // Chops around the level on the hour all week; the alert rules told nothing (inside its buffer, or chopping).
    const chop = (ts: number) => (Math.floor(ts / (45 * MIN)) % 2 ? 97_600 : 97_760);
    const text = replyText(digestReply(postedDigest(week(chop, []), store, 'telegram:1', NEXT_MON, 0.5), { synthetic: false }));
    expect(text).toMatch(/^BTC \$97,680 prior-week low closed across \d+ times on the hour, no break told \(lost Feb 2 16:45\)$/m);
    expect(text).not.toMatch(/broke up|reclaimed Feb|lost Feb 3/);
  });

  it('`/level digest` mid-week reads the week so far, from Monday 00:00 in the zone, on bars of the clock', () => {
    setTimeZone('Asia/Seoul');
    const now = at('2025-02-05T05:20:00Z'); // Wednesday 14:20 in Seoul
    const m = week(reclaimedTuesday, [reclaim], now + MIN);
    const d = chatDigest(m, store, 'telegram:1', now, 0.5, 'BTC');
    expect(d.from).toBe(at('2025-02-02T15:00:00Z')); // Monday Feb 3 00:00 in Seoul
    expect(d.soFar).toBe(true);
    expect(d.dataFrom! % H).toBe(0);
    const text = replyText(digestReply(d, { synthetic: false }));
    expect(text).toContain('Weekly levels digest · Feb 3 – Feb 5, the week so far');
    // Feb 2 16:45 UTC is Monday 01:45 in Seoul: this week's, then the reclaim at 17:15 UTC, Seoul's 02:15 on Tuesday.
    expect(text).toMatch(/^BTC \$97,680 prior-week low lost Feb 3 01:45 at \$97,203, .* · then reclaimed Feb 4 02:15 at \$98,463$/m);
    expect(text).toContain('read on hourly closes, Feb 3 00:00 – Feb 5 14:20 GMT+9');
  });
});

// The real week: Binance BTC/ETH/ADA 15m candles Jan 31 – Feb 9 2025 and the kit's levels, set Feb 2 00:00.
const FEB = 'fixtures/binance-2025-02-levels-15m.real.jsonl';
const config = loadConfig();
const run = await runFile(FEB, config);
const alerts: Alert[] = run.alerts;

describe('the real week of Feb 3–9 2025', () => {
  it('the posted digest’s breaks are the level alerts raised in the week, level by level, with their times and closes', () => {
    const d = postedDigest(run.market, store, 'telegram:1', NEXT_MON, config.levels.testingPct);
    const told = new Map<string, [string, number, number][]>();
    for (const a of alerts) {
      if (a.kind !== 'level_break' || a.ts < MON || a.ts >= NEXT_MON) continue;
      const b = a as LevelBreak;
      const word = (reclaim: boolean) => (reclaim ? (b.direction === 'up' ? 'reclaimed' : 'failed breakout') : b.direction === 'up' ? 'broke up' : 'lost');
      for (const l of [{ level: b.level, reclaim: b.reclaim, kept: b.fromChop?.kept }, ...(b.also ?? [])]) {
        if (l.kept) continue; // a chop's end on the side already told is not a break: the digest tells breaks
        const key = levelKey(b.asset, l.level);
        told.set(key, [...(told.get(key) ?? []), [word(l.reclaim), b.ts, b.price]]);
      }
    }
    expect(told.size).toBeGreaterThan(3);
    for (const l of d.levels) {
      const mine = (l.breaks ?? []).map((e): [string, number, number] => [e.kind === 'reclaim' ? (e.direction === 'up' ? 'reclaimed' : 'failed breakout') : e.direction === 'up' ? 'broke up' : 'lost', e.ts, e.price]);
      expect([levelKey(l.asset, l.level), mine]).toEqual([levelKey(l.asset, l.level), told.get(levelKey(l.asset, l.level)) ?? []]);
    }
    const text = replyText(digestReply(d, { synthetic: false }));
    expect(text).toMatch(/^BTC \$97,680 prior-week low \(2025-01-27 07:25 UTC\) reclaimed Feb 3 17:15 at \$98,463/m);
    expect(text).not.toMatch(/back below|broke up Feb 3 16:00/);
  });

  it('each watched level ends the week where its last alert left it, as /levels says', () => {
    const d = postedDigest(run.market, store, 'telegram:1', NEXT_MON, config.levels.testingPct);
    for (const l of d.levels) {
      const track = run.market.levels.track(levelKey(l.asset, l.level))!;
      const last = l.breaks?.at(-1);
      if (!track.lastBreak || track.lastBreak.ts < MON) {
        expect(last).toBeUndefined();
        continue;
      }
      expect([last?.ts, last?.direction, last?.price, last?.kind === 'reclaim']).toEqual([track.lastBreak.ts, track.lastBreak.direction, track.lastBreak.price, track.state === 'reclaimed']);
    }
  });
});
