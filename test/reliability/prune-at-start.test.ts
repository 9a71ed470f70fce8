/**
 * Retention runs a minute after start, then hourly: a bot restarted more often than hourly (a crash loop, frequent
 * deploys) still prunes its outbox and events. Fake time.
 */
import { afterEach, expect, it, vi } from 'vitest';
import { startPruning } from '../../src/main.js';

afterEach(() => vi.useRealTimers());

it('prunes a minute after start, then every hour, and not after stop', async () => {
  vi.useFakeTimers();
  let pruned = 0;
  const pruner = startPruning(() => pruned++);
  await vi.advanceTimersByTimeAsync(59_000);
  expect(pruned).toBe(0);
  await vi.advanceTimersByTimeAsync(1_000);
  expect(pruned).toBe(1);
  await vi.advanceTimersByTimeAsync(3_600_000);
  expect(pruned).toBe(2);
  pruner.stop();
  await vi.advanceTimersByTimeAsync(10 * 3_600_000);
  expect(pruned).toBe(2);
});

it('a bot stopped before the first minute prunes nothing and leaves no timer', async () => {
  vi.useFakeTimers();
  let pruned = 0;
  startPruning(() => pruned++).stop();
  expect(vi.getTimerCount()).toBe(0);
  await vi.advanceTimersByTimeAsync(2 * 3_600_000);
  expect(pruned).toBe(0);
});
