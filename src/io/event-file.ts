/**
 * Reads a market-event file (JSON Lines, shared/spec/events.md) into validated events, in time order.
 * Malformed lines are reported with their line number and skipped; nothing half-parsed gets through.
 * A `{"type":"meta","synthetic":true}` line (our extension; other tools skip it as an unknown type) marks
 * generated data, so everything shown from it is labelled synthetic.
 */
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdtemp, open, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { Readable } from 'node:stream';
import { StringDecoder } from 'node:string_decoder';
import { createGunzip } from 'node:zlib';
import {
  eventAsset, implausible, INVISIBLE, MAX_LINE_CHARS, MAX_MS_TS, MIN_MS_TS, notEpochMs, PLAUSIBLE, plainAsset, plainIsLiquidation, plainLineAt, plainLineEvent, plainLineSeen, plainExchange, plainExchangeAmong, plainPlausible, plainTs, toEvent,
  type Candle, type LevelEvent, type MarketEvent,
} from '../core/events.js';
import { ReorderBuffer } from '../core/reorder.js';
import { linkOrMention } from '../replies/links.js';

export interface SkippedLine {
  line: number;
  reason: string;
}

/** A line said as it is read: one skipped as malformed, or one read with a change (`note`: a level's label cleaned). */
export interface ToldLine extends SkippedLine {
  skipped: boolean;
}

export interface ReadReport {
  lines: number;
  events: number;
  /** Malformed lines (bad JSON, wrong types, bad values, values beyond any market, too long). */
  invalid: SkippedLine[];
  invalidCount: number;
  /** Lines of a type this version does not know (skipped and counted, as the spec says). */
  unknownTypes: number;
  /** The first few unknown type names met (`meta`, …), named in the count a person reads. */
  unknownTypeNames?: string[];
  /** Of `unknownTypes`, `meta` lines (our extension: the file's description), said as what they are, not as a fault. */
  metaLines?: number;
  /** Events that arrived later than the reorder buffer could still sort. They are applied anyway. */
  late: number;
  /**
   * Of `late`, levels stamped 0 (a shared levels file's "always", in force from the file's start wherever the line
   * sits): put in their place as the others are (a file read whole is sorted), but never said to be out of order.
   */
  lateAlways?: number;
  /** A file read whole put them in their place instead (a levels file appended after the candles it is about). */
  sorted?: boolean;
  synthetic: boolean;
  /** A gzip-compressed file that ends early or is damaged: why (zlib's words); the lines before it were read. */
  damaged?: string;
  /** Liquidation lines that repeat one read before (every field the same: a recorder that wrote a row twice): not counted again. */
  duplicates?: number;
  /**
   * Candle and price lines that repeat one read before (every field the same: a recording, downloads concatenated):
   * read once, so a candle closes once and a level is judged on it once.
   */
  repeatedCandles?: number;
  repeatedTicks?: number;
  /** Candle lines naming a candle read before (exchange, symbol, timeframe, open time) with other values: the first stands. */
  candleCorrections?: number;
  /**
   * Level lines naming a level the file set before (same asset, price or zone, and chat; a label may differ): a
   * correction, the later line stands (its label, its time), in a replay, an answer and an import alike.
   */
  levelRepeats?: number;
  /** Lines read with a change (a level's label cleaned, shortened or dropped): the first few, and how many. */
  notes?: SkippedLine[];
  noteCount?: number;
  /** Of `noteCount`, levels kept without their label because it held a link or a mention (`unshownLabel`). */
  labelsDropped?: number;
  /**
   * Told every malformed line and every note as it is read, however many (the report keeps the first thousand of
   * each): how the CLI says each one on stderr. `describeSkipped` then does not list them again.
   */
  onLine?: (l: ToldLine) => void;
  /**
   * Called after each piece of the file (64 KiB) and once the reading ends: where the CLI writes, in one write, the
   * lines `onLine` was told. A promise returned (their reader, a pipe, is slower than the file) is awaited before the
   * next piece is read, so lines waiting to be written never pile up in memory, however many there are.
   */
  onPiece?: () => Promise<void> | undefined;
  /**
   * The wall clock the reader holds the file's times to (`Date.now()` when not given, read once as the file is opened):
   * a line stamped more than `FUTURE_SKEW_MS` after it is no recording and is skipped as malformed. An input, as
   * `onLine` is.
   */
  wallClock?: number;
}

