/**
 * What `liqbot start` does with a store it cannot use, whatever step of start-up finds out: a database damaged in a
 * page only the restore reads, or a data folder it may not create, is refused for good (exit 78, one line saying what
 * to do); a full disk passes once space is freed (exit 1: systemd starts it again). A stop while the store refuses
 * writes says how much was not saved.
 */
import { spawnSync } from 'node:child_process';
import { chmodSync, closeSync, mkdirSync, mkdtempSync, openSync, realpathSync, rmSync, writeFileSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { loadConfig } from '../../config/load.js';
import { LiqBot } from '../../src/bot.js';
import type { Liquidation } from '../../src/core/events.js';
import { stoppedLine } from '../../src/main.js';
import { refusedForGood, startupError, StoreError } from '../../src/store/errors.js';
import { createMemoryStore } from '../../src/store/memory.js';
import { openSqliteStore } from '../../src/store/sqlite.js';
import { faultyStore, sqliteFailure, WRITES } from './faulty.js';

const BIN = fileURLToPath(new URL('../../bin/liqbot.js', import.meta.url));
const REPO = fileURLToPath(new URL('../..', import.meta.url));

const sqlite = (code: string, message: string) => Object.assign(new Error(message), { code });
const errno = (code: string, message: string) => Object.assign(new Error(`${code}: ${message}`), { code });

describe('refusedForGood', () => {
  it('a damaged file is refused for good at any step: open, the restore\'s reads, a write', () => {
    expect(refusedForGood(new StoreError('could not read events since 0 from x.db: database disk image is malformed', 'read', { cause: sqlite('SQLITE_CORRUPT', 'database disk image is malformed') }))).toBe(true);
    expect(refusedForGood(new StoreError('could not list levels from x.db: file is not a database', 'read', { cause: sqlite('SQLITE_NOTADB', 'file is not a database') }))).toBe(true);
    expect(refusedForGood(new StoreError('could not save 1 level states to x.db: …', 'write', { cause: sqlite('SQLITE_CORRUPT_INDEX', 'database disk image is malformed') }))).toBe(true);
    // Other failures of a read may pass (an I/O error, a lock held a moment).
    expect(refusedForGood(new StoreError('could not read x.db: disk I/O error', 'read', { cause: sqlite('SQLITE_IOERR', 'disk I/O error') }))).toBe(false);
  });

  it('a full disk is not: at the lock, at open, at a folder, it passes once space is freed', () => {
    expect(refusedForGood(new StoreError('could not take the lock x.db.liqbot-lock: database or disk is full', 'open', { cause: sqlite('SQLITE_FULL', 'database or disk is full') }))).toBe(false);
    expect(refusedForGood(new StoreError('could not create the folder /data: no space left on device', 'open', { cause: errno('ENOSPC', 'no space left on device') }))).toBe(false);
    expect(refusedForGood(sqliteFailure('insert 5 events into', 'SQLITE_FULL'))).toBe(false);
    // What stays refused: a folder it may not create, another liqbot on the file.
    expect(refusedForGood(new StoreError('could not create the folder /data: …', 'open', { cause: errno('EACCES', 'permission denied') }))).toBe(true);
    expect(refusedForGood(new StoreError('another liqbot already has x.db open; …', 'locked'))).toBe(true);
  });

  it('a start-up step\'s error says what to do, once, keeping its code and cause', () => {
    const cause = sqlite('SQLITE_CORRUPT', 'database disk image is malformed');
    const damaged = startupError(new StoreError('could not read events since 0 from x.db: database disk image is malformed', 'read', { cause })) as StoreError;
    expect(damaged.message).toBe('could not read events since 0 from x.db: database disk image is malformed; the database is damaged: restore a backup over it, or move it aside to start with an empty one (docs/operations.md, "Backing up")');
    expect(damaged.code).toBe('read');
    expect(damaged.cause).toBe(cause);
    expect(startupError(damaged)).toBe(damaged);
    const full = startupError(new StoreError('could not take the lock x.db.liqbot-lock: database or disk is full', 'open', { cause: sqlite('SQLITE_FULL', 'database or disk is full') })) as StoreError;
    expect(full.message).toBe('could not take the lock x.db.liqbot-lock: database or disk is full; disk full: free space; liqbot will retry');
    const other = new StoreError('could not read x.db: disk I/O error', 'read');
    expect(startupError(other)).toBe(other);
  });
});

describe('liqbot start', () => {
  let dir: string;
  beforeEach(() => {
    dir = realpathSync(mkdtempSync(join(tmpdir(), 'liqbot-refusal-')));
    chmodSync(dir, 0o755);
    writeFileSync(join(dir, 'offline.yaml'), 'exchanges: []\n');
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  /** `liqbot start` at the terminal with its input closed (it ends at once if it gets that far). */
  const start = (env: Record<string, string>, as: { uid?: number; gid?: number } = {}) => {
    const base: NodeJS.ProcessEnv = { ...process.env, LIQBOT_CONFIG: join(dir, 'offline.yaml'), LIQBOT_DATA_DIR: join(dir, 'data'), LIQBOT_DB: join(dir, 'data', 'liqbot.db'), LOG_LEVEL: 'error', ...env };
    delete base.TELEGRAM_BOT_TOKEN;
    delete base.DISCORD_TOKEN;
    return spawnSync(process.execPath, [BIN, 'start'], { cwd: REPO, env: base, input: '', encoding: 'utf8', timeout: 60_000, ...as });
  };

  it('on a database damaged in a page the restore reads (not at open) exits 78 with one line saying to restore a backup', () => {
    const db = join(dir, 'data', 'liqbot.db');
    mkdirSync(join(dir, 'data'));
    const store = openSqliteStore(db);
    const now = Date.now();
    for (let b = 0; b < 20; b++) {
      const batch: Liquidation[] = [];
      for (let i = 0; i < 2000; i++) {
        const ts = now - 3 * 3_600_000 + (b * 2000 + i) * 200;
        batch.push({ type: 'liquidation', ts, exchange: 'bybit', symbol: 'ETH/USDT:USDT', side: i % 2 ? 'long' : 'short', price: 3000 + (i % 7), amount: 1 + (i % 5), usd: 3000 * (1 + (i % 5)) });
      }
      store.insertEvents(batch);
    }
    store.close();
    // Overwrite the event blocks' pages but their table's root: the file opens, the schema reads, the restore's read fails.
    const ro = new Database(db, { readonly: true });
    const root = ro.prepare("SELECT rootpage FROM sqlite_schema WHERE name = 'event_blocks'").pluck().get() as number;
    const pages = ro.prepare("SELECT pageno FROM dbstat WHERE name = 'event_blocks' AND pageno != ?").pluck().all(root) as number[];
    const size = ro.pragma('page_size', { simple: true }) as number;
    ro.close();
    expect(pages.length).toBeGreaterThan(50);
    const fd = openSync(db, 'r+');
    const garbage = Buffer.alloc(size, 0xa5);
    for (const p of pages) writeSync(fd, garbage, 0, size, (p - 1) * size);
    closeSync(fd);

    const run = start({});
    expect(run.stderr.trim().split('\n')).toEqual([expect.stringMatching(/^liqbot: could not .* malformed; the database is damaged: restore a backup over it, or move it aside to start with an empty one \(docs\/operations\.md, "Backing up"\)$/)]);
    expect(run.status).toBe(78);
  }, 90_000);

  it('with LIQBOT_DATA_DIR in a folder it may not create exits 78 with the one line an unwritable folder gets', () => {
    // Root writes anywhere: as root, the bot runs as nobody.
    const as = process.getuid?.() === 0 ? { uid: 65534, gid: 65534 } : {};
    const locked = join(dir, 'locked');
    mkdirSync(locked, { mode: 0o555 });
    const data = join(locked, 'data');
    const run = start({ LIQBOT_DATA_DIR: data, LIQBOT_DB: join(data, 'liqbot.db'), HOME: dir }, as);
    expect(run.stderr.trim()).toBe(`liqbot: could not create the folder ${data}: the folder ${locked} is not writable by this user (EACCES); let the user liqbot runs as write there, or set LIQBOT_DATA_DIR to a folder it can write to`);
    expect(run.status).toBe(78);
  }, 90_000);
});

describe('a stop while the store refuses writes', () => {
  it('says in its last line how many events and alerts were not saved', () => {
    const { store } = faultyStore(createMemoryStore(), Object.fromEntries(WRITES.map((w) => [w, 'SQLITE_FULL'])));
    let clock = Date.parse('2026-03-02T12:00:00Z');
    const bot = new LiqBot({ config: loadConfig(), store, now: () => clock });
    for (let i = 0; i < 25; i++) {
      clock += 1000;
      bot.ingest({ type: 'liquidation', ts: clock, exchange: 'okx', symbol: 'BTC/USDT:USDT', side: 'long', price: 80_000, amount: 0.1, usd: 8000 });
    }
    bot.flush();
    const [fields, line] = stoppedLine(bot);
    expect(line).toBe('stopped; 25 events and 0 alerts were not saved: the store refused them (insertEvents: SQLITE_FULL)');
    expect(fields).toMatchObject({ events: 25, notSaved: { events: 25, alerts: 0 } });
  });

  it('says only "stopped" when everything was saved', () => {
    const bot = new LiqBot({ config: loadConfig(), store: createMemoryStore(), now: () => 0 });
    expect(stoppedLine(bot)[1]).toBe('stopped');
  });
});
