/**
 * Golden outputs: the byte-exact answers of the offline CLI (`replay --json`, `liqs`, `levels`, `oi`, `demo`)
 * and the sha256 of its chart PNGs, on the bundled day and on two generated days (fixed seeds), pinned under
 * test/golden/. A refactor must leave every byte alone; a change meant to alter outputs rewrites them.
 *
 *   npm run golden                check the outputs against test/golden/ (exit 1 and a list when they differ)
 *   npm run golden -- --update    rewrite test/golden/ (say so in the commit message)
 *
 * Runs the CLI in-process (the same `main` as bin/liqbot.js), without colour, with stdout and stderr captured.
 */
import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { main } from '../src/cli.js';
import { february3Squeeze, generateDay, toJsonl, type DayOptions } from './market-day.js';

export const GOLDEN_DIR = fileURLToPath(new URL('../test/golden/', import.meta.url));
const BUNDLED = 'fixtures/eth-2026-01-31.synthetic.jsonl';
/** Where the golden files write the temporary folder, so they do not depend on it. */
const TMP = '$TMP';

/** A break-and-reclaim day on two assets, 5m candles, not marked synthetic (the live-data wording). */
export function march2Reclaim(): DayOptions {
  return {
    day: Date.parse('2026-03-02T00:00:00Z'),
    seed: 4242,
    candleTimeframe: '5m',
    assets: [
      {
        asset: 'BTC',
        path: [[0, 91_000], [6, 90_400], [9, 88_900], [10, 87_600], [12, 88_200], [14, 89_400], [17, 91_300], [20, 92_100], [24, 91_700]],
        noisePct: 0.06,
        wicks: [[10.2, 87_050]],
        longUsd: 210_000_000,
        shortUsd: 95_000_000,
        exchanges: { binanceusdm: 18, bybit: 32, okx: 22, htx: 14, gate: 6, lighter: 8 },
        avgOrderUsd: 60_000,
        background: 0.12,
        levels: [{ price: 90_000, label: 'weekly open' }, { low: 87_500, high: 88_000, label: 'demand' }],
        history: { days: 40, longMedian: 80_000_000, shortMedian: 55_000_000 },
        leverage: { oiUsd: { binanceusdm: 11e9, bybit: 8e9, okx: 5e9 }, buildPctPerDay: 1.5, flushDropPct: 6, fundingBefore: 0.0001, fundingAfter: -0.00005 },
      },
      {
        asset: 'ETH',
        path: [[0, 3120], [8, 3090], [10, 2990], [11, 3015], [15, 3080], [24, 3150]],
        noisePct: 0.08,
        longUsd: 70_000_000,
        shortUsd: 48_000_000,
        exchanges: { bybit: 40, okx: 30, binanceusdm: 30 },
        avgOrderUsd: 30_000,
        levels: [{ price: 3000, label: 'round number' }],
        history: { days: 40, longMedian: 30_000_000, shortMedian: 25_000_000 },
      },
    ],
  };
}

interface Case {
  /** File name under test/golden/ (without extension). */
  name: string;
  argv: string[];
  /** Chart files the case writes (names inside the temporary folder). */
  charts?: string[];
}

function cases(squeeze: string, reclaim: string): Case[] {
  const chart = (name: string) => ['--chart', join(TMP, name)];
  return [
    { name: 'bundled-replay-json', argv: ['replay', BUNDLED, '--json'] },
    { name: 'bundled-replay-stats', argv: ['replay', BUNDLED, '--stats'] },
    { name: 'bundled-liqs-eth-24h', argv: ['liqs', 'eth', '--data', BUNDLED, ...chart('bundled-liqs-eth-24h.png')], charts: ['bundled-liqs-eth-24h.png'] },
    { name: 'bundled-liqs-eth-1h-json', argv: ['liqs', 'ETH', '--data', BUNDLED, '--window', '1h', '--at', '2026-01-31T16:00:00Z', '--json', ...chart('bundled-liqs-eth-1h.png')], charts: ['bundled-liqs-eth-1h.png'] },
    { name: 'bundled-liqs-all-7d-json', argv: ['liqs', 'all', '--data', BUNDLED, '--window', '7d', '--json'] },
    { name: 'bundled-levels-eth', argv: ['levels', 'eth', '--data', BUNDLED, ...chart('bundled-levels-eth.png')], charts: ['bundled-levels-eth.png'] },
    { name: 'bundled-levels-sol-json', argv: ['levels', 'sol', '--data', BUNDLED, '--at', '2026-01-31T14:00:00Z', '--json'] },
    { name: 'bundled-oi-eth-4h', argv: ['oi', 'eth', '--data', BUNDLED, '--window', '4h'] },
    { name: 'demo', argv: ['demo'] },
    { name: 'squeeze-replay-json', argv: ['replay', squeeze, '--json'] },
    { name: 'squeeze-liqs-sol-4h', argv: ['liqs', 'sol', '--data', squeeze, '--window', '4h', '--at', '2026-02-03T13:00:00Z', ...chart('squeeze-liqs-sol-4h.png')], charts: ['squeeze-liqs-sol-4h.png'] },
    { name: 'squeeze-levels-sol', argv: ['levels', 'sol', '--data', squeeze, ...chart('squeeze-levels-sol.png')], charts: ['squeeze-levels-sol.png'] },
    { name: 'squeeze-oi-sol-json', argv: ['oi', 'sol', '--data', squeeze, '--json'] },
    { name: 'reclaim-replay', argv: ['replay', reclaim] },
    { name: 'reclaim-replay-json', argv: ['replay', reclaim, '--json'] },
    { name: 'reclaim-liqs-all', argv: ['liqs', 'all', '--data', reclaim, '--window', '12h'] },
    { name: 'reclaim-liqs-btc-json', argv: ['liqs', 'btc', '--data', reclaim, '--json'] },
    { name: 'reclaim-levels-btc', argv: ['levels', 'btc', '--data', reclaim, '--at', '2026-03-02T12:00:00Z', ...chart('reclaim-levels-btc.png')], charts: ['reclaim-levels-btc.png'] },
    { name: 'reclaim-levels-eth-json', argv: ['levels', 'eth', '--data', reclaim, '--json'] },
    { name: 'reclaim-oi-btc', argv: ['oi', 'btc', '--data', reclaim] },
  ];
}

