/**
 * A deliverer asks its platform who the bot is before it stands by for the lease, and says what it found in
 * `/healthz` as component `chat:<platform>`: an API root that does not answer is degraded with the reason (tried again
 * with backoff) rather than found at the first alert; ok once the platform answers; failing and exit 1 when nothing
 * answered within LIQBOT_GIVE_UP_S, as the embedded bot gives up (ops/platforms.ts). A refused token is not tried
 * again: the component fails and the role is refused with a ConfigError naming the setting (exit 78). The fake Bot
 * API and fake Discord on 127.0.0.1; the last test needs PostgreSQL and NATS (skipped, saying why, without).
 */
import net from 'node:net';
import type { AddressInfo } from 'node:net';
import pg from 'pg';
import { afterEach, describe, expect, it } from 'vitest';
import { runDeliverRole, type DeliverRoleOptions } from '../../src/bus/deliver.js';
import { Health } from '../../src/ops/health.js';
import { FAKE_TOKEN, FakeDiscord } from '../fakes/discord/server.js';
import { FakeTelegram } from '../fakes/telegram/server.js';
import { waitFor } from './deliverer-stand.js';
import { pgNatsSuite } from './pg-nats-suite.js';

/** Services never reached by these tests' failing starts: nothing is opened before the platform answers. */
const NO_SERVICES = { databaseUrl: 'postgres://liqbot@127.0.0.1:1/none', natsUrl: 'nats://127.0.0.1:1' };
const FAST = { baseMs: 10, maxMs: 20 };

const closing: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  for (const close of closing.splice(0).reverse()) await close();
});

/** The role run in this process with its own health registry; `stop()` aborts it and returns its exit code. */
function deliver(opts: Omit<DeliverRoleOptions, 'signal' | 'health'>) {
  const abort = new AbortController();
  const health = new Health();
  const run = runDeliverRole({ ...opts, signal: abort.signal, health, platformBackoff: FAST });
  closing.push(() => (abort.abort(), run.catch(() => undefined)));
  const component = (name: string) => health.report().components[name];
  return { health, run, component, stop: () => (abort.abort(), run) };
}

/** A port on 127.0.0.1 nothing listens on (taken, then let go). */
async function closedPort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/** Listen on `port` and pass every connection through to `to` (the API root that comes up where none answered). */
async function forward(port: number, to: number): Promise<void> {
  const server = net.createServer((c) => {
    const up = net.connect(to, '127.0.0.1');
    c.on('error', () => up.destroy());
    up.on('error', () => c.destroy());
    c.pipe(up).pipe(c);
  });
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  closing.push(() => new Promise((resolve) => server.close(resolve)));
}

describe('a deliverer reaching its platform', () => {
  it('Telegram answering getMe 401: chat:telegram failing, the role refused naming TELEGRAM_BOT_TOKEN, not tried again', async () => {
    const fake = await FakeTelegram.start();
    closing.push(() => fake.close());
    fake.fail({ method: 'getMe', error: { code: 401, description: 'Unauthorized' } });
    const d = deliver({ env: { ...NO_SERVICES, giveUpMs: 600_000, telegram: { token: fake.token, apiRoot: fake.apiRoot } }, platform: 'telegram' });
    await expect(d.run).rejects.toMatchObject({ name: 'ConfigError', message: expect.stringContaining('Telegram refused TELEGRAM_BOT_TOKEN (getMe: 401 Unauthorized)') });
    expect(d.component('chat:telegram')).toMatchObject({ state: 'failing', reason: expect.stringMatching(/^refused: Telegram refused TELEGRAM_BOT_TOKEN/) });
    expect(fake.calls.filter((c) => c.method === 'getMe')).toHaveLength(1);
  });

  it('Discord refusing the token on GET /users/@me: chat:discord failing, the role refused naming DISCORD_TOKEN; no gateway session opened', async () => {
    const fake = await FakeDiscord.start();
    closing.push(() => fake.close());
    const d = deliver({ env: { ...NO_SERVICES, giveUpMs: 600_000, discord: { token: `${FAKE_TOKEN}-wrong`, apiBase: fake.apiBase } }, platform: 'discord' });
    await expect(d.run).rejects.toMatchObject({ name: 'ConfigError', message: expect.stringContaining('401: Unauthorized (code 0): the token was refused; check DISCORD_TOKEN') });
    expect(d.component('chat:discord')).toMatchObject({ state: 'failing' });
    expect(fake.identifies).toEqual([]);
  });

  it('nothing answering within LIQBOT_GIVE_UP_S: chat:telegram failing, and the role exits 1 without opening its services', async () => {
    const port = await closedPort();
    const d = deliver({ env: { ...NO_SERVICES, giveUpMs: 1_000, telegram: { token: '1:x', apiRoot: `http://127.0.0.1:${port}` } }, platform: 'telegram' });
    expect(await d.run).toBe(1);
    expect(d.component('chat:telegram')).toMatchObject({ state: 'failing', reason: expect.stringMatching(/^could not be reached within 1 s \(Telegram: could not reach the bot \(getMe: connect ECONNREFUSED 127\.0\.0\.1:\d+\)/) });
  });
});

pgNatsSuite('a deliverer whose platform comes up late', (suite) => {
  it('an API root where nothing listens: degraded (connection refused); ok once the Bot API answers there, then it stands by for the lease', async () => {
    const port = await closedPort();
    const fake = await FakeTelegram.start();
    suite.defer(() => fake.close());
    const { schema } = await suite.openStore();
    const env = suite.roleEnv(schema);
    const db = new pg.Client({ connectionString: env.LIQBOT_DATABASE_URL });
    await db.connect();
    suite.defer(() => db.end());
    const holders = async () => (await db.query<{ holder: string }>('SELECT holder FROM leases')).rows.map((r) => r.holder);
    const d = deliver({
      env: { databaseUrl: env.LIQBOT_DATABASE_URL, natsUrl: env.LIQBOT_NATS_URL, natsStream: env.LIQBOT_NATS_STREAM, giveUpMs: 600_000, telegram: { token: fake.token, apiRoot: `http://127.0.0.1:${port}` } },
      platform: 'telegram',
      holder: 'late',
    });
    await waitFor(() => /ECONNREFUSED/.test(d.component('chat:telegram')?.reason ?? ''), 'the refused connection to be reported');
    expect(d.component('chat:telegram')).toMatchObject({ state: 'degraded', reason: expect.stringContaining(`getMe: connect ECONNREFUSED 127.0.0.1:${port}); check the network or TELEGRAM_API_ROOT`) });
    expect(fake.calls).toEqual([]);
    expect(await holders()).toEqual([]);
    await forward(port, Number(new URL(fake.apiRoot).port));
    await waitFor(() => d.component('chat:telegram')?.state === 'ok', 'chat:telegram to be ok');
    expect(d.component('chat:telegram')).toEqual({ state: 'ok', since: expect.any(Number) });
    expect(fake.calls.map((c) => c.method)).toEqual(['getMe']);
    await waitFor(async () => (await holders()).length > 0, 'the lease to be taken');
    expect(await holders()).toEqual(['late']);
    expect(await d.stop()).toBe(0);
  }, 60_000);
});
