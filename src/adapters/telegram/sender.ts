/**
 * The one place the adapter talks to the Bot API. Messages (sends and edits) go through the pacer, whether
 * they answer a command, a button or carry an alert; other calls (setMyCommands, answerCallbackQuery,
 * getChatAdministrators) go straight out. Either way, failures are translated here (errors.ts), and a 429
 * holds the chat's lane for Telegram's retry_after. A reply whose first message went out is finished here, never
 * sent whole again (`sendText`). telegraf's per-update `ctx.telegram` is never used to send.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import { Input, type Telegram } from 'telegraf';
import type { Reply } from '../../replies/reply.js';
import { logger } from '../../log.js';
import { ChatApiError } from '../errors.js';
import { photosRefused, topicGone, translateError } from './errors.js';
import type { SharedChatWindows } from '../../alerts/pacing.js';
import type { Pacer, SendPriority } from './pacer.js';
import { CAPTION_LIMIT, MAX_MESSAGES, captionReply, chartCaption, keyboard, renderSingle, replyMessages, type InlineKeyboard } from './render.js';

const log = logger('telegram');

export type ChatId = number | string;

/**
 * Told the chat of each message queued by work run inside it (`message`): the webhook holds an update's answer while
 * its reply is computed, and only a little longer once a message to the update's chat waits for its turn (adapter.ts,
 * `listen`). Work started in the update's context for other chats (an alert lane the update kicked) is not its reply.
 */
export const messageQueued = new AsyncLocalStorage<(chat: ChatId) => void>();

/**
 * Where a reply went, enough to edit it later. Serialized (`formatRef`) as `<chat>:<message>`, plus `:photo`
 * when the message is a chart with its text as caption, or `:chart<id>` when the chart went separately just
 * before the text (a text too long for a caption).
 */
export interface MessageRef {
  chatId: ChatId;
  messageId: number;
  photo?: boolean;
  chartId?: number;
}

export function formatRef(r: MessageRef): string {
  return `${r.chatId}:${r.messageId}${r.photo ? ':photo' : ''}${r.chartId !== undefined ? `:chart${r.chartId}` : ''}`;
}

/** Read a ref we made; a bare message id is taken to be in `chatId`. */
export function parseRef(ref: string, chatId: ChatId): MessageRef | undefined {
  const m = /^(?:(-?\d+|@\w+):)?(\d+)((?::photo|:chart\d+)*)$/.exec(ref.trim());
  if (!m) return undefined;
  const chat = m[1] === undefined ? chatId : /^-?\d+$/.test(m[1]) ? Number(m[1]) : m[1];
  if (String(chat) !== String(chatId)) return undefined;
  const out: MessageRef = { chatId: chat, messageId: Number(m[2]) };
  if (m[3]!.includes(':photo')) out.photo = true;
  const chart = /:chart(\d+)/.exec(m[3]!);
  if (chart) out.chartId = Number(chart[1]);
  return out;
}

export interface Destination {
  chatId: ChatId;
  /** A forum topic to post into. */
  threadId?: number;
  /** Answer this message (a command); the reply still goes out if it was deleted. */
  replyTo?: number;
  /** Who asked (a reply waits for that member's turn in the chat, see pacer.ts). */
  member?: string;
}

const HTML = { parse_mode: 'HTML' as const };
const NO_PREVIEW = { link_preview_options: { is_disabled: true } };

function where(d: Destination, replyTo = d.replyTo) {
  return {
    ...(d.threadId !== undefined ? { message_thread_id: d.threadId } : {}),
    ...(replyTo !== undefined ? { reply_parameters: { message_id: replyTo, allow_sending_without_reply: true } } : {}),
  };
}

/**
 * `where` for a photo. A photo goes multipart, where telegraf JSON-encodes only reply_markup (and a few others)
 * and silently leaves out any other object: reply_parameters goes as the JSON text the Bot API reads.
 */
function photoWhere(d: Destination) {
  const { reply_parameters: answers, ...rest } = where(d);
  return answers ? { ...rest, reply_parameters: JSON.stringify(answers) as unknown as typeof answers } : rest;
}

/** Tries at each later message of a reply already begun (its first is retried by the caller, who may send it all again). */
const LATER_ATTEMPTS = 3;
/** The longest a later message waits on a 429 before the reply is left cut short. */
const LATER_MAX_WAIT_MS = 30_000;

const markupOf = (k: InlineKeyboard | undefined) => (k ? { reply_markup: k } : {});
/** A quiet reply is posted without a notification. */
const hush = (reply: Reply) => (reply.quiet ? { disable_notification: true } : {});

export class TelegramSender {
  constructor(
    private readonly telegram: Telegram,
    readonly pacer: Pacer,
    /** Windows shared with the bot's other processes (scaled out): a slot is taken before the pacer's turn. */
    private readonly shared?: SharedChatWindows,
  ) {}

