/**
 * Every change of state that outlives a restart, as one typed list: a level added, relabelled or removed, a chat's
 * alert settings saved or dropped, a chat that got a new key, a level proposal and the votes on it. Commands, chat platforms and the outbox say what
 * changed here; one writer (writer.ts) applies it to the engine and the store, the path a second process could
 * also receive from a bus.
 */
import type { Level } from '../core/levels.js';
import type { Proposal, Vote } from '../core/proposals.js';
import type { ChatKey, Subscription } from '../store/store.js';

export type StateChange =
  /** Watch a level, or replace the one with the same id (a new label). */
  | { kind: 'level.put'; level: Level }
  /** Stop watching a level (removed by a chat, or an auto level that expired). */
  | { kind: 'level.remove'; id: string }
  /** Save a chat's alert settings. */
  | { kind: 'subscription.put'; subscription: Subscription }
  /**
   * The chat is gone (it removed or blocked the bot, or its alerts channel was deleted or closed to the bot): its
   * alerts stop. Its settings are kept, turned off, so `/alerts on` brings them back (the name is the stream's).
   */
  | { kind: 'subscription.remove'; chat: ChatKey }
  /**
   * A chat got a new key (a Telegram group became a supergroup): its alert settings and its own levels follow
   * it, unless the new key already has settings of its own.
   */
  | { kind: 'chat.move'; from: ChatKey; to: ChatKey; at: number }
  /** Save a member's level proposal, or its new status (adopted, rejected, expired, its message); votes go apart. */
  | { kind: 'proposal.put'; proposal: Proposal }
  /** A member's vote on a proposal, replacing their earlier one. */
  | { kind: 'proposal.vote'; id: string; voter: string; vote: Vote };
