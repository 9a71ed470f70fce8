/**
 * Mistakes an operator makes in the settings, refused in one line that names where the mistake is. A LOG_LEVEL that is
 * no level, from the environment or from .env: exit 78 (EX_CONFIG, not restarted by the unit), never a crash as the
 * logger loads (exit 1, restarted every 15 s). An exchange in an offline command's `--config` that is no venue at all:
 * refused as `start` refuses it, with the offline commands' exit 1.
 */
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { guardedEnv } from '../setup/child-guard.js';
import { cli, tempDir } from '../helpers.js';

const BIN = fileURLToPath(new URL('../../bin/liqbot.js', import.meta.url));
const LEVELS = 'fatal, error, warn, info, debug, trace, silent';

/** `liqbot start` in a folder of its own (its .env read there), no exchange, no chat token, its input closed. */
function start(env: Record<string, string>, dotenv?: string): { status: number | null; stderr: string; stdout: string } {
  const dir = tempDir();
  writeFileSync(join(dir, 'offline.yaml'), 'exchanges: []\n');
  if (dotenv !== undefined) writeFileSync(join(dir, '.env'), dotenv);
  const childEnv = guardedEnv({ PATH: process.env.PATH, HOME: dir, LIQBOT_DB: join(dir, 'liqbot.db'), LIQBOT_DATA_DIR: dir, LIQBOT_CONFIG: join(dir, 'offline.yaml'), NO_COLOR: '1', ...env });
  const r = spawnSync(process.execPath, [BIN, 'start'], { cwd: dir, env: childEnv, input: '', encoding: 'utf8', timeout: 60_000 });
  return { status: r.status, stderr: r.stderr, stdout: r.stdout };
}

describe('a LOG_LEVEL that is no level', () => {
  it('in the environment: one line naming the environment and the level meant, exit 78', () => {
    const r = start({ LOG_LEVEL: 'warning' });
    expect(r.stderr).toBe(`liqbot: the environment: LOG_LEVEL: expected one of ${LEVELS} (did you mean "warn"?)\n`);
    expect(r.status).toBe(78);
    expect(r.stdout).toBe('');
  }, 60_000);

  it('in .env: one line naming .env, exit 78', () => {
    const r = start({}, 'LOG_LEVEL=warning\n');
    expect(r.stderr).toBe(`liqbot: .env: LOG_LEVEL: expected one of ${LEVELS} (did you mean "warn"?)\n`);
    expect(r.status).toBe(78);
  }, 60_000);

  it('in the environment beside a good one in .env: the environment is named, as it is the one read', () => {
    const r = start({ LOG_LEVEL: 'Info' }, 'LOG_LEVEL=debug\n');
    expect(r.stderr).toBe(`liqbot: the environment: LOG_LEVEL: expected one of ${LEVELS} (did you mean "info"?)\n`);
    expect(r.status).toBe(78);
  }, 60_000);
});

describe('an offline command\'s --config naming an exchange that is no venue', () => {
  const FILE = 'fixtures/binance-2024-08-17-forceorder.real.jsonl';
  const WATCHED = 'binanceusdm, binancecoinm, bybit, okx, gate, htx, bitfinex, deribit, lighter';

  function config(text: string): string {
    const path = join(tempDir(), 'c.yaml');
    writeFileSync(path, text);
    return path;
  }

  it.each([
    ['replay', (c: string) => ['replay', FILE, '--config', c]],
    ['liqs', (c: string) => ['liqs', 'btc', '--data', FILE, '--config', c]],
    ['levels', (c: string) => ['levels', 'btc', '--data', FILE, '--config', c]],
    ['oi', (c: string) => ['oi', 'btc', '--data', FILE, '--config', c]],
  ])('%s: refused in the words of start, exit 1, nothing printed; a venue known without a live feed passes', async (_, args) => {
    // A vendor's venues and names (binance, bitget, hyperliquid, gateio) are exchanges a file's events may carry.
    const c = config('exchanges: [binanceusdm, binance, bitget, hyperliquid, gateio, bybitt]\n');
    const r = await cli(...args(c));
    expect(r.err).toBe(`liqbot: config ${c}: exchanges: "bybitt" has no live feed (did you mean "bybit"?) (liqbot watches ${WATCHED})`);
    expect(r.code).toBe(1);
    expect(r.out).toBe('');
  });
});
