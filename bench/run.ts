/**
 * `npm run bench`: every benchmark figure with the baseline measured in the same run, the ratio to it, the
 * aim and whether it is met, as a markdown table (or, with `-- --json`, one JSON object per figure per line).
 * `-- --quick` runs a small version (CI); `-- --only ingest,liqs` runs some groups. Progress goes to stderr.
 * Timings never fail the run: the exit code is non-zero only when a figure could not run at all.
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { availableParallelism, loadavg, totalmem } from 'node:os';
import { setLogLevel } from '../src/log.js';
import { chartFigures } from './figures/charts.js';
import { fanoutFigures } from './figures/fanout.js';
import { ingestFigures } from './figures/ingest.js';
import { latencyFigures } from './figures/latency.js';
import { liqsFigures } from './figures/liqs.js';
import { memoryFigures, startFigures } from './figures/process.js';
import { botMemoryFigures } from './figures/bot-memory.js';
import { rolesFigures } from './figures/roles.js';
import { failoverFigures } from './failover.js';
import { fmt, fmtInt, type BenchOptions, type Figure } from './util.js';

interface Group {
  name: string;
  run: (opts: BenchOptions) => Promise<Figure[]>;
}

const GROUPS: Group[] = [
  { name: 'ingest', run: ingestFigures },
  { name: 'liqs', run: liqsFigures },
  { name: 'fanout', run: fanoutFigures },
  { name: 'charts', run: chartFigures },
  { name: 'latency', run: latencyFigures },
  { name: 'memory', run: memoryFigures },
  { name: 'botmemory', run: botMemoryFigures },
  { name: 'start', run: startFigures },
  { name: 'roles', run: rolesFigures },
  { name: 'failover', run: failoverFigures },
];

const USAGE = `usage: npm run bench [-- --quick] [-- --json] [-- --beside-load] [-- --only ${GROUPS.map((g) => g.name).join(',')}] [-- --memory-rate EVENTS_PER_S] [-- --bot-memory-rate EVENTS_PER_S]`;

/** The machine's load average (1, 5, 15 minutes), to state with the figures. */
const load = () => loadavg().map((x) => Number(x.toFixed(2)));

/**
 * `--beside-load`: a child process that keeps one core busy for the whole run (a tight loop), so the figures
 * show what a busy neighbour costs; the same-run ratios should hold.
 */
function cpuHog(): ChildProcess {
  const hog = spawn(process.execPath, ['-e', 'for (;;) { for (let i = 0; i < 1e7; i++); }'], { stdio: 'ignore' });
  hog.unref();
  process.on('exit', () => hog.kill()); // also when a figure throws
  for (const sig of ['SIGINT', 'SIGTERM'] as const) process.once(sig, () => process.exit(130));
  return hog;
}

export interface Machine {
  nproc: number;
  memory: string;
  node: string;
  cpu: string;
}

export function machine(): Machine {
  let cpu = 'unknown';
  try {
    cpu = /^model name\s*:\s*(.+)$/m.exec(readFileSync('/proc/cpuinfo', 'utf8'))?.[1]?.trim() ?? cpu;
  } catch {
    // Not Linux: leave it unknown.
  }
  let memory = `${(totalmem() / 2 ** 30).toFixed(1)} GiB total`;
  try {
    const free = execFileSync('free', ['-h'], { encoding: 'utf8' });
    const mem = /^Mem:\s+(\S+)\s+(\S+)\s+(\S+)\s+\S+\s+\S+\s+(\S+)/m.exec(free);
    if (mem) memory = `${mem[1]} total, ${mem[4]} available`;
  } catch {
    // No `free`: os.totalmem() will do.
  }
  return { nproc: availableParallelism(), memory, node: process.version, cpu };
}

function ratioText(f: Figure): string {
  if (f.ratio === null) return '—';
  const r = f.ratio;
  if (f.better === 'lower' && f.unit === 'ms' && r > 0 && r < 1) return `${fmt(r)}× (${fmt(1 / r)}× faster)`;
  return `${fmt(r)}×`;
}

function valueText(x: number | null, unit: string): string {
  if (x === null) return '—';
  return unit === 'count' ? fmtInt(x) : `${fmt(x)} ${unit}`;
}

/** A markdown table: readable in a terminal, pasted as-is into docs/bench.md. */
export function table(figures: readonly Figure[]): string {
  const rows = figures.map((f) => [
    f.label,
    f.skipped ? `skipped: ${f.skipped}` : valueText(f.value, f.unit),
    f.skipped || f.baseline === null ? `— (${f.baselineLabel})` : `${valueText(f.baseline, f.unit)} (${f.baselineLabel})`,
    f.skipped ? '—' : ratioText(f),
    f.aimText,
    f.skipped ? 'not measured' : f.met === undefined ? '—' : f.met ? 'yes' : '**no**',
  ]);
  const head = ['Figure', 'Value', 'Baseline (same run)', 'Ratio', 'Aim', 'Met'];
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]) => `| ${cells.map((c, i) => c.padEnd(widths[i]!)).join(' | ')} |`;
  return [line(head), `|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`, ...rows.map(line)].join('\n');
}

