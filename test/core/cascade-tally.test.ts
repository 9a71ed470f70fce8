/**
 * A cascade's tally is its own window, its start to its last strong liquidation (the last at the pace that called it),
 * whenever it is told: a print after the last strong one is held apart while the cascade runs, counted once a strong one
 * follows, and left out of the end. The running message and the end count the same prints.
 */
import { describe, expect, it } from 'vitest';
import { buildConfig } from '../../config/load.js';
import { CascadeDetector, type CascadeEvent } from '../../src/core/cascades.js';
import { runFile } from '../../src/offline.js';
import { BUNDLED } from '../helpers.js';
import { CASCADE_RULES } from './detector-rules.js';

const T0 = Date.parse('2026-03-02T12:00:00Z');
const S = 1_000;

describe("a running cascade's tally", () => {
  it('keeps a print after the last strong one out until a strong one follows, which brings it in', () => {
    // A one-minute window, $1M to start, the end level 30% of it ($300K).
    const d = new CascadeDetector(CASCADE_RULES, () => 1_000_000);
    d.add('ETH', 'long', 'bybit', T0, 400_000, 100);
    d.add('ETH', 'long', 'okx', T0 + 1 * S, 400_000, 100);
    expect(d.add('ETH', 'long', 'bybit', T0 + 2 * S, 400_000, 100)?.type).toBe('start'); // $1.2M
    // The window empties; a $50K Gate print leaves it under the end level: not the cascade's yet.
    expect(d.advance(T0 + 70 * S)).toEqual([]);
    expect(d.add('ETH', 'long', 'gate', T0 + 80 * S, 50_000, 100)).toBeUndefined();
    // A $300K OKX print takes the window back to the end level, but $350K in the last minute is under the $1M a minute
    // that called it: neither is the cascade's yet.
    expect(d.add('ETH', 'long', 'okx', T0 + 85 * S, 300_000, 100)).toBeUndefined();
    expect(d.runningFor('ETH', 'long')).toMatchObject({ usd: 1_200_000, byExchange: new Map([['bybit', 800_000], ['okx', 400_000]]) });
    // $700K more brings the last minute to $1.05M, at pace: the prints held apart were the cascade's after all.
    expect(d.add('ETH', 'long', 'okx', T0 + 90 * S, 700_000, 100)).toMatchObject({ type: 'update', cascade: { usd: 2_250_000 } });
    expect(d.runningFor('ETH', 'long')!.byExchange).toEqual(new Map([['bybit', 800_000], ['okx', 1_400_000], ['gate', 50_000]]));
  });

  it('is what its end says: prints after the last strong one, under its pace, grow neither the running message nor the end', () => {
    const d = new CascadeDetector(CASCADE_RULES, () => 1_000_000);
    // Each message as it was told (the cascade is one object, changed in place as it runs).
    const told: [CascadeEvent['type'], number][] = [];
    let end: CascadeEvent | undefined;
    const note = (e: CascadeEvent | undefined) => {
      if (e) told.push([e.type, e.cascade.usd]);
      if (e?.type === 'end') end = e;
    };
    const add = (exchange: string, s: number, usd: number) => note(d.add('ETH', 'long', exchange, T0 + s * S, usd, 100));
    add('bybit', 0, 400_000);
    add('okx', 1, 400_000);
    add('bybit', 2, 400_000); // the start: $1.2M
    // $300K lifts the window to $1.5M, 25% more than the start told, but in the 28 s since the start it is under the
    // pace that called it ($1M a minute, $467K in 28 s): the start is its last strong print, and no edit tells it.
    add('okx', 30, 300_000);
    d.advance(T0 + 32 * S).forEach(note);
    // After it, two prints each alone in the window, under the end level: together 38% more than the $1.2M told.
    add('gate', 100, 250_000);
    add('htx', 170, 200_000);
    for (const now of [230, 300, 360]) d.advance(T0 + now * S).forEach(note);
    expect(told).toEqual([
      ['start', 1_200_000],
      ['end', 1_200_000],
    ]);
    expect(end).toMatchObject({ type: 'end', endedAt: T0 + 2 * S, heardUsd: 1_200_000 });
    expect(end!.cascade.byExchange).toEqual(new Map([['bybit', 800_000], ['okx', 400_000]]));
  });

  it('never runs ahead of its end on the bundled day, each print posted as an edit (it ran up to $320K ahead)', async () => {
    const everyPrint = buildConfig({ cascades: { updateGrowth: 1e-12, updateMinMinutes: 0 } });
    const { alerts } = await runFile(BUNDLED, everyPrint);
    const byCascade = new Map<string, { asset: string; peakUsd: number; endUsd?: number }>();
    for (const a of alerts) {
      if (a.kind !== 'cascade' && a.kind !== 'cascade_update' && a.kind !== 'cascade_end') continue;
      const c = byCascade.get(a.cascadeId) ?? { asset: a.asset, peakUsd: 0 };
      byCascade.set(a.cascadeId, c);
      if (a.kind === 'cascade_end') c.endUsd = a.usd;
      else c.peakUsd = Math.max(c.peakUsd, a.usd);
    }
    const tenK = (usd: number | undefined) => Math.round((usd ?? NaN) / 10_000) * 10_000;
    // Each cascade's largest running tally and its end (to $10K); they differ by the prints after the last strong one.
    expect([...byCascade.values()].map((c) => [c.asset, tenK(c.peakUsd), tenK(c.endUsd)])).toEqual([
      ['XRP', 57_660_000, 57_660_000],
      ['DOGE', 32_890_000, 32_890_000],
      ['BTC', 573_540_000, 573_540_000],
      ['ETH', 434_150_000, 434_150_000],
      ['SOL', 84_340_000, 84_340_000],
    ]);
  });
});
