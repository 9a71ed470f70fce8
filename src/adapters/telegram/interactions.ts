/**
 * Answers what people do in Telegram: a command in a message or channel post runs through `commands/` and is
 * answered as a reply to it (in its forum topic); a pressed button runs its command line and edits the message
 * it sits under. Every command passes the chat's budget first (commands/limits.ts), and admin rights are asked for only when the command changes settings. This is the adapter's error
 * boundary for incoming work: nothing thrown here reaches telegraf.
 */
import type { CallbackQuery, Message } from 'telegraf/types';
import { dispatchLine } from '../../../commands/index.js';
import { replyText, type Reply } from '../../replies/reply.js';
import { logger } from '../../log.js';
import type { Services } from '../../service.js';
import { answerTo, askerOf, commandIn, pressedMessage, toCaller, topicOf, CHAT_PREFIX } from './context.js';
import { type ChatApiError } from '../errors.js';
import { translateError } from './errors.js';
import { DETAILS_PREFIX, shorten } from './render.js';
import type { ChatAdmins } from './permissions.js';
import type { Destination, MessageRef, TelegramSender } from './sender.js';

const log = logger('telegram');

/** Attempts at a command's answer when Telegram is busy (429) or unreachable; alerts are retried by the outbox. */
const REPLY_ATTEMPTS = 3;
/** The longest we keep a user waiting on a 429 before giving the answer up. */
const REPLY_MAX_WAIT_MS = 30_000;
/** answerCallbackQuery's text limit. */
const CALLBACK_TEXT_LIMIT = 200;

export interface InteractionDeps {
  sender: TelegramSender;
  admins: ChatAdmins;
  services: Services;
  /** The bot as getMe described it (known once started). */
  me: () => { id: number; username?: string } | undefined;
  /** Aborted when the adapter stops: no more waiting to retry. */
  stopping: AbortSignal;
}

