/**
 * The one write path for changes of state (changes.ts): `apply` updates the engine first (a level is watched from
 * the next candle), then writes the store; what the engine changed by itself (a cascade's level, an expiry, a
 * level's state) is drained into the same writes by `flush`. A write the store refuses is held in memory and
 * written again on the next flush, never lost while the bot runs and never thrown at the chat that asked; meanwhile what is held is read
 * back (a chat's settings: readSubscription; proposals and votes: readProposal, readProposals), so commands build on
 * what they changed, and say it is not saved yet (proposalHeld).
 *
 * @example
 *   const state = new StateWriter({ store, market });
 *   state.apply({ kind: 'level.put', level });           // watched now, stored now (or on the next flush)
 *   state.apply({ kind: 'chat.move', from, to, at: now }); // alerts and levels follow a migrated group
 *   state.flush();                                        // the engine's own changes, and any held writes
 */
import { levelId, type Level, type LevelTrack } from '../core/levels.js';
import type { Market } from '../core/market.js';
import { StoreFaults } from '../store/faults.js';
import type { ChatKey, Store, Subscription } from '../store/store.js';
import type { LevelWrites } from '../store/sqlite.js';
import type { Proposal, Vote } from '../core/proposals.js';
import type { StateChange } from './changes.js';

/** The part of the engine that holds levels. */
export type LevelEngine = Pick<Market, 'addLevel' | 'removeLevel' | 'levels' | 'drainChanges'>;

export interface StateWriterOptions {
  store: Store;
  /** The engine that watches levels; without one (the outbox alone), changes are only stored. */
  market?: LevelEngine;
  /** Where refused writes are counted and logged (the bot's, shared with the outbox). */
  faults?: StoreFaults;
  /**
   * Where levels and their states are written instead of the store's own connection: the bot's event writer thread
   * (store/event-writer.ts), so one connection writes while events stream in. A refused write is held again.
   */
  saveLevels?: (writes: LevelWrites) => Promise<unknown>;
}

export class StateWriter {
  private readonly store: Store;
  private readonly market: LevelEngine | undefined;
  private readonly faults: StoreFaults;
  private readonly saveLevels: ((writes: LevelWrites) => Promise<unknown>) | undefined;
  /** A write of levels posted and not answered yet: the next waits for it, so an answer speaks for all before it. */
  private posting = false;
  /** Writes not yet taken by the store: the latest per id or chat (`null`: remove). */
  private readonly levels = new Map<string, Level | null>();
  private readonly tracks = new Map<string, LevelTrack>();
  private readonly subscriptions = new Map<ChatKey, Subscription | null>();
  /** Chats found gone whose settings the store could not be read for: turned off (settings kept) once it can. */
  private readonly disabling = new Set<ChatKey>();
  /** Proposals (the latest per id) and votes (the latest per proposal, then member) not yet taken by the store. */
  private readonly proposals = new Map<string, Proposal>();
  private readonly votes = new Map<string, Map<string, Vote>>();

  constructor(opts: StateWriterOptions) {
    this.store = opts.store;
    this.market = opts.market;
    this.faults = opts.faults ?? new StoreFaults();
    this.saveLevels = opts.saveLevels;
    let mine = writersOf.get(this.store);
    if (!mine) writersOf.set(this.store, (mine = new Set()));
    mine.add(this);
  }

  /**
   * A chat's alert settings as they are about to be: a write the store has not taken yet (held while it refuses
   * writes) wins over what the store has, so a command reads back what it just changed and routing honours it.
   * Throws what the store throws.
   */
  subscription(chat: ChatKey): Subscription | undefined {
    if (this.subscriptions.has(chat)) {
      const held = this.subscriptions.get(chat);
      return held ? { ...held } : undefined;
    }
    const stored = this.store.getSubscription(chat);
    return stored && this.disabling.has(chat) ? { ...stored, enabled: false } : stored;
  }

