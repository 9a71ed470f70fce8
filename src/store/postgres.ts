/**
 * The PostgreSQL store (pg): the Store behind promises (async.ts) on a connection pool, for several processes
 * sharing one database. The same behaviour as the SQLite file (the contract suite in test/store runs against
 * both): events keyed by (ts, identity hash) and inserted with ON CONFLICT DO NOTHING, daily totals grown by
 * the liquidations that were new, the outbox unique per (chat, alert_key) and read in id order. Every write is
 * one transaction; every failure leaves as a StoreError naming the operation and the database (no password).
 *
 * @example
 *   const store = await openPostgresStore({ url: 'postgres://liqbot@db:5432/liqbot' });
 *   await store.insertEvents(events); // → how many were new
 *   for await (const e of store.eventsSince(Date.now() - 86_400_000)) market.ingest(e);
 *   await store.close();
 */
import pg from 'pg';
import { assetOf, type Candle, type LiquidationTotal, type MarketEvent, type PositionSide } from '../core/events.js';
import type { AsyncStore, DailyTotal } from './async.js';
import { StoreError, reasonOf, type StoreErrorCode } from './errors.js';
import { DAY, dayStart } from '../core/time.js';
import { eventHash, isRawEvent, type RawEvent } from './hash.js';
import { checkPgSchema, migratePg } from './migrations-pg.js';
import { entryOf, eventOf, type EventColumns, type OutboxRow } from './rows.js';
import { hourlyTotalsKeptFrom, type ChatKey, type NewEntry, type OutboxEntry, type Subscription } from './store.js';
import type { Gap } from '../core/coverage.js';
import type { Level, LevelTrack } from '../core/levels.js';
import type { Proposal, Vote } from '../core/proposals.js';

export interface PostgresStoreOptions {
  /** `postgres://user[:password]@host:port/database` (LIQBOT_DATABASE_URL). */
  url: string;
  /** A schema to keep the tables in (created when migrating); default: the database's search_path. */
  schema?: string;
  /** Apply pending migrations on open (what `liqbot migrate` does); otherwise a stale schema is refused. */
  migrate?: boolean;
  /** Connections in the pool (default 4). */
  poolSize?: number;
}

export interface PostgresStore extends AsyncStore {
  /** Events, derived alerts and the stream offset of one bus batch, in one transaction (the core leader). */
  applyBatch(batch: BusBatchWrite): Promise<{ added: number; ids: number[] }>;
  busOffset(consumer: string): Promise<number>;
  /** Events with fromMs <= ts <= toMs, as `eventsSince` reads them. */
  eventsBetween(fromMs: number, toMs: number): AsyncIterable<MarketEvent>;
  /** The stored offset and the event time the consumer had fed its market up to (undefined: none stored). */
  busPosition(consumer: string): Promise<BusPosition>;
  /**
   * `pruneEvents`, only while `leader` holds its session lock (the core leader's, store/leader.ts): checked in the
   * prune's transaction before it deletes and again before it commits; `lost` when it is not held (nothing pruned).
   */
  pruneEventsLed(beforeMs: number, futureAfterMs: number | undefined, leader: LeaderFence): Promise<number | 'lost'>;
  /**
   * Run `op` while no prune of events can commit (a shared lock every prune takes exclusively, waiting for it): reads
   * that count what a pruned day's events still hold and then restore those events see the same events.
   */
  withPruneHeld<T>(op: () => Promise<T>): Promise<T>;
  /** Take the lease `name` for `holder` when it is free or expired (database time); the new fencing token, or undefined. */
  takeLease(name: string, holder: string, ttlMs: number): Promise<number | undefined>;
  /** Extend a lease this holder still holds with this token and that has not expired; false: it is lost. */
  renewLease(lease: Lease, ttlMs: number): Promise<boolean>;
  /**
   * Check the lease and claim an outbox entry in one statement: `lost` when the lease is no longer this holder's
   * or has expired (nothing claimed), `gone` when the entry is no longer pending.
   */
  claimLeased(id: number, untilMs: number, lease: Lease): Promise<'claimed' | 'gone' | 'lost'>;
  /**
   * Delete sent and dropped outbox rows created before `beforeMs`, only while the lease is this holder's and
   * unexpired (one statement): the deliver leader keeps the outbox's retention; `lost` when it is not the leader.
   */
  pruneOutboxLeased(beforeMs: number, lease: Lease): Promise<number | 'lost'>;
  /** markRetry, applied only while the lease's token is still the current one. */
  markRetryLeased(id: number, nextAttemptAt: number, error: string, lease: Lease): Promise<void>;
  /**
   * `duePending` for one platform's chats (`telegram:…`), with an id above `afterId` (what was queued since a deliverer
   * last looked; 0: all) and none of the ids in `except` (the entries a deliverer holds already): each platform's
   * deliverer reads only its own, however many another's down deliverer left. `now` Infinity: every pending entry.
   */
  duePendingFor(platform: string, now: number, limit: number, afterId?: number, except?: readonly number[]): Promise<OutboxEntry[]>;
  /**
   * The tag of the gateway `gateway` (LIQBOT_GATEWAY_ID): a small number, given at its first start (1 for the first
   * gateway, then 2, 3, …) and the same at every start after; two gateways never share one. What the ids of the
   * proposals it opens end with (core/proposals.ts idSuffix).
   */
  gatewayTag(gateway: string): Promise<number>;
  /** Wake LISTENers of `channel` (the core tells deliverers new alerts are queued). */
  notify(channel: string): Promise<void>;
  /**
   * Claim a send to `chat` in its shared window (chat_windows) when every `windows` limit has room, in one
   * statement; the slot is stamped `flightMs` ahead until `sendAnswered`. Returns the stamp, or how long to wait.
   */
  claimChatSend(chat: string, windows: readonly SendWindow[], flightMs: number): Promise<{ stamp: number } | { waitMs: number }>;
  /** The send claimed with `stamp` was answered: its slot counts from now (database time). */
  sendAnswered(chat: string, stamp: number): Promise<void>;
  /** The database as shown in messages: the URL without its password, and the schema. */
  readonly label: string;
  readonly schemaVersion: number;
  /** The pool, for the few callers that need their own transaction or a dedicated connection (leader lock). */
  readonly pool: pg.Pool;
}

