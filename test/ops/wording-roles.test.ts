/**
 * `liqbot start --role all` without what its gateway needs refuses naming the role the user ran, not "--role
 * gateway", which they never typed; `--role gateway` keeps its own name. Refused before any connection is made.
 */
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../config/load.js';
import { runRole } from '../../src/bus/roles.js';
import { parseEnv } from '../../src/env.js';

const SERVICES = { LIQBOT_NATS_URL: 'nats://127.0.0.1:1', LIQBOT_DATABASE_URL: 'postgres://liqbot@127.0.0.1:1/liqbot' };
const run = (role: string, vars: Record<string, string> = {}) =>
  runRole(role, { env: parseEnv({ ...SERVICES, ...vars }), config: loadConfig(undefined), signal: new AbortController().signal });

describe('a role refused for its chat tokens names the role run', () => {
  it.each(['all', 'gateway'])('--role %s without a chat token', async (role) => {
    const refused = run(role);
    await expect(refused).rejects.toThrow(ConfigError);
    await expect(refused).rejects.toThrow(`--role ${role} answers chats on Telegram or Discord: set TELEGRAM_BOT_TOKEN`);
  });

  it('--role all with a Telegram token but no webhook', async () => {
    await expect(run('all', { TELEGRAM_BOT_TOKEN: '123:abc' })).rejects.toThrow('--role all takes Telegram updates by webhook');
  });
});
