/**
 * The offline commands' edges a trader met reading real days: `--at` before a file's first event or after its end is
 * answered as the contract asks, with a line that dates the file; an option mistyped is said with the one meant and the ones taken (not Node's
 * text on positionals); a window typed as a chat types it is said as `--window`; `levels --json` names a failed breakout
 * as the text does, not "reclaimed".
 */
import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { BUNDLED, DAY0, cli, writeEvents } from '../helpers.js';
import { guardedEnv } from '../setup/child-guard.js';

const CRASH = 'fixtures/binance-2025-10-crash-levels-15m.real.jsonl';
const DAY = 86_400_000;

describe('--at outside the file', () => {
  it('before the first event of the asset is answered with a line on top that dates the file, not as a quiet market', async () => {
    const before = /--at 2025-01-01 00:00 UTC is before the first ETH event in fixtures\/eth-2026-01-31\.synthetic\.jsonl \(\d{4}-\d\d-\d\d \d\d:\d\d UTC\): it has nothing to answer from as of then \(its events run to 2026-02-01 00:00 UTC\)\./;
    const levels = await cli('levels', 'eth', '--data', BUNDLED, '--at', '2025-01-01');
    expect(levels.code).toBe(0);
    expect(levels.out.split('\n').slice(0, 3).join('\n')).toMatch(before);
    const json = await cli('liqs', 'eth', '--data', BUNDLED, '--at', '2025-01-01', '--json');
    expect(json.code).toBe(0);
    expect(JSON.parse(json.out)).toMatchObject({ asset: 'ETH', totalUsd: 0 });
    expect(json.err).toMatch(before);
    // /oi has nothing to show then: it says so, as for any moment without open interest.
    expect((await cli('oi', 'eth', '--data', BUNDLED, '--at', '2025-01-01')).err).toContain('has no open interest or funding for ETH before 2025-01-01 00:00 UTC');
  });

  it("after the file's end is answered as of then, with a line on top that says the file ended (on stderr beside JSON)", async () => {
    const note = '--at 2027-01-01 00:00 UTC is after fixtures/eth-2026-01-31.synthetic.jsonl ends (2026-02-01 00:00 UTC): it says nothing of the time since.';
    const text = await cli('liqs', 'eth', '--data', BUNDLED, '--at', '2027-01-01');
    expect(text.code).toBe(0);
    expect(text.out.split('\n').slice(0, 3)).toEqual(['ETH liquidations · 24h', '', note]);
    const json = await cli('liqs', 'eth', '--data', BUNDLED, '--at', '2027-01-01', '--json');
    expect(json.code).toBe(0);
    expect(JSON.parse(json.out)).toMatchObject({ asset: 'ETH', totalUsd: 0 });
    expect(json.err).toContain(`liqbot: ${note}`);
    expect((await cli('levels', 'eth', '--data', BUNDLED, '--at', '2027-01-01')).out).toContain(note);
  });

  it("says nothing inside the file, nor inside the period of its last day's total", async () => {
    expect((await cli('liqs', 'eth', '--data', BUNDLED, '--at', '2026-01-31T16:00')).out).not.toContain('--at');
    const total = writeEvents([{ type: 'liquidation_total', ts: DAY0, period: '1d', asset: 'ETH', side: 'long', usd: 5e6, exchange: 'binance' }]);
    const dayAfter = await cli('liqs', 'eth', '--data', total, '--at', String(DAY0 + DAY));
    expect(dayAfter.code).toBe(0);
    expect(dayAfter.out).not.toContain('--at');
    expect((await cli('liqs', 'eth', '--data', total, '--at', String(DAY0 + DAY + 1))).out).toContain('--at');
  });
});

describe('an option the command does not take', () => {
  it('is said with the option meant and the ones the command takes', async () => {
    expect(await cli('liqs', 'eth', '--data', BUNDLED, '--windw', '4h')).toMatchObject({
      code: 2, out: '', err: 'liqbot: unknown option --windw (did you mean --window?): liqs takes --data, --window, --at, --json, --config and --chart',
    });
    expect(await cli('replay', BUNDLED, '--stat')).toMatchObject({ code: 2, out: '', err: 'liqbot: unknown option --stat (did you mean --stats?): replay takes --json, --config and --stats' });
    expect((await cli('levels', 'eth', '--data', BUNDLED, '--jsno')).err).toBe('liqbot: unknown option --jsno (did you mean --json?): levels takes --data, --at, --json, --config and --chart');
  });

  it('guesses nothing from too little or too far', async () => {
    expect((await cli('levels', 'eth', '--data', BUNDLED, '-j')).err).toBe('liqbot: unknown option -j: levels takes --data, --at, --json, --config and --chart');
    expect((await cli('import', BUNDLED, '--verbose')).err).toBe('liqbot: unknown option --verbose: import takes no options');
  });

  it("of start is said against start's own options", () => {
    const r = spawnSync(process.execPath, ['bin/liqbot.js', 'start', '--sped', '3'], { env: guardedEnv({ PATH: process.env.PATH, NO_COLOR: '1', LOG_LEVEL: 'silent' }), encoding: 'utf8', timeout: 120_000, cwd: process.cwd() });
    expect(r.status).toBe(2);
    expect(r.stderr.trim()).toBe('liqbot: unknown option --sped (did you mean --speed?): start takes --replay, --speed, --db, --role, --shard and --platform');
  });
});

describe('a word too many', () => {
  it('that reads as a window is said as --window where the command takes one', async () => {
    expect(await cli('liqs', 'eth', '4h', '--data', BUNDLED)).toMatchObject({ code: 2, err: 'liqbot: liqs takes one asset; "4h" is one too many: a window is --window 4h' });
    expect((await cli('oi', 'eth', '1d', '--data', BUNDLED)).err).toBe('liqbot: oi takes one asset; "1d" is one too many: a window is --window 1d');
    expect((await cli('levels', 'eth', '4h', '--data', BUNDLED)).err).toBe('liqbot: levels takes one asset; "4h" is one too many: levels has no window (--at sets the moment)');
    expect((await cli('liqs', 'eth', 'btc', '--data', BUNDLED)).err).toBe('liqbot: liqs takes one asset; "btc" is one too many (options start with --)');
  });
});

describe('levels --json', () => {
  it('names a break up that fell back within a day a failed breakout, as the text does, and a level won back reclaimed', async () => {
    const btc = JSON.parse((await cli('levels', 'btc', '--data', CRASH, '--json')).out) as { levels: { level: unknown; state: string; baseState: string; lastBreak?: { direction: string } }[] };
    expect(btc.levels.find((l) => l.level === 123_900)).toMatchObject({ state: 'failed_breakout', baseState: 'failed_breakout', lastBreak: { direction: 'down' } });
    expect((await cli('levels', 'btc', '--data', CRASH)).out).toMatch(/^\$123,900 .* · resistance · failed breakout Oct 7 14:15 · \+7\.3%$/m);
    const eth = JSON.parse((await cli('levels', 'eth', '--data', BUNDLED, '--json')).out) as typeof btc;
    expect(eth.levels.find((l) => l.level === 2500)).toMatchObject({ state: 'reclaimed', baseState: 'reclaimed', lastBreak: { direction: 'up' } });
  });

  it('reads the real Oct 13 breakdown as one zone to reclaim, and the failed breakout above it', async () => {
    const out = (await cli('levels', 'btc', '--data', CRASH)).out;
    expect(out).toContain('Reclaiming $119,200–120,988 would invalidate the breakdown; until then rebounds are reactive.\nAbove it, next resistance $123,900 (+7.3%).');
    expect(out).not.toContain('Reclaiming $120,000');
  });
});
