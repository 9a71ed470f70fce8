/**
 * Reads a market-event file (JSON Lines, shared/spec/events.md) into validated events, in time order.
 * Malformed lines are reported with their line number and skipped; nothing half-parsed gets through.
 * A `{"type":"meta","synthetic":true}` line (our extension; other tools skip it as an unknown type) marks
 * generated data, so everything shown from it is labelled synthetic.
 */
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { createInterface } from 'node:readline';
import { MAX_LINE_CHARS, toEvent, type MarketEvent } from '../core/events.js';
import { ReorderBuffer } from '../core/reorder.js';

export interface SkippedLine {
  line: number;
  reason: string;
}

export interface ReadReport {
  lines: number;
  events: number;
  /** Malformed lines (bad JSON, wrong types, bad values, too long). */
  invalid: SkippedLine[];
  invalidCount: number;
  /** Lines of a type this version does not know (skipped and counted, as the spec says). */
  unknownTypes: number;
  /** Events that arrived later than the reorder buffer could still sort. They are applied anyway. */
  late: number;
  synthetic: boolean;
}

/** A missing or unreadable file: the CLI prints the message as one line and exits non-zero. */
export class EventFileError extends Error {
  override name = 'EventFileError';
}

const KEEP_SKIPPED = 1000;

/**
 * Stream a file's events in time order (a reorder buffer absorbs small disorder). `report` is filled as it
 * goes and complete when the iteration ends.
 */
export async function* readEventFile(path: string, report: ReadReport = newReport()): AsyncGenerator<MarketEvent, ReadReport> {
  try {
    const s = await stat(path);
    if (!s.isFile()) throw new EventFileError(`${path} is not a file`);
  } catch (err) {
    if (err instanceof EventFileError) throw err;
    const code = (err as NodeJS.ErrnoException).code;
    throw new EventFileError(code === 'ENOENT' ? `no such file: ${path}` : `cannot read ${path} (${code ?? 'error'})`, { cause: err });
  }
  const input = createReadStream(path, { encoding: 'utf8' });
  const lines = createInterface({ input, crlfDelay: Infinity });
  const buffer = new ReorderBuffer();
  const ready: MarketEvent[] = [];
  for await (const raw of lines) {
    const n = ++report.lines;
    const line = raw.trim();
    if (line.length === 0) continue;
    const skip = (reason: string) => {
      report.invalidCount++;
      if (report.invalid.length < KEEP_SKIPPED) report.invalid.push({ line: n, reason });
    };
    if (line.length > MAX_LINE_CHARS) {
      skip(`line longer than ${MAX_LINE_CHARS} characters`);
      continue;
    }
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch {
      skip('not valid JSON');
      continue;
    }
    if (typeof value === 'object' && value !== null && (value as { type?: unknown }).type === 'meta') {
      if ((value as { synthetic?: unknown }).synthetic === true) report.synthetic = true;
      continue;
    }
    const r = toEvent(value);
    if (!r.ok) {
      if (r.skip === 'unknown_type') report.unknownTypes++;
      else skip(r.reason);
      continue;
    }
    report.events++;
    buffer.push(r.event, ready);
    if (ready.length) {
      for (const e of ready) yield e;
      ready.length = 0;
    }
  }
  buffer.drain(ready);
  for (const e of ready) yield e;
  report.late = buffer.late;
  return report;
}

export function newReport(): ReadReport {
  return { lines: 0, events: 0, invalid: [], invalidCount: 0, unknownTypes: 0, late: 0, synthetic: false };
}

/** The lines a person reads on stderr after a run: each malformed line, then the counts. */
export function describeSkipped(path: string, r: ReadReport, maxLines = 50): string[] {
  const out = r.invalid.slice(0, maxLines).map((s) => `${path}:${s.line}: skipped: ${s.reason}`);
  if (r.invalidCount > maxLines) out.push(`… and ${r.invalidCount - maxLines} more malformed lines`);
  const parts: string[] = [];
  if (r.invalidCount) parts.push(`${r.invalidCount} malformed`);
  if (r.unknownTypes) parts.push(`${r.unknownTypes} of unknown type`);
  if (parts.length) out.push(`skipped ${parts.join(' and ')} of ${r.lines} lines; ${r.events} events read`);
  if (r.late) out.push(`${r.late} events were out of order by more than 5 minutes; applied late`);
  return out;
}
