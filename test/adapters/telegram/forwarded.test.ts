/**
 * A forwarded message is someone's words shown, never a command: an admin who forwards Bob's "/alerts off" into the
 * group to show it does not turn the group's alerts off. End to end on the fake Bot API (real telegraf), and the rule
 * itself on the message alone.
 */
import type { Message } from 'telegraf/types';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { commandIn } from '../../../src/adapters/telegram/context.js';
import { bob, commandUpdate, type FakeUser } from '../../fakes/telegram/updates.js';
import { startHarness, type Harness } from './harness.js';

const admin: FakeUser = { id: 2001, first_name: 'Admin', username: 'the_admin' };
const bobUser = { id: bob.id, is_bot: false, first_name: bob.first_name };

/** Telegram's marks of a forward: Bot API 7.0's `forward_origin`, the older `forward_date`, a channel post copied into its discussion group. */
const FORWARDS: [string, Record<string, unknown>][] = [
  ['forward_origin', { forward_origin: { type: 'user', sender_user: bobUser, date: 1 } }],
  ['legacy forward_date', { forward_date: 1, forward_from: bobUser }],
  ['hidden sender', { forward_origin: { type: 'hidden_user', sender_user_name: 'Bob', date: 1 } }],
  ['automatic forward', { is_automatic_forward: true, forward_origin: { type: 'channel', chat: { id: -1_000_000_000_999, type: 'channel', title: 'desk' }, message_id: 3, date: 1 } }],
];

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(async () => {
  await h?.stop();
});

describe('commandIn', () => {
  const message = (extra: Record<string, unknown>) => ({
    message_id: 5,
    date: 1,
    chat: { id: -100, type: 'supergroup', title: 'desk' },
    from: { ...admin, is_bot: false },
    text: '/alerts off',
    entities: [{ type: 'bot_command', offset: 0, length: 7 }],
    ...extra,
  }) as unknown as Message;

  it('runs a command typed in the chat', () => {
    expect(commandIn(message({}), 'liqbot')).toEqual({ run: true, line: '/alerts off' });
  });
  it.each(FORWARDS)('ignores a forwarded one (%s)', (_, extra) => {
    expect(commandIn(message(extra), 'liqbot')).toEqual({ run: false, why: 'forwarded' });
  });
});

describe('a forwarded command in a group', () => {
  let nextChat = -1_000_000_000_600;
  it.each(FORWARDS)('runs as nobody’s command and is not answered (%s)', async (_, extra) => {
    const chat = nextChat--;
    h.fake.setAdmins(chat, [admin.id]);
    const say = (text: string, more: Record<string, unknown> = {}) => {
      const { update, messageId } = commandUpdate(h.fake, chat, text, { from: admin });
      Object.assign(update.message as Record<string, unknown>, more);
      h.fake.push(update);
      return messageId;
    };
    say('/alerts on');
    await h.fake.waitFor(() => h.store.getSubscription(`telegram:${chat}`)?.enabled === true && h.fake.sentTo(chat).length === 1, 'alerts on');

    const forwarded = say('/alerts off', extra);
    // The admin's next command is handled after the forward (one member's messages in a chat are taken in order).
    const asked = say('/alerts');
    await h.fake.waitFor(() => h.fake.sentTo(chat).some((m) => m.replyTo === asked), 'the /alerts answer');
    expect(h.fake.sentTo(chat).filter((m) => m.replyTo === forwarded)).toEqual([]);
    expect(h.fake.sentTo(chat)).toHaveLength(2);
    expect(h.store.getSubscription(`telegram:${chat}`)?.enabled).toBe(true);
  });
});
