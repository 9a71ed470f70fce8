/**
 * `node bin/liqbot.js start` as a test runs it: no exchange configured, its data in a folder of the test's, under the
 * loopback guard; its standard input a pipe the test writes to, and its output watched as it comes (a wait resolves on
 * the line it waits for, or fails when the process exits without it).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { guardedEnv } from '../setup/child-guard.js';

export const REPO = fileURLToPath(new URL('../..', import.meta.url));

export interface BotProcess {
  child: ChildProcess;
  /** Resolves with the stream's text once `re` matches it; rejects when the process exits first or `failWhen` says so. */
  waitFor(re: RegExp, stream?: 'out' | 'err'): Promise<string>;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  out(): string;
  err(): string;
  /** Type a line at its prompt. */
  type(line: string): void;
}

const running: ChildProcess[] = [];

/** Kill what a test left running (its afterEach). */
export function killLeftovers(): void {
  for (const p of running.splice(0)) if (p.exitCode === null && p.signalCode === null) p.kill('SIGKILL');
}

/** `liqbot start ARGS` with its data in `dir`, `env` added to (an undefined value leaves the variable unset). */
export function startBot(dir: string, args: string[], env: Record<string, string | undefined> = {}): BotProcess {
  const config = join(dir, 'offline.yaml');
  writeFileSync(config, 'exchanges: []\n');
  const childEnv = guardedEnv({ PATH: process.env.PATH, HOME: dir, LIQBOT_DB: join(dir, 'liqbot.db'), LIQBOT_DATA_DIR: dir, LIQBOT_CONFIG: config, LOG_LEVEL: 'info', NO_COLOR: '1', ...env });
  // The repository's own .env is not read: the bot runs in `dir`, its paths all absolute.
  const child = spawn(process.execPath, [join(REPO, 'bin/liqbot.js'), 'start', ...args], { cwd: dir, env: childEnv, stdio: ['pipe', 'pipe', 'pipe'] });
  running.push(child);
  let out = '';
  let err = '';
  const waiters = new Set<() => void>();
  const changed = () => {
    for (const w of [...waiters]) w();
  };
  child.stdout.on('data', (d: Buffer) => ((out += d.toString()), changed()));
  child.stderr.on('data', (d: Buffer) => ((err += d.toString()), changed()));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.on('close', (code, signal) => (resolve({ code, signal }), changed())));
  let done = false;
  void exited.then(() => (done = true));
  const waitFor = (re: RegExp, stream: 'out' | 'err' = 'out') =>
    new Promise<string>((resolve, reject) => {
      const check = () => {
        const text = stream === 'out' ? out : err;
        if (re.test(text)) {
          waiters.delete(check);
          return resolve(text);
        }
        if (done || child.exitCode !== null || child.signalCode !== null) {
          waiters.delete(check);
          reject(new Error(`exited (${child.exitCode ?? child.signalCode}) before ${re} on std${stream}:\n${err}\n${out}`));
        }
      };
      waiters.add(check);
      check();
    });
  return { child, waitFor, exited, out: () => out, err: () => err, type: (line) => void child.stdin!.write(`${line}\n`) };
}

/** The log lines (pino's JSON on stderr) whose message matches `re`. */
export function logLines(stderr: string, re: RegExp): { level: number; msg: string; [k: string]: unknown }[] {
  return stderr
    .split('\n')
    .filter((l) => l.startsWith('{'))
    .map((l) => JSON.parse(l) as { level: number; msg: string })
    .filter((l) => re.test(l.msg));
}
