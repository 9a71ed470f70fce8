/**
 * The chart service's wiring (not the drawing): one render per (chart, asset, window, chat, minute, levels)
 * however many replies show it, at most `concurrency` renders at once bot-wide, a full queue refused (the reply
 * goes without its chart), and a failed render retried next time.
 */
import { afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { loadConfig } from '../../config/load.js';
import { createChartService } from '../../src/charts/service.js';
import type { Market } from '../../src/core/market.js';
import { runFile } from '../../src/offline.js';
import { BUNDLED } from '../helpers.js';

let market: Market;
beforeAll(async () => {
  market = (await runFile(BUNDLED, loadConfig())).market;
});
// Bottleneck starts, queues and finishes jobs on its own timer turns: on a fake clock the test runs them all, so
// "nothing more will start" is a fact (no timer left), not a guess after a pause.
beforeEach(() => {
  vi.useFakeTimers();
});
afterEach(() => {
  vi.useRealTimers();
});

/** Run every timer (bottleneck's turns) and what they start, until none is left. */
async function settle(): Promise<void> {
  await vi.runAllTimersAsync();
  expect(vi.getTimerCount()).toBe(0);
}

/** A renderer the test finishes by hand, counting what runs at once. */
function renderer() {
  const r = { calls: 0, running: 0, peak: 0, waiting: [] as (() => void)[], fail: false };
  const render = () =>
    new Promise<{ png: Uint8Array }>((resolve, reject) => {
      r.calls++;
      r.running++;
      r.peak = Math.max(r.peak, r.running);
      r.waiting.push(() => {
        r.running--;
        if (r.fail) reject(new Error('boom'));
        else resolve({ png: new Uint8Array([r.calls]) });
      });
    });
  /** Let the limiter do all it can (every timer run, none left), then finish the oldest render; until none is left. */
  const finishAll = async () => {
    for (;;) {
      await settle();
      const next = r.waiting.shift();
      if (!next) return;
      next();
    }
  };
  return { r, render, finishAll };
}

describe('chart service', () => {
  it('renders a chart once for every reply in the same minute, and again for another window or chat', async () => {
    const { r, render, finishAll } = renderer();
    const charts = createChartService(() => market, { renderLiqs: render });
    const shown = [charts.liqs(market.summary('ETH', '24h', 86_400_000))!, charts.liqs(market.summary('ETH', '24h', 86_400_000))!, charts.liqs(market.summary('ETH', '4h', 14_400_000))!, charts.liqs(market.summary('ETH', '24h', 86_400_000), 'telegram:-5')!];
    const pngs = shown.map((img) => img.render());
    await finishAll();
    const bytes = await Promise.all(pngs);
    expect(r.calls).toBe(3);
    expect(bytes[0]).toBe(bytes[1]);
    expect(await shown[1]!.render()).toBe(bytes[0]);
  });

  it('renders at most two at once bot-wide and refuses beyond the queue, so the reply goes without its chart', async () => {
    const { r, render, finishAll } = renderer();
    const charts = createChartService(() => market, { renderLiqs: render, concurrency: 2, maxQueued: 3 });
    // Six different charts: the same asset in six chats (each chat's own levels may differ).
    const pngs = [1, 2, 3, 4, 5, 6].map((i) => charts.liqs(market.summary('ETH', '24h', 86_400_000), `telegram:-${i}`)!.render().then(() => 'png', (e: Error) => e.message));
    await settle(); // the limiter has started all it will start while none finishes: a third would be running now
    expect(r.running).toBe(2);
    expect(r.calls).toBe(2);
    await finishAll();
    const results = await Promise.all(pngs);
    expect(r.peak).toBe(2);
    expect(results.filter((x) => x === 'png').length).toBe(5); // 2 running + 3 queued
    expect(results.filter((x) => x !== 'png')).toEqual(['chart renderer busy: too many charts waiting']);
  });

  it('forgets a failed render, so the next reply tries again', async () => {
    const { r, render, finishAll } = renderer();
    const charts = createChartService(() => market, { renderLiqs: render });
    r.fail = true;
    const first = charts.liqs(market.summary('ETH', '24h', 86_400_000))!.render().catch((e: Error) => e.message);
    await finishAll();
    expect(await first).toBe('boom');
    r.fail = false;
    const second = charts.liqs(market.summary('ETH', '24h', 86_400_000))!.render();
    await finishAll();
    expect(await second).toEqual(new Uint8Array([2]));
  });
});