/** The handlers of what people do in Telegram (the adapter routes updates to them). */
export function interactionHandlers(deps: InteractionDeps): { onMessage(msg: Message): Promise<void>; onButton(q: CallbackQuery): Promise<void> } {
  /** A message or channel post: run the command it starts with, if it is addressed to us. */
  async function onMessage(msg: Message): Promise<void> {
    if ('migrate_to_chat_id' in msg) return followMigration(deps.services, msg.chat.id, msg.migrate_to_chat_id);
    const verdict = commandIn(msg, deps.me()?.username);
    if (!verdict.run) return;
    const asker = askerOf(msg.chat, msg.from, msg.sender_chat);
    const caller = toCaller(msg, msg.from, msg.sender_chat, deps.services);
    const reply = await dispatchLine(verdict.line, caller, { isAdmin: () => deps.admins.isAdmin(asker) });
    if (!reply) return; // over budget and already told: silence
    await answer({ ...answerTo(msg), member: caller.user.id }, reply);
  }

  /**
   * A pressed button: its callback_data is a command line; the answer replaces the message it sits under. A
   * compact caption's Details button (`details:<command line>`) instead answers the chart with the whole text.
   * Only the data of a button the message carries runs: any client can send any callback_data for a message
   * with buttons, and a line of its own choosing (`/help`, someone's proposal) would replace a proposal's card.
   */
  async function onButton(q: CallbackQuery): Promise<void> {
    const data = 'data' in q ? q.data : undefined;
    const msg = pressedMessage(q);
    if (!msg || data === undefined) {
      await answerButton(q.id, 'This message is too old to update. Send the command again.');
      return;
    }
    if (!carriesButton(msg, data)) {
      log.debug({ chat: msg.chat.id, from: q.from.id }, 'a button press whose data is on none of the message\'s buttons: refused');
      await answerButton(q.id, NOT_ON_MESSAGE);
      return;
    }
    const asker = askerOf(msg.chat, q.from, undefined);
    const caller = toCaller(msg, q.from, undefined, deps.services, true);
    const wantsDetails = data.startsWith(DETAILS_PREFIX);
    const reply = await dispatchLine(wantsDetails ? data.slice(DETAILS_PREFIX.length) : data, caller, { isAdmin: () => deps.admins.isAdmin(asker) });
    if (!reply) {
      await answerButton(q.id);
      return;
    }
    if (reply.tone === 'error') {
      // Telegram's "only you can see this": an alert to whoever pressed; the message stays as it is.
      await answerButton(q.id, replyText(reply));
      return;
    }
    await answerButton(q.id);
    if (wantsDetails) {
      // The whole text under the chart whose compact caption asked for it; the chart stays as it is.
      const dest: Destination = { chatId: msg.chat.id, replyTo: msg.message_id, member: caller.user.id };
      const topic = topicOf(msg);
      if (topic !== undefined) dest.threadId = topic;
      const text: Reply = { ...reply };
      delete text.image;
      delete text.buttons;
      return answer(dest, text);
    }
    try {
      await retrying(() => deps.sender.edit(refOf(msg), reply, 'reply', caller.user.id));
    } catch (err) {
      const e = translateError(err, 'editMessageText');
      if (e.kind !== 'edit_target_gone') return failed(msg.chat.id, e);
      const dest: Destination = { chatId: msg.chat.id, member: caller.user.id };
      const topic = topicOf(msg);
      if (topic !== undefined) dest.threadId = topic;
      await answer(dest, reply);
    }
  }

  /** What to edit for a button under `msg`: a photo's caption, or a text (and the chart it answers, if it does). */
  function refOf(msg: Message): MessageRef {
    const ref: MessageRef = { chatId: msg.chat.id, messageId: msg.message_id };
    if ('photo' in msg) ref.photo = true;
    const above = 'reply_to_message' in msg ? msg.reply_to_message : undefined;
    if (above && 'photo' in above && above.from?.id !== undefined && above.from.id === deps.me()?.id) ref.chartId = above.message_id;
    return ref;
  }

  async function answerButton(id: string, text?: string): Promise<void> {
    const shown = text && shorten(text, CALLBACK_TEXT_LIMIT);
    await deps.sender.call('answerCallbackQuery', (tg) => tg.answerCbQuery(id, shown, text ? { show_alert: true } : undefined)).catch((err: unknown) => {
      // A button answered late (after ~15 s) is refused; the edit still happens.
      log.debug({ err }, 'answerCallbackQuery failed');
    });
  }

  /** Answer a command. Telegram has no ephemeral messages: errors are ordinary replies to the user's message. */
  async function answer(to: Destination, reply: Reply): Promise<void> {
    try {
      await retrying(() => deps.sender.send(to, reply, 'reply'));
    } catch (err) {
      failed(to.chatId, translateError(err, 'sendMessage'));
    }
  }

  function failed(chatId: number | string, e: ChatApiError): void {
    if (e.kind === 'stopped') return;
    if (e.permanent) log.info({ chat: chatId, error: e.message }, 'cannot answer in this chat (bot removed, blocked or muted)');
    else log.warn({ err: e, chat: chatId }, 'could not answer a command');
  }

  /** Retry a command's answer on 429 (after retry_after) and on network trouble, a few times, never past stop. */
  async function retrying<T>(fn: () => Promise<T>): Promise<T> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await fn();
      } catch (err) {
        const e = translateError(err, 'send');
        const waitMs = e.kind === 'rate_limited' ? (e.retryAfterMs ?? 1000) : 500 * 2 ** attempt;
        if (!e.transient || attempt >= REPLY_ATTEMPTS || waitMs > REPLY_MAX_WAIT_MS || deps.stopping.aborted) throw e;
        await sleep(waitMs, deps.stopping);
      }
    }
  }

  return { onMessage, onButton };
}

/** The answer to a press whose data no button of the message carries (forged, or a button since replaced). */
const NOT_ON_MESSAGE = 'That button is not on this message (any more). Press one that is, or send the command again.';

/** Whether `data` is the callback_data of one of the buttons `msg` carries (Bot API: Message.reply_markup). */
function carriesButton(msg: Message, data: string): boolean {
  const keyboard = 'reply_markup' in msg ? msg.reply_markup?.inline_keyboard : undefined;
  return keyboard?.some((row) => row.some((button) => 'callback_data' in button && button.callback_data === data)) ?? false;
}

/**
 * Telegram's service message says a group became a supergroup and got a new chat id: its alerts and its own levels
 * follow it (one state change). A delivery that finds it out instead only reports it (`movedTo`, adapter.ts).
 */
function followMigration(services: Services, from: number | string, to: number): void {
  const change = { kind: 'chat.move', from: `${CHAT_PREFIX}${from}`, to: `${CHAT_PREFIX}${to}`, at: services.now() } as const;
  try {
    services.apply(change);
    log.info({ from: change.from, to: change.to }, 'group upgraded to a supergroup: its alerts and levels moved with it');
  } catch (err) {
    log.error({ err, from: change.from, to: change.to }, 'could not move the alerts and levels of an upgraded group');
  }
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve();
    const done = () => {
      clearTimeout(t);
      signal.removeEventListener('abort', done);
      resolve();
    };
    const t = setTimeout(done, ms);
    signal.addEventListener('abort', done, { once: true });
  });
}
