/**
 * A deliverer asked to stop (SIGTERM: a deploy, a supervisor) while the platform is unreachable and its pacer holds
 * a queue for one group: it stops and exits 0, rather than waiting for sends that cannot happen. What it had
 * claimed but not sent is left for the next holder (as after a kill -9: at most one duplicate per chat).
 * Real PostgreSQL and NATS; skipped, saying why, without them.
 */
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { openPostgresStore } from '../../src/store/postgres.js';
import type { NewEntry } from '../../src/store/store.js';
import { bundledDay } from '../adapters/telegram/harness.js';
import { FakeTelegram, fakeLimits } from '../fakes/telegram/server.js';
import { PG_URL, dropRunSchemas, pgUnavailable, schemaName } from '../services/postgres.js';
import { NATS_URL, dropStream, natsUnavailable, roleStream } from '../services/nats.js';
import { killChildren, schemaUrl, startChild, until } from './children.js';

const unavailable = (await pgUnavailable()) ?? (await natsUnavailable());
if (unavailable) console.warn(unavailable);
const STREAM = roleStream();
const GROUP = -1_001_999_000_111;

describe.skipIf(unavailable !== undefined)('deliver role stop', () => {
  afterEach(() => killChildren());
  afterAll(async () => {
    await dropRunSchemas();
    await dropStream(STREAM);
  });

  it('SIGTERM with the Bot API gone and a group queue waiting in the pacer: exits 0, the unsent rows stay pending', async () => {
    // Telegram's real limits: 20 a minute to the group, so most of the queue waits in the pacer.
    const fake = await FakeTelegram.start({ limits: fakeLimits(1) });
    const schema = schemaName();
    const store = await openPostgresStore({ url: PG_URL, schema, migrate: true });
    try {
      const alert = (await bundledDay()).alerts.find((a) => a.kind === 'level_break')!;
      const now = Date.now();
      const entries: NewEntry[] = Array.from({ length: 40 }, (_, i) => ({ chat: `telegram:${GROUP}`, alertKey: `stop:${i}`, alert, nextAttemptAt: now, createdAt: now }));
      await store.enqueue(entries);
      const d = startChild('deliver S', ['--import', 'tsx', 'test/bus/deliver-child.ts'], {
        LIQBOT_DATABASE_URL: schemaUrl(PG_URL, schema),
        LIQBOT_NATS_URL: NATS_URL,
        LIQBOT_NATS_STREAM: STREAM,
        TELEGRAM_BOT_TOKEN: fake.token,
        TELEGRAM_API_ROOT: `${fake.apiRoot}/s-S/`,
        DELIVER_SCALE: '1',
        DELIVER_TTL_MS: '2000',
      });
      await d.waitLog('holds the lease');
      await until(() => fake.calls.filter((c) => c.method === 'sendMessage' && c.status === 200).length >= 20, 'the group window to fill', 60_000, 50);
      await fake.close();
      d.kill('SIGTERM');
      const code = await Promise.race([d.exited, until(() => false, 'the deliverer to exit after SIGTERM', 20_000, 200).catch((e: unknown) => { console.log(d.lines.slice(-15).map((l) => JSON.stringify(l)).join('\n'), d.text.slice(-10).join('\n')); throw e; })]);
      expect(code).toBe(0);
      const sent = fake.calls.filter((c) => c.method === 'sendMessage' && c.status === 200).length;
      expect(sent).toBeLessThan(40);
      // Whatever was not sent is still there for the next holder.
      expect(await store.pendingCount()).toBeGreaterThanOrEqual(40 - sent - 1);
    } finally {
      await store.close();
    }
  }, 120_000);
});
