/**
 * The SQLite store (better-sqlite3): one file in WAL mode, owned by one liqbot process at a time through
 * SQLite's exclusive locking mode on a lock database beside the file (symlinks resolved). Every write is one transaction
 * (see writeTransaction); a failed one is rolled back and thrown as a StoreError.
 *
 * @example
 *   const store = openSqliteStore('./data/liqbot.db');
 *   store.insertEvents(events); // → how many were new
 *   for (const e of store.eventsSince(Date.now() - 86_400_000)) buckets.add(e);
 *   store.close();
 */
import { accessSync, closeSync, constants, existsSync, mkdirSync, openSync, readlinkSync, realpathSync, rmSync, statSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import Database from 'better-sqlite3';
import { assetOf, type LiquidationTotal, type MarketEvent, type PositionSide } from '../core/events.js';
import { DAMAGED_ADVICE, DISK_FULL_ADVICE, isDamaged, isDiskFull, StoreError, reasonOf, type StoreErrorCode } from './errors.js';
import { DAY, dayStart } from '../core/time.js';
import { blockStore, type BlockStore } from './event-blocks.js';
import { eventHash, type RawEvent } from './hash.js';
import { eventAt, EventPacker, EventUnpacker, LIQUIDATION, LIQUIDATION_HASH, LIQUIDATION_TOTAL, STRIDE } from './event-pack.js';
import { migrate } from './migrations.js';
import { entryOf, type OutboxRow } from './rows.js';
import { hourlyTotalsKeptFrom, type ChatKey, type NewEntry, type OutboxEntry, type Store, type Subscription } from './store.js';
import type { Gap } from '../core/coverage.js';
import type { Level, LevelTrack } from '../core/levels.js';
import type { Proposal, Vote } from '../core/proposals.js';

export interface SqliteStoreOptions {
  /** The clock stamped on schema upgrades (the `schema_migrations` log). */
  now?: () => number;
  /** How the connection is opened (default: read-write, created if missing); tests open one read-only. */
  open?: (file: string) => Database.Database;
}

export interface SqliteStore extends Store {
  /** The database file as given (`:memory:` for a private in-memory database). */
  readonly path: string;
  /** How many migrations the file has applied. */
  readonly schemaVersion: number;
  /** The real file (symlinks resolved) a second connection opens, e.g. the event writer's; undefined in memory. */
  readonly realFile: string | undefined;
}

/**
 * Open (creating the file and its folder if missing) and upgrade the database at `path`.
 * Refuses with a StoreError (code `locked`) when another live process, or this one, has it open.
 *
 * While an iteration from `eventsSince`, `dailyTotals` or `liquidationTotals` is running, reads work, but writes
 * and close() throw until it is finished (or broken out of).
 */
export function openSqliteStore(path: string, opts: SqliteStoreOptions = {}): SqliteStore {
  const inMemory = path === ':memory:' || path === '';
  if (!inMemory) createFolder(dirname(resolve(path)), 'LIQBOT_DB');
  const file = inMemory ? path : resolveFile(path);
  if (openFiles.has(file)) {
    throw new StoreError(`${path} is already open in this process (pid ${process.pid}); close that store before opening it again`, 'locked');
  }
  let db: Database.Database | undefined;
  const lock = inMemory ? undefined : takeLock(path, file);
  try {
    db = opts.open ? opts.open(file) : new Database(file);
    tuneConnection(db);
    // SQLite opens a file it may not write read-only without a word, and every write would fail from then on.
    if (!inMemory) assertWritable(db);
    const version = migrate(db, path, undefined, opts.now);
    // Upgraded: from now on the store's connection runs on the main thread, where a wait for the write lock freezes
    // the bot (every command, feed and delivery). A write refused as busy is held and retried (faults.ts, the outbox,
    // StateWriter), so it waits briefly; the event writer's thread keeps the long wait (tuneConnection).
    db.pragma(`busy_timeout = ${MAIN_BUSY_TIMEOUT_MS}`);
    if (!inMemory) openFiles.set(file, lock?.db);
    return new SqliteStoreImpl(db, path, version, lock && { file, identity: identityOf(file), lock: lock.db, lockPath: lock.path, lockIdentity: identityOf(lock.path) });
  } catch (err) {
    db?.close();
    lock?.db.close();
    if (err instanceof StoreError) throw err;
    if (isReadOnly(err)) {
      throw new StoreError(
        `could not open ${path} for writing: ${readOnlyWhy(file, 'or set LIQBOT_DB to a file the user liqbot runs as can write')}`,
        'open',
        { cause: err },
      );
    }
    const reason = reasonOf(err);
    // A damaged file is the operator's to replace, and the line says how; a full disk passes once space is freed.
    const advice = isDiskFull(err) ? `; ${DISK_FULL_ADVICE}` : isDamaged(err) || /corrupt/i.test(reason) ? `; ${DAMAGED_ADVICE}` : '';
    throw new StoreError(`could not open ${path} as a liqbot database: ${reason}${advice}`, 'open', { cause: err });
  }
}

/**
 * How long the store's own connection waits for another connection's write lock before a write is refused as busy
 * (SQLITE_BUSY): longer than the event writer's transactions (a batch of blocks, a few milliseconds), far shorter
 * than the 5 s that froze the main thread per call while another process held the lock.
 */
export const MAIN_BUSY_TIMEOUT_MS = 250;

/** The settings every connection to a store file runs with (the store's own, and the event writer's). */
export function tuneConnection(db: Database.Database): void {
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  db.pragma('busy_timeout = 5000');
  // A checkpoint (and its fsyncs) every ~40 MB of log rather than every 4 MB: a tenth as many, a fifth more inserts
  // per second (1M liquidations: 300-340k/s → 360-400k/s, measured side by side); the log is reset after each.
  db.pragma('wal_autocheckpoint = 10000');
  // 2 MB: the bot answers from the engine, not the file. The store's connection reads only small tables while it
  // runs (outbox, subscriptions, level states; the restore's read of the events is one pass) and the event writer's
  // only appends (1M liquidations inserted as fast with 1, 2 or 4 MB); a page cache fills once and stays in RSS.
  db.pragma('cache_size = -2000');
}

/**
 * A write transaction, begun IMMEDIATE: it takes the file's write lock before its first read. Two connections write
 * the file (the store's and the event writer's thread); a deferred one that reads first (the event blocks' latest
 * time, the rows to prune) and then writes after the other committed fails with SQLITE_BUSY_SNAPSHOT, and SQLite's
 * busy timeout cannot help it. Begun IMMEDIATE, it waits its turn at BEGIN instead.
 */
function writeTransaction<F extends Parameters<Database.Database['transaction']>[0]>(db: Database.Database, fn: F): Database.Transaction<F>['immediate'] {
  return db.transaction(fn).immediate;
}

/** A row of `daily_liquidations`. */
interface DailyRow {
  asset: string;
  day: number;
  side: PositionSide;
  exchange: string;
  usd: number;
}

/**
 * The one way market events are written to a connection (the store's, or the event writer's thread in
 * event-writer.ts): one transaction per batch, the raw events as one block (event-blocks.ts), vendor totals in their
 * table, then the day sums of the liquidations that were new. Returns how many events were new; throws (rolled back)
 * what SQLite threw.
 */
export function eventInserter(db: Database.Database): (events: readonly MarketEvent[]) => number {
  // Packed as for the writer's thread (event-pack.ts), then the one insert below: one path for both connections.
  const insert = packedInserter(db);
  const packer = new EventPacker();
  const unpacker = new EventUnpacker();
  return (events) => {
    const batch = packer.pack(events);
    return insert(batch.rows, unpacker.strings(batch));
  };
}

/**
 * The same for a packed batch (event-pack.ts), as the writer's thread receives it: its rows (liquidations with
 * their identity hash) and the string table their ids index. Liquidations go from the rows into the block without
 * becoming objects.
 */
export function packedInserter(db: Database.Database): (rows: Float64Array, strings: readonly string[]) => number {
  const blocks = blockStore(db);
  const s = {
    addDaily: db.prepare(`INSERT INTO daily_liquidations (asset, day, side, exchange, usd) VALUES (?, ?, ?, ?, ?)
      ON CONFLICT DO UPDATE SET usd = usd + excluded.usd`),
    // Changes nothing (and counts 0) when the same total is imported again.
    putTotal: db.prepare(`INSERT INTO liquidation_totals (ts, period, asset, side, exchange, usd) VALUES (?, ?, ?, ?, ?, ?)
      ON CONFLICT DO UPDATE SET usd = excluded.usd WHERE usd IS NOT excluded.usd`),
  };
  const assets = new Map<string, string>();
  const assetOfSymbol = (symbol: string): string => {
    let asset = assets.get(symbol);
    if (asset === undefined) assets.set(symbol, (asset = assetOf(symbol)));
    return asset;
  };
  /** The day sums of the liquidations that were new in the running transaction, by asset, day, side and exchange. */
  const daily = new Map<string | number, DailyRow>();
  const countNew = (symbol: string, ts: number, side: PositionSide, exchange: string, usd: number) => {
    const asset = assetOfSymbol(symbol);
    const day = dayStart(ts);
    const key = `${asset}\u0000${day}\u0000${side}\u0000${exchange}`;
    const sum = daily.get(key);
    if (sum) sum.usd += usd;
    else daily.set(key, { asset, day, side, exchange, usd });
  };
  /**
   * The same for a packed row, keyed by number (no text built per row): the asset's number (assets numbered as first
   * seen), the row's exchange and side ids, the day. Rows whose numbers do not fit the key take the text key.
   */
  const assetIds = new Map<string, number>();
  const assetIdOfSymbolId: number[] = [];
  const countNewRow = (rows: Float64Array, o: number, t: readonly string[]) => {
    const symbolId = rows[o + 3]!, exchangeId = rows[o + 2]!, sideId = rows[o + 4]!, ts = rows[o + 1]!;
    let assetId = assetIdOfSymbolId[symbolId];
    if (assetId === undefined) {
      const asset = assetOfSymbol(t[symbolId]!);
      assetId = assetIds.get(asset);
      if (assetId === undefined) assetIds.set(asset, (assetId = assetIds.size));
      assetIdOfSymbolId[symbolId] = assetId;
    }
    const dayNumber = Math.floor(ts / DAY);
    if (assetId >= 1024 || exchangeId >= 1024 || sideId >= 1024 || !(dayNumber >= 0 && dayNumber < 65536)) {
      countNew(t[symbolId]!, ts, t[sideId] as PositionSide, t[exchangeId]!, rows[o + 8]!);
      return;
    }
    const key = ((assetId * 1024 + exchangeId) * 1024 + sideId) * 65536 + dayNumber;
    const sum = daily.get(key);
    if (sum) sum.usd += rows[o + 8]!;
    else daily.set(key, { asset: assetOfSymbol(t[symbolId]!), day: dayNumber * DAY, side: t[sideId] as PositionSide, exchange: t[exchangeId]!, usd: rows[o + 8]! });
  };
  const offsets: number[] = [];
  const hashes: number[] = [];
  return writeTransaction(db, (rows: Float64Array, t: readonly string[]): number => {
    daily.clear();
    offsets.length = 0;
    hashes.length = 0;
    let added = 0;
    for (let o = 0; o < rows.length; o += STRIDE) {
      const type = rows[o];
      if (type === LIQUIDATION) {
        offsets.push(o);
        hashes.push(rows[o + LIQUIDATION_HASH]!);
      } else if (type === LIQUIDATION_TOTAL) {
        const e = eventAt(rows, o, t) as LiquidationTotal;
        added += s.putTotal.run(e.ts, e.period, e.asset, e.side, e.exchange ?? '', e.usd).changes;
      } else {
        offsets.push(o);
        hashes.push(eventHash(eventAt(rows, o, t) as RawEvent));
      }
    }
    added += blocks.insert(rows, t, offsets, hashes, (o) => {
      if (rows[o] === LIQUIDATION) countNewRow(rows, o, t);
    });
    for (const d of daily.values()) s.addDaily.run(d.asset, d.day, d.side, d.exchange, d.usd);
    return added;
  });
}

/** Levels and their states as a writer hands them over: a level's definition (`null`: remove it), by id. */
export interface LevelWrites {
  levels: ReadonlyMap<string, Level | null>;
  tracks: readonly LevelTrack[];
}

/**
 * The one way levels and their states are written to a connection (the store's, or the event writer's thread,
 * so that one connection writes while the bot runs): one transaction, levels first, then states. Removing a
 * level removes its state.
 */
export function levelWriter(db: Database.Database): (w: LevelWrites) => void {
  const s = {
    putLevel: db.prepare('INSERT INTO levels (id, created_at, def) VALUES (?, ?, ?) ON CONFLICT DO UPDATE SET created_at = excluded.created_at, def = excluded.def'),
    removeLevel: db.prepare('DELETE FROM levels WHERE id = ?'),
    removeState: db.prepare('DELETE FROM level_states WHERE id = ?'),
    putState: db.prepare('INSERT INTO level_states (id, state) VALUES (?, ?) ON CONFLICT DO UPDATE SET state = excluded.state'),
  };
  return writeTransaction(db, (w: LevelWrites) => {
    for (const [id, l] of w.levels) {
      if (l) s.putLevel.run(l.id, l.createdAt, JSON.stringify(l));
      else {
        s.removeState.run(id);
        s.removeLevel.run(id);
      }
    }
    for (const st of w.tracks) s.putState.run(st.id, JSON.stringify(st));
  });
}

/** Every statement the store runs, prepared once. */
function prepareStatements(db: Database.Database) {
  const p = (sql: string) => db.prepare(sql);
  return {
    dailyTotals: p('SELECT asset, day, side, exchange, usd FROM daily_liquidations WHERE day < ? ORDER BY asset, day, side, exchange'),
    totals: p('SELECT ts, period, asset, side, exchange, usd FROM liquidation_totals ORDER BY ts, period, asset, side, exchange'),
    pruneFutureTotals: p('DELETE FROM liquidation_totals WHERE ts > ?'),
    // A vendor's hours of days wholly past the raw events' retention, as one daily total per asset, side and venue (a
    // daily total the vendor gave for the day is kept instead: the history counts it, not the hours, while it exists).
    rollUpHourly: p(`INSERT INTO liquidation_totals (ts, period, asset, side, exchange, usd)
      SELECT CAST(ts / ${DAY} AS INTEGER) * ${DAY} AS day, '1d', asset, side, exchange, sum(usd) FROM liquidation_totals
      WHERE period = '1h' AND ts < ? GROUP BY day, asset, side, exchange ON CONFLICT DO NOTHING`),
    pruneHourly: p("DELETE FROM liquidation_totals WHERE period = '1h' AND ts < ?"),
    // A feed's gap qualifies the events of its span: once they are pruned, it qualifies nothing.
    pruneGaps: p('DELETE FROM gaps WHERE to_ms < ?'),

    listLevels: p('SELECT def FROM levels ORDER BY created_at, id').pluck(),
    removeLevel: p('DELETE FROM levels WHERE id = ?'),
    removeState: p('DELETE FROM level_states WHERE id = ?'),
    loadStates: p('SELECT state FROM level_states ORDER BY id').pluck(),

    listProposals: p('SELECT def FROM proposals ORDER BY created_at, id').pluck(),
    listChatProposals: p('SELECT def FROM proposals WHERE chat = ? ORDER BY created_at, id').pluck(),
    getProposal: p('SELECT def FROM proposals WHERE id = ?').pluck(),
    putProposal: p('INSERT INTO proposals (id, chat, created_at, def) VALUES (?, ?, ?, ?) ON CONFLICT DO UPDATE SET chat = excluded.chat, created_at = excluded.created_at, def = excluded.def'),
    votesOf: p('SELECT voter, vote FROM proposal_votes WHERE proposal = ? ORDER BY voter'),
    putVote: p('INSERT INTO proposal_votes (proposal, voter, vote) VALUES (?, ?, ?) ON CONFLICT DO UPDATE SET vote = excluded.vote'),

    getSub: p('SELECT sub FROM subscriptions WHERE chat = ?').pluck(),
    putSub: p('INSERT INTO subscriptions (chat, sub) VALUES (?, ?) ON CONFLICT DO UPDATE SET sub = excluded.sub'),
    deleteSub: p('DELETE FROM subscriptions WHERE chat = ?'),
    listSubs: p('SELECT sub FROM subscriptions ORDER BY chat').pluck(),

    enqueue: p(`INSERT INTO outbox (chat, target, alert_key, edit_key, alert, next_attempt_at, created_at, reply_to)
      VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING`),
    due: p("SELECT * FROM outbox WHERE status = 'pending' AND next_attempt_at <= ? ORDER BY id LIMIT ?"),
    pendingCount: p("SELECT count(*) FROM outbox WHERE status = 'pending'").pluck(),
    markSent: p("UPDATE outbox SET status = 'sent', attempts = attempts + 1, claimed = 0, message_ref = ? WHERE id = ? AND status = 'pending'"),
    claim: p("UPDATE outbox SET next_attempt_at = ?, interrupted = interrupted + claimed, claimed = 1 WHERE id = ? AND status = 'pending'"),
    markRetry: p("UPDATE outbox SET attempts = attempts + 1, claimed = 0, next_attempt_at = ?, last_error = ? WHERE id = ? AND status = 'pending'"),
    markDropped: p("UPDATE outbox SET status = 'dropped', attempts = attempts + 1, claimed = 0, last_error = ? WHERE id = ? AND status = 'pending'"),
    sentRef: p("SELECT message_ref FROM outbox WHERE chat = ? AND edit_key = ? AND status = 'sent' ORDER BY id DESC LIMIT 1").pluck(),
    pruneOutbox: p("DELETE FROM outbox WHERE status IN ('sent', 'dropped') AND created_at < ?"),

    recordGap: p('INSERT INTO gaps (exchange, from_ms, to_ms, reason) VALUES (?, ?, ?, ?) ON CONFLICT DO UPDATE SET reason = excluded.reason'),
    gaps: p('SELECT exchange, from_ms, to_ms, reason FROM gaps WHERE from_ms <= ? AND to_ms >= ? ORDER BY from_ms, exchange, to_ms'),
  };
}

type Statements = ReturnType<typeof prepareStatements>;

class SqliteStoreImpl implements SqliteStore {
  readonly realFile: string | undefined;
  private readonly s: Statements;
  private readonly blocks: BlockStore;
  /** Reads (`eventsSince`, `dailyTotals`, `liquidationTotals`) begun and not finished. */
  private reading = 0;
  private readonly insertTx: (events: readonly MarketEvent[]) => number;
  private readonly enqueueTx: (entries: readonly NewEntry[]) => number[];
  private readonly removeLevelTx: (id: string) => boolean;
  private readonly pruneTx: (beforeMs: number, futureAfterMs: number) => number;
  private readonly saveLevelsTx: (w: LevelWrites) => void;

  constructor(
    private readonly db: Database.Database,
    readonly path: string,
    readonly schemaVersion: number,
    /** The real file, its lock, and their identities at open; undefined for `:memory:`. */
    private readonly file: { file: string; identity: string | undefined; lock: Database.Database; lockPath: string; lockIdentity: string | undefined } | undefined,
  ) {
    this.realFile = file?.file;
    this.s = prepareStatements(db);

    this.blocks = blockStore(db);
    this.insertTx = eventInserter(db);
    this.enqueueTx = writeTransaction(db, (entries: readonly NewEntry[]) => {
      const ids: number[] = [];
      for (const e of entries) {
        const r = this.s.enqueue.run(e.chat, e.target ?? null, e.alertKey, e.editKey ?? null, JSON.stringify(e.alert), e.nextAttemptAt, e.createdAt, e.replyTo ?? null);
        if (r.changes === 1) ids.push(Number(r.lastInsertRowid));
      }
      return ids;
    });
    this.pruneTx = writeTransaction(db, (beforeMs: number, futureAfterMs: number) => {
      const removed = this.blocks.prune(beforeMs, futureAfterMs) + this.s.pruneFutureTotals.run(futureAfterMs).changes + this.s.pruneGaps.run(beforeMs).changes;
      const day = hourlyTotalsKeptFrom(beforeMs);
      this.s.rollUpHourly.run(day);
      return removed + this.s.pruneHourly.run(day).changes;
    });
    this.removeLevelTx = writeTransaction(db, (id: string) => {
      this.s.removeState.run(id);
      return this.s.removeLevel.run(id).changes > 0;
    });
    this.saveLevelsTx = levelWriter(db);
  }

  // ---- market events ----

  insertEvents(events: readonly MarketEvent[]): number {
    return this.run('write', `insert ${events.length} events into`, () => (events.length === 0 ? 0 : this.insertTx(events)));
  }

  eventsSince(fromMs: number): Iterable<MarketEvent> {
    return this.rows(`read events since ${fromMs} from`, () => this.blocks.since(fromMs), (e) => e);
  }

  dailyTotals(beforeDayMs: number): Iterable<{ asset: string; day: number; side: PositionSide; exchange: string; usd: number }> {
    return this.rows('read daily totals from', () => this.s.dailyTotals.iterate(beforeDayMs) as IterableIterator<DailyRow>, (r) => r);
  }

  liquidationTotals(): Iterable<LiquidationTotal> {
    type Row = Omit<LiquidationTotal, 'type' | 'exchange'> & { exchange: string };
    return this.rows('read liquidation totals from', () => this.s.totals.iterate() as IterableIterator<Row>, (r) => {
      const t: LiquidationTotal = { type: 'liquidation_total', ts: r.ts, period: r.period, asset: r.asset, side: r.side, usd: r.usd };
      if (r.exchange !== '') t.exchange = r.exchange;
      return t;
    });
  }

  pruneEvents(beforeMs: number, futureAfterMs?: number): number {
    return this.run('write', `prune events before ${beforeMs} from`, () => this.pruneTx(beforeMs, futureAfterMs ?? Number.MAX_VALUE));
  }

  // ---- levels ----

  listLevels(): Level[] {
    return this.run('read', 'list levels from', () => (this.s.listLevels.all() as string[]).map((j) => JSON.parse(j) as Level));
  }

  putLevel(level: Level): void {
    this.run('write', `save level ${level.id} to`, () => this.saveLevelsTx({ levels: new Map([[level.id, level]]), tracks: [] }));
  }

  removeLevel(id: string): boolean {
    return this.run('write', `remove level ${id} from`, () => this.removeLevelTx(id));
  }

  loadLevelStates(): LevelTrack[] {
    return this.run('read', 'load level states from', () => (this.s.loadStates.all() as string[]).map((j) => JSON.parse(j) as LevelTrack));
  }

  saveLevelStates(states: readonly LevelTrack[]): void {
    this.run('write', `save ${states.length} level states to`, () => this.saveLevelsTx({ levels: new Map(), tracks: states }));
  }

  // ---- proposals ----

  listProposals(chat?: ChatKey): Proposal[] {
    return this.run('read', `list the proposals${chat ? ` of ${chat}` : ''} from`, () =>
      ((chat === undefined ? this.s.listProposals.all() : this.s.listChatProposals.all(chat)) as string[]).map((j) => this.withVotes(j)),
    );
  }

  getProposal(id: string): Proposal | undefined {
    return this.run('read', `read proposal ${id} from`, () => {
      const j = this.s.getProposal.get(id) as string | undefined;
      return j === undefined ? undefined : this.withVotes(j);
    });
  }

  putProposal(proposal: Proposal): void {
    this.run('write', `save proposal ${proposal.id} to`, () =>
      this.s.putProposal.run(proposal.id, proposal.chat, proposal.createdAt, JSON.stringify({ ...proposal, votes: {} })),
    );
  }

  putVote(proposalId: string, voter: string, vote: Vote): void {
    this.run('write', `save a vote on ${proposalId} to`, () => this.s.putVote.run(proposalId, voter, vote));
  }

  private withVotes(json: string): Proposal {
    const p = JSON.parse(json) as Proposal;
    p.votes = {};
    for (const r of this.s.votesOf.all(p.id) as { voter: string; vote: Vote }[]) p.votes[r.voter] = r.vote;
    return p;
  }

  // ---- subscriptions ----

  getSubscription(chat: ChatKey): Subscription | undefined {
    return this.run('read', `read the subscription of ${chat} from`, () => {
      const j = this.s.getSub.get(chat) as string | undefined;
      return j === undefined ? undefined : (JSON.parse(j) as Subscription);
    });
  }

  putSubscription(sub: Subscription): void {
    this.run('write', `save the subscription of ${sub.chat} to`, () => this.s.putSub.run(sub.chat, JSON.stringify(sub)));
  }

  deleteSubscription(chat: ChatKey): void {
    this.run('write', `delete the subscription of ${chat} from`, () => this.s.deleteSub.run(chat));
  }

  listSubscriptions(): Subscription[] {
    return this.run('read', 'list subscriptions from', () => (this.s.listSubs.all() as string[]).map((j) => JSON.parse(j) as Subscription));
  }

  // ---- outbox ----

  enqueue(entries: readonly NewEntry[]): number[] {
    return this.run('write', `queue ${entries.length} alerts in`, () => this.enqueueTx(entries));
  }

  duePending(now: number, limit: number): OutboxEntry[] {
    return this.run('read', 'read due alerts from', () => (this.s.due.all(now, limit) as OutboxRow[]).map(entryOf));
  }

  pendingCount(): number {
    return this.run('read', 'count pending alerts in', () => this.s.pendingCount.get() as number);
  }

  markSent(id: number, messageRef: string): void {
    this.run('write', `mark alert ${id} sent in`, () => this.s.markSent.run(messageRef, id));
  }

  claim(id: number, untilMs: number): void {
    this.run('write', `claim alert ${id} in`, () => this.s.claim.run(untilMs, id));
  }

  markRetry(id: number, nextAttemptAt: number, error: string): void {
    this.run('write', `reschedule alert ${id} in`, () => this.s.markRetry.run(nextAttemptAt, error, id));
  }

  markDropped(id: number, error: string): void {
    this.run('write', `mark alert ${id} dropped in`, () => this.s.markDropped.run(error, id));
  }

  sentMessageRef(chat: ChatKey, editKey: string): string | undefined {
    return this.run('read', `read a sent message of ${chat} from`, () => (this.s.sentRef.get(chat, editKey) as string | null | undefined) ?? undefined);
  }

  pruneOutbox(beforeMs: number): number {
    return this.run('write', `prune the outbox before ${beforeMs} in`, () => this.s.pruneOutbox.run(beforeMs).changes);
  }

  // ---- gaps ----

  recordGap(gap: Gap): void {
    this.run('write', `record a ${gap.exchange} gap in`, () => this.s.recordGap.run(gap.exchange, gap.from, gap.to, gap.reason));
  }

  gaps(fromMs: number, toMs: number): Gap[] {
    type Row = { exchange: string; from_ms: number; to_ms: number; reason: string };
    return this.run('read', 'read gaps from', () =>
      (this.s.gaps.all(toMs, fromMs) as Row[]).map((r) => ({ exchange: r.exchange, from: r.from_ms, to: r.to_ms, reason: r.reason })),
    );
  }

  fileProblem(): string | undefined {
    if (!this.file || !this.db.open) return undefined;
    const now = identityOf(this.file.file);
    if (now === undefined) return `the database file ${this.file.file} was deleted`;
    if (now !== this.file.identity) return `the database file ${this.file.file} was replaced by another file`;
    const named = identityOf(this.path);
    if (named !== this.file.identity) return `${this.path} no longer names the open database file ${this.file.file}`;
    // Begins as faults.ts's LOCK_FILE_PROBLEM (not imported: the writer thread loads this file, and faults.ts the logger).
    if (identityOf(this.file.lockPath) !== this.file.lockIdentity) return `the lock file ${this.file.lockPath} was deleted or replaced: a second liqbot could open this database`;
    return undefined;
  }

  close(): void {
    if (!this.db.open) return;
    if (this.reading > 0) throw new StoreError(`could not close ${this.path}: a read is unfinished; finish or break out of reading events first`, 'write');
    try {
      this.db.pragma('optimize'); // refreshes the planner's statistics, as SQLite advises before closing
    } catch {
      // Only an optimisation: closing matters more.
    }
    try {
      this.db.close();
    } catch (err) {
      // Still open (an unfinished iteration keeps the connection busy), so the lock stays too.
      throw new StoreError(`could not close ${this.path}: ${reasonOf(err)}; finish or break out of reading events first`, 'write', { cause: err });
    }
    if (this.file) {
      this.file.lock.close();
      openFiles.delete(this.file.file);
    }
  }

  // ---- error boundary ----

  /** Run one store operation; anything that goes wrong leaves as a StoreError naming the operation and the file. */
  private run<T>(code: StoreErrorCode, action: string, op: () => T): T {
    this.assertOpen(action);
    if (code === 'write' && this.reading > 0) throw new StoreError(`cannot ${action} ${this.path} while events are being read from it; finish or break out of reading first`, 'write');
    try {
      return op();
    } catch (err) {
      throw this.failure(code, action, err);
    }
  }

  /** A re-iterable view of a query; each iteration runs it afresh, lazily, row by row. */
  private rows<R, T>(action: string, query: () => IterableIterator<R>, map: (row: R) => T): Iterable<T> {
    this.assertOpen(action);
    // eslint-disable-next-line @typescript-eslint/no-this-alias
    const store = this;
    return {
      *[Symbol.iterator]() {
        store.assertOpen(action);
        // Writes and close() wait for the read (a read of blocks may hold no statement open between two events).
        store.reading++;
        try {
          // A consumer that breaks out returns this generator, and for-of then ends the statement.
          for (const row of query()) yield map(row);
        } catch (err) {
          throw store.failure('read', action, err);
        } finally {
          store.reading--;
        }
      },
    };
  }

  private assertOpen(action: string): void {
    if (!this.db.open) throw new StoreError(`cannot ${action} ${this.path}: the store is closed`, 'closed');
  }

  private failure(code: StoreErrorCode, action: string, err: unknown): StoreError {
    if (err instanceof StoreError) return err;
    return new StoreError(`could not ${action} ${this.path}: ${reasonOf(err)}`, code, { cause: err });
  }
}


// ---- single instance: SQLite's own exclusive lock, beside the resolved file ----

/**
 * Database files (real paths) this process has open, with their lock connections: a second open gets a sentence
 * naming this process. Holding the lock here keeps it until close(): better-sqlite3 closes a database the garbage
 * collector takes, so a store nothing refers to any more would otherwise free the file while this process still
 * counts it as open.
 */
const openFiles = new Map<string, Database.Database | undefined>();

/** The file a path names, symlinks resolved, also a symlink to a file not created yet. */
function resolveFile(path: string): string {
  let p = resolve(path);
  for (let hops = 0; hops < 40; hops++) {
    try {
      return realpathSync(p);
    } catch (err) {
      if (errnoOf(err) !== 'ENOENT') throw new StoreError(`could not resolve ${path}: ${reasonOf(err)}`, 'open', { cause: err });
    }
    let target: string;
    try {
      target = readlinkSync(p);
    } catch {
      // Not a symlink: the file does not exist yet; its folder does (created above).
      return join(realpathSync(dirname(p)), basename(p));
    }
    p = resolve(dirname(p), target);
  }
  throw new StoreError(`could not resolve ${path}: too many symlinks`, 'open');
}

/**
 * Take the single-instance lock: a small SQLite database beside the file (`<real file>.liqbot-lock`) opened in
 * `locking_mode = EXCLUSIVE` and written once, so its connection holds SQLite's exclusive lock on it (an OS lock
 * on its inode, whatever path or pid namespace reached it) until close. The OS drops it when the process dies,
 * so nothing stale is left behind. The database itself stays readable (backups while the bot runs).
 */
function takeLock(path: string, file: string): { db: Database.Database; path: string } {
  const lockPath = `${file}.liqbot-lock`;
  let lock: Database.Database | undefined;
  try {
    lock = new Database(lockPath);
    lock.pragma('busy_timeout = 0');
    lock.pragma('locking_mode = EXCLUSIVE');
    lock.exec('BEGIN EXCLUSIVE');
    lock.exec('CREATE TABLE IF NOT EXISTS holder (pid INTEGER NOT NULL, since INTEGER NOT NULL); DELETE FROM holder');
    lock.prepare('INSERT INTO holder (pid, since) VALUES (?, ?)').run(process.pid, Date.now());
    lock.exec('COMMIT');
    return { db: lock, path: lockPath };
  } catch (err) {
    lock?.close();
    const code = (err as { code?: unknown }).code;
    if (code === 'SQLITE_BUSY' || code === 'SQLITE_LOCKED') {
      const where = file === resolve(path) ? path : `${path} (${file})`;
      throw new StoreError(`another liqbot already has ${where} open; stop it or set LIQBOT_DB to another file`, 'locked', { cause: err });
    }
    if (isReadOnly(err)) {
      throw new StoreError(`could not take the lock ${lockPath}: ${readOnlyWhy(lockPath, 'or set LIQBOT_DB to a file in a folder the user liqbot runs as owns')}`, 'open', { cause: err });
    }
    // SQLite says only "unable to open database file": a folder this user cannot write to (or on a read-only mount) is
    // the usual reason, else one that takes no file at all (/proc, /sys), which the system's own answer names.
    const folder = code === 'SQLITE_CANTOPEN' ? (unwritable(dirname(lockPath), 'LIQBOT_DB') ?? takesNoFile(lockPath)) : undefined;
    if (folder) throw new StoreError(`could not take the lock ${lockPath}: ${folder}`, 'open', { cause: err });
    const advice = isDiskFull(err) ? DISK_FULL_ADVICE : `set LIQBOT_DB to a file in a folder ${ELSEWHERE}`;
    throw new StoreError(`could not take the lock ${lockPath}: ${reasonOf(err)}; ${advice}`, 'open', { cause: err });
  }
}

/** Where else a database may go: the end of a line that names LIQBOT_DB. */
const ELSEWHERE = 'the user liqbot runs as can write to';

/**
 * Why the file at `path` cannot be created although its folder is writable as far as access(2) tells (root's is always):
 * the system's answer to creating it (a folder of a special file system: /proc answers ENOENT), and what to do; undefined
 * when it can be made after all (the file made to find out is removed again).
 */
function takesNoFile(path: string): string | undefined {
  const existed = existsSync(path);
  try {
    closeSync(openSync(path, 'a'));
    if (!existed) rmSync(path, { force: true });
    return undefined;
  } catch (err) {
    return `no file can be created in the folder ${dirname(path)} (${errnoOf(err) ?? reasonOf(err)}); set LIQBOT_DB to a file in a folder ${ELSEWHERE}`;
  }
}

/**
 * Write nothing, but as a write does: refused with SQLITE_READONLY when the connection may only read. Without waiting:
 * while another connection holds the write lock this cannot tell, and the store opens as before (its writes are then
 * refused as busy, held and retried).
 */
function assertWritable(db: Database.Database): void {
  const version = db.pragma('user_version', { simple: true }) as number;
  const wait = db.pragma('busy_timeout', { simple: true }) as number;
  db.pragma('busy_timeout = 0');
  try {
    db.exec('BEGIN IMMEDIATE');
  } catch (err) {
    if ((err as { code?: unknown }).code === 'SQLITE_BUSY') return;
    throw err;
  } finally {
    db.pragma(`busy_timeout = ${wait}`);
  }
  try {
    db.pragma(`user_version = ${version}`);
  } finally {
    db.exec('ROLLBACK');
  }
}

function isReadOnly(err: unknown): boolean {
  const code = (err as { code?: unknown } | undefined)?.code;
  return (typeof code === 'string' && code.startsWith('SQLITE_READONLY')) || /readonly database/i.test(reasonOf(err));
}

/**
 * Why a database file is read-only for this process and what to do, as far as its folder, owner and mode tell;
 * `otherwise` (a clause) says what else the operator may do when the file is the cause. SQLite writes a journal (or the
 * -wal and -shm files) beside the file: in a folder this user may not write to, a file it may write is read-only too.
 */
function readOnlyWhy(file: string, otherwise: string): string {
  const folder = unwritable(dirname(file), 'LIQBOT_DB');
  const why = fileWhy(file);
  if (folder) return why ? `${folder}; and ${why}` : folder;
  if (why) return `${why}; ${otherwise}`;
  // The file may be written, but not the -wal or -shm file beside it (a restore copied them as root).
  const sides = ['-wal', '-shm'].filter((side) => existsSync(`${file}${side}`) && !mayWrite(`${file}${side}`));
  if (sides.length) {
    const [them, are] = sides.length > 1 ? ['them', 'files are'] : ['it', 'file is'];
    return `its ${sides.join(' and ')} ${are} not writable by this user (${modeOf(`${file}${sides[0]}`, true)}, and liqbot runs as uid ${process.getuid?.()}); give ${them} to that user (chown); ${otherwise}`;
  }
  return `SQLite can only read it (${modeOf(file)}; a read-only mount, or its -wal or -shm file not writable): make them writable; ${otherwise}`;
}

/** Why this process may not write a database file, as its owner and mode tell, or undefined when it may. */
function fileWhy(file: string): string | undefined {
  const uid = process.getuid?.();
  // Root writes any file; a read-only mount is no matter of owner and mode.
  if (uid === undefined || uid === 0 || mayWrite(file)) return undefined;
  let st;
  try {
    st = statSync(file);
  } catch {
    return undefined;
  }
  const mode = (st.mode & 0o777).toString(8).padStart(4, '0');
  if (st.uid !== uid) {
    return `the file is owned by uid ${st.uid} with mode ${mode}, and liqbot runs as uid ${uid} (a restore copied as root?); give it (and any -wal and -shm file beside it) to that user (chown)`;
  }
  if ((st.mode & 0o200) === 0) {
    return `the file is liqbot's user's but has mode ${mode}; let its owner write it (chmod u+w, and any -wal and -shm file beside it)`;
  }
  return undefined;
}

function mayWrite(path: string): boolean {
  try {
    accessSync(path, constants.W_OK);
    return true;
  } catch {
    return false;
  }
}

/** "the file has mode 0644" (with its owner when `owner`: "owned by uid 0 with mode 0644"), or why it could not be read. */
function modeOf(file: string, owner = false): string {
  try {
    const st = statSync(file);
    const mode = (st.mode & 0o777).toString(8).padStart(4, '0');
    return owner ? `owned by uid ${st.uid} with mode ${mode}` : `the file has mode ${mode}`;
  } catch (err) {
    return reasonOf(err);
  }
}

/**
 * Create a folder liqbot keeps its files in, and its parents. Refused in one line naming the setting to change: a
 * folder this user may not create there (`liqbot start` exits 78, as for an existing folder it cannot write), or a full
 * disk (exit 1: it passes once space is freed).
 */
export function createFolder(dir: string, setting: 'LIQBOT_DB' | 'LIQBOT_DATA_DIR'): void {
  try {
    mkdirSync(dir, { recursive: true });
  } catch (err) {
    if (isDiskFull(err)) throw new StoreError(`could not create the folder ${dir}: ${reasonOf(err)}; ${DISK_FULL_ADVICE}`, 'open', { cause: err });
    const code = errnoOf(err);
    let parent = dir;
    while (!existsSync(parent) && dirname(parent) !== parent) parent = dirname(parent);
    // Node 20's recursive mkdir says ENOENT where a folder on a read-only mount could not be made: the folder it
    // stopped at says why.
    const folder = code === 'EACCES' || code === 'EPERM' || code === 'EROFS' || code === 'ENOENT' ? unwritable(parent, setting) : undefined;
    if (folder) throw new StoreError(`could not create the folder ${dir}: ${folder}`, 'open', { cause: err });
    throw new StoreError(`could not create the folder ${dir}: ${reasonOf(err)}`, 'open', { cause: err });
  }
}

/**
 * Why this process cannot create files in `dir` and what to do, naming the `setting` that moves them (a sentence), or
 * undefined when it can. A read-only mount is no matter of users: no permission lets anyone write there.
 */
function unwritable(dir: string, setting: 'LIQBOT_DB' | 'LIQBOT_DATA_DIR'): string | undefined {
  try {
    accessSync(dir, constants.W_OK);
    return undefined;
  } catch (err) {
    const code = errnoOf(err);
    const elsewhere = setting === 'LIQBOT_DB' ? 'a file in a folder' : 'a folder';
    if (code === 'EROFS') return `the folder ${dir} is on a file system mounted read-only (EROFS); mount it read-write, or set ${setting} to ${elsewhere} on a writable one`;
    return `the folder ${dir} is not writable by this user (${code ?? reasonOf(err)}); let the user liqbot runs as write there, or set ${setting} to ${elsewhere} it can write to`;
  }
}

/** The file's identity (device and inode), to notice it being deleted or replaced while open. */
function identityOf(path: string): string | undefined {
  try {
    const st = statSync(path, { bigint: true });
    return `${st.dev}:${st.ino}`;
  } catch {
    return undefined;
  }
}

function errnoOf(err: unknown): string | undefined {
  return (err as NodeJS.ErrnoException | undefined)?.code;
}
