/**
 * Rehearsal mode (`liqbot start --replay FILE`) kept apart from the live bot: its own database, fresh at
 * every run and seeded with the live chats' subscriptions and levels, so a recorded day never lands in the
 * live history; and every alert it posts marked as a rehearsal of a recorded (or synthetic) day. Scaled out
 * (`--role ingest --replay`), the core marks the alerts it derives from a recorded day (`markRehearsed`) and the
 * deliverer labels them with the same words (`labelRehearsed`).
 */
import { existsSync, mkdirSync, rmSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import type { ChatAdapter } from '../adapters/contract.js';
import type { Line, Reply } from '../replies/reply.js';
import type { Logger } from '../log.js';
import type { Store } from '../store/store.js';
import { reasonOf, StoreError } from '../store/errors.js';
import { duration } from '../replies/format.js';

/** Where a rehearsal keeps its data unless `--db` says otherwise: beside the live database, never in it. */
export function rehearsalDbPath(dataDir: string): string {
  return join(dataDir, 'rehearsal', 'liqbot.db');
}

/** Start a rehearsal database afresh (the default path only: a `--db` the operator named is kept). */
export function freshRehearsalDb(path: string, liveDbPath: string): void {
  if (resolve(path) === resolve(liveDbPath)) return;
  mkdirSync(dirname(path), { recursive: true });
  for (const suffix of ['', '-wal', '-shm']) rmSync(`${path}${suffix}`, { force: true });
}

/**
 * What a rehearsal found of the live database: none there; its chats' settings copied; held by the live bot, which is
 * running (so the rehearsal must not serve the live chats beside it); or there and unreadable.
 */
export type LiveDatabase = 'absent' | 'copied' | 'running' | 'unreadable';

/**
 * Copy the live chats' subscriptions and levels into the rehearsal store, so the rehearsal posts where the
 * live bot would. A live bot holding the database (locked) or no live database means nothing is copied; the caller
 * says what follows from a running live bot.
 */
export function seedFromLive(target: Store, open: () => Store, livePath: string, log: Pick<Logger, 'info' | 'warn'>): LiveDatabase {
  if (!existsSync(livePath)) return 'absent';
  let live: Store;
  try {
    live = open();
  } catch (err) {
    if (err instanceof StoreError && err.code === 'locked') return 'running';
    // A sentence naming the file and what is wrong with it (store/sqlite.ts): its stack would say nothing more.
    log.warn(`rehearsal: could not read the live database (${reasonOf(err)}); no chat settings copied`);
    return 'unreadable';
  }
  try {
    const subs = live.listSubscriptions();
    for (const s of subs) target.putSubscription(s);
    const levels = live.listLevels();
    for (const l of levels) target.putLevel(l);
    log.info({ subscriptions: subs.length, levels: levels.length }, 'rehearsal: chat settings copied from the live database (which is not written to)');
  } finally {
    live.close();
  }
  return 'copied';
}

/**
 * The one line a rehearsal beside the running live bot says: it starts no chat platform, whatever tokens it was given
 * (the live bot answers its chats; a second process on the same token would answer them again, from the recorded day).
 */
export function besideLiveLine(livePath: string): string {
  return `rehearsal: the live bot is running on ${livePath}: no chat platform is started (TELEGRAM_BOT_TOKEN and DISCORD_TOKEN are for the live bot) and no chat settings are copied; this rehearsal posts only to this terminal`;
}

/**
 * The last line of a rehearsal stopped before its recording ended: the recording's moment it had reached (its last
 * event replayed), how far that is past the first event of its day, and how many events it replayed.
 */
export function stoppedPartWayLine(file: string, replayed: { events: number; first?: number; last?: number }): string {
  const { first, last } = replayed;
  if (last === undefined) return `rehearsal stopped before any event of ${file} was replayed`;
  const at = `${new Date(last).toISOString().slice(0, 16).replace('T', ' ')} UTC`;
  const into = first !== undefined && first <= last ? `, ${duration(last - first)} after its first event` : '';
  return `rehearsal stopped part way, at ${at} of the recording${into} (${replayed.events} events replayed); the rest of ${file} was not replayed`;
}

/**
 * The words every rehearsal alert starts with. No time in them: the alert's own footer stamp says the recording's
 * moment it is about (a chat shows a message's posting time as the wall clock's, so "lost $1,800" needs its 09:15
 * there), and a second time here, the replay's clock when it was printed, disagreed with it by a minute or more.
 */
export function rehearsalLabel(synthetic: boolean): string {
  return `REHEARSAL: replay of a ${synthetic ? 'SYNTHETIC' : 'recorded'} day, not live.`;
}

/**
 * The reply under the rehearsal label, on a line of its own: the label is its headline (what a notification shows
 * first, so nobody reads "ETH lost $3,000" before it), the reply's own title its first line, bold as titles are.
 */
export function labelReply(r: Reply, label: string): Reply {
  const head: Line = [{ text: label, bold: true }];
  if (!r.title) return { ...r, blocks: [[head], ...r.blocks] };
  const title: Line = r.title.map((s) => (typeof s === 'string' ? { text: s, bold: true } : { ...s, bold: true }));
  return { ...r, title: head, blocks: [[title], ...r.blocks] };
}

/**
 * What a scaled-out core adds to an alert it derived from a recorded day (`--role ingest --replay`): stored with the
 * alert in its outbox row, so whichever deliverer sends it (after any restart) labels it as the single process does.
 */
export interface RehearsalMark {
  /**
   * The recording's time when the alert was derived (the core's market clock). Kept in the row for the record; the
   * label no longer says it (the alert's footer stamp has the alert's moment).
   */
  at: number;
  /** The recording is generated data. */
  synthetic: boolean;
}

/** An alert as a core queues it from a recorded day. */
export type Rehearsed<A> = A & { rehearsal?: RehearsalMark };

/** The alert with its rehearsal mark (a copy: the market's own alert objects are left alone). */
export function markRehearsed<A extends object>(alert: A, mark: RehearsalMark): Rehearsed<A> {
  return { ...alert, rehearsal: { at: mark.at, synthetic: mark.synthetic } };
}

/** The rehearsal mark an alert read back from the outbox carries, if it is a well-formed one. */
export function rehearsalOf(alert: object): RehearsalMark | undefined {
  const m = (alert as { rehearsal?: unknown }).rehearsal as Partial<RehearsalMark> | null | undefined;
  if (!m || typeof m !== 'object' || typeof m.at !== 'number' || !Number.isFinite(m.at) || typeof m.synthetic !== 'boolean') return undefined;
  return { at: m.at, synthetic: m.synthetic };
}

/** The reply of a marked alert, labelled exactly as the single process labels a rehearsal's alerts; others as they are. */
export function labelRehearsed(reply: Reply, alert: object): Reply {
  const mark = rehearsalOf(alert);
  return mark ? labelReply(reply, rehearsalLabel(mark.synthetic)) : reply;
}

/** The same adapter, with every delivered reply's title (or first line) starting with the rehearsal label. */
export function markRehearsal(adapter: ChatAdapter, label: () => string): ChatAdapter {
  const mark = (r: Reply): Reply => labelReply(r, label());
  return new Proxy(adapter, {
    get(target, prop, receiver) {
      if (prop === 'deliver') return (to: Parameters<ChatAdapter['deliver']>[0], reply: Reply, editRef?: string) => target.deliver(to, mark(reply), editRef);
      const v: unknown = Reflect.get(target, prop, receiver);
      return typeof v === 'function' ? (v as (...a: unknown[]) => unknown).bind(target) : v;
    },
  });
}