  /** Every chat's alert settings as they are about to be (see `subscription`), ordered by chat. Throws what the store throws. */
  listSubscriptions(): Subscription[] {
    const stored = this.store.listSubscriptions();
    if (this.subscriptions.size === 0 && this.disabling.size === 0) return stored;
    const out: Subscription[] = [];
    for (const s of stored) {
      if (this.subscriptions.has(s.chat)) continue;
      out.push(this.disabling.has(s.chat) ? { ...s, enabled: false } : s);
    }
    for (const held of this.subscriptions.values()) if (held) out.push({ ...held });
    return out.sort((a, b) => (a.chat < b.chat ? -1 : a.chat > b.chat ? 1 : 0));
  }

  /** Whether a write of this chat's settings is held (not yet taken by the store). */
  holds(chat: ChatKey): boolean {
    return this.subscriptions.has(chat) || this.disabling.has(chat);
  }

  /** Whether a write of this proposal, or a vote on it, is held (not yet taken by the store). */
  holdsProposal(id: string): boolean {
    return this.proposals.has(id) || this.votes.has(id);
  }

  /** Whether any proposal or vote is held. */
  holdsProposals(): boolean {
    return this.proposals.size > 0 || this.votes.size > 0;
  }

  /** The proposals held (as last put; their `votes` are not what the store keeps: see `heldVotes`). */
  heldProposals(): Iterable<Proposal> {
    return this.proposals.values();
  }

  /** The votes held on a proposal, by member. */
  heldVotes(id: string): ReadonlyMap<string, Vote> | undefined {
    return this.votes.get(id);
  }

  /** A proposal as the store has it, without what this writer holds of it. Throws what the store throws. */
  storedProposal(id: string): Proposal | undefined {
    return this.store.getProposal(id);
  }

  /** Apply a change decided outside the engine (a command, a chat platform, the outbox): engine, then store. */
  apply(change: StateChange): void {
    switch (change.kind) {
      case 'level.put':
        this.market?.addLevel(change.level);
        this.levels.set(change.level.id, change.level);
        break;
      case 'level.remove':
        this.market?.removeLevel(change.id);
        this.dropLevel(change.id);
        break;
      case 'subscription.put':
        this.subscriptions.set(change.subscription.chat, change.subscription);
        this.disabling.delete(change.subscription.chat);
        break;
      case 'subscription.remove':
        this.gone(change.chat);
        break;
      case 'chat.move':
        this.move(change.from, change.to, change.at);
        break;
      case 'proposal.put':
        this.proposals.set(change.proposal.id, change.proposal);
        break;
      case 'proposal.vote': {
        let votes = this.votes.get(change.id);
        if (!votes) this.votes.set(change.id, (votes = new Map()));
        votes.set(change.voter, change.vote);
        break;
      }
    }
    this.write();
  }

  /** Store what the engine changed by itself, and every write held since the store last refused. Never throws. */
  flush(): void {
    if (this.market) {
      const c = this.market.drainChanges();
      for (const l of c.added) this.levels.set(l.id, l);
      for (const id of c.removed) this.dropLevel(id);
      for (const t of c.tracks) this.tracks.set(t.id, t);
    }
    this.write();
  }

  /** Changes held, not taken by the store yet (refused so far): levels and their states, chats' settings, proposals and votes. */
  unsaved(): number {
    let votes = 0;
    for (const v of this.votes.values()) votes += v.size;
    return this.levels.size + this.tracks.size + this.subscriptions.size + this.disabling.size + this.proposals.size + votes;
  }

  /**
   * The chat is gone (it removed or blocked the bot, or its alerts channel is gone): its alerts stop, and its settings
   * (assets, minimum, votes, expiry, digest, target) stay, turned off, so `/alerts on` brings them back as they were.
   */
  private gone(chat: ChatKey): void {
    if (this.subscriptions.has(chat)) {
      const held = this.subscriptions.get(chat);
      if (held) this.subscriptions.set(chat, { ...held, enabled: false });
      return;
    }
    let stored: Subscription | undefined;
    try {
      stored = this.store.getSubscription(chat);
    } catch {
      this.disabling.add(chat); // read (and turned off) when the store answers again
      return;
    }
    if (stored?.enabled) this.subscriptions.set(chat, { ...stored, enabled: false });
  }

