/**
 * Two Telegram deliverers on one bot token (issue 19), as real processes (deliver-child.ts: `--role deliver`
 * with the fake's scaled limits and a 2 s lease) against real PostgreSQL and the fake Bot API, which records
 * which process sent each request (`<root>/s-A/` vs `<root>/s-B/`) and answers 429 whenever its limits are
 * passed:
 *  - `kill -9` the active one during a 5,000-chat fan-out: every chat gets every alert in order, at most one
 *    duplicate per chat (a send the kill interrupted), 0 × 429, and the standby's sends start only after the
 *    old one's stopped (so the rate never exceeds one sender's);
 *  - SIGSTOP the active one, let the standby take over, SIGCONT: the old one begins no request and exits 1 (one
 *    whose headers had left before the stop may still finish, as under a kill; and one, at most, that the stop caught
 *    in the instant between the fence's last check and the write).
 * Waits poll the fake or the database with a deadline. Skipped, saying why, without PostgreSQL or NATS.
 */
import { expect, it } from 'vitest';
import { renderSingle } from '../../src/adapters/telegram/render.js';
import { route } from '../../src/alerts/router.js';
import { alertReply } from '../../src/replies/alerts.js';
import type { PostgresStore } from '../../src/store/postgres.js';
import type { Subscription } from '../../src/store/store.js';
import { parseTelegramHtml } from '../fakes/telegram/html.js';
import { FakeTelegram, fakeLimits } from '../fakes/telegram/server.js';
import { bundledDay } from '../adapters/telegram/harness.js';
import { startChild, until, type Child } from './children.js';
import { pgNatsSuite } from './pg-nats-suite.js';

const SCALE = 20;

