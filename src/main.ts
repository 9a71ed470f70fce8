/**
 * Runs the bot: wiring only. Reads the environment and config once, opens the store, restores state,
 * starts the live feeds (or a rehearsal replay), the chat adapters whose tokens are set (the terminal
 * otherwise), the outbox and the health/metrics endpoint, and shuts all of it down cleanly on a signal.
 */
import { parseArgs } from 'node:util';
import { setFlagsFromString } from 'node:v8';
import { fstatSync, statSync } from 'node:fs';
import { stat } from 'node:fs/promises';
import { constants as osConstants } from 'node:os';
import { isatty } from 'node:tty';
import { resolve } from 'node:path';
import { ConfigError, UsageError } from '../config/error.js';
import { checkExchanges, loadConfig } from '../config/load.js';
import type { ChatAdapter } from './adapters/contract.js';
import { createTerminalAdapter, TERMINAL_CHAT, type TerminalAdapter } from './adapters/terminal/adapter.js';
import { ExchangeStatusLines } from './adapters/terminal/status.js';
import type { FeedStatus } from './feeds/contract.js';
import type { LiveFeeds } from './feeds/start.js';
import { Health } from './ops/health.js';
import { feedsHealth } from './core/coverage.js';
import { Platforms } from './ops/platforms.js';
import { besideLiveLine, freshRehearsalDb, markRehearsal, rehearsalDbPath, rehearsalLabel, seedFromLive, stoppedPartWayLine, type LiveDatabase } from './ops/rehearsal.js';
import { LiqBot } from './bot.js';
import { Stretches } from './core/coverage.js';
import { env as readEnv } from './env.js';
import { EventFileError, newReport, describeSkipped, readEventFile, readRecording, skippedLevel } from './io/event-file.js';
import { logger, setLogLevel } from './log.js';
import { startupError } from './store/errors.js';
import { setTimeZone } from './replies/zone.js';
import type { Platform } from '../commands/types.js';

const log = logger('main');

/**
 * How the run ends: the first Ctrl-C / SIGTERM / SIGHUP (or `/quit`, Ctrl-D at the prompt, or giving up on the chat
 * platforms) starts a clean shutdown; a second signal exits at once (128 + the signal's number, as a shell reports a
 * process the signal ended). SIGHUP is the SSH session or terminal that ran the bot closing: left to its default, it
 * would end the process at once, nothing written. `code` is the exit code to report.
 */
function stopper(): { promise: Promise<{ reason: string; code: number }>; abort: AbortController; request(reason: string, code?: number): void } {
  const abort = new AbortController();
  let resolveStop!: (v: { reason: string; code: number }) => void;
  const promise = new Promise<{ reason: string; code: number }>((resolve) => (resolveStop = resolve));
  const request = (reason: string, code = 0) => {
    if (abort.signal.aborted) return;
    abort.abort();
    resolveStop({ reason, code });
  };
  const onSignal = (sig: NodeJS.Signals) => {
    // The terminal closed with the session: a log line written there fails (EIO), and the logger retries a failed write
    // for ever at exit, which would leave the process hung, holding the database. There is no one to read it anyway.
    if (sig === 'SIGHUP' && process.stderr.isTTY && !isatty(2)) setLogLevel('silent');
    if (!abort.signal.aborted) return request(sig);
    log.warn({ signal: sig }, 'second stop signal: exiting now');
    process.exit(128 + osConstants.signals[sig]);
  };
  for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) process.on(sig, onSignal);
  return { promise, abort, request };
}

/**
 * Housekeeping (retention of events and delivered alerts): once a minute after start, then hourly. A bot restarted
 * more often than hourly (a crash loop, frequent deploys) still prunes. The timers never keep the process alive.
 */
export function startPruning(prune: () => void, firstMs = 60_000, everyMs = 3_600_000): { stop(): void } {
  let every: ReturnType<typeof setInterval> | undefined;
  const first = setTimeout(() => {
    prune();
    every = setInterval(prune, everyMs);
    every.unref();
  }, firstMs);
  first.unref();
  return {
    stop: () => {
      clearTimeout(first);
      if (every) clearInterval(every);
    },
  };
}

/** Commands a chat platform's stop cut off (the adapters' `unfinished()`, summed). */
export interface CutOffCommands {
  /** Received and never run: their senders must send them again. */
  notRun: number;
  /** Carried out (their changes saved) and not answered. */
  unanswered: number;
}

