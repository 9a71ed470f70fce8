/**
 * A stop (SIGTERM) while a busy group's commands wait their turn: the bot as `liqbot start` wires it (a SQLite file,
 * its writer thread, the Telegram adapter on the fake Bot API, the platforms, main's stop in order), Telegram's real
 * limits in fake time. Every command ends one of three ways, each said: answered, with its level and the level's
 * state saved; carried out and saved but not answered (its answer was still waiting for the group's turn when the
 * stop's grace ran out); or not run at all. Nothing is half done, and the last log line counts what was cut off.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { loadConfig } from '../../config/load.js';
import { createTelegramAdapter, STOP_GRACE_MS, type TelegramAdapter } from '../../src/adapters/telegram/adapter.js';
import type { ChatAdapter } from '../../src/adapters/contract.js';
import { LiqBot } from '../../src/bot.js';
import { stopInOrder } from '../../src/main.js';
import { Health } from '../../src/ops/health.js';
import { Platforms } from '../../src/ops/platforms.js';
import { openEventWriter } from '../../src/store/event-writer.js';
import { openSqliteStore } from '../../src/store/sqlite.js';
import { ManualClock } from '../alerts/clock.js';
import { FakeTelegram, fakeLimits } from '../fakes/telegram/server.js';
import { commandUpdate, sendCommand, type FakeUser } from '../fakes/telegram/updates.js';
import { settled } from '../adapters/telegram/settle.js';
import type { Harness } from '../adapters/telegram/harness.js';
import { freePort, tempDir } from '../helpers.js';

const GROUP = -1_000_000_888_000;
const T0 = Date.parse('2026-03-02T12:00:00Z');
const quietLog = { info: () => undefined, warn: () => undefined, error: () => undefined, debug: () => undefined };

let fake: FakeTelegram | undefined;
afterEach(async () => {
  await fake?.close();
  fake = undefined;
});

/**
 * The Bot API as the bot reaches it through a door the test holds: a `getChatAdministrators` request waits until
 * `open()` (an admin check still on its way), everything else passes at once. Its own requests to the fake go through
 * an agent of their own, so the harness's count of open requests (settle.ts) sees the bot's alone.
 */