/** A send limit: at most `messages` sends in any `windowMs` (a platform's per-chat or per-group limit). */
export interface SendWindow {
  messages: number;
  windowMs: number;
}

/** Where a consumer stood when it stored its offset (watermark, hold and latest event time: undefined if not stored). */
export interface BusPosition {
  seq: number;
  watermark?: number;
  holdMs?: number;
  maxTs?: number;
  /** The market it was stored from was fed live (see BusBatchWrite). */
  live?: boolean;
}

/** One bus batch as the core leader stores it: its events, the alerts derived, the offset and the market's watermark. */
export interface BusBatchWrite {
  consumer: string;
  seq: number;
  events: readonly MarketEvent[];
  alerts: readonly NewEntry[];
  /** Event time up to which the consumer's market has applied events (a standby restores up to it). */
  watermark?: number;
  /** The reorder hold in force after the batch (ms of event time), and the latest event time taken. */
  holdMs?: number;
  maxTs?: number;
  /** Whether the consumer's market was fed by live feeds (they reported): a standby restores under the same rules. */
  live?: boolean;
  /** Writes of state that go with the batch (levels and their states, chat settings, proposals, gaps), in order. */
  state?: readonly StateWrite[];
}

/** One write of state, as the store's method of the same name makes it; the core leader stores them with a batch. */
export type StateWrite =
  | { op: 'putLevel'; level: Level }
  | { op: 'removeLevel'; id: string }
  | { op: 'saveLevelStates'; states: readonly LevelTrack[] }
  | { op: 'putSubscription'; sub: Subscription }
  | { op: 'deleteSubscription'; chat: ChatKey }
  | { op: 'putProposal'; proposal: Proposal }
  | { op: 'putVote'; id: string; voter: string; vote: Vote }
  | { op: 'recordGap'; gap: Gap };

/**
 * The statements of one state write, on the pool or inside a caller's transaction; returns the rows it touched.
 * `removeLevel` is two statements: its callers run it in a transaction.
 */
async function writeState(db: pg.Pool | pg.PoolClient, w: StateWrite): Promise<number> {
  switch (w.op) {
    case 'putLevel':
      return (await db.query('INSERT INTO levels (id, created_at, def) VALUES ($1, $2, $3) ON CONFLICT (id) DO UPDATE SET created_at = excluded.created_at, def = excluded.def', [
        w.level.id, w.level.createdAt, JSON.stringify(w.level),
      ])).rowCount ?? 0;
    case 'removeLevel':
      await db.query('DELETE FROM level_states WHERE id = $1', [w.id]);
      return (await db.query('DELETE FROM levels WHERE id = $1', [w.id])).rowCount ?? 0;
    case 'saveLevelStates': {
      // The last state given for an id wins, as one statement may not update a row twice.
      const last = new Map(w.states.map((s) => [s.id, JSON.stringify(s)]));
      return (await db.query(`INSERT INTO level_states (id, state) SELECT * FROM unnest($1::text[], $2::text[]) ON CONFLICT (id) DO UPDATE SET state = excluded.state`, [
        [...last.keys()], [...last.values()],
      ])).rowCount ?? 0;
    }
    case 'putSubscription':
      return (await db.query('INSERT INTO subscriptions (chat, sub) VALUES ($1, $2) ON CONFLICT (chat) DO UPDATE SET sub = excluded.sub', [w.sub.chat, JSON.stringify(w.sub)])).rowCount ?? 0;
    case 'deleteSubscription':
      return (await db.query('DELETE FROM subscriptions WHERE chat = $1', [w.chat])).rowCount ?? 0;
    case 'putProposal':
      return (await db.query(
        `INSERT INTO proposals (id, chat, created_at, def) VALUES ($1, $2, $3, $4)
         ON CONFLICT (id) DO UPDATE SET chat = excluded.chat, created_at = excluded.created_at, def = excluded.def`,
        [w.proposal.id, w.proposal.chat, w.proposal.createdAt, JSON.stringify({ ...w.proposal, votes: {} })],
      )).rowCount ?? 0;
    case 'putVote':
      return (await db.query('INSERT INTO proposal_votes (proposal, voter, vote) VALUES ($1, $2, $3) ON CONFLICT (proposal, voter) DO UPDATE SET vote = excluded.vote', [
        w.id, w.voter, w.vote,
      ])).rowCount ?? 0;
    case 'recordGap':
      return (await db.query('INSERT INTO gaps (exchange, from_ms, to_ms, reason) VALUES ($1, $2, $3, $4) ON CONFLICT (exchange, from_ms, to_ms) DO UPDATE SET reason = excluded.reason', [
        w.gap.exchange, w.gap.from, w.gap.to, w.gap.reason,
      ])).rowCount ?? 0;
  }
}

/** A session advisory lock as its holder knows it (the core leader's, store/leader.ts): its key and the backend holding it. */
export interface LeaderFence {
  key: number;
  /** The backend process id (`pg_backend_pid()`) of the connection that took the lock. */
  pid: number;
}

/** A lease as its holder knows it: `token` grows with every take, so an old holder's writes can be refused. */
export interface Lease {
  name: string;
  holder: string;
  token: number;
}

/** The database's clock in ms: every lease expiry is judged on it, never on a process's own clock. */
const DB_NOW = '(extract(epoch from clock_timestamp()) * 1000)::bigint';

/** Rows per INSERT … SELECT FROM unnest(…): big enough to amortise a round trip, small enough for one message. */
const CHUNK = 2_000;
/** Rows per page when reading events lazily. */
const PAGE = 5_000;
/** Serialises enqueues across processes (any 64-bit constant unique to this use). */
const OUTBOX_LOCK = 0x6c69_7162_6f75;
/** Taken exclusively by every prune of events for its transaction, shared by reads that must see no prune (`withPruneHeld`). */
const PRUNE_LOCK = 0x6c69_7162_7072;
/** Whether the backend $2 holds the session advisory lock $1 (a bigint key: its high 32 bits in classid, its low in objid). */
const LOCK_HELD = `SELECT EXISTS (
  SELECT 1 FROM pg_locks WHERE locktype = 'advisory' AND granted AND mode = 'ExclusiveLock' AND pid = $2 AND objsubid = 1
    AND database = (SELECT oid FROM pg_database WHERE datname = current_database()) AND ((classid::bigint << 32) | objid::bigint) = $1
) AS held`;
const SCHEMA_RE = /^[a-z_][a-z0-9_]{0,62}$/;

