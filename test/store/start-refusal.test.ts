/**
 * Which failures to open a store are for good (`liqbot start` exits 78 and systemd leaves it stopped) and which may
 * pass (exit 1: started again): real refusals of the SQLite and PostgreSQL stores.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { StoreError, refusedForGood } from '../../src/store/errors.js';
import { MIGRATIONS } from '../../src/store/migrations.js';
import { openPostgresStore } from '../../src/store/postgres.js';
import { openSqliteStore } from '../../src/store/sqlite.js';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'liqbot-refusal-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

function refusal(open: () => unknown): StoreError {
  try {
    open();
  } catch (err) {
    expect(err).toBeInstanceOf(StoreError);
    return err as StoreError;
  }
  throw new Error('opened');
}

it('a damaged file, a newer schema, a read-only file and another liqbot on the file are for good', () => {
  const damaged = join(dir, 'damaged.db');
  writeFileSync(damaged, 'not a database at all, but long enough to be read as a header of one ........');
  expect(refusedForGood(refusal(() => openSqliteStore(damaged)))).toBe(true);

  const newer = join(dir, 'newer.db');
  const db = new Database(newer);
  db.pragma(`user_version = ${MIGRATIONS.length + 1}`);
  db.close();
  expect(refusedForGood(refusal(() => openSqliteStore(newer)))).toBe(true);

  const ro = join(dir, 'ro.db');
  openSqliteStore(ro).close();
  expect(refusedForGood(refusal(() => openSqliteStore(ro, { open: (f) => new Database(f, { readonly: true }) })))).toBe(true);

  const held = openSqliteStore(join(dir, 'held.db'));
  try {
    expect(refusedForGood(refusal(() => openSqliteStore(join(dir, 'held.db'))))).toBe(true);
  } finally {
    held.close();
  }
});

it('a write lock another process held for a moment, and a PostgreSQL server that does not answer, may pass', async () => {
  // An upgrade that waited its 5 s for another process's write lock in vain (as openSqliteStore words it).
  const busy = Object.assign(new Error('database is locked'), { code: 'SQLITE_BUSY' });
  expect(refusedForGood(new StoreError('could not upgrade data/liqbot.db to schema 5 (…): database is locked', 'open', { cause: busy }))).toBe(false);
  let down: unknown;
  await openPostgresStore({ url: 'postgres://liqbot@127.0.0.1:1/none' }).catch((err: unknown) => (down = err));
  expect(down).toBeInstanceOf(StoreError);
  expect(refusedForGood(down as StoreError)).toBe(false);
});
