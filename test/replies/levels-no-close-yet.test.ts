/**
 * Issue 15 item 4, "say what is known, never more": a level no 15m close has put on a side (set before any close: a file
 * of liquidation prints alone, which has no candles; a live start before the first close) reads where price is now and
 * that no close says more ("price below · no 15m close beyond it yet", "testing" at it or through it), never "holding"
 * nor the role of a side it never confirmed ("resistance · holding" after price crossed it, "resistance · testing from
 * above" with price above it). Once a close puts it on a side, or a break is told, its row reads as before. The view
 * only: when alerts fire is unchanged (a break on the first close across the side it was set on is still told).
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { runCommandLine } from '../../commands/index.js';
import { buildConfig } from '../../config/load.js';
import { toEvent } from '../../src/core/events.js';
import { Market } from '../../src/core/market.js';
import { structureReading } from '../../src/replies/levels.js';
import { lineText, replyText } from '../../src/replies/reply.js';
import { createServices } from '../../src/service.js';
import { createMemoryStore } from '../../src/store/memory.js';
import { cli, writeEvents } from '../helpers.js';

/** A fixture's lines with `levels` put in at their times (the meta line stays first). */
function withLevels(fixture: string, levels: { ts: number }[], name: string): string {
  const [meta, ...rest] = readFileSync(fixture, 'utf8').split('\n').filter((l) => l.trim() !== '');
  const events = [...rest.map((l) => ({ ts: (JSON.parse(l) as { ts: number }).ts, line: l as string | object })), ...levels.map((l) => ({ ts: l.ts, line: l }))];
  events.sort((a, b) => a.ts - b.ts);
  return writeEvents([meta!, ...events.map((e) => e.line)], name);
}

/** The level rows of a `liqbot levels` answer: its third paragraph. */
const rowsOf = (out: string) => out.split('\n\n')[2]!.split('\n');
/** Its reading: the paragraph after the rows. */
const readingOf = (out: string) => out.split('\n\n')[3]!.split('\n');

describe('a file of liquidation prints alone (Binance, Jun 23 2025): no 15m close ever', () => {
  // BTC's prints: $104,083 at 20:59:42, $104,592 at 21:17:15, $103,169.8 at 21:53:05. $104,000 is set before the first
  // print (no price: no side); $104,300 after it (set below the print's price: a print's side, not a close's).
  const fixture = 'fixtures/binance-2025-06-23-forceorder.real.jsonl';
  const first = Date.parse('2025-06-23T20:59:38.119Z');
  const file = withLevels(fixture, [
    { type: 'level', ts: first - 1, asset: 'BTC', price: 104000, label: 'set before any print' } as { ts: number },
    { type: 'level', ts: Date.parse('2025-06-23T21:00:08Z'), asset: 'BTC', price: 104300, label: 'set after a print' } as { ts: number },
  ], 'btc-2025-06-23-levels.jsonl');

  it('21:54, price $103,170 under both: where price is, no "resistance · holding"', async () => {
    const r = await cli('levels', 'btc', '--data', file, '--at', '2025-06-23T21:54:00Z');
    expect(r.code, r.err).toBe(0);
    expect(r.out.split('\n')[0]).toBe('BTC levels · $103,170');
    expect(rowsOf(r.out)).toEqual([
      '$104,300 set after a print · price below · no 15m close beyond it yet · +1.1%',
      '$104,000 set before any print · price below · no 15m close beyond it yet · +0.8%',
    ]);
    expect(r.out).not.toMatch(/holding|keeps the floor/);
  });

  it('21:18, price $104,592 over both: $104,300 is tested from the side price is on, not "resistance · testing from above"', async () => {
    const r = await cli('levels', 'btc', '--data', file, '--at', '2025-06-23T21:18:00Z');
    expect(rowsOf(r.out)).toEqual([
      '$104,300 set after a print · price above · testing, no 15m close beyond it yet · −0.3%',
      '$104,000 set before any print · price above · testing, no 15m close beyond it yet · −0.6%',
    ]);
    expect(readingOf(r.out)).toEqual(['Price is above $104,300 with no 15m close beyond it yet; a close below it would expose deeper downside.']);
    expect(r.out).not.toMatch(/resistance|testing from|Holding/);
  });

  it('says the same in --json as before: the view only (role from price, no break)', async () => {
    const r = await cli('levels', 'btc', '--data', file, '--at', '2025-06-23T21:54:00Z', '--json');
    const j = JSON.parse(r.out) as { levels: { level: number; role: string; lastBreak?: unknown }[] };
    expect(j.levels.map((l) => [l.level, l.role, l.lastBreak])).toEqual([[104300, 'resistance', undefined], [104000, 'resistance', undefined]]);
  });
});

