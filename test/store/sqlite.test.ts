/**
 * The SQLite store: the Store contract on a real file, and what only a file has: surviving a restart,
 * schema upgrades, one liqbot per file, and writes that fail without leaving half of themselves behind.
 */
import { spawn, spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, realpathSync, renameSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { StoreError } from '../../src/store/errors.js';
import { MIGRATIONS, migrate, schemaVersion, type Migration } from '../../src/store/migrations.js';
import { eventInserter, openSqliteStore, tuneConnection, type SqliteStore } from '../../src/store/sqlite.js';
import type { Store } from '../../src/store/store.js';
import { storeContract } from './contract.js';
import { DAY, T0, candle, entry, funding, liq, oi, tick, vendorTotal } from './fixtures.js';

const REPO = fileURLToPath(new URL('../..', import.meta.url));
let dir: string;
let files = 0;
const dbPath = (): string => join(dir, `store-${++files}.db`);

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'liqbot-store-'));
});
afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

storeContract('sqlite', () => openSqliteStore(dbPath()));

/** The StoreError `fn` throws (failing the test if it throws nothing or something else). */
function storeErrorOf(fn: () => unknown): StoreError {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(StoreError);
    return err as StoreError;
  }
  throw new Error('expected a StoreError, nothing was thrown');
}

