/**
 * Alert delivery through the real discord.js REST client against the fake's enforced rate limits: a fan-out to
 * many channels draws no 429, 429s that do happen are waited out and retried with nothing lost, alerts never
 * mention anyone, a running cascade edits its message, a post whose answer is lost is posted once (its enforced
 * nonce), a channel that is gone (or a server the bot left) is a permanent failure and one whose permissions refuse
 * the bot a refused request. The pacer's timing itself is specified on a manual clock (pacer.test.ts), not measured here.
 */
import { DiscordAPIError, REST } from 'discord.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDiscordAdapter, type DiscordAdapter } from '../../../src/adapters/discord/adapter.js';
import { translateError } from '../../../src/adapters/discord/errors.js';
import { Pacer } from '../../../src/adapters/discord/pacer.js';
import { DiscordSender, messageNonce } from '../../../src/adapters/discord/sender.js';
import type { DeliveryResult } from '../../../src/adapters/contract.js';
import type { Alert } from '../../../src/core/alerts.js';
import { alertReply } from '../../../src/replies/alerts.js';
import type { Reply } from '../../../src/replies/reply.js';
import type { Services } from '../../../src/service.js';
import { guild, snowflake, type FakeChannel } from '../../fakes/discord/payloads.js';
import { FAKE_TOKEN, FakeDiscord } from '../../fakes/discord/server.js';
import { dayRun, openResources, startAdapter } from './helpers.js';

let fake: FakeDiscord;
let bot: DiscordAdapter;
let services: Services;
let alerts: Alert[];
let baseline: Record<string, number>;

/** Channels known to Discord's REST side only (each in its own server), as a large bot's alerts channels are. */
function channels(n: number, extra: Partial<FakeChannel> = {}): FakeChannel[] {
  const list = Array.from({ length: n }, (_, i) => ({ id: snowflake(), guildId: snowflake(), name: `alerts-${i}`, type: 0, ...extra }));
  for (const c of list) fake.addChannel(c);
  return list;
}
const to = (c: FakeChannel) => ({ chat: `discord:${c.guildId}`, target: `channel:${c.id}` });
const posts = (c: FakeChannel) => fake.requests.filter((r) => r.method === 'POST' && r.path === `/channels/${c.id}/messages` && r.status === 200).length;

let cascade: Reply;
let update: Reply;

beforeAll(async () => {
  baseline = openResources();
  const day = await dayRun();
  services = day.services;
  alerts = day.run.alerts;
  cascade = alertReply(alerts.find((a) => a.kind === 'cascade')!);
  update = alertReply(alerts.find((a) => a.kind === 'cascade_update') ?? alerts.find((a) => a.kind === 'cascade_end')!);
  fake = await FakeDiscord.start({ limits: { globalPerSecond: 50, channelRoute: { limit: 5, windowMs: 5000 } } });
  bot = await startAdapter(fake, services);
});

afterAll(async () => {
  await bot?.stop();
  await fake?.close();
});

