/**
 * A stop while interactions are on their way: one begun (its channel check held by the fake) is finished and answered
 * before the client goes; one that comes once the stop began is not run (Discord tells its user the application did
 * not respond), not half run, and is counted for the bot's last log line.
 */
import { afterEach, expect, it } from 'vitest';
import type { DiscordAdapter } from '../../../src/adapters/discord/adapter.js';
import type { Services } from '../../../src/service.js';
import { admin, chan, guild, slashCommand, str, sub, type FakeChannel, type Invoker, type OptionJson } from '../../fakes/discord/payloads.js';
import { FakeDiscord } from '../../fakes/discord/server.js';
import { dayServices, startAdapter } from './helpers.js';

let fake: FakeDiscord | undefined;
let bot: DiscordAdapter | undefined;
afterEach(async () => {
  await bot?.stop();
  await fake?.close();
  bot = fake = undefined;
});

it('finishes and answers the interaction begun before the stop; one that comes during the stop is not run, and counted', async () => {
  const day = await dayServices();
  const services: Services = { ...day, config: { ...day.config, limits: { ...day.config.limits, commandsPerUserPerMinute: 10_000, commandsPerChatPerMinute: 10_000 } } };
  const server = guild('Trading Floor', ['alerts']);
  const [alerts] = server.channels as [FakeChannel];
  const boss = admin();
  fake = await FakeDiscord.start({ guilds: [server] });
  bot = await startAdapter(fake, services);
  const command = (name: string, options: OptionJson[], who: Invoker) =>
    slashCommand({ applicationId: fake!.applicationId, guild: server, channelId: alerts.id, invoker: who, name, options, resolvedChannels: [alerts] });

  // Begun: `/alerts channel` waits for the channel check the fake holds.
  const hold = fake.hold(new RegExp(`^/channels/${alerts.id}$`));
  const begun = command('alerts', [sub('channel', [chan('channel', alerts.id)])], boss);
  const answered = fake.interact(begun);
  await fake.until(() => hold.waiting() > 0, 10_000, 'the channel check to be held');

  const stopping = bot.stop();
  // Comes during the stop: not run.
  fake.dispatch('INTERACTION_CREATE', command('level', [sub('add', [str('asset', 'eth'), str('level', '2500')])], boss), server.id);
  await fake.until(() => bot!.unfinished().notRun === 1, 10_000, 'the late interaction to be turned away');
  hold.release();
  await stopping;

  // Answered before the stop returned (the process exits right after it).
  expect(fake.interaction(begun.id).callbacks).toHaveLength(1);
  expect((await answered).type).toBeGreaterThan(0);
  expect(services.store.getSubscription(`discord:${server.id}`)).toMatchObject({ enabled: true, target: `channel:${alerts.id}` });
  expect(services.store.listLevels()).toEqual([]);
  expect(bot.unfinished()).toEqual({ notRun: 1, unanswered: 0 });
});
