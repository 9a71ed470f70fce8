/**
 * The loopback guard holds in the vitest process and in the processes tests start: through `startChild` (an
 * environment of its own, given the guard by guardedEnv) and through an inherited environment (NODE_OPTIONS).
 * The probe dials 127.0.0.2: outside the guard's list yet still this machine, so a missing guard stays local.
 */
import net from 'node:net';
import { spawnSync } from 'node:child_process';
import { afterEach, expect, it } from 'vitest';
import { killChildren, startChild } from '../bus/children.js';

const PROBE = "require('node:net').connect(9, '127.0.0.2').on('error', () => undefined)";

afterEach(killChildren);

it('refuses a socket to a host that is not loopback in the test process, and allows 127.0.0.1', () => {
  expect(() => net.connect(9, '127.0.0.2')).toThrow(/loopback guard: a test tried to connect to 127\.0\.0\.2/);
  net.connect(9, '127.0.0.1').on('error', () => undefined).destroy();
});

it('holds in a child started with an environment of its own (startChild)', async () => {
  const child = startChild('probe', ['-e', PROBE], {});
  expect(await child.exited).not.toBe(0);
  expect(child.text.join('\n')).toContain('loopback guard: a test tried to connect to 127.0.0.2');
});

it('holds in a child that inherits the environment', () => {
  const r = spawnSync(process.execPath, ['-e', PROBE], { encoding: 'utf8', timeout: 120_000 });
  expect(r.status).not.toBe(0);
  expect(r.stderr).toContain('loopback guard: a test tried to connect to 127.0.0.2');
});
