/**
 * Figure 6b, the real bot's memory: peak RSS (VmHWM) of `liqbot start` itself, run from the bundle as an
 * operator runs it, with SQLite (and its writer thread), both chat adapters against the local fake Telegram
 * Bot API and fake Discord, and a chart asked for in a chat every few seconds, after a simulated week of
 * events. The week reaches the bot through the rehearsal path (`--replay` on a named pipe the bench writes
 * into, as fast as the bot reads), so a week of event time runs in minutes. Baselines in the same run:
 * `node -e 0`, and the same bot idle (adapters up, no events).
 */
import { execFileSync, spawn } from 'node:child_process';
import { createWriteStream, readFileSync, writeFileSync } from 'node:fs';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import { FakeDiscord, FAKE_TOKEN } from '../../test/fakes/discord/server.js';
import { guild } from '../../test/fakes/discord/payloads.js';
import { FakeTelegram, fakeLimits } from '../../test/fakes/telegram/server.js';
import { sendCommand } from '../../test/fakes/telegram/updates.js';
import { openSqliteStore } from '../../src/store/sqlite.js';
import { ASSETS_20 } from '../data.js';
import { weekMinutes } from '../week-events.js';
import { figure, fmtInt, runChild, TempDir, type BenchOptions, type Figure } from '../util.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const CHAT = -1001000;

/**
 * The environment settings and Node flags `npm start` (and the Dockerfile, and the systemd unit) start the bot
 * with (`MALLOC_MMAP_THRESHOLD_=131072 exec node --max-semi-space-size=4 … bin/liqbot.js start`): the bench runs the same.
 */
function startCommand(): { env: Record<string, string>; flags: string[]; text: string } {
  const text = (JSON.parse(readFileSync(`${ROOT}package.json`, 'utf8')) as { scripts: { start: string } }).scripts.start;
  const words = text.split(' ');
  const node = words.indexOf('node');
  const bin = words.indexOf('bin/liqbot.js');
  // `exec` (npm's shell hands its process to node, so a stop signal reaches the bot) is no setting.
  const settings = words.slice(0, Math.max(node, 0)).filter((w) => w !== 'exec').map((w) => /^([A-Z_]+)=(\S*)$/.exec(w));
  if (node < 0 || bin < node || settings.some((m) => !m)) throw new Error(`bot memory: cannot read "npm start" (${text})`);
  return { env: Object.fromEntries(settings.map((m) => [m![1]!, m![2]!])), flags: words.slice(node + 1, bin), text };
}

/** VmHWM of a live process, in MB. */
function peakRssMb(pid: number): number {
  const kb = /^VmHWM:\s+(\d+) kB$/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1];
  if (!kb) throw new Error(`no VmHWM for pid ${pid} (not Linux?)`);
  return Number(kb) / 1024;
}

interface BotRun {
  peakRssMb: number;
  events: number;
  ms: number;
  charts: number;
  /** Replies that carried a chart image (alerts included). */
  photos: number;
}

