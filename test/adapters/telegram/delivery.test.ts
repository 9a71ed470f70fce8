/**
 * `deliver()`, the outbox's way into Telegram: posts and edits, topics, charts, and what each Bot API failure
 * becomes (wait and retry, give the chat up, or retry later); it never throws and never drops.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { b, type Reply, type ReplyImage } from '../../../src/replies/reply.js';
import { alice, pressButton, sendCommand } from '../../fakes/telegram/updates.js';
import { startHarness, type Harness } from './harness.js';

/** A PNG signature and a few bytes: the fake checks that a photo arrived, not what it shows. */
const PNG = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 1, 2, 3, 4]);
let renders = 0;
const image = (name = 'chart.png'): ReplyImage => ({
  render: async () => {
    renders++;
    return PNG;
  },
  width: 1200,
  height: 675,
  alt: 'ETH chart',
  filename: name,
});

let h: Harness;
beforeAll(async () => {
  h = await startHarness({ services: { charts: { liqs: () => image('liqs.png'), levels: () => undefined } } });
});
afterAll(async () => {
  await h?.stop();
});

const short = (title: string): Reply => ({ title: [title], blocks: [[['Longs ', b('$1.2M')]]] });

describe('posting', () => {
  it('posts a reply and returns a ref it can edit later', async () => {
    const r = await h.adapter.deliver({ chat: 'telegram:-300' }, short('first'));
    expect(r).toEqual({ ok: true, messageRef: expect.stringMatching(/^-300:\d+$/) });
    const [m] = h.fake.sentTo(-300);
    expect(m!.text).toBe('first\n\nLongs $1.2M');
    expect(r.ok && r.messageRef).toBe(`-300:${m!.messageId}`);
  });

  it('posts a quiet reply without a notification, and the rest with one', async () => {
    await h.adapter.deliver({ chat: 'telegram:-304' }, { ...short('ETH lost $3,900 (a chop)'), quiet: true });
    await h.adapter.deliver({ chat: 'telegram:-304' }, short('ETH lost $3,900'));
    const sends = h.fake.callsOf('sendMessage').filter((c) => String(c.params.chat_id) === '-304');
    expect(sends.map((c) => c.params.disable_notification)).toEqual([true, undefined]);
  });

  it('posts into the topic named by the target', async () => {
    await h.adapter.deliver({ chat: 'telegram:-1000000000301', target: '12' }, short('topic'));
    expect(h.fake.sentTo(-1_000_000_000_301)[0]!.threadId).toBe(12);
  });

  it('edits the running message when given its ref; an unchanged edit is success; a deleted one is posted anew', async () => {
    const first = await h.adapter.deliver({ chat: 'telegram:-302' }, short('cascade $1M'));
    if (!first.ok) throw new Error(first.error);
    const edited = await h.adapter.deliver({ chat: 'telegram:-302' }, short('cascade $5M'), first.messageRef);
    expect(edited).toEqual({ ok: true, messageRef: first.messageRef });
    expect(h.fake.sentTo(-302)).toHaveLength(1);
    expect(h.fake.sentTo(-302)[0]!.text).toContain('cascade $5M');
    expect(h.fake.sentTo(-302)[0]!.history).toEqual(['cascade $1M\n\nLongs $1.2M']);

    expect(await h.adapter.deliver({ chat: 'telegram:-302' }, short('cascade $5M'), first.messageRef)).toEqual({ ok: true, messageRef: first.messageRef });

    h.fake.messages.delete(first.messageRef);
    const again = await h.adapter.deliver({ chat: 'telegram:-302' }, short('cascade $9M'), first.messageRef);
    expect(again.ok && again.messageRef).not.toBe(first.messageRef);
    expect(h.fake.sentTo(-302).at(-1)!.text).toContain('cascade $9M');
  });

  it('splits a very long hostile reply into messages Telegram accepts, the label arriving verbatim', async () => {
    const label = '<b>a_b*c &amp; </b>'.repeat(600);
    const r = await h.adapter.deliver({ chat: 'telegram:-303' }, { title: ['Level'], blocks: [[['Label: ', b(label)]], [['next block']]] });
    expect(r.ok).toBe(true);
    const sent = h.fake.sentTo(-303);
    expect(sent.length).toBeGreaterThan(2);
    for (const m of sent) expect(m.text.length).toBeLessThanOrEqual(4096);
    expect(sent.map((m) => m.text).join('')).toContain(`Label: ${label}`);
    expect(sent.at(-1)!.text.endsWith(`${label.slice(-20)}\n\nnext block`)).toBe(true);
  });
});

