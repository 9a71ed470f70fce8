/**
 * `/alerts on` in a Telegram forum topic moves the chat's alerts there and says from where; `/alerts` names where they
 * post truly, from whichever topic it is asked (this topic, another one, General). Discord keeps its alerts channel,
 * named by the status, until `/alerts channel` moves it.
 */
import { beforeEach, expect, it } from 'vitest';
import { runCommandLine } from '../../commands/index.js';
import type { ChatInfo } from '../../commands/types.js';
import { loadConfig } from '../../config/load.js';
import { Market } from '../../src/core/market.js';
import { replyText } from '../../src/replies/reply.js';
import { createServices, type Services } from '../../src/service.js';
import { createMemoryStore } from '../../src/store/memory.js';
import type { Store } from '../../src/store/store.js';

const T = Date.parse('2026-01-31T12:00:00Z');
const GROUP = 'telegram:-1001234';
const GUILD = 'discord:123456789';

let store: Store;
let services: Services;
beforeEach(() => {
  store = createMemoryStore();
  services = createServices({ config: loadConfig(), market: new Market(loadConfig()), store, now: () => T });
});

const say = async (line: string, chat: ChatInfo) => replyText(await runCommandLine(line, { chat, user: { id: 'admin' }, isAdmin: true, now: T, services }));
const topic = (id?: string): ChatInfo => ({ key: GROUP, platform: 'telegram', kind: 'group', ...(id !== undefined ? { target: id } : {}) });
const channel = (id: string): ChatInfo => ({ key: GUILD, platform: 'discord', kind: 'guild', target: `channel:${id}` });

it('/alerts on in another topic moves the alerts there and says where they were', async () => {
  expect(await say('/alerts on', topic('7'))).toContain('Posting to: this topic');
  expect(store.getSubscription(GROUP)).toMatchObject({ enabled: true, target: '7' });
  const moved = await say('/alerts on', topic('9'));
  expect(moved).toContain('alerts now post to this topic (were: topic 7)');
  expect(moved).toContain('Posting to: this topic');
  expect(store.getSubscription(GROUP)).toMatchObject({ enabled: true, target: '9' });
  // Asked again where they already post: no move to report.
  expect(await say('/alerts on', topic('9'))).not.toContain('were:');
});

it('/alerts names the target truly from any topic, and General', async () => {
  await say('/alerts on', topic('9'));
  expect(await say('/alerts', topic('9'))).toContain('Posting to: this topic');
  expect(await say('/alerts', topic('7'))).toContain('Posting to: another topic (topic 9;');
  expect(await say('/alerts', topic())).toContain('Posting to: another topic (topic 9;');
  // Moved to General by /alerts on sent there; asked from a topic, the status says General.
  expect(await say('/alerts on', topic())).toContain('alerts now post to General (were: topic 9)');
  expect(store.getSubscription(GROUP)?.target).toBeUndefined();
  expect(await say('/alerts', topic('7'))).toContain('Posting to: General, not this topic');
  expect(await say('/alerts', topic())).not.toContain('Posting to');
});

it('Discord: /alerts on in another channel keeps the alerts channel, and the status names it', async () => {
  await say('/alerts channel 222222', channel('111111'));
  const on = await say('/alerts on', channel('333333'));
  expect(on).toContain('Posting to: channel 222222');
  expect(on).not.toContain('this topic');
  expect(store.getSubscription(GUILD)).toMatchObject({ enabled: true, target: 'channel:222222' });
});
