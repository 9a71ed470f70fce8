/**
 * `liqbot CMD --help` (or -h) prints that command's usage, the lines `liqbot --help` has for it, and runs nothing:
 * `migrate --help` migrates no database, `demo --help` replays no day, `start --help` starts no bot. `migrate` and
 * `demo` take no arguments: one typed is a usage error (exit 2), not ignored.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { cli, tempDir } from '../helpers.js';

afterEach(() => vi.unstubAllEnvs());

/** A database file that `migrate` would create: none of these runs may. */
function untouchedDb(): string {
  const db = join(tempDir(), 'liqbot.db');
  vi.stubEnv('LIQBOT_DB', db);
  vi.stubEnv('LIQBOT_DATABASE_URL', '');
  return db;
}

describe('liqbot CMD --help', () => {
  it('prints the command\'s own lines of `liqbot --help` and exits 0, for every command', async () => {
    const all = (await cli('--help')).out;
    for (const cmd of ['start', 'record', 'register', 'liqs', 'levels', 'oi', 'replay', 'import', 'migrate', 'demo']) {
      for (const flag of ['--help', '-h']) {
        const { code, out, err } = await cli(cmd, flag);
        expect({ cmd, flag, code, err }).toEqual({ cmd, flag, code: 0, err: '' });
        const [head, ...lines] = out.split('\n\n')[0]!.split('\n');
        expect(head).toBe('Usage:');
        expect(lines[0]).toMatch(new RegExp(`^ {2}liqbot ${cmd}\\b`));
        for (const line of lines) expect(all.split('\n')).toContain(line);
      }
    }
  });

  it('prints the usage written out for record, migrate and liqs (with what FILE and ASSET may be)', async () => {
    expect((await cli('record', '--help')).out).toBe('Usage:\n  liqbot record [--out FILE]                 write the live normalized stream as an event file');
    expect((await cli('migrate', '-h')).out).toBe('Usage:\n  liqbot migrate                             bring the database schema up to date (LIQBOT_DATABASE_URL, else the SQLite file)');
    expect((await cli('liqs', '--help')).out).toBe(
      'Usage:\n  liqbot liqs ASSET --data FILE [--window 1h|4h|12h|24h|7d] [--at ISO-8601|ms] [--json] [--chart out.png]\n\n' +
        'FILE may be - (standard input) for replay, liqs, levels and oi. ASSET is case-insensitive (eth, ETH); liqs also takes "all" for the market-wide view (no chart).',
    );
  });

  it("start's usage has both its entries and every role; --help after other options starts nothing", async () => {
    for (const args of [['start', '--help'], ['start', '--role', 'bogus', '--help'], ['start', '--replay', 'missing.jsonl', '-h']]) {
      const { code, out } = await cli(...args);
      expect(code).toBe(0);
      expect(out).toMatch(/^ {2}liqbot start \[--replay FILE\]/m);
      expect(out).toMatch(/^ {2}liqbot start --role ROLE/m);
      expect(out).toMatch(/^ {6}deliver --platform telegram\|discord/m);
      expect(out).not.toMatch(/liqbot demo|liqbot replay/);
    }
  });

  it('migrates nothing and replays nothing when asked for help', async () => {
    const db = untouchedDb();
    expect(await cli('migrate', '--help')).toMatchObject({ code: 0, err: '' });
    expect(existsSync(db)).toBe(false);
    const demo = await cli('demo', '--help');
    expect(demo.code).toBe(0);
    expect(demo.out).not.toMatch(/SYNTHETIC/);
  });

  it('reads a --help after -- as a file name, not a question', async () => {
    expect(await cli('replay', '--', '--help')).toMatchObject({ code: 1, err: 'liqbot: no such file: --help' });
  });
});

describe('liqbot migrate and demo take no arguments', () => {
  it('refuses an option or a word as a usage error (exit 2), migrating nothing', async () => {
    const db = untouchedDb();
    expect(await cli('migrate', '--bogus')).toEqual({ code: 2, out: '', err: 'liqbot: unknown option --bogus: migrate takes no options' });
    expect((await cli('migrate', 'now')).code).toBe(2);
    expect(existsSync(db)).toBe(false);
    expect(await cli('demo', '--fast')).toEqual({ code: 2, out: '', err: 'liqbot: unknown option --fast: demo takes no options' });
    expect((await cli('demo', 'eth')).code).toBe(2);
  });
});
