/**
 * Two Discord deliverers on one bot token (issue 19), as real processes (deliver-child.ts: `--role deliver
 * --platform discord` with a 2 s lease) against real PostgreSQL and the fake Discord, which records which process
 * sent each request (`<base>/s-A/api` vs `<base>/s-B/api`) and answers 429 past its limits:
 *  - a deliverer runs REST only: no gateway connection, no IDENTIFY, every alert posted to its channel;
 *  - `kill -9` the active one part way through a fan-out: every channel gets every alert once, in order (a send the
 *    kill interrupted is sent again by the standby with the same nonce, the outbox entry's id, and Discord answers it
 *    with the message the first created), 0 × 429, the standby's first request after the old one's last;
 *  - SIGSTOP the active one, let the standby take over, SIGCONT: the old one sends nothing more and exits 1 (but
 *    for one request, at most, that the stop caught in the instant between the fence's last check and the write).
 * Waits poll the fake or the database with a deadline. Skipped, saying why, without PostgreSQL or NATS.
 */
import { expect, it } from 'vitest';
import { route } from '../../src/alerts/router.js';
import { alertReply } from '../../src/replies/alerts.js';
import { toDiscordMessage } from '../../src/adapters/discord/render.js';
import type { PostgresStore } from '../../src/store/postgres.js';
import type { Subscription } from '../../src/store/store.js';
import { FAKE_TOKEN, FakeDiscord } from '../fakes/discord/server.js';
import { snowflake } from '../fakes/discord/payloads.js';
import { bundledDay } from '../adapters/telegram/harness.js';
import { startChild, until } from './children.js';
import { pgNatsSuite } from './pg-nats-suite.js';

/** The fake's global limit, 8× Discord's 50/s; the deliverers pace at 8 × 40/s. */
const SCALE = 8;

