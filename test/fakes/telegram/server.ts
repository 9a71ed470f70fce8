/**
 * A local stand-in for the Telegram Bot API (`${apiRoot}/bot<token>/<method>`), enough for the real telegraf
 * to run against: getMe, deleteWebhook/setWebhook, getUpdates (a long poll that tests feed with `push`),
 * setMyCommands, sendMessage, sendPhoto (multipart), editMessageText/Caption/Media, answerCallbackQuery,
 * getChatMember/getChatAdministrators. It checks what Telegram checks (HTML, 4096/1024 characters, 64-byte
 * callback_data) and ENFORCES the rate limits (per chat, per group, global; sliding windows measured when a
 * request arrives), answering 429 with retry_after like Telegram. Tests can inject 429 storms, 5xx and 403s.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { HtmlParseError, parseTelegramHtml, type Entity } from './html.js';

export interface RateWindow {
  messages: number;
  windowMs: number;
}
export interface FakeLimits {
  global: RateWindow;
  chat: RateWindow;
  group: RateWindow;
}

/** Telegram's published limits divided in time by `scale` (scale 10 = ten times faster). */
export function fakeLimits(scale = 1): FakeLimits {
  return {
    global: { messages: 30, windowMs: 1_000 / scale },
    chat: { messages: 1, windowMs: 1_000 / scale },
    group: { messages: 20, windowMs: 60_000 / scale },
  };
}

export interface InlineButton {
  text: string;
  callback_data?: string;
}

export interface FakeMessage {
  chatId: number;
  messageId: number;
  kind: 'text' | 'photo';
  /** What a reader sees: the text, or the photo's caption. */
  text: string;
  html: string;
  entities: Entity[];
  keyboard?: InlineButton[][];
  threadId?: number;
  replyTo?: number;
  photoBytes?: number;
  photoName?: string;
  /** Earlier texts, oldest first, when it was edited. */
  history: string[];
  fromBot: boolean;
}

export interface ChatEvent {
  op: 'send' | 'edit';
  method: string;
  messageId: number;
  text: string;
  at: number;
}

export interface Call {
  method: string;
  params: Record<string, unknown>;
  at: number;
  /** When its headers arrived (the clock's time): a request whose body came later was on the wire from then. */
  arrived?: number;
  status: number;
  error?: string;
  /** Which client sent it, when its API root named one (`<root>/s-<name>/`). */
  sender?: string;
}

export type FaultError = { code: number; description: string; retryAfter?: number; migrateTo?: number } | 'http500' | 'http502';
export interface Fault {
  /** Which methods (default: the message methods). */
  method?: string | RegExp;
  chatId?: number;
  /** How many requests it hits (default: every one, until cleared). */
  times?: number;
  error: FaultError;
}

const MESSAGE_METHODS = /^(sendMessage|sendPhoto|editMessageText|editMessageCaption|editMessageMedia)$/;
const CAPTION_LIMIT = 1024;
const TEXT_LIMIT = 4096;

/** Sliding-window send log of one chat, one group or everything. */
class SlidingLog {
  private times: number[] = [];
  /** 0 when one more send at `at` keeps every window within `max`; else ms until it would. */
  waitFor(at: number, w: RateWindow): number {
    const ts = [...this.times, at].sort((a, b) => a - b);
    let wait = 0;
    for (let i = 0; i < ts.length; i++) {
      const start = ts[i]!;
      if (start <= at - w.windowMs || start > at) continue;
      let n = 0;
      for (let j = i; j < ts.length && ts[j]! < start + w.windowMs; j++) n++;
      if (n > w.messages) wait = Math.max(wait, start + w.windowMs - at);
    }
    return wait;
  }
  add(at: number): void {
    this.times.push(at);
    if (this.times.length > 64) {
      this.times.sort((a, b) => a - b);
      this.times = this.times.slice(-48);
    }
  }
}

class ApiError extends Error {
  constructor(
    readonly code: number,
    readonly description: string,
    readonly parameters?: Record<string, number>,
  ) {
    super(description);
  }
}
const bad = (description: string) => new ApiError(400, `Bad Request: ${description}`);

type Params = Record<string, unknown>;
interface Upload {
  bytes: number;
  name: string;
}

