/**
 * The `liqbot` command line: wiring only. Offline commands (replay, liqs, levels, demo) follow
 * shared/spec/events.md exactly; `start` runs the bot; `import` and `record` move data in and out.
 */
import { once } from 'node:events';
import { parseArgs } from 'node:util';
import { distance } from 'fastest-levenshtein';
import { fileURLToPath } from 'node:url';
import type { Config } from '../config/schema.js';
import { ALL_WINDOWS, WINDOW_MS, type WindowName } from '../config/windows.js';
import { ConfigError, UsageError } from '../config/error.js';
import { refusedForGood, type StoreError } from './store/errors.js';
import { BUNDLED, cachedDefaults } from '../config/defaults.js';
import { escapeTerminal, renderListEntry, renderTerminal } from './adapters/terminal/render.js';
import type { Alert } from './core/alerts.js';
import { assetKey, parseAnyWindow, parseAsset } from '../commands/parse.js';
import { levelOfEvent } from './core/levels.js';
import { leverageSnapshot } from './core/leverage-figures.js';
import { oiReply } from './replies/leverage.js';
import { estimateLiqMap } from './core/liqmap.js';
import { liqmapComparison } from './replies/liqmap.js';
import { alertReply } from './replies/alerts.js';
import { isUpdate, wants } from './alerts/router.js';
import type { Subscription } from './store/store.js';
import type { SqliteStore } from './store/sqlite.js';
import { chatDigest, chatDigestReply } from './alerts/digest.js';
import { levelsReply } from './replies/levels.js';
import { marketReply, summaryReply } from './replies/summary.js';
import { lineText, toned, type Reply } from './replies/reply.js';
import { count, listText, stamp } from './replies/format.js';
import { stretchesText } from './replies/coverage.js';
import { zoneLabel } from './replies/zone.js';
import { describeSkipped, EventFileError, readEventFile, newReport, toldLineText, withRegularFile, type ReadReport, type ToldLine } from './io/event-file.js';
import { alertJson, levelsJson, summaryJson } from './io/json.js';
import { loadFile, runFile, type LoadedFile } from './offline.js';
import { backtest, levelsOf } from './core/backtest.js';
import { statsLines, stillRunningLine, type StatsInput } from './replies/backtest.js';
import { recordedIn } from './core/market-view.js';
import { eventAsset, MAX_MS_TS, MIN_MS_TS, TIMEFRAME_MS, type LevelEvent, type MarketEvent } from './core/events.js';
import { DAY, HOUR } from './core/time.js';

export const BUNDLED_DAY = fileURLToPath(new URL('../fixtures/eth-2026-01-31.synthetic.jsonl', import.meta.url));

const FILES = 'FILE may be - (standard input) for replay, liqs, levels and oi. ASSET is case-insensitive (eth, ETH); liqs also takes "all" for the market-wide view (no chart).';

const USAGE = `liqbot: liquidation summaries, level status and cascade alerts for trader chats

Usage:
  liqbot start [--replay FILE] [--speed N] [--db FILE]
                                             run the bot (live feeds; chat adapters whose tokens are in .env);
                                             --replay rehearses a recorded day in its own database (data/rehearsal)
  liqbot start --role ROLE                   scale-out: one part of the bot per process, over NATS (LIQBOT_NATS_URL)
                                             and PostgreSQL (LIQBOT_DATABASE_URL; not for ingest, gateway):
      ingest [--replay FILE] [--speed N]     publish live feeds (or a recorded day) to the stream
      core                                   turn the stream into alerts (one leads, others stand by)
      deliver --platform telegram|discord    post the alerts to that platform's chats
      gateway [--shard 0,1]                  answer chat commands (--shard: the Discord shards it runs)
      all [--replay FILE]                    ingest, core, deliver and gateway in one process
  liqbot demo                                replay the bundled synthetic market day and show the replies
  liqbot replay FILE [--json] [--config FILE] [--stats]
                                             (--stats: per level, messages, breaks, reversed<12h, held, told<2h; cascades)
  liqbot liqs ASSET --data FILE [--window 1h|4h|12h|24h|7d] [--at ISO-8601|ms] [--json] [--chart out.png]
  liqbot levels ASSET --data FILE [--at ISO-8601|ms] [--json] [--chart out.png]
  liqbot oi ASSET --data FILE [--window 1h|4h|12h|24h|7d] [--at ISO-8601|ms] [--json]
  liqbot import FILE                         load an event file into the store (idempotent)
  liqbot record [--out FILE]                 write the live normalized stream as an event file
  liqbot register [--clear]                  register Discord slash commands (DISCORD_GUILD_ID: to one test server)
  liqbot migrate                             bring the database schema up to date (LIQBOT_DATABASE_URL, else the SQLite file)

${FILES}`;

/**
 * `liqbot CMD --help` (or -h): the lines USAGE has for the command (each of its entries, with the lines under them),
 * and what FILES says of it.
 */
function commandUsage(cmd: string): string {
  const lines: string[] = [];
  let its = false;
  for (const line of USAGE.split('\n')) {
    const entry = /^ {2}liqbot (\w+)/.exec(line);
    // An entry starts at its command; an indented line goes on with it; a blank line or the note ends it.
    its = entry ? entry[1] === cmd : its && line.startsWith('   ');
    if (its) lines.push(line);
  }
  return `Usage:\n${lines.join('\n')}${new RegExp(`\\b${cmd}\\b`).test(FILES) ? `\n\n${FILES}` : ''}`;
}

const COMMAND_NAMES = ['start', 'demo', 'replay', 'liqs', 'levels', 'oi', 'import', 'record', 'register', 'migrate', 'help'];

/** The options of each command run here, as `parseArgs` reads them; one typed that is not among them is said by unknownOption. */
const OPTIONS = {
  replay: { json: { type: 'boolean' }, config: { type: 'string' }, stats: { type: 'boolean' } },
  liqs: { data: { type: 'string' }, window: { type: 'string' }, at: { type: 'string' }, json: { type: 'boolean' }, config: { type: 'string' }, chart: { type: 'string' } },
  levels: { data: { type: 'string' }, at: { type: 'string' }, json: { type: 'boolean' }, config: { type: 'string' }, chart: { type: 'string' } },
  oi: { data: { type: 'string' }, window: { type: 'string' }, at: { type: 'string' }, json: { type: 'boolean' }, config: { type: 'string' } },
  import: {},
  demo: {},
  migrate: {},
} as const;

