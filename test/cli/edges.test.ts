/**
 * The CLI's edges: a mistyped command gets "did you mean", a chart that cannot be written is refused in one
 * line before any work (non-zero exit), `oi` reads a file like `liqs` and `levels`, the demo prints each alert
 * under its time, `register` without network is one line, and the offline commands load no chat or exchange
 * library.
 */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { BUNDLED, DAY0, cli, tempDir, writeEvents } from '../helpers.js';
import { guardedEnv } from '../setup/child-guard.js';

describe('CLI edges', () => {
  it('suggests the command a typo was meant to be, and says nothing it cannot guess', async () => {
    expect(await cli('lqis')).toMatchObject({ code: 2, err: 'liqbot: unknown command "lqis". Did you mean liqs? Run liqbot --help.' });
    expect(await cli('levles')).toMatchObject({ code: 2, err: 'liqbot: unknown command "levles". Did you mean levels? Run liqbot --help.' });
    expect(await cli('xyzzy')).toMatchObject({ code: 2, err: 'liqbot: unknown command "xyzzy". Run liqbot --help.' });
  });

  it('refuses --chart for "all" and for a folder that does not exist, in one line, writing nothing', async () => {
    const dir = tempDir();
    const all = await cli('liqs', 'all', '--data', BUNDLED, '--chart', join(dir, 'x.png'));
    expect(all).toMatchObject({ code: 2, out: '', err: 'liqbot: --chart draws one asset (liqbot liqs eth --data FILE --chart out.png); "all" has no chart' });
    expect(existsSync(join(dir, 'x.png'))).toBe(false);
    const missing = await cli('liqs', 'eth', '--data', BUNDLED, '--chart', '/nonexistent/x.png');
    expect(missing).toMatchObject({ code: 2, out: '', err: 'liqbot: --chart: cannot write /nonexistent/x.png: the folder /nonexistent does not exist' });
    const levels = await cli('levels', 'eth', '--data', BUNDLED, '--chart', '/nonexistent/y.png');
    expect(levels).toMatchObject({ code: 2, err: 'liqbot: --chart: cannot write /nonexistent/y.png: the folder /nonexistent does not exist' });
    const notPng = await cli('levels', 'eth', '--data', BUNDLED, '--chart', join(dir, 'chart.jpg'));
    expect(notPng.code).toBe(2);
    expect(notPng.err).toMatch(/^liqbot: --chart: charts are PNG images/);
  });

  it('a file without a single event is refused in one line (no empty market dated 1970)', async () => {
    const empty = writeEvents([], 'empty.jsonl');
    for (const cmd of ['liqs', 'levels', 'oi']) {
      const r = await cli(cmd, 'btc', '--data', empty);
      expect(r.code).toBe(1);
      expect(r.out).toBe('');
      expect(r.err).toContain(`liqbot: ${empty} holds no market events`);
    }
    const junk = writeEvents(['not json', '{"a":1}'], 'junk.jsonl');
    const r = await cli('liqs', 'btc', '--data', junk);
    expect(r.err).toContain('junk.jsonl:1: skipped: not valid JSON');
    expect(r.err).toContain('holds no market events (2 lines, none of them an event)');
    expect(r.out).not.toContain('1970');
  });

  it('oi reads a file like liqs and levels: text, --json and --window', async () => {
    const text = await cli('oi', 'eth', '--data', BUNDLED);
    expect(text.code).toBe(0);
    expect(text.out).toContain('ETH open interest · 24h');
    expect(text.out).toContain('Open interest $21.9B across 4 venues · −11% (−$2.7B) in 24h');
    expect(text.out).toContain('SYNTHETIC demo data · 2026-02-01 00:00 UTC');
    const json = await cli('oi', 'ETH', '--data', BUNDLED, '--json', '--window', '4h');
    expect(json.code).toBe(0);
    const o = JSON.parse(json.out);
    expect(o).toMatchObject({ window: '4h', asset: 'ETH', oi: { usd: 21_896_723_331, venues: 4 }, funding: { state: 'neutral', venues: 4 } });
    expect(o.to - o.from).toBe(4 * 3_600_000);
    expect(o.venues.map((v: { exchange: string }) => v.exchange)).toEqual(['binanceusdm', 'bybit', 'okx', 'htx']);
    expect((await cli('oi', 'eth', '--data', BUNDLED, '--window', '2h')).code).toBe(2);
    expect(await cli('oi', '--data', BUNDLED)).toMatchObject({ code: 2, err: 'liqbot: oi needs an asset: liqbot oi eth --data FILE' });
  });

  it('oi on a file without open interest says so in one line (exit 1), or an empty JSON answer', async () => {
    const file = writeEvents([{ type: 'liquidation', ts: DAY0, exchange: 'bybit', symbol: 'ETH/USDT:USDT', side: 'long', price: 3000, amount: 1 }]);
    expect(await cli('oi', 'eth', '--data', file)).toMatchObject({ code: 1, err: `liqbot: ${file} has no open interest or funding for ETH before 2026-03-02 00:00 UTC` });
    const json = await cli('oi', 'eth', '--data', file, '--json');
    expect(JSON.parse(json.out)).toEqual({ asset: 'ETH', window: '24h', to: DAY0, oi: null, funding: null, venues: [] });
  });

  it('--config merges an override file over the defaults, and refuses a wrong key in one line', async () => {
    const dir = tempDir();
    const good = join(dir, 'two-largest.yaml'), bad = join(dir, 'typo.yaml');
    writeFileSync(good, 'summary:\n  largest: 2\n');
    writeFileSync(bad, 'summary:\n  largets: 2\n');
    const json = await cli('liqs', 'eth', '--data', BUNDLED, '--json', '--config', good);
    expect(json.code).toBe(0);
    expect(JSON.parse(json.out).largest).toHaveLength(2);
    expect(JSON.parse((await cli('liqs', 'eth', '--data', BUNDLED, '--json')).out).largest.length).toBeGreaterThan(2);
    const r = await cli('liqs', 'eth', '--data', BUNDLED, '--config', bad);
    expect(r.code).toBe(1);
    expect(r.out).toBe('');
    expect(r.err).toBe(`liqbot: ${bad}: summary: unknown key "largets" (did you mean "largest"?)`);
  }, 60_000);

  it('the demo prints each alert as a chat reads it, its time said once: by its footer stamp', async () => {
    const r = await cli('demo');
    expect(r.code).toBe(0);
    // The headline on the list's margin, no time before it; the entry ends with the moment it was raised.
    const entry = (head: RegExp, at: string) => new RegExp(`^ {2}${head.source}$\\n(?: {4}.*\\n|\\n)*? {4}2026-01-31 ${at} UTC$`, 'm');
    expect(r.out).toMatch(entry(/\S+ ETH lost \$3,000; \$9M longs liquidated in the last hour/, '12:30'));
    expect(r.out).toMatch(entry(/ETH long cascade over/, '16:19'));
    expect(r.out).toMatch(entry(/\S+ ETH reclaimed \$2,500; \$2\.79M shorts liquidated in the last hour/, '20:15'));
    expect(r.out).not.toMatch(/^ {2}\d\d:\d\d {2}/m);
  }, 60_000);
});

