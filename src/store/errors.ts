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

/**
 * Whether a store that refused to open would refuse again, unchanged, until someone fixes something: a damaged file,
 * one liqbot may not write, one from a newer liqbot, a PostgreSQL schema not migrated, another liqbot on the file
 * (`liqbot start` exits 78 for these, and systemd does not restart it). Not a database server that did not answer, nor
 * a write lock another process held for a moment (SQLITE_BUSY): starting again later may work.
 */
export function refusedForGood(err: StoreError): boolean {
  if (err.code === 'locked') return true;
  if (err.code !== 'open') return false;
  const cause = err.cause as { code?: unknown; message?: unknown } | undefined;
  const code = typeof cause?.code === 'string' ? cause.code : undefined;
  if (code !== undefined && (UNREACHABLE.has(code) || code === 'SQLITE_BUSY' || code === 'SQLITE_LOCKED')) return false;
  // pg's own words when the pool's connection timeout passes or the server hangs up.
  return !/timeout exceeded when trying to connect|Connection terminated/i.test(typeof cause?.message === 'string' ? cause.message : '');
}