/** One `liqbot start --replay <pipe>`: `rate` 0 leaves it idle (the pipe closed at once once it is up). */
async function botRun(tmp: TempDir, name: string, rate: number, days: number, progress: (l: string) => void): Promise<BotRun> {
  const pipe = tmp.file(`${name}.jsonl`);
  execFileSync('mkfifo', [pipe]);
  const telegram = await FakeTelegram.start({ limits: fakeLimits(1) });
  const desk = guild('Desk');
  const discord = await FakeDiscord.start({ guilds: [desk] });
  const db = tmp.file(`${name}.db`);
  const store = openSqliteStore(db);
  const sub = { enabled: true, assets: [], families: ['cascade', 'level'] as ('cascade' | 'level')[], minUsd: 0, updatedAt: 0 };
  store.putSubscription({ chat: `telegram:${CHAT}`, ...sub });
  store.putSubscription({ chat: `discord:${desk.id}`, target: `channel:${desk.channels[1]!.id}`, ...sub });
  store.close();
  const config = tmp.file(`${name}.yaml`);
  writeFileSync(config, `exchanges: []\nassets: [${ASSETS_20.join(', ')}]\n`);
  const start = startCommand();
  const child = spawn(process.execPath, [...start.flags, 'bin/liqbot.js', 'start', '--replay', pipe, '--speed', '1000000000', '--db', db], {
    cwd: ROOT,
    env: {
      ...start.env,
      PATH: process.env.PATH, LIQBOT_DB: tmp.file(`${name}-live.db`), LIQBOT_DATA_DIR: tmp.path, LIQBOT_CONFIG: config, LOG_LEVEL: 'info',
      // Node flags for the bot alone (e.g. --heapsnapshot-signal=SIGUSR2 to see where its memory goes).
      ...(process.env.BENCH_BOT_NODE_OPTIONS ? { NODE_OPTIONS: process.env.BENCH_BOT_NODE_OPTIONS } : {}),
      TELEGRAM_BOT_TOKEN: telegram.token, TELEGRAM_API_ROOT: telegram.apiRoot, DISCORD_TOKEN: FAKE_TOKEN, DISCORD_API_BASE: discord.apiBase,
    },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let log = '';
  child.stderr.setEncoding('utf8').on('data', (d: string) => (log = (log + d).slice(-200_000)));
  const exited = new Promise<number>((resolve) => child.on('exit', (c) => resolve(c ?? -1)));
  const until = async (pred: () => boolean, what: string, ms: number) => {
    const deadline = Date.now() + ms;
    while (!pred()) {
      if (Date.now() > deadline || child.exitCode !== null) throw new Error(`bot memory: gave up waiting for ${what}\n${log.slice(-1500)}`);
      await new Promise((r) => setTimeout(r, 100));
    }
  };
  let peak = 0;
  let events = 0;
  let charts = 0;
  let photos = 0;
  const t0 = performance.now();
  try {
    await until(() => /telegram started/.test(log) && /discord started/.test(log), 'both chat adapters to start', 120_000);
    // Charts, as a chat would ask for them: one every 5 s of the run, and one at once.
    const ask = () => {
      sendCommand(telegram, CHAT, `/liqs ${ASSETS_20[charts % 4]!.toLowerCase()}`);
      charts++;
    };
    ask();
    const asking = rate > 0 ? setInterval(ask, 5_000) : undefined;
    const out = createWriteStream(pipe, { encoding: 'utf8', highWaterMark: 1 << 20 });
    let minutes = 0;
    for (const minute of rate > 0 ? weekMinutes(rate, days) : []) {
      const text = minute.map((e) => JSON.stringify(e)).join('\n') + '\n';
      events += minute.length;
      if (!out.write(text)) await once(out, 'drain');
      if (++minutes % 1440 === 0) progress(`bot memory: day ${minutes / 1440} of ${days} written (${fmtInt(events)} events), RSS peak so far ${peakRssMb(child.pid!).toFixed(0)} MB`);
    }
    out.end();
    await once(out, 'close');
    await until(() => /rehearsal finished/.test(log), 'the bot to read the whole week', 30 * 60_000);
    if (asking) clearInterval(asking);
    // Every /liqs asked for has been answered (with its chart once there is data to draw).
    const answers = () => telegram.calls.filter((c) => (c.method === 'sendPhoto' || c.method === 'sendMessage') && Number(c.params.chat_id) === CHAT).length;
    await until(() => answers() >= charts, `${charts} /liqs answers (got ${answers()}: ${[...new Set(telegram.calls.map((c) => c.method))].join(', ')})`, 120_000);
    photos = telegram.calls.filter((c) => c.method === 'sendPhoto').length;
    peak = peakRssMb(child.pid!);
  } finally {
    child.kill('SIGTERM');
    await exited;
    await telegram.close();
    await discord.close();
  }
  return { peakRssMb: peak, events, ms: performance.now() - t0, charts, photos };
}

export async function botMemoryFigures(opts: BenchOptions): Promise<Figure[]> {
  const rate = opts.botMemoryRate ?? (opts.quick ? 1 : 100);
  const days = opts.quick ? 1 : 7;
  const tmp = new TempDir();
  try {
    await runChild(process.execPath, ['scripts/build.mjs'], { cwd: ROOT, timeoutMs: 120_000 });
    const node = await runChild(process.execPath, ['-e', "process.stdout.write(/VmHWM:\\s+(\\d+)/.exec(require('fs').readFileSync('/proc/self/status','utf8'))[1])"]);
    const nodeMb = Number(node.stdout) / 1024;
    opts.progress('bot memory: liqbot start idle (both chat adapters on the local fakes, one chart, no events)…');
    const idle = await botRun(tmp, 'idle', 0, 0, opts.progress);
    opts.progress(`bot memory: liqbot start fed ${days} days at ${rate} events/s (${fmtInt(rate * days * 86_400)} events) through --replay on a pipe…`);
    const week = await botRun(tmp, 'week', rate, days, opts.progress);
    opts.progress(
      `bot memory: peak RSS ${week.peakRssMb.toFixed(0)} MB after ${fmtInt(week.events)} events and ${week.charts} charts in ${(week.ms / 1000).toFixed(0)} s ` +
        `(${fmtInt(week.events / (week.ms / 1000))} events/s); idle bot ${idle.peakRssMb.toFixed(0)} MB; node -e 0 ${nodeMb.toFixed(0)} MB`,
    );
    const scaled = rate < 100 || days < 7 ? `; scaled from a week at 100 events/s to ${days} day(s) at ${rate} events/s` : '';
    const note =
      `${startCommand().text} (npm start) from dist/ (SQLite + writer thread, Telegram and Discord adapters on the local fakes, 20 assets), fed ${fmtInt(week.events)} events ` +
      `through --replay on a named pipe in ${(week.ms / 1000).toFixed(0)} s; ${week.charts} /liqs asked for in Telegram (one every 5 s), ${week.photos} replies with a chart; the rehearsal path starts no ` +
      `exchange feed, so ccxt is not loaded; node -e 0 peaks at ${nodeMb.toFixed(0)} MB${scaled}`;
    return [
      figure({
        figure: 'botmemory.idle', label: 'Peak RSS of liqbot start, idle (adapters up, one chart)', value: idle.peakRssMb, unit: 'MB', better: 'lower',
        baseline: nodeMb, baselineLabel: 'node -e 0', note,
      }),
      figure({
        figure: 'botmemory.week', label: `Peak RSS of liqbot start after ${days === 7 ? 'a week' : `${days} day(s)`} at ${rate} events/s`, value: week.peakRssMb, unit: 'MB', better: 'lower',
        baseline: idle.peakRssMb, baselineLabel: 'the same bot idle', aim: [{ on: 'value', op: '<=', target: 250 }], aimText: '< 250 MB', note,
      }),
    ];
  } finally {
    tmp.cleanup();
  }
}