/** int8 (counts, ms timestamps, 53-bit hashes) as JS numbers: every value we store fits exactly. */
const types = {
  getTypeParser: ((oid: number, format?: 'text' | 'binary') =>
    oid === pg.types.builtins.INT8 ? (v: string) => Number(v) : pg.types.getTypeParser(oid, format as 'text')) as typeof pg.types.getTypeParser,
};

/** The URL without its password, for messages and logs. */
export function redactUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '';
    return u.toString().replace(/:@/, '@');
  } catch {
    return 'the PostgreSQL database (LIQBOT_DATABASE_URL is not a valid URL)';
  }
}

/**
 * Connect, check (or with `migrate`, bring up to date) the schema, and return the store. Refuses with a
 * StoreError (code `open`) when the server does not answer or the schema does not match this code.
 */
export async function openPostgresStore(opts: PostgresStoreOptions): Promise<PostgresStore> {
  if (opts.schema !== undefined && !SCHEMA_RE.test(opts.schema)) {
    throw new StoreError(`schema "${opts.schema}" must be lower-case letters, digits and _`, 'open');
  }
  const label = `${redactUrl(opts.url)}${opts.schema ? ` (schema ${opts.schema})` : ''}`;
  const pool = new pg.Pool({
    connectionString: opts.url,
    max: opts.poolSize ?? 4,
    types,
    connectionTimeoutMillis: 10_000,
    ...(opts.schema ? { options: `-c search_path=${opts.schema}` } : {}),
  });
  // An idle connection that breaks (a server restart) must not crash the process; the next query reports it.
  pool.on('error', () => undefined);
  try {
    const client = await pool.connect();
    try {
      if (opts.migrate) {
        if (opts.schema) await client.query(`CREATE SCHEMA IF NOT EXISTS ${opts.schema}`);
        await migratePg(client, label);
      }
      const version = await checkPgSchema(client, label);
      return new PgStore(pool, label, version);
    } finally {
      client.release();
    }
  } catch (err) {
    await pool.end().catch(() => undefined);
    if (err instanceof StoreError) throw err;
    throw new StoreError(`could not open ${label}: ${reasonOf(err)}`, 'open', { cause: err });
  }
}

interface EventRow {
  ts: number;
  hash: number;
  type: RawEvent['type'];
  exchange: string;
  symbol: string;
  side: PositionSide | null;
  timeframe: Candle['timeframe'] | null;
  price: number | null;
  amount: number | null;
  usd: number | null;
  open: number | null;
  high: number | null;
  low: number | null;
  close: number | null;
  volume: number | null;
  contracts: number | null;
  rate: number | null;
  interval_hours: number | null;
}

const EVENT_COLUMNS = 'ts, hash, type, exchange, symbol, side, timeframe, price, amount, usd, open, high, low, close, volume, contracts, rate, interval_hours';

const INSERT_EVENTS = `INSERT INTO events (${EVENT_COLUMNS})
  SELECT * FROM unnest($1::bigint[], $2::bigint[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[], $8::float8[], $9::float8[],
    $10::float8[], $11::float8[], $12::float8[], $13::float8[], $14::float8[], $15::float8[], $16::float8[], $17::float8[], $18::float8[])
  ON CONFLICT DO NOTHING RETURNING ts, hash`;

/** Milliseconds as a bigint parameter: infinities and fractions clamped the way the comparison means them. */
const MAX_MS = Number.MAX_SAFE_INTEGER;
const atLeast = (ms: number): number => (ms >= MAX_MS ? MAX_MS : ms <= -MAX_MS ? -MAX_MS : Math.ceil(ms));
const atMost = (ms: number): number => (ms >= MAX_MS ? MAX_MS : ms <= -MAX_MS ? -MAX_MS : Math.floor(ms));

/**
 * The body of a prune of events (`Store.pruneEvents`), inside the caller's transaction, which it holds against
 * reads that must see no prune (`withPruneHeld`) and against another prune. Counts what was deleted.
 */
async function pruneWith(c: pg.PoolClient, beforeMs: number, futureAfterMs: number | undefined): Promise<number> {
  await c.query('SELECT pg_advisory_xact_lock($1)', [PRUNE_LOCK]);
  let removed: number;
  if (futureAfterMs === undefined) removed = (await c.query('DELETE FROM events WHERE ts < $1', [atLeast(beforeMs)])).rowCount ?? 0;
  else {
    const after = atMost(futureAfterMs);
    const events = await c.query('DELETE FROM events WHERE ts < $1 OR ts > $2', [atLeast(beforeMs), after]);
    const totals = await c.query('DELETE FROM liquidation_totals WHERE ts > $1', [after]);
    removed = (events.rowCount ?? 0) + (totals.rowCount ?? 0);
  }
  // A feed's gap qualifies the events of its span: once they are pruned, it qualifies nothing.
  removed += (await c.query('DELETE FROM gaps WHERE to_ms < $1', [atLeast(beforeMs)])).rowCount ?? 0;
  // A vendor's hours of days wholly past retention, as one daily total per asset, side and venue (sqlite.ts's
  // rollUpHourly: a daily total the vendor gave for the day is kept instead).
  const day = atLeast(hourlyTotalsKeptFrom(beforeMs));
  await c.query(
    `INSERT INTO liquidation_totals (ts, period, asset, side, exchange, usd)
     SELECT (ts / ${DAY}) * ${DAY} AS day, '1d', asset, side, exchange, sum(usd) FROM liquidation_totals
     WHERE period = '1h' AND ts < $1 GROUP BY day, asset, side, exchange ON CONFLICT DO NOTHING`,
    [day],
  );
  return removed + ((await c.query("DELETE FROM liquidation_totals WHERE period = '1h' AND ts < $1", [day])).rowCount ?? 0);
}

class PgStore implements PostgresStore {
  private closed = false;

  constructor(
    readonly pool: pg.Pool,
    readonly label: string,
    readonly schemaVersion: number,
  ) {}

  // ---- market events ----

  insertEvents(events: readonly MarketEvent[]): Promise<number> {
    return this.tx('write', `insert ${events.length} events into`, (c) => this.insertWith(c, events));
  }

