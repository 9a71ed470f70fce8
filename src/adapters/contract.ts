/**
 * The contract every chat adapter implements (terminal/, telegram/, discord/ mirror each other). The alert
 * router and outbox talk to adapters only through it; nothing outside src/adapters imports an adapter's files
 * except main.ts, which wires them.
 *
 * Each platform is built the same way: `<platform>/adapter.ts` exports `create<Platform>Adapter(options)`, whose
 * options carry the `services`, returning a ChatAdapter (an object over the adapter's own state, no class).
 * Inbound, an adapter turns what its platform received into a `Caller` and hands it to the dispatcher
 * (commands/index.ts), answering only "is this user an admin here"; outbound, it renders a Reply and reports
 * failures as a ChatApiError (errors.ts).
 */
import type { Reply } from '../replies/reply.js';
import type { Platform } from '../../commands/types.js';

export type DeliveryResult =
  | { ok: true; messageRef: string }
  /**
   * `permanent`: the chat blocked/removed the bot or the channel is gone: its alerts stop, do not retry. `kind`: what the platform's refusal means (errors.ts ChatErrorKind, named here as text: errors.ts reads this file).
   * `movedTo`: nothing was sent because the chat lives under a new key now, this one (a Telegram group that became a
   * supergroup; the old key is gone for good, hence `permanent`). The adapter only reports it: whoever runs deliveries
   * (alerts/lane.ts `send`) moves the chat's settings and levels there (`chat.move`) and sends the alert there.
   */
  | { ok: false; permanent: boolean; retryAfterMs?: number; error: string; kind?: string; movedTo?: string };

export interface DeliveryTarget {
  /** The subscription's chat key (`telegram:-100…`, `discord:<guild>`). */
  chat: string;
  /** The concrete destination when it differs (Discord channel id, Telegram topic thread id). */
  target?: string;
  /** Post as a reply to this message (a platform message ref); a reply target since deleted still gets the post. */
  replyTo?: string;
  /**
   * The same for every attempt to deliver one thing (the outbox's entry id): a platform that can deduplicate a repeated
   * send (Discord's message nonce) posts it once however many times a lost answer made us send it again.
   */
  idempotencyKey?: string;
  /**
   * Only an edit of `editRef` (a running message's closing edit): where that message is gone, or there is none, nothing
   * is posted and the delivery fails as `edit_target_gone`. A platform that cannot edit (the terminal) shows nothing.
   */
  editOnly?: boolean;
}

export interface ChatAdapter {
  readonly platform: Platform;
  start(): Promise<void>;
  stop(): Promise<void>;
  /**
   * Whether this process delivers to that destination (a Discord shard process owns only its guilds).
   * Absent means yes. Entries it does not own stay pending for the process that does.
   */
  owns?(to: DeliveryTarget): boolean;
  /**
   * Whether a sent message can be edited in place (absent means yes). The terminal cannot (it prints an edit as a new
   * block): a market-wide flush that takes over a cascade's message is posted there as its own.
   */
  readonly editsInPlace?: false;
  /** Send a reply to a chat, or edit an earlier message when `editRef` is given. Never throws. */
  deliver(to: DeliveryTarget, reply: Reply, editRef?: string): Promise<DeliveryResult>;
}