/**
 * A message with the secrets the bot registered taken out (src/log.ts publishes its scrub on globalThis, loaded once
 * `start` has read the environment; the offline commands never load it, and have none): a usage error of `start` may
 * quote what was typed after a password was read (`--speed $LIQBOT_NATS_PASSWORD`).
 */
function scrubbed(text: string): string {
  const scrub = (globalThis as Record<symbol, unknown>)[Symbol.for('liqbot.scrub')];
  return typeof scrub === 'function' ? (scrub as (t: string) => string)(text) : text;
}

/** Something that failed for a reason the user can act on (a file not writable): one line, exit code 1. */
class CliError extends Error {}

/** The closest command name within two edits, for "did you mean". */
function closest(word: string, names: readonly string[]): string | undefined {
  let best: { name: string; d: number } | undefined;
  for (const name of names) {
    const d = distance(word.toLowerCase(), name);
    if (d <= 2 && (!best || d < best.d)) best = { name, d };
  }
  return best?.name;
}

function color(): boolean {
  return Boolean(process.stdout.isTTY) && !process.env.NO_COLOR;
}

/** The windows `--window` takes, as messages say them: 1h, 4h, 12h, 24h or 7d. */
const WINDOWS_SAID = `${ALL_WINDOWS.slice(0, -1).join(', ')} or ${ALL_WINDOWS[ALL_WINDOWS.length - 1]!}`;

/**
 * `--window`: the spec's windows (1h, 4h, 12h, 24h, 7d: the shared spec fixes the set), read as a chat reads them
 * (`1d`, `24 h`, `4 hours`, `60m`, `1440m`, `168h`, `week`: a length that is one of them is that window); one outside the
 * set (a chat's `30m`) is refused with the set and why it is fixed.
 */
function cliWindow(raw: string | undefined): WindowName {
  const set = WINDOWS_SAID;
  // An empty value is a mistake said, not the default window taken in silence.
  if (raw !== undefined && !raw.trim()) throw new UsageError(`--window needs a value: ${set}`);
  const chat = parseAnyWindow(raw, ALL_WINDOWS, '24h');
  const spec = chat.ok ? ALL_WINDOWS.find((w) => w === chat.value.name) : undefined;
  if (spec !== undefined) return spec;
  const why = chat.ok ? `, the windows of the shared spec (docs/events.md); a chat takes any from 5m to 7d, ${chat.value.name} too` : '';
  throw new UsageError(`--window ${JSON.stringify(raw)}: the offline commands take ${set}${why}`);
}

/** A moment in ISO-8601 as `--at` takes it, to the second: `1973-03-03T09:46:40Z`. */
function isoSecond(ms: number): string {
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

function parseAt(raw: string | undefined): number | undefined {
  if (raw === undefined) return undefined;
  if (/^\d{9,10}$/.test(raw)) throw new UsageError(`--at: "${raw}" looks like epoch seconds; give milliseconds (${raw}000) or an ISO-8601 time`);
  const ms = /^\d+$/.test(raw) ? Number(raw) : isoTime(raw);
  // The times an event file holds (a line's `ts`), so any moment of a file can be asked about; past them (a typo, or
  // past what a date can hold) is said as such, not as an internal error later.
  if (ms < MIN_MS_TS || ms > MAX_MS_TS) throw new UsageError(`--at: "${raw}" is not between ${isoSecond(MIN_MS_TS)} and ${isoSecond(MAX_MS_TS)} (the times an event file holds)`);
  return ms;
}

/**
 * ISO-8601 as `--at` takes it: a date, or a date and a time (seconds and their fraction optional, after a point or
 * ISO's comma) with `Z`, an offset (±hh:mm, ±hhmm or ±hh) or no zone, which is UTC, as the times the offline
 * commands print (never the machine's zone).
 */
const ISO_AT = /^(\d{4})-(\d\d)-(\d\d)(?:T(\d\d):(\d\d)(?::(\d\d)(?:[.,](\d+))?)?(?:Z|([+-])(\d\d)(?::?(\d\d))?)?)?$/;

/** An ISO-8601 `--at` in epoch milliseconds, its fields checked against the calendar (no February 30 rolled into March). */
function isoTime(raw: string): number {
  const m = ISO_AT.exec(raw);
  // Quoted as JSON: whatever was typed is shown, a control character in it escaped.
  if (!m) throw new UsageError(`--at: ${JSON.stringify(raw)} is not a time: give epoch milliseconds or ISO-8601 (2026-01-31, 2026-01-31T14:00, 2026-01-31T14:00:00Z, 2026-01-31T14:00:00+01:00; no zone is UTC)`);
  const [y = 0, mo = 0, d = 0, h = 0, mi = 0, s = 0, , , oh = 0, om = 0] = m.slice(1).map((x) => Number(x ?? 0));
  const days = new Date(Date.UTC(y, mo, 0)).getUTCDate(); // day 0 of the next month: the month's last
  const fault = mo < 1 || mo > 12 ? 'months are 01 to 12'
    : d < 1 || d > days ? `${m[1]}-${m[2]} has ${days} days`
    : h > 23 || mi > 59 || s > 59 ? 'hours are 00 to 23, minutes and seconds 00 to 59'
    : oh > 23 || om > 59 ? 'an offset is ±hh:mm, hours 00 to 23' : undefined;
  if (fault) throw new UsageError(`--at: "${raw}" is not a real date and time (${fault})`);
  const ms = Number((m[7] ?? '').padEnd(3, '0').slice(0, 3));
  return Date.UTC(y, mo - 1, d, h, mi, s, ms) - (m[8] === '-' ? -1 : 1) * (oh * 60 + om) * 60_000;
}

function reportSkipped(path: string, r: ReadReport): void {
  // A reason may quote the file (a type's name, a field's value): no control character of it reaches the terminal.
  for (const line of describeSkipped(path, r)) console.error(escapeTerminal(line));
}

/**
 * Reports for the reads of one file that say each malformed line (and each line read with a change) on stderr as it
 * is read, every one of them, with its line number: a file read twice (sorted whole, or again for the asset typed)
 * says each once. The lines of each piece of the file are written in one write, and the reading waits while stderr's
 * reader (a pipe) is behind: a write per line cost more than reading the line, and lines written faster than a pipe
 * took them queued in memory (3 million malformed lines: 1.69 GB).
 */
function tellingReports(path: string): () => ReadReport {
  let told = 0;
  let piece: string[] = [];
  const onLine = (l: ToldLine): void => {
    if (l.line <= told) return;
    told = l.line;
    piece.push(escapeTerminal(toldLineText(path, l)));
  };
  const onPiece = (): Promise<void> | undefined => {
    if (!piece.length) return undefined;
    console.error(piece.join('\n'));
    piece = [];
    return process.stderr.writableNeedDrain ? once(process.stderr, 'drain').then(() => undefined) : undefined;
  };
  return () => ({ ...newReport(), onLine, onPiece });
}

/**
 * One positional argument (a file or an asset): another one is a mistake said, not an argument ignored. A window typed
 * as a chat types it (`liqs eth 4h`) is said as the option it is here.
 */
function onlyOne(positionals: string[], command: keyof typeof OPTIONS): string | undefined {
  const extra = positionals[1];
  if (extra === undefined) return positionals[0];
  const what = command === 'replay' || command === 'import' ? 'file' : 'asset';
  const window = parseAnyWindow(extra, ALL_WINDOWS, '24h').ok && command !== 'replay' && command !== 'import';
  const hint = !window ? ' (options start with --)' : 'window' in OPTIONS[command] ? `: a window is --window ${extra}` : `: ${command} has no window (--at sets the moment)`;
  throw new UsageError(`${command} takes one ${what}; "${extra}" is one too many${hint}`);
}

/**
 * An option the command does not take, said as that, with the nearest it takes when one is a typo away and the ones it
 * takes (not parseArgs' own text, which advises on positionals that begin with "-"). `start`'s are src/main.ts's.
 */
async function unknownOption(cmd: string | undefined, message: string): Promise<string> {
  const typed = /'(-[^']*)'/.exec(message)?.[1];
  if (typed === undefined) return message;
  const options = await optionsOf(cmd);
  const shown = escapeTerminal(typed);
  if (options === undefined) return `unknown option ${shown}: liqbot --help lists the options of ${cmd}`;
  const name = typed.replace(/^--?/, '');
  // A short name (`-j`, `--js`) is two edits from too much to guess from.
  const guess = name.length > 2 ? closest(name, Object.keys(options)) : undefined;
  return `unknown option ${shown}${guess ? ` (did you mean --${guess}?)` : ''}: ${takesText(cmd, options)}`;
}

