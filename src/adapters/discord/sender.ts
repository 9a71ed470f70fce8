/**
 * The one place alerts go out to Discord: posts and edits of channel messages over REST (no gateway or cache
 * needed, so a channel the client has not cached works too), each through the pacer, failures translated
 * (errors.ts). Every post carries a nonce Discord enforces, so a post sent again (discord.js retrying one whose
 * answer was lost, the outbox retrying one delivery) is posted once. Command answers go through the interaction
 * itself (interactions.ts): Discord does not count interaction responses against the bot's global limit.
 */
import { createHash, randomBytes } from 'node:crypto';
import { DiscordAPIError, MessageFlags, Routes, type REST } from 'discord.js';
import type { DeliveryResult, DeliveryTarget } from '../contract.js';
import { ChatApiError, deliveryFailure } from '../errors.js';
import { logger } from '../../log.js';
import type { Reply } from '../../replies/reply.js';
import { channelOf, guildOf } from './context.js';
import { discordError, MISSING_ACCESS, REFUSED_CODES, translateError } from './errors.js';
import type { Pacer } from './pacer.js';
import { renderImage, toDiscordMessage, type DiscordMessage } from './render.js';

const log = logger('discord');

/** Where an alert went, enough to edit it later. Serialized (`formatRef`) as `<channel id>:<message id>`. */
export interface MessageRef {
  channelId: string;
  messageId: string;
}

export function formatRef(r: MessageRef): string {
  return `${r.channelId}:${r.messageId}`;
}

/** Read a ref we made. */
export function parseRef(ref: string | undefined): MessageRef | undefined {
  const m = /^(\d{5,25}):(\d{5,25})$/.exec((ref ?? '').trim());
  return m ? { channelId: m[1]!, messageId: m[2]! } : undefined;
}

/** Discord's longest message nonce. */
const NONCE_CHARS = 25;

/**
 * The nonce of a post: the same for every send of one delivery to one channel (from its idempotency key), else fresh
 * for this send (discord.js's own retries of the request carry it unchanged). With `enforce_nonce`, Discord answers a
 * post repeated within a few minutes with the message it already created instead of creating another.
 */
export function messageNonce(channelId: string, idempotencyKey?: string): string {
  if (idempotencyKey === undefined) return randomBytes(18).toString('base64url');
  return createHash('sha256').update(`${channelId}:${idempotencyKey}`).digest('base64url').slice(0, NONCE_CHARS);
}

/** Codes of Discord's "Unknown Guild" answers: a server the bot is not in (10004; 50001 before 2023). */
const NOT_IN_GUILD = new Set([10004, MISSING_ACCESS]);

/** The REST body (and files) for a rendered message. Mentions are never parsed. */
export function restPayload(msg: DiscordMessage) {
  const image = msg.image;
  const body = {
    embeds: msg.embeds,
    components: msg.components,
    allowed_mentions: { parse: [] },
    // On an edit this list is what stays: the old chart goes, the new one (if any) comes.
    attachments: image ? [{ id: 0, filename: image.name, description: image.description }] : [],
  };
  const files = image ? [{ name: image.name, data: image.data, contentType: 'image/png' }] : undefined;
  return { body, files };
}

export class DiscordSender {
  constructor(
    private readonly rest: REST,
    readonly pacer: Pacer,
  ) {}

  /**
   * Post a message to a channel, as a reply to `replyTo` (a message of that channel) when given: Discord's
   * message_reference with fail_if_not_exists false, so a deleted message still gets the post. `nonce` (enforced) makes
   * a repeat of this post answer with the first one's message (`messageNonce`).
   */
  async post(channelId: string, msg: DiscordMessage, replyTo?: string, nonce: string = messageNonce(channelId)): Promise<MessageRef> {
    const payload = restPayload(msg);
    // Suppressing notifications is set when a message is posted (an edit never notifies).
    const quiet = msg.quiet ? { ...payload.body, flags: MessageFlags.SuppressNotifications } : payload.body;
    const once = { ...quiet, nonce, enforce_nonce: true };
    const body = replyTo !== undefined ? { ...once, message_reference: { message_id: replyTo, fail_if_not_exists: false } } : once;
    try {
      const posted = (await this.pacer.run(() => this.rest.post(Routes.channelMessages(channelId), { ...payload, body }))) as { id: string };
      return { channelId, messageId: posted.id };
    } catch (err) {
      const e = translateError(err, `posting in channel ${channelId}`);
      // Unknown Message to a post: this nonce's message was posted before and deleted since; Discord does not post it again.
      if (e.kind === 'edit_target_gone') throw discordError(`${e.message}: posted before (same nonce) and deleted since`, 'rejected', e.details, e);
      throw e;
    }
  }

