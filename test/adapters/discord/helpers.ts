/**
 * Shared set-up for the Discord adapter tests: Services over the bundled synthetic day (a real Market, a memory
 * store) and a started adapter pointed at the fake.
 */
import { loadConfig } from '../../../config/load.js';
import { createDiscordAdapter, type DiscordAdapter, type DiscordAdapterOptions } from '../../../src/adapters/discord/adapter.js';
import { runFile, type OfflineRun } from '../../../src/offline.js';
import { createServices, type Services } from '../../../src/service.js';
import { createMemoryStore } from '../../../src/store/memory.js';
import { FAKE_TOKEN, type FakeDiscord } from '../../fakes/discord/server.js';

export const FIXTURE = 'fixtures/eth-2026-01-31.synthetic.jsonl';

/** Services over the bundled day, with the clock at the day's last event (and the day's alerts). */
export async function dayRun(): Promise<{ services: Services; run: OfflineRun }> {
  const config = loadConfig();
  const run = await runFile(FIXTURE, config);
  return { services: createServices({ config, market: run.market, store: createMemoryStore(), now: () => run.lastTs }), run };
}

export async function dayServices(): Promise<Services> {
  return (await dayRun()).services;
}

/** Resources (sockets, timers, servers) the process holds now, by kind: to check a test left none behind. */
export function openResources(): Record<string, number> {
  const out: Record<string, number> = {};
  for (const r of process.getActiveResourcesInfo()) out[r] = (out[r] ?? 0) + 1;
  return out;
}

/** A started adapter talking to the fake. */
export async function startAdapter(fake: FakeDiscord, services: Services, extra: Partial<DiscordAdapterOptions> = {}): Promise<DiscordAdapter> {
  const adapter = createDiscordAdapter({ token: FAKE_TOKEN, apiBase: fake.apiBase, services, ...extra });
  await adapter.start();
  return adapter;
}