  /**
   * The core leader's step (issue 19): a bus batch's events, the alerts derived from them, its state writes
   * (level states, levels, chat settings, proposals, gaps) and the stream offset, in one transaction, so a standby
   * taking over resumes exactly after what was stored, with the level states the market had there, and
   * re-derived alerts (same keys) are dropped by the outbox's unique key. Returns how many events were new and
   * the new alert ids.
   */
  applyBatch(batch: BusBatchWrite): Promise<{ added: number; ids: number[] }> {
    return this.tx('write', `store bus batch ${batch.seq} (${batch.events.length} events, ${batch.alerts.length} alerts) in`, async (c) => {
      const added = await this.insertWith(c, batch.events);
      const ids = await this.enqueueWith(c, batch.alerts);
      for (const w of batch.state ?? []) await writeState(c, w);
      const ms = (v: number | undefined) => (v !== undefined && Number.isFinite(v) ? Math.floor(v) : null);
      // The watermark, hold and latest event time go with the offset they were stored with (a later offset only).
      await c.query(
        `INSERT INTO bus_offsets (consumer, stream_seq, watermark, hold_ms, max_ts, live) VALUES ($1, $2, $3, $4, $5, $6)
         ON CONFLICT (consumer) DO UPDATE SET stream_seq = greatest(bus_offsets.stream_seq, excluded.stream_seq),
           watermark = CASE WHEN excluded.stream_seq >= bus_offsets.stream_seq THEN excluded.watermark ELSE bus_offsets.watermark END,
           hold_ms = CASE WHEN excluded.stream_seq >= bus_offsets.stream_seq THEN excluded.hold_ms ELSE bus_offsets.hold_ms END,
           max_ts = CASE WHEN excluded.stream_seq >= bus_offsets.stream_seq THEN excluded.max_ts ELSE bus_offsets.max_ts END,
           live = CASE WHEN excluded.stream_seq >= bus_offsets.stream_seq THEN excluded.live ELSE bus_offsets.live END`,
        [batch.consumer, batch.seq, ms(batch.watermark), ms(batch.holdMs), ms(batch.maxTs), batch.live ?? null],
      );
      return { added, ids };
    });
  }

  busPosition(consumer: string): Promise<BusPosition> {
    return this.run('read', `read the bus position of ${consumer} from`, async (db) => {
      const r = await db.query<{ stream_seq: number; watermark: number | null; hold_ms: number | null; max_ts: number | null; live: boolean | null }>(
        'SELECT stream_seq, watermark, hold_ms, max_ts, live FROM bus_offsets WHERE consumer = $1',
        [consumer],
      );
      const row = r.rows[0];
      if (!row) return { seq: 0 };
      return {
        seq: row.stream_seq,
        ...(row.watermark !== null ? { watermark: row.watermark } : {}),
        ...(row.hold_ms !== null ? { holdMs: row.hold_ms } : {}),
        ...(row.max_ts !== null ? { maxTs: row.max_ts } : {}),
        ...(row.live !== null ? { live: row.live } : {}),
      };
    });
  }

  // ---- gateways' tags (the suffix of the proposal ids each opens) ----

  gatewayTag(gateway: string): Promise<number> {
    return this.run('write', `read the tag of gateway ${gateway} in`, async (db) => {
      // Inserted only when new (the identity advances only then); a gateway of the same id inserting at the same
      // moment wins the row, and the second look reads it.
      for (let look = 0; look < 2; look++) {
        const r = await db.query<{ tag: number }>(
          `WITH known AS (SELECT tag FROM gateway_tags WHERE gateway = $1),
           added AS (
             INSERT INTO gateway_tags (gateway) SELECT $1 WHERE NOT EXISTS (SELECT 1 FROM known)
             ON CONFLICT (gateway) DO NOTHING RETURNING tag
           )
           SELECT tag FROM known UNION ALL SELECT tag FROM added`,
          [gateway],
        );
        if (r.rows[0]) return r.rows[0].tag;
      }
      throw new Error(`no tag for gateway ${gateway} after two looks`);
    });
  }

  // ---- leases (one active deliverer per bot token) ----

  takeLease(name: string, holder: string, ttlMs: number): Promise<number | undefined> {
    return this.run('write', `take the lease ${name} in`, async (db) => {
      const r = await db.query<{ token: number }>(
        `INSERT INTO leases (name, holder, token, expires_at) VALUES ($1, $2, 1, ${DB_NOW} + $3)
         ON CONFLICT (name) DO UPDATE SET holder = excluded.holder, token = leases.token + 1, expires_at = excluded.expires_at
         WHERE leases.expires_at < ${DB_NOW}
         RETURNING token`,
        [name, holder, Math.ceil(ttlMs)],
      );
      return r.rows[0]?.token;
    });
  }

  renewLease(lease: Lease, ttlMs: number): Promise<boolean> {
    return this.run('write', `renew the lease ${lease.name} in`, async (db) => {
      const r = await db.query(
        `UPDATE leases SET expires_at = ${DB_NOW} + $4 WHERE name = $1 AND holder = $2 AND token = $3 AND expires_at >= ${DB_NOW}`,
        [lease.name, lease.holder, lease.token, Math.ceil(ttlMs)],
      );
      return (r.rowCount ?? 0) > 0;
    });
  }

  claimLeased(id: number, untilMs: number, lease: Lease): Promise<'claimed' | 'gone' | 'lost'> {
    return this.run('write', `claim alert ${id} under the lease ${lease.name} in`, async (db) => {
      // A check, not a renewal: every claim updating the one lease row would serialise all sends on its lock
      // (and a commit each: ~50 sends/s on a loaded machine). The holder renews it on a timer.
      const r = await db.query<{ leased: number; claimed: number }>(
        `WITH l AS (
           SELECT token FROM leases WHERE name = $1 AND holder = $2 AND token = $3 AND expires_at >= ${DB_NOW}
         ), c AS (
           UPDATE outbox SET next_attempt_at = $4, interrupted = interrupted + claimed, claimed = 1
           WHERE id = $5 AND status = 'pending' AND EXISTS (SELECT 1 FROM l) RETURNING id
         )
         SELECT (SELECT count(*) FROM l)::int AS leased, (SELECT count(*) FROM c)::int AS claimed`,
        [lease.name, lease.holder, lease.token, atMost(untilMs), id],
      );
      const row = r.rows[0]!;
      return row.leased === 0 ? 'lost' : row.claimed === 0 ? 'gone' : 'claimed';
    });
  }