export interface FakeTelegramOptions {
  token?: string;
  username?: string;
  /** Limits enforced (default: Telegram's, `fakeLimits(1)`). */
  limits?: FakeLimits;
  /** The clock requests are stamped and limits measured with (default `performance.now`): tests pass a manual one. */
  clock?: () => number;
  /**
   * A slow server: how long (real ms) a message request waits before Telegram looks at it. Its arrival, for the
   * limits, is when it is looked at, as on a busy Telegram; the answer follows at once.
   */
  latencyMs?: (n: number) => number;
}

export class FakeTelegram {
  readonly token: string;
  readonly bot: { id: number; is_bot: true; first_name: string; username: string };
  readonly limits: FakeLimits;
  /** Every API call, in arrival order. */
  readonly calls: Call[] = [];
  /** Messages by `${chat}:${id}`. */
  readonly messages = new Map<string, FakeMessage>();
  /** What happened in each chat (sends and edits), in order. */
  readonly timeline = new Map<number, ChatEvent[]>();
  readonly callbackAnswers: { id: string; text?: string; show_alert?: boolean }[] = [];
  commands: { command: string; description: string }[] = [];
  webhook?: { url: string; secret?: string };
  /** 429s the limits produced (injected faults are not counted). */
  limited = 0;
  private updates: { update_id: number }[] = [];
  private nextUpdateId = 1;
  private readonly nextMessageId = new Map<number, number>();
  private readonly admins = new Map<number, Set<number>>();
  private faults: (Fault & { left: number })[] = [];
  private readonly logs = { global: new SlidingLog(), chats: new Map<number, SlidingLog>(), groups: new Map<number, SlidingLog>() };
  private pollers: { offset: number; limit: number; done: (u: unknown[]) => void; timer: NodeJS.Timeout }[] = [];
  private readonly changed = new Set<() => void>();
  private closed = false;
  private readonly clock: () => number;
  private readonly latencyMs: ((n: number) => number) | undefined;
  private slowed = 0;

  private constructor(
    private readonly server: http.Server,
    opts: FakeTelegramOptions,
  ) {
    this.token = opts.token ?? '123456:TEST-token-for-the-fake';
    this.bot = { id: Number(this.token.split(':')[0]) || 123456, is_bot: true, first_name: 'liqbot', username: opts.username ?? 'liqbot_test_bot' };
    this.limits = opts.limits ?? fakeLimits(1);
    this.clock = opts.clock ?? (() => performance.now());
    this.latencyMs = opts.latencyMs;
    server.on('request', (req, res) => void this.handle(req, res));
  }

  static async start(opts: FakeTelegramOptions = {}): Promise<FakeTelegram> {
    const server = http.createServer();
    const fake = new FakeTelegram(server, opts);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return fake;
  }

