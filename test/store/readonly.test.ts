/**
 * A database file liqbot may read but not write (restored with `sudo cp`: root's, mode 0644) is refused at start in
 * one line that names the file and what to do, instead of opening read-only without a word and failing every write.
 */
import { spawnSync } from 'node:child_process';
import { chmodSync, chownSync, mkdtempSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { StoreError } from '../../src/store/errors.js';
import { openSqliteStore } from '../../src/store/sqlite.js';

const REPO = fileURLToPath(new URL('../..', import.meta.url));
const NOBODY = 65534;
let dir: string;
beforeEach(() => {
  dir = realpathSync(mkdtempSync(join(tmpdir(), 'liqbot-rodb-')));
  chmodSync(dir, 0o777);
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

/** A liqbot database at `path`, made by this process and closed. */
function made(path: string): void {
  const store = openSqliteStore(path);
  store.putSubscription({ chat: 'telegram:-1', enabled: true, assets: [], families: ['level'], minUsd: 0, updatedAt: 0 });
  store.close();
}

it("a file another user owns (root's 0644 after a restore) is refused in one line naming it and what to do", () => {
  const path = join(dir, 'liqbot.db');
  made(path);
  const expected = (uid: number, mode: string) =>
    `open: could not open ${path} for writing: the file is owned by uid ${process.getuid!()} with mode ${mode}, and liqbot runs as uid ${uid} (a restore copied as root?); give it (and any -wal and -shm file beside it) to that user (chown); or set LIQBOT_DB to a file the user liqbot runs as can write`;
  const ownNotWritable = `open: could not open ${path} for writing: the file is liqbot's user's but has mode 0444; let its owner write it (chmod u+w, and any -wal and -shm file beside it); or set LIQBOT_DB to a file the user liqbot runs as can write`;
  if (process.getuid?.() === 0) {
    // Root writes anything: the opening process runs as nobody, the file stays root's with mode 0644.
    chmodSync(path, 0o644);
    // Only the database was copied: the folder and the lock file beside it are still liqbot's.
    chownSync(dir, NOBODY, NOBODY);
    chownSync(`${path}.liqbot-lock`, NOBODY, NOBODY);
    const tryOpen = () => spawnSync(process.execPath, ['--import', 'tsx', join(REPO, 'test/store/hold-store.ts'), path, 'try'], { cwd: REPO, encoding: 'utf8', timeout: 120_000, uid: NOBODY, gid: NOBODY }).stdout.trim();
    expect(tryOpen()).toBe(expected(NOBODY, '0644'));
    // The lock file copied as root too: said of the lock file.
    chownSync(`${path}.liqbot-lock`, 0, 0);
    expect(tryOpen()).toBe(
      `open: could not take the lock ${path}.liqbot-lock: the file is owned by uid 0 with mode 0644, and liqbot runs as uid ${NOBODY} (a restore copied as root?); give it (and any -wal and -shm file beside it) to that user (chown); or set LIQBOT_DB to a file in a folder the user liqbot runs as owns`,
    );
    // Its own file without the write bit: chmod says it, not chown.
    chownSync(`${path}.liqbot-lock`, NOBODY, NOBODY);
    chownSync(path, NOBODY, NOBODY);
    chmodSync(path, 0o444);
    expect(tryOpen()).toBe(ownNotWritable);
  } else {
    chmodSync(path, 0o444);
    let err: unknown;
    try {
      openSqliteStore(path).close();
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(StoreError);
    expect(`${(err as StoreError).code}: ${(err as StoreError).message}`).toBe(ownNotWritable);
  }
});

it('a connection SQLite can only read (a read-only mount) is refused the same way, before anything runs on it', () => {
  // What SQLite does with a file it may not write, whoever runs this: the connection is opened read-only.
  const path = join(dir, 'liqbot.db');
  made(path);
  let err: unknown;
  try {
    openSqliteStore(path, { open: (file) => new Database(file, { readonly: true }) }).close();
  } catch (e) {
    err = e;
  }
  expect(err).toBeInstanceOf(StoreError);
  expect((err as StoreError).message).toMatch(new RegExp(`^could not open ${path.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} for writing: .*; or set LIQBOT_DB to a file the user liqbot runs as can write$`));
  // Refused, it held nothing: the file opens as usual once it may be written.
  const store = openSqliteStore(path);
  expect(store.listSubscriptions()).toHaveLength(1);
  store.close();
});

// Only root can give a file and its folder to different users: run as another user, this is skipped.
describe.skipIf(process.getuid?.() !== 0)('the folder, the file or its -wal and -shm files: the one liqbot may not write is named (root only: the opening process runs as nobody)', () => {
  const tryOpen = (path: string) =>
    spawnSync(process.execPath, ['--import', 'tsx', join(REPO, 'test/store/hold-store.ts'), path, 'try'], { cwd: REPO, encoding: 'utf8', timeout: 120_000, uid: NOBODY, gid: NOBODY }).stdout.trim();
  const folderLine = (path: string) =>
    `open: could not take the lock ${path}.liqbot-lock: the folder ${dir} is not writable by this user (EACCES); let the user liqbot runs as write there, or set LIQBOT_DB to a file in a folder it can write to`;

  it("names the folder, not the file, when the files are liqbot's (0644) and the folder is root's", () => {
    const path = join(dir, 'liqbot.db');
    made(path);
    for (const f of [path, `${path}.liqbot-lock`]) {
      chownSync(f, NOBODY, NOBODY);
      chmodSync(f, 0o644);
    }
    chmodSync(dir, 0o755);
    expect(tryOpen(path)).toBe(folderLine(path));
  });

  it('names the folder, not chown, when the files are root\'s but anyone may write them (0666) in a folder of mode 0555', () => {
    const path = join(dir, 'liqbot.db');
    made(path);
    for (const f of [path, `${path}.liqbot-lock`]) chmodSync(f, 0o666);
    chmodSync(dir, 0o555);
    expect(tryOpen(path)).toBe(folderLine(path));
  });

  it("names the -wal and -shm files, not the file, when only they are root's (the folder and the file writable)", () => {
    const path = join(dir, 'liqbot.db');
    made(path);
    chownSync(dir, NOBODY, NOBODY);
    chownSync(`${path}.liqbot-lock`, NOBODY, NOBODY);
    chmodSync(path, 0o666);
    for (const side of ['-wal', '-shm']) writeFileSync(`${path}${side}`, side === '-shm' ? Buffer.alloc(32_768) : '', { mode: 0o644 });
    expect(tryOpen(path)).toBe(
      `open: could not open ${path} for writing: its -wal and -shm files are not writable by this user (owned by uid 0 with mode 0644, and liqbot runs as uid ${NOBODY}); give them to that user (chown); or set LIQBOT_DB to a file the user liqbot runs as can write`,
    );
  });

  it('names both when neither the folder nor the file may be written', () => {
    const path = join(dir, 'liqbot.db');
    made(path);
    chmodSync(`${path}.liqbot-lock`, 0o644);
    chmodSync(dir, 0o555);
    expect(tryOpen(path)).toBe(
      `${folderLine(path)}; and the file is owned by uid 0 with mode 0644, and liqbot runs as uid ${NOBODY} (a restore copied as root?); give it (and any -wal and -shm file beside it) to that user (chown)`,
    );
  });
});
