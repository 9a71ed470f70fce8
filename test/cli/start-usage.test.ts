/**
 * `liqbot start` called wrongly exits 2, as every command-line mistake does (docs/operations.md, exit codes), with
 * its one line and no stack-trace hint: a role that does not exist, `--role deliver` without its platform, a platform
 * without `--role deliver`, a speed that is not one. A mistake in the environment or the config stays 78.
 */
import { spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { tempDir } from '../helpers.js';
import { guardedEnv } from '../setup/child-guard.js';

const REPO = fileURLToPath(new URL('../..', import.meta.url));

/** `liqbot start ARGS` with no exchange configured and no services reachable: its exit code and what it said. */
async function start(...args: string[]): Promise<{ code: number | null; err: string }> {
  const dir = tempDir();
  const config = join(dir, 'offline.yaml');
  writeFileSync(config, 'exchanges: []\n');
  const env = guardedEnv({ PATH: process.env.PATH, LIQBOT_DB: join(dir, 'liqbot.db'), LIQBOT_DATA_DIR: dir, LIQBOT_CONFIG: config, NO_COLOR: '1' });
  const child = spawn(process.execPath, [join(REPO, 'bin/liqbot.js'), 'start', ...args], { cwd: dir, env, stdio: ['ignore', 'ignore', 'pipe'] });
  let err = '';
  child.stderr.on('data', (d) => (err += d));
  const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
  return { code, err };
}

describe('liqbot start called wrongly', () => {
  it('exits 2 with one line for a role that does not exist', async () => {
    expect(await start('--role', 'bogus')).toEqual({ code: 2, err: 'liqbot: --role must be one of ingest, core, deliver, gateway, all (got "bogus")\n' });
  }, 60_000);

  it('exits 2 with one line for --role deliver without --platform, or with one that is not a platform', async () => {
    expect(await start('--role', 'deliver')).toEqual({ code: 2, err: 'liqbot: --role deliver needs --platform telegram or --platform discord\n' });
    expect(await start('--role', 'deliver', '--platform', 'slack')).toEqual({ code: 2, err: 'liqbot: --role deliver needs --platform telegram or --platform discord (got "slack")\n' });
  }, 60_000);

  it('exits 2 for --platform without --role deliver, which alone sends to one platform (it was silently ignored)', async () => {
    const told = 'liqbot: --platform is for --role deliver (the chat platform that deliverer sends to: --role deliver --platform telegram|discord)\n';
    expect(await start('--platform', 'telegram')).toEqual({ code: 2, err: told });
    expect(await start('--role', 'core', '--platform', 'telegram')).toEqual({ code: 2, err: told });
  }, 60_000);

  it('exits 2 for a speed that is not one; a role without its services is still a config refusal (78)', async () => {
    expect(await start('--speed', 'x')).toEqual({ code: 2, err: 'liqbot: --speed must be a positive number, got "x"\n' });
    expect(await start('--role', 'core')).toMatchObject({ code: 78, err: expect.stringContaining('--role core needs LIQBOT_NATS_URL') });
  }, 60_000);
});