  /** A Bot API call that is not a message: no pacing, errors translated. */
  async call<T>(method: string, fn: (tg: Telegram) => Promise<T>): Promise<T> {
    try {
      return await fn(this.telegram);
    } catch (err) {
      throw translateError(err, method);
    }
  }

  /** One message to one chat, paced; a 429 holds the chat's lane for retry_after. */
  async message<T>(chatId: ChatId, priority: SendPriority, method: string, fn: (tg: Telegram) => Promise<T>, member?: string): Promise<T> {
    messageQueued.getStore()?.(chatId);
    // Taken before the pacer's turn, never while holding one of its global tokens (a full group would stall the rest).
    const answered = this.shared?.covers(chatId) ? await this.shared.acquire(chatId) : undefined;
    try {
      return await this.pacer.run(chatId, priority, () => fn(this.telegram), member);
    } catch (err) {
      const e = translateError(err, method);
      if (e.kind === 'rate_limited') this.pacer.holdChat(chatId, e.retryAfterMs ?? 1000);
      throw e;
    } finally {
      answered?.();
    }
  }

  /**
   * Post a reply: one message, or several when it is long; a chart as a photo. Throws ChatApiError only when
   * nothing went out (see `sendText`). A chat that refuses the bot photos gets the reply as text, complete without
   * its chart; a forum topic since deleted gets it in the chat's General.
   */
  async send(to: Destination, reply: Reply, priority: SendPriority): Promise<MessageRef> {
    const { markup, dropped } = keyboard(reply.buttons);
    if (dropped.length) log.warn({ commands: dropped }, 'buttons left out: their command is longer than Telegram allows (64 bytes)');
    const png = reply.image ? await this.chart(reply) : undefined;
    try {
      return await this.post(to, reply, png, markup, priority);
    } catch (err) {
      if (to.threadId === undefined || !(err instanceof ChatApiError && topicGone(err))) throw err;
      // The chat still wants its alerts and the member an answer; General is where every member sees them. An
      // admin moves alerts to another topic with /alerts on there.
      log.info({ chat: to.chatId, topic: to.threadId }, "the forum topic is gone; posting in the chat's General instead");
      const general = { ...to };
      delete general.threadId;
      return this.post(general, reply, png, markup, priority);
    }
  }

  private async post(to: Destination, reply: Reply, png: Buffer | undefined, markup: InlineKeyboard | undefined, priority: SendPriority): Promise<MessageRef> {
    if (png) {
      try {
        return await this.postChart(to, reply, png, markup, priority);
      } catch (err) {
        if (!(err instanceof ChatApiError && photosRefused(err))) throw err;
        log.info({ chat: to.chatId }, 'the chat does not let the bot send photos; sending the reply without its chart');
      }
    }
    return { chatId: to.chatId, messageId: await this.sendText(to, reply, markup, priority) };
  }

  /** The chart with the reply as its caption where possible, else the chart then the text answering it. */
  private async postChart(to: Destination, reply: Reply, png: Buffer, markup: InlineKeyboard | undefined, priority: SendPriority): Promise<MessageRef> {
    const photo = Input.fromBuffer(png, reply.image!.filename);
    // One message where possible: the chart with the reply (or its compact form and a Details button) as caption.
    const shown = captionReply(reply);
    if (shown) {
      const caption = renderSingle(shown, CAPTION_LIMIT);
      const extra = { caption, ...HTML, ...photoWhere(to), ...hush(reply), ...markupOf(keyboard(shown.buttons).markup) };
      const m = await this.message(to.chatId, priority, 'sendPhoto', (tg) => tg.sendPhoto(to.chatId, photo, extra), to.member);
      return { chatId: to.chatId, messageId: m.message_id, photo: true };
    }
    // Too long for a caption: the chart first (captioned with the title), then the text answering it, in the messages left.
    const extra = { caption: chartCaption(reply), ...HTML, ...photoWhere(to), ...hush(reply) };
    const chart = await this.message(to.chatId, priority, 'sendPhoto', (tg) => tg.sendPhoto(to.chatId, photo, extra), to.member);
    const last = await this.sendText({ ...to, replyTo: chart.message_id }, reply, markup, 'continuation', MAX_MESSAGES - 1);
    // No text went out: the chart is the reply, and what a later edit updates.
    return last ? { chatId: to.chatId, messageId: last, chartId: chart.message_id } : { chatId: to.chatId, messageId: chart.message_id, photo: true };
  }