/**
 * The stopped bot's last log line: what it did, and what is lost with the process, said, not dropped silently: what
 * the store still refused at the last flush (a full disk), what it took into a database file no restart reads (the file
 * deleted, replaced or moved while the bot ran), and the commands the chat platforms' stop cut off.
 */
export function stoppedLine(bot: LiqBot, commands: CutOffCommands = { notRun: 0, unanswered: 0 }): [Record<string, unknown>, string] {
  const store = bot.health().store;
  const notSaved = { events: store.heldEvents, alerts: store.heldAlerts, changes: bot.state.unsaved() };
  let fields: Record<string, unknown> = { events: bot.stats.events, alerts: bot.stats.alerts, outbox: bot.outbox.counters };
  const lost: string[] = [];
  if (notSaved.events + notSaved.alerts + notSaved.changes > 0) {
    const why = store.failing.length ? store.failing.join(', ') : 'see the store errors above';
    const what = notSaved.changes ? `${notSaved.events} events, ${notSaved.alerts} alerts and ${notSaved.changes} changes of levels, settings or proposals` : `${notSaved.events} events and ${notSaved.alerts} alerts`;
    fields = { ...fields, notSaved, failing: store.failing };
    lost.push(`${what} were not saved: the store refused them (${why})`);
  }
  if (store.notKeptSince !== undefined) {
    // Written without an error, into a file the next start does not open: as lost as a refused write.
    fields = { ...fields, notKept: { since: store.notKeptSince, problem: store.fileProblem } };
    lost.push(`levels, chat settings, alerts and events written since ${utcSecond(store.notKeptSince)} were not kept: ${store.fileProblem}`);
  }
  if (commands.notRun + commands.unanswered > 0) {
    fields = { ...fields, commands };
    if (commands.notRun) lost.push(`${commands.notRun} commands received were not run (their turn came after the stop began): their senders must send them again`);
    if (commands.unanswered) lost.push(`${commands.unanswered} commands were carried out and saved but not answered (their answers waited for the chat's turn)`);
  }
  return [fields, lost.length ? `stopped; ${lost.join('; ')}` : 'stopped'];
}

/** A moment as the stop's line tells it: `2026-02-01 14:02:11 UTC`. */
const utcSecond = (ms: number): string => `${new Date(ms).toISOString().slice(0, 19).replace('T', ' ')} UTC`;

/** The exit of a start refused for its configuration (sysexits' EX_CONFIG): the unit does not restart it (src/cli.ts). */
const EX_CONFIG = 78;

/**
 * Whether the prompt served no one: standard input is not a terminal (a pipe, a file) and ended before a byte of a
 * command came. A service with no chat token is then a mistake in its setup, not a clean stop (/dev/null, known at
 * once, is refused before the start: `inputIsNull`); a pipe that sent commands and ended (`printf '/liqs eth\n' | npm
 * start`) leaves as asked.
 */
function nothingToServe(): boolean {
  return !process.stdin.isTTY && process.stdin.bytesRead === 0;
}

/**
 * Whether standard input is /dev/null, known before anything starts (a service's StandardInput=null, Docker without
 * -i; Node opens a closed one so too): the prompt would read no command. A pipe or a file may still send some, which
 * is known only once it ends (`nothingToServe`). Where there is no /dev/null to compare with, the prompt finds out.
 */
function inputIsNull(): boolean {
  try {
    const input = fstatSync(0);
    return input.isCharacterDevice() && input.rdev === statSync('/dev/null').rdev;
  } catch {
    return false;
  }
}

const NO_CHAT_NO_TERMINAL = 'no TELEGRAM_BOT_TOKEN or DISCORD_TOKEN in the environment and no terminal to read commands from: nothing to serve; see .env.example';

/** Seconds a clean shutdown may take before the process exits anyway. */
const SHUTDOWN_LIMIT_MS = 5_000;

/** How often (in events) a rehearsal looks at the events held for the store, and how many it lets wait there. */
const REHEARSAL_CHECK_EVERY = 1_000;
const REHEARSAL_MAX_HELD = 20_000;
/** How far past a recording's last event a rehearsal's clock runs before it stops. */
const AFTER_RECORDING_MS = 60 * 60_000;

/**
 * Feed a recorded day through the bot at `speed`× its own clock (rehearsal mode). Quiet stretches longer
 * than 15 minutes of the recording (and history before the day) are skipped rather than waited out.
 */
