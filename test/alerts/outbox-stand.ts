/**
 * The outbox tests' stand: a memory store, the file's fake chat and a clock at `T0` that the test moves, made anew
 * before each test; real timers again after each (for the tests that fake them).
 *
 *   let store: Store;
 *   let chat: FakeChat;
 *   let now: number;
 *   outboxStand(() => new FakeChat(), (s) => ({ store, chat, now } = s));
 */
import { afterEach, beforeEach, vi } from 'vitest';
import { createMemoryStore } from '../../src/store/memory.js';
import type { Store, Subscription } from '../../src/store/store.js';

export const T0 = Date.parse('2026-01-31T12:00:00Z');

/** A chat's subscription to every cascade and level alert, of any size, set at `T0`. */
export function sub(chat: string, over: Partial<Subscription> = {}): Subscription {
  return { chat, enabled: true, assets: [], families: ['cascade', 'level'], minUsd: 0, updatedAt: T0, ...over };
}

/** Before each test, a fresh store, chat and `now` (T0) handed to `use`, which keeps them in the file's variables. */
export function outboxStand<C>(newChat: () => C, use: (stand: { store: Store; chat: C; now: number }) => void): void {
  beforeEach(() => use({ store: createMemoryStore(), chat: newChat(), now: T0 }));
  afterEach(() => vi.useRealTimers());
}