  private dropLevel(id: string): void {
    this.levels.set(id, null);
    this.tracks.delete(id);
  }

  /** The chat's settings (unless the new key has its own), its proposals and its levels, with their states, under the new key. */
  private move(from: ChatKey, to: ChatKey, at: number): void {
    const read = (chat: ChatKey) => this.subscription(chat);
    const sub = read(from);
    if (sub && !read(to)) {
      this.subscriptions.set(to, { ...sub, chat: to, updatedAt: at });
      this.subscriptions.set(from, null);
      this.disabling.delete(from);
    }
    // Its proposals, with their votes (kept by proposal id), and an adopted one's level id under the new key.
    const moveProposal = (p: Proposal): Proposal => ({ ...p, chat: to, ...(p.levelId !== undefined ? { levelId: levelId(p.asset, p.level, to) } : {}) });
    for (const p of this.store.listProposals(from)) if (!this.proposals.has(p.id)) this.proposals.set(p.id, moveProposal(p));
    for (const [id, p] of this.proposals) if (p.chat === from) this.proposals.set(id, moveProposal(p));
    const market = this.market;
    if (!market) return;
    for (const l of market.levels.all().filter((x) => x.chat === from)) {
      const moved: Level = { ...l, id: levelId(l.asset, l.level, to), chat: to };
      const track = market.levels.track(l.id);
      market.removeLevel(l.id);
      this.dropLevel(l.id);
      market.addLevel(moved, track);
      this.levels.set(moved.id, moved);
      if (track) this.tracks.set(moved.id, { ...track, id: moved.id });
    }
  }

  /** Every held write, in one attempt per kind; each replaces by id, so writing them again after a failure is harmless. */
  private write(): void {
    if (this.saveLevels) {
      if (this.levels.size || this.tracks.size) this.post(this.saveLevels);
    } else if (this.levels.size || this.tracks.size) {
      this.attempt('saveLevels', () => {
        for (const [id, l] of this.levels) {
          if (l) this.store.putLevel(l);
          else this.store.removeLevel(id);
        }
        if (this.tracks.size) this.store.saveLevelStates([...this.tracks.values()]);
        this.levels.clear();
        this.tracks.clear();
      });
    }
    if (this.subscriptions.size || this.disabling.size) {
      this.attempt('saveSubscriptions', () => {
        for (const chat of this.disabling) {
          const stored = this.store.getSubscription(chat);
          if (stored?.enabled) this.store.putSubscription({ ...stored, enabled: false });
          this.disabling.delete(chat);
        }
        for (const [chat, sub] of this.subscriptions) {
          if (sub) this.store.putSubscription(sub);
          else this.store.deleteSubscription(chat);
          // Taken: reads go to the store again (a write applied meanwhile stays held and is written next).
          this.subscriptions.delete(chat);
        }
      });
    }
    if (this.proposals.size || this.votes.size) {
      this.attempt('saveProposals', () => {
        // The proposal before its votes: a vote is never stored for a proposal the store does not have yet.
        for (const p of this.proposals.values()) this.store.putProposal(p);
        this.proposals.clear();
        for (const [id, votes] of this.votes) for (const [voter, vote] of votes) this.store.putVote(id, voter, vote);
        this.votes.clear();
      });
    }
  }

  /**
   * Hand the held levels and states to the writer thread, one write at a time (what is held meanwhile waits for
   * the answer). Refused, they are held again, unless a newer write of the same level came meanwhile (a level
   * removed since keeps no state), and wait for the next flush; written, anything held since goes next.
   */
  private post(saveLevels: (writes: LevelWrites) => Promise<unknown>): void {
    if (this.posting) return;
    this.posting = true;
    const levels = new Map(this.levels);
    const tracks = [...this.tracks.values()];
    this.levels.clear();
    this.tracks.clear();
    saveLevels({ levels, tracks }).then(
      () => {
        this.posting = false;
        if (this.levels.size || this.tracks.size) this.post(saveLevels);
        else this.faults.ok('saveLevels');
      },
      (err: unknown) => {
        this.posting = false;
        this.faults.failed('saveLevels', err);
        for (const [id, l] of levels) if (!this.levels.has(id)) this.levels.set(id, l);
        for (const t of tracks) if (!this.tracks.has(t.id) && this.levels.get(t.id) !== null) this.tracks.set(t.id, t);
      },
    );
  }