/**
 * How far after the wall clock a line may be stamped (a recorder's clock set a little ahead, a local time written as
 * UTC: at most 14 hours) before it is no recording: a day.
 */
export const FUTURE_SKEW_MS = 86_400_000;

/** A missing or unreadable file: the CLI prints the message as one line and exits non-zero. */
export class EventFileError extends Error {
  override name = 'EventFileError';
}

const KEEP_SKIPPED = 1000;

function skip(report: ReadReport, line: number, reason: string): void {
  report.invalidCount++;
  if (report.invalid.length < KEEP_SKIPPED) report.invalid.push({ line, reason });
  report.onLine?.({ line, reason, skipped: true });
}

function note(report: ReadReport, line: number, reason: string): void {
  report.noteCount = (report.noteCount ?? 0) + 1;
  const notes = (report.notes ??= []);
  if (notes.length < KEEP_SKIPPED) notes.push({ line, reason });
  report.onLine?.({ line, reason, skipped: false });
}

/** What shows nothing, every one: a link written with a zero-width space inside (`scam\u200B.io`) is still one. */
const INVISIBLE_ALL = new RegExp(INVISIBLE.source, 'gu');

/**
 * Whether a file's level label holds what a chat's label may not (commands/parse.ts `parseLabel`): a link or an
 * @mention, which every chat shown the level would otherwise advertise or ping. Judged on the label as read and on
 * the label as typed without what shows nothing. A chat's member is asked to say it in words; a file cannot be, so
 * its level is kept without the label, and the line is noted.
 */
function unshownLabel(label: string | undefined, typed: unknown): boolean {
  if (label === undefined) return false;
  return linkOrMention(label) !== undefined || (typeof typed === 'string' && linkOrMention(typed.replace(INVISIBLE_ALL, '')) !== undefined);
}

const power = (n: number) => `10^${Math.log10(n)}`;
/**
 * Why a line stamped after the wall clock (past `FUTURE_SKEW_MS`) is skipped: it cannot have been recorded, and read
 * it would be the file's last event, the moment `--at` answers as of by default (one such line made a day's answer
 * that of the year 2099).
 */
function afterWallClock(e: MarketEvent): string {
  const at = new Date(e.ts).toISOString().replace('T', ' ').slice(0, 16);
  return `${e.type}: \`ts\` ${e.ts} is ${at} UTC, in the future (more than a day after this machine's clock and the file's events before it): a recording holds only times that have passed`;
}
/**
 * What `implausible` found in an event of a file (on the file's own time, so only sizes and prices), naming the
 * field: a print the live bot would drop is not counted offline either. `usdGiven`: the line has a `usd` (else a
 * liquidation's is `price` × `amount`).
 */
function beyondMarket(e: MarketEvent, usdGiven: boolean): string {
  if ('usd' in e && implausible(e, undefined, 0) === 'absurd_size') {
    const what = e.type === 'liquidation' && !usdGiven ? `\`price\` × \`amount\` = ${e.usd}` : `\`usd\` ${e.usd}`;
    const most =
      e.type === 'liquidation' ? `one liquidation is at most ${power(PLAUSIBLE.maxLiquidationUsd)}`
      : e.type === 'liquidation_total' ? `one period's total is at most ${power(PLAUSIBLE.maxLiquidationTotalUsd)}`
      : `at most ${power(PLAUSIBLE.maxOpenInterestUsd)}`;
    return `${e.type}: ${what} is beyond any market (${most} USD)`;
  }
  const prices: [string, number][] =
    e.type === 'candle' ? [['open', e.open], ['high', e.high], ['low', e.low], ['close', e.close]]
    : e.type === 'level' ? (typeof e.level === 'number' ? [['price', e.level]] : [['low', e.level[0]], ['high', e.level[1]]])
    : 'price' in e ? [['price', e.price]] : [];
  const [key, price] = prices.find(([, p]) => !(p >= PLAUSIBLE.minPrice && p <= PLAUSIBLE.maxPrice))!;
  return `${e.type}: \`${key}\` ${price} is beyond any market (prices are from ${power(PLAUSIBLE.minPrice)} to ${power(PLAUSIBLE.maxPrice)})`;
}

