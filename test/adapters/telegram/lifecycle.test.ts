/**
 * Starting and stopping: long polling by default, a webhook only with a secret token (forged updates refused) on
 * the interface the operator names, and a stop that leaves nothing running (no poll, no server, no timer, no socket).
 */
import net from 'node:net';
import { describe, expect, it } from 'vitest';
import { createTelegramAdapter } from '../../../src/adapters/telegram/adapter.js';
import { parseEnv } from '../../../src/env.js';
import { commandUpdate, sendCommand } from '../../fakes/telegram/updates.js';
import { startHarness } from './harness.js';
import { freePort } from '../../helpers.js';

/** Handles that keep a process alive, by kind (vitest's own are in the baseline). */
function resources(): Record<string, number> {
  const out: Record<string, number> = {};
  for (const r of process.getActiveResourcesInfo()) out[r] = (out[r] ?? 0) + 1;
  return out;
}

async function settle(check: () => boolean, timeoutMs = 3_000): Promise<boolean> {
  const until = performance.now() + timeoutMs;
  while (performance.now() < until) {
    if (check()) return true;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  return check();
}

describe('lifecycle', () => {
  it('long-polls by default: deleteWebhook, then getUpdates; stop ends the poll and leaves no handle behind', async () => {
    const baseline = resources();
    const h = await startHarness();
    sendCommand(h.fake, -400, '/help');
    await h.fake.waitFor(() => h.fake.sentTo(-400).length === 1, 'the /help answer');
    expect(h.fake.callsOf('deleteWebhook')).toHaveLength(1);
    expect(h.fake.callsOf('getUpdates').length).toBeGreaterThan(0);
    await h.stop();
    const leftover = () => Object.entries(resources()).filter(([kind, n]) => n > (baseline[kind] ?? 0));
    await settle(() => leftover().length === 0);
    expect(leftover()).toEqual([]);
  });

  it('stops cleanly right after starting, before polling began; a delivery after stop is refused as retryable', async () => {
    const h = await startHarness();
    await h.stop();
    expect(h.fake.callsOf('getMe')).toHaveLength(1);
    expect(await h.adapter.deliver({ chat: 'telegram:-401' }, { blocks: [[['late']]] })).toMatchObject({ ok: false, permanent: false });
  });

  it('refuses an invalid token at start with a hint', async () => {
    const h = await startHarness({ start: false });
    const bad = createTelegramAdapter({ token: '1:wrong', apiRoot: h.fake.apiRoot, services: h.services });
    await expect(bad.start()).rejects.toThrow(/TELEGRAM_BOT_TOKEN/);
    await bad.stop();
    await h.stop();
  });

  it('receives updates on a webhook guarded by the secret token, and answers through the same paced sender', async () => {
    const port = await freePort();
    const url = `http://127.0.0.1:${port}/telegram/hook`;
    const h = await startHarness({ webhook: { url, secret: 'hook-secret-123', port, host: '127.0.0.1' } });
    try {
      expect(h.fake.webhook).toEqual({ url, secret: 'hook-secret-123' });
      expect(h.fake.callsOf('getUpdates')).toHaveLength(0);

      const forged = commandUpdate(h.fake, -410, '/help');
      expect(await h.fake.postToWebhook(forged.update, 'wrong')).toBe(401);
      expect(await h.fake.postToWebhook(forged.update, null)).toBe(401);
      // The attack seen in the wild: a "private" chat carrying the group's id, turning the group's alerts on.
      const spoof = commandUpdate(h.fake, 77, '/alerts on');
      const message = spoof.update.message as Record<string, unknown>;
      message.chat = { id: -410, type: 'private', first_name: 'mallory' };
      expect(await h.fake.postToWebhook(spoof.update, null)).toBe(401);

      const real = commandUpdate(h.fake, -410, '/liqs eth');
      expect(await h.fake.postToWebhook(real.update)).toBe(200);
      await h.fake.waitFor(() => h.fake.sentTo(-410).length === 1, 'the webhook /liqs answer');
      expect(h.fake.sentTo(-410)[0]).toMatchObject({ replyTo: real.messageId });
      expect(h.fake.sentTo(-410)[0]!.text).toContain('ETH liquidations');
      expect(h.services.store.getSubscription('telegram:-410')).toBeUndefined();
    } finally {
      await h.stop();
    }
    // the port is free again
    const again = net.createServer();
    await new Promise<void>((resolve, reject) => again.once('error', reject).listen(port, '127.0.0.1', resolve));
    await new Promise<void>((resolve) => again.close(() => resolve()));
  });

  it('refuses to start a webhook without a secret, in one line, before anything listens or is sent', async () => {
    const port = await freePort();
    const h = await startHarness({ start: false });
    try {
      for (const secret of ['', 'has spaces']) {
        const bot = createTelegramAdapter({ token: h.fake.token, apiRoot: h.fake.apiRoot, services: h.services, webhook: { url: `http://127.0.0.1:${port}/hook`, secret, port } });
        const err = await bot.start().then(() => undefined, (e: unknown) => e as Error);
        expect(err?.message).toMatch(/^Telegram webhook: .*TELEGRAM_WEBHOOK_SECRET/);
        expect(err?.message).not.toContain('\n');
        await bot.stop();
      }
      expect(h.fake.calls).toEqual([]);
      const probe = net.createServer();
      await new Promise<void>((resolve, reject) => probe.once('error', reject).listen(port, '127.0.0.1', resolve));
      await new Promise<void>((resolve) => probe.close(() => resolve()));
    } finally {
      await h.stop();
    }
  });

  it('reads a webhook from the environment only with its secret, and binds where TELEGRAM_WEBHOOK_HOST says', () => {
    const base = { TELEGRAM_BOT_TOKEN: '1:abc', TELEGRAM_WEBHOOK_URL: 'https://bot.example.com/hook' };
    expect(() => parseEnv(base)).toThrow('.env: TELEGRAM_WEBHOOK_URL needs TELEGRAM_WEBHOOK_SECRET');
    expect(parseEnv({ ...base, TELEGRAM_WEBHOOK_SECRET: 's3cret', TELEGRAM_WEBHOOK_HOST: '0.0.0.0' }).telegram?.webhook).toEqual({
      url: 'https://bot.example.com/hook',
      secret: 's3cret',
      port: 8443,
      host: '0.0.0.0',
    });
  });
});
