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

/** The offline commands a trader runs on a file: each must load only what it needs. */
const COMMANDS: { name: string; args: string[]; answer: RegExp; until: 'answer' | 'exit' }[] = [
  { name: 'liqs', args: ['liqs', 'eth', '--data', FIXTURE], answer: /ETH liquidations/, until: 'answer' },
  { name: 'levels', args: ['levels', 'eth', '--data', FIXTURE], answer: /ETH levels/, until: 'answer' },
  // replay prints each alert as the day reaches it: its answer is complete when it exits.
  { name: 'replay', args: ['replay', FIXTURE], answer: /cascade/, until: 'exit' },
];

const spread = (xs: readonly number[]) => `min ${Math.min(...xs).toFixed(0)} / median ${median(xs).toFixed(0)} / max ${Math.max(...xs).toFixed(0)} ms`;

export async function startFigures(opts: BenchOptions): Promise<Figure[]> {
  const runs = opts.quick ? 3 : 9;
  const times = new Map<string, number[]>(COMMANDS.map((c) => [c.name, []]));
  const exits = new Map<string, number[]>(COMMANDS.map((c) => [c.name, []]));
  const node: number[] = [], usage: number[] = [];
  // The bundle, as `npm install` leaves it: with sources newer than dist/, bin/liqbot.js would run them through tsx.
  await runChild(process.execPath, ['scripts/build.mjs'], { cwd: ROOT, timeoutMs: 120_000 });
  opts.progress(`start: node bin/liqbot.js liqs|levels|replay <bundled day> × ${runs}, interleaved with node -e 0…`);
  for (let i = 0; i < runs; i++) {
    await settle(20);
    node.push((await runChild(process.execPath, ['-e', '0'], { cwd: ROOT })).ms);
    for (const c of COMMANDS) {
      const r = await runChild(process.execPath, ['bin/liqbot.js', ...c.args], { cwd: ROOT, timeoutMs: 60_000 });
      if (r.code !== 0 || !c.answer.test(r.stdout)) throw new Error(`liqbot ${c.name} failed (exit ${r.code}): ${r.stderr.slice(-300)}`);
      times.get(c.name)!.push(c.until === 'exit' ? r.ms : r.firstOutputMs);
      exits.get(c.name)!.push(r.ms);
    }
    usage.push((await runChild(process.execPath, ['bin/liqbot.js', '--help'], { cwd: ROOT })).ms);
  }
  opts.progress(
    `start: ${COMMANDS.map((c) => `${c.name} ${spread(times.get(c.name)!)}`).join(' · ')} · liqbot --help ${median(usage).toFixed(0)} ms · node -e 0 ${spread(node)}`,
  );
  return COMMANDS.map((c) =>
    figure({
      figure: `start.${c.name}`, label: `\`liqbot ${c.args.join(' ').replace(FIXTURE, '<bundled day>')}\` to its ${c.until === 'exit' ? 'exit' : 'answer'}`, value: median(times.get(c.name)!), unit: 'ms', better: 'lower',
      baseline: median(node), baselineLabel: 'node -e 0', aim: [{ on: 'value', op: '<=', target: 400 }], aimText: '< 400 ms (quiet machine)',
      note:
        `median of ${runs} (${spread(times.get(c.name)!)}; node -e 0: ${spread(node)}), wall time from spawn to ${c.until === 'exit' ? 'exit' : 'the answer on stdout'} (exit: median ${median(exits.get(c.name)!).toFixed(0)} ms); ` +
        `\`liqbot --help\` (CLI modules, no data) took ${median(usage).toFixed(0)} ms; the bundled day has 55,823 events`,
    }),
  );
}
