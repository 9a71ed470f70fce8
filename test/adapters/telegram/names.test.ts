/**
 * How a Telegram member is named in what the bot posts: by the name Telegram shows, never as `@username` (in a bot's
 * message that mentions, and notifies, the member: every `/level list` would ping each proposer). End to end on the
 * fake Bot API: a member with a username proposes, and the card and the list name them without an @.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { userInfo } from '../../../src/adapters/telegram/context.js';
import { sendCommand, type FakeUser } from '../../fakes/telegram/updates.js';
import { startHarness, type Harness } from './harness.js';

describe('userInfo', () => {
  const user = (first_name: string, extra: { last_name?: string; username?: string } = {}) => userInfo({ id: 7, is_bot: false, first_name, ...extra }, undefined);

  it('names a member by first and last name, never by @username', () => {
    expect(user('Alice', { username: 'alice' })).toEqual({ id: '7', name: 'Alice' });
    expect(user('Alice', { last_name: 'Smith', username: 'alice' })).toEqual({ id: '7', name: 'Alice Smith' });
  });
  it('falls back to the username, without its @, when the name shows nothing', () => {
    expect(user('\u202E', { username: 'alice' })).toEqual({ id: '7', name: 'alice' });
    expect(user('\u2800\u2800\u2800', { username: 'whale_7' })).toEqual({ id: '7', name: 'whale_7' });
    expect(user('\u3164')).toEqual({ id: '7' });
  });
  it('a first name that is itself a mention shows as a name', () => {
    expect(user('@whale_signals')).toEqual({ id: '7', name: 'whale_signals' });
  });
});

describe('a proposer with a username', () => {
  const CHAT = -1_000_000_000_450;
  const dora: FakeUser = { id: 1044, first_name: 'Dora', username: 'dora_trades' };
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness();
  });
  afterAll(async () => {
    await h?.stop();
  });

  it('is named on the proposal card and in /level list without a mention', async () => {
    sendCommand(h.fake, CHAT, '/level propose eth 2450 "range low"', { from: dora });
    await h.fake.waitFor(() => h.fake.sentTo(CHAT).some((m) => m.text.includes('proposes')), 'the proposal card');
    const card = h.fake.sentTo(CHAT).find((m) => m.text.includes('proposes'))!;
    expect(card.text).toContain('Dora proposes ETH');
    const listed = sendCommand(h.fake, CHAT, '/level list', { from: dora });
    await h.fake.waitFor(() => h.fake.sentTo(CHAT).some((m) => m.replyTo === listed), 'the /level list answer');
    const list = h.fake.sentTo(CHAT).find((m) => m.replyTo === listed)!;
    expect(list.text).toContain('by Dora');
    for (const m of [card, list]) {
      expect(m.text).not.toContain('@');
      expect(m.html).not.toContain('@');
    }
  });
});
