/**
 * `/level digest` draws its chart through the chart service, like /liqs and /levels: a burst across chats renders at
 * most two at once bot-wide and refuses beyond the queue (the reply goes without its chart), one chat asking twice in
 * a minute is rendered once, and the bars it draws are the week's, on the clock (from Monday 00:00), not from the
 * moment asked.
 */
import { afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { runCommandLine } from '../../commands/index.js';
import type { CommandContext } from '../../commands/types.js';
import { loadConfig } from '../../config/load.js';
import type { DigestChartInput } from '../../src/charts/digest.js';
import { createChartService } from '../../src/charts/service.js';
import type { Market } from '../../src/core/market.js';
import { runFile } from '../../src/offline.js';
import type { Reply } from '../../src/replies/reply.js';
import { createServices } from '../../src/service.js';
import { createMemoryStore } from '../../src/store/memory.js';
import { BUNDLED } from '../helpers.js';

const HOUR = 3_600_000;
let market: Market;
beforeAll(async () => {
  market = (await runFile(BUNDLED, loadConfig())).market;
});
beforeEach(() => {
  vi.useFakeTimers();
});
afterEach(() => {
  vi.useRealTimers();
});

/** A digest renderer the test finishes by hand, counting what runs at once and keeping what it was asked to draw. */
function renderer() {
  const r = { calls: 0, running: 0, peak: 0, inputs: [] as DigestChartInput[], waiting: [] as (() => void)[] };
  const render = (input: DigestChartInput) =>
    new Promise<{ png: Uint8Array }>((resolve) => {
      r.calls++;
      r.running++;
      r.peak = Math.max(r.peak, r.running);
      r.inputs.push(input);
      r.waiting.push(() => {
        r.running--;
        resolve({ png: new Uint8Array([r.calls]) });
      });
    });
  const finishAll = async () => {
    for (;;) {
      await vi.runAllTimersAsync();
      const next = r.waiting.shift();
      if (!next) return;
      next();
    }
  };
  return { r, render, finishAll };
}

function digestIn(charts: ReturnType<typeof createChartService>, chat: string): Promise<Reply> {
  const services = createServices({ config: loadConfig(), market, store: createMemoryStore(), now: () => market.clock, charts });
  const ctx: CommandContext = { chat: { key: chat, platform: 'telegram', kind: 'group' }, user: { id: 'u', name: 'ann' }, isAdmin: false, now: market.clock, services };
  return runCommandLine('/level digest eth', ctx);
}

describe('/level digest’s chart', () => {
  it('renders at most two at once across chats, refuses beyond the queue, and once per chat and minute', async () => {
    const { r, render, finishAll } = renderer();
    const charts = createChartService(() => market, { renderDigest: render, concurrency: 2, maxQueued: 3 });
    const replies = await Promise.all([1, 2, 3, 4, 5, 6, 1].map((i) => digestIn(charts, `telegram:-${i}`)));
    const pngs = replies.map((reply) => reply.image!.render().then(() => 'png', (e: Error) => e.message));
    await vi.runAllTimersAsync();
    expect(r.running).toBe(2);
    await finishAll();
    const results = await Promise.all(pngs);
    expect(r.peak).toBe(2);
    expect(r.calls).toBe(5); // 2 running + 3 queued; the sixth chat refused; chat 1 again is the render it had
    expect(results.filter((x) => x !== 'png')).toEqual(['chart renderer busy: too many charts waiting']);
  });

  it('draws the week so far on hourly bars of the clock, from Monday 00:00', async () => {
    const { r, render, finishAll } = renderer();
    const charts = createChartService(() => market, { renderDigest: render });
    const reply = await digestIn(charts, 'telegram:-9');
    const png = reply.image!.render();
    await finishAll();
    await png;
    const { prices, digest, asset } = r.inputs[0]!;
    expect(asset).toBe('ETH');
    expect(digest.from).toBe(Date.parse('2026-01-26T00:00:00Z')); // the Monday of the bundled Saturday
    expect(prices.length).toBeGreaterThan(20);
    expect(prices.every((p) => p.ts % HOUR === 0)).toBe(true);
  });

  it('a deployment without charts answers without one', async () => {
    const services = createServices({ config: loadConfig(), market, store: createMemoryStore(), now: () => market.clock });
    const ctx: CommandContext = { chat: { key: 'telegram:-10', platform: 'telegram', kind: 'group' }, user: { id: 'u', name: 'ann' }, isAdmin: false, now: market.clock, services };
    const reply = await runCommandLine('/level digest eth', ctx);
    expect(reply.title?.join('')).toContain('Weekly levels digest');
    expect(reply.image).toBeUndefined();
  });
});
