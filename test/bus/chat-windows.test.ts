/**
 * One per-chat budget across a bot's processes (chat_windows on PostgreSQL, src/bus/chat-windows.ts), against
 * real PostgreSQL and the fake Bot API at 8–20× Telegram's limits (at 20×, a group: 1 message per 50 ms, 20 per 3 s):
 *  - the claim itself: 20 slots in a window, the 21st told how long to wait, a slot counted from its answer;
 *  - a deliverer killed (-9) in the middle of a burst to one group: the standby takes over within the old one's
 *    minute and still never exceeds 20 in any window across both, 0 × 429;
 *  - a gateway answering a burst of commands in a group while a deliverer posts alerts there: 0 × 429, never
 *    more than the limit in any window, and the replies interleaved with the alerts rather than queued behind them;
 *  - the bot's global limit split: a deliverer's fan-out to private chats at its full rate while a gateway answers
 *    a burst of private commands: together never more than 30 in any second (scaled), 0 × 429.
 * Skipped, saying why, without PostgreSQL or NATS.
 */
import { expect, it } from 'vitest';
import { loadConfig } from '../../config/load.js';
import { createTelegramAdapter, scaleLimits, type TelegramAdapter } from '../../src/adapters/telegram/adapter.js';
import { pgChatWindows, REPLY_SHARE } from '../../src/bus/chat-windows.js';
import { createServices } from '../../src/service.js';
import { createMemoryStore } from '../../src/store/memory.js';
import type { PostgresStore } from '../../src/store/postgres.js';
import type { NewEntry } from '../../src/store/store.js';
import { FakeTelegram, fakeLimits, type Call } from '../fakes/telegram/server.js';
import { alice, bob, sendCommand, type FakeUser } from '../fakes/telegram/updates.js';
import { bundledDay } from '../adapters/telegram/harness.js';
import { startChild, until } from './children.js';
import { pgNatsSuite } from './pg-nats-suite.js';

const SCALE = 20;
const GROUP = -1_001_234_567_890;
const GROUP_WINDOW_MS = 60_000 / SCALE;

/** The most messages any window of `windowMs` holds, by arrival at the fake. */
function mostInWindow(calls: Call[], windowMs: number): number {
  const at = calls.map((c) => c.at).sort((a, b) => a - b);
  let most = 0;
  for (let i = 0, j = 0; j < at.length; j++) {
    while (at[j]! - at[i]! >= windowMs) i++;
    most = Math.max(most, j - i + 1);
  }
  return most;
}

