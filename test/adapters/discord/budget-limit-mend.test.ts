/**
 * A member over the command budget on Discord: told once ("Easy there…"), then every later command or button press
 * is still answered, privately and in a line with the seconds left, so Discord never shows "The application did not
 * respond"; the command is not run (no chart drawn), and other members and servers are answered as before.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DiscordAdapter } from '../../../src/adapters/discord/adapter.js';
import type { Services } from '../../../src/service.js';
import { buttonClick, guild, member, slashCommand, str, type FakeGuild, type Invoker } from '../../fakes/discord/payloads.js';
import { FakeDiscord } from '../../fakes/discord/server.js';
import { dayServices, startAdapter } from './helpers.js';

const EPHEMERAL = 1 << 6;
/** The line after the first refusal, with the bot's clock standing still: the whole minute is left. */
const STILL = 'Still too many commands in the last minute. Try again in 60 s.';

let fake: FakeDiscord;
let bot: DiscordAdapter;
/** Charts drawn: a command over budget must draw none. */
let charts = 0;
/** The bot's clock (event time): it moves only where a test moves it. */
let clock = 0;
const floor = guild('Trading Floor', ['general']);
const other = guild('Other Floor', ['general']);

const command = (who: Invoker, name = 'help', g: FakeGuild = floor, options: ReturnType<typeof str>[] = []) =>
  slashCommand({ applicationId: fake.applicationId, guild: g, channelId: g.channels[0]!.id, invoker: who, name, options });

beforeAll(async () => {
  const day = await dayServices();
  clock = day.now();
  const services: Services = {
    ...day,
    now: () => clock,
    charts: {
      liqs: (s) => (charts++, { render: async () => new Uint8Array([0x89, 0x50, 0x4e, 0x47]), width: 1200, height: 675, alt: `${s.asset} liquidations`, filename: `liqs-${s.asset.toLowerCase()}.png` }),
      levels: () => undefined,
    },
  };
  fake = await FakeDiscord.start({ guilds: [floor, other] });
  bot = await startAdapter(fake, services);
});

afterAll(async () => {
  await bot?.stop();
  await fake?.close();
});

describe('a member over the command budget', () => {
  it('is told once, then each later command is answered privately in one line (not run, no chart); others are answered as before', async () => {
    const flooder = member();
    const seen: string[] = [];
    for (let i = 0; i < 11; i++) {
      const cb = await fake.interact(command(flooder));
      seen.push(cb.data.flags === EPHEMERAL ? cb.data.embeds[0].description : 'answered');
    }
    expect(seen.slice(0, 10)).toEqual(Array.from({ length: 10 }, () => 'answered'));
    expect(seen[10]).toMatch(/^Easy there: too many commands in the last minute/);
    const drawn = charts;
    for (let i = 0; i < 3; i++) {
      // A /liqs (whose answer has a chart) as well as /help: neither runs.
      const cb = await fake.interact(i === 1 ? command(flooder, 'liqs', floor, [str('asset', 'eth')]) : command(flooder), 3_000);
      expect(cb.type).toBe(4);
      expect(cb.data.flags).toBe(EPHEMERAL);
      expect(cb.data.embeds).toHaveLength(1);
      expect(cb.data.embeds[0].description).toBe(STILL);
      expect(cb.data.components ?? []).toEqual([]);
      expect(cb.files).toEqual([]);
    }
    expect(charts).toBe(drawn);
    // Another member in the same server, and the flooder's neighbours in another server, are answered in public.
    const neighbour = await fake.interact(command(member(), 'liqs', floor, [str('asset', 'eth')]));
    expect(neighbour.type).toBe(5); // a chart: deferred at once, then edited in
    expect(neighbour.data?.flags ?? 0).toBe(0);
    const elsewhere = await fake.interact(command(member(), 'help', other));
    expect(elsewhere.type).toBe(4);
    expect(elsewhere.data.flags ?? 0).toBe(0);
  });

  it('a button pressed over budget gets the same private line, and the message it sits on is left as it was', async () => {
    const presser = member();
    const first = await fake.interact(command(presser, 'liqs', floor, [str('asset', 'eth')]));
    expect(first.type).toBe(5);
    for (let i = 0; i < 10; i++) await fake.interact(command(presser));
    const message = fake.messageJson({ id: '1474453241771589777', channel_id: floor.channels[0]!.id, embeds: [{ title: 'ETH liquidations · 24h' }], components: [{ type: 1, components: [{ type: 2, style: 2, label: '4h', custom_id: 'liqs ETH 4h' }] }], attachments: [], flags: 0, edits: 0 });
    const press = () => buttonClick({ applicationId: fake.applicationId, guild: floor, channelId: floor.channels[0]!.id, invoker: presser, customId: 'liqs ETH 4h', message });
    const drawn = charts;
    for (let i = 0; i < 2; i++) {
      const cb = await fake.interact(press(), 3_000);
      expect(cb.type).toBe(4); // a reply of its own, not an update (type 7) of the message
      expect(cb.data.flags).toBe(EPHEMERAL);
      expect(cb.data.embeds[0].description).toBe(STILL);
    }
    expect(charts).toBe(drawn);
  });

  it('is told the seconds left of the minute in each later line, a button press too, and is answered again once it is over', async () => {
    clock += 60_000; // every budget's window starts over
    const flooder = member();
    const said = async (i: ReturnType<typeof command> | ReturnType<typeof buttonClick>) => {
      const cb = await fake.interact(i);
      expect(cb.data.flags).toBe(EPHEMERAL);
      return cb.data.embeds[0].description as string;
    };
    for (let i = 0; i < 10; i++) expect((await fake.interact(command(flooder, 'help', other))).data.flags ?? 0).toBe(0);
    expect(await said(command(flooder, 'help', other))).toMatch(/^Easy there: too many commands in the last minute\. Try again in 60 s\.\n/);
    clock += 37_000;
    expect(await said(command(flooder, 'liqs', other, [str('asset', 'eth')]))).toBe('Still too many commands in the last minute. Try again in 23 s.');
    clock += 12_000;
    const message = fake.messageJson({ id: '1474453241771589778', channel_id: other.channels[0]!.id, embeds: [{ title: 'ETH liquidations · 24h' }], components: [{ type: 1, components: [{ type: 2, style: 2, label: '4h', custom_id: 'liqs ETH 4h' }] }], attachments: [], flags: 0, edits: 0 });
    expect(await said(buttonClick({ applicationId: fake.applicationId, guild: other, channelId: other.channels[0]!.id, invoker: flooder, customId: 'liqs ETH 4h', message }))).toBe('Still too many commands in the last minute. Try again in 11 s.');
    clock += 10_500;
    expect(await said(command(flooder, 'help', other))).toBe('Still too many commands in the last minute. Try again in 1 s.');
    clock += 500;
    expect((await fake.interact(command(flooder, 'help', other))).data.flags ?? 0).toBe(0);
  });
});