describe('failures', () => {
  it('turns a 429 into retryAfterMs from retry_after, holds the chat that long, then delivers', async () => {
    const clear = h.fake.fail({ chatId: -310, times: 1, error: { code: 429, description: 'Too Many Requests: retry after 1', retryAfter: 1 } });
    expect(await h.adapter.deliver({ chat: 'telegram:-310' }, short('storm'))).toEqual({ ok: false, permanent: false, retryAfterMs: 1000, error: expect.stringContaining('429'), kind: 'rate_limited' });
    const refusedAt = h.fake.calls.filter((c) => c.status === 429).at(-1)!.at;
    clear();
    expect((await h.adapter.deliver({ chat: 'telegram:-310' }, short('storm'))).ok).toBe(true);
    const [m] = h.fake.events(-310);
    expect(m!.at - refusedAt).toBeGreaterThanOrEqual(1000);
  });

  let giveUpChat = -6_000;
  it.each([
    [403, 'Forbidden: bot was blocked by the user'],
    [403, 'Forbidden: bot was kicked from the supergroup chat'],
    [403, 'Forbidden: bot is not a member of the channel chat'],
    [400, 'Bad Request: chat not found'],
  ])('gives the chat up on %i %s', async (code, description) => {
    // A chat of its own, far from the other tests' (a random one in -320…-1319 once landed on the chart test's -354,
    // whose sends the fault then refused).
    const chat = giveUpChat--;
    h.fake.fail({ chatId: chat, error: { code, description } });
    expect(await h.adapter.deliver({ chat: `telegram:${chat}` }, short('x'))).toEqual({ ok: false, permanent: true, error: expect.stringContaining(description), kind: 'chat_gone' });
  });

  it('retries later on 5xx and network trouble (not permanent, no retry-after)', async () => {
    const clear = h.fake.fail({ chatId: -330, error: 'http502' });
    const r = await h.adapter.deliver({ chat: 'telegram:-330' }, short('x'));
    expect(r).toEqual({ ok: false, permanent: false, error: expect.stringContaining('502'), kind: 'unavailable' });
    clear();
    expect((await h.adapter.deliver({ chat: 'telegram:-330' }, short('x'))).ok).toBe(true);
  });

  it('refuses a chat key of another platform without throwing', async () => {
    expect(await h.adapter.deliver({ chat: 'discord:123' }, short('x'))).toMatchObject({ ok: false, permanent: true });
  });

  it('reports a group upgraded to a supergroup (its new chat key) and decides nothing: no post there, its alerts and levels left where they are', async () => {
    h.store.putSubscription({ chat: 'telegram:-340', enabled: true, assets: ['ETH'], families: ['cascade'], minUsd: 0, updatedAt: 0 });
    h.services.apply({ kind: 'level.put', level: { id: 'telegram:-340:ETH@2500', asset: 'ETH', level: 2500, label: 'ours', chat: 'telegram:-340', source: 'chat', createdAt: 0 } });
    h.fake.fail({ chatId: -340, error: { code: 400, description: 'Bad Request: group chat was upgraded to a supergroup chat', migrateTo: -1_000_000_000_340 } });
    const r = await h.adapter.deliver({ chat: 'telegram:-340' }, short('x'));
    // Whoever runs deliveries moves the chat (chat.move) and sends there (test/adapters/telegram/outbox.test.ts).
    expect(r).toEqual({ ok: false, permanent: true, kind: 'chat_gone', movedTo: 'telegram:-1000000000340', error: 'Telegram sendMessage: 400 Bad Request: group chat was upgraded to a supergroup chat' });
    expect(h.fake.sentTo(-1_000_000_000_340)).toEqual([]);
    expect(h.store.getSubscription('telegram:-340')).toMatchObject({ enabled: true, assets: ['ETH'] });
    expect(h.store.getSubscription('telegram:-1000000000340')).toBeUndefined();
    expect(h.services.market.levels.get('telegram:-340:ETH@2500')).toMatchObject({ chat: 'telegram:-340' });
  });
});

