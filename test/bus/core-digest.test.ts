/**
 * The weekly digest in the scaled-out deployment: the core leader queues each opted-in chat's digest when the week
 * turns on the market's clock, stored with the batch like its alerts; a leader taking over within a day after the
 * turn asks again and the outbox's (chat, key) keeps one; the row carries the digest and its chart's bars, so a
 * deliverer (no market) renders the post. The bundled day, then Monday's first minutes, driven through CoreEngine on
 * the real PostgreSQL. Skipped, saying why, without PostgreSQL.
 */
import { expect, it } from 'vitest';
import { loadConfig } from '../../config/load.js';
import { renderAlert } from '../../src/alerts/digest.js';
import { CORE_CONSUMER, CoreEngine } from '../../src/bus/core.js';
import type { BusBatch } from '../../src/bus/consumer.js';
import type { Alert } from '../../src/core/alerts.js';
import type { MarketEvent } from '../../src/core/events.js';
import { readEventFile } from '../../src/io/event-file.js';
import { replyText } from '../../src/replies/reply.js';
import type { PostgresStore } from '../../src/store/postgres.js';
import type { Subscription } from '../../src/store/store.js';
import { BUNDLED } from '../helpers.js';
import { pgSuite } from './pg-suite.js';

const MONDAY = Date.parse('2026-02-02T00:00:00Z');
const sub = (chat: string, digest: boolean): Subscription => ({ chat, enabled: true, assets: [], families: ['cascade', 'level'], minUsd: 0, updatedAt: 0, digest });
const tick = (ts: number): MarketEvent => ({ type: 'price', ts, exchange: 'bybit', symbol: 'ETH/USDT:USDT', price: 2650 });

async function step(engine: CoreEngine, store: PostgresStore, batch: BusBatch): Promise<string[]> {
  const { events, alerts, writes } = await engine.derive(batch);
  const entries = engine.route(alerts);
  await store.applyBatch({ consumer: CORE_CONSUMER, seq: batch.seq, events, alerts: entries, ...engine.position, state: writes });
  return entries.filter((e) => e.alert.kind === 'digest').map((e) => `${e.chat} ${e.alertKey}`);
}

pgSuite('the core leader posts the weekly digest', (suite) => {
  it('queues it once per chat that switched it on when the week turns, a takeover within the day included', async () => {
    const store = await suite.openStore();
    await store.putSubscription(sub('telegram:1', true));
    await store.putSubscription(sub('telegram:2', false));
    const day: MarketEvent[] = [];
    for await (const e of readEventFile(BUNDLED)) day.push(e);
    const batch = (seq: number, events: MarketEvent[]): BusBatch => ({ seq, subject: 'mkt.bundled.mixed', events, invalid: 0, synthetic: false, holdMs: 15_000, ack: () => undefined });
    const config = loadConfig(undefined);
    const leader = new CoreEngine(store, config, () => MONDAY);
    await leader.restore(await store.busPosition(CORE_CONSUMER));
    // Saturday's day: the week has not turned (the first look notes it).
    expect(await step(leader, store, batch(1, day))).toEqual([]);
    // Monday 00:05 on the market's clock: the week turned.
    const queued = await step(leader, store, batch(2, [tick(MONDAY + 5 * 60_000), tick(MONDAY + 6 * 60_000)]));
    expect(queued).toEqual([`telegram:1 digest:${MONDAY}:telegram:1`]);
    expect(await step(leader, store, batch(3, [tick(MONDAY + 7 * 60_000)]))).toEqual([]);
    // A standby takes over: it asks for the week's digest again, and the outbox keeps the one it has.
    const standby = new CoreEngine(store, config, () => MONDAY + 3_600_000);
    await standby.restore(await store.busPosition(CORE_CONSUMER));
    expect(await step(standby, store, batch(4, [tick(MONDAY + 8 * 60_000), tick(MONDAY + 9 * 60_000)]))).toEqual([`telegram:1 digest:${MONDAY}:telegram:1`]);
    const rows = await store.pool.query<{ chat: string; alert: string }>(`SELECT chat, alert FROM outbox WHERE alert_key LIKE 'digest:%'`);
    expect(rows.rows.map((r) => r.chat)).toEqual(['telegram:1']);
    // What a deliverer sends from the row: the week's digest of the levels the chat sees, with its chart.
    const reply = renderAlert(JSON.parse(rows.rows[0]!.alert) as Alert);
    expect(replyText(reply)).toContain('Weekly levels digest · Jan 26 – Feb 1');
    expect(replyText(reply)).toMatch(/ETH \$2,750–2,800 prior support lost Jan 31/);
    expect(reply.image).toBeDefined();
  });
});
