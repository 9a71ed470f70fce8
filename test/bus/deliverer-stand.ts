/**
 * The deliver tests' stand: a fresh PostgreSQL schema with one chat subscribed, and a Deliverer holding the lease
 * with a fence renewed now, its state changes recorded. What it opens is closed by `closing` (the caller's afterEach).
 */
import type { ChatAdapter } from '../../src/adapters/contract.js';
import { Deliverer, Fence } from '../../src/bus/deliver.js';
import type { StateChange } from '../../src/state/changes.js';
import { openPostgresStore, type PostgresStore } from '../../src/store/postgres.js';
import type { Subscription } from '../../src/store/store.js';
import { PG_URL, schemaName } from '../services/postgres.js';
import { until } from './children.js';

/**
 * `opts.pollMs`: the Deliverer's (how old a whole read may get); `opts.wrap`: the store as the Deliverer sees it (a
 * test's faults), the real one returned beside it.
 */
export async function leasedDeliverer(
  adapter: ChatAdapter,
  sub: Subscription,
  closing: (() => Promise<unknown>)[],
  backoff = { baseMs: 1, maxMs: 1 },
  opts: { pollMs?: number; wrap?: (store: PostgresStore) => PostgresStore } = {},
) {
  const store: PostgresStore = await openPostgresStore({ url: PG_URL, schema: schemaName(), migrate: true });
  closing.push(() => store.close());
  await store.putSubscription(sub);
  const token = await store.takeLease('deliver:test', 'me', 600_000);
  const fence = new Fence(600_000, 1_000);
  fence.renewed(performance.now());
  const changes: StateChange[] = [];
  const deliverer = new Deliverer({
    store: opts.wrap ? opts.wrap(store) : store,
    adapter,
    state: { apply: (c) => changes.push(c) },
    lease: { name: 'deliver:test', holder: 'me', token: token! },
    fence,
    ttlMs: 600_000,
    backoff,
    ...(opts.pollMs !== undefined ? { pollMs: opts.pollMs } : {}),
  });
  closing.push(() => deliverer.stop());
  /** Until nothing is pending. */
  const settled = () => until(async () => (await store.pendingCount()) === 0, 'the outbox to be settled', 15_000, 20);
  return { store, deliverer, changes, settled };
}

/** Until `check` holds, polled on the real clock (Date is faked), or fail naming `what`. */
export async function waitFor(check: () => boolean | Promise<boolean>, what: string, timeoutMs = 15_000): Promise<void> {
  const deadline = performance.now() + timeoutMs;
  while (!(await check())) {
    if (performance.now() > deadline) throw new Error(`timed out after ${timeoutMs / 1000} s waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

/** The store as the Deliverer sees it, `override` in place of the methods it names. */
export function wrapped(store: PostgresStore, override: Partial<PostgresStore>): PostgresStore {
  return new Proxy(store, {
    get(target, prop) {
      if (prop in override) return override[prop as keyof PostgresStore];
      const v = Reflect.get(target, prop, target) as unknown;
      return typeof v === 'function' ? (v as (...a: unknown[]) => unknown).bind(target) : v;
    },
  });
}
