/**
 * Store faults, contained and made visible: every failed store operation of the running bot is counted by
 * kind (the operation and SQLite's error code, e.g. `outbox.markSent` + `SQLITE_FULL`) and logged once per
 * kind while it lasts, not once per event; `health()` is what /healthz and /metrics read.
 *
 * @example
 *   const faults = new StoreFaults();
 *   try { store.markSent(id, ref); faults.ok(); } catch (err) { faults.failed('outbox.markSent', err); }
 *   faults.health(); // → { ok: false, failing: ['outbox.markSent: SQLITE_FULL'], ... }
 */
import { logger, type Logger } from '../log.js';
import { reasonOf } from './errors.js';

type FaultLog = Pick<Logger, 'error' | 'warn'>;

/** How the SQLite store's lock-file problem begins (sqlite.ts words it so): its database, and what is written to it, is kept. */
const LOCK_FILE_PROBLEM = 'the lock file ';

/** Whether what is written during a file problem is still kept: only the lock file is gone or replaced. */
const keepsWrites = (problem: string): boolean => problem.startsWith(LOCK_FILE_PROBLEM);

export interface StoreHealth {
  /** False while writes fail or the database file is gone or replaced. */
  ok: boolean;
  /** The fault kinds seen since the store last worked (`op: CODE`). */
  failing: string[];
  /** The database file no longer is the one that was opened (deleted, or replaced by another file). */
  fileProblem?: string;
  /**
   * Since when (ms) what the bot writes goes where no restart reads it: the database file deleted, replaced or moved
   * (not the lock file's problem: the data is kept). The stop's last line says it was not kept (src/main.ts).
   */
  notKeptSince?: number;
  /** Failures by kind since start. */
  counts: Record<string, number>;
  /** Data held in memory because the store refused it, and data given up on (memory caps). */
  heldEvents: number;
  heldAlerts: number;
  lost: { events: number; alerts: number };
}

/** The code that names a fault kind: SQLite's (`SQLITE_FULL`, `SQLITE_CORRUPT`), else the error's name. */
export function faultCode(err: unknown): string {
  for (let e: unknown = err, depth = 0; e && depth < 5; e = (e as { cause?: unknown }).cause, depth++) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'string' && /^SQLITE_/.test(code)) return code;
  }
  if (err instanceof Error) return (err as { code?: unknown }).code === 'closed' ? 'closed' : err.name;
  return 'unknown';
}

export class StoreFaults {
  /** Failures per kind since start (for /metrics). */
  readonly counts = new Map<string, number>();
  /**
   * Kinds failing now, with when they last failed: cleared when their operation succeeds, and no longer shown
   * as failing ten minutes after their last failure (an operation that is rarely run may not run again soon).
   */
  private readonly active = new Map<string, number>();
  /** When each kind (and each recovery) was last logged: a kind that flaps is logged at most once an hour. */
  private readonly logged = new Map<string, number>();
  private readonly now: () => number;
  private readonly log: FaultLog;
  private fileProblem: { problem: string; since: number } | undefined;
  /** Filled in by the bot and the outbox: what they hold in memory and what they had to give up. */
  held = { events: 0, alerts: 0 };
  readonly lost = { events: 0, alerts: 0 };

  /** `now` and `log` for tests: the clock that spaces repeated logs of a kind (hourly), and where they go. */
  constructor(opts: { now?: () => number; log?: FaultLog } = {}) {
    this.now = opts.now ?? Date.now;
    this.log = opts.log ?? logger('store');
  }

  /** Record one failed operation; logs the first of its kind (then at most hourly). Returns the kind. */
  failed(op: string, err: unknown): string {
    const code = faultCode(err);
    const kind = `${op}: ${code}`;
    const count = (this.counts.get(kind) ?? 0) + 1;
    this.counts.set(kind, count);
    this.active.set(kind, this.now());
    if (this.shouldLog(kind)) {
      this.log.error({ op, code, reason: reasonOf(err), count }, `store ${op} failed (${code}); held in memory and retried; more of this kind are counted on /metrics, not logged`);
    }
    return kind;
  }

  /** Operation `op` succeeded: its failing stretch (if any) is over. */
  ok(op: string): void {
    if (this.active.size === 0) return;
    let cleared = 0;
    for (const kind of this.active.keys()) {
      if (kind.startsWith(`${op}: `)) {
        this.active.delete(kind);
        cleared++;
      }
    }
    if (cleared && this.shouldLog(`${op}: recovered`)) this.log.warn({ op }, `store ${op} works again`);
  }

  private shouldLog(key: string): boolean {
    const last = this.logged.get(key);
    const now = this.now();
    if (last !== undefined && now - last < 3_600_000) return false;
    this.logged.set(key, now);
    return true;
  }

  /** Something given up on because memory is bounded: logged once per stretch, counted always. */
  gaveUp(what: 'events' | 'alerts', n: number): void {
    if (n <= 0) return;
    this.lost[what] += n;
    this.failed(`hold.${what}`, new Error(`more ${what} than the memory cap while the store fails; the oldest are not stored`));
  }

  /**
   * The database file check (each flush): undefined when it is still the file that was opened. A problem is
   * logged when it appears and counted at every check while it lasts (`checkFile: FILE_GONE`).
   */
  setFileProblem(problem: string | undefined): void {
    if (problem) this.counts.set('checkFile: FILE_GONE', (this.counts.get('checkFile: FILE_GONE') ?? 0) + 1);
    if (problem === this.fileProblem?.problem) return;
    if (problem && keepsWrites(problem)) this.log.error({ problem }, `store file problem: ${problem}; stop liqbot and start it again to take the lock anew`);
    else if (problem) this.log.error({ problem }, `store file problem: ${problem}; what is written from now on is lost at restart: restore the file or restart liqbot`);
    else this.log.warn('store file problem cleared');
    // A problem that changes (a file deleted, then another put in its place) began when the first did.
    this.fileProblem = problem ? { problem, since: this.fileProblem?.since ?? this.now() } : undefined;
  }

  get failing(): boolean {
    return this.failingKinds().length > 0 || this.fileProblem !== undefined;
  }

  private failingKinds(): string[] {
    const since = this.now() - 10 * 60_000;
    return [...this.active].filter(([, at]) => at >= since).map(([kind]) => kind);
  }

  health(): StoreHealth {
    const h: StoreHealth = {
      ok: !this.failing,
      failing: this.failingKinds(),
      counts: Object.fromEntries(this.counts),
      heldEvents: this.held.events,
      heldAlerts: this.held.alerts,
      lost: { ...this.lost },
    };
    if (this.fileProblem) h.fileProblem = this.fileProblem.problem;
    if (this.fileProblem && !keepsWrites(this.fileProblem.problem)) h.notKeptSince = this.fileProblem.since;
    return h;
  }

  /** Total failures since start. */
  total(): number {
    let n = 0;
    for (const v of this.counts.values()) n += v;
    return n;
  }
}
