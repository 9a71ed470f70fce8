/**
 * A reply posts at most three messages (a chart sent apart counts as one): a chat with hundreds of levels gets its
 * list shortened, the title and the closing parts kept and one line saying how many lines were left out and why,
 * never a page of screens that floods the group and spends the sending budget the other chats share. Each message
 * is HTML Telegram accepts (the fake's strict parser), cut neither inside an entity nor inside an emoji.
 */
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { levelId } from '../../../src/core/levels.js';
import { MESSAGE_LIMIT, renderMessages, replyMessages } from '../../../src/adapters/telegram/render.js';
import { b, toned, type Line, type Reply, type ReplyImage, type Span } from '../../../src/replies/reply.js';
import { parseTelegramHtml } from '../../fakes/telegram/html.js';
import { alice, sendCommand } from '../../fakes/telegram/updates.js';
import { startHarness, type Harness } from './harness.js';
import { settled } from './settle.js';

const visible = (html: string) => parseTelegramHtml(html).text;
const CAPPED = '(a reply here is at most 3 messages)';

/** A /level list of `n` rows of exactly 100 characters, their labels full of HTML specials and an emoji. */
const rowText = (i: number) => `ETH ${1000 + i} <&> 🚀 ${'x'.repeat(84)}`;
const row = (i: number): Line => [b(rowText(i).slice(0, 8)), rowText(i).slice(8)];
const list = (n: number): Reply => ({
  title: ['Levels in this chat'],
  blocks: [Array.from({ length: n }, (_, i) => row(i)), [['Also watched here for everyone: ETH (', b('/levels eth'), ')']]],
  footer: [toned('2026-02-01 00:00 UTC', 'muted')],
});

describe('replyMessages: at most three messages a reply', () => {
  it('shortens 200 rows to three full messages, keeping the title and the closing parts, saying how many rows it left out', () => {
    expect(rowText(0)).toHaveLength(100);
    expect(renderMessages(list(200))).toHaveLength(6);
    const parts = replyMessages(list(200)).map(visible);
    // 40 rows of 100 characters and their line breaks fill a message (21 + 40 × 101 = 4,061 with the title; 4,039);
    // the third keeps 135 for the note and the closing parts. Shortened first to 120 rows (12,276 of 3 × 4,096), the
    // note and the closing parts spilled into a fourth message (135): to 118 rows, 38 in the third (3,973).
    const rows = (from: number, to: number) => Array.from({ length: to - from }, (_, i) => rowText(from + i)).join('\n');
    expect(parts).toEqual([
      `Levels in this chat\n\n${rows(0, 40)}`,
      rows(40, 80),
      `${rows(80, 118)}\n… 82 more lines not shown ${CAPPED}\n\nAlso watched here for everyone: ETH (/levels eth)\n\n2026-02-01 00:00 UTC`,
    ]);
    expect(parts.map((p) => p.length)).toEqual([4060, 4039, 3973]);
  });

  it('leaves a reply of three messages or fewer whole', () => {
    expect(renderMessages(list(110))).toHaveLength(3);
    expect(replyMessages(list(110))).toEqual(renderMessages(list(110)));
    expect(replyMessages(list(3))).toEqual(renderMessages(list(3)));
  });

  it('says the same in plain text, for a send without parse mode', () => {
    const parts = replyMessages(list(200), true);
    expect(parts).toHaveLength(3);
    expect(parts[2]).toContain(`… 82 more lines not shown ${CAPPED}`);
    expect(parts[2]).toContain('<&> 🚀');
  });

  it('cuts lines longer than a message after the third, never inside an entity or an emoji, and says the rest is left out', () => {
    const label = '&<🙂'.repeat(5_000);
    const parts = replyMessages({ blocks: [[['Label: ', b(label)]]], footer: ['2026-02-01 00:00 UTC'] });
    expect(parts).toHaveLength(3);
    const texts = parts.map(visible);
    for (const t of texts) expect(t.length).toBeLessThanOrEqual(MESSAGE_LIMIT);
    expect(texts[2]!.endsWith(`\n\n… the rest not shown ${CAPPED}`)).toBe(true);
    const shown = texts.join('').replace(`\n\n… the rest not shown ${CAPPED}`, '');
    expect(shown.length).toBeGreaterThan(3 * 4_000);
    expect(`Label: ${label}`.startsWith(shown)).toBe(true);
    expect(shown).not.toMatch(/[\ud800-\udbff](?![\udc00-\udfff])/);
  });

  const span: fc.Arbitrary<Span> = fc.oneof(
    fc.string({ unit: 'binary', maxLength: 300 }),
    fc.record({ text: fc.string({ unit: 'binary', maxLength: 300 }), bold: fc.boolean(), code: fc.boolean(), tone: fc.constantFrom(undefined, 'muted' as const) }),
  );
  const line = fc.array(span, { minLength: 1, maxLength: 4, size: 'max' });
  const reply: fc.Arbitrary<Reply> = fc.record({
    title: fc.option(line, { nil: undefined }),
    blocks: fc.array(fc.array(line, { minLength: 1, maxLength: 20, size: 'max' }), { maxLength: 12, size: 'max' }),
    footer: fc.option(line, { nil: undefined }),
  });

  it('for any reply and message size: at most three messages, each accepted by Telegram and within the size', () => {
    fc.assert(
      fc.property(reply, fc.constantFrom(MESSAGE_LIMIT, 300, 80), fc.boolean(), (r, limit, plain) => {
        const parts = replyMessages(r, plain, 3, limit);
        expect(parts.length).toBeLessThanOrEqual(3);
        for (const p of parts) expect((plain ? p : visible(p)).length).toBeLessThanOrEqual(limit);
      }),
      { numRuns: 200 },
    );
  });
});

