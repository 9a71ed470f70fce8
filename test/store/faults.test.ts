/**
 * StoreFaults: failures counted by kind (operation and SQLite code), logged once per kind and then at most
 * hourly, cleared when their operation works again, and shown as failing for ten minutes after the last one.
 */
import { describe, expect, it } from 'vitest';
import { StoreFaults, faultCode } from '../../src/store/faults.js';
import { sqliteFailure } from './faulty.js';

function setup() {
  const lines: string[] = [];
  const clock = { now: 0 };
  const log = { error: (_o: object, msg: string) => void lines.push(msg), warn: (_o: object, msg: string) => void lines.push(msg) } as never;
  return { lines, clock, faults: new StoreFaults({ now: () => clock.now, log }) };
}

describe('StoreFaults', () => {
  it('names a kind by the operation and the SQLite code found in the cause chain', () => {
    expect(faultCode(sqliteFailure('markSent', 'SQLITE_FULL'))).toBe('SQLITE_FULL');
    expect(faultCode(new TypeError('x'))).toBe('TypeError');
    expect(faultCode('a string')).toBe('unknown');
  });

  it('logs the first failure of a kind, counts the rest, and logs it again only an hour later', () => {
    const { lines, clock, faults } = setup();
    for (let i = 0; i < 1000; i++) faults.failed('insertEvents', sqliteFailure('insert', 'SQLITE_FULL'));
    faults.failed('outbox.claim', sqliteFailure('claim', 'SQLITE_FULL'));
    expect(lines).toEqual([
      'store insertEvents failed (SQLITE_FULL); held in memory and retried; more of this kind are counted on /metrics, not logged',
      'store outbox.claim failed (SQLITE_FULL); held in memory and retried; more of this kind are counted on /metrics, not logged',
    ]);
    clock.now = 3_599_999;
    faults.failed('insertEvents', sqliteFailure('insert', 'SQLITE_FULL'));
    expect(lines).toHaveLength(2);
    clock.now = 3_600_000;
    faults.failed('insertEvents', sqliteFailure('insert', 'SQLITE_FULL'));
    expect(lines).toHaveLength(3);
    expect(faults.health().counts).toEqual({ 'insertEvents: SQLITE_FULL': 1002, 'outbox.claim: SQLITE_FULL': 1 });
    expect(faults.total()).toBe(1003);
  });

  it('clears a kind when its operation works again (once logged), and stops showing a kind ten minutes after its last failure', () => {
    const { lines, clock, faults } = setup();
    faults.failed('insertEvents', sqliteFailure('insert', 'SQLITE_FULL'));
    faults.failed('outbox.markRetry', sqliteFailure('markRetry', 'SQLITE_IOERR'));
    faults.ok('outbox.markSent'); // another operation: changes nothing
    expect(faults.health()).toMatchObject({ ok: false, failing: ['insertEvents: SQLITE_FULL', 'outbox.markRetry: SQLITE_IOERR'] });
    faults.ok('insertEvents');
    faults.ok('insertEvents');
    expect(lines.at(-1)).toBe('store insertEvents works again');
    expect(lines).toHaveLength(3);
    expect(faults.health()).toMatchObject({ ok: false, failing: ['outbox.markRetry: SQLITE_IOERR'] });
    clock.now = 10 * 60_000 + 1;
    expect(faults.health()).toMatchObject({ ok: true, failing: [] });
  });

  it('reports a file problem until it is cleared, counting every check while it lasts', () => {
    const { lines, faults } = setup();
    faults.setFileProblem('the database file /data/liqbot.db was deleted');
    faults.setFileProblem('the database file /data/liqbot.db was deleted');
    expect(faults.health()).toMatchObject({ ok: false, fileProblem: 'the database file /data/liqbot.db was deleted', counts: { 'checkFile: FILE_GONE': 2 } });
    expect(lines).toHaveLength(1);
    faults.setFileProblem(undefined);
    expect(faults.health().ok).toBe(true);
  });
});
