/**
 * Rehearsal mode (`liqbot start --replay FILE`) kept apart from the live bot: its own database, fresh at
 * every run and seeded with the live chats' subscriptions and levels, so a recorded day never lands in the
 * live history; and every alert it posts marked as a rehearsal of a recorded (or synthetic) day.
 */
import { existsSync, mkdirSync, rmSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import type { ChatAdapter } from '../adapters/contract.js';
import type { Reply } from '../replies/reply.js';
import { local, zoneLabel } from '../replies/zone.js';
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
 * The words every rehearsal alert starts with: the recording's day and time of day (a chat reads a message's own
 * time as the wall clock's, not the recording's: "lost $1,800" needs its 09:15).
 */
export function rehearsalLabel(synthetic: boolean, nowMs: number): string {
  // In the chat's zone, as the alert's times are.
  const day = nowMs > 0 ? ` (${local(nowMs).toISOString().slice(0, 16).replace('T', ' ')} ${zoneLabel(nowMs)})` : '';
  return `REHEARSAL: replay of a ${synthetic ? 'SYNTHETIC' : 'recorded'} day${day}, not live. `;
}

/** The same adapter, with every delivered reply's title (or first line) starting with the rehearsal label. */
export function markRehearsal(adapter: ChatAdapter, label: () => string): ChatAdapter {
  const mark = (r: Reply): Reply =>
    r.title ? { ...r, title: [{ text: label(), bold: true }, ...r.title] } : { ...r, blocks: [[[{ text: label().trim(), bold: true }]], ...r.blocks] };
  return new Proxy(adapter, {
    get(target, prop, receiver) {
      if (prop === 'deliver') return (to: Parameters<ChatAdapter['deliver']>[0], reply: Reply, editRef?: string) => target.deliver(to, mark(reply), editRef);
      const v: unknown = Reflect.get(target, prop, receiver);
      return typeof v === 'function' ? (v as (...a: unknown[]) => unknown).bind(target) : v;
    },
  });
}
