/**
 * The adapter's pure parts: what each Bot API failure means, who counts as an admin (and how briefly we trust
 * Telegram's answer), message refs and chat keys, and how Telegram's limits scale for tests.
 */
import { TelegramError } from 'telegraf';
import { describe, expect, it } from 'vitest';
import { photosRefused, topicGone, translateError } from '../../../src/adapters/telegram/errors.js';
import { chatIdOf, threadIdOf, userInfo } from '../../../src/adapters/telegram/context.js';
import { TELEGRAM_LIMITS, isGroupChat, scaleLimits } from '../../../src/adapters/telegram/pacer.js';
import { ChatAdmins } from '../../../src/adapters/telegram/permissions.js';
import { commandMenu } from '../../../src/adapters/telegram/register.js';
import { formatRef, parseRef } from '../../../src/adapters/telegram/sender.js';
import { ALL_COMMANDS } from '../../../commands/index.js';

const tgError = (error_code: number, description: string, parameters?: Record<string, number>) =>
  new TelegramError({ ok: false, error_code, description, ...(parameters ? { parameters } : {}) } as never);

describe('translateError', () => {
  it.each([
    [429, 'Too Many Requests: retry after 7', { retry_after: 7 }, 'rate_limited'],
    [403, 'Forbidden: bot was blocked by the user', undefined, 'chat_gone'],
    [403, 'Forbidden: bot was kicked from the group chat', undefined, 'chat_gone'],
    [400, 'Bad Request: chat not found', undefined, 'chat_gone'],
    [400, 'Bad Request: not enough rights to send text messages to the chat', undefined, 'chat_gone'],
    [400, 'Bad Request: message is not modified: specified new message content…', undefined, 'not_modified'],
    [400, 'Bad Request: message to edit not found', undefined, 'edit_target_gone'],
    [400, "Bad Request: can't parse entities: Unsupported start tag \"x\" at byte offset 0", undefined, 'bad_markup'],
    [400, 'Bad Request: BUTTON_DATA_INVALID', undefined, 'rejected'],
    [502, 'Bad Gateway', undefined, 'unavailable'],
  ])('%i %s → %s', (code, description, parameters, kind) => {
    const e = translateError(tgError(code, description, parameters), 'sendMessage');
    expect(e.kind).toBe(kind);
    expect(e.cause).toBeInstanceOf(TelegramError);
    expect(e.message).toContain(description);
  });

  it('keeps retry_after as milliseconds and the new id of an upgraded group', () => {
    expect(translateError(tgError(429, 'Too Many Requests', { retry_after: 7 }), 'x').retryAfterMs).toBe(7000);
    const migrated = translateError(tgError(400, 'Bad Request: group chat was upgraded to a supergroup chat', { migrate_to_chat_id: -1001 }), 'x');
    expect(migrated).toMatchObject({ kind: 'chat_gone', permanent: true, details: { migrateToChatId: -1001 } });
  });

  it('refuses only the photo, or only the topic, not the chat: the sender posts another way', () => {
    const photos = translateError(tgError(400, 'Bad Request: not enough rights to send photos to the chat'), 'sendPhoto');
    expect(photos).toMatchObject({ kind: 'rejected', permanent: false });
    expect([photosRefused(photos), topicGone(photos)]).toEqual([true, false]);
    const topic = translateError(tgError(400, 'Bad Request: message thread not found'), 'sendMessage');
    expect(topic).toMatchObject({ kind: 'rejected', permanent: false });
    expect([photosRefused(topic), topicGone(topic)]).toEqual([false, true]);
  });

  it('treats network errors as worth retrying', () => {
    const net = Object.assign(new Error('request to http://127.0.0.1:1/ failed, reason: connect ECONNREFUSED'), { name: 'FetchError' });
    expect(translateError(net, 'sendMessage')).toMatchObject({ kind: 'unavailable', transient: true, permanent: false });
  });
});

