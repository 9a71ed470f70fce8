/**
 * A stop while a group's answers wait their turn, in a process of its own on the system's clock: the pacer's timers
 * never keep the process alive, and once polling has stopped nothing else does, so a stop waiting on them must keep it
 * alive itself. Before, Node left in the middle of the stop (exit code 13, "unsettled top-level await"): no last line,
 * the commands cut off never counted.
 */
import { spawn } from 'node:child_process';
import { afterEach, describe, expect, it } from 'vitest';
import { FakeTelegram } from '../../fakes/telegram/server.js';
import { sendCommand, type FakeUser } from '../../fakes/telegram/updates.js';
import { guardedEnv } from '../../setup/child-guard.js';
import { REPO } from '../../ops/bot-process.js';

const GROUP = -1_000_000_777_000;
const admins: FakeUser[] = Array.from({ length: 30 }, (_, i) => ({ id: 7700 + i, first_name: `A${i}` }));

let fake: FakeTelegram | undefined;
afterEach(async () => {
  await fake?.close();
  fake = undefined;
});

/**
 * The Telegram adapter as `liqbot start` makes it (Telegram's own limits, the system's clock), serving a bot on a memory
 * store until SIGTERM, then stopped; it prints what the stop cut off, and leaves by itself (no process.exit).
 */
const script = (apiRoot: string, token: string) => `
  import { buildConfig } from './config/load.ts';
  import { LiqBot } from './src/bot.ts';
  import { createMemoryStore } from './src/store/memory.ts';
  import { createTelegramAdapter } from './src/adapters/telegram/adapter.ts';
  const config = buildConfig({ limits: { commandsPerUserPerMinute: 100, commandsPerChatPerMinute: 100 } });
  const bot = new LiqBot({ config, store: createMemoryStore() });
  const telegram = createTelegramAdapter({ token: ${JSON.stringify(token)}, apiRoot: ${JSON.stringify(apiRoot)}, services: bot });
  await telegram.start();
  process.stdout.write('started\\n');
  await new Promise((resolve) => process.once('SIGTERM', resolve));
  await telegram.stop();
  process.stdout.write('stopped ' + JSON.stringify(telegram.unfinished()) + '\\n');`;

describe('a stop while a group’s answers wait their turn', () => {
  it('30 admins’ /level add, SIGTERM after the first answer: the stop runs to its end (exit 0) and counts the answers it cut off', async () => {
    fake = await FakeTelegram.start();
    fake.setAdmins(GROUP, admins.map((a) => a.id));
    const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script(fake.apiRoot, fake.token)], {
      cwd: REPO,
      env: guardedEnv({ PATH: process.env.PATH, LOG_LEVEL: 'silent', NO_COLOR: '1' }),
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    let err = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    try {
      await fake.waitFor(() => out.includes('started\n'), 'the child process to start', 60_000);
      for (const [i, from] of admins.entries()) sendCommand(fake, GROUP, `/level add eth ${2000 + i * 10}`, { from });
      // One answer a second in a chat: the first is out, the other 29 wait their turn when the stop begins.
      await fake.waitFor(() => fake!.sentTo(GROUP).some((m) => /Watching/.test(m.text)), 'the first answer', 20_000);
      child.kill('SIGTERM');
      expect({ code: await exited, err }).toEqual({ code: 0, err: '' });
      const answered = fake.sentTo(GROUP).filter((m) => /Watching/.test(m.text)).length;
      const m = /^stopped (\{.*\})$/m.exec(out);
      expect(m, out).not.toBeNull();
      const cut = JSON.parse(m![1]!) as { notRun: number; unanswered: number };
      // Every command was begun (one per member), and each one answered or counted as cut off. The chat takes one
      // message at a time: one on the wire as the grace ran out is counted and still lands, hence at most one more.
      expect(cut.notRun).toBe(0);
      expect(cut.unanswered).toBeGreaterThan(0);
      expect(answered + cut.unanswered).toBeGreaterThanOrEqual(30);
      expect(answered + cut.unanswered).toBeLessThanOrEqual(31);
    } finally {
      child.kill('SIGKILL');
    }
  }, 90_000);
});
