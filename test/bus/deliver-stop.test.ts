/**
 * A deliverer asked to stop (SIGTERM: a deploy, a supervisor) while the platform is unreachable and its pacer holds
 * a queue for one group: it stops and exits 0, rather than waiting for sends that cannot happen. What it had
 * claimed but not sent is left for the next holder (as after a kill -9: at most one duplicate per chat).
 * Real PostgreSQL and NATS; skipped, saying why, without them.
 */
import { expect, it } from 'vitest';
import type { NewEntry } from '../../src/store/store.js';
import { bundledDay } from '../adapters/telegram/harness.js';
import { FakeTelegram, fakeLimits } from '../fakes/telegram/server.js';
import { startChild, until } from './children.js';
import { pgNatsSuite } from './pg-nats-suite.js';

const GROUP = -1_001_999_000_111;

pgNatsSuite('deliver role stop', (suite) => {
  it('SIGTERM with the Bot API gone and a group queue waiting in the pacer: exits 0, the unsent rows stay pending', async () => {
    // Telegram's real limits: 20 a minute to the group, so most of the queue waits in the pacer.
    const fake = await FakeTelegram.start({ limits: fakeLimits(1) });
    const { store, schema } = await suite.openStore();
    const alert = (await bundledDay()).alerts.find((a) => a.kind === 'level_break')!;
    const now = Date.now();
    const entries: NewEntry[] = Array.from({ length: 40 }, (_, i) => ({ chat: `telegram:${GROUP}`, alertKey: `stop:${i}`, alert, nextAttemptAt: now, createdAt: now }));
    await store.enqueue(entries);
    const d = startChild('deliver S', ['--import', 'tsx', 'test/bus/deliver-child.ts'], {
      ...suite.roleEnv(schema),
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
  }, 120_000);
});
