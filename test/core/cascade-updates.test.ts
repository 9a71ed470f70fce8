/**
 * The running message of a cascade or a market-wide flush: edited once its tally has grown `updateGrowth` since it was
 * last posted, at most once per `updateMinMs`, growth reached sooner posted when that time has passed (print or not).
 * With the defaults (25%, a minute) the message a chat sees is never more than a quarter behind for over a minute.
 */
import { describe, expect, it } from 'vitest';
import { buildConfig, loadConfig } from '../../config/load.js';
import type { Alert } from '../../src/core/alerts.js';
import { CascadeDetector, type CascadeRules } from '../../src/core/cascades.js';
import { FlushDetector, type FlushRules } from '../../src/core/flush.js';
import { runFile } from '../../src/offline.js';
import { BUNDLED } from '../helpers.js';
import { CASCADE_RULES } from './detector-rules.js';

const T0 = Date.parse('2026-03-02T12:00:00Z');
const cascadeRules: CascadeRules = CASCADE_RULES;
const flushRules: FlushRules = { windowMs: 60_000, minAssets: 3, maxLeaderShare: 0.6, endFraction: 0.3, quietMs: 120_000, leaders: 3, updateGrowth: 0.25, updateMinMs: 30_000 };

describe('a cascade whose tally grows inside the minimum interval', () => {
  it('is edited when the interval has passed, with no print to carry the edit, and then not again until it grows 25% more', () => {
    const d = new CascadeDetector(cascadeRules, () => 1_000_000);
    expect(d.add('ETH', 'long', 'bybit', T0, 400_000, 100)).toBeUndefined();
    expect(d.add('ETH', 'long', 'okx', T0 + 1_000, 400_000, 100)).toBeUndefined();
    expect(d.add('ETH', 'long', 'bybit', T0 + 2_000, 400_000, 100)?.type).toBe('start'); // $1.2M posted at +2 s
    expect(d.add('ETH', 'long', 'gate', T0 + 10_000, 400_000, 100)).toBeUndefined(); // $1.6M: grown, but 8 s after the post
    expect(d.nextDue()).toBe(T0 + 32_000);
    expect(d.advance(T0 + 31_999)).toEqual([]);
    const [update, ...more] = d.advance(T0 + 32_000);
    expect(more).toEqual([]);
    expect(update).toMatchObject({ type: 'update', cascade: { usd: 1_600_000, lastPostedUsd: 1_600_000, lastPostedAt: T0 + 32_000 } });
    // Nothing held any more: what is due next is the window's first slice leaving it.
    expect(d.nextDue()).toBe(T0 + 60_000);
    expect(d.add('ETH', 'long', 'bybit', T0 + 70_000, 300_000, 100)).toBeUndefined(); // $1.9M: under $2M
    expect(d.advance(T0 + 110_000)).toEqual([]);
  });
});

describe('a market-wide flush whose tally grows inside the minimum interval', () => {
  it('is edited when the interval has passed, with its figures then', () => {
    const d = new FlushDetector(flushRules, () => 1_000_000);
    ['BTC', 'ETH', 'SOL'].forEach((asset, i) => d.add(asset, 'long', 'bybit', T0 + i * 1_000, 400_000)); // $1.2M posted at +2 s
    expect(d.add('XRP', 'long', 'okx', T0 + 5_000, 300_000)).toBeUndefined(); // $1.5M: grown 25%, 3 s after the post
    expect(d.nextDue()).toBe(T0 + 32_000);
    expect(d.advance(T0 + 31_000)).toEqual([]);
    const [update, ...more] = d.advance(T0 + 32_000);
    expect(more).toEqual([]);
    expect(update).toMatchObject({ type: 'update', flush: { usd: 1_500_000, assetCount: 4, exchanges: ['bybit', 'okx'] } });
    expect(d.nextDue()).toBe(T0 + 60_000); // the first print leaving the window
    expect(d.advance(T0 + 40_000)).toEqual([]);
  });
});

/** Each running message's alerts (start, updates, end) by its id. */
function messages(alerts: readonly Alert[]): Map<string, Alert[]> {
  const out = new Map<string, Alert[]>();
  for (const a of alerts) {
    const id = a.kind === 'cascade' || a.kind === 'cascade_update' || a.kind === 'cascade_end' ? a.cascadeId : a.kind.startsWith('market_flush') && 'flushId' in a ? a.flushId : undefined;
    if (id !== undefined) out.set(id, [...(out.get(id) ?? []), a]);
  }
  return out;
}
const usdOf = (a: Alert): number => ('usd' in a ? a.usd : NaN);

/**
 * Replays a file with the default rule and with every print posted (the true running tally print by print), and
 * returns, per message, its updates with the default rule and every moment it was more than 25% behind for over 60 s.
 */
async function staleness(file: string): Promise<Map<string, { updates: number; late: string[] }>> {
  const shown = messages((await runFile(file, loadConfig())).alerts);
  const truth = messages((await runFile(file, buildConfig({ cascades: { updateGrowth: 1e-12, updateMinMinutes: 0 } }))).alerts);
  const out = new Map<string, { updates: number; late: string[] }>();
  for (const [id, posts] of shown) {
    const late: string[] = [];
    for (const p of truth.get(id)!.filter((a) => a.kind === 'cascade_update' || a.kind === 'market_flush_update')) {
      const last = posts.filter((a) => a.ts <= p.ts && !a.kind.endsWith('_end')).at(-1)!;
      if (usdOf(p) <= usdOf(last) * 1.25) continue;
      // Behind by more than a quarter: the next post (an edit, or the end) must come within a minute of the last one.
      const next = posts.find((a) => a.ts > last.ts);
      if (next === undefined || next.ts - last.ts > 60_000) late.push(`${new Date(p.ts).toISOString()} ${usdOf(p)} shown ${usdOf(last)}`);
    }
    out.set(id, { updates: posts.filter((a) => a.kind.endsWith('update')).length, late });
  }
  return out;
}

describe('the default rule on real and generated days: a quarter behind at most, for a minute at most', () => {
  it('the DeepSeek flush (Jan 27 2025, $777K at its start, $2.66M at its end) is edited 3 times, BTC\'s cascade in it twice, and neither is left behind', async () => {
    const s = await staleness('fixtures/binance-2025-01-27-forceorder.real.jsonl');
    expect([...s].map(([id, v]) => [id.replace(/-\d+$/, ''), v])).toEqual([
      ['flush-long', { updates: 3, late: [] }],
      // Running on with the flush to its 17:08 minute: $330K at its start, $448K and $635K edited in at 17:08 and 17:09.
      ['BTC-long', { updates: 2, late: [] }],
      ['ETH-long', { updates: 0, late: [] }],
    ]);
  });

  it('the bundled day, whose cascades grow 40 to 90 times over hours, takes 12 to 18 edits each', async () => {
    const s = await staleness(BUNDLED);
    expect([...s].map(([id, v]) => [id.replace(/-\d+$/, ''), v])).toEqual([
      ['XRP-long', { updates: 17, late: [] }],
      ['DOGE-long', { updates: 12, late: [] }],
      ['BTC-long', { updates: 18, late: [] }],
      ['ETH-long', { updates: 18, late: [] }],
      ['SOL-long', { updates: 16, late: [] }],
    ]);
  });
});
