/**
 * Command budgets that protect a group: one member cannot starve the others, a few accounts together cannot lock
 * a chat out, and an over-budget member is told once, then ignored until the window ends. Fixed one-minute
 * windows on the bot's own clock (no timers, so tests and replays drive it with event time).
 *
 * Per window a command must fit three budgets: the user's own (across every chat), the member's share of the
 * chat's (`perChat × memberShare`), and the chat's. A member who has run fewer than `floor` commands in the chat
 * this window is let in even when the chat's budget is spent: four spammers can use up the chat's budget, but
 * the admin who comes to stop them still gets answered.
 */
import { MINUTE } from '../src/core/time.js';

interface Window {
  start: number;
  count: number;
  /** The member was told to wait in this window: from now on, silence. */
  told?: boolean;
}

export interface BudgetOptions {
  perUser: number;
  perChat: number;
  /** The largest part of the chat's budget one member may use (default a quarter). */
  memberShare?: number;
  /** Commands per window every member gets, however busy the chat (default 2). */
  floor?: number;
  windowMs?: number;
}

/** Which budget refused: the user's own (across chats), the member's share of the chat's, or the chat's. */
export type BudgetLimit = 'user' | 'member' | 'chat';

export type BudgetVerdict =
  | { run: true }
  /**
   * Over budget: `tell` is true the first time in the member's window (answer once), false after (stay silent).
   * `waitMs` is until every budget exceeded has a new window (the command then runs); `limit` is the one that lasts longest.
   */
  | { run: false; tell: boolean; waitMs: number; limit: BudgetLimit };

/** Windows kept per map before the expired ones are swept. */
const SWEEP_AT = 50_000;

export class CommandBudget {
  private readonly users = new Map<string, Window>();
  private readonly members = new Map<string, Window>();
  private readonly chats = new Map<string, Window>();
  private readonly perUser: number;
  private readonly perChat: number;
  private readonly perMember: number;
  private readonly floor: number;
  private readonly windowMs: number;

  constructor(o: BudgetOptions) {
    this.perUser = o.perUser;
    this.perChat = o.perChat;
    this.floor = Math.max(0, o.floor ?? 2);
    this.perMember = Math.max(1, this.floor, Math.ceil(o.perChat * (o.memberShare ?? 0.25)));
    this.windowMs = o.windowMs ?? MINUTE;
  }

  /** Take one command from `user` in `chat` at `now`, or say why not. */
  check(user: string, chat: string, now: number): BudgetVerdict {
    const u = this.window(this.users, user, now);
    const m = this.window(this.members, `${chat}\u0000${user}`, now);
    const c = this.window(this.chats, chat, now);
    const chatFull = c.count >= this.perChat && m.count >= this.floor;
    if (u.count >= this.perUser || m.count >= this.perMember || chatFull) {
      // Only the budgets exceeded hold the command back: a member refused for their own 12 a minute across chats waits
      // for that window, not for their window in this chat. A full chat lets a member in again when either the chat's
      // window or theirs (their floor) starts over.
      const left = (w: Window) => w.start + this.windowMs - now;
      const waits: [BudgetLimit, number][] = [];
      if (u.count >= this.perUser) waits.push(['user', left(u)]);
      if (m.count >= this.perMember) waits.push(['member', left(m)]);
      if (chatFull && m.count < this.perMember) waits.push(['chat', Math.min(left(c), left(m))]);
      const [limit, waitMs] = waits.reduce((a, w) => (w[1] > a[1] ? w : a));
      const tell = !m.told;
      m.told = true;
      return { run: false, tell, waitMs, limit };
    }
    u.count++;
    m.count++;
    c.count++;
    return { run: true };
  }

  private window(map: Map<string, Window>, key: string, now: number): Window {
    let w = map.get(key);
    if (!w || now - w.start >= this.windowMs || now < w.start) {
      w = { start: now, count: 0 };
      map.set(key, w);
      if (map.size > SWEEP_AT) for (const [k, x] of map) if (now - x.start >= this.windowMs) map.delete(k);
    }
    return w;
  }
}