/** Runs the CLI in-process: stdout exactly as a terminal would get it, stderr and the exit code. */
async function run(argv: string[]): Promise<{ out: string; err: string; code: number }> {
  const out: string[] = [], err: string[] = [];
  const log = console.log, error = console.error;
  console.log = (...a: unknown[]) => void out.push(`${a.join(' ')}\n`);
  console.error = (...a: unknown[]) => void err.push(`${a.join(' ')}\n`);
  try {
    const code = await main(argv);
    return { out: out.join(''), err: err.join(''), code };
  } finally {
    console.log = log;
    console.error = error;
  }
}

/** Every golden file's expected content, by file name: `<case>.out`, `<case>.err` and `charts.sha256`. */
export async function goldenOutputs(): Promise<Map<string, string>> {
  const tmp = mkdtempSync(join(tmpdir(), 'liqbot-golden-'));
  const savedColor = process.env.NO_COLOR, savedConfig = process.env.LIQBOT_CONFIG;
  process.env.NO_COLOR = '1';
  delete process.env.LIQBOT_CONFIG;
  try {
    const squeeze = join(tmp, 'squeeze.jsonl');
    const reclaim = join(tmp, 'reclaim.jsonl');
    writeFileSync(squeeze, toJsonl(generateDay(february3Squeeze())));
    writeFileSync(reclaim, toJsonl(generateDay(march2Reclaim())));
    const files = new Map<string, string>();
    const hashes: string[] = [];
    const untmp = (s: string) => s.split(tmp).join(TMP);
    for (const c of cases(squeeze, reclaim)) {
      const r = await run(c.argv.map((a) => a.split(TMP).join(tmp)));
      files.set(`${c.name}.out`, untmp(r.out));
      files.set(`${c.name}.err`, `${untmp(r.err)}exit ${r.code}\n`);
      for (const png of c.charts ?? []) hashes.push(`${createHash('sha256').update(readFileSync(join(tmp, png))).digest('hex')}  ${png}\n`);
    }
    files.set('charts.sha256', hashes.join(''));
    return files;
  } finally {
    if (savedColor === undefined) delete process.env.NO_COLOR;
    else process.env.NO_COLOR = savedColor;
    if (savedConfig !== undefined) process.env.LIQBOT_CONFIG = savedConfig;
    rmSync(tmp, { recursive: true, force: true });
  }
}

/** The golden files as committed. */
export function committedOutputs(): Map<string, string> {
  const files = new Map<string, string>();
  for (const name of readdirSync(GOLDEN_DIR)) {
    if (name.endsWith('.out') || name.endsWith('.err') || name.endsWith('.sha256')) files.set(name, readFileSync(join(GOLDEN_DIR, name), 'utf8'));
  }
  return files;
}

/** Names of the files whose content differs, is missing or is extra. */
export function differences(expected: Map<string, string>, actual: Map<string, string>): string[] {
  const names = new Set([...expected.keys(), ...actual.keys()]);
  return [...names].filter((n) => expected.get(n) !== actual.get(n)).sort();
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const actual = await goldenOutputs();
  if (process.argv.includes('--update')) {
    mkdirSync(GOLDEN_DIR, { recursive: true });
    for (const name of readdirSync(GOLDEN_DIR)) if (!actual.has(name) && name !== 'golden.test.ts') rmSync(join(GOLDEN_DIR, name));
    for (const [name, text] of actual) writeFileSync(join(GOLDEN_DIR, name), text);
    console.log(`wrote ${actual.size} golden files to test/golden/`);
  } else {
    const diff = differences(committedOutputs(), actual);
    if (diff.length) {
      console.error(`golden outputs differ: ${diff.join(', ')}\n(npm run golden -- --update rewrites them when the change is meant)`);
      process.exitCode = 1;
    } else console.log(`golden outputs: all ${actual.size} files identical`);
  }
}
