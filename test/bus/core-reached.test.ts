/**
 * The core routes a cascade's (or flush's) end as the embedded outbox does: held against the largest tally the
 * cascade reached in earlier batches (route's `reached`), so a chat with `/alerts min` that was told of it hears it
 * end though the end's own tally is smaller; a chat never told does not. A standby learns what the leader's cascades
 * reached while it follows the store, so an end routed after a takeover is judged the same. CoreEngine driven
 * directly, over a store that answers only what the engine reads: no PostgreSQL or NATS needed.
 */
import { expect, it } from 'vitest';
import { loadConfig } from '../../config/load.js';
import { isClosingEdit } from '../../src/alerts/router.js';
import { CoreEngine } from '../../src/bus/core.js';
import type { BusBatch } from '../../src/bus/consumer.js';
import type { Alert } from '../../src/core/alerts.js';
import type { MarketEvent } from '../../src/core/events.js';
import { readEventFile } from '../../src/io/event-file.js';
import type { StateChange } from '../../src/state/changes.js';
import type { PostgresStore } from '../../src/store/postgres.js';
import type { Subscription } from '../../src/store/store.js';
import { BUNDLED } from '../helpers.js';

const T0 = Date.parse('2026-01-31T12:00:00Z');
const sub = (chat: string, minUsd: number): Subscription => ({ chat, enabled: true, assets: [], families: ['cascade', 'level'], minUsd, updatedAt: T0 });

function cascade(kind: 'cascade' | 'cascade_update' | 'cascade_end', usd: number, id = 'ETH-long-1', asset = 'ETH'): Alert {
  const base = { ts: T0, asset, cascadeId: id, side: 'long' as const, startedAt: T0, usd, byExchange: { bybit: usd }, exchanges: ['bybit'], sampled: [] };
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

/** A batch of state changes only (as a gateway publishes `/alerts min`). */
const changes = (seq: number, list: StateChange[]): BusBatch & { changes: StateChange[] } => ({ seq, subject: 'mkt._state.change', events: [], changes: list, invalid: 0, synthetic: false, ack: () => undefined });

/** An engine whose chats are `subs`, over a store that serves the bundled day's events to a standby's follow. */
async function engine(subs: Subscription[], day: MarketEvent[] = []): Promise<CoreEngine> {
  const store = {
    liquidationTotals: async () => [],
    dailyTotals: async () => [],
    withPruneHeld: <T>(op: () => Promise<T>) => op(),
    async *eventsBetween(from: number, to: number) {
      for (const e of day) if (e.ts >= from && e.ts <= to) yield e;
    },
  } as unknown as PostgresStore;
  const core = new CoreEngine(store, loadConfig(), () => T0);
  await core.derive(changes(1, subs.map((subscription) => ({ kind: 'subscription.put' as const, subscription }))));
  return core;
}

// The chats an alert is routed to (an end's closing edit of the running message aside: it goes to the same chats).
const chatsOf = (core: CoreEngine, a: Alert) => core.route([a]).filter((e) => !isClosingEdit(e)).map((e) => e.chat);

it('routes an end, in a later batch, to the chats its cascade or flush reached (not to one never told); the end forgets it', async () => {
  const core = await engine([sub('telegram:5m', 5e6), sub('telegram:6m', 6e6)]);
  expect(chatsOf(core, cascade('cascade', 3e6))).toEqual([]);
  expect(chatsOf(core, cascade('cascade_update', 5.2e6))).toEqual(['telegram:5m']);
  // The end's own tally ($4.9M) is under both minimums: the chat told at $5.2M hears it, the $6M chat does not.
  expect(chatsOf(core, cascade('cascade_end', 4.9e6))).toEqual(['telegram:5m']);
  // Market-wide flushes alike.
  expect(chatsOf(core, flush('market_flush', 3e6))).toEqual([]);
  expect(chatsOf(core, flush('market_flush_update', 5.5e6))).toEqual(['telegram:5m']);
  expect(chatsOf(core, flush('market_flush_end', 4.8e6))).toEqual(['telegram:5m']);
  // A cascade under the minimum all along is not heard, nor its end; an ended one is forgotten.
  expect(chatsOf(core, cascade('cascade', 3e6, 'ETH-long-2'))).toEqual([]);
  expect(chatsOf(core, cascade('cascade_end', 4.9e6, 'ETH-long-2'))).toEqual([]);
  expect(chatsOf(core, cascade('cascade_end', 4.9e6))).toEqual([]);
});

it('a standby that followed the store judges an end by what the leader’s cascade reached', async () => {
  const day: MarketEvent[] = [];
  for await (const e of readEventFile(BUNDLED)) day.push(e);
  // The bundled day's DOGE cascade had reached about $24.2M by 14:18 UTC (its update then), and ends after 16:00.
  const doge = 'DOGE-long-1769857380000';
  const core = await engine([sub('telegram:24m', 24e6), sub('telegram:30m', 30e6)], day);
  await core.warm({ seq: 1, watermark: Date.parse('2026-01-31T15:00:00Z') });
  expect(chatsOf(core, cascade('cascade_end', 20e6, doge, 'DOGE'))).toEqual(['telegram:24m']);
}, 60_000);