async function openChecked(path: string): Promise<void> {
  try {
    const s = await stat(path);
    // A named pipe too: a generator can stream a recording longer than the disk would hold (the bench's week).
    if (!s.isFile() && !s.isFIFO()) throw new EventFileError(`${path} is not a file`);
  } catch (err) {
    if (err instanceof EventFileError) throw err;
    const code = (err as NodeJS.ErrnoException).code;
    throw new EventFileError(code === 'ENOENT' ? `no such file: ${path}` : `cannot read ${path} (${code ?? 'error'})`, { cause: err });
  }
}

/**
 * The file's text in 64 KiB pieces, read 1 MiB at a time into one reused buffer: a stream's machinery costs
 * more than the reads themselves, and larger strings make every line a slice of a bigger string that stays
 * alive. A character split between two pieces is kept whole by the decoder.
 */
async function* chunks(path: string, report: ReadReport): AsyncGenerator<string> {
  const PIECE = 64 * 1024;
  const file = await open(path, 'r');
  try {
    const buf = Buffer.allocUnsafe(16 * PIECE);
    const decoder = new StringDecoder('utf8');
    const first = await file.read(buf, 0, buf.length, null);
    // A recording compressed with gzip (its magic bytes first) is read through zlib, from the bytes already read.
    if (first.bytesRead >= 2 && buf[0] === 0x1f && buf[1] === 0x8b) {
      const head = Buffer.from(buf.subarray(0, first.bytesRead));
      const gunzip = createGunzip();
      const rest = file.createReadStream({ autoClose: false });
      const source = Readable.from((async function* () {
        yield head;
        yield* rest;
      })());
      try {
        for await (const piece of source.pipe(gunzip) as AsyncIterable<Buffer>) {
          for (let at = 0; at < piece.length; at += PIECE) yield decoder.write(piece.subarray(at, Math.min(at + PIECE, piece.length)));
        }
      } catch (err) {
        // A recorder stopped mid-write leaves a truncated file: what came before is still read, and the report says so.
        report.damaged = (err as Error).message;
      } finally {
        source.destroy(); // stops reading the rest of a damaged file before the handle is closed
      }
    } else {
      for (let bytesRead = first.bytesRead; bytesRead > 0; bytesRead = (await file.read(buf, 0, buf.length, null)).bytesRead) {
        for (let at = 0; at < bytesRead; at += PIECE) yield decoder.write(buf.subarray(at, Math.min(at + PIECE, bytesRead)));
      }
    }
    const tail = decoder.end();
    if (tail) yield tail;
  } finally {
    await file.close();
  }
}

/** What a reader holds and what it tells about the rest (`loadFile`: one asset's events, every event's time). */
export interface ReadFilter {
  /** Hold only this asset's events (all, when undefined). */
  asset?: string;
  /** Every event's time and asset, held or not, and whether it is a liquidation. */
  seen(ts: number, asset: string, liquidation: boolean): void;
  /** Every candle, held or not. */
  candle?(c: Candle): void;
  /** Filled with the exchange of every liquidation, held or not, and its earliest print's time (whole when the iteration ends). */
  venues?: Map<string, number>;
}