/** The options a command takes, as parseArgs reads them: OPTIONS', or src/main.ts's for `start`; undefined for `record` and `register`. */
async function optionsOf(cmd: string | undefined): Promise<Readonly<Record<string, { type: 'string' | 'boolean' }>> | undefined> {
  if (cmd !== undefined && cmd in OPTIONS) return OPTIONS[cmd as keyof typeof OPTIONS];
  return cmd === 'start' ? (await import('./main.js')).START_OPTIONS : undefined;
}

function takesText(cmd: string | undefined, options: Readonly<Record<string, unknown>>): string {
  const names = Object.keys(options);
  return names.length ? `${cmd} takes ${listText(names.map((o) => `--${o}`))}` : `${cmd} takes no options`;
}

/** What the value of each option that takes one is, as a message says it is missing. */
const VALUE_OF: Readonly<Record<string, string>> = {
  data: 'an event file (- for standard input)',
  config: 'a config file (YAML, like config/default.yaml)',
  window: `a window (${WINDOWS_SAID})`,
  at: 'a time (ISO 8601 like 2025-01-27T17:00:00Z or epoch ms)',
  chart: 'a PNG file to write (out.png)',
  replay: 'a recorded event file',
  speed: 'a speed (N× the recording\'s clock, like 60)',
  db: 'a database file',
  role: 'a role (ingest, core, deliver, gateway or all)',
  shard: 'the Discord shards to run (0,1)',
  platform: 'a platform (telegram or discord)',
  out: 'a file to write the events to',
};

/**
 * A command's arguments with each word that starts with one "-" after an option that takes a value joined to it
 * (`--at -5` is `--at=-5`): that is the value typed, then judged by the option's own check, where parseArgs would
 * refuse it as ambiguous. A word that starts with "--" stays an option (`--at --json`: --at has no value).
 */
function dashValues(args: string[], options: Readonly<Record<string, { type: string }>> | undefined): string[] {
  if (options === undefined) return args;
  const joined: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const word = args[i]!, next = args[i + 1];
    if (word === '--') return [...joined, ...args.slice(i)];
    if (next !== undefined && /^-[^-]/.test(next) && word.startsWith('--') && options[word.slice(2)]?.type === 'string') {
      joined.push(`${word}=${next}`);
      i++;
    } else joined.push(word);
  }
  return joined;
}

/**
 * An option that takes a value, typed twice (`--at 14:00 --at 15:00`): parseArgs keeps the last without a word, so the
 * answer would be as of a time the user may not have meant. Refused in one line naming both values. Switches typed
 * twice (`--json --json`) say the same thing twice and pass.
 */
function repeatedOption(args: readonly string[], options: Readonly<Record<string, { type: string }>> | undefined): string | undefined {
  if (options === undefined) return undefined;
  const seen = new Map<string, string>();
  for (let i = 0; i < args.length; i++) {
    const word = args[i]!;
    if (word === '--') break;
    const m = /^--([^=]+)(?:=(.*))?$/s.exec(word);
    if (!m || options[m[1]!]?.type !== 'string') continue;
    const value = m[2] ?? args[i + 1] ?? '';
    if (m[2] === undefined) i++;
    const before = seen.get(m[1]!);
    if (before !== undefined) return `--${m[1]} is given twice (${JSON.stringify(before)} and ${JSON.stringify(value)}): give it once`;
    seen.set(m[1]!, value);
  }
  return undefined;
}

/**
 * A parseArgs refusal in one line, naming the option and what it takes (not Node's text, which runs to three lines and
 * speaks of "positional arguments"): an option without its value, a switch given one, a word where none is taken, an
 * unknown option (`unknownOption`).
 */
