/**
 * The Telegram ChatAdapter: a telegraf bot that answers every command of `commands/` in private chats, groups
 * (`/liqs@thisbot` too), forum topics and channels, re-runs a command when one of its buttons is pressed
 * (editing the message in place), and delivers alerts for the outbox. Everything it sends goes through one
 * sender (sender.ts) and one pacer (pacer.ts), so replies and alerts share Telegram's limits.
 *
 * @example
 *   const telegram = createTelegramAdapter({ token, services });
 *   await telegram.start(); // long polling; pass `webhook` to receive updates over HTTPS instead
 *   await telegram.deliver({ chat: 'telegram:-1001234' }, reply);
 *   await telegram.stop();
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import type { Agent } from 'node:http';
import { Telegraf } from 'telegraf';
import type { Update } from 'telegraf/types';
import type { Reply } from '../../replies/reply.js';
import { logger } from '../../log.js';
import type { Services } from '../../service.js';
import { systemClock, type Clock, type SharedChatWindows } from '../../alerts/pacing.js';
import type { ChatAdapter, DeliveryResult, DeliveryTarget } from '../contract.js';
import { CHAT_PREFIX, chatIdOf, threadIdOf } from './context.js';
import { ChatApiError, deliveryFailure } from '../errors.js';
import { translateError } from './errors.js';
import { interactionHandlers } from './interactions.js';
import { Pacer, TELEGRAM_LIMITS, type TelegramLimits } from './pacer.js';
import { ChatAdmins } from './permissions.js';
import { registerCommands } from './register.js';
import { formatRef, messageQueued, parseRef, TelegramSender, type ChatId, type Destination } from './sender.js';
import { startWebhookServer, type WebhookServer } from './webhook.js';

const log = logger('telegram');

export interface TelegramAdapterOptions {
  token: string;
  /** A self-hosted Bot API server (TELEGRAM_API_ROOT), e.g. `http://127.0.0.1:8081`. */
  apiRoot?: string;
  /**
   * Receive updates on `host:port` at the path of `url` (behind a reverse proxy) instead of long polling. The
   * secret is required: Telegram sends it with every update, and a request without it is refused (401). Each
   * update is answered once its reply is sent, or WEBHOOK_ANSWER_MS after the reply is queued (see `listen`).
   */
  webhook?: { url: string; secret: string; port: number; host?: string };
  services: Services;
  /** Telegram's rate limits (defaults: TELEGRAM_LIMITS); tests scale them with `scaleLimits`. */
  limits?: Partial<TelegramLimits>;
  /** The clock for the admin cache (default Date.now). */
  now?: () => number;
  /** The pacer's clock (default: the system's); tests drive pacing with a manual one. */
  clock?: Clock;
  /** Per-chat windows shared with the bot's other processes (scaled out: gateways and the deliverer). */
  sharedWindows?: SharedChatWindows;
  /** The HTTP agent of every Bot API request (the deliver role's fence refuses requests once its lease may be gone). */
  agent?: Agent;
  /** How long a chat's admin list is trusted (default 60 s). */
  adminTtlMs?: number;
}

export type TelegramAdapter = ChatAdapter & {
  /** The bot's @username, once started. */
  readonly username?: string;
  /** Messages on the wire (sent, not yet answered) and waiting for their turn in the pacer. */
  pacing(): { onWire: number; waiting: number };
  /** What the stop cut off (see `stop`): for the bot's last log line. */
  unfinished(): Unfinished;
};

/**
 * Commands the stop cut off. `notRun`: received, never begun, and not to be sent again by Telegram (long polling
 * confirmed them when it asked for the next ones; a webhook update already answered). `unanswered`: begun (their
 * changes made and saved) and still waiting for their answer's turn when the pacer stopped.
 */
export interface Unfinished {
  notRun: number;
  unanswered: number;
}

/**
 * How long a stop lets the commands already begun finish and be answered, while the pacer still sends: a group's next
 * three messages at one a second. Within the bot's 5 s for a whole stop (main.ts).
 */