  get apiRoot(): string {
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  // ── Feeding the bot ──────────────────────────────────────────────────────────

  /** Queue an update for getUpdates; returns its update_id. */
  push(update: Record<string, unknown>): number {
    const u = { ...update, update_id: this.nextUpdateId++ };
    this.updates.push(u);
    this.servePollers();
    return u.update_id;
  }

  /** Post an update to the webhook the bot set, as Telegram does (`secret` null: no secret header); returns the HTTP status. */
  async postToWebhook(update: Record<string, unknown>, secret: string | null = this.webhook?.secret ?? null): Promise<number> {
    if (!this.webhook) throw new Error('the bot has not set a webhook');
    const res = await fetch(this.webhook.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(secret !== null ? { 'x-telegram-bot-api-secret-token': secret } : {}) },
      body: JSON.stringify({ ...update, update_id: this.nextUpdateId++ }),
    });
    await res.arrayBuffer();
    return res.status;
  }

  /** A message id for a user's message in a chat (shares the chat's counter with the bot's messages). */
  messageId(chatId: number): number {
    const id = this.nextMessageId.get(chatId) ?? 100;
    this.nextMessageId.set(chatId, id + 1);
    return id;
  }

  setAdmins(chatId: number, userIds: number[]): void {
    this.admins.set(chatId, new Set(userIds));
  }

  /** Make matching requests fail (a 429 storm, 5xx, a chat that blocked the bot). Returns a function that clears it. */
  fail(fault: Fault): () => void {
    const f = { ...fault, left: fault.times ?? Infinity };
    this.faults.push(f);
    return () => (this.faults = this.faults.filter((x) => x !== f));
  }

  // ── Looking at what the bot did ──────────────────────────────────────────────

  /** Messages the bot posted in a chat, oldest first. */
  sentTo(chatId: number): FakeMessage[] {
    return [...this.messages.values()].filter((m) => m.chatId === chatId && m.fromBot).sort((a, b) => a.messageId - b.messageId);
  }

  events(chatId: number): ChatEvent[] {
    return this.timeline.get(chatId) ?? [];
  }

  message(chatId: number, messageId: number): FakeMessage | undefined {
    return this.messages.get(`${chatId}:${messageId}`);
  }

  callsOf(method: string): Call[] {
    return this.calls.filter((c) => c.method === method);
  }

  /** The Bot API Message object of a stored message (for a callback_query update). */
  messageObject(chatId: number, messageId: number): Record<string, unknown> {
    const m = this.message(chatId, messageId);
    if (!m) throw new Error(`no message ${messageId} in chat ${chatId}`);
    const obj: Record<string, unknown> = {
      message_id: m.messageId,
      date: Math.floor(Date.now() / 1000),
      chat: chatObject(chatId),
      ...(m.fromBot ? { from: this.bot } : {}),
      ...(m.threadId !== undefined ? { message_thread_id: m.threadId, is_topic_message: true } : {}),
      ...(m.kind === 'text'
        ? { text: m.text, entities: m.entities }
        : { photo: [{ file_id: `photo-${m.messageId}`, file_unique_id: `u${m.messageId}`, width: 1200, height: 675 }], caption: m.text, caption_entities: m.entities }),
      ...(m.keyboard ? { reply_markup: { inline_keyboard: m.keyboard } } : {}),
    };
    if (m.replyTo !== undefined && this.message(chatId, m.replyTo)) {
      const above = { ...this.messageObject(chatId, m.replyTo) };
      delete above.reply_to_message;
      obj.reply_to_message = above;
    }
    return obj;
  }

  /** Resolves when `check` holds (re-checked on every API call and every 20 ms), or rejects after `timeoutMs` saying `what`. */
  waitFor(check: () => boolean, what: string, timeoutMs = 10_000): Promise<void> {
    if (check()) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const listener = () => {
        if (!check()) return;
        cleanup();
        resolve();
      };
      const timer = setTimeout(() => {
        cleanup();
        reject(new Error(`timed out after ${timeoutMs} ms waiting for ${what}`));
      }, timeoutMs);
      // Also re-checked on a short tick, for conditions that change without an API call.
      const tick = setInterval(listener, 20);
      const cleanup = () => {
        clearTimeout(timer);
        clearInterval(tick);
        this.changed.delete(listener);
      };
      this.changed.add(listener);
    });
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    for (const p of this.pollers) {
      clearTimeout(p.timer);
      p.done([]);
    }
    this.pollers = [];
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  /** getUpdates long polls waiting for an update (the bot is idle on updates while one waits). */
  get parkedPolls(): number {
    return this.pollers.length;
  }

  /** Updates pushed that the bot has not yet acknowledged (by asking for the next ones). */
  get unacknowledgedUpdates(): number {
    return this.updates.length;
  }

  // ── HTTP ─────────────────────────────────────────────────────────────────────

  private async handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    // `/s-<name>/bot…`: a client given the API root `<root>/s-<name>/` is recorded as that sender (tests with several senders).
    const m = /^(?:\/s-([\w-]+))?\/bot([^/]+)\/(\w+)$/.exec(req.url ?? '');
    const sender = m?.[1];
    if (m) m.splice(1, 1);
    const arrived = this.clock();
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const body = Buffer.concat(chunks);
    const slow = this.latencyMs && MESSAGE_METHODS.test(m?.[2] ?? '') ? this.latencyMs(this.slowed++) : 0;
    if (slow > 0) await new Promise((resolve) => setTimeout(resolve, slow));
    const at = this.clock();
    if (!m || m[1] !== this.token) return this.reply(res, { method: m?.[2] ?? '?', params: {}, at, status: 404 }, new ApiError(404, 'Not Found'));
    const method = m[2]!;
    let params: Params = {};
    const uploads = new Map<string, Upload>();
    try {
      params = await parseBody(req, body, uploads);
    } catch {
      return this.reply(res, { method, params, at, status: 400 }, bad('invalid request body'));
    }
    const call: Call = { method, params, at, arrived, status: 200, ...(sender !== undefined ? { sender } : {}) };
    if (method === 'getUpdates') return this.getUpdates(res, call);
    try {
      const injected = this.injected(method, Number(params.chat_id));
      if (injected === 'http500' || injected === 'http502') {
        call.status = injected === 'http500' ? 500 : 502;
        this.record(call);
        res.writeHead(call.status, { 'content-type': 'text/plain' }).end('upstream trouble');
        return;
      }
      if (injected) throw new ApiError(injected.code, injected.description, injected.retryAfter !== undefined ? { retry_after: injected.retryAfter } : injected.migrateTo !== undefined ? { migrate_to_chat_id: injected.migrateTo } : undefined);
      if (MESSAGE_METHODS.test(method)) this.enforceLimits(Number(params.chat_id), at);
      const result = this.run(method, params, uploads, at);
      this.reply(res, call, undefined, result);
    } catch (err) {
      if (!(err instanceof ApiError)) throw err;
      this.reply(res, call, err);
    }
  }

  private reply(res: http.ServerResponse, call: Call, err?: ApiError, result?: unknown): void {
    if (err) {
      call.status = err.code;
      call.error = err.description;
    }
    this.record(call);
    const payload = err ? { ok: false, error_code: err.code, description: err.description, ...(err.parameters ? { parameters: err.parameters } : {}) } : { ok: true, result };
    res.writeHead(err ? err.code : 200, { 'content-type': 'application/json' }).end(JSON.stringify(payload));
  }

  private record(call: Call): void {
    this.calls.push(call);
    for (const l of [...this.changed]) l();
  }

  private injected(method: string, chatId: number): FaultError | undefined {
    for (const f of this.faults) {
      const methodOk = f.method === undefined ? MESSAGE_METHODS.test(method) : typeof f.method === 'string' ? f.method === method : f.method.test(method);
      if (!methodOk || (f.chatId !== undefined && f.chatId !== chatId) || f.left <= 0) continue;
      f.left--;
      return f.error;
    }
    return undefined;
  }

  private enforceLimits(chatId: number, at: number): void {
    const logs: [SlidingLog, RateWindow][] = [[this.logs.global, this.limits.global]];
    const chat = this.logs.chats.get(chatId) ?? new SlidingLog();
    this.logs.chats.set(chatId, chat);
    logs.push([chat, this.limits.chat]);
    if (chatId < 0) {
      const group = this.logs.groups.get(chatId) ?? new SlidingLog();
      this.logs.groups.set(chatId, group);
      logs.push([group, this.limits.group]);
    }
    const wait = Math.max(...logs.map(([log, w]) => log.waitFor(at, w)));
    if (wait > 0) {
      this.limited++;
      const retry = Math.max(1, Math.ceil(wait / 1000));
      throw new ApiError(429, `Too Many Requests: retry after ${retry}`, { retry_after: retry });
    }
    for (const [log] of logs) log.add(at);
  }

  private getUpdates(res: http.ServerResponse, call: Call): void {
    this.record(call);
    const offset = Number(call.params.offset ?? 0);
    const limit = Number(call.params.limit ?? 100);
    const timeoutS = Number(call.params.timeout ?? 0);
    const send = (u: unknown[]) => {
      if (!res.writableEnded && !res.destroyed) res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ ok: true, result: u }));
    };
    if (offset > 0) this.updates = this.updates.filter((u) => u.update_id >= offset);
    const ready = this.updates.slice(0, limit);
    if (ready.length || timeoutS <= 0 || this.closed) return send(ready);
    const poller = {
      offset,
      limit,
      done: (u: unknown[]) => {
        this.pollers = this.pollers.filter((p) => p !== poller);
        send(u);
      },
      timer: setTimeout(() => poller.done([]), timeoutS * 1000),
    };
    res.on('close', () => {
      clearTimeout(poller.timer);
      this.pollers = this.pollers.filter((p) => p !== poller);
    });
    this.pollers.push(poller);
  }

  private servePollers(): void {
    for (const p of [...this.pollers]) {
      const ready = this.updates.filter((u) => u.update_id >= p.offset).slice(0, p.limit);
      if (!ready.length) continue;
      clearTimeout(p.timer);
      p.done(ready);
    }
  }

  // ── Methods ──────────────────────────────────────────────────────────────────

  private run(method: string, p: Params, uploads: Map<string, Upload>, at: number): unknown {
    switch (method) {
      case 'getMe':
        return { ...this.bot, can_join_groups: true, can_read_all_group_messages: false, supports_inline_queries: false };
      case 'deleteWebhook':
        this.webhook = undefined;
        return true;
      case 'setWebhook':
        this.webhook = { url: String(p.url), ...(p.secret_token !== undefined ? { secret: String(p.secret_token) } : {}) };
        return true;
      case 'setMyCommands': {
        const list = p.commands as { command: string; description: string }[];
        for (const c of list) {
          if (!/^[a-z0-9_]{1,32}$/.test(c.command)) throw bad('BOT_COMMAND_INVALID');
          if (!c.description || c.description.length > 256) throw bad('BOT_COMMAND_DESCRIPTION_INVALID');
        }
        this.commands = list;
        return true;
      }
      case 'answerCallbackQuery':
        if (typeof p.text === 'string' && p.text.length > 200) throw bad('MESSAGE_TOO_LONG');
        this.callbackAnswers.push({ id: String(p.callback_query_id), ...(p.text !== undefined ? { text: String(p.text) } : {}), ...(p.show_alert ? { show_alert: true } : {}) });
        return true;
      case 'getChatAdministrators': {
        const chatId = Number(p.chat_id);
        if (chatId > 0) throw bad('there are no administrators in the private chat');
        return [...(this.admins.get(chatId) ?? [])].map((id, i) => ({ status: i === 0 ? 'creator' : 'administrator', user: { id, is_bot: false, first_name: `admin${id}` } }));
      }
      case 'getChatMember': {
        const admins = this.admins.get(Number(p.chat_id));
        const id = Number(p.user_id);
        return { status: admins?.has(id) ? 'administrator' : 'member', user: { id, is_bot: false, first_name: `user${id}` } };
      }
      case 'sendMessage':
        return this.send(p, 'text', undefined, at);
      case 'sendPhoto': {
        const file = uploads.get('photo');
        if (!file) throw bad('there is no photo in the request');
        return this.send(p, 'photo', file, at);
      }
      case 'editMessageText':
      case 'editMessageCaption':
      case 'editMessageMedia':
        return this.edit(method, p, uploads, at);
      default:
        throw new ApiError(404, 'Not Found');
    }
  }

  private content(p: Params, field: 'text' | 'caption', limit: number): { text: string; html: string; entities: Entity[] } {
    const raw = String(p[field] ?? '');
    let parsed;
    try {
      parsed = p.parse_mode === 'HTML' ? parseTelegramHtml(raw) : { text: raw, entities: [] };
    } catch (err) {
      if (err instanceof HtmlParseError) throw bad(err.message);
      throw err;
    }
    if (field === 'text' && parsed.text.trim() === '') throw bad('message text is empty');
    if (parsed.text.length > limit) throw bad(field === 'text' ? 'message is too long' : 'message caption is too long');
    return { text: parsed.text, html: raw, entities: parsed.entities };
  }

  private keyboard(p: Params): InlineButton[][] | undefined {
    const markup = p.reply_markup as { inline_keyboard?: InlineButton[][] } | undefined;
    const rows = markup?.inline_keyboard;
    if (!rows) return undefined;
    for (const b of rows.flat()) {
      if (b.callback_data !== undefined && (b.callback_data.length === 0 || Buffer.byteLength(b.callback_data) > 64)) throw bad('BUTTON_DATA_INVALID');
      if (!b.text) throw bad('text buttons are unallowed in the inline keyboard');
    }
    return rows;
  }

  private send(p: Params, kind: 'text' | 'photo', file: Upload | undefined, at: number): unknown {
    const chatId = Number(p.chat_id);
    if (!Number.isFinite(chatId)) throw bad('chat not found');
    const c = this.content(p, kind === 'text' ? 'text' : 'caption', kind === 'text' ? TEXT_LIMIT : CAPTION_LIMIT);
    const keyboard = this.keyboard(p);
    const rp = p.reply_parameters as { message_id?: number; allow_sending_without_reply?: boolean } | undefined;
    let replyTo: number | undefined = rp?.message_id;
    if (replyTo !== undefined && !this.message(chatId, replyTo)) {
      if (!rp?.allow_sending_without_reply) throw bad('message to be replied not found');
      replyTo = undefined;
    }
    const msg: FakeMessage = { chatId, messageId: this.messageId(chatId), kind, ...c, history: [], fromBot: true };
    if (keyboard) msg.keyboard = keyboard;
    if (p.message_thread_id !== undefined) msg.threadId = Number(p.message_thread_id);
    if (replyTo !== undefined) msg.replyTo = replyTo;
    if (file) {
      msg.photoBytes = file.bytes;
      msg.photoName = file.name;
    }
    this.messages.set(`${chatId}:${msg.messageId}`, msg);
    this.event(chatId, { op: 'send', method: kind === 'text' ? 'sendMessage' : 'sendPhoto', messageId: msg.messageId, text: msg.text, at });
    return this.messageObject(chatId, msg.messageId);
  }

  private edit(method: string, p: Params, uploads: Map<string, Upload>, at: number): unknown {
    const chatId = Number(p.chat_id);
    const msg = this.message(chatId, Number(p.message_id));
    if (!msg || !msg.fromBot) throw bad('message to edit not found');
    let c: { text: string; html: string; entities: Entity[] };
    let photo: Upload | undefined;
    if (method === 'editMessageText') {
      if (msg.kind !== 'text') throw bad('there is no text in the message to edit');
      c = this.content(p, 'text', TEXT_LIMIT);
    } else if (method === 'editMessageCaption') {
      if (msg.kind !== 'photo') throw bad('there is no caption in the message to edit');
      c = this.content(p, 'caption', CAPTION_LIMIT);
    } else {
      const media = p.media as { type?: string; media?: string; caption?: string; parse_mode?: string } | undefined;
      if (media?.type !== 'photo' || msg.kind !== 'photo') throw bad("message can't be edited");
      const ref = /^attach:\/\/(.+)$/.exec(media.media ?? '')?.[1];
      photo = ref ? uploads.get(ref) : undefined;
      if (!photo) throw bad('there is no photo in the request');
      c = this.content(media as Params, 'caption', CAPTION_LIMIT);
    }
    const keyboard = this.keyboard(p);
    const same = c.html === msg.html && JSON.stringify(keyboard) === JSON.stringify(msg.keyboard) && photo === undefined;
    if (same) throw bad('message is not modified: specified new message content and reply markup are exactly the same as a current content and reply markup of the message');
    msg.history.push(msg.text);
    Object.assign(msg, c);
    if (keyboard) msg.keyboard = keyboard;
    else delete msg.keyboard;
    if (photo) {
      msg.photoBytes = photo.bytes;
      msg.photoName = photo.name;
    }
    this.event(chatId, { op: 'edit', method, messageId: msg.messageId, text: msg.text, at });
    return this.messageObject(chatId, msg.messageId);
  }

  private event(chatId: number, e: ChatEvent): void {
    const list = this.timeline.get(chatId) ?? [];
    list.push(e);
    this.timeline.set(chatId, list);
  }
}

