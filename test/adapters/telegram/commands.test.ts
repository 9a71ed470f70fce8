/**
 * The commands in Telegram's chats, end to end: real telegraf long-polling the fake Bot API, real commands and
 * market. What a group member, an admin, a channel and another bot's user see.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { alice, bob, channelPost, pressButton, sendCommand } from '../../fakes/telegram/updates.js';
import { startHarness, type Harness } from './harness.js';

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(async () => {
  await h?.stop();
});

/** The bot's messages in a chat once there are `n` of them. */
async function replies(chatId: number, n = 1) {
  await h.fake.waitFor(() => h.fake.sentTo(chatId).length >= n, `${n} bot message(s) in ${chatId}`);
  return h.fake.sentTo(chatId);
}

describe('starting', () => {
  it('registers the command menu with every command and no /start', () => {
    const names = h.fake.commands.map((c) => c.command);
    expect(names).toEqual(expect.arrayContaining(['liqs', 'levels', 'level', 'alerts', 'help']));
    expect(names).not.toContain('start');
    expect(h.adapter.username).toBe(h.fake.bot.username);
  });
});

describe('/liqs', () => {
  it('answers /liqs eth in a group with the market numbers, in HTML, replying to the user', async () => {
    const chat = -100;
    const asked = sendCommand(h.fake, chat, '/liqs eth');
    const [m] = await replies(chat);
    expect(m!.text).toContain('ETH liquidations · 24h');
    // The bundled day's ETH total, written out (not computed with the formatter under test).
    expect(m!.text).toContain('$617M liquidated in 24h (12,928 orders and prints)');
    expect(m!.html).toContain('<b>$617M</b> liquidated in 24h');
    expect(m!.replyTo).toBe(asked);
    expect(m!.entities.some((e) => e.type === 'bold')).toBe(true);
    // window buttons, the current one marked, each carrying its command line
    expect(m!.keyboard?.flat().map((b) => b.callback_data)).toEqual(['liqs ETH 1h', 'liqs ETH 4h', 'liqs ETH 24h', 'liqs ETH 7d']);
    expect(m!.keyboard?.flat().find((b) => b.callback_data === 'liqs ETH 24h')?.text).toBe('• 24h •');
  });

  it('answers /liqs@thisbot and ignores /liqs@otherbot', async () => {
    const chat = -101;
    sendCommand(h.fake, chat, '/liqs@otherbot eth');
    sendCommand(h.fake, chat, `/liqs@${h.fake.bot.username} eth 4h`);
    const [m, ...more] = await replies(chat);
    expect(m!.text).toContain('ETH liquidations · 4h');
    // the /liqs@otherbot update came first (same chat, answered in order) and produced nothing
    expect(more).toHaveLength(0);
  });

  it('ignores unknown commands in groups (another bot may own them) but answers them in private', async () => {
    sendCommand(h.fake, -102, '/price eth');
    sendCommand(h.fake, -102, '/help');
    const [g] = await replies(-102);
    expect(g!.text).toContain('Commands');
    sendCommand(h.fake, 4242, '/price eth');
    const [p] = await replies(4242);
    expect(p!.text).toContain('Unknown command');
  });

  it('answers a user error as a normal reply to the message (Telegram has no ephemeral)', async () => {
    const asked = sendCommand(h.fake, -103, '/liqs nosuchcoin');
    const [m] = await replies(-103);
    expect(m!.replyTo).toBe(asked);
    expect(m!.text.length).toBeGreaterThan(0);
  });

  it('answers in the forum topic it was asked in', async () => {
    sendCommand(h.fake, -1_000_000_000_104, '/liqs eth', { topic: 77 });
    const [m] = await replies(-1_000_000_000_104);
    expect(m!.threadId).toBe(77);
  });
});