export const STOP_GRACE_MS = 3_000;

/** Where the webhook listens unless the operator says otherwise: a reverse proxy on the same machine forwards to it. */
export const DEFAULT_WEBHOOK_HOST = '127.0.0.1';

/** Telegram's secret_token: 1–256 characters of A–Z, a–z, 0–9, `_` and `-`. */
const SECRET_TOKEN = /^[A-Za-z0-9_-]{1,256}$/;

/** A webhook without a secret accepts forged updates from anyone who finds the URL: refuse to start, in one line. */
export function checkWebhook(webhook: { secret?: string; url: string }): void {
  if (!webhook.secret) throw new Error('Telegram webhook: set TELEGRAM_WEBHOOK_SECRET (1–256 characters: A–Z, a–z, 0–9, _ or -); without it anyone can forge updates');
  if (!SECRET_TOKEN.test(webhook.secret)) throw new Error('Telegram webhook: TELEGRAM_WEBHOOK_SECRET may hold only A–Z, a–z, 0–9, _ and - (1–256 characters)');
}

/** Updates the bot asks Telegram for. */
const ALLOWED_UPDATES = ['message', 'channel_post', 'callback_query'] as const;

/**
 * Webhook requests Telegram may hold open at once (setWebhook's `max_connections`, 1–100). Said here, not left to the
 * Bot API server's default (40 at Telegram, whatever `--max-webhook-connections` says on a self-hosted one).
 */
export const WEBHOOK_CONNECTIONS = 40;
/**
 * How long a webhook request is held for its update's reply once the reply is queued (see `listen`): a reply not
 * waiting for its group's turn goes out in well under a second, and a busy group's next update comes every 2 s at
 * most, 30 a minute, more than the 20 replies a minute its chat can be sent.
 */
export const WEBHOOK_ANSWER_MS = 2_000;
/** The longest a webhook request is held in any case: Telegram sends an update again when its answer takes 60 s. */
export const WEBHOOK_HOLD_MS = 45_000;

