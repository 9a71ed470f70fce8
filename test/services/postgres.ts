/**
 * The local PostgreSQL for tests (127.0.0.1:5432, trust auth, database `test`): whether it answers, and
 * throwaway schemas named after this run, dropped at the end. `.ci/run` starts the server; without it the
 * PostgreSQL suites are skipped with a line saying why, so `npm test` passes with no services.
 */
import pg from 'pg';

export const PG_URL = process.env.LIQBOT_TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

/** Undefined when the server answers; otherwise why the PostgreSQL tests are skipped. */
export async function pgUnavailable(): Promise<string | undefined> {
  const client = new pg.Client({ connectionString: PG_URL, connectionTimeoutMillis: 2_000 });
  try {
    await client.connect();
    await client.query('SELECT 1');
    return undefined;
  } catch (err) {
    return `PostgreSQL tests skipped: ${PG_URL} does not answer (${(err as Error).message}); .ci/run starts it`;
  } finally {
    await client.end().catch(() => undefined);
  }
}

const RUN = `lbt_${process.pid}_${Math.random().toString(36).slice(2, 8)}`;
let schemas = 0;

/** A new schema name for this run (created by whoever migrates it). */
export function schemaName(): string {
  return `${RUN}_${++schemas}`;
}

/** Drop every schema this run created. */
export async function dropRunSchemas(): Promise<void> {
  const client = new pg.Client({ connectionString: PG_URL });
  await client.connect();
  try {
    const r = await client.query<{ s: string }>('SELECT nspname AS s FROM pg_namespace WHERE nspname LIKE $1', [`${RUN}\\_%`]);
    for (const { s } of r.rows) await client.query(`DROP SCHEMA ${s} CASCADE`);
  } finally {
    await client.end();
  }
}