describe('CLI as a process', () => {
  const env = guardedEnv({ PATH: process.env.PATH, NO_COLOR: '1', LOG_LEVEL: 'silent' });

  it('register without a reachable Discord is one line naming the cause, exit 1', () => {
    const r = spawnSync(process.execPath, ['bin/liqbot.js', 'register'], {
      env: { ...env, DISCORD_TOKEN: 'test-token-abcdefgh', DISCORD_APPLICATION_ID: '123456789012345678', DISCORD_API_BASE: 'http://127.0.0.1:1/api' },
      encoding: 'utf8',
      timeout: 120_000,
      cwd: process.cwd(),
    });
    expect(r.status).toBe(1);
    const lines = r.stderr.trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^liqbot register: could not register the slash commands with Discord: .*(ECONNREFUSED|cannot reach Discord)/);
    expect(r.stderr).not.toMatch(/\n\s+at /);
    expect(r.stderr).not.toContain('test-token-abcdefgh');
  }, 60_000);

  it('a reader that closes the pipe early (liqbot replay FILE | head) ends the command quietly, exit 0', async () => {
    const child = spawn(process.execPath, ['bin/liqbot.js', 'replay', BUNDLED], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    // The reading end closes before the command has written anything: its first alert line meets a closed pipe.
    child.stdout.destroy();
    let err = '';
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
    expect(err).toBe('');
    expect(code).toBe(0);
  }, 60_000);

  it.each([
    ['liqs', 'eth', '--data', BUNDLED],
    ['levels', 'eth', '--data', BUNDLED],
    ['replay', BUNDLED],
  ])('liqbot %s loads no chat, exchange, chart or database library', (...args) => {
    // A module-resolution hook lists every package the command imports.
    const hook = `data:text/javascript,${encodeURIComponent(`import { register } from 'node:module';
register('data:text/javascript,' + encodeURIComponent('export async function resolve(s, c, next) { const r = await next(s, c); process.stderr.write("MOD " + r.url + "\\\\n"); return r; }'));`)}`;
    const r = spawnSync(process.execPath, ['--import', hook, 'bin/liqbot.js', ...args], { env, encoding: 'utf8', timeout: 120_000, maxBuffer: 64 * 1024 * 1024 });
    expect(r.status, r.stderr).toBe(0);
    const urls = [...r.stderr.matchAll(/^MOD (\S+)$/gm)].map((m) => m[1]!);
    const loaded = new Set(urls.map((u) => /node_modules\/((@[^/]+\/)?[^/]+)/.exec(u)?.[1]).filter((p) => p !== undefined));
    // The bundle carries zod and yaml inside it, so the packages seen may be none: the CLI's own entry proves the hook ran.
    expect(urls.some((u) => /\/(dist\/cli\.js|src\/cli\.ts)$/.test(u)), 'the hook sees the modules the command loads').toBe(true);
    for (const heavy of ['telegraf', 'discord.js', '@discordjs/rest', 'ccxt', 'better-sqlite3', 'echarts', '@resvg/resvg-js', 'prom-client', 'pino']) {
      expect(loaded.has(heavy), `${args[0]} loaded ${heavy}`).toBe(false);
    }
  }, 60_000);
});
