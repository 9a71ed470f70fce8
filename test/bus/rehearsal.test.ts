/**
 * A rehearsal on a scaled-out deployment (`liqbot start --role ingest --replay FILE`):
 *  - it refuses a stream that holds live market data (a rehearsal has a stream and a database of its own), naming
 *    the settings that select them; a stream holding only recorded days takes another;
 *  - the end of the recording goes on the stream, so the core derives the day's last minutes (the hold no longer
 *    keeps them), a follower's `/status` reads as the single process's after a file, and its `/liqs` as the single
 *    process's;
 *  - the alerts the core derives from the recorded day are delivered with the single process's rehearsal label.
 * Real PostgreSQL, NATS and the fake Bot API; the roles run in this process. Skipped, saying why, without them.
 */
import { readFileSync } from 'node:fs';
import { expect, it } from 'vitest';
import { loadConfig } from '../../config/load.js';
import { route } from '../../src/alerts/router.js';
import { scaleLimits } from '../../src/adapters/telegram/pacer.js';
import { decodeEvents, encodeRecordingEnd } from '../../src/bus/batch.js';
import { CORE_CONSUMER, runCoreRole } from '../../src/bus/core.js';
import { runDeliverRole } from '../../src/bus/deliver.js';
import { MarketFollower } from '../../src/bus/follower.js';
import { liveSubject, runIngestRole } from '../../src/bus/ingest.js';
import { BusPublisher } from '../../src/bus/publisher.js';
import { StatePublisher } from '../../src/bus/state.js';
import { Stretches } from '../../src/core/coverage.js';
import type { Alert } from '../../src/core/alerts.js';
import type { MarketEvent } from '../../src/core/events.js';
import { Market } from '../../src/core/market.js';
import { readEventFile } from '../../src/io/event-file.js';
import { configLevels } from '../../src/core/levels.js';
import { rehearsalLabel, rehearsalOf } from '../../src/ops/rehearsal.js';
import { createServices } from '../../src/service.js';
import { createMemoryStore } from '../../src/store/memory.js';
import type { Subscription } from '../../src/store/store.js';
import { FakeTelegram, fakeLimits } from '../fakes/telegram/server.js';
import { writeEvents } from '../helpers.js';
import { NATS_URL, take } from '../services/nats.js';
import { PG_URL } from '../services/postgres.js';
import { schemaUrl, until } from './children.js';
import { ask, roomyConfig } from './gateway-fixture.js';
import { pgNatsSuite } from './pg-nats-suite.js';

/**
 * The auditor's day cut at 16:56: a market-wide flush and two cascade starts in its last two minutes, which a
 * core holding 5 minutes of event time for ordering never derived before the end of the recording went on the stream.
 */
const CUT = Date.UTC(2025, 0, 27, 16, 56);
const DAY = writeEvents(
  readFileSync('fixtures/binance-2025-01-27-forceorder.real.jsonl', 'utf8')
    .split('\n')
    .filter((l) => l && (JSON.parse(l) as { ts: number }).ts <= CUT),
  'rehearsal-cut.jsonl',
);
const CHAT = 7_100_001;
const SUB: Subscription = { chat: `telegram:${CHAT}`, enabled: true, assets: [], families: ['cascade', 'level'], minUsd: 0, updatedAt: 0 };

/** The single process's engine over the same file: its alerts, its market, the last event's time. */
async function embedded(): Promise<{ alerts: Alert[]; market: Market; lastTs: number; events: number }> {
  const config = roomyConfig();
  const market = new Market(config);
  const recorded = new Stretches();
  market.recorded = recorded.growing;
  const alerts: Alert[] = [];
  let lastTs = 0;
  let events = 0;
  for await (const e of readEventFile(DAY)) {
    events++;
    if (lastTs === 0) for (const l of configLevels(config, e.ts)) market.addLevel(l);
    if (e.type === 'liquidation') recorded.add(e.ts);
    alerts.push(...market.ingest(e));
    lastTs = e.ts;
  }
  return { alerts, market, lastTs, events };
}

const ingestEnv = (stream: string) => ({ natsUrl: NATS_URL, natsStream: stream, dataDir: '/tmp' });

it('the end of a recording is empty: a reader from before it reads a batch of no events, nothing invalid', () => {
  const end = encodeRecordingEnd('mkt._replay.end', 'run-1');
  expect(end.payload).toBe('');
  expect(decodeEvents(end.payload)).toEqual({ events: [], invalid: 0 });
});

