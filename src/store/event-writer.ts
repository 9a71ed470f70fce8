/**
 * Market events written off the pipeline's thread: batches are posted to a worker thread (event-writer-worker.ts)
 * that owns a second better-sqlite3 connection to the store's file (WAL lets it write beside the store's own
 * connection), so SQLite's insert cost overlaps the engine instead of adding to it. Each batch still is one
 * transaction, idempotent like `Store.insertEvents`; a failure comes back as a StoreError naming the file.
 *
 * @example
 *   const store = openSqliteStore('./data/liqbot.db');
 *   const writer = openEventWriter(store);
 *   await writer.write(events); // → how many were new
 *   await writer.close();      // drains, then ends the thread; before store.close()
 */
import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { MarketEvent } from '../core/events.js';
import type { Level, LevelTrack } from '../core/levels.js';
import { StoreError } from './errors.js';
import { EventPacker, type PackedBatch } from './event-pack.js';
import type { LevelWrites, SqliteStore } from './sqlite.js';

/** Main thread → writer thread. */
export type ToWriter =
  | { kind: 'write'; id: number; batch: PackedBatch }
  | { kind: 'levels'; id: number; levels: [string, Level | null][]; tracks: LevelTrack[] }
  | { kind: 'close' };
/** Writer thread → main thread. */
export type FromWriter =
  | { kind: 'written'; id: number; added: number }
  | { kind: 'failed'; id: number; reason: string; code?: string }
  | { kind: 'ready' }
  | { kind: 'open-failed'; reason: string; code?: string }
  | { kind: 'closed' };

export interface EventWriter {
  /**
   * Write one batch in one transaction (after every batch posted before it); resolves with how many were new.
   * `hashes[i]`, when given, is `eventHash(events[i])` for each liquidation, computed already by the caller (the
   * bot's duplicate check); anything for other events.
   */
  write(events: readonly MarketEvent[], hashes?: readonly number[]): Promise<number>;
  /**
   * Write levels and their states in one transaction, in order with the event batches: the bot's one writer while
   * it runs (a second connection writing beside this thread waits for its lock, or is refused with SQLITE_BUSY).
   */
  saveLevels(writes: LevelWrites): Promise<unknown>;
  /** Start the thread now (it starts with the first write otherwise); resolves once its connection is open. */
  ready(): Promise<void>;
  /** Events posted and not answered yet. */
  readonly pendingEvents: number;
  /** Resolves once every batch posted so far is answered (written or failed). */
  drain(): Promise<void>;
  /** Drain, then close the thread's connection and end the thread. Writes after close reject; closing twice is harmless. */
  close(): Promise<void>;
}

interface Pending {
  resolve: (added: number) => void;
  reject: (err: StoreError) => void;
  /** Events in the message (0 for levels). */
  count: number;
  /** The StoreError's message, up to the reason. */
  failure: string;
}

/**
 * How the thread is started: the bundle's own file in dist/ (scripts/build.mjs makes `event-writer-worker.js` an
 * entry beside the chunks), or, when liqbot runs from its TypeScript sources (tsx, vitest), the source file
 * through tsx, which the development install has.
 */
function workerEntry(): { script: URL | string; eval: boolean } {
  const here = import.meta.url;
  if (!/\.ts$/.test(new URL(here).pathname)) return { script: new URL('./event-writer-worker.js', here), eval: false };
  // require.resolve finds tsx's CommonJS build of the API; its ES module build sits beside it.
  const tsx = pathToFileURL(createRequire(here).resolve('tsx/esm/api').replace(/\.cjs$/, '.mjs')).href;
  const source = new URL('./event-writer-worker.ts', here).href;
  // A worker's own execArgv (`--import tsx`) does not reach its entry module on Node 20: register tsx first.
  const boot = `import(${JSON.stringify(tsx)}).then((tsx) => { tsx.register(); return import(${JSON.stringify(source)}); })`;
  return { script: boot, eval: true };
}

/** A writer for the store's file. The store must be a file (an in-memory database has no second connection). */
export function openEventWriter(store: SqliteStore): EventWriter {
  if (store.realFile === undefined) {
    throw new StoreError(`${store.path || ':memory:'} is an in-memory database: a writer thread cannot reach it; write through the store`, 'open');
  }
  return new ThreadWriter(store.realFile, store.path);
}

class ThreadWriter implements EventWriter {
  private worker: Worker | undefined;
  /** The string table of the running thread: a new thread starts a new one. */
  private packer = new EventPacker();
  private readonly pending = new Map<number, Pending>();
  private nextId = 1;
  private events = 0;
  private closed = false;
  private drained: (() => void)[] = [];
  private opened: { resolve: () => void; reject: (err: StoreError) => void }[] = [];

  constructor(
    private readonly file: string,
    /** The path as the operator gave it, for messages. */
    private readonly path: string,
  ) {}

  get pendingEvents(): number {
    return this.events;
  }