async function main(argv: string[]): Promise<number> {
  const quick = argv.includes('--quick');
  const json = argv.includes('--json');
  const onlyAt = argv.indexOf('--only');
  const only = onlyAt >= 0 ? (argv[onlyAt + 1] ?? '').split(',').filter(Boolean) : undefined;
  const besideLoad = argv.includes('--beside-load');
  const rateAt = argv.indexOf('--memory-rate');
  const memoryRate = rateAt >= 0 ? Number(argv[rateAt + 1]) : undefined;
  const botRateAt = argv.indexOf('--bot-memory-rate');
  const botMemoryRate = botRateAt >= 0 ? Number(argv[botRateAt + 1]) : undefined;
  const values = new Set([onlyAt + 1, rateAt + 1, botRateAt + 1].filter((i) => i > 0));
  const unknown = argv.filter((a, i) => !values.has(i) && !['--quick', '--json', '--beside-load', '--only', '--memory-rate', '--bot-memory-rate'].includes(a));
  const badRate = (r: number | undefined) => r !== undefined && !(r > 0);
  if (unknown.length || (only && only.some((o) => !GROUPS.some((g) => g.name === o))) || badRate(memoryRate) || badRate(botMemoryRate)) {
    console.error(USAGE);
    return 2;
  }
  setLogLevel(process.env.LOG_LEVEL ?? 'warn');
  const started = performance.now();
  const progress = (line: string) => console.error(`[${((performance.now() - started) / 1000).toFixed(0).padStart(4)} s] ${line}`);
  const opts: BenchOptions = { quick, progress, ...(memoryRate !== undefined ? { memoryRate } : {}), ...(botMemoryRate !== undefined ? { botMemoryRate } : {}) };
  const m = machine();
  const loadBefore = load();
  const hog = besideLoad ? cpuHog() : undefined;
  const setting = `${quick ? 'quick' : 'full'}${besideLoad ? ', beside a CPU-heavy process' : ''}`;
  progress(`liqbot bench (${setting}) · ${m.nproc} cores · ${m.cpu} · ${m.memory} · node ${m.node} · load average ${loadBefore.join(' ')}`);
  const figures: Figure[] = [];
  let failed = 0;
  for (const g of GROUPS) {
    if (only && !only.includes(g.name)) continue;
    const t0 = performance.now();
    try {
      const got = await g.run(opts);
      figures.push(...got);
      if (json) for (const f of got) console.log(JSON.stringify(jsonOf(f, quick)));
    } catch (err) {
      failed++;
      progress(`${g.name}: FAILED: ${(err as Error).stack ?? String(err)}`);
      const f: Figure = {
        figure: g.name, label: g.name, value: null, unit: '', better: 'higher', baseline: null, baselineLabel: '', ratio: null, aim: [], aimText: '—',
        skipped: `failed: ${(err as Error).message}`,
      };
      figures.push(f);
      if (json) console.log(JSON.stringify(jsonOf(f, quick)));
    }
    progress(`${g.name}: done in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
  }
  const total = (performance.now() - started) / 1000;
  const loadAfter = load();
  hog?.kill();
  const run = { machine: m, quick, besideLoad, seconds: Math.round(total), loadBefore, loadAfter };
  if (json) console.log(JSON.stringify({ figure: 'run', ...run }));
  else {
    console.log(
      `liqbot benchmarks (${setting} run, ${total.toFixed(0)} s) · ${m.nproc} cores · ${m.cpu} · ${m.memory} · node ${m.node} · ` +
        `load average (1, 5, 15 min) ${loadBefore.join(' ')} before, ${loadAfter.join(' ')} after\n`,
    );
    console.log(table(figures));
    const notes = figures.filter((f) => f.note);
    if (notes.length) {
      console.log('\nNotes:');
      const seen = new Set<string>();
      for (const f of notes) {
        const key = `${f.figure.split('.')[0]}: ${f.note}`;
        if (seen.has(key)) continue;
        seen.add(key);
        console.log(`- ${key}`);
      }
    }
  }
  progress(`finished in ${total.toFixed(0)} s`);
  return failed ? 1 : 0;
}

function jsonOf(f: Figure, quick: boolean): Record<string, unknown> {
  return {
    figure: f.figure, value: f.value, unit: f.unit, baseline: f.baseline, ratio: f.ratio, aim: f.aimText, met: f.met ?? null,
    label: f.label, baselineLabel: f.baselineLabel, better: f.better, quick,
    ...(f.skipped ? { skipped: f.skipped } : {}), ...(f.note ? { note: f.note } : {}),
  };
}

process.exitCode = await main(process.argv.slice(2));
