/**
 * A token Telegram refuses is a mistake in the settings, not an outage: getMe's 401 (a revoked token) or 404 (one
 * Telegram never issued) makes the adapter's start throw an `unauthorized` ChatApiError naming TELEGRAM_BOT_TOKEN and
 * never its value, which the platforms' start refuses for good (`settingsRefused`: a ConfigError, exit 78) instead of
 * retrying it as "could not reach the bot". An API root that does not answer is still an outage. The fake Bot API on
 * 127.0.0.1.
 */
import net, { type AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { createTelegramAdapter } from '../../../src/adapters/telegram/adapter.js';
import { ChatApiError } from '../../../src/adapters/errors.js';
import { settingsRefused } from '../../../src/ops/platforms.js';
import type { Services } from '../../../src/service.js';
import { FakeTelegram } from '../../fakes/telegram/server.js';

/** Nothing is asked of the services: the start fails at its first request. */
const NO_SERVICES = {} as Services;

const closing: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  for (const close of closing.splice(0).reverse()) await close();
});

async function startError(token: string, apiRoot: string): Promise<unknown> {
  const adapter = createTelegramAdapter({ token, apiRoot, services: NO_SERVICES });
  closing.push(() => adapter.stop());
  return adapter.start().then(
    () => undefined,
    (e: unknown) => e,
  );
}

describe('a Telegram token refused at start', () => {
  it('getMe answered 401 (a revoked token): unauthorized, naming TELEGRAM_BOT_TOKEN and what to do; refused for good', async () => {
    const fake = await FakeTelegram.start();
    closing.push(() => fake.close());
    fake.fail({ method: 'getMe', error: { code: 401, description: 'Unauthorized' } });
    const err = await startError(fake.token, fake.apiRoot);
    expect(err).toBeInstanceOf(ChatApiError);
    expect((err as ChatApiError).kind).toBe('unauthorized');
    expect((err as Error).message).toBe('Telegram refused TELEGRAM_BOT_TOKEN (getMe: 401 Unauthorized): set it to the token @BotFather gives (/token), or TELEGRAM_API_ROOT to a Bot API server');
    const refused = settingsRefused('telegram', err);
    expect(refused?.name).toBe('ConfigError');
    expect(refused?.message).toBe(`telegram could not start: ${(err as Error).message}`);
    expect(fake.calls.map((c) => c.method)).toEqual(['getMe']);
  });

  it('a token Telegram never issued (the fake answers 404, as api.telegram.org does): refused the same way, the token never said', async () => {
    const fake = await FakeTelegram.start();
    closing.push(() => fake.close());
    const wrong = '987654:not-this-bots-token';
    const err = await startError(wrong, fake.apiRoot);
    expect((err as ChatApiError).kind).toBe('unauthorized');
    expect((err as Error).message).toMatch(/^Telegram refused TELEGRAM_BOT_TOKEN \(getMe: 404 Not Found\): set it to the token @BotFather gives/);
    expect(settingsRefused('telegram', err)?.message).not.toContain(wrong);
  });

  it('an API root where nothing listens is an outage, retried: no refusal', async () => {
    const server = net.createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    await new Promise((resolve) => server.close(resolve));
    const err = await startError('123456:TEST-token', `http://127.0.0.1:${port}`);
    expect((err as Error).message).toMatch(/^Telegram: could not reach the bot \(Telegram getMe: .*ECONNREFUSED.*\); check the network or TELEGRAM_API_ROOT$/);
    expect(settingsRefused('telegram', err)).toBeUndefined();
  });
});
