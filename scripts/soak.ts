/**
 * The soak run (`npm run soak`, not in CI): a week of synthetic market data through the rehearsal mode
 * (`liqbot start --replay FILE --speed N`) with both chat adapters against the local fake Telegram and
 * Discord servers, then a clean SIGTERM. Prints memory, handles and alerts delivered.
 * Usage: npm run soak [-- --days 7 --speed 20000 --chats 50]
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { FakeTelegram, fakeLimits } from '../test/fakes/telegram/server.js';
import { FakeDiscord, FAKE_TOKEN } from '../test/fakes/discord/server.js';
import { guild } from '../test/fakes/discord/payloads.js';
import { openSqliteStore } from '../src/store/sqlite.js';
import { generateDay, toJsonl, type AssetDay } from './market-day.js';

const { values } = parseArgs({ options: { days: { type: 'string' }, speed: { type: 'string' }, chats: { type: 'string' } } });
const DAYS = Number(values.days ?? 7), SPEED = Number(values.speed ?? 20000), CHATS = Number(values.chats ?? 50);
const DAY = 86_400_000;

/** A week of days of different shapes: flushes, squeezes, chop, quiet. */
function week(): string {
  const start = Date.parse('2026-02-02T00:00:00Z');
  const venues = { bybit: 35, okx: 25, binanceusdm: 20, bitget: 20 };
  const shapes: ((p: number) => [number, number][])[] = [
    (p) => [[0, p], [10, p * 0.99], [13, p * 0.88], [16, p * 0.85], [24, p * 0.87]],
    (p) => [[0, p], [9, p * 1.01], [12, p * 1.09], [24, p * 1.08]],
    (p) => [[0, p], [6, p * 1.004], [12, p * 0.996], [18, p * 1.003], [24, p]],
    (p) => [[0, p], [11, p * 0.97], [11.5, p * 0.97], [14, p * 0.93], [24, p * 0.95]],
    (p) => [[0, p], [24, p * 1.002]],
  ];
  const lines: string[] = [];
  let eth = 2600, btc = 80_000, sol = 100;
  for (let d = 0; d < DAYS; d++) {
    const shape = shapes[d % shapes.length]!;
    const mk = (asset: string, p: number, long: number, short: number): AssetDay => ({
      asset, path: shape(p), longUsd: long, shortUsd: short, exchanges: venues,
      ...(d === 0 ? { history: { days: 30, longMedian: long / 4, shortMedian: short / 2 } } : {}),
      ...(asset === 'ETH' ? { levels: d === 0 ? [{ price: Math.round(p * 0.95) }, { low: Math.round(p * 0.9), high: Math.round(p * 0.92) }] : [] } : {}),
    });
    const big = d % shapes.length < 2 ? 1 : 0.15;
    const events = generateDay({
      day: start + d * DAY, seed: 100 + d,
      assets: [mk('ETH', eth, 300e6 * big, 60e6 * big), mk('BTC', btc, 500e6 * big, 90e6 * big), mk('SOL', sol, 80e6 * big, 20e6 * big)],
      ...(d === 0 ? { synthetic: true } : {}),
    });
    lines.push(toJsonl(events));
    eth = shape(eth).at(-1)![1];
    btc = shape(btc).at(-1)![1];
    sol = shape(sol).at(-1)![1];
  }
  return lines.join('');
}

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'liqbot-soak-'));
  const started = Date.now();
  try {
    const file = join(dir, 'week.jsonl');
    writeFileSync(file, week());
    const telegram = await FakeTelegram.start({ limits: fakeLimits(1) });
    const guilds = Array.from({ length: Math.max(1, Math.round(CHATS / 5)) }, (_, i) => guild(`Desk ${i}`));
    const discord = await FakeDiscord.start({ guilds });
    const db = join(dir, 'liqbot.db');
    const port = 20_000 + Math.floor(Math.random() * 20_000);
    const store = openSqliteStore(db);
    const sub = { enabled: true, assets: [], families: ['cascade', 'level'] as ('cascade' | 'level')[], minUsd: 0, updatedAt: 0 };
    for (let i = 0; i < CHATS; i++) store.putSubscription({ chat: `telegram:-100${1000 + i}`, ...sub });
    for (const g of guilds) store.putSubscription({ chat: `discord:${g.id}`, target: `channel:${g.channels[1]!.id}`, ...sub });
    store.close();
    const config = join(dir, 'soak.yaml');
    writeFileSync(config, 'exchanges: []\nassets: [ETH, BTC, SOL]\n');

    const child = spawn(process.execPath, ['bin/liqbot.js', 'start', '--replay', file, '--speed', String(SPEED)], {
      env: {
        PATH: process.env.PATH, LIQBOT_DB: db, LIQBOT_DATA_DIR: dir, LIQBOT_CONFIG: config, LOG_LEVEL: 'info', LIQBOT_HTTP_PORT: String(port),
        TELEGRAM_BOT_TOKEN: telegram.token, TELEGRAM_API_ROOT: telegram.apiRoot, DISCORD_TOKEN: FAKE_TOKEN, DISCORD_API_BASE: discord.apiBase,
      },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let log = '';
    child.stderr.on('data', (d) => (log += d));
    const exited = new Promise<number>((resolve) => child.on('exit', (c) => resolve(c ?? -1)));
    const until = async (pred: () => boolean, what: string, ms: number) => {
      const deadline = Date.now() + ms;
      while (!pred()) {
        if (Date.now() > deadline) throw new Error(`soak: timed out waiting for ${what}\n${log.slice(-2000)}`);
        await new Promise((r) => setTimeout(r, 200));
      }
    };
    await until(() => log.includes('rehearsal finished'), 'the replay to finish', 30 * 60_000);
    // Let the outbox drain (the bot's own /healthz says how many alerts are still waiting).
    let pending = -1;
    const poll = setInterval(() => {
      fetch(`http://127.0.0.1:${port}/healthz`).then((r) => r.json() as Promise<{ outboxPending: number }>).then((h) => (pending = h.outboxPending), () => undefined);
    }, 500);
    await until(() => pending === 0, 'the outbox to drain', 15 * 60_000);
    clearInterval(poll);
    child.kill('SIGTERM');
    const code = await exited;
    const stopped = log.split('\n').filter((l) => l.includes('"msg":"stopped"')).map((l) => JSON.parse(l) as Record<string, any>)[0];
    const tgSends = telegram.calls.filter((c) => c.method === 'sendMessage' || c.method === 'sendPhoto').length;
    const tgEdits = telegram.calls.filter((c) => c.method === 'editMessageText').length;
    const dcPosts = discord.requests.filter((r) => r.method === 'POST' && /\/channels\/\d+\/messages$/.test(r.path)).length;
    const dcEdits = discord.requests.filter((r) => r.method === 'PATCH' && /\/channels\/\d+\/messages\/\d+$/.test(r.path)).length;
    const rows: [string, string][] = [
      ['market days replayed', `${DAYS} (speed ${SPEED}×)`],
      ['events ingested', String(stopped?.events ?? '?')],
      ['alerts raised', String(stopped?.alerts ?? '?')],
      ['Telegram chats / posts / edits', `${CHATS} / ${tgSends} / ${tgEdits}`],
      ['Telegram 429s from the fake (limits enforced)', String(telegram.limited)],
      ['Discord channels / posts / edits', `${guilds.length} / ${dcPosts} / ${dcEdits}`],
      ['outbox at stop', JSON.stringify(stopped?.outbox ?? {})],
      ['RSS / heap at stop', `${stopped?.rssMb ?? '?'} MB / ${stopped?.heapMb ?? '?'} MB`],
      ['handles at stop', JSON.stringify(stopped?.handles ?? {})],
      ['exit code after SIGTERM', String(code)],
      ['wall time', `${Math.round((Date.now() - started) / 1000)} s`],
    ];
    for (const [k, v] of rows) console.log(`${k.padEnd(48)} ${v}`);
    await telegram.close();
    await discord.close();
    if (code !== 0) process.exitCode = 1;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

await main();