describe('a file of 5m candles (Binance, Jan 27 2025): a level set before the first close', () => {
  // BTC's 15m closes: $98,983.3 at 12:15 (inside $98,900's $297 buffer), then above it by more once the rally runs.
  const file = withLevels('fixtures/binance-2025-01-27-forceorder.real.jsonl', [
    { type: 'level', ts: Date.parse('2025-01-27T12:00:00Z'), asset: 'BTC', price: 98900, label: 'set at noon' } as { ts: number },
  ], 'btc-2025-01-27-level.jsonl');

  it('12:07, before any close, and 12:20, one close inside its buffer: no side yet', async () => {
    const r = await cli('levels', 'btc', '--data', file, '--at', '2025-01-27T12:07:00Z');
    expect(rowsOf(r.out)).toEqual(['$98,900 set at noon · price below · testing, no 15m close beyond it yet · +0.1%']);
    const s = await cli('levels', 'btc', '--data', file, '--at', '2025-01-27T12:20:00Z');
    expect(rowsOf(s.out)).toEqual(['$98,900 set at noon · price above · testing, no 15m close beyond it yet · −0.1%']);
    expect(readingOf(s.out)[0]).toBe('Price is above $98,900 with no 15m close beyond it yet; a close below it would expose deeper downside.');
  });

  it('13:00, after a close above it by its buffer: the wording of a level on a confirmed side', async () => {
    const r = await cli('levels', 'btc', '--data', file, '--at', '2025-01-27T13:00:00Z');
    expect(rowsOf(r.out)).toEqual(['$98,900 set at noon · support · holding · −1.7%']);
    expect(readingOf(r.out)[0]).toBe('Holding $98,900 keeps the floor; a close below it would expose deeper downside.');
  });
});

describe('live, before the first 15m close: /levels as a chat or the terminal asks it', () => {
  const T = Date.parse('2026-03-02T12:00:00Z');
  const ev = (o: object) => {
    const r = toEvent(o);
    if (!r.ok) throw new Error(r.reason);
    return r.event;
  };
  const tick = (ts: number, price: number) => ev({ type: 'price', ts, exchange: 'bybit', symbol: 'ETH/USDT:USDT', price });
  const setUp = () => {
    const config = buildConfig({});
    const market = new Market(config);
    const services = createServices({ config, market, store: createMemoryStore(), now: () => market.clock });
    const ask = async () => replyText(await runCommandLine('/levels eth', { chat: { key: 'terminal:local', platform: 'terminal', kind: 'terminal' }, user: { id: 'local' }, isAdmin: true, now: services.now(), services }));
    const row = async (name: string) => (await ask()).split('\n').find((l) => l.startsWith(name));
    return { market, ask, row };
  };

  it('a level set before any price: where price is as it crosses, then its side once a close puts it there', async () => {
    const { market, row } = setUp();
    market.ingest(ev({ type: 'level', ts: T, asset: 'ETH', price: 2400, label: 'pivot' }));
    market.ingest(tick(T + 60_000, 2440));
    expect(await row('$2,400')).toBe('$2,400 pivot · price above · no 15m close beyond it yet · −1.6%');
    market.ingest(tick(T + 5 * 60_000, 2380));
    // Crossed, with no close either side: not "support · holding", nor "resistance · holding".
    expect(await row('$2,400')).toBe('$2,400 pivot · price below · no 15m close beyond it yet · +0.8%');
    // The 12:00 candle closes at $2,380, below by more than its buffer: the side it was first put on, told nowhere.
    expect(market.ingest(tick(T + 16 * 60_000, 2375))).toEqual([]);
    expect(await row('$2,400')).toBe('$2,400 pivot · resistance · holding · +1.1%');
  });

  it('a level set on a tick, crossed before any close: testing from where price is; the close across it is still told', async () => {
    const { market, ask, row } = setUp();
    market.ingest(tick(T + 30_000, 2430));
    market.ingest(ev({ type: 'level', ts: T + 60_000, asset: 'ETH', price: 2400 }));
    market.ingest(tick(T + 5 * 60_000, 2390));
    // Before: "$2,400 · support · testing from below" (the tick's side as a role price contradicts).
    expect(await row('$2,400')).toBe('$2,400 · price below · testing, no 15m close beyond it yet · +0.4%');
    expect(await ask()).not.toContain('support');
    const reading = structureReading(market.levelStatus('ETH')).map(lineText);
    expect(reading.join('\n')).not.toMatch(/testing the floor|Holding/);
    // The 12:00 candle closes at $2,380: the break of the side it was set on, told as before this view changed.
    market.ingest(tick(T + 10 * 60_000, 2380));
    const alerts = market.ingest(tick(T + 16 * 60_000, 2378));
    expect(alerts.map((a) => a.kind)).toEqual(['level_break']);
    expect(alerts[0]!.ts).toBeGreaterThanOrEqual(T + 15 * 60_000); // told as the 12:15 close's grace passes
    expect(alerts[0]!.ts).toBeLessThan(T + 16 * 60_000);
    expect(await row('$2,400')).toBe('$2,400 · resistance (was support) · lost 12:15 · +0.9%');
  });
});
