/**
 * Roles as the processes an operator starts (`node bin/liqbot.js start --role …`), on the real PostgreSQL and NATS
 * and the fake Bot API in webhook mode:
 *  - `--role all` (ingest + core + deliver + gateway in one process) with a recorded day as its exchange: an alert
 *    the core derives reaches the subscribed fake Telegram chat, and a `/liqs` command posted to its webhook is
 *    answered;
 *  - `--role gateway` alone, on a stream the test fills: a command posted to its webhook is answered from the
 *    stream, and a chat's `/alerts on` is published on the stream for the core.
 * Skipped, saying why, without the services.
 */
import { expect, it } from 'vitest';
import { SECRET_HEADER } from '../../src/adapters/telegram/webhook.js';
import { FakeTelegram, fakeLimits } from '../fakes/telegram/server.js';
import { alice, commandUpdate } from '../fakes/telegram/updates.js';
import { BUNDLED, freePort } from '../helpers.js';
import { startChild, until } from './children.js';
import { publishDay } from './gateway-fixture.js';
import { pgNatsSuite, type PgNatsSuite } from './pg-nats-suite.js';

const SECRET = 'roles-secret_0123456789';
const CHAT = -4_200;

/** POST an update as Telegram does; the status once the worker has answered it. */
async function post(url: string, update: Record<string, unknown>, updateId: number): Promise<number> {
  const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', [SECRET_HEADER]: SECRET }, body: JSON.stringify({ ...update, update_id: updateId }) });
  await res.arrayBuffer();
  return res.status;
}

/** What a role process needs: the services, a stream of its own, the fake Bot API by webhook on a free port. */
async function webhookEnv(suite: PgNatsSuite, fake: FakeTelegram, schema: string, stream: string): Promise<{ env: Record<string, string>; hook: string }> {
  const port = await freePort();
  const hook = `http://127.0.0.1:${port}/telegram/hook`;
  return {
    hook,
    env: {
      ...suite.roleEnv(schema, stream),
      LIQBOT_GATEWAY_ID: 'gw-proc',
      TELEGRAM_BOT_TOKEN: fake.token,
      TELEGRAM_API_ROOT: fake.apiRoot,
      TELEGRAM_WEBHOOK_URL: hook,
      TELEGRAM_WEBHOOK_SECRET: SECRET,
      TELEGRAM_WEBHOOK_PORT: String(port),
      TELEGRAM_WEBHOOK_HOST: '127.0.0.1',
    },
  };
}

pgNatsSuite('roles as processes', (suite) => {
  it('--role all: an alert reaches the subscribed Telegram chat, and /liqs posted to its webhook is answered', async () => {
    const stream = `LBTALL${process.pid}`;
    const { store, schema } = await suite.openStore();
    await store.putSubscription({ chat: `telegram:${CHAT}`, enabled: true, assets: [], families: ['cascade', 'level'], minUsd: 0, updatedAt: 0 });
    await suite.openBus(stream);
    const fake = await FakeTelegram.start({ limits: fakeLimits(20) });
    suite.defer(() => fake.close());
    const { env, hook } = await webhookEnv(suite, fake, schema, stream);

    const all = startChild('all', ['bin/liqbot.js', 'start', '--role', 'all', '--replay', BUNDLED, '--speed', '1e12'], env);
    await all.waitLog('gateway answering commands');
    await all.waitLog('core leading');
    await all.waitLog('holds the lease');
    expect(fake.callsOf('setWebhook').map((c) => (c.params as { secret_token?: string }).secret_token)).toEqual([SECRET]);

    // The day's first cascade, derived by the core, queued in the outbox, sent by the deliverer.
    const alerts = await until(() => fake.sentTo(CHAT).length > 0 && fake.sentTo(CHAT), 'an alert in the subscribed chat', 120_000, 100);
    expect(alerts[0]!.text).toMatch(/cascade|liquidat|level/i);

    // Alerts may still be arriving: the reply is the message that answers, whatever came around it.
    const ask = commandUpdate(fake, CHAT, '/liqs eth', { from: alice });
    // Answered once the reply is sent, or 2 s after it was queued behind the alerts of the chat's turn: wait for it.
    expect(await post(hook, ask.update, 7)).toBe(200);
    await until(() => fake.sentTo(CHAT).some((m) => m.text.startsWith('ETH liquidations')), 'the /liqs reply', 60_000, 50);
    expect(fake.sentTo(CHAT).filter((m) => m.text.startsWith('ETH liquidations'))).toHaveLength(1);

    all.kill('SIGTERM');
    expect(await all.exited).toBe(0);
  }, 180_000);

  it('--role gateway: a command posted to its webhook is answered from the stream, and /alerts on is published for the core', async () => {
    const stream = `LBTGW${process.pid}`;
    const { store, schema } = await suite.openStore();
    const bus = await suite.openBus(stream);
    const { lastSeq } = await publishDay(bus);
    const fake = await FakeTelegram.start({ limits: fakeLimits(20) });
    suite.defer(() => fake.close());
    fake.setAdmins(CHAT, [alice.id]);
    const { env, hook } = await webhookEnv(suite, fake, schema, stream);

    const gw = startChild('gateway', ['bin/liqbot.js', 'start', '--role', 'gateway'], env);
    await gw.waitLog('gateway answering commands');
    // Answered by the time the webhook's 200 comes back.
    const ask = commandUpdate(fake, CHAT, '/liqs eth 24h', { from: alice });
    expect(await post(hook, ask.update, 1)).toBe(200);
    expect(fake.sentTo(CHAT)).toHaveLength(1);
    expect(fake.sentTo(CHAT)[0]!.text).toMatch(/^ETH liquidations · 24h\n\n\$[\d.,]+[KMB]? liquidated in 24h \([\d,]+ orders and prints\)/); // from the day on the stream (or as much as it has read yet)

    const on = commandUpdate(fake, CHAT, '/alerts on', { from: alice });
    expect(await post(hook, on.update, 2)).toBe(200);
    expect(fake.sentTo(CHAT)[1]?.text).toContain('Alerts are ON');
    await until(async () => (await bus.jsm.streams.info(stream)).state.last_seq > lastSeq, 'the settings change on the stream', 30_000);
    expect(await store.getSubscription(`telegram:${CHAT}`)).toBeUndefined(); // the core stores it, never the gateway

    gw.kill('SIGTERM');
    expect(await gw.exited).toBe(0);
  }, 120_000);
});
