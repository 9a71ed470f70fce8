/**
 * A cascade (or a market-wide flush) that starts soon after the last one on its asset and side ended is that flush's
 * next leg: it carries the leg before it (`previousLeg`), and its messages say "second leg", so a chat just told
 * "over" does not read it as a new, unrelated event.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { buildConfig } from '../../config/load.js';
import type { Alert, CascadeEnd, CascadeStart, CascadeUpdate, MarketFlush } from '../../src/core/alerts.js';
import { CascadeDetector, type CascadeRules } from '../../src/core/cascades.js';
import { FlushDetector, type FlushRules } from '../../src/core/flush.js';
import { Market } from '../../src/core/market.js';
import { alertReply, runningClosedReply } from '../../src/replies/alerts.js';
import { replyText } from '../../src/replies/reply.js';
import { cli, majorsFlush, writeEvents } from '../helpers.js';
import { CASCADE_RULES } from './detector-rules.js';

const T0 = Date.parse('2026-03-02T12:00:00Z');
const MIN = 60_000;
const rules: CascadeRules = { ...CASCADE_RULES, legMs: 30 * MIN };

/** Three $400K prints on Bybit from `t`, a second apart: a $1.2M cascade that starts on the third (threshold $1M). */
function burst(d: CascadeDetector, asset: string, side: 'long' | 'short', t: number) {
  return [0, 1, 2].map((i) => d.add(asset, side, 'bybit', t + i * 1_000, 400_000, 100)).find((e) => e?.type === 'start');
}
/** The cascades that end by `now`, time moving on to it as a live clock's would (quiet is counted from the first look at an empty window). */
const ends = (d: CascadeDetector, now: number) => [...d.advance(now - 3 * MIN), ...d.advance(now)].filter((e) => e.type === 'end');

describe('a cascade that starts soon after the last one on its asset and side ended', () => {
  it('carries that one as its previous leg, counted on from leg to leg; other assets and sides start their own', () => {
    const d = new CascadeDetector(rules, () => 1_000_000);
    expect(burst(d, 'ETH', 'long', T0)?.cascade.previousLeg).toBeUndefined();
    expect(ends(d, T0 + 5 * MIN)).toMatchObject([{ endedAt: T0 + 2_000, cascade: { usd: 1_200_000 } }]);
    // 12 minutes after it ended: its second leg; BTC's and ETH's shorts, at the same time, are their own.
    expect(burst(d, 'ETH', 'long', T0 + 12 * MIN + 2_000)?.cascade.previousLeg).toEqual({ leg: 1, startedAt: T0, endedAt: T0 + 2_000, usd: 1_200_000 });
    expect(burst(d, 'BTC', 'long', T0 + 12 * MIN)?.cascade.previousLeg).toBeUndefined();
    expect(burst(d, 'ETH', 'short', T0 + 14 * MIN)?.cascade.previousLeg).toBeUndefined();
    expect(ends(d, T0 + 20 * MIN).map((e) => e.cascade.asset + e.cascade.side)).toEqual(['ETHlong', 'BTClong', 'ETHshort']);
    // 29 minutes after the second ended: the third, with the second as the leg before it.
    const third = burst(d, 'ETH', 'long', T0 + 41 * MIN + 4_000);
    expect(third?.cascade.previousLeg).toEqual({ leg: 2, startedAt: T0 + 12 * MIN, endedAt: T0 + 12 * MIN + 4_000, usd: 1_200_000 });
    expect(ends(d, T0 + 50 * MIN)).toHaveLength(1);
    // Its window starting 30 minutes after the third ended: a new event, whose next leg is again a second one.
    expect(burst(d, 'ETH', 'long', T0 + 71 * MIN + 20_000)?.cascade.previousLeg).toBeUndefined();
    expect(ends(d, T0 + 80 * MIN)).toHaveLength(1);
    expect(burst(d, 'ETH', 'long', T0 + 81 * MIN)?.cascade.previousLeg).toEqual({ leg: 1, startedAt: T0 + 71 * MIN + 20_000, endedAt: T0 + 71 * MIN + 22_000, usd: 1_200_000 });
    // Without a leg window (`legMs` absent), the same restart is a cascade of its own.
    const { legMs: _, ...without } = rules;
    const plain = new CascadeDetector(without, () => 1_000_000);
    burst(plain, 'ETH', 'long', T0);
    expect(ends(plain, T0 + 5 * MIN)).toHaveLength(1);
    expect(burst(plain, 'ETH', 'long', T0 + 12 * MIN)?.cascade.previousLeg).toBeUndefined();
  });
});

