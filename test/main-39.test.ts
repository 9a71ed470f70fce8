/**
 * `liqbot start` refusing what no restart mends, in one plain `liqbot: …` line and exit 78, as every refusal of its
 * settings: a chat token the platform refuses (the fake Bot API answering getMe 401; no retrying until
 * LIQBOT_GIVE_UP_S, exit 1, restarted forever), and no token with no terminal (standard input /dev/null: a plain line,
 * not a JSON log line). And a stop after the database file was deleted under the running bot: its last line says what
 * was not kept, exit 1, where it stopped "cleanly" with 0 and the level typed was gone at the next start. Exchanges
 * configured off; chat APIs are local fakes.
 */
import { spawn } from 'node:child_process';
import { existsSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { openSqliteStore } from '../src/store/sqlite.js';
import { FakeTelegram } from './fakes/telegram/server.js';
import { tempDir } from './helpers.js';
import { killLeftovers, REPO, startBot } from './ops/bot-process.js';
import { guardedEnv } from './setup/child-guard.js';

afterEach(killLeftovers);

/** The lines of a process's standard error that are not pino's JSON log lines. */
const plainLines = (stderr: string): string[] => stderr.split('\n').filter((l) => l.trim() && !l.startsWith('{'));

describe('liqbot start refusing its settings', () => {
  it('a Telegram token refused (getMe 401): one plain line naming TELEGRAM_BOT_TOKEN, never the token; exit 78 at once, no retry', async () => {
    const fake = await FakeTelegram.start();
    try {
      fake.fail({ method: 'getMe', error: { code: 401, description: 'Unauthorized' } });
      const bot = startBot(tempDir(), [], { TELEGRAM_BOT_TOKEN: fake.token, TELEGRAM_API_ROOT: fake.apiRoot, LIQBOT_GIVE_UP_S: '20' });
      const { code } = await bot.exited;
      expect(code).toBe(78);
      expect(plainLines(bot.err())).toEqual([
        'liqbot: telegram could not start: Telegram refused TELEGRAM_BOT_TOKEN (getMe: 401 Unauthorized): set it to the token @BotFather gives (/token), or TELEGRAM_API_ROOT to a Bot API server',
      ]);
      expect(bot.err()).not.toContain(fake.token);
      expect(bot.err()).not.toMatch(/retrying|could not reach the bot/);
      expect(fake.calls.filter((c) => c.method === 'getMe')).toHaveLength(1);
    } finally {
      await fake.close();
    }
  }, 60_000);

  it('no chat token and standard input /dev/null: the one plain line, exit 78, before the database', async () => {
    const dir = tempDir();
    const data = join(dir, 'data');
    const config = join(dir, 'offline.yaml');
    writeFileSync(config, 'exchanges: []\n');
    const env = guardedEnv({ PATH: process.env.PATH, HOME: dir, LIQBOT_DATA_DIR: data, LIQBOT_DB: join(data, 'liqbot.db'), LIQBOT_CONFIG: config, LOG_LEVEL: 'info', NO_COLOR: '1' });
    const child = spawn(process.execPath, [join(REPO, 'bin/liqbot.js'), 'start'], { cwd: dir, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (err += d));
    const timer = setTimeout(() => child.kill('SIGKILL'), 50_000);
    const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
    clearTimeout(timer);
    expect(code).toBe(78);
    expect(err.trim()).toBe('liqbot: no TELEGRAM_BOT_TOKEN or DISCORD_TOKEN in the environment and no terminal to read commands from: nothing to serve; see .env.example');
    expect(out).toBe('');
    expect(existsSync(data)).toBe(false);
  }, 60_000);
});

describe('a stop after the database file was deleted', () => {
  it('says in its last line what was not kept, and exits 1', async () => {
    const dir = tempDir();
    const db = join(dir, 'liqbot.db');
    const bot = startBot(dir, [], { LOG_LEVEL: undefined });
    await bot.waitFor(/Type a command/);
    rmSync(db);
    rmSync(`${db}-wal`, { force: true });
    bot.type('/level add eth 2600');
    await bot.waitFor(/Watching ETH \$2,600/);
    // The file check runs with every flush (2 s): the prompt logs its error.
    await bot.waitFor(/store file problem: the database file .* was deleted/, 'err');
    bot.type('/quit');
    const { code } = await bot.exited;
    expect(code).toBe(1);
    const last = bot.out().trim().split('\n').at(-1);
    expect(last).toMatch(new RegExp(`^· stopped; levels, chat settings, alerts and events written since \\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d UTC were not kept: the database file ${dir.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}/liqbot\\.db was deleted$`));
    // What the next start finds: a new, empty database (the level typed is gone, as the line said).
    const again = openSqliteStore(db);
    try {
      expect(again.listLevels()).toEqual([]);
    } finally {
      again.close();
    }
  }, 60_000);
});
