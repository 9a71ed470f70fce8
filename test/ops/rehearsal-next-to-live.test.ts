/**
 * A rehearsal started beside the live bot (the same data folder, the same chat token) posts only to its terminal: it
 * starts no chat platform, so a chat's command is answered once, by the live bot, never from the recorded day. It says
 * so in one line, with no stack. Both bots are real processes; Telegram is the local fake, which tells their requests
 * apart by the API root each was given.
 */
import { join } from 'node:path';
import { afterEach, expect, it } from 'vitest';
import { BUNDLED, tempDir } from '../helpers.js';
import { FakeTelegram } from '../fakes/telegram/server.js';
import { alice, sendCommand } from '../fakes/telegram/updates.js';
import { killLeftovers, logLines, REPO, startBot } from './bot-process.js';

let fake: FakeTelegram | undefined;
afterEach(async () => {
  killLeftovers();
  await fake?.close();
  fake = undefined;
});

it('a rehearsal beside the running live bot starts no chat platform: one answer to a chat, from the live bot; one line says why', async () => {
  fake = await FakeTelegram.start();
  const f = fake;
  const dir = tempDir();
  const token = { TELEGRAM_BOT_TOKEN: f.token };
  const live = startBot(dir, [], { ...token, TELEGRAM_API_ROOT: `${f.apiRoot}/s-live/` });
  await f.waitFor(() => f.calls.some((c) => c.sender === 'live' && c.method === 'getUpdates'), 'the live bot to poll', 30_000);

  const rehearsal = startBot(dir, ['--replay', join(REPO, BUNDLED), '--speed', '120'], { ...token, TELEGRAM_API_ROOT: `${f.apiRoot}/s-rehearsal/` });
  // Serving its terminal, and asked there, it answers from the recorded day: by then it would have begun any platform.
  const settled = (p: Promise<unknown>, what: string) => p.then(() => what, () => 'exited');
  const first = await Promise.race([settled(rehearsal.waitFor(/Type a command/), 'prompt'), settled(rehearsal.waitFor(/"msg":"telegram started"/, 'err'), 'telegram')]);
  expect(first).toBe('prompt');
  rehearsal.type('/liqs eth');
  await rehearsal.waitFor(/ETH liquidations · 24h/);

  sendCommand(f, alice.id, '/liqs eth');
  await f.waitFor(() => f.sentTo(alice.id).length > 0, 'an answer in the chat', 30_000);
  rehearsal.child.kill('SIGTERM');
  expect((await rehearsal.exited).code).toBe(0);
  live.child.kill('SIGTERM');
  expect((await live.exited).code).toBe(0);

  expect(f.calls.filter((c) => c.sender === 'rehearsal').map((c) => c.method)).toEqual([]);
  const answers = f.sentTo(alice.id);
  expect(answers).toHaveLength(1);
  expect(answers[0]!.text).not.toMatch(/REHEARSAL|liquidated in 24h/);
  expect(logLines(rehearsal.err(), /live bot/).map((l) => l.msg)).toEqual([
    `rehearsal: the live bot is running on ${join(dir, 'liqbot.db')}: no chat platform is started (TELEGRAM_BOT_TOKEN and DISCORD_TOKEN are for the live bot) and no chat settings are copied; this rehearsal posts only to this terminal`,
  ]);
  expect(rehearsal.err()).not.toMatch(/"stack"|StoreError/);
}, 90_000);