export function createTelegramAdapter(opts: TelegramAdapterOptions): TelegramAdapter {
  const services = opts.services;
  // webhookReply off: telegraf would otherwise answer an update with a call in the HTTP response, unpaced.
  const bot = new Telegraf(opts.token, { telegram: { ...(opts.apiRoot ? { apiRoot: opts.apiRoot } : {}), webhookReply: false } });
  // Set after construction: telegraf drops an agent given for an http:// API root (a self-hosted server).
  if (opts.agent) bot.telegram.options.agent = opts.agent;
  const sender = new TelegramSender(bot.telegram, new Pacer({ ...TELEGRAM_LIMITS, ...opts.limits }, opts.clock), opts.sharedWindows);
  const stopping = new AbortController();
  const admins = new ChatAdmins({
    lookup: (chatId) => sender.call('getChatAdministrators', (tg) => tg.getChatAdministrators(chatId)).then((list) => list.map((m) => m.user.id)),
    ...(opts.adminTtlMs !== undefined ? { ttlMs: opts.adminTtlMs } : {}),
    ...(opts.now ? { now: opts.now } : {}),
  });
  const interactions = interactionHandlers({ sender, admins, services, me: () => bot.botInfo, stopping: stopping.signal });
  /**
   * Work started by updates, chained per member of a chat so each member's commands are answered in the order
   * they came, while other members' commands never wait behind them (the pacer takes members in turn). Each link
   * resolves to whether its work ran: once the adapter stops, work not begun is not run.
   */
  const chains = new Map<string, Promise<boolean>>();
  const inflight = new Set<Promise<boolean>>();
  let polling: Promise<void> | undefined;
  let server: WebhookServer | undefined;
  /** The work an update started, collected while telegraf handles a webhook update (answered once it is done). */
  const started = new AsyncLocalStorage<Promise<boolean>[]>();
  let state: 'new' | 'running' | 'stopped' = 'new';
  let username: string | undefined;
  /** Work begun and not finished. */
  let running = 0;
  const unfinished: Unfinished = { notRun: 0, unanswered: 0 };
  /** Updates not run whose webhook request was left unanswered, so Telegram sends them again: not lost. */
  let sentAgain = 0;

  /**
   * Run an update's work in the background (the update loop moves on), after the same member's earlier work in the
   * chat. Work whose turn comes after the stop began is not run: run then, its answer could not be sent (the pacer
   * stops), and a level added or a setting changed without an answer is a command half done.
   */
  function track(key: string, work: () => Promise<void>): void {
    const prev = chains.get(key);
    // Behind the same member's earlier work (a reply waiting for its turn): the webhook holds this one only briefly.
    if (prev && state !== 'stopped') messageQueued.getStore()?.(key.slice(0, key.indexOf(':')));
    const p = (prev ?? Promise.resolve(true)).then(async () => {
      if (state === 'stopped') {
        unfinished.notRun++;
        return false;
      }
      running++;
      try {
        await work();
      } catch (err) {
        log.error({ err, chat: key.split(':')[0] }, 'update handling failed');
      } finally {
        running--;
      }
      return true;
    });
    started.getStore()?.push(p);
    if (state === 'stopped') return;
    chains.set(key, p);
    inflight.add(p);
    void p.finally(() => {
      inflight.delete(p);
      if (chains.get(key) === p) chains.delete(key);
    });
  }

  const who = (m: { chat: { id: number }; from?: { id: number }; sender_chat?: { id: number } }) => `${m.chat.id}:${m.sender_chat?.id ?? m.from?.id ?? ''}`;
  bot.on('message', (ctx) => track(who(ctx.message), () => interactions.onMessage(ctx.message)));
  bot.on('channel_post', (ctx) => track(who(ctx.channelPost), () => interactions.onMessage(ctx.channelPost)));
  bot.on('callback_query', (ctx) => {
    const q = ctx.callbackQuery;
    track(`${q.message?.chat.id ?? 0}:${q.from.id}`, () => interactions.onButton(q));
  });
  bot.catch((err) => log.error({ err }, 'update handling failed'));

  /**
   * Take updates by webhook. An update is answered (200) once its reply is sent, or WEBHOOK_ANSWER_MS after the reply
   * was queued for sending (WEBHOOK_HOLD_MS at most), whichever comes first. Telegram does not send a chat's next update before it has the answer to the previous one, so while
   * replies go out at once a chat's updates are handled in order even when several gateways share the URL. A reply
   * that waits longer (its group's turn, 20 messages a minute; retries) must not hold the request: Telegram gives a
   * bot at most WEBHOOK_CONNECTIONS open requests and sends an update again when its answer takes over 60 s, so a
   * few busy groups would hold every connection and slow commands would run twice. Past the limit a busy group's
   * next command may reach another gateway while its reply is still queued here; in one process, order is kept
   * regardless (a member's commands are chained in `track`, the pacer sends a chat's messages one at a time).
   */
  async function listen(webhook: NonNullable<TelegramAdapterOptions['webhook']>): Promise<void> {
    const path = new URL(webhook.url).pathname || '/';
    server = await startWebhookServer({
      port: webhook.port,
      host: webhook.host ?? DEFAULT_WEBHOOK_HOST,
      path,
      secret: webhook.secret,
      handle: async (update) => {
        const work: Promise<boolean>[] = [];
        const u = update as { message?: { chat: { id: number } }; channel_post?: { chat: { id: number } }; callback_query?: { message?: { chat: { id: number } } } };
        const chat = String(u.message?.chat.id ?? u.channel_post?.chat.id ?? u.callback_query?.message?.chat.id ?? '');
        let queued!: (to: ChatId) => void;
        const sending = new Promise<void>((resolve) => (queued = (to) => void (String(to) === chat && resolve())));
        await started.run(work, () => messageQueued.run(queued, () => bot.handleUpdate(update as Update)));
        const clock = opts.clock ?? systemClock;
        let answered = false;
        const cancels: (() => void)[] = [];
        const after = (ms: number) => new Promise<void>((resolve) => void (answered ? resolve() : cancels.push(clock.after(ms, resolve))));
        const ran = await Promise.race([
          Promise.all(work).then((done) => done.every(Boolean)),
          sending.then(() => after(WEBHOOK_ANSWER_MS)).then(() => true),
          after(WEBHOOK_HOLD_MS).then(() => true),
        ]);
        answered = true;
        for (const cancel of cancels) cancel();
        if (ran) return;
        // Not run (the adapter stopped first): never answered, so Telegram sends it again once the stop closes the
        // connection. The server's close ends the request; this promise is left to be collected.
        sentAgain++;
        await new Promise<never>(() => undefined);
      },
    });
    await sender.call('setWebhook', (tg) =>
      tg.setWebhook(webhook.url, { allowed_updates: [...ALLOWED_UPDATES], secret_token: webhook.secret, max_connections: WEBHOOK_CONNECTIONS }),
    );
  }

  /** bot.stop() throws until launch() has started polling (it calls deleteWebhook first): try until it takes. */
  async function stopPolling(running: Promise<void>): Promise<void> {
    let settled = false;
    void running.finally(() => (settled = true));
    while (!settled) {
      try {
        bot.stop('liqbot stopping');
        break;
      } catch {
        await new Promise((resolve) => setTimeout(resolve, 5));
      }
    }
    await running;
  }

  /**
   * Edit the message `editRef` names, or post anew (the one to edit is gone, or of another chat) unless `editOnly`.
   * Throws ChatApiError.
   */
  async function post(dest: Destination, reply: Reply, editRef: string | undefined, chat: string, editOnly = false): Promise<string> {
    const ref = editRef !== undefined ? parseRef(editRef, dest.chatId) : undefined;
    if (ref) {
      try {
        return formatRef(await sender.edit(ref, reply, 'alert'));
      } catch (err) {
        if (editOnly || !(err instanceof ChatApiError && err.kind === 'edit_target_gone')) throw err;
        log.info({ chat }, 'the message to update is gone; posting a new one');
      }
    } else if (editOnly) {
      throw new ChatApiError(`Telegram deliver: no message of ${chat} to edit (${editRef ?? 'none'})`, 'telegram', 'edit_target_gone', { doing: 'editMessageText' });
    } else if (editRef !== undefined) log.warn({ chat, editRef }, 'not a message of this chat; posting a new one');
    return formatRef(await sender.send(dest, reply, 'alert'));
  }

  return {
    platform: 'telegram',
    get username() {
      return username;
    },

    async start() {
      if (state !== 'new') throw new Error('The Telegram adapter starts once; create a new one to start again.');
      if (opts.webhook) checkWebhook(opts.webhook);
      state = 'running';
      let me;
      try {
        me = await sender.call('getMe', (tg) => tg.getMe());
      } catch (err) {
        const e = translateError(err, 'getMe');
        // A token Telegram does not know: the setting's mistake, said as one (the token itself never is), not retried.
        if (e.kind === 'unauthorized') throw new ChatApiError(tokenRefused(e.message.replace(/^Telegram /, ''), opts.apiRoot), 'telegram', 'unauthorized', e.details, { cause: e });
        throw new Error(`Telegram: could not reach the bot (${e.message}); check the network or TELEGRAM_API_ROOT`, { cause: e });
      }
      bot.botInfo = me;
      username = me.username;
      await registerCommands(sender);
      if (opts.webhook) await listen(opts.webhook);
      else {
        // launch() resolves only when polling stops: keep it to await in stop(), never here.
        polling = bot.launch({ allowedUpdates: [...ALLOWED_UPDATES] }).catch((err: unknown) => {
          const e = translateError(err, 'getUpdates');
          const hint = e.details.code === 409 ? 'another process polls with this token, or a webhook is set: run one liqbot per bot' : 'restart liqbot';
          log.error({ err: e }, `Telegram stopped receiving updates; ${hint}`);
        });
      }
      log.info({ bot: me.username, mode: opts.webhook ? 'webhook' : 'polling' }, 'Telegram bot started');
    },

    /**
     * Stop taking updates; what was received and not begun is not run (see `track`). Long polling confirms a batch of
     * updates when it asks for the next, at once (the work is queued, not done), so Telegram never sends those again:
     * they are counted (`unfinished`). A webhook update not run and not answered yet is left unanswered, and Telegram
     * sends it again. Commands begun get up to STOP_GRACE_MS to finish and be answered; then the pacer stops.
     *
     * The stop keeps the process alive until it is over: it waits on the pacer's timers (an answer's turn, the grace),
     * which never do, and once polling has ended nothing else may be left to, so Node would leave in the middle of it
     * (exit code 13) with the rest of the bot's stop not run.
     */
    async stop() {
      if (state === 'stopped') return;
      const wasRunning = state === 'running';
      state = 'stopped';
      const alive = setInterval(() => undefined, STOP_GRACE_MS);
      try {
        if (wasRunning && polling) await stopPolling(polling);
        const clock = opts.clock ?? systemClock;
        await new Promise<void>((resolve) => {
          const cancel = clock.after(STOP_GRACE_MS, resolve);
          void Promise.allSettled([...inflight]).then(() => {
            cancel();
            resolve();
          });
        });
        stopping.abort();
        await server?.close();
        // Drops messages still waiting for their turn: their callers see "stopped" (the outbox keeps the alerts).
        opts.sharedWindows?.stop();
        unfinished.unanswered = running;
        await sender.pacer.stop();
        await Promise.allSettled([...inflight]);
      } finally {
        clearInterval(alive);
      }
    },

    pacing() {
      return { onWire: sender.pacer.inflight, waiting: sender.pacer.queued() };
    },

    unfinished() {
      return { notRun: unfinished.notRun - sentAgain, unanswered: unfinished.unanswered };
    },

    async deliver(to: DeliveryTarget, reply: Reply, editRef?: string): Promise<DeliveryResult> {
      const chatId = chatIdOf(to.chat);
      if (chatId === undefined) return { ok: false, permanent: true, error: `${to.chat} is not a Telegram chat key (telegram:<chat id>)` };
      const dest: Destination = { chatId };
      const thread = threadIdOf(to.target);
      if (thread !== undefined) dest.threadId = thread;
      // The proposal a level alert answers; sent with allow_sending_without_reply, so a deleted one still gets it.
      const answered = to.replyTo !== undefined ? parseRef(to.replyTo, chatId) : undefined;
      if (answered) dest.replyTo = answered.messageId;
      try {
        return { ok: true, messageRef: await post(dest, reply, editRef, to.chat, to.editOnly) };
      } catch (err) {
        const e = translateError(err, 'deliver');
        const moved = e.details.migrateToChatId;
        // The group is now a supergroup: reported, not followed here (whoever runs deliveries moves the chat and sends there).
        return moved === undefined ? deliveryFailure(e) : { ...deliveryFailure(e), movedTo: `${CHAT_PREFIX}${moved}` };
      }
    },
  };
}

/**
 * What getMe's 401 or 404 (`answer`: "getMe: 401 Unauthorized") means: a revoked or mistyped token, or at a self-hosted
 * TELEGRAM_API_ROOT a server that is no Bot API. The setting to mend is named, never its value. The deliver role says
 * the same of the same answer.
 */
export function tokenRefused(answer: string, apiRoot: string | undefined): string {
  const root = apiRoot ? ', or TELEGRAM_API_ROOT to a Bot API server' : '';
  return `Telegram refused TELEGRAM_BOT_TOKEN (${answer}): set it to the token @BotFather gives (/token)${root}`;
}

export { scaleLimits, TELEGRAM_LIMITS, type TelegramLimits } from './pacer.js';
