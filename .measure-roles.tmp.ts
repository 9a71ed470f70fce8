// Throwaway: RSS and CPU of each role over the bundled day replayed at SPEED×, on the local PostgreSQL and NATS.
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { openPostgresStore } from '/work/wt-roles/src/store/postgres.js';
import { connectBus } from '/work/wt-roles/src/bus/stream.js';
import { FakeTelegram, fakeLimits } from '/work/wt-roles/test/fakes/telegram/server.js';

const SPEED = Number(process.argv[2] ?? 1440);
const PG = 'postgres://postgres@127.0.0.1:5432/test';
const schema = `lbt_measure_${process.pid}`;
const url = `${PG}?options=${encodeURIComponent(`-c search_path=${schema}`)}`;
const stream = `LBTMEASURE${process.pid}`;
const store = await openPostgresStore({ url: PG, schema, migrate: true });
for (let i = 0; i < 10; i++) await store.putSubscription({ chat: `telegram:${-5000 - i}`, enabled: true, assets: [], families: ['cascade', 'level'], minUsd: 0, updatedAt: 0 });
const fake = await FakeTelegram.start({ limits: fakeLimits(20) });
const bus = await connectBus({ url: 'nats://127.0.0.1:4222', stream, prefix: stream.toLowerCase() });
const env = {
  PATH: process.env.PATH!, LOG_LEVEL: 'warn', LIQBOT_DATA_DIR: '/tmp', LIQBOT_DATABASE_URL: url, LIQBOT_NATS_URL: 'nats://127.0.0.1:4222', LIQBOT_NATS_STREAM: stream,
  TELEGRAM_BOT_TOKEN: fake.token, TELEGRAM_API_ROOT: fake.apiRoot, TELEGRAM_WEBHOOK_URL: 'http://127.0.0.1:18443/hook', TELEGRAM_WEBHOOK_SECRET: 'measure_secret', TELEGRAM_WEBHOOK_PORT: '18443', TELEGRAM_WEBHOOK_HOST: '127.0.0.1', LIQBOT_GATEWAY_ID: 'gw-measure',
};
const run = (name: string, args: string[]) => {
  const out = `/tmp/roles-measure/${name}.time`;
  const p = spawn('/usr/bin/time', ['-o', out, '-f', '%e %U %S %M', process.execPath, 'bin/liqbot.js', 'start', ...args], { env, stdio: ['ignore', 'ignore', 'inherit'] });
  return { name, out, p, exited: new Promise((r) => p.on('exit', r)) };
};
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const core = run('core', ['--role', 'core']);
const deliver = run('deliver', ['--role', 'deliver', '--platform', 'telegram']);
const gateway = run('gateway', ['--role', 'gateway']);
await sleep(8000);
const t0 = Date.now();
const ingest = run('ingest', ['--role', 'ingest', '--replay', 'fixtures/eth-2026-01-31.synthetic.jsonl', '--speed', String(SPEED)]);
await ingest.exited;
const last = (await bus.jsm.streams.info(stream)).state.last_seq;
while ((await store.busOffset('core')) < last) await sleep(200);
const applied = Date.now();
await sleep(3000);
for (const r of [core, deliver, gateway]) r.p.kill('SIGTERM');
await Promise.all([core.exited, deliver.exited, gateway.exited]);
console.log(`speed ${SPEED}, replay wall ${(applied - t0) / 1000} s, stream ${last} messages, sent ${fake.callsOf('sendMessage').length}`);
for (const r of [ingest, core, deliver, gateway]) {
  const [e, u, s, m] = readFileSync(r.out, 'utf8').trim().split('\n').at(-1)!.split(' ').map(Number);
  console.log(`${r.name}: wall ${e} s, cpu ${(u! + s!).toFixed(2)} s, max RSS ${(m! / 1024).toFixed(0)} MB`);
}
await bus.jsm.streams.delete(stream).catch(() => undefined);
await bus.close();
const c = store.pool;
await c.query(`DROP SCHEMA ${schema} CASCADE`);
await store.close();
await fake.close();