/**
 * Stream a file's events in time order, in batches (a reorder buffer absorbs small disorder). `report` is
 * filled as it goes and complete when the iteration ends. With a `filter` naming an asset, the batches hold only
 * that asset's events: the others are still checked and counted, and die young. A liquidation line in the plain
 * form (`plainLineAt`), or a candle line, is read where it lies in the text, without a line string or `JSON.parse`;
 * one of another asset is only checked, never made an event.
 */
export async function* readEventBatches(path: string, report: ReadReport = newReport(), filter?: ReadFilter): AsyncGenerator<MarketEvent[], ReadReport> {
  await openChecked(path);
  const buffer = new ReorderBuffer();
  /** Levels stamped 0 the buffer counted late (`ReadReport.lateAlways`). */
  let lateAlways = 0;
  let ready: MarketEvent[] = [];
  const released: MarketEvent[] = [];
  const sift = () => {
    if (filter === undefined) return;
    for (const e of released) {
      const asset = eventAsset(e);
      const liquidation = e.type === 'liquidation';
      filter.seen(e.ts, asset, liquidation);
      if (liquidation && filter.venues) firstPrint(filter.venues, e.exchange, e.ts);
      if (e.type === 'candle') filter.candle?.(e);
      if (filter.asset === undefined || asset === filter.asset) ready.push(e);
    }
    released.length = 0;
  };
  const only = filter?.asset;
  /**
   * A line past the wall clock and a day (`FUTURE_SKEW_MS`) and past the newest event read so far by as much is no
   * recording (one 2099 line among a day of 2026). A file that lies wholly after the clock (a synthetic day dated
   * ahead, a machine whose clock is behind) reads on its own time: its first event sets it.
   */
  const afterClock = Math.min(MAX_MS_TS, (report.wallClock ?? Date.now()) + FUTURE_SKEW_MS);
  let newest = -Infinity;
  const future = (ts: number) => ts > MAX_MS_TS || (ts > afterClock && newest > -Infinity && ts > newest + FUTURE_SKEW_MS);
  // The exchanges of the liquidations of other assets read in the plain form, and each one's first print: compared
  // where they lie in the text (`plainExchangeAmong`), a name made once.
  const otherVenues: string[] = [];
  const otherFirsts: number[] = [];
  let rest = '';
  const take = (raw: string) => {
    const n = ++report.lines;
    // An object's line ends on braces: nothing to trim (the check costs less than trim's call).
    const line = raw.charCodeAt(0) === 123 && raw.charCodeAt(raw.length - 1) === 125 ? raw : raw.trim();
    if (line.length === 0) return;
    if (line.length > MAX_LINE_CHARS) return skip(report, n, `line longer than ${MAX_LINE_CHARS} characters`);
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch {
      return skip(report, n, 'not valid JSON');
    }
    const r = toEvent(value);
    if (!r.ok) {
      if (r.skip === 'invalid') return skip(report, n, r.reason);
      // The meta line is a type the spec does not know, so it is skipped and counted like any other (the data kit
      // asks the same); it is read only for its synthetic mark, off the path every event takes.
      report.unknownTypes++;
      const v = value as { type?: unknown; synthetic?: unknown };
      if (v.type === 'meta') {
        report.metaLines = (report.metaLines ?? 0) + 1;
        if (v.synthetic === true) report.synthetic = true;
      }
      const name = typeof v.type === 'string' ? v.type.slice(0, 40) : 'no type';
      const names = (report.unknownTypeNames ??= []);
      if (names.length < 5 && !names.includes(name)) names.push(name);
      return;
    }
    // Epoch seconds (a recorder's habit) would read as a date in 1970 and vanish, microseconds as one in the year
    // 57000: said, not applied. A level stamped 0 is a shared levels file's "always": in force from the file's start.
    const notMs = r.event.ts === 0 && r.event.type === 'level' ? undefined : notEpochMs(r.event.ts);
    if (notMs !== undefined) return skip(report, n, `${r.event.type}: ${notMs}`);
    if (future(r.event.ts)) return skip(report, n, afterWallClock(r.event));
    if (implausible(r.event, undefined, 0) !== undefined) return skip(report, n, beyondMarket(r.event, (value as { usd?: unknown }).usd != null));
    if (r.event.type === 'level' && unshownLabel(r.event.label, (value as { label?: unknown }).label)) {
      // One note for the line: a label cleaned first is dropped all the same.
      delete r.event.label;
      report.labelsDropped = (report.labelsDropped ?? 0) + 1;
      note(report, n, 'level kept, label dropped: links/mentions are not shown');
    } else if (r.note !== undefined) note(report, n, r.note);
    report.events++;
    if (r.event.ts > newest) newest = r.event.ts;
    const late = buffer.late;
    buffer.push(r.event, filter === undefined ? ready : released);
    if (buffer.late > late && r.event.ts === 0 && r.event.type === 'level') lateAlways++;
  };
  /** A liquidation or candle line in the plain form at `at` of `text` (most lines of a recording), read where it lies. */
  const takePlain = (text: string, at: number, end: number) => {
    // A liquidation of another asset is checked by the expression alone, never made an event.
    const other = only !== undefined && plainAsset() !== only;
    const e = other && plainIsLiquidation(text, at) ? null : plainLineEvent(text, at);
    // A candle whose prices do not hold, a time in seconds or microseconds or after the wall clock, a size or price
    // beyond any market: the full path says why.
    if (e === undefined) return take(text.slice(at, end - 1));
    const ts = e === null ? plainTs() : e.ts;
    if (ts < MIN_MS_TS || future(ts) || (e === null ? !plainPlausible() : implausible(e, undefined, 0) !== undefined)) return take(text.slice(at, end - 1));
    report.lines++;
    report.events++;
    if (ts > newest) newest = ts;
    if (other) {
      const liquidation = plainIsLiquidation(text, at);
      filter!.seen(plainTs(), plainAsset(), liquidation);
      if (liquidation && filter!.venues) {
        const i = plainExchangeAmong(text, at, otherVenues);
        if (i === -1) {
          otherVenues.push(plainExchange(text, at));
          otherFirsts.push(plainTs());
        } else if (plainTs() < otherFirsts[i]!) otherFirsts[i] = plainTs();
      }
      if (e?.type === 'candle') filter!.candle?.(e);
      buffer.note(plainTs(), released);
    } else buffer.push(e!, filter === undefined ? ready : released);
  };
  /** The lines of `text` from `from` on, up to its last newline; what follows it is returned (a line not yet whole). */
  const lines = (text: string, from: number): string => {
    for (;;) {
      const end = only === undefined ? plainLineAt(text, from) : plainLineSeen(text, from);
      if (end !== -1) {
        takePlain(text, from, end);
        from = end;
        continue;
      }
      const nl = text.indexOf('\n', from);
      if (nl === -1) return from === 0 ? text : text.slice(from);
      take(text.slice(from, nl));
      from = nl + 1;
    }
  };
  // A line far too long to be an event is counted once and skipped to its end without holding it in memory.
  let dropping = false;
  try {
    for await (const chunk of chunks(path, report)) {
      let from = 0;
      if (dropping || rest.length) {
        // The line begun in the pieces before ends in this one (or not): joined and read on its own, so the piece's
        // other lines are read in the piece itself, a flat string, not in a joined copy of it.
        const nl = chunk.indexOf('\n');
        if (nl === -1) {
          if (!dropping) rest += chunk;
          if (rest.length > MAX_LINE_CHARS * 4) {
            take(rest);
            rest = '';
            dropping = true;
          }
          continue;
        }
        from = nl + 1;
        if (dropping) dropping = false;
        else lines(rest + chunk.slice(0, from), 0);
        rest = '';
      }
      rest = lines(chunk, from);
      if (rest.length > MAX_LINE_CHARS * 4) {
        take(rest);
        rest = '';
        dropping = true;
      }
      sift();
      // What each piece released is handed on at once (a few hundred events): an event then dies within the next
      // piece's allocations, where one held until thousands more were parsed survived into the old generation.
      if (ready.length) {
        yield ready;
        ready = [];
      }
      await report.onPiece?.();
    }
    if (rest.length) take(rest);
  } finally {
    // What was told of the last piece is written before the reading ends (or fails: said before its error).
    await report.onPiece?.();
  }
  buffer.drain(filter === undefined ? ready : released);
  sift();
  if (ready.length) yield ready;
  if (filter?.venues) for (const [i, ex] of otherVenues.entries()) firstPrint(filter.venues, ex, otherFirsts[i]!);
  report.late = buffer.late;
  if (lateAlways) report.lateAlways = lateAlways;
  else delete report.lateAlways;
  return report;
}

