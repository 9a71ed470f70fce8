/**
 * Runs the bot: wiring only. Reads the environment and config once, opens the store, restores state,
 * starts the live feeds (or a rehearsal replay), the chat adapters whose tokens are set (the terminal
 * otherwise), the outbox and the health/metrics endpoint, and shuts all of it down cleanly on a signal.
 */
import { parseArgs } from 'node:util';
import { mkdirSync } from 'node:fs';
import { loadConfig } from '../config/load.js';
import type { ChatAdapter } from './adapters/contract.js';
import { createTerminalAdapter, TERMINAL_CHAT } from './adapters/terminal/adapter.js';
import { LiqBot } from './bot.js';
import { env as readEnv } from './env.js';
import { readEventFile, newReport, describeSkipped } from './io/event-file.js';
import { logger, logLevelFromEnv, setLogLevel } from './log.js';
import type { Platform } from '../commands/types.js';

const log = logger('main');


/** A stop signal as a promise, so the run can await it. */
function untilSignal(): { promise: Promise<string>; abort: AbortController } {
  const abort = new AbortController();
  const promise = new Promise<string>((resolve) => {
    const on = (sig: string) => {
      abort.abort();
      resolve(sig);
    };
    process.once('SIGINT', () => on('SIGINT'));
    process.once('SIGTERM', () => on('SIGTERM'));
  });
  return { promise, abort };
}

/**
 * Feed a recorded day through the bot at `speed`× its own clock (rehearsal mode). Quiet stretches longer
 * than 15 minutes of the recording (and history before the day) are skipped rather than waited out.
 */
async function rehearse(bot: LiqBot, file: string, speed: number, clock: { speed: number; t0: number; wall0: number }, signal: AbortSignal): Promise<void> {
  const report = newReport();
  const SKIP_MS = 15 * 60_000;
  clock.speed = speed;
  for await (const e of readEventFile(file, report)) {
    if (signal.aborted) break;
    const nowTs = clock.wall0 ? clock.t0 + (Date.now() - clock.wall0) * speed : -Infinity;
    if (e.ts - nowTs > SKIP_MS) Object.assign(clock, { t0: e.ts, wall0: Date.now() });
    else {
      const wait = (e.ts - nowTs) / speed;
      if (wait > 5) await new Promise((r) => setTimeout(r, Math.min(wait, 1000)));
    }
    bot.market.synthetic = report.synthetic;
    bot.ingest(e);
  }
  bot.flush();
  for (const line of describeSkipped(file, report)) log.warn(line);
  log.info({ events: report.events }, 'rehearsal finished: the recorded day is over (Ctrl-C to stop)');
}

