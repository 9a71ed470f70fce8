/**
 * Per-user and per-chat command budgets, so one user or one chat cannot starve the others. A fixed window
 * per minute on the bot's own clock (no timers, so tests and replays drive it with event time).
 */

interface Window {
  start: number;
  count: number;
}

export class CommandLimiter {
  private readonly users = new Map<string, Window>();
  private readonly chats = new Map<string, Window>();

  constructor(
    private readonly perUser: number,
    private readonly perChat: number,
    private readonly windowMs = 60_000,
  ) {}

  private take(map: Map<string, Window>, key: string, limit: number, now: number): number {
    let w = map.get(key);
    if (!w || now - w.start >= this.windowMs) {
      w = { start: now, count: 0 };
      map.set(key, w);
      if (map.size > 50_000) this.sweep(map, now);
    }
    if (w.count >= limit) return w.start + this.windowMs - now;
    w.count++;
    return 0;
  }

  private sweep(map: Map<string, Window>, now: number): void {
    for (const [k, w] of map) if (now - w.start >= this.windowMs) map.delete(k);
  }

  /** 0 when the command may run, else how long (ms) until the user or chat may send another. */
  check(user: string, chat: string, now: number): number {
    const u = this.take(this.users, user, this.perUser, now);
    if (u) return u;
    return this.take(this.chats, chat, this.perChat, now);
  }
}
