/**
 * A rehearsal of a recording that cannot be read (`liqbot start --replay nope.jsonl`) is refused before anything
 * starts: one line naming the file, exit 78 (EX_CONFIG: started again unchanged it is refused again, so the unit does
 * not restart it), no prompt, no rehearsal database, rather than a bot running on an empty day stamped 1970.
 */
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, expect, it } from 'vitest';
import { tempDir } from '../helpers.js';
import { killLeftovers, startBot } from './bot-process.js';

afterEach(killLeftovers);

/** How the start ended: its exit, or the prompt it should never have opened (it then runs on; the test stops it). */
async function outcome(bot: ReturnType<typeof startBot>): Promise<number | null | 'prompt'> {
  const ended = bot.exited.then((e) => e.code);
  // Waiting for the prompt fails once the process has exited: the exit is the outcome then.
  const prompt = bot.waitFor(/Type a command/).then(() => 'prompt' as const, () => ended);
  const first = await Promise.race([ended, prompt]);
  if (first === 'prompt') bot.child.kill('SIGKILL');
  return first;
}

it.each([
  ['a missing file', (dir: string) => join(dir, 'nope.jsonl'), (file: string) => `no such file: ${file}`],
  ['a folder', (dir: string) => (mkdirSync(join(dir, 'day'), { recursive: true }), join(dir, 'day')), (file: string) => `${file} is not a file`],
])('start --replay of %s: one line, exit 78, nothing started', async (_, make, line) => {
  const dir = tempDir();
  const file = make(dir);
  const bot = startBot(dir, ['--replay', file, '--speed', '120']);
  expect(await outcome(bot)).toBe(78);
  expect(bot.err()).toBe(`liqbot: ${line(file)}\n`);
  expect(bot.out()).toBe('');
  expect(existsSync(join(dir, 'rehearsal'))).toBe(false);
}, 60_000);

// discord.js refuses 0 shards when its client is made: that was a stack trace and exit 1, started again by systemd
// every 15 s. Refused with the environment's other settings, before anything starts or connects (the API base is a
// closed local port all the same).
it.each(['0', '00'])('DISCORD_SHARDS=%s: one line naming the variable, exit 78, nothing started', async (shards) => {
  const dir = tempDir();
  const bot = startBot(dir, [], { DISCORD_TOKEN: 'x.y.z', DISCORD_API_BASE: 'http://127.0.0.1:9/api', DISCORD_SHARDS: shards });
  expect(await outcome(bot)).toBe(78);
  expect(bot.err()).toBe('liqbot: the environment: DISCORD_SHARDS: expected "auto" or a number of shards 1–999\n');
  expect(bot.out()).toBe('');
}, 60_000);
