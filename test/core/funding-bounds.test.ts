/**
 * A funding rate beyond any venue's cap (venues clamp funding to a few percent an interval) or an interval beyond a
 * week is a glitch or a hostile feed: live, it is dropped and counted as `absurd_size`, as oversized open interest is;
 * in a file, the line is refused naming the field. A percentage that is not a finite number is never printed.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runCommandLine } from '../../commands/index.js';
import { loadConfig } from '../../config/load.js';
import { LiqBot } from '../../src/bot.js';
import { implausible, toEvent, type Funding } from '../../src/core/events.js';
import { newReport, readEventBatches } from '../../src/io/event-file.js';
import { pct } from '../../src/replies/format.js';
import { replyText } from '../../src/replies/reply.js';
import { createMemoryStore } from '../../src/store/memory.js';

const T = Date.parse('2026-03-02T12:00:00Z');
const SYMBOL = 'ETH/USDT:USDT';
const funding = (over: Partial<Funding> = {}): Funding => ({ type: 'funding', ts: T, exchange: 'bybit', symbol: SYMBOL, rate: 0.0001, intervalHours: 8, ...over });

const dir = mkdtempSync(join(tmpdir(), 'liqbot-funding-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('funding beyond any venue', () => {
  it('is implausible (absurd_size) past ±10% an interval or an interval outside (0, 168] hours, and a market up to them', () => {
    const beyond: Partial<Funding>[] = [
      { rate: 0.1000001 }, { rate: -0.11 }, { rate: 5 }, { rate: 1e305 }, { rate: Infinity }, { rate: NaN },
      { intervalHours: 0 }, { intervalHours: -8 }, { intervalHours: 168.5 }, { intervalHours: 1e15 }, { intervalHours: NaN },
    ];
    for (const over of beyond) expect(implausible(funding(over), T, 0), String(Object.values(over))).toBe('absurd_size');
    // Hyperliquid's cap (4% an hour), the bounds themselves, no funding at all.
    const markets: Partial<Funding>[] = [{ rate: 0.04, intervalHours: 1 }, { rate: -0.03, intervalHours: 4 }, { rate: 0.1 }, { rate: -0.1 }, { rate: 0 }, { intervalHours: 168 }, { intervalHours: 0.5 }];
    for (const over of markets) expect(implausible(funding(over), T, 0), String(Object.values(over))).toBeUndefined();
  });

  it('a live rate beyond any cap is dropped and counted; /oi tells only the believable venue', async () => {
    const bot = new LiqBot({ config: loadConfig(), store: createMemoryStore(), now: () => T });
    for (const [exchange, rate] of [['bybit', 0.0001], ['binanceusdm', 5], ['okx', 1e305]] as const) {
      bot.ingest({ type: 'price', ts: T - 1000, exchange, symbol: SYMBOL, price: 2500 });
      bot.ingest({ type: 'open_interest', ts: T - 1000, exchange, symbol: SYMBOL, usd: 1e9 });
      bot.ingest(funding({ ts: T - 1000, exchange, rate }));
    }
    expect(bot.stats.rejected).toEqual({ future: 0, stale: 0, absurd_size: 2, absurd_price: 0 });
    bot.flush();
    expect([...bot.store.eventsSince(0)].filter((e) => e.type === 'funding').map((e) => (e as Funding).exchange)).toEqual(['bybit']);
    const reply = replyText(await runCommandLine('/oi eth', { chat: { key: 'terminal:local', platform: 'terminal', kind: 'terminal' }, user: { id: 'local' }, isAdmin: true, now: T, services: bot }));
    expect(reply).toContain('Funding +11% APR, neutral');
    expect(reply).toContain('Bybit $1B · 33%  funding +0.0100%/8h (+11% APR)');
    expect(reply).not.toMatch(/Infinity|NaN|500\.000%|crowded/);
  });

  it.each([
    [{ rate: 0.5 }, 'funding: `rate` 0.5 is beyond any market (funding is at most ±10% an interval; 0.0001 = 0.01%)'],
    [{ intervalHours: 200 }, 'funding: `intervalHours` 200 is beyond any market (venues settle funding every 1 to 8 hours; at most 168)'],
  ])('in a file, %j is refused naming the field', async (over, reason) => {
    expect(toEvent(funding(over))).toEqual({ ok: false, skip: 'invalid', reason });
    const path = join(dir, 'funding.jsonl');
    writeFileSync(path, `${JSON.stringify(funding())}\n${JSON.stringify(funding({ ts: T + 1, ...over }))}\n`);
    const report = newReport();
    const events = [];
    for await (const batch of readEventBatches(path, report)) events.push(...batch);
    expect(events).toEqual([funding()]);
    expect(report.invalid).toEqual([{ line: 2, reason }]);
  });
});

describe('pct', () => {
  it('prints a number that is not finite as n/a, never "Infinity" or "NaN", and a finite one as before', () => {
    expect([Infinity, -Infinity, NaN, 1e307].map((f) => pct(f))).toEqual(['n/a', 'n/a', 'n/a', 'n/a']);
    expect([pct(0.042), pct(-0.22), pct(0.0001, 4), pct(5475)]).toEqual(['+4.2%', '−22%', '+0.0100%', '+547500%']);
  });
});
