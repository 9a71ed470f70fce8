/**
 * The PostgreSQL store: the Store contract against a real server (a throwaway schema per store), and what
 * only a server database has: migrations run by `liqbot migrate` and checked by everyone else, messages that
 * never show the password, a server that does not answer. Skipped, saying why, when PostgreSQL is not running.
 */
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { StoreError } from '../../src/store/errors.js';
import { migrateDatabase } from '../../src/store/migrate.js';
import { PG_MIGRATIONS, migratePg, pgSchemaVersion } from '../../src/store/migrations-pg.js';
import { openPostgresStore, redactUrl, type PostgresStore } from '../../src/store/postgres.js';
import { PG_URL, dropRunSchemas, pgUnavailable, schemaName } from '../services/postgres.js';
import { asyncStoreContract } from './contract.js';
import { T0, entry, liq } from './fixtures.js';

const unavailable = await pgUnavailable();
if (unavailable) console.warn(unavailable);

describe.skipIf(unavailable !== undefined)('PostgreSQL store', () => {
  afterAll(async () => {
    await dropRunSchemas();
  });

  // A store per contract test; a closed one's schema is emptied and reused (migrating a new one costs ~0.3 s).
  const emptied: string[] = [];
  asyncStoreContract('postgres', async () => {
    let schema = emptied.pop();
    const reused = schema !== undefined;
    schema ??= schemaName();
    const store = await openPostgresStore({ url: PG_URL, schema, migrate: !reused, poolSize: 2 });
    // DELETE is ~6× quicker than TRUNCATE on these few rows.
    if (reused) for (const table of TABLES) await store.pool.query(`DELETE FROM ${table}`);
    const close = store.close.bind(store);
    let reusable = true;
    return Object.assign(store, {
      close: async () => {
        await close();
        if (reusable) emptied.push(schema);
        reusable = false;
      },
    });
  });

  const opened: PostgresStore[] = [];
  const open = async (schema: string, migrate = false): Promise<PostgresStore> => {
    const store = await openPostgresStore({ url: PG_URL, schema, migrate, poolSize: 2 });
    opened.push(store);
    return store;
  };
  afterAll(async () => {
    for (const s of opened) await s.close();
  });

  const TABLES = ['events', 'daily_liquidations', 'liquidation_totals', 'levels', 'level_states', 'subscriptions', 'outbox', 'gaps', 'bus_offsets'];

  async function withClient<T>(schema: string, fn: (c: pg.Client) => Promise<T>): Promise<T> {
    const c = new pg.Client({ connectionString: PG_URL, options: `-c search_path=${schema}` });
    await c.connect();
    try {
      return await fn(c);
    } finally {
      await c.end();
    }
  }

  it('refuses a schema that was never migrated, saying to run liqbot migrate', async () => {
    const schema = schemaName();
    await withClient(schema, (c) => c.query(`CREATE SCHEMA ${schema}`));
    const err = await openPostgresStore({ url: PG_URL, schema }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(StoreError);
    expect((err as StoreError).code).toBe('open');
    expect((err as StoreError).message).toContain(`is at schema 0, this liqbot needs ${PG_MIGRATIONS.length}: run \`liqbot migrate\` first`);
  });

  it('migrates once: a second migrate changes nothing, and the data written in between stays', async () => {
    const schema = schemaName();
    const store = await open(schema, true);
    expect(store.schemaVersion).toBe(PG_MIGRATIONS.length);
    await store.insertEvents([liq()]);
    const again = await open(schema, true);
    expect(again.schemaVersion).toBe(PG_MIGRATIONS.length);
    const rows = await withClient(schema, (c) => c.query<{ n: string }>('SELECT count(*) AS n FROM schema_migrations'));
    expect(Number(rows.rows[0]!.n)).toBe(PG_MIGRATIONS.length);
    expect(await again.insertEvents([liq()])).toBe(0);
  });

  it('lets two migrators race: the advisory lock serialises them and each step is applied once', async () => {
    const schema = schemaName();
    await withClient(schema, (c) => c.query(`CREATE SCHEMA ${schema}`));
    const run = () => withClient(schema, (c) => migratePg(c, schema));
    const results = await Promise.all([run(), run(), run()]);
    expect(results.map((r) => r.to)).toEqual([PG_MIGRATIONS.length, PG_MIGRATIONS.length, PG_MIGRATIONS.length]);
    expect(results.filter((r) => r.from === 0)).toHaveLength(1);
    expect(await withClient(schema, (c) => pgSchemaVersion(c))).toBe(PG_MIGRATIONS.length);
  });

  it('refuses a schema written by a newer liqbot, naming both versions', async () => {
    const schema = schemaName();
    await open(schema, true);
    await withClient(schema, (c) => c.query("INSERT INTO schema_migrations (version, description, applied_at) VALUES ($1, 'from the future', 0)", [PG_MIGRATIONS.length + 1]));
    const err = await openPostgresStore({ url: PG_URL, schema, migrate: true }).catch((e: unknown) => e);
    expect((err as StoreError).message).toContain(`written by a newer liqbot (schema ${PG_MIGRATIONS.length + 1}; this one knows up to ${PG_MIGRATIONS.length})`);
  });

  it('keeps event identity across a reconnect: the same events inserted by another connection count as nothing', async () => {
    const schema = schemaName();
    const a = await open(schema, true);
    const b = await open(schema);
    const batch = [liq({ ts: T0 + 1 }), liq({ ts: T0 + 2, side: 'short' })];
    expect(await a.insertEvents(batch)).toBe(2);
    expect(await b.insertEvents([...batch, liq({ ts: T0 + 3 })])).toBe(1);
    expect(await b.dailyTotals(Infinity)).toEqual([
      { asset: 'ETH', day: T0, side: 'long', exchange: 'binance', usd: 2 * liq().usd },
      { asset: 'ETH', day: T0, side: 'short', exchange: 'binance', usd: liq().usd },
    ]);
  });

  it('queues an alert once when two processes enqueue the same (chat, alert key) at the same time', async () => {
    const schema = schemaName();
    const a = await open(schema, true);
    const b = await open(schema);
    const entries = Array.from({ length: 300 }, (_, i) => entry(`telegram:-${i % 30}`, `cascade:c${i}:start`));
    const [ia, ib] = await Promise.all([a.enqueue(entries), b.enqueue([...entries].reverse())]);
    expect(ia.length + ib.length).toBe(300);
    expect(await a.pendingCount()).toBe(300);
    const due = await b.duePending(T0, 1_000);
    expect(due.map((e) => e.id)).toEqual([...due.map((e) => e.id)].sort((x, y) => x - y));
  });

  it("reads one platform's due alerts only, however many another platform's deliverer left (and those after an id)", async () => {
    const a = await open(schemaName(), true);
    // 5 Discord entries first, then a Telegram one: a read limited to 3 of all would not reach it.
    const ids = await a.enqueue([
      ...Array.from({ length: 5 }, (_, i) => entry(`discord:${i}`, `cascade:d${i}:start`)),
      entry('telegram:-1', 'cascade:t1:start'),
      entry('telegram:-2', 'cascade:t2:start'),
    ]);
    expect((await a.duePendingFor('telegram', T0, 3)).map((e) => e.chat)).toEqual(['telegram:-1', 'telegram:-2']);
    expect((await a.duePendingFor('telegram', T0, 3, ids[5])).map((e) => e.chat)).toEqual(['telegram:-2']);
    expect(await a.duePendingFor('discord', T0, 10)).toHaveLength(5);
  });

  it('stores a batch far larger than one statement (chunked) and reads it back in pages, in order', async () => {
    const store = await open(schemaName(), true);
    const batch = Array.from({ length: 12_345 }, (_, i) => liq({ ts: T0 + Math.floor(i / 3), usd: 1 + (i % 3) }));
    expect(await store.insertEvents(batch)).toBe(12_345);
    let n = 0;
    let last = -Infinity;
    for await (const e of store.eventsSince(0)) {
      expect(e.ts).toBeGreaterThanOrEqual(last);
      last = e.ts;
      n++;
    }
    expect(n).toBe(12_345);
    expect(await store.dailyTotals(Infinity)).toEqual([{ asset: 'ETH', day: T0, side: 'long', exchange: 'binance', usd: 4_115 * 6 }]);
  });

  it('liqbot migrate: applies the schema once, then reports it up to date, in one line without the password', async () => {
    const schema = schemaName();
    await withClient(schema, (c) => c.query(`CREATE SCHEMA ${schema}`));
    const url = `${PG_URL.replace('postgres://postgres@', 'postgres://postgres:not-needed@')}?options=-c%20search_path%3D${schema}`;
    const first = await migrateDatabase({ databaseUrl: url, dbPath: 'unused.db' });
    expect(first).toMatch(new RegExp(`^postgres://postgres@127\\.0\\.0\\.1:5432/test\\?options=.*: schema ${PG_MIGRATIONS.length} of ${PG_MIGRATIONS.length} \\(applied ${PG_MIGRATIONS.length}\\)$`));
    expect(first).not.toContain('not-needed');
    expect(await migrateDatabase({ databaseUrl: url, dbPath: 'unused.db' })).toMatch(/\(already up to date\)$/);
    expect(await withClient(schema, (c) => pgSchemaVersion(c))).toBe(PG_MIGRATIONS.length);
  });

  it('says which database failed without its password, and refuses when the server does not answer', async () => {
    expect(redactUrl('postgres://liqbot:hunter2@db.internal:5432/liqbot')).toBe('postgres://liqbot@db.internal:5432/liqbot');
    const err = await openPostgresStore({ url: 'postgres://liqbot:hunter2@127.0.0.1:1/liqbot' }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(StoreError);
    expect((err as StoreError).code).toBe('open');
    expect((err as StoreError).message).toMatch(/^could not open postgres:\/\/liqbot@127\.0\.0\.1:1\/liqbot: .*ECONNREFUSED/);
    expect((err as StoreError).message).not.toContain('hunter2');
  });
});
