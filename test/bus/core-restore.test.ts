/**
 * A takeover at any stored offset restores the level states the leader's market had there: the core leader stores
 * each batch's level states (and levels, gaps) in the batch's own transaction, so what a standby reads back always
 * goes with the stored offset. The bundled day is driven through a CoreEngine batch by batch on the real
 * PostgreSQL; after batches spread over the day a fresh engine restores from the store and its levels and level
 * states must equal the leader's; a batch whose last write is refused stores none of it. Skipped, saying why,
 * without PostgreSQL.
 */
import { expect, it } from 'vitest';
import { loadConfig } from '../../config/load.js';
import { CORE_CONSUMER, CoreEngine } from '../../src/bus/core.js';
import type { MarketEvent } from '../../src/core/events.js';
import type { Market } from '../../src/core/market.js';
import { readEventFile } from '../../src/io/event-file.js';
import { BUNDLED } from '../helpers.js';
import { pgSuite } from './pg-suite.js';

/** Every level the market watches, with its state, in id order. */
function levelStates(market: Market): unknown[] {
  return market.levels
    .all()
    .map((l) => ({ level: l, track: market.levels.track(l.id) }))
    .sort((a, b) => (a.level.id < b.level.id ? -1 : 1));
}

pgSuite('core leader: level states in the batch transaction', (suite) => {
  it('a standby restoring after any stored batch has the leader’s levels and level states at that offset', async () => {
    const store = await suite.openStore();
    const config = loadConfig(undefined);
    const leader = new CoreEngine(store, config, () => 0);
    const events: MarketEvent[] = [];
    for await (const e of readEventFile(BUNDLED)) events.push(e);
    const size = 3_000;
    const batches = Math.ceil(events.length / size);
    // Checkpoints spread over the day, the first before any level has been touched.
    const checks = new Set([1, 2, Math.floor(batches / 3), Math.floor(batches / 2), Math.floor((2 * batches) / 3), batches]);
    let compared = 0;
    let tracked = 0;
    for (let seq = 1; seq <= batches; seq++) {
      const batch = { seq, subject: 'mkt.bundled.mixed', events: events.slice((seq - 1) * size, seq * size), invalid: 0, synthetic: false, ack: () => undefined };
      const { events: fresh, alerts, writes } = await leader.derive(batch);
      await store.applyBatch({ consumer: CORE_CONSUMER, seq, events: fresh, alerts: leader.route(alerts), watermark: leader.watermark, state: writes });
      if (!checks.has(seq)) continue;
      const standby = new CoreEngine(store, config, () => 0);
      await standby.restore(await store.busPosition(CORE_CONSUMER));
      const want = levelStates(leader.market);
      expect(levelStates(standby.market), `after batch ${seq} of ${batches}`).toEqual(want);
      compared++;
      tracked = Math.max(tracked, want.filter((x) => (x as { track?: unknown }).track !== undefined).length);
    }
    expect(compared).toBe(checks.size);
    expect(tracked).toBeGreaterThan(0); // states were there to restore, not just levels

    // All or nothing: a batch whose last state write is refused stores neither its offset nor its level states.
    const position = await store.busPosition(CORE_CONSUMER);
    const states = await store.loadLevelStates();
    const moved = states.map((t) => ({ ...t, state: 'broken' }));
    expect(states.length).toBeGreaterThan(0);
    await expect(store.applyBatch({
      consumer: CORE_CONSUMER, seq: batches + 1, events: [], alerts: [], watermark: leader.watermark + 1,
      state: [{ op: 'saveLevelStates', states: moved as never }, { op: 'putVote', id: 'p1', voter: 'u1', vote: 'sideways' as never }],
    })).rejects.toThrow(/store bus batch/);
    expect(await store.busPosition(CORE_CONSUMER)).toEqual(position);
    expect(await store.loadLevelStates()).toEqual(states);
  }, 120_000);
});
