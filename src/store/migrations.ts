/**
 * The SQLite schema as an ordered list of migrations. The file's `user_version` is how many have been
 * applied; opening a file applies the rest, each in its own transaction, so an older file is upgraded
 * in place and a failed step leaves the file at the previous version. Append new steps; never edit old ones.
 */
import type Database from 'better-sqlite3';
import { StoreError, reasonOf } from './errors.js';
import { blockStore, EVENT_BLOCKS_SQL } from './event-blocks.js';
import { EventPacker, STRIDE } from './event-pack.js';
import { eventOf, type EventColumns } from './rows.js';

/** Events moved per block when an older file's `events` rows become blocks. */
const MOVE_BATCH = 5000;

export interface Migration {
  readonly description: string;
  up(db: Database.Database): void;
}

export const MIGRATIONS: readonly Migration[] = [
  {
    description: 'market events, daily liquidation totals, vendor totals, levels, subscriptions, outbox, gaps',
    up(db) {
      db.exec(`
        -- One row per distinct raw event, keyed by its time and identity hash (see hash.ts), clustered by time.
        -- Columns a type does not have are NULL (a NULL costs one header byte).
        CREATE TABLE events (
          ts INTEGER NOT NULL,
          hash INTEGER NOT NULL,
          type TEXT NOT NULL,
          exchange TEXT NOT NULL,
          symbol TEXT NOT NULL,
          side TEXT,
          timeframe TEXT,
          price REAL,
          amount REAL,
          usd REAL,
          open REAL,
          high REAL,
          low REAL,
          close REAL,
          volume REAL,
          contracts REAL,
          rate REAL,
          interval_hours REAL,
          PRIMARY KEY (ts, hash)
        ) WITHOUT ROWID;

        -- Sums of newly stored liquidation events; they outlive the raw events (pruneEvents).
        CREATE TABLE daily_liquidations (
          asset TEXT NOT NULL,
          day INTEGER NOT NULL,
          side TEXT NOT NULL,
          exchange TEXT NOT NULL,
          usd REAL NOT NULL,
          PRIMARY KEY (asset, day, side, exchange)
        ) WITHOUT ROWID;

        -- Vendor history (liquidation_total events); exchange '' means all exchanges.
        CREATE TABLE liquidation_totals (
          ts INTEGER NOT NULL,
          period TEXT NOT NULL,
          asset TEXT NOT NULL,
          side TEXT NOT NULL,
          exchange TEXT NOT NULL,
          usd REAL NOT NULL,
          PRIMARY KEY (ts, period, asset, side, exchange)
        ) WITHOUT ROWID;

        CREATE TABLE levels (
          id TEXT PRIMARY KEY,
          created_at INTEGER NOT NULL,
          def TEXT NOT NULL -- LevelDef as JSON
        );
        CREATE TABLE level_states (
          id TEXT PRIMARY KEY,
          state TEXT NOT NULL -- LevelState as JSON
        );
        CREATE TABLE subscriptions (
          chat TEXT PRIMARY KEY,
          sub TEXT NOT NULL -- Subscription as JSON
        );

        -- AUTOINCREMENT: ids are never reused after pruning, so a late mark* cannot hit a newer entry.
        CREATE TABLE outbox (
          id INTEGER PRIMARY KEY AUTOINCREMENT,
          chat TEXT NOT NULL,
          target TEXT,
          alert_key TEXT NOT NULL,
          edit_key TEXT,
          alert TEXT NOT NULL, -- Alert as JSON
          status TEXT NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'sent', 'dropped')),
          attempts INTEGER NOT NULL DEFAULT 0,
          next_attempt_at INTEGER NOT NULL,
          created_at INTEGER NOT NULL,
          message_ref TEXT,
          last_error TEXT,
          UNIQUE (chat, alert_key)
        );
        CREATE INDEX outbox_pending ON outbox (id) WHERE status = 'pending';
        CREATE INDEX outbox_sent_edits ON outbox (chat, edit_key) WHERE status = 'sent';

        CREATE TABLE gaps (
          exchange TEXT NOT NULL,
          from_ms INTEGER NOT NULL,
          to_ms INTEGER NOT NULL,
          reason TEXT NOT NULL,
          PRIMARY KEY (exchange, from_ms, to_ms)
        ) WITHOUT ROWID;
      `);
    },
  },
  {
    description: 'outbox: sends claimed without a recorded outcome, so a crash-interrupted alert is sent at most twice',
    up(db) {
      db.exec(`
        -- claimed: a send was started and its outcome is not recorded yet; interrupted: earlier such sends.
        ALTER TABLE outbox ADD COLUMN claimed INTEGER NOT NULL DEFAULT 0;
        ALTER TABLE outbox ADD COLUMN interrupted INTEGER NOT NULL DEFAULT 0;
      `);
    },
  },
  {
    description: "level proposals and members' votes; the outbox's reply target (the proposal an alert answers)",
    up(db) {
      db.exec(`
        CREATE TABLE proposals (
          id TEXT PRIMARY KEY,
          chat TEXT NOT NULL,
          created_at INTEGER NOT NULL,
          def TEXT NOT NULL -- Proposal as JSON, without its votes
        );
        CREATE INDEX proposals_chat ON proposals (chat, created_at);
        -- One row per member and proposal: a new vote replaces the old one.
        CREATE TABLE proposal_votes (
          proposal TEXT NOT NULL,
          voter TEXT NOT NULL,
          vote TEXT NOT NULL CHECK (vote IN ('up', 'down')),
          PRIMARY KEY (proposal, voter)
        ) WITHOUT ROWID;
        ALTER TABLE outbox ADD COLUMN reply_to TEXT;
      `);
    },
  },
  {
    description: 'market events kept in blocks, one row per written batch (event-blocks.ts), not one row per event',
    up(db) {
      db.exec(EVENT_BLOCKS_SQL);
      const blocks = blockStore(db);
      const packer = new EventPacker();
      const strings: string[] = [];
      const page = db
        .prepare(`SELECT ts, type, exchange, symbol, side, timeframe, price, amount, usd, open, high, low, close, volume,
          contracts, rate, interval_hours, hash FROM events WHERE (ts, hash) > (?, ?) ORDER BY ts, hash LIMIT ${MOVE_BATCH}`)
        .raw();
      for (let after: [number, number] = [-Infinity, -Infinity]; ; ) {
        const rows = page.all(...after) as [...EventColumns, number][];
        if (rows.length === 0) break;
        const batch = packer.pack(rows.map((r) => eventOf(r.slice(0, -1) as unknown as EventColumns)));
        strings.push(...batch.strings);
        const offsets = rows.map((_, i) => i * STRIDE);
        blocks.insert(batch.rows, strings, offsets, rows.map((r) => r.at(-1) as number), () => {});
        const last = rows.at(-1)!;
        after = [last[0], last.at(-1) as number];
      }
      db.exec('DROP TABLE events');
    },
  },
  {
    description: 'outbox: index on created_at, so the hourly prune of delivered alerts reads only what it deletes',
    up(db) {
      db.exec('CREATE INDEX IF NOT EXISTS outbox_created ON outbox (created_at)');
    },
  },
];

