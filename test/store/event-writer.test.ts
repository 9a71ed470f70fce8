/**
 * The event writer thread: what it writes is what the store reads after a restart, each event once however
 * often it is sent, nothing posted is lost on close, and a write SQLite refuses reaches the bot's store health
 * (the same fault kind as a write in place) with the events held and written once the store works again.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../config/load.js';
import { LiqBot } from '../../src/bot.js';
import { eventLine, parseEventLine, type MarketEvent } from '../../src/core/events.js';
import { EventPacker, EventUnpacker } from '../../src/store/event-pack.js';
import { StoreError } from '../../src/store/errors.js';
import { openSqliteStore } from '../../src/store/sqlite.js';
import { openEventWriter } from '../../src/store/event-writer.js';
import { DAY, T0, candle, funding, liq, oi, tick, vendorTotal } from './fixtures.js';

let dir: string;
let files = 0;
const dbPath = (): string => join(dir, `writer-${++files}.db`);

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'liqbot-writer-'));
});
afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

/** Every kind of stored event, optional fields present and absent. */
const EVERY_KIND: MarketEvent[] = [
  liq(),
  liq({ ts: T0 + 2_000, side: 'short', exchange: 'okx', usd: 10_000.25 }),
  candle(),
  candle({ ts: T0 + 60_000, volume: undefined }),
  tick(),
  oi(),
  oi({ ts: T0 + 300_000, contracts: undefined }),
  funding(),
  vendorTotal(),
  vendorTotal({ exchange: 'bybit', period: '1h', side: 'short', usd: 1_250_000 }),
];

/** `n` distinct liquidations a second apart from `from`. */
function liquidations(n: number, from = T0): MarketEvent[] {
  return Array.from({ length: n }, (_, i) => liq({ ts: from + i * 1_000, usd: 1_000 + i }));
}

describe('event packing (the thread boundary)', () => {
  it('gives back every kind of event field for field, strings sent once per thread', () => {
    const packer = new EventPacker();
    const unpacker = new EventUnpacker();
    const first = packer.pack(EVERY_KIND);
    expect(unpacker.unpack(first)).toEqual(EVERY_KIND);
    const again = packer.pack(EVERY_KIND);
    expect(again.strings).toEqual([]);
    expect(unpacker.unpack(again)).toEqual(EVERY_KIND);
  });

  it('gives each event back with its keys in the order the file reader makes them (one object shape)', () => {
    const unpacked = new EventUnpacker().unpack(new EventPacker().pack(EVERY_KIND));
    const read = EVERY_KIND.map((e) => {
      const r = parseEventLine(eventLine(e));
      if (!r.ok) throw new Error(r.reason);
      return r.event;
    });
    expect(unpacked.map((e) => Object.keys(e))).toEqual(read.map((e) => Object.keys(e)));
  });

  it('leaves out level events, which the store does not keep', () => {
    const level: MarketEvent = { type: 'level', ts: T0, asset: 'ETH', level: 2_400 };
    const unpacked = new EventUnpacker().unpack(new EventPacker().pack([liq(), level, tick()]));
    expect(unpacked).toEqual([liq(), tick()]);
  });
});

describe('the event writer thread', () => {
  it('writes what the store reads back after a restart, daily totals included', async () => {
    const path = dbPath();
    const store = openSqliteStore(path);
    const writer = openEventWriter(store);
    expect(await writer.write(EVERY_KIND)).toBe(EVERY_KIND.length);
    await writer.close();
    store.close();

    const reopened = openSqliteStore(path);
    const read = [...reopened.eventsSince(0)];
    expect(read).toHaveLength(8); // vendor totals are read through liquidationTotals
    expect(read).toEqual(expect.arrayContaining([liq(), candle(), candle({ ts: T0 + 60_000, volume: undefined }), tick(), oi(), funding()]));
    expect([...reopened.liquidationTotals()]).toHaveLength(2);
    expect([...reopened.dailyTotals(T0 + DAY)]).toEqual([
      { asset: 'ETH', day: T0, side: 'long', exchange: 'binance', usd: 2_938.125 },
      { asset: 'ETH', day: T0, side: 'short', exchange: 'okx', usd: 10_000.25 },
    ]);
    reopened.close();
  });

  it('stores an event sent twice once, and counts it in the daily totals once', async () => {
    const store = openSqliteStore(dbPath());
    const writer = openEventWriter(store);
    const batch = liquidations(3);
    expect(await writer.write(batch)).toBe(3);
    expect(await writer.write([...batch, liq({ ts: T0 + 9_000, usd: 500 })])).toBe(1);
    await writer.close();
    expect([...store.eventsSince(0)]).toHaveLength(4);
    expect([...store.dailyTotals(T0 + DAY)]).toEqual([{ asset: 'ETH', day: T0, side: 'long', exchange: 'binance', usd: 1_000 + 1_001 + 1_002 + 500 }]);
    store.close();
  });

  it('writes every batch posted before close, in order, before close resolves', async () => {
    const store = openSqliteStore(dbPath());
    const writer = openEventWriter(store);
    const answers: number[] = [];
    for (let b = 0; b < 20; b++) void writer.write(liquidations(500, T0 + b * 500_000)).then((n) => answers.push(n));
    expect(writer.pendingEvents).toBe(10_000);
    await writer.close();
    expect(writer.pendingEvents).toBe(0);
    expect(answers).toEqual(Array(20).fill(500));
    expect([...store.eventsSince(0)]).toHaveLength(10_000);
    await expect(writer.write(liquidations(1))).rejects.toMatchObject({ name: 'StoreError', code: 'closed' });
    store.close();
  });

  it('refuses an in-memory store, which a second connection cannot reach', () => {
    const store = openSqliteStore(':memory:');
    expect(() => openEventWriter(store)).toThrow(StoreError);
    store.close();
  });

  it('rejects a write SQLite refuses with a StoreError carrying SQLite’s code, and keeps working', async () => {
    const path = dbPath();
    const store = openSqliteStore(path);
    const writer = openEventWriter(store);
    const admin = new Database(path);
    admin.exec("CREATE TRIGGER refuse BEFORE INSERT ON event_blocks BEGIN SELECT RAISE(ABORT, 'disk says no'); END");
    const err = await writer.write(liquidations(2)).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(StoreError);
    expect((err as StoreError).message).toMatch(/could not insert 2 events into .*disk says no/);
    expect(((err as StoreError).cause as { code?: string }).code).toMatch(/^SQLITE_CONSTRAINT/);
    admin.exec('DROP TRIGGER refuse');
    admin.close();
    expect(await writer.write(liquidations(2))).toBe(2);
    await writer.close();
    store.close();
  });
});