describe('admins', () => {
  it('asks Telegram once per chat per minute, coalescing concurrent questions', async () => {
    let calls = 0;
    const clock = { ms: 0 };
    const admins = new ChatAdmins({ lookup: async () => (calls++, [1, 2]), now: () => clock.ms });
    const group = { chatId: -5, chatType: 'supergroup' as const };
    expect(await Promise.all([admins.isAdmin({ ...group, userId: 1 }), admins.isAdmin({ ...group, userId: 3 })])).toEqual([true, false]);
    expect(calls).toBe(1);
    clock.ms += 59_000;
    expect(await admins.isAdmin({ ...group, userId: 2 })).toBe(true);
    expect(calls).toBe(1);
    clock.ms += 2_000;
    await admins.isAdmin({ ...group, userId: 2 });
    expect(calls).toBe(2);
  });

  it('says it could not ask when Telegram cannot be asked (the dispatcher then refuses), and asks again next time', async () => {
    let fail = true;
    const admins = new ChatAdmins({ lookup: async () => (fail ? Promise.reject(new Error('down')) : [7]) });
    const a = { chatId: -6, chatType: 'group' as const, userId: 7 };
    await expect(admins.isAdmin(a)).rejects.toThrow('down');
    fail = false;
    expect(await admins.isAdmin(a)).toBe(true);
  });

  it('knows the private chat user, channel posts and anonymous admins without asking; a linked channel is no admin', async () => {
    const admins = new ChatAdmins({ lookup: () => Promise.reject(new Error('must not be asked')) });
    expect(await admins.isAdmin({ chatId: 9, chatType: 'private', userId: 9 })).toBe(true);
    expect(await admins.isAdmin({ chatId: -7, chatType: 'channel', senderChatId: -7 })).toBe(true);
    expect(await admins.isAdmin({ chatId: -8, chatType: 'supergroup', senderChatId: -8 })).toBe(true);
    expect(await admins.isAdmin({ chatId: -8, chatType: 'supergroup', senderChatId: -99 })).toBe(false);
  });
});

describe('command menu', () => {
  it('lists every command but /start, in the shape setMyCommands accepts', () => {
    const menu = commandMenu();
    expect(menu.map((c) => c.command)).toEqual(ALL_COMMANDS.map((c) => c.name).filter((n) => n !== 'start'));
    for (const c of menu) {
      expect(c.command).toMatch(/^[a-z0-9_]{1,32}$/);
      expect(c.description.length).toBeGreaterThan(0);
      expect(c.description.length).toBeLessThanOrEqual(256);
    }
  });
});

describe('limits', () => {
  it('scales Telegram limits uniformly, keeping the margin', () => {
    expect(scaleLimits(10)).toEqual({ global: { messages: 30, windowMs: 100 }, chat: { messages: 1, windowMs: 100 }, group: { messages: 20, windowMs: 6_000 }, marginMs: TELEGRAM_LIMITS.marginMs });
  });
});

describe('refs and keys', () => {
  it('round-trips message refs and refuses one of another chat', () => {
    for (const ref of [{ chatId: -100123, messageId: 5 }, { chatId: 42, messageId: 6, photo: true }, { chatId: -1, messageId: 7, chartId: 6 }]) {
      expect(parseRef(formatRef(ref), ref.chatId)).toEqual(ref);
    }
    expect(parseRef('17', -5)).toEqual({ chatId: -5, messageId: 17 });
    expect(parseRef('-6:17', -5)).toBeUndefined();
    expect(parseRef('nonsense', -5)).toBeUndefined();
  });

  it("shows a member's name without direction overrides or invisible characters, keeping emoji joined", () => {
    const named = (first_name: string, last_name?: string) => userInfo({ id: 7, is_bot: false, first_name, ...(last_name ? { last_name } : {}) }, undefined);
    expect(named('\u202Etpircs<b>&amp;').name).toBe('tpircs<b>&amp;');
    expect(named('A\u2066li\u2069ce\u200E\u200F\u061C', '\u202ASmith\u202C\u200B\uFEFF').name).toBe('Alice Smith');
    expect(named('\u{1F468}\u200D\u{1F469}\u200D\u{1F467} Ana\nMaria').name).toBe('\u{1F468}\u200D\u{1F469}\u200D\u{1F467} Ana Maria');
    // Nothing readable left: no name (shown as "a member"); a name that shows nothing falls back to the username, without its @.
    expect(named('\u202E\u2067\u200B')).toEqual({ id: '7' });
    expect(userInfo({ id: 7, is_bot: false, first_name: '\u202E', username: 'alice' }, undefined).name).toBe('alice');
    const chat = { id: -5, type: 'supergroup', title: 'Desk \u202Eksed' } as const;
    expect(userInfo(undefined, chat).name).toBe('Desk ksed');
  });

  it('reads chat keys and topic targets', () => {
    expect(chatIdOf('telegram:-1001234')).toBe(-1001234);
    expect(chatIdOf('telegram:@liqalerts')).toBe('@liqalerts');
    expect(chatIdOf('discord:1')).toBeUndefined();
    expect(threadIdOf('12')).toBe(12);
    expect(threadIdOf('channel:12')).toBeUndefined();
    expect(isGroupChat(-5)).toBe(true);
    expect(isGroupChat(5)).toBe(false);
  });
});

// The pacer is specified on a manual clock in pacer.test.ts.