describe('charts', () => {
  it('sends a chart as a photo captioned with the reply when it fits 1024 characters', async () => {
    const r = await h.adapter.deliver({ chat: 'telegram:-350' }, { ...short('ETH'), image: image(), buttons: [{ label: '4h', command: 'liqs ETH 4h' }] });
    const [m] = h.fake.sentTo(-350);
    expect(m).toMatchObject({ kind: 'photo', text: 'ETH\n\nLongs $1.2M', photoName: 'chart.png', photoBytes: PNG.length });
    expect(m!.keyboard?.flat()[0]?.callback_data).toBe('liqs ETH 4h');
    expect(r.ok && r.messageRef).toBe(`-350:${m!.messageId}:photo`);
  });

  it('answers /liqs asked in a forum topic with its chart replying to the asker (reply_parameters survives multipart)', async () => {
    const chat = -1_000_000_000_356;
    const asked = sendCommand(h.fake, chat, '/liqs eth', { topic: 7 });
    await h.fake.waitFor(() => h.fake.sentTo(chat).length === 1, 'the /liqs photo');
    expect(h.fake.sentTo(chat)[0]).toMatchObject({ kind: 'photo', threadId: 7, replyTo: asked });
    const sent = h.fake.callsOf('sendPhoto').find((c) => Number(c.params.chat_id) === chat)!;
    expect(sent.params.reply_parameters).toEqual({ message_id: asked, allow_sending_without_reply: true });
  });

  it('sends a long reply as the chart (captioned with the title) then the text answering it, buttons under the text', async () => {
    const long: Reply = { title: ['<ETH> long'], blocks: [[['x'.repeat(1500)]]], image: image(), buttons: [{ label: '4h', command: 'liqs ETH 4h' }] };
    const r = await h.adapter.deliver({ chat: 'telegram:-351' }, long);
    const [chart, text] = h.fake.sentTo(-351);
    expect(chart).toMatchObject({ kind: 'photo', text: '<ETH> long' });
    expect(chart!.keyboard).toBeUndefined();
    expect(text).toMatchObject({ kind: 'text', replyTo: chart!.messageId });
    expect(text!.keyboard).toBeDefined();
    expect(r.ok && r.messageRef).toBe(`-351:${text!.messageId}:chart${chart!.messageId}`);
  });

  // Retried: on a loaded CI machine this send was once refused (nothing reached the fake, r not ok); the rule under
  // test is the caption's shape, which a retry does not weaken. The refusal is printed when it happens.
  it('fits a long reply under its chart as one message: a compact caption (last fields left out) and a Details button', { retry: 2 }, async () => {
    const field = (name: string, n: number) => ({ name, value: Array.from({ length: n }, (_, i) => [`${name} line ${i} `.padEnd(60, '·')]) });
    const long: Reply = {
      title: ['ETH liquidations · 24h'],
      blocks: [[['$506M liquidated in 24h']]],
      fields: [field('By exchange', 8), field('Open interest', 3), field('Largest', 8)],
      footer: ['Sources: six venues'],
      image: image(),
      buttons: [{ label: '4h', command: 'liqs ETH 4h' }, { label: '24h', command: 'liqs ETH 24h', active: true }],
    };
    const r = await h.adapter.deliver({ chat: 'telegram:-354' }, long);
    if (!r.ok) console.warn('long reply under a chart refused:', r);
    const sent = h.fake.sentTo(-354);
    expect(sent).toHaveLength(1);
    const [m] = sent;
    expect(m).toMatchObject({ kind: 'photo' });
    expect(m!.text.length).toBeLessThanOrEqual(1024);
    expect(m!.text).toContain('By exchange');
    expect(m!.text).toContain('Open interest');
    expect(m!.text).not.toContain('Largest');
    expect(m!.text.endsWith('Sources: six venues')).toBe(true);
    expect(m!.keyboard!.flat().map((b) => [b.text, b.callback_data])).toEqual([
      ['4h', 'liqs ETH 4h'],
      ['• 24h •', 'liqs ETH 24h'],
      ['Details', 'details:liqs ETH 24h'],
    ]);
    expect(r.ok && r.messageRef).toBe(`-354:${m!.messageId}:photo`);
  });

  it('sends the whole text as an answer to the chart when Details is pressed; the chart stays', async () => {
    const chat = -355;
    const svc = h.services;
    // A /liqs answer too long for a caption: the bundled day's, with its last field doubled.
    const { runCommandLine } = await import('../../../commands/index.js');
    const full = await runCommandLine('/liqs eth', { chat: { key: `telegram:${chat}`, platform: 'telegram', kind: 'group' }, user: { id: 'x' }, isAdmin: false, now: svc.now(), services: svc });
    const long: Reply = { ...full, fields: [...(full.fields ?? []), ...(full.fields ?? [])], image: image() };
    await h.adapter.deliver({ chat: `telegram:${chat}` }, long);
    const [photo] = h.fake.sentTo(chat);
    expect(photo!.keyboard!.flat().at(-1)).toEqual({ text: 'Details', callback_data: 'details:liqs ETH 24h' });
    pressButton(h.fake, chat, photo!.messageId, 'Details');
    await h.fake.waitFor(() => h.fake.sentTo(chat).length === 2, 'the details');
    const details = h.fake.sentTo(chat)[1]!;
    expect(details).toMatchObject({ kind: 'text', replyTo: photo!.messageId });
    expect(details.keyboard).toBeUndefined();
    expect(details.text).toContain('ETH liquidations · 24h');
    expect(details.text).toContain('Largest');
    expect(h.fake.message(chat, photo!.messageId)!.history).toEqual([]);
  });

  it('answers /liqs with the chart and its caption; a button swaps both in place', async () => {
    const chat = -352;
    sendCommand(h.fake, chat, '/liqs eth', { from: alice });
    await h.fake.waitFor(() => h.fake.sentTo(chat).length === 1, 'the /liqs photo');
    const [m] = h.fake.sentTo(chat);
    expect(m).toMatchObject({ kind: 'photo', photoName: 'liqs.png' });
    expect(m!.text).toContain('ETH liquidations · 24h');
    const rendered = renders;
    pressButton(h.fake, chat, m!.messageId, '4h');
    await h.fake.waitFor(() => h.fake.message(chat, m!.messageId)!.history.length === 1, 'the photo edited');
    expect(h.fake.callsOf('editMessageMedia').some((c) => Number(c.params.chat_id) === chat)).toBe(true);
    expect(h.fake.message(chat, m!.messageId)!.text).toContain('ETH liquidations · 4h');
    expect(renders).toBe(rendered + 1);
    expect(h.fake.sentTo(chat)).toHaveLength(1);
  });

  it('edits both the text and the chart above it when a button under a long reply is pressed', async () => {
    const long = (w: string): Reply => ({ title: [`ETH ${w}`], blocks: [[['y'.repeat(1500)]]], image: image(`${w}.png`), buttons: [{ label: '4h', command: 'liqs ETH 4h' }] });
    await h.adapter.deliver({ chat: 'telegram:-353' }, long('24h'));
    const [chart, text] = h.fake.sentTo(-353);
    pressButton(h.fake, -353, text!.messageId, '4h');
    // Two edits: the chart, then the text under it; wait for both (a loaded machine may land them apart).
    await h.fake.waitFor(
      () => h.fake.message(-353, chart!.messageId)!.history.length === 1 && h.fake.message(-353, text!.messageId)!.history.length === 1,
      'the chart and the text replaced',
    );
    expect(h.fake.message(-353, chart!.messageId)).toMatchObject({ photoName: 'liqs.png' });
    expect(h.fake.message(-353, text!.messageId)!.text).toContain('ETH liquidations · 4h');
  });
});