async function parseArgsText(cmd: string | undefined, args: string[], err: Error & { code: string }): Promise<string> {
  if (err.code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION') return unknownOption(cmd, err.message);
  const option = /^Option '(?:-\w, )?--([^' ]+)/.exec(err.message)?.[1];
  if (err.code === 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE' && option !== undefined) {
    const flag = `--${option}`;
    const inline = args.find((a) => a.startsWith(`${flag}=`));
    if (/does not take an argument/.test(err.message)) return `${flag} is a switch and takes no value${inline === undefined ? '' : `; got ${JSON.stringify(inline.slice(flag.length + 1))}`}: write ${flag} alone`;
    // The option left without its value: last in the line, or before a word that starts with "-" (`--at --json`).
    const next = args.find((a, i) => args[i - 1] === flag && a.startsWith('-'));
    // A single "-" is joined as a value where the command's options are known (`dashValues`): not `record`'s.
    const after = next === undefined || next === '--' ? '' : next.startsWith('--') ? ` (${next} after it reads as an option)`
      : ` (${JSON.stringify(next)} after it reads as an option: a value that starts with - is written ${flag}=${next})`;
    return `${flag} needs ${VALUE_OF[option] ?? 'a value'}; got nothing${after}`;
  }
  const word = /^Unexpected argument '(.*)'\. /s.exec(err.message)?.[1];
  if (err.code === 'ERR_PARSE_ARGS_UNEXPECTED_POSITIONAL' && word !== undefined) {
    const options = await optionsOf(cmd);
    const names = Object.keys(options ?? {});
    const takes = options === undefined ? ` (liqbot ${cmd} --help lists its options)` : names.length ? ` (options start with --: ${listText(names.map((o) => `--${o}`))})` : '';
    return `${cmd} takes no arguments; ${JSON.stringify(word)} is one too many${takes}`;
  }
  return err.message;
}

/** How a file named on the command line is called in messages (`-` is standard input). */
function shown(path: string): string {
  return path === '-' ? 'standard input' : path;
}

/**
 * A file read for an answer as of its last event (a pipe or standard input too): one with no event at all has
 * nothing to answer from (not an empty market at 1970).
 */
async function loadEvents(path: string, keep?: string, reports = tellingReports(shown(path))): Promise<LoadedFile> {
  const loaded = await withRegularFile(path, (file) => loadFile(file, keep, reports()));
  if (loaded.report.events === 0) noEvents(path, loaded.report);
  return loaded;
}

/**
 * The file's events for the asset typed, and its ticker (`bitcoin`, `btcusdt`: BTC). `flushes`: the answer reads a
 * market-wide flush running (`levels`), which spans assets, so every asset's liquidations are held too (`runFile`'s
 * `asset`); else the reader holds that asset's events alone (`liqs` and `oi` read nothing of the others'), and reads
 * the file again when the asset was typed as a name.
 */
async function loadAsset(path: string, raw: string, settings: OfflineConfig, flushes = false): Promise<{ first: LoadedFile; asset: string }> {
  const reports = tellingReports(shown(path));
  const first = await loadEvents(path, flushes ? undefined : assetKey(raw), reports);
  const known = knownAssets(settings, first.assets);
  const parsed = parseAsset(raw, known);
  if (!parsed.ok) {
    const configured = parseAsset(raw, settings.config.assets);
    throw configured.ok ? noAssetData(path, configured.value, settings, known) : new UsageError(parsed.message);
  }
  return { first: flushes || parsed.value === assetKey(raw) ? first : await loadEvents(path, parsed.value, reports), asset: parsed.value };
}

/**
 * The stretch a loaded file speaks for: its first event (the asset's, when one is named) to its end, a candle's close
 * or a period's total's end (the asset's) where that is later than its last event.
 */
function spanOf(loaded: LoadedFile, asset?: string): [number, number] {
  let from = Infinity, to = loaded.lastTs;
  for (const batch of loaded.batches) {
    for (const e of batch) {
      // A level stamped 0 is in force from the file's start: no moment of its own.
      if ((e.type === 'level' && e.ts === 0) || (asset !== undefined && eventAsset(e) !== asset)) continue;
      from = Math.min(from, e.ts);
      to = Math.max(to, e.type === 'candle' ? e.ts + TIMEFRAME_MS[e.timeframe] : e.type === 'liquidation_total' ? e.ts + (e.period === '1d' ? DAY : HOUR) : e.ts);
    }
  }
  return [from, to];
}

/**
 * `--at` against the file: the answer is as of `--at`, as the contract says, with a line that says where that moment is
 * against the file: before its first event (the asset's) it has nothing to answer from, so an empty answer is not a
 * quiet market or a list without levels; after its end it says nothing of the time since.
 */
function atInFile(at: number | undefined, loaded: LoadedFile, path: string, asset?: string): string | undefined {
  if (at === undefined) return undefined;
  const [from, to] = spanOf(loaded, asset);
  const file = escapeTerminal(shown(path));
  // An asset whose only events are levels stamped 0 has no first moment (one with none at all is refused: `loadAsset`).
  if (Number.isFinite(from) && at < from) return `--at ${stamp(at)} is before the first ${asset ? `${asset} ` : ''}event in ${file} (${stamp(from)}): it has nothing to answer from as of then (its events run to ${stamp(to)}).`;
  return at > to ? `--at ${stamp(at)} is after ${file} ends (${stamp(to)}): it says nothing of the time since.` : undefined;
}

/** An answer printed: with `--json`, the JSON line, and the note beside it on stderr; else the reply with the note on top. */
function printAnswer(json: boolean, answer: () => unknown, reply: () => Reply, note: string | undefined): void {
  if (json) {
    console.log(JSON.stringify(answer()));
    if (note) console.error(`liqbot: ${note}`);
    return;
  }
  const r = reply();
  console.log(renderTerminal(note ? { ...r, blocks: [[[toned(note, 'warn')]], ...r.blocks] } : r, color()));
}

/** Why a file without one market event gives no answer (or, to `replay`, no alert). */
function noEventsText(path: string, report: ReadReport): string {
  const n = report.lines;
  return `${shown(path)} holds no market events${n ? ` (${n} line${n === 1 ? '' : 's'}, none of them an event)` : ' (it is empty)'}: see docs/events.md for the format`;
}

/**
 * A file without one market event has nothing to answer from (no moment to answer as of, not an empty market at
 * 1970): what was skipped, then one line and exit 1.
 */
function noEvents(path: string, report: ReadReport): never {
  reportSkipped(shown(path), report);
  throw new CliError(noEventsText(path, report));
}

/**
 * The config an offline command runs with, and whether the user's file (`--config`) names its `assets`: then those
 * alone are tracked, as the live bot tracks them (`runFile`'s `configuredAssets`); else every asset a file holds is.
 */
