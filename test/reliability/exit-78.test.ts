/**
 * Exit 78 (EX_CONFIG) is liqbot refusing its configuration or its data: the systemd unit does not restart it after
 * that code (it would be refused again every 15 s), and still restarts it after a failure that may pass (exit 1).
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect, it } from 'vitest';
import { BUNDLED } from '../helpers.js';

const BIN = fileURLToPath(new URL('../../bin/liqbot.js', import.meta.url));

const unit = readFileSync(new URL('../../deploy/liqbot.service', import.meta.url), 'utf8');

it('the unit restarts on failure but not after exit 78', () => {
  const service = unit.slice(unit.indexOf('[Service]'), unit.indexOf('[Install]'));
  expect(service).toMatch(/^Restart=on-failure$/m);
  expect(service).toMatch(/^RestartPreventExitStatus=78$/m);
});

it('liqbot start on a damaged database exits 78 with its one line; the offline commands keep their codes', () => {
  const dir = mkdtempSync(join(tmpdir(), 'liqbot-78-'));
  try {
    const db = join(dir, 'bad.db');
    writeFileSync(db, 'not a database at all, but long enough to be read as a header of one ........');
    const env = { ...process.env };
    delete env.TELEGRAM_BOT_TOKEN;
    delete env.DISCORD_TOKEN;
    // A rehearsal, so nothing reaches for a live exchange; the store is opened before anything runs.
    const start = spawnSync(process.execPath, [BIN, 'start', '--replay', BUNDLED, '--db', db], { env, input: '', encoding: 'utf8', timeout: 60_000 });
    expect(start.status).toBe(78);
    expect(start.stderr).toContain('could not open');
    const replay = spawnSync(process.execPath, [BIN, 'replay', join(dir, 'missing.jsonl')], { env, encoding: 'utf8', timeout: 60_000 });
    expect(replay.status).toBe(1);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}, 90_000);
