/**
 * A cascade's or a market-wide flush's end goes to the chats that heard of it, by the largest tally its start and
 * updates told (`heardUsd`), not by its own tally: that one counts the prints after the last update too, so a chat whose
 * `/alerts min` lies between the two was told nothing of it and gets no end. A chat that heard of it gets the end, and
 * its running message is closed. Driven through the engine (the detectors fill `heardUsd`), routed, and delivered.
 */
import { describe, expect, it } from 'vitest';
import { buildConfig } from '../../config/load.js';
import type { ChatAdapter, DeliveryResult, DeliveryTarget } from '../../src/adapters/contract.js';
import { Outbox } from '../../src/alerts/outbox.js';
import { isClosingEdit, route } from '../../src/alerts/router.js';
import type { Alert } from '../../src/core/alerts.js';
import type { MarketEvent } from '../../src/core/events.js';
import { Market } from '../../src/core/market.js';
import { createMemoryStore } from '../../src/store/memory.js';
import type { Subscription } from '../../src/store/store.js';

const T0 = Date.parse('2026-03-02T12:00:00Z');
const S = 1_000;
const MIN = 60_000;
const sub = (chat: string, minUsd: number): Subscription => ({ chat, enabled: true, assets: [], families: ['cascade', 'level'], minUsd, updatedAt: T0 });
const long = (ts: number, symbol: string, usd: number): MarketEvent => ({ type: 'liquidation', ts, exchange: 'bybit', symbol, side: 'long', price: 100, amount: usd / 100, usd });

/** The engine's alerts for these prints, then for the half hour after them, minute by minute (the end comes in it). */
function alertsOf(market: Market, prints: MarketEvent[]): Alert[] {
  const out: Alert[] = [];
  for (const e of prints) out.push(...market.ingest(e));
  for (let t = prints.at(-1)!.ts + MIN; t <= prints.at(-1)!.ts + 30 * MIN; t += MIN) out.push(...market.catchUp(t));
  return out;
}

/**
 * ETH longs on Bybit alone, a $5M start threshold (ETH's floor): five $1M prints start it at $5M; 70 s in, three $500K
 * prints grow it 30% and the update posts $6.5M; 10 s later two more bring it to $7.5M, 15% more, under the 25% an edit
 * takes, so nothing more is told; it ends at $7.5M.
 */
function cascadeAlerts(): Alert[] {
  const prints = [
    ...[0, 1, 2, 3, 4].map((i) => long(T0 + i * S, 'ETH/USDT:USDT', 1_000_000)),
    ...[0, 1, 2].map((i) => long(T0 + 70 * S + i * S, 'ETH/USDT:USDT', 500_000)),
    ...[0, 1].map((i) => long(T0 + 80 * S + i * S, 'ETH/USDT:USDT', 500_000)),
  ];
  return alertsOf(new Market(buildConfig({ exchanges: ['bybit'], assets: ['ETH'] })), prints);
}

/**
 * Twelve assets' longs on Bybit alone, a $2.5M threshold (the $10M floor at Bybit's 25% share), ten assets needed:
 * $250K prints of ten assets start it at $2.5M; 70 s in, three more post the update at $3.25M; 10 s later three more
 * bring it to $4M, 23% more, under the 25% an edit takes; it ends at $4M. No asset comes near its own cascade floor.
 */
function flushAlerts(): Alert[] {
  const asset = (i: number) => `A${i % 12}/USDT:USDT`;
  const prints = [
    ...Array.from({ length: 10 }, (_, i) => long(T0 + i * 100, asset(i), 250_000)),
    ...[10, 11, 12].map((i) => long(T0 + 70 * S + i * 100, asset(i), 250_000)),
    ...[13, 14, 15].map((i) => long(T0 + 80 * S + i * 100, asset(i), 250_000)),
  ];
  return alertsOf(new Market(buildConfig({ exchanges: ['bybit'], assets: ['A0'] })), prints);
}

/** What each chat's entries are: the alert's kind, and `closed` for a running message's closing edit. */
function routed(alerts: Alert[], subs: Subscription[]): Record<string, string[]> {
  const out: Record<string, string[]> = Object.fromEntries(subs.map((s) => [s.chat, []]));
  for (const e of route(alerts, subs, T0)) out[e.chat]!.push(isClosingEdit(e) ? 'closed' : e.alert.kind);
  return out;
}