describe('fan-out', () => {
  it('posts one alert to 100 channels under the global limit: every channel once, no 429', async () => {
    const list = channels(100);
    const before = fake.requests.length;
    const results = await Promise.all(list.map((c) => bot.deliver(to(c), cascade)));
    expect(results.every((r) => r.ok)).toBe(true);
    expect(list.every((c) => posts(c) === 1)).toBe(true);
    expect(fake.rateLimited).toEqual({ global: 0, route: 0 });
    expect(fake.requests.slice(before).filter((r) => r.authorized)).toHaveLength(100);
  });

  it('sends an alert as rendered (red for a long cascade) with mentions never parsed, for a post and an edit alike', async () => {
    const [c] = channels(1);
    const hostile: Reply = { ...cascade, blocks: [[['@everyone <@1234567890> <@&1234567890>']]] };
    const first = await bot.deliver(to(c!), hostile);
    if (!first.ok) throw new Error(first.error);
    await bot.deliver(to(c!), hostile, first.messageRef);
    const sent = fake.requests.filter((r) => r.path.startsWith(`/channels/${c!.id}/messages`) && r.status === 200);
    expect(sent.map((r) => r.method)).toEqual(['POST', 'PATCH']);
    for (const r of sent) expect(r.json.allowed_mentions).toEqual({ parse: [] });
    expect(sent[0]!.json.embeds[0].color).toBe(0xe5484d);
  });

  it('posts a quiet alert with notifications suppressed (flag 4096) and the rest without the flag', async () => {
    const [c] = channels(1);
    await bot.deliver(to(c!), { ...cascade, quiet: true });
    await bot.deliver(to(c!), cascade);
    const sent = fake.requests.filter((r) => r.method === 'POST' && r.path === `/channels/${c!.id}/messages` && r.status === 200);
    expect(sent.map((r) => r.json.flags)).toEqual([4096, undefined]);
  });

  it('waits out and retries the global 429s a stricter Discord answers: nothing lost, none left unhandled', async () => {
    fake.limits.globalPerSecond = 10;
    try {
      const list = channels(20);
      const results = await Promise.all(list.map((c) => bot.deliver(to(c), cascade)));
      expect(fake.rateLimited.global).toBeGreaterThan(0);
      expect(results.filter((r) => !r.ok)).toEqual([]);
      expect(list.map(posts)).toEqual(list.map(() => 1));
      // Every 429 was answered with a retry-after and Discord's body; discord.js read it and came back later.
      const limited = fake.requests.filter((r) => r.status === 429);
      expect(limited.length).toBe(fake.rateLimited.global);
    } finally {
      fake.limits.globalPerSecond = 50;
      fake.rateLimited.global = 0;
    }
  });

  it("waits out a channel bucket another process used up (a route 429), then keeps to the bucket's headers", async () => {
    const [c] = channels(1);
    fake.limits.channelRoute = { limit: 2, windowMs: 1000 };
    try {
      fake.exhaustChannelBucket(c!.id);
      const first = await bot.deliver(to(c!), cascade);
      expect(first.ok).toBe(true);
      expect(fake.rateLimited.route).toBe(1);
      // Three more in a row: discord.js paces them by X-RateLimit-Remaining/Reset-After, with no further 429.
      const more = await Promise.all([1, 2, 3].map(() => bot.deliver(to(c!), cascade)));
      expect(more.every((r) => r.ok)).toBe(true);
      expect(fake.rateLimited.route).toBe(1);
      expect(posts(c!)).toBe(4);
    } finally {
      fake.limits.channelRoute = { limit: 5, windowMs: 5000 };
      fake.rateLimited.route = 0;
    }
  });

  it('hands a channel rate limit longer than it will wait back to the outbox as retryAfterMs', async () => {
    const [c] = channels(1);
    fake.limits.channelRoute = { limit: 1, windowMs: 30_000 };
    try {
      fake.exhaustChannelBucket(c!.id);
      const r = await bot.deliver(to(c!), cascade);
      expect(r).toMatchObject({ ok: false, permanent: false });
      expect((r as { retryAfterMs: number }).retryAfterMs).toBeGreaterThan(20_000);
      expect(posts(c!)).toBe(0);
    } finally {
      fake.limits.channelRoute = { limit: 5, windowMs: 5000 };
      fake.rateLimited.route = 0;
    }
  });
});

describe('a running cascade', () => {
  it('edits the message it posted first (PATCH), not a new post', async () => {
    const [c] = channels(1);
    const first = await bot.deliver(to(c!), cascade);
    expect(first.ok).toBe(true);
    const ref = (first as { messageRef: string }).messageRef;
    expect(ref).toMatch(new RegExp(`^${c!.id}:\\d{17,19}$`));
    const second = await bot.deliver(to(c!), update, ref);
    expect(second).toEqual({ ok: true, messageRef: ref });
    const stored = fake.messages.get(c!.id)!;
    expect(stored).toHaveLength(1);
    expect(stored[0]!.edits).toBe(1);
    const patches = fake.requests.filter((r) => r.method === 'PATCH' && r.path === `/channels/${c!.id}/messages/${ref.split(':')[1]}`);
    expect(patches).toHaveLength(1);
    expect(stored[0]!.embeds).toEqual(patches[0]!.json.embeds);
    expect(patches[0]!.json.attachments).toEqual([]); // no chart now: an earlier one would be removed
  });

  it('posts anew when the message to edit was deleted', async () => {
    const [c] = channels(1);
    const r = await bot.deliver(to(c!), update, `${c!.id}:1474453241771589642`);
    expect(r.ok).toBe(true);
    expect((r as { messageRef: string }).messageRef).not.toBe(`${c!.id}:1474453241771589642`);
    expect(posts(c!)).toBe(1);
  });

  it('uploads a chart as the embed image (attachment://)', async () => {
    const [c] = channels(1);
    const png = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 9, 9, 9]);
    const r = await bot.deliver(to(c!), { ...cascade, image: { render: async () => png, width: 10, height: 10, alt: 'ETH cascade', filename: 'cascade-eth.png' } });
    expect(r.ok).toBe(true);
    const req = fake.requests.find((x) => x.path === `/channels/${c!.id}/messages`)!;
    expect(req.files).toEqual([{ field: 'files[0]', name: 'cascade-eth.png', type: 'image/png', size: png.length }]);
    expect(req.json.embeds[0].image).toEqual({ url: 'attachment://cascade-eth.png' });
    expect(req.json.attachments).toEqual([{ id: 0, filename: 'cascade-eth.png', description: 'ETH cascade' }]);
  });
});

