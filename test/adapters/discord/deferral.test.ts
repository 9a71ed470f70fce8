/**
 * A slow answer is deferred ("liqbot is thinking…") with the visibility it will have: Discord keeps a deferred
 * reply's visibility, so a public card deferred privately would reach the admin alone. Slowness is the test's cue,
 * not a clock: a command queued behind another one whose permission check the fake holds (one chat's commands run
 * in order), and the adapter defers after 100 ms instead of 1.5 s.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { DiscordAdapter } from '../../../src/adapters/discord/adapter.js';
import type { Services } from '../../../src/service.js';
import { admin, chan, guild, member, slashCommand, str, sub, type FakeChannel, type Invoker, type OptionJson } from '../../fakes/discord/payloads.js';
import { FakeDiscord } from '../../fakes/discord/server.js';
import { dayServices, startAdapter } from './helpers.js';

const EPHEMERAL = 1 << 6;

let fake: FakeDiscord;
let bot: DiscordAdapter;
let services: Services;

// A server the gateway has not delivered (an outage): the bot asks REST about it, which the test holds.
const dark = guild('Dark Pool', ['alerts']);
dark.offline = true;
const [alertsChannel] = dark.channels as [FakeChannel];
const boss = admin();

beforeAll(async () => {
  const day = await dayServices();
  services = { ...day, config: { ...day.config, limits: { ...day.config.limits, commandsPerUserPerMinute: 10_000, commandsPerChatPerMinute: 10_000 } } };
  fake = await FakeDiscord.start({ guilds: [dark] });
  bot = await startAdapter(fake, services, { deferAfterMs: 100 });
});

afterAll(async () => {
  await bot?.stop();
  await fake?.close();
});

function command(name: string, options: OptionJson[], who: Invoker) {
  return slashCommand({ applicationId: fake.applicationId, guild: dark, channelId: alertsChannel.id, invoker: who, name, options, resolvedChannels: [alertsChannel] });
}

/** The deferred answer once it is in: the edited placeholder, or the follow-up that replaced a deleted one. */
async function deferredAnswer(id: string) {
  const rec = fake.interaction(id);
  await fake.until(() => (rec.original?.edits ?? 0) > 0 || rec.followups.length > 0, 10_000, `the answer to interaction ${id}`);
  return rec;
}

/** Start `/alerts channel` and resolve once its permission check is held at `path`: the chat's next commands queue behind it. */
async function slowCheck(path: RegExp) {
  const hold = fake.hold(path);
  const it = command('alerts', [sub('channel', [chan('channel', alertsChannel.id)])], boss);
  const first = fake.interact(it);
  await fake.until(() => hold.waiting() > 0, 10_000, 'the permission check to be held');
  return { it, first, release: hold.release };
}

it('a slow admin command whose answer is public (an adopted card) is deferred in public and stays public', async () => {
  const propose = command('level', [sub('propose', [str('asset', 'eth'), str('level', '2510')])], member());
  const proposed = await fake.interact(propose);
  const card = proposed.type === 4 ? proposed.data : (await deferredAnswer(propose.id)).original!;
  expect(card.embeds[0].title).toContain('Level proposal p1');

  const slow = await slowCheck(new RegExp(`^/guilds/${dark.id}$`));
  const adopt = command('level', [sub('adopt', [str('id', 'p1')])], boss);
  const deferred = await fake.interact(adopt);
  expect(deferred.type).toBe(5);
  expect((deferred.data?.flags ?? 0) & EPHEMERAL).toBe(0);
  slow.release();

  const rec = await deferredAnswer(adopt.id);
  expect(rec.followups).toEqual([]);
  expect(rec.original!.flags & EPHEMERAL).toBe(0);
  expect(JSON.stringify(rec.original!.embeds)).toContain('Adopted');
  // The settings change it waited behind is deferred privately, as it is answered.
  expect(await slow.first).toMatchObject({ type: 5, data: { flags: EPHEMERAL } });
  expect((await deferredAnswer(slow.it.id)).original!.embeds[0].description).toContain('Alerts are ON');
});

it('a slow answer that turns out private after a public defer replaces the placeholder with a private follow-up', async () => {
  // The channel check reads the channel afresh each time: held there this time.
  const slow = await slowCheck(new RegExp(`^/channels/${alertsChannel.id}$`));
  // An admin's /level adopt answers with the card in public, unless it is refused (no such proposal): privately.
  const adopt = command('level', [sub('adopt', [str('id', 'p99')])], boss);
  const deferred = await fake.interact(adopt);
  expect(deferred.type).toBe(5);
  expect((deferred.data?.flags ?? 0) & EPHEMERAL).toBe(0);
  // A member's admin command is known to be refused: deferred privately from the start.
  const refused = command('level', [sub('add', [str('asset', 'eth'), str('level', '2520')])], member());
  expect(await fake.interact(refused)).toMatchObject({ type: 5, data: { flags: EPHEMERAL } });
  slow.release();

  const rec = await deferredAnswer(adopt.id);
  await fake.until(() => rec.followups.length > 0, 10_000, 'the private follow-up');
  expect(rec.deleted).toBe(true);
  expect(rec.takenOver).toBeFalsy();
  expect(rec.followups).toHaveLength(1);
  expect(rec.followups[0]!.flags & EPHEMERAL).toBe(EPHEMERAL);
  expect(rec.followups[0]!.embeds[0].description).toContain('This chat has no proposal p99.');
  expect((await deferredAnswer(refused.id)).original!.embeds[0].description).toContain('Only admins');
  await slow.first;
});
