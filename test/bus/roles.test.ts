/**
 * `liqbot start --role …`: a role refuses in one line when what it needs is missing, and the ingest role,
 * run as a process with `--replay`, publishes a recorded day to its stream, every event once. The process test
 * needs the local nats-server and is skipped, saying why, without it.
 */
import { spawn } from 'node:child_process';
import { afterEach, describe, expect, it } from 'vitest';
import { ConfigError } from '../../config/load.js';
import { checkRole } from '../../src/bus/roles.js';
import { parseEnv } from '../../src/env.js';
import { scrub } from '../../src/log.js';
import { connectBus, type Bus } from '../../src/bus/stream.js';
import { readEventFile } from '../../src/io/event-file.js';
import { BUNDLED } from '../helpers.js';
import { NATS_URL, natsUnavailable, take } from '../services/nats.js';
import { guardedEnv } from '../setup/child-guard.js';

const unavailable = await natsUnavailable();
if (unavailable) console.warn(unavailable);

describe('roles', () => {
  it('refuses a role without LIQBOT_NATS_URL, an unknown role, and a role not built yet, each in one sentence', () => {
    expect(() => checkRole('ingest', {})).toThrow(ConfigError);
    expect(() => checkRole('ingest', {})).toThrow('--role ingest needs LIQBOT_NATS_URL (e.g. nats://127.0.0.1:4222, JetStream enabled)');
    expect(() => checkRole('ingset', { natsUrl: 'nats://127.0.0.1:4222' })).toThrow('--role must be one of ingest, core, deliver, gateway, all (got "ingset")');
    expect(() => checkRole('core', { natsUrl: 'nats://127.0.0.1:4222' })).toThrow('--role core needs LIQBOT_DATABASE_URL');
    expect(() => checkRole('all', { natsUrl: 'nats://127.0.0.1:4222' })).toThrow('--role all needs LIQBOT_DATABASE_URL');
    expect(() => checkRole('all', { databaseUrl: 'postgres://db/liqbot' })).toThrow('--role all needs LIQBOT_NATS_URL');
    expect(checkRole('deliver', { natsUrl: 'nats://127.0.0.1:4222', databaseUrl: 'postgres://db/liqbot' })).toBe('deliver');
    expect(checkRole('ingest', { natsUrl: 'nats://127.0.0.1:4222' })).toBe('ingest');
  });

  it('reads the services from the environment, refusing a URL of the wrong kind and keeping the password out of logs', () => {
    const env = parseEnv({ LIQBOT_DATABASE_URL: 'postgres://liqbot:s3cret-pass@db:5432/liqbot', LIQBOT_NATS_URL: 'nats://nats:4222', LIQBOT_NATS_STREAM: 'MKT2' });
    expect(env).toMatchObject({ databaseUrl: 'postgres://liqbot:s3cret-pass@db:5432/liqbot', natsUrl: 'nats://nats:4222', natsStream: 'MKT2' });
    expect(scrub('could not open postgres://liqbot:s3cret-pass@db')).not.toContain('s3cret-pass');
    expect(() => parseEnv({ LIQBOT_DATABASE_URL: 'mysql://db/liqbot' })).toThrow('.env: LIQBOT_DATABASE_URL: expected a postgres:// URL');
    expect(() => parseEnv({ LIQBOT_NATS_STREAM: 'mkt.x' })).toThrow('LIQBOT_NATS_STREAM: expected a stream name in capitals');
    expect(parseEnv({})).not.toHaveProperty('natsUrl');
  });

  describe.skipIf(unavailable !== undefined)('the ingest role as a process', () => {
    let bus: Bus | undefined;
    afterEach(async () => {
      await bus?.jsm.streams.delete(bus.stream).catch(() => undefined);
      await bus?.close();
    });

    it('liqbot start --role ingest --replay FILE publishes the recorded day to the stream and exits 0', async () => {
      const stream = `LBT_ROLE_${process.pid}`;
      const child = spawn(process.execPath, ['bin/liqbot.js', 'start', '--role', 'ingest', '--replay', BUNDLED, '--speed', '1e12'], {
        env: guardedEnv({ PATH: process.env.PATH, LIQBOT_NATS_URL: NATS_URL, LIQBOT_NATS_STREAM: stream, LOG_LEVEL: 'warn', LIQBOT_DATA_DIR: '/tmp' }),
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let err = '';
      child.stderr.on('data', (d) => (err += d));
      const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
      expect(err).toBe('');
      expect(code).toBe(0);
      bus = await connectBus({ url: NATS_URL, stream, prefix: stream.toLowerCase() });
      const messages = (await bus.jsm.streams.info(stream)).state.messages;
      const batches = await take(bus, messages, 'check');
      let inFile = 0;
      for await (const _ of readEventFile(BUNDLED)) inFile++;
      expect(inFile).toBeGreaterThan(50_000);
      expect(batches.reduce((n, b) => n + b.events.length, 0)).toBe(inFile);
      expect(batches.every((b) => b.synthetic)).toBe(true);
      // A recorded day, not live feeds: its readers vouch for what its prints cover (follower-recorded.test.ts).
      expect(batches.every((b) => b.recorded)).toBe(true);
    }, 90_000);
  });
});
