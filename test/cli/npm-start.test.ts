/**
 * `npm start` runs liqbot in its shell's place (exec): npm forwards SIGTERM to the shell it started, and a shell
 * between npm and liqbot died of it and left liqbot running, holding ./data (the next start was refused).
 */
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { expect, it } from 'vitest';

it("the start script's node is the process npm's shell was: its parent is whoever ran the script", () => {
  const script = (JSON.parse(readFileSync('package.json', 'utf8')) as { scripts: Record<string, string> }).scripts.start!;
  expect(script).toContain('bin/liqbot.js start');
  // The same command line, node printing its parent's pid instead of starting the bot.
  const probe = script.replace('bin/liqbot.js start', `-e "process.stdout.write(String(process.ppid))"`);
  const run = spawnSync('sh', ['-c', probe], { encoding: 'utf8', timeout: 120_000 });
  expect(run.status).toBe(0);
  expect(Number(run.stdout)).toBe(process.pid);
});
