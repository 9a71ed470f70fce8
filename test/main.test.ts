/**
 * The bot as a process: `liqbot start` with no chat tokens serves the terminal, rehearses a recorded day in
 * its own database, refuses a second instance on the same database, stops cleanly on one SIGINT or SIGTERM
 * (or /quit, or the end of input), and exits non-zero when no configured chat platform can start. Exchanges
 * are configured off and chat APIs point at a closed loopback port, so nothing dials out.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import { createServer, type AddressInfo, type Socket } from 'node:net';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { openSqliteStore } from '../src/store/sqlite.js';
import { BUNDLED, tempDir } from './helpers.js';
import { guardedEnv } from './setup/child-guard.js';

const REPO = fileURLToPath(new URL('..', import.meta.url));
const running: ChildProcess[] = [];
afterEach(() => {
  for (const p of running.splice(0)) if (p.exitCode === null) p.kill('SIGKILL');
});

/** The environment of a bot in `dir`, with no exchange configured; an `extraEnv` value undefined leaves that variable unset. */
function botEnv(dir: string, extraEnv: Record<string, string | undefined> = {}, extraConfig = '') {
  const config = join(dir, 'offline.yaml');
  writeFileSync(config, `exchanges: []\n${extraConfig}`);
  // Under the loopback guard, as the tests themselves are.
  return guardedEnv({ PATH: process.env.PATH, LIQBOT_DB: join(dir, 'liqbot.db'), LIQBOT_DATA_DIR: dir, LIQBOT_CONFIG: config, LOG_LEVEL: 'warn', NO_COLOR: '1', ...extraEnv });
}

