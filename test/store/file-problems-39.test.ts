/**
 * What a database file problem means for what the bot writes: the file deleted, replaced or moved under the running bot
 * takes writes without an error, into a file no restart reads, so from the moment it is found (`notKeptSince`) they
 * are not kept, and the stop's last line says so (src/main.ts); the lock file deleted leaves the data kept. And a
 * database path in a folder that takes no file at all (/proc) is refused with the setting to change, as every other
 * path problem is.
 */
import { existsSync, mkdtempSync, realpathSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { refusedForGood, StoreError } from '../../src/store/errors.js';
import { StoreFaults } from '../../src/store/faults.js';
import { openSqliteStore, type SqliteStore } from '../../src/store/sqlite.js';

const quiet = { error: () => {}, warn: () => {} };
const open: SqliteStore[] = [];
afterEach(() => {
  for (const s of open.splice(0)) s.close();
});

function store(): { store: SqliteStore; path: string } {
  const dir = realpathSync(mkdtempSync(join(tmpdir(), 'liqbot-39-')));
  const path = join(dir, 'liqbot.db');
  const s = openSqliteStore(path);
  open.push(s);
  return { store: s, path };
}

describe('a database file problem and what is kept', () => {
  it('the file deleted: not kept from the moment it was found (the first moment, while the problem changes); the lock file deleted: kept', () => {
    const { store: s, path } = store();
    const clock = { ms: 1_000 };
    const faults = new StoreFaults({ now: () => clock.ms, log: quiet });
    faults.setFileProblem(s.fileProblem?.());
    expect(faults.health().notKeptSince).toBeUndefined();
    rmSync(path);
    clock.ms = 5_000;
    faults.setFileProblem(s.fileProblem?.());
    expect(faults.health()).toMatchObject({ ok: false, fileProblem: `the database file ${path} was deleted`, notKeptSince: 5_000 });
    clock.ms = 9_000;
    faults.setFileProblem(`the database file ${path} was replaced by another file`);
    expect(faults.health().notKeptSince).toBe(5_000);
    faults.setFileProblem(undefined);
    expect(faults.health().notKeptSince).toBeUndefined();
    // The lock file deleted: a problem (a second liqbot could open the database), but what is written is kept.
    const other = store();
    rmSync(`${other.path}.liqbot-lock`);
    faults.setFileProblem(other.store.fileProblem?.());
    expect(faults.health()).toMatchObject({ ok: false, fileProblem: expect.stringMatching(/^the lock file /) });
    expect(faults.health().notKeptSince).toBeUndefined();
  });
});

describe('a database path in a folder that takes no file', () => {
  it.runIf(existsSync('/proc/self'))('LIQBOT_DB=/proc/liqbot.db: refused for good, naming the folder, what the system said and LIQBOT_DB', () => {
    let err: unknown;
    try {
      open.push(openSqliteStore('/proc/liqbot.db'));
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(StoreError);
    // As root (access(2) calls /proc writable): the system's own answer; as another user: the folder not writable.
    const why = process.getuid?.() === 0 ? 'no file can be created in the folder /proc \\(ENOENT\\); set LIQBOT_DB' : 'the folder /proc is not writable by this user .*set LIQBOT_DB';
    expect((err as StoreError).message).toMatch(new RegExp(`^could not take the lock /proc/liqbot\\.db\\.liqbot-lock: ${why} to a file in a folder`));
    expect(refusedForGood(err as StoreError)).toBe(true);
  });
});
