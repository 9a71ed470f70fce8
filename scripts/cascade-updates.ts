/**
 * How stale a running cascade's or flush's message gets between edits, and how many edits it costs: replays the
 * real liquidation days (and the generated days the golden files use) once with every print posted as an update,
 * which gives each message's true running tally print by print, then plays edit rules over those tallies.
 * `npx tsx scripts/cascade-updates.ts [--rule GROWTH,MINUTES ...] [FILE ...]`
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildConfig, loadConfig } from '../config/load.js';
import type { Alert } from '../src/core/alerts.js';
import { runFile } from '../src/offline.js';
import { february3Squeeze, generateDay, toJsonl } from './market-day.js';
import { march2Reclaim } from './golden.js';

const REAL = [
  'fixtures/binance-2025-01-27-forceorder.real.jsonl',
  'fixtures/binance-2025-10-23-forceorder.real.jsonl',
  'fixtures/binance-2025-12-27-forceorder.real.jsonl',
  '/work/shared/data/binance_2025-01-27_2025-02-03_crashes_5m_with_liqs.jsonl',
];
const BUNDLED = 'fixtures/eth-2026-01-31.synthetic.jsonl';

/** One running message: its start, its true tally after each print, and when its end was posted. */
interface Track {
  file: string;
  id: string;
  what: string;
  startTs: number;
  startUsd: number;
  points: { ts: number; usd: number }[];
  endTs: number;
  endUsd: number;
}

export interface EditRule {
  growth: number;
  minMs: number;
}

export interface Staleness {
  edits: number;
  /** The largest true tally over the tally shown. */
  maxRatio: number;
  /** How long the shown tally was more than 25% behind the true one, and the message's running time (ms). */
  behindMs: number;
  runningMs: number;
  /** The most edits of this message within any 60 s. */
  maxPerMinute: number;
}

/**
 * Play an edit rule over a message's true tallies, as the detectors do: checked at each print against the last post;
 * with `release`, growth reached before the minimum interval is posted once it has passed, print or not (the detectors
 * now), without it only at the next print (the detectors before).
 */
export function playRule(t: Track, rule: EditRule, release: boolean): Staleness & { editTimes: number[] } {
  let shown = t.startUsd, postedAt = t.startTs, maxRatio = 1, behindMs = 0;
  const editTimes: number[] = [];
  const due = (usd: number) => usd >= shown * (1 + rule.growth);
  for (let i = 0; i < t.points.length; i++) {
    const p = t.points[i]!;
    if (due(p.usd) && p.ts - postedAt >= rule.minMs) {
      shown = p.usd;
      postedAt = p.ts;
      editTimes.push(p.ts);
    }
    const until = i + 1 < t.points.length ? t.points[i + 1]!.ts : t.endTs;
    const ratio = p.usd / shown;
    if (ratio > maxRatio) maxRatio = ratio;
    // Held back by the interval: behind until it is posted (at the interval's end, or the next print's).
    const postAt = release && due(p.usd) && postedAt + rule.minMs < until ? postedAt + rule.minMs : until;
    if (ratio > 1.25) behindMs += Math.max(0, postAt - p.ts);
    if (postAt < until) {
      shown = p.usd;
      postedAt = postAt;
      editTimes.push(postAt);
    }
  }
  return { edits: editTimes.length, maxRatio, behindMs, runningMs: t.endTs - t.startTs, maxPerMinute: maxPerMinute(editTimes), editTimes };
}

/** The most of these times (sorted) within any 60 s. */
function maxPerMinute(times: readonly number[]): number {
  let max = 0;
  for (let i = 0, j = 0; i < times.length; i++) {
    while (times[i]! - times[j]! >= 60_000) j++;
    max = Math.max(max, i - j + 1);
  }
  return max;
}

