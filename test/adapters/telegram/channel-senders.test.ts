/**
 * Messages sent "as a channel" (`sender_chat` a channel, not the group itself), end to end on the fake Bot API: one
 * person with two channels is not two members. Such a message neither proposes nor votes (it is told to vote as
 * itself), every channel sender of a chat shares one command budget, and an anonymous admin (posting as the group
 * itself) still changes settings and adopts. Real telegraf, the real commands over a memory store.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { loadConfig } from '../../../config/load.js';
import { alice, bob, sendCommand } from '../../fakes/telegram/updates.js';
import { startHarness, type Harness } from './harness.js';

let h: Harness | undefined;
afterEach(async () => {
  await h?.stop();
  h = undefined;
});

const GROUP = -1_000_000_000_777;
const KEY = `telegram:${GROUP}`;
const CHANNEL_A = -1_000_000_002_001;
const CHANNEL_B = -1_000_000_002_002;

/** The bot's answer to message `asked` in the group, once it is there. */
async function answerTo(asked: number): Promise<string> {
  const { fake } = h!;
  await fake.waitFor(() => fake.sentTo(GROUP).some((m) => m.replyTo === asked), `the answer to message ${asked}`);
  return fake.sentTo(GROUP).find((m) => m.replyTo === asked)!.text;
}

describe('a member posting as their channels', () => {
  it('cannot vote or propose as a channel, so two channels do not adopt their own proposal; an anonymous admin still adopts', async () => {
    h = await startHarness();
    const { fake, store, services } = h;
    fake.setAdmins(GROUP, [bob.id]);
    expect(await answerTo(sendCommand(fake, GROUP, '/alerts votes 2', { senderChat: GROUP }))).toContain('proposals adopted at 2 net 👍');
    expect(await answerTo(sendCommand(fake, GROUP, '/level propose eth 2400 "my call"', { from: alice }))).toContain('Level proposal p1');

    for (const channel of [CHANNEL_A, CHANNEL_B]) {
      const said = await answerTo(sendCommand(fake, GROUP, '/level vote p1 up', { senderChat: channel }));
      expect(said).toContain('Vote as yourself, not as a channel');
    }
    expect(store.getProposal(`${KEY}:p1`)).toMatchObject({ status: 'open', votes: {} });
    expect(services.market.levels.all().filter((l) => l.chat === KEY)).toEqual([]);

    expect(await answerTo(sendCommand(fake, GROUP, '/level propose eth 2300 "channel call"', { senderChat: CHANNEL_A }))).toContain('Propose as yourself, not as a channel');
    expect(store.listProposals(KEY).map((p) => p.id)).toEqual([`${KEY}:p1`]);

    // The group itself (an anonymous admin) is the group's admin: it adopts.
    expect(await answerTo(sendCommand(fake, GROUP, '/level adopt p1', { senderChat: GROUP }))).toContain('Adopted by');
    expect(store.getProposal(`${KEY}:p1`)?.status).toBe('adopted');
  });

  it('shares one command budget among all channel senders of a chat: two channels get one member’s share, not two', async () => {
    h = await startHarness({ services: { config: loadConfig() } }); // the real budgets: a member's share of a chat is 10 a minute
    const { fake } = h;
    const asked: number[] = [];
    for (let i = 0; i < 6; i++) for (const channel of [CHANNEL_A, CHANNEL_B]) asked.push(sendCommand(fake, GROUP, '/help', { senderChat: channel }));
    await fake.waitFor(() => fake.sentTo(GROUP).length >= 11, '11 answers');
    // A member posting as themselves is still answered: the channels' budget is theirs alone.
    const own = sendCommand(fake, GROUP, '/help', { from: alice });
    await answerTo(own);
    const toChannels = fake.sentTo(GROUP).filter((m) => m.replyTo !== undefined && asked.includes(m.replyTo)).map((m) => m.text.split('\n')[0]);
    expect(toChannels.filter((t) => t === 'Commands')).toHaveLength(10);
    expect(toChannels.filter((t) => t !== 'Commands')).toEqual([expect.stringMatching(/^Easy there: too many commands in the last minute/)]);
  });
});