describe('/start and /help', () => {
  it('introduces the bot on /start in a private chat', async () => {
    sendCommand(h.fake, 6161, '/start');
    const [m] = await replies(6161);
    expect(m!.text).toMatch(/^liqbot\n\nliqbot answers three questions/);
    expect(m!.html).toContain('<code>/liqs eth 4h</code>');
  });
});

describe('buttons', () => {
  it('re-runs the command of a pressed button and edits the message in place', async () => {
    const chat = -110;
    sendCommand(h.fake, chat, '/liqs eth');
    const [m] = await replies(chat);
    const cb = pressButton(h.fake, chat, m!.messageId, '4h', bob);
    await h.fake.waitFor(() => h.fake.callbackAnswers.some((a) => a.id === cb), 'the button press answered');
    await h.fake.waitFor(() => h.fake.message(chat, m!.messageId)!.history.length === 1, 'the message edited');
    const edited = h.fake.message(chat, m!.messageId)!;
    expect(edited.text).toContain('ETH liquidations · 4h');
    expect(edited.keyboard?.flat().find((b) => b.callback_data === 'liqs ETH 4h')?.text).toBe('• 4h •');
    expect(h.fake.sentTo(chat)).toHaveLength(1);
  });

  it('treats pressing the current window ("message is not modified") as done', async () => {
    const chat = -111;
    sendCommand(h.fake, chat, '/liqs eth');
    const [m] = await replies(chat);
    const cb = pressButton(h.fake, chat, m!.messageId, '• 24h •');
    await h.fake.waitFor(() => h.fake.callbackAnswers.some((a) => a.id === cb), 'the button press answered');
    await h.fake.waitFor(() => h.fake.calls.some((c) => c.method === 'editMessageText' && Number(c.params.chat_id) === chat), 'the edit attempt');
    expect(h.fake.message(chat, m!.messageId)!.history).toHaveLength(0);
    expect(h.fake.sentTo(chat)).toHaveLength(1);
  });
});

describe('buttons that change settings', () => {
  it('shows a member who presses an admin-only button the refusal as an alert, leaving the message as it is', async () => {
    const chat = -112;
    h.fake.setAdmins(chat, [alice.id]);
    await h.adapter.deliver({ chat: `telegram:${chat}` }, { blocks: [[['Alerts are off here.']]], buttons: [{ label: 'Turn on', command: 'alerts on' }] });
    const [m] = h.fake.sentTo(chat);
    const cb = pressButton(h.fake, chat, m!.messageId, 'Turn on', bob);
    await h.fake.waitFor(() => h.fake.callbackAnswers.some((a) => a.id === cb), 'the button press answered');
    expect(h.fake.callbackAnswers.find((a) => a.id === cb)).toMatchObject({ show_alert: true, text: expect.stringContaining('Only admins') });
    expect(h.fake.message(chat, m!.messageId)!.history).toHaveLength(0);
    expect(h.store.getSubscription(`telegram:${chat}`)).toBeUndefined();

    const ok = pressButton(h.fake, chat, m!.messageId, 'Turn on', alice);
    await h.fake.waitFor(() => h.fake.message(chat, m!.messageId)!.history.length === 1, 'the admin press applied');
    expect(h.fake.callbackAnswers.find((a) => a.id === ok)?.show_alert).toBeUndefined();
    expect(h.fake.message(chat, m!.messageId)!.text).toContain('Alerts are ON');
  });

  it('tells whoever presses a button under an inaccessible message to send the command again', async () => {
    const id = 'cb-old';
    h.fake.push({ callback_query: { id, from: { ...bob, is_bot: false }, chat_instance: 'x', data: 'liqs ETH 4h', message: { chat: { id: -113, type: 'group', title: 'g' }, message_id: 1, date: 0 } } });
    await h.fake.waitFor(() => h.fake.callbackAnswers.some((a) => a.id === id), 'the answer');
    expect(h.fake.callbackAnswers.find((a) => a.id === id)?.text).toContain('Send the command again');
  });
});

