/**
 * Budgets that protect the group, end to end on the fake Bot API with Telegram's real limits in fake time: a
 * member spamming commands beside an admin and a second group. The spammer is answered a share of the chat's
 * budget, refused once, then ignored; the admin's command and both groups' alerts still go out within a few
 * seconds of fake time; and nothing draws a 429.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { loadConfig } from '../../../config/load.js';
import { Outbox } from '../../../src/alerts/outbox.js';
import { ManualClock } from '../../alerts/clock.js';
import { alice, bob, sendCommand } from '../../fakes/telegram/updates.js';
import { startHarness, type Harness } from './harness.js';
import { settled } from './settle.js';

let h: Harness | undefined;
afterEach(async () => {
  await h?.stop();
  h = undefined;
});

/** Real work has settled (settle.ts): the manual clock moves only then. */
const quiet = (): Promise<void> => settled(h);

const GROUP = -1_000_000_000_501;
const OTHER = -1_000_000_000_502;

describe('a spammer beside an admin and a second group', () => {
  it("answers the spammer 10 times, refuses once, then ignores them; the admin and both groups' alerts go out promptly", async () => {
    const clock = new ManualClock(0, quiet);
    h = await startHarness({ clock, services: { config: loadConfig() } });
    const { fake, store } = h;
    fake.setAdmins(GROUP, [alice.id]);
    for (const chat of [GROUP, OTHER]) store.putSubscription({ chat: `telegram:${chat}`, enabled: true, assets: [], families: ['cascade', 'level'], minUsd: 0, updatedAt: 0 });

    const spam = Array.from({ length: 30 }, () => sendCommand(fake, GROUP, '/help', { from: bob }));
    const adminAsked = sendCommand(fake, GROUP, '/alerts kinds all', { from: alice });
    await fake.waitFor(() => fake.sentTo(GROUP).length === 1, 'the first answer to the spammer');
    await quiet();
    const outbox = new Outbox({ store, adapters: { telegram: h.adapter }, now: () => h!.services.now() });
    outbox.start();
    const level = h.run.alerts.find((a) => a.kind === 'level_break')!;
    expect(outbox.publish([level])).toBe(2);

    await clock.advance(120_000);
    await outbox.stop();

    const sent = fake.sentTo(GROUP);
    const at = (messageId: number) => fake.events(GROUP).find((e) => e.messageId === messageId)!.at;
    const toSpammer = sent.filter((m) => m.replyTo !== undefined && spam.includes(m.replyTo));
    expect(toSpammer.map((m) => m.text.split('\n')[0])).toEqual([...Array.from({ length: 10 }, () => 'Commands'), expect.stringMatching(/^Easy there: too many commands in the last minute. Try again in \d+ s.$/)]);
    const admin = sent.find((m) => m.replyTo === adminAsked)!;
    expect(admin.text).toContain('kinds all');
    const alertHere = sent.find((m) => m.replyTo === undefined)!;
    expect(sent).toHaveLength(13); // 10 answers, 1 refusal, the admin's answer, the alert
    // In fake time: one message per second in a chat; the alert and the admin each wait for one message at most.
    expect(at(alertHere.messageId)).toBeLessThanOrEqual(1_100);
    expect(at(admin.messageId)).toBeLessThanOrEqual(2_200);
    const elsewhere = fake.events(OTHER);
    expect(elsewhere).toHaveLength(1);
    expect(elsewhere[0]!.at).toBeLessThanOrEqual(100);
    expect(fake.limited).toBe(0);
  });
});