async function door(f: FakeTelegram) {
  const agent = new http.Agent({ keepAlive: true });
  let opened = false;
  const waiting: (() => void)[] = [];
  let held = 0;
  const server = http.createServer((req, res) => {
    const pass = () => {
      const out = http.request(`${f.apiRoot}${req.url}`, { method: req.method, headers: req.headers, agent }, (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
      });
      out.on('error', () => res.destroy());
      res.on('close', () => out.destroy()); // a long poll the bot gave up on is not left parked at the fake
      req.pipe(out);
    };
    if (opened || !req.url?.endsWith('/getChatAdministrators')) return pass();
    held++;
    waiting.push(pass);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    apiRoot: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    held: () => held,
    open() {
      opened = true;
      for (const pass of waiting.splice(0)) pass();
    },
    close: async () => {
      server.closeAllConnections();
      agent.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/**
 * A running bot on a fresh database file, its Telegram adapter on `fake` (the webhook when `webhook` is given; through
 * `apiRoot` when given).
 */
async function startBot(f: FakeTelegram, clock: ManualClock, webhook?: { url: string; secret: string; port: number }, apiRoot = f.apiRoot) {
  const db = join(tempDir(), 'liqbot.db');
  const store = openSqliteStore(db);
  const writer = openEventWriter(store);
  await writer.ready();
  const base = loadConfig();
  const config = { ...base, limits: { ...base.limits, commandsPerUserPerMinute: 10_000, commandsPerChatPerMinute: 10_000 } };
  const adapters: Partial<Record<'telegram', ChatAdapter>> = {};
  const bot = new LiqBot({ config, store, writer, now: () => T0 + clock.now(), adapters });
  const adapter: TelegramAdapter = createTelegramAdapter({ token: f.token, apiRoot, services: bot, clock, ...(webhook ? { webhook: { ...webhook, host: '127.0.0.1' } } : {}) });
  let started!: () => void;
  const up = new Promise<void>((resolve) => (started = resolve));
  const platforms = new Platforms({ factories: { telegram: () => adapter }, adapters, health: new Health(), log: quietLog, giveUpMs: 60_000, onGiveUp: () => undefined, onStarted: () => started() });
  platforms.start();
  bot.outbox.start();
  await up;
  /** main's stop, with fake time moving while it runs (the adapter's grace is on the fake clock); its last line. */
  const stop = async () => {
    // Nothing left on its way to the writer thread (a write of levels answered may send the next: hence twice), so
    // the stop reaches the adapter before fake time moves: then time runs, and the adapter's grace with it.
    await bot.drain();
    await bot.drain();
    let done = false;
    const stopping = stopInOrder({ bot, writer, store, platforms, inbound: [adapter], code: 0 }).finally(() => (done = true));
    while (!done) await clock.advance(100);
    return stopping;
  };
  return { db, bot, adapter, stop };
}

/** What the database file holds once the bot is gone: the levels' prices, and the ids of the levels with a state. */
function stored(db: string): { levels: number[]; withState: number; states: number } {
  const store = openSqliteStore(db);
  try {
    const levels = store.listLevels();
    const states = store.loadLevelStates();
    const ids = new Set(levels.map((l) => l.id));
    return { levels: levels.map((l) => l.level as number).sort((a, b) => a - b), withState: states.filter((s) => ids.has(s.id)).length, states: states.length };
  } finally {
    store.close();
  }
}

/** The prices whose `/level add` got its "Watching" answer. */
function answered(f: FakeTelegram, asked: Map<number, number>): number[] {
  return f
    .sentTo(GROUP)
    .filter((m) => /Watching/.test(m.text))
    .map((m) => asked.get(m.replyTo!)!)
    .sort((a, b) => a - b);
}

const admins: FakeUser[] = Array.from({ length: 6 }, (_, i) => ({ id: 9100 + i, first_name: `A${i}` }));

describe('a stop while a group’s commands wait their turn', () => {
  it("6 admins, 36 /level add, stopped after 21 answers (the group's 20 a minute spent): none half done, and the last line says what was cut off", async () => {
    const clock = new ManualClock(0, () => settled(fake && ({ fake, adapter: bot.adapter } as unknown as Harness)));
    fake = await FakeTelegram.start({ limits: fakeLimits(1), clock: () => clock.now() });
    fake.setAdmins(GROUP, admins.map((a) => a.id));
    const bot = await startBot(fake, clock);
    const asked = new Map<number, number>(); // message id → price
    for (let i = 0; i < 36; i++) {
      const price = 2300 + i * 5;
      asked.set(sendCommand(fake, GROUP, `/level add eth ${price}`, { from: admins[i % 6] }), price);
    }
    // One answer a second, then the group's 20 a minute: the 21st goes out a minute after the first.
    await clock.advance(60_500);
    expect(answered(fake, asked)).toHaveLength(21);

    const [fields, line] = await bot.stop();

    const told = answered(fake, asked);
    const file = stored(bot.db);
    // Answered: saved, each with its state.
    for (const price of told) expect(file.levels).toContain(price);
    expect(file.withState).toBe(file.levels.length);
    expect(file.states).toBe(file.levels.length);
    // The six begun when the stop came (one per admin, each waiting for the group's turn): three more answers fit in
    // the grace (one a second), three were carried out and saved, not answered. The other nine were never run.
    expect(told).toHaveLength(24);
    expect(file.levels).toHaveLength(27);
    expect(fields).toMatchObject({ commands: { notRun: 9, unanswered: 3 } });
    expect(line).toBe(
      "stopped; 9 commands received were not run (their turn came after the stop began): their senders must send them again; 3 commands were carried out and saved but not answered (their answers waited for the chat's turn)",
    );
    // Long polling confirmed every update it fetched (by asking for the next ones): Telegram sends none again.
    expect(fake.unacknowledgedUpdates).toBe(0);
  }, 30_000);

  it('two admins: the commands begun are answered within the grace, a queued /alerts min is not applied, and the line counts only what was not run', async () => {
    const clock = new ManualClock(0, () => settled(fake && ({ fake, adapter: bot.adapter } as unknown as Harness)));
    fake = await FakeTelegram.start({ limits: fakeLimits(1), clock: () => clock.now() });
    fake.setAdmins(GROUP, [admins[0]!.id, admins[1]!.id]);
    const bot = await startBot(fake, clock);
    bot.bot.apply({ kind: 'subscription.put', subscription: { chat: `telegram:${GROUP}`, enabled: true, assets: [], families: ['cascade', 'level'], minUsd: 0, updatedAt: 0 } });
    const asked = new Map<number, number>();
    for (let i = 0; i < 10; i++) {
      const price = 2300 + i * 5;
      asked.set(sendCommand(fake, GROUP, `/level add eth ${price}`, { from: admins[i % 2] }), price);
    }
    const minimum = sendCommand(fake, GROUP, '/alerts min 7M', { from: admins[1] });
    await clock.advance(3_500);
    expect(answered(fake, asked)).toHaveLength(4);

    const [fields, line] = await bot.stop();

    const told = answered(fake, asked);
    expect(told).toHaveLength(6); // the two begun at the stop, answered within STOP_GRACE_MS
    expect(STOP_GRACE_MS).toBeGreaterThanOrEqual(2_100);
    const file = stored(bot.db);
    expect(file.levels).toEqual(told);
    expect(file.withState).toBe(told.length);
    // Queued behind that admin's levels: neither applied nor answered.
    expect(fake.sentTo(GROUP).some((m) => m.replyTo === minimum)).toBe(false);
    const settings = openSqliteStore(bot.db);
    expect(settings.getSubscription(`telegram:${GROUP}`)?.minUsd).toBe(0);
    settings.close();
    expect(fields).toMatchObject({ commands: { notRun: 5, unanswered: 0 } });
    expect(line).toBe('stopped; 5 commands received were not run (their turn came after the stop began): their senders must send them again');
  }, 30_000);

  it('a command begun with its admin check still on its way at the stop: carried out during the stop, saved with its state, answered', async () => {
    const clock = new ManualClock(0, () => settled(fake && ({ fake, adapter: bot.adapter } as unknown as Harness)));
    fake = await FakeTelegram.start({ limits: fakeLimits(1), clock: () => clock.now() });
    fake.setAdmins(GROUP, [admins[0]!.id, admins[1]!.id]);
    const api = await door(fake);
    const bot = await startBot(fake, clock, undefined, api.apiRoot);
    try {
      const first = sendCommand(fake, GROUP, '/level add eth 2300', { from: admins[0] });
      const second = sendCommand(fake, GROUP, '/level add eth 2400', { from: admins[1] });
      await fake.waitFor(() => api.held() > 0 && fake!.unacknowledgedUpdates === 0, 'both commands begun, waiting for the admin check');
      // The check comes back once the stop has ended polling (its last getUpdates confirms the offset): the levels are
      // added after the stop's first write of what was pending.
      void fake.waitFor(() => fake!.callsOf('getUpdates').some((c) => c.params.limit === 1), 'the stop ending the poll').then(() => api.open());

      const [, line] = await bot.stop();

      expect(fake.sentTo(GROUP).map((m) => m.replyTo)).toEqual([first, second]);
      expect(stored(bot.db)).toEqual({ levels: [2300, 2400], withState: 2, states: 2 });
      expect(line).toBe('stopped');
    } finally {
      await api.close();
    }
  }, 30_000);

  it('by webhook, a command queued and not yet answered to Telegram is left unanswered, so Telegram sends it again; not counted as lost', async () => {
    const clock = new ManualClock(0, () => settled(fake && ({ fake, adapter: bot.adapter } as unknown as Harness)));
    fake = await FakeTelegram.start({ limits: fakeLimits(1), clock: () => clock.now() });
    fake.setAdmins(GROUP, [admins[0]!.id]);
    const port = await freePort();
    const bot = await startBot(fake, clock, { url: `http://127.0.0.1:${port}/telegram/hook`, secret: 'hook-secret-123', port });
    // Someone else's /help takes the group's turn; the admin's first level waits for the next second, the second behind it.
    expect(await fake.postToWebhook(commandUpdate(fake, GROUP, '/help', { from: admins[3] }).update)).toBe(200);
    const first = commandUpdate(fake, GROUP, '/level add eth 2300', { from: admins[0] });
    const second = commandUpdate(fake, GROUP, '/level add eth 2400', { from: admins[0] });
    const answers = [fake.postToWebhook(first.update).catch(() => 'unanswered')];
    await fake.waitFor(() => fake!.callsOf('getChatAdministrators').length > 0, 'the admin check of the first level');
    answers.push(fake.postToWebhook(second.update).catch(() => 'unanswered'));
    await settled({ fake, adapter: bot.adapter } as unknown as Harness);

    const [, line] = await bot.stop();

    // The first was begun: answered within the grace, saved with its state. The second was not run, and its request
    // got no answer: Telegram sends an update again until it is answered.
    expect(fake.sentTo(GROUP).filter((m) => m.replyTo === first.messageId)).toHaveLength(1);
    expect(fake.sentTo(GROUP).some((m) => m.replyTo === second.messageId)).toBe(false);
    expect(await Promise.all(answers)).toEqual([200, 'unanswered']);
    expect(stored(bot.db)).toEqual({ levels: [2300], withState: 1, states: 1 });
    expect(line).toBe('stopped');
  }, 30_000);
});
