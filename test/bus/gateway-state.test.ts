/**
 * Changes of state on the market stream (src/bus/state.ts): a command's change published by a gateway reaches
 * every reader in stream order, is applied by a follower to its market (so `/levels` shows it), a publish retried
 * after a lost acknowledgement is stored once, and a hostile or broken payload is counted invalid, never applied.
 * The decoding tests need no server; the stream tests run on the local nats-server and are skipped without it.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { runCommandLine } from '../../commands/index.js';
import { loadConfig } from '../../config/load.js';
import { encodeEvents } from '../../src/bus/batch.js';
import { MarketFollower } from '../../src/bus/follower.js';
import { BusPublisher } from '../../src/bus/publisher.js';
import { decodeStateChanges, encodeStateChanges, publishStateChanges, StatePublisher, stateSubject } from '../../src/bus/state.js';
import { subjectOf, type Bus } from '../../src/bus/stream.js';
import type { Candle } from '../../src/core/events.js';
import { Market } from '../../src/core/market.js';
import type { Level } from '../../src/core/levels.js';
import { renderTerminal } from '../../src/adapters/terminal/render.js';
import { createServices } from '../../src/service.js';
import type { StateChange } from '../../src/state/changes.js';
import { createMemoryStore } from '../../src/store/memory.js';
import type { Subscription } from '../../src/store/store.js';
import { natsUnavailable, take, testBus } from '../services/nats.js';

const T0 = Date.UTC(2026, 0, 31, 12);
const level: Level = { id: 'telegram:-100:ETH@2750', asset: 'ETH', level: 2_750, label: 'prior support', chat: 'telegram:-100', source: 'chat', createdAt: T0 };
const zone: Level = { id: 'telegram:-100:ETH@2600-2650', asset: 'ETH', level: [2_600, 2_650], chat: 'telegram:-100', source: 'chat', createdAt: T0 };
const sub: Subscription = { chat: 'telegram:-100', enabled: true, assets: ['ETH'], families: ['cascade', 'level'], minUsd: 1_000_000, updatedAt: T0 };
const VALID: StateChange[] = [
  { kind: 'level.put', level },
  { kind: 'level.put', level: zone },
  { kind: 'level.remove', id: 'ETH@2350' },
  { kind: 'subscription.put', subscription: sub },
  { kind: 'subscription.remove', chat: 'discord:42' },
  { kind: 'chat.move', from: 'telegram:-100', to: 'telegram:-1001', at: T0 },
];

describe('state changes as stream payloads', () => {
  it('every kind of change comes back from its encoding unchanged', () => {
    const encoded = encodeStateChanges('mkt', VALID, 'gateway-1');
    expect(encoded.subject).toBe('mkt._state.change');
    expect(decodeStateChanges(encoded.payload)).toEqual({ changes: VALID, invalid: 0 });
  });

  it('a hostile or broken line is counted invalid and dropped; the valid lines around it are kept', () => {
    const hostile = [
      'not json',
      '{"kind":"level.put"}',
      '{"kind":"level.drop_table","id":"x"}',
      JSON.stringify({ kind: 'level.put', level: { ...level, level: -5 } }),
      JSON.stringify({ kind: 'level.put', level: { ...level, level: [2_700, 2_600] } }),
      JSON.stringify({ kind: 'level.put', level: { ...level, level: 1e300 } }),
      JSON.stringify({ kind: 'level.put', level: { ...level, asset: 'ETH<script>' } }),
      JSON.stringify({ kind: 'level.put', level: { ...level, source: 'admin' } }),
      JSON.stringify({ kind: 'level.put', level: { ...level, label: 'x'.repeat(5_000) } }),
      JSON.stringify({ kind: 'subscription.put', subscription: { ...sub, families: ['cascade', 'everything'] } }),
      JSON.stringify({ kind: 'subscription.put', subscription: { ...sub, minUsd: '0' } }),
      JSON.stringify({ kind: 'subscription.remove', chat: '' }),
      JSON.stringify({ kind: 'chat.move', from: 'a', to: 'b' }),
      '[1,2,3]',
      'null',
    ];
    const payload = [JSON.stringify(VALID[0]), ...hostile, JSON.stringify(VALID[2])].join('\n');
    expect(decodeStateChanges(payload)).toEqual({ changes: [VALID[0], VALID[2]], invalid: hostile.length });
  });

  it('keys a change does not have are dropped, not carried into the engine', () => {
    const line = JSON.stringify({ kind: 'level.remove', id: 'ETH@2350', sql: 'DROP TABLE levels', __proto__x: 1 });
    const withProto = '{"kind":"level.remove","id":"ETH@2350","__proto__":{"polluted":true}}';
    const { changes, invalid } = decodeStateChanges(`${line}\n${withProto}`);
    expect(invalid).toBe(0);
    expect(changes).toEqual([{ kind: 'level.remove', id: 'ETH@2350' }, { kind: 'level.remove', id: 'ETH@2350' }]);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('gives every message an id of its own, led by the writer', () => {
    const a = encodeStateChanges('mkt', [VALID[2]!], 'gateway-1');
    const b = encodeStateChanges('mkt', [VALID[2]!], 'gateway-1');
    expect(a.payload).toBe(b.payload);
    expect(a.msgId).not.toBe(b.msgId);
    expect(a.msgId.startsWith('gateway-1:')).toBe(true);
  });
});

const unavailable = await natsUnavailable();
if (unavailable) console.warn(unavailable);

const candle = (i: number, close: number): Candle => ({
  type: 'candle', ts: T0 + i * 60_000, exchange: 'binance', symbol: 'ETH/USDT:USDT', timeframe: '1m', open: close, high: close + 1, low: close - 1, close,
});

describe.skipIf(unavailable !== undefined)('state changes on the stream', () => {
  const buses: (Bus & { drop(): Promise<void> })[] = [];
  const bus = async () => {
    const b = await testBus();
    buses.push(b);
    return b;
  };
  afterEach(async () => {
    for (const b of buses.splice(0)) await b.drop();
  });

  it('a level published between market batches reaches the follower in stream order, and /levels shows it', async () => {
    const b = await bus();
    const events = new BusPublisher(b);
    await events.publish(encodeEvents(subjectOf(b.prefix, 'binance', 'candle'), [candle(0, 2_800), candle(1, 2_801)]));
    const state = new StatePublisher(b, { source: 'gateway-1' });
    state.apply({ kind: 'level.put', level });
    state.apply({ kind: 'level.put', level: zone });
    state.apply({ kind: 'level.remove', id: zone.id });
    await state.flush();
    expect(state.published).toBe(3);
    await events.publish(encodeEvents(subjectOf(b.prefix, 'binance', 'candle'), [candle(2, 2_802)]));

    const batches = await take(b, 5, 'gateway-1');
    expect(batches.map((x) => x.subject)).toEqual([`${b.prefix}.binance.candle`, stateSubject(b.prefix), stateSubject(b.prefix), stateSubject(b.prefix), `${b.prefix}.binance.candle`]);
    expect(batches[1]).toMatchObject({ events: [], changes: [{ kind: 'level.put', level }], invalid: 0 });

    const config = loadConfig(undefined);
    const follower = new MarketFollower(new Market(config), config, { holdMs: 0 });
    for (const x of batches) follower.apply(x);
    follower.drain();
    expect(follower.counters).toMatchObject({ batches: 5, changes: 3, invalid: 0, events: 3 });
    expect(follower.market.levels.all().filter((l) => l.source === 'chat')).toEqual([level]);

    const services = createServices({ config, market: follower.market, store: createMemoryStore(), now: () => T0 + 3 * 60_000 });
    const reply = await runCommandLine('/levels eth', { chat: { key: 'telegram:-100', platform: 'telegram', kind: 'group' }, user: { id: 'u1' }, isAdmin: false, now: T0 + 3 * 60_000, services });
    const text = renderTerminal(reply, false);
    expect(text).toContain('2,750');
    expect(text).toContain('prior support');
    expect(text).not.toContain('2,600');
  });

  it('a publish whose acknowledgement was lost is retried with the same id and stored once', async () => {
    const b = await bus();
    let failures = 1;
    const flaky = {
      prefix: b.prefix,
      js: {
        publish: async (...args: Parameters<Bus['js']['publish']>) => {
          const ack = await b.js.publish(...args);
          if (failures-- > 0) throw new Error('timeout waiting for the acknowledgement');
          return ack;
        },
      } as Bus['js'],
    };
    const waits: number[] = [];
    await publishStateChanges(flaky, [VALID[0]!, VALID[3]!], { source: 'gateway-2', sleep: async (ms) => void waits.push(ms) });
    expect(waits).toEqual([250]);
    expect((await b.jsm.streams.info(b.stream)).state.messages).toBe(1);
    const [batch] = await take(b, 1, 'retry');
    expect(batch!.changes).toEqual([VALID[0], VALID[3]]);
  });

  it('a hostile message on the state subject is counted invalid and changes nothing', async () => {
    const b = await bus();
    await b.js.publish(stateSubject(b.prefix), ['{"kind":"level.put","level":{"id":"x","asset":"ETH","level":-1,"source":"chat","createdAt":0}}', '\u0000garbage'].join('\n'));
    await publishStateChanges(b, [{ kind: 'level.put', level }]);
    const batches = await take(b, 2, 'hostile');
    expect(batches[0]).toMatchObject({ changes: [], invalid: 2 });
    const config = loadConfig(undefined);
    const follower = new MarketFollower(new Market(config), config);
    for (const x of batches) follower.apply(x);
    expect(follower.counters).toMatchObject({ invalid: 2, changes: 1 });
    expect(follower.market.levels.all().map((l) => l.id)).toEqual([level.id]);
  });

  it('subscriptions reach the follower\'s writer in order (a core passes its own, which stores them)', async () => {
    const b = await bus();
    const state = new StatePublisher(b, { source: 'gateway-3' });
    state.apply({ kind: 'subscription.put', subscription: sub });
    state.apply({ kind: 'subscription.put', subscription: { ...sub, minUsd: 5_000_000, updatedAt: T0 + 1 } });
    await state.flush();
    const seen: StateChange[] = [];
    const config = loadConfig(undefined);
    const follower = new MarketFollower(new Market(config), config, { state: { apply: (c) => void seen.push(c) } });
    for (const x of await take(b, 2, 'subs')) follower.apply(x);
    expect(seen.map((c) => (c.kind === 'subscription.put' ? c.subscription.minUsd : -1))).toEqual([1_000_000, 5_000_000]);
  });
});