describe('failures', () => {
  const permanent = (r: DeliveryResult) => !r.ok && r.permanent;

  it('a deleted channel (404 Unknown Channel 10003) is permanent', async () => {
    const [c] = channels(1, { deleted: true });
    const r = await bot.deliver(to(c!), cascade);
    expect(permanent(r)).toBe(true);
    expect((r as { error: string }).error).toContain('10003');
  });

  it('a channel whose permissions refuse the bot (403 Missing Permissions 50013, Missing Access 50001) is a refused request while the bot is in the server, the chat gone once it was removed', async () => {
    const server = guild('Locked Floor', ['hidden', 'read-only']);
    const [hidden, readOnly] = server.channels as [FakeChannel, FakeChannel];
    hidden.noAccess = true;
    readOnly.noPermission = true;
    fake.addGuild(server);
    for (const c of [hidden, readOnly]) {
      const r = await bot.deliver(to(c), cascade);
      expect(r).toMatchObject({ ok: false, permanent: false });
      expect((r as { retryAfterMs?: number }).retryAfterMs).toBeUndefined();
      expect((r as { error: string }).error).toContain(c === hidden ? 'Missing Access' : 'Missing Permissions');
    }
    // As errors.ts reads them: the request refused (`rejected`), not the chat gone.
    const refusal = (code: number, message: string) => translateError(new DiscordAPIError({ code, message }, code, 403, 'POST', '/channels/1/messages', {}), 'posting');
    expect(refusal(50013, 'Missing Permissions')).toMatchObject({ kind: 'rejected', permanent: false });
    expect(refusal(50001, 'Missing Access')).toMatchObject({ kind: 'rejected', permanent: false });

    // Once the bot is removed from the server its channels answer Missing Access too, and the server Unknown Guild: gone.
    fake.removeGuild(server.id);
    const removed = await bot.deliver(to(readOnly), cascade);
    expect(permanent(removed)).toBe(true);
    expect((removed as { error: string }).error).toMatch(/50001.*removed from the server/);
    expect(fake.requests.some((x) => x.method === 'GET' && x.path === `/guilds/${server.id}` && x.status === 404)).toBe(true);
  });

  it('a Discord outage (502, after discord.js retried) is worth retrying, not an unsubscribe', async () => {
    const [c] = channels(1);
    const path = new RegExp(`^/channels/${c!.id}/messages$`);
    fake.failures.push({ path, status: 502 });
    try {
      const r = await bot.deliver(to(c!), cascade);
      expect(r).toMatchObject({ ok: false, permanent: false });
      expect(fake.requests.filter((x) => path.test(x.path)).length).toBe(4); // 1 + discord.js's 3 retries
    } finally {
      fake.failures.length = 0;
    }
  });

  it('a subscription without a channel cannot be delivered (permanent), without a request', async () => {
    const before = fake.requests.length;
    const r = await bot.deliver({ chat: 'discord:1474453241771589642' }, cascade);
    expect(permanent(r)).toBe(true);
    expect(fake.requests.length).toBe(before);
  });

  it('before start and after stop, delivery is retryable (never thrown, never permanent)', async () => {
    const idle = createDiscordAdapter({ token: FAKE_TOKEN, apiBase: fake.apiBase, services });
    const [c] = channels(1);
    expect(await idle.deliver(to(c!), cascade)).toMatchObject({ ok: false, permanent: false });
    await idle.stop();
    const other = await startAdapter(fake, services);
    await other.stop();
    expect(await other.deliver(to(c!), cascade)).toMatchObject({ ok: false, permanent: false });
  });
});

