/**
 * A running Telegram adapter against the fake Bot API, with Services built from the bundled day: the real
 * telegraf, the real commands and market, a memory store. Limits are Telegram's, twenty times faster (or `scale`),
 * on both sides. `stop()` leaves nothing open.
 */
import { loadConfig } from '../../../config/load.js';
import { createTelegramAdapter, scaleLimits, type TelegramAdapter, type TelegramAdapterOptions } from '../../../src/adapters/telegram/adapter.js';
import type { TelegramLimits } from '../../../src/adapters/telegram/pacer.js';
import { runFile, type OfflineRun } from '../../../src/offline.js';
import { createServices, type Services } from '../../../src/service.js';
import { createMemoryStore } from '../../../src/store/memory.js';
import type { Store } from '../../../src/store/store.js';
import { FakeTelegram, fakeLimits } from '../../fakes/telegram/server.js';
import type { ManualClock } from '../../alerts/clock.js';

export const SCALE = 20;
export const FIXTURE = 'fixtures/eth-2026-01-31.synthetic.jsonl';

let day: Promise<OfflineRun> | undefined;
/** The bundled synthetic day, read once per test file. */
export function bundledDay(): Promise<OfflineRun> {
  day ??= runFile(FIXTURE, loadConfig());
  return day;
}

export interface Harness {
  fake: FakeTelegram;
  adapter: TelegramAdapter;
  services: Services;
  store: Store;
  run: OfflineRun;
  /** The admin cache's clock: move it forward with `clock.ms += …`. */
  clock: { ms: number };
  stop(): Promise<void>;
}

export interface HarnessOptions {
  /** How much faster than Telegram both the fake and the adapter run (default SCALE). */
  scale?: number;
  limits?: TelegramLimits;
  webhook?: TelegramAdapterOptions['webhook'];
  /** Start the adapter (default true). */
  start?: boolean;
  services?: Partial<Omit<Services, 'apply'>>;
  /**
   * Run the pacer, the fake's limits and the bot's clock on this manual clock (at Telegram's real limits unless
   * `limits` says otherwise): time then moves only when the test moves it.
   */
  clock?: ManualClock;
  /** The fake answers message requests this slowly (real ms, by request number). */
  latencyMs?: (n: number) => number;
}

export async function startHarness(o: HarnessOptions = {}): Promise<Harness> {
  const run = await bundledDay();
  const store = createMemoryStore();
  const config = loadConfig();
  // The bot's clock stands still at the end of the day here, so the per-user command budget would never refill.
  const roomy = { ...config, limits: { ...config.limits, commandsPerUserPerMinute: 10_000, commandsPerChatPerMinute: 10_000 } };
  const manual = o.clock;
  const now = manual ? () => run.lastTs + manual.now() : () => run.lastTs;
  const services: Services = createServices({ config: roomy, market: run.market, store, now, ...o.services });
  const scale = o.scale ?? (manual ? 1 : SCALE);
  const fake = await FakeTelegram.start({ limits: fakeLimits(scale), ...(manual ? { clock: () => manual.now() } : {}), ...(o.latencyMs ? { latencyMs: o.latencyMs } : {}) });
  const clock = { ms: 1_000_000 };
  const adapter = createTelegramAdapter({
    token: fake.token,
    apiRoot: fake.apiRoot,
    services,
    limits: o.limits ?? scaleLimits(scale),
    now: () => clock.ms,
    ...(o.webhook ? { webhook: o.webhook } : {}),
    ...(manual ? { clock: manual } : {}),
  });
  if (o.start !== false) await adapter.start();
  return {
    fake,
    adapter,
    services,
    store,
    run,
    clock,
    async stop() {
      await adapter.stop();
      await fake.close();
    },
  };
}
