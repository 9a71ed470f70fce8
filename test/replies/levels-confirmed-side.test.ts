/**
 * `/levels` reads the structure on the side each level's last confirmed close left it, not the side price is on now: a
 * level lost on a close and poked above by one 5m close in a spike is still resistance, never "the floor"; a level
 * broken up and dipped under is still the floor, tested; a level price keeps crossing is neither. The level rows say
 * where price is and what the closes told, never one role the other contradicts ("price back above · lost Apr 6 18:30,
 * no reclaim yet"), and the reading asks no "acceptance back above" of a price that is above.
 */
import { existsSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { buildConfig } from '../../config/load.js';
import { toEvent } from '../../src/core/events.js';
import { Market } from '../../src/core/market.js';
import type { LevelValue, LevelView, ToldState } from '../../src/core/levels.js';
import type { LevelReading } from '../../src/core/market-view.js';
import { structureReading } from '../../src/replies/levels.js';
import { lineText } from '../../src/replies/reply.js';
import { cli, writeEvents } from '../helpers.js';
import { levelView, NOW, type ViewOptions } from './level-view.js';

/** The data kit beside the repository (shared/data), where the audit's own files came from: tests on it run where it is. */
const kit = (name: string) => `../shared/data/${name}`;
const APR7 = ['levels_2025-04-07.jsonl', 'binance_2025-04-07_tariff_crash_5m.jsonl'];
const FEB3 = ['levels_2025-02-03.jsonl', 'binance_2025-01-27_2025-02-03_crashes_5m_with_liqs.jsonl'];
const AUG5 = ['levels_2024-08-05.jsonl', 'binance_2024-08-05_crash_5m.jsonl'];
const hasKit = [...APR7, ...FEB3, ...AUG5].every((f) => existsSync(kit(f)));
const lines = (path: string) => readFileSync(path, 'utf8').split('\n').filter((l) => l.trim() !== '');
/** The kit's files joined as the audit joined them: the levels first, then the candles. */
const joined = (files: string[], name: string) => writeEvents(files.flatMap((f) => lines(kit(f))), name);
/** The reply's reading: the lines after the level rows' block, up to the footer's. */
const readingOf = (out: string) => out.split('\n\n')[3]!.split('\n');

describe.skipIf(!hasKit)('on the audit\'s recordings: a lost level price pokes above on one 5m close stays resistance', () => {
  it('BTC at 14:20 on Apr 7 2025: $80,000, lost Apr 6 18:30, under one 5m close of $80,202.5 in a spike, is the hurdle, not the floor', async () => {
    // The 15m closes around it were $79,529.5 (14:15) and $78,117.5 (14:30); $80,000 was reclaimed at 02:00 on Apr 8.
    const r = await cli('levels', 'btc', '--data', joined(APR7, 'apr7.jsonl'), '--at', '2025-04-07T14:20:00Z');
    expect(r.code, r.err).toBe(0);
    expect(r.out.split('\n')[0]).toBe('BTC levels · $80,203');
    // The row says where price is and what the closes told (lost, no reclaim yet), as the reading counts it (the hurdle).
    expect(r.out).toContain('$80,000 BTC round-number support · price back above · lost Apr 6 18:30, no reclaim yet · −0.3%');
    expect(readingOf(r.out)).toEqual([
      'Price is back above $80,000 (lost Apr 6 18:30) with no reclaim yet: a close that reclaims it would improve structure.',
      'Reclaiming $81,172–82,390 would invalidate the breakdown; until then rebounds are reactive.',
      'Above it, next resistance $88,500 (+10%).',
      'No level below $80,000 on this list; the 24h low was $74,457 at 07:00. Admins can add a level with /level add btc LOW-HIGH.',
    ]);
    expect(r.out).not.toContain('keeps the floor');
  });

  it('SUI at 14:15, 14:20, 14:55 and 15:00 on Apr 7 2025: $2, lost Apr 6 18:30, is the hurdle each time price pokes above it', async () => {
    const file = joined(APR7, 'apr7.jsonl');
    for (const at of ['14:15', '14:20', '14:55', '15:00']) {
      const r = await cli('levels', 'sui', '--data', file, '--at', `2025-04-07T${at}:00Z`);
      expect(r.out, at).toMatch(/\n\$2 SUI round-number support · price back above · lost Apr 6 18:30, no reclaim yet · −\d\.\d%\n/);
      expect(readingOf(r.out), at).toContain('Price is back above $2 (lost Apr 6 18:30) with no reclaim yet: a close that reclaims it would improve structure.');
      expect(r.out, at).not.toContain('keeps the floor');
    }
  });

  it('ADA at 22:00 on Feb 3 2025, 30 minutes before its reclaim: $0.8000, lost Feb 2 22:45, is the hurdle', async () => {
    const r = await cli('levels', 'ada', '--data', joined(FEB3, 'feb3.jsonl'), '--at', '2025-02-03T22:00:00Z');
    expect(r.out).toContain('$0.8000 ADA round-number support · price back above · lost Feb 2 22:45, no reclaim yet · −0.2%');
    expect(readingOf(r.out)).toContain('Price is back above $0.8000 (lost Feb 2 22:45) with no reclaim yet: a close that reclaims it would improve structure.');
    expect(r.out).not.toContain('keeps the floor; a close below it would expose deeper downside');
  });

  it('SOL at 22:15 on Aug 4 2024: the zone $139.41–141.50, lost at 15:00 and chopping since, is neither floor nor ceiling; $139.41, reclaimed at 21:00, is the floor', async () => {
    const r = await cli('levels', 'sol', '--data', joined(AUG5, 'aug5.jsonl'), '--at', '2024-08-04T22:15:00Z');
    expect(r.out).toContain('$139.41–141.50 SOL demand zone above prior-week low · support · chopping (2 crosses since 15:00) · −0.4%');
    expect(readingOf(r.out)).toEqual([
      '$139.41–141.50 is chopping (2 crosses since 15:00): neither a floor nor a ceiling until a decisive close.',
      'Holding $139.41 keeps the floor; a close below it would expose $135.',
      'Next resistance $165.30 (+16%).',
    ]);
  });
});


/** A level as the book views it at `price` (test/replies/level-view.ts), its last break a day ago. */
const view = (level: LevelValue, price: number, told: ToldState, opts: ViewOptions = {}): LevelView => levelView(level, price, told, opts);

const reading = (price: number, levels: LevelView[], extra: Partial<LevelReading> = {}) =>
  structureReading({ asset: 'BTC', ts: NOW, price, priceTs: NOW, levels, ...extra }).map(lineText);

describe('the reading counts a level on its confirmed side', () => {
  it('long side: a support lost on a close, price above it on no confirmed close, is resistance to reclaim, not the floor', () => {
    const price = 100_300;
    const lines = reading(price, [view(110_000, price, 'holding'), view(101_000, price, 'broken', { direction: 'down' }), view(100_000, price, 'broken', { direction: 'down', across: true }), view(95_000, price, 'holding')]);
    expect(lines).toEqual([
      'Holding $95,000 keeps the floor; a close below it would expose deeper downside.',
      'Price is back above $100,000 (lost Oct 12 20:30) with no reclaim yet: a close that reclaims it would improve structure.',
      'Reclaiming $101,000 would invalidate the breakdown; until then rebounds are reactive.',
      'Above it, next resistance $110,000 (+9.7%).',
    ]);
  });

  it('long side, nothing confirmed below: the list ends at the lost level price is above, not at price', () => {
    const price = 100_300;
    const lines = reading(price, [view(100_000, price, 'broken', { direction: 'down', across: true })], { dayRange: { low: { price: 92_000, ts: NOW - 5 * 3_600_000 }, high: { price: 104_000, ts: NOW - 9 * 3_600_000 } } });
    expect(lines).toEqual([
      'Reclaiming $100,000 would invalidate the breakdown; until then rebounds are reactive.',
      'No level above $100,300 on this list; the 24h high was $104,000 at 11:30.',
      'No level below $100,000 on this list; the 24h low was $92,000 at 15:30. Admins can add a level with /level add btc LOW-HIGH.',
    ]);
  });

  it('short side: a resistance broken up, price under it on no confirmed close, is the floor being tested and what losing undoes the breakout', () => {
    const price = 99_700;
    const lines = reading(price, [view(110_000, price, 'holding'), view(100_000, price, 'broken', { direction: 'up', across: true }), view(95_000, price, 'holding')]);
    expect(lines).toEqual([
      'Price is testing the floor $100,000 from below; a close below it would expose $95,000.',
      'Resistance turned support at $100,000: losing it would undo the breakout.',
    ]);
    expect(lines.join('\n')).not.toContain('Next resistance $100,000');
  });

  it('short side, nothing confirmed above: the list ends at the broken-up level price is under, not at price', () => {
    const price = 99_700;
    const lines = reading(price, [view(100_000, price, 'broken', { direction: 'up', across: true })], { dayRange: { low: { price: 96_000, ts: NOW - 5 * 3_600_000 }, high: { price: 104_000, ts: NOW - 9 * 3_600_000 } } });
    expect(lines).toEqual([
      'Price is testing the floor $100,000 from below; a close below it would expose deeper downside.',
      'Resistance turned support at $100,000: losing it would undo the breakout.',
      'No level above $100,000 on this list; the 24h high was $104,000 at 11:30.',
      'No level below $99,700 on this list; the 24h low was $96,000 at 15:30. Admins can add a level with /level add btc LOW-HIGH.',
    ]);
  });

  it('a resistance price is above on no confirmed close is the next resistance, tested, not a negative distance away', () => {
    const price = 100_300;
    const lines = reading(price, [view(100_000, price, 'failed_breakout', { direction: 'down', across: true }), view(95_000, price, 'holding')]);
    expect(lines).toEqual(['Holding $95,000 keeps the floor; a close below it would expose deeper downside.', 'Next resistance $100,000 (testing from above).']);
  });

  it('chop: a level price keeps crossing is said chopping, neither the floor below price nor the resistance above it', () => {
    const below = reading(100_300, [view(110_000, 100_300, 'holding'), view(100_000, 100_300, 'broken', { direction: 'down', chop: 3 }), view(95_000, 100_300, 'holding')]);
    expect(below).toEqual([
      '$100,000 is chopping (3 crosses since 17:30): neither a floor nor a ceiling until a decisive close.',
      'Holding $95,000 keeps the floor; a close below it would expose deeper downside.',
      'Next resistance $110,000 (+9.7%).',
    ]);
    const above = reading(99_700, [view(110_000, 99_700, 'holding'), view(100_000, 99_700, 'broken', { direction: 'up', chop: 2 }), view(95_000, 99_700, 'holding')]);
    expect(above).toEqual([
      '$100,000 is chopping (2 crosses since 17:30): neither a floor nor a ceiling until a decisive close.',
      'Holding $95,000 keeps the floor; a close below it would expose deeper downside.',
      'Next resistance $110,000 (+10%).',
    ]);
  });
});

describe('a zone set around price, no close out of it yet', () => {
  it('counts where price is (no side was ever told): the floor price sits on, not resistance "testing from above"', () => {
    const m = new Market(buildConfig({}));
    const T = Date.parse('2026-03-02T12:00:00Z');
    const ev = (o: object) => {
      const r = toEvent(o);
      if (!r.ok) throw new Error(r.reason);
      return r.event;
    };
    m.ingest(ev({ type: 'price', ts: T, exchange: 'bybit', symbol: 'ETH/USDT:USDT', price: 2440 }));
    m.ingest(ev({ type: 'level', ts: T + 1000, asset: 'ETH', low: 2425, high: 2450 }));
    m.ingest(ev({ type: 'price', ts: T + 60_000, exchange: 'bybit', symbol: 'ETH/USDT:USDT', price: 2462 }));
    const reading = structureReading(m.levelStatus('ETH')).map(lineText);
    // Counted as the floor price sits on, but not said to hold it: no 15m close has put price on a side of it yet.
    expect(reading.join('\n')).toContain('Price is above $2,425–2,450 with no 15m close beyond it yet; a close below it would expose deeper downside.');
    expect(reading.join('\n')).not.toContain('resistance $2,425–2,450');
  });
});
