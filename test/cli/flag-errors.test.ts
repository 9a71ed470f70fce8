/**
 * A command line the CLI cannot take is refused in one line of its own words, naming the option and what it takes, exit
 * 2 (docs/events.md): a value that starts with "-" is the value of the option before it, judged by that option's own
 * check (`--at -5` as `--at=-5`), never Node's three-line "argument is ambiguous"; an option without its value, a switch
 * given one, a word where a command takes none are said as such. `--at` takes the times a file's `ts` takes (March
 * 1973 to 2100). A data file's number written as a string people write (`"2,35k"`) is said with what to write.
 */
import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { BUNDLED, DAY0, cli, writeEvents } from '../helpers.js';
import { guardedEnv } from '../setup/child-guard.js';

const AT = '--at needs a time (ISO 8601 like 2025-01-27T17:00:00Z or epoch ms)';
const AT_FORMS = 'give epoch milliseconds or ISO-8601 (2026-01-31, 2026-01-31T14:00, 2026-01-31T14:00:00Z, 2026-01-31T14:00:00+01:00; no zone is UTC)';

/** `node bin/liqbot.js …` for the commands src/main.ts runs (start, record), which read the environment once parsed. */
function liqbot(...args: string[]): { code: number | null; err: string } {
  const r = spawnSync(process.execPath, ['bin/liqbot.js', ...args], { env: guardedEnv({ PATH: process.env.PATH, NO_COLOR: '1', LOG_LEVEL: 'silent' }), encoding: 'utf8', timeout: 120_000, cwd: process.cwd() });
  return { code: r.status, err: r.stderr.trim() };
}

describe('a value that starts with "-"', () => {
  it('is the value of the option before it, refused by that option in one line as the same value after "=" is', async () => {
    const refused = { code: 2, out: '', err: `liqbot: --at: "-5" is not a time: ${AT_FORMS}` };
    expect(await cli('liqs', 'eth', '--data', BUNDLED, '--at', '-5')).toEqual(refused);
    expect(await cli('liqs', 'eth', '--data', BUNDLED, '--at=-5')).toEqual(refused);
    expect(await cli('levels', 'eth', '--data', BUNDLED, '--at', '-1')).toEqual({ code: 2, out: '', err: `liqbot: --at: "-1" is not a time: ${AT_FORMS}` });
    expect(await cli('oi', 'eth', '--data', BUNDLED, '--window', '-1h')).toEqual({ code: 2, out: '', err: 'liqbot: --window "-1h": the offline commands take 1h, 4h, 12h, 24h or 7d' });
    expect(await cli('liqs', 'eth', '--data', BUNDLED, '--window', '-4h')).toEqual({ code: 2, out: '', err: 'liqbot: --window "-4h": the offline commands take 1h, 4h, 12h, 24h or 7d' });
  });

  it('names a file of that name (a file is whatever follows --data or --config)', async () => {
    expect(await cli('liqs', 'eth', '--data', '-missing.jsonl')).toMatchObject({ code: 1, err: 'liqbot: no such file: -missing.jsonl' });
    expect(await cli('replay', BUNDLED, '--config', '-missing.yaml')).toMatchObject({ code: 1, err: expect.stringMatching(/^liqbot: config -missing\.yaml: cannot read/) });
  });

  it("of start's --speed is judged by --speed's own check", () => {
    expect(liqbot('start', '--speed', '-1')).toEqual({ code: 2, err: 'liqbot: --speed must be a positive number, got "-1"' });
  });
});

describe('an option without its value', () => {
  it('last on the line is said with what it takes, in one line', async () => {
    for (const [args, err] of [
      [['liqs', 'eth', '--data', BUNDLED, '--at'], `liqbot: ${AT}; got nothing`],
      [['liqs', 'eth', '--data', BUNDLED, '--window'], 'liqbot: --window needs a window (1h, 4h, 12h, 24h or 7d); got nothing'],
      [['liqs', 'eth', '--data'], 'liqbot: --data needs an event file (- for standard input); got nothing'],
      [['levels', 'eth', '--data', BUNDLED, '--chart'], 'liqbot: --chart needs a PNG file to write (out.png); got nothing'],
      [['replay', BUNDLED, '--config'], 'liqbot: --config needs a config file (YAML, like config/default.yaml); got nothing'],
    ] as const) expect(await cli(...args)).toEqual({ code: 2, out: '', err });
  });

  it('before another option is said with the option after it, not taken as its value', async () => {
    expect(await cli('liqs', 'eth', '--data', BUNDLED, '--at', '--json')).toEqual({ code: 2, out: '', err: `liqbot: ${AT}; got nothing (--json after it reads as an option)` });
    expect(await cli('liqs', 'eth', '--at', '--data', BUNDLED)).toEqual({ code: 2, out: '', err: `liqbot: ${AT}; got nothing (--data after it reads as an option)` });
  });

  it('of start and record is said the same way', () => {
    expect(liqbot('start', '--speed')).toEqual({ code: 2, err: "liqbot: --speed needs a speed (N× the recording's clock, like 60); got nothing" });
    expect(liqbot('record', '--out')).toEqual({ code: 2, err: 'liqbot: --out needs a file to write the events to; got nothing' });
  });
});

describe('a switch given a value, a word where none is taken', () => {
  it('is one line saying what the command takes', async () => {
    expect(await cli('liqs', 'eth', '--data', BUNDLED, '--json=1')).toEqual({ code: 2, out: '', err: 'liqbot: --json is a switch and takes no value; got "1": write --json alone' });
    expect(await cli('demo', 'eth')).toEqual({ code: 2, out: '', err: 'liqbot: demo takes no arguments; "eth" is one too many' });
    expect(await cli('migrate', 'now')).toEqual({ code: 2, out: '', err: 'liqbot: migrate takes no arguments; "now" is one too many' });
    expect(liqbot('start', 'day.jsonl')).toEqual({ code: 2, err: 'liqbot: start takes no arguments; "day.jsonl" is one too many (options start with --: --replay, --speed, --db, --role, --shard and --platform)' });
  });
});

