/**
 * Events out of order and duplicated, as flapping sockets deliver them: the live pipeline counts each
 * liquidation once and ends in the same state as the clean, sorted stream: the same totals and cascades.
 */
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../config/load.js';
import { LiqBot } from '../../src/bot.js';
import type { MarketEvent } from '../../src/core/events.js';
import { newReport, readEventFile } from '../../src/io/event-file.js';
import { createMemoryStore } from '../../src/store/memory.js';
import { mulberry32 } from '../../scripts/market-day.js';
import { BUNDLED } from '../helpers.js';

describe('out of order and duplicated', () => {
  it('gives the same totals and alerts as the clean stream', async () => {
    const events: MarketEvent[] = [];
    for await (const e of readEventFile(BUNDLED, newReport())) events.push(e);
    const day = events.filter((e) => e.ts >= Date.parse('2026-01-31T11:00:00Z') && e.ts < Date.parse('2026-01-31T18:00:00Z') && e.type === 'liquidation');
    const rand = mulberry32(7);
    // Shuffle within a few seconds and send a fifth of the frames twice.
    const messy = day.map((e, i) => ({ e, k: i + rand() * 40 })).sort((a, b) => a.k - b.k).map((x) => x.e);
    for (let i = messy.length - 1; i > 0; i -= 5) messy.splice(i, 0, messy[i]!);
    const run = (stream: MarketEvent[]) => {
      let now = 0;
      const bot = new LiqBot({ config: loadConfig(), store: createMemoryStore(), now: () => now });
      for (const e of stream) {
        now = Math.max(now, e.ts);
        bot.ingest(e);
      }
      return bot;
    };
    const clean = run(day), dirty = run(messy);
    expect(dirty.stats.duplicates).toBe(messy.length - day.length);
    const at = Date.parse('2026-01-31T18:00:00Z');
    for (const asset of ['ETH', 'BTC', 'SOL']) {
      const a = clean.market.summary(asset, '12h', 12 * 3_600_000, at), b = dirty.market.summary(asset, '12h', 12 * 3_600_000, at);
      expect(b.longUsd).toBeCloseTo(a.longUsd, 2);
      expect(b.count).toBe(a.count);
    }
    // The same cascades, each over with the same tally to a tenth of a percent, its start and end within a minute: a
    // print a reconnect brought seconds late counts as if it had come in time (the pace that keeps a cascade going is
    // read in time order). The running edits may differ by one or two: an edit is posted when a print arrives, and the
    // prints held apart join the tally when the next at pace comes, which here is a few prints later or sooner.
    const from = Date.parse('2026-01-31T00:00:00Z');
    for (const asset of ['XRP', 'DOGE', 'BTC', 'ETH', 'SOL']) {
      const a = clean.market.cascadesBetween(asset, from, at), b = dirty.market.cascadesBetween(asset, from, at);
      expect(b.map((c) => c.side)).toEqual(a.map((c) => c.side));
      b.forEach((c, i) => {
        expect(Math.abs(c.startedAt - a[i]!.startedAt)).toBeLessThan(60_000);
        expect(Math.abs(c.usd / a[i]!.usd - 1)).toBeLessThan(0.001);
        expect(Math.abs(c.endedAt! - a[i]!.endedAt!)).toBeLessThan(60_000);
      });
    }
    expect(Math.abs(dirty.stats.alerts - clean.stats.alerts)).toBeLessThanOrEqual(3);
  });
});
