/**
 * `liqbot start` with `exchanges: []` starts (the tests run it so), but says once, as a warning, that it will have no
 * liquidation or price data, and its `/healthz` names the setting instead of "no liquidation feed live".
 */
import { createServer, type AddressInfo } from 'node:net';
import { join } from 'node:path';
import { afterEach, expect, it } from 'vitest';
import { BUNDLED, tempDir } from '../helpers.js';
import { killLeftovers, logLines, REPO, startBot } from './bot-process.js';

afterEach(killLeftovers);

/** A port nothing listens on now. */
async function freePort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((resolve) => s.listen(0, '127.0.0.1', resolve));
  const port = (s.address() as AddressInfo).port;
  await new Promise((resolve) => s.close(resolve));
  return port;
}

/** /healthz once the feeds' component is there (registered once the feeds have started, after the prompt). */
async function feedsHealth(port: number): Promise<{ status: number; feeds: unknown }> {
  for (;;) {
    const res = await fetch(`http://127.0.0.1:${port}/healthz`);
    const body = (await res.json()) as { components: Record<string, unknown> };
    if (body.components.feeds) return { status: res.status, feeds: body.components.feeds };
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

it('warns once at start that no exchange is configured, and /healthz says so', async () => {
  const port = await freePort();
  const bot = startBot(tempDir(), [], { LIQBOT_HTTP_PORT: String(port) });
  await bot.waitFor(/Type a command/);
  expect(await feedsHealth(port)).toEqual({ status: 503, feeds: expect.objectContaining({ state: 'failing', reason: 'no exchange configured (config `exchanges` is empty)' }) });
  bot.child.kill('SIGTERM');
  expect((await bot.exited).code).toBe(0);
  const warned = logLines(bot.err(), /no exchange configured/);
  expect(warned.map((l) => [l.level, l.msg])).toEqual([[40, 'no exchange configured (config `exchanges` is empty): no liquidation or price data will come in, and replies say so']]);
}, 60_000);

it('a rehearsal (no feeds by design) says nothing of it', async () => {
  const bot = startBot(tempDir(), ['--replay', join(REPO, BUNDLED), '--speed', '1000000']);
  await bot.waitFor(/Type a command/);
  bot.child.kill('SIGTERM');
  await bot.exited;
  expect(logLines(bot.err(), /no exchange configured/)).toEqual([]);
}, 60_000);
