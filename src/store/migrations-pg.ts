/**
 * The PostgreSQL schema as an ordered list of migrations, the same tables as the SQLite file (migrations.ts)
 * plus the bus offsets of scale-out. `schema_migrations` holds one row per applied step; `liqbot migrate`
 * applies the rest, each step with its row in one transaction, under an advisory lock so two migrators never
 * interleave. Roles only check the version: the schema never changes under running processes by accident.
 * Append new steps; never edit old ones.
 */
import type pg from 'pg';
import { StoreError, reasonOf } from './errors.js';

export interface PgMigration {
  readonly description: string;
  readonly sql: string;
}

export const PG_MIGRATIONS: readonly PgMigration[] = [
  {
    description: 'market events, daily liquidation totals, vendor totals, levels, subscriptions, outbox, gaps',
    sql: `
      -- One row per distinct raw event, keyed by its time and identity hash (hash.ts); columns a type lacks are NULL.
      CREATE TABLE events (
        ts BIGINT NOT NULL,
        hash BIGINT NOT NULL,
        type TEXT NOT NULL,
        exchange TEXT NOT NULL,
        symbol TEXT NOT NULL,
        side TEXT,
        timeframe TEXT,
        price DOUBLE PRECISION,
        amount DOUBLE PRECISION,
        usd DOUBLE PRECISION,
        open DOUBLE PRECISION,
        high DOUBLE PRECISION,
        low DOUBLE PRECISION,
        close DOUBLE PRECISION,
        volume DOUBLE PRECISION,
        contracts DOUBLE PRECISION,
        rate DOUBLE PRECISION,
        interval_hours DOUBLE PRECISION,
        PRIMARY KEY (ts, hash)
      );

      -- Sums of newly stored liquidation events; they outlive the raw events.
      CREATE TABLE daily_liquidations (
        asset TEXT NOT NULL,
        day BIGINT NOT NULL,
        side TEXT NOT NULL,
        exchange TEXT NOT NULL,
        usd DOUBLE PRECISION NOT NULL,
        PRIMARY KEY (asset, day, side, exchange)
      );

      -- Vendor history (liquidation_total events); exchange '' means all exchanges.
      CREATE TABLE liquidation_totals (
        ts BIGINT NOT NULL,
        period TEXT NOT NULL,
        asset TEXT NOT NULL,
        side TEXT NOT NULL,
        exchange TEXT NOT NULL,
        usd DOUBLE PRECISION NOT NULL,
        PRIMARY KEY (ts, period, asset, side, exchange)
      );

      CREATE TABLE levels (id TEXT PRIMARY KEY, created_at BIGINT NOT NULL, def TEXT NOT NULL);
      CREATE TABLE level_states (id TEXT PRIMARY KEY, state TEXT NOT NULL);
      CREATE TABLE subscriptions (chat TEXT PRIMARY KEY, sub TEXT NOT NULL);

      -- Identity ids are never reused after pruning, so a late mark* cannot hit a newer entry.
      CREATE TABLE outbox (
        id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        chat TEXT NOT NULL,
        target TEXT,
        alert_key TEXT NOT NULL,
        edit_key TEXT,
        alert TEXT NOT NULL,
        status TEXT NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'sent', 'dropped')),
        attempts INTEGER NOT NULL DEFAULT 0,
        next_attempt_at BIGINT NOT NULL,
        created_at BIGINT NOT NULL,
        message_ref TEXT,
        last_error TEXT,
        claimed INTEGER NOT NULL DEFAULT 0,
        interrupted INTEGER NOT NULL DEFAULT 0,
        UNIQUE (chat, alert_key)
      );
      CREATE INDEX outbox_pending ON outbox (id) WHERE status = 'pending';
      CREATE INDEX outbox_sent_edits ON outbox (chat, edit_key) WHERE status = 'sent';

      CREATE TABLE gaps (
        exchange TEXT NOT NULL,
        from_ms BIGINT NOT NULL,
        to_ms BIGINT NOT NULL,
        reason TEXT NOT NULL,
        PRIMARY KEY (exchange, from_ms, to_ms)
      );

      -- Scale-out: the last bus message (stream sequence) a consumer has applied, written in the same
      -- transaction as what it applied, so a restart resumes exactly after it.
      CREATE TABLE bus_offsets (
        consumer TEXT PRIMARY KEY,
        stream_seq BIGINT NOT NULL
      );
    `,
  },
  {
    description: "level proposals and members' votes; the outbox's reply target (the proposal an alert answers)",
    sql: `
      CREATE TABLE proposals (id TEXT PRIMARY KEY, chat TEXT NOT NULL, created_at BIGINT NOT NULL, def TEXT NOT NULL);
      CREATE INDEX proposals_chat ON proposals (chat, created_at);
      -- One row per member and proposal: a new vote replaces the old one.
      CREATE TABLE proposal_votes (
        proposal TEXT NOT NULL,
        voter TEXT NOT NULL,
        vote TEXT NOT NULL CHECK (vote IN ('up', 'down')),
        PRIMARY KEY (proposal, voter)
      );
      ALTER TABLE outbox ADD COLUMN reply_to TEXT;
    `,
  },
  {
    description: 'the core leader\'s derivation watermark, and leases that fence deliverers',
    sql: `
      -- The event time up to which the core leader had fed its market when it stored the offset: a standby
      -- restores events up to it into the market, and holds later ones for ordering as the leader did.
      ALTER TABLE bus_offsets ADD COLUMN watermark BIGINT;

      -- One active sender per bot token: the holder renews the row before every send, and a standby takes it
      -- only once it expired (database time). Every take raises the token, which fences the old holder's writes.
      CREATE TABLE leases (
        name TEXT PRIMARY KEY,
        holder TEXT NOT NULL,
        token BIGINT NOT NULL,
        expires_at BIGINT NOT NULL
      );
    `,
  },
  {
    description: "chats' shared send windows (a gateway's replies and a deliverer's alerts in one budget)",
    sql: `
      -- Each chat's recent sends (database ms), by every process of one bot: a send claims a slot here in one
      -- statement (the row lock serialises claimants), so a gateway and a deliverer, or an old and a new deliverer,
      -- never together exceed the platform's per-chat and per-group limits. Only the last window's sends are kept.
      CREATE TABLE chat_windows (
        chat TEXT PRIMARY KEY,
        sends BIGINT[] NOT NULL
      );
    `,
  },
  {
    description: "the core leader's reorder hold with its offset (a live ingest states 15 s, a replay none)",
    sql: `
      -- The hold the core's market was under when it stored the offset, and the latest event time it had taken:
      -- with the watermark they are where its reorder buffer stood, so a standby resumes it exactly. NULL
      -- (rows stored before this step): the fixed 5-minute hold, latest event time = watermark + 5 minutes.
      ALTER TABLE bus_offsets ADD COLUMN hold_ms INTEGER, ADD COLUMN max_ts BIGINT;
    `,
  },
  {
    description: 'outbox: index on created_at, so the prune of delivered alerts reads only what it deletes',
    sql: `
      CREATE INDEX IF NOT EXISTS outbox_created ON outbox (created_at);
    `,
  },
  {
    description: "the core leader's market fed live (its feeds reported) with its offset, for a standby to restore under the live rules",
    sql: `
      -- Whether the market the offset was stored from was fed by live feeds: a standby warming up to it replays the
      -- stored events under the same rules (a market-wide flush's asset count), so a flush running at a takeover is
      -- rebuilt and ended. NULL (rows stored before this step, or a replayed day): as the feeds it hears say.
      ALTER TABLE bus_offsets ADD COLUMN live BOOLEAN;
    `,
  },
  {
    description: "gateways' tags, the suffix of the proposal ids each opens (p4, p4b), so two gateways never open one id",
    sql: `
      -- One small number per gateway (LIQBOT_GATEWAY_ID), given at its first start and kept for its id: the proposals
      -- it opens end with it (core/proposals.ts idSuffix), so two gateways numbering a chat's next proposal at once
      -- from what each knows give two ids. The identity only advances when a gateway is new.
      CREATE TABLE gateway_tags (
        gateway TEXT PRIMARY KEY,
        tag INTEGER GENERATED BY DEFAULT AS IDENTITY UNIQUE
      );
    `,
  },
];