interface OfflineConfig {
  config: Config;
  configuredAssets: boolean;
}

/**
 * `loadConfig(path)`, from the build's validated defaults when there is no override and they are current: yaml
 * and zod are then never loaded (config/defaults.ts). A user's file names its `exchanges` as `start` reads them: one
 * that is no venue at all (`bybitt`) is refused as `start` refuses it (a file's events name their own exchanges, so a
 * venue without a live feed passes here).
 */
async function readConfig(path?: string): Promise<OfflineConfig> {
  const cached = path === undefined && BUNDLED ? cachedDefaults() : undefined;
  if (cached) return { config: cached, configuredAssets: false };
  const { loadConfigFile, checkExchanges } = await import('../config/load.js');
  const { config, sets } = loadConfigFile(path);
  if (path !== undefined) checkExchanges(config, Object.keys((await import('./feeds/venues/registry.js')).VENUES), path, true);
  return { config, configuredAssets: sets.has('assets') };
}

/**
 * The assets a file answers for: those it holds an event of (the file is the whole source), the configured ones first
 * and in their order; where the user's config names its `assets`, those alone.
 */
function knownAssets(settings: OfflineConfig, seen: ReadonlySet<string>): string[] {
  const held = settings.config.assets.filter((a) => seen.has(a));
  return settings.configuredAssets ? held : [...new Set([...held, ...seen])];
}

/**
 * A configured asset the file holds no event of: no answer, not a quiet market or a list without levels (the live
 * bot's feeds would bring its data; a file brings only what it holds).
 */
function noAssetData(path: string, asset: string, settings: OfflineConfig, known: readonly string[]): CliError {
  const listed = `${known.slice(0, 12).join(', ')}${known.length > 12 ? ` and ${known.length - 12} more` : ''}`;
  const holds = !known.length ? 'it holds none of the configured assets' : settings.configuredAssets ? `of the configured assets it holds ${listed}` : `it holds ${listed}`;
  return new CliError(`No ${asset} data in ${escapeTerminal(shown(path))}: ${holds}.`);
}

/**
 * The channel `replay` prints for: every asset, both alert families, no minimum. A cascade that a market-wide flush
 * carries is not posted there on its own (the flush's message tells it, `wants` in src/alerts/router.ts); the replay
 * prints it all the same, marked as such.
 */
const FOLLOWS_ALL: Subscription = { chat: 'replay', enabled: true, assets: [], families: ['cascade', 'level'], minUsd: 0, updatedAt: 0 };

/** Whether the channel `replay` prints for gets this alert (a post, or an edit of its running message). */
function postedToAll(a: Alert): boolean {
  return wants(FOLLOWS_ALL, a);
}

/** The mark of a replayed alert that a channel following every asset does not get, muted on a terminal. */
const CARRIED = '(carried by the market-wide flush: not posted)';

