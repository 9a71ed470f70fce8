/**
 * The Telegram side of the delivery figures: the local fake Bot API (test/fakes/telegram, enforcing
 * Telegram's limits) and the real adapter (telegraf) pointed at it, both on 127.0.0.1, at the same scale.
 * Loaded only when those files exist, so the rest of the bench runs while the adapter is being written.
 */
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Services } from '../src/service.js';
import type { TelegramAdapter } from '../src/adapters/telegram/adapter.js';
import type { FakeTelegram } from '../test/fakes/telegram/server.js';

const ADAPTER = fileURLToPath(new URL('../src/adapters/telegram/adapter.ts', import.meta.url));
const FAKE = fileURLToPath(new URL('../test/fakes/telegram/server.ts', import.meta.url));

type AdapterModule = typeof import('../src/adapters/telegram/adapter.js');
type FakeModule = typeof import('../test/fakes/telegram/server.js');
export type { FakeTelegram, TelegramAdapter };

export interface TelegramKit {
  adapterModule: AdapterModule;
  fakeModule: FakeModule;
}

/** The adapter and the fake, or why they are not available. */
export async function loadTelegram(): Promise<TelegramKit | { missing: string }> {
  for (const f of [ADAPTER, FAKE]) if (!existsSync(f)) return { missing: `${f} does not exist` };
  try {
    const [adapterModule, fakeModule] = await Promise.all([
      import('../src/adapters/telegram/adapter.js'),
      import('../test/fakes/telegram/server.js'),
    ]);
    return { adapterModule, fakeModule };
  } catch (err) {
    return { missing: `cannot load it: ${(err as Error).message}` };
  }
}

export interface Telegram {
  fake: FakeTelegram;
  adapter: TelegramAdapter;
  stop(): Promise<void>;
}

/**
 * A fake Bot API enforcing Telegram's limits `scale` times faster and the adapter pacing to the same limits
 * (the pacer's margin, which covers the timers' rounding, stays as it is). The figures run at scale 1: a scaled
 * run does not keep the shape, because the pacer counts each window from Telegram's answer, so every window also
 * carries the request's round trip and the timer's lag, which do not shrink with the windows (a 10× run read
 * 11–20 points lower than scale 1 on a loaded 2-core machine).
 */
export async function startTelegram(kit: TelegramKit, services: Services, scale: number): Promise<Telegram> {
  const fake = await kit.fakeModule.FakeTelegram.start({ limits: kit.fakeModule.fakeLimits(scale) });
  const limits = kit.adapterModule.scaleLimits(scale);
  const adapter = kit.adapterModule.createTelegramAdapter({ token: fake.token, apiRoot: fake.apiRoot, services, limits });
  await adapter.start();
  return {
    fake,
    adapter,
    async stop() {
      await adapter.stop();
      await fake.close();
    },
  };
}

/** Telegram's global limit at this scale, in messages per second. */
export function allowedPerSecond(kit: TelegramKit, scale: number): number {
  const g = kit.adapterModule.TELEGRAM_LIMITS.global;
  return (g.messages / g.windowMs) * 1000 * scale;
}