/** `liqbot start` in `cwd` (where it reads .env), its standard input a pipe the test writes to. */
function startBot(dir: string, args: string[] = [], extraEnv: Record<string, string | undefined> = {}, extraConfig = '', cwd = REPO) {
  const child = spawn(process.execPath, [join(REPO, 'bin/liqbot.js'), 'start', ...args], { cwd, env: botEnv(dir, extraEnv, extraConfig), stdio: ['pipe', 'pipe', 'pipe'] });
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
    await bot.waitFor(/No liquidation data: no exchange is configured \(config `exchanges` is empty\)\./);

    const second = startBot(dir);
    expect(await second.exited).not.toBe(0);
    expect(second.errors()).toMatch(/another liqbot already has .*liqbot\.db open; stop it or set LIQBOT_DB to another file/);

    bot.child.kill('SIGTERM');
    expect(await bot.exited).toBe(0);
  }, 60_000);

  it('tells times in the configured zone (timeZone), the footer naming it', async () => {
    const dir = tempDir();
    const bot = startBot(dir, ['--replay', 'fixtures/binance-2025-01-27-forceorder.real.jsonl', '--speed', '1000000'], {}, 'timeZone: Asia/Seoul\n');
    // The flush began 16:50 UTC: 01:50 the next day in Seoul.
    await bot.waitFor(/REHEARSAL: replay of a recorded day, not live\.\s+\S* ?Market-wide long flush over[\s\S]*\(01:50–02:08\)/);
    // /liqs reads the finished recording as of its last event (20:55 UTC), as /oi does.
    const asking = setInterval(() => bot.child.stdin.write('/liqs all 1h\n'), 200);
    try {
      await bot.waitFor(/2025-01-28 05:55 GMT\+9/);
    } finally {
      clearInterval(asking);
    }
    bot.child.kill('SIGTERM');
    expect(await bot.exited).toBe(0);
  }, 60_000);

  it('rehearses a recorded day in its own database, marked as a rehearsal, leaving the live database untouched; one SIGINT stops it', async () => {
    const dir = tempDir();
    const live = openSqliteStore(join(dir, 'liqbot.db'));
    live.putSubscription({ chat: 'telegram:-1001', enabled: true, assets: [], families: ['cascade'], minUsd: 0, updatedAt: 1 });
    live.close();
    const hash = () => createHash('sha256').update(readFileSync(join(dir, 'liqbot.db'))).digest('hex');
    const before = hash();
    const bot = startBot(dir, ['--replay', BUNDLED, '--speed', '200000'], { LOG_LEVEL: 'info' });
    await bot.waitFor(/REHEARSAL: replay of a SYNTHETIC day, not live\.\s+\S* ?ETH lost \$3,000/);
    await bot.waitFor(/REHEARSAL: replay of a SYNTHETIC day, not live\.\s+\S* ?ETH long cascade over/);
    await bot.waitFor(/rehearsal finished/, 'err');
    // The clock stops an hour past the day's last event (23:59); /liqs reads the day replayed as of that event, as /oi
    // does, however fast the replay ran and however far the clock has run on (a clock running on at this speed passes
    // 00:59 within a millisecond and would leave the day behind within a second).
    const asking = setInterval(() => bot.child.stdin.write('/liqs eth 24h\n'), 200);
    try {
      await bot.waitFor(/SYNTHETIC demo data · 2026-01-31 23:59 UTC/);
    } finally {
      clearInterval(asking);
    }
    const stopped = bot.output().split('ETH liquidations · 24h').find((r) => r.includes('2026-01-31 23:59 UTC'))!;
    expect(stopped).toMatch(/\$6\d\dM liquidated in 24h/);
    bot.child.kill('SIGINT');
    expect(await bot.exited).toBe(0);
    expect(bot.errors()).not.toMatch(/shutdown took longer/);
    expect(hash()).toBe(before);
    const again = openSqliteStore(join(dir, 'liqbot.db'));
    expect([...again.eventsSince(0)]).toHaveLength(0);
    again.close();
    const rehearsal = openSqliteStore(join(dir, 'rehearsal', 'liqbot.db'));
    expect([...rehearsal.eventsSince(0)].length).toBeGreaterThan(50_000);
    expect(rehearsal.listSubscriptions().map((x) => x.chat).sort()).toEqual(['telegram:-1001', 'terminal:local']);
    rehearsal.close();
  }, 60_000);

  it("rehearses a recording as the offline commands read it: labelled with the day it is at, and what its prints leave out is no data", async () => {
    const dir = tempDir();
    // Five weeks of vendor daily totals come before the day's prints (16:50-17:20) in this file.
    const bot = startBot(dir, ['--replay', 'fixtures/binance-2025-01-27-forceorder.real.jsonl', '--speed', '1000000'], { LOG_LEVEL: 'info' });
    await bot.waitFor(/REHEARSAL: replay of a recorded day, not live\.\s+\S* ?Market-wide long flush:/);
    await bot.waitFor(/rehearsal finished/, 'err');
    const asking = setInterval(() => bot.child.stdin.write('/liqs all 1h\n'), 200);
    try {
      await bot.waitFor(/No liquidation data for the last 1h: the file's liquidation prints cover 16:50–17:20, none in this window\.[\s\S]*2025-01-27 20:55 UTC/);
    } finally {
      clearInterval(asking);
    }
    bot.child.stdin.write('/liqs btc 24h\n');
    await bot.waitFor(/\$657K liquidated in 24h \(37 prints, 16:50–17:20 only\)/);
    bot.child.kill('SIGINT');
    expect(await bot.exited).toBe(0);
  }, 60_000);

  it("dates a command typed before the recording's first event is replayed at that event, not 1970", async () => {
    const dir = tempDir();
    // Its day, past the vendor daily totals before it.
    const first = readFileSync(BUNDLED, 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l) as { type: string; ts: number }).find((e) => e.type !== 'meta' && e.type !== 'liquidation_total')!.ts;
    const bot = startBot(dir, ['--replay', BUNDLED, '--speed', '1']);
    await bot.waitFor(/Type a command/);
    bot.child.stdin.write('/level add eth 2300\n');
    await bot.waitFor(/Watching ETH \$2,300/);
    bot.child.kill('SIGINT');
    expect(await bot.exited).toBe(0);
    const rehearsal = openSqliteStore(join(dir, 'rehearsal', 'liqbot.db'));
    const added = rehearsal.listLevels().find((l) => l.level === 2300)!;
    rehearsal.close();
    // At --speed 1 the clock has moved by the seconds the command took, no more.
    expect(added.createdAt - first).toBeGreaterThanOrEqual(0);
    expect(added.createdAt - first).toBeLessThan(60_000);
  }, 60_000);

  it('starts a rehearsal clock at the first market event when the file opens with levels stamped 0 (a shared "always" file), not 1970', async () => {
    const dir = tempDir();
    const first = readFileSync(BUNDLED, 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l) as { type: string; ts: number }).find((e) => e.type !== 'meta' && e.type !== 'liquidation_total')!.ts;
    const always = join(dir, 'always.jsonl');
    writeFileSync(always, `{"type":"level","ts":0,"asset":"ETH","price":2500,"label":"always"}\n${readFileSync(BUNDLED, 'utf8')}`);
    const bot = startBot(dir, ['--replay', always, '--speed', '1']);
    await bot.waitFor(/Type a command/);
    bot.child.stdin.write('/level add eth 2300\n');
    await bot.waitFor(/Watching ETH \$2,300/);
    bot.child.kill('SIGINT');
    expect(await bot.exited).toBe(0);
    const rehearsal = openSqliteStore(join(dir, 'rehearsal', 'liqbot.db'));
    const added = rehearsal.listLevels().find((l) => l.level === 2300)!;
    rehearsal.close();
    expect(added.createdAt - first).toBeGreaterThanOrEqual(0);
    expect(added.createdAt - first).toBeLessThan(60_000);
  }, 60_000);

  it('rehearses a day whose levels file was appended after it (`cat day levels`): the levels are set at their own time', async () => {
    const dir = tempDir();
    const lines = readFileSync(BUNDLED, 'utf8').split('\n').filter(Boolean);
    const levels = lines.filter((l) => l.includes('"type":"level"'));
    expect(levels).toHaveLength(3);
    const appended = join(dir, 'appended.jsonl');
    writeFileSync(appended, [...lines.filter((l) => !levels.includes(l)), ...levels].join('\n') + '\n');
    const bot = startBot(dir, ['--replay', appended, '--speed', '200000'], { LOG_LEVEL: 'info' });
    await bot.waitFor(/REHEARSAL: replay of a SYNTHETIC day, not live\.\s+\S* ?ETH lost \$3,000/);
    await bot.waitFor(/rehearsal finished/, 'err');
    // Set at their own time, they were not applied late.
    expect(bot.errors()).not.toMatch(/out of order/);
    bot.child.kill('SIGINT');
    expect(await bot.exited).toBe(0);
  }, 60_000);

  it('one SIGINT stops it (exit 0), and so do /quit and the end of input after a command', async () => {
    const a = startBot(tempDir());
    await a.waitFor(/Type a command/);
    a.child.kill('SIGINT');
    expect(await a.exited).toBe(0);
    expect(a.errors()).not.toMatch(/shutdown took longer|second stop signal/);

    const b = startBot(tempDir());
    await b.waitFor(/Type a command/);
    b.child.stdin.write('/quit\n');
    expect(await b.exited).toBe(0);

    const c = startBot(tempDir());
    await c.waitFor(/Type a command/);
    c.child.stdin.end('/levels eth\n');
    expect(await c.exited).toBe(0);
    expect(c.output()).toMatch(/No ETH levels yet/);
    expect(c.errors()).not.toMatch(/nothing to serve/);
  }, 60_000);

  it('with no chat token and no terminal (standard input /dev/null, as a service) says there is nothing to serve and exits 78, before the prompt and the database', async () => {
    const dir = tempDir();
    const data = join(dir, 'data');
    // Standard input /dev/null ('ignore'), as systemd's StandardInput=null gives it; no token in the environment.
    const child = spawn(process.execPath, [join(REPO, 'bin/liqbot.js'), 'start'], { cwd: REPO, env: botEnv(dir, { LIQBOT_DATA_DIR: data, LIQBOT_DB: join(data, 'liqbot.db') }), stdio: ['ignore', 'pipe', 'pipe'] });
    running.push(child);
    let out = '', err = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (err += d));
    const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
    expect(code).toBe(78);
    // One plain line, as every refusal of the settings (not a JSON log line).
    expect(err.trim()).toBe('liqbot: no TELEGRAM_BOT_TOKEN or DISCORD_TOKEN in the environment and no terminal to read commands from: nothing to serve; see .env.example');
    // Refused before anything started: no prompt printed, no data folder or database made.
    expect(out).toBe('');
    expect(existsSync(data)).toBe(false);

    // A pipe that ends before it sent anything is the same: nobody to serve.
    const piped = startBot(tempDir());
    piped.child.stdin.end();
    expect(await piped.exited).toBe(78);
    expect(piped.errors()).toContain('nothing to serve');
  }, 60_000);

  it('exits 1 with its one line when the health port is in use, before the prompt, the feeds or a platform started', async () => {
    const held = createServer();
    await new Promise<void>((resolve) => held.listen(0, '127.0.0.1', resolve));
    try {
      const port = (held.address() as AddressInfo).port;
      // Standard input stays open: only the failed start may end it.
      const bot = startBot(tempDir(), [], { LIQBOT_HTTP_PORT: String(port) });
      expect(await bot.exited).toBe(1);
      expect(bot.errors().trim()).toBe(`liqbot: /healthz and /metrics cannot listen on 127.0.0.1:${port}: the port is in use (another liqbot?); set LIQBOT_HTTP_PORT / LIQBOT_HTTP_HOST`);
      expect(bot.output()).not.toMatch(/Type a command/);
    } finally {
      await new Promise((resolve) => held.close(resolve));
    }
  }, 60_000);

  it('takes LOG_LEVEL from .env, the process environment winning over it', async () => {
    const dir = tempDir();
    writeFileSync(join(dir, '.env'), 'LOG_LEVEL=warn\n');
    const fromFile = startBot(dir, [], { LOG_LEVEL: undefined }, '', dir);
    await fromFile.waitFor(/Type a command/);
    fromFile.child.kill('SIGTERM');
    expect(await fromFile.exited).toBe(0);
    expect(fromFile.errors()).toContain('"msg":"stopped"');
    expect(fromFile.errors()).not.toContain('"msg":"state restored from the store"');

    const fromProcess = startBot(dir, [], { LOG_LEVEL: 'info' }, '', dir);
    await fromProcess.waitFor(/Type a command/);
    fromProcess.child.kill('SIGTERM');
    expect(await fromProcess.exited).toBe(0);
    expect(fromProcess.errors()).toContain('"msg":"state restored from the store"');
  }, 60_000);

  it('one SIGTERM stops it (exit 0) while a chat platform is still starting against an API that never answers', async () => {
    const sockets: Socket[] = [];
    const silent = createServer((socket) => sockets.push(socket)); // accepts the connection, never answers
    const connected = new Promise<void>((resolve) => silent.once('connection', () => resolve()));
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    try {
      const port = (silent.address() as AddressInfo).port;
      const bot = startBot(tempDir(), [], { TELEGRAM_BOT_TOKEN: '123456:ABCdefFAKE', TELEGRAM_API_ROOT: `http://127.0.0.1:${port}` });
      await connected;
      bot.child.kill('SIGTERM');
      expect(await bot.exited).toBe(0);
      expect(bot.errors()).not.toMatch(/shutdown took longer/);
    } finally {
      for (const socket of sockets) socket.destroy();
      await new Promise((resolve) => silent.close(resolve));
    }
  }, 60_000);

  it('exits non-zero, saying why, when no configured chat platform can start within LIQBOT_GIVE_UP_S', async () => {
    const dir = tempDir();
    const bot = startBot(dir, [], { TELEGRAM_BOT_TOKEN: '123456:TEST-token-never-valid', TELEGRAM_API_ROOT: 'http://127.0.0.1:1', LIQBOT_GIVE_UP_S: '1' });
    expect(await bot.exited).toBe(1);
    expect(bot.errors()).toMatch(/no chat platform could start within 1 s \(telegram: Telegram: could not reach the bot/);
    expect(bot.errors()).not.toContain('TEST-token-never-valid');
    expect(existsSync(join(dir, 'liqbot.db'))).toBe(true);
  }, 60_000);
});
