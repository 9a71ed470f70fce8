/**
 * `liqbot migrate`: bring the configured database's schema up to date and say so in one line. With
 * LIQBOT_DATABASE_URL it migrates PostgreSQL (roles refuse a stale schema, so run this before starting them);
 * without it, the embedded SQLite file (which liqbot also upgrades on open).
 */
import type { Env } from '../env.js';
import { openPostgresStore, redactUrl } from './postgres.js';
import { PG_MIGRATIONS } from './migrations-pg.js';

export async function migrateDatabase(env: Pick<Env, 'databaseUrl' | 'dbPath'>): Promise<string> {
  if (env.databaseUrl) {
    const before = await schemaBefore(env.databaseUrl);
    const store = await openPostgresStore({ url: env.databaseUrl, migrate: true, poolSize: 1 });
    await store.close();
    const applied = store.schemaVersion - before;
    return `${redactUrl(env.databaseUrl)}: schema ${store.schemaVersion} of ${PG_MIGRATIONS.length} (${applied === 0 ? 'already up to date' : `applied ${applied}`})`;
  }
  const { openSqliteStore } = await import('./sqlite.js');
  const { MIGRATIONS } = await import('./migrations.js');
  const store = openSqliteStore(env.dbPath);
  store.close();
  return `${env.dbPath}: schema ${store.schemaVersion} of ${MIGRATIONS.length} (SQLite; liqbot also upgrades it when it opens the file)`;
}

/** The version before migrating (0 for an empty database), read without changing anything. */
async function schemaBefore(url: string): Promise<number> {
  const { default: pg } = await import('pg');
  const { pgSchemaVersion } = await import('./migrations-pg.js');
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 10_000 });
  try {
    await client.connect();
    return await pgSchemaVersion(client);
  } catch {
    return 0; // openPostgresStore reports an unreachable server in its own words
  } finally {
    await client.end().catch(() => undefined);
  }
}
