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
import { TelegramApiError, translateError } from './errors.js';
import { DETAILS_PREFIX } from './render.js';
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

export class Interactions {
  constructor(private readonly deps: InteractionDeps) {}

  /** A message or channel post: run the command it starts with, if it is addressed to us. */
  async onMessage(msg: Message): Promise<void> {
    if ('migrate_to_chat_id' in msg) return followMigration(this.deps.services, msg.chat.id, msg.migrate_to_chat_id);
    const verdict = commandIn(msg, this.deps.me()?.username);
    if (!verdict.run) return;
    const asker = askerOf(msg.chat, msg.from, msg.sender_chat);
    const caller = toCaller(msg, msg.from, msg.sender_chat, this.deps.services);
    const reply = await dispatchLine(verdict.line, caller, { isAdmin: () => this.deps.admins.isAdmin(asker) });
    if (!reply) return; // over budget and already told: silence
    await this.answer({ ...answerTo(msg), member: caller.user.id }, reply);
  }

  /**
   * A pressed button: its callback_data is a command line; the answer replaces the message it sits under. A
   * compact caption's Details button (`details:<command line>`) instead answers the chart with the whole text.
   */
  async onButton(q: CallbackQuery): Promise<void> {
    const data = 'data' in q ? q.data : undefined;
    const msg = pressedMessage(q);
    if (!msg || data === undefined) {
      await this.answerButton(q.id, 'This message is too old to update. Send the command again.');
      return;
    }
    const asker = askerOf(msg.chat, q.from, undefined);
    const caller = toCaller(msg, q.from, undefined, this.deps.services);
    const wantsDetails = data.startsWith(DETAILS_PREFIX);
    const reply = await dispatchLine(wantsDetails ? data.slice(DETAILS_PREFIX.length) : data, caller, { isAdmin: () => this.deps.admins.isAdmin(asker) });
    if (!reply) {
      await this.answerButton(q.id);
      return;
    }
    if (reply.tone === 'error') {
      // Telegram's "only you can see this": an alert to whoever pressed; the message stays as it is.
      await this.answerButton(q.id, replyText(reply));
      return;
    }
    await this.answerButton(q.id);
    if (wantsDetails) {
      // The whole text under the chart whose compact caption asked for it; the chart stays as it is.
      const dest: Destination = { chatId: msg.chat.id, replyTo: msg.message_id, member: caller.user.id };
      const topic = topicOf(msg);
      if (topic !== undefined) dest.threadId = topic;
      const text: Reply = { ...reply };
      delete text.image;
      delete text.buttons;
      return this.answer(dest, text);
    }
    try {
      await this.retrying(() => this.deps.sender.edit(this.refOf(msg), reply, 'reply', caller.user.id));
    } catch (err) {
      const e = translateError(err, 'editMessageText');
      if (e.kind !== 'edit_target_gone') return this.failed(msg.chat.id, e);
      const dest: Destination = { chatId: msg.chat.id, member: caller.user.id };
      const topic = topicOf(msg);
      if (topic !== undefined) dest.threadId = topic;
      await this.answer(dest, reply);
    }
  }

  /** What to edit for a button under `msg`: a photo's caption, or a text (and the chart it answers, if it does). */
  private refOf(msg: Message): MessageRef {
    const ref: MessageRef = { chatId: msg.chat.id, messageId: msg.message_id };
    if ('photo' in msg) ref.photo = true;
    const above = 'reply_to_message' in msg ? msg.reply_to_message : undefined;
    if (above && 'photo' in above && above.from?.id !== undefined && above.from.id === this.deps.me()?.id) ref.chartId = above.message_id;
    return ref;
  }

  private async answerButton(id: string, text?: string): Promise<void> {
    const shown = text && text.length > CALLBACK_TEXT_LIMIT ? `${text.slice(0, CALLBACK_TEXT_LIMIT - 1)}…` : text;
    await this.deps.sender.call('answerCallbackQuery', (tg) => tg.answerCbQuery(id, shown, text ? { show_alert: true } : undefined)).catch((err: unknown) => {
      // A button answered late (after ~15 s) is refused; the edit still happens.
      log.debug({ err }, 'answerCallbackQuery failed');
    });
  }

  /** Answer a command. Telegram has no ephemeral messages: errors are ordinary replies to the user's message. */
  private async answer(to: Destination, reply: Reply): Promise<void> {
    try {
      await this.retrying(() => this.deps.sender.send(to, reply, 'reply'));
    } catch (err) {
      this.failed(to.chatId, translateError(err, 'sendMessage'));
    }
  }

  private failed(chatId: number | string, e: TelegramApiError): void {
    if (e.kind === 'stopped') return;
    if (e.permanent) log.info({ chat: chatId, error: e.message }, 'cannot answer in this chat (bot removed, blocked or muted)');
    else log.warn({ err: e, chat: chatId }, 'could not answer a command');
  }

  /** Retry a command's answer on 429 (after retry_after) and on network trouble, a few times, never past stop. */
  private async retrying<T>(fn: () => Promise<T>): Promise<T> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await fn();
      } catch (err) {
        const e = translateError(err, 'send');
        const waitMs = e.kind === 'rate_limited' ? (e.retryAfterMs ?? 1000) : 500 * 2 ** attempt;
        if (!e.transient || attempt >= REPLY_ATTEMPTS || waitMs > REPLY_MAX_WAIT_MS || this.deps.stopping.aborted) throw e;
        await sleep(waitMs, this.deps.stopping);
      }
    }
  }
}

/**
 * A group became a supergroup and got a new chat id: its alerts follow it. (Its own levels stay under the old
 * key; moving them belongs with the store and market, not here.)
 */
export function followMigration(services: Services, from: number | string, to: number): void {
  const oldKey = `${CHAT_PREFIX}${from}`;
  const newKey = `${CHAT_PREFIX}${to}`;
  try {
    const sub = services.store.getSubscription(oldKey);
    if (!sub || services.store.getSubscription(newKey)) return;
    services.store.putSubscription({ ...sub, chat: newKey, updatedAt: services.now() });
    services.store.deleteSubscription(oldKey);
    log.info({ from: oldKey, to: newKey }, 'group upgraded to a supergroup: its alerts moved with it');
  } catch (err) {
    log.error({ err, from: oldKey, to: newKey }, 'could not move the alerts of an upgraded group');
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