/** Every running message of a file, with its tally after each print (the engine told to post every print). */
async function tracksOf(file: string): Promise<Track[]> {
  const everyPrint = buildConfig({ cascades: { updateGrowth: 1e-12, updateMinMinutes: 0 } });
  const run = await runFile(file, everyPrint);
  const tracks = new Map<string, Track>();
  const idOf = (a: Alert): string | undefined => ('cascadeId' in a ? a.cascadeId : 'flushId' in a && a.kind.startsWith('market_flush') ? a.flushId : undefined);
  for (const a of run.alerts) {
    const id = idOf(a);
    if (id === undefined || !('usd' in a)) continue;
    if (a.kind === 'cascade' || a.kind === 'market_flush') {
      const what = a.kind === 'cascade' ? `cascade ${a.asset} ${a.side}` : `flush ${a.side}`;
      tracks.set(id, { file, id, what, startTs: a.ts, startUsd: a.usd, points: [], endTs: Infinity, endUsd: a.usd });
    } else if (a.kind === 'cascade_update' || a.kind === 'market_flush_update') tracks.get(id)?.points.push({ ts: a.ts, usd: a.usd });
    else if (a.kind === 'cascade_end' || a.kind === 'market_flush_end') {
      const t = tracks.get(id);
      if (t) Object.assign(t, { endTs: a.ts, endUsd: a.usd });
    }
  }
  for (const t of tracks.values()) if (!Number.isFinite(t.endTs)) t.endTs = t.points.at(-1)?.ts ?? t.startTs;
  return [...tracks.values()];
}

const money = (usd: number) => (usd >= 1e6 ? `$${(usd / 1e6).toFixed(2)}M` : `$${(usd / 1e3).toFixed(0)}K`);
const minutes = (ms: number) => `${(ms / 60_000).toFixed(1)}m`;

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const rules: EditRule[] = [];
  const files: string[] = [];
  for (let i = 0; i < args.length; i++) {
    if (args[i] === '--rule') {
      const [g, m] = args[++i]!.split(',').map(Number);
      rules.push({ growth: g!, minMs: m! * 60_000 });
    } else files.push(args[i]!);
  }
  const config = loadConfig();
  const current: EditRule = { growth: config.cascades.updateGrowth, minMs: config.cascades.updateMinMinutes * 60_000 };
  if (!rules.length) rules.push({ growth: 1, minMs: 5 * 60_000 }, { growth: 0.25, minMs: 30_000 }, { growth: 0.25, minMs: 60_000 }, { growth: 0.25, minMs: 2 * 60_000 }, { growth: 0.2, minMs: 60_000 });
  const tmp = mkdtempSync(join(tmpdir(), 'cascade-updates-'));
  try {
    if (!files.length) {
      files.push(...REAL, BUNDLED);
      for (const [name, day] of [['squeeze (generated)', february3Squeeze()], ['reclaim (generated)', march2Reclaim()]] as const) {
        const path = join(tmp, `${name.split(' ')[0]}.jsonl`);
        writeFileSync(path, toJsonl(generateDay(day)));
        files.push(path);
      }
    }
    console.log(`config now: growth ${current.growth}, ${current.minMs / 60_000} min`);
    for (const file of files) {
      const tracks = await tracksOf(file);
      console.log(`\n## ${file.split('/').pop()}: ${tracks.length} running message(s)`);
      const together = new Map<string, number[]>();
      for (const t of tracks) {
        console.log(`${t.what} ${new Date(t.startTs).toISOString().slice(0, 16)} start ${money(t.startUsd)} -> end ${money(t.endUsd)} (peak running ${money(Math.max(t.startUsd, ...t.points.map((p) => p.usd)))}), ${t.points.length} prints, running ${minutes(t.endTs - t.startTs)}`);
        for (const r of rules) {
          for (const release of [false, true]) {
            const s = playRule(t, r, release);
            const name = `growth ${r.growth} / ${r.minMs / 60_000} min${release ? ' + release' : ''}`;
            together.set(name, [...(together.get(name) ?? []), ...s.editTimes]);
            console.log(`  ${name.padEnd(30)} ${String(s.edits).padStart(3)} edits (max ${s.maxPerMinute}/min), shown up to ${s.maxRatio.toFixed(2)}x behind, >25% behind for ${minutes(s.behindMs)} of ${minutes(s.runningMs)}`);
          }
        }
      }
      if (tracks.length > 1) for (const [name, times] of together) console.log(`  all messages together, ${name}: at most ${maxPerMinute(times.sort((a, b) => a - b))} edits in a minute`);
    }
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}

await main();