/** Note an exchange's print at `ts` in `venues` (each exchange's earliest). */
function firstPrint(venues: Map<string, number>, exchange: string, ts: number): void {
  const first = venues.get(exchange);
  if (first === undefined || ts < first) venues.set(exchange, ts);
}

/** The same, one event at a time. */
export async function* readEventFile(path: string, report: ReadReport = newReport()): AsyncGenerator<MarketEvent, ReadReport> {
  for await (const batch of readEventBatches(path, report)) for (const e of batch) yield e;
  return report;
}

/**
 * A recording as a rehearsal replays it: its events in file order, with its levels at their own time (a levels file
 * appended after its day, `cat day.jsonl levels.jsonl`, would otherwise set them once the day is over). The levels are
 * read first, so a regular file is read twice; a pipe, which cannot be, gives its levels as they come.
 */
export async function* readRecording(path: string, report: ReadReport = newReport()): AsyncGenerator<MarketEvent, ReadReport> {
  if (!(await stat(path).catch(() => undefined))?.isFile()) return yield* readEventFile(path, report);
  const levels: LevelEvent[] = [];
  // The levels the reader releases late (after a later event: exactly those whose time is before one read earlier)
  // are not late here. Those stamped 0 are not: the reader counts them apart (`lateAlways`), never said.
  let late = 0;
  let max = -Infinity;
  for await (const e of readEventFile(path, newReport())) {
    if (e.type === 'level') {
      levels.push(e);
      if (e.ts < max && e.ts !== 0) late++;
    }
    if (e.ts > max) max = e.ts;
  }
  levels.sort((a, b) => a.ts - b.ts);
  let next = 0;
  for await (const e of readEventFile(path, report)) {
    if (e.type === 'level') continue;
    while (next < levels.length && levels[next]!.ts <= e.ts) yield levels[next++]!;
    yield e;
  }
  while (next < levels.length) yield levels[next++]!;
  report.late = Math.max(0, report.late - late);
  return report;
}