describe('a market-wide flush that starts soon after the last one on its side ended', () => {
  const flushRules: FlushRules = { windowMs: 60_000, minAssets: 3, maxLeaderShare: 0.6, endFraction: 0.3, quietMs: 120_000, leaders: 3, updateGrowth: 0.25, updateMinMs: 30_000, legMs: 30 * MIN };
  const flush = (d: FlushDetector, side: 'long' | 'short', t: number) => ['BTC', 'ETH', 'SOL'].map((asset, i) => d.add(asset, side, 'bybit', t + i * 1_000, 400_000)).find((e) => e?.type === 'start');

  it('carries that one as its previous leg, its updates and end too; the other side and one past the window do not', () => {
    const d = new FlushDetector(flushRules, () => 1_000_000);
    expect(flush(d, 'long', T0)?.flush.previousLeg).toBeUndefined();
    expect(d.advance(T0 + 5 * MIN)).toMatchObject([{ type: 'end', endedAt: T0 + 2_000 }]);
    expect(flush(d, 'short', T0 + 10 * MIN)?.flush.previousLeg).toBeUndefined();
    const second = flush(d, 'long', T0 + 10 * MIN);
    expect(second?.flush.previousLeg).toEqual({ leg: 1, startedAt: T0, endedAt: T0 + 2_000, usd: 1_200_000 });
    expect(d.advance(T0 + 15 * MIN)).toMatchObject([
      { type: 'end', flush: { side: 'long', previousLeg: { leg: 1 } } },
      { type: 'end', flush: { side: 'short' } },
    ]);
    expect(flush(d, 'long', T0 + 41 * MIN)?.flush.previousLeg).toBeUndefined();
  });

  it('goes out as a market_flush alert with the leg before it', () => {
    const m = new Market(buildConfig({ flush: { minAssets: 3, floorUsd: 1_000_000 } }));
    const alerts: Alert[] = [];
    for (const e of majorsFlush(T0, 8)) alerts.push(...m.ingest(e));
    alerts.push(...m.catchUp(T0 + 20 * MIN));
    for (const e of majorsFlush(T0 + 25 * MIN, 8)) alerts.push(...m.ingest(e));
    const starts = alerts.filter((a): a is MarketFlush => a.kind === 'market_flush');
    expect(starts).toHaveLength(2);
    expect(starts[0]!.previousLeg).toBeUndefined();
    // The first flush's last strong print: round 7's BNB (the sixth asset), 105.5 s in.
    expect(starts[1]!.previousLeg).toMatchObject({ leg: 1, startedAt: T0, endedAt: T0 + 105_500 });
    expect(replyText(alertReply(starts[1]!))).toMatch(/^🔻 Market-wide long flush, second leg: .*\n\n24 min after the first leg ended: \$[\d.]+M in 1 min \(12:00–12:01\)\.\n/);
  });
});

describe('the messages of a second leg', () => {
  const leg = { leg: 1, startedAt: Date.parse('2025-01-27T16:53:20Z'), endedAt: Date.parse('2025-01-27T16:54:58Z'), usd: 3_407_226 };
  const figures = {
    asset: 'XRP', cascadeId: 'XRP-long-1', side: 'long' as const, startedAt: Date.parse('2025-01-27T17:08:00Z'), usd: 1_190_396,
    byExchange: { binance: 1_190_396 }, exchanges: ['binance'], sampled: [], previousLeg: leg,
  };
  const start: CascadeStart = { ...figures, kind: 'cascade', ts: Date.parse('2025-01-27T17:08:16Z'), key: 'k1', windowUsd: 1_190_396, windowMs: 5 * MIN, thresholdUsd: 156_000 };
  const update: CascadeUpdate = { ...figures, kind: 'cascade_update', ts: Date.parse('2025-01-27T17:09:00Z'), key: 'k2', usd: 5_025_632 };
  const end: CascadeEnd = { ...figures, kind: 'cascade_end', ts: Date.parse('2025-01-27T17:18:48Z'), key: 'k3', usd: 5_025_632, endedAt: Date.parse('2025-01-27T17:08:48Z'), durationMs: 48_000 };

  it('say which leg it is and when and how large the one before it was', () => {
    const text = replyText(alertReply(start));
    expect(text.split('\n').slice(0, 4)).toEqual([
      '🔻 XRP long liquidation cascade · second leg',
      '',
      '$1.19M of XRP longs liquidated in 5 min',
      '14 min after the first leg ended: $3.41M in 1 min (16:53–16:54).',
    ]);
    expect(replyText(alertReply({ ...start, previousLeg: { ...leg, leg: 2 } }))).toMatch(/^🔻 XRP long liquidation cascade · third leg\n\n.*\n14 min after the second leg ended: /);
    expect(replyText(alertReply(update)).split('\n')[0]).toBe('🔻 XRP long cascade · second leg · running');
    expect(replyText(alertReply(end)).split('\n')[0]).toBe('XRP long cascade over (second leg)');
    expect(replyText(runningClosedReply(end)).split('\n')[0]).toBe('🔻 XRP long cascade · second leg · over');
    // A first cascade says none of it.
    const { previousLeg: _, ...first } = start;
    const text1 = replyText(alertReply(first));
    expect(text1.split('\n')[0]).toBe('🔻 XRP long liquidation cascade');
    expect(text1).not.toContain('leg');
  });
});

