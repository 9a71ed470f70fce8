/**
 * Updates as Telegram sends them, for feeding the fake: a user's command in a chat (with the `bot_command`
 * entity telegraf matches on), a channel post, a button press on a message the bot sent.
 */
import { chatObject, type FakeTelegram } from './server.js';

export interface FakeUser {
  id: number;
  first_name: string;
  username?: string;
}

export const alice: FakeUser = { id: 1001, first_name: 'Alice', username: 'alice' };
export const bob: FakeUser = { id: 1002, first_name: 'Bob' };

/** The entity Telegram puts on a leading `/command` (or `/command@bot`). */
function commandEntities(text: string): { type: string; offset: number; length: number }[] {
  const m = /^\/[A-Za-z0-9_]+(?:@[A-Za-z0-9_]+)?/.exec(text);
  return m ? [{ type: 'bot_command', offset: 0, length: m[0].length }] : [];
}

export interface CommandOptions {
  from?: FakeUser;
  /** A forum topic's thread id. */
  topic?: number;
  /** Posting as a chat: the group itself (an anonymous admin) or another chat. */
  senderChat?: number;
}

/** The update of a user typing `text` in `chatId` (positive: a private chat; negative: a group), and its message id. */
export function commandUpdate(fake: FakeTelegram, chatId: number, text: string, o: CommandOptions = {}): { update: Record<string, unknown>; messageId: number } {
  const messageId = fake.messageId(chatId);
  const from = o.from ?? alice;
  const message: Record<string, unknown> = {
    message_id: messageId,
    date: Math.floor(Date.now() / 1000),
    chat: chatId > 0 ? { id: chatId, type: 'private', first_name: from.first_name } : chatObject(chatId),
    from: o.senderChat !== undefined ? { id: 1087968824, is_bot: true, first_name: 'Group', username: 'GroupAnonymousBot' } : { ...from, is_bot: false },
    text,
    entities: commandEntities(text),
  };
  if (o.senderChat !== undefined) message.sender_chat = { ...chatObject(o.senderChat), type: o.senderChat === chatId ? chatObject(chatId).type : 'channel' };
  if (o.topic !== undefined) Object.assign(message, { message_thread_id: o.topic, is_topic_message: true });
  // The user's own message, so a reply to it can be checked.
  fake.messages.set(`${chatId}:${messageId}`, {
    chatId,
    messageId,
    kind: 'text',
    text,
    html: text,
    entities: [],
    history: [],
    fromBot: false,
    ...(o.topic !== undefined ? { threadId: o.topic } : {}),
  });
  return { update: { message }, messageId };
}

/** A user types `text` in `chatId`, delivered by long polling. Returns the message id. */
export function sendCommand(fake: FakeTelegram, chatId: number, text: string, o: CommandOptions = {}): number {
  const { update, messageId } = commandUpdate(fake, chatId, text, o);
  fake.push(update);
  return messageId;
}

/** An admin posts `text` in a channel the bot administers. */
export function channelPost(fake: FakeTelegram, channelId: number, text: string): number {
  const messageId = fake.messageId(channelId);
  const chat = { id: channelId, type: 'channel', title: `channel ${channelId}` };
  fake.push({ channel_post: { message_id: messageId, date: Math.floor(Date.now() / 1000), chat, sender_chat: chat, text, entities: commandEntities(text) } });
  return messageId;
}

/** `from` presses the button labelled `label` under the bot's message. Returns the callback query id. */
export function pressButton(fake: FakeTelegram, chatId: number, messageId: number, label: string | RegExp, from: FakeUser = alice): string {
  const msg = fake.message(chatId, messageId);
  const button = msg?.keyboard?.flat().find((b) => (typeof label === 'string' ? b.text === label : label.test(b.text)));
  if (!button?.callback_data) throw new Error(`no button ${String(label)} under message ${messageId} in ${chatId}`);
  const id = `cb-${chatId}-${messageId}-${fake.callbackAnswers.length}-${Math.random().toString(36).slice(2, 8)}`;
  fake.push({
    callback_query: { id, from: { ...from, is_bot: false }, chat_instance: `ci${chatId}`, data: button.callback_data, message: fake.messageObject(chatId, messageId) },
  });
  return id;
}