describe('the bot with a writer thread', () => {
  it('shows a refused write in its store health, holds the events, and writes them once the store works again', async () => {
    const path = dbPath();
    const store = openSqliteStore(path);
    const writer = openEventWriter(store);
    const bot = new LiqBot({ config: loadConfig(), store, writer, clockSkewMs: false, batchSize: 100 });
    const admin = new Database(path);
    admin.exec("CREATE TRIGGER refuse BEFORE INSERT ON event_blocks BEGIN SELECT RAISE(ABORT, 'disk says no'); END");
    for (const e of liquidations(250)) bot.ingest(e);
    await bot.drain();
    const failing = bot.health().store;
    expect(failing.ok).toBe(false);
    expect(failing.failing).toEqual([expect.stringMatching(/^insertEvents: SQLITE_CONSTRAINT/)]);
    expect(failing.heldEvents).toBe(250);

    admin.exec('DROP TRIGGER refuse');
    admin.close();
    for (const e of liquidations(50, T0 + DAY / 2)) bot.ingest(e);
    await bot.drain();
    const healthy = bot.health().store;
    expect(healthy.ok).toBe(true);
    expect(healthy.heldEvents).toBe(0);
    await writer.close();
    expect([...store.eventsSince(0)]).toHaveLength(300);
    store.close();
  });

  it('writes levels and their states on its thread, none on the store’s connection; refused, they are held and written later', async () => {
    const path = dbPath();
    const store = openSqliteStore(path);
    const writer = openEventWriter(store);
    const writesHere: string[] = [];
    const spied = new Proxy(store, {
      get(target, key, receiver) {
        const v = Reflect.get(target, key, receiver) as unknown;
        if (typeof v !== 'function') return v;
        if (key === 'putLevel' || key === 'removeLevel' || key === 'saveLevelStates') writesHere.push(key);
        return (v as (...a: unknown[]) => unknown).bind(target);
      },
    });
    const bot = new LiqBot({ config: loadConfig(), store: spied, writer, clockSkewMs: false });
    const admin = new Database(path);
    admin.exec("CREATE TRIGGER refuse BEFORE INSERT ON levels BEGIN SELECT RAISE(ABORT, 'disk says no'); END");
    const ours = { id: 'telegram:1:ETH@2500', asset: 'ETH', level: 2500, chat: 'telegram:1', source: 'chat' as const, createdAt: T0 };
    bot.ingest(tick({ price: 2600 }));
    bot.apply({ kind: 'level.put', level: ours });
    await bot.drain();
    expect(bot.health().store.failing).toEqual([expect.stringMatching(/^saveLevels: SQLITE_CONSTRAINT/)]);
    expect(store.listLevels()).toEqual([]);

    admin.exec('DROP TRIGGER refuse');
    admin.close();
    await bot.drain();
    expect(bot.health().store.ok).toBe(true);
    expect(store.listLevels()).toEqual([ours]);
    expect(store.loadLevelStates()).toMatchObject([{ id: ours.id }]);
    bot.apply({ kind: 'level.remove', id: ours.id });
    await bot.drain();
    expect(store.listLevels()).toEqual([]);
    expect(store.loadLevelStates()).toEqual([]);
    expect(writesHere).toEqual([]);
    await writer.close();
    store.close();
  });
});
