/**
 * A chat platform that refuses the bot's token is not retried: the token is the settings' mistake, and started again
 * unchanged it is refused again. The platforms' start gives up at once with the refusal (a ConfigError naming the
 * setting: `liqbot start` exits 78, which systemd does not restart), `chat:<platform>` failing; an outage is still
 * retried with backoff. The deliver role refuses the same token the same way before it stands by for the lease (the
 * fake Bot API and fake Discord on 127.0.0.1).
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { ChatAdapter } from '../../src/adapters/contract.js';
import { ChatApiError } from '../../src/adapters/errors.js';
import { runDeliverRole } from '../../src/bus/deliver.js';
import { Health } from '../../src/ops/health.js';
import { Platforms } from '../../src/ops/platforms.js';
import type { Platform } from '../../commands/types.js';
import { FAKE_TOKEN, FakeDiscord } from '../fakes/discord/server.js';
import { FakeTelegram } from '../fakes/telegram/server.js';

const quiet = { info: () => {}, warn: () => {}, error: () => {}, debug: () => {} };
const REFUSED = 'Telegram refused TELEGRAM_BOT_TOKEN (getMe: 401 Unauthorized): set it to the token @BotFather gives (/token)';

/** A platform whose starts fail as `failures` say, one per attempt (the last repeating): an outage or a refused token. */
function platform(name: Exclude<Platform, 'terminal'>, failures: ('outage' | 'refused')[]) {
  let made = 0;
  const factory = (): ChatAdapter => {
    const failure = failures[Math.min(made++, failures.length - 1)];
    return {
      platform: name,
      async start() {
        if (failure === 'outage') throw new Error('connect ECONNREFUSED 127.0.0.1:443');
        throw new ChatApiError(REFUSED, 'telegram', 'unauthorized', { doing: 'getMe', code: 401 });
      },
      async stop() {},
      async deliver() {
        return { ok: true, messageRef: '1' };
      },
    };
  };
  return { factory, made: () => made };
}

afterEach(() => vi.useRealTimers());

describe('a chat platform refusing the token', () => {
  it('is not retried: the start gives up at once with a ConfigError naming the setting, chat:telegram failing', async () => {
    vi.useFakeTimers({ now: 0 });
    const telegram = platform('telegram', ['refused']);
    const health = new Health(Date.now);
    const gaveUp = vi.fn();
    const p = new Platforms({ factories: { telegram: telegram.factory }, adapters: {}, health, log: quiet, giveUpMs: 300_000, onGiveUp: gaveUp, backoff: { baseMs: 2_000, random: () => 1 } });
    p.start();
    await vi.advanceTimersByTimeAsync(0);
    expect(gaveUp).toHaveBeenCalledTimes(1);
    const [reason, refusal] = gaveUp.mock.calls[0]!;
    expect(refusal).toMatchObject({ name: 'ConfigError', message: `telegram could not start: ${REFUSED}` });
    expect(reason).toBe(refusal.message);
    expect(health.get('chat:telegram')).toMatchObject({ state: 'failing', reason: `refused: ${REFUSED}` });
    await vi.advanceTimersByTimeAsync(600_000);
    expect(telegram.made()).toBe(1);
    expect(gaveUp).toHaveBeenCalledTimes(1);
    await p.stop();
  });

  it('after an outage, the refusal that follows it ends the retries the same way', async () => {
    vi.useFakeTimers({ now: 0 });
    const telegram = platform('telegram', ['outage', 'refused']);
    const gaveUp = vi.fn();
    const p = new Platforms({ factories: { telegram: telegram.factory }, adapters: {}, health: new Health(Date.now), log: quiet, giveUpMs: 300_000, onGiveUp: gaveUp, backoff: { baseMs: 2_000, random: () => 1 } });
    p.start();
    await vi.advanceTimersByTimeAsync(0);
    expect(gaveUp).not.toHaveBeenCalled();
    await vi.advanceTimersByTimeAsync(2_000);
    expect(telegram.made()).toBe(2);
    expect(gaveUp).toHaveBeenCalledTimes(1);
    expect(gaveUp.mock.calls[0]![1]).toMatchObject({ name: 'ConfigError' });
    await p.stop();
  });
});

describe('a deliverer whose platform refuses the token', () => {
  const NO_SERVICES = { databaseUrl: 'postgres://liqbot@127.0.0.1:1/none', natsUrl: 'nats://127.0.0.1:1' };

  it('Telegram answering getMe 401: refused with a ConfigError naming TELEGRAM_BOT_TOKEN, asked once, chat:telegram failing', async () => {
    const fake = await FakeTelegram.start();
    try {
      fake.fail({ method: 'getMe', error: { code: 401, description: 'Unauthorized' } });
      const health = new Health();
      const run = runDeliverRole({ env: { ...NO_SERVICES, giveUpMs: 600_000, telegram: { token: fake.token, apiRoot: fake.apiRoot } }, platform: 'telegram', signal: new AbortController().signal, health, platformBackoff: { baseMs: 10, maxMs: 20 } });
      await expect(run).rejects.toMatchObject({ name: 'ConfigError', message: `telegram could not start: ${REFUSED}, or TELEGRAM_API_ROOT to a Bot API server` });
      expect(fake.calls.map((c) => c.method)).toEqual(['getMe']);
      expect(health.report().components['chat:telegram']).toMatchObject({ state: 'failing' });
    } finally {
      await fake.close();
    }
  });

  it('Discord refusing the token on GET /users/@me: refused with a ConfigError naming DISCORD_TOKEN, checked once', async () => {
    const fake = await FakeDiscord.start();
    try {
      const run = runDeliverRole({ env: { ...NO_SERVICES, giveUpMs: 600_000, discord: { token: `${FAKE_TOKEN}-wrong`, apiBase: fake.apiBase } }, platform: 'discord', signal: new AbortController().signal, health: new Health(), platformBackoff: { baseMs: 10, maxMs: 20 } });
      await expect(run).rejects.toMatchObject({ name: 'ConfigError', message: expect.stringContaining('the token was refused; check DISCORD_TOKEN') });
      expect(fake.requests.filter((r) => r.path.endsWith('/users/@me'))).toHaveLength(1);
    } finally {
      await fake.close();
    }
  });
});