describe('the prints of Jan 27 2025 a hundred times over', () => {
  const prints = (shiftFrom = Infinity, shiftMs = 0) => {
    const lines = readFileSync('fixtures/binance-2025-01-27-forceorder.real.jsonl', 'utf8').split('\n').filter((l) => l.includes('"liquidation"'));
    return lines
      .map((l) => JSON.parse(l) as { ts: number; amount: number; usd?: number })
      .map((e) => ({ ...e, ts: e.ts >= shiftFrom ? e.ts + shiftMs : e.ts, amount: e.amount * 100, ...(e.usd !== undefined ? { usd: e.usd * 100 } : {}) }))
      .sort((a, b) => a.ts - b.ts);
  };
  const replay = async (events: object[]) => {
    const r = await cli('replay', writeEvents(events), '--json');
    expect(r.code).toBe(0);
    return r.out.split('\n').map((l) => JSON.parse(l) as { kind: string; asset: string; text: string; startedAt: number });
  };
  const firstLines = (alerts: { kind: string; asset: string; text: string }[], asset: string) => alerts.filter((a) => a.asset === asset).map((a) => `${a.kind}: ${a.text.split('\n')[0]!}`);

  it("tell XRP's longs of 16:53 and 17:08 as one cascade, never over between them, and no asset's as a second leg", async () => {
    const alerts = await replay(prints());
    // Its window fell under the end level at 16:59:50, when the slice of its 16:54:58 print left it, and the 17:08 wave
    // came at its pace inside the ten quiet minutes counted from then: the cascade runs on (counted from its last print,
    // it was over at 17:04, and the 17:08 wave its second leg, 13 minutes after the first ended).
    expect(firstLines(alerts, 'XRP')).toEqual([
      'cascade: 🔻 XRP long liquidation cascade',
      'cascade_update: 🔻 XRP long cascade · running',
      'cascade_update: 🔻 XRP long cascade · running',
      'cascade_update: 🔻 XRP long cascade · running',
    ]);
    // So with every asset whose longs came back at 17:06–17:16 (17 of them, each told a second leg before): each is one
    // cascade, and each first says no leg.
    expect(alerts.filter((a) => a.kind === 'cascade' && / leg/.test(a.text))).toEqual([]);
  }, 60_000);

  it("with the wave from 17:05 on a quarter of an hour later, tell XRP's as the second leg of the one that ended at 16:54", async () => {
    // Moved 15 minutes on, the wave comes after XRP's first cascade is over (17:09:50, ten quiet minutes after its window
    // fell), and within 30 minutes (cascades.legMinutes) of its last strong print.
    const alerts = await replay(prints(Date.parse('2025-01-27T17:05:00Z'), 15 * MIN));
    expect(firstLines(alerts, 'XRP')).toEqual([
      'cascade: 🔻 XRP long liquidation cascade',
      'cascade_update: 🔻 XRP long cascade · running',
      'cascade_end: XRP long cascade over',
      'cascade: 🔻 XRP long liquidation cascade · second leg',
      'cascade_update: 🔻 XRP long cascade · second leg · running',
    ]);
    expect(alerts.find((a) => a.kind === 'cascade' && a.asset === 'XRP' && a.text.includes('second leg'))!.text).toContain('\n29 min after the first leg ended: $3.41M in 1 min (16:53–16:54).\n');
    expect(alerts.filter((a) => a.kind === 'cascade' && / leg/.test(a.text) && !a.text.includes('· second leg'))).toEqual([]);
  }, 60_000);
});
