/**
 * A store whose operations fail on demand, as SQLite fails them (a StoreError whose cause carries SQLite's
 * code): `faulty.fail.markSent = 'SQLITE_FULL'` makes every markSent throw until the entry is deleted.
 * Wraps any Store, so what did get written stays in the wrapped one (a restart opens a new wrapper on it).
 */
import { StoreError } from '../../src/store/errors.js';
import type { Store } from '../../src/store/store.js';

export type SqliteCode = 'SQLITE_FULL' | 'SQLITE_CORRUPT' | 'SQLITE_IOERR' | 'SQLITE_BUSY';
export type FaultPlan = Partial<Record<keyof Store, SqliteCode>>;

const MESSAGES: Record<SqliteCode, string> = {
  SQLITE_FULL: 'database or disk is full',
  SQLITE_CORRUPT: 'database disk image is malformed',
  SQLITE_IOERR: 'disk I/O error',
  SQLITE_BUSY: 'database is locked',
};

export function sqliteFailure(op: string, code: SqliteCode): StoreError {
  const cause = Object.assign(new Error(MESSAGES[code]), { code });
  return new StoreError(`could not ${op} data/liqbot.db: ${MESSAGES[code]}`, 'write', { cause });
}

/** `fail` may be shared between wrappers, so a fault outlives a restart (a disk stays full). */
export function faultyStore(inner: Store, fail: FaultPlan = {}): { store: Store; fail: FaultPlan; calls: Partial<Record<keyof Store, number>> } {
  const calls: Partial<Record<keyof Store, number>> = {};
  const store = new Proxy(inner, {
    get(target, prop, receiver) {
      const value = Reflect.get(target, prop, receiver) as unknown;
      if (typeof value !== 'function') return value;
      const name = prop as keyof Store;
      return (...args: unknown[]) => {
        calls[name] = (calls[name] ?? 0) + 1;
        const code = fail[name];
        if (code) throw sqliteFailure(String(name), code);
        return (value as (...a: unknown[]) => unknown).apply(target, args);
      };
    },
  });
  return { store, fail, calls };
}

/** Every write of the store interface: a full disk fails all of them. */
export const WRITES: readonly (keyof Store)[] = [
  'insertEvents', 'putLevel', 'removeLevel', 'saveLevelStates', 'putSubscription', 'deleteSubscription', 'enqueue',
  'markSent', 'claim', 'markRetry', 'markDropped', 'pruneOutbox', 'recordGap', 'pruneEvents', 'putProposal', 'putVote',
];