describe('SQLite store', () => {
  const opened: Store[] = [];
  const open = (path: string, opts?: { now?: () => number }): SqliteStore => {
    const store = openSqliteStore(path, opts);
    opened.push(store);
    return store;
  };
  afterEach(() => {
    for (const store of opened.splice(0)) store.close();
  });

  /** Everything a store can read back, to compare a file before and after something happened to it. */
  function snapshot(store: Store) {
    return {
      events: [...store.eventsSince(0)],
      daily: [...store.dailyTotals(Infinity)],
      totals: [...store.liquidationTotals()],
      levels: store.listLevels(),
      states: store.loadLevelStates(),
      subs: store.listSubscriptions(),
      due: store.duePending(Infinity, 100),
      pending: store.pendingCount(),
      ref: store.sentMessageRef('telegram:-1', 'c1'),
      gaps: store.gaps(0, Infinity),
      proposals: store.listProposals(),
    };
  }

  it('keeps everything across a restart: close, reopen, same data, and duplicates are still recognised', () => {
    const path = dbPath();
    const events = [liq(), liq({ ts: T0 + DAY, side: 'short' }), candle(), tick(), oi(), funding(), vendorTotal()];
    const first = open(path);
    first.insertEvents(events);
    first.putLevel({ id: 'eth-3000', asset: 'ETH', level: 3_000, source: 'config', createdAt: T0 });
    first.saveLevelStates([{ id: 'eth-3000', position: 'above', state: 'holding', changedAt: T0 }]);
    first.putSubscription({ chat: 'telegram:-1', enabled: true, assets: ['ETH'], families: ['cascade'], minUsd: 1e6, updatedAt: T0 });
    const [sent, , retried] = first.enqueue([entry('telegram:-1', 'c1:start', { editKey: 'c1' }), entry('telegram:-1', 'b'), entry('discord:9', 'c')]);
    first.markSent(sent!, 'tg-1');
    first.markRetry(retried!, T0 + 5_000, 'timeout');
    first.recordGap({ exchange: 'bybit', from: T0, to: T0 + 60_000, reason: 'websocket closed' });
    first.putProposal({ id: 'telegram:-1:p1', chat: 'telegram:-1', asset: 'ETH', level: 2350, proposer: { id: 'u1' }, createdAt: T0, expiresAt: T0 + DAY, votes: {}, status: 'open', messageRef: '-1:5' });
    first.putVote('telegram:-1:p1', 'u2', 'up');
    const before = snapshot(first);
    expect(before.proposals[0]?.votes).toStrictEqual({ u2: 'up' });
    first.close();

    const second = open(path);
    expect(snapshot(second)).toStrictEqual(before);
    expect(second.insertEvents(events)).toBe(0);
    expect(second.enqueue([entry('telegram:-1', 'b'), entry('telegram:-1', 'new')])[0]).toBeGreaterThan(retried!);
  });

  it('creates the missing folders of the database file', () => {
    const path = join(dir, 'nested', 'data', 'liqbot.db');
    open(path).insertEvents([liq()]);
    expect(existsSync(path)).toBe(true);
  });

  it('opens :memory: as often as asked', () => {
    const a = open(':memory:');
    const b = open(':memory:');
    expect(a.insertEvents([liq()])).toBe(1);
    expect([...b.eventsSince(0)]).toEqual([]);
    expect(a.schemaVersion).toBe(MIGRATIONS.length);
  });

  it('will not close during an unfinished read, keeping the file locked, and closes once the read is left', () => {
    const path = dbPath();
    const store = open(path);
    store.insertEvents([liq({ ts: T0 }), liq({ ts: T0 + 1 })]);
    const reading = store.eventsSince(0)[Symbol.iterator]();
    reading.next();
    expect(() => store.insertEvents([liq({ ts: T0 + 2 })])).toThrow(/while events are being read from it/);
    expect(storeErrorOf(() => store.close()).message).toMatch(/^could not close .*; finish or break out of reading events first$/);
    expect(() => openSqliteStore(path)).toThrow(/already open in this process/);
    reading.return?.();
    store.close();
    openSqliteStore(path).close();
  });

  describe('schema', () => {
    it('upgrades an empty file to the current schema, logging each step with the injected clock', () => {
      const path = dbPath();
      writeFileSync(path, '');
      const store = open(path, { now: () => 42 });
      expect(store.schemaVersion).toBe(MIGRATIONS.length);
      expect(store.insertEvents([liq()])).toBe(1);
      store.close(); // the store holds its file exclusively while open
      const raw = new Database(path, { readonly: true });
      expect(raw.prepare('SELECT version, applied_at FROM schema_migrations ORDER BY version').all()).toEqual(
        MIGRATIONS.map((_, i) => ({ version: i + 1, applied_at: 42 })),
      );
      raw.close();
    });

    const countColumn: Migration = {
      description: 'test: count liquidations per day',
      up: (db) => db.exec('ALTER TABLE daily_liquidations ADD COLUMN count INTEGER NOT NULL DEFAULT 0'),
    };

    it('upgrades an older file in place, keeping its data', () => {
      const path = dbPath();
      const store = open(path);
      store.insertEvents([liq()]);
      store.close();
      const db = new Database(path);
      expect(schemaVersion(db)).toBe(MIGRATIONS.length);
      expect(migrate(db, path, [...MIGRATIONS, countColumn])).toBe(MIGRATIONS.length + 1);
      expect(db.prepare('SELECT asset, usd, count FROM daily_liquidations').all()).toEqual([{ asset: 'ETH', usd: liq().usd, count: 0 }]);
      expect(migrate(db, path, [...MIGRATIONS, countColumn])).toBe(MIGRATIONS.length + 1); // nothing left to do
      db.close();
    });

    it('leaves the file at its previous version when an upgrade step fails', () => {
      const path = dbPath();
      const db = new Database(path);
      migrate(db, path);
      const broken: Migration = {
        description: 'test: a step that fails halfway',
        up: (d) => {
          d.exec('CREATE TABLE half_done (x)');
          throw new Error('boom');
        },
      };
      const error = storeErrorOf(() => migrate(db, path, [...MIGRATIONS, broken]));
      expect(error.code).toBe('open');
      expect(error.message).toBe(`could not upgrade ${path} to schema ${MIGRATIONS.length + 1} (test: a step that fails halfway): boom`);
      expect(schemaVersion(db)).toBe(MIGRATIONS.length);
      expect(db.prepare("SELECT count(*) AS n FROM sqlite_master WHERE name = 'half_done'").get()).toEqual({ n: 0 });
      db.close();
    });

    it('refuses a file written by a newer liqbot, and leaves no lock behind', () => {
      const path = dbPath();
      const db = new Database(path);
      db.pragma('user_version = 99');
      db.close();
      const error = storeErrorOf(() => open(path));
      expect(error.code).toBe('open');
      expect(error.message).toBe(
        `${path} was written by a newer liqbot (schema 99; this one knows up to ${MIGRATIONS.length}); upgrade liqbot or set LIQBOT_DB to another file`,
      );
      expect(storeErrorOf(() => open(path)).code).toBe('open'); // refused again: nothing was left held
    });

    it('refuses a file that is not a database with a one-line StoreError', () => {
      const path = dbPath();
      writeFileSync(path, 'timestamp,exchange,usd\n'.repeat(200));
      const error = storeErrorOf(() => open(path));
      expect(error.code).toBe('open');
      expect(error.message).toBe(
        `could not open ${path} as a liqbot database: file is not a database; restore a backup over it, or move it aside to start with an empty one (docs/operations.md, "Backing up")`,
      );
      expect(error.cause).toBeInstanceOf(Error);
      expect(storeErrorOf(() => open(path)).code).toBe('open'); // refused again: nothing was left held
    });
  });

  describe('one liqbot per file', () => {
    // --expose-gc: the holder collects its unreferenced store before it says it is ready; the lock must stay.
    const hold = (path: string, mode: string): string[] => ['--expose-gc', '--import', 'tsx', join(REPO, 'test/store/hold-store.ts'), path, mode];

    /** Start `hold-store.ts` holding `path` (inside `wrap`, e.g. `unshare`, when given), resolved once it holds it. */
    async function holder(path: string, wrap: string[] = []): Promise<{ pid: number; alive(): boolean; stop(): Promise<void> }> {
      const [cmd, ...args] = [...wrap, process.execPath, ...hold(path, 'hold')];
      const child = spawn(cmd!, args, { cwd: REPO, stdio: ['ignore', 'pipe', 'inherit'] });
      const pid = await new Promise<number>((resolve, reject) => {
        child.stdout.on('data', (chunk: Buffer) => {
          const m = /ready (\d+)/.exec(chunk.toString());
          if (m) resolve(Number(m[1]));
        });
        child.on('exit', (code) => reject(new Error(`the holding process exited early (${code})`)));
      });
      return {
        pid,
        alive: () => child.exitCode === null && child.signalCode === null,
        stop: async () => {
          const exited = new Promise((resolve) => child.once('exit', resolve));
          child.kill('SIGKILL');
          await exited;
        },
      };
    }

    /** What a second process opening `path` gets: "opened" or "<code>: <message>". */
    function tryOpen(path: string, wrap: string[] = []): string {
      const [cmd, ...args] = [...wrap, process.execPath, ...hold(path, 'try')];
      return spawnSync(cmd!, args, { cwd: REPO, encoding: 'utf8', timeout: 120_000 }).stdout.trim();
    }

    it('in a folder this user cannot write to, says so instead of "unable to open database file"', () => {
      // Root writes anywhere: as root, the opening process runs as nobody.
      const asNobody = process.getuid?.() === 0 ? { uid: 65534, gid: 65534 } : {};
      const parent = realpathSync(mkdtempSync(join(tmpdir(), 'liqbot-ro-')));
      try {
        chmodSync(parent, 0o755);
        const folder = join(parent, 'data');
        mkdirSync(folder, { mode: 0o555 });
        const path = join(folder, 'liqbot.db');
        const outcome = spawnSync(process.execPath, hold(path, 'try'), { cwd: REPO, encoding: 'utf8', timeout: 120_000, ...asNobody }).stdout.trim();
        expect(outcome).toBe(
          `open: could not take the lock ${path}.liqbot-lock: the folder ${folder} is not writable by this user (EACCES); let the user liqbot runs as write there, or set LIQBOT_DB to a file in a folder it can write to`,
        );
      } finally {
        rmSync(parent, { recursive: true, force: true });
      }
    });

    it('refuses to open a file twice in one process, and allows it again after close()', () => {
      const path = dbPath();
      const first = open(path);
      const error = storeErrorOf(() => open(path));
      expect(error.code).toBe('locked');
      expect(error.message).toBe(`${path} is already open in this process (pid ${process.pid}); close that store before opening it again`);
      first.close();
      expect(open(path).insertEvents([liq()])).toBe(1);
    });

    it('refuses while another live liqbot has the file, in one line; opens it once that process is killed (nothing stale left)', async () => {
      const path = dbPath();
      const other = await holder(path);
      try {
        const error = storeErrorOf(() => open(path));
        expect(error.code).toBe('locked');
        expect(error.message).toBe(`another liqbot already has ${path} open; stop it or set LIQBOT_DB to another file`);
        expect(error.message).not.toContain('\n');
      } finally {
        await other.stop();
      }
      expect(open(path).insertEvents([liq()])).toBe(1);
    });

    it('refuses a second liqbot reaching the same file through a symlink, either way round, naming the real file', async () => {
      const real = dbPath();
      const link = join(dir, `link-${files}.db`);
      symlinkSync(real, link);
      const other = await holder(link);
      try {
        expect(storeErrorOf(() => open(real)).code).toBe('locked');
        expect(tryOpen(link)).toBe(`locked: another liqbot already has ${link} (${realpathSync(real)}) open; stop it or set LIQBOT_DB to another file`);
      } finally {
        await other.stop();
      }
      const viaLink = open(link);
      expect(tryOpen(real)).toMatch(/^locked: another liqbot already has /);
      viaLink.close();
      expect(tryOpen(real)).toBe('opened');
    });

    const unshare = spawnSync('unshare', ['-Urpf', '--kill-child', 'true'], { timeout: 60_000 }).status === 0;
    it.skipIf(!unshare)('refuses a second liqbot when both are pid 1 (two containers on one volume)', async () => {
      const path = dbPath();
      const asPid1 = ['unshare', '-Urpf', '--kill-child'];
      const other = await holder(path, asPid1);
      try {
        expect(other.pid).toBe(1);
        const outcome = tryOpen(path, asPid1);
        expect(other.alive(), 'the holding process was still running').toBe(true);
        expect(outcome).toBe(`locked: another liqbot already has ${path} open; stop it or set LIQBOT_DB to another file`);
      } finally {
        await other.stop();
      }
      expect(tryOpen(path, asPid1)).toBe('opened');
    });

    it('releases the lock when a process exits without calling close()', () => {
      const path = dbPath();
      const run = spawnSync(process.execPath, hold(path, 'exit'), { cwd: REPO, encoding: 'utf8', timeout: 120_000 });
      expect(run.stdout).toMatch(/^ready \d+/);
      expect(open(path).insertEvents([liq()])).toBe(1);
    });

    it('leaves the database readable while it runs: a reader and a backup work beside it', async () => {
      const path = dbPath();
      const store = open(path);
      store.insertEvents([liq()]);
      const reader = new Database(path, { readonly: true });
      expect(reader.prepare('SELECT sum(count) AS n FROM event_blocks').get()).toEqual({ n: 1 });
      await reader.backup(`${path}.backup`);
      reader.close();
      const copy = new Database(`${path}.backup`, { readonly: true });
      expect(copy.prepare('SELECT sum(count) AS n FROM event_blocks').get()).toEqual({ n: 1 });
      copy.close();
    });

    it('ignores a pid lock file left by an older liqbot: the lock is SQLite\'s', () => {
      const path = dbPath();
      writeFileSync(`${path}.lock`, `${process.pid}\n`);
      expect(open(path).insertEvents([liq()])).toBe(1);
    });
  });

  describe('the database file while open', () => {
    it('notices the file being deleted or replaced, and all is well once it is back', () => {
      const path = dbPath();
      const store = open(path);
      const real = join(realpathSync(dir), basename(path));
      expect(store.fileProblem?.()).toBeUndefined();
      renameSync(path, `${path}.moved`);
      expect(store.fileProblem?.()).toBe(`the database file ${real} was deleted`);
      writeFileSync(path, '');
      expect(store.fileProblem?.()).toBe(`the database file ${real} was replaced by another file`);
      rmSync(path);
      renameSync(`${path}.moved`, path);
      expect(store.fileProblem?.()).toBeUndefined();
    });

    it('notices its lock file being deleted (a second liqbot could then open the database)', () => {
      const path = dbPath();
      const store = open(path);
      const lock = `${join(realpathSync(dir), basename(path))}.liqbot-lock`;
      expect(existsSync(lock)).toBe(true);
      rmSync(lock);
      expect(store.fileProblem?.()).toBe(`the lock file ${lock} was deleted or replaced: a second liqbot could open this database`);
    });
  });

  describe('two connections writing the file (the store and the event writer thread)', () => {
    it("an insert that reads before it writes is not refused when the other connection writes in between (no SQLITE_BUSY_SNAPSHOT)", () => {
      const store = open(dbPath());
      store.insertEvents([liq()]);
      // The other writer does not wait here (the store's connection would, up to its busy timeout), so neither does the test.
      const other = new Database(store.realFile!);
      other.pragma('busy_timeout = 0');
      let otherWrite: string | undefined;
      // The event writer's connection; its trace runs the other connection's write just before its own first write,
      // after the insert has read the file (the latest event time its blocks hold).
      const writer = new Database(store.realFile!, {
        verbose: (sql) => {
          if (otherWrite !== undefined || !String(sql).startsWith('INSERT')) return;
          try {
            other.prepare("INSERT INTO subscriptions (chat, sub) VALUES ('telegram:-1', '{}')").run();
            otherWrite = 'committed';
          } catch (err) {
            otherWrite = (err as { code: string }).code;
          }
        },
      });
      tuneConnection(writer);
      try {
        expect(eventInserter(writer)([liq({ ts: T0 + 5_000 })])).toBe(1);
        // The writer held the file from its first read: the other connection is the one that waits its turn.
        expect(otherWrite).toBe('SQLITE_BUSY');
        expect([...store.eventsSince(0)]).toHaveLength(2);
      } finally {
        writer.close();
        other.close();
      }
    });
  });

  describe('failed writes', () => {
    /**
     * Closes `store`, installs from another connection a trigger that aborts inserting rows matching `when`, and
     * opens the file again (the store holds its file exclusively while open).
     */
    function failInserts(store: SqliteStore, table: string, when: string): SqliteStore {
      store.close();
      const raw = new Database(store.path);
      raw.exec(`CREATE TRIGGER fail_${table} BEFORE INSERT ON ${table} WHEN ${when} BEGIN SELECT RAISE(ABORT, 'forced failure'); END`);
      raw.close();
      return open(store.path);
    }

    it('rolls back a batch whose event fails mid-way: nothing stored, totals unchanged, a StoreError that says what failed', () => {
      const path = dbPath();
      let store = open(path);
      store.insertEvents([liq({ ts: T0 - 1 })]);
      const before = snapshot(store);
      store = failInserts(store, 'event_blocks', "NEW.strings LIKE '%doomed%'");
      const batch = [liq({ ts: T0 }), candle(), liq({ ts: T0 + 1, exchange: 'doomed' }), liq({ ts: T0 + 2 })];
      const error = storeErrorOf(() => store.insertEvents(batch));
      expect(error.code).toBe('write');
      expect(error.message).toBe(`could not insert 4 events into ${path}: forced failure`);
      expect((error.cause as Error).message).toBe('forced failure');
      expect(snapshot(store)).toStrictEqual(before);
      expect(store.insertEvents([liq({ ts: T0 })])).toBe(1); // the store is still usable
    });

    it('rolls back the events too when updating the daily totals fails at the end of the batch', () => {
      const path = dbPath();
      const store = failInserts(open(path), 'daily_liquidations', "NEW.asset = 'DOOM'");
      const error = storeErrorOf(() => store.insertEvents([liq({ ts: T0 }), liq({ ts: T0 + 1, symbol: 'DOOM/USDT:USDT' })]));
      expect(error.message).toBe(`could not insert 2 events into ${path}: forced failure`);
      expect([...store.eventsSince(0)]).toEqual([]);
      expect([...store.dailyTotals(Infinity)]).toEqual([]);
    });

    it('rolls back an outbox batch whose entry fails: no ids handed out, nothing pending', () => {
      const path = dbPath();
      const store = failInserts(open(path), 'outbox', "NEW.chat = 'discord:doomed'");
      const error = storeErrorOf(() => store.enqueue([entry('telegram:-1', 'a'), entry('discord:doomed', 'a')]));
      expect(error.message).toBe(`could not queue 2 alerts in ${path}: forced failure`);
      expect(store.pendingCount()).toBe(0);
    });
  });
});