async function rehearse(bot: LiqBot, file: string, speed: number, clock: { speed: number; t0: number; wall0: number; limit: number }, signal: AbortSignal): Promise<void> {
  const report = newReport();
  const SKIP_MS = 15 * 60_000;
  let read = 0;
  let last = -Infinity;
  /** Where its day begins: its first event past the vendor history before it (as its clock starts: firstEventTs). */
  let dayFirst: number | undefined;
  let stopped = false;
  clock.speed = speed;
  // The recording is the whole source, as for the offline commands: a window its prints leave out reads "No
  // liquidation data", not a quiet market. Its stretches grow in place as the prints are replayed, in time order.
  const recorded = new Stretches();
  bot.market.recorded = recorded.growing;
  // The clock stood at the recording's first event while the chat adapters started: it runs from now.
  if (clock.wall0) clock.wall0 = Date.now();
  bot.market.recordedSoFar = true;
  // Its levels at their own time (a levels file appended after its day).
  for await (const e of readRecording(file, report)) {
    if (signal.aborted) {
      stopped = true;
      break;
    }
    // The clock may run to the next event (what falls due before it, an end in a quiet stretch, is raised on time), never
    // past it: a machine slower than the speed asked for must not tick the market past events not read yet.
    clock.limit = Math.max(e.ts, Number.isFinite(last) ? last : e.ts);
    const nowTs = clock.wall0 ? clock.t0 + (Date.now() - clock.wall0) * speed : -Infinity;
    if (e.ts - nowTs > SKIP_MS) Object.assign(clock, { t0: e.ts, wall0: Date.now() });
    else {
      const wait = (e.ts - nowTs) / speed;
      if (wait > 5) await new Promise((r) => setTimeout(r, Math.min(wait, 1000)));
    }
    bot.market.synthetic = report.synthetic;
    if (e.ts > last) last = e.ts;
    if (e.type !== 'liquidation_total' && e.ts !== 0) dayFirst ??= e.ts;
    if (e.type === 'liquidation') recorded.add(e.ts);
    bot.ingest(e);
    // A recording read faster than the store writes (a high --speed) would otherwise pile its events up in memory,
    // held for the writer thread: wait for the writer instead, as a live feed never outruns it.
    if (++read % REHEARSAL_CHECK_EVERY === 0 && bot.health().store.heldEvents >= REHEARSAL_MAX_HELD) await bot.drain();
  }
  // The clock runs on for an hour of the recording past its last event (a cascade still running is called over),
  // then stops: chats go on asking about the day replayed, which a clock running on at a high --speed would leave
  // behind at once (the engine pruning it all).
  clock.limit = Number.isFinite(last) ? last + AFTER_RECORDING_MS : Infinity;
  bot.flush();
  for (const line of describeSkipped(file, report)) log[skippedLevel(report)](line);
  // Stopped (a signal, /quit) before its end: the day is not over, and the line says how far it got.
  if (stopped) {
    const reached = { events: read, ...(Number.isFinite(last) ? { last } : {}), ...(dayFirst !== undefined ? { first: dayFirst } : {}) };
    log.info(reached, stoppedPartWayLine(file, reached));
    return;
  }
  // Read to its end: what the recording has is all of it now.
  bot.market.recordedSoFar = false;
  if (Number.isFinite(last)) bot.market.recordingEnd = last;
  log.info({ events: report.events }, 'rehearsal finished: the recorded day is over; its clock stops an hour past the last event (Ctrl-C to stop)');
}

/**
 * Where a rehearsal's clock starts, when the recording is a regular file that has events: its first event past the
 * vendor history before its day (a month of daily totals, replayed in a moment), else its first event. Read from the
 * file's start only (a large recording is not read through twice before the prompt). A pipe cannot be read twice: its
 * clock starts with its first event. Anything else is read here, before anything starts, so a recording that cannot be
 * read (no such file, a folder) refuses the start with the reader's one line (an EventFileError: exit 78, src/cli.ts).
 */
