/**
 * Secrets the environment gives are kept out of every log line, whatever their length: a token, key or shared secret
 * of 4 characters or more is scrubbed wherever it occurs (was: 8 or more, so TELEGRAM_BOT_TOKEN=hello was logged in
 * clear inside the getMe URL), and one shorter is refused at start as malformed, naming the setting and never the value
 * (scrubbing a value that short would garble the logs). A password, a word a person chose (deploy/compose.scale.yaml's is
 * `liqbot`, also the user, the database and the program), is scrubbed wherever it occurs from 8 characters and at any
 * length inside a URL, so the logs that name liqbot stay readable.
 */
import net, { type AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { parseEnv } from '../../src/env.js';
import { scrub } from '../../src/log.js';
import { tempDir } from '../helpers.js';
import { killLeftovers, startBot } from './bot-process.js';

afterEach(killLeftovers);

describe('secrets in the logs', () => {
  it('a short token (5 characters) is scrubbed wherever it occurs, inside a Bot API URL too', () => {
    parseEnv({ TELEGRAM_BOT_TOKEN: 'hello' });
    expect(scrub('request to http://127.0.0.1:9/bothello/getMe failed')).toBe('request to http://127.0.0.1:9/bot[redacted]/getMe failed');
  });

  it('a token, key or webhook secret shorter than 4 characters is refused as malformed, naming the setting, never the value', () => {
    expect(() => parseEnv({ TELEGRAM_BOT_TOKEN: 'xyz' }, new Set(['TELEGRAM_BOT_TOKEN']))).toThrow(
      /^the environment: TELEGRAM_BOT_TOKEN: expected the bot token @BotFather gives \(4 characters or more\)$/,
    );
    expect(() => parseEnv({ DISCORD_TOKEN: 'q7' })).toThrow(/^\.env: DISCORD_TOKEN: expected the bot token of the Discord Developer Portal \(4 characters or more\)$/);
    expect(() => parseEnv({ COINALYZE_API_KEY: ' k9 ' })).toThrow(/^\.env: COINALYZE_API_KEY: expected the API key Coinalyze gives \(4 characters or more\)$/);
    expect(() => parseEnv({ TELEGRAM_BOT_TOKEN: '1:abc', TELEGRAM_WEBHOOK_URL: 'https://bot.example.com/hook', TELEGRAM_WEBHOOK_SECRET: 'zq' })).toThrow(
      '.env: TELEGRAM_WEBHOOK_URL needs TELEGRAM_WEBHOOK_SECRET (4–256 characters: A–Z, a–z, 0–9, _ or -)',
    );
  });

  it('a short password is scrubbed inside its URL, at any length, and left alone as a word elsewhere', () => {
    parseEnv({ LIQBOT_DATABASE_URL: 'postgres://liqbot:liqbot@postgres:5432/liqbot' });
    expect(scrub('could not connect to postgres://liqbot:liqbot@postgres:5432/liqbot; another liqbot holds ./data/liqbot.db')).toBe(
      'could not connect to postgres://liqbot:[redacted]@postgres:5432/liqbot; another liqbot holds ./data/liqbot.db',
    );
    // In a JSON log line, a URL's match stops at its string's end.
    expect(scrub('{"url":"http://a","to":"b:c@d"}')).toBe('{"url":"http://a","to":"b:c@d"}');
  });

  it('TELEGRAM_BOT_TOKEN=hello against an API root that does not answer: the token is never written, the URL scrubbed', async () => {
    const server = net.createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    await new Promise((resolve) => server.close(resolve));
    const bot = startBot(tempDir(), [], { TELEGRAM_BOT_TOKEN: 'hello', TELEGRAM_API_ROOT: `http://127.0.0.1:${port}`, LIQBOT_GIVE_UP_S: '1' });
    expect((await bot.exited).code).toBe(1);
    expect(bot.err()).toContain(`http://127.0.0.1:${port}/bot[redacted]/getMe`);
    expect(bot.err()).not.toContain('hello');
  }, 60_000);
});