/**
 * Run `use` on a file that can be read twice: `path` itself when it is a regular file, else what it gives (a pipe;
 * `-`, standard input, whatever it is) copied to a temporary file first, removed after.
 */
export async function withRegularFile<T>(path: string, use: (path: string) => Promise<T>): Promise<T> {
  if (path !== '-') {
    await openChecked(path);
    if ((await stat(path)).isFile()) return use(path);
  }
  const dir = await mkdtemp(join(tmpdir(), 'liqbot-input-'));
  try {
    const copy = join(dir, 'events.jsonl');
    await pipeline(path === '-' ? process.stdin : createReadStream(path), createWriteStream(copy));
    return await use(copy);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

export function newReport(): ReadReport {
  return { lines: 0, events: 0, invalid: [], invalidCount: 0, unknownTypes: 0, late: 0, synthetic: false };
}

/** `2 repeated candle lines`, `1 repeated price line`. */
const plural = (n: number, type: string): string => `${n} ${type} line${n === 1 ? '' : 's'}`;

/** How a service logs those lines: lines of a type it does not know (a `meta` line) are the spec's, not a fault. */
export function skippedLevel(r: ReadReport): 'warn' | 'info' {
  return r.invalidCount || outOfOrder(r) || r.damaged ? 'warn' : 'info';
}

/** The events said to be out of order: the late ones but the levels stamped 0 ("always"), whose place is the start. */
const outOfOrder = (r: ReadReport): number => Math.max(0, r.late - (r.lateAlways ?? 0));

/** A malformed line (or a line read with a change) as a person reads it: the file, the line number, why. */
export function toldLineText(path: string, l: ToldLine): string {
  return `${path}:${l.line}: ${l.skipped ? 'skipped: ' : ''}${l.reason}`;
}

/**
 * The lines a person reads on stderr after a run: each malformed line and each line read with a change (unless the
 * run told them as it read them, `onLine`), then the counts.
 */
export function describeSkipped(path: string, r: ReadReport): string[] {
  const out: string[] = [];
  if (r.onLine === undefined) {
    const kept: ToldLine[] = [...r.invalid.map((s) => ({ ...s, skipped: true })), ...(r.notes ?? []).map((s) => ({ ...s, skipped: false }))];
    out.push(...kept.sort((a, b) => a.line - b.line).map((l) => toldLineText(path, l)));
    if (r.invalidCount > r.invalid.length) out.push(`… and ${r.invalidCount - r.invalid.length} more malformed lines`);
  }
  const parts: string[] = [];
  if (r.invalidCount) parts.push(`${r.invalidCount} malformed`);
  // A meta line is skipped and counted as the spec's unknown types are, and said as what it is: an operator reads
  // "of unknown type" as something wrong with the file.
  const meta = r.metaLines ?? 0;
  const unknown = r.unknownTypes - meta;
  if (unknown) {
    const names = r.unknownTypeNames?.filter((n) => n !== 'meta').map((n) => JSON.stringify(n)).join(', ');
    parts.push(`${unknown} of unknown type${names ? ` (${names})` : ''}`);
  }
  if (parts.length) out.push(`skipped ${parts.join(' and ')} of ${r.lines} lines; ${r.events} events read`);
  if (meta) out.push(`${plural(meta, 'meta')} (the file's description) not replayed`);
  const late = outOfOrder(r);
  if (late) out.push(`${late} ${late === 1 ? 'event was' : 'events were'} out of order by more than 5 minutes; ${r.sorted ? `read the whole file and applied ${late === 1 ? 'it' : 'them'} at ${late === 1 ? 'its' : 'their'} own time` : 'applied late'}`);
  const dropped = r.labelsDropped ?? 0;
  const cleaned = (r.noteCount ?? 0) - dropped;
  if (cleaned) out.push(`${cleaned} level label${cleaned === 1 ? ' was' : 's were'} cleaned or shortened; the level${cleaned === 1 ? ' was' : 's were'} read`);
  if (dropped) out.push(`${dropped} level label${dropped === 1 ? ' was' : 's were'} dropped (links/mentions are not shown); the level${dropped === 1 ? ' was' : 's were'} read`);
  if (r.duplicates) out.push(`${r.duplicates} repeated liquidation line${r.duplicates === 1 ? '' : 's'} (every field the same as a line before) not counted again`);
  const repeated = [r.repeatedCandles ? plural(r.repeatedCandles, 'repeated candle') : '', r.repeatedTicks ? plural(r.repeatedTicks, 'repeated price') : ''].filter(Boolean);
  if (repeated.length) out.push(`${repeated.join(' and ')} (every field the same as a line before) not read again`);
  if (r.levelRepeats) out.push(`${plural(r.levelRepeats, 'level')} set a level the file set before (same asset, price or zone, and chat): the later line stands, as a correction`);
  if (r.candleCorrections) out.push(`${plural(r.candleCorrections, 'candle')} with other values for a candle already read (same exchange, symbol, timeframe and time) skipped: the first line stands, its close was judged on`);
  if (r.damaged) out.push(`${path}: the compressed file ends early or is damaged (${r.damaged}); read the ${r.lines} lines before that point`);
  return out;
}