async function firstEventTs(file: string): Promise<number | undefined> {
  if ((await stat(file).catch(() => undefined))?.isFIFO()) return undefined;
  let first: number | undefined;
  try {
    for await (const e of readEventFile(file)) {
      if (e.type === 'level' && e.ts === 0) continue; // a shared levels file's "always": in force from the first event
      first ??= e.ts;
      if (e.type !== 'liquidation_total') return e.ts;
    }
  } catch (err) {
    // The reader checks that the file is there and a file; one it may not open (EACCES) is refused the same way.
    const code = (err as NodeJS.ErrnoException).code;
    if (err instanceof EventFileError || typeof code !== 'string') throw err;
    throw new EventFileError(`cannot read ${file} (${code})`, { cause: err });
  }
  return first;
}

/** The options `liqbot start` takes (a deployment file's commands are checked against them). */
export const START_OPTIONS = {
  replay: { type: 'string' },
  speed: { type: 'string' },
  db: { type: 'string' },
  role: { type: 'string' },
  shard: { type: 'string' },
  platform: { type: 'string' },
} as const;

/**
 * The store and its writer thread, opened and ready: the live database, or a rehearsal's own (fresh unless `--db`
 * names one, seeded from the live one's chats; `live` says what it found of the live one). `onStore` runs a start-up
 * step on it: a failure closes both and leaves as the one line that says what to do (a file damaged in a page the
 * restore read: refused for good, exit 78; a full disk: exit 1, started again once space is freed).
 */
async function openStore(env: ReturnType<typeof readEnv>, rehearsal: { db: string | undefined } | undefined) {
  const { openSqliteStore } = await import('./store/sqlite.js');
  const dbPath = rehearsal ? (rehearsal.db ?? rehearsalDbPath(env.dataDir)) : env.dbPath;
  if (rehearsal && rehearsal.db === undefined) freshRehearsalDb(dbPath, env.dbPath);
  let store: ReturnType<typeof openSqliteStore>;
  try {
    store = openSqliteStore(dbPath);
  } catch (err) {
    throw startupError(err);
  }
  // Market events are written by a thread of their own, so SQLite's inserts never hold up the feeds.
  const { openEventWriter } = await import('./store/event-writer.js');
  const writer = openEventWriter(store);
  const onStore = async <T>(step: () => T | Promise<T>): Promise<T> => {
    try {
      return await step();
    } catch (err) {
      await writer.close().catch(() => undefined);
      try {
        store.close();
      } catch {
        // Already failing: the start's error is the one to tell.
      }
      throw startupError(err);
    }
  };
  await onStore(() => writer.ready());
  let live: LiveDatabase | undefined;
  if (rehearsal && resolve(dbPath) !== resolve(env.dbPath)) {
    live = seedFromLive(store, () => openSqliteStore(env.dbPath), env.dbPath, log);
    log.info({ db: dbPath }, 'rehearsal: using its own database; the live one is left untouched');
  }
  return { store, writer, onStore, live };
}

/** A feed's state as the health endpoint reports it. */
function setFeedHealth(health: Health, s: FeedStatus): void {
  health.set(`feed:${s.exchange}:${s.stream}`, s.state === 'live' ? 'ok' : 'degraded', s.state === 'connecting' ? 'connecting' : s.error ?? 'down');
}

