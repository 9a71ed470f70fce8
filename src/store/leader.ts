/**
 * One core leader at a time, by a PostgreSQL session advisory lock held on a dedicated connection (never
 * returned to a pool): the lock lives exactly as long as that connection, so a leader killed with -9, or cut off
 * from the database, loses it when the server notices the connection is gone, and a standby polling
 * `pg_try_advisory_lock` takes over. No home-made lease or consensus: the database's own lock.
 *
 * @example
 *   const lock = new LeaderLock({ url, name: 'core' });
 *   await lock.acquire(abort.signal);   // resolves once this process leads
 *   lock.onLost(() => process.exit(1)); // a leader that lost its connection must stop deriving at once
 */
import pg from 'pg';
import { textHash } from './hash.js';
import { redactUrl, type LeaderFence } from './postgres.js';
import { StoreError, reasonOf } from './errors.js';

export interface LeaderLockOptions {
  url: string;
  /** What is led (`core`): processes with the same name exclude each other. */
  name: string;
  /** How often a standby tries the lock (default 1 s). */
  pollMs?: number;
}

export class LeaderLock {
  private client: pg.Client | undefined;
  private held = false;
  /** The backend process id of the connection that holds the lock (what a fenced write checks: `fence`). */
  private pid: number | undefined;
  private readonly lostHandlers: ((reason: string) => void)[] = [];
  /** The lock's 64-bit key, derived from the name (53 bits of its hash). */
  readonly key: number;

  constructor(private readonly opts: LeaderLockOptions) {
    this.key = textHash(`liqbot:leader:${opts.name}`);
  }

  get leading(): boolean {
    return this.held;
  }

  /**
   * The lock as a write fenced by it checks it (`PostgresStore.pruneEventsLed`): its key and the backend holding it,
   * while this process leads; undefined otherwise.
   */
  get fence(): LeaderFence | undefined {
    return this.held && this.pid !== undefined ? { key: this.key, pid: this.pid } : undefined;
  }

  /** Try once; true when this process now holds the lock. */
  async tryAcquire(): Promise<boolean> {
    if (this.held) return true;
    const client = await this.connection();
    try {
      const r = await client.query<{ ok: boolean; pid: number }>('SELECT pg_try_advisory_lock($1) AS ok, pg_backend_pid() AS pid', [this.key]);
      this.held = r.rows[0]!.ok;
      this.pid = r.rows[0]!.pid;
      return this.held;
    } catch (err) {
      this.drop();
      throw new StoreError(`could not ask ${redactUrl(this.opts.url)} for the ${this.opts.name} leader lock: ${reasonOf(err)}`, 'read', { cause: err });
    }
  }

  /** Wait until this process leads (a standby polls); rejects if the signal aborts first. */
  async acquire(signal?: AbortSignal): Promise<void> {
    for (;;) {
      if (signal?.aborted) throw new StoreError(`stopped waiting for the ${this.opts.name} leader lock`, 'closed');
      try {
        if (await this.tryAcquire()) return;
      } catch {
        // The database is away: keep trying, a standby has nothing better to do.
      }
      await new Promise((r) => setTimeout(r, this.opts.pollMs ?? 1_000));
    }
  }

  /** Called once if the connection holding the lock breaks: this process no longer leads. */
  onLost(handler: (reason: string) => void): void {
    this.lostHandlers.push(handler);
  }

  /** Give the lock up (a clean shutdown: the standby takes over at its next poll). */
  async release(): Promise<void> {
    const client = this.client;
    this.client = undefined;
    this.held = false;
    if (!client) return;
    await client.query('SELECT pg_advisory_unlock($1)', [this.key]).catch(() => undefined);
    await client.end().catch(() => undefined);
  }

  private async connection(): Promise<pg.Client> {
    if (this.client) return this.client;
    const client = new pg.Client({ connectionString: this.opts.url, connectionTimeoutMillis: 5_000, keepAlive: true });
    client.on('error', (err) => this.lost(reasonOf(err)));
    client.on('end', () => this.lost('the connection ended'));
    try {
      await client.connect();
    } catch (err) {
      throw new StoreError(`could not connect to ${redactUrl(this.opts.url)} for the ${this.opts.name} leader lock: ${reasonOf(err)}`, 'open', { cause: err });
    }
    this.client = client;
    return client;
  }

  private lost(reason: string): void {
    const wasLeading = this.held;
    this.drop();
    if (wasLeading) for (const h of this.lostHandlers) h(reason);
  }

  private drop(): void {
    const client = this.client;
    this.client = undefined;
    this.held = false;
    client?.end().catch(() => undefined);
  }
}
