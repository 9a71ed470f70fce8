/**
 * The outbox's prune by age reads an index on created_at (schema 5), not the whole table; a file from before it is
 * upgraded in place with its rows.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { MIGRATIONS, migrate } from '../../src/store/migrations.js';
import { openSqliteStore } from '../../src/store/sqlite.js';
import { T0, entry } from './fixtures.js';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'liqbot-outbox-index-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const PRUNE = "DELETE FROM outbox WHERE status IN ('sent', 'dropped') AND created_at < ?";

it('a schema-4 file gains the index when opened, keeps its outbox, and the prune uses the index', () => {
  const path = join(dir, 'old.db');
  const old = new Database(path);
  migrate(old, path, MIGRATIONS.slice(0, 4));
  const insert = old.prepare("INSERT INTO outbox (chat, alert_key, alert, status, next_attempt_at, created_at) VALUES (?, ?, '{}', 'sent', ?, ?)");
  old.transaction(() => {
    for (let i = 0; i < 500; i++) insert.run('telegram:1', `k${i}`, T0, T0 + i);
  })();
  expect(old.prepare('EXPLAIN QUERY PLAN ' + PRUNE).all(T0).map((r) => (r as { detail: string }).detail).join(' ')).toMatch(/^SCAN outbox/);
  old.close();

  const store = openSqliteStore(path);
  expect(store.schemaVersion).toBe(5);
  store.close();
  const db = new Database(path, { readonly: true });
  const plan = db.prepare('EXPLAIN QUERY PLAN ' + PRUNE).all(T0).map((r) => (r as { detail: string }).detail).join(' ');
  expect(plan).toMatch(/USING INDEX outbox_created/);
  expect(db.prepare('SELECT count(*) FROM outbox').pluck().get()).toBe(500);
  db.close();

  const again = openSqliteStore(path);
  expect(again.pruneOutbox(T0 + 2)).toBe(2);
  again.enqueue([entry('telegram:1', 'new')]);
  expect(again.pendingCount()).toBe(1);
  again.close();
});
