/**
 * The one error type the stores throw: a sentence saying what failed and on which file, with the
 * library's error kept as `cause`. `code` lets start-up tell "another liqbot is running" from a broken disk.
 */

export type StoreErrorCode =
  /** Another live process (or this one) already has the database open. */
  | 'locked'
  /** The file could not be opened, or its schema is from a newer liqbot. */
  | 'open'
  /** A write failed and was rolled back: nothing of it was stored. */
  | 'write'
  /** A read failed. */
  | 'read'
  /** The store was used after close(). */
  | 'closed';

export class StoreError extends Error {
  override readonly name = 'StoreError';

  constructor(
    message: string,
    readonly code: StoreErrorCode,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** The message of anything thrown, for wrapping it into a sentence. */
export function reasonOf(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

/** Errors of a server that did not answer (PostgreSQL): worth starting again later. */
const UNREACHABLE = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH', 'ENOTFOUND', 'EAI_AGAIN', 'EPIPE', '57P03', '53300', '08001', '08006']);

/** The codes (SQLite's, the system's) and messages of an error and its causes. */
function* codesOf(err: unknown): Generator<{ code?: string; message: string }> {
  for (let e: unknown = err, depth = 0; e && depth < 5; e = (e as { cause?: unknown }).cause, depth++) {
    const code = (e as { code?: unknown }).code;
    yield { ...(typeof code === 'string' ? { code } : {}), message: reasonOf(e) };
  }
}

/** A database file SQLite found damaged (SQLITE_CORRUPT, SQLITE_NOTADB), at open or at any read or write after it. */
export function isDamaged(err: unknown): boolean {
  for (const { code, message } of codesOf(err)) {
    if (code?.startsWith('SQLITE_CORRUPT') || code === 'SQLITE_NOTADB') return true;
    if (/database disk image is malformed|file is not a database/i.test(message)) return true;
  }
  return false;
}

/** A full disk (SQLITE_FULL, ENOSPC, PostgreSQL's 53100): it passes once space is freed. */
export function isDiskFull(err: unknown): boolean {
  for (const { code, message } of codesOf(err)) {
    if (code === 'SQLITE_FULL' || code === 'ENOSPC' || code === '53100') return true;
    if (/database or disk is full|no space left on device/i.test(message)) return true;
  }
  return false;
}

/** What to do about a damaged database file: the end of its one line. */
export const DAMAGED_ADVICE = 'restore a backup over it, or move it aside to start with an empty one (docs/operations.md, "Backing up")';

/** What to do about a full disk: the end of its one line. */
export const DISK_FULL_ADVICE = 'disk full: free space; liqbot will retry';

/**
 * The error a start-up step threw, made the one line a person acts on: a damaged file or a full disk says what to do
 * (once), keeping the error's code and cause, so `refusedForGood` reads it as before.
 */
export function startupError(err: unknown): unknown {
  if (!(err instanceof StoreError)) return err;
  if (isDiskFull(err)) return withAdvice(err, DISK_FULL_ADVICE, DISK_FULL_ADVICE);
  if (isDamaged(err)) return withAdvice(err, DAMAGED_ADVICE, `the database is damaged: ${DAMAGED_ADVICE}`);
  return err;
}

function withAdvice(err: StoreError, advice: string, line: string): StoreError {
  if (err.message.includes(advice)) return err;
  return new StoreError(`${err.message}; ${line}`, err.code, { cause: err.cause ?? err });
}

/**
 * Whether a store that refused to start would refuse again, unchanged, until someone fixes something: a damaged file
 * (found at open or while restoring from it), one liqbot may not write, one from a newer liqbot, a PostgreSQL schema
 * not migrated, another liqbot on the file (`liqbot start` exits 78 for these, and systemd does not restart it). Not a
 * database server that did not answer, a write lock another process held for a moment (SQLITE_BUSY), nor a full disk:
 * starting again later may work.
 */
export function refusedForGood(err: StoreError): boolean {
  if (isDiskFull(err)) return false;
  if (err.code === 'locked' || isDamaged(err)) return true;
  if (err.code !== 'open') return false;
  const cause = err.cause as { code?: unknown; message?: unknown } | undefined;
  const code = typeof cause?.code === 'string' ? cause.code : undefined;
  if (code !== undefined && (UNREACHABLE.has(code) || code === 'SQLITE_BUSY' || code === 'SQLITE_LOCKED')) return false;
  // pg's own words when the pool's connection timeout passes or the server hangs up.
  return !/timeout exceeded when trying to connect|Connection terminated/i.test(typeof cause?.message === 'string' ? cause.message : '');
}
