/**
 * The frame the test/bus suites on the real PostgreSQL alone share (the core engine's, driven batch by batch, no
 * NATS; `.ci/run` starts the server):
 *  - skipped, saying why (one line, printed when the file loads), unless PostgreSQL answers;
 *  - each test's stores (`openStore()`: a new schema, migrated) closed after the test;
 *  - after the suite, the run's schemas dropped.
 */
import { afterAll, afterEach, describe } from 'vitest';
import { openPostgresStore, type PostgresStore } from '../../src/store/postgres.js';
import { PG_URL, dropRunSchemas, pgUnavailable, schemaName } from '../services/postgres.js';

const unavailable = await pgUnavailable();
if (unavailable) console.warn(unavailable);

export interface PgSuite {
  /** A store on a new schema of this test's own, migrated; closed after the test. */
  openStore(): Promise<PostgresStore>;
}

/** `describe(name, …)` in the frame above, skipped without PostgreSQL. */
export function pgSuite(name: string, body: (suite: PgSuite) => void): void {
  describe.skipIf(unavailable !== undefined)(name, () => {
    const open: PostgresStore[] = [];
    afterEach(async () => {
      for (const store of open.splice(0)) await store.close();
    });
    afterAll(async () => {
      await dropRunSchemas();
    });
    body({
      async openStore() {
        const store = await openPostgresStore({ url: PG_URL, schema: schemaName(), migrate: true });
        open.push(store);
        return store;
      },
    });
  });
}