describe('a post whose answer is lost', () => {
  /** A sender on its own REST client whose requests time out after 100 ms (Discord's default is 15 s). */
  function impatient(): { sender: DiscordSender; close: () => void } {
    const rest = new REST({ api: fake.apiBase, timeout: 100 }).setToken(FAKE_TOKEN);
    const pacer = new Pacer(40);
    return {
      sender: new DiscordSender(rest, pacer),
      close: () => {
        pacer.stop();
        rest.clearHashSweeper();
        rest.clearHandlerSweeper();
      },
    };
  }
  const postsTo = (c: FakeChannel) => fake.requests.filter((r) => r.method === 'POST' && r.path === `/channels/${c.id}/messages`);

  it('is posted once when Discord answers after the timeout: discord.js sends it again, with the same enforced nonce', async () => {
    const [c] = channels(1);
    const { sender, close } = impatient();
    try {
      // Each post is made, but its answer never comes back: the first three time out, the fourth is answered.
      fake.lostAnswers.push({ path: new RegExp(`^/channels/${c!.id}/messages$`), times: 3 });
      const r = await sender.deliver(to(c!), cascade, undefined);
      expect(r.ok).toBe(true);
      const stored = fake.messages.get(c!.id)!;
      expect(stored).toHaveLength(1);
      expect((r as { messageRef: string }).messageRef).toBe(`${c!.id}:${stored[0]!.id}`);
      const sent = postsTo(c!);
      expect(sent).toHaveLength(4);
      const nonce = sent[0]!.json.nonce as string;
      expect(nonce.length).toBeGreaterThan(0);
      expect(nonce.length).toBeLessThanOrEqual(25);
      expect(sent.map((x) => [x.json.nonce, x.json.enforce_nonce])).toEqual(sent.map(() => [nonce, true]));
    } finally {
      fake.lostAnswers.length = 0;
      close();
    }
  });

  it('is posted once when Discord made it and then answered 5xx', async () => {
    const [c] = channels(1);
    fake.lostAnswers.push({ path: new RegExp(`^/channels/${c!.id}/messages$`), times: 2, status: 502 });
    try {
      const r = await bot.deliver(to(c!), cascade);
      expect(r.ok).toBe(true);
      expect(fake.messages.get(c!.id)).toHaveLength(1);
      expect(postsTo(c!)).toHaveLength(3);
    } finally {
      fake.lostAnswers.length = 0;
    }
  });

  it("is posted once however often one delivery is retried: the nonce comes from the delivery's idempotency key", async () => {
    const [c] = channels(1);
    const { sender, close } = impatient();
    fake.limits.channelRoute = { limit: 10, windowMs: 5000 }; // eight posts to one channel, none waiting out a bucket
    try {
      // Every answer of the first delivery is lost (discord.js gives up), so the outbox would deliver it again.
      fake.lostAnswers.push({ path: new RegExp(`^/channels/${c!.id}/messages$`), times: 4 });
      const first = await sender.deliver({ ...to(c!), idempotencyKey: '42' }, cascade, undefined);
      expect(first).toMatchObject({ ok: false, permanent: false });
      const again = await sender.deliver({ ...to(c!), idempotencyKey: '42' }, cascade, undefined);
      expect(again.ok).toBe(true);
      const stored = fake.messages.get(c!.id)!;
      expect(stored).toHaveLength(1);
      expect((again as { messageRef: string }).messageRef).toBe(`${c!.id}:${stored[0]!.id}`);
      expect(new Set(postsTo(c!).map((x) => x.json.nonce))).toEqual(new Set([messageNonce(c!.id, '42')]));
      // Another delivery (another key, or none) is another post.
      expect((await sender.deliver({ ...to(c!), idempotencyKey: '43' }, cascade, undefined)).ok).toBe(true);
      expect((await sender.deliver(to(c!), cascade, undefined)).ok).toBe(true);
      expect(fake.messages.get(c!.id)).toHaveLength(3);
    } finally {
      fake.lostAnswers.length = 0;
      fake.limits.channelRoute = { limit: 5, windowMs: 5000 };
      close();
    }
  });

  it('a post made before and deleted since (its nonce seen again) is refused, not posted anew nor taken for an edit', async () => {
    const [c] = channels(1);
    const key = { ...to(c!), idempotencyKey: '77' };
    const first = await bot.deliver(key, cascade);
    expect(first.ok).toBe(true);
    fake.messages.get(c!.id)!.length = 0; // a moderator deleted it
    const again = await bot.deliver(key, cascade);
    expect(again).toMatchObject({ ok: false, permanent: false });
    expect((again as { error: string }).error).toMatch(/10008.*deleted since/);
    expect(fake.messages.get(c!.id)).toHaveLength(0);
  });
});

describe('lifecycle', () => {
  it('stop() closes the gateway connection and leaves no open handles (sockets, timers) behind', async () => {
    await bot.stop();
    await fake.until(() => fake.connections === 0, 5000, 'the client to close its gateway connection');
    await fake.close();
    const deadline = Date.now() + 5000;
    let now = openResources();
    const extra = () => Object.entries(now).filter(([k, n]) => n > (baseline[k] ?? 0));
    while (extra().length && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 50));
      now = openResources();
    }
    expect(Object.fromEntries(extra())).toEqual({});
  });
});
