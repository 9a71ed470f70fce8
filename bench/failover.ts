/**
 * Failover time of the core role (issue 19): two `liqbot start --role core` processes on the local PostgreSQL
 * and NATS, the bundled day in the stream; once the leader has applied part of it, `kill -9` it and time how long
 * until the standby has applied its first batch (its log line's time minus the kill's). Several runs, each on a
 * fresh schema and stream; min / median / max. Skipped, with a line saying why, when either service is away.
 */
import { BusPublisher } from '../src/bus/publisher.js';
import { replayToBus } from '../src/bus/replay.js';
import { connectBus } from '../src/bus/stream.js';
import { BUNDLED_DAY } from '../src/cli.js';
import { openPostgresStore } from '../src/store/postgres.js';
import { killChildren, schemaUrl, startChild, until } from '../test/bus/children.js';
import { NATS_URL, natsUnavailable } from '../test/services/nats.js';
import { PG_URL, dropRunSchemas, pgUnavailable, schemaName } from '../test/services/postgres.js';
import { figure, fmtInt, median, skipped, type BenchOptions, type Figure } from './util.js';

const LABEL = 'core failover: kill -9 of the leader → first batch applied by the standby';

async function once(run: number): Promise<{ ms: number; leadingMs: number }> {
  const schema = schemaName();
  const stream = `LBTBENCHFO${process.pid}R${run}`;
  const store = await openPostgresStore({ url: PG_URL, schema, migrate: true });
  const bus = await connectBus({ url: NATS_URL, stream, prefix: stream.toLowerCase() });
  try {
    await replayToBus(BUNDLED_DAY, new BusPublisher(bus, { maxEvents: 250 }), { speed: Infinity });
    const last = (await bus.jsm.streams.info(stream)).state.last_seq;
    const env = { LIQBOT_DATABASE_URL: schemaUrl(PG_URL, schema), LIQBOT_NATS_URL: NATS_URL, LIQBOT_NATS_STREAM: stream };
    const a = startChild('core A', ['bin/liqbot.js', 'start', '--role', 'core'], env);
    await a.waitLog('core leading');
    const b = startChild('core B', ['bin/liqbot.js', 'start', '--role', 'core'], env);
    await b.waitLog('standing by');
    await until(async () => (await store.busOffset('core')) >= last / 4, 'the leader to apply a quarter of the day', 120_000, 20);
    if ((await store.busOffset('core')) >= last) throw new Error('the leader applied the whole day before the kill');
    a.kill('SIGKILL');
    const killedAt = Date.now();
    await a.exited;
    const first = await b.waitLog('core applied its first batch', 60_000);
    const leading = b.lines.find((l) => l.msg.includes('core took the leader lock'))!;
    // A leader that took over must stop when told to (it once waited out its hourly prune's timer instead).
    b.kill('SIGTERM');
    let late: ReturnType<typeof setTimeout> | undefined;
    const code = await Promise.race([b.exited, new Promise<'late'>((r) => (late = setTimeout(() => r('late'), 15_000)))]).finally(() => clearTimeout(late));
    if (code !== 0) throw new Error(code === 'late' ? 'the new leader did not exit within 15 s of SIGTERM' : `the new leader exited with ${code} on SIGTERM`);
    return { ms: first.time - killedAt, leadingMs: leading.time - killedAt };
  } finally {
    await killChildren();
    await bus.jsm.streams.delete(stream).catch(() => undefined);
    await bus.close();
    await store.close();
  }
}

export async function failoverFigures(opts: BenchOptions): Promise<Figure[]> {
  const away = (await pgUnavailable()) ?? (await natsUnavailable());
  if (away) {
    return [skipped({ figure: 'failover.core', label: LABEL, unit: 'ms', better: 'lower', baselineLabel: '—', aimText: '< 5,000 ms', reason: away })];
  }
  const runs = opts.quick ? 3 : 5;
  const ms: number[] = [];
  const lock: number[] = [];
  try {
    for (let i = 0; i < runs; i++) {
      const r = await once(i);
      ms.push(r.ms);
      lock.push(r.leadingMs);
      opts.progress(`failover: run ${i + 1} of ${runs}: lock taken after ${r.leadingMs} ms, first batch applied after ${r.ms} ms`);
    }
  } finally {
    await dropRunSchemas();
  }
  const min = Math.min(...ms);
  const max = Math.max(...ms);
  return [
    figure({
      figure: 'failover.core',
      label: LABEL,
      value: median(ms),
      unit: 'ms (median)',
      better: 'lower',
      baseline: null,
      baselineLabel: '—',
      aim: [{ on: 'value', op: '<=', target: 5_000 }],
      aimText: '≤ 5,000 ms',
      note: `${runs} runs: min ${fmtInt(min)} ms, median ${fmtInt(median(ms))} ms, max ${fmtInt(max)} ms; the standby took the lock after ${fmtInt(Math.min(...lock))}–${fmtInt(Math.max(...lock))} ms (it polls every 250 ms and follows the store while waiting, so it restores only the last stretch)`,
    }),
  ];
}
