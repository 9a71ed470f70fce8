/**
 * LIQBOT_NATS_URL with credentials, on a private nats-server started with --user/--pass (or --auth TOKEN): the
 * URL's user and password (or token) reach the server as credentials, never as part of the address, and no
 * message, log line or /healthz shows them. A lost connection is logged once and its return once, and a role's
 * /healthz says so. The server is this file's own (its own port and store, test/services/private-nats.ts); the
 * file is skipped, saying why, without the nats-server binary.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { afterEach, describe, expect, it } from 'vitest';
import { natsHealth, startRoleOps } from '../../src/bus/roles.js';
import { BusError, connectBus, openConnections, parseNatsUrl, redactNatsUrl, type Bus } from '../../src/bus/stream.js';
import { BUNDLED, freePort } from '../helpers.js';
import { guardedEnv } from '../setup/child-guard.js';
import { privateNatsUnavailable, startPrivateNats, type PrivateNats } from '../services/private-nats.js';

if (privateNatsUnavailable) console.warn(privateNatsUnavailable);

const USER = 'natsu';
const PASS = 'NatsPw_77x';
const TOKEN = 'Tok3n_s3cret_9';

/** `node bin/liqbot.js …` with only the environment given: the process, and its exit code and output once it ends. */
function spawnLiqbot(args: string[], env: Record<string, string>, timeoutMs = 60_000): { proc: ChildProcess; done: Promise<{ code: number | null; out: string; err: string }> } {
  const proc = spawn(process.execPath, ['bin/liqbot.js', ...args], {
    env: guardedEnv({ PATH: process.env.PATH ?? '', LIQBOT_DATA_DIR: '/tmp', ...env }),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  proc.stdout!.on('data', (d) => (out += d));
  proc.stderr!.on('data', (d) => (err += d));
  const timer = setTimeout(() => proc.kill('SIGKILL'), timeoutMs);
  const done = new Promise<{ code: number | null; out: string; err: string }>((resolve) =>
    proc.on('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, out, err });
    }),
  );
  return { proc, done };
}

const liqbot = (args: string[], env: Record<string, string>, timeoutMs?: number) => spawnLiqbot(args, env, timeoutMs).done;

describe('LIQBOT_NATS_URL taken apart', () => {
  it('gives user and password, or a token, to connect, and prints the URL without them', () => {
    expect(parseNatsUrl(`nats://${USER}:${PASS}@127.0.0.1:14223`)).toEqual({ servers: ['nats://127.0.0.1:14223'], user: USER, pass: PASS, redacted: `nats://${USER}@127.0.0.1:14223` });
    expect(parseNatsUrl(`nats://${TOKEN}@127.0.0.1:4222`)).toEqual({ servers: ['nats://127.0.0.1:4222'], token: TOKEN, redacted: 'nats://[redacted]@127.0.0.1:4222' });
    expect(parseNatsUrl('127.0.0.1:4222')).toEqual({ servers: ['nats://127.0.0.1:4222'], redacted: 'nats://127.0.0.1:4222' });
    // Percent-encoded characters in a password are the password's.
    expect(parseNatsUrl('nats://u:p%40ss%3Aw0rd@h:1')).toMatchObject({ user: 'u', pass: 'p@ss:w0rd', redacted: 'nats://u@h:1' });
    // A cluster: several URLs, one set of credentials.
    expect(parseNatsUrl(`nats://${USER}:${PASS}@a:4222,nats://${USER}:${PASS}@b:4222`)).toEqual({ servers: ['nats://a:4222', 'nats://b:4222'], user: USER, pass: PASS, redacted: `nats://${USER}@a:4222,nats://${USER}@b:4222` });
    expect(parseNatsUrl(`nats://${USER}:${PASS}@a:4222,b:4222`)).toMatchObject({ servers: ['nats://a:4222', 'nats://b:4222'], user: USER, pass: PASS });
    expect(() => parseNatsUrl(`nats://${USER}:${PASS}@a:4222,nats://other:${PASS}@b:4222`)).toThrow(BusError);
    try {
      parseNatsUrl(`nats://${USER}:${PASS}@a:4222,nats://other:${PASS}@b:4222`);
    } catch (err) {
      expect((err as Error).message).not.toContain(PASS);
    }
    expect(redactNatsUrl(`nats://${USER}:${PASS}@127.0.0.1:4222`)).toBe(`nats://${USER}@127.0.0.1:4222`);
    expect(redactNatsUrl(`nats://${TOKEN}@127.0.0.1:4222`)).toBe('nats://[redacted]@127.0.0.1:4222');
  });
  it('reads secrets typed without percent-encoding whole, and never prints a part of one', () => {
    // A base64 token holds "/", a password "#" or "?": a URL parser would end the host there and print the rest.
    expect(parseNatsUrl('nats://tok/en+Ab==@h:4222')).toEqual({ servers: ['nats://h:4222'], token: 'tok/en+Ab==', redacted: 'nats://[redacted]@h:4222' });
    expect(parseNatsUrl('nats://bob:4222#tail?x@h:4222')).toEqual({ servers: ['nats://h:4222'], user: 'bob', pass: '4222#tail?x', redacted: 'nats://bob@h:4222' });
    expect(redactNatsUrl('nats://tok/en@h:4222')).toBe('nats://[redacted]@h:4222');
    // A bare % is the password's as typed; an empty password is said, not read as a token.
    expect(parseNatsUrl('nats://bob:pa%zz@h:4222')).toMatchObject({ user: 'bob', pass: 'pa%zz' });
    expect(() => parseNatsUrl('nats://bob:@h:4222')).toThrow(/a user without a password/);
  });
});

describe.skipIf(privateNatsUnavailable !== undefined)('a nats-server that asks for credentials', () => {
  const cleanups: (() => Promise<unknown> | unknown)[] = [];
  afterEach(async () => {
    for (const c of cleanups.splice(0).reverse()) await c();
  });
  const server = async (args: string[]): Promise<PrivateNats> => {
    const s = await startPrivateNats(args);
    cleanups.push(() => s.stop());
    return s;
  };
  const bus = async (url: string, more: Partial<Parameters<typeof connectBus>[0]> = {}): Promise<Bus> => {
    const b = await connectBus({ url, stream: 'AUTHT', prefix: 'autht', ...more });
    cleanups.push(() => b.close());
    return b;
  };

  it('connects with the user and password in the URL; a wrong password is refused without printing it', async () => {
    const s = await server(['--user', USER, '--pass', PASS]);
    const b = await bus(`nats://${USER}:${PASS}@${s.hostPort}`);
    expect((await b.jsm.streams.info('AUTHT')).config.name).toBe('AUTHT');
    expect(b.server).toBe(`nats://${USER}@${s.hostPort}`);
    expect(b.connected()).toBe(true);

    const wrong = 'Wr0ngPass_42';
    const err = await connectBus({ url: `nats://${USER}:${wrong}@${s.hostPort}`, stream: 'AUTHT', prefix: 'autht' }).then(() => undefined, (e: unknown) => e as Error);
    expect(err).toBeInstanceOf(BusError);
    expect(err!.message).toContain(`could not connect to NATS at nats://${USER}@${s.hostPort}`);
    expect(err!.message).toMatch(/authorization/i);
    expect(err!.message).not.toContain(wrong);
    expect(err!.message).not.toContain(PASS);
  });

  it('connects with a token in the URL (nats://TOKEN@host:port)', async () => {
    const s = await server(['--auth', TOKEN]);
    const b = await bus(`nats://${TOKEN}@${s.hostPort}`);
    expect((await b.jsm.streams.info('AUTHT')).config.name).toBe('AUTHT');
    expect(b.server).toBe(`nats://[redacted]@${s.hostPort}`);
    const err = await connectBus({ url: `nats://NotTheTok3n@${s.hostPort}` }).then(() => undefined, (e: unknown) => e as Error);
    expect(err?.message).toContain(`could not connect to NATS at nats://[redacted]@${s.hostPort}`);
    expect(err?.message).not.toContain('NotTheTok3n');
  });

  it('liqbot start --role ingest publishes with credentials in LIQBOT_NATS_URL, and a wrong password is one line without it', async () => {
    const s = await server(['--user', USER, '--pass', PASS]);
    const ok = await liqbot(['start', '--role', 'ingest', '--replay', BUNDLED, '--speed', '1e12'], { LIQBOT_NATS_URL: `nats://${USER}:${PASS}@${s.hostPort}`, LIQBOT_NATS_STREAM: 'AUTHROLE', LOG_LEVEL: 'warn' }, 80_000);
    expect(ok.err).toBe('');
    expect(ok.code).toBe(0);
    const b = await bus(`nats://${USER}:${PASS}@${s.hostPort}`, { stream: 'AUTHROLE', prefix: 'authrole' });
    expect((await b.jsm.streams.info('AUTHROLE')).state.messages).toBeGreaterThan(0);

    const bad = await liqbot(['start', '--role', 'ingest', '--replay', BUNDLED], { LIQBOT_NATS_URL: `nats://${USER}:Wr0ngPass_42@${s.hostPort}`, LIQBOT_NATS_STREAM: 'AUTHROLE', LOG_LEVEL: 'warn' });
    expect(bad.code).toBe(1);
    expect(bad.err.trim().split('\n')).toEqual([expect.stringMatching(new RegExp(`^liqbot: could not connect to NATS at nats://${USER}@${s.hostPort.replace(/\./g, '\\.')}: .*Authorization Violation`))]);
    expect(bad.err).not.toContain('Wr0ngPass_42');
  }, 90_000);

  it('logs a lost connection once and its return once, and a role\'s /healthz fails while it is lost', async () => {
    const s = await server(['--user', USER, '--pass', PASS]);
    const lines: { level: string; obj: Record<string, unknown>; msg: string }[] = [];
    const log = {
      warn: (obj: Record<string, unknown>, msg: string) => void lines.push({ level: 'warn', obj, msg }),
      info: (obj: Record<string, unknown>, msg: string) => void lines.push({ level: 'info', obj, msg }),
    };
    const ops = await startRoleOps('ingest', { port: 0 });
    cleanups.push(() => ops.close());
    const healthz = async () => {
      const r = await fetch(`http://127.0.0.1:${ops.port}/healthz`);
      return { status: r.status, text: await r.text() };
    };
    // The role's /healthz reports every NATS connection this process holds: this test's must be the only one.
    expect(openConnections(), 'a NATS connection left open by an earlier test').toEqual([]);
    const b = await bus(`nats://${USER}:${PASS}@${s.hostPort}`, { log: log as never, name: 'liqbot test' });
    expect(openConnections()).toHaveLength(1);
    expect(await healthz()).toMatchObject({ status: 200 });
    // Each attempt to dial the server again, as the client reports it.
    let attempts = 0;
    void (async () => {
      for await (const st of b.nc.status()) if (st.type === 'reconnecting') attempts++;
    })();

    await s.halt();
    await expect.poll(() => b.connected(), { timeout: 10_000 }).toBe(false);
    const down = await healthz();
    expect(down.status).toBe(503);
    expect(JSON.parse(down.text)).toMatchObject({ status: 'failing', role: 'ingest', components: { nats: { state: 'failing' } } });
    expect(down.text).toContain(`lost the NATS connection to nats://${USER}@${s.hostPort}`);
    expect(natsHealth().state).toBe('failing');
    // Several reconnect attempts while it is down: still one line.
    await expect.poll(() => attempts, { timeout: 10_000 }).toBeGreaterThanOrEqual(3);

    await s.start();
    await expect.poll(() => b.connected(), { timeout: 15_000 }).toBe(true);
    expect(lines.map((l) => `${l.level} ${l.msg}`)).toEqual([
      'warn lost the NATS connection: reconnecting (the market stream waits until it is back)',
      'info NATS connection back',
    ]);
    expect(lines.every((l) => l.obj.server === `nats://${USER}@${s.hostPort}`)).toBe(true);
    expect(JSON.stringify(lines)).not.toContain(PASS);
    expect(await healthz()).toMatchObject({ status: 200 });

    await b.close();
    expect(openConnections()).toEqual([]);
  }, 40_000);
});

describe('messages a command did not catch', () => {
  it('are scrubbed of registered secrets before bin/liqbot.js prints them', async () => {
    // --speed is checked after the environment is read (which registers the NATS password as a secret).
    const r = await liqbot(['start', '--speed', PASS], { LIQBOT_NATS_URL: `nats://${USER}:${PASS}@127.0.0.1:1` });
    expect(r.code).toBe(2); // a usage error
    expect(r.err).toContain('--speed must be a positive number, got "[redacted]"');
    expect(r.err).not.toContain(PASS);
  });

  it('--role gateway without a chat token is a configuration error: one line, no stack-trace hint, exit 78', async () => {
    for (const role of ['gateway', 'all']) {
      const r = await liqbot(['start', '--role', role], { LIQBOT_NATS_URL: 'nats://127.0.0.1:1', LIQBOT_DATABASE_URL: 'postgres://liqbot@127.0.0.1:1/liqbot' });
      expect(r.code).toBe(78); // refused for its configuration: systemd does not restart it (RestartPreventExitStatus)
      expect(r.err.trim().split('\n')).toEqual([expect.stringContaining(`liqbot: --role ${role} answers chats on Telegram or Discord`)]);
      expect(r.err).not.toContain('stack trace');
    }
  });
});

describe.skipIf(privateNatsUnavailable !== undefined)('a role process with LIQBOT_HTTP_PORT', () => {
  it('serves /healthz (its NATS connection) and /metrics', async () => {
    const s = await startPrivateNats();
    const port = await freePort();
    let body: { status?: string; role?: string; components?: Record<string, { state: string }> } = {};
    let metrics = '';
    let stopped: { code: number | null; err: string } | undefined;
    try {
      const child = spawnLiqbot(['start', '--role', 'ingest', '--replay', BUNDLED, '--speed', '1'], { LIQBOT_NATS_URL: `nats://${s.hostPort}`, LIQBOT_NATS_STREAM: 'OPSROLE', LOG_LEVEL: 'warn', LIQBOT_HTTP_PORT: String(port) }, 30_000);
      const deadline = Date.now() + 20_000;
      while (Date.now() < deadline && child.proc.exitCode === null) {
        const r = await fetch(`http://127.0.0.1:${port}/healthz`).catch(() => undefined);
        if (r?.status === 200) {
          body = (await r.json()) as typeof body;
          metrics = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
          break;
        }
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
      child.proc.kill('SIGTERM');
      stopped = await child.done;
    } finally {
      await s.stop();
    }
    expect(stopped?.err).toBe('');
    expect(body).toMatchObject({ status: 'ok', role: 'ingest', components: { nats: { state: 'ok' } } });
    expect(metrics).toContain('liqbot_nats_connected{connection="liqbot ingest');
    expect(metrics).toContain('process_resident_memory_bytes');
  }, 40_000);
});