  markRetryLeased(id: number, nextAttemptAt: number, error: string, lease: Lease): Promise<void> {
    return this.exec(
      `reschedule alert ${id} in`,
      `UPDATE outbox SET attempts = attempts + 1, claimed = 0, next_attempt_at = $1, last_error = $2 WHERE id = $3 AND status = 'pending'
       AND EXISTS (SELECT 1 FROM leases WHERE name = $4 AND holder = $5 AND token = $6)`,
      [atMost(nextAttemptAt), error, id, lease.name, lease.holder, lease.token],
    );
  }

  claimChatSend(chat: string, windows: readonly SendWindow[], flightMs: number): Promise<{ stamp: number } | { waitMs: number }> {
    return this.run('write', `claim a send to ${chat} in`, async (db) => {
      const keepMs = Math.max(...windows.map((w) => w.windowMs));
      const flight = Math.ceil(flightMs);
      const r = await db.query<{ stamp: number }>(
        `WITH now AS (SELECT ${DB_NOW} AS t)
         INSERT INTO chat_windows AS w (chat, sends) SELECT $1, ARRAY[now.t + $4] FROM now
         ON CONFLICT (chat) DO UPDATE
           SET sends = ARRAY(SELECT s FROM unnest(w.sends) s WHERE s > (SELECT t FROM now) - $5) || ((SELECT t FROM now) + $4)
           WHERE NOT EXISTS (
             SELECT 1 FROM unnest($2::int[], $3::bigint[]) AS lim(m, ms)
             WHERE (SELECT count(*) FROM unnest(w.sends) s WHERE s > (SELECT t FROM now) - lim.ms) >= lim.m)
         RETURNING (SELECT t FROM now) + $4 AS stamp`,
        [chat, windows.map((w) => w.messages), windows.map((w) => Math.ceil(w.windowMs)), flight, Math.ceil(keepMs)],
      );
      if (r.rows[0]) return { stamp: Number(r.rows[0].stamp) };
      // Full: the earliest time every window has room again (the m-th most recent send leaves it).
      const cur = await db.query<{ sends: string[]; now: string }>(`SELECT sends, ${DB_NOW} AS now FROM chat_windows WHERE chat = $1`, [chat]);
      const now = Number(cur.rows[0]?.now ?? 0);
      const sends = (cur.rows[0]?.sends ?? []).map(Number).sort((a, b) => b - a);
      let freeAt = now;
      for (const w of windows) {
        const recent = sends.filter((s) => s > now - w.windowMs);
        if (recent.length >= w.messages) freeAt = Math.max(freeAt, recent[w.messages - 1]! + w.windowMs);
      }
      return { waitMs: Math.max(1, freeAt - now + 1) };
    });
  }

  sendAnswered(chat: string, stamp: number): Promise<void> {
    return this.exec(`record a send to ${chat} in`, `UPDATE chat_windows SET sends = array_replace(sends, $2::bigint, ${DB_NOW}) WHERE chat = $1`, [chat, stamp]);
  }

  notify(channel: string): Promise<void> {
    return this.exec(`notify ${channel} in`, 'SELECT pg_notify($1, $2)', [channel, '']);
  }

  /** The stream sequence of the last batch `consumer` stored (0: none yet). */
  busOffset(consumer: string): Promise<number> {
    return this.run('read', `read the bus offset of ${consumer} from`, async (db) => {
      const r = await db.query<{ stream_seq: number }>('SELECT stream_seq FROM bus_offsets WHERE consumer = $1', [consumer]);
      return r.rows[0]?.stream_seq ?? 0;
    });
  }

  /** The body of an events insert, inside the caller's transaction. */
  private async insertWith(c: pg.PoolClient, events: readonly MarketEvent[]): Promise<number> {
    const raw: RawEvent[] = [];
    const totals: LiquidationTotal[] = [];
    for (const e of events) {
      if (isRawEvent(e)) raw.push(e);
      else if (e.type === 'liquidation_total') totals.push(e);
      else if (e.type !== 'level') throw new TypeError(`not a market event: type ${JSON.stringify((e as { type?: unknown }).type)}`);
    }
    let added = 0;
    const daily = new Map<string, DailyTotal>();
    for (let i = 0; i < raw.length; i += CHUNK) {
      const chunk = raw.slice(i, i + CHUNK);
      const hashes = chunk.map(eventHash);
      const r = await c.query<{ ts: number; hash: number }>(INSERT_EVENTS, eventColumns(chunk, hashes));
      added += r.rowCount ?? 0;
      // Only liquidations stored now grow the day sums, each once, in batch order (as SQLite adds them).
      const fresh = new Set(r.rows.map((row) => `${row.ts}:${row.hash}`));
      chunk.forEach((e, j) => {
        if (e.type !== 'liquidation' || !fresh.delete(`${e.ts}:${hashes[j]}`)) return;
        const asset = assetOf(e.symbol);
        const day = dayStart(e.ts);
        const key = `${asset}\u0000${day}\u0000${e.side}\u0000${e.exchange}`;
        const sum = daily.get(key);
        if (sum) sum.usd += e.usd;
        else daily.set(key, { asset, day, side: e.side, exchange: e.exchange, usd: e.usd });
      });
    }
    if (daily.size > 0) {
      const d = [...daily.values()];
      await c.query(
        `INSERT INTO daily_liquidations (asset, day, side, exchange, usd)
         SELECT * FROM unnest($1::text[], $2::bigint[], $3::text[], $4::text[], $5::float8[])
         ON CONFLICT (asset, day, side, exchange) DO UPDATE SET usd = daily_liquidations.usd + excluded.usd`,
        [d.map((x) => x.asset), d.map((x) => x.day), d.map((x) => x.side), d.map((x) => x.exchange), d.map((x) => x.usd)],
      );
    }
    // Vendor totals are few (hourly); one statement each keeps "replaced, then replaced again" counting as SQLite does.
    for (const t of totals) {
      const r = await c.query(
        `INSERT INTO liquidation_totals (ts, period, asset, side, exchange, usd) VALUES ($1, $2, $3, $4, $5, $6)
         ON CONFLICT (ts, period, asset, side, exchange) DO UPDATE SET usd = excluded.usd WHERE liquidation_totals.usd IS DISTINCT FROM excluded.usd`,
        [t.ts, t.period, t.asset, t.side, t.exchange ?? '', t.usd],
      );
      added += r.rowCount ?? 0;
    }
    return added;
  }

