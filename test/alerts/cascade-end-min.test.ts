/**
 * A chat with `/alerts min` that was told of a cascade (its start or an update reached the minimum) is told its end,
 * and a chat never told of it does not hear its end either: the end is routed by the largest tally its start and
 * updates told (`heardUsd`, checked against them on every real recording and the bundled day), not by its own, which
 * counts the prints after the last update too (test/alerts/end-routing.test.ts). Across publishes (the live case:
 * start, updates and end are raised minutes apart), and for a market-wide flush the same.
 */
import { expect, it } from 'vitest';
import { readdirSync } from 'node:fs';
import { loadConfig } from '../../config/load.js';
import { loadFile, runFile } from '../../src/offline.js';
import { runningId } from '../../src/alerts/router.js';
import { BUNDLED } from '../helpers.js';
import type { ChatAdapter, DeliveryResult, DeliveryTarget } from '../../src/adapters/contract.js';
import type { Alert } from '../../src/core/alerts.js';
import { Outbox } from '../../src/alerts/outbox.js';
import { isClosingEdit, route } from '../../src/alerts/router.js';
import { createMemoryStore } from '../../src/store/memory.js';
import type { Subscription } from '../../src/store/store.js';

const T0 = Date.parse('2026-01-31T12:00:00Z');
const sub = (chat: string, over: Partial<Subscription> = {}): Subscription => ({ chat, enabled: true, assets: [], families: ['cascade', 'level'], minUsd: 0, updatedAt: T0, ...over });

function cascade(kind: 'cascade' | 'cascade_update' | 'cascade_end', usd: number, id = 'ETH-long-1'): Alert {
  const base = { ts: T0, asset: 'ETH', cascadeId: id, side: 'long' as const, startedAt: T0, usd, byExchange: { bybit: usd }, exchanges: ['bybit'], sampled: [] };
  if (kind === 'cascade') return { kind, key: `c:${id}:s`, ...base, windowUsd: usd, windowMs: 300_000, thresholdUsd: 1 };
  if (kind === 'cascade_update') return { kind, key: `c:${id}:u:${usd}`, ...base };
  return { kind, key: `c:${id}:e`, ...base, endedAt: T0 + 1, durationMs: 1 };
}
function flush(kind: 'market_flush' | 'market_flush_update' | 'market_flush_end', usd: number): Alert {
  const base = { ts: T0, asset: 'ALL' as const, flushId: 'F1', side: 'long' as const, startedAt: T0, usd, assetCount: 12, leaders: [], exchanges: ['bybit'], sampled: [] };
  if (kind === 'market_flush') return { kind, key: 'f:s', ...base, windowMs: 300_000 };
  if (kind === 'market_flush_update') return { kind, key: `f:u:${usd}`, ...base };
  return { kind, key: 'f:e', ...base, endedAt: T0 + 1, durationMs: 1 };
}

class Chat implements ChatAdapter {
  readonly platform = 'telegram' as const;
  got = new Map<string, string[]>();
  async start() {}
  async stop() {}
  async deliver(to: DeliveryTarget, reply: unknown, editRef?: string): Promise<DeliveryResult> {
    const l = this.got.get(to.chat) ?? [];
    l.push(editRef ? 'edit' : 'post');
    this.got.set(to.chat, l);
    return { ok: true, messageRef: `${to.chat}#${l.length}` };
  }
}

it('in one publish: the update at $5.2M posts, and so does the end at $5.3M (a chat with min $6M hears neither)', () => {
  const subs = [sub('telegram:5m', { minUsd: 5e6 }), sub('telegram:6m', { minUsd: 6e6 })];
  const kinds = (chat: string) => route([cascade('cascade', 3e6), cascade('cascade_update', 5.2e6), cascade('cascade_end', 5.3e6)], subs, T0).filter((e) => e.chat === chat && !isClosingEdit(e)).map((e) => e.alert.kind);
  expect(kinds('telegram:5m')).toEqual(['cascade_update', 'cascade_end']);
  expect(kinds('telegram:6m')).toEqual([]);
});

it('across publishes, as live: the end follows the update the chat was told; cascades and flushes alike', async () => {
  const store = createMemoryStore();
  store.putSubscription(sub('telegram:5m', { minUsd: 5e6 }));
  store.putSubscription(sub('telegram:6m', { minUsd: 6e6 }));
  const chat = new Chat();
  const ob = new Outbox({ store, adapters: { telegram: chat }, now: () => T0 });
  ob.start();
  for (const a of [cascade('cascade', 3e6), cascade('cascade_update', 5.2e6), cascade('cascade_end', 5.3e6), flush('market_flush', 3e6), flush('market_flush_update', 5.5e6), flush('market_flush_end', 5.6e6)]) {
    ob.publish([a]);
    await ob.idle();
  }
  // The update is a post (nothing to edit yet), its end a post, then the update's message closed by an edit; the flush the same.
  expect(chat.got.get('telegram:5m')).toEqual(['post', 'post', 'edit', 'post', 'post', 'edit']);
  expect(chat.got.get('telegram:6m')).toBeUndefined();
  // A later cascade under the minimum all along is not heard.
  for (const a of [cascade('cascade', 3e6, 'ETH-long-2'), cascade('cascade_end', 4.9e6, 'ETH-long-2')]) ob.publish([a]);
  await ob.idle();
  expect(chat.got.get('telegram:5m')).toHaveLength(6);
});

it('an end counts at least the largest tally its start and updates posted, and carries that tally, on every real recording and the bundled day', async () => {
  const files = [BUNDLED, ...readdirSync('fixtures').filter((f) => f.endsWith('-forceorder.real.jsonl')).map((f) => `fixtures/${f}`)];
  let ends = 0;
  for (const f of files) {
    const run = await runFile(await loadFile(f), loadConfig(), {});
    const largest = new Map<string, number>();
    for (const a of run.alerts) {
      const id = runningId(a);
      if (id === undefined || !('usd' in a)) continue;
      if (a.kind === 'cascade_end' || a.kind === 'market_flush_end') {
        ends++;
        expect(a.usd, `${f} ${id}`).toBeGreaterThanOrEqual(largest.get(id) ?? 0);
        expect(a.heardUsd, `${f} ${id}`).toBe(largest.get(id));
      } else largest.set(id, Math.max(largest.get(id) ?? 0, a.usd));
    }
  }
  expect(ends).toBeGreaterThanOrEqual(10);
});