async function start(argv: string[]): Promise<number> {
  // A bot runs for weeks: let V8 grow its old space by a quarter between full collections rather than the default
  // (up to 4× while young), so garbage is collected before it becomes RSS the process keeps. Read at every growth.
  setFlagsFromString('--heap-growing-percent=25');
  const { values } = parseArgs({ args: argv, options: START_OPTIONS });
  const env = readEnv();
  const config = loadConfig(env.configPath);
  checkExchanges(config, Object.keys((await import('./feeds/venues/registry.js')).VENUES), env.configPath);
  // Chats read times in the community's zone (the offline CLI keeps UTC: its output is a contract).
  setTimeZone(config.timeZone);
  const speed = values.speed === undefined ? 60 : Number(values.speed);
  if (!Number.isFinite(speed) || speed <= 0) throw new UsageError(`--speed must be a positive number, got "${values.speed}"`);
  if (values.db !== undefined && !values.replay) throw new UsageError('--db is for rehearsals (--replay FILE); the live database is LIQBOT_DB');
  // Only a deliverer sends to one platform (`--role all` delivers to every platform with a token).
  if (values.platform !== undefined && values.role !== 'deliver') throw new UsageError('--platform is for --role deliver (the chat platform that deliverer sends to: --role deliver --platform telegram|discord)');
  if (values.role !== undefined) {
    // Scale-out (src/bus/roles.ts): this process is one role of several, talking through NATS and PostgreSQL.
    const { runRole } = await import('./bus/roles.js');
    const shardIds = values.shard === undefined ? undefined : (await import('./bus/gateway.js')).parseShardIds(values.shard);
    return runRole(values.role, { env, config, signal: stopper().abort.signal, ...(values.replay ? { replay: { file: values.replay, speed } } : {}), ...(shardIds ? { shardIds } : {}), ...(values.platform ? { platform: values.platform } : {}) });
  }
  if (values.shard !== undefined) throw new UsageError('--shard is for --role gateway (the Discord shards this gateway runs, e.g. --shard 0,1)');
  const rehearsal = values.replay !== undefined;
  // A command typed before the first event is replayed reads the recording's first moment, not 1970 (a level
  // added then is set on the recording's day). Read before anything starts: a recording that cannot be read is refused.
  const first = values.replay !== undefined ? await firstEventTs(values.replay) : undefined;
  // No chat token and standard input /dev/null: refused before the prompt's banner and before a database is made.
  if (!env.telegram && !env.discord && inputIsNull()) throw new ConfigError(NO_CHAT_NO_TERMINAL);
  (await import('./store/sqlite.js')).createFolder(env.dataDir, 'LIQBOT_DATA_DIR');
  // At the terminal prompt, log lines would drown the replies: the prompt prints its own short status lines
  // (exchanges down and back), so only errors are logged unless LOG_LEVEL says otherwise.
  const quietPrompt = () => {
    if (!env.logLevel) setLogLevel('error');
  };
  if (!env.telegram && !env.discord) quietPrompt();
  const { store, writer, onStore, live } = await openStore(env, rehearsal ? { db: values.db } : undefined);
  // A rehearsal beside the running live bot serves no chat, whatever tokens it has: the live bot serves them, and a
  // second process on its token would answer each command again, from the recorded day. It serves the terminal.
  const chats = live === 'running' ? {} : { telegram: env.telegram, discord: env.discord };
  const terminal = !chats.telegram && !chats.discord;
  if (live === 'running') {
    log.warn(besideLiveLine(env.dbPath));
    quietPrompt();
  }
  const health = new Health();
  // Rehearsal runs on the recording's clock: now = t0 + (wall time since start) × speed.
  const clock = { speed: 1, t0: 0, wall0: 0, limit: Infinity };
  const now = values.replay ? () => (clock.wall0 ? Math.min(clock.t0 + (Date.now() - clock.wall0) * clock.speed, clock.limit) : 0) : Date.now;
  if (first !== undefined) Object.assign(clock, { t0: first, wall0: Date.now(), limit: first });
  const adapters: Partial<Record<Platform, ChatAdapter>> = {};
  let charts;
  try {
    const { createChartService } = await import('./charts/service.js');
    charts = createChartService(() => bot.market);
  } catch (err) {
    log.warn({ err }, 'charts unavailable: replies go out without images');
  }
  const bot: LiqBot = new LiqBot({ config, store, writer, now, adapters, ...(charts ? { charts } : {}), ...(rehearsal ? { clockSkewMs: false as const } : {}) });
  // A rehearsal's clock runs at the recording's speed and stops an hour past its last event: the command budgets of its
  // chats run on wall-clock minutes instead, so a refused member is answered again a minute later.
  if (rehearsal) (await import('../commands/index.js')).meterOnWallClock(bot);
  // Live before the stored events are replayed: a market-wide flush running at the stop is rebuilt by the live rule.
  if (!rehearsal) bot.market.live = true;
  if (!rehearsal) await onStore(() => bot.restore());
  // The store's own fault tracking (src/store/faults.ts): failing while its writes fail or its file is gone.
  health.probe('store', () => {
    const h = bot.health().store;
    if (h.ok && !h.fileProblem) return { state: 'ok' };
    const held = h.heldEvents || h.heldAlerts ? `; holding ${h.heldEvents} events and ${h.heldAlerts} alerts in memory` : '';
    return { state: 'failing', reason: `${h.fileProblem ?? h.failing.join(', ')}${held}` };
  });
  // What has started, stopped in order at the end, or as far as it got when a step of the start fails.
  const parts: Parts = { bot, writer, store };
  // The health endpoint before the feeds, the prompt and the platforms: a port in use (another liqbot?) ends the start
  // with nothing else begun, the store closed.
  if (env.httpPort) {
    const { startOpsServer } = await import('./ops/http.js');
    const port = env.httpPort;
    parts.http = await onStore(() => startOpsServer({ port, host: env.httpHost, bot, health, feeds: () => parts.feeds?.statuses() ?? [] }));
    log.info({ host: env.httpHost, port }, 'serving /healthz and /metrics');
  }
  const stop = stopper();
  /** A refusal found once the start was under way (a token a platform refused, a piped input that sent nothing): said last. */
  let refused: ConfigError | undefined;
  const refuse = (err: ConfigError) => {
    refused ??= err;
    stop.request('its settings were refused', EX_CONFIG);
  };
  let feedsStarting: Promise<LiveFeeds> | undefined;
  try {
    // Every alert a rehearsal posts says so, on every platform (its footer stamp says the recording's moment); read at
    // each post, as the file's synthetic mark is known only once it is read.
    const label = () => rehearsalLabel(bot.market.synthetic);
    const wrap = (a: ChatAdapter): ChatAdapter => (rehearsal ? markRehearsal(a, label) : a);
    const factories: Partial<Record<Platform, () => ChatAdapter>> = {};
    // Every adapter made, asked at the end what its stop cut off (the last log line).
    const inbound: { unfinished(): CutOffCommands }[] = [];
    parts.inbound = inbound;
    const keep = <A extends ChatAdapter & { unfinished(): CutOffCommands }>(a: A): A => (inbound.push(a), a);
    if (chats.telegram) {
      const { createTelegramAdapter } = await import('./adapters/telegram/adapter.js');
      const opts = { ...chats.telegram, services: bot };
      factories.telegram = () => wrap(keep(createTelegramAdapter(opts)));
    }
    if (chats.discord) {
      const { createDiscordAdapter } = await import('./adapters/discord/adapter.js');
      const opts = { ...chats.discord, services: bot };
      factories.discord = () => wrap(keep(createDiscordAdapter(opts)));
    }
    // Live feeds start before any chat can ask: every venue is marked "connecting" in the call's first lines, so the
    // first command reads "no data yet", never a quiet market, while the exchange library loads behind it (then leverage
    // polling and, with COINALYZE_API_KEY, the vendor's totals).
    const statusLines = new ExchangeStatusLines({ say: (line) => parts.prompt?.notice(line) });
    const early: string[] = [];
    // Allowed (the tests start the bot so), but a live bot without an exchange has nothing to tell of the market: said once.
    if (!rehearsal && config.exchanges.length === 0) {
      log.warn({ config: env.configPath ?? 'config/default.yaml' }, 'no exchange configured (config `exchanges` is empty): no liquidation or price data will come in, and replies say so');
    }
    const feedsModule = values.replay ? undefined : await import('./feeds/start.js');
    feedsStarting = feedsModule?.startLiveFeeds({
      config,
      dataDir: env.dataDir,
      vendor: env.coinalyze,
      sink: {
        event: (e) => bot.ingest(e),
        gap: (g) => bot.gap(g),
        status: (s) => {
          bot.market.feeds.update(s);
          log.debug(s, 'feed status');
          setFeedHealth(health, s);
          const line = parts.prompt && statusLines.update(s);
          if (line) parts.prompt!.notice(line);
        },
        // Said at the prompt (which logs errors only); one said before the prompt is up waits for it.
        notice: (line) => (parts.prompt ? parts.prompt.notice(line) : early.push(line)),
      },
    });
    feedsStarting?.catch(() => undefined); // awaited below, where a failure stops what has started
    if (terminal) {
      const prompt = createTerminalAdapter({
        services: bot,
        onQuit: (how) => {
          if (how !== 'end of input' || !nothingToServe()) return stop.request(how);
          refuse(new ConfigError(live === 'running' ? 'a rehearsal beside the running live bot serves only its terminal, and there is no terminal to read commands from: nothing to serve' : NO_CHAT_NO_TERMINAL));
        },
      });
      parts.prompt = prompt;
      await prompt.start();
      for (const line of early.splice(0)) prompt.notice(line);
      adapters.terminal = wrap(prompt);
      health.set('chat:terminal', 'ok');
      bot.apply({ kind: 'subscription.put', subscription: { chat: TERMINAL_CHAT, enabled: true, assets: [], families: ['cascade', 'level'], minUsd: 0, updatedAt: Date.now() } });
    }
    // One failing platform never stops the others; one that cannot start is retried, and when none can, the
    // process exits non-zero so systemd or Docker restarts it.
    parts.platforms = new Platforms({
      factories,
      adapters,
      health,
      log,
      giveUpMs: env.giveUpMs,
      // Alerts queued before a platform was up (everything pending at a restart) go out when it is, not 5 minutes later.
      onStarted: (platform) => bot.outbox.platformStarted(platform),
      // A token a platform refused is the settings' mistake: refused in one line (exit 78), what had started stopped.
      onGiveUp: (reason, refusal) => {
        if (refusal) return refuse(refusal);
        log.error(`${reason}; exiting so the service manager restarts liqbot`);
        stop.request('no chat platform could start', 1);
      },
    });
    parts.platforms.start();
    bot.outbox.start();

    if (values.replay) {
      parts.replayDone = rehearse(bot, values.replay, speed, clock, stop.abort.signal).catch((err) => log.error({ err }, 'rehearsal failed'));
    } else {
      const feeds = await feedsStarting!;
      parts.feeds = feeds;
      for (const s of feeds.statuses()) setFeedHealth(health, s);
      // Replies name every venue from the start, including those still connecting.
      for (const s of feeds.statuses()) bot.market.feeds.update(s);
      // The liquidation feeds as a whole: degraded while some venues are down, failing when none is live.
      health.probe('feeds', () => {
        const f = feedsHealth(bot.market.feeds.list());
        const said = [
          f.down.length ? `down: ${f.down.map((d) => d.exchange).join(', ')}` : '',
          f.connecting.length ? `connecting: ${f.connecting.join(', ')}` : '',
        ].filter(Boolean);
        return f.state === 'ok' ? { state: 'ok' } : { state: f.state, reason: said.join('; ') || (config.exchanges.length ? 'no liquidation feed live' : 'no exchange configured (config `exchanges` is empty)') };
      });
    }
  } catch (err) {
    // A step that failed once the prompt, a platform or a feed had started (the feeds could not start): what started
    // is stopped in order, and the start leaves with the step's error (runService sees that the process ends).
    stop.request('the start failed', 1);
    // Feeds still starting when a later step failed are stopped too (one that failed to start stopped itself).
    parts.feeds ??= await feedsStarting?.catch(() => undefined);
    await stopInOrder({ ...parts, code: 1 });
    throw err;
  }
  // Each second: the clock, and the weekly digest of each opted-in chat's levels, queued in the outbox when the week
  // turns (or at a start within a day after it: one queued before is not queued again), a rehearsal's weeks too.
  const ticker = setInterval(() => {
    bot.tick();
    bot.postDigests();
  }, 1000);
  const flusher = setInterval(() => bot.flush(), 2000);
  const pruner = startPruning(() => bot.prune());

  const { reason, code } = await stop.promise;
  log.info({ reason }, 'stopping: intake first, then deliveries in flight, then the store');
  if (parts.prompt) process.stdout.write('\nstopping…\n');
  clearInterval(ticker);
  clearInterval(flusher);
  pruner.stop();
  const [, , exitCode] = await stopInOrder({ ...parts, code });
  // Its one line, as a refusal before the start says it (src/cli.ts: `liqbot: …`, exit 78).
  if (refused) throw refused;
  setTimeout(() => process.exit(exitCode), 500).unref();
  return exitCode;
}