  eventsSince(fromMs: number): AsyncIterable<MarketEvent> {
    return this.eventsBetween(fromMs, Infinity);
  }

  eventsBetween(fromMs: number, toMs: number): AsyncIterable<MarketEvent> {
    // eslint-disable-next-line @typescript-eslint/no-this-alias
    const store = this;
    const action = `read events since ${fromMs} from`;
    const to = atMost(toMs);
    return {
      async *[Symbol.asyncIterator]() {
        // Keyset pages on the primary key: each page is a short query, so nothing stays open between steps.
        let rows = await store.run('read', action, (db) =>
          db.query<EventRow>(`SELECT ${EVENT_COLUMNS} FROM events WHERE ts >= $1 AND ts <= $2 ORDER BY ts, hash LIMIT ${PAGE}`, [atLeast(fromMs), to]),
        );
        for (;;) {
          for (const row of rows.rows) yield eventOf(columnsOf(row));
          if (rows.rows.length < PAGE) return;
          const last = rows.rows[rows.rows.length - 1]!;
          rows = await store.run('read', action, (db) =>
            db.query<EventRow>(`SELECT ${EVENT_COLUMNS} FROM events WHERE (ts, hash) > ($1, $2) AND ts <= $3 ORDER BY ts, hash LIMIT ${PAGE}`, [last.ts, last.hash, to]),
          );
        }
      },
    };
  }

  dailyTotals(beforeDayMs: number): Promise<DailyTotal[]> {
    return this.run('read', 'read daily totals from', async (db) => {
      const r = await db.query<DailyTotal>(
        'SELECT asset, day, side, exchange, usd FROM daily_liquidations WHERE day < $1 ORDER BY asset COLLATE "C", day, side COLLATE "C", exchange COLLATE "C"',
        [atLeast(beforeDayMs)],
      );
      return r.rows.map((x) => ({ asset: x.asset, day: x.day, side: x.side, exchange: x.exchange, usd: x.usd }));
    });
  }

  liquidationTotals(): Promise<LiquidationTotal[]> {
    return this.run('read', 'read liquidation totals from', async (db) => {
      type Row = Omit<LiquidationTotal, 'type' | 'exchange'> & { exchange: string };
      const r = await db.query<Row>(
        'SELECT ts, period, asset, side, exchange, usd FROM liquidation_totals ORDER BY ts, period COLLATE "C", asset COLLATE "C", side COLLATE "C", exchange COLLATE "C"',
      );
      return r.rows.map((x) => {
        const t: LiquidationTotal = { type: 'liquidation_total', ts: x.ts, period: x.period, asset: x.asset, side: x.side, usd: x.usd };
        if (x.exchange !== '') t.exchange = x.exchange;
        return t;
      });
    });
  }

  pruneEvents(beforeMs: number, futureAfterMs?: number): Promise<number> {
    return this.tx('write', `prune events before ${beforeMs} from`, (c) => pruneWith(c, beforeMs, futureAfterMs));
  }

  pruneEventsLed(beforeMs: number, futureAfterMs: number | undefined, leader: LeaderFence): Promise<number | 'lost'> {
    return this.run('write', `prune events before ${beforeMs} under the leader lock in`, async (pool) => {
      const c = await pool.connect();
      try {
        await c.query('BEGIN');
        // Waits for a standby's reads (withPruneHeld) before asking whether this process still leads.
        await c.query('SELECT pg_advisory_xact_lock($1)', [PRUNE_LOCK]);
        const leads = async () => (await c.query<{ held: boolean }>(LOCK_HELD, [leader.key, leader.pid])).rows[0]!.held;
        let removed: number | 'lost' = 'lost';
        if (await leads()) {
          removed = await pruneWith(c, beforeMs, futureAfterMs);
          // A leader that lost the lock while it pruned (its lock's connection gone) keeps nothing of it.
          if (!(await leads())) removed = 'lost';
        }
        await c.query(removed === 'lost' ? 'ROLLBACK' : 'COMMIT');
        return removed;
      } catch (err) {
        await c.query('ROLLBACK').catch(() => undefined);
        throw err;
      } finally {
        c.release();
      }
    });
  }

  async withPruneHeld<T>(op: () => Promise<T>): Promise<T> {
    const c = await this.run('read', 'hold off the prune of events in', async (pool) => {
      const client = await pool.connect();
      try {
        await client.query('SELECT pg_advisory_lock_shared($1)', [PRUNE_LOCK]);
        return client;
      } catch (err) {
        client.release(true);
        throw err;
      }
    });
    try {
      return await op();
    } finally {
      // A connection that could not let go of the lock is closed (the lock goes with it), never pooled holding it.
      const unlocked = await c.query('SELECT pg_advisory_unlock_shared($1)', [PRUNE_LOCK]).then(() => true, () => false);
      c.release(!unlocked);
    }
  }

  // ---- levels ----

  listLevels(): Promise<Level[]> {
    return this.json('list levels from', 'SELECT def AS j FROM levels ORDER BY created_at, id COLLATE "C"');
  }

  putLevel(level: Level): Promise<void> {
    return this.state(`save level ${level.id} to`, { op: 'putLevel', level });
  }

  removeLevel(id: string): Promise<boolean> {
    return this.tx('write', `remove level ${id} from`, async (c) => (await writeState(c, { op: 'removeLevel', id })) > 0);
  }

  loadLevelStates(): Promise<LevelTrack[]> {
    return this.json('load level states from', 'SELECT state AS j FROM level_states ORDER BY id COLLATE "C"');
  }

  saveLevelStates(states: readonly LevelTrack[]): Promise<void> {
    return this.state(`save ${states.length} level states to`, { op: 'saveLevelStates', states });
  }

  // ---- proposals ----

  listProposals(chat?: ChatKey): Promise<Proposal[]> {
    const where = chat === undefined ? '' : 'WHERE p.chat = $1';
    return this.proposalsWhere(`list the proposals${chat ? ` of ${chat}` : ''} from`, `${where} ORDER BY p.created_at, p.id COLLATE "C"`, chat === undefined ? [] : [chat]);
  }

  async getProposal(id: string): Promise<Proposal | undefined> {
    const [p] = await this.proposalsWhere(`read proposal ${id} from`, 'WHERE p.id = $1', [id]);
    return p;
  }

