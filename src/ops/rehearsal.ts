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
 * Copy the live chats' subscriptions and levels into the rehearsal store, so the rehearsal posts where the
 * live bot would. A live bot holding the database (locked) or no live database means nothing is copied.
 */
export function seedFromLive(target: Store, open: () => Store, livePath: string, log: Pick<Logger, 'info' | 'warn'>): void {
  if (!existsSync(livePath)) return;
  let live: Store;
  try {
    live = open();
  } catch (err) {
    log.warn({ err }, 'rehearsal: could not read the live database (is the live bot running?); no chat subscriptions copied, alerts print only where this process serves');
    return;
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
