/**
 * A process killed mid-delivery and restarted, through the real telegraf against the local fake Bot API and
 * a real SQLite file: each chat ends with every alert, in order; a chat may see one alert twice only when the
 * crash hit that very send.
 */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createTelegramAdapter, scaleLimits } from '../../src/adapters/telegram/adapter.js';
import { renderSingle } from '../../src/adapters/telegram/render.js';
import { Outbox } from '../../src/alerts/outbox.js';
import { alertReply } from '../../src/replies/alerts.js';
import { createServices, type Services } from '../../src/service.js';
import { openSqliteStore } from '../../src/store/sqlite.js';
import { parseTelegramHtml } from '../fakes/telegram/html.js';
import { FakeTelegram, fakeLimits } from '../fakes/telegram/server.js';
import { bundledDay } from '../adapters/telegram/harness.js';
import { tempDir } from '../helpers.js';
import { loadConfig } from '../../config/load.js';

const SCALE = 20;

describe('a restart in the middle of a fan-out', () => {
  it('delivers every alert to every chat, in order, with duplicates only where the crash hit a send', async () => {
    const run = await bundledDay();
    const alerts = run.alerts.filter((a) => a.kind === 'level_break').slice(0, 4);
    expect(alerts).toHaveLength(4);
    const fake = await FakeTelegram.start({ limits: fakeLimits(SCALE) });
    const db = join(tempDir(), 'liqbot.db');
    const chats = Array.from({ length: 40 }, (_, i) => (i % 2 ? -(700_000 + i) : 700_000 + i));

    const life = async (store: ReturnType<typeof openSqliteStore>) => {
      const services: Services = createServices({ config: loadConfig(), market: run.market, store, now: () => run.lastTs });
      const adapter = createTelegramAdapter({ token: fake.token, apiRoot: fake.apiRoot, services, limits: scaleLimits(SCALE) });
      await adapter.start();
      const outbox = new Outbox({ store, adapters: { telegram: adapter } });
      return { adapter, outbox };
    };

    // First life: publish, let part of the fan-out go out, then "crash": stop everything without draining.
    const store1 = openSqliteStore(db);
    for (const c of chats) store1.putSubscription({ chat: `telegram:${c}`, enabled: true, assets: [], families: ['level'], minUsd: 0, updatedAt: 0 });
    const first = await life(store1);
    first.outbox.start();
    first.outbox.publish(alerts);
    const sends = () => fake.calls.filter((c) => c.method === 'sendMessage').length;
    await fake.waitFor(() => sends() >= 50, 'part of the fan-out');
    const lanes = first.outbox.stop();
    await first.adapter.stop();
    await lanes;
    const pendingAtCrash = store1.pendingCount();
    expect(pendingAtCrash).toBeGreaterThan(0);
    expect(pendingAtCrash).toBeLessThan(chats.length * alerts.length);
    store1.close();

    // Second life on the same file: everything still pending goes out.
    const store2 = openSqliteStore(db);
    const second = await life(store2);
    second.outbox.start();
    await fake.waitFor(() => store2.pendingCount() === 0, 'the outbox to drain', 30_000);
    await second.outbox.idle();
    await second.outbox.stop();
    await second.adapter.stop();
    store2.close();
    await fake.close();

    const expected = alerts.map((a) => parseTelegramHtml(renderSingle(alertReply(a))).text);
    let duplicates = 0;
    for (const c of chats) {
      const got = fake.sentTo(c).map((m) => m.text);
      // Collapse an immediate repeat (the send the crash hit), then the chat must have every alert in order.
      const collapsed = got.filter((t, i) => i === 0 || t !== got[i - 1]);
      duplicates += got.length - collapsed.length;
      expect(collapsed).toEqual(expected);
    }
    expect(duplicates).toBeLessThanOrEqual(chats.length);
    // A restart faster than Telegram's windows starts a new pacer that does not know the last sends, so a few
    // 429s are possible here; they were retried (every chat above has every alert).
    expect(fake.limited).toBeLessThan(chats.length);
  }, 60_000);
});