  putProposal(proposal: Proposal): Promise<void> {
    return this.state(`save proposal ${proposal.id} to`, { op: 'putProposal', proposal });
  }

  putVote(proposalId: string, voter: string, vote: Vote): Promise<void> {
    return this.state(`save a vote on ${proposalId} to`, { op: 'putVote', id: proposalId, voter, vote });
  }

  /** Proposals with their votes in one query (votes as a JSON object, voters in order). */
  private proposalsWhere(action: string, tail: string, params: unknown[]): Promise<Proposal[]> {
    return this.run('read', action, async (db) => {
      const r = await db.query<{ def: string; votes: Record<string, Vote> | null }>(
        `SELECT p.def, (SELECT json_object_agg(v.voter, v.vote ORDER BY v.voter COLLATE "C") FROM proposal_votes v WHERE v.proposal = p.id) AS votes
         FROM proposals p ${tail}`,
        params,
      );
      return r.rows.map((row) => ({ ...(JSON.parse(row.def) as Proposal), votes: row.votes ?? {} }));
    });
  }

  // ---- subscriptions ----

  async getSubscription(chat: ChatKey): Promise<Subscription | undefined> {
    const [sub] = await this.json<Subscription>(`read the subscription of ${chat} from`, 'SELECT sub AS j FROM subscriptions WHERE chat = $1', [chat]);
    return sub;
  }

  putSubscription(sub: Subscription): Promise<void> {
    return this.state(`save the subscription of ${sub.chat} to`, { op: 'putSubscription', sub });
  }

  deleteSubscription(chat: ChatKey): Promise<void> {
    return this.state(`delete the subscription of ${chat} from`, { op: 'deleteSubscription', chat });
  }

  listSubscriptions(): Promise<Subscription[]> {
    return this.json('list subscriptions from', 'SELECT sub AS j FROM subscriptions ORDER BY chat COLLATE "C"');
  }

  // ---- outbox ----

  enqueue(entries: readonly NewEntry[]): Promise<number[]> {
    return this.tx('write', `queue ${entries.length} alerts in`, (c) => this.enqueueWith(c, entries));
  }

  /** The body of an enqueue, inside the caller's transaction. */
  private async enqueueWith(c: pg.PoolClient, entries: readonly NewEntry[]): Promise<number[]> {
    if (entries.length === 0) return [];
    const ids: number[] = [];
    // One enqueuer at a time: two transactions inserting the same keys in different orders would deadlock, and
    // ids must follow each batch's order. The lock ends with the transaction.
    await c.query('SELECT pg_advisory_xact_lock($1)', [OUTBOX_LOCK]);
    for (let i = 0; i < entries.length; i += CHUNK) {
      const chunk = entries.slice(i, i + CHUNK);
      // Rows go in in batch order, so identity ids grow in that order; a (chat, alert_key) already there, or
      // earlier in the batch, is skipped.
      const r = await c.query<{ id: number }>(
        `INSERT INTO outbox (chat, target, alert_key, edit_key, alert, next_attempt_at, created_at, reply_to)
         SELECT chat, target, alert_key, edit_key, alert, next_attempt_at, created_at, reply_to
         FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::bigint[], $7::bigint[], $8::text[])
           WITH ORDINALITY AS t(chat, target, alert_key, edit_key, alert, next_attempt_at, created_at, reply_to, ord)
         ORDER BY ord
         ON CONFLICT (chat, alert_key) DO NOTHING RETURNING id`,
        [
          chunk.map((e) => e.chat), chunk.map((e) => e.target ?? null), chunk.map((e) => e.alertKey), chunk.map((e) => e.editKey ?? null),
          chunk.map((e) => JSON.stringify(e.alert)), chunk.map((e) => e.nextAttemptAt), chunk.map((e) => e.createdAt),
          chunk.map((e) => e.replyTo ?? null),
        ],
      );
      ids.push(...r.rows.map((row) => row.id).sort((a, b) => a - b));
    }
    return ids;
  }

  duePendingFor(platform: string, now: number, limit: number, afterId = 0, except: readonly number[] = []): Promise<OutboxEntry[]> {
    return this.run('read', `read due ${platform} alerts from`, async (db) => {
      const r = await db.query<OutboxRow>(
        "SELECT * FROM outbox WHERE status = 'pending' AND id > $1 AND next_attempt_at <= $2 AND starts_with(chat, $3) AND id <> ALL($5::bigint[]) ORDER BY id LIMIT $4",
        [afterId, atMost(now), `${platform}:`, limit, except],
      );
      return r.rows.map(entryOf);
    });
  }

  duePending(now: number, limit: number): Promise<OutboxEntry[]> {
    return this.run('read', 'read due alerts from', async (db) => {
      const r = await db.query<OutboxRow>("SELECT * FROM outbox WHERE status = 'pending' AND next_attempt_at <= $1 ORDER BY id LIMIT $2", [atMost(now), limit]);
      return r.rows.map(entryOf);
    });
  }

  pendingCount(): Promise<number> {
    return this.run('read', 'count pending alerts in', async (db) => {
      const r = await db.query<{ n: number }>("SELECT count(*) AS n FROM outbox WHERE status = 'pending'");
      return r.rows[0]!.n;
    });
  }

  markSent(id: number, messageRef: string): Promise<void> {
    return this.exec(`mark alert ${id} sent in`, "UPDATE outbox SET status = 'sent', attempts = attempts + 1, claimed = 0, message_ref = $1 WHERE id = $2 AND status = 'pending'", [messageRef, id]);
  }

  claim(id: number, untilMs: number): Promise<void> {
    return this.exec(`claim alert ${id} in`, "UPDATE outbox SET next_attempt_at = $1, interrupted = interrupted + claimed, claimed = 1 WHERE id = $2 AND status = 'pending'", [atMost(untilMs), id]);
  }

  markRetry(id: number, nextAttemptAt: number, error: string): Promise<void> {
    return this.exec(`reschedule alert ${id} in`, "UPDATE outbox SET attempts = attempts + 1, claimed = 0, next_attempt_at = $1, last_error = $2 WHERE id = $3 AND status = 'pending'", [
      atMost(nextAttemptAt), error, id,
    ]);
  }

