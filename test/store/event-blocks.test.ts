/**
 * Raw events kept as blocks (src/store/event-blocks.ts): what the per-event table promised, against the memory
 * store as the model: each event stored once whatever batches it comes in (overlapping in time, repeated, late),
 * read back in (ts, hash) order from any time, pruned by time with blocks cut in the middle; and an older file's
 * per-event rows moved into blocks by the migration.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MarketEvent } from '../../src/core/events.js';
import { eventHash, type RawEvent } from '../../src/store/hash.js';
import { createMemoryStore } from '../../src/store/memory.js';
import { MIGRATIONS, migrate } from '../../src/store/migrations.js';
import { openSqliteStore } from '../../src/store/sqlite.js';
import { DAY, T0, candle, liq, rawEventArb, tick } from './fixtures.js';

let dir: string;
let files = 0;
const dbPath = (): string => join(dir, `blocks-${++files}.db`);
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'liqbot-blocks-'));
});
afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

type Op = { kind: 'insert'; events: MarketEvent[] } | { kind: 'again'; batch: number; from: number } | { kind: 'prune'; before: number; after: number };

const opArb: fc.Arbitrary<Op> = fc.oneof(
  { arbitrary: fc.array(rawEventArb, { minLength: 1, maxLength: 40 }).map((events) => ({ kind: 'insert' as const, events })), weight: 5 },
  { arbitrary: fc.record({ kind: fc.constant('again' as const), batch: fc.nat(), from: fc.nat() }), weight: 2 },
  {
    arbitrary: fc
      .tuple(fc.integer({ min: -1, max: 30 }), fc.integer({ min: 0, max: 30 }))
      .map(([b, a]) => ({ kind: 'prune' as const, before: T0 - DAY + b * 3 * 3_600_000, after: T0 + a * 3 * 3_600_000 })),
    weight: 1,
  },
);

describe('market events as blocks', () => {
  it('stores, reads and prunes exactly as the per-event model does, whatever the batches', () => {
    fc.assert(
      fc.property(fc.array(opArb, { minLength: 1, maxLength: 12 }), fc.integer({ min: 0, max: 24 }), (ops, fromStep) => {
        const sqlite = openSqliteStore(':memory:');
        const model = createMemoryStore();
        const batches: MarketEvent[][] = [];
        try {
          for (const op of ops) {
            if (op.kind === 'prune') {
              expect(sqlite.pruneEvents(op.before, op.after)).toBe(model.pruneEvents(op.before, op.after));
              continue;
            }
            // A batch again, from some event on, with new ones: what a feed resends after a reconnect.
            const events = op.kind === 'insert' ? op.events : [...(batches[op.batch % Math.max(1, batches.length)] ?? []).slice(op.from % 5), liq({ ts: T0 + op.from })];
            batches.push(events);
            expect(sqlite.insertEvents(events)).toBe(model.insertEvents(events));
          }
          const from = T0 - DAY + fromStep * 3 * 3_600_000;
          expect([...sqlite.eventsSince(from)]).toEqual([...model.eventsSince(from)]);
          expect([...sqlite.dailyTotals(Infinity)].length).toBe([...model.dailyTotals(Infinity)].length);
        } finally {
          sqlite.close();
          model.close();
        }
      }),
      { numRuns: 150 },
    );
  });

  it('reads blocks that overlap in time as one sequence, late events in their place', () => {
    const store = openSqliteStore(':memory:');
    const a = Array.from({ length: 50 }, (_, i) => liq({ ts: T0 + 10 * i, usd: 1000 + i }));
    const late = Array.from({ length: 50 }, (_, i) => liq({ ts: T0 + 10 * i + 5, usd: 2000 + i }));
    expect(store.insertEvents(a)).toBe(50);
    expect(store.insertEvents([...late.slice(25), ...a.slice(40)])).toBe(25); // the last ten of the first batch are stored
    expect(store.insertEvents(late.slice(0, 25))).toBe(25);
    const read = [...store.eventsSince(T0 + 100)];
    expect(read.map((e) => e.ts)).toEqual([...a, ...late].map((e) => e.ts).filter((ts) => ts >= T0 + 100).sort((x, y) => x - y));
    // Three blocks; pruning through the middle of them cuts each, and keeps what is left readable.
    expect(store.pruneEvents(T0 + 200, T0 + 300)).toBe(100 - 21);
    expect([...store.eventsSince(0)].map((e) => e.ts)).toEqual(Array.from({ length: 21 }, (_, i) => T0 + 200 + 5 * i));
    store.close();
  });

  it('moves an older file’s per-event rows into blocks, keeping their order and their identity', () => {
    const path = dbPath();
    const db = new Database(path);
    migrate(db, path, MIGRATIONS.slice(0, 3));
    const events: RawEvent[] = [liq({ ts: T0 + 2 }), candle({ ts: T0 + 1 }), tick({ ts: T0 }), ...Array.from({ length: 12_000 }, (_, i) => liq({ ts: T0 + 3 + (i >> 1), usd: 1 + i }))];
    const put = db.prepare(`INSERT INTO events (ts, hash, type, exchange, symbol, side, timeframe, price, amount, usd, open, high, low, close, volume)
      VALUES (@ts, @hash, @type, @exchange, @symbol, @side, @timeframe, @price, @amount, @usd, @open, @high, @low, @close, @volume)`);
    db.transaction(() => {
      for (const e of events) {
        const c = e as unknown as Partial<Record<string, unknown>>;
        put.run({ ts: e.ts, hash: eventHash(e), type: e.type, exchange: e.exchange, symbol: e.symbol, side: c.side ?? null, timeframe: c.timeframe ?? null, price: c.price ?? null, amount: c.amount ?? null, usd: c.usd ?? null, open: c.open ?? null, high: c.high ?? null, low: c.low ?? null, close: c.close ?? null, volume: c.volume ?? null });
      }
    })();
    db.close();

    const store = openSqliteStore(path);
    expect(store.schemaVersion).toBe(MIGRATIONS.length);
    const model = createMemoryStore();
    model.insertEvents(events);
    expect([...store.eventsSince(0)]).toEqual([...model.eventsSince(0)]);
    expect(store.insertEvents(events.slice(0, 5000))).toBe(0); // known: the identity moved with them
    expect(store.insertEvents([liq({ ts: T0 + 2, usd: 7 })])).toBe(1);
    store.close();
    const raw = new Database(path, { readonly: true });
    expect(raw.prepare("SELECT count(*) AS n FROM sqlite_master WHERE name = 'events'").get()).toEqual({ n: 0 });
    expect(raw.prepare('SELECT count(*) AS blocks, sum(count) AS events FROM event_blocks').get()).toEqual({ blocks: 4, events: events.length + 1 });
    raw.close();
  });
});
