/** The schema version check at its edge: exactly the versions this code knows are opened, one more is refused. */
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { StoreError } from '../../src/store/errors.js';
import { MIGRATIONS, migrate, schemaVersion } from '../../src/store/migrations.js';

describe('schema version check', () => {
  it('a file at the newest known version N opens as it is', () => {
    const db = new Database(':memory:');
    expect(migrate(db, 'mem.db')).toBe(MIGRATIONS.length);
    expect(migrate(db, 'mem.db')).toBe(MIGRATIONS.length);
    expect(schemaVersion(db)).toBe(MIGRATIONS.length);
    db.close();
  });

  it('a file at version N+1 (one newer than this code) is refused, not opened as if it were N', () => {
    const db = new Database(':memory:');
    db.pragma(`user_version = ${MIGRATIONS.length + 1}`);
    expect(() => migrate(db, 'mem.db')).toThrow(StoreError);
    expect(() => migrate(db, 'mem.db')).toThrow(
      `mem.db was written by a newer liqbot (schema ${MIGRATIONS.length + 1}; this one knows up to ${MIGRATIONS.length})`,
    );
    expect(schemaVersion(db)).toBe(MIGRATIONS.length + 1);
    db.close();
  });
});
