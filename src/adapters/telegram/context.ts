/**
 * From a Telegram update to what every command takes, as pure functions: which command line a message carries
 * (and whether it is addressed to this bot), the chat it belongs to (`telegram:<chat id>`, with the forum topic
 * as `target`), who is asking, and where the answer goes.
 */
import type { CallbackQuery, Chat, Message, User } from 'telegraf/types';
import { findCommand, parseCommandLine, type Caller } from '../../../commands/index.js';
import { channelSenderId } from '../../../commands/proposals.js';
import type { ChatInfo } from '../../../commands/types.js';
import type { Services } from '../../service.js';
import { shownName } from '../../replies/proposals.js';
import type { Asker } from './permissions.js';
import type { Destination } from './sender.js';

export const CHAT_PREFIX = 'telegram:';

/** `telegram:-1001234` → -1001234 (a number when it is one, e.g. not `@channelname`). */
export function chatIdOf(key: string): number | string | undefined {
  if (!key.startsWith(CHAT_PREFIX)) return undefined;
  const id = key.slice(CHAT_PREFIX.length);
  if (/^-?\d{1,20}$/.test(id)) return Number(id);
  return /^@\w{4,64}$/.test(id) ? id : undefined;
}

/** A topic thread id carried in `DeliveryTarget.target` / `ChatInfo.target`. */
export function threadIdOf(target: string | undefined): number | undefined {
  return target !== undefined && /^\d{1,12}$/.test(target) ? Number(target) : undefined;
}

/** Messages in a forum topic carry its thread id; other threads (reply chains) are not places to post. */
export function topicOf(msg: Message | undefined): number | undefined {
  return msg?.is_topic_message && msg.message_thread_id !== undefined ? msg.message_thread_id : undefined;
}

export function chatInfo(chat: Chat, threadId?: number): ChatInfo {
  const info: ChatInfo = {
    key: `${CHAT_PREFIX}${chat.id}`,
    platform: 'telegram',
    kind: chat.type === 'private' ? 'private' : chat.type === 'channel' ? 'channel' : 'group',
  };
  if (threadId !== undefined) info.target = String(threadId);
  return info;
}

/**
 * Who asks, as the bot keeps and shows them: a member by the name Telegram shows (first and last name), else the
 * username. Never `@username`: in a bot's message Telegram makes it a mention that notifies the member, so every
 * `/level list` or proposal card would ping each proposer (Discord's side shows the display name the same way).
 */
export function userInfo(from: User | undefined, senderChat: Chat | undefined): { id: string; name?: string } {
  if (from && !senderChat) {
    const name = [[from.first_name, from.last_name].filter(Boolean).join(' '), from.username].map(shownName).find(Boolean);
    return name ? { id: String(from.id), name } : { id: String(from.id) };
  }
  const chat = senderChat ?? undefined;
  if (!chat) return { id: 'unknown' };
  const title = shownName('title' in chat ? chat.title : undefined);
  return title ? { id: `chat:${chat.id}`, name: title } : { id: `chat:${chat.id}` };
}

/**
 * Who asks in `chat`, as commands count members: the user; the chat itself (an anonymous admin posting as the group,
 * or a channel's own post) by its id, as `userInfo` names it; and anyone posting as another chat (a channel of their
 * own, a linked channel) as one caller per chat, `channelSenderId`, whichever channel it is. Telegram lets one person
 * post as each channel they own, so a channel is not a member: per channel, two channels would be two more votes on
 * their own proposal and a fresh command budget each. One id for them all in the chat shares one member's budget among
 * them (a person posting as themselves keeps their own), and commands refuse it a vote or a proposal.
 */
export function memberOf(chat: Chat, from: User | undefined, senderChat: Chat | undefined): { id: string; name?: string } {
  const user = userInfo(from, senderChat);
  if (!senderChat || senderChat.id === chat.id) return user;
  return { ...user, id: channelSenderId(`${CHAT_PREFIX}${chat.id}`) };
}

export function askerOf(chat: Chat, from: User | undefined, senderChat: Chat | undefined): Asker {
  const a: Asker = { chatId: chat.id, chatType: chat.type };
  if (from && !senderChat) a.userId = from.id;
  if (senderChat) a.senderChatId = senderChat.id;
  return a;
}

export type CommandVerdict =
  /** Run it. */
  | { run: true; line: string }
  /** Not for us: no command, another bot's, or an unknown command in a group (other bots may know it). */
  | { run: false; why: 'no_command' | 'other_bot' | 'not_ours' }
  /** A forwarded message (or a channel's post copied into its discussion group): someone's words shown, not a command. */
  | { run: false; why: 'forwarded' };

/**
 * The command line of a message (`/liqs@bot eth 4h`), if it starts with a bot command addressed to this bot.
 * An unknown command is answered in private chats, or when addressed to us by name; ignored elsewhere.
 */
export function commandIn(msg: Message, username: string | undefined): CommandVerdict {
  if (!('text' in msg)) return { run: false, why: 'no_command' };
  // An admin forwarding Bob's "/alerts off" shows it; it must not run as the admin's command (nor as Bob's). Telegram
  // marks a forward with `forward_origin` (Bot API 7.0+; `forward_date` before it), and a channel post copied into
  // the linked discussion group with `is_automatic_forward`.
  if (isForwarded(msg)) return { run: false, why: 'forwarded' };
  const first = msg.entities?.[0];
  if (!first || first.type !== 'bot_command' || first.offset !== 0) return { run: false, why: 'no_command' };
  const parsed = parseCommandLine(msg.text);
  if (!parsed) return { run: false, why: 'no_command' };
  if (parsed.botName !== undefined && parsed.botName.toLowerCase() !== username?.toLowerCase()) return { run: false, why: 'other_bot' };
  if (!findCommand(parsed.name) && msg.chat.type !== 'private' && parsed.botName === undefined) return { run: false, why: 'not_ours' };
  return { run: true, line: msg.text };
}

/** Whether a message is a forward: someone else's words, whoever sent it on. */
function isForwarded(msg: Message): boolean {
  const m = msg as { forward_origin?: unknown; forward_date?: unknown; is_automatic_forward?: unknown };
  return m.forward_origin != null || m.forward_date != null || m.is_automatic_forward === true;
}

/** Where the answer to a message goes: the same chat and topic, replying to it. */
export function answerTo(msg: Message): Destination {
  const d: Destination = { chatId: msg.chat.id, replyTo: msg.message_id };
  const topic = topicOf(msg);
  if (topic !== undefined) d.threadId = topic;
  return d;
}

/** The pressed button's message, when it can still be edited (Telegram sends date 0 for inaccessible ones). */
export function pressedMessage(q: CallbackQuery): Message | undefined {
  const m = q.message;
  return m && m.date !== 0 ? (m as Message) : undefined;
}

/**
 * Who asks where, for a message (or the bot's message under a pressed button, `button`) and whoever acted on it;
 * the message is named as the sender's refs are (`<chat>:<message>`), so an alert can answer it later.
 */
export function toCaller(msg: Message, from: User | undefined, senderChat: Chat | undefined, services: Services, button = false): Caller {
  const message = { ref: `${msg.chat.id}:${msg.message_id}`, ...(button ? { button } : {}) };
  return { chat: chatInfo(msg.chat, topicOf(msg)), user: memberOf(msg.chat, from, senderChat), now: services.now(), services, message };
}