  /** Replace an earlier message's embed, buttons and chart. */
  async edit(ref: MessageRef, msg: DiscordMessage): Promise<MessageRef> {
    try {
      await this.pacer.run(() => this.rest.patch(Routes.channelMessage(ref.channelId, ref.messageId), restPayload(msg)));
      return ref;
    } catch (err) {
      throw translateError(err, `editing message ${ref.messageId} in channel ${ref.channelId}`);
    }
  }

  /**
   * An alert to a server's alerts channel (`to.target`), or an edit of an earlier one (`editRef`; a deleted one is
   * posted anew). Never throws: failures come back translated, `permanent` when the channel is gone for good.
   */
  async deliver(to: DeliveryTarget, reply: Reply, editRef: string | undefined): Promise<DeliveryResult> {
    try {
      return { ok: true, messageRef: formatRef(await this.alert(to, reply, editRef)) };
    } catch (err) {
      let e = translateError(err, 'delivering');
      if (e.details.code === MISSING_ACCESS) e = await this.orRemoved(e, to.chat);
      const refused = typeof e.details.code === 'number' && REFUSED_CODES[e.details.code] !== undefined;
      if (e.permanent) log.warn({ chat: to.chat, target: to.target, error: e.message }, 'discord: the bot left the server or its alerts channel is gone; alerts to it stop (an admin can run /alerts channel again)');
      else if (refused) log.warn({ chat: to.chat, target: to.target, error: e.message }, "discord: the alerts channel's permissions refuse the bot; this alert is not posted, the server's settings stay (an admin can fix the channel's permissions or run /alerts channel)");
      else log.info({ chat: to.chat, target: to.target, kind: e.kind, error: e.message }, 'discord: alert not delivered; will retry');
      return deliveryFailure(e);
    }
  }

  /**
   * A Missing Access is a channel hidden from the bot, or the channel of a server the bot was removed from: the server is
   * asked (GET /guilds/:id answers Unknown Guild when the bot is not in it). Removed, the chat is gone; otherwise (or
   * when Discord could not say) the refusal stands.
   */
  private async orRemoved(e: ChatApiError, chat: string): Promise<ChatApiError> {
    const guildId = guildOf(chat);
    if (!guildId) return e;
    try {
      await this.pacer.run(() => this.rest.get(Routes.guild(guildId)));
      return e;
    } catch (err) {
      if (!(err instanceof DiscordAPIError && typeof err.code === 'number' && NOT_IN_GUILD.has(err.code))) return e;
      return discordError(`${e.message}; and server ${guildId} answers ${err.status} ${err.message}: the bot was removed from the server`, 'chat_gone', e.details, e);
    }
  }

  private async alert(to: DeliveryTarget, reply: Reply, editRef: string | undefined): Promise<MessageRef> {
    const edit = parseRef(editRef);
    const channelId = edit?.channelId ?? channelOf(to.target);
    if (!channelId) {
      throw discordError(`Discord: ${to.chat} has no alerts channel (target ${to.target ?? 'none'}); an admin can set one with /alerts channel`, 'chat_gone', { doing: 'delivering' });
    }
    const msg = toDiscordMessage({ ...reply, ephemeral: false }, await renderImage(reply.image));
    if (edit) {
      try {
        return await this.edit(edit, msg);
      } catch (err) {
        if (to.editOnly || !(err instanceof ChatApiError && err.kind === 'edit_target_gone')) throw err;
        log.info({ chat: to.chat, channel: edit.channelId }, 'discord: the alert to update was deleted; posting a new one');
      }
    } else if (to.editOnly) throw discordError(`Discord deliver: no message of ${to.chat} to edit (${editRef ?? 'none'})`, 'edit_target_gone', { doing: 'editing' });
    // A reply only within the same channel (the router posts a thread's answer in the thread's own channel).
    const answered = parseRef(to.replyTo);
    return this.post(channelId, msg, answered?.channelId === channelId ? answered.messageId : undefined, messageNonce(channelId, to.idempotencyKey));
  }
}
