/**
 * The event writer's thread (started by event-writer.ts, never imported): its own better-sqlite3 connection to the
 * store's file, writing each batch it is posted in one transaction, in the order posted, and answering each.
 * The main thread's store has already opened (and migrated) the file and holds its single-instance lock.
 */
import { parentPort, workerData } from 'node:worker_threads';
import Database from 'better-sqlite3';
import { reasonOf } from './errors.js';
import { EventUnpacker } from './event-pack.js';
import { levelWriter, packedInserter, tuneConnection, type LevelWrites } from './sqlite.js';
import type { FromWriter, ToWriter } from './event-writer.js';

const port = parentPort!;
const post = (m: FromWriter) => port.postMessage(m);

/** What a failure carries across the thread: the sentence, and SQLite's code (`SQLITE_FULL`) for health. */
function failureOf(err: unknown): { reason: string; code?: string } {
  const code = (err as { code?: unknown }).code;
  return typeof code === 'string' ? { reason: reasonOf(err), code } : { reason: reasonOf(err) };
}

let db: Database.Database;
let insert: (rows: Float64Array, strings: readonly string[]) => number;
let saveLevels: (writes: LevelWrites) => void;
try {
  db = new Database((workerData as { file: string }).file, { fileMustExist: true });
  tuneConnection(db);
  insert = packedInserter(db);
  saveLevels = levelWriter(db);
} catch (err) {
  post({ kind: 'open-failed', ...failureOf(err) });
  process.exit(1);
}

const unpacker = new EventUnpacker();
post({ kind: 'ready' });
port.on('message', (m: ToWriter) => {
  if (m.kind === 'close') {
    try {
      db.close();
    } finally {
      post({ kind: 'closed' });
      port.close();
    }
    return;
  }
  if (m.kind === 'levels') {
    try {
      saveLevels({ levels: new Map(m.levels), tracks: m.tracks });
      post({ kind: 'written', id: m.id, added: 0 });
    } catch (err) {
      post({ kind: 'failed', id: m.id, ...failureOf(err) });
    }
    return;
  }
  // The batch's new strings join the table first, failure or not: later batches refer to them.
  const strings = unpacker.strings(m.batch);
  try {
    post({ kind: 'written', id: m.id, added: insert(m.batch.rows, strings) });
  } catch (err) {
    post({ kind: 'failed', id: m.id, ...failureOf(err) });
  }
});
