/**
 * A private nats-server for tests that need one of their own (credentials, a restart): its own free 127.0.0.1 port
 * and temp store dir, so the machine's shared server (127.0.0.1:4222) is never touched. Stopped with SIGTERM (as a
 * restart does) and killed after the test by whoever started it (`stop()`).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { freePort } from '../helpers.js';

/** The nats-server binary on PATH (or /usr/sbin, where the distribution puts it), if any. */
export const NATS_BIN = [...(process.env.PATH ?? '').split(delimiter), '/usr/sbin', '/usr/local/bin']
  .filter(Boolean)
  .map((d) => join(d, 'nats-server'))
  .find((p) => existsSync(p));

/** Undefined when a private server can be started; otherwise why its tests are skipped. */
export const privateNatsUnavailable = NATS_BIN ? undefined : 'private nats-server tests skipped: no nats-server binary on PATH or in /usr/sbin';

export interface PrivateNats {
  readonly port: number;
  /** `127.0.0.1:<port>` (no scheme, no credentials). */
  readonly hostPort: string;
  /** SIGTERM the server and wait for it to exit (the store dir stays, for `start()` again). */
  halt(): Promise<void>;
  /** Start it again on the same port and store. */
  start(): Promise<void>;
  /** Stop it for good and remove its store. */
  stop(): Promise<void>;
}

async function listening(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = net.connect(port, '127.0.0.1', () => {
      s.destroy();
      resolve(true);
    });
    s.on('error', () => resolve(false));
  });
}

/** Start nats-server with JetStream and `args` (e.g. `--user u --pass p`); resolves once it accepts connections. */
export async function startPrivateNats(args: string[] = []): Promise<PrivateNats> {
  if (!NATS_BIN) throw new Error(privateNatsUnavailable);
  const port = await freePort();
  const dir = mkdtempSync(join(tmpdir(), 'liqbot-nats-'));
  let child: ChildProcess | undefined;
  const start = async () => {
    child = spawn(NATS_BIN, ['-a', '127.0.0.1', '-p', String(port), '-js', '-sd', dir, ...args], { stdio: 'ignore' });
    const deadline = performance.now() + 10_000;
    while (!(await listening(port))) {
      if (performance.now() > deadline) throw new Error(`nats-server did not listen on ${port}`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  };
  const halt = async () => {
    const c = child;
    if (!c || c.exitCode !== null || c.signalCode !== null) return;
    const exited = new Promise((resolve) => c.once('exit', resolve));
    c.kill('SIGTERM');
    const timer = setTimeout(() => c.kill('SIGKILL'), 5_000);
    await exited;
    clearTimeout(timer);
  };
  await start();
  return {
    port,
    hostPort: `127.0.0.1:${port}`,
    halt,
    start,
    stop: async () => {
      await halt();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