/** A PNG signature and a few bytes: the fake checks that a photo arrived, not what it shows. */
const PNG = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 1, 2, 3, 4]);
const chart = (): ReplyImage => ({ render: async () => PNG, width: 1200, height: 675, alt: 'ETH levels chart', filename: 'levels.png' });

describe('over the fake Bot API', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({ services: { charts: { liqs: () => undefined, levels: () => chart() } } });
  });
  afterAll(async () => {
    await h?.stop();
  });

  /** `n` levels of the chat's own on ETH, each with a 60-character label (the default most), lowest first. */
  function seed(chat: number, n: number): void {
    const key = `telegram:${chat}`;
    for (let i = 0; i < n; i++) {
      const level = 1000 + i * 10;
      const label = `level ${String(i).padStart(3, '0')} ${'z'.repeat(50)}`;
      h.services.apply({ kind: 'level.put', level: { id: levelId('ETH', level, key), asset: 'ETH', level, label, source: 'chat', chat: key, createdAt: 0 } });
    }
  }
  const sends = (method: string, chat: number) => h.fake.callsOf(method).filter((c) => Number(c.params.chat_id) === chat && c.status === 200);
  const leftOut = (text: string) => Number(/… (\d+) more lines not shown \(a reply here is at most 3 messages\)/.exec(text)?.[1]);

  it('answers /level list of 300 levels in three sendMessage calls, the first replying, the last saying how many rows it left out', async () => {
    const chat = -1_000_000_003_901;
    seed(chat, 300);
    const asked = sendCommand(h.fake, chat, '/level list', { from: alice });
    // The list's last part; once it is in and the bot is idle, every message of the reply went out.
    await h.fake.waitFor(() => h.fake.sentTo(chat).some((m) => /Also watched here for everyone/.test(m.text)), 'the end of the list');
    await settled(h);

    expect(sends('sendMessage', chat)).toHaveLength(3);
    const sent = h.fake.sentTo(chat);
    expect(sent).toHaveLength(3);
    expect(sent[0]!.replyTo).toBe(asked);
    expect(sent[0]!.text.startsWith('Levels in this chat\n\nETH $1,000 level 000 ')).toBe(true);
    const all = sent.map((m) => m.text).join('\n');
    const shown = all.split('\n').filter((l) => /^ETH \$[\d,]+ level \d{3} z{50}$/.test(l)).length;
    expect(shown).toBeGreaterThan(100);
    expect(shown + leftOut(sent[2]!.text)).toBe(300);
    for (const m of sent) expect(m.text.length).toBeLessThanOrEqual(MESSAGE_LIMIT);
  });

  it('answers /levels eth of 300 levels with its chart and two messages of text, the footer kept', async () => {
    const chat = -1_000_000_003_902;
    seed(chat, 300);
    sendCommand(h.fake, chat, '/levels eth', { from: alice });
    // The footer (sources and time) comes last.
    await h.fake.waitFor(() => h.fake.sentTo(chat).some((m) => m.kind === 'text' && / UTC$/.test(m.text)), 'the footer');
    await settled(h);

    expect(sends('sendPhoto', chat)).toHaveLength(1);
    expect(sends('sendMessage', chat)).toHaveLength(2);
    const [photo, ...text] = h.fake.sentTo(chat);
    expect(photo!.kind).toBe('photo');
    expect(text[0]!.replyTo).toBe(photo!.messageId);
    expect(text[0]!.text.startsWith('ETH levels')).toBe(true);
    const all = text.map((m) => m.text).join('\n');
    const shown = all.split('\n').filter((l) => /^\$[\d,]+ level \d{3} z{50} · /.test(l)).length;
    // The rows (and the estimate's lines below the reading) are shortened; the first note counts the rows: ours and
    // the bundled day's four ($3,000, $2,750–2,800, $2,500, the $2,357 cascade low).
    expect(shown).toBeGreaterThan(20);
    expect(shown + leftOut(all)).toBe(304);
    expect(all).toContain('Reclaiming $3,000 would invalidate the breakdown');
    expect(text[1]!.text).toMatch(/\n\nSources: .* UTC$/);
  });
});
