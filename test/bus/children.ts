/**
 * Role processes for the failover tests: `node bin/liqbot.js start --role …` (or the test entry role-child.ts
 * through tsx), their log lines parsed as they come (pino JSON on stderr, `time` in ms), waits driven by those
 * lines or by a polled condition with a deadline, never by fixed sleeps.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { guardedEnv } from '../setup/child-guard.js';

export interface LogLine {
  time: number;
  msg: string;
  level: number;
  [k: string]: unknown;
}

export interface Child {
  readonly name: string;
  readonly proc: ChildProcess;
  readonly lines: LogLine[];
  /** Other stderr text (not JSON log lines). */
  readonly text: string[];
  readonly exited: Promise<number | null>;
  /** Resolves with the first log line (already seen or to come) whose msg contains `text`. */
  waitLog(text: string, timeoutMs?: number): Promise<LogLine>;
  kill(signal: NodeJS.Signals): void;
}

const children = new Set<Child>();

export function startChild(name: string, args: string[], env: Record<string, string>): Child {
  const proc = spawn(process.execPath, args, {
    // Under the loopback guard, as the tests themselves are.
    env: guardedEnv({ PATH: process.env.PATH ?? '', LOG_LEVEL: 'info', LIQBOT_DATA_DIR: '/tmp', ...env }),
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  const lines: LogLine[] = [];
  const text: string[] = [];
  const listeners = new Set<() => void>();
  let rest = '';
  proc.stderr!.on('data', (d: Buffer) => {
    rest += d.toString();
    const parts = rest.split('\n');
    rest = parts.pop()!;
    for (const p of parts) {
      if (!p.trim()) continue;
      try {
        lines.push(JSON.parse(p) as LogLine);
      } catch {
        text.push(p);
      }
    }
    for (const l of [...listeners]) l();
  });
  const exited = new Promise<number | null>((resolve) => proc.on('exit', (code) => resolve(code)));
  const child: Child = {
    name, proc, lines, text, exited,
    waitLog(msg, timeoutMs = 60_000) {
      return new Promise((resolve, reject) => {
        const check = () => {
          const hit = lines.find((l) => typeof l.msg === 'string' && l.msg.includes(msg));
          if (!hit) return;
          listeners.delete(check);
          clearTimeout(timer);
          resolve(hit);
        };
        const timer = setTimeout(() => {
          listeners.delete(check);
          reject(new Error(`${name}: no log line "${msg}" within ${timeoutMs / 1000} s; last lines: ${lines.slice(-5).map((l) => l.msg).join(' | ')} ${text.slice(-5).join(' | ')}`));
        }, timeoutMs);
        listeners.add(check);
        void exited.then(() => {
          if (listeners.has(check)) {
            check();
            if (listeners.has(check)) {
              listeners.delete(check);
              clearTimeout(timer);
              reject(new Error(`${name} exited before logging "${msg}": ${lines.slice(-5).map((l) => l.msg).join(' | ')} ${text.slice(-8).join(' | ')}`));
            }
          }
        });
        check();
      });
    },
    kill(signal) {
      if (proc.exitCode === null && proc.signalCode === null) proc.kill(signal);
    },
  };
  children.add(child);
  void exited.then(() => children.delete(child));
  return child;
}

/** Kill every child still running (afterEach). */
export async function killChildren(): Promise<void> {
  const left = [...children];
  for (const c of left) {
    c.kill('SIGCONT');
    c.kill('SIGKILL');
  }
  await Promise.all(left.map((c) => c.exited));
}

/** Poll `check` until it holds, or fail after `timeoutMs` naming `what`. */
export async function until<T>(check: () => Promise<T | undefined | false> | T | undefined | false, what: string, timeoutMs = 60_000, everyMs = 50): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await check();
    if (v !== undefined && v !== false) return v;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs / 1000} s waiting for ${what}`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
}

/** A database URL whose connections use `schema` (pg passes `options` to the server). */
export function schemaUrl(url: string, schema: string): string {
  return `${url}${url.includes('?') ? '&' : '?'}options=${encodeURIComponent(`-c search_path=${schema}`)}`;
}