describe('--at takes the times an event file holds', () => {
  it('from 10^11 ms (March 1973), as a line\'s `ts`, to 2100: 1999-12-31 is answered, as of then', async () => {
    const r = await cli('liqs', 'eth', '--data', BUNDLED, '--at', '1999-12-31', '--json');
    expect(r.code).toBe(0);
    expect(JSON.parse(r.out)).toMatchObject({ asset: 'ETH', to: Date.UTC(1999, 11, 31), totalUsd: 0 });
    expect(r.err).toContain('--at 1999-12-31 00:00 UTC is before the first ETH event');
    expect((await cli('levels', 'eth', '--data', BUNDLED, '--at', '1973-03-03T09:46:40Z', '--json')).code).toBe(0);
    expect((await cli('levels', 'eth', '--data', BUNDLED, '--at', '100000000000', '--json')).code).toBe(0);
  });

  it('and refuses a time outside them, naming them', async () => {
    const outside = (at: string) => ({ code: 2, out: '', err: `liqbot: --at: "${at}" is not between 1973-03-03T09:46:40Z and 2100-01-01T00:00:00Z (the times an event file holds)` });
    expect(await cli('levels', 'eth', '--data', BUNDLED, '--at', '1973-03-03T09:46:39Z')).toEqual(outside('1973-03-03T09:46:39Z'));
    expect(await cli('levels', 'eth', '--data', BUNDLED, '--at', '99999999999')).toEqual(outside('99999999999'));
    expect(await cli('levels', 'eth', '--data', BUNDLED, '--at', '2100-01-01T00:00:01Z')).toEqual(outside('2100-01-01T00:00:01Z'));
  });
});

describe("a data file's number written as a string people write", () => {
  it('is said with the number to write, and as ambiguous where its comma may be a decimal point, on level and liquidation lines', async () => {
    const file = writeEvents([
      { type: 'price', ts: DAY0, exchange: 'bybit', symbol: 'ETH/USDT:USDT', price: 2400 },
      { type: 'level', ts: DAY0, asset: 'ETH', price: '2,35k' },
      { type: 'level', ts: DAY0, asset: 'ETH', low: '2.7k', high: 2800 },
      { type: 'liquidation', ts: DAY0 + 1000, exchange: 'bybit', symbol: 'ETH/USDT:USDT', side: 'long', price: '2,350', amount: 1 },
      { type: 'liquidation', ts: DAY0 + 2000, exchange: 'bybit', symbol: 'ETH/USDT:USDT', side: 'long', price: 2350, amount: 'n/a' },
      { type: 'liquidation', ts: DAY0 + 3000, exchange: 'bybit', symbol: 'ETH/USDT:USDT', side: 'long', price: 2350, amount: 1, usd: '$2,35k' },
    ]);
    const r = await cli('levels', 'eth', '--data', file);
    expect(r.code).toBe(0);
    expect(r.err.split('\n').slice(0, 5)).toEqual([
      `${file}:2: skipped: level: \`price\` must be a positive finite number (it is the string "2,35k", not a number, and ambiguous: write 2350 if its comma is a decimal point)`,
      `${file}:3: skipped: level: \`low\` must be a positive finite number (it is the string "2.7k", not a number: write 2700)`,
      `${file}:4: skipped: liquidation: \`price\` must be a positive finite number (it is the string "2,350", not a number: write 2350)`,
      `${file}:5: skipped: liquidation: \`amount\` must be a positive finite number (it is the string "n/a", not a number: write the number in digits, without quotes)`,
      `${file}:6: skipped: liquidation: \`usd\` must be a positive finite number (it is the string "$2,35k", not a number, and ambiguous: write 2350 if its comma is a decimal point)`,
    ]);
  });
});

describe('an option typed twice', () => {
  it('is refused in one line naming both values, not answered as of the last one (exit 2)', async () => {
    expect(await cli('liqs', 'eth', '--data', BUNDLED, '--at', '2026-01-31T14:00:00Z', '--at', '2026-01-31T15:00:00Z')).toEqual({
      code: 2,
      out: '',
      err: 'liqbot: --at is given twice ("2026-01-31T14:00:00Z" and "2026-01-31T15:00:00Z"): give it once',
    });
    expect(await cli('liqs', 'eth', '--data', BUNDLED, '--window', '4h', '--window=1h')).toMatchObject({ code: 2, err: 'liqbot: --window is given twice ("4h" and "1h"): give it once' });
    expect(await cli('levels', 'eth', '--data', BUNDLED, '--data', BUNDLED)).toMatchObject({ code: 2, err: `liqbot: --data is given twice (${JSON.stringify(BUNDLED)} and ${JSON.stringify(BUNDLED)}): give it once` });
    // A switch typed twice says the same thing twice.
    expect(await cli('liqs', 'eth', '--data', BUNDLED, '--json', '--json')).toMatchObject({ code: 0 });
  });
});

describe('levels and oi of "all"', () => {
  it('say they are read one asset at a time, as the chat says it, not that "all" is an unknown asset', async () => {
    expect(await cli('levels', 'all', '--data', BUNDLED)).toEqual({ code: 2, out: '', err: 'liqbot: levels are read one asset at a time: liqbot levels eth --data FILE' });
    expect(await cli('oi', 'ALL', '--data', BUNDLED)).toEqual({ code: 2, out: '', err: 'liqbot: open interest is read one asset at a time: liqbot oi eth --data FILE' });
  });
});
