/**
 * Telegram through gateways (webhook.ts, gateway.ts) against the fake Bot API and the local nats-server: an update
 * without the webhook's secret is refused 401 and changes nothing; the answer to an update comes once it has been
 * handled, its reply already sent, so one chat's updates spread over two gateway workers (as a proxy in front of
 * them would) are answered in the order Telegram sent them; an admin's `/alerts on` on one worker is published and
 * reaches the other. Skipped without NATS.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { createTelegramAdapter, scaleLimits, type TelegramAdapter } from '../../src/adapters/telegram/adapter.js';
import { SECRET_HEADER } from '../../src/adapters/telegram/webhook.js';
import type { Bus } from '../../src/bus/stream.js';
import { FakeTelegram, fakeLimits } from '../fakes/telegram/server.js';
import { alice, commandUpdate } from '../fakes/telegram/updates.js';
import { natsUnavailable, testBus } from '../services/nats.js';
import { roomyConfig, startGateways } from './gateway-fixture.js';
import { freePort } from '../helpers.js';

const unavailable = await natsUnavailable();
if (unavailable) console.warn(unavailable);

const SECRET = 'gw-secret_0123456789';
const CHAT = -1_900;

/** POST an update to a worker as Telegram does; the status once the worker answers. */
async function post(url: string, update: Record<string, unknown>, secret: string | null = SECRET, updateId = 1): Promise<number> {
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(secret !== null ? { [SECRET_HEADER]: secret } : {}) },
    body: JSON.stringify({ ...update, update_id: updateId }),
  });
  await res.arrayBuffer();
  return res.status;
}

describe.skipIf(unavailable !== undefined)('Telegram webhook workers as gateways', () => {
  const cleanups: (() => Promise<void>)[] = [];
  afterEach(async () => {
    for (const c of cleanups.splice(0).reverse()) await c();
  });

  it('refuses updates without the secret, and answers one chat in order across two workers', async () => {
    const bus: Bus & { drop(): Promise<void> } = await testBus();
    cleanups.push(() => bus.drop());
    const fake = await FakeTelegram.start({ limits: fakeLimits(20) });
    cleanups.push(() => fake.close());
    fake.setAdmins(CHAT, [alice.id]);
    const run = startGateways(bus, roomyConfig(), ['tg-1', 'tg-2'], () => Date.UTC(2026, 0, 31, 12));
    cleanups.push(() => run.stop());

    const urls: string[] = [];
    const workers: TelegramAdapter[] = [];
    for (const g of run.gateways) {
      const port = await freePort();
      const url = `http://127.0.0.1:${port}/telegram/hook`;
      const adapter = createTelegramAdapter({ token: fake.token, apiRoot: fake.apiRoot, services: g.services, limits: scaleLimits(20), webhook: { url, secret: SECRET, port, host: '127.0.0.1' } });
      await adapter.start();
      cleanups.push(() => adapter.stop());
      workers.push(adapter);
      urls.push(url);
    }
    expect(fake.callsOf('setWebhook').map((c) => (c.params as { secret_token?: string }).secret_token)).toEqual([SECRET, SECRET]);
    expect(fake.callsOf('getUpdates')).toHaveLength(0);

    // Forged: a wrong secret, none at all, or the right one on another path.
    const forged = commandUpdate(fake, CHAT, '/alerts on');
    expect(await post(urls[0]!, forged.update, 'gw-secret_0123456788')).toBe(401);
    expect(await post(urls[1]!, forged.update, null)).toBe(401);
    expect(await post(urls[0]!, forged.update, '')).toBe(401);
    expect(await post(urls[0]!.replace('/hook', '/other'), forged.update)).toBe(404);
    expect(fake.sentTo(CHAT)).toHaveLength(0);
    expect(run.gateways.map((g) => g.publisher.pending + g.publisher.published)).toEqual([0, 0]);

    // One chat's updates, alternating between the workers; each answered before its 200 comes back.
    const lines = ['/help', '/liqs eth', '/level list', '/liqs btc 4h', '/levels eth', '/alerts on'];
    const asked: number[] = [];
    for (const [i, line] of lines.entries()) {
      const u = commandUpdate(fake, CHAT, line);
      asked.push(u.messageId);
      expect(await post(urls[i % 2]!, u.update, SECRET, 100 + i)).toBe(200);
      expect(fake.sentTo(CHAT).map((m) => m.replyTo)).toEqual(asked);
    }
    expect(fake.sentTo(CHAT).at(-1)!.text).toContain('Alerts are ON');

    // `/alerts on` went through the second worker's gateway: published, then applied by both from the stream.
    const [first, second] = run.gateways as [NonNullable<(typeof run.gateways)[0]>, NonNullable<(typeof run.gateways)[0]>];
    await second.publisher.flush();
    expect(second.publisher.published).toBe(1);
    const seq = (await bus.jsm.streams.info(bus.stream)).state.last_seq;
    await first.reached(seq);
    expect(first.mirror.getSubscription(`telegram:${CHAT}`)).toMatchObject({ enabled: true });
    expect(workers).toHaveLength(2);
  }, 60_000);
});
