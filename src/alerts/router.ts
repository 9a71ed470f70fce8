/**
 * Routing: one detector run serves every chat. Each alert becomes one outbox entry per chat that subscribed
 * to its family and asset, at most once per chat (the entry's key is the alert's identity in that chat).
 */
import { familyOf, type Alert, type DigestPost, type LevelBreak, type LevelChop, type MarketFlush } from '../core/alerts.js';
import { levelKey } from '../core/levels.js';
import type { ChatKey, NewEntry, ReplyTarget, Subscription } from '../store/store.js';

/** The message a level alert answers (where its level was proposed or adopted), if it has one. */
export type ThreadOf = (a: Alert) => ReplyTarget | undefined;

/** Where a level's alerts answer: its level's thread (a message several levels share: the first of them with one). */
export function levelThreads(levels: { get(id: string): { thread?: ReplyTarget } | undefined }): ThreadOf {
  return (a) => {
    if (a.kind !== 'level_break' && a.kind !== 'level_chop') return undefined;
    return [a.levelId, ...(a.also ?? []).map((x) => x.levelId)].map((id) => levels.get(id)?.thread).find((t) => t !== undefined);
  };
}

/**
 * The alertKey suffix of an alert's short answer in its level's thread, when the thread is not where the chat's
 * alerts post (another topic or channel): the alert posts as today, and the thread gets one line pointing to it.
 */
export const THREAD_ANSWER = ':thread';

/**
 * The alertKey suffix of a running message's closing edit: a cascade's or market-wide flush's end, routed to a chat,
 * also edits the chat's running message one last time ("· over"), where the chat has one (the outbox drops it
 * otherwise). An edit, never a post: no notification, and nothing `liqbot replay` prints.
 */
export const RUNNING_CLOSED = ':closed';

/** Whether an outbox entry is a running message's closing edit. */
export function isClosingEdit(e: { alertKey: string }): boolean {
  return e.alertKey.endsWith(RUNNING_CLOSED);
}

/** What makes an alert the same alert in one chat: a chat's own level and a global one at the same price break once. */
export function chatAlertKey(a: Alert): string {
  return a.kind === 'level_break' ? `level:${levelKey(a.asset, a.level)}:${a.direction}:${a.ts}` : a.key;
}

/** A running message's update (a cascade's or a market-wide flush's): a later one of the same makes it moot. */
export function isUpdate(a: Alert): boolean {
  return a.kind === 'cascade_update' || a.kind === 'market_flush_update';
}

/** Cascade and market-wide flush starts and updates edit one running message per chat; the end is a new post. */
export function editKeyOf(a: Alert): string | undefined {
  if (a.kind === 'cascade' || a.kind === 'cascade_update') return a.cascadeId;
  return a.kind === 'market_flush' || a.kind === 'market_flush_update' ? a.flushId : undefined;
}

/**
 * The cascades whose running message a flush's start takes over in the chat its entry is for (the latest last): the
 * outbox edits the latest one the chat has into the flush rather than posting again. None for every other alert.
 */
export function adoptedBy(a: Alert): readonly string[] {
  return a.kind === 'market_flush' ? (a.adopts ?? []) : [];
}

/**
 * The flush start as a chat that names its assets gets it: of the cascades it takes over, those the chat still hears
 * apart (`wants`: one of an asset the chat names that did not lead it) keep their message, so they are left out of
 * `adopts`. A cascade's id begins with its asset and side (`ASSET-side-startedAt`, core/cascades.ts).
 */
function adoptedIn(a: MarketFlush, sub: Subscription): MarketFlush {
  const apart = sub.assets.filter((x) => !(a.leadAssets ?? []).includes(x)).map((x) => `${x}-${a.side}-`);
  if (!a.adopts || apart.length === 0) return a;
  const adopts = a.adopts.filter((id) => !apart.some((p) => id.startsWith(p)));
  if (adopts.length === a.adopts.length) return a;
  const { adopts: _all, ...rest } = a;
  return adopts.length ? { ...rest, adopts } : rest;
}

/** The running message an end closes (its cascade's or flush's editKey); undefined for every other alert. */
export function closesRunning(a: Alert): string | undefined {
  if (a.kind === 'cascade_end') return a.cascadeId;
  return a.kind === 'market_flush_end' ? a.flushId : undefined;
}

/** The running message an alert belongs to (a cascade's or a market-wide flush's), start to end; undefined for others. */
export function runningId(a: Alert): string | undefined {
  if (a.kind === 'cascade' || a.kind === 'cascade_update' || a.kind === 'cascade_end') return `cascade:${a.cascadeId}`;
  if (a.kind === 'market_flush' || a.kind === 'market_flush_update' || a.kind === 'market_flush_end') return `flush:${a.flushId}`;
  return undefined;
}

/**
 * The tally a chat's minimum is read against. An end's is the largest its start and updates told (`heardUsd`): its own
 * `usd` counts the prints after the last update too, so a chat whose minimum lies between the two heard nothing of it
 * and would get an end with no start. Routed so, an end (and its closing edit) goes to the chats that heard of it.
 */
function heardUsd(a: Exclude<Alert, LevelBreak | LevelChop | DigestPost>): number {
  return a.kind === 'cascade_end' || a.kind === 'market_flush_end' ? (a.heardUsd ?? a.usd) : a.usd;
}

