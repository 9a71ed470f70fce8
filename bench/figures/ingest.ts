/**
 * Figure 1, ingest: a generated file of N liquidations (8 assets, 6 exchanges, with candles, open interest
 * and funding) through validation, the reorder buffer, aggregation and detectors, with and without the
 * SQLite store, against the floor every pipeline pays: reading the same lines and `JSON.parse` of each. The
 * floor is the faster of two plain readers measured in the same run (`readline`, and 64 KiB chunks split by
 * hand), so a slow reader never flatters the pipeline. Each run is also timed in CPU time of the whole process
 * (both threads with the writer thread): on a shared machine the wall clock measures the neighbours too, and
 * the CPU-time ratios hold where the wall-clock ones swing.
 */
import { closeSync, createReadStream, openSync, readSync, rmSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { StringDecoder } from 'node:string_decoder';
import { loadConfig } from '../../config/load.js';
import { LiqBot } from '../../src/bot.js';
import { readEventBatches, newReport } from '../../src/io/event-file.js';
import { runFile } from '../../src/offline.js';
import { openSqliteStore } from '../../src/store/sqlite.js';
import { openEventWriter } from '../../src/store/event-writer.js';
import { writeIngestFile } from '../data.js';
import { figure, fmtInt, median, settle, TempDir, type BenchOptions, type Figure } from '../util.js';

/** CPU time (user + system) of this process, every thread, in ms. */
function cpuMs(): number {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
}

interface Timed {
  ms: number;
  cpuMs: number;
  events: number;
}

/** Read the lines with `readline` and parse each: nothing else. */
async function readlineFloorRun(path: string): Promise<Timed> {
  const t0 = performance.now();
  const c0 = cpuMs();
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
  return { ms: performance.now() - t0, cpuMs: cpuMs() - c0, events: n };
}

/** Read 64 KiB chunks, split lines by hand and parse each: the fastest plain reader we know. */
function chunkedFloorRun(path: string): Timed {
  const t0 = performance.now();
  const c0 = cpuMs();
  const fd = openSync(path, 'r');
  const buf = Buffer.allocUnsafe(64 * 1024);
  // A decoder keeps a character split between two chunks whole.
  const decoder = new StringDecoder('utf8');
  let rest = '';
  let n = 0;
  let sink = 0;
  const parse = (line: string) => {
    if (line.length === 0) return;
    const v = JSON.parse(line) as { ts: number; type: string };
    if (v.type !== 'meta') n++;
    sink += v.ts;
  };
  try {
    for (;;) {
      const got = readSync(fd, buf, 0, buf.length, null);
      if (got === 0) break;
      const text = rest + decoder.write(got === buf.length ? buf : buf.subarray(0, got));
      let start = 0;
      for (let nl = text.indexOf('\n'); nl >= 0; nl = text.indexOf('\n', start)) {
        parse(text.slice(start, nl));
        start = nl + 1;
      }
      rest = text.slice(start);
    }
    parse(rest + decoder.end());
  } finally {
    closeSync(fd);
  }
  if (sink === 42) console.error('');
  return { ms: performance.now() - t0, cpuMs: cpuMs() - c0, events: n };
}

/** The pipeline's reader alone: the file's events validated and in time order, no engine. */
async function readerRun(path: string): Promise<Timed> {
  const t0 = performance.now();
  const c0 = cpuMs();
  const report = newReport();
  let sink = 0;
  for await (const batch of readEventBatches(path, report)) sink += batch.length;
  if (sink !== report.events) throw new Error(`the reader handed on ${sink} of ${report.events} events`);
  return { ms: performance.now() - t0, cpuMs: cpuMs() - c0, events: report.events };
}

/** The offline pipeline (`liqbot replay`): file → validation → reorder → market engine. */
async function noStoreRun(path: string): Promise<Timed & { alerts: number }> {
  const config = loadConfig();
  const t0 = performance.now();
  const c0 = cpuMs();
  const run = await runFile(path, config);
  const ms = performance.now() - t0;
  const cpu = cpuMs() - c0;
  if (run.report.invalidCount) throw new Error(`ingest file has ${run.report.invalidCount} invalid lines`);
  return { ms, cpuMs: cpu, events: run.report.events, alerts: run.alerts.length };
}

/**
 * The live pipeline with persistence: file → validation → reorder → LiqBot (engine + batched SQLite writes),
 * the writes either on a writer thread (as `liqbot start` runs) or in place on the pipeline's thread (before).
 * Timed until every event is stored; the thread's start (loading its modules) is left out, as at the bot's start.
 */
async function sqliteRun(path: string, dbPath: string, threaded: boolean): Promise<Timed & { stored: number }> {
  const config = loadConfig();
  const store = openSqliteStore(dbPath);
  const writer = threaded ? openEventWriter(store) : undefined;
  await writer?.ready();
  const t0 = performance.now();
  const c0 = cpuMs();
  const bot = new LiqBot({ config, store, ...(writer ? { writer } : {}), clockSkewMs: false }); // a recorded day: its own time is the clock
  const report = newReport();
  // In batches, as the pipeline without a store reads (runFile): an async step per event would cost more than the store.
  for await (const batch of readEventBatches(path, report)) for (const e of batch) bot.ingest(e);
  await bot.drain();
  const ms = performance.now() - t0;
  const cpu = cpuMs() - c0;
  await writer?.close();
  if (bot.stats.storeErrors) throw new Error(`${bot.stats.storeErrors} store writes failed`);
  let stored = 0;
  for (const _ of store.eventsSince(0)) stored++;
  store.close();
  for (const suffix of ['', '-wal', '-shm', '.liqbot-lock']) rmSync(dbPath + suffix, { force: true });
  return { ms, cpuMs: cpu, events: report.events, stored };
}

export async function ingestFigures(opts: BenchOptions): Promise<Figure[]> {
  // Quick: a quarter of the full file in one day, so the mix of lines (liquidations to candles) is the same.
  const liquidations = opts.quick ? 250_000 : 1_000_000;
  const days = opts.quick ? 1 : 4;
  const runs = opts.quick ? 2 : 3;
  const tmp = new TempDir();
  try {
    opts.progress(`ingest: generating ${fmtInt(liquidations)} liquidations over ${days} days…`);
    const file = await writeIngestFile(tmp.file('ingest.jsonl'), liquidations, days);
    opts.progress(
      `ingest: ${fmtInt(file.events)} events (${fmtInt(file.liquidations)} liquidations, ${fmtInt(file.candles)} candles), ` +
        `${(file.bytes / 1e6).toFixed(0)} MB; ${runs} runs of each, interleaved`,
    );
    const readline: number[] = [], chunked: number[] = [], reader: number[] = [], plain: number[] = [], sqlite: number[] = [], inPlace: number[] = [];
    // The same runs per second of CPU time (the process's, both threads): what a busy machine does not stretch.
    const chunkedCpu: number[] = [], plainCpu: number[] = [], sqliteCpu: number[] = [];
    const perCpuS = (t: Timed) => t.events / (t.cpuMs / 1000);
    let alerts = 0;
    // One untimed pass of every reader first: each is timed warm (its code compiled), as a running bot reads.
    opts.progress('ingest: a warm-up pass of every reader (not timed)…');
    await readlineFloorRun(file.path);
    chunkedFloorRun(file.path);
    await readerRun(file.path);
    await noStoreRun(file.path);
    await sqliteRun(file.path, tmp.file('warm.db'), true);
    await sqliteRun(file.path, tmp.file('warm-inplace.db'), false);
    for (let r = 0; r < runs; r++) {
      await settle();
      const lr = await readlineFloorRun(file.path);
      readline.push(lr.events / (lr.ms / 1000));
      await settle();
      const f = chunkedFloorRun(file.path);
      if (f.events !== lr.events) throw new Error(`the chunked reader read ${f.events} events, readline ${lr.events}`);
      chunked.push(f.events / (f.ms / 1000));
      chunkedCpu.push(perCpuS(f));
      await settle();
      const rd = await readerRun(file.path);
      if (rd.events !== f.events) throw new Error(`the reader read ${rd.events} events, the floor ${f.events}`);
      reader.push(rd.events / (rd.ms / 1000));
      await settle();
      const p = await noStoreRun(file.path);
      if (p.events !== f.events) throw new Error(`pipeline read ${p.events} events, the floor ${f.events}`);
      plain.push(p.events / (p.ms / 1000));
      plainCpu.push(perCpuS(p));
      alerts = p.alerts;
      await settle();
      const s = await sqliteRun(file.path, tmp.file(`run${r}.db`), true);
      sqlite.push(s.events / (s.ms / 1000));
      sqliteCpu.push(perCpuS(s));
      await settle();
      const sp = await sqliteRun(file.path, tmp.file(`inplace${r}.db`), false);
      if (sp.stored !== s.stored) throw new Error(`the writer thread stored ${s.stored} events, writes in place ${sp.stored}`);
      inPlace.push(sp.events / (sp.ms / 1000));
      opts.progress(
        `ingest run ${r + 1}/${runs}: readline ${fmtInt(readline[r]!)} ev/s · chunked ${fmtInt(chunked[r]!)} ev/s · reader ${fmtInt(reader[r]!)} ev/s · no store ${fmtInt(plain[r]!)} ev/s · ` +
          `SQLite thread ${fmtInt(sqlite[r]!)} ev/s · SQLite in place ${fmtInt(inPlace[r]!)} ev/s (${fmtInt(s.stored)} events stored); ` +
          `per CPU-second: chunked ${fmtInt(chunkedCpu[r]!)} · no store ${fmtInt(plainCpu[r]!)} · SQLite thread ${fmtInt(sqliteCpu[r]!)}`,
      );
    }
    // The floor is whichever plain reader was faster in this run.
    const chunkedWins = median(chunked) >= median(readline);
    const base = Math.max(median(chunked), median(readline));
    const floorLabel = chunkedWins ? '64 KiB chunks + JSON.parse' : 'readline + JSON.parse';
    const note = `${fmtInt(file.events)} events (${fmtInt(file.liquidations)} liquidations, ${file.assets.length} assets, ${file.exchanges.length} exchanges, ${days} day${days === 1 ? '' : 's'}, ${alerts} alerts); median of ${runs} after a warm-up pass; floor = the faster plain reader (${floorLabel})`;
    return [
      figure({
        figure: 'ingest.floor.readline', label: 'Plain reader: readline + JSON.parse', value: median(readline), unit: 'events/s', better: 'higher',
        baseline: base, baselineLabel: floorLabel, note,
      }),
      figure({
        figure: 'ingest.floor', label: 'Ingest floor: 64 KiB chunks + JSON.parse', value: median(chunked), unit: 'events/s', better: 'higher',
        baseline: base, baselineLabel: floorLabel, note,
      }),
      figure({
        figure: 'ingest.reader', label: "Ingest, the pipeline's reader alone (no engine)", value: median(reader), unit: 'events/s', better: 'higher',
        baseline: base, baselineLabel: `floor: ${floorLabel}`, note: `${note}; the reader validates every event and orders them (reorder buffer), and reads liquidation and candle lines in the plain form recorders write without JSON.parse (src/core/events.ts)`,
      }),
      figure({
        figure: 'ingest.nostore', label: 'Ingest, whole pipeline, no store', value: median(plain), unit: 'events/s', better: 'higher',
        baseline: base, baselineLabel: `floor: ${floorLabel}`, aim: [{ on: 'ratio', op: '>=', target: 0.5 }], aimText: '≥ 0.5× floor', note,
      }),
      figure({
        figure: 'ingest.nostore.cpu', label: 'Ingest, whole pipeline, no store, per CPU-second', value: median(plainCpu), unit: 'events/CPU-s', better: 'higher',
        baseline: median(chunkedCpu), baselineLabel: 'floor (64 KiB chunks + JSON.parse) per CPU-second', note,
      }),
      figure({
        figure: 'ingest.sqlite.cpu', label: 'Ingest, SQLite writer thread, per CPU-second (both threads)', value: median(sqliteCpu), unit: 'events/CPU-s', better: 'higher',
        baseline: median(plainCpu), baselineLabel: 'whole pipeline, no store, per CPU-second', note,
      }),
      figure({
        figure: 'ingest.sqlite.inplace', label: 'Ingest, SQLite written on the pipeline thread (before)', value: median(inPlace), unit: 'events/s', better: 'higher',
        baseline: median(plain), baselineLabel: 'whole pipeline, no store', note,
      }),
      figure({
        figure: 'ingest.sqlite', label: 'Ingest, whole pipeline, SQLite writer thread', value: median(sqlite), unit: 'events/s', better: 'higher',
        baseline: base, baselineLabel: `floor: ${floorLabel}`, aim: [{ on: 'value', op: '>=', target: 200_000 }], aimText: '≥ 200,000 events/s', note,
      }),
      figure({
        figure: 'ingest.sqlite.vs_nostore', label: 'Ingest with the SQLite writer thread vs without a store', value: median(sqlite), unit: 'events/s', better: 'higher',
        baseline: median(plain), baselineLabel: 'whole pipeline, no store', aim: [{ on: 'ratio', op: '>=', target: 0.5 }], aimText: '≥ 0.5× no store', note,
      }),
    ];
  } finally {
    tmp.cleanup();
  }
}