async function start(argv: string[]): Promise<number> {
  const { values } = parseArgs({ args: argv, options: { replay: { type: 'string' }, speed: { type: 'string' } } });
  const env = readEnv();
  const config = loadConfig(env.configPath);
  const speed = values.speed === undefined ? 60 : Number(values.speed);
  if (!Number.isFinite(speed) || speed <= 0) throw new Error(`--speed must be a positive number, got "${values.speed}"`);
  mkdirSync(env.dataDir, { recursive: true });
  // At the terminal prompt, info lines would drown the replies: keep warnings and errors unless asked otherwise.
  if (!env.telegram && !env.discord && !logLevelFromEnv()) setLogLevel('warn');
  const { openSqliteStore } = await import('./store/sqlite.js');
  const store = openSqliteStore(env.dbPath);
  // Rehearsal runs on the recording's clock: now = t0 + (wall time since start) × speed.
  const clock = { speed: 1, t0: 0, wall0: 0 };
  const now = values.replay ? () => (clock.wall0 ? clock.t0 + (Date.now() - clock.wall0) * clock.speed : 0) : Date.now;
  const adapters: Partial<Record<Platform, ChatAdapter>> = {};
  let charts;
  try {
    const { createChartService } = await import('./charts/service.js');
    charts = createChartService(() => bot.market);
  } catch (err) {
    log.warn({ err }, 'charts unavailable: replies go out without images');
  }
  const bot: LiqBot = new LiqBot({ config, store, now, adapters, ...(charts ? { charts } : {}), ...(values.replay ? { clockSkewMs: false as const } : {}) });
  if (!values.replay) bot.restore();

  if (env.telegram) {
    const { createTelegramAdapter } = await import('./adapters/telegram/adapter.js');
    adapters.telegram = createTelegramAdapter({ ...env.telegram, services: bot });
  }
  if (env.discord) {
    const { createDiscordAdapter } = await import('./adapters/discord/adapter.js');
    adapters.discord = createDiscordAdapter({ ...env.discord, services: bot });
  }
  if (!env.telegram && !env.discord) {
    adapters.terminal = createTerminalAdapter({ services: bot });
    store.putSubscription({ chat: TERMINAL_CHAT, enabled: true, assets: [], families: ['cascade', 'level'], minUsd: 0, updatedAt: Date.now() });
  }
  // One failing platform never stops the others.
  for (const [name, a] of Object.entries(adapters)) {
    try {
      await a.start();
      log.info({ platform: name }, 'chat adapter started');
    } catch (err) {
      log.error({ err, platform: name }, 'chat adapter failed to start; the others keep running');
      delete adapters[name as Platform];
    }
  }
  bot.outbox.start();

  let http: { close(): Promise<void> } | undefined;
  if (env.httpPort) {
    const { startOpsServer } = await import('./ops/http.js');
    http = await startOpsServer(env.httpPort, bot, () => feeds?.statuses() ?? []);
  }

  const stop = untilSignal();
  let feeds: { stop(): Promise<void>; statuses(): import('./feeds/contract.js').FeedStatus[] } | undefined;
  let replayDone: Promise<void> | undefined;
  let leverage: { stop(): Promise<void> } | undefined;
  let vendor: { stop(): Promise<void> } | undefined;
  if (values.replay) {
    replayDone = rehearse(bot, values.replay, speed, clock, stop.abort.signal).catch((err) => log.error({ err }, 'rehearsal failed'));
  } else {
    const { startFeeds } = await import('./feeds/index.js');
    feeds = await startFeeds({
      config,
      dataDir: env.dataDir,
      sink: {
        event: (e) => bot.ingest(e),
        gap: (g) => bot.gap(g),
        status: (s) => {
          bot.market.feeds.update(s);
          log.debug(s, 'feed status');
        },
      },
    });
    // Replies name every venue from the start, including those still connecting.
    for (const s of feeds.statuses()) bot.market.feeds.update(s);
    if (env.coinalyze) {
      const { startVendorPolling } = await import('./feeds/vendor.js');
      vendor = await startVendorPolling({ ...env.coinalyze, assets: config.assets, sink: { event: (e) => bot.ingest(e) } });
    }
    const { startLeveragePolling } = await import('./feeds/leverage.js');
    leverage = await startLeveragePolling({ config, intervalMs: 300_000, sink: { event: (e) => bot.ingest(e) } });
  }
  const ticker = setInterval(() => bot.tick(), 1000);
  const flusher = setInterval(() => bot.flush(), 2000);
  const pruner = setInterval(() => bot.prune(), 3_600_000);
  pruner.unref();

  const sig = await stop.promise;
  log.info({ signal: sig }, 'stopping: intake first, then deliveries in flight, then the store');
  const force = setTimeout(() => {
    log.error('shutdown took too long; exiting');
    process.exit(1);
  }, 8000);
  force.unref();
  clearInterval(ticker);
  clearInterval(flusher);
  clearInterval(pruner);
  await feeds?.stop();
  await leverage?.stop();
  await vendor?.stop();
  await replayDone;
  bot.flush();
  // No new deliveries; then stop the adapters, which drops sends still waiting for a rate-limit slot (their
  // alerts stay pending in the store for the next start); then wait for the lanes to record that.
  const lanes = bot.outbox.stop();
  await Promise.allSettled(Object.values(adapters).map((a) => a.stop()));
  await lanes;
  await http?.close();
  store.close();
  clearTimeout(force);
  await new Promise((resolve) => setImmediate(resolve)); // closed handles leave the list on the next turn
  const mem = process.memoryUsage();
  const handles: Record<string, number> = {};
  for (const kind of process.getActiveResourcesInfo()) handles[kind] = (handles[kind] ?? 0) + 1;
  log.warn(
    { events: bot.stats.events, alerts: bot.stats.alerts, outbox: bot.outbox.counters, rssMb: Math.round(mem.rss / 1e6), heapMb: Math.round(mem.heapUsed / 1e6), handles },
    'stopped',
  );
  return 0;
}

async function recordCmd(argv: string[]): Promise<number> {
  const { values } = parseArgs({ args: argv, options: { out: { type: 'string' } } });
  const env = readEnv();
  const config = loadConfig(env.configPath);
  mkdirSync(env.dataDir, { recursive: true });
  const { record } = await import('./feeds/record.js');
  const stop = untilSignal();
  const summary = await record({ config, out: values.out ?? process.stdout, dataDir: env.dataDir, signal: stop.abort.signal });
  log.info(summary, 'recording stopped');
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
  await registerCommands({ ...env.discord, ...(values.clear ? { clear: true } : {}) });
  return 0;
}

export async function runService(cmd: string, argv: string[]): Promise<number> {
  switch (cmd) {
    case 'start':
      return start(argv);
    case 'record':
      return recordCmd(argv);
    case 'register':
      return register(argv);
    default:
      throw new Error(`unknown service command ${cmd}`);
  }
}