class Chat implements ChatAdapter {
  readonly platform = 'telegram' as const;
  got = new Map<string, string[]>();
  async start() {}
  async stop() {}
  async deliver(to: DeliveryTarget, _reply: unknown, editRef?: string): Promise<DeliveryResult> {
    const l = this.got.get(to.chat) ?? [];
    l.push(editRef ? 'edit' : 'post');
    this.got.set(to.chat, l);
    return { ok: true, messageRef: `${to.chat}#${l.length}` };
  }
}

/** What each chat got when the alerts are published one by one, as live (minutes apart): posts and edits. */
async function delivered(alerts: Alert[], subs: Subscription[]): Promise<Map<string, string[]>> {
  const store = createMemoryStore();
  for (const s of subs) store.putSubscription(s);
  const chat = new Chat();
  const ob = new Outbox({ store, adapters: { telegram: chat }, now: () => T0 });
  ob.start();
  for (const a of alerts) {
    ob.publish([a]);
    await ob.idle();
  }
  return chat.got;
}

describe('a cascade whose end counts more than its last update told', () => {
  const alerts = cascadeAlerts().filter((a) => a.kind.startsWith('cascade'));
  const subs = [sub('telegram:any', 0), sub('telegram:6m', 6e6), sub('telegram:7m', 7e6)];

  it('ends at $7.5M, having told $5M and $6.5M: its end carries the $6.5M', () => {
    expect(alerts.map((a) => [a.kind, 'usd' in a ? a.usd : NaN])).toEqual([['cascade', 5e6], ['cascade_update', 6.5e6], ['cascade_end', 7.5e6]]);
    expect(alerts[2]).toMatchObject({ kind: 'cascade_end', heardUsd: 6.5e6 });
  });

  it('is not ended in a chat whose minimum ($7M) lies between the two, and is in those that heard of it, closing their message', () => {
    expect(routed(alerts, subs)).toEqual({
      'telegram:any': ['cascade', 'cascade_update', 'cascade_end', 'closed'],
      'telegram:6m': ['cascade_update', 'cascade_end', 'closed'],
      'telegram:7m': [],
    });
  });

  it('delivered as live: the $6M chat gets the update, the end and the closing edit; the $7M chat nothing', async () => {
    const got = await delivered(alerts, subs);
    expect(got.get('telegram:any')).toEqual(['post', 'edit', 'post', 'edit']);
    expect(got.get('telegram:6m')).toEqual(['post', 'post', 'edit']);
    expect(got.get('telegram:7m')).toBeUndefined();
  });
});

describe('a market-wide flush whose end counts more than its last update told', () => {
  const alerts = flushAlerts();
  const subs = [sub('telegram:any', 0), sub('telegram:3m', 3e6), sub('telegram:3.5m', 3.5e6)];

  it('ends at $4M, having told $2.5M and $3.25M: its end carries the $3.25M (and no asset had a cascade)', () => {
    expect(alerts.map((a) => [a.kind, 'usd' in a ? a.usd : NaN])).toEqual([['market_flush', 2.5e6], ['market_flush_update', 3.25e6], ['market_flush_end', 4e6]]);
    expect(alerts[2]).toMatchObject({ kind: 'market_flush_end', heardUsd: 3.25e6 });
  });

  it('is not ended in a chat whose minimum ($3.5M) lies between the two, and is in those that heard of it, closing their message', () => {
    expect(routed(alerts, subs)).toEqual({
      'telegram:any': ['market_flush', 'market_flush_update', 'market_flush_end', 'closed'],
      'telegram:3m': ['market_flush_update', 'market_flush_end', 'closed'],
      'telegram:3.5m': [],
    });
  });

  it('delivered as live: the $3M chat gets the update, the end and the closing edit; the $3.5M chat nothing', async () => {
    const got = await delivered(alerts, subs);
    expect(got.get('telegram:any')).toEqual(['post', 'edit', 'post', 'edit']);
    expect(got.get('telegram:3m')).toEqual(['post', 'post', 'edit']);
    expect(got.get('telegram:3.5m')).toBeUndefined();
  });
});

it('an end stored from before `heardUsd` existed is routed by its own tally, as it was', () => {
  const end = cascadeAlerts().find((a) => a.kind === 'cascade_end')!;
  const { heardUsd: _, ...old } = end as Extract<Alert, { kind: 'cascade_end' }>;
  expect(routed([old], [sub('telegram:7m', 7e6), sub('telegram:8m', 8e6)])).toEqual({ 'telegram:7m': ['cascade_end', 'closed'], 'telegram:8m': [] });
});