describe('a chat that does not let the bot send photos', () => {
  const refusePhotos = (chat: number) => h.fake.fail({ method: 'sendPhoto', chatId: chat, error: { code: 400, description: 'Bad Request: not enough rights to send photos to the chat' } });

  it('answers /liqs as text, replying to the asker, with its buttons', async () => {
    const chat = -1_000_000_000_360;
    refusePhotos(chat);
    const asked = sendCommand(h.fake, chat, '/liqs eth', { from: alice });
    await h.fake.waitFor(() => h.fake.sentTo(chat).length === 1, 'the /liqs answer');
    const [m] = h.fake.sentTo(chat);
    expect(m).toMatchObject({ kind: 'text', replyTo: asked });
    expect(m!.text).toContain('ETH liquidations · 24h');
    expect(m!.keyboard?.flat().map((k) => k.callback_data)).toContain('liqs ETH 4h');
    expect(h.fake.callsOf('sendPhoto').filter((c) => Number(c.params.chat_id) === chat)).toHaveLength(1);
  });

  it('delivers an alert with a chart (the weekly digest) as text, and keeps the chat', async () => {
    const chat = -1_000_000_000_361;
    refusePhotos(chat);
    const r = await h.adapter.deliver({ chat: `telegram:${chat}` }, { ...short('Weekly levels digest'), image: image('digest.png') });
    const [m] = h.fake.sentTo(chat);
    expect(m).toMatchObject({ kind: 'text', text: 'Weekly levels digest\n\nLongs $1.2M' });
    expect(r).toEqual({ ok: true, messageRef: `${chat}:${m!.messageId}` });
  });
});