describe("members' names", () => {
  it('shows a proposer named with a right-to-left override as written, the card line reading left to right', async () => {
    const chat = -1_000_000_000_140;
    sendCommand(h.fake, chat, '/level propose eth 2460 "why"', { from: { id: 2001, first_name: '\u202Etpircs<b>&amp;\u200B' } });
    const [card] = await replies(chat);
    const line = card!.text.split('\n').find((l) => l.includes('proposes'))!;
    expect(line.startsWith('tpircs<b>&amp; proposes ETH $2,460')).toBe(true);
    expect(card!.html).toContain('&lt;b&gt;&amp;amp;');
  });
});

describe('a group upgraded to a supergroup', () => {
  it('moves its alerts to the new chat id when Telegram announces the migration', async () => {
    h.store.putSubscription({ chat: 'telegram:-130', enabled: true, assets: [], families: ['level'], minUsd: 0, updatedAt: 0 });
    h.fake.push({ message: { message_id: h.fake.messageId(-130), date: 1, chat: { id: -130, type: 'group', title: 'g' }, from: { ...alice, is_bot: false }, migrate_to_chat_id: -1_000_000_000_130 } });
    await h.fake.waitFor(() => h.store.getSubscription('telegram:-1000000000130') !== undefined, 'the subscription moved');
    expect(h.store.getSubscription('telegram:-130')).toBeUndefined();
    expect(h.store.getSubscription('telegram:-1000000000130')).toMatchObject({ enabled: true, families: ['level'] });
  });
});

describe('admins', () => {
  it('refuses /level add to a group member and accepts it from an admin, asking Telegram once per minute', async () => {
    const chat = -120;
    h.fake.setAdmins(chat, [alice.id]);
    const before = h.fake.callsOf('getChatAdministrators').length;
    sendCommand(h.fake, chat, '/level add eth 2700-2740 "prior support"', { from: bob });
    const [refusal] = await replies(chat);
    expect(refusal!.text).toContain('Only admins');
    sendCommand(h.fake, chat, '/level add eth 2700-2740 "prior support"', { from: alice });
    const [, accepted] = await replies(chat, 2);
    expect(accepted!.text).toContain('Watching ETH');
    expect(accepted!.text).toContain('prior support');
    expect(h.fake.callsOf('getChatAdministrators').length - before).toBe(1);

    // anyone may read; reading costs no admin lookup
    sendCommand(h.fake, chat, '/level list', { from: bob });
    await replies(chat, 3);
    expect(h.fake.callsOf('getChatAdministrators').length - before).toBe(1);

    // after the cache expires, Telegram is asked again (a demoted admin loses the right)
    h.fake.setAdmins(chat, [bob.id]);
    h.clock.ms += 61_000;
    sendCommand(h.fake, chat, '/alerts on', { from: alice });
    const [, , , again] = await replies(chat, 4);
    expect(again!.text).toContain('Only admins');
    expect(h.fake.callsOf('getChatAdministrators').length - before).toBe(2);
  });

  it('lets the user of a private chat, an anonymous group admin and a channel change settings', async () => {
    sendCommand(h.fake, 5151, '/alerts on');
    sendCommand(h.fake, -121, '/alerts on', { senderChat: -121 });
    channelPost(h.fake, -1_000_000_000_122, '/alerts on');
    for (const chat of [5151, -121, -1_000_000_000_122]) {
      const [m] = await replies(chat);
      expect(m!.text).toContain('Alerts are ON');
      expect(h.store.getSubscription(`telegram:${chat}`)?.enabled).toBe(true);
    }
  });

  it('puts a topic subscription on its thread, so alerts go to that topic', async () => {
    const chat = -1_000_000_000_123;
    h.fake.setAdmins(chat, [alice.id]);
    sendCommand(h.fake, chat, '/alerts on', { topic: 9 });
    await replies(chat);
    expect(h.store.getSubscription(`telegram:${chat}`)).toMatchObject({ enabled: true, target: '9' });
  });
});
