/**
 * Figure 6, memory and start: peak RSS of a child process that fed the engine a week of events (no store),
 * against the same child with no events; and the wall time of `liqbot liqs eth --data <bundled day>` from
 * spawn to its answer, against starting Node itself.
 */
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { figure, fmtInt, median, runChild, settle, type BenchOptions, type Figure } from '../util.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const WEEK_SOURCE = fileURLToPath(new URL('../children/week.ts', import.meta.url));
/** Bundled next to the CLI's bundle in dist/ (config paths resolve the same way), as the bot itself runs. */
const WEEK_CHILD = `${ROOT}dist/bench-week.js`;
const FIXTURE = 'fixtures/eth-2026-01-31.synthetic.jsonl';

interface WeekResult {
  events: number;
  ms: number;
  peakRssMb: number;
  heapUsedMb: number;
  arrayBuffersMb: number;
}

async function week(rate: number): Promise<WeekResult> {
  const r = await runChild(process.execPath, ['--expose-gc', WEEK_CHILD, '--rate', String(rate), '--days', '7'], {
    cwd: ROOT,
    env: { ...process.env, LOG_LEVEL: 'silent' },
    timeoutMs: 15 * 60_000,
  });
  const line = r.stdout.trim().split('\n').pop() ?? '';
  if (r.code !== 0 || !line.startsWith('{')) throw new Error(`week child failed (exit ${r.code}): ${r.stderr.slice(-500)}`);
  return JSON.parse(line) as WeekResult;
}

export async function memoryFigures(opts: BenchOptions): Promise<Figure[]> {
  // What stays is bounded by the buckets (columnar arrays per asset and day), not by the count of events. The full
  // run takes the brief's 100 events/s (60M events, ~1.5 minutes on 2 cores); `--quick` scales down.
  const rate = opts.memoryRate ?? (opts.quick ? 2 : 100);
  await build({
    entryPoints: [WEEK_SOURCE], outfile: WEEK_CHILD, bundle: true, format: 'esm', platform: 'node', target: 'node20', packages: 'external', logLevel: 'warning',
  });
  opts.progress(`memory: a child ingests a week at ${rate} events/s (${fmtInt(rate * 7 * 86_400)} events, no store)…`);
  const base = await week(0);
  const run = await week(rate);
  opts.progress(
    `memory: peak RSS ${run.peakRssMb.toFixed(0)} MB after ${fmtInt(run.events)} events in ${(run.ms / 1000).toFixed(0)} s ` +
      `(${fmtInt(run.events / (run.ms / 1000))} events/s); heap after GC ${run.heapUsedMb.toFixed(0)} MB + ${run.arrayBuffersMb.toFixed(0)} MB of typed arrays; empty engine ${base.peakRssMb.toFixed(0)} MB`,
  );
  return [
    figure({
      figure: 'memory.week', label: `Peak RSS after a week at ${rate} events/s (no store)`, value: run.peakRssMb, unit: 'MB', better: 'lower',
      baseline: base.peakRssMb, baselineLabel: 'same process, no events', aim: [{ on: 'value', op: '<=', target: 250 }], aimText: '< 250 MB',
      note:
        `${fmtInt(run.events)} events (20 assets, 6 exchanges, 1m candles), engine only, no store (SQLite would add its page cache, at most 32 MB); ` +
        `heap after GC ${run.heapUsedMb.toFixed(0)} MB + ${run.arrayBuffersMb.toFixed(0)} MB of typed arrays (the buckets); one run` + (rate < 100 ? `; scaled from 100 to ${rate} events/s (\`--memory-rate 100\` for the real case)` : ''),
    }),
  ];
}

export async function startFigures(opts: BenchOptions): Promise<Figure[]> {
  const runs = opts.quick ? 2 : 7;
  const liqs: number[] = [], exit: number[] = [], node: number[] = [], usage: number[] = [];
  const cli = ['bin/liqbot.js', 'liqs', 'eth', '--data', FIXTURE];
  opts.progress(`start: node ${cli.join(' ')} × ${runs}, against node -e 0…`);
  for (let i = 0; i < runs; i++) {
    await settle(20);
    const r = await runChild(process.execPath, cli, { cwd: ROOT, timeoutMs: 60_000 });
    if (r.code !== 0 || !/ETH liquidations/.test(r.stdout)) throw new Error(`liqbot liqs failed (exit ${r.code}): ${r.stderr.slice(-300)}`);
    liqs.push(r.firstOutputMs);
    exit.push(r.ms);
    node.push((await runChild(process.execPath, ['-e', '0'], { cwd: ROOT })).ms);
    usage.push((await runChild(process.execPath, ['bin/liqbot.js', '--help'], { cwd: ROOT })).ms);
  }
  opts.progress(
    `start: liqs answered in ${median(liqs).toFixed(0)} ms (exited at ${median(exit).toFixed(0)} ms) · liqbot --help (loading only) ${median(usage).toFixed(0)} ms · node -e 0 ${median(node).toFixed(0)} ms`,
  );
  return [
    figure({
      figure: 'start.liqs', label: '`liqbot liqs eth --data <bundled day>` to its answer', value: median(liqs), unit: 'ms', better: 'lower',
      baseline: median(node), baselineLabel: 'node -e 0', aim: [{ on: 'value', op: '<=', target: 1000 }], aimText: '< 1 s',
      note:
        `median of ${runs}, wall time from spawn to the answer on stdout (exit: ${median(exit).toFixed(0)} ms); ` +
        `\`liqbot --help\` (tsx + CLI modules, no data) took ${median(usage).toFixed(0)} ms; the file has 55,823 events`,
    }),
  ];
}
