/**
 * The weekly digest to more chats than the memory cap: with a healthy store every opted-in chat gets its digest (the
 * cap is for alerts held while the store refuses them, and only then gives any up); with a failing store the cap holds.
 */
import { expect, it } from 'vitest';
import type { ChatAdapter, DeliveryResult } from '../../src/adapters/contract.js';
import type { Alert } from '../../src/core/alerts.js';
import { Outbox } from '../../src/alerts/outbox.js';
import { StoreFaults } from '../../src/store/faults.js';
import { createMemoryStore } from '../../src/store/memory.js';
import type { Subscription } from '../../src/store/store.js';
import { faultyStore } from '../store/faulty.js';

const T0 = Date.parse('2026-02-02T00:00:00Z');
const N = 12_000;
const chats = Array.from({ length: N }, (_, i) => `telegram:${-1_000_000 - i}`);
const sub = (chat: string): Subscription => ({ chat, enabled: true, assets: [], families: ['level'], minUsd: 0, updatedAt: T0, digest: true });
const digest = (chat: string) => ({ kind: 'digest', key: `digest:${chat}:w5`, ts: T0, asset: 'ALL', chat, digest: {} }) as unknown as Alert;
/** Delivers nothing: the test is about what is queued. */
const idle: ChatAdapter = { platform: 'telegram', start: async () => {}, stop: async () => {}, deliver: async (): Promise<DeliveryResult> => new Promise(() => {}) };

it(`queues all ${N.toLocaleString('en')} digests when the store takes them, giving none up`, async () => {
  const store = createMemoryStore();
  for (const c of chats) store.putSubscription(sub(c));
  const faults = new StoreFaults();
  const ob = new Outbox({ store, adapters: { telegram: idle }, now: () => T0, faults, concurrency: 1 });
  expect(ob.publish(chats.map(digest))).toBe(N);
  await ob.idle();
  expect(store.pendingCount()).toBe(N);
  expect(faults.health().lost.alerts).toBe(0);
});

it('holds at most 10,000 of them while the store refuses them, counting the rest as lost', () => {
  const inner = createMemoryStore();
  for (const c of chats) inner.putSubscription(sub(c));
  const { store, fail } = faultyStore(inner);
  fail.listSubscriptions = 'SQLITE_IOERR';
  const faults = new StoreFaults();
  const ob = new Outbox({ store, adapters: { telegram: idle }, now: () => T0, faults });
  expect(ob.publish(chats.map(digest))).toBe(0);
  expect(faults.health()).toMatchObject({ heldAlerts: 10_000, lost: { alerts: N - 10_000 } });
});