pgNatsSuite('deliver role on Discord (REST only)', (suite) => {
  /** This test's fake and store (set by setUp, closed after the test). */
  let fake: FakeDiscord | undefined;
  let store: PostgresStore | undefined;

  const headline = (embeds: { title?: string; description?: string }[]) => `${embeds[0]?.title ?? ''}|${embeds[0]?.description ?? ''}`;

  /** `channels` servers, each with an alerts channel subscribed to `n` level-break alerts; deliverer A active, B standing by. */
  async function setUp(channels: number, n: number) {
    const run = await bundledDay();
    const alerts = run.alerts.filter((x) => x.kind === 'level_break').slice(0, n);
    expect(alerts).toHaveLength(n);
    const ids = Array.from({ length: channels }, () => ({ guild: snowflake(), channel: snowflake() }));
    const started = await FakeDiscord.start({
      channels: ids.map((x) => ({ id: x.channel, guildId: x.guild, name: 'liquidations', type: 0 })),
      limits: { globalPerSecond: 50 * SCALE, channelRoute: { limit: 5, windowMs: 5_000 } },
    });
    suite.defer(() => started.close());
    fake = started;
    const { store: opened, schema } = await suite.openStore();
    store = opened;
    const subs: Subscription[] = ids.map((x) => ({ chat: `discord:${x.guild}`, target: `channel:${x.channel}`, enabled: true, assets: [], families: ['level'], minUsd: 0, updatedAt: 0 }));
    await store.enqueue(route(alerts, subs, Date.now()));
    const env = (who: string) => ({
      ...suite.roleEnv(schema),
      DELIVER_PLATFORM: 'discord',
      DISCORD_TOKEN: FAKE_TOKEN,
      DISCORD_API_BASE: fake!.apiBaseFor(who),
      DELIVER_SCALE: String(SCALE),
      DELIVER_TTL_MS: '2000',
    });
    const a = startChild('deliver A', ['--import', 'tsx', 'test/bus/deliver-child.ts'], env('A'));
    await a.waitLog('holds the lease');
    const b = startChild('deliver B', ['--import', 'tsx', 'test/bus/deliver-child.ts'], env('B'));
    await b.waitLog('standing by');
    const expected = alerts.map((x) => headline(toDiscordMessage({ ...alertReply(x), ephemeral: false }).embeds as never));
    const posts = (who?: string) => fake!.requests.filter((r) => r.method === 'POST' && r.path.endsWith('/messages') && r.status === 200 && (who === undefined || r.sender === who)).length;
    return { a, b, ids, expected, posts };
  }

  /**
   * Each channel has every alert in order, an immediate repeat collapsed; returns the channels with a repeat.
   * `late`: a message the paused process wrote on resuming (see the SIGSTOP test), left out where it landed.
   */
  function checkChannels(ids: { channel: string }[], expected: string[], late?: { channel: string; headline: string }): number {
    let withDuplicate = 0;
    for (const { channel } of ids) {
      const got = (fake!.messages.get(channel) ?? []).map((m) => headline(m.embeds));
      if (late?.channel === channel) {
        // A repeat of an alert the channel has, not a new one: taken out where it landed.
        expect(expected).toContain(late.headline);
        got.splice(got.lastIndexOf(late.headline), 1);
      }
      const collapsed = got.filter((t, i) => i === 0 || t !== got[i - 1]);
      expect(collapsed).toEqual(expected);
      expect(got.length - collapsed.length).toBeLessThanOrEqual(1);
      if (got.length > collapsed.length) withDuplicate++;
    }
    return withDuplicate;
  }

  it('kill -9 of the active deliverer mid fan-out: no gateway session, every channel gets every alert once in order (repeats answered by their nonce), 0 × 429', async () => {
    const { a, b, ids, expected, posts } = await setUp(600, 2);
    await until(() => posts('A') >= 400, 'A to be part way through the fan-out', 60_000);
    a.kill('SIGKILL');
    const killedAt = performance.now();
    expect(await a.exited).toBeNull();
    await b.waitLog('holds the lease', 30_000);
    await until(async () => (await store!.pendingCount()) === 0, 'the outbox to drain', 120_000, 200);

    // REST only: neither process opened the gateway.
    expect(fake!.connections).toBe(0);
    expect(fake!.identifies).toHaveLength(0);
    expect(fake!.requests.some((r) => r.path.startsWith('/gateway'))).toBe(false);
    const fromA = fake!.requests.filter((r) => r.sender === 'A');
    // Sends only: the standby checks its token (/users/@me) as it starts, before the kill.
    const fromB = fake!.requests.filter((r) => r.sender === 'B' && r.path !== '/users/@me');
    expect(fromA.length).toBeGreaterThanOrEqual(400);
    expect(fromB.length).toBeGreaterThan(0);
    const lastA = Math.max(...fromA.map((r) => r.at));
    const firstB = Math.min(...fromB.map((r) => r.at));
    expect(firstB).toBeGreaterThan(lastA);
    expect(firstB).toBeGreaterThan(killedAt);
    const withDuplicate = checkChannels(ids, expected);
    // The posts over one per alert are sends the kill interrupted, repeated by B under the same nonce (the entry's
    // id): answered with the message A's send created, so no channel shows one twice. At most one per lane (64).
    const repeats = posts() - ids.length * expected.length;
    console.log(`discord fan-out: A sent ${fromA.length}, B ${fromB.length} (first ${Math.round(firstB - killedAt)} ms after the kill), ${repeats} sends repeated, ${withDuplicate} channels with a duplicate`);
    expect(withDuplicate).toBe(0);
    expect(repeats).toBeGreaterThanOrEqual(0);
    expect(repeats).toBeLessThanOrEqual(64);
    expect(fake!.rateLimited).toEqual({ global: 0, route: 0 });
  }, 240_000);

  it('SIGSTOP the active deliverer, the standby takes over, SIGCONT: the old one sends nothing and exits 1', async () => {
    const { a, b, ids, expected, posts } = await setUp(300, 2);
    await until(() => posts('A') >= 100, 'A to be sending', 60_000);
    a.kill('SIGSTOP');
    await b.waitLog('holds the lease', 30_000);
    await until(() => posts('B') >= 50, 'B to be sending', 60_000).catch((err: unknown) => {
      console.log(b.lines.slice(-15).map((l) => JSON.stringify(l)).join('\n'), fake!.requests.slice(-5));
      throw err;
    });
    const fromA = fake!.requests.filter((r) => r.sender === 'A').length;
    expect(await store!.pendingCount()).toBeGreaterThan(0);
    a.kill('SIGCONT');
    expect(await a.exited).toBe(1);
    expect(a.lines.some((l) => l.msg.includes('lost its lease'))).toBe(true);
    await until(async () => (await store!.pendingCount()) === 0, 'the outbox to drain', 120_000, 200);
    // The resumed process sent nothing: not what waited in its pacer or in discord.js's queues, not new claims.
    // Except, at most, the one request a stop can catch between the fence's last check, in the socket's write, and
    // the write system call (Discord takes no fencing token): a repeat of an alert the channel was due.
    const late = fake!.requests.filter((r) => r.sender === 'A').slice(fromA);
    expect(late.length).toBeLessThanOrEqual(1);
    const lateMessage = late[0] && { channel: /^\/channels\/(\d+)\/messages$/.exec(late[0].path)![1]!, headline: headline((late[0].json as { embeds: never[] }).embeds) };
    checkChannels(ids, expected, lateMessage);
    expect(fake!.rateLimited).toEqual({ global: 0, route: 0 });
  }, 240_000);
});