pgNatsSuite('a rehearsal on the scaled-out roles', (suite) => {
  it('--replay refuses a stream holding live market data, naming the settings for a stream and database of its own; a stream of recorded days takes another', async () => {
    const stream = `LBTREH${process.pid}A`;
    const bus = await suite.openBus(stream);
    const config = loadConfig(undefined);
    const signal = new AbortController().signal;
    // A rehearsal stream: a recorded day and a chat's change (gateways publish those on a rehearsal's stream too).
    await runIngestRole({ env: ingestEnv(stream), config, replay: { file: DAY, speed: Infinity }, signal });
    const state = new StatePublisher(bus, { source: 'gateway-test' });
    state.apply({ kind: 'subscription.put', subscription: SUB });
    await state.stop();
    expect(await liveSubject(bus)).toBeUndefined();
    await runIngestRole({ env: ingestEnv(stream), config, replay: { file: DAY, speed: Infinity }, signal });

    // A live ingest's batch (it states its hold and no recorded mark).
    const live = new BusPublisher(bus, { holdMs: 15_000 });
    const liq: MarketEvent = { type: 'liquidation', exchange: 'bybit', symbol: 'ETH/USDT:USDT', ts: Date.now(), side: 'long', price: 2_500, amount: 1, usd: 2_500 };
    live.add(liq);
    await live.stop();
    const before = (await bus.jsm.streams.info(stream)).state.last_seq;
    expect(await liveSubject(bus)).toBe(`${stream.toLowerCase()}.bybit.liquidation`);
    const refused = runIngestRole({ env: ingestEnv(stream), config, replay: { file: DAY, speed: Infinity }, signal });
    await expect(refused).rejects.toThrow(/^--replay refused: the stream LBTREH\d+A holds live market data \(lbtreh\d+a\.bybit\.liquidation\); .*LIQBOT_NATS_STREAM=.*LIQBOT_DATABASE_URL=/);
    await expect(refused).rejects.toThrow(expect.objectContaining({ name: 'ConfigError' }));
    expect((await refused.catch((err: Error) => err.message)) as string).not.toContain('\n');
    // Nothing of the day was published.
    expect((await bus.jsm.streams.info(stream)).state.last_seq).toBe(before);
  }, 60_000);

  it('a replayed day: the core derives its last minutes, its alerts go out with the rehearsal label, and a follower says the file is over', async () => {
    const stream = `LBTREH${process.pid}B`;
    const { store, schema } = await suite.openStore();
    await store.putSubscription(SUB);
    const bus = await suite.openBus(stream);
    const fake = await FakeTelegram.start({ limits: fakeLimits(20) });
    suite.defer(() => fake.close());
    const { alerts: single, market: singleMarket, lastTs, events } = await embedded();
    const expected = route(single, [SUB], 0).map((e) => e.alertKey).sort();
    // Every alert the single process raises from this file comes in its last two minutes: a 5-minute hold keeps them all.
    expect(single.length).toBeGreaterThanOrEqual(3);
    expect(single.every((a) => a.ts > lastTs - 2 * 60_000)).toBe(true);

    const env = { natsUrl: NATS_URL, natsStream: stream, databaseUrl: schemaUrl(PG_URL, schema) };
    const stop = new AbortController();
    suite.defer(() => stop.abort());
    const core = runCoreRole({ env, config: loadConfig(undefined), signal: stop.signal, pollMs: 50 });
    const deliver = runDeliverRole({
      env: { ...env, telegram: { token: fake.token, apiRoot: `${fake.apiRoot}/` } },
      platform: 'telegram',
      signal: stop.signal,
      ttlMs: 2_000,
      pollMs: 200,
      limits: { ...scaleLimits(20), marginMs: 1 },
    });
    await runIngestRole({ env: ingestEnv(stream), config: loadConfig(undefined), replay: { file: DAY, speed: Infinity }, signal: new AbortController().signal });
    const lastSeq = (await bus.jsm.streams.info(stream)).state.last_seq;
    await until(async () => (await store.busOffset(CORE_CONSUMER)) >= lastSeq, 'the core to apply the whole stream', 60_000);

    // The core applied every event: its watermark is the day's last event, not 5 minutes before it.
    const position = await store.busPosition(CORE_CONSUMER);
    expect(position.watermark).toBe(lastTs);
    const rows = (await store.pool.query<{ alert_key: string; alert: string }>('SELECT alert_key, alert FROM outbox ORDER BY id')).rows;
    expect(rows.map((r) => r.alert_key).sort()).toEqual(expected);
    for (const r of rows) expect(rehearsalOf(JSON.parse(r.alert) as object)).toEqual({ at: lastTs, synthetic: false });

    // Delivered with the single process's label (the footer stamp gives each alert's moment).
    // Each row a post or an edit of its running message (a cascade's or flush's tally as it grew).
    const sent = await until(() => fake.events(CHAT).length >= rows.length && fake.sentTo(CHAT), 'the alerts to be delivered', 60_000, 50);
    const label = rehearsalLabel(false);
    expect(label).toBe('REHEARSAL: replay of a recorded day, not live.');
    for (const m of sent) expect(m.text.startsWith(label)).toBe(true);
    stop.abort();
    expect(await core).toBe(0);
    expect(await deliver).toBe(0);

    // A follower (a gateway's market): replaying until the end of the recording, then a recorded file, as the single
    // process says after one; its /liqs is the single process's.
    const config = roomyConfig();
    const follower = new MarketFollower(new Market(config), config);
    const services = createServices({ config, market: follower.market, store: createMemoryStore(), now: () => lastTs });
    const batches = await take(bus, lastSeq, 'follower');
    expect(batches.at(-1)!.end).toBe(true);
    for (const b of batches.slice(0, -1)) follower.apply(b);
    expect(await ask(services, '/status')).toContain('None live: a rehearsal is replaying a recorded day.');
    follower.apply(batches.at(-1)!);
    const status = await ask(services, '/status');
    expect(status).toContain('None live: the data is a recorded file.');
    expect(status).not.toContain('replaying');
    expect(follower.counters.events).toBe(events);
    const singleServices = createServices({ config, market: singleMarket, store: createMemoryStore(), now: () => lastTs });
    expect(status).toBe(await ask(singleServices, '/status'));
    expect(await ask(services, '/liqs btc 24h')).toBe(await ask(singleServices, '/liqs btc 24h'));
  }, 120_000);
});
