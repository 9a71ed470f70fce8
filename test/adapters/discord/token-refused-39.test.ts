/**
 * A token Discord refuses is a mistake in the settings, not an outage: the adapter's start says so as an `unauthorized`
 * ChatApiError naming DISCORD_TOKEN (never its value), whether REST refuses it (401 on GET /gateway/bot: discord.js's
 * TokenInvalid) or the gateway does (close code 4004 after IDENTIFY), and the platforms' start refuses it for good
 * (`settingsRefused`: a ConfigError, exit 78) instead of retrying it. The fake Discord on 127.0.0.1.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { WebSocket } from 'ws';
import { createDiscordAdapter } from '../../../src/adapters/discord/adapter.js';
import { ChatApiError } from '../../../src/adapters/errors.js';
import { settingsRefused } from '../../../src/ops/platforms.js';
import type { Services } from '../../../src/service.js';
import { FAKE_TOKEN, FakeDiscord } from '../../fakes/discord/server.js';

/** Nothing is asked of the services: the start fails before any interaction. */
const NO_SERVICES = {} as Services;

const closing: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  for (const close of closing.splice(0).reverse()) await close();
});

async function refusal(fake: FakeDiscord, token: string): Promise<ChatApiError> {
  const adapter = createDiscordAdapter({ token, apiBase: fake.apiBase, services: NO_SERVICES, readyTimeoutMs: 20_000 });
  closing.push(() => adapter.stop());
  const err = await adapter.start().then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(ChatApiError);
  return err as ChatApiError;
}

describe('a Discord token refused at login', () => {
  it('refused by REST (401 on GET /gateway/bot): unauthorized, naming DISCORD_TOKEN and what to do, never the token; refused for good', async () => {
    const fake = await FakeDiscord.start();
    closing.push(() => fake.close());
    const wrong = `${FAKE_TOKEN}-revoked`;
    const err = await refusal(fake, wrong);
    expect(err.kind).toBe('unauthorized');
    expect(err.message).toBe('Discord logging in: DISCORD_TOKEN is not a valid bot token; set it to the bot token of the Developer Portal (Bot → Reset Token)');
    expect(fake.identifies).toEqual([]);
    const refused = settingsRefused('discord', err);
    expect(refused?.name).toBe('ConfigError');
    expect(refused?.message).toBe(`discord could not start: ${err.message}`);
    expect(refused?.message).not.toContain(wrong);
  }, 30_000);

  it('refused by the gateway (close code 4004 after IDENTIFY): unauthorized at once, not a READY awaited for a minute', async () => {
    const fake = await FakeDiscord.start();
    closing.push(() => fake.close());
    // The fake's REST takes the token; its gateway answers IDENTIFY as Discord does a token it does not know.
    (fake as unknown as { onIdentify(conn: { ws: WebSocket }): void }).onIdentify = (conn) => conn.ws.close(4004, 'Authentication failed');
    const started = performance.now();
    const err = await refusal(fake, FAKE_TOKEN);
    expect(performance.now() - started).toBeLessThan(20_000);
    expect(err.kind).toBe('unauthorized');
    expect(err.message).toBe('Discord logging in: the gateway refused DISCORD_TOKEN (close code 4004, authentication failed); set it to the bot token of the Developer Portal (Bot → Reset Token)');
    expect(settingsRefused('discord', err)?.name).toBe('ConfigError');
  }, 30_000);

  it('a network failure at login is no refusal: retried as before', () => {
    const outage = new ChatApiError('Discord logging in: cannot reach Discord (ECONNREFUSED); check the network or DISCORD_API_BASE', 'discord', 'unavailable', { doing: 'logging in', code: 'ECONNREFUSED' });
    expect(settingsRefused('discord', outage)).toBeUndefined();
    expect(settingsRefused('discord', new Error('no READY from the gateway within 60 s'))).toBeUndefined();
  });
});