export function chatObject(chatId: number): Record<string, unknown> {
  if (chatId > 0) return { id: chatId, type: 'private', first_name: `user${chatId}` };
  if (chatId <= -1_000_000_000_000) return { id: chatId, type: 'supergroup', title: `supergroup ${chatId}` };
  return { id: chatId, type: 'group', title: `group ${chatId}` };
}

const JSON_FIELDS = new Set(['reply_markup', 'reply_parameters', 'media', 'link_preview_options', 'commands', 'allowed_updates', 'caption_entities', 'entities']);

async function parseBody(req: http.IncomingMessage, body: Buffer, uploads: Map<string, Upload>): Promise<Params> {
  const type = req.headers['content-type'] ?? '';
  if (body.length === 0) return {};
  if (type.startsWith('application/json')) return JSON.parse(body.toString('utf8')) as Params;
  if (type.startsWith('multipart/form-data')) {
    const form = await new Request('http://fake/', { method: 'POST', headers: { 'content-type': type }, body: new Uint8Array(body) }).formData();
    const out: Params = {};
    for (const [key, value] of form.entries()) {
      if (typeof value === 'string') {
        out[key] = JSON_FIELDS.has(key) ? JSON.parse(value) : value;
      } else {
        const file = value as File;
        uploads.set(key, { bytes: file.size, name: file.name });
      }
    }
    return out;
  }
  throw new Error(`unsupported content-type ${type}`);
}
