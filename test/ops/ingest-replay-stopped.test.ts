/**
 * An ingest replay stopped part way (SIGTERM, `liqbot start --role ingest --replay`) says so in its last line, with
 * the number of events the stream holds, never that the recorded day is published. On the local nats-server;
 * skipped, saying why, without it.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { connectBus } from '../../src/bus/stream.js';
import { NATS_URL, dropStream, natsUnavailable, roleStream, take } from '../services/nats.js';
import { waitFor } from '../feeds/helpers.js';

const REPO = fileURLToPath(new URL('../..', import.meta.url));
const unavailable = await natsUnavailable();
if (unavailable) console.warn(unavailable);

const dir = mkdtempSync(join(tmpdir(), 'liqbot-ingest-stop-'));
const stream = roleStream();
afterAll(async () => {
  rmSync(dir, { recursive: true, force: true });
  if (!unavailable) await dropStream(stream);
});

describe.skipIf(unavailable !== undefined)('an ingest replay stopped part way', () => {
  it('logs "replay stopped part way (N events published)" with what the stream holds, not "the recorded day is published"', async () => {
    // A print a second for a minute, replayed at the recording's speed: a SIGTERM comes long before its end.
    const T0 = Date.UTC(2026, 2, 2, 12);
    const lines = [JSON.stringify({ type: 'meta', ts: 0, synthetic: true })];
    for (let i = 0; i < 60; i++) lines.push(JSON.stringify({ type: 'liquidation', ts: T0 + i * 1000, exchange: 'bybit', symbol: 'ETH/USDT:USDT', side: 'long', price: 3000, amount: 1 }));
    const file = join(dir, 'minute.jsonl');
    writeFileSync(file, lines.join('\n') + '\n');
    const script = `
      import { buildConfig } from './config/load.ts';
      import { runIngestRole } from './src/bus/ingest.ts';
      const abort = new AbortController();
      process.on('SIGTERM', () => abort.abort());
      await runIngestRole({ env: { natsUrl: ${JSON.stringify(NATS_URL)}, natsStream: ${JSON.stringify(stream)}, dataDir: ${JSON.stringify(dir)} }, config: buildConfig({ exchanges: ['bybit'], assets: ['ETH'] }), replay: { file: ${JSON.stringify(file)}, speed: 1 }, signal: abort.signal });
      process.exit(0);`;
    const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { cwd: REPO, env: { ...process.env, LOG_LEVEL: 'info' }, stdio: ['ignore', 'ignore', 'pipe'] });
    let err = '';
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    const exited = new Promise<number | null>((resolve) => child.on('exit', resolve));
    const bus = await connectBus({ url: NATS_URL, stream, prefix: stream.toLowerCase() });
    try {
      const stored = async () => (await bus.jsm.streams.info(stream).catch(() => undefined))?.state.messages ?? 0;
      let messages = 0;
      await waitFor(() => (void stored().then((n) => (messages = n)), messages >= 2), 'a few batches on the stream', 20_000, 50);
      child.kill('SIGTERM');
      expect(await exited).toBe(0);
      const batches = await take(bus, await stored(), 'stopped-replay');
      const events = batches.reduce((n, b) => n + b.events.length, 0);
      expect(events).toBeGreaterThan(0);
      expect(events).toBeLessThan(60);
      const said = err.split('\n').filter((l) => /recorded day is published|replay stopped part way/.test(l)).map((l) => (JSON.parse(l) as { msg: string }).msg);
      expect(said).toEqual([`replay stopped part way (${events} events published)`]);
    } finally {
      child.kill('SIGKILL');
      await bus.close();
    }
  });
});
