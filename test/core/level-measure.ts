/**
 * What the level back-test reads on a real file (the unseen and the sealed sets): its figures, per asset, and the held
 * breaks not told in time, with when their direction was first told.
 */
import { loadConfig } from '../../config/load.js';
import type { Alert } from '../../src/core/alerts.js';
import { backtest, levelsOf, type BacktestStats } from '../../src/core/backtest.js';
import { loadFile, runFile } from '../../src/offline.js';
import type { Config } from '../../config/schema.js';

export const iso = (ts: number) => new Date(ts).toISOString().slice(0, 16);

export async function measure(file: string, config: Config = loadConfig()): Promise<{ stats: BacktestStats; alerts: Alert[] }> {
  const loaded = await loadFile(file);
  const run = await runFile(loaded, config, { closes: true });
  return { stats: backtest(run.alerts, run.closes, levelsOf(loaded.batches.flat())), alerts: run.alerts };
}

/** Per asset, the level figures the back-test adds up. */
export function byAsset(stats: BacktestStats): Record<string, BacktestStats['totals']> {
  const out: Record<string, BacktestStats['totals']> = {};
  for (const r of stats.levels) {
    const t = (out[r.asset] ??= { messages: 0, breaks: 0, reversed: 0, held: 0, heldTold: 0 });
    for (const k of Object.keys(t) as (keyof typeof t)[]) t[k] += r[k];
  }
  return out;
}

/** The held breaks not told within 2 h, with how many hours after the crossing close their direction was first told. */
export function missed(stats: BacktestStats, alerts: readonly Alert[]): string[] {
  const said = new Map<string, { ts: number; direction: 'up' | 'down' }[]>();
  for (const a of alerts) {
    if (a.kind !== 'level_break') continue;
    for (const id of [a.levelId, ...(a.also ?? []).map((x) => x.levelId)]) said.set(id, [...(said.get(id) ?? []), { ts: a.ts, direction: a.direction }]);
  }
  return stats.levels.flatMap((l) =>
    l.missed.map((m) => {
      const told = (said.get(l.levelId) ?? []).find((s) => s.ts > m.end && s.direction === m.direction);
      return `${l.levelId} ${m.direction} ${iso(m.end)} ${told ? `told ${(told.ts - m.end) / 3_600_000} h after` : 'never told'}`;
    }),
  );
}
