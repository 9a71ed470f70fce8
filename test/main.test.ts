/**
 * The bot as a process: `liqbot start` with no chat tokens serves the terminal, rehearses a recorded day,
 * refuses a second instance on the same database, and stops cleanly on SIGTERM. Exchanges are configured
 * off so nothing dials out.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { BUNDLED, tempDir } from './helpers.js';

const running: ChildProcess[] = [];
afterEach(() => {
  for (const p of running.splice(0)) if (p.exitCode === null) p.kill('SIGKILL');
});

function startBot(dir: string, args: string[] = []) {
  const config = join(dir, 'offline.yaml');
  writeFileSync(config, 'exchanges: []\n');
  const child = spawn(process.execPath, ['bin/liqbot.js', 'start', ...args], {
    env: { PATH: process.env.PATH, LIQBOT_DB: join(dir, 'liqbot.db'), LIQBOT_DATA_DIR: dir, LIQBOT_CONFIG: config, LOG_LEVEL: 'warn', NO_COLOR: '1' },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  running.push(child);
  let out = '', err = '';
  child.stdout.on('data', (d) => (out += d));
  child.stderr.on('data', (d) => (err += d));
  const waitFor = (re: RegExp, stream: 'out' | 'err' = 'out') =>
    new Promise<string>((resolve, reject) => {
      const check = () => {
        const text = stream === 'out' ? out : err;
        if (re.test(text)) return resolve(text);
        if (child.exitCode !== null) return reject(new Error(`exited ${child.exitCode}: ${err || out}`));
        setTimeout(check, 25);
      };
      check();
    });
  const exited = new Promise<number>((resolve) => child.on('exit', (code) => resolve(code ?? -1)));
  return { child, waitFor, exited, output: () => out, errors: () => err };
}

describe('liqbot start', () => {
  it('answers terminal commands, refuses a second instance, and exits 0 on SIGTERM', async () => {
    const dir = tempDir();
    const bot = startBot(dir);
    await bot.waitFor(/Type a command/);
    bot.child.stdin.write('/levels eth\n');
    await bot.waitFor(/No ETH levels yet/);
    bot.child.stdin.write('liqs eth\n');
    await bot.waitFor(/No ETH liquidations in the last 24h/);

    const second = startBot(dir);
    expect(await second.exited).not.toBe(0);
    expect(second.errors()).toMatch(/another liqbot already has .*liqbot\.db open; stop it or set LIQBOT_DB to another file/);

    bot.child.kill('SIGTERM');
    expect(await bot.exited).toBe(0);
  });

  it('rehearses a recorded day: the alerts print as the day replays, on its own clock', async () => {
    const bot = startBot(tempDir(), ['--replay', BUNDLED, '--speed', '200000']);
    await bot.waitFor(/ETH lost \$3,000/);
    await bot.waitFor(/ETH long cascade over/);
    bot.child.stdin.write('/liqs eth 24h\n');
    await bot.waitFor(/SYNTHETIC demo data/);
    bot.child.kill('SIGTERM');
    expect(await bot.exited).toBe(0);
  });
});