/** Any PostgreSQL session: a pool or one client. */
export type Queryable = Pick<pg.ClientBase, 'query'>;

/** Serialises migrators across processes (any 64-bit constant unique to this use). */
const MIGRATION_LOCK = 0x6c69_7162_6f74; // "liqbot"

/** How many migrations the schema has applied (0 for an empty schema). */
export async function pgSchemaVersion(db: Queryable): Promise<number> {
  const exists = await db.query<{ t: string | null }>("SELECT to_regclass('schema_migrations')::text AS t");
  if (exists.rows[0]?.t == null) return 0;
  const r = await db.query<{ v: number | null }>('SELECT max(version)::int AS v FROM schema_migrations');
  return r.rows[0]?.v ?? 0;
}

/** The sentence for a schema newer than this code. */
function tooNew(label: string, found: number, known: number): StoreError {
  return new StoreError(
    `${label} was written by a newer liqbot (schema ${found}; this one knows up to ${known}); upgrade liqbot or point LIQBOT_DATABASE_URL at another database`,
    'open',
  );
}

/**
 * Bring the schema up to date on one dedicated client (its search_path names the schema); returns
 * { from, to }. Refuses a schema newer than this code knows.
 */
export async function migratePg(client: pg.ClientBase, label: string, migrations: readonly PgMigration[] = PG_MIGRATIONS, now: () => number = Date.now): Promise<{ from: number; to: number }> {
  await client.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK]);
  try {
    const from = await pgSchemaVersion(client);
    if (from > migrations.length) throw tooNew(label, from, migrations.length);
    if (from === migrations.length) return { from, to: from };
    await client.query('CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, description TEXT NOT NULL, applied_at BIGINT NOT NULL)');
    for (let version = from + 1; version <= migrations.length; version++) {
      const step = migrations[version - 1]!;
      try {
        await client.query('BEGIN');
        await client.query(step.sql);
        await client.query('INSERT INTO schema_migrations (version, description, applied_at) VALUES ($1, $2, $3)', [version, step.description, now()]);
        await client.query('COMMIT');
      } catch (err) {
        await client.query('ROLLBACK').catch(() => undefined);
        throw new StoreError(`could not upgrade ${label} to schema ${version} (${step.description}): ${reasonOf(err)}`, 'open', { cause: err });
      }
    }
    return { from, to: migrations.length };
  } finally {
    await client.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK]).catch(() => undefined);
  }
}

/** Refuse to run on a schema this code does not match: older needs `liqbot migrate`, newer needs an upgrade. */
export async function checkPgSchema(db: Queryable, label: string, migrations: readonly PgMigration[] = PG_MIGRATIONS): Promise<number> {
  const version = await pgSchemaVersion(db);
  if (version > migrations.length) throw tooNew(label, version, migrations.length);
  if (version < migrations.length) {
    throw new StoreError(`${label} is at schema ${version}, this liqbot needs ${migrations.length}: run \`liqbot migrate\` first`, 'open');
  }
  return version;
}