export function wants(sub: Subscription, a: Alert): boolean {
  if (a.kind === 'digest') return a.chat === sub.chat && sub.enabled && sub.digest === true;
  if (!sub.enabled || !sub.families.includes(familyOf(a.kind))) return false;
  // A market-wide flush is heard once, with the cascades it carries inside it, by chats that follow every asset and
  // by those that follow an asset that led it (the BTC chat hears the flush BTC led, not a BTC cascade besides).
  if (a.kind === 'market_flush' || a.kind === 'market_flush_update' || a.kind === 'market_flush_end') {
    return (sub.assets.length === 0 || (a.leadAssets ?? []).some((x) => sub.assets.includes(x))) && heardUsd(a) >= sub.minUsd;
  }
  if (sub.assets.length > 0 && !sub.assets.includes(a.asset)) return false;
  if (a.kind === 'level_break' || a.kind === 'level_chop') return a.chat === undefined || a.chat === sub.chat;
  if (a.flushId !== undefined && (sub.assets.length === 0 || a.ledFlush)) return false;
  // A chat with a minimum hears of a cascade once its tally reaches it (the first such update posts), and of its end
  // when it heard of it: when the largest tally told reached it.
  return heardUsd(a) >= sub.minUsd;
}

/** Subscriptions by chat, for the alerts that name their chat (a digest): found at once, not by a pass over every chat. */
function byChat(subs: readonly Subscription[]): Map<ChatKey, Subscription> {
  const m = new Map<ChatKey, Subscription>();
  for (const s of subs) m.set(s.chat, s);
  return m;
}

/** How many entries `route` would make from these alerts for these subscriptions (thread answers and closing edits aside): one pass each. */
export function countWanted(alerts: readonly Alert[], subs: readonly Subscription[]): number {
  let n = 0;
  let chats: Map<ChatKey, Subscription> | undefined;
  for (const a of alerts) {
    if (a.kind === 'digest') {
      const sub = (chats ??= byChat(subs)).get(a.chat);
      if (sub && wants(sub, a)) n++;
    } else for (const sub of subs) if (wants(sub, a)) n++;
  }
  return n;
}

/**
 * One entry per chat that wants each alert, stamped `now` (or each alert at its own time, `now(a)`: one raised before
 * it was routed, whose age the delivery judges). A chat's own level alert with a thread answers it: as one message
 * that is a reply when the thread is where the chat's alerts post, else the alert as today plus a short reply there.
 * An end is followed by its closing edit of the chat's running message (RUNNING_CLOSED), after the end's own post.
 */
export function route(alerts: readonly Alert[], subs: readonly Subscription[], now: number | ((a: Alert) => number), threadOf?: ThreadOf): NewEntry[] {
  const out: NewEntry[] = [];
  let chats: Map<ChatKey, Subscription> | undefined;
  // The prices a chat's own break (or chop notice) carries: the core joins to it the global levels one close broke the
  // same way, or whose notices fell due on it (one at a price of the chat's own is the chat's), so the global message
  // is not posted there.
  const joined = new Set<string>();
  const way = (a: LevelBreak | LevelChop) => (a.kind === 'level_break' ? a.direction : 'chop');
  for (const a of alerts) {
    if ((a.kind !== 'level_break' && a.kind !== 'level_chop') || a.chat === undefined) continue;
    for (const v of [a.level, ...(a.also ?? []).map((x) => x.level)]) joined.add(`${a.chat}|${way(a)}|${a.ts}|${levelKey(a.asset, v)}`);
  }
  for (const a of alerts) {
    const at = typeof now === 'number' ? now : now(a);
    const own = a.kind === 'level_break' || a.kind === 'level_chop' ? a.chat : undefined;
    const thread = own !== undefined ? threadOf?.(a) : undefined;
    // A digest names its one chat: that chat's subscription, not a pass over every chat (10,000 digests to 10,000 chats).
    const digestSub = a.kind === 'digest' ? (chats ??= byChat(subs)).get(a.chat) : undefined;
    for (const sub of a.kind === 'digest' ? (digestSub ? [digestSub] : []) : subs) {
      if (!wants(sub, a)) continue;
      if ((a.kind === 'level_break' || a.kind === 'level_chop') && a.chat === undefined && joined.has(`${sub.chat}|${way(a)}|${a.ts}|${levelKey(a.asset, a.level)}`)) continue;
      const e: NewEntry = { chat: sub.chat, alertKey: chatAlertKey(a), alert: a.kind === 'market_flush' && a.adopts ? adoptedIn(a, sub) : a, nextAttemptAt: at, createdAt: at };
      if (sub.target !== undefined) e.target = sub.target;
      const edit = editKeyOf(a);
      if (edit !== undefined) e.editKey = edit;
      out.push(e);
      const closes = closesRunning(a);
      if (closes !== undefined) {
        out.push({ chat: sub.chat, alertKey: `${e.alertKey}${RUNNING_CLOSED}`, alert: a, editKey: closes, nextAttemptAt: at, createdAt: at, ...(sub.target !== undefined ? { target: sub.target } : {}) });
      }
      if (!thread || own !== sub.chat) continue;
      if (thread.target === sub.target) e.replyTo = thread.ref;
      else out.push({ chat: sub.chat, alertKey: `${e.alertKey}${THREAD_ANSWER}`, alert: a, nextAttemptAt: at, createdAt: at, replyTo: thread.ref, ...(thread.target !== undefined ? { target: thread.target } : {}) });
    }
  }
  return out;
}
