/**
 * The deliver role's fence on the wire (src/bus/deliver.ts, src/adapters/discord/http.ts): a request made once the
 * lease's local deadline passed fails at once with FENCED and never reaches the server, through the HTTP and the
 * HTTPS agent alike; within the deadline discord.js's REST works through the same agents against the fake Discord.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { REST, Routes } from 'discord.js';
import { requestThrough } from '../../src/adapters/discord/http.js';
import { FENCED, Fence, FencedAgent, FencedHttpsAgent } from '../../src/bus/deliver.js';
import { FAKE_TOKEN, FakeDiscord } from '../fakes/discord/server.js';

describe('the fenced agents', () => {
  let fake: FakeDiscord | undefined;
  afterEach(async () => {
    await fake?.close();
    fake = undefined;
  });

  function rest(fence: Fence): { rest: REST; agents: { http: InstanceType<typeof FencedAgent>; https: InstanceType<typeof FencedHttpsAgent> } } {
    const agents = { http: new FencedAgent(fence), https: new FencedHttpsAgent(fence) };
    return { rest: new REST({ api: fake!.apiBase, retries: 0, makeRequest: requestThrough(agents) }).setToken(FAKE_TOKEN), agents };
  }

  it('sends through discord.js while the lease is renewed, and refuses at once, writing nothing, once it is not', async () => {
    fake = await FakeDiscord.start();
    const fence = new Fence(60_000, 1_000);
    fence.renewed(performance.now());
    const { rest: client, agents } = rest(fence);
    expect(await client.get(Routes.user('@me'))).toMatchObject({ username: 'liqbot' });
    expect(fake.requests).toHaveLength(1);

    fence.lost();
    const started = performance.now();
    await expect(client.get(Routes.user('@me'))).rejects.toThrow(FENCED);
    // At once: no timeout, no retry (discord.js's own timeout is 15 s).
    expect(performance.now() - started).toBeLessThan(1_000);
    expect(fake.requests).toHaveLength(1);
    expect(agents.http.refused).toBe(1);
  });

  it('checks again in the socket write itself: a fence lost after the request got its socket sends nothing', async () => {
    fake = await FakeDiscord.start();
    /** Valid for `allow` more checks: a process stopped between two of them, resumed after the lease passed. */
    class Countdown extends Fence {
      allow = Infinity;
      checks = 0;
      override valid(): boolean {
        this.checks++;
        return this.allow-- > 0;
      }
    }
    const fence = new Countdown(60_000, 1_000);
    const { rest: client, agents } = rest(fence);
    expect(await client.get(Routes.user('@me'))).toMatchObject({ username: 'liqbot' });
    // The next request reuses the kept-alive socket: checked when made, when it gets the socket, and in the write.
    fence.allow = 2;
    fence.checks = 0;
    await expect(client.get(Routes.user('@me'))).rejects.toThrow(FENCED);
    expect(fence.checks).toBe(3);
    expect(agents.http.refused).toBe(1);
    await new Promise((resolve) => setImmediate(resolve));
    expect(fake.requests).toHaveLength(1);
  });

  it('the HTTPS agent refuses the same way (a real API root)', async () => {
    const fence = new Fence(60_000, 1_000); // never renewed
    const agents = { http: new FencedAgent(fence), https: new FencedHttpsAgent(fence) };
    const request = requestThrough(agents);
    // Refused before any connection is tried: the host does not need to exist.
    await expect(request('https://discord.invalid/api/v10/users/@me', { method: 'GET' })).rejects.toThrow(FENCED);
    expect(agents.https.refused).toBe(1);
  });
});