/** One alert on one line: its moment, title and body; one a channel following `all` does not get is marked. */
function alertLine(a: Alert, colour: boolean): string {
  const r = alertReply(a);
  const body = r.blocks.flat().map(lineText).filter(Boolean);
  const line = escapeTerminal(`${stamp(a.ts)}  ${r.title ? lineText(r.title) : a.kind} | ${body.join(' | ')}`);
  if (postedToAll(a)) return line;
  return `${line}  ${colour ? `\x1b[2m${CARRIED}\x1b[0m` : CARRIED}`;
}

/** Refuse a chart path that cannot be written before doing any work. */
async function checkChartPath(out: string | undefined): Promise<void> {
  if (out === undefined) return;
  const { existsSync, statSync } = await import('node:fs');
  const { dirname, resolve } = await import('node:path');
  const dir = dirname(resolve(out));
  if (!existsSync(dir)) throw new UsageError(`--chart: cannot write ${out}: the folder ${dir} does not exist`);
  if (!statSync(dir).isDirectory()) throw new UsageError(`--chart: cannot write ${out}: ${dir} is not a folder`);
  if (!/\.png$/i.test(out)) throw new UsageError(`--chart: charts are PNG images; name the file …png (got ${out})`);
}

async function writeChart(out: string, render: () => Promise<{ png: Uint8Array }>): Promise<void> {
  const { writeFile } = await import('node:fs/promises');
  const chart = await render();
  try {
    await writeFile(out, chart.png);
  } catch (err) {
    const e = err as NodeJS.ErrnoException;
    throw new CliError(`--chart: cannot write ${out}: ${e.code === 'EACCES' ? 'permission denied' : e.code === 'ENOENT' ? 'the folder does not exist' : e.message}`);
  }
  console.error(`chart written to ${out}`);
}

async function cmdReplay(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({ args: argv, allowPositionals: true, options: OPTIONS.replay });
  const file = onlyOne(positionals, 'replay');
  if (!file) throw new UsageError('replay needs an event file: liqbot replay FILE [--json]');
  const { config, configuredAssets } = await readConfig(values.config);
  const reports = tellingReports(shown(file));
  if (values.stats) {
    const loaded = await withRegularFile(file, (path) => loadFile(path, undefined, reports()));
    // No event, no alert: a valid answer (zero of everything), the file's emptiness said beside it.
    if (loaded.report.events === 0) console.error(`liqbot: ${escapeTerminal(noEventsText(file, loaded.report))}`);
    const events = loaded.batches.flat();
    const run = await runFile(loaded, config, { closes: true, configuredAssets });
    // Where nothing was called, how close it came: the detectors' own nearest misses, measured against the thresholds they asked.
    const st = backtest(run.alerts, run.closes, levelsOf(events), { cascades: run.market.cascades.nearestMisses(), flushes: run.market.flushes.nearestMisses() });
    if (values.json) console.log(JSON.stringify(st));
    // Labels come from the file: no control character of theirs reaches the terminal (the replies' renderer does the same).
    else {
      let closes = 0;
      for (const list of run.closes.values()) closes += list.length;
      const input: StatsInput = { levels: config.levels.defaults.length, closes, timeframe: config.levels.timeframe, liquidations: 0, liquidationTotals: 0 };
      // The market the replay ran on (its candles, to their close, and prices): where the prints leave part of it
      // out, the cascades counted are of the prints' stretches alone, and said so.
      let from = Infinity, to = -Infinity;
      for (const e of events) {
        if (e.type === 'level') input.levels++;
        else if (e.type === 'liquidation') input.liquidations++;
        else if (e.type === 'liquidation_total') input.liquidationTotals++;
        else if (e.type === 'candle' || e.type === 'price') {
          from = Math.min(from, e.ts);
          to = Math.max(to, e.type === 'candle' ? e.ts + TIMEFRAME_MS[e.timeframe] : e.ts);
        }
      }
      if (from <= to) input.market = { from, to };
      const cover = from < to ? recordedIn(loaded.recorded, from, to) : undefined;
      if (cover?.any && !cover.full) input.prints = { stretches: loaded.recorded, from, to };
      const lines = statsLines(st, input);
      // A file of prints alone spans its prints: an hour or more without one (a recorder stopped for hours) is said,
      // or none found there reads as a quiet market. On a line of its own: statsLines' sentence names candles and prices.
      const printed = loaded.recorded;
      if (from >= to && printed.length > 1) {
        const end = printed[printed.length - 1]![1];
        lines.push(`counted where the file has liquidation prints: ${stretchesText(printed, end)} ${zoneLabel(end)}; between them it has none, so none can be found there`);
      }
      for (const line of lines) console.log(escapeTerminal(line));
    }
    reportSkipped(shown(file), run.report);
    return 0;
  }
  // Streamed through the reorder buffer; a file with events out of order by more than its hold (levels appended
  // after the day they are about) is read again whole and sorted, so the alerts are printed once the run is done.
  // A pipe (`cat day.jsonl levels.jsonl | liqbot replay -`) is copied to a file first, to be read again too.
  const run = await withRegularFile(file, async (path) => {
    const first = await runFile(path, config, { report: reports(), configuredAssets });
    return first.report.late > 0 ? runFile(await loadFile(path, undefined, reports()), config, { configuredAssets }) : first;
  });
  // A file without events has no alert to print: zero alerts is the answer (exit 0), its emptiness said on stderr.
  if (run.report.events === 0) console.error(`liqbot: ${escapeTerminal(noEventsText(file, run.report))}`);
  // `posted`: whether a channel following every asset gets it (the spec's fields stay as they are; more are welcome).
  const colour = color();
  for (const a of run.alerts) console.log(values.json ? JSON.stringify({ ...alertJson(a), posted: postedToAll(a) }) : alertLine(a, colour));
  // A cascade or flush the file ends inside: its start printed, no end to come (with --json, every line is an alert).
  const running = values.json ? undefined : stillRunningLine(backtest(run.alerts, new Map(), []), run.lastTs);
  if (running) console.log(escapeTerminal(running));
  // A reader that closed the pipe (`| head`) ends the command quietly (bin/liqbot.js) once the failed write is
  // reported, a turn of the event loop later: before the summary, not after it.
  await new Promise((resolve) => setImmediate(resolve));
  reportSkipped(shown(file), run.report);
  if (!values.json) {
    const carried = run.alerts.filter((a) => !postedToAll(a)).length;
    const posted = carried ? `; a channel following every asset gets ${run.alerts.length - carried} (${carried} carried by a market-wide flush)` : '';
    console.error(`${run.alerts.length} alert${run.alerts.length === 1 ? '' : 's'} from ${run.report.events} events${posted}`);
  }
  return 0;
}

async function cmdLiqs(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: OPTIONS.liqs,
  });
  const rawAsset = onlyOne(positionals, 'liqs');
  if (!rawAsset) throw new UsageError('liqs needs an asset: liqbot liqs eth --data FILE');
  if (!values.data) throw new UsageError('liqs needs --data FILE (an event file)');
  const window = cliWindow(values.window);
  const all = rawAsset.toLowerCase() === 'all';
  if (all && values.chart !== undefined) throw new UsageError('--chart draws one asset (liqbot liqs eth --data FILE --chart out.png); "all" has no chart');
  await checkChartPath(values.chart);
  const settings = await readConfig(values.config);
  const { config, configuredAssets } = settings;
  const at = parseAt(values.at);
  const { first, asset } = all ? { first: await loadEvents(values.data), asset: 'ALL' } : await loadAsset(values.data, rawAsset, settings, true);
  const note = atInFile(at, first, values.data, all ? undefined : asset);
  const to = at ?? first.lastTs;
  const windowMs = WINDOW_MS[window];
  const run = await runFile(first, config, { until: to, bucketFrom: to - windowMs, configuredAssets, ...(all ? {} : { asset }) });
  reportSkipped(shown(values.data), run.report);
  if (all) {
    const m = run.market.marketSummary(window, windowMs, to);
    printAnswer(Boolean(values.json), () => summaryJson(m), () => marketReply(m, ALL_WINDOWS), note);
    return 0;
  }
  const s = run.market.summary(asset, window, windowMs, to);
  printAnswer(Boolean(values.json), () => summaryJson(s), () => summaryReply(s, ALL_WINDOWS), note);
  if (values.chart) {
    const { liqsChartInput } = await import('./charts/inputs.js');
    const { renderLiqsChart } = await import('./charts/render.js');
    await writeChart(values.chart, () => renderLiqsChart(liqsChartInput(run.market, s)));
  }
  return 0;
}

async function cmdLevels(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: OPTIONS.levels,
  });
  const rawAsset = onlyOne(positionals, 'levels');
  if (!rawAsset) throw new UsageError('levels needs an asset: liqbot levels eth --data FILE');
  if (rawAsset.trim().toUpperCase() === 'ALL') throw new UsageError('levels are read one asset at a time: liqbot levels eth --data FILE');
  if (!values.data) throw new UsageError('levels needs --data FILE (an event file)');
  await checkChartPath(values.chart);
  const settings = await readConfig(values.config);
  const { config, configuredAssets } = settings;
  const at = parseAt(values.at);
  const { first, asset } = await loadAsset(values.data, rawAsset, settings, true);
  const note = atInFile(at, first, values.data, asset);
  const to = at ?? first.lastTs;
  // The same moment as `liqbot liqs` on the same file, so both show one price.
  const run = await runFile(first, config, { until: to, asset, configuredAssets });
  reportSkipped(shown(values.data), run.report);
  const st = run.market.levelStatus(asset, undefined, to);
  const map = estimateLiqMap(run.market, asset, to);
  // A file's answer, where no chat admin adds levels: with none yet, when the file sets its first (for every chat).
  const later = first.batches.flat().filter((e) => e.type === 'level' && e.asset === asset && e.chat === undefined && e.ts > to);
  const file = later.length ? { firstLevelAt: Math.min(...later.map((e) => e.ts)) } : {};
  printAnswer(Boolean(values.json), () => levelsJson(st), () => levelsReply(st, run.market.windowCoverage(asset, DAY, to), map, undefined, file), note);
  if (values.chart) {
    const { levelsChartInput } = await import('./charts/inputs.js');
    const { renderLevelsChart } = await import('./charts/render.js');
    await writeChart(values.chart, () => renderLevelsChart(levelsChartInput(run.market, st, map)));
  }
  return 0;
}

