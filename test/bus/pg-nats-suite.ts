/**
 * The frame the test/bus suites on the real PostgreSQL and NATS share (`.ci/run` starts both):
 *  - skipped, saying why (one line, printed when the file loads), unless both answer;
 *  - each test's own schema (`openStore()`: migrated, its store closed after the test), and stream if it names
 *    one (`openBus()`: deleted after the test);
 *  - the environment a role process needs for a schema and a stream (`roleEnv()`);
 *  - after each test, the child processes still running killed (children.ts), then what the test deferred
 *    undone, the last first;
 *  - after the suite, the run's schemas dropped and the file's role stream (`stream`, if the suite named it)
 *    deleted.
 */
import { afterAll, afterEach, describe } from 'vitest';
import { connectBus, type Bus } from '../../src/bus/stream.js';
import { openPostgresStore, type PostgresStore } from '../../src/store/postgres.js';
import { NATS_URL, dropStream, natsUnavailable, roleStream } from '../services/nats.js';
import { PG_URL, dropRunSchemas, pgUnavailable, schemaName } from '../services/postgres.js';
import { killChildren, schemaUrl } from './children.js';

const unavailable = (await pgUnavailable()) ?? (await natsUnavailable());
if (unavailable) console.warn(unavailable);

export interface PgNatsSuite {
  /** This file's stream for role processes (`roleStream()`, their own, deleted after the suite), named on first use. */
  readonly stream: string;
  /** Undo something after the current test, once its child processes are killed; the last deferred runs first. */
  defer(undo: () => Promise<unknown> | unknown): void;
  /** A new schema of this test's own, migrated; its store is closed after the test. */
  openStore(): Promise<{ store: PostgresStore; schema: string }>;
  /** A bus on the stream `name` (its lower case the subject prefix, as role processes use it); the stream is deleted after the test. */
  openBus(name: string): Promise<Bus>;
  /** What a role process needs to use `schema` and `stream` (the suite's unless named). */
  roleEnv(schema: string, stream?: string): { LIQBOT_DATABASE_URL: string; LIQBOT_NATS_URL: string; LIQBOT_NATS_STREAM: string };
}

/** `describe(name, …)` in the frame above, skipped without PostgreSQL or NATS. */
export function pgNatsSuite(name: string, body: (suite: PgNatsSuite) => void): void {
  describe.skipIf(unavailable !== undefined)(name, () => {
    const undos: (() => Promise<unknown> | unknown)[] = [];
    let stream: string | undefined;
    afterEach(async () => {
      await killChildren();
      for (const undo of undos.splice(0).reverse()) await undo();
    });
    afterAll(async () => {
      await dropRunSchemas();
      if (stream !== undefined) await dropStream(stream);
    });
    const suite: PgNatsSuite = {
      get stream() {
        return (stream ??= roleStream());
      },
      defer(undo) {
        undos.push(undo);
      },
      async openStore() {
        const schema = schemaName();
        const store = await openPostgresStore({ url: PG_URL, schema, migrate: true });
        undos.push(() => store.close());
        return { store, schema };
      },
      async openBus(name) {
        const bus = await connectBus({ url: NATS_URL, stream: name, prefix: name.toLowerCase() });
        undos.push(async () => {
          await bus.jsm.streams.delete(name).catch(() => undefined);
          await bus.close();
        });
        return bus;
      },
      roleEnv(schema, s = suite.stream) {
        return { LIQBOT_DATABASE_URL: schemaUrl(PG_URL, schema), LIQBOT_NATS_URL: NATS_URL, LIQBOT_NATS_STREAM: s };
      },
    };
    body(suite);
  });
}
