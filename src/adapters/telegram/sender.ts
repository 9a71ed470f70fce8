/**
 * The one place the adapter talks to the Bot API. Messages (sends and edits) go through the pacer, whether
 * they answer a command, a button or carry an alert; other calls (setMyCommands, answerCallbackQuery,
 * getChatAdministrators) go straight out. Either way, failures are translated here (errors.ts), and a 429
 * holds the chat's lane for Telegram's retry_after. telegraf's per-update `ctx.telegram` is never used to send.
 */
import { Input, type Telegram } from 'telegraf';
import type { Reply } from '../../replies/reply.js';
import { logger } from '../../log.js';
import { ChatApiError } from '../errors.js';
import { translateError } from './errors.js';
import type { SharedChatWindows } from '../../alerts/pacing.js';
import type { Pacer, SendPriority } from './pacer.js';
import { CAPTION_LIMIT, captionReply, chartCaption, keyboard, renderMessages, renderSingle, type InlineKeyboard } from './render.js';

const log = logger('telegram');

export type ChatId = number | string;

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

  /** Post a reply: one message, or several when it is long; a chart as a photo. Throws ChatApiError. */
  async send(to: Destination, reply: Reply, priority: SendPriority): Promise<MessageRef> {
    const { markup, dropped } = keyboard(reply.buttons);
    if (dropped.length) log.warn({ commands: dropped }, 'buttons left out: their command is longer than Telegram allows (64 bytes)');
    const png = reply.image ? await this.chart(reply) : undefined;
    if (png && reply.image) {
      const photo = Input.fromBuffer(png, reply.image.filename);
      // One message where possible: the chart with the reply (or its compact form and a Details button) as caption.
      const shown = captionReply(reply);
      if (shown) {
        const caption = renderSingle(shown, CAPTION_LIMIT);
        const extra = { caption, ...HTML, ...where(to), ...hush(reply), ...markupOf(keyboard(shown.buttons).markup) };
        const m = await this.message(to.chatId, priority, 'sendPhoto', (tg) => tg.sendPhoto(to.chatId, photo, extra), to.member);
        return { chatId: to.chatId, messageId: m.message_id, photo: true };
      }
      // Too long for a caption: the chart first (captioned with the title), then the text answering it.
      const chart = await this.message(to.chatId, priority, 'sendPhoto', (tg) => tg.sendPhoto(to.chatId, photo, { caption: chartCaption(reply), ...HTML, ...where(to), ...hush(reply) }), to.member);
      const last = await this.sendText({ ...to, replyTo: chart.message_id }, reply, markup, 'continuation');
      return { chatId: to.chatId, messageId: last, chartId: chart.message_id };
    }
    return { chatId: to.chatId, messageId: await this.sendText(to, reply, markup, priority) };
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

  /** The text messages of a reply, keyboard on the last; returns the last message's id. */
  private async sendText(to: Destination, reply: Reply, markup: InlineKeyboard | undefined, priority: SendPriority): Promise<number> {
    let parts = renderMessages(reply);
    let format: object = HTML;
    let last = 0;
    for (let i = 0; i < parts.length; i++) {
      const extra = { ...format, ...NO_PREVIEW, ...where(to, i === 0 ? to.replyTo : undefined), ...hush(reply), ...(i === parts.length - 1 ? markupOf(markup) : {}) };
      const text = parts[i]!;
      try {
        const m = await this.message(to.chatId, i === 0 ? priority : 'continuation', 'sendMessage', (tg) => tg.sendMessage(to.chatId, text, extra), to.member);
        last = m.message_id;
      } catch (err) {
        // Telegram refusing our HTML would be a bug in render.ts; say so once and send the words without markup.
        if (!(err instanceof ChatApiError && err.kind === 'bad_markup' && format === HTML && i === 0)) throw err;
        log.error({ err, chat: to.chatId }, 'Telegram refused the reply HTML; sending it as plain text');
        parts = renderMessages(reply, undefined, true);
        format = {};
        i = -1;
      }
    }
    return last;
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