async function cmdOi(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: OPTIONS.oi,
  });
  const rawAsset = onlyOne(positionals, 'oi');
  if (!rawAsset) throw new UsageError('oi needs an asset: liqbot oi eth --data FILE');
  if (rawAsset.trim().toUpperCase() === 'ALL') throw new UsageError('open interest is read one asset at a time: liqbot oi eth --data FILE');
  if (!values.data) throw new UsageError('oi needs --data FILE (an event file)');
  const window = cliWindow(values.window);
  const settings = await readConfig(values.config);
  const { config, configuredAssets } = settings;
  const at = parseAt(values.at);
  const { first, asset } = await loadAsset(values.data, rawAsset, settings);
  const note = atInFile(at, first, values.data, asset);
  const to = at ?? first.lastTs;
  const run = await runFile(first, config, at === undefined ? { asset, configuredAssets } : { until: at, asset, configuredAssets });
  reportSkipped(shown(values.data), run.report);
  const snapshot = leverageSnapshot(run.market.leverage, asset, to - WINDOW_MS[window], to);
  if (!snapshot) {
    if (values.json) console.log(JSON.stringify({ asset, window, to, oi: null, funding: null, venues: [] }));
    else console.error(`liqbot: ${values.data} has no open interest or funding for ${asset} before ${stamp(to)}`);
    return values.json ? 0 : 1;
  }
  const map = values.json ? undefined : estimateLiqMap(run.market, asset, to);
  printAnswer(Boolean(values.json), () => ({ window, ...snapshot }), () => oiReply(snapshot, { window, windows: ALL_WINDOWS, synthetic: run.market.synthetic, ...(map ? { map } : {}) }), note);
  return 0;
}

async function cmdDemo(argv: string[]): Promise<number> {
  parseArgs({ args: argv, options: OPTIONS.demo });
  // The bundled day's assets all, whatever a deployment's config tracks: the demo shows its ETH and the flush.
  const { config } = await readConfig(process.env.LIQBOT_CONFIG || undefined);
  const c = color();
  const rule = (t: string) => console.log(`\n${c ? '\x1b[1;7m' : '== '}${t}${c ? '\x1b[0m' : ' =='}\n`);
  rule('Replaying the bundled SYNTHETIC market day (modelled on the Jan 31 ETH flush): what the bot would have posted');
  const run = await runFile(BUNDLED_DAY, config, {
    onAlert: (a) => {
      if (isUpdate(a)) return;
      // Each alert as a chat reads it, its time in its footer stamp, in the order of the day.
      console.log(renderListEntry(alertReply(a), a.ts, c));
      console.log('');
    },
  });
  reportSkipped(BUNDLED_DAY, run.report);
  const updates = run.alerts.filter(isUpdate).length;
  if (updates) console.log(`  (${updates} cascade updates edited the running cascade messages in place)`);
  rule('/liqs');
  console.log(renderTerminal(marketReply(run.market.marketSummary('24h', WINDOW_MS['24h']), ALL_WINDOWS), c));
  rule('/liqs eth');
  console.log(renderTerminal(summaryReply(run.market.summary('ETH', '24h', WINDOW_MS['24h']), ALL_WINDOWS), c));
  rule('/levels eth');
  const st = run.market.levelStatus('ETH');
  const map = estimateLiqMap(run.market, 'ETH', run.market.clock);
  console.log(renderTerminal(levelsReply(st, run.market.summary('ETH', '24h', WINDOW_MS['24h']).coverage, map), c));
  rule('/oi eth');
  const lev = leverageSnapshot(run.market.leverage, 'ETH', run.market.clock - WINDOW_MS['24h'], run.market.clock);
  if (lev) console.log(renderTerminal(oiReply(lev, { window: '24h', windows: ALL_WINDOWS, synthetic: true, ...(map ? { map } : {}) }), c));
  // The week's digest of the levels a chat watches (here the file's own; no chat has proposed any).
  rule('/level digest eth');
  console.log(renderTerminal(chatDigestReply(chatDigest(run.market, { listProposals: () => [] }, 'terminal:demo', run.market.clock, config.levels.testingPct, 'ETH'), { synthetic: true }), c));
  rule('The estimated liquidation map against what happened (an ESTIMATE, checked on the replayed day)');
  for (const line of liqmapComparison(run.market, ['ETH'])) console.log(line);
  return 0;
}

/** What an import read and wrote: events and levels apart (a level is no market event: it is set, not stored twice). */
interface ImportCounts {
  events: number;
  newEvents: number;
  levels: number;
  newLevels: number;
}

/**
 * Why a file marked synthetic (its meta line) is not imported, and what shows it instead: the store is what the live bot
 * answers every chat from, and a made-up day's levels would show there and its vendor daily totals rank among the real
 * ones ("largest since…"). A mark found after some of the file was written (a generated day appended to a recording)
 * says what went in before it.
 */
function syntheticImportText(file: string, n: ImportCounts): string {
  const written = n.newEvents || n.newLevels ? `the ${count(n.newEvents)} new events and ${count(n.newLevels)} new levels read before its mark were imported, the rest not` : 'nothing imported';
  return `${file} is synthetic (its meta line marks it generated): importing it would show its made-up levels to every chat and rank its made-up daily totals among real ones; ${written}. Rehearse it with liqbot start --replay ${file} (a database of its own), or see the bundled day with npm run demo`;
}

