/**
 * What every benchmark figure shares: the figure record (value, baseline, ratio, aim), statistics over
 * repeated runs, temp folders that clean up after themselves, and child processes timed from the outside.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** How a run is sized: `quick` keeps every figure small enough for CI (well under a minute in all). */
export interface BenchOptions {
  quick: boolean;
  /** Events per second of the week the memory figure ingests (default: 25 full, 2 quick; the brief's case is 100). */
  memoryRate?: number;
  /** Events per second of the week `liqbot start` is fed for its memory figure (default: 100 full, 1 quick, over one day). */
  botMemoryRate?: number;
  /** Progress lines go here (stderr), so stdout stays the table or the JSON lines. */
  progress: (line: string) => void;
}

/** One condition of an aim, on the figure's value or on its ratio to the baseline. */
export interface AimCondition {
  on: 'value' | 'ratio';
  op: '>=' | '<=';
  target: number;
}

export interface Figure {
  /** Stable id to compare from run to run, e.g. `ingest.sqlite`. */
  figure: string;
  /** What a person reads in the table. */
  label: string;
  value: number | null;
  unit: string;
  /** Which way is better for the value (and for the ratio). */
  better: 'higher' | 'lower';
  baseline: number | null;
  /** What the baseline is, in a few words. */
  baselineLabel: string;
  /** value / baseline (null without a baseline). */
  ratio: number | null;
  aim: AimCondition[];
  /** The aim as a person reads it, e.g. "≥ 200,000 events/s". */
  aimText: string;
  /** Undefined when the figure has no aim. */
  met?: boolean;
  /** Why the figure could not be measured. */
  skipped?: string;
  /** Anything a reader needs to trust the number (sizes, runs, scaling). */
  note?: string;
}

export interface FigureInput {
  figure: string;
  label: string;
  value: number;
  unit: string;
  better: 'higher' | 'lower';
  baseline: number | null;
  baselineLabel: string;
  aim?: AimCondition[];
  aimText?: string;
  note?: string;
}

/** A measured figure: the ratio and whether the aim is met are derived here, the same way for all. */
export function figure(f: FigureInput): Figure {
  const ratio = f.baseline !== null && f.baseline !== 0 ? f.value / f.baseline : f.baseline === 0 && f.value === 0 ? 1 : null;
  const aim = f.aim ?? [];
  const check = (c: AimCondition) => {
    const x = c.on === 'value' ? f.value : ratio;
    if (x === null) return false;
    return c.op === '>=' ? x >= c.target : x <= c.target;
  };
  const out: Figure = { ...f, ratio, aim, aimText: f.aimText ?? '—' };
  if (aim.length) out.met = aim.every(check);
  return out;
}

/** A figure that could not be measured, printed as such rather than left out. */
export function skipped(f: Omit<FigureInput, 'value' | 'baseline'> & { reason: string }): Figure {
  return {
    figure: f.figure, label: f.label, value: null, unit: f.unit, better: f.better, baseline: null, baselineLabel: f.baselineLabel,
    ratio: null, aim: f.aim ?? [], aimText: f.aimText ?? '—', skipped: f.reason, ...(f.note !== undefined ? { note: f.note } : {}),
  };
}

export function median(xs: readonly number[]): number {
  return quantile(xs, 0.5);
}

/** The q-quantile (0..1) by linear interpolation between closest ranks. */
export function quantile(xs: readonly number[], q: number): number {
  if (xs.length === 0) return NaN;
  const s = [...xs].sort((a, b) => a - b);
  const pos = (s.length - 1) * q;
  const lo = Math.floor(pos), hi = Math.ceil(pos);
  return s[lo]! + (s[hi]! - s[lo]!) * (pos - lo);
}

/** A private folder under os.tmpdir(), removed by `cleanup` (and on exit, should a figure throw). */
export class TempDir {
  readonly path: string;
  constructor(prefix = 'liqbot-bench-') {
    this.path = mkdtempSync(join(tmpdir(), prefix));
    live.add(this.path);
  }
  file(name: string): string {
    return join(this.path, name);
  }
  cleanup(): void {
    rmSync(this.path, { recursive: true, force: true });
    live.delete(this.path);
  }
}

const live = new Set<string>();
process.on('exit', () => {
  for (const p of live) rmSync(p, { recursive: true, force: true });
});

/** Give other work (and the garbage collector) a moment between measured runs. */
export function settle(ms = 50): Promise<void> {
  (globalThis as { gc?: () => void }).gc?.();
  return new Promise((r) => setTimeout(r, ms));
}

export interface ChildResult {
  code: number | null;
  stdout: string;
  stderr: string;
  /** Wall time from spawn to exit. */
  ms: number;
  /** Wall time from spawn to the first bytes on stdout (the answer, for a CLI command); NaN if none. */
  firstOutputMs: number;
}

/** Run a command to completion, timing it from the outside. */
export function runChild(cmd: string, args: readonly string[], opts: { cwd?: string; env?: NodeJS.ProcessEnv; timeoutMs?: number } = {}): Promise<ChildResult> {
  return new Promise((resolve, reject) => {
    const t0 = performance.now();
    const child = spawn(cmd, args, { cwd: opts.cwd, env: opts.env ?? process.env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    let firstOutputMs = NaN;
    child.stdout.setEncoding('utf8').on('data', (d: string) => {
      if (stdout === '') firstOutputMs = performance.now() - t0;
      stdout += d;
    });
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    const timer = opts.timeoutMs
      ? setTimeout(() => {
          child.kill('SIGKILL');
          reject(new Error(`${cmd} ${args.join(' ')} took longer than ${opts.timeoutMs} ms`));
        }, opts.timeoutMs)
      : undefined;
    child.on('error', reject);
    child.on('close', (code) => {
      if (timer) clearTimeout(timer);
      resolve({ code, stdout, stderr, ms: performance.now() - t0, firstOutputMs });
    });
  });
}

export const fmtInt = (x: number) => Math.round(x).toLocaleString('en-US');

/** A number with about three significant digits, thousands separated. */
export function fmt(x: number | null): string {
  if (x === null || !Number.isFinite(x)) return '—';
  const a = Math.abs(x);
  if (a >= 1000) return fmtInt(x);
  if (a >= 100) return x.toFixed(0);
  if (a >= 10) return x.toFixed(1);
  if (a >= 1) return x.toFixed(2);
  if (a >= 0.01) return x.toFixed(3);
  if (a === 0) return '0';
  return x.toPrecision(2);
}
