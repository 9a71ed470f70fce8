/**
 * The outbox's retention on the shared store is kept by the deliver leader only: sent and dropped rows older than
 * the retention are deleted in one statement that first checks the lease (`pruneOutboxLeased`), so a standby, or
 * a leader whose lease was taken, deletes nothing. Pending and recent rows always stay. Real PostgreSQL (and NATS
 * for the role processes); skipped, saying why, without them.
 */
import { expect, it } from 'vitest';
import type { PostgresStore } from '../../src/store/postgres.js';
import type { NewEntry } from '../../src/store/store.js';
import { bundledDay } from '../adapters/telegram/harness.js';
import { FakeTelegram, fakeLimits } from '../fakes/telegram/server.js';
import { startChild, until } from './children.js';
import { pgNatsSuite } from './pg-nats-suite.js';

const DAY = 86_400_000;

pgNatsSuite('outbox pruning by the deliver leader', (suite) => {
  /** Rows created `ageDays` ago for `chats`: the first sent, the second dropped, the third left pending. */
  async function rows(store: PostgresStore, tag: string, ageDays: number): Promise<void> {
    const alert = (await bundledDay()).alerts.find((a) => a.kind === 'level_break')!;
    const at = Date.now() - ageDays * DAY;
    const entries: NewEntry[] = ['sent', 'dropped', 'pending'].map((k) => ({ chat: 'telegram:7000333', alertKey: `${tag}:${k}`, alert, nextAttemptAt: Date.now() + DAY, createdAt: at }));
    const ids = await store.enqueue(entries);
    expect(ids).toHaveLength(3);
    await store.markSent(ids[0]!, '7000333:1');
    await store.markDropped(ids[1]!, 'test');
  }

  const count = async (store: PostgresStore) => (await store.pool.query<{ n: number }>('SELECT count(*)::int AS n FROM outbox')).rows[0]!.n;

  it('deletes old sent and dropped rows only under a live lease; pending and recent rows stay', async () => {
    const { store } = await suite.openStore();
    await rows(store, 'old', 10);
    await rows(store, 'new', 1);
    expect(await count(store)).toBe(6);
    const token = await store.takeLease('deliver:test', 'a', 60_000);
    expect(token).toBe(1);
    const lease = { name: 'deliver:test', holder: 'a', token: token! };
    // A holder whose lease was taken over (a newer token) deletes nothing.
    expect(await store.pruneOutboxLeased(Date.now() - 7 * DAY, { ...lease, token: 0 })).toBe('lost');
    expect(await store.pruneOutboxLeased(Date.now() - 7 * DAY, { ...lease, holder: 'b' })).toBe('lost');
    expect(await count(store)).toBe(6);
    expect(await store.pruneOutboxLeased(Date.now() - 7 * DAY, lease)).toBe(2);
    const left = (await store.pool.query<{ alert_key: string }>('SELECT alert_key FROM outbox ORDER BY alert_key')).rows.map((r) => r.alert_key);
    expect(left).toEqual(['new:dropped', 'new:pending', 'new:sent', 'old:pending']);
  });

  it('the leader prunes when it takes the lease and on its rounds; the standby never does', async () => {
    const { store, schema } = await suite.openStore();
    const fake = await FakeTelegram.start({ limits: fakeLimits(20) });
    suite.defer(() => fake.close());
    await rows(store, 'first', 3);
    const env = {
      ...suite.roleEnv(schema),
      TELEGRAM_BOT_TOKEN: fake.token,
      TELEGRAM_API_ROOT: `${fake.apiRoot}/`,
      DELIVER_SCALE: '20',
      DELIVER_TTL_MS: '2000',
      DELIVER_RETENTION_MS: String(2 * DAY),
    };
    const a = startChild('deliver A', ['--import', 'tsx', 'test/bus/deliver-child.ts'], env);
    await a.waitLog('holds the lease');
    const b = startChild('deliver B', ['--import', 'tsx', 'test/bus/deliver-child.ts'], env);
    await b.waitLog('standing by');
    expect((await a.waitLog('outbox pruned')).pruned).toBe(2);
    await rows(store, 'second', 3);
    // A round may fall between the second batch's markSent and markDropped and prune one of them, the next the other.
    const keys = async () => (await store.pool.query<{ alert_key: string }>('SELECT alert_key FROM outbox ORDER BY alert_key')).rows.map((r) => r.alert_key);
    await until(async () => (await keys()).length === 2, 'the leader to prune the second batch', 30_000);
    expect(await keys()).toEqual(['first:pending', 'second:pending']);
    expect(a.lines.filter((l) => l.msg.includes('outbox pruned')).length).toBeGreaterThanOrEqual(2);
    expect(b.lines.some((l) => l.msg.includes('outbox pruned'))).toBe(false);
  }, 120_000);
});
