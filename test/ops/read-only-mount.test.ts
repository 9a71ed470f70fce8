/**
 * A database or data folder on a file system mounted read-only is said to be that, not blamed on the user liqbot runs
 * as: no permission would let it write there. Each case runs in a mount namespace of its own (`unshare`) where a
 * folder is a read-only tmpfs; skipped, saying why, where this machine cannot make one.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, realpathSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';

const REPO = fileURLToPath(new URL('../..', import.meta.url));
const folder = realpathSync(mkdtempSync(join(tmpdir(), 'liqbot-rofs-')));
afterAll(() => rmSync(folder, { recursive: true, force: true }));

/** Run `cmd` with `folder` mounted read-only, as root of a user namespace of its own: its stdout. */
function onReadOnly(cmd: string[]): { status: number | null; out: string } {
  const r = spawnSync('unshare', ['-rm', 'sh', '-c', 'mount -t tmpfs -o ro tmpfs "$1" && shift && exec "$@"', 'sh', folder, ...cmd], { cwd: REPO, encoding: 'utf8', timeout: 120_000 });
  return { status: r.status, out: (r.stdout ?? '').trim() };
}

const probe = onReadOnly(['sh', '-c', `touch "${folder}/x" 2>&1`]);
const unavailable = probe.status === null || !/Read-only file system/.test(probe.out) ? `read-only mount tests skipped: unshare cannot mount a read-only tmpfs here (${probe.out || 'no output'})` : undefined;
if (unavailable) console.warn(unavailable);

describe.skipIf(unavailable !== undefined)('on a read-only mount', () => {
  it('LIQBOT_DB there: the lock cannot be taken because the file system is read-only', () => {
    const path = join(folder, 'liqbot.db');
    const r = onReadOnly([process.execPath, '--import', 'tsx', 'test/store/hold-store.ts', path, 'try']);
    expect(r.out).toBe(
      `open: could not take the lock ${path}.liqbot-lock: the folder ${folder} is on a file system mounted read-only (EROFS); mount it read-write, or set LIQBOT_DB to a file in a folder on a writable one`,
    );
  });

  it('LIQBOT_DATA_DIR there: the folder cannot be created because the file system is read-only (Node says ENOENT)', () => {
    const data = join(folder, 'liqbot', 'data');
    const script = `import('./src/store/sqlite.ts').then((m) => { try { m.createFolder(${JSON.stringify(data)}, 'LIQBOT_DATA_DIR'); } catch (err) { console.log(err.message); } })`;
    const r = onReadOnly([process.execPath, '--import', 'tsx', '-e', script]);
    expect(r.out).toBe(`could not create the folder ${data}: the folder ${folder} is on a file system mounted read-only (EROFS); mount it read-write, or set LIQBOT_DATA_DIR to a folder on a writable one`);
  });
});