/** The schema version of the file: how many migrations it has applied. */
export function schemaVersion(db: Database.Database): number {
  return db.pragma('user_version', { simple: true }) as number;
}

/**
 * Bring `db` up to date with `migrations`; returns the resulting version. Each step and its version bump
 * commit together. Refuses a file whose version is newer than this code knows.
 */
export function migrate(db: Database.Database, label: string, migrations: readonly Migration[] = MIGRATIONS, now: () => number = Date.now): number {
  const from = schemaVersion(db);
  if (from > migrations.length) {
    throw new StoreError(
      `${label} was written by a newer liqbot (schema ${from}; this one knows up to ${migrations.length}); upgrade liqbot or set LIQBOT_DB to another file`,
      'open',
    );
  }
  if (from === migrations.length) return from;
  // The log is bookkeeping for people reading the file; the version itself is user_version.
  db.exec('CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, description TEXT NOT NULL, applied_at INTEGER NOT NULL)');
  const log = db.prepare('INSERT OR REPLACE INTO schema_migrations (version, description, applied_at) VALUES (?, ?, ?)');
  for (let version = from + 1; version <= migrations.length; version++) {
    const step = migrations[version - 1]!;
    try {
      db.transaction(() => {
        step.up(db);
        log.run(version, step.description, now());
        db.pragma(`user_version = ${version}`);
      })();
    } catch (err) {
      throw new StoreError(`could not upgrade ${label} to schema ${version} (${step.description}): ${reasonOf(err)}`, 'open', { cause: err });
    }
  }
  return migrations.length;
}