  /**
   * Replace an earlier reply with this one, in place: text for text, caption (and the chart itself) for a
   * photo, compact with its Details button when it must be. A reply too long for one message is shortened, saying
   * on a line of its own what it left out (render.ts `renderSingle`). "Not modified" is success.
   */
  async edit(ref: MessageRef, reply: Reply, priority: SendPriority, member?: string): Promise<MessageRef> {
    const shown = ref.photo ? (captionReply(reply) ?? reply) : reply;
    const { markup } = keyboard(shown.buttons);
    const { chatId, messageId } = ref;
    const png = reply.image && (ref.photo || ref.chartId !== undefined) ? await this.chart(reply) : undefined;
    try {
      if (ref.photo) {
        const caption = renderSingle(shown, CAPTION_LIMIT);
        if (png && reply.image) {
          const media = { type: 'photo' as const, media: Input.fromBuffer(png, reply.image.filename), caption, ...HTML };
          await this.message(chatId, priority, 'editMessageMedia', (tg) => tg.editMessageMedia(chatId, messageId, undefined, media, markupOf(markup)), member);
        } else {
          await this.message(chatId, priority, 'editMessageCaption', (tg) => tg.editMessageCaption(chatId, messageId, undefined, caption, { ...HTML, ...markupOf(markup) }), member);
        }
        return ref;
      }
      const text = renderSingle(reply);
      await this.message(chatId, priority, 'editMessageText', (tg) => tg.editMessageText(chatId, messageId, undefined, text, { ...HTML, ...NO_PREVIEW, ...markupOf(markup) }), member);
    } catch (err) {
      if (!(err instanceof ChatApiError && err.kind === 'not_modified')) throw err;
    }
    if (png && reply.image && ref.chartId !== undefined) {
      const chartId = ref.chartId;
      const media = { type: 'photo' as const, media: Input.fromBuffer(png, reply.image.filename), caption: chartCaption(reply), ...HTML };
      await this.message(chatId, 'continuation', 'editMessageMedia', (tg) => tg.editMessageMedia(chatId, chartId, undefined, media)).catch((err: unknown) => {
        // The text is what matters; a chart that cannot be swapped stays as it was.
        if (!(err instanceof ChatApiError && err.kind === 'not_modified')) log.warn({ err, chat: chatId }, 'could not replace the chart above an edited reply');
      });
    }
    return ref;
  }

  /**
   * The text messages of a reply, at most `most` (render.ts `replyMessages`: a longer reply is shortened, saying what
   * it left out), keyboard on the last; returns the last message's id (0: none went out). Once a
   * message of the reply is out (its first part, or the chart above it: `continuation`), nothing throws: each later
   * message is retried here (`later`), and one that still fails leaves the reply cut short, since a caller's
   * retry would post again what already went out.
   */
  private async sendText(to: Destination, reply: Reply, markup: InlineKeyboard | undefined, priority: SendPriority, most = MAX_MESSAGES): Promise<number> {
    let parts = replyMessages(reply, false, most);
    let format: object = HTML;
    let last = 0;
    for (let i = 0; i < parts.length; i++) {
      const extra = { ...format, ...NO_PREVIEW, ...where(to, i === 0 ? to.replyTo : undefined), ...hush(reply), ...(i === parts.length - 1 ? markupOf(markup) : {}) };
      const text = parts[i]!;
      const sendPart = (tg: Telegram) => tg.sendMessage(to.chatId, text, extra);
      const begun = i > 0 || priority === 'continuation';
      try {
        const m = begun ? await this.later(to.chatId, 'sendMessage', sendPart) : await this.message(to.chatId, priority, 'sendMessage', sendPart, to.member);
        last = m.message_id;
      } catch (err) {
        // Telegram refusing our HTML would be a bug in render.ts; say so once and send the words without markup.
        if (err instanceof ChatApiError && err.kind === 'bad_markup' && format === HTML && i === 0) {
          log.error({ err, chat: to.chatId }, 'Telegram refused the reply HTML; sending it as plain text');
          parts = replyMessages(reply, true, most);
          format = {};
          i = -1;
          continue;
        }
        if (!begun) throw err;
        log.warn({ err, chat: to.chatId, sent: i, parts: parts.length }, 'a long reply was cut short: a later message of it could not be sent');
        return last;
      }
    }
    return last;
  }

  /**
   * A later message of a reply already begun, retried on 429 and on network trouble: the chat's lane is held for
   * retry_after (a 429, see `message`) or a short backoff, so the retry waits on the pacer's clock and then goes
   * before anything else to the chat.
   */
  private async later<T>(chatId: ChatId, method: string, fn: (tg: Telegram) => Promise<T>): Promise<T> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.message(chatId, 'continuation', method, fn);
      } catch (err) {
        const e = translateError(err, method);
        const waitMs = e.kind === 'rate_limited' ? (e.retryAfterMs ?? 1000) : 500 * 2 ** attempt;
        if (!e.transient || attempt >= LATER_ATTEMPTS || waitMs > LATER_MAX_WAIT_MS) throw e;
        if (e.kind !== 'rate_limited') this.pacer.holdChat(chatId, waitMs);
      }
    }
  }

  private async chart(reply: Reply): Promise<Buffer | undefined> {
    try {
      const png = await reply.image!.render();
      return Buffer.from(png.buffer, png.byteOffset, png.byteLength);
    } catch (err) {
      log.error({ err, chart: reply.image?.filename }, 'chart rendering failed; sending the reply without it');
      return undefined;
    }
  }
}