  markDropped(id: number, error: string): Promise<void> {
    return this.exec(`mark alert ${id} dropped in`, "UPDATE outbox SET status = 'dropped', attempts = attempts + 1, claimed = 0, last_error = $1 WHERE id = $2 AND status = 'pending'", [error, id]);
  }

  sentMessageRef(chat: ChatKey, editKey: string): Promise<string | undefined> {
    return this.run('read', `read a sent message of ${chat} from`, async (db) => {
      const r = await db.query<{ message_ref: string | null }>(
        "SELECT message_ref FROM outbox WHERE chat = $1 AND edit_key = $2 AND status = 'sent' ORDER BY id DESC LIMIT 1",
        [chat, editKey],
      );
      return r.rows[0]?.message_ref ?? undefined;
    });
  }

  pruneOutbox(beforeMs: number): Promise<number> {
    return this.run('write', `prune the outbox before ${beforeMs} in`, async (db) => {
      return (await db.query("DELETE FROM outbox WHERE status IN ('sent', 'dropped') AND created_at < $1", [atLeast(beforeMs)])).rowCount ?? 0;
    });
  }

  pruneOutboxLeased(beforeMs: number, lease: Lease): Promise<number | 'lost'> {
    return this.run('write', `prune the outbox before ${beforeMs} under the lease ${lease.name} in`, async (db) => {
      const r = await db.query<{ leased: number; pruned: number }>(
        `WITH l AS (
           SELECT token FROM leases WHERE name = $2 AND holder = $3 AND token = $4 AND expires_at >= ${DB_NOW}
         ), d AS (
           DELETE FROM outbox WHERE status IN ('sent', 'dropped') AND created_at < $1 AND EXISTS (SELECT 1 FROM l) RETURNING id
         )
         SELECT (SELECT count(*) FROM l)::int AS leased, (SELECT count(*) FROM d)::int AS pruned`,
        [atLeast(beforeMs), lease.name, lease.holder, lease.token],
      );
      const row = r.rows[0]!;
      return row.leased === 0 ? 'lost' : row.pruned;
    });
  }

  // ---- gaps ----

  recordGap(gap: Gap): Promise<void> {
    return this.state(`record a ${gap.exchange} gap in`, { op: 'recordGap', gap });
  }

  gaps(fromMs: number, toMs: number): Promise<Gap[]> {
    return this.run('read', 'read gaps from', async (db) => {
      type Row = { exchange: string; from_ms: number; to_ms: number; reason: string };
      const r = await db.query<Row>('SELECT exchange, from_ms, to_ms, reason FROM gaps WHERE from_ms <= $1 AND to_ms >= $2 ORDER BY from_ms, exchange COLLATE "C", to_ms', [
        atMost(toMs), atLeast(fromMs),
      ]);
      return r.rows.map((x) => ({ exchange: x.exchange, from: x.from_ms, to: x.to_ms, reason: x.reason }));
    });
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.pool.end();
  }

  // ---- error boundary ----

  /** Run one operation on the pool; anything that goes wrong leaves as a StoreError naming it and the database. */
  private async run<T>(code: StoreErrorCode, action: string, op: (db: pg.Pool) => Promise<T>): Promise<T> {
    this.assertOpen(action);
    try {
      return await op(this.pool);
    } catch (err) {
      throw this.failure(code, action, err);
    }
  }

  /** Run `op` in one transaction on one connection: all of it is stored, or (on any throw) none. */
  private tx<T>(code: StoreErrorCode, action: string, op: (c: pg.PoolClient) => Promise<T>): Promise<T> {
    return this.run(code, action, async (pool) => {
      const c = await pool.connect();
      try {
        await c.query('BEGIN');
        const result = await op(c);
        await c.query('COMMIT');
        return result;
      } catch (err) {
        await c.query('ROLLBACK').catch(() => undefined);
        throw err;
      } finally {
        c.release();
      }
    });
  }

  private async state(action: string, write: StateWrite): Promise<void> {
    await this.run('write', action, (db) => writeState(db, write));
  }

  private async exec(action: string, sql: string, params: unknown[]): Promise<void> {
    await this.run('write', action, (db) => db.query(sql, params));
  }

  private json<T>(action: string, sql: string, params: unknown[] = []): Promise<T[]> {
    return this.run('read', action, async (db) => (await db.query<{ j: string }>(sql, params)).rows.map((r) => JSON.parse(r.j) as T));
  }

  private assertOpen(action: string): void {
    if (this.closed) throw new StoreError(`cannot ${action} ${this.label}: the store is closed`, 'closed');
  }

  private failure(code: StoreErrorCode, action: string, err: unknown): StoreError {
    if (err instanceof StoreError) return err;
    return new StoreError(`could not ${action} ${this.label}: ${reasonOf(err)}`, code, { cause: err });
  }
}

/** The 18 column arrays of an events insert, in EVENT_COLUMNS order. */
function eventColumns(events: readonly RawEvent[], hashes: readonly number[]): unknown[][] {
  const cols: unknown[][] = Array.from({ length: 18 }, () => new Array<unknown>(events.length).fill(null));
  events.forEach((e, i) => {
    cols[0]![i] = e.ts;
    cols[1]![i] = hashes[i];
    cols[2]![i] = e.type;
    cols[3]![i] = e.exchange;
    cols[4]![i] = e.symbol;
    switch (e.type) {
      case 'liquidation':
        cols[5]![i] = e.side; cols[7]![i] = e.price; cols[8]![i] = e.amount; cols[9]![i] = e.usd;
        break;
      case 'candle':
        cols[6]![i] = e.timeframe; cols[10]![i] = e.open; cols[11]![i] = e.high; cols[12]![i] = e.low; cols[13]![i] = e.close; cols[14]![i] = e.volume ?? null;
        break;
      case 'price':
        cols[7]![i] = e.price;
        break;
      case 'open_interest':
        cols[9]![i] = e.usd; cols[15]![i] = e.contracts ?? null;
        break;
      case 'funding':
        cols[16]![i] = e.rate; cols[17]![i] = e.intervalHours;
        break;
    }
  });
  return cols;
}

/** A row as the columns the one reader takes (rows.ts). */
function columnsOf(r: EventRow): EventColumns {
  return [r.ts, r.type, r.exchange, r.symbol, r.side, r.timeframe, r.price, r.amount, r.usd, r.open, r.high, r.low, r.close, r.volume, r.contracts, r.rate, r.interval_hours];
}
