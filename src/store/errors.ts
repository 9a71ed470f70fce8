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
