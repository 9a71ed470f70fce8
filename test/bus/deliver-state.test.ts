/**
 * A deliverer reports chats that changed as state changes on the stream (src/bus/state.ts), never by writing the
 * store itself, so every core applies them in one order: a Telegram group upgraded to a supergroup (a send answered
 * with `migrate_to_chat_id`) becomes `chat.move`, a chat that blocked the bot `subscription.remove`. A real
 * `--role deliver` process (deliver-child.ts) against real PostgreSQL, NATS and the fake Bot API. Skipped, saying
 * why, without PostgreSQL or NATS.
 */
import { expect, it } from 'vitest';
import { route } from '../../src/alerts/router.js';
import { runDeliverRole } from '../../src/bus/deliver.js';
import { connectBus, type Bus } from '../../src/bus/stream.js';
import type { Subscription } from '../../src/store/store.js';
import { FakeTelegram, fakeLimits } from '../fakes/telegram/server.js';
import { bundledDay } from '../adapters/telegram/harness.js';
import { NATS_URL, take } from '../services/nats.js';
import { startChild, until } from './children.js';
import { pgNatsSuite } from './pg-nats-suite.js';

const GROUP = -4_000_111;
const SUPERGROUP = -1_002_000_111_222;
const BLOCKED = 7_000_111;
const FINE = 7_000_222;

it('refuses to start without LIQBOT_NATS_URL, naming it and why', async () => {
  const run = runDeliverRole({ env: { databaseUrl: 'postgres://liqbot@127.0.0.1:1/none', telegram: { token: '1:x' } }, platform: 'telegram', signal: new AbortController().signal });
  await expect(run).rejects.toThrow(/--role deliver needs LIQBOT_NATS_URL: a chat that moved .* is published on the state stream/);
});

pgNatsSuite('deliver role: chat changes go to the state stream', (suite) => {
  it('publishes chat.move for a group that became a supergroup and subscription.remove for a chat that blocked the bot, leaving the store to the core', async () => {
    const fake = await FakeTelegram.start({ limits: fakeLimits(20) });
    suite.defer(() => fake.close());
    fake.fail({ chatId: GROUP, error: { code: 400, description: 'Bad Request: group chat was upgraded to a supergroup chat', migrateTo: SUPERGROUP } });
    fake.fail({ chatId: BLOCKED, error: { code: 403, description: 'Forbidden: bot was blocked by the user' } });
    const { store, schema } = await suite.openStore();
    const subs: Subscription[] = [GROUP, BLOCKED, FINE].map((id) => ({ chat: `telegram:${id}`, enabled: true, assets: [], families: ['level'], minUsd: 0, updatedAt: 0 }));
    for (const s of subs) await store.putSubscription(s);
    const alerts = (await bundledDay()).alerts.filter((a) => a.kind === 'level_break').slice(0, 3);
    await store.enqueue(route(alerts.slice(0, 2), subs, Date.now()));
    // The reader's bus: the stream the deliverer publishes on (its name's lower case is the subject prefix).
    const bus: Bus = await connectBus({ url: NATS_URL, stream: suite.stream, prefix: suite.stream.toLowerCase() });
    suite.defer(() => bus.close());

    const d = startChild('deliver', ['--import', 'tsx', 'test/bus/deliver-child.ts'], {
      ...suite.roleEnv(schema),
      TELEGRAM_BOT_TOKEN: fake.token,
      TELEGRAM_API_ROOT: `${fake.apiRoot}/`,
      DELIVER_SCALE: '20',
      DELIVER_TTL_MS: '2000',
    });
    await d.waitLog('holds the lease');
    await until(async () => (await store.pendingCount()) === 0, 'the outbox to be settled', 60_000, 100);
    // A chat's own level's alert answers the message its level was adopted under (here the chat's first alert).
    const first = fake.sentTo(FINE)[0]!.messageId;
    await store.enqueue(route([{ ...alerts[2]!, chat: `telegram:${FINE}` }], [subs[2]!], Date.now(), () => ({ ref: `${FINE}:${first}` })));
    await until(async () => (await store.pendingCount()) === 0, 'the answer to be sent', 60_000, 100);

    const batches = await take(bus, 3, 'state-reader');
    const changes = batches.flatMap((b) => b.changes ?? []);
    expect(changes).toHaveLength(3);
    // Each alert queued for the group was refused there once and posted to the supergroup: a move each, and the group's key stays.
    const moves = changes.filter((c) => c.kind === 'chat.move');
    expect(moves).toEqual([0, 1].map(() => expect.objectContaining({ kind: 'chat.move', from: `telegram:${GROUP}`, to: `telegram:${SUPERGROUP}` })));
    const removed = changes.filter((c) => c.kind === 'subscription.remove').map((c) => (c as { chat: string }).chat);
    expect(removed).toEqual([`telegram:${BLOCKED}`]);
    expect(fake.sentTo(SUPERGROUP)).toHaveLength(2);
    // The deliverer wrote no subscription itself: the core applies what the stream says.
    expect((await store.listSubscriptions()).map((s) => s.chat).sort()).toEqual(subs.map((s) => s.chat).sort());
    expect(fake.sentTo(FINE).map((m) => m.replyTo)).toEqual([undefined, undefined, first]);
  }, 120_000);
});
