/**
 * Figure 1, ingest: a generated file of N liquidations (8 assets, 6 exchanges, with candles, open interest
 * and funding) through validation, the reorder buffer, aggregation and detectors, with and without the
 * SQLite store, against the floor every pipeline pays: reading the same lines and `JSON.parse` of each.
 */
import { createReadStream, rmSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { loadConfig } from '../../config/load.js';
import { LiqBot } from '../../src/bot.js';
import { readEventFile, newReport } from '../../src/io/event-file.js';
import { runFile } from '../../src/offline.js';
import { openSqliteStore } from '../../src/store/sqlite.js';
import { writeIngestFile } from '../data.js';
import { figure, fmtInt, median, settle, TempDir, type BenchOptions, type Figure } from '../util.js';

/** Read the lines and parse each: nothing else. */
async function floorRun(path: string): Promise<{ ms: number; events: number }> {
  const t0 = performance.now();
  const lines = createInterface({ input: createReadStream(path, { encoding: 'utf8' }), crlfDelay: Infinity });
  let n = 0;
  let sink = 0;
  for await (const line of lines) {
    if (line.length === 0) continue;
    const v = JSON.parse(line) as { ts: number; type: string };
    if (v.type !== 'meta') n++;
    sink += v.ts;
  }
  if (sink === 42) console.error('');
  return { ms: performance.now() - t0, events: n };
}

/** The offline pipeline (`liqbot replay`): file → validation → reorder → market engine. */
async function noStoreRun(path: string): Promise<{ ms: number; events: number; alerts: number }> {
  const config = loadConfig();
  const t0 = performance.now();
  const run = await runFile(path, config);
  const ms = performance.now() - t0;
  if (run.report.invalidCount) throw new Error(`ingest file has ${run.report.invalidCount} invalid lines`);
  return { ms, events: run.report.events, alerts: run.alerts.length };
}

/** The live pipeline with persistence: file → validation → reorder → LiqBot (engine + batched SQLite writes). */
async function sqliteRun(path: string, dbPath: string): Promise<{ ms: number; events: number; stored: number }> {
  const config = loadConfig();
  const t0 = performance.now();
  const store = openSqliteStore(dbPath);
  const bot = new LiqBot({ config, store, clockSkewMs: false }); // a recorded day: its own time is the clock
  const report = newReport();
  for await (const e of readEventFile(path, report)) bot.ingest(e);
  bot.flush();
  const ms = performance.now() - t0;
  if (bot.stats.storeErrors) throw new Error(`${bot.stats.storeErrors} store writes failed`);
  let stored = 0;
  for (const _ of store.eventsSince(0)) stored++;
  store.close();
  for (const suffix of ['', '-wal', '-shm', '.lock']) rmSync(dbPath + suffix, { force: true });
  return { ms, events: report.events, stored };
}

export async function ingestFigures(opts: BenchOptions): Promise<Figure[]> {
  const liquidations = opts.quick ? 50_000 : 1_000_000;
  const days = opts.quick ? 2 : 4;
  const runs = opts.quick ? 2 : 3;
  const tmp = new TempDir();
  try {
    opts.progress(`ingest: generating ${fmtInt(liquidations)} liquidations over ${days} days…`);
    const file = await writeIngestFile(tmp.file('ingest.jsonl'), liquidations, days);
    opts.progress(
      `ingest: ${fmtInt(file.events)} events (${fmtInt(file.liquidations)} liquidations, ${fmtInt(file.candles)} candles), ` +
        `${(file.bytes / 1e6).toFixed(0)} MB; ${runs} runs of each, interleaved`,
    );
    const floor: number[] = [], plain: number[] = [], sqlite: number[] = [];
    let alerts = 0;
    for (let r = 0; r < runs; r++) {
      await settle();
      const f = await floorRun(file.path);
      floor.push(f.events / (f.ms / 1000));
      await settle();
      const p = await noStoreRun(file.path);
      if (p.events !== f.events) throw new Error(`pipeline read ${p.events} events, the floor ${f.events}`);
      plain.push(p.events / (p.ms / 1000));
      alerts = p.alerts;
      await settle();
      const s = await sqliteRun(file.path, tmp.file(`run${r}.db`));
      sqlite.push(s.events / (s.ms / 1000));
      opts.progress(
        `ingest run ${r + 1}/${runs}: floor ${fmtInt(floor[r]!)} ev/s · no store ${fmtInt(plain[r]!)} ev/s · ` +
          `SQLite ${fmtInt(sqlite[r]!)} ev/s (${fmtInt(s.stored)} rows in events)`,
      );
    }
    const base = median(floor);
    const note = `${fmtInt(file.events)} events (${fmtInt(file.liquidations)} liquidations, ${file.assets.length} assets, ${file.exchanges.length} exchanges, ${days} days, ${alerts} alerts); median of ${runs}`;
    return [
      figure({
        figure: 'ingest.floor', label: 'Ingest floor: read + JSON.parse', value: base, unit: 'events/s', better: 'higher',
        baseline: base, baselineLabel: 'itself', note,
      }),
      figure({
        figure: 'ingest.nostore', label: 'Ingest, whole pipeline, no store', value: median(plain), unit: 'events/s', better: 'higher',
        baseline: base, baselineLabel: 'read + JSON.parse', aim: [{ on: 'ratio', op: '>=', target: 0.5 }], aimText: '≥ 0.5× floor', note,
      }),
      figure({
        figure: 'ingest.sqlite', label: 'Ingest, whole pipeline, SQLite store', value: median(sqlite), unit: 'events/s', better: 'higher',
        baseline: base, baselineLabel: 'read + JSON.parse', aim: [{ on: 'value', op: '>=', target: 200_000 }], aimText: '≥ 200,000 events/s', note,
      }),
    ];
  } finally {
    tmp.cleanup();
  }
}