/** The parts of a running bot, each set once it has started. */
interface Parts {
  bot: LiqBot;
  writer: { close(): Promise<void> };
  store: { close(): void };
  http?: { close(): Promise<void> };
  feeds?: LiveFeeds;
  replayDone?: Promise<void>;
  prompt?: TerminalAdapter;
  platforms?: Platforms;
  /** The chat adapters made (a platform retried makes several): what their stops cut off. */
  inbound?: { unfinished(): CutOffCommands }[];
}

/**
 * A clean stop, in order: intake first (feeds, a rehearsal's reading), the events held for the store, then deliveries
 * (no new ones; the adapters drop sends still waiting for a rate-limit slot, their alerts pending in the store for the
 * next start; the lanes record that) and commands (none begun any more; those begun finish, are answered within the
 * adapters' grace, and what they changed is written: a level with its state), the health endpoint, the writer and
 * the store. Past SHUTDOWN_LIMIT_MS the process exits anyway. Ends with the stopped bot's last log line, which it
 * returns with the exit code: `code`, or 1 when data is lost with the process: refused by the store (a full disk) or
 * written into a database file no restart reads (deleted while the bot ran): a failure, as a shutdown that took too long
 * is; commands a stop cut off are its ordinary cost and leave `code`.
 */
export async function stopInOrder(p: Parts & { code: number }): Promise<[Record<string, unknown>, string, number]> {
  const { code, bot } = p;
  const force = setTimeout(() => {
    log.error(`shutdown took longer than ${SHUTDOWN_LIMIT_MS / 1000} s; exiting`);
    process.exit(code || 1);
  }, SHUTDOWN_LIMIT_MS);
  force.unref();
  await p.feeds?.stop();
  await p.replayDone;
  await bot.drain();
  const lanes = bot.outbox.stop();
  await Promise.allSettled([p.platforms?.stop(), p.prompt?.stop()]);
  await lanes;
  // What the commands finished during the platforms' stop changed, before the writer thread closes.
  await bot.drain();
  await p.http?.close();
  await p.writer.close();
  p.store.close();
  clearTimeout(force);
  await new Promise((resolve) => setImmediate(resolve)); // closed handles leave the list on the next turn
  const mem = process.memoryUsage();
  const handles: Record<string, number> = {};
  for (const kind of process.getActiveResourcesInfo()) handles[kind] = (handles[kind] ?? 0) + 1;
  const commands: CutOffCommands = { notRun: 0, unanswered: 0 };
  for (const a of p.inbound ?? []) {
    const u = a.unfinished();
    commands.notRun += u.notRun;
    commands.unanswered += u.unanswered;
  }
  const [fields, line] = stoppedLine(bot, commands);
  log.warn({ ...fields, rssMb: Math.round(mem.rss / 1e6), heapMb: Math.round(mem.heapUsed / 1e6), handles }, line);
  // The prompt logs only errors: what the stop lost is said there too, under its "stopping…".
  if (p.prompt && line !== 'stopped') p.prompt.notice(line);
  return [fields, line, code || (fields.notSaved || fields.notKept ? 1 : 0)];
}