pgNatsSuite('shared per-chat windows', (suite) => {
  async function setUp(scale = SCALE): Promise<{ fake: FakeTelegram; store: PostgresStore; schema: string }> {
    const fake = await FakeTelegram.start({ limits: fakeLimits(scale) });
    suite.defer(() => fake.close());
    return { fake, ...(await suite.openStore()) };
  }

  /** `n` alerts queued to the group (one alert under n keys: the order is checked by count, not text). */
  async function queueBurst(store: PostgresStore, n: number): Promise<void> {
    const alert = (await bundledDay()).alerts.find((a) => a.kind === 'level_break')!;
    const now = Date.now();
    const entries: NewEntry[] = Array.from({ length: n }, (_, i) => ({ chat: `telegram:${GROUP}`, alertKey: `burst:${i}`, alert, nextAttemptAt: now, createdAt: now }));
    await store.enqueue(entries);
  }

  function deliverer(who: string, fake: FakeTelegram, schema: string, scale = SCALE) {
    return startChild(`deliver ${who}`, ['--import', 'tsx', 'test/bus/deliver-child.ts'], {
      ...suite.roleEnv(schema),
      TELEGRAM_BOT_TOKEN: fake.token,
      TELEGRAM_API_ROOT: `${fake.apiRoot}/s-${who}/`,
      DELIVER_SCALE: String(scale),
      DELIVER_TTL_MS: '2000',
    });
  }

  /** A gateway's Telegram adapter on the bundled day, its windows shared as the gateway role shares them (replies: true). */
  async function startGateway(fake: FakeTelegram, store: PostgresStore, scale: number, windows: { flightMs: number; maxWaitMs: number }): Promise<TelegramAdapter> {
    const run = await bundledDay();
    const config = loadConfig();
    const roomy = { ...config, limits: { ...config.limits, commandsPerUserPerMinute: 10_000, commandsPerChatPerMinute: 10_000 } };
    const services = createServices({ config: roomy, market: run.market, store: createMemoryStore(), now: () => run.lastTs });
    const limits = { ...scaleLimits(scale), marginMs: 1 };
    const gateway = createTelegramAdapter({ token: fake.token, apiRoot: `${fake.apiRoot}/s-G/`, services, limits, sharedWindows: pgChatWindows(store, limits, { replies: true, ...windows }) });
    await gateway.start();
    suite.defer(() => gateway.stop());
    return gateway;
  }

  const groupSends = (fake: FakeTelegram, who?: string) => fake.calls.filter((c) => c.method === 'sendMessage' && c.params.chat_id === GROUP && c.status === 200 && (who === undefined || c.sender === who));

  it('claims at most the window’s slots and says how long until the next one', async () => {
    const { store } = await setUp();
    const windows = [{ messages: 3, windowMs: 60_000 }];
    const stamps: number[] = [];
    for (let i = 0; i < 3; i++) {
      const c = await store.claimChatSend('telegram:-1', windows, 5_000);
      expect('stamp' in c).toBe(true);
      stamps.push((c as { stamp: number }).stamp);
    }
    const full = await store.claimChatSend('telegram:-1', windows, 5_000);
    // The oldest slot leaves the window 60 s after it was stamped (5 s ahead, in flight): about 65 s from now.
    expect('waitMs' in full && full.waitMs > 60_000 && full.waitMs <= 65_001).toBe(true);
    // Answered: the slot now counts from the answer, so the wait shrinks to about 60 s.
    await store.sendAnswered('telegram:-1', stamps[0]!);
    const after = await store.claimChatSend('telegram:-1', windows, 5_000);
    expect('waitMs' in after && after.waitMs > 55_000 && after.waitMs <= 60_001).toBe(true);
    // Another chat has its own window.
    expect('stamp' in (await store.claimChatSend('telegram:-2', windows, 5_000))).toBe(true);
  });

  it('kill -9 of the deliverer in the middle of a burst to one group: never more than 20 in any window across both, 0 × 429', async () => {
    // At 8× (20 per 7.5 s) the takeover (a 2 s lease, slower on a loaded machine) and the new holder's first sends
    // fall in the old one's window.
    const scale = 8;
    const windowMs = 60_000 / scale;
    const { fake, store, schema } = await setUp(scale);
    await queueBurst(store, 50);
    const a = deliverer('A', fake, schema, scale);
    await a.waitLog('holds the lease');
    const b = deliverer('B', fake, schema, scale);
    await b.waitLog('standing by');
    await until(() => groupSends(fake, 'A').length >= 10, 'A to be half way through its first window', 60_000, 20);
    a.kill('SIGKILL');
    await b.waitLog('holds the lease', 30_000);
    await until(async () => (await store.pendingCount()) === 0, 'the burst to be delivered', 120_000, 100);
    const all = groupSends(fake);
    const fromA = groupSends(fake, 'A');
    const fromB = groupSends(fake, 'B');
    expect(fromB.length).toBeGreaterThan(0);
    // B started inside the window of A's last send: without the shared window it would have sent 20 at once there.
    expect(Math.min(...fromB.map((c) => c.at)) - Math.max(...fromA.map((c) => c.at))).toBeLessThan(windowMs);
    expect(all.length).toBeGreaterThanOrEqual(50);
    expect(all.length).toBeLessThanOrEqual(51); // at most the one send the kill interrupted
    expect(fake.limited).toBe(0);
    expect(mostInWindow(all, windowMs)).toBeLessThanOrEqual(20);
  }, 180_000);

  it('a gateway answering a burst of commands while the deliverer posts alerts to the same group: 0 × 429, the limit kept, replies interleaved', async () => {
    const { fake, store, schema } = await setUp();
    fake.setAdmins(GROUP, [alice.id]);
    await startGateway(fake, store, SCALE, { flightMs: GROUP_WINDOW_MS / 6, maxWaitMs: GROUP_WINDOW_MS / 60 });

    await queueBurst(store, 40);
    const d = deliverer('D', fake, schema);
    await d.waitLog('holds the lease');
    await until(() => groupSends(fake, 'D').length >= 5, 'the deliverer to be posting', 60_000);
    const asked = 24;
    for (let i = 0; i < asked; i++) sendCommand(fake, GROUP, '/level list', { from: i % 2 ? bob : alice });
    await until(() => groupSends(fake, 'G').length >= asked, 'every command answered', 120_000, 100);
    await until(async () => (await store.pendingCount()) === 0, 'the alerts to be delivered', 120_000, 100);

    const replies = groupSends(fake, 'G');
    const alerts = groupSends(fake, 'D');
    expect(replies).toHaveLength(asked);
    expect(alerts).toHaveLength(40);
    expect(fake.limited).toBe(0);
    expect(mostInWindow([...replies, ...alerts], GROUP_WINDOW_MS)).toBeLessThanOrEqual(20);
    expect(mostInWindow([...replies, ...alerts], 1_000 / SCALE)).toBeLessThanOrEqual(1);
    // Not behind the queue of alerts: some replies went out before the last alert did.
    const lastAlert = Math.max(...alerts.map((c) => c.at));
    expect(replies.filter((c) => c.at < lastAlert).length).toBeGreaterThan(0);
    console.log(`group burst: ${alerts.length} alerts and ${replies.length} replies over ${Math.round((Math.max(lastAlert, ...replies.map((c) => c.at)) - Math.min(...alerts.map((c) => c.at))) / 100) / 10} s, ${replies.filter((c) => c.at < lastAlert).length} replies before the last alert`);
  }, 180_000);
  it('a deliverer’s fan-out at its full rate beside a gateway’s burst of replies: the global limit kept together, 0 × 429', async () => {
    // At 5× the global limit is 30 per 200 ms: the deliverer keeps to 30 − REPLY_SHARE of it, the replies to the rest.
    const scale = 5;
    const globalMs = 1_000 / scale;
    const { fake, store, schema } = await setUp(scale);
    await startGateway(fake, store, scale, { flightMs: 2_000, maxWaitMs: globalMs / 4 });

    const run = await bundledDay();
    const alert = run.alerts.find((a) => a.kind === 'level_break')!;
    const now = Date.now();
    const fanOut = 600;
    await store.enqueue(Array.from({ length: fanOut }, (_, i) => ({ chat: `telegram:${5_000 + i}`, alertKey: `fan:${i}`, alert, nextAttemptAt: now, createdAt: now })));
    const d = deliverer('D', fake, schema, scale);
    await d.waitLog('holds the lease');
    await until(() => fake.calls.filter((c) => c.sender === 'D' && c.status === 200).length >= 60, 'the fan-out to be under way', 60_000);
    const members: FakeUser[] = Array.from({ length: 30 }, (_, i) => ({ id: 9_000 + i, first_name: `m${i}` }));
    for (const m of members) sendCommand(fake, m.id, '/level list', { from: m });
    const replies = () => fake.calls.filter((c) => c.sender === 'G' && c.method === 'sendMessage' && c.status === 200);
    await until(() => replies().length >= members.length, 'every command answered', 120_000, 50);
    await until(async () => (await store.pendingCount()) === 0, 'the fan-out to be delivered', 180_000, 100);

    const sent = fake.calls.filter((c) => c.status === 200 && (c.method === 'sendMessage' || c.method === 'sendPhoto'));
    expect(replies()).toHaveLength(members.length);
    expect(fake.limited).toBe(0);
    expect(mostInWindow(sent, globalMs)).toBeLessThanOrEqual(30);
    expect(mostInWindow(replies(), globalMs)).toBeLessThanOrEqual(REPLY_SHARE);
    expect(mostInWindow(sent.filter((c) => c.sender === 'D'), globalMs)).toBeLessThanOrEqual(30 - REPLY_SHARE);
    const deliveredWhileReplying = sent.filter((c) => c.sender === 'D' && c.at >= Math.min(...replies().map((r) => r.at)) && c.at <= Math.max(...replies().map((r) => r.at)));
    console.log(`global split: ${sent.length} sends, ${replies().length} replies; the deliverer sent ${deliveredWhileReplying.length} while they went out; most in any ${globalMs} ms: ${mostInWindow(sent, globalMs)}`);
  }, 240_000);
});
