/**
 * Routing: one detector run serves every chat. Each alert becomes one outbox entry per chat that subscribed
 * to its family and asset, at most once per chat (the entry's key is the alert's identity in that chat).
 */
import { familyOf, type Alert } from '../core/alerts.js';
import { levelKey } from '../core/levels.js';
import type { NewEntry, Subscription } from '../store/store.js';

/** What makes an alert the same alert in one chat: a chat's own level and a global one at the same price break once. */
export function chatAlertKey(a: Alert): string {
  return a.kind === 'level_break' ? `level:${levelKey(a.asset, a.level)}:${a.direction}:${a.ts}` : a.key;
}

/** Cascade starts and updates edit one running message per chat; the end is a new post. */
export function editKeyOf(a: Alert): string | undefined {
  return a.kind === 'cascade' || a.kind === 'cascade_update' ? a.cascadeId : undefined;
}

export function wants(sub: Subscription, a: Alert): boolean {
  if (!sub.enabled || !sub.families.includes(familyOf(a.kind))) return false;
  if (sub.assets.length > 0 && !sub.assets.includes(a.asset)) return false;
  if (a.kind === 'level_break' || a.kind === 'level_chop') return a.chat === undefined || a.chat === sub.chat;
  // A chat that follows every asset hears a market-wide flush once, with the cascades it carries inside it.
  if (a.kind === 'market_flush') return sub.assets.length === 0 && a.usd >= sub.minUsd;
  if (a.flushId !== undefined && sub.assets.length === 0) return false;
  // A chat with a minimum hears of a cascade once its tally reaches it (the first such update posts).
  return a.usd >= sub.minUsd;
}

export function route(alerts: readonly Alert[], subs: readonly Subscription[], now: number): NewEntry[] {
  const out: NewEntry[] = [];
  for (const a of alerts) {
    for (const sub of subs) {
      if (!wants(sub, a)) continue;
      const e: NewEntry = { chat: sub.chat, alertKey: chatAlertKey(a), alert: a, nextAttemptAt: now, createdAt: now };
      if (sub.target !== undefined) e.target = sub.target;
      const edit = editKeyOf(a);
      if (edit !== undefined) e.editKey = edit;
      out.push(e);
    }
  }
  return out;
}