async function recordCmd(argv: string[]): Promise<number> {
  const { values } = parseArgs({ args: argv, options: { out: { type: 'string' } } });
  const env = readEnv();
  const config = loadConfig(env.configPath);
  (await import('./store/sqlite.js')).createFolder(env.dataDir, 'LIQBOT_DATA_DIR');
  const { record, recordedLine } = await import('./feeds/record.js');
  const stop = stopper();
  const summary = await record({ config, out: values.out ?? process.stdout, dataDir: env.dataDir, signal: stop.abort.signal });
  log.info(summary, 'recording stopped');
  console.error(recordedLine(summary, values.out ?? 'stdout'));
  return 0;
}

async function register(argv: string[]): Promise<number> {
  const { values } = parseArgs({ args: argv, options: { clear: { type: 'boolean' } } });
  const env = readEnv();
  if (!env.discord) {
    console.error('liqbot register: set DISCORD_TOKEN (and DISCORD_APPLICATION_ID) in .env first');
    return 1;
  }
  const { registerCommands } = await import('./adapters/discord/register.js');
  try {
    await registerCommands({ ...env.discord, ...(values.clear ? { clear: true } : {}) });
  } catch (err) {
    // No network, a wrong token, a missing permission: one line that says which, not a stack.
    const cause = (err as Error).cause as { message?: string; code?: string } | undefined;
    const detail = cause?.code ?? cause?.message;
    console.error(`liqbot register: could not register the slash commands with Discord: ${(err as Error).message}${detail && !(err as Error).message.includes(detail) ? ` (${detail})` : ''}`);
    return 1;
  }
  return 0;
}

/**
 * A service that failed once it had begun leaves with its error (bin/liqbot.js prints it and sets the exit code): what
 * it may have left open (a role's socket, a retry timer) must not keep a failed process alive until a second signal.
 */
function leaveSoon(err: unknown): never {
  setTimeout(() => process.exit(Number(process.exitCode) || 1), 500).unref();
  throw err;
}

export async function runService(cmd: string, argv: string[]): Promise<number> {
  switch (cmd) {
    case 'start':
      return start(argv).catch(leaveSoon);
    case 'record':
      return recordCmd(argv).catch(leaveSoon);
    case 'register':
      return register(argv);
    default:
      throw new Error(`unknown service command ${cmd}`);
  }
}