async function cmdImport(argv: string[]): Promise<number> {
  const { positionals } = parseArgs({ args: argv, allowPositionals: true, options: OPTIONS.import });
  const file = onlyOne(positionals, 'import');
  if (!file) throw new UsageError('import needs an event file: liqbot import FILE');
  const { env } = await import('./env.js');
  const { openSqliteStore } = await import('./store/sqlite.js');
  const dbPath = env().dbPath;
  const report = tellingReports(file)();
  const n: ImportCounts = { events: 0, newEvents: 0, levels: 0, newLevels: 0 };
  let store: SqliteStore | undefined;
  /** The ids of the levels stored before the import: a file's level among them is already set, and left as it is. */
  let storedIds: Set<string> | undefined;
  /** The levels this file set, each with its line's time: a line that sets one again is a correction (`levelRepeats`). */
  const setHere = new Map<string, number>();
  let events: MarketEvent[] = [];
  let levels: LevelEvent[] = [];
  // Nothing is written while the file may yet prove synthetic: its mark is the first line wherever a generator writes
  // one, read before the first write; the store is opened (created) only then, so a refused file leaves none behind.
  const write = (): void => {
    if (report.synthetic) throw new CliError(syntheticImportText(file, n));
    store ??= openSqliteStore(dbPath);
    storedIds ??= new Set(store.listLevels().map((l) => l.id));
    for (const e of levels) {
      // Levels become the store's levels (global, or the chat's own), like ones set with /level add. One the file sets
      // again is replaced by the later line, as a replay of the file holds it (src/offline.ts); one read late (an
      // earlier time after a later one) is not the later.
      const level = levelOfEvent(e);
      const before = setHere.get(level.id);
      if (before !== undefined) report.levelRepeats = (report.levelRepeats ?? 0) + 1;
      else if (!storedIds.has(level.id)) n.newLevels++;
      if (before !== undefined && e.ts < before) continue;
      setHere.set(level.id, e.ts);
      if (!storedIds.has(level.id)) store.putLevel(level);
    }
    n.newEvents += store.insertEvents(events);
    events = [];
    levels = [];
  };
  try {
    for await (const e of readEventFile(file, report)) {
      if (e.type === 'level') {
        n.levels++;
        levels.push(e);
      } else {
        n.events++;
        events.push(e);
      }
      if (events.length + levels.length >= 5000) write();
    }
    write();
    reportSkipped(file, report);
    // A level set again by the file (counted on stderr) is neither new nor set already.
    const already = n.levels - n.newLevels - (report.levelRepeats ?? 0);
    const set = n.levels ? ` and ${count(n.newLevels)} new level${n.newLevels === 1 ? '' : 's'} (${count(already)} already set)` : '';
    console.log(`imported ${count(n.newEvents)} new events of ${count(n.events)} (${count(n.events - n.newEvents)} already stored)${set} into ${dbPath}`);
    return 0;
  } finally {
    store?.close();
  }
}

/** The exit of a start refused for its configuration or data (sysexits' EX_CONFIG): the unit does not restart it. */
const EX_CONFIG = 78;

/**
 * A running bot's start refused for good: its settings, its database (corrupt, newer, held by another liqbot) or the
 * file it rehearses. Started again unchanged it is refused again, so systemd is told not to try every 15 s. Not a port
 * still held by the process before it, a database or stream not reachable yet: those may pass (exit 1, restarted).
 */
function refusedStart(cmd: string | undefined, err: unknown): boolean {
  if (cmd !== 'start' && cmd !== 'record') return false;
  if ((err as Error).name === 'StoreError') return refusedForGood(err as StoreError);
  if (err instanceof ConfigError) return (err.cause as { code?: unknown } | undefined)?.code !== 'EADDRINUSE';
  return err instanceof EventFileError;
}

/** Whether `--help` or `-h` was typed among a command's arguments (not as a file name after `--`). */
function asksHelp(args: string[]): boolean {
  const end = args.indexOf('--');
  return (end < 0 ? args : args.slice(0, end)).some((a) => a === '--help' || a === '-h');
}

export async function main(argv: string[]): Promise<number> {
  const [cmd, ...typed] = argv;
  // Asked of any command, before any of it runs (`migrate --help` migrates nothing, `start --help` starts nothing).
  if (cmd !== undefined && cmd !== 'help' && COMMAND_NAMES.includes(cmd) && asksHelp(typed)) {
    console.log(commandUsage(cmd));
    return 0;
  }
  const options = COMMAND_NAMES.includes(cmd ?? '') ? await optionsOf(cmd) : undefined;
  const rest = dashValues(typed, options);
  const twice = repeatedOption(rest, options);
  if (twice !== undefined) {
    console.error(`liqbot: ${escapeTerminal(twice)}`);
    return 2;
  }
  try {
    switch (cmd) {
      case 'replay':
        return await cmdReplay(rest);
      case 'liqs':
        return await cmdLiqs(rest);
      case 'levels':
        return await cmdLevels(rest);
      case 'oi':
        return await cmdOi(rest);
      case 'demo':
        return await cmdDemo(rest);
      case 'import':
        return await cmdImport(rest);
      case 'migrate': {
        parseArgs({ args: rest, options: OPTIONS.migrate });
        const [{ env }, { migrateDatabase }] = await Promise.all([import('./env.js'), import('./store/migrate.js')]);
        console.log(await migrateDatabase(env()));
        return 0;
      }
      case 'start':
      case 'record':
      case 'register': {
        const { runService } = await import('./main.js');
        return await runService(cmd, rest);
      }
      case undefined:
      case 'help':
      case '--help':
      case '-h':
        console.log(USAGE);
        return cmd === undefined ? 2 : 0;
      default: {
        const guess = closest(cmd, COMMAND_NAMES);
        console.error(`liqbot: unknown command "${escapeTerminal(cmd)}".${guess ? ` Did you mean ${guess}?` : ''} Run liqbot --help.`);
        return 2;
      }
    }
  } catch (err) {
    if (err instanceof UsageError || err instanceof CliError || err instanceof ConfigError || err instanceof EventFileError) {
      console.error(`liqbot: ${scrubbed(err.message)}`);
      return err instanceof UsageError ? 2 : refusedStart(cmd, err) ? EX_CONFIG : 1;
    }
    if (err instanceof TypeError && 'code' in err && String(err.code).startsWith('ERR_PARSE_ARGS')) {
      // One line, whatever was typed (a value with a line break in it, a control character).
      console.error(`liqbot: ${escapeTerminal(scrubbed(await parseArgsText(cmd, typed, err as TypeError & { code: string }))).replace(/\s*\n\s*/g, ' ')}`);
      return 2;
    }
    if ((err as Error).name === 'StoreError' || (err as Error).name === 'BusError') {
      console.error(`liqbot: ${(err as Error).message}`);
      return refusedStart(cmd, err) ? EX_CONFIG : 1;
    }
    throw err;
  }
}