pgNatsSuite('deliver role failover', (suite) => {
  /** This test's fake and store (set by setUp, closed after the test). */
  let fake: FakeTelegram | undefined;
  let store: PostgresStore | undefined;

  /** A schema with `chats` subscribed chats and `n` level-break alerts queued for each; two deliverers, A active. */
  async function setUp(chats: number, n: number): Promise<{ a: Child; b: Child; expected: string[]; ids: number[]; sends: (who?: string) => number }> {
    const run = await bundledDay();
    const alerts = run.alerts.filter((x) => x.kind === 'level_break').slice(0, n);
    expect(alerts).toHaveLength(n);
    const started = await FakeTelegram.start({ limits: fakeLimits(SCALE) });
    suite.defer(() => started.close());
    fake = started;
    const { store: opened, schema } = await suite.openStore();
    store = opened;
    const ids = Array.from({ length: chats }, (_, i) => 5_000_000 + i);
    const subs: Subscription[] = ids.map((id) => ({ chat: `telegram:${id}`, enabled: true, assets: [], families: ['level'], minUsd: 0, updatedAt: 0 }));
    await store.enqueue(route(alerts, subs, Date.now()));
    const env = (who: string) => ({
      ...suite.roleEnv(schema),
      TELEGRAM_BOT_TOKEN: fake!.token,
      TELEGRAM_API_ROOT: `${fake!.apiRoot}/s-${who}/`,
      DELIVER_SCALE: String(SCALE),
      DELIVER_TTL_MS: '2000',
    });
    const a = startChild('deliver A', ['--import', 'tsx', 'test/bus/deliver-child.ts'], env('A'));
    await a.waitLog('holds the lease');
    const b = startChild('deliver B', ['--import', 'tsx', 'test/bus/deliver-child.ts'], env('B'));
    await b.waitLog('standing by');
    const expected = alerts.map((x) => parseTelegramHtml(renderSingle(alertReply(x))).text);
    const sends = (who?: string) => fake!.calls.filter((c) => c.method === 'sendMessage' && c.status === 200 && (who === undefined || c.sender === who)).length;
    return { a, b, expected, ids, sends };
  }

  /**
   * Each chat has every alert in order, an immediate repeat collapsed; returns how many repeats there were.
   * `late`: a message the paused process wrote on resuming (see the SIGSTOP test), left out where it landed.
   */
  function checkChats(ids: number[], expected: string[], late?: { chat: number; text: string }): { duplicates: number; chatsWithDuplicate: number } {
    let duplicates = 0;
    let chatsWithDuplicate = 0;
    for (const id of ids) {
      const got = fake!.sentTo(id).map((m) => m.text);
      if (late?.chat === id) {
        // A repeat of an alert the chat has, not a new one: taken out where it landed.
        expect(expected).toContain(late.text);
        got.splice(got.lastIndexOf(late.text), 1);
      }
      const collapsed = got.filter((t, i) => i === 0 || t !== got[i - 1]);
      expect(collapsed).toEqual(expected);
      expect(got.length - collapsed.length).toBeLessThanOrEqual(1);
      duplicates += got.length - collapsed.length;
      if (got.length > collapsed.length) chatsWithDuplicate++;
    }
    return { duplicates, chatsWithDuplicate };
  }

  it('kill -9 of the active deliverer during a 5,000-chat fan-out: every chat gets every alert in order, at most one duplicate each, 0 × 429', async () => {
    const { a, b, expected, ids, sends } = await setUp(5_000, 2);
    await until(() => sends('A') >= 2_500, 'A to be part way through the fan-out', 120_000);
    a.kill('SIGKILL');
    const killedAt = performance.now();
    expect(await a.exited).toBeNull();
    await b.waitLog('holds the lease', 30_000);
    await until(async () => (await store!.pendingCount()) === 0, 'the outbox to drain', 180_000, 200);

    const fromA = fake!.calls.filter((c) => c.sender === 'A');
    // Sends only: the standby checks its token (getMe) as it starts, before the kill.
    const fromB = fake!.calls.filter((c) => c.sender === 'B' && c.method !== 'getMe');
    expect(fromA.length).toBeGreaterThanOrEqual(2_500);
    expect(fromB.length).toBeGreaterThan(0);
    // One sender at a time: the standby's first request came after the old one's last, and after the kill.
    const lastA = Math.max(...fromA.map((c) => c.at));
    const firstB = Math.min(...fromB.map((c) => c.at));
    expect(firstB).toBeGreaterThan(lastA);
    expect(firstB).toBeGreaterThan(killedAt);
    const { chatsWithDuplicate } = checkChats(ids, expected);
    console.log(`fan-out: A sent ${fromA.length}, B ${fromB.length} (first ${Math.round(firstB - killedAt)} ms after the kill), ${chatsWithDuplicate} chats with a duplicate, ${fake!.limited} × 429`);
    // Only sends on the wire at the kill can repeat: at most one per lane.
    expect(chatsWithDuplicate).toBeLessThanOrEqual(64);
    expect(fake!.limited).toBe(0);
    expect(fake!.calls.filter((c) => c.status === 429)).toHaveLength(0);
    expect(sends()).toBe(ids.length * expected.length + chatsWithDuplicate);
  }, 300_000);

  it('SIGSTOP the active deliverer, the standby takes over, SIGCONT: the old one sends nothing and exits 1', async () => {
    // 4,000 sends: on a busy machine A can send a few hundred more between the poll that sees it sending and the
    // SIGSTOP (with 800, once too few were left for B to reach 100); B still finds plenty left.
    const { a, b, expected, ids, sends } = await setUp(2_000, 2);
    await until(() => sends('A') >= 100, 'A to be sending', 60_000);
    a.kill('SIGSTOP');
    await b.waitLog('holds the lease', 30_000);
    await until(() => sends('B') >= 100, 'B to be sending', 60_000);
    // Everything A wrote before it was stopped has arrived by now (B waited out A's lease first).
    const fromA = fake!.calls.filter((c) => c.sender === 'A').length;
    const pendingAtResume = await store!.pendingCount();
    expect(pendingAtResume).toBeGreaterThan(0);
    const resumedAt = performance.now();
    a.kill('SIGCONT');
    expect(await a.exited).toBe(1);
    expect(a.lines.some((l) => l.msg.includes('lost its lease'))).toBe(true);
    await until(async () => (await store!.pendingCount()) === 0, 'the outbox to drain', 120_000, 200);
    // The resumed process sent nothing: not the sends queued in its pacer, not new claims. A request whose headers
    // had left before the stop may finish after it (at most one per lane, as a kill interrupts): it began before.
    // And at most one more: the request a stop can catch between the fence's last check, in the socket's write, and
    // the write system call (Telegram takes no fencing token), a repeat of an alert the chat was due.
    const late = fake!.calls.filter((c) => c.sender === 'A').slice(fromA);
    const begunLate = late.filter((c) => c.arrived === undefined || c.arrived >= resumedAt);
    expect(begunLate.length).toBeLessThanOrEqual(1);
    expect(late.length).toBeLessThanOrEqual(64);
    const caught = begunLate[0];
    checkChats(ids, expected, caught && { chat: Number(caught.params.chat_id), text: parseTelegramHtml(String(caught.params.text)).text });
    expect(fake!.limited).toBe(0);
  }, 240_000);
});
