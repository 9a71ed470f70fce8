/**
 * A chat found gone (`subscription.remove`: it removed or blocked the bot, or its alerts channel went) has its alerts
 * turned off in a gateway's mirror, its settings kept, as StateWriter turns them off in the embedded bot and the core:
 * the chat's next `/alerts` reads them back off, and `/alerts on` restores them as they were. No server needed: the
 * gateway's publishes go to a stand-in for the stream.
 */
import { expect, it } from 'vitest';
import { runCommandLine } from '../../commands/index.js';
import type { ChatInfo } from '../../commands/types.js';
import { loadConfig } from '../../config/load.js';
import { renderTerminal } from '../../src/adapters/terminal/render.js';
import { Gateway } from '../../src/bus/gateway.js';
import type { Bus } from '../../src/bus/stream.js';
import type { Subscription } from '../../src/store/store.js';

const T0 = Date.UTC(2026, 0, 31, 12);
const CHAT: ChatInfo = { key: 'telegram:-100', platform: 'telegram', kind: 'group' };

it('turns the chat off in the mirror with its settings kept; /alerts on brings them back', async () => {
  const sub: Subscription = { chat: CHAT.key, enabled: true, assets: ['ETH'], families: ['cascade', 'level'], minUsd: 2_000_000, updatedAt: T0, digest: true, proposals: { votesNeeded: 3, ttlHours: 24 } };
  const published: string[] = [];
  const bus = { prefix: 'mkt', js: { publish: async (_subject: string, payload: string) => (published.push(payload), { seq: published.length, duplicate: false, stream: 'MKT' }) } } as unknown as Bus;
  const config = loadConfig(undefined);
  const gateway = new Gateway({ bus, config, id: 'gw-test', seed: { levels: [], tracks: [], subscriptions: [sub] }, now: () => T0 });
  try {
    gateway.apply({ kind: 'subscription.remove', chat: CHAT.key });
    expect(gateway.mirror.getSubscription(CHAT.key)).toEqual({ ...sub, enabled: false });
    const ask = async (line: string) => renderTerminal(await runCommandLine(line, { chat: CHAT, user: { id: 'u1' }, isAdmin: true, now: T0, services: gateway.services }), false);
    expect(await ask('/alerts')).toMatch(/Alerts are OFF[\s\S]*Assets: ETH/);
    await ask('/alerts on');
    expect(gateway.mirror.getSubscription(CHAT.key)).toMatchObject({ enabled: true, assets: ['ETH'], minUsd: 2_000_000, digest: true, proposals: { votesNeeded: 3, ttlHours: 24 } });
    // The stream carries the removal as it was said (each core turns the chat off by StateWriter), then the new settings.
    await gateway.publisher.flush();
    expect(published.map((p) => (JSON.parse(p) as { kind: string }).kind)).toEqual(['subscription.remove', 'subscription.put']);
  } finally {
    await gateway.publisher.stop();
  }
});