  private attempt(op: string, write: () => void): void {
    try {
      write();
      this.faults.ok(op);
    } catch (err) {
      this.faults.failed(op, err);
    }
  }
}

/** Each store's writers: a read of a chat's settings sees what they hold for it (readSubscription). */
const writersOf = new WeakMap<object, Set<StateWriter>>();

/**
 * A chat's alert settings as the write path has them: a change the store refused so far (held by a StateWriter over
 * `store`, written on its next flush) wins over the store's copy. What `/alerts` reads, so a change made while the
 * disk is full is shown, and built on, as made. Throws what the store throws.
 */
export function readSubscription(store: Store, chat: ChatKey): Subscription | undefined {
  for (const w of writersOf.get(store) ?? []) if (w.holds(chat)) return w.subscription(chat);
  return store.getSubscription(chat);
}

/** The writers over `store` that hold a proposal or a vote now. */
function holdingProposals(store: object): StateWriter[] {
  return [...(writersOf.get(store) ?? [])].filter((w) => w.holdsProposals());
}

/**
 * A proposal as the store will have it once it takes what the writers hold: the held proposal over the stored one,
 * and the stored votes with the held ones over them (the store keeps votes apart from their proposal, by its id).
 */
function asWillBeStored(writers: readonly StateWriter[], id: string, stored: Proposal | undefined): Proposal | undefined {
  let held: Proposal | undefined;
  const votes: Record<string, Vote> = { ...stored?.votes };
  for (const w of writers) {
    for (const p of w.heldProposals()) if (p.id === id) held = p;
    for (const [voter, vote] of w.heldVotes(id) ?? []) votes[voter] = vote;
  }
  const base = held ?? stored;
  return base && { ...base, votes };
}

/**
 * A proposal as the write path has it: a proposal or vote the store refused so far (held by a StateWriter over `store`,
 * written on its next flush) counts, so a vote finds a proposal made while the disk is full and its tally counts the
 * votes held. Throws what the store throws.
 */
export function readProposal(store: Store, id: string): Proposal | undefined {
  const writers = holdingProposals(store).filter((w) => w.holdsProposal(id));
  if (writers.length === 0) return store.getProposal(id);
  return asWillBeStored(writers, id, store.getProposal(id));
}

/**
 * A chat's proposals (every chat's when `chat` is undefined) as the write path has them (see `readProposal`): the
 * stored ones oldest first, then those held and not stored yet, in the order they were made. What every reader of a
 * chat's proposals goes through (the commands, the weekly digest), so none misses one made while the disk is full.
 * Only `listProposals` is asked of `store` itself (a digest is built over a list alone too). Throws what the store throws.
 */
export function readProposals(store: Pick<Store, 'listProposals'>, chat?: ChatKey): Proposal[] {
  const stored = store.listProposals(chat);
  const writers = holdingProposals(store);
  if (writers.length === 0) return stored;
  const out: Proposal[] = [];
  const seen = new Set<string>();
  const mine = (p: Proposal) => chat === undefined || p.chat === chat;
  for (const p of stored) {
    seen.add(p.id);
    const now = writers.some((w) => w.holdsProposal(p.id)) ? asWillBeStored(writers, p.id, p)! : p;
    if (mine(now)) out.push(now); // a proposal held under a new key (a group moved) is that chat's now
  }
  for (const w of writers) {
    for (const p of w.heldProposals()) {
      if (seen.has(p.id) || !mine(p)) continue;
      seen.add(p.id);
      // Not among this chat's stored ones: stored under another key (a group moved), or not stored at all.
      out.push(asWillBeStored(writers, p.id, w.storedProposal(p.id))!);
    }
  }
  return out;
}

/** Whether a write of this proposal, or of a vote on it, is held by the write path (the store refused it so far). */
export function proposalHeld(store: Store, id: string): boolean {
  return holdingProposals(store).some((w) => w.holdsProposal(id));
}