describe('a forum topic since deleted', () => {
  const topicGone = (chat: number, method: string) => h.fake.fail({ method, chatId: chat, times: 1, error: { code: 400, description: 'Bad Request: message thread not found' } });

  it("delivers an alert for it in the chat's General, and keeps the chat", async () => {
    const chat = -1_000_000_000_362;
    topicGone(chat, 'sendMessage');
    const r = await h.adapter.deliver({ chat: `telegram:${chat}`, target: '12' }, short('ETH lost $2,460'));
    const [m] = h.fake.sentTo(chat);
    expect(m!.text).toContain('ETH lost $2,460');
    expect(m!.threadId).toBeUndefined();
    expect(r).toEqual({ ok: true, messageRef: `${chat}:${m!.messageId}` });
  });

  it("answers a command asked in it in the chat's General", async () => {
    const chat = -1_000_000_000_363;
    topicGone(chat, 'sendPhoto');
    sendCommand(h.fake, chat, '/liqs eth', { topic: 7 });
    await h.fake.waitFor(() => h.fake.sentTo(chat).length === 1, 'the /liqs answer');
    const [m] = h.fake.sentTo(chat);
    expect(m!.kind).toBe('photo');
    expect(m!.threadId).toBeUndefined();
    // Tried in the topic, then in General (multipart fields arrive as text).
    expect(h.fake.calls.filter((c) => Number(c.params.chat_id) === chat && c.method === 'sendPhoto').map((c) => c.params.message_thread_id)).toEqual(['7', undefined]);
  });
});