  write(events: readonly MarketEvent[], hashes?: readonly number[]): Promise<number> {
    if (this.closed) return Promise.reject(new StoreError(`cannot insert ${events.length} events into ${this.path}: the event writer is closed`, 'closed'));
    if (events.length === 0) return Promise.resolve(0);
    const worker = this.thread();
    const batch = this.packer.pack(events, hashes);
    return this.post({ kind: 'write', id: this.nextId++, batch }, events.length, `could not insert ${events.length} events into ${this.path}`, worker, [batch.rows.buffer as ArrayBuffer]);
  }

  /** Post one message to be answered; `failure` begins the StoreError's message should it fail. */
  private post(message: ToWriter & { id: number }, count: number, failure: string, worker = this.thread(), transfer: ArrayBuffer[] = []): Promise<number> {
    return new Promise<number>((resolve, reject) => {
      this.pending.set(message.id, { resolve, reject, count, failure });
      this.events += count;
      worker.ref(); // a message in flight keeps the process alive until it is answered
      worker.postMessage(message, transfer);
    });
  }

  saveLevels(writes: LevelWrites): Promise<unknown> {
    if (this.closed) return Promise.reject(new StoreError(`cannot save ${writes.levels.size + writes.tracks.length} levels and states to ${this.path}: the event writer is closed`, 'closed'));
    const message = { kind: 'levels', id: this.nextId++, levels: [...writes.levels], tracks: [...writes.tracks] } satisfies ToWriter;
    return this.post(message, 0, `could not save ${message.levels.length} levels and ${message.tracks.length} level states to ${this.path}`);
  }

  ready(): Promise<void> {
    if (this.closed) return Promise.reject(new StoreError(`cannot open ${this.path} for the event writer: it is closed`, 'closed'));
    this.thread().ref();
    return new Promise((resolve, reject) => this.opened.push({ resolve, reject }));
  }

  drain(): Promise<void> {
    if (this.pending.size === 0) return Promise.resolve();
    return new Promise((resolve) => this.drained.push(resolve));
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.drain();
    const worker = this.worker;
    if (!worker) return;
    this.worker = undefined;
    worker.ref();
    await new Promise<void>((resolve) => {
      worker.once('exit', () => resolve());
      worker.postMessage({ kind: 'close' } satisfies ToWriter);
    });
  }

  /** The running thread, started on first use and again after one that stopped. */
  private thread(): Worker {
    if (this.worker) return this.worker;
    const entry = workerEntry();
    this.packer = new EventPacker();
    // A young generation of 8 MB, not the default 48: the thread only packs rows into SQLite, and young space is RSS kept for good.
    const worker = new Worker(entry.script, { eval: entry.eval, workerData: { file: this.file }, resourceLimits: { maxYoungGenerationSizeMb: 8 } });
    worker.unref();
    worker.on('message', (m: FromWriter) => this.answer(m));
    worker.on('error', (err) => this.stopped(worker, `the event writer thread failed: ${err.message}`, err));
    worker.on('exit', (code) => this.stopped(worker, `the event writer thread stopped (exit code ${code})`));
    this.worker = worker;
    return worker;
  }

  private answer(m: FromWriter): void {
    switch (m.kind) {
      case 'written':
        this.settle(m.id)?.resolve(m.added);
        this.notifyDrained();
        break;
      case 'failed': {
        const p = this.settle(m.id);
        p?.reject(new StoreError(`${p.failure}: ${m.reason}`, 'write', { cause: causeOf(m) }));
        this.notifyDrained();
        break;
      }
      case 'ready':
        if (this.pending.size === 0) this.worker?.unref();
        for (const o of this.opened.splice(0)) o.resolve();
        break;
      case 'open-failed':
        this.failAll(`could not open ${this.path} for the event writer: ${m.reason}`, causeOf(m));
        break;
      case 'closed':
        break;
    }
  }

  private settle(id: number): Pending | undefined {
    const p = this.pending.get(id);
    if (!p) return undefined;
    this.pending.delete(id);
    this.events -= p.count;
    if (this.pending.size === 0) this.worker?.unref();
    return p;
  }

  /** Once nothing is pending, after the answers' own callbacks were queued: a drain sees what they did. */
  private notifyDrained(): void {
    if (this.pending.size === 0) for (const done of this.drained.splice(0)) done();
  }

  /** The thread ended or crashed: whatever it had not answered fails (the caller keeps it and retries). */
  private stopped(worker: Worker, reason: string, cause?: unknown): void {
    if (this.worker !== worker) return;
    this.worker = undefined;
    this.failAll(`could not write to ${this.path}: ${reason}`, cause);
  }

  private failAll(message: string, cause: unknown): void {
    for (const o of this.opened.splice(0)) o.reject(new StoreError(message, 'open', { cause }));
    for (const id of [...this.pending.keys()]) this.settle(id)?.reject(new StoreError(message, 'write', { cause }));
    this.notifyDrained();
  }
}

/** The thread's error as a cause the fault tracker reads (`SQLITE_FULL` stays the kind's code). */
function causeOf(m: { reason: string; code?: string }): Error {
  const err = new Error(m.reason);
  if (m.code !== undefined) (err as Error & { code?: string }).code = m.code;
  return err;
}
