/**
 * Who is an admin of a Telegram chat: the user in their own private chat, whoever posts in a channel (only its
 * admins can), an anonymous admin posting as the group, and the administrators of a group (or of a channel, for
 * a button pressed under a post), which we ask Telegram for (`getChatAdministrators`, one call serves every
 * member) and remember briefly. Which commands need an admin, and what a failed lookup means, is the
 * dispatcher's (commands/index.ts): it asks only for commands that change settings, so a `/liqs` costs no lookup.
 */

/** The one asking, as Telegram describes them. */
export interface Asker {
  chatId: number;
  chatType: 'private' | 'group' | 'supergroup' | 'channel';
  /** The user (absent for channel posts). */
  userId?: number;
  /** Set when someone posts as a chat: the group itself (an anonymous admin) or a linked channel. */
  senderChatId?: number;
}

export interface AdminOptions {
  /** Telegram's answer: the user ids of a chat's administrators (and its owner). */
  lookup: (chatId: number) => Promise<number[]>;
  /** How long an answer is trusted. A demoted admin keeps their rights here this long. */
  ttlMs?: number;
  now?: () => number;
}

/** Answers kept at most; older ones are forgotten first. */
const MAX_CHATS = 10_000;

export class ChatAdmins {
  private readonly cache = new Map<number, { admins: Set<number>; expiresAt: number }>();
  private readonly pending = new Map<number, Promise<Set<number>>>();
  private readonly ttlMs: number;
  private readonly now: () => number;

  constructor(private readonly opts: AdminOptions) {
    this.ttlMs = opts.ttlMs ?? 60_000;
    this.now = opts.now ?? Date.now;
  }

  /** Rejects when Telegram cannot be asked (nothing is remembered then, so the next question asks again). */
  async isAdmin(a: Asker): Promise<boolean> {
    if (a.chatType === 'private') return true;
    // Posting as the chat itself: a channel post (only its admins can) or an anonymous group admin.
    // Posting as another chat (a linked channel's automatic forward) is not an admin of this one.
    if (a.senderChatId !== undefined) return a.senderChatId === a.chatId;
    if (a.userId === undefined) return a.chatType === 'channel';
    return (await this.admins(a.chatId)).has(a.userId);
  }

  private admins(chatId: number): Promise<Set<number>> {
    const hit = this.cache.get(chatId);
    if (hit && hit.expiresAt > this.now()) return Promise.resolve(hit.admins);
    const inflight = this.pending.get(chatId);
    if (inflight) return inflight;
    const p = this.opts
      .lookup(chatId)
      .then((ids) => {
        const admins = new Set(ids);
        this.cache.delete(chatId);
        this.cache.set(chatId, { admins, expiresAt: this.now() + this.ttlMs });
        if (this.cache.size > MAX_CHATS) this.cache.delete(this.cache.keys().next().value!);
        return admins;
      })
      .finally(() => this.pending.delete(chatId));
    this.pending.set(chatId, p);
    return p;
  }
}
